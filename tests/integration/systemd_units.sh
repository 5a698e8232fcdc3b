#!/usr/bin/env bash
# The system facility's files, as cmake --install puts them: scmd.service
# passes systemd-analyze verify, and says Type=notify, scmd --system,
# KillMode=process (hosts outlive a crash of scmd) and Restart=on-failure;
# tmpfiles.d makes the four system directories and sysusers.d the two
# accounts (both run against a throwaway root); scmd --system on the
# directories tmpfiles made sends READY=1 to $NOTIFY_SOCKET; profile.d
# puts the Windows names at the end of PATH.
. "$(dirname "$0")/lib.sh"

for tool in systemd-analyze systemd-tmpfiles systemd-sysusers python3; do
    command -v "$tool" >/dev/null || fail "$tool is missing (scripts/bootstrap installs it)"
done

DESTDIR=$ROOT/dest cmake --install "$BUILD_DIR" >"$ROOT/install.out" || fail "cmake --install failed"
prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$BUILD_DIR/CMakeCache.txt")
D=$ROOT/dest$prefix
unit=$D/lib/systemd/system/scmd.service
for f in "$unit" "$D/lib/tmpfiles.d/svchost.conf" "$D/lib/sysusers.d/svchost.conf" \
         "$D/etc/profile.d/svchost.sh"; do
    [ -f "$f" ] || fail "not installed: ${f#"$ROOT/dest"}"
done
pass "cmake --install puts scmd.service, tmpfiles.d, sysusers.d and profile.d in place"

# systemd-analyze verify: first shown to catch a broken unit, then the
# installed one, its ExecStart pointed at this build's scmd (it names
# the configured prefix, where nothing is installed here).
sed 's/^Type=notify$/Type=bogus/; s/^KillMode=process$/KillMode=sometimes/' "$unit" |
    sed "s|^ExecStart=$prefix/bin/|ExecStart=$BIN/|" >"$ROOT/broken.service"
rc=0
systemd-analyze verify --man=no "$ROOT/broken.service" >"$ROOT/verify.out" 2>&1 || rc=$?
grep -q 'bogus' "$ROOT/verify.out" && grep -q 'sometimes' "$ROOT/verify.out" ||
    fail "systemd-analyze verify does not see a bad unit: $(cat "$ROOT/verify.out")"
mkdir "$ROOT/units"
sed "s|^ExecStart=$prefix/bin/|ExecStart=$BIN/|" "$unit" >"$ROOT/units/scmd.service"
rc=0
systemd-analyze verify --man=no "$ROOT/units/scmd.service" >"$ROOT/verify.out" 2>&1 || rc=$?
[ $rc -eq 0 ] || fail "systemd-analyze verify scmd.service exited $rc: $(cat "$ROOT/verify.out")"
[ ! -s "$ROOT/verify.out" ] || fail "systemd-analyze verify scmd.service: $(cat "$ROOT/verify.out")"
pass "systemd-analyze verify accepts scmd.service (and refuses a broken copy)"

# key VALUE: the unit has that line.
key() {
    grep -qxF "$1=$2" "$unit" || fail "scmd.service has no $1=$2: $(grep "^$1=" "$unit" || echo none)"
}
key Type notify
key ExecStart "$prefix/bin/scmd --system"
key KillMode process
key Restart on-failure
key WantedBy multi-user.target
pass "scmd.service: Type=notify, scmd --system, KillMode=process, Restart=on-failure"

# tmpfiles.d and sysusers.d against a throwaway root.
T=$ROOT/tmpfiles-root
mkdir -p "$T"
systemd-tmpfiles --create --root="$T" "$D/lib/tmpfiles.d/svchost.conf" >"$ROOT/tmpfiles.out" 2>&1 ||
    fail "systemd-tmpfiles --create: $(cat "$ROOT/tmpfiles.out")"
