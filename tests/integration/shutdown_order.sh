#!/usr/bin/env bash
# scmd's shutdown on SIGTERM (docs/shutdown.md): PRESHUTDOWN first to the
# service that accepts it, and the rest only once it has stopped; then
# SHUTDOWN to the service that accepts only SHUTDOWN and STOP to the
# others, dependents first (C depends on B depends on A), each control
# once; scmd exits 0.  Then a service that ignores its control is killed
# after ShutdownTimeoutMs, and the log names it.
#
# The shutdowner plugin appends every control its handler gets to one
# file shared by all the services (one write() a line), accepted or not,
# so a control that should not have been sent would show there as the
# ones that should have do.
. "$(dirname "$0")/lib.sh"

OUTF=$ROOT/controls.txt

# svc NAME START DEPENDS [SERVICE-KEY=VALUE...] -- [PARAM=VALUE...]
svc() {
    local name=$1 start=$2 deps=$3
    shift 3
    {
        printf '[Service]\nType = share\nStart = %s\nImagePath = svchost -k shut\n' "$start"
        [ -n "$deps" ] && printf 'DependOnService = %s\n' "$deps"
        while [ $# -gt 0 ] && [ "$1" != -- ]; do
            printf '%s = %s\n' "${1%%=*}" "${1#*=}"
            shift
        done
        [ $# -gt 0 ] && shift
        printf '\n[Parameters]\nServiceDll = %s\nOut = %s\n' "$TEST_PLUGINS/shutdowner.so" "$OUTF"
        for kv in "$@"; do
            printf '%s = %s\n' "${kv%%=*}" "${kv#*=}"
        done
    } >"$ROOT/config/services/$name.ini"
}

# line_no REGEX: the number of the first line of the controls file that
# matches (fails if none).
line_no() {
    local n
    n=$(grep -nE -- "$1" "$OUTF" | head -1 | cut -d: -f1)
    [ -n "$n" ] || fail "no line /$1/ in the controls file"
    echo "$n"
}

# before REGEX1 REGEX2: the first match of REGEX1 comes before REGEX2's.
before() {
    [ "$(line_no "$1")" -lt "$(line_no "$2")" ] ||
        fail "/$1/ is not before /$2/: $(cat "$OUTF")"
}

group shut A B C P S
svc A auto "" -- Accept=stop StopDelayMs=300
svc B auto A -- Accept=stop StopDelayMs=300
svc C auto B -- Accept=stop StopDelayMs=300
# P takes its time to stop: the others must wait for it, well within its
# preshutdown timeout.
svc P auto "" PreshutdownTimeoutMs=15000 -- Accept=preshutdown,stop StopDelayMs=1000
svc S auto "" -- Accept=shutdown StopDelayMs=300

scmd
for s in A B C P S; do
    wait_state $s RUNNING
done
pid=$(host_pid A)
[ "$(host_pid P)" = "$pid" ] && [ "$(host_pid S)" = "$pid" ] || fail "not one host"
sc_ok queryex S
echo "$OUT" | contains 'ACCEPTS_SHUTDOWN' || fail "S does not show SHUTDOWN accepted: $OUT"
pass "five services running in one host"

# ControlService cannot send the SCM's own controls (Windows: 87), even
# to services that accept them; nothing reaches their handlers.
sc_fails 87 control S 5
sc_fails 87 control P 15
# C's handler records control 200 and answers that it does not take it.
sc_fails 1052 control C 200
wait_for "$OUTF" ' C CONTROL 200$'
grep -qE ' (S SHUTDOWN|P PRESHUTDOWN)$' "$OUTF" && fail "a client's shutdown control reached a handler"
pass "a client cannot send SHUTDOWN or PRESHUTDOWN (87); the file records what handlers get"

: >"$OUTF"
kill -TERM "$SCMD"
wait_exit "$SCMD" 30
[ "$RC" -eq 0 ] || fail "scmd exited $RC"
for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
kill -0 "$pid" 2>/dev/null && fail "the host outlived scmd"
for s in A B C P S; do
    grep -qE " $s stopped$" "$OUTF" || fail "$s did not stop: $(cat "$OUTF")"
done
pass "SIGTERM: every service stopped, scmd exited 0"

# What each service was sent: exactly one control, the right one.
controls=$(grep -vE ' (running|stopped)$' "$OUTF" | awk '{ print $2, $3 }' | sort | tr '\n' ',')
[ "$controls" = "A STOP,B STOP,C STOP,P PRESHUTDOWN,S SHUTDOWN," ] ||
    fail "controls sent: $controls"
pass "each service got one control: PRESHUTDOWN to P, SHUTDOWN to S (not STOP), STOP to the others"

# PRESHUTDOWN first, and nothing else until P had stopped.
first=$(grep -vE ' (running|stopped)$' "$OUTF" | head -1 | awk '{ print $2, $3 }')
[ "$first" = "P PRESHUTDOWN" ] || fail "first control: $first"
for c in ' C STOP$' ' B STOP$' ' A STOP$' ' S SHUTDOWN$'; do
    before ' P stopped$' "$c"
done
pass "PRESHUTDOWN first; the others only once P had stopped"

# Dependents first: each dependency is sent STOP only after its
# dependent has stopped.
before ' C stopped$' ' B STOP$'
before ' B stopped$' ' A STOP$'
pass "reverse dependency order: C, then B, then A"

# ---- a service that ignores its control ------------------------------------
printf '[SCM]\nShutdownTimeoutMs = 1500\n' >"$ROOT/config/scm.ini"
rm -f "$ROOT"/config/services/*.ini "$ROOT/config/svchost.ini"
group shut Deaf Quick
svc Deaf auto "" -- Accept=stop Ignore=1
svc Quick auto "" -- Accept=stop StopDelayMs=0
: >"$OUTF"
scmd
wait_state Deaf RUNNING
wait_state Quick RUNNING
pid=$(host_pid Deaf)
kill -TERM "$SCMD"
wait_exit "$SCMD" 30
[ "$RC" -eq 0 ] || fail "scmd exited $RC"
grep -q ' Deaf STOP$' "$OUTF" || fail "Deaf was not sent STOP: $(cat "$OUTF")"
grep -q ' Quick stopped$' "$OUTF" || fail "Quick did not stop"
grep -q ' Deaf stopped$' "$OUTF" && fail "Deaf stopped by itself"
grep -qE 'shutdown: still running after ShutdownTimeoutMs \(1500 ms\): Deaf; killing their hosts' \
    "$ROOT/scmd.err" || fail "no log line naming Deaf: $(tail -5 "$ROOT/scmd.err")"
for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
kill -0 "$pid" 2>/dev/null && fail "Deaf's host outlived scmd"
pass "a service ignoring STOP is killed after ShutdownTimeoutMs, named in the log; scmd exits 0"
