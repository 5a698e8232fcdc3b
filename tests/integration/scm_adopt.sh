#!/usr/bin/env bash
# scmd killed with SIGKILL: every host keeps running; a new scmd on the
# same root adopts them (they rejoin on run/host.sock with their secret):
# the same PIDs, RUNNING, controls reach them (one sent before its host
# is back waits for it), no second host is started, and a stopped
# service keeps its exit code.  Restarted at once and after
# 5 s.  A forged rejoin is refused and logged; a host that died while no
# scmd watched leaves its services STOPPED with 1067.
. "$(dirname "$0")/lib.sh"

scmd
install A shared "$TEST_PLUGINS/simple.so"
install B shared "$TEST_PLUGINS/simple.so"
install S split "$TEST_PLUGINS/simple.so"
sc_ok create Own binPath= "$BIN/ownservice" type= own start= auto
install Bad shared "$TEST_PLUGINS/notloadable.so"
install "My Service, v2" shared "$TEST_PLUGINS/simple.so"
sc_ok config A start= auto
stop_scmd
printf '[split]\nSplit = always\n' >>"$ROOT/config/svchost.ini"

scmd
wait_state A RUNNING
wait_state Own RUNNING
for s in B S "My Service, v2"; do sc_ok start "$s"; done
for s in B S "My Service, v2"; do wait_state "$s" RUNNING; done
sc start Bad
wait_state Bad STOPPED
bad_exit=$(field Bad WIN32_EXIT_CODE)
[ "$bad_exit" != 0 ] || fail "Bad stopped without an error"
shared=$(field A PID); split=$(field S PID); own=$(field Own PID)
[ "$(field B PID)" = "$shared" ] || fail "A and B do not share a host"
tr '\0' ' ' </proc/"$split"/cmdline | contains -- " -s S" || fail "S is not in a split host"
hosts_before=$(pgrep -c -f -- "--root $ROOT( |$)" || true)

# rejoins PID: how many times host PID has rejoined so far.
rejoins() {
    grep -c "host $1 ([a-zA-Z]*) rejoined" "$ROOT/scmd.err" || true
}

# restart ROUND DELAY: kill -9 scmd, wait DELAY seconds, start a new one.
restart() {
    seen_shared=$(rejoins "$shared"); seen_split=$(rejoins "$split"); seen_own=$(rejoins "$own")
    kill -KILL "$SCMD"
    wait_exit "$SCMD"
    sleep "$2"
    for p in "$shared" "$split" "$own"; do
        kill -0 "$p" 2>/dev/null || fail "round $1: host $p died with scmd"
    done
    scmd
}

# adopted ROUND: each host has rejoined within a second of ready; the
# same PIDs, RUNNING.
adopted() {
    local deadline=$((SECONDS + 2))
    while [ "$(rejoins "$shared")" -le "$seen_shared" ] || [ "$(rejoins "$split")" -le "$seen_split" ] ||
          [ "$(rejoins "$own")" -le "$seen_own" ]; do
        [ $SECONDS -le $deadline ] || fail "round $1: not every host rejoined within a second"
        sleep 0.05
    done
    for s in A B S Own; do
        wait_state "$s" RUNNING 2
    done
    [ "$(field A PID)" = "$shared" ] && [ "$(field B PID)" = "$shared" ] ||
        fail "round $1: A/B PIDs $(field A PID) $(field B PID), expected $shared"
    [ "$(field S PID)" = "$split" ] || fail "round $1: S PID $(field S PID), expected $split"
    [ "$(field Own PID)" = "$own" ] || fail "round $1: Own PID $(field Own PID), expected $own"
    [ "$(field "My Service, v2" PID)" = "$shared" ] ||
        fail "round $1: 'My Service, v2' PID $(field "My Service, v2" PID), expected $shared"
    # A control goes through the adopted channel and is answered.
    sc_ok interrogate A
    sc_ok interrogate S
    sc_ok interrogate Own
    # No second host: the same number of hosts, and A's autostart did
    # not start another.
    [ "$(pgrep -c -f -- "--root $ROOT( |$)" || true)" = "$hosts_before" ] ||
        fail "round $1: $(pgrep -c -f -- "--root $ROOT( |$)") hosts, expected $hosts_before"
    [ "$(field Bad WIN32_EXIT_CODE)" = "$bad_exit" ] ||
        fail "round $1: Bad's exit code $(field Bad WIN32_EXIT_CODE), expected $bad_exit"
}

