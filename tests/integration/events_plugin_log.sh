#!/usr/bin/env bash
# A plugin's Log() lines reach the event log under its service's name,
# the level as the ID (0 error, 1 warning, 2 information): cut at 1 KiB,
# one line each, only for services the host runs, and rate-limited per
# host, the drop logged, scmd answering all along.
. "$(dirname "$0")/lib.sh"

scmd
EV=$ROOT/log/events.log
LOGGER=$TEST_PLUGINS/logger.so

# One line at each level that reaches the event log, a long one and one
# with control characters; the line after STOPPED comes too.
install Chatty g1 "$LOGGER" Lines=1 Level=1 Long=1
sc_ok start Chatty
wait_state Chatty RUNNING
wait_for "$EV" ' 1 Chatty line 1 of 1 from thread 0$'
grep -q ' 1 Chatty two lines and a tab$' "$EV" || fail "control characters not made spaces: $(grep ' Chatty two' "$EV")"
long=$(grep ' 1 Chatty long:' "$EV" | sed 's/.* 1 Chatty //')
[ "${#long}" -eq 1024 ] || fail "a 3005-byte line logged as ${#long} bytes"
# The host's stderr has the lines as before.
grep -q "\[Chatty\] long:xxx" "$ROOT/scmd.err" || fail "the host's stderr lost the long line"
sc_ok control Chatty 130
wait_for "$EV" ' 1 Chatty control 130$'
sc_ok stop Chatty
wait_state Chatty STOPPED
wait_for "$EV" ' 1 Chatty stopped cleanly$'
pass "Log() lines in events.log with the service's name and level; cut at 1 KiB; one line each"

install Loud g1 "$LOGGER" Lines=1 Level=0
install Quiet g1 "$LOGGER" Lines=1 Level=2
install Verbose g1 "$LOGGER" Lines=1 Level=3
sc_ok start Loud
sc_ok start Quiet
sc_ok start Verbose
wait_state Verbose RUNNING
wait_for "$EV" ' 0 Loud line 1 of 1 from thread 0$'
wait_for "$EV" ' 2 Quiet line 1 of 1 from thread 0$'
# DEBUG stays in the host (as Windows' OutputDebugString): the same plugin
# logged its lines above, so the grep would have seen this one.
sc_ok control Verbose 131
sc_ok control Quiet 131
wait_for "$EV" ' 2 Quiet control 131$'
grep -E ' [0-9] Verbose ' "$EV" && fail "a DEBUG line reached the event log"
pass "levels 0, 1, 2 as the ID; DEBUG not logged"

# A host may log only for its own services: Mine, in g2, names Other (in
# g3); the line is dropped and scmd says so.  Other's own lines come.
install Other g3 "$LOGGER" Lines=1
install Mine g2 "$LOGGER" Lines=1 Foreign=Other
sc_ok start Other
sc_ok start Mine
wait_state Mine RUNNING
wait_for "$EV" ' 2 Other line 1 of 1 from thread 0$'
wait_for "$EV" ' 2 Mine line 1 of 1 from thread 0$'
wait_for "$ROOT/scmd.err" 'logged a line for Other, which it does not run'
grep -q ' Other not mine$' "$EV" && fail "a host logged for a service it does not run"
pass "a line for a service of another host is dropped"

# A flood: 4 threads x 2000 lines at once from one host.  The first 100
# or so pass, the rest are dropped and the drop is logged once; scmd
# answers queries meanwhile and after.
install Flood g4 "$LOGGER" Lines=2000 Threads=4
sc_ok start Flood
wait_state Flood RUNNING 60
sc_ok query Chatty
wait_for "$EV" ' 1 Flood Log lines of host process [0-9]+ are dropped'
n=$(grep -c ' 2 Flood line ' "$EV" || true)
[ "$n" -ge 100 ] && [ "$n" -lt 8000 ] || fail "$n of 8000 flood lines logged"
[ "$(grep -c ' Flood Log lines of host process' "$EV")" -eq 1 ] || fail "the drop notice logged more than once"
pass "a flood: $n of 8000 lines logged, the drop noticed once"

# Once the host has kept quiet for a burst's worth (5 s), the next line
# brings the count of what was dropped.
sleep 5.5
sc_ok control Flood 132
wait_for "$EV" ' 2 Flood control 132$'
line=$(grep ' 1 Flood [0-9]* log line(s) of host process' "$EV") || fail "no count of the dropped lines"
dropped=$(echo "$line" | awk '{ print $4 }')
[ $((dropped + n)) -eq 8000 ] || fail "$dropped dropped + $n logged is not 8000"
sc_ok query Flood
echo "$OUT" | contains RUNNING || fail "scmd's answer after the flood: $OUT"
pass "after the flood: $dropped dropped, counted; scmd answers"

stop_scmd
[ "$RC" -eq 0 ] || fail "scmd exit $RC"
