#!/usr/bin/env bash
# One plugin source, two systems: plugins/echo.c and plugins/heartbeat.c,
# built unchanged as Windows DLLs with mingw-w64, run as share-process
# services of one group of Wine's own svchost.exe in a fresh Wine prefix.
# Echo must answer on its port, Heartbeat must count without burning CPU,
# and both must stop when asked.
#
# Wine's output always goes to files: a spawned service inherits the
# stdout of the wine command that started services.exe, and a pipe held
# open by it would hang the reader.
set -euo pipefail

SOURCE_DIR=${SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
CC_WIN=x86_64-w64-mingw32-gcc
OBJDUMP_WIN=x86_64-w64-mingw32-objdump
GROUP=svctest

fail() {
    echo "FAIL: $*" >&2
    exit 1
}
pass() { echo "ok: $*"; }

missing=()
for tool in "$CC_WIN" "$OBJDUMP_WIN" wine wineboot wineserver; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
    fail "not installed: ${missing[*]} (scripts/bootstrap installs the Debian packages" \
         "gcc-mingw-w64-x86-64, wine and wine64)"
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/svchost-wine.XXXXXX")
export WINEPREFIX=$T/prefix
export WINEARCH=win64
# Service logs (SvchostLog goes to the event log) and errors only; no
# Mono or Gecko installer; no display.
export WINEDEBUG=-all,+eventlog,err+all
export WINEDLLOVERRIDES="mscoree,mshtml="
unset DISPLAY WAYLAND_DISPLAY
HOLDER=

cleanup() {
    local rc=$?
    exec 9>&-
    wineserver -k >/dev/null 2>&1 || true
    [ -n "$HOLDER" ] && wait "$HOLDER" 2>/dev/null || true
    if [ $rc -ne 0 ]; then
        for f in "$T"/*.log; do
            [ -f "$f" ] || continue
            echo "---- $(basename "$f") (last 40 lines)" >&2
            tail -n 40 "$f" | tr -d '\r' >&2
        done
    fi
    rm -rf "$T"
    exit $rc
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# ---- build -----------------------------------------------------------------
# Exactly as docs/plugin-guide.md says: nothing but the compiler, the
# Windows headers of mingw-w64 and ws2_32.
for p in echo heartbeat; do
    libs=()
    [ $p = echo ] && libs=(-lws2_32)
    "$CC_WIN" -std=c11 -O2 -Wall -Wextra -Werror -shared -I"$SOURCE_DIR/include" \
        -o "$T/$p.dll" "$SOURCE_DIR/plugins/$p.c" "${libs[@]}" >"$T/build-$p.log" 2>&1 ||
        fail "plugins/$p.c does not build for Windows: $(head -5 "$T/build-$p.log")"
    exports=$("$OBJDUMP_WIN" -p "$T/$p.dll" |
        sed -n '/\[Ordinal\/Name Pointer\] Table/,/^$/p' | awk '/\[/ && !/Table/ { print $NF }')
    [ "$exports" = ServiceMain ] ||
        fail "$p.dll must export ServiceMain and nothing else, exports: $(echo $exports)"
done
pass "echo.dll and heartbeat.dll build warning-free and export only ServiceMain"

printf '#include <svchost/portable.h>\n#include <svchost/svcctl.h>\n' |
    "$CC_WIN" -std=c11 -Wall -Wextra -Werror -fsyntax-only -I"$SOURCE_DIR/include" -x c - \
        >"$T/build-headers.log" 2>&1 ||
    fail "the public headers do not compile on _WIN32: $(head -5 "$T/build-headers.log")"
pass "svcctl.h and portable.h compile on _WIN32"

# ---- a fresh prefix, kept alive --------------------------------------------
start=$SECONDS
wineboot -i >>"$T/wine.log" 2>&1 || fail "wineboot -i failed"
# Let wineboot's wineserver exit (its services.exe still starts the
# prefix's services and holds the database lock, so sc start would fail
# with 1055), so that ours starts clean.
wineserver -w
[ -f "$WINEPREFIX/drive_c/windows/system32/svchost.exe" ] || fail "no svchost.exe in the new prefix"
echo "   (prefix made in $((SECONDS - start)) s)"
# Wine ends services.exe and the services it runs once no ordinary
# process is left: a cmd.exe waiting on a FIFO keeps them running, and
# ends when the FIFO closes (also if this script is killed).
mkfifo "$T/hold"
wine cmd <"$T/hold" >>"$T/wine.log" 2>&1 &
HOLDER=$!
exec 9>"$T/hold"

# Runs a wine command with its stdout and stderr in $T/last.log (CRs
# removed), kept in $T/commands.log too.
w() {
    local rc=0
    wine "$@" >"$T/last.raw" 2>&1 9>&- || rc=$?
    tr -d '\r' <"$T/last.raw" | grep -v -e 'wine32 is missing' -e 'multiarch needs' \
        -e 'dpkg --add-architecture' -e 'apt-get install wine32' >"$T/last.log" || true
    { echo "\$ wine $* (exit $rc)"; cat "$T/last.log"; } >>"$T/commands.log"
    return $rc
}

# ---- install: one svchost group, two share-process services ---------------
mkdir -p "$WINEPREFIX/drive_c/svc"
cp "$T/echo.dll" "$T/heartbeat.dll" "$WINEPREFIX/drive_c/svc/"
port=$((20000 + RANDOM % 20000))
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    port=$((20000 + RANDOM % 20000))
done

svchost_key='HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Svchost'
w reg add "$svchost_key" /v "$GROUP" /t REG_MULTI_SZ /d 'Echo\0Heartbeat' /f ||
    fail "reg add $GROUP"
w reg query "$svchost_key" /v "$GROUP" || fail "reg query $GROUP"
grep -q 'REG_MULTI_SZ *Echo\\0Heartbeat' "$T/last.log" || fail "group value: $(cat "$T/last.log")"

for s in Echo Heartbeat; do
    w sc create "$s" binPath= "C:\\windows\\system32\\svchost.exe -k $GROUP" type= share ||
        fail "sc create $s: $(cat "$T/last.log")"
done
params='HKLM\SYSTEM\CurrentControlSet\Services'
w reg add "$params\\Echo\\Parameters" /v ServiceDll /t REG_EXPAND_SZ \
    /d '%SystemDrive%\svc\echo.dll' /f || fail "reg add Echo ServiceDll"
w reg add "$params\\Echo\\Parameters" /v Port /t REG_DWORD /d "$port" /f || fail "reg add Port"
w reg add "$params\\Heartbeat\\Parameters" /v ServiceDll /t REG_EXPAND_SZ \
    /d 'C:\svc\heartbeat.dll' /f || fail "reg add Heartbeat ServiceDll"
# A number as REG_SZ, and a path that needs expanding: both as a service
# author would likely write them.
w reg add "$params\\Heartbeat\\Parameters" /v IntervalMs /t REG_SZ /d 200 /f ||
    fail "reg add IntervalMs"
w reg add "$params\\Heartbeat\\Parameters" /v File /t REG_EXPAND_SZ \
    /d '%SystemDrive%\svc\beat.txt' /f || fail "reg add File"
pass "Echo and Heartbeat registered in svchost group $GROUP (port $port)"

# ---- start -----------------------------------------------------------------
# Prints the service's STATE number.
state() {
    w sc query "$1" || true
    awk '/STATE/ { print $3; exit }' "$T/last.log"
}

wait_state() {   # NAME STATE SECONDS
    local deadline=$((SECONDS + $3)) s
    while :; do
        s=$(state "$1")
        [ "$s" = "$2" ] && return 0
        [ $SECONDS -ge $deadline ] && fail "$1: state ${s:-?}, expected $2: $(cat "$T/last.log")"
        sleep 0.3
    done
}

# Right after wineboot the SCM may still hold its database lock while it
# starts the prefix's own services: ERROR_SERVICE_DATABASE_LOCKED (1055).
for s in Echo Heartbeat; do
    deadline=$((SECONDS + 60))
    until w sc start "$s"; do
        grep -q 1055 "$T/last.log" && [ $SECONDS -lt $deadline ] ||
            fail "sc start $s: $(cat "$T/last.log")"
        sleep 0.5
    done
done
wait_state Echo 4 30
wait_state Heartbeat 4 30
pass "both services RUNNING"

# Wine's services.exe (8.0) starts an svchost.exe -k GROUP per service
# even for share-process services, where Windows' SCM starts one; each
# loads the group's DLLs.  Find them, and our DLLs mapped in them.
hosts=()
for f in /proc/[0-9]*/cmdline; do
    pid=${f#/proc/}
    pid=${pid%/cmdline}
    [ "$pid" = "$BASHPID" ] && continue
    cmd=$(tr '\0' ' ' <"$f" 2>/dev/null) || continue
    case "$cmd" in *'svchost.exe -k '"$GROUP"' '*) hosts+=("$pid") ;; esac
done
[ ${#hosts[@]} -ge 1 ] || fail "no svchost.exe -k $GROUP process"
for dll in echo.dll heartbeat.dll; do
    for pid in "${hosts[@]}"; do cat "/proc/$pid/maps"; done 2>/dev/null |
        grep -i "drive_c/svc/$dll" >/dev/null ||
        fail "$dll is not loaded in svchost.exe -k $GROUP (pids ${hosts[*]})"
done
pass "Wine's svchost.exe -k $GROUP hosts both DLLs (${#hosts[@]} process(es): ${hosts[*]})"

# ---- Echo answers ----------------------------------------------------------
exec 3<>"/dev/tcp/127.0.0.1/$port" || fail "cannot connect to Echo on port $port"
msg="portable echo $$ $RANDOM"
printf '%s\n' "$msg" >&3
IFS= read -r -t 10 reply <&3 || fail "no reply from Echo"
exec 3>&-
[ "$reply" = "$msg" ] || fail "Echo replied '$reply', sent '$msg'"
pass "Echo echoes on 127.0.0.1:$port"

# ---- Heartbeat counts, without burning CPU ---------------------------------
beat=$WINEPREFIX/drive_c/svc/beat.txt
counter() { tr -dc '0-9' <"$beat" 2>/dev/null || true; }
# This prefix's wineserver: a service that polls Wine objects in a loop
# spends much of its time there.
server=
for f in /proc/[0-9]*/environ; do
    pid=${f#/proc/}
    pid=${pid%/environ}
    case "$(cat "/proc/$pid/comm" 2>/dev/null)" in wineserver*) ;; *) continue ;; esac
    tr '\0' '\n' <"$f" 2>/dev/null | grep -x "WINEPREFIX=$WINEPREFIX" >/dev/null && server=$pid
done
[ -n "$server" ] || fail "cannot find the wineserver of $WINEPREFIX"

# CPU time of the host processes and the wineserver, in clock ticks
# (utime + stime).
cpu_ticks() {
    local pid t=0
    for pid in "${hosts[@]}" "$server"; do
        t=$((t + $(sed 's/.*) //' "/proc/$pid/stat" | awk '{ print $12 + $13 }')))
    done
    echo $t
}
[ -n "$(counter)" ] || fail "Heartbeat wrote no counter to C:\\svc\\beat.txt"
c1=$(counter)
t1=$(cpu_ticks)
sleep 4
c2=$(counter)
t2=$(cpu_ticks)
hz=$(getconf CLK_TCK)
cpu_ms=$(((t2 - t1) * 1000 / hz))
echo "   counter $c1 -> $c2 in 4 s; svchost.exe and wineserver used $cpu_ms ms of CPU"
[ "$((c2 - c1))" -ge 8 ] || fail "Heartbeat counted $c1 -> $c2 in 4 s at 200 ms"
# A busy-waiting service uses a whole CPU (up to 4000 ms here, less on a
# loaded machine); idle ones a few tens of milliseconds.  The bound is
# far from both.
[ "$cpu_ms" -lt 500 ] || fail "svchost.exe and wineserver used $cpu_ms ms of CPU in 4 s: a service spins"
pass "Heartbeat counts every 200 ms without burning CPU"

# ---- stop ------------------------------------------------------------------
for s in Heartbeat Echo; do
    w sc stop "$s" || fail "sc stop $s: $(cat "$T/last.log")"
done
wait_state Heartbeat 1 20
wait_state Echo 1 20
for s in Heartbeat Echo; do
    state "$s" >/dev/null
    grep -Eq 'WIN32_EXIT_CODE *: *0 ' "$T/last.log" || fail "$s stopped with: $(cat "$T/last.log")"
done
c3=$(counter)
sleep 1
[ "$(counter)" = "$c3" ] || fail "Heartbeat still counts after STOPPED"
# Gone, or a zombie that nobody reaps (Wine reparents its processes).
alive() { [ -r "/proc/$1/stat" ] && [ "$(sed 's/.*) //' "/proc/$1/stat" | cut -d' ' -f1)" != Z ]; }
# Wine's svchost.exe ends on its own time: up to 30 s on a loaded machine.
for pid in "${hosts[@]}"; do
    for _ in $(seq 150); do
        alive "$pid" || break
        sleep 0.2
    done
    ! alive "$pid" || fail "svchost.exe -k $GROUP ($pid) still runs after its services stopped"
done
pass "both services stopped with exit code 0 and their host processes ended"
echo "   (whole test: $SECONDS s)"
