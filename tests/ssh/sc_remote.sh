#!/usr/bin/env bash
# sc \\localhost through a real sshd: the commands work as they do
# locally, and scmd checks the rights of the SSH login user, exactly as
# for that user on this machine (here: query yes, stop no).
. "$(dirname "$0")/lib.sh"

remote_setup
use_ssh user

# What the user sees here without ssh, to compare with.
local_query=$(as_user "$UBIN/sc" query Beat 2>&1) || fail "local sc query Beat as $SSH_USER: $local_query"
echo "$local_query" | grep -q 'STATE *: 4  RUNNING' || fail "local query: $local_query"

sc_ok '\\localhost' query Beat
[ "$OUT" = "$local_query" ] || fail "sc \\\\localhost query Beat differs from the local one:
$OUT
---- local:
$local_query"
pass "sc \\\\localhost query Beat: RUNNING, as sc query Beat"

# The connection really went through sshd, as the test user.
grep -q "Accepted publickey for $SSH_USER from 127.0.0.1" "$ROOT/sshd.err" ||
    fail "sshd logged no login of $SSH_USER: $(cat "$ROOT/sshd.err")"
pass "through sshd, as $SSH_USER"

sc_ok '\\localhost' qc Beat
echo "$OUT" | grep -q 'SERVICE_NAME: Beat' || fail "qc: $OUT"
echo "$OUT" | grep -q 'BINARY_PATH_NAME *: svchost -k demo' || fail "qc: $OUT"
echo "$OUT" | grep -q 'DISPLAY_NAME *: Beat$' || fail "qc: $OUT"
sc_ok '\\localhost' queryex Beat
pid=$(echo "$OUT" | awk '$1 == "PID" { print $3 }')
[ "$pid" = "$(host_pid Beat)" ] || fail "queryex over ssh: PID '$pid', locally $(host_pid Beat)"
sc_ok '\\localhost' query
echo "$OUT" | grep -q 'SERVICE_NAME: Beat' || fail "enumeration over ssh: $OUT"
sc_ok '\\127.0.0.1' query Beat
pass "qc, queryex, the enumeration and \\\\127.0.0.1 over ssh"

# The user may not stop it, locally or remotely; the service runs on.
rc=0
out=$(as_user "$UBIN/sc" stop Beat 2>&1) || rc=$?
echo "$out" | grep -q 'FAILED 5:' || fail "local sc stop Beat as $SSH_USER: $out"
sc_fails 5 '\\localhost' stop Beat
echo "$OUT" | grep -q 'OpenService FAILED 5' || fail "stop over ssh: $OUT"
sc_fails 5 '\\localhost' start Beat
[ "$(state Beat)" = RUNNING ] || fail "Beat is $(state Beat) after the refused stop"
# ...and a stop that is allowed is seen at once: root's.
sc_ok stop Beat
wait_state Beat STOPPED
pass "sc \\\\localhost stop Beat: 5, as for $SSH_USER here; Beat kept running until root stopped it"
