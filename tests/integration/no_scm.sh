#!/usr/bin/env bash
# Without an SCM and without --console, StartServiceCtrlDispatcher fails
# with ERROR_FAILED_SERVICE_CONTROLLER_CONNECT (1063) and svchost exits
# non-zero, as a service process started by hand does on Windows.
. "$(dirname "$0")/lib.sh"

group demo Simple
service Simple demo "$TEST_PLUGINS/simple.so"

rc=0
"$BIN/svchost" -k demo --root "$ROOT" >"$ROOT/host.out" 2>"$ROOT/host.err" || rc=$?
[ $rc -ne 0 ] || fail "svchost exited 0 without an SCM"
grep -q 'FAILED 1063' "$ROOT/host.err" || fail "error 1063 not printed"
pass "1063 without an SCM (exit $rc)"

rc=0
"$BIN/svchost" --root "$ROOT" >/dev/null 2>&1 || rc=$?
[ $rc -eq 2 ] || fail "usage error exited $rc, not 2"
rc=0
"$BIN/svchost" -k nosuchgroup --console --root "$ROOT" >/dev/null 2>"$ROOT/host.err" || rc=$?
[ $rc -eq 1 ] || fail "unknown group exited $rc, not 1"
grep -q "nosuchgroup" "$ROOT/host.err" || fail "unknown group not named"
pass "usage and unknown group"
