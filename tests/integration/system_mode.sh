#!/usr/bin/env bash
# The system layout (lib/paths.h): scmd --system keeps its configuration
# in /etc/svchost, its sockets in /run/svchost and its event log in
# /var/log/svchost, and sc, without --root or $SVCHOST_ROOT, finds it
# there; the hosts it starts use the same layout, so a host rejoins a
# restarted scmd.  The four directories are under a fake prefix
# ($SVCHOST_SYSTEM_PREFIX), so the machine's own are never touched.
. "$(dirname "$0")/lib.sh"

P=$ROOT/sys
export SVCHOST_SYSTEM_PREFIX=$P
mkdir -p "$P/etc" "$P/run" "$P/var/lib" "$P/var/log"
unset SVCHOST_ROOT

# The layout before: nothing there, so the checks below see what scmd made.
for d in etc/svchost run/svchost var/log/svchost var/lib/svchost; do
    [ ! -e "$P/$d" ] || fail "/$d exists before scmd ran"
done

start_system_scmd() {
    local before
    before=$(ready_count)
    "$BIN/scmd" --system "$@" >"$ROOT/scmd.out" 2>>"$ROOT/scmd.err" &
    SCMD=$!
    PIDS+=("$SCMD")
    local deadline=$((SECONDS + TIMEOUT))
    while [ "$(ready_count)" -le "$before" ]; do
        [ $SECONDS -le $deadline ] || fail "scmd --system did not become ready"
        kill -0 "$SCMD" 2>/dev/null || fail "scmd --system exited"
        sleep 0.05
    done
}

start_system_scmd
grep -qF "ready on $P/run/svchost/scm.sock" "$ROOT/scmd.err" ||
    fail "scmd --system is not on /run/svchost/scm.sock: $(cat "$ROOT/scmd.err")"
for d in etc/svchost etc/svchost/services run/svchost var/log/svchost var/lib/svchost; do
    [ -d "$P/$d" ] || fail "scmd --system did not make /$d"
done
for f in run/svchost/scm.sock run/svchost/host.sock run/svchost/scmd.lock; do
    [ -e "$P/$f" ] || fail "no /$f"
done
pass "scmd --system: /etc/svchost, /run/svchost/scm.sock, /var/log/svchost, /var/lib/svchost"

# sc with neither --root nor $SVCHOST_ROOT: the system layout.
sc_ok create Simple binPath= "svchost -k sysgrp" type= share start= demand \
    ServiceDll= "$TEST_PLUGINS/simple.so" DisplayName= "Simple system service"
[ -f "$P/etc/svchost/services/Simple.ini" ] || fail "sc create did not write /etc/svchost/services/Simple.ini"
grep -q 'sysgrp' "$P/etc/svchost/svchost.ini" || fail "the group is not in /etc/svchost/svchost.ini"
sc_ok start Simple
wait_state Simple RUNNING
pid=$(host_pid Simple)
[ -n "$pid" ] && [ "$pid" -gt 0 ] || fail "no host PID"
tr '\0' ' ' </proc/"$pid"/cmdline | contains -F -- "--root $P/var/lib/svchost" ||
    fail "the host was not given the system root: $(tr '\0' ' ' </proc/"$pid"/cmdline)"
grep -q '7036' "$P/var/log/svchost/events.log" || fail "no 7036 in /var/log/svchost/events.log"
[ -s "$P/run/svchost/journal" ] || fail "no /run/svchost/journal"
for d in config run log; do
    [ ! -e "$P/var/lib/svchost/$d" ] || fail "the system layout made /var/lib/svchost/$d"
done
pass "sc without --root finds /run/svchost/scm.sock; the service database in /etc/svchost, events in /var/log/svchost"

# --root naming the system state directory is the same SCM.
sc_ok --root "$P/var/lib/svchost/" query Simple
echo "$OUT" | contains RUNNING || fail "sc --root SYSTEM_ROOT: $OUT"
# And an ordinary root is not: no scmd there.
sc --root "$ROOT/other" query Simple
[ "$SC_RC" -ne 0 ] || fail "sc --root of another directory reached the system scmd"
pass "--root /var/lib/svchost is the system layout; another root is not"

# A crash-restart of scmd: the host keeps running and rejoins the next
# scmd through /run/svchost/host.sock.
kill -KILL "$SCMD"
wait "$SCMD" 2>/dev/null || true
kill -0 "$pid" || fail "the host died with scmd"
start_system_scmd
deadline=$((SECONDS + TIMEOUT))
until [ "$(state Simple)" = RUNNING ] && [ "$(host_pid Simple)" = "$pid" ]; do
    [ $SECONDS -le $deadline ] || fail "the host did not rejoin: $(state Simple) pid $(host_pid Simple)"
    sleep 0.1
done
pass "the host rejoins a restarted scmd --system with the same PID ($pid)"

stop_scmd
[ "$RC" -eq 0 ] || fail "scmd --system exited $RC after SIGTERM"
# (The adopted host is no child of this shell, and may stay a zombie.)
deadline=$((SECONDS + TIMEOUT))
while ps -p "$pid" -o stat= 2>/dev/null | contains -v Z; do
    [ $SECONDS -le $deadline ] || fail "SIGTERM to scmd left the host running"
    sleep 0.05
done
[ ! -e "$P/run/svchost/scm.sock" ] || fail "scm.sock left behind"
pass "SIGTERM stops the service and removes /run/svchost/scm.sock"
