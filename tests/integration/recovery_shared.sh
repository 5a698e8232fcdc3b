#!/usr/bin/env bash
# A crashed shared host: each of its services follows its own actions,
# and those restarted come back in one new host, with the same delay or
# not.
. "$(dirname "$0")/lib.sh"

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
