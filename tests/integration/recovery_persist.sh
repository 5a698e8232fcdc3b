#!/usr/bin/env bash
# The failure count survives a restart of scmd (kept in run/failures);
# a deleted service's count goes with it.
. "$(dirname "$0")/lib.sh"

# rservice NAME GROUP DLL [LINE...]: a share service; LINEs before the
# first "--" end its [Service] section (the failure settings), those after
# go to [Parameters].
rservice() {
    local name=$1 grp=$2 dll=$3 params=0
    shift 3
    {
        printf '[Service]\nDisplayName = %s test service\nType = share\nStart = demand\n' "$name"
        printf 'ImagePath = svchost -k %s\n' "$grp"
        for l in "$@"; do
            if [ "$l" = -- ]; then
                printf '\n[Parameters]\nServiceDll = %s\n' "$dll"
                params=1
            else
                printf '%s\n' "$l"
            fi
        done
        [ $params = 1 ] || printf '\n[Parameters]\nServiceDll = %s\n' "$dll"
    } >"$ROOT/config/services/$name.ini"
}

# running_pid NAME [OLD]: waits until NAME is RUNNING in a process other
# than OLD; prints its PID.
running_pid() {
    local deadline=$((SECONDS + TIMEOUT)) pid st
    while :; do
        st=$("$BIN/sc" queryex "$1" 2>/dev/null || true)
        pid=$(echo "$st" | awk '$1 == "PID" { print $3; exit }')
        if echo "$st" | grep -q 'STATE.*RUNNING' && [ -n "$pid" ] && [ "$pid" != 0 ] &&
            [ "$pid" != "${2:-0}" ]; then
            echo "$pid"
            return 0
        fi
        [ $SECONDS -le $deadline ] || fail "$1 not RUNNING in a new process (last: $st)"
        sleep 0.02
    done
}

# events ID NAME: the texts of event ID for NAME, one a line, in order.
events() {
    awk -v id="$1" -v n="$2" '$2 == id && $3 == n { $1 = $2 = $3 = ""; sub(/^ +/, ""); print }' \
        "$ROOT/log/events.log"
}

group keep Kept
rservice Kept keep "$TEST_PLUGINS/simple.so" "FailureResetPeriod = 4294967295" "FailureActions = restart/0"
scmd

sc_ok start Kept
pid=$(running_pid Kept)
kill -KILL "$pid"
pid=$(running_pid Kept "$pid")
kill -KILL "$pid"
pid=$(running_pid Kept "$pid")
grep -q '^2 [0-9]* Kept$' "$ROOT/run/failures" || fail "run/failures: $(cat "$ROOT/run/failures")"
stop_scmd
[ "$RC" -eq 0 ] || fail "scmd exit $RC"

scmd
sc_ok start Kept
pid=$(running_pid Kept)
kill -KILL "$pid"
pid=$(running_pid Kept "$pid")
events 7031 Kept | sed -n 3p | grep -q 'It has done this 3 time(s)' ||
    fail "the count did not go on after the restart of scmd: $(events 7031 Kept)"
pass "failure count kept across a restart of scmd (3rd failure counted as 3)"

# Deleted and created again: a new service, counting from 1.
sc_ok stop Kept
wait_state Kept STOPPED
sc_ok delete Kept
sc_ok create Kept binPath= "svchost -k keep" type= share start= demand ServiceDll= "$TEST_PLUGINS/simple.so"
sc_ok start Kept
pid=$(running_pid Kept)
kill -KILL "$pid"
wait_for "$ROOT/log/events.log" ' 7034 Kept .*It has done this 1 time\(s\)\.$'
grep -q ' Kept$' "$ROOT/run/failures" && ! grep -q '^1 [0-9]* Kept$' "$ROOT/run/failures" &&
    fail "the deleted service's count is still in run/failures"
pass "a deleted service's count went with it"

stop_scmd
[ "$RC" -eq 0 ] || fail "scmd exit $RC"
