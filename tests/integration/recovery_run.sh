#!/usr/bin/env bash
# Failure actions, run and reboot: FailureCommand runs through the shell
# with "%1%" replaced by the failure count ("/fail=%1%" gives /fail=N, as
# Windows); reboot is refused and logged (7032) unless scm.ini has
# AllowReboot = 1, and then RebootCommand runs.
. "$(dirname "$0")/lib.sh"

# The command writes its arguments, one a line, to $ROOT/argv.out.
cat >"$ROOT/record.sh" <<'SH'
#!/bin/sh
for a in "$@"; do printf '%s\n' "$a"; done >>"${0%/*}/argv.out"
SH
chmod +x "$ROOT/record.sh"

group rec Victim
rservice Victim rec "$TEST_PLUGINS/simple.so" "FailureResetPeriod = 4294967295" \
    "FailureActions = run/0/reboot/0" "FailureCommand = $ROOT/record.sh first /fail=%1%" \
    "RebootMessage = Victim failed: going down"
scmd

sc_ok start Victim
pid=$(running_pid Victim)
kill -KILL "$pid"
wait_for "$ROOT/argv.out" '^/fail=1$'
[ "$(sed -n 1p "$ROOT/argv.out")" = first ] || fail "the command's first argument: $(cat "$ROOT/argv.out")"
events 7031 Victim | contains -x 'The Victim test service service terminated unexpectedly. It has done this 1 time(s). The following corrective action will be taken in 0 milliseconds: Run the configured recovery program.' ||
    fail "no 7031 for the run action: $(events 7031 Victim)"
[ "$(state Victim)" = STOPPED ] || fail "Victim is $(state Victim) after a run action"
pass "run: FailureCommand got /fail=1"

# Second failure: reboot, refused (no AllowReboot in scm.ini).
sc_ok start Victim
pid=$(running_pid Victim "$pid")
kill -KILL "$pid"
wait_for "$ROOT/log/events.log" ' 7032 Victim '
events 7032 Victim | contains -x 'The Service Control Manager tried to take a corrective action (Reboot the machine) after the unexpected termination of the Victim test service service, but this action failed with the following error: Access is denied.' ||
    fail "7032 for the refused reboot: $(events 7032 Victim)"
wait_for "$ROOT/scmd.err" 'Victim: reboot refused: AllowReboot is not 1'
grep -q 'Victim: reboot message: Victim failed: going down' "$ROOT/scmd.err" || fail "reboot message not logged"
grep -c . "$ROOT/argv.out" | contains -x 2 || fail "something ran for the refused reboot: $(cat "$ROOT/argv.out")"
pass "reboot refused without AllowReboot, logged"

# Allowed: RebootCommand runs (read when the action is taken).
printf '[SCM]\nAllowReboot = 1\nRebootCommand = %s reboot now\n' "$ROOT/record.sh" >"$ROOT/config/scm.ini"
sc_ok start Victim
pid=$(running_pid Victim "$pid")
kill -KILL "$pid"
wait_for "$ROOT/argv.out" '^now$'
grep -qx reboot "$ROOT/argv.out" || fail "RebootCommand's arguments: $(cat "$ROOT/argv.out")"
[ "$(events 7032 Victim | wc -l)" -eq 1 ] || fail "7032 for an allowed reboot"
events 7031 Victim | contains 'It has done this 3 time(s).*Reboot the machine\.$' || fail "7031 for the third failure"
pass "reboot allowed: RebootCommand ran"

stop_scmd
[ "$RC" -eq 0 ] || fail "scmd exit $RC"
