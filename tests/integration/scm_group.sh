#!/usr/bin/env bash
# The services of one group share one host process that scmd starts;
# sc create/start/queryex/hosts/pause/continue/control/stop/delete work as
# on Windows, and the host exits when its last service stops.
. "$(dirname "$0")/lib.sh"

scmd
port=$((20000 + $$ % 20000))
install Echo demo echo.so "Port=$port"
echo "$OUT" | contains '\[SC\] CreateService SUCCESS' || fail "create output: $OUT"
install Heartbeat demo heartbeat.so IntervalMs=100 "File=$ROOT/beat.txt"
grep -q '^Services = Echo, Heartbeat$' "$ROOT/config/svchost.ini" || fail "group not written"
grep -q ' 7045 Echo .*svchost -k demo' "$ROOT/log/events.log" || fail "no 7045 event"
pass "sc create writes the database and the group"

sc_ok start Echo
# sc start shows the status right after StartService: still starting, or
# already running for a service as quick as this one.
echo "$OUT" | contains -E 'STATE              : (2  START_PENDING|4  RUNNING)' || fail "start output: $OUT"
sc_ok start Heartbeat
wait_state Echo RUNNING
wait_state Heartbeat RUNNING
pid1=$(field Echo PID)
pid2=$(field Heartbeat PID)
[ -n "$pid1" ] && [ "$pid1" -gt 0 ] && [ "$pid1" = "$pid2" ] || fail "PIDs differ: $pid1 $pid2"
[ "$(pgrep -c -f "svchost -k demo --root $ROOT")" -eq 1 ] || fail "not exactly one host"
tr '\0' ' ' </proc/"$pid1"/cmdline | contains -- "-k demo" || fail "host is not svchost -k demo"
pass "two services of one group in one PID ($pid1)"

sc_ok hosts
echo "$OUT" | contains -E "^$pid1 +demo +shared +Echo, Heartbeat$" || fail "sc hosts: $OUT"
pass "sc hosts"

exec 3<>"/dev/tcp/127.0.0.1/$port"
echo "through scmd" >&3
read -r -t 5 reply <&3 || fail "no echo"
exec 3>&-
[ "$reply" = "through scmd" ] || fail "echo replied $reply"

sc_ok pause Heartbeat
wait_state Heartbeat PAUSED
a=$(cat "$ROOT/beat.txt"); sleep 0.4; b=$(cat "$ROOT/beat.txt")
[ "$a" = "$b" ] || fail "ticks while paused"
sc_ok continue Heartbeat
wait_state Heartbeat RUNNING
sleep 0.3
sc_ok control Heartbeat 128
c=$(cat "$ROOT/beat.txt")
[ "$c" -le 2 ] || fail "control 128 did not reset ($c)"
sc_ok interrogate Echo
echo "$OUT" | contains 'STATE              : 4  RUNNING' || fail "interrogate: $OUT"
pass "pause, continue, user control, interrogate"

sc_ok qc Echo
echo "$OUT" | contains 'BINARY_PATH_NAME   : svchost -k demo' || fail "qc: $OUT"
echo "$OUT" | contains 'START_TYPE         : 3   DEMAND_START' || fail "qc: $OUT"
echo "$OUT" | contains "PARAMETER          : Port=$port" || fail "qc params: $OUT"
sc_ok description Echo "Echoes TCP"
sc_ok qdescription Echo
echo "$OUT" | contains 'DESCRIPTION:  Echoes TCP' || fail "qdescription: $OUT"
sc_ok config Echo DisplayName= "Echo server"
sc_ok GetDisplayName Echo
echo "$OUT" | contains 'Name = Echo server' || fail "GetDisplayName: $OUT"
sc_ok GetKeyName "Echo server"
echo "$OUT" | contains 'Name = Echo' || fail "GetKeyName: $OUT"
pass "qc, description, config, display and key names"

sc_ok stop Echo
wait_state Echo STOPPED
kill -0 "$pid1" || fail "host exited while Heartbeat runs"
sc_ok stop Heartbeat
wait_state Heartbeat STOPPED
for _ in $(seq 100); do kill -0 "$pid1" 2>/dev/null || break; sleep 0.05; done
kill -0 "$pid1" 2>/dev/null && fail "host still runs after its last service stopped"
sc_ok hosts
echo "$OUT" | contains "^$pid1 " && fail "sc hosts still lists $pid1"
pass "host exits when its last service stops"

sc_ok start Echo
wait_state Echo RUNNING
sc_ok delete Echo
sc_fails 1072 start Echo
sc_fails 1072 config Echo start= auto
sc_ok stop Echo
for _ in $(seq 100); do [ -f "$ROOT/config/services/Echo.ini" ] || break; sleep 0.05; done
[ -f "$ROOT/config/services/Echo.ini" ] && fail "deleted service's file remains"
sc_fails 1060 query Echo
grep -q 'Echo' "$ROOT/config/svchost.ini" && fail "deleted service still in its group"
pass "delete while running marks for deletion (1072), removed when stopped"

stop_scmd
[ "$RC" -eq 0 ] || fail "scmd exited $RC"
pass "scmd stops on SIGTERM"
