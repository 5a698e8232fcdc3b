#!/usr/bin/env bash
# The plugin guide's example, built exactly as the guide says against the
# installed headers and library (pkg-config svchost), runs in a group of
# the installed svchost.
. "$(dirname "$0")/lib.sh"

install_moved
export PKG_CONFIG_PATH=$PCDIR
export PKG_CONFIG_SYSROOT_DIR=

mkdir -p "$ROOT/src"
awk '/^```c$/ { on = 1; next } on && /^```$/ { exit } on { print }' \
    "$SOURCE_DIR/docs/plugin-guide.md" >"$ROOT/src/hello.c"
[ -s "$ROOT/src/hello.c" ] || fail "no C example in docs/plugin-guide.md"
(cd "$ROOT/src" && cc -shared -fPIC $(pkg-config --cflags --libs svchost) -o hello.so hello.c) ||
    fail "the guide's example does not build"
pass "the guide's example builds with pkg-config"

group hello Hello
service Hello hello "$ROOT/src/hello.so"
mkfifo "$ROOT/host.in"
(cd "$ROOT" && exec "$PREFIX/bin/svchost" -k hello --console --root "$ROOT" \
    <"$ROOT/host.in" >"$ROOT/host.out" 2>"$ROOT/host.err") &
HOST=$!
PIDS+=("$HOST")
exec 9>"$ROOT/host.in"
wait_for "$ROOT/host.out" '^Hello RUNNING$'
kill -INT "$HOST"
wait_exit "$HOST"
[ "$RC" -eq 0 ] || fail "exit $RC"
grep -qx 'Hello STOPPED' "$ROOT/host.out" || fail "Hello did not stop cleanly"
pass "the guide's plugin runs in the installed host"
