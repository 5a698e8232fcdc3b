#!/usr/bin/env bash
# scripts/demo on this build tree: one line of build output (the whole log
# only when the build fails), the group in one host, and at the end the
# same group measured split, with what sharing saved.
. "$(dirname "$0")/lib.sh"

port=$((20000 + RANDOM % 20000))
RC=0
DEMO_BUILD_DIR=$BUILD_DIR DEMO_PORT=$port CI=1 timeout 150 "$SOURCE_DIR/scripts/demo" \
    </dev/null >"$ROOT/demo.out" 2>&1 || RC=$?
[ "$RC" -eq 0 ] || fail "scripts/demo exited $RC"

# Before scmd starts: bootstrap (silent when nothing is missing) and one
# build line.
before=$(sed '/^== scmd/,$d' "$ROOT/demo.out")
[ "$(grep -c . <<<"$before")" -eq 1 ] || fail "the build printed more than one line: $before"
grep -qE '^== build .*done' <<<"$before" || fail "no build line: $before"
pass "the build is one line"

grep -q "hello from the demo" "$ROOT/demo.out" || fail "Echo did not answer"
table=$(sed -n '/^demo group, measured/,/^$/p' "$ROOT/demo.out")
shared=$(awk '/^shared \(one svchost\)/ { print $4, $5 }' <<<"$table")
split=$(awk '/^split \(one per service\)/ { print $5, $6 }' <<<"$table")
read -r sh_hosts sh_pss <<<"$shared"
read -r sp_hosts sp_pss <<<"$split"
[ "${sh_hosts:-}" = 1 ] && [ "${sp_hosts:-}" = 2 ] || fail "hosts shared/split: '$shared' / '$split'"
[ "$sh_pss" -gt 0 ] && [ "$sp_pss" -gt "$sh_pss" ] || fail "PSS shared $sh_pss, split $sp_pss"
grep -qE "^Sharing one host saved these two services $((sp_pss - sh_pss)) KiB of PSS" "$ROOT/demo.out" ||
    fail "no summary of what sharing saved"
grep -qE '^[0-9]+ +demo +split +(Echo|Heartbeat)$' "$ROOT/demo.out" || fail "the split run was not shown"
pass "the demo ends with what sharing saved, measured: $sh_pss KiB shared, $sp_pss KiB split"

# A build that fails shows its whole log.  (A build tree of another
# source tree: cmake refuses it.)
mkdir -p "$ROOT/other"
sed "s|^CMAKE_HOME_DIRECTORY:INTERNAL=.*|CMAKE_HOME_DIRECTORY:INTERNAL=$ROOT/nowhere|" \
    "$BUILD_DIR/CMakeCache.txt" >"$ROOT/other/CMakeCache.txt"
RC=0
DEMO_BUILD_DIR=$ROOT/other CI=1 "$SOURCE_DIR/scripts/demo" </dev/null >"$ROOT/fail.out" 2>&1 || RC=$?
[ "$RC" -ne 0 ] || fail "scripts/demo succeeded with a broken build"
grep -q "FAILED" "$ROOT/fail.out" && grep -q "CMake Error" "$ROOT/fail.out" ||
    fail "a failed build did not show its log: $(cat "$ROOT/fail.out")"
pass "a failed build shows its whole output"
