#!/usr/bin/env bash
# Accounts, capabilities and trusted code (docs/security.md): ObjectName
# decides who a host runs as, RequiredPrivileges which capabilities it
# keeps, and only code nobody else could have written is loaded.  Read
# back where a user would look: sc, /proc/PID/status and the event log.
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" -ne 0 ]; then
    echo "SKIP: $(basename "$0") creates users and runs hosts as them; run it as root"
    exit 77
fi

A=svctest-acct-a
B=svctest-acct-b
LS=svctest-acct-ls
# One of this run's own, as it is deleted on the way.
GONE=svctest-gone-$$
EXTRA=svctest-acct-extra
for u in $A $B $LS $GONE; do
    test_user "$u"
done
# (errexit off first: "(exit $keep)" hands cleanup the status it reports)
trap 'keep=$?; set +e; id -u "$GONE" >/dev/null 2>&1 && user_db userdel "$GONE"; (exit $keep); cleanup' EXIT
getent group $EXTRA >/dev/null || user_db groupadd --system $EXTRA ||
    getent group $EXTRA >/dev/null || fail "cannot create the group $EXTRA"
id -nG $A | tr ' ' '\n' | contains -x $EXTRA || user_db usermod -a -G $EXTRA $A ||
    fail "cannot add $A to $EXTRA"
UID_A=$(id -u $A)
GID_A=$(id -g $A)
GID_EXTRA=$(getent group $EXTRA | cut -d: -f3)

# The programs and plugins where the accounts can reach them (the tree
# may sit in a directory only root can enter).
unprivileged_tools scmd svchost sc ownservice
BIN=$UBIN
export LD_LIBRARY_PATH=$ULIB
export SVCHOST_PLUGIN_DIR=$ROOT/plugins
mkdir -p "$ROOT/plugins" "$ROOT/evil" "$ROOT/out"
cp "$TEST_PLUGINS/simple.so" "$ROOT/plugins/"
chmod 0755 "$ROOT/plugins" "$ROOT/evil" "$ROOT/plugins/simple.so"
chmod 1777 "$ROOT/out"
SIMPLE=$ROOT/plugins/simple.so
cat >"$ROOT/config/scm.ini" <<EOF
[SCM]
LocalServiceAccount = $LS
EOF

# status_field PID FIELD: a field of /proc/PID/status, tabs as spaces.
status_field() {
    awk -v f="$2:" '$1 == f { $1 = ""; sub(/^ /, ""); print; exit }' "/proc/$1/status"
}
# share NAME GROUP [sc create words...]
share() {
    local name=$1 grp=$2
    shift 2
    sc_ok create "$name" binPath= "svchost -k $grp" type= share start= demand \
        ServiceDll= "$SIMPLE" param= "Out=$ROOT/out/$name" "$@"
}
started_pid() {
    sc_ok start "$1"
    wait_state "$1" RUNNING
    host_pid "$1"
}

scmd

# ---- 1. an account ---------------------------------------------------------
share Alpha ga obj= $A
sc_ok qc Alpha
echo "$OUT" | contains "SERVICE_START_NAME *: $A$" || fail "sc qc does not show the account: $OUT"
pid=$(started_pid Alpha)
[ "$(status_field "$pid" Uid)" = "$UID_A $UID_A $UID_A $UID_A" ] ||
    fail "host of Alpha: Uid $(status_field "$pid" Uid), expected $UID_A"
[ "$(status_field "$pid" Gid)" = "$GID_A $GID_A $GID_A $GID_A" ] ||
    fail "host of Alpha: Gid $(status_field "$pid" Gid)"
status_field "$pid" Groups | tr ' ' '\n' | contains -x "$GID_EXTRA" ||
    fail "host of Alpha lacks its account's group $EXTRA: $(status_field "$pid" Groups)"
[ "$(status_field "$pid" CapEff)" = 0000000000000000 ] ||
    fail "host of Alpha holds capabilities: $(status_field "$pid" CapEff)"
[ "$(status_field "$pid" CapBnd)" = 0000000000000000 ] ||
    fail "host of Alpha's bounding set: $(status_field "$pid" CapBnd)"
[ "$(status_field "$pid" NoNewPrivs)" = 1 ] || fail "host of Alpha may gain privileges"
env_of() { tr '\0' '\n' <"/proc/$1/environ"; }
env_of "$pid" | contains -x "USER=$A" || fail "host of Alpha: no USER=$A"
env_of "$pid" | contains -x "HOME=$(getent passwd $A | cut -d: -f6)" || fail "host of Alpha: HOME"
[ "$(stat -c %U "$ROOT/out/Alpha")" = $A ] ||
    fail "the file Alpha wrote belongs to $(stat -c %U "$ROOT/out/Alpha")"