restart 1 0
adopted 1
pass "scmd killed and restarted at once: hosts $shared (shared), $split (split), $own (own) adopted"

restart 2 5
adopted 2
pass "scmd killed and restarted after 5 s: the same hosts adopted"

# A control right after a restart, before its host is back, waits for the
# rejoin rather than failing with 1061 (the journal's RUNNING shows at
# once).  The shared host is held stopped so that it cannot rejoin yet.
kill -STOP "$shared"
restart 3 0
"$BIN/sc" interrogate B >"$ROOT/early.out" 2>&1 &
early=$!
sleep 0.5
kill -0 "$early" 2>/dev/null ||
    fail "an INTERROGATE before the rejoin returned at once: $(cat "$ROOT/early.out")"
kill -CONT "$shared"
rc=0
wait "$early" || rc=$?
[ "$rc" -eq 0 ] || fail "an INTERROGATE before the rejoin failed ($rc): $(cat "$ROOT/early.out")"
contains RUNNING <"$ROOT/early.out" || fail "the early INTERROGATE's answer: $(cat "$ROOT/early.out")"
adopted 3
pass "a control sent before its host rejoined waits for it, and is answered"

# A forged rejoin: a real host's pid claimed by another process, with a
# made-up secret.  scmd must answer 5 and log it; the real host keeps its
# services.
version=$(awk '$2 == "SVC_PROTO_VERSION" { print $3 }' "$SOURCE_DIR/lib/proto.h")
python3 - "$ROOT/run/host.sock" "$shared" "$version" <<'PY' || fail "forged rejoin client failed"
import socket, struct, sys
path, pid, version = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def s(x): b = x.encode(); return struct.pack('<I', len(b)) + b
payload = struct.pack('<I', pid) + s('0' * 32) + struct.pack('<I', 0) + struct.pack('<I', 0)
hdr = struct.pack('<HBBHHII', 0x5653, version, 0, 70, 0, 0, len(payload))
c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
c.connect(path)
c.sendall(hdr + payload)
c.settimeout(5)
data = c.recv(64)
assert len(data) >= 20 and struct.unpack('<I', data[16:20])[0] == 5, data
PY
wait_for "$ROOT/scmd.err" "host rejoin from pid [0-9]+ uid [0-9]+ refused"
sc_ok interrogate A
[ "$(field A PID)" = "$shared" ] || fail "the real host lost A after a forged rejoin"
pass "a forged rejoin is refused and logged; the real host keeps its services"

# A host that dies while no scmd watches: its services crashed.
kill -KILL "$SCMD"
wait_exit "$SCMD"
kill -KILL "$split"
scmd
wait_state S STOPPED
[ "$(field S WIN32_EXIT_CODE)" = 1067 ] || fail "S's exit code $(field S WIN32_EXIT_CODE), expected 1067"
[ "$(state A)" = RUNNING ] || fail "A is $(state A)"
pass "a host that died while scmd was away leaves its service STOPPED with 1067"

stop_scmd
[ "$RC" -eq 0 ] || fail "scmd exit $RC"
# (Not scmd's children any more: once exited they may stay zombies until
# whoever adopted them reaps them.)
alive() { ps -p "$1" -o stat= 2>/dev/null | contains -v Z; }
alive "$$" || fail "the liveness check does not see a live process"
for p in "$shared" "$own"; do
    alive "$p" && fail "host $p still runs after scmd stopped everything"
done
pass "SIGTERM stops the adopted hosts too"
