#!/usr/bin/env bash
# The C API through a real sshd: OpenSCManager("\\\\localhost"),
# OpenService and QueryServiceStatus work; the ssh child lives as long as
# a handle of that SCM is open (the SCM handle closed first, the service
# handle still works, as on Windows), and the last close reaps it: no
# child, no zombie, no descriptor left, nothing left on the remote side.
. "$(dirname "$0")/lib.sh"

CLIENT=$BUILD_DIR/tests/ssh_api_client
[ -x "$CLIENT" ] || fail "$CLIENT is not built"

remote_setup
use_ssh user

"$CLIENT" '\\localhost' Beat >"$ROOT/api.out" 2>"$ROOT/api.err" || fail "ssh_api_client: $(cat "$ROOT/api.out" "$ROOT/api.err")"
out=$(cat "$ROOT/api.out")
start=$(sed -n 's/^start fds=\([0-9]*\)$/\1/p' <<<"$out")
[ "$(grep -c '^state 4$' <<<"$out")" = 2 ] || fail "QueryServiceStatus over ssh: $out"
pass "OpenSCManager(\\\\localhost), OpenService, QueryServiceStatus: RUNNING, before and after closing the SCM handle"

# While open: one child, ssh, and more descriptors (so the checks after
# the close would see a leak).
grep -Eq "^open fds=[0-9]+ children=1 child=ssh$" <<<"$out" || fail "while open: $out"
open_fds=$(sed -n 's/^open fds=\([0-9]*\) .*/\1/p' <<<"$out")
[ "$open_fds" -gt "$start" ] || fail "no descriptor for the connection while open: $out"
grep -qx "closed fds=$start children=0 waitpid=ECHILD" <<<"$out" || fail "after the last close: $out"
pass "the last CloseServiceHandle reaps ssh: no child, no zombie, descriptors back to $start"

# The remote side: svc-remote runs as the SSH user while the handles are
# open, and is gone once they are closed.
mkfifo "$ROOT/api.in"
"$CLIENT" '\\localhost' Beat pause <"$ROOT/api.in" >"$ROOT/api2.out" 2>"$ROOT/api2.err" &
client=$!
PIDS+=("$client")
exec 8>"$ROOT/api.in"
wait_for "$ROOT/api2.out" '^paused$'
pgrep -u "$SSH_UID" -x svc-remote >/dev/null || fail "no svc-remote of $SSH_UID while the handles are open"
echo >&8
exec 8>&-
wait_exit "$client"
[ "$RC" -eq 0 ] || fail "ssh_api_client pause exited $RC: $(cat "$ROOT/api2.out" "$ROOT/api2.err")"
deadline=$((SECONDS + TIMEOUT))
while pgrep -u "$SSH_UID" -x svc-remote >/dev/null; do
    [ $SECONDS -le $deadline ] || fail "svc-remote still runs after the close: $(pgrep -a -u "$SSH_UID")"
    sleep 0.05
done
pass "svc-remote runs as $SSH_USER while the handles are open and ends with them"

# The local API's answers for names of this machine are unchanged without
# SVCHOST_SSH: no ssh child at all.
unset SVCHOST_SSH
"$CLIENT" '\\localhost' Beat >"$ROOT/api3.out" 2>&1 || fail "local: $(cat "$ROOT/api3.out")"
grep -q "^open fds=[0-9]* children=0 child=-$" "$ROOT/api3.out" || fail "local: $(cat "$ROOT/api3.out")"
pass "without SVCHOST_SSH, \\\\localhost is the local socket"
