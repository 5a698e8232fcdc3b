#!/usr/bin/env bash
# A service that takes a while to start reports START_PENDING with rising
# checkpoints and its wait hint; the console shows each one, then RUNNING.
# A stop asked for while it starts is delivered once it runs.
. "$(dirname "$0")/lib.sh"

group slow Slow
service Slow slow "$TEST_PLUGINS/slowstart.so" WaitHintMs=700 StepMs=150 Steps=4

console slow
wait_for "$ROOT/host.out" '^Slow START_PENDING checkpoint=1 wait_hint=700$'
kill -INT "$HOST"
wait_for "$ROOT/host.out" '^Slow RUNNING$'
wait_exit "$HOST"
[ "$RC" -eq 0 ] || fail "host exited $RC"
for cp in 1 2 3 4; do
    grep -qx "Slow START_PENDING checkpoint=$cp wait_hint=700" "$ROOT/host.out" ||
        fail "checkpoint $cp not shown"
done
order=$(grep -n -E '^Slow (RUNNING|STOPPED)$' "$ROOT/host.out" | cut -d: -f2 | tr '\n' ' ')
[ "$order" = "Slow RUNNING Slow STOPPED " ] || fail "unexpected order: $order"
pass "checkpoints, wait hints, deferred stop"
