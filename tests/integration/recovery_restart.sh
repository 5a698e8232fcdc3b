#!/usr/bin/env bash
# Failure actions, restart: a host killed 100 times in a row with
# restart/0 (set by sc failure) comes back every time, in a new process,
# with 7031 counting the failures; a restart with a delay waits for it.
. "$(dirname "$0")/lib.sh"

# rservice NAME GROUP DLL [SERVICE_LINE...]: a share service whose
# [Service] section ends with the lines given (the failure settings).
rservice() {
    local name=$1 grp=$2 dll=$3
    shift 3
    {
        printf '[Service]\nDisplayName = %s test service\nType = share\nStart = demand\n' "$name"
        printf 'ImagePath = svchost -k %s\n' "$grp"
        for l in "$@"; do printf '%s\n' "$l"; done
        printf '\n[Parameters]\nServiceDll = %s\n' "$dll"
    } >"$ROOT/config/services/$name.ini"
}

# new_pid NAME OLD: waits until NAME is RUNNING in a process other than
# OLD; prints its PID.
new_pid() {
    local deadline=$((SECONDS + TIMEOUT)) pid st
    while :; do
        st=$("$BIN/sc" queryex "$1" 2>/dev/null || true)
        pid=$(echo "$st" | awk '$1 == "PID" { print $3; exit }')
        if echo "$st" | contains 'STATE.*RUNNING' && [ -n "$pid" ] && [ "$pid" != 0 ] &&
            [ "$pid" != "$2" ]; then
            echo "$pid"
            return 0
        fi
        [ $SECONDS -le $deadline ] || fail "$1 not RUNNING in a new process (last: $st)"
        sleep 0.02
    done
}

group slow Slow
rservice Slow slow "$TEST_PLUGINS/simple.so" "FailureResetPeriod = 4294967295" \
    "FailureActions = restart/3000"
scmd
# Set as an administrator would, with sc failure.
install Phoenix loop "$TEST_PLUGINS/simple.so"
sc_ok failure Phoenix reset= 4294967295 actions= restart/0
sc_ok qfailure Phoenix
echo "$OUT" | contains 'RESTART -- Delay = 0 milliseconds' || fail "sc qfailure: $OUT"

sc_ok start Phoenix
pid=$(new_pid Phoenix 0)
for i in $(seq 1 100); do
    kill -KILL "$pid"
    pid=$(new_pid Phoenix "$pid")
done
n=$(grep -c ' 7031 Phoenix .*Restart the service\.$' "$ROOT/log/events.log" || true)
[ "$n" -eq 100 ] || fail "7031 logged $n times for 100 kills"
grep -q ' 7031 Phoenix The Phoenix service terminated unexpectedly. It has done this 100 time(s). The following corrective action will be taken in 0 milliseconds: Restart the service.$' \
    "$ROOT/log/events.log" || fail "no 7031 counting the 100th failure"
grep -q ' 7034 Phoenix ' "$ROOT/log/events.log" && fail "7034 logged although an action was taken"
pass "a host killed 100 times with restart/0 came back every time (pid $pid)"

# A restart after 3 s: not before half of it, and then it is.
sc_ok start Slow
pid=$(new_pid Slow 0)
t0=$(date +%s%N)
kill -KILL "$pid"
wait_state Slow STOPPED
# The test would see a restart: it polls the state all along.
while [ $(( ($(date +%s%N) - t0) / 1000000 )) -lt 1500 ]; do
    [ "$(state Slow)" = STOPPED ] || fail "Slow restarted $(( ($(date +%s%N) - t0) / 1000000 )) ms after the crash, before half its 3000 ms delay"
    sleep 0.05
done
pid2=$(new_pid Slow "$pid")
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
grep -q ' 7031 Slow .*taken in 3000 milliseconds: Restart the service\.$' "$ROOT/log/events.log" ||
    fail "no 7031 for Slow"
pass "restart/3000 waited (back after $ms ms, pid $pid2)"

stop_scmd
[ "$RC" -eq 0 ] || fail "scmd exit $RC"
