#!/usr/bin/env bash
# What a remote machine that cannot be used answers, through sc and the C
# API, each with its reason on sc's standard error: a port nobody listens
# on 1722, a key sshd does not accept 5, a machine without svc-remote in
# the PATH 1722, a machine where no scmd runs 1722 (as the local API
# answers without scmd).  No ssh child is left after a failed open.
. "$(dirname "$0")/lib.sh"

CLIENT=$BUILD_DIR/tests/ssh_api_client
[ -x "$CLIENT" ] || fail "$CLIENT is not built"

remote_setup
ssh_config closed user "$(free_port)"
ssh_config wrong wrong
ssh_config nocmd nocmd
ssh_config noscm noscm

# The working configuration first, so that each failure below is the
# configuration's doing.
use_ssh user
sc_ok '\\localhost' query Beat
"$CLIENT" '\\localhost' Beat >"$ROOT/api.out" 2>&1 || fail "ssh_api_client: $(cat "$ROOT/api.out")"
pass "the working configuration connects"

# expect ERR CONFIG REASON: sc \\localhost query Beat fails with ERR
# (exit ERR & 255) and prints REASON; so does OpenSCManager, leaving no
# child and no descriptor.
expect() {
    local err=$1 cfg=$2 reason=$3 start
    use_ssh "$cfg"
    sc_fails "$err" '\\localhost' query Beat
    echo "$OUT" | contains '\[SC\] OpenSCManager FAILED' || fail "$cfg: $OUT"
    [ "$SC_RC" -eq $((err & 255)) ] || fail "$cfg: sc exited $SC_RC"
    echo "$OUT" | contains -- "$reason" || fail "$cfg: the reason '$reason' is not printed: $OUT"
    "$CLIENT" '\\localhost' Beat >"$ROOT/api.out" 2>"$ROOT/api.err" && fail "$cfg: OpenSCManager succeeded"
    start=$(sed -n 's/^start fds=\([0-9]*\)$/\1/p' "$ROOT/api.out")
    grep -qx "OpenSCManager FAILED $err children=0 waitpid=ECHILD fds=$start" "$ROOT/api.out" ||
        fail "$cfg: $(cat "$ROOT/api.out" "$ROOT/api.err")"
    grep -q -- "$reason" "$ROOT/api.err" || fail "$cfg: the API logged no reason: $(cat "$ROOT/api.err")"
}

expect 1722 closed "Connection refused"
pass "a port nobody listens on: 1722, Connection refused"
expect 5 wrong "Permission denied"
pass "a key sshd does not accept: 5, Permission denied"
expect 1722 nocmd "svc-remote: not found"
pass "no svc-remote on the remote machine: 1722, not found"
expect 1722 noscm "cannot reach scmd at $ROOT/empty/run/scm.sock"
pass "no scmd on the remote machine: 1722, svc-remote says why"

# Without scmd here, the local API answers the same 1722.
unset SVCHOST_SSH
stop_scmd
sc_fails 1722 query Beat
pass "without scmd, the local answer is 1722 too"
