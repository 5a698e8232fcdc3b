#!/usr/bin/env bash
# Split hosting, as Windows 10 does it: above SplitThresholdKB of RAM each
# share service runs in its own `svchost -k GROUP -s SERVICE`; a group's
# Split setting and a service's SvcHostSplitDisable override it; sc
# queryex and sc hosts show the instances.
. "$(dirname "$0")/lib.sh"

cmdline() { tr '\0' ' ' </proc/"$1"/cmdline; }

# Install with the default (no split), then stop scmd to edit files.
scmd
for s in A B C; do install "$s" sp "$TEST_PLUGINS/simple.so"; done
install D keep "$TEST_PLUGINS/simple.so"
install E keep "$TEST_PLUGINS/simple.so"
sc_ok start A
sc_ok start B
wait_state A RUNNING
wait_state B RUNNING
[ "$(field A PID)" = "$(field B PID)" ] || fail "without a threshold the group does not share"
stop_scmd

# Any machine has more than 1 KiB of RAM: split everything, except C,
# which disables splitting, and group keep, which never splits.
printf '[SCM]\nSplitThresholdKB = 1\n' >"$ROOT/config/scm.ini"
sed -i 's/^\[Service\]$/[Service]\nSvcHostSplitDisable = 1/' "$ROOT/config/services/C.ini"
sed -i 's/^\[keep\]$/[keep]\nSplit = never/' "$ROOT/config/svchost.ini"
scmd
for s in A B C D E; do sc_ok start "$s"; done
for s in A B C D E; do wait_state "$s" RUNNING; done
a=$(field A PID); b=$(field B PID); c=$(field C PID); d=$(field D PID); e=$(field E PID)
[ "$a" != "$b" ] && [ "$a" != "$c" ] && [ "$b" != "$c" ] || fail "A, B, C share a host: $a $b $c"
cmdline "$a" | contains -- "-k sp .*-s A" || fail "A's host: $(cmdline "$a")"
cmdline "$b" | contains -- "-s B" || fail "B's host: $(cmdline "$b")"
cmdline "$c" | contains -- " -s " && fail "C was split: $(cmdline "$c")"
[ "$d" = "$e" ] || fail "group keep (Split = never) was split: $d $e"
sc_ok hosts
echo "$OUT" | contains -E "^$a +sp +split +A$" || fail "sc hosts: $OUT"
echo "$OUT" | contains -E "^$c +sp +shared +C$" || fail "sc hosts: $OUT"
echo "$OUT" | contains -E "^$d +keep +shared +D, E$" || fail "sc hosts: $OUT"
pass "threshold splits; SvcHostSplitDisable and Split = never share"

sc_ok stop A
wait_state A STOPPED
for _ in $(seq 100); do kill -0 "$a" 2>/dev/null || break; sleep 0.05; done
kill -0 "$a" 2>/dev/null && fail "A's split host did not exit"
[ "$(state B)" = RUNNING ] || fail "B stopped with A"
sc_ok start A
wait_state A RUNNING
[ "$(field A PID)" != "$a" ] || fail "A restarted in a dead host"
cmdline "$(field A PID)" | contains -- "-s A" || fail "A restarted unsplit"
pass "a split instance lives and dies with its one service"

# A change through the API keeps the keys the wire does not carry.
grep -q '^SvcHostSplitDisable *= *1' "$ROOT/config/services/C.ini" || fail "C.ini has no SvcHostSplitDisable to keep"
sc_ok config C start= auto
grep -q '^SvcHostSplitDisable *= *1' "$ROOT/config/services/C.ini" || fail "sc config dropped SvcHostSplitDisable"
pass "sc config keeps SvcHostSplitDisable"
stop_scmd

# Split = always without any threshold.
printf '[SCM]\nSplitThresholdKB = 0\n' >"$ROOT/config/scm.ini"
sed -i 's/^Split = never$/Split = always/' "$ROOT/config/svchost.ini"
scmd
sc_ok start D
sc_ok start E
wait_state D RUNNING
wait_state E RUNNING
[ "$(field D PID)" != "$(field E PID)" ] || fail "Split = always did not split"
pass "Split = always"
stop_scmd
[ "$RC" -eq 0 ] || fail "scmd exit $RC"