for d in run/svchost var/lib/svchost var/log/svchost etc/svchost etc/svchost/services; do
    [ -d "$T/$d" ] || fail "tmpfiles.d did not make /$d"
    [ "$(stat -c %a "$T/$d")" = 755 ] || fail "/$d has mode $(stat -c %a "$T/$d")"
done
U=$ROOT/sysusers-root
mkdir -p "$U/etc"
systemd-sysusers --root="$U" "$D/lib/sysusers.d/svchost.conf" >"$ROOT/sysusers.out" 2>&1 ||
    fail "systemd-sysusers: $(cat "$ROOT/sysusers.out")"
for u in svchost-local svchost-network; do
    grep -q "^$u:x:[0-9]*:[0-9]*:[^:]*:/var/lib/svchost:" "$U/etc/passwd" || fail "sysusers.d made no $u: $(cat "$U/etc/passwd")"
done
pass "tmpfiles.d makes /run, /var/lib, /var/log and /etc/svchost; sysusers.d svchost-local and svchost-network"

# What Type=notify waits for: scmd --system, on the directories tmpfiles
# made, sends READY=1 to $NOTIFY_SOCKET once its socket accepts.
python3 - "$ROOT/notify.sock" "$ROOT/notify.out" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(20)
data = s.recv(4096)
open(sys.argv[2], "wb").write(data)
PY
listener=$!
PIDS+=("$listener")
for _ in $(seq 100); do [ -S "$ROOT/notify.sock" ] && break; sleep 0.05; done
[ -S "$ROOT/notify.sock" ] || fail "no notify socket"
SVCHOST_SYSTEM_PREFIX=$T NOTIFY_SOCKET=$ROOT/notify.sock "$BIN/scmd" --system 2>"$ROOT/scmd.err" &
SCMD=$!
PIDS+=("$SCMD")
wait_exit "$listener"
[ "$(cat "$ROOT/notify.out" 2>/dev/null)" = "READY=1" ] || fail "scmd sent '$(cat "$ROOT/notify.out" 2>/dev/null)', not READY=1"
[ -S "$T/run/svchost/scm.sock" ] || fail "READY=1 before /run/svchost/scm.sock exists"
stop_scmd
[ "$RC" -eq 0 ] || fail "scmd --system exited $RC on SIGTERM (systemctl stop)"
pass "scmd --system sends READY=1 once /run/svchost/scm.sock accepts; SIGTERM exits 0"

# profile.d: the private directory goes at the END of PATH, once, so a
# net or sc earlier on PATH (Samba's, the spreadsheet's) keeps its name.
priv=$prefix/libexec/svchost/bin
mkdir -p "$ROOT/debian-bin"
printf '#!/bin/sh\necho samba net\n' >"$ROOT/debian-bin/net"
chmod +x "$ROOT/debian-bin/net"
path=$(PATH="$ROOT/debian-bin:/usr/bin:/bin" sh -c ". '$D/etc/profile.d/svchost.sh'; . '$D/etc/profile.d/svchost.sh'; echo \"\$PATH\"")
[ "$path" = "$ROOT/debian-bin:/usr/bin:/bin:$priv" ] || fail "PATH after profile.d: $path"
for tool in sc net tasklist; do
    [ "$(readlink "$ROOT/dest$priv/$tool")" = "../../../bin/svc-$tool" ] || fail "$priv/$tool is not a link to svc-$tool"
    [ -e "$D/bin/svc-$tool" ] || fail "no bin/svc-$tool"
    "$ROOT/dest$priv/$tool" --version | contains -x "$tool (svchost) .*" || fail "$priv/$tool does not run"
done
out=$(PATH="$ROOT/debian-bin:/usr/bin:/bin:$ROOT/dest$priv" net start 2>&1 || true)
[ "$out" = "samba net" ] || fail "the private net shadowed the one earlier on PATH: $out"
pass "profile.d appends $priv to PATH once; an earlier net keeps its name; svc-* and the links run"
