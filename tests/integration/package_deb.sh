#!/usr/bin/env bash
# scripts/package builds a .deb that declares its dependencies (from
# dpkg-shlibdeps, each installed here, so apt installs it offline), holds
# the system facility's files and none of the paths of Debian's sc
# (spreadsheet) or Samba's net, installs into a throwaway root (dpkg
# --root, maintainer scripts included), runs from there in the system
# layout, and is purged without a trace.  The machine's own /etc, /usr,
# /var and /run are never written.
. "$(dirname "$0")/lib.sh"

# The package is its own release build: a sanitizer tree adds nothing to
# it but minutes.  Skipped there (ctest reports it), run on the normal tree.
if grep -qE '^SVCHOST_(SANITIZE|TSAN):BOOL=ON' "$BUILD_DIR/CMakeCache.txt" 2>/dev/null; then
    echo "SKIP: the package is built and tested with the normal build tree"
    exit 77
fi

for tool in dpkg dpkg-deb dpkg-shlibdeps apt-get systemd-sysusers systemd-tmpfiles; do
    command -v "$tool" >/dev/null || fail "$tool is missing (scripts/bootstrap installs it)"
done

# Its own build tree for /usr, kept beside this build's so a rerun is
# incremental.
SVCHOST_PACKAGE_BUILD=$BUILD_DIR/deb-build "$SOURCE_DIR/scripts/package" "$ROOT/out" >"$ROOT/package.out" 2>&1 ||
    fail "scripts/package: $(tail -20 "$ROOT/package.out")"
deb=$(tail -1 "$ROOT/package.out")
[ -f "$deb" ] || fail "scripts/package printed no .deb: $(cat "$ROOT/package.out")"

dpkg-deb -I "$deb" >"$ROOT/info"
dpkg-deb -f "$deb" Package | contains -x svchost || fail "Package is not svchost"
depends=$(dpkg-deb -f "$deb" Depends)
for dep in libc6 libuv1 libinih1; do
    grep -qE "(^|, )$dep( |,|$)" <<<"$depends" || fail "Depends lacks $dep: $depends"
done
for field in Conflicts Breaks Replaces Provides; do
    [ -z "$(dpkg-deb -f "$deb" "$field")" ] || fail "the package declares $field: $(dpkg-deb -f "$deb" "$field")"
done
grep -q 'conffiles' "$ROOT/info" || fail "no conffiles"
dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles | contains -x /etc/profile.d/svchost.sh ||
    fail "/etc/profile.d/svchost.sh is not a conffile"
# Every dependency is a package installed here (bootstrap's), so apt
# installs the .deb without the network.
for dep in $(tr ',' '\n' <<<"$depends" | awk '{print $1}'); do
    dpkg-query -W -f='${Status}' "$dep" 2>/dev/null | contains "install ok installed" ||
        fail "dependency $dep is not installed"
done
apt-get install -s -o Debug::NoLocking=1 "$deb" >"$ROOT/apt.out" 2>&1 || fail "apt-get -s install: $(cat "$ROOT/apt.out")"
grep -q '^Inst svchost ' "$ROOT/apt.out" || fail "apt would not install it: $(cat "$ROOT/apt.out")"
pass "Depends: $depends (all installed here; apt install ./$(basename "$deb") resolves offline); no Conflicts"

dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's|^\./|/|' >"$ROOT/files"
for f in /usr/bin/scmd /usr/bin/svchost /usr/bin/svc-sc /usr/bin/svc-net /usr/bin/svc-tasklist \
         /usr/bin/svc-remote /usr/share/man/man1/svc-remote.1.gz \
         /usr/bin/svcconsole /usr/share/man/man1/svcconsole.1.gz /usr/share/svchost/console/index.html \
         /usr/libexec/svchost/bin/sc /usr/libexec/svchost/bin/net /usr/libexec/svchost/bin/tasklist \
         /usr/lib/systemd/system/scmd.service /usr/lib/tmpfiles.d/svchost.conf /usr/lib/sysusers.d/svchost.conf \
         /etc/profile.d/svchost.sh /usr/share/man/man8/scmd.8.gz /usr/share/man/man1/svc-net.1.gz \
         /usr/share/man/man1/svc-tasklist.1.gz /usr/share/bash-completion/completions/svc-sc; do
    grep -qxF "$f" "$ROOT/files" || fail "the package lacks $f"