pass "a share service's host runs as its account: uid, gid, groups, environment, no capabilities"

# NT AUTHORITY\LocalService is scm.ini's LocalServiceAccount.
share Local gl obj= "NT AUTHORITY\\LocalService"
pid=$(started_pid Local)
[ "$(status_field "$pid" Uid | cut -d' ' -f1)" = "$(id -u $LS)" ] ||
    fail "LocalService host runs as uid $(status_field "$pid" Uid)"
sc_ok qc Local
echo "$OUT" | contains 'SERVICE_START_NAME *: NT AUTHORITY\\LocalService$' || fail "qc Local: $OUT"
pass "NT AUTHORITY\\LocalService runs as $LS"

# An own-process service takes its account too.
sc_ok create Own binPath= "$UBIN/ownservice" type= own start= demand obj= ".\\$A"
pid=$(started_pid Own)
[ "$(status_field "$pid" Uid | cut -d' ' -f1)" = "$UID_A" ] ||
    fail "own-process host runs as $(status_field "$pid" Uid)"
sc_ok stop Own
pass "an own-process service runs as its account (.\\name)"

# ---- 2. one group, one account: 1079 --------------------------------------
share Beta ga obj= $B
sc_fails 1079 start Beta
[ "$(state Alpha)" = RUNNING ] || fail "Alpha stopped when Beta was refused"
sc_ok stop Alpha
wait_state Alpha STOPPED
sc_ok start Beta
wait_state Beta RUNNING
pid=$(host_pid Beta)
[ "$(status_field "$pid" Uid | cut -d' ' -f1)" = "$(id -u $B)" ] || fail "Beta's host uid"
sc_ok stop Beta
wait_state Beta STOPPED
pass "1079 for a second account in a running group; alone it starts"

# ---- 3. accounts that do not exist: 1057, then 1069 ------------------------
sc_fails 1057 create Nobody binPath= "svchost -k gn" type= share ServiceDll= "$SIMPLE" \
    obj= svctest-no-such-user
sc query Nobody
[ "$SC_RC" -ne 0 ] || fail "a refused create left a service"
sc_fails 1057 config Alpha obj= svctest-no-such-user
sc_fails 1057 config Alpha obj= 'OTHERDOMAIN\someone'
sc_ok qc Alpha
echo "$OUT" | contains "SERVICE_START_NAME *: $A$" || fail "a refused config changed the account: $OUT"
share Gone gg obj= $GONE
user_db userdel $GONE || fail "cannot remove the user $GONE"
sc_fails 1069 start Gone
events 7038 Gone | contains "$GONE" || fail "no event 7038 for Gone: $(tail -3 "$ROOT/log/events.log")"
pass "1057 for an unknown account at create and config, 1069 and 7038 when it has gone"

# An account change is an event.
sc_ok config Alpha obj= $B
events 7202 Alpha | contains "from $A to $B" || fail "no event 7202: $(tail -3 "$ROOT/log/events.log")"
sc_ok config Alpha obj= $A
pass "event 7202 for an account change"

# ---- 4. capabilities: the union of the group's privileges ------------------
share Priv gp obj= $A
share Priv2 gp obj= $A
sc_ok privs Priv SeBackupPrivilege/SvchostBindServicePrivilege
sc_ok privs Priv2 SeSystemtimePrivilege
pid=$(started_pid Priv)
# CAP_DAC_READ_SEARCH 2, CAP_NET_BIND_SERVICE 10, CAP_SYS_TIME 25
want=0000000002000404
for f in CapPrm CapEff CapAmb CapBnd; do
    [ "$(status_field "$pid" $f)" = $want ] ||
        fail "host of Priv: $f $(status_field "$pid" $f), expected $want"
done
[ "$(status_field "$pid" Uid | cut -d' ' -f1)" = "$UID_A" ] || fail "host of Priv runs as root"
sc_ok stop Priv
pass "an account's host holds the union of its group's privileges as capabilities, nothing more"

# A service SID is the group svc-NAME, when it exists: in the host's
# groups once ServiceSidType says so, not before.
getent group svc-sidsvc >/dev/null || user_db groupadd --system svc-sidsvc ||
    getent group svc-sidsvc >/dev/null || fail "cannot create the group svc-sidsvc"
SID_GID=$(getent group svc-sidsvc | cut -d: -f3)
share SidSvc gsid obj= $A
pid=$(started_pid SidSvc)
status_field "$pid" Groups | tr ' ' '\n' | contains -x "$SID_GID" &&
    fail "SidSvc's host has the service SID group without ServiceSidType"
