# Helpers for integration tests: each test sources this file, gets a fresh
# state directory in $ROOT, and runs the real binaries of $BUILD_DIR.
# Every process a test starts is killed when the test exits.
set -euo pipefail

: "${BUILD_DIR:?BUILD_DIR must name the build tree}"
: "${SOURCE_DIR:?SOURCE_DIR must name the source tree}"
BIN=$BUILD_DIR/bin
TEST_PLUGINS=$BUILD_DIR/tests/plugins
PLUGINS=$BUILD_DIR/plugins
TIMEOUT=${TEST_TIMEOUT:-20}

ROOT=$(mktemp -d "${TMPDIR:-/tmp}/svchost-test.XXXXXX")
mkdir -p "$ROOT/config/services"
PIDS=()

# kill_root_processes: every process of this state directory, by the
# SVCHOST_ROOT in its environment: hosts outlive a killed scmd (they wait
# to rejoin the next one), so killing scmd alone would leave them.
kill_root_processes() {
    local real e p
    real=$(realpath "$ROOT" 2>/dev/null || echo "$ROOT")
    for e in /proc/[0-9]*/environ; do
        p=${e#/proc/}
        p=${p%/environ}
        [ "$p" = "$$" ] && continue
        if { tr '\0' '\n' <"$e"; } 2>/dev/null | contains -xF -e "SVCHOST_ROOT=$ROOT" -e "SVCHOST_ROOT=$real"; then
            kill -KILL "$p" 2>/dev/null || true
        fi
    done
}

cleanup() {
    local rc=$?
    for p in "${PIDS[@]:-}"; do
        [ -n "$p" ] && kill -KILL "$p" 2>/dev/null || true
    done
    kill_root_processes
    if [ $rc -ne 0 ]; then
        echo "---- test failed; state directory $ROOT:" >&2
        for f in "$ROOT"/*.out "$ROOT"/*.err; do
            [ -f "$f" ] && { echo "---- $f" >&2; cat "$f" >&2; }
        done
    fi
    rm -rf "$ROOT"
}
trap cleanup EXIT

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# ... | contains [GREP-OPTIONS] PATTERN: whether the input has a matching
# line, as grep -q, but reading all of it: grep -q stops at the first
# match, so the writer could die of SIGPIPE and, under pipefail, fail the
# pipeline although the line was there.
contains() {
    grep "$@" >/dev/null
}

pass() {
    echo "PASS: $*"
}

# group NAME SERVICE...: writes the group section to svchost.ini.
group() {
    local name=$1
    shift
    local IFS=,
    printf '[%s]\nServices = %s\n\n' "$name" "$*" >>"$ROOT/config/svchost.ini"
}

# service NAME GROUP DLL [KEY=VALUE...]: writes services/NAME.ini.
service() {
    local name=$1 grp=$2 dll=$3
    shift 3
    {
        printf '[Service]\nDisplayName = %s test service\nType = share\nStart = demand\n' "$name"
        printf 'ImagePath = svchost -k %s\n\n[Parameters]\nServiceDll = %s\n' "$grp" "$dll"
        for kv in "$@"; do
            printf '%s = %s\n' "${kv%%=*}" "${kv#*=}"
        done
    } >"$ROOT/config/services/$name.ini"
}

# console GROUP: starts `svchost -k GROUP --console` with its stdin on a
# FIFO (see send) and its output in $ROOT/host.out / host.err.
console() {
    mkfifo "$ROOT/host.in"
    (cd "$ROOT" && exec "$BIN/svchost" -k "$1" --console --root "$ROOT" \
        <"$ROOT/host.in" >"$ROOT/host.out" 2>"$ROOT/host.err") &
    HOST=$!
    PIDS+=("$HOST")
    exec 9>"$ROOT/host.in"
}

# send LINE: a console command.
send() {
    echo "$*" >&9
}

# wait_for FILE REGEX [SECONDS]: waits until a line of FILE matches.
wait_for() {
    local file=$1 re=$2 t=${3:-$TIMEOUT}
    local deadline=$((SECONDS + t))
    while [ $SECONDS -le $deadline ]; do
        if [ -f "$file" ] && grep -qE -- "$re" "$file"; then
            return 0
        fi
        sleep 0.05
    done
    fail "timed out waiting for /$re/ in $(basename "$file")"
}

# wait_exit PID [SECONDS]: waits for a child to exit; sets RC.
wait_exit() {
    local pid=$1 t=${2:-$TIMEOUT}
    local deadline=$((SECONDS + t))
    while kill -0 "$pid" 2>/dev/null; do
        [ $SECONDS -le $deadline ] || fail "process $pid did not exit within ${t}s"
        if ! ps -p "$pid" -o stat= | contains -v Z; then
            break
        fi
        sleep 0.05
    done
    RC=0
    wait "$pid" || RC=$?
}

# thread_names PID: the comm of every thread of PID, one per line.
# (Collected first: with pipefail, `cat ... | grep -q` can fail when grep
# exits before cat has written everything.)
thread_names() {
    local names
    names=$(cat /proc/"$1"/task/*/comm 2>/dev/null || true)
    printf '%s\n' "$names"
}

