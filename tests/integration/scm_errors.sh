#!/usr/bin/env bash
# Each Win32 error of the SCM, reached through sc: the exit status is the
# error's low byte and the output names the failing call and the error.
. "$(dirname "$0")/lib.sh"

scmd --start-timeout 1500 --control-timeout 1500 --stop-timeout 2000
SIMPLE=$TEST_PLUGINS/simple.so

sc_fails 1060 query Nope
sc_fails 1060 start Nope
[ "$SC_RC" -eq $((1060 & 255)) ] || fail "exit status $SC_RC is not 1060's low byte"
pass "1060 service does not exist"

install A g1 "$SIMPLE"
sc_fails 1073 create A binPath= "svchost -k g1" type= share
pass "1073 exists"

sc_ok start A
wait_state A RUNNING
sc_fails 1056 start A
pass "1056 already running"

install B g1 "$SIMPLE"
sc_fails 1062 stop B
sc_fails 1062 pause B
pass "1062 not active"

sc_ok config B start= disabled
sc_fails 1058 start B
sc_ok config B start= demand
pass "1058 disabled"

install NoPause g1 "$TEST_PLUGINS/hang.so"
sc_ok start NoPause
wait_state NoPause RUNNING
sc_fails 1052 pause NoPause
pass "1052 control not accepted"

# A handler that never returns: ControlService times out with 1053 and
# event 7011; the other services of the host still answer.  The
# INTERROGATE just before it leaves the watchdog's timer armed for an
# earlier handler (it is not disarmed after each): the hung one still
# gets its full time from its own start, and then loses the reading.
sc_ok interrogate A
sc_fails 1053 control NoPause 200
grep -q ' 7011 NoPause ' "$ROOT/log/events.log" || fail "no 7011 event"
sc_ok interrogate A
# The hung handler ran on the thread that reads the channel: another took
# the reading over, which is why A still answers.
grep -q "a control's handler has not returned in [0-9]* ms: another thread reads the SCM's channel" \
    "$ROOT/scmd.err" || fail "the host did not hand its reading over: $(cat "$ROOT/scmd.err")"
sc_ok control A 130
sc_ok interrogate A
pass "1053 control timeout with 7011; the rest of the host answers (another thread reads on)"

# A STOP stuck behind the hung handler: alone in its host, the host is
# killed and the service written off with 1053.
install Lonely g5 "$TEST_PLUGINS/hang.so"
sc_ok start Lonely
wait_state Lonely RUNNING
lonely=$(field Lonely PID)
sc_fails 1053 control Lonely 200
sc_fails 1053 stop Lonely
wait_state Lonely STOPPED
[ "$(field Lonely WIN32_EXIT_CODE)" = 1053 ] || fail "Lonely exit code $(field Lonely WIN32_EXIT_CODE)"
for _ in $(seq 100); do kill -0 "$lonely" 2>/dev/null || break; sleep 0.05; done
kill -0 "$lonely" 2>/dev/null && fail "the hung service's host was not killed"
# With a neighbour, only the hung service is written off.
sc_fails 1053 stop NoPause
wait_state NoPause STOPPED
[ "$(state A)" = RUNNING ] || fail "A went down with its hung neighbour"
pass "stop timeout: host killed when alone, else the service alone is marked failed"

install Slow g2 "$TEST_PLUGINS/slowstart.so" WaitHintMs=800 StepMs=200 Steps=4
sc_ok start Slow
sc_fails 1061 stop Slow
wait_state Slow RUNNING
pass "1061 cannot accept control while START_PENDING"

# A start that stops making progress: its checkpoint does not advance
# within the wait hint.
install Stuck g3 "$TEST_PLUGINS/slowstart.so" WaitHintMs=300 StepMs=5000 Steps=2
sc_ok start Stuck
wait_state Stuck STOPPED 15
[ "$(field Stuck WIN32_EXIT_CODE)" = 1053 ] || fail "Stuck exit code $(field Stuck WIN32_EXIT_CODE)"
grep -q ' 7000 Stuck .*timely fashion' "$ROOT/log/events.log" || fail "no 7000 event"
pass "1053 start timeout with 7000"

# Dependencies.
sc_ok create NeedsGhost binPath= "svchost -k g4" type= share depend= Ghost ServiceDll= "$SIMPLE"
sc_fails 1075 start NeedsGhost
install Broken g4 "$TEST_PLUGINS/noentry.so"
sc_ok create NeedsBroken binPath= "svchost -k g4" type= share depend= Broken ServiceDll= "$SIMPLE"
sc_fails 1068 start NeedsBroken
[ "$(state NeedsBroken)" = STOPPED ] || fail "NeedsBroken started"
sc_ok create NeedsA binPath= "svchost -k g1" type= share depend= A ServiceDll= "$SIMPLE"
sc_ok start NeedsA
wait_state NeedsA RUNNING
sc_fails 1051 stop A
sc_fails 1059 config A depend= NeedsA
pass "1075 missing dependency, 1068 failed dependency, 1051 dependents running, 1059 cycle"

# Plugin failures surface as the service's exit code.
[ "$(field Broken WIN32_EXIT_CODE)" = 127 ] || fail "Broken exit code $(field Broken WIN32_EXIT_CODE)"
install Missing g1 "$ROOT/none.so"
sc_ok start Missing
wait_state Missing STOPPED
[ "$(field Missing WIN32_EXIT_CODE)" = 126 ] || fail "Missing exit code"
[ "$(state A)" = RUNNING ] || fail "A stopped with its neighbour's failure"
pass "127 and 126 from bad plugins; the group runs on"

# Access: any other user may query, not change.
if id nobody >/dev/null 2>&1 && command -v setpriv >/dev/null; then
    unprivileged_tools sc
    as_nobody() { LD_LIBRARY_PATH=$ULIB setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
    out=$(as_nobody env SVCHOST_ROOT="$ROOT" "$UBIN/sc" query A 2>&1) || fail "nobody cannot query: $out"
    echo "$out" | contains RUNNING || fail "nobody's query: $out"
    rc=0
    out=$(as_nobody env SVCHOST_ROOT="$ROOT" "$UBIN/sc" stop A 2>&1) || rc=$?
    echo "$out" | contains 'FAILED 5:' || fail "nobody could stop A: $out"
    rc=0
    out=$(as_nobody env SVCHOST_ROOT="$ROOT" "$UBIN/sc" create X binPath= /bin/true 2>&1) || rc=$?
    echo "$out" | contains 'FAILED 5:' || fail "nobody could create: $out"
    pass "5 access denied for other users; queries allowed"
fi

stop_scmd
[ "$RC" -eq 0 ] || fail "scmd exit $RC"
