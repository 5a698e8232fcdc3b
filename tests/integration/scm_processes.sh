#!/usr/bin/env bash
# An own-process service runs in a PID of its own; a host killed with
# SIGKILL leaves every service it held STOPPED with 1067 within a second,
# with 7034 logged; the next start spawns a fresh host.
. "$(dirname "$0")/lib.sh"

scmd
sc_ok create Own binPath= "$BIN/ownservice" type= own
sc_ok start Own
wait_state Own RUNNING
install A kill "$TEST_PLUGINS/simple.so"
install B kill "$TEST_PLUGINS/simple.so"
sc_ok start A
sc_ok start B
wait_state A RUNNING
wait_state B RUNNING
own=$(field Own PID)
host=$(field A PID)
[ "$own" != "$host" ] && [ "$own" -gt 0 ] || fail "own-process service shares PID $host"
tr '\0' ' ' </proc/"$own"/cmdline | contains ownservice || fail "PID $own is not ownservice"
sc_ok control Own 131
sc_ok stop Own
wait_state Own STOPPED
[ "$(field Own SERVICE_EXIT_CODE)" = 1 ] || fail "ownservice did not see the user control"
pass "own-process service in its own PID ($own vs $host)"

kill -KILL "$host"
sleep 1
[ "$(state A)" = STOPPED ] || fail "A is $(state A) a second after its host died"
[ "$(state B)" = STOPPED ] || fail "B is $(state B) a second after its host died"
[ "$(field A WIN32_EXIT_CODE)" = 1067 ] || fail "A exit code $(field A WIN32_EXIT_CODE)"
grep -q ' 7034 A ' "$ROOT/log/events.log" || fail "no 7034 for A"
grep -q ' 7034 B ' "$ROOT/log/events.log" || fail "no 7034 for B"
pass "SIGKILLed host: its services STOPPED with 1067, 7034 logged"

sc_ok start A
wait_state A RUNNING
[ "$(field A PID)" != "$host" ] || fail "dead host reused"
pass "a fresh host after the crash"

stop_scmd
[ "$RC" -eq 0 ] || fail "scmd exit $RC"
