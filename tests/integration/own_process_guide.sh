#!/usr/bin/env bash
# docs/own-process.md's example, built with the guide's own command
# against the installed tree, runs as two own-process services under the
# installed scmd (each in a process of its own) and on the console.
. "$(dirname "$0")/lib.sh"

install_moved
export PKG_CONFIG_PATH=$PCDIR
export PKG_CONFIG_SYSROOT_DIR=
libdir=$(pkg-config --variable=libdir svchost)
# The program is not installed beside libsvc: it finds it as any program
# linked with a library outside the system's paths would.
export LD_LIBRARY_PATH=$libdir

mkdir -p "$ROOT/src"
awk '/^```c$/ { on = 1; next } on && /^```$/ { exit } on { print }' \
    "$SOURCE_DIR/docs/own-process.md" >"$ROOT/src/mysvc.c"
[ -s "$ROOT/src/mysvc.c" ] || fail "no C example in docs/own-process.md"
cmd=$(grep -E '^cc -o mysvc mysvc\.c .*pkg-config' "$SOURCE_DIR/docs/own-process.md")
[ -n "$cmd" ] || fail "docs/own-process.md has no build command for mysvc"
# A program linked with a sanitizer build's libsvc needs the sanitizer's
# runtime too: the guide's command, with the tree's -fsanitize added.
san=
grep -q '^SVCHOST_SANITIZE:BOOL=ON' "$BUILD_DIR/CMakeCache.txt" && san=-fsanitize=address,undefined
grep -q '^SVCHOST_TSAN:BOOL=ON' "$BUILD_DIR/CMakeCache.txt" && san=-fsanitize=thread
export SAN_FLAGS=$san
cc() { command cc $SAN_FLAGS "$@"; }
export -f cc
(cd "$ROOT/src" && bash -euc "$cmd") >"$ROOT/cc.err" 2>&1 ||
    fail "the guide's command '$cmd' fails: $(cat "$ROOT/cc.err")"
pass "the guide's own-process example builds with its command"

scmd
for s in Alpha Beta; do
    sc_ok create "$s" binPath= "$ROOT/src/mysvc" type= own start= demand
    sc_ok start "$s"
done
wait_state Alpha RUNNING
wait_state Beta RUNNING
a=$(field Alpha PID); b=$(field Beta PID)
[ "$a" != "$b" ] && [ "$a" -gt 0 ] && [ "$b" -gt 0 ] || fail "Alpha $a and Beta $b do not have a process each"
tr '\0' ' ' </proc/"$a"/cmdline | contains "$ROOT/src/mysvc" || fail "PID $a is not the example"
sc_ok stop Alpha
wait_state Alpha STOPPED
[ "$(state Beta)" = RUNNING ] || fail "Beta stopped with Alpha"
sc_ok stop Beta
wait_state Beta STOPPED
pass "one executable installed as Alpha and Beta: a process each, each stops alone"
stop_scmd

mkfifo "$ROOT/con.in"
(SVCHOST_CONSOLE=1 exec "$ROOT/src/mysvc" <"$ROOT/con.in" >"$ROOT/con.out" 2>"$ROOT/con.err") &
con=$!
PIDS+=("$con")
exec 8>"$ROOT/con.in"
wait_for "$ROOT/con.out" '^MySvc RUNNING$'
echo "stop MySvc" >&8
wait_for "$ROOT/con.out" '^MySvc STOPPED$'
exec 8>&-
wait_exit "$con"
[ "$RC" -eq 0 ] || fail "the console run exited $RC"
pass "the example runs on the console as the guide shows"