sc_ok stop SidSvc
wait_state SidSvc STOPPED
sc_ok sidtype SidSvc unrestricted
pid=$(started_pid SidSvc)
status_field "$pid" Groups | tr ' ' '\n' | contains -x "$SID_GID" ||
    fail "SidSvc's host lacks svc-sidsvc ($SID_GID): $(status_field "$pid" Groups)"
sc_ok stop SidSvc
pass "ServiceSidType unrestricted puts the group svc-NAME in the host's groups"

# LocalSystem: without a list, root's; with one, only that.
share Sys gs
pid=$(started_pid Sys)
[ "$(status_field "$pid" Uid | cut -d' ' -f1)" = 0 ] || fail "LocalSystem host is not root"
[ "$(status_field "$pid" CapEff)" = "$(status_field $$ CapBnd)" ] ||
    fail "LocalSystem host without a list: CapEff $(status_field "$pid" CapEff)"
sc_ok stop Sys
share SysLimited gsl
sc_ok privs SysLimited SeShutdownPrivilege
pid=$(started_pid SysLimited)
[ "$(status_field "$pid" Uid | cut -d' ' -f1)" = 0 ] || fail "SysLimited host is not root"
# CAP_SYS_BOOT 22
for f in CapEff CapBnd; do
    [ "$(status_field "$pid" $f)" = 0000000000400000 ] ||
        fail "LocalSystem host with SeShutdownPrivilege: $f $(status_field "$pid" $f)"
done
[ "$(status_field "$pid" NoNewPrivs)" = 1 ] || fail "SysLimited host may gain privileges"
sc_ok stop SysLimited
pass "LocalSystem keeps root's capabilities, or only its list's"

# ---- 5. trusted code --------------------------------------------------------
cp "$SIMPLE" "$ROOT/evil/simple.so"
chmod 0755 "$ROOT/evil/simple.so"
sc_ok create Trust binPath= "svchost -k gt" type= share start= demand ServiceDll= "$ROOT/evil/simple.so"
chmod o+w "$ROOT/evil/simple.so"
sc_fails 5 start Trust
events 7203 Trust | contains "$ROOT/evil/simple.so is writable by others" ||
    fail "no event 7203 naming the writable plugin: $(tail -2 "$ROOT/log/events.log")"
chmod o-w "$ROOT/evil/simple.so"
chmod 0777 "$ROOT/evil"
sc_fails 5 start Trust
events 7203 Trust | contains "$ROOT/evil is writable by others" || fail "no 7203 for the directory"
chmod 0755 "$ROOT/evil"
chown $B "$ROOT/evil/simple.so"
sc_fails 5 start Trust
events 7203 Trust | contains "owned by uid $(id -u $B)" || fail "no 7203 for the owner"
sc_ok config Trust obj= $B
sc_ok start Trust
wait_state Trust RUNNING
sc_ok stop Trust
wait_state Trust STOPPED
chown root "$ROOT/evil/simple.so"
sc_ok config Trust obj= LocalSystem
sc_ok start Trust
wait_state Trust RUNNING
sc_ok stop Trust
pass "a plugin writable by others, in a directory writable by others, or owned by another account is refused (5, 7203); trusted, it runs"

# A plugin file its host has loaded for a running service is not checked
# again for a second service (the host maps nothing new for it); once no
# service started from it runs there, the next start is checked again
# (Keeper, of another plugin file, keeps the host).
sc_ok create Trust2 binPath= "svchost -k gt" type= share start= demand ServiceDll= "$ROOT/evil/simple.so"
sc_ok create Keeper binPath= "svchost -k gt" type= share start= demand ServiceDll= "$ROOT/plugins/simple.so"
sc_ok start Keeper
wait_state Keeper RUNNING
keeper=$(host_pid Keeper)
sc_ok start Trust
wait_state Trust RUNNING
chmod o+w "$ROOT/evil/simple.so"
n7203=$(events 7203 Trust2 | wc -l)
sc_ok start Trust2
wait_state Trust2 RUNNING
[ "$(events 7203 Trust2 | wc -l)" = "$n7203" ] || fail "a 7203 for a plugin its host has loaded"
[ "$(host_pid Trust)" = "$(host_pid Trust2)" ] || fail "Trust and Trust2 in different hosts"
sc_ok stop Trust
wait_state Trust STOPPED
sc_ok stop Trust2
wait_state Trust2 STOPPED
[ "$(host_pid Keeper)" = "$keeper" ] && [ "$(host_pid Trust)" = 0 ] ||
    fail "Keeper's host $keeper did not stay: $(host_pid Keeper)"
sc_fails 5 start Trust2
events 7203 Trust2 | contains "$ROOT/evil/simple.so is writable by others" ||
    fail "no 7203 once no service of that plugin ran: $(tail -2 "$ROOT/log/events.log")"
