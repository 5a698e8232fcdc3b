#!/usr/bin/env bash
# One bad plugin fails its own service with a Win32 error while the rest of
# the group runs: no ServiceMain -> 127, missing DLL -> 126, DLL with an
# unresolved symbol -> 126, ServiceMain returning while START_PENDING ->
# 1067, no ServiceDll at all -> 126.
. "$(dirname "$0")/lib.sh"

group mixed Good NoEntry Missing NotLoadable Early NoDll
service Good mixed "$TEST_PLUGINS/simple.so"
service NoEntry mixed "$TEST_PLUGINS/noentry.so"
service Missing mixed "$ROOT/does-not-exist.so"
service NotLoadable mixed "$TEST_PLUGINS/notloadable.so"
service Early mixed "$TEST_PLUGINS/earlyreturn.so"
printf '[Service]\nImagePath = svchost -k mixed\n' >"$ROOT/config/services/NoDll.ini"

console mixed
wait_for "$ROOT/host.out" '^Good RUNNING$'
wait_for "$ROOT/host.out" '^NoEntry STOPPED win32_exit_code=127 '
wait_for "$ROOT/host.out" '^Missing STOPPED win32_exit_code=126 '
wait_for "$ROOT/host.out" '^NotLoadable STOPPED win32_exit_code=126 '
wait_for "$ROOT/host.out" '^Early STOPPED win32_exit_code=1067 '
wait_for "$ROOT/host.out" '^NoDll STOPPED win32_exit_code=126 '
pass "each bad plugin stopped with its Win32 error"

grep -q 'does-not-exist.so' "$ROOT/host.err" || fail "the missing DLL's path is not logged"
grep -q 'noentry.so does not export ServiceMain' "$ROOT/host.err" || fail "the missing entry point is not logged"

# The good service still answers, and can be restarted.
send interrogate Good
wait_for "$ROOT/host.out" '^Good control=INTERROGATE result=0$'
send stop Good
wait_for "$ROOT/host.out" '^Good STOPPED$'
pass "the rest of the group runs"

wait_exit "$HOST"
[ "$RC" -ne 0 ] || fail "host exited 0 although services failed"
pass "host exits non-zero when a service failed (exit $RC)"
