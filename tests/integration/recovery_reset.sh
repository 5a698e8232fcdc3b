#!/usr/bin/env bash
# The failure count resets after FailureResetPeriod seconds without a
# failure: the next one is the first again, and takes the first action.
. "$(dirname "$0")/lib.sh"

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
events 7031 Counted | sed -n 2p | contains 'done this 2 time(s).*in 10 milliseconds' ||
    fail "second failure: $(events 7031 Counted)"
pass "within the period the count goes on (second failure, second action)"

sleep 2.5   # the reset period, without a failure
kill -KILL "$pid"
pid=$(running_pid Counted "$pid")
events 7031 Counted | sed -n 3p | contains 'done this 1 time(s).*in 0 milliseconds' ||
    fail "after the period: $(events 7031 Counted)"
pass "after the reset period the count starts again from 1"

stop_scmd
[ "$RC" -eq 0 ] || fail "scmd exit $RC"
