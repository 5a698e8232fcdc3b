#!/usr/bin/env bash
# SvchostImpersonateClient and SvchostRevertToSelf (docs/security.md,
# "Impersonation"): a plugin service (tests/plugins/impersonate.c) opens a
# file as the client of its Unix socket, a client run as an unprivileged
# user.  Checked through the client's answers: the client's own file
# opens, a file only root may read is denied (EACCES) and so is one only
# the host's account may read, a group the client is in counts, only the
# impersonating thread changes, and after reverting the thread is the
# host's again; both for a LocalSystem host (root) and for a host that
# runs as an account holding SeImpersonatePrivilege (CAP_SETUID and
# CAP_SETGID, ambient); for an own-process service
# (tests/tools/impersonate_own.c) as for plugins; and a service whose
# RequiredPrivileges lack SeImpersonatePrivilege is refused with 1314.
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" -ne 0 ]; then
    echo "SKIP: $(basename "$0") creates users and runs a client as one; run it as root"
    exit 77
fi
command -v setpriv >/dev/null || fail "setpriv (util-linux) is needed"
PY=/usr/bin/python3
[ -x "$PY" ] || fail "$PY is needed (scripts/bootstrap installs it)"

# Users of this test alone, removed at exit (after cleanup has killed
# their processes).
CLIENT=svctest-imp-client
HOSTU=svctest-imp-host
GRP=svctest-imp-group
remove_users() {
    local u i
    for u in "$CLIENT" "$HOSTU"; do
        # A process of the user killed a moment ago may not be gone yet.
        for i in $(seq 50); do
            id -u "$u" >/dev/null 2>&1 || break
            userdel "$u" 2>/dev/null && break
            sleep 0.1
        done
    done
    user_db groupdel "$GRP" 2>/dev/null || true
}
# (errexit off first: "(exit $r)" hands cleanup the status it reports)
trap 'r=$?; set +e; (exit $r); cleanup; remove_users; exit $r' EXIT
remove_users
user_db groupadd --system "$GRP" || fail "cannot create the group $GRP"
for u in "$CLIENT" "$HOSTU"; do
    user_db useradd --system --no-create-home --shell /usr/sbin/nologin "$u" ||
        fail "cannot create the user $u"
done
user_db usermod -a -G "$GRP" "$CLIENT" || fail "cannot add $CLIENT to $GRP"
CUID=$(id -u "$CLIENT")
CGID=$(id -g "$CLIENT")
HUID=$(id -u "$HOSTU")

# The programs, the plugin and the client where the accounts reach them
# (the tree may sit in a directory only root can enter).
unprivileged_tools scmd svchost sc
BIN=$UBIN
export LD_LIBRARY_PATH=$ULIB
mkdir -p "$ROOT/plugins" "$ROOT/files" "$ROOT/sock"
cp "$TEST_PLUGINS/impersonate.so" "$BUILD_DIR/tests/impersonate_own" "$ROOT/plugins/"
chmod 0755 "$ROOT/plugins" "$ROOT/plugins/impersonate.so" "$ROOT/plugins/impersonate_own" \
    "$ROOT/files"
chmod 1777 "$ROOT/sock"
PLUGIN=$ROOT/plugins/impersonate.so
cat >"$ROOT/ubin/client.py" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
s.sendall(sys.argv[2].encode() + b"\n")
data = b""
while True:
    chunk = s.recv(4096)
    if not chunk:
        break
    data += chunk
sys.stdout.write(data.decode())
EOF
chmod 0644 "$ROOT/ubin/client.py"

# The files: the client's own, root's, the host account's, and one the
# client may read only through its supplementary group.
echo mine >"$ROOT/files/client"
chown "$CLIENT:$CLIENT" "$ROOT/files/client"
chmod 0600 "$ROOT/files/client"
echo secret >"$ROOT/files/root"
chmod 0600 "$ROOT/files/root"
echo host >"$ROOT/files/host"
chown "$HOSTU:$HOSTU" "$ROOT/files/host"
chmod 0600 "$ROOT/files/host"
echo group >"$ROOT/files/group"
chown "root:$GRP" "$ROOT/files/group"
chmod 0640 "$ROOT/files/group"

