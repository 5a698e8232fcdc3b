#!/usr/bin/env bash
# sc \\localhost through a real sshd: the commands work as they do
# locally, and scmd checks the rights of the SSH login user, exactly as
# for that user on this machine (here: query yes, stop no).
. "$(dirname "$0")/lib.sh"

# Enough services, with display names of 180 characters, that the
# enumeration's reply (over 80 KB) outgrows svc-remote's 64 KiB buffer.
long=$(printf 'x%.0s' $(seq 1 180))
for i in $(seq -f '%03g' 1 400); do
    printf '[Service]\nDisplayName = %s\nType = own\nStart = demand\nImagePath = /bin/true\n' \
        "${long:0:177}$i" >"$ROOT/config/services/Many$i.ini"
done
remote_setup
use_ssh user

# What the user sees here without ssh, to compare with.
local_query=$(as_user "$UBIN/sc" query Beat 2>&1) || fail "local sc query Beat as $SSH_USER: $local_query"
echo "$local_query" | contains 'STATE *: 4  RUNNING' || fail "local query: $local_query"

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
echo "$OUT" | contains 'SERVICE_NAME: Beat' || fail "qc: $OUT"
echo "$OUT" | contains 'BINARY_PATH_NAME *: svchost -k demo' || fail "qc: $OUT"
echo "$OUT" | contains 'DISPLAY_NAME *: Beat$' || fail "qc: $OUT"
sc_ok '\\localhost' queryex Beat
pid=$(echo "$OUT" | awk '$1 == "PID" { print $3 }')
[ "$pid" = "$(host_pid Beat)" ] || fail "queryex over ssh: PID '$pid', locally $(host_pid Beat)"
sc_ok '\\localhost' query
echo "$OUT" | contains 'SERVICE_NAME: Beat' || fail "enumeration over ssh: $OUT"
sc_ok '\\127.0.0.1' query Beat
pass "qc, queryex, the enumeration and \\\\127.0.0.1 over ssh"

local_all=$("$BIN/sc" query type= service state= all 2>&1) || fail "local sc query state= all: $local_all"
[ "$(grep -c "DISPLAY_NAME: ${long:0:177}" <<<"$local_all")" = 400 ] || fail "not 400 long names: $local_all"
sc_ok '\\localhost' query type= service state= all
[ "$OUT" = "$local_all" ] || fail "the enumeration over ssh differs from the local one"
pass "an enumeration of 400 services with long names (${#local_all} bytes of text) over ssh, as locally"

# "\\." stays this machine even with SVCHOST_SSH: no new login.
logins=$(grep -c "Accepted publickey" "$ROOT/sshd.err")
sc_ok '\\localhost' query Beat
[ "$(grep -c "Accepted publickey" "$ROOT/sshd.err")" -gt "$logins" ] || fail "sc \\\\localhost logged no login"
logins=$(grep -c "Accepted publickey" "$ROOT/sshd.err")
sc_ok '\\.' stop Beat
wait_state Beat STOPPED
sc_ok start Beat
[ "$(grep -c "Accepted publickey" "$ROOT/sshd.err")" -eq "$logins" ] || fail "sc \\\\. went through sshd"
pass "\\\\. is the local socket (root may stop Beat) even with SVCHOST_SSH"

# The user may not stop it, locally or remotely; the service runs on.
rc=0
out=$(as_user "$UBIN/sc" stop Beat 2>&1) || rc=$?
echo "$out" | contains 'FAILED 5:' || fail "local sc stop Beat as $SSH_USER: $out"
sc_fails 5 '\\localhost' stop Beat
echo "$OUT" | contains 'OpenService FAILED 5' || fail "stop over ssh: $OUT"
sc_fails 5 '\\localhost' start Beat
[ "$(state Beat)" = RUNNING ] || fail "Beat is $(state Beat) after the refused stop"
# ...and a stop that is allowed is seen at once: root's.
sc_ok stop Beat
wait_state Beat STOPPED
pass "sc \\\\localhost stop Beat: 5, as for $SSH_USER here; Beat kept running until root stopped it"
