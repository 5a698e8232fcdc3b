#!/usr/bin/env bash
# Security descriptors: sc sdshow / sdset on a service and on the SCM,
# Windows' defaults, a user granted start and stop on one service (and
# nothing more), deny ACEs before allow, a group's SID through the
# caller's primary and supplementary groups, AdminGroup as BUILTIN\
# Administrators, malformed SDDL refused with 87 leaving the descriptor
# as it was, the descriptors kept across an scmd restart, and the audit
# of refusals and changes.  Creates two users and a group, removed at exit.
if [ "$(id -u)" -ne 0 ]; then
    echo "SKIP: $(basename "$0") creates users and runs sc as them; run it as root"
    exit 77
fi
. "$(dirname "$0")/lib.sh"
command -v setpriv >/dev/null || fail "setpriv (util-linux) is needed"

U1=svsd$$a
U2=svsd$$b
GA=svsd$$g
remove_users() {
    user_db userdel "$U1" 2>/dev/null || true
    user_db userdel "$U2" 2>/dev/null || true
    user_db groupdel "$GA" 2>/dev/null || true
}
on_exit() {
    local rc=$?
    remove_users
    set +e
    (exit $rc)
    cleanup
}
trap on_exit EXIT
for u in "$U1" "$U2"; do
    user_db useradd --system --no-create-home --shell /usr/sbin/nologin --user-group "$u" ||
        fail "cannot create the user $u"
done
user_db groupadd --system "$GA" || fail "cannot create the group $GA"
UID1=$(id -u "$U1")
GID1=$(id -g "$U1")
UID2=$(id -u "$U2")
GID2=$(id -g "$U2")
GIDA=$(getent group "$GA" | cut -d: -f3)
# The programs and the plugin where the users can reach them (the tree
# may sit in a directory only root can enter): a host runs as U2 below.
unprivileged_tools scmd svchost sc
BIN=$UBIN
export LD_LIBRARY_PATH=$ULIB
export SVCHOST_PLUGIN_DIR=$ROOT/plugins
mkdir -p "$ROOT/plugins"
cp "$TEST_PLUGINS/simple.so" "$ROOT/plugins/"
chmod 0755 "$ROOT/plugins" "$ROOT/plugins/simple.so"
SIMPLE=$ROOT/plugins/simple.so

# as USER GID [SUPPLEMENTARY] -- ARGS...: sc as that user; $OUT, $SC_RC.
as() {
    local user=$1 gid=$2 groups=--clear-groups
    shift 2
    if [ "$1" != -- ]; then
        groups=--groups=$1
        shift
    fi
    shift
    SC_RC=0
    OUT=$(LD_LIBRARY_PATH=$ULIB setpriv --reuid="$user" --regid="$gid" "$groups" \
        env SVCHOST_ROOT="$ROOT" "$UBIN/sc" "$@" 2>&1) || SC_RC=$?
}
as_ok() {
    local who="$1 $2"
    as "$@"
    [ "$SC_RC" -eq 0 ] || fail "as $who: sc ${*:3} exited $SC_RC: $OUT"
}
as_fails() {
    local err=$1
    shift
    as "$@"
    [ "$SC_RC" -ne 0 ] || fail "as $1: sc ${*:3} succeeded; expected $err"
    echo "$OUT" | contains "FAILED $err:" || fail "as $1: sc ${*:3} did not fail with $err: $OUT"
}
# sdshow_is NAME SDDL: sc sdshow prints a blank line, then exactly SDDL.
sdshow_is() {
    sc_ok sdshow "$1"
    [ "$OUT" = "$(printf '\n%s' "$2")" ] || fail "sdshow $1 is '$OUT', not '$2'"
}

SERVICE_DEFAULT="D:(A;;CCLCSWRPWPDTLOCRRC;;;SY)(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;BA)(A;;CCLCSWLOCRRC;;;IU)(A;;CCLCSWLOCRRC;;;SU)"
MANAGER_DEFAULT="D:(A;;CCLCRPRC;;;AU)(A;;KA;;;SY)(A;;KA;;;BA)"
ADMINS="(A;;CCLCSWRPWPDTLOCRRC;;;SY)(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;BA)"

scmd
install S g1 "$SIMPLE"
install T g2 "$SIMPLE"
sdshow_is S "$SERVICE_DEFAULT"
sdshow_is scmanager "$MANAGER_DEFAULT"
pass "Windows' default descriptors"

