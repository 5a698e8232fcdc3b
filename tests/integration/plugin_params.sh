#!/usr/bin/env bash
# The host globals: GetParameter (sizes, missing values), start arguments
# in argv, and stop callbacks run after SERVICE_STOPPED.
. "$(dirname "$0")/lib.sh"

# Keep holds the host open while Params stops and starts again (the
# console exits once every service has stopped).
group p Params Keep
service Keep p "$TEST_PLUGINS/simple.so"
service Params p "$TEST_PLUGINS/params.so" "Keys=Alpha,Long,Absent" Alpha=one \
    "Long=a value longer than the first small buffer the plugin tries" "Out=$ROOT/params.txt"

console p
wait_for "$ROOT/host.out" '^Params RUNNING$'
wait_for "$ROOT/params.txt" '^Absent=<missing>$'
grep -qx 'Alpha=one' "$ROOT/params.txt" || fail "Alpha not read"
grep -qx 'Long=a value longer than the first small buffer the plugin tries' "$ROOT/params.txt" ||
    fail "long value not read after ERROR_MORE_DATA"
grep -qx 'argv\[0\]=Params' "$ROOT/params.txt" || fail "argv[0] is not the service name"
pass "parameters and argv[0]"

send stop Params
wait_for "$ROOT/host.out" '^Params STOPPED$'
send start Params first second
wait_for "$ROOT/host.out" '^Params RUNNING$'
wait_for "$ROOT/params.txt" '^argv\[2\]=second$'
grep -qx 'argv\[1\]=first' "$ROOT/params.txt" || fail "start arguments not passed"
pass "start arguments reach ServiceMain"

kill -INT "$HOST"
wait_exit "$HOST"
[ "$RC" -eq 0 ] || fail "exit $RC"
grep -qx 'stopped' "$ROOT/params.txt" || fail "stop callback did not run"
pass "stop callback"
