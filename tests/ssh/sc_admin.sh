#!/usr/bin/env bash
# Administration over ssh by a user who holds every right there: the SSH
# login user is the user of that machine's scmd (scmd grants its own user
# everything, as root).  sc \\localhost create, start, query, stop,
# config, qc and delete all act on that scmd, as they would locally.
. "$(dirname "$0")/lib.sh"

# The test user's own scmd, on a state directory it owns, from copies it
# can run; the plugin too.
unprivileged_tools svc-remote sc scmd svchost
mkdir -p "$ROOT/ubin/plugins" "$USER_ROOT/config/services"
cp "$TEST_PLUGINS/simple.so" "$ROOT/ubin/plugins/"
chmod -R a+rX "$ROOT/ubin"
chown -R "$SSH_USER" "$USER_ROOT"
start_sshd
ssh_config admin admin
SVCHOST_ROOT=$USER_ROOT as_user "$UBIN/scmd" --root "$USER_ROOT" 2>"$ROOT/userscmd.err" &
PIDS+=($!)
wait_for "$ROOT/userscmd.err" 'ready on'
use_ssh admin

# usc ARGS...: sc on the user's scmd, here and without ssh (as that user);
# its status is sc's.
usc() {
    SVCHOST_ROOT=$USER_ROOT as_user "$UBIN/sc" "$@" 2>&1
}

sc_ok '\\localhost' create Remote binPath= "svchost -k rgrp" type= share start= demand \
    ServiceDll= "$ROOT/ubin/plugins/simple.so"
echo "$OUT" | contains 'CreateService SUCCESS' || fail "create over ssh: $OUT"
usc qc Remote | contains 'BINARY_PATH_NAME *: svchost -k rgrp' || fail "the user's scmd has no Remote: $(usc qc Remote)"
pass "sc \\\\localhost create: the service is in the user's scmd"

sc_ok '\\localhost' start Remote
deadline=$((SECONDS + TIMEOUT))
until usc query Remote | contains 'STATE *: 4  RUNNING'; do
    [ $SECONDS -le $deadline ] || fail "Remote did not start: $(usc query Remote)"
    sleep 0.05
done
sc_ok '\\localhost' queryex Remote
pid=$(echo "$OUT" | awk '$1 == "PID" { print $3 }')
[ -n "$pid" ] && [ "$(stat -c %u "/proc/$pid")" = "$SSH_UID" ] ||
    fail "queryex over ssh: PID '$pid' is not a host of $SSH_USER: $OUT"
pass "sc \\\\localhost start: Remote runs in host $pid of $SSH_USER"

sc_ok '\\localhost' stop Remote
until usc query Remote | contains 'STATE *: 1  STOPPED'; do
    [ $SECONDS -le $deadline ] || fail "Remote did not stop: $(usc query Remote)"
    sleep 0.05
done
pass "sc \\\\localhost stop: STOPPED"

sc_ok '\\localhost' config Remote start= auto
sc_ok '\\localhost' qc Remote
echo "$OUT" | contains 'START_TYPE *: 2   AUTO_START' || fail "qc after config over ssh: $OUT"
sc_ok '\\localhost' delete Remote
out=$(usc query Remote) && fail "Remote is still there: $out"
grep -q 'FAILED 1060:' <<<"$out" || fail "Remote is still there: $out"
pass "sc \\\\localhost config, qc and delete"
