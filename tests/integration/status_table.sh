#!/usr/bin/env bash
# The shared status table (lib/status_table.h): QueryServiceStatusEx of a
# published service needs no round trip (it answers while scmd is
# stopped), a service whose descriptor keeps some users from querying it
# is not published (its queries wait for scmd), EnumServicesStatusEx
# reads the table and its names file while every service is published
# and everyone may enumerate (the same list scmd gives, changes seen at
# once), and a reader never sees half of one status and half of another
# while the state changes.
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

# frozen NAME [enum]: reads NAME's status 1000 times (or, with enum,
# enumerates every service 100 times) while scmd is stopped (SIGSTOP);
# sets FROZEN_RC and FROZEN_OUT.
frozen() {
    local go=$ROOT/frozen.go
    # The last reader's "ready" must not be taken for this one's.
    rm -f "$go" "$ROOT/frozen.out"
    "$READER" "$1" frozen $([ "${2:-}" = enum ] && echo "100 $go enum" || echo "1000 $go") \
        >"$ROOT/frozen.out" 2>&1 &
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

# Enumerations read the table too, with the names file beside it, when
# every service is published.  listing: the same enumeration with scmd
# running (LIST_OUT).
listing() {
    touch "$ROOT/frozen.go"
    LIST_OUT=$("$READER" S frozen 1 "$ROOT/frozen.go" enum 2>&1) || fail "enumerate: $LIST_OUT"
    LIST_OUT=$(echo "$LIST_OUT" | grep -v '^ready$')
}
# names_written: waits until scmd has written the names file of the
# table's current generation (it does so 20 ms after a change): the
# file's generation (a u32 at byte 16) is the one the table's header
# names (a u32 at byte 24); names_gone: until it has removed the file.
names_gen() { od -An -tu4 -j "$2" -N4 "$1" 2>/dev/null | tr -d ' '; }
names_written() {
    local deadline=$((SECONDS + TIMEOUT))
    until [ -n "$(names_gen "$ROOT/run/names" 16)" ] &&
          [ "$(names_gen "$ROOT/run/names" 16)" = "$(names_gen "$ROOT/run/status" 24)" ]; do
        [ $SECONDS -le $deadline ] || fail "scmd did not write run/names for its current generation"
        sleep 0.02
    done
}
names_gone() {
    local deadline=$((SECONDS + TIMEOUT))
    while [ -e "$ROOT/run/names" ]; do
        [ $SECONDS -le $deadline ] || fail "a names file remains when only SY and BA may enumerate"
        sleep 0.02
    done
}
frozen S enum
[ "$FROZEN_RC" -eq 3 ] || fail "an enumeration listing the unpublished Hidden was read without scmd: $FROZEN_OUT"
listing
from_scmd=$LIST_OUT
echo "$from_scmd" | contains "^Hidden|Hidden|4|" || fail "scmd's list: $from_scmd"
pass "with a service unpublished, an enumeration asks scmd"
sc_ok sdset Hidden "D:(A;;CCLCSWRPWPDTLOCRRC;;;SY)(A;;CCLCSWLOCRRC;;;IU)"
names_written
frozen S enum
[ "$FROZEN_RC" -eq 0 ] || fail "enumerating every service needed scmd (exit $FROZEN_RC): $FROZEN_OUT"
[ "$(echo "$FROZEN_OUT" | grep -v '^ready$')" = "$from_scmd" ] ||
    fail "the table's list differs from scmd's: table: $FROZEN_OUT; scmd: $from_scmd"
echo "$FROZEN_OUT" | contains "^S|S|4|[1-9]" || fail "S in the table's list: $FROZEN_OUT"
pass "100 enumerations answered while scmd was stopped, the list scmd gives ($(echo "$from_scmd" | wc -l) services)"

# A change shows at once (the names file is stale until written again),
# then in the table's list too.
sc_ok config S DisplayName= "Renamed S"
listing
echo "$LIST_OUT" | contains "^S|Renamed S|4|" || fail "the new display name right after the change: $LIST_OUT"
install New g1 "$TEST_PLUGINS/simple.so"
listing
echo "$LIST_OUT" | contains "^New|New|1|0$" || fail "a new service right after its creation: $LIST_OUT"
names_written
frozen S enum
[ "$FROZEN_RC" -eq 0 ] || fail "enumerating after the changes needed scmd: $FROZEN_OUT"
echo "$FROZEN_OUT" | contains "^S|Renamed S|4|" || fail "the table's list after a rename: $FROZEN_OUT"
echo "$FROZEN_OUT" | contains "^New|New|1|0$" || fail "the table's list after a create: $FROZEN_OUT"
sc_ok delete New
listing
echo "$LIST_OUT" | contains "^New|" && fail "a deleted service still listed: $LIST_OUT"
names_written
frozen S enum
[ "$FROZEN_RC" -eq 0 ] || fail "enumerating after a delete needed scmd: $FROZEN_OUT"
echo "$FROZEN_OUT" | contains "^New|" && fail "the table lists a deleted service: $FROZEN_OUT"
pass "a rename, a create and a delete show at once, and in the table's list once written"

# An SCM whose descriptor does not let every user enumerate writes no
# names file.
sc_ok sdshow scmanager
manager_sd=$(echo "$OUT" | grep -E '^[DO]:' | head -1)
[ -n "$manager_sd" ] || fail "sdshow scmanager: $OUT"
sc_ok sdset scmanager "D:(A;;CCLCRPRC;;;SY)(A;;KA;;;BA)"
names_gone
frozen S enum
[ "$FROZEN_RC" -eq 3 ] || fail "enumerated from the table although not every user may: $FROZEN_OUT"
sc_ok sdset scmanager "$manager_sd"
names_written
frozen S enum
[ "$FROZEN_RC" -eq 0 ] || fail "with the descriptor back, enumerating needed scmd: $FROZEN_OUT"
pass "no names file while the SCM's descriptor keeps some users from enumerating"

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

# A handle whose scmd was killed reads nothing from the table it left
# (the frozen reads above show that the same reader takes the table while
# that scmd lives).  dead_reader [enum]: one read after kill -9 of scmd.
dead_reader() {
    local go=$ROOT/dead.go
    rm -f "$go" "$ROOT/dead.out"
    "$READER" S frozen 1 "$go" ${1:-} >"$ROOT/dead.out" 2>&1 &
    local reader=$!
    wait_for "$ROOT/dead.out" "^ready$"
    kill -KILL "$SCMD"
    wait_exit "$SCMD"
    touch "$go"
    DEAD_RC=0
    wait "$reader" || DEAD_RC=$?
    DEAD_OUT=$(cat "$ROOT/dead.out")
    # The hosts wait for a new scmd to adopt them.
    scmd
}
dead_reader
[ "$DEAD_RC" -eq 1 ] || fail "a query after scmd was killed: exit $DEAD_RC: $DEAD_OUT"
echo "$DEAD_OUT" | contains "query: [1-9]" || fail "a query after scmd was killed: $DEAD_OUT"
names_written
frozen S enum
[ "$FROZEN_RC" -eq 0 ] || fail "the adopting scmd's table was not enumerated: $FROZEN_OUT"
dead_reader enum
[ "$DEAD_RC" -eq 1 ] || fail "an enumeration after scmd was killed: exit $DEAD_RC: $DEAD_OUT"
echo "$DEAD_OUT" | contains "enumerate: [1-9]" || fail "an enumeration after scmd was killed: $DEAD_OUT"
pass "after scmd is killed, its table answers neither a query nor an enumeration"

stop_scmd
[ "$RC" -eq 0 ] || fail "scmd exit $RC"
