#!/usr/bin/env bash
# The demo group: Echo and Heartbeat run as threads of ONE svchost process,
# threads named after their services; Echo echoes; Heartbeat counts, pauses,
# continues, resets on control 128 and re-reads IntervalMs on SIGHUP
# (PARAMCHANGE); SIGINT stops both and the host exits 0.
. "$(dirname "$0")/lib.sh"

port=$((20000 + $$ % 20000))
group demo Echo Heartbeat
service Echo demo echo.so "Port=$port"
service Heartbeat demo heartbeat.so IntervalMs=100 "File=$ROOT/beat.txt"

console demo
wait_for "$ROOT/host.out" '^Echo RUNNING$'
wait_for "$ROOT/host.out" '^Heartbeat RUNNING$'
pass "both services RUNNING"

names=$(thread_names "$HOST")
echo "$names" | contains -x Echo || fail "no thread named Echo: $names"
echo "$names" | contains -x Heartbeat || fail "no thread named Heartbeat: $names"
[ "$(pgrep -c -f "svchost -k demo --console --root $ROOT")" -eq 1 ] || fail "more than one host process"
pass "one process, threads named after services"

exec 3<>"/dev/tcp/127.0.0.1/$port"
echo "ping 42" >&3
read -r -t 5 reply <&3 || fail "no echo reply"
exec 3>&-
[ "$reply" = "ping 42" ] || fail "echo replied '$reply'"
pass "echo round trip"

counter() { cat "$ROOT/beat.txt" 2>/dev/null || echo 0; }
wait_for "$ROOT/beat.txt" '^[3-9]|^[1-9][0-9]'
send pause Heartbeat
wait_for "$ROOT/host.out" '^Heartbeat PAUSED$'
a=$(counter); sleep 0.5; b=$(counter)
[ "$a" = "$b" ] || fail "heartbeat ticked while paused ($a -> $b)"
send continue Heartbeat
wait_for "$ROOT/host.out" '^Heartbeat RUNNING$'
sleep 0.4
c=$(counter)
[ "$c" -gt "$b" ] || fail "heartbeat did not resume ($b -> $c)"
pass "pause and continue"

sleep 0.3
send control Heartbeat 128
wait_for "$ROOT/host.out" '^Heartbeat control=128 result=0$'
d=$(counter)
[ "$d" -le 3 ] && [ "$d" -lt "$c" ] || fail "counter not reset by control 128 ($c -> $d)"
pass "user control 128 resets the counter"

# PARAMCHANGE: a long interval read fresh from the file stops the ticks.
sed -i 's/^IntervalMs = .*/IntervalMs = 60000/' "$ROOT/config/services/Heartbeat.ini"
kill -HUP "$HOST"
sleep 0.5
a=$(counter); sleep 0.6; b=$(counter)
[ "$a" = "$b" ] || fail "interval not re-read on PARAMCHANGE ($a -> $b)"
pass "SIGHUP delivers PARAMCHANGE"

# Echo's handler does not handle 128: the console shows the handler's
# own answer, ERROR_CALL_NOT_IMPLEMENTED.
send control Echo 128
wait_for "$ROOT/host.out" '^Echo control=128 result=120 '
send pause Echo
wait_for "$ROOT/host.out" '^Echo: pause FAILED 1052: '
send stop NoSuch
wait_for "$ROOT/host.out" '^NoSuch: stop FAILED 1060: '
pass "console rejects what the SCM would"

kill -INT "$HOST"
wait_exit "$HOST"
[ "$RC" -eq 0 ] || fail "host exited with $RC"
grep -qx 'Echo STOPPED' "$ROOT/host.out" || fail "Echo did not report STOPPED"
grep -qx 'Heartbeat STOPPED' "$ROOT/host.out" || fail "Heartbeat did not report STOPPED"
pass "SIGINT stops the group; exit 0"
