#!/usr/bin/env bash
# sc hosts /v attributes threads and CPU time to the service that created
# them: Burn spins on a second thread it created and named "worker" (not
# after the service), Idle does nothing; both share one host.
. "$(dirname "$0")/lib.sh"

scmd
install Burn mix "$TEST_PLUGINS/burn.so"
install Idle mix "$TEST_PLUGINS/simple.so"
sc_ok start Burn
sc_ok start Idle
wait_state Burn RUNNING
wait_state Idle RUNNING
pid=$(field Burn PID)
[ "$pid" = "$(field Idle PID)" ] || fail "not one host"
# The worker names itself once it runs, which may be after RUNNING.
for _ in $(seq 100); do thread_names "$pid" | grep -x worker >/dev/null && break; sleep 0.05; done
thread_names "$pid" | grep -x worker >/dev/null || fail "no thread named worker in $pid"
sleep 1.5

sc_ok hosts /v
echo "$OUT"
row() { echo "$OUT" | awk -v s="$1" '$1 == s { print; exit }'; }
burn=$(row Burn)
idle=$(row Idle)
host=$(echo "$OUT" | awk -v p="$pid" '$1 == p { print; exit }')
[ -n "$burn" ] && [ -n "$idle" ] && [ -n "$host" ] || fail "rows missing"
burn_threads=$(echo "$burn" | awk '{ print $2 }')
burn_cpu=$(echo "$burn" | awk '{ print $3 }')
idle_cpu=$(echo "$idle" | awk '{ print $3 }')
host_cpu=$(echo "$host" | awk '{ print $4 }')
[ "$burn_threads" -ge 2 ] || fail "Burn has $burn_threads threads; its worker is not counted"
[ "$burn_cpu" -ge 500 ] || fail "Burn used only $burn_cpu ms"
[ "$burn_cpu" -gt $((idle_cpu * 5 + 50)) ] || fail "Burn $burn_cpu ms vs Idle $idle_cpu ms"
# The process total comes from /proc in clock ticks; allow two of them.
[ $((host_cpu + 20)) -ge "$burn_cpu" ] || fail "host total $host_cpu ms below Burn's $burn_cpu ms"
echo "$burn" | awk '{ exit !($4 > 0 && $5 > 0) }' || fail "no stack or image memory for Burn: $burn"
pass "CPU and threads of a plugin-created thread count for its service"

stop_scmd
[ "$RC" -eq 0 ] || fail "scmd exit $RC"
