#!/usr/bin/env bash
# The shared status table (lib/status_table.h): QueryServiceStatusEx of a
# published service needs no round trip (it answers while scmd is
# stopped), a service whose descriptor keeps some users from querying it
# is not published (its queries wait for scmd), and a reader never sees
# half of one status and half of another while the state changes.
. "$(dirname "$0")/lib.sh"

READER=$BUILD_DIR/tests/status_reader
[ -x "$READER" ] || fail "$READER is not built"

group g1 S Hidden
scmd
install S g1 "$TEST_PLUGINS/simple.so"
install Hidden g1 "$TEST_PLUGINS/simple.so"
sc_ok start S
wait_state S RUNNING
sc_ok start Hidden
wait_state Hidden RUNNING
[ -s "$ROOT/run/status" ] || fail "no status table in run/"

# frozen NAME: reads NAME's status 1000 times while scmd is stopped
# (SIGSTOP); sets FROZEN_RC and FROZEN_OUT.
frozen() {
    local go=$ROOT/frozen.go
    rm -f "$go"
    "$READER" "$1" frozen 1000 "$go" >"$ROOT/frozen.out" 2>&1 &
    local reader=$!
    wait_for "$ROOT/frozen.out" "^ready$"
    kill -STOP "$SCMD"
    touch "$go"
    FROZEN_RC=0
    wait "$reader" || FROZEN_RC=$?
    kill -CONT "$SCMD"
    FROZEN_OUT=$(cat "$ROOT/frozen.out")
}

frozen S
[ "$FROZEN_RC" -eq 0 ] || fail "reading S's status needed scmd (exit $FROZEN_RC): $FROZEN_OUT"
echo "$FROZEN_OUT" | contains "^state 4$" || fail "S read from the table: $FROZEN_OUT"
pass "1000 status reads of a published service answered while scmd was stopped"

# Only root (SY) and Administrators may query Hidden: not for the table.
sc_ok sdset Hidden "D:(A;;CCLCSWRPWPDTLOCRRC;;;SY)(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;BA)"
frozen Hidden
[ "$FROZEN_RC" -eq 3 ] || fail "Hidden's status was read without scmd (exit $FROZEN_RC): $FROZEN_OUT"
# scmd answers again once it runs.
sc_ok query Hidden
echo "$OUT" | contains RUNNING || fail "query Hidden: $OUT"
sc_ok sdset Hidden "D:(A;;CCLCSWRPWPDTLOCRRC;;;SY)(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;BA)(A;;CCLCSWLOCRRC;;;IU)"
frozen Hidden
[ "$FROZEN_RC" -eq 0 ] || fail "Hidden published again but read through scmd: $FROZEN_OUT"
pass "a service not every user may query is not published; published again when they may"

# A deny ACE for one user keeps it out too.
sc_ok sdset Hidden "D:(D;;LC;;;S-1-22-1-4242)(A;;CCLCSWRPWPDTLOCRRC;;;SY)(A;;CCLCSWLOCRRC;;;IU)"
frozen Hidden
[ "$FROZEN_RC" -eq 3 ] || fail "Hidden, denied to uid 4242, was published: $FROZEN_OUT"
pass "a deny ACE on SERVICE_QUERY_STATUS unpublishes"

# A reader hammering the table while the state changes.
"$READER" S watch 4 >"$ROOT/watch.out" 2>&1 &
reader=$!
end=$((SECONDS + 3))
while [ $SECONDS -lt $end ]; do
    sc_ok pause S
    wait_state S PAUSED
    sc_ok continue S
    wait_state S RUNNING
    sc_ok stop S
    wait_state S STOPPED
    sc_ok start S
    wait_state S RUNNING
done
rc=0
wait "$reader" || rc=$?
out=$(cat "$ROOT/watch.out")
[ "$rc" -eq 0 ] || fail "the reader saw statuses that were not whole: $out"
changes=$(echo "$out" | awk '{ print $4 }')
[ "${changes:-0}" -ge 8 ] || fail "the reader saw too few changes to tell: $out"
pass "a reader saw $changes changes of state, every status whole ($out)"

# After an scmd restart, a new table: new handles read it.
stop_scmd
scmd
sc_ok start S
wait_state S RUNNING
frozen S
[ "$FROZEN_RC" -eq 0 ] || fail "after a restart, S's status needed scmd: $FROZEN_OUT"
pass "a restarted scmd publishes a new table"

stop_scmd
[ "$RC" -eq 0 ] || fail "scmd exit $RC"