done
grep -qE '/svchost/plugins/echo\.so$' "$ROOT/files" || fail "the package lacks the echo plugin"
# The paths of Debian's sc and Samba's net (and their man pages) are not
# in it (the listing above does name the files it has).
for f in /usr/bin/sc /usr/bin/net /usr/bin/tasklist /usr/share/man/man1/sc.1.gz /usr/share/man/man1/sc.1 \
         /usr/share/man/man8/net.8.gz /usr/share/bash-completion/completions/sc /usr/share/bash-completion/completions/net; do
    if grep -qxF "$f" "$ROOT/files"; then fail "the package has $f, which Debian's sc or Samba ship"; fi
done
pass "the files: scmd.service, tmpfiles.d, sysusers.d, profile.d, svc-* in /usr/bin, the Windows names in /usr/libexec/svchost/bin only"

# Install into a throwaway root: dpkg's database there, the maintainer
# scripts run outside a chroot with $DPKG_ROOT (the libraries it depends
# on are this machine's, hence --force-depends).
R=$ROOT/target
mkdir -p "$R/var/lib/dpkg/info" "$R/var/lib/dpkg/updates" "$R/etc"
touch "$R/var/lib/dpkg/status"
dpkg_r() {
    dpkg --root="$R" --force-script-chrootless --log=/dev/null "$@" >"$ROOT/dpkg.out" 2>&1 ||
        fail "dpkg --root $*: $(cat "$ROOT/dpkg.out")"
}
dpkg_r --force-depends -i "$deb"
dpkg --root="$R" -s svchost 2>/dev/null | contains '^Status: install ok installed' || fail "not installed in the root"
for f in $(grep -v '/$' "$ROOT/files"); do
    [ -e "$R$f" ] || [ -L "$R$f" ] || fail "$f is not installed"
done
for u in svchost-local svchost-network; do
    grep -q "^$u:" "$R/etc/passwd" || fail "postinst did not create $u"
done
for d in run/svchost var/lib/svchost var/log/svchost etc/svchost/services; do
    [ -d "$R/$d" ] || fail "postinst did not make /$d"
done
pass "dpkg -i into a throwaway root: every file, the two accounts, the four directories"

# Run what was installed, in the system layout of that root: scmd, the
# sample plugin from the installed plugin directory, svc-sc, the Windows
# names through the private directory.
export SVCHOST_SYSTEM_PREFIX=$R
unset SVCHOST_ROOT SVCHOST_PLUGIN_DIR
"$R/usr/bin/scmd" --system 2>"$ROOT/scmd.err" &
SCMD=$!
PIDS+=("$SCMD")
for _ in $(seq 200); do [ -S "$R/run/svchost/scm.sock" ] && break; sleep 0.05; done
[ -S "$R/run/svchost/scm.sock" ] || fail "the installed scmd did not start: $(cat "$ROOT/scmd.err")"
"$R/usr/bin/svc-sc" create Beat binPath= "svchost -k demo" type= share ServiceDll= heartbeat.so \
    param= IntervalMs=100 param= "File=$ROOT/beat.txt" DisplayName= "Heart Beat" >"$ROOT/sc.out" ||
    fail "svc-sc create: $(cat "$ROOT/sc.out")"
PATH=$PATH:$R/usr/libexec/svchost/bin net start "Heart Beat" >"$ROOT/net.out" 2>&1 || fail "net start: $(cat "$ROOT/net.out")"
wait_for "$ROOT/beat.txt" '[0-9]'
"$R/usr/bin/svc-tasklist" /svc /fo csv /nh >"$ROOT/tl.out" || fail "svc-tasklist"
grep -q '^"svchost","[0-9]*","Beat"$' "$ROOT/tl.out" || fail "svc-tasklist: $(cat "$ROOT/tl.out")"
[ -f "$R/etc/svchost/services/Beat.ini" ] || fail "the service is not in /etc/svchost"
kill -TERM "$SCMD"
wait_exit "$SCMD"
[ "$RC" -eq 0 ] || fail "the installed scmd exited $RC"
unset SVCHOST_SYSTEM_PREFIX
pass "the installed scmd, svc-sc, net (from /usr/libexec/svchost/bin) and svc-tasklist run a plugin service"

# Purge: the package's files, the service database, state and logs go.
dpkg_r --purge svchost
for f in $(grep -v '/$' "$ROOT/files"); do
    [ ! -e "$R$f" ] && [ ! -L "$R$f" ] || fail "$f is left after the purge"
done
for d in etc/svchost var/lib/svchost var/log/svchost run/svchost usr/libexec/svchost; do
    [ ! -e "$R/$d" ] || fail "/$d is left after the purge"
done
pass "dpkg --purge removes every file and the system directories"
