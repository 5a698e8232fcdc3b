#!/usr/bin/env bash
# The CMake package: a plugin project of a few lines finds the installed
# (and moved) tree with find_package(svchost), links svchost::svc,
# installs its plugin into SVCHOST_PLUGIN_DIR, and the plugin runs there by
# its bare name under the installed scmd.
. "$(dirname "$0")/lib.sh"

install_moved
mkdir -p "$ROOT/src" "$ROOT/old"
awk '/^```c$/ { on = 1; next } on && /^```$/ { exit } on { print }' \
    "$SOURCE_DIR/docs/plugin-guide.md" >"$ROOT/src/hello.c"
cat >"$ROOT/src/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.18)
project(hello C)
find_package(svchost 0.1 REQUIRED)
add_library(hello MODULE hello.c)
set_target_properties(hello PROPERTIES PREFIX "" C_VISIBILITY_PRESET hidden)
target_link_libraries(hello PRIVATE svchost::svc)
install(TARGETS hello DESTINATION ${SVCHOST_PLUGIN_DIR})
CMAKE
cmake -S "$ROOT/src" -B "$ROOT/src/build" -DCMAKE_PREFIX_PATH="$PREFIX" >"$ROOT/cmake.out" 2>&1 ||
    fail "find_package(svchost) fails: $(cat "$ROOT/cmake.out")"
cmake --build "$ROOT/src/build" >>"$ROOT/cmake.out" 2>&1 || fail "the plugin does not build: $(cat "$ROOT/cmake.out")"
cmake --install "$ROOT/src/build" >>"$ROOT/cmake.out" 2>&1 || fail "the plugin does not install"
dll=$(find "$PREFIX" -name hello.so)
[ -n "$dll" ] && [ -f "$(dirname "$dll")/echo.so" ] ||
    fail "hello.so is not beside the shipped plugins: '$dll'"
pass "find_package(svchost) builds and installs a plugin into SVCHOST_PLUGIN_DIR"

# The version file refuses what this tree is not.
sed 's/find_package(svchost 0.1 REQUIRED)/find_package(svchost 99.0 REQUIRED)/' \
    "$ROOT/src/CMakeLists.txt" >"$ROOT/old/CMakeLists.txt"
cp "$ROOT/src/hello.c" "$ROOT/old/"
if cmake -S "$ROOT/old" -B "$ROOT/old/build" -DCMAKE_PREFIX_PATH="$PREFIX" >"$ROOT/old.out" 2>&1; then
    fail "find_package(svchost 99.0) accepted version $(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$BUILD_DIR/CMakeCache.txt")"
fi
pass "find_package(svchost 99.0) is refused"

scmd
install Hello hello hello.so IntervalMs=100
sc_ok start Hello
wait_state Hello RUNNING
pid=$(host_pid Hello)
[ "$(readlink "/proc/$pid/exe")" = "$PREFIX/bin/svchost" ] || fail "Hello is not in the installed svchost"
grep -q " $dll\$" "/proc/$pid/maps" || fail "the host did not load $dll"
sc_ok stop Hello
wait_state Hello STOPPED
stop_scmd
[ "$RC" -eq 0 ] || fail "scmd exited $RC"
pass "the find_package plugin runs by its bare name under the installed scmd"
