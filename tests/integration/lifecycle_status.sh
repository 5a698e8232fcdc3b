#!/usr/bin/env bash
# Windows' status rules: a service never started shows WIN32_EXIT_CODE 1077
# (ERROR_SERVICE_NEVER_STARTED); a service just started shows START_PENDING
# with the SCM's 2,000 ms wait hint until its first report; sc query and
# sc enumdepend print no accepted-controls line for a STOPPED service.
. "$(dirname "$0")/lib.sh"

scmd
# A service that waits before its first report: meanwhile its status is
# the SCM's own.
install Slow lifegrp "$TEST_PLUGINS/slowstart.so" FirstReportMs=4000 Steps=1 StepMs=0
sc_ok query Slow
echo "$OUT" | contains 'STATE              : 1  STOPPED' || fail "new service: $OUT"
echo "$OUT" | contains 'WIN32_EXIT_CODE    : 1077  (0x435)' || fail "never started: $OUT"
pass "a service never started shows 1077"

sc_ok start Slow
for out in "$OUT" "$("$BIN/sc" queryex Slow)"; do
    echo "$out" | contains 'STATE              : 2  START_PENDING' || fail "just started: $out"
    echo "$out" | contains 'WAIT_HINT          : 0x7d0' || fail "wait hint: $out"
    echo "$out" | contains 'CHECKPOINT         : 0x0' || fail "checkpoint: $out"
    echo "$out" | contains 'WIN32_EXIT_CODE    : 0  (0x0)' || fail "exit code: $out"
    # A service that is not STOPPED has its controls line, so a missing
    # line below is the rule, not a line this grep cannot see.
    echo "$out" | contains -E '^ {32}\(NOT_STOPPABLE, NOT_PAUSABLE, IGNORES_SHUTDOWN\)$' ||
        fail "controls line of a starting service: $out"
done
pass "a service just started: START_PENDING, wait hint 2,000 ms"
# Its own report (wait hint 500 = 0x1f4) replaces the SCM's.
deadline=$((SECONDS + TIMEOUT))
until "$BIN/sc" query Slow | contains -E 'WAIT_HINT          : 0x1f4|STATE              : 4  RUNNING'; do
    [ $SECONDS -le $deadline ] || fail "Slow never reported"
    sleep 0.05
done
wait_state Slow RUNNING

# A running service: its controls line; STOPPED: none.
install Simple lifegrp "$TEST_PLUGINS/simple.so"
sc_ok create Dependent binPath= "svchost -k lifegrp" type= share start= demand \
    ServiceDll= "$TEST_PLUGINS/simple.so" depend= Simple
sc_ok start Simple
wait_state Simple RUNNING
sc_ok query Simple
echo "$OUT" | contains 'WAIT_HINT          : 0x0' || fail "running: $OUT"
echo "$OUT" | contains -E '^ {32}\(STOPPABLE, PAUSABLE, IGNORES_SHUTDOWN\)$' || fail "running controls: $OUT"
pass "a running service's wait hint and controls line"

sc_ok stop Simple
sc_ok stop Slow
wait_state Simple STOPPED
wait_state Slow STOPPED
for cmd in "query Simple" "queryex Simple" "query Slow" "enumdepend Simple"; do
    # shellcheck disable=SC2086
    sc_ok $cmd
    echo "$OUT" | contains 'STATE              : 1  STOPPED' || fail "sc $cmd: $OUT"
    if echo "$OUT" | contains -E 'STOPPABLE|PAUSABLE|SHUTDOWN'; then
        fail "sc $cmd prints a controls line for a STOPPED service: $OUT"
    fi
done
sc_ok enumdepend Simple
echo "$OUT" | contains 'SERVICE_NAME: Dependent' || fail "enumdepend: $OUT"
echo "$OUT" | contains 'WIN32_EXIT_CODE    : 1077  (0x435)' || fail "enumdepend's never-started dependent: $OUT"
sc_ok query Simple
echo "$OUT" | contains 'WIN32_EXIT_CODE    : 0  (0x0)' || fail "stopped after a run: $OUT"
pass "no accepted-controls line for a STOPPED service (query, queryex, enumdepend)"
