#!/usr/bin/env bash
# The SCM's events in ROOT/log/events.log with Windows' IDs and texts: a
# start that fails (7000, 7009), a service that stops by itself with an
# error (7023, 7024), a stop that times out (7011), a start type changed
# (7040).  docs/events.md lists them.
. "$(dirname "$0")/lib.sh"

scmd --start-timeout 1500 --stop-timeout 1500
EV=$ROOT/log/events.log

# ev ID NAME TEXT: the line of event ID for NAME with exactly TEXT.
ev() {
    grep -qF -- " $1 $2 $3" "$EV"
}

# A plugin that cannot be loaded (an undefined symbol; RTLD_NOW): the host
# accepts the START, then reports STOPPED with 126 before any plugin code
# runs.  The start failed: 7000 with the error, after 7036 "stopped".
install Unloadable g1 "$TEST_PLUGINS/notloadable.so"
sc_ok start Unloadable
wait_state Unloadable STOPPED
[ "$(field Unloadable WIN32_EXIT_CODE)" = 126 ] || fail "exit code $(field Unloadable WIN32_EXIT_CODE)"
wait_for "$EV" ' 7000 Unloadable '
ev 7000 Unloadable "The Unloadable service failed to start due to the following error: The specified module could not be found." ||
    fail "7000 text: $(grep ' 7000 Unloadable ' "$EV")"
ev 7036 Unloadable "The Unloadable service entered the stopped state." || fail "no 7036"
grep -q ' 702[34] Unloadable ' "$EV" && fail "a failed start logged as a termination"
pass "a plugin that cannot load: 7000 with 126's text"

# No ServiceMain to call: 127.
install NoEntry g1 "$TEST_PLUGINS/noentry.so"
sc_ok start NoEntry
wait_state NoEntry STOPPED
wait_for "$EV" ' 7000 NoEntry '
ev 7000 NoEntry "The NoEntry service failed to start due to the following error: The specified procedure could not be found." ||
    fail "7000 text: $(grep ' 7000 NoEntry ' "$EV")"
pass "a plugin without its entry point: 7000 with 127's text"

# A service that ran, then stopped by itself with a Win32 error: 7023.
install Quitter g2 "$TEST_PLUGINS/stopfail.so" StopAfterMs=300 ExitCode=2
sc_ok start Quitter
wait_for "$EV" ' 7036 Quitter .*running'
wait_state Quitter STOPPED
wait_for "$EV" ' 7023 Quitter '
ev 7023 Quitter "The Quitter service terminated with the following error: The system cannot find the file specified." ||
    fail "7023 text: $(grep ' 7023 Quitter ' "$EV")"
grep -q ' 7000 Quitter ' "$EV" && fail "a service that ran logged 7000"
pass "stopped by itself with an error: 7023"

# With ERROR_SERVICE_SPECIFIC_ERROR: 7024 with the service's own code.
install Specific g2 "$TEST_PLUGINS/stopfail.so" StopAfterMs=300 ExitCode=1066 SpecificCode=4242
sc_ok start Specific
wait_state Specific STOPPED
[ "$(field Specific SERVICE_EXIT_CODE)" = 4242 ] || fail "specific code $(field Specific SERVICE_EXIT_CODE)"
wait_for "$EV" ' 7024 Specific '
ev 7024 Specific "The Specific service terminated with the following service-specific error: 4242" ||
    fail "7024 text: $(grep ' 7024 Specific ' "$EV")"
grep -q ' 7023 Specific ' "$EV" && fail "7023 for a service-specific error"
pass "stopped by itself with a service-specific error: 7024 with its code"

# A clean stop by itself (exit code 0) logs no error; the same plugin, so
# the greps above would have seen one.
install Clean g2 "$TEST_PLUGINS/stopfail.so" StopAfterMs=300 ExitCode=0
sc_ok start Clean
wait_state Clean STOPPED
wait_for "$EV" ' 7036 Clean .*stopped'
grep -qE ' 70(00|23|24) Clean ' "$EV" && fail "a clean stop logged an error"
pass "a clean stop: 7036 only"

# A stop that makes no progress: STOP_PENDING (wait hint 2000 ms, above
# StopTimeoutMs) and never STOPPED: written off with 7011 naming the wait.
install Stuck g3 "$TEST_PLUGINS/shutdowner.so" StopDelayMs=60000
sc_ok start Stuck
wait_state Stuck RUNNING
sc_ok stop Stuck
wait_state Stuck STOPPED 15
wait_for "$EV" ' 7011 Stuck '
ev 7011 Stuck "A timeout (2000 milliseconds) was reached while waiting for a transaction response from the Stuck service." ||
    fail "7011 text: $(grep ' 7011 Stuck ' "$EV")"
pass "a stop timeout: 7011 with its milliseconds"

# A program that never connects: 7009 with the start budget, then 7000.
sc_ok create Mute binPath= "/bin/sleep 30" type= own start= demand
# StartService waits for it to connect, and fails with 1053 as Windows'.
sc_fails 1053 start Mute
wait_state Mute STOPPED 15
wait_for "$EV" ' 7000 Mute '
ev 7009 Mute "A timeout was reached (1500 milliseconds) while waiting for the Mute service to connect." ||
    fail "7009 text: $(grep ' 7009 Mute ' "$EV")"
pass "a start that never connects: 7009, then 7000"

# Start types: 7040 in Windows' words, for each change and only then.
sc_ok config Clean start= disabled
ev 7040 Clean "The start type of the Clean service was changed from demand start to disabled." ||
    fail "7040 text: $(grep ' 7040 Clean ' "$EV")"
sc_ok config Clean start= auto
ev 7040 Clean "The start type of the Clean service was changed from disabled to auto start." ||
    fail "7040 disabled -> auto: $(grep ' 7040 Clean ' "$EV")"
sc_ok config Clean start= delayed-auto
sc_ok config Clean start= demand
ev 7040 Clean "The start type of the Clean service was changed from auto start to demand start." ||
    fail "7040 auto -> demand: $(grep ' 7040 Clean ' "$EV")"
# The same start type again, or another field changed: no 7040.
n=$(grep -c ' 7040 Clean ' "$EV")
[ "$n" -eq 3 ] || fail "$n 7040 events for 3 changes (delayed-auto is auto start too)"
sc_ok config Clean start= demand
sc_ok config Clean DisplayName= "Clean again"
[ "$(grep -c ' 7040 Clean ' "$EV")" -eq 3 ] || fail "7040 without a start type change"
pass "7040 with Windows' words, only when the start type changes"

stop_scmd
[ "$RC" -eq 0 ] || fail "scmd exit $RC"
