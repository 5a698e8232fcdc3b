#!/usr/bin/env bash
# A relocatable install: `cmake --install` into one prefix, the tree moved
# elsewhere, and then README's plugin build command, exactly as written,
# builds a plugin against it with pkg-config.  Installed in the installed
# plugin directory, it runs by its bare file name (ServiceDll= my.so) in a
# group of the installed scmd and svchost.
. "$(dirname "$0")/lib.sh"

install_moved
export PKG_CONFIG_PATH=$PCDIR
export PKG_CONFIG_SYSROOT_DIR=
for v in includedir libdir plugindir; do
    d=$(pkg-config --variable="$v" svchost)
    [ -d "$d" ] || fail "pkg-config's $v '$d' is not a directory of the moved tree"
done
[ "$(realpath "$(pkg-config --variable=plugindir svchost)")" = \
  "$(realpath "$(dirname "$(find "$PREFIX" -name echo.so | head -1)")")" ] ||
    fail "pkg-config's plugindir is not where echo.so was installed"
pass "svchost.pc points into the moved tree"

# README's command, word for word: its one `cc ... pkg-config ...` line.
cmd=$(grep -E '^cc .*pkg-config .*svchost' "$SOURCE_DIR/README.md")
[ "$(echo "$cmd" | wc -l)" -eq 1 ] || fail "README has no single plugin build command: '$cmd'"
out=$(echo "$cmd" | grep -oE -- '-o [^ ]+\.so' | cut -c4-)
src=$(echo "$cmd" | grep -oE '[^ ]+\.c( |$)' | head -1 | tr -d ' ')
[ -n "$out" ] && [ -n "$src" ] || fail "cannot tell the output and source of '$cmd'"
mkdir -p "$ROOT/src"
# The source: the plugin guide's complete example.
awk '/^```c$/ { on = 1; next } on && /^```$/ { exit } on { print }' \
    "$SOURCE_DIR/docs/plugin-guide.md" >"$ROOT/src/$src"
(cd "$ROOT/src" && bash -euc "$cmd") >"$ROOT/cc.err" 2>&1 ||
    fail "README's command '$cmd' fails: $(cat "$ROOT/cc.err")"
pass "README's plugin build command works against the moved tree"

plugindir=$(realpath "$(pkg-config --variable=plugindir svchost)")
cp "$ROOT/src/$out" "$plugindir/"
scmd
install Mine mygroup "$out"
sc_ok start Mine
wait_state Mine RUNNING
pid=$(host_pid Mine)
[ "$(readlink "/proc/$pid/exe")" = "$PREFIX/bin/svchost" ] ||
    fail "Mine runs in $(readlink "/proc/$pid/exe"), not the installed svchost"
grep -q " $plugindir/$out\$" "/proc/$pid/maps" || fail "the host did not load $plugindir/$out"
grep -q " $PREFIX/.*libsvc\.so" "/proc/$pid/maps" || fail "the host did not load the installed libsvc"
# The shipped samples are found the same way.
install Beat mygroup heartbeat.so IntervalMs=100 "File=$ROOT/beat.txt"
sc_ok start Beat
wait_state Beat RUNNING
[ "$(host_pid Beat)" = "$pid" ] || fail "Beat is not in the group's host"
sc_ok stop Mine
sc_ok stop Beat
wait_state Mine STOPPED
wait_state Beat STOPPED
stop_scmd
[ "$RC" -eq 0 ] || fail "scmd exited $RC"
pass "a bare ServiceDll runs from the installed plugin directory under the installed scmd"