# By default another user may query but not start, stop or configure.
as_ok "$U1" "$GID1" -- query S
as_ok "$U1" "$GID1" -- sdshow S
[ "$OUT" = "$(printf '\n%s' "$SERVICE_DEFAULT")" ] || fail "sdshow as $U1: $OUT"
as_fails 5 "$U1" "$GID1" -- start S
as_fails 5 "$U1" "$GID1" -- sdset S "D:(A;;GA;;;WD)"
pass "a user queries and reads the descriptor, and may not start or set it"

GRANT="D:$ADMINS(A;;CCLCSWLOCRRC;;;IU)(A;;RPWPLC;;;S-1-22-1-$UID1)"
sc_ok sdset S "$GRANT"
[ "$OUT" = "[SC] SetServiceObjectSecurity SUCCESS" ] || fail "sdset printed: $OUT"
sdshow_is S "D:$ADMINS(A;;CCLCSWLOCRRC;;;IU)(A;;LCRPWP;;;S-1-22-1-$UID1)"
as_ok "$U1" "$GID1" -- start S
wait_state S RUNNING
# A fresh second of log lines for this user: the audit is checked below.
sleep 1.1
as_fails 5 "$U2" "$GID2" -- stop S
as_ok "$U1" "$GID1" -- stop S
wait_state S STOPPED
as_fails 5 "$U1" "$GID1" -- config S start= auto
as_fails 5 "$U2" "$GID2" -- start S
as_fails 5 "$U1" "$GID1" -- sdset S "D:(A;;GA;;;WD)"
as_fails 5 "$U1" "$GID1" -- start T
pass "a user granted start and stop on one service: start, stop; not config, sdset, another service; another user nothing"

# Deny before allow wins; allow before deny wins, as Windows evaluates.
sc_ok sdset S "D:$ADMINS(D;;RP;;;S-1-22-1-$UID1)(A;;RPWPLC;;;S-1-22-1-$UID1)"
as_fails 5 "$U1" "$GID1" -- start S
sc_ok sdset S "D:$ADMINS(A;;RPWPLC;;;S-1-22-1-$UID1)(D;;RP;;;S-1-22-1-$UID1)"
as_ok "$U1" "$GID1" -- start S
wait_state S RUNNING
sc_ok stop S
wait_state S STOPPED
pass "deny and allow ACEs in order"

# A group: through the primary group, then a supplementary one (SO_PEERGROUPS).
sc_ok sdset S "D:$ADMINS(A;;RPWPLC;;;S-1-22-2-$GID2)"
as_ok "$U2" "$GID2" -- start S
wait_state S RUNNING
as_ok "$U2" "$GID2" -- stop S
wait_state S STOPPED
as_fails 5 "$U1" "$GID1" -- start S
sc_ok sdset S "D:$ADMINS(A;;RPWPLC;;;S-1-22-2-$GIDA)"
as_fails 5 "$U1" "$GID1" -- start S
as_ok "$U1" "$GID1" "$GIDA" -- start S
wait_state S RUNNING
sc_ok stop S
wait_state S STOPPED
# A deny naming a supplementary group applies too.
sc_ok sdset S "D:$ADMINS(D;;RP;;;S-1-22-2-$GIDA)(A;;RPWPLC;;;WD)"
as_ok "$U2" "$GID2" -- start S
wait_state S RUNNING
sc_ok stop S
wait_state S STOPPED
as_fails 5 "$U1" "$GID1" "$GIDA" -- start S
pass "group SIDs: primary and supplementary groups, allow and deny"

# SU: the users host processes run as, while one runs.
sc_ok create Hosted binPath= "svchost -k gsu" type= share start= demand ServiceDll= "$SIMPLE" \
    obj= "$U2"
sc_ok sdset S "D:$ADMINS(A;;RPWPLC;;;SU)"
as_fails 5 "$U2" "$GID2" -- start S
sc_ok start Hosted
wait_state Hosted RUNNING
HOSTED_PID=$(field Hosted PID)
[ "$(stat -c %u "/proc/$HOSTED_PID")" = "$UID2" ] || fail "Hosted does not run as $U2"
as_ok "$U2" "$GID2" -- start S
wait_state S RUNNING
as_ok "$U2" "$GID2" -- stop S
wait_state S STOPPED
as_fails 5 "$U1" "$GID1" -- start S
sc_ok stop Hosted
deadline=$((SECONDS + TIMEOUT))
while [ -e "/proc/$HOSTED_PID" ]; do
    [ $SECONDS -le $deadline ] || fail "the host of Hosted did not exit"
    sleep 0.05
