#!/usr/bin/env bash
# Delayed auto-start (SERVICE_DELAYED_AUTO_START_INFO, docs/shutdown.md):
# an auto-start service with DelayedAutostart = 1 starts after the other
# auto-start services have started, DelayedAutoStartDelayMs later; one
# started on demand meanwhile starts at once, as on Windows, and is not
# started a second time.
#
# The shutdowner plugin appends "TIME NAME running" to one file as each
# service reaches RUNNING (TIME: the wall clock in ms).
. "$(dirname "$0")/lib.sh"

OUTF=$ROOT/events.txt
DELAY=3000

# svc NAME DELAYED
svc() {
    {
        printf '[Service]\nType = share\nStart = auto\nImagePath = svchost -k late\n'
        printf 'DelayedAutostart = %s\n' "$2"
        printf '\n[Parameters]\nServiceDll = %s\nOut = %s\nStopDelayMs = 0\n' \
            "$TEST_PLUGINS/shutdowner.so" "$OUTF"
    } >"$ROOT/config/services/$1.ini"
}

# running_at NAME: when NAME reported RUNNING (ms), empty if it has not.
running_at() {
    awk -v n="$1" '$2 == n && $3 == "running" { sub(/\..*/, "", $1); print $1; exit }' "$OUTF" 2>/dev/null || true
}

now_ms() {
    local t=${EPOCHREALTIME/./}
    echo $((t / 1000))
}

printf '[SCM]\nDelayedAutoStartDelayMs = %s\n' "$DELAY" >"$ROOT/config/scm.ini"
group late Normal Late Eager
svc Normal 0
svc Late 1
svc Eager 1

scmd
wait_state Normal RUNNING
t_normal=$(running_at Normal)
[ -n "$t_normal" ] || fail "Normal RUNNING but not in the file"
# Right after: Late not started yet.  The same query shows Normal
# RUNNING, and Late RUNNING later: it would have seen Late started.
late_now=$(state Late)
elapsed=$(($(now_ms) - t_normal))
if [ "$elapsed" -lt "$DELAY" ]; then
    [ "$late_now" = STOPPED ] || fail "Late is $late_now ${elapsed} ms after Normal started"
    pass "Late still STOPPED ${elapsed} ms after Normal reached RUNNING"
else
    echo "note: the machine took ${elapsed} ms to query; the early check is left to the timestamps"
fi
grep -q "auto-start services started; the delayed ones start in $DELAY ms" "$ROOT/scmd.err" ||
    fail "no log line for the delay: $(cat "$ROOT/scmd.err")"

# A delayed service started on demand starts now.
sc_ok start Eager
wait_state Eager RUNNING
t_eager=$(running_at Eager)
if [ $((t_eager - t_normal)) -lt "$DELAY" ]; then
    [ -z "$(running_at Late)" ] || fail "Late started before the delay"
    pass "Eager, started on demand, runs before the delay"
fi

wait_state Late RUNNING $((DELAY / 1000 + 20))
t_late=$(running_at Late)
[ $((t_late - t_normal)) -ge "$DELAY" ] ||
    fail "Late reached RUNNING $((t_late - t_normal)) ms after Normal (delay $DELAY ms)"
pass "Late RUNNING $((t_late - t_normal)) ms after Normal (delay $DELAY ms)"

# The delayed pass went by Eager, already running: one start each.
sleep 0.5
for s in Normal Late Eager; do
    [ "$(grep -c " $s running$" "$OUTF")" -eq 1 ] || fail "$s started more than once: $(cat "$OUTF")"
done
pass "each service started once"

stop_scmd
[ "$RC" -eq 0 ] || fail "scmd exited $RC"

# Shutdown during the delay: the delayed service is never started, and
# scmd exits at once.  With the delay long, Late would otherwise start
# only long after: the test shows instead that the shutdown does not
# wait for the timer.
printf '[SCM]\nDelayedAutoStartDelayMs = 600000\n' >"$ROOT/config/scm.ini"
: >"$OUTF"
scmd
wait_state Normal RUNNING
wait_for "$ROOT/scmd.err" 'the delayed ones start in 600000 ms'
stop_scmd
[ "$RC" -eq 0 ] || fail "scmd exited $RC"
[ -z "$(running_at Late)" ] || fail "Late started"
pass "SIGTERM during the delay: scmd exits 0 without starting the delayed services"
