#!/usr/bin/env bash
# A handler that never returns delays only its own service: the other
# service of the same host still answers controls and stops.  A second
# SIGINT makes the console give up on the hung service.
#
# Each check that something does not happen first shows that it would
# have been seen: the same line appears for a healthy handler, and a
# later marker (answered by the console in order) has been seen.
. "$(dirname "$0")/lib.sh"

group pair Hang Other
service Hang pair "$TEST_PLUGINS/hang.so" Out="$ROOT/hang.txt"
service Other pair "$TEST_PLUGINS/simple.so"

console pair
wait_for "$ROOT/host.out" '^Hang RUNNING$'
wait_for "$ROOT/host.out" '^Other RUNNING$'

# Hang answers INTERROGATE while its handler is free: the line that must
# not appear later is the one this shows.
send interrogate Hang
wait_for "$ROOT/host.out" '^Hang control=INTERROGATE result=0$'

# The handler writes "control 200" to Out as it enters its hang.
send control Hang 200
wait_for "$ROOT/hang.txt" '^control 200$'
for i in 1 2 3; do
    send interrogate Other
done
send control Other 130
wait_for "$ROOT/host.out" '^Other control=130 result=0$'
[ "$(grep -c '^Other control=INTERROGATE result=0$' "$ROOT/host.out")" -eq 3 ] ||
    fail "Other did not answer every INTERROGATE"
pass "Other answers while Hang's handler hangs"

# Hang's INTERROGATE is queued behind its hung handler.  Three controls of
# Other, each sent after the previous one was answered, go through the
# console after it: had Hang's been answered, its line would be there.
send interrogate Hang
for code in 131 132 133; do
    send control Other $code
    wait_for "$ROOT/host.out" "^Other control=$code result=0\$"
done
[ "$(grep -c '^Hang control=INTERROGATE' "$ROOT/host.out")" -eq 1 ] &&
    [ "$(grep -c '^control 200$' "$ROOT/hang.txt")" -eq 1 ] ||
    fail "Hang answered although its handler hangs"
pass "Hang's controls wait behind its own hung handler"

kill -INT "$HOST"
wait_for "$ROOT/host.out" '^Other STOPPED$'
# The console still reads commands after Other stopped: had it quit once
# Other was down, this would not be answered.
send help
wait_for "$ROOT/host.out" '^commands: '
kill -0 "$HOST" || fail "host exited although Hang never stopped"
grep -q 'still RUNNING' "$ROOT/host.out" && fail "the console gave up on Hang before a second SIGINT"
kill -INT "$HOST"
wait_exit "$HOST"
# The same check that found the host alive above finds it gone now.
kill -0 "$HOST" 2>/dev/null && fail "host still there after its exit"
[ "$RC" -ne 0 ] || fail "forced exit returned 0"
grep -q 'Hang still RUNNING' "$ROOT/host.out" || fail "forced exit did not name the hung service"
pass "second SIGINT forces the exit (exit $RC)"