done
as_fails 5 "$U2" "$GID2" -- start S
pass "SU holds the users of running hosts, only while they run"

# Malformed SDDL: 87 and nothing changes.
sc_ok sdset S "$GRANT"
for bad in "D:(A;;XX;;;SY)" "D:(A;;CC;;;SY" "D:(X;;CC;;;SY)" "D:(A;;CC;;;S-1-5-x)" \
           "D:(AU;;CC;;;SY)" "D:(A;;CC;;;SY;extra)" "Q:(A;;CC;;;SY)" "O:SY"; do
    sc_fails 87 sdset S "$bad"
    echo "$OUT" | contains "^sc: bad security descriptor: " || [ "$bad" = "O:SY" ] ||
        fail "sdset '$bad' did not say what is wrong: $OUT"
done
sdshow_is S "D:$ADMINS(A;;CCLCSWLOCRRC;;;IU)(A;;LCRPWP;;;S-1-22-1-$UID1)"
sc_fails 1060 sdshow Nope
sc_fails 1060 sdset Nope "D:(A;;GA;;;SY)"
pass "malformed SDDL is 87 and changes nothing"

# The SCM's own descriptor: without connect, a user cannot even open it.
sc_ok sdset scmanager "D:(A;;KA;;;SY)(A;;KA;;;BA)"
# A fresh second of log lines for this user: the audit is checked below.
sleep 1.1
as_fails 5 "$U1" "$GID1" -- query S
echo "$OUT" | contains "OpenSCManager FAILED 5" || fail "query without connect: $OUT"
[ -f "$ROOT/config/scm.sddl" ] || fail "the SCM's descriptor is not in config/scm.sddl"
pass "sdset scmanager: the SCM's DACL decides who connects"

# Audit: refusals with the uid, the object, the call and the missing
# right; changes as event 4670.
grep -q "access denied: uid $UID1 pid [0-9]*, OpenService on service S: lacks SERVICE_CHANGE_CONFIG" \
    "$ROOT/scmd.err" || fail "no audit line for the refused config: $(grep 'access denied' "$ROOT/scmd.err")"
grep -q "access denied: uid $UID2 pid [0-9]*, OpenService on service S: lacks SERVICE_STOP" \
    "$ROOT/scmd.err" || fail "no audit line for the refused stop"
grep -q "access denied: uid $UID1 pid [0-9]*, OpenSCManager on the SCM: lacks SC_MANAGER_CONNECT" \
    "$ROOT/scmd.err" || fail "no audit line for the refused connect"
grep -q " 4670 S Permissions on an object were changed. Subject: uid 0. Object: service S. " \
    "$ROOT/log/events.log" || fail "no event 4670 for S"
grep -q " 4670 - Permissions on an object were changed. Subject: uid 0. Object: the Service Control Manager. .*New Security Descriptor: O:SYG:SYD:(A;;KA;;;SY)(A;;KA;;;BA)\.$" \
    "$ROOT/log/events.log" || fail "no event 4670 for the SCM"
pass "refusals logged, changes are event 4670"

# Both descriptors survive a restart; AdminGroup's members are BA.
stop_scmd
printf '[SCM]\nAdminGroup = %s\n' "$GA" >"$ROOT/config/scm.ini"
scmd
sdshow_is S "D:$ADMINS(A;;CCLCSWLOCRRC;;;IU)(A;;LCRPWP;;;S-1-22-1-$UID1)"
sdshow_is scmanager "D:(A;;KA;;;SY)(A;;KA;;;BA)"
as_fails 5 "$U1" "$GID1" -- query S
as_ok "$U2" "$GID2" "$GIDA" -- sdset scmanager "$MANAGER_DEFAULT"
sdshow_is scmanager "$MANAGER_DEFAULT"
as_ok "$U1" "$GID1" -- start S
wait_state S RUNNING
as_ok "$U1" "$GID1" -- stop S
wait_state S STOPPED
pass "descriptors kept across a restart; an AdminGroup member administers the SCM"

# A change of configuration keeps the descriptor.
sc_ok config S start= auto
sc_ok description S "with a descriptor"
sdshow_is S "D:$ADMINS(A;;CCLCSWLOCRRC;;;IU)(A;;LCRPWP;;;S-1-22-1-$UID1)"
grep -q "^Security = O:SYG:SYD:$" "$ROOT/config/services/S.ini" || fail "Security not in S.ini"
pass "sc config keeps the descriptor"