# unprivileged_tools PROG...: copies these programs of $BIN and libsvc
# under ROOT/ubin, where another user can run them (the build tree may sit
# in a directory only root enters, such as a clone in a mktemp -d), and
# opens ROOT (0700 from mktemp) so that user reaches the sockets in run/.
# Sets UBIN (the programs) and ULIB (to put in LD_LIBRARY_PATH).
unprivileged_tools() {
    chmod 0755 "$ROOT"
    mkdir -p "$ROOT/ubin/bin" "$ROOT/ubin/lib"
    for p in "$@"; do
        cp "$BIN/$p" "$ROOT/ubin/bin/"
    done
    cp -L "$BUILD_DIR/lib/libsvc.so.0" "$ROOT/ubin/lib/"
    chmod -R a+rX "$ROOT/ubin"
    UBIN=$ROOT/ubin/bin
    ULIB=$ROOT/ubin/lib
}

# ---- the SCM ---------------------------------------------------------------

# user_db COMMAND ARGS...: useradd, userdel, groupadd, usermod ...,
# tried again while another process holds the lock of the user database
# (tests that make users run in parallel).  Its status; its errors on
# stderr.
user_db() {
    local out i
    for i in $(seq 100); do
        out=$("$@" 2>&1) && return 0
        case $out in
        *lock*) sleep 0.1 ;;
        *) echo "$out" >&2; return 1 ;;
        esac
    done
    echo "$out" >&2
    return 1
}

# test_user NAME: makes a system user NAME (no home, no login) unless it
# exists; it stays (tests run in parallel may share it).  Needs root.
test_user() {
    id -u "$1" >/dev/null 2>&1 && return 0
    user_db useradd --system --no-create-home --shell /usr/sbin/nologin "$1" ||
        id -u "$1" >/dev/null 2>&1 || fail "cannot create the user $1"
}

# How many times scmd said it was ready in $ROOT/scmd.err.
ready_count() {
    local n=0
    [ -f "$ROOT/scmd.err" ] && n=$(grep -c 'ready on' "$ROOT/scmd.err" || true)
    echo "${n:-0}"
}

# scmd [OPTIONS...]: starts scmd on $ROOT (short timeouts unless given) and
# waits until its socket accepts.  Output in $ROOT/scmd.err.
scmd() {
    # scmd.err collects every run: wait for this run's "ready" line.
    local before
    before=$(ready_count)
    "$BIN/scmd" --root "$ROOT" "$@" >"$ROOT/scmd.out" 2>>"$ROOT/scmd.err" &
    SCMD=$!
    PIDS+=("$SCMD")
    export SVCHOST_ROOT=$ROOT
    local deadline=$((SECONDS + TIMEOUT))
    while [ "$(ready_count)" -le "$before" ]; do
        [ $SECONDS -le $deadline ] || fail "scmd did not become ready"
        kill -0 "$SCMD" 2>/dev/null || fail "scmd exited"
        sleep 0.05
    done
}

# stop_scmd: SIGTERM and wait; sets RC.
stop_scmd() {
    kill -TERM "$SCMD"
    wait_exit "$SCMD"
}

# sc ARGS...: runs sc; output in $OUT, exit status in $SC_RC.
sc() {
    SC_RC=0
    OUT=$("$BIN/sc" "$@" 2>&1) || SC_RC=$?
}

# sc_ok ARGS...: sc must succeed.
sc_ok() {
    sc "$@"
    [ "$SC_RC" -eq 0 ] || fail "sc $* exited $SC_RC: $OUT"
}

# sc_fails ERR ARGS...: sc must fail with Win32 error ERR, printed as
# sc.exe does ("FAILED ERR:").
sc_fails() {
    local err=$1
    shift
    sc "$@"
    [ "$SC_RC" -ne 0 ] || fail "sc $* succeeded; expected error $err"
    echo "$OUT" | contains "FAILED $err:" || fail "sc $* did not fail with $err: $OUT"
}

