#!/usr/bin/env bash
# A crashed shared host: each of its services follows its own actions,
# and those restarted come back in one new host, with the same delay or
# not.
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

group pair A B C
rservice A pair "$TEST_PLUGINS/simple.so" "FailureResetPeriod = 4294967295" "FailureActions = restart/200"
rservice B pair "$TEST_PLUGINS/simple.so" "FailureResetPeriod = 4294967295" "FailureActions = restart/200"
rservice C pair "$TEST_PLUGINS/simple.so"
scmd

for s in A B C; do sc_ok start $s; done
host=$(running_pid A)
[ "$(running_pid B)" = "$host" ] && [ "$(running_pid C)" = "$host" ] || fail "not one host"
kill -KILL "$host"
a=$(running_pid A "$host")
b=$(running_pid B "$host")
[ "$a" = "$b" ] || fail "A and B restarted in two hosts ($a, $b)"
[ "$(pgrep -f -c -- "-k pair --root $ROOT")" -eq 1 ] || fail "more than one host of the group: $(pgrep -af -- "-k pair")"
grep -q ' 7034 C .*It has done this 1 time(s)\.$' "$ROOT/log/events.log" || fail "no 7034 for C"
[ "$(state C)" = STOPPED ] || fail "C (no actions) is $(state C)"
pass "same delay: A and B back in one new host ($host -> $a), C left stopped"

# Different delays: the later one joins the host the first one spawned.
stop_scmd
rservice B pair "$TEST_PLUGINS/simple.so" "FailureResetPeriod = 4294967295" "FailureActions = restart/700"
scmd
sc_ok start A
sc_ok start B
host=$(running_pid A)
kill -KILL "$host"
a=$(running_pid A "$host")
b=$(running_pid B "$host")
[ "$a" = "$b" ] || fail "A (200 ms) and B (700 ms) restarted in two hosts ($a, $b)"
pass "different delays: B joined the host A's restart spawned"

stop_scmd
[ "$RC" -eq 0 ] || fail "scmd exit $RC"
