#!/usr/bin/env bash
# The failure count resets after FailureResetPeriod seconds without a
# failure: the next one is the first again, and takes the first action.
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

group reset Counted
rservice Counted reset "$TEST_PLUGINS/simple.so" "FailureResetPeriod = 2" \
    "FailureActions = restart/0/restart/10"
scmd

sc_ok start Counted
pid=$(running_pid Counted)
kill -KILL "$pid"
pid=$(running_pid Counted "$pid")
kill -KILL "$pid"
pid=$(running_pid Counted "$pid")
events 7031 Counted | sed -n 2p | grep -q 'done this 2 time(s).*in 10 milliseconds' ||
    fail "second failure: $(events 7031 Counted)"
pass "within the period the count goes on (second failure, second action)"

sleep 2.5   # the reset period, without a failure
kill -KILL "$pid"
pid=$(running_pid Counted "$pid")
events 7031 Counted | sed -n 3p | grep -q 'done this 1 time(s).*in 0 milliseconds' ||
    fail "after the period: $(events 7031 Counted)"
pass "after the reset period the count starts again from 1"

stop_scmd
[ "$RC" -eq 0 ] || fail "scmd exit $RC"
