#!/usr/bin/env bash
# The failure count survives a restart of scmd (kept in run/failures);
# a deleted service's count goes with it; a restart still waiting when
# scmd is killed is done by the next one, and a clean stop cancels it.
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

# A restart still waiting when scmd dies (SIGKILL) is not lost: the next
# scmd schedules it again for what is left of its delay.
sc_ok create Later binPath= "svchost -k later" type= share start= demand ServiceDll= "$TEST_PLUGINS/simple.so"
sc_ok failure Later reset= INFINITE actions= restart/2500
sc_ok start Later
pid=$(running_pid Later)
kill -KILL "$pid"
wait_for "$ROOT/log/events.log" ' 7031 Later .*in 2500 milliseconds: Restart the service\.$'
grep -q '^P 1 1 [0-9]* Later$' "$ROOT/run/failures" || fail "no waiting action in run/failures: $(cat "$ROOT/run/failures")"
kill -KILL "$SCMD"
wait_exit "$SCMD"
scmd
contains "Later: its failure action (Restart the service) still waits" <"$ROOT/scmd.err" ||
    fail "the new scmd did not take up the waiting restart: $(tail -3 "$ROOT/scmd.err")"
pid=$(running_pid Later "$pid")
grep -q '^P ' "$ROOT/run/failures" && fail "the action done is still in run/failures: $(cat "$ROOT/run/failures")"
pass "a restart waiting when scmd was killed is done by the next scmd"

# A clean stop cancels what waits: the services were stopped on purpose.
kill -KILL "$pid"
wait_for "$ROOT/log/events.log" ' 7031 Later .*It has done this 2 time\(s\)'
grep -q '^P 1 2 [0-9]* Later$' "$ROOT/run/failures" || fail "no waiting action: $(cat "$ROOT/run/failures")"
stop_scmd
[ "$RC" -eq 0 ] || fail "scmd exit $RC"
grep -q '^P ' "$ROOT/run/failures" && fail "a clean stop left the waiting action: $(cat "$ROOT/run/failures")"
grep -q '^2 [0-9]* Later$' "$ROOT/run/failures" || fail "the count went: $(cat "$ROOT/run/failures")"
scmd
sleep 3.5
[ "$(state Later)" = STOPPED ] || fail "Later was restarted after a clean stop of scmd: $(state Later)"
pass "a clean stop cancels a waiting restart and keeps the count"

stop_scmd
[ "$RC" -eq 0 ] || fail "scmd exit $RC"
