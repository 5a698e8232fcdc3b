#!/usr/bin/env bash
# A plugin that crashes takes its whole host down: the services of a
# group share one process (see docs/plugin-guide.md).  The SCM reports
# this as 1067 for every service of the host.
. "$(dirname "$0")/lib.sh"

group frail Crash Bystander
service Crash frail "$TEST_PLUGINS/crash.so" CrashAfterMs=300
service Bystander frail "$TEST_PLUGINS/simple.so"

console frail
wait_for "$ROOT/host.out" '^Bystander RUNNING$'
wait_exit "$HOST"
[ "$RC" -ne 0 ] || fail "host survived a crashing plugin"
grep -q '^Bystander STOPPED' "$ROOT/host.out" && fail "Bystander reported a clean stop"
pass "a crashing plugin kills the host (exit $RC)"