chmod o-w "$ROOT/evil/simple.so"
sc_ok stop Keeper
wait_state Keeper STOPPED
pass "a plugin loaded for a running service is checked once per host; with none running, again"

# A relative ServiceDll stays inside the plugin directory.
sc_ok create Rel binPath= "svchost -k gr" type= share start= demand ServiceDll= "../evil/simple.so"
sc_fails 5 start Rel
events 7203 Rel | contains "outside the plugin directory" || fail "no 7203 for ../"
sc_ok config Rel ServiceDll= simple.so
sc_ok start Rel
wait_state Rel RUNNING
pass "a relative ServiceDll that leaves the plugin directory is refused; inside it runs"

# The same rule for an own-process program.
cp "$UBIN/ownservice" "$ROOT/evil/ownservice"
chmod 0757 "$ROOT/evil/ownservice"
sc_ok create OwnEvil binPath= "$ROOT/evil/ownservice" type= own start= demand
sc_fails 5 start OwnEvil
chmod 0755 "$ROOT/evil/ownservice"
sc_ok start OwnEvil
wait_state OwnEvil RUNNING
pass "an own-process program writable by others is refused"

# ---- failure commands ---------------------------------------------------------
# A failure action's command runs as the service's account, as Windows
# runs it "under the same account as the service", with its HOME.
printf '#!/bin/sh\necho "$(id -u) $(id -g) $HOME" >"%s/out/$1.who"\n' "$ROOT" >"$ROOT/out/whoami.sh"
chmod 0755 "$ROOT/out/whoami.sh"
share Failing gf obj= $A
sc_ok failure Failing reset= INFINITE actions= run/0 command= "$ROOT/out/whoami.sh Failing"
share FailingRoot gfr
sc_ok failure FailingRoot reset= INFINITE actions= run/0 command= "$ROOT/out/whoami.sh FailingRoot"
for s in Failing FailingRoot; do
    pid=$(started_pid $s)
    kill -KILL "$pid"
    deadline=$((SECONDS + TIMEOUT))
    until [ -s "$ROOT/out/$s.who" ]; do
        [ $SECONDS -le $deadline ] || fail "$s's failure command did not run: $(events 7032 $s)"
        sleep 0.05
    done
done
read -r uid gid home <"$ROOT/out/Failing.who"
[ "$uid $gid $home" = "$UID_A $GID_A $(getent passwd $A | cut -d: -f6)" ] ||
    fail "Failing's command ran as $uid $gid $home, not $A ($UID_A $GID_A)"
read -r uid gid home <"$ROOT/out/FailingRoot.who"
[ "$uid $gid" = "0 0" ] || fail "FailingRoot's command ran as $uid $gid, not root"
pass "a failure command runs as its service's account (root for LocalSystem)"

# ---- 6. the state directory ---------------------------------------------------
[ "$(stat -c %a "$ROOT")" = 755 ] || fail "state directory mode $(stat -c %a "$ROOT")"
[ "$(stat -c %a "$ROOT/run/scm.sock")" = 666 ] || fail "socket mode"
[ "$(stat -c %a "$ROOT/run/journal")" = 600 ] || fail "the journal (host secrets) is readable"
pass "the state directory is readable by all, writable by scmd; the journal is scmd's alone"

# ---- 7. a host of an account outlives scmd and rejoins the next one ---------
sc_ok start Alpha
wait_state Alpha RUNNING
pid=$(host_pid Alpha)
rejoins() { grep -c "host $pid ([a-zA-Z]*) rejoined" "$ROOT/scmd.err" || true; }
seen=$(rejoins)
kill -KILL "$SCMD"
wait "$SCMD" 2>/dev/null || true
scmd
# The journal's RUNNING shows before the host is back; a control waits
# for the host itself.
deadline=$((SECONDS + TIMEOUT))
while [ "$(rejoins)" -le "$seen" ]; do
    [ $SECONDS -le $deadline ] || fail "Alpha's host $pid did not rejoin"
    sleep 0.05
done
wait_state Alpha RUNNING
[ "$(host_pid Alpha)" = "$pid" ] || fail "Alpha's host $pid did not rejoin (now $(host_pid Alpha))"
sc_ok stop Alpha
wait_state Alpha STOPPED
pass "a host running as an account rejoins a restarted scmd"

# ---- 8. split hosting does not hide 1079 ------------------------------------
stop_scmd
scmd --split-threshold-kb 1
sc_ok start Alpha
wait_state Alpha RUNNING
sc_fails 1079 start Beta
pass "1079 with split hosting too"

stop_scmd
[ "$RC" -eq 0 ] || fail "scmd exit $RC"