# state NAME: the service's state name (RUNNING, STOPPED, ...).
state() {
    "$BIN/sc" query "$1" 2>/dev/null | awk '/STATE/ { print $4; exit }'
}

# field NAME LABEL: a queryex field's first value (PID, WIN32_EXIT_CODE, ...).
field() {
    "$BIN/sc" queryex "$1" 2>/dev/null | awk -v l="$2" '$1 == l { print $3; exit }'
}

# wait_state NAME STATE [SECONDS]
wait_state() {
    local t=${3:-$TIMEOUT}
    local deadline=$((SECONDS + t))
    while [ "$(state "$1")" != "$2" ]; do
        [ $SECONDS -le $deadline ] || fail "$1 did not reach $2 (is $(state "$1"))"
        sleep 0.05
    done
}

# install NAME GROUP DLL [KEY=VALUE...]: sc create a share service.
install() {
    local name=$1 grp=$2 dll=$3
    shift 3
    local params=()
    for kv in "$@"; do
        params+=(param= "$kv")
    done
    sc_ok create "$name" binPath= "svchost -k $grp" type= share start= demand ServiceDll= "$dll" "${params[@]}"
}

# ---- an installed tree -------------------------------------------------------

# install_moved: `cmake --install` of the build into $ROOT/stage, then the
# tree moved to $ROOT/prefix, so that anything still pointing at the prefix
# it was installed with breaks.  Fails if an installed text file names that
# prefix.  Sets PREFIX, PCDIR (where svchost.pc is) and BIN, so that the
# helpers above (scmd, sc, state...) run the installed programs.
install_moved() {
    cmake --install "$BUILD_DIR" --prefix "$ROOT/stage" >"$ROOT/install.out" ||
        fail "cmake --install failed"
    mv "$ROOT/stage" "$ROOT/prefix"
    PREFIX=$ROOT/prefix
    if grep -rlI -- "$ROOT/stage" "$PREFIX" >"$ROOT/stale.out"; then
        fail "installed files name the prefix they were installed with: $(cat "$ROOT/stale.out")"
    fi
    PCDIR=$(dirname "$(find "$PREFIX" -name svchost.pc | head -1)")
    [ -f "$PCDIR/svchost.pc" ] || fail "svchost.pc not installed"
    BIN=$PREFIX/bin
    unset SVCHOST_PLUGIN_DIR
}

# host_pid NAME: the PID of the host running service NAME (queryex).
host_pid() {
    field "$1" PID
}

# ---- failure actions (the recovery tests) ---------------------------------

# rservice NAME GROUP DLL [LINE...]: a share service; LINEs before the
# first "--" end its [Service] section (the failure settings), those after
# go to [Parameters].
rservice() {
    local name=$1 grp=$2 dll=$3 params=0
    shift 3
    {
        printf '[Service]\nDisplayName = %s test service\nType = share\nStart = demand\n' "$name"
        printf 'ImagePath = svchost -k %s\n' "$grp"
        for l in "$@"; do
            if [ "$l" = -- ]; then
                printf '\n[Parameters]\nServiceDll = %s\n' "$dll"
                params=1
            else
                printf '%s\n' "$l"
            fi
        done
        [ $params = 1 ] || printf '\n[Parameters]\nServiceDll = %s\n' "$dll"
    } >"$ROOT/config/services/$name.ini"
}

# running_pid NAME [OLD]: waits until NAME is RUNNING in a process other
# than OLD; prints its PID.
running_pid() {
    local deadline=$((SECONDS + TIMEOUT)) pid st
    while :; do
        st=$("$BIN/sc" queryex "$1" 2>/dev/null || true)
        pid=$(echo "$st" | awk '$1 == "PID" { print $3; exit }')
        if echo "$st" | contains 'STATE.*RUNNING' && [ -n "$pid" ] && [ "$pid" != 0 ] &&
            [ "$pid" != "${2:-0}" ]; then
            echo "$pid"
            return 0
        fi
        [ $SECONDS -le $deadline ] || fail "$1 not RUNNING in a new process (last: $st)"
        sleep 0.02
    done
}

# events ID NAME: the texts of event ID for NAME, one a line, in order.
events() {
    awk -v id="$1" -v n="$2" '$2 == id && $3 == n { $1 = $2 = $3 = ""; sub(/^ +/, ""); print }' \
        "$ROOT/log/events.log"
}