# ask SERVICE FILE: the service's answer to the client asking for FILE, in $ANS.
ask() {
    ANS=$(setpriv --reuid="$CUID" --regid="$CGID" --init-groups \
        "$PY" "$ROOT/ubin/client.py" "$ROOT/sock/$1" "$ROOT/files/$2") ||
        fail "the client could not talk to $1"
}
# line WORDS...: $ANS must hold this exact line.
line() {
    grep -qxF -- "$*" <<<"$ANS" || fail "no line '$*' in the answer: $ANS"
}
# imp_service NAME GROUP [sc create words...]: installs the plugin's service.
imp_service() {
    local name=$1 grp=$2
    shift 2
    sc_ok create "$name" binPath= "svchost -k $grp" type= share start= demand \
        ServiceDll= "$PLUGIN" param= "Socket=$ROOT/sock/$name" "$@"
}
# restart NAME: (stops and) starts it, so that its host reads its privileges.
restart() {
    if [ "$(state "$1")" != STOPPED ]; then
        sc_ok stop "$1"
        wait_state "$1" STOPPED
    fi
    sc_ok start "$1"
    wait_state "$1" RUNNING
}

scmd

# ---- 1. LocalSystem without a list: root's host -----------------------------
imp_service Sys gsys
restart Sys
ask Sys client
line impersonate ok
line as "$CUID" "$CGID"
line process uid 0
line open ok
line revert ok
line uid 0
pass "LocalSystem: the client's own file opens as the client; the process and, after reverting, the thread are root's"

ask Sys root
line impersonate ok
line open errno 13
line uid 0
ask Sys group
line open ok
pass "LocalSystem: a file only root reads is denied (EACCES); the client's supplementary group counts"

# ---- 2. an account holding SeImpersonatePrivilege ---------------------------
imp_service Acct gacct obj= ".\\$HOSTU"
sc_ok privs Acct SeImpersonatePrivilege
restart Acct
pid=$(host_pid Acct)
awk '$1 == "Uid:" { exit !($2 == u && $3 == u) }' u="$HUID" "/proc/$pid/status" ||
    fail "the host of Acct does not run as $HOSTU: $(grep Uid: "/proc/$pid/status")"
ask Acct client
line impersonate ok
line as "$CUID" "$CGID"
line process uid "$HUID"
line open ok
line revert ok
line uid "$HUID"
ask Acct host
line open errno 13
ask Acct root
line open errno 13
ask Acct group
line open ok
pass "an account with SeImpersonatePrivilege: the client's file opens; the host account's and root's are denied; the thread is the account's again"

# ---- 3. a list without SeImpersonatePrivilege: 1314 -------------------------
imp_service NoPriv gnopriv
sc_ok privs NoPriv SeChangeNotifyPrivilege/SeBackupPrivilege
restart NoPriv
ask NoPriv client
line impersonate error 1314
line uid 0
! grep -q "^open" <<<"$ANS" || fail "a refused impersonation opened the file: $ANS"
# The same service with the privilege added impersonates, so the check
# above would have seen a service that may.
sc_ok privs NoPriv SeChangeNotifyPrivilege/SeImpersonatePrivilege
restart NoPriv
ask NoPriv client
line impersonate ok
line open ok
pass "a service whose RequiredPrivileges lack SeImpersonatePrivilege is refused with 1314"

# ---- 4. an own-process service: it reads its own file -----------------------
sc_ok create Own binPath= "$ROOT/plugins/impersonate_own" type= own start= demand
sc_ok start Own "$ROOT/sock/Own"
wait_state Own RUNNING
ask Own client
line impersonate ok
line as "$CUID" "$CGID"
line open ok
line uid 0
ask Own root
line open errno 13
sc_ok stop Own
wait_state Own STOPPED
sc_ok privs Own SeChangeNotifyPrivilege
sc_ok start Own "$ROOT/sock/Own"
wait_state Own RUNNING
ask Own client
line impersonate error 1314
line uid 0
pass "an own-process service impersonates by its own file's privileges, and is refused without SeImpersonatePrivilege"
