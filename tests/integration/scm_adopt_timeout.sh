#!/usr/bin/env bash
# An adopted host that never rejoins is killed: scmd dies (SIGKILL) while
# one of its hosts is stopped (SIGSTOP, so it cannot rejoin); the next
# scmd adopts both hosts from the journal, the other one rejoins, and the
# stopped one is killed once it has not rejoined for 10 s
# (SCM_ADOPT_REJOIN_MS): its service is STOPPED with 1067, the other
# host keeps its service RUNNING under the same PID throughout.  The
# secret a host rejoins with is not shown in its /proc environment.
. "$(dirname "$0")/lib.sh"

alive() { ps -p "$1" -o stat= 2>/dev/null | contains -v Z; }

scmd
install A stuck "$TEST_PLUGINS/simple.so"
install B fine "$TEST_PLUGINS/simple.so"
sc_ok start A
sc_ok start B
wait_state A RUNNING
wait_state B RUNNING
stuck=$(field A PID)
fine=$(field B PID)
[ "$stuck" != "$fine" ] || fail "A and B share a host"

# The rejoin secret a host was started with is in the journal only, not
# in what /proc shows of the host's environment.
secret=$(awk -v p="$fine" '$1 == "H" && $2 == p { print $4 }' "$ROOT/run/journal" | tail -1)
[ -n "$secret" ] || fail "no secret for host $fine in the journal"
tr '\0' '\n' </proc/"$fine"/environ | contains '^SVCHOST_ROOT=' || fail "cannot read host $fine's environment"
tr '\0' '\n' </proc/"$fine"/environ | contains -F "$secret" && fail "host $fine's environment shows its secret"
pass "the host's rejoin secret is not in its /proc environment"

kill -STOP "$stuck"
kill -KILL "$SCMD"
wait_exit "$SCMD"
scmd
ready=$SECONDS
wait_for "$ROOT/scmd.err" "host $fine \\(fine\\) rejoined"
[ "$(field B PID)" = "$fine" ] && [ "$(state B)" = RUNNING ] || fail "B: $(state B) in $(field B PID)"
alive "$stuck" || fail "the stopped host $stuck is gone already"
contains "host $stuck .*rejoined" <"$ROOT/scmd.err" && fail "the stopped host rejoined"
pass "both hosts adopted; the running one rejoined, the stopped one did not"

# Still there well before the deadline, and gone after it.
sleep 5
alive "$stuck" || fail "host $stuck killed within 5 s of scmd's start"
deadline=$((SECONDS + 20))
while alive "$stuck"; do
    [ $SECONDS -le $deadline ] || fail "host $stuck still alive $((SECONDS - ready)) s after scmd's start"
    sleep 0.2
done
contains "host $stuck has not rejoined in 10000 ms; killing it" <"$ROOT/scmd.err" ||
    fail "no log of the kill: $(tail -3 "$ROOT/scmd.err")"
wait_state A STOPPED
[ "$(field A WIN32_EXIT_CODE)" = 1067 ] || fail "A's exit code $(field A WIN32_EXIT_CODE), expected 1067"
[ "$(field B PID)" = "$fine" ] && [ "$(state B)" = RUNNING ] || fail "B: $(state B) in $(field B PID)"
pass "a host that does not rejoin in 10 s is killed, its service STOPPED with 1067; the other runs on"

sc_ok start A
wait_state A RUNNING
[ "$(field A PID)" != "$stuck" ] || fail "A started in the killed host"
stop_scmd
pass "A starts again in a new host"
