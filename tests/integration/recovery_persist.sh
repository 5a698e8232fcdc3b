#!/usr/bin/env bash
# The failure count survives a restart of scmd (kept in run/failures);
# a deleted service's count goes with it.
. "$(dirname "$0")/lib.sh"

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
events 7031 Kept | sed -n 3p | contains 'It has done this 3 time(s)' ||
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
