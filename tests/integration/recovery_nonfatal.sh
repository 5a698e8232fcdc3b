#!/usr/bin/env bash
# FailureActionsOnNonCrashFailures: a service that stops by itself with a
# non-zero exit code is a failure only when the flag is set (then its
# actions run); a clean stop never is.
. "$(dirname "$0")/lib.sh"

group quit Flagged Unflagged Clean
for s in Flagged Unflagged Clean; do
    flag=1
    [ $s = Unflagged ] && flag=0
    code=1066
    [ $s = Clean ] && code=0
    rservice $s quit "$TEST_PLUGINS/stopfail.so" "FailureResetPeriod = 4294967295" \
        "FailureActions = restart/0/none/0" "FailureActionsOnNonCrashFailures = $flag" -- \
        "StopAfterMs = 300" "ExitCode = $code"
done
scmd

# With the flag: restarted once (the second action is none).
sc_ok start Flagged
wait_for "$ROOT/log/events.log" ' 7031 Flagged '
events 7031 Flagged | contains -x 'The Flagged test service service terminated unexpectedly. It has done this 1 time(s). The following corrective action will be taken in 0 milliseconds: Restart the service.' ||
    fail "7031 for Flagged: $(events 7031 Flagged)"
n=0
while [ "$(grep -c ' 7036 Flagged .*running' "$ROOT/log/events.log")" -lt 2 ]; do
    [ $n -lt 400 ] || fail "Flagged not restarted after its stop with an error"
    n=$((n + 1))
    sleep 0.05
done
wait_state Flagged STOPPED
[ "$(field Flagged WIN32_EXIT_CODE)" = 1066 ] || fail "Flagged exit code $(field Flagged WIN32_EXIT_CODE)"
pass "with the flag, a stop with 1066 is a failure: restarted"

# Without the flag, or with exit code 0: not a failure.  Each runs for
# as long as Flagged took to be restarted, so a restart would be seen.
for s in Unflagged Clean; do
    sc_ok start $s
    wait_state $s STOPPED
    sleep 1
    [ "$(state $s)" = STOPPED ] || fail "$s restarted"
    [ "$(grep -c " 7036 $s .*running" "$ROOT/log/events.log")" -eq 1 ] || fail "$s ran twice"
    grep -q " 703[14] $s " "$ROOT/log/events.log" && fail "$s counted as a failure"
done
[ "$(field Unflagged WIN32_EXIT_CODE)" = 1066 ] || fail "Unflagged exit code $(field Unflagged WIN32_EXIT_CODE)"
pass "without the flag, or with exit code 0, no failure action"

stop_scmd
[ "$RC" -eq 0 ] || fail "scmd exit $RC"
