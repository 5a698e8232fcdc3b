#!/usr/bin/env bash
# A handler that never returns delays only its own service: the other
# service of the same host still answers controls and stops.  A second
# SIGINT makes the console give up on the hung service.
. "$(dirname "$0")/lib.sh"

group pair Hang Other
service Hang pair "$TEST_PLUGINS/hang.so"
service Other pair "$TEST_PLUGINS/simple.so"

console pair
wait_for "$ROOT/host.out" '^Hang RUNNING$'
wait_for "$ROOT/host.out" '^Other RUNNING$'

send control Hang 200
sleep 0.3
for i in 1 2 3; do
    send interrogate Other
done
send control Other 130
wait_for "$ROOT/host.out" '^Other control=130 result=0$'
[ "$(grep -c '^Other control=INTERROGATE result=0$' "$ROOT/host.out")" -eq 3 ] ||
    fail "Other did not answer every INTERROGATE"
pass "Other answers while Hang's handler hangs"

send interrogate Hang
sleep 0.3
grep -q '^Hang control=INTERROGATE' "$ROOT/host.out" && fail "Hang answered although its handler hangs"
pass "Hang's controls wait behind its own hung handler"

kill -INT "$HOST"
wait_for "$ROOT/host.out" '^Other STOPPED$'
sleep 0.3
kill -0 "$HOST" || fail "host exited although Hang never stopped"
kill -INT "$HOST"
wait_exit "$HOST"
[ "$RC" -ne 0 ] || fail "forced exit returned 0"
grep -q 'Hang still RUNNING' "$ROOT/host.out" || fail "forced exit did not name the hung service"
pass "second SIGINT forces the exit (exit $RC)"
