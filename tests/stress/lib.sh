# Helpers for the stress tests: everything of tests/integration/lib.sh,
# plus a second, unprivileged user who runs bin/svchost-abuser (a client
# that misbehaves on purpose, see bench/abuser.c) against the test's scmd,
# and readings of scmd's memory and descriptors from /proc.
#
# The tests need root, to create that user and to switch to it; without
# root they exit 77, which ctest reports as skipped.
if [ "$(id -u)" -ne 0 ]; then
    echo "SKIP: $(basename "$0") creates the user svctest-abuse and runs a client as that" \
         "user; run it as root"
    exit 77
fi
. "$(dirname "$0")/../integration/lib.sh"

ABUSER=$BIN/svchost-abuser
ABUSER_USER=svctest-abuse
[ -x "$ABUSER" ] || fail "$ABUSER is not built"
command -v setpriv >/dev/null || fail "setpriv (util-linux) is needed"
if ! id -u "$ABUSER_USER" >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin "$ABUSER_USER" ||
        id -u "$ABUSER_USER" >/dev/null 2>&1 || fail "cannot create the user $ABUSER_USER"
fi
ABUSER_UID=$(id -u "$ABUSER_USER")
ABUSER_GID=$(id -g "$ABUSER_USER")
# The abuser runs as that user: from a copy it can reach (see
# unprivileged_tools), with the sockets of ROOT open to it.
unprivileged_tools svchost-abuser
ABUSER=$UBIN/svchost-abuser

# An answer to a query normally takes microseconds.  This deadline is not
# a performance threshold: a query still unanswered after it means scmd
# did not serve root at all while the abuse ran (and without it, a test
# of a stalled scmd would never end).
QUERY_DEADLINE=10

# scm_ini KEY=VALUE...: writes config/scm.ini with these [SCM] keys only.
scm_ini() {
    {
        echo "[SCM]"
        for kv in "$@"; do
            printf '%s = %s\n' "${kv%%=*}" "${kv#*=}"
        done
    } >"$ROOT/config/scm.ini"
}

# proc_kib PID FIELD: a /proc/PID/status field in KiB (VmRSS, VmData).
proc_kib() {
    local v
    v=$(awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status" 2>/dev/null || true)
    [ -n "$v" ] || fail "cannot read $2 of process $1 (has it exited?)"
    echo "$v"
}

# fd_count PID: the descriptors process PID holds.
fd_count() {
    local fds=(/proc/"$1"/fd/*)
    [ -e "${fds[0]}" ] || fail "cannot read the descriptors of process $1 (has it exited?)"
    echo "${#fds[@]}"
}

# mem_sample: records scmd's highest VmRSS and VmData in MAX_RSS, MAX_DATA.
MAX_RSS=0
MAX_DATA=0
mem_sample() {
    local rss data
    rss=$(proc_kib "$SCMD" VmRSS)
    data=$(proc_kib "$SCMD" VmData)
    [ "$rss" -gt "$MAX_RSS" ] && MAX_RSS=$rss
    [ "$data" -gt "$MAX_DATA" ] && MAX_DATA=$data
    return 0
}

# abuse ARGS...: starts svchost-abuser ARGS as the unprivileged user; its
# status lines go to $ROOT/abuser.status.
abuse() {
    : >"$ROOT/abuser.status"
    LD_LIBRARY_PATH=$ULIB setpriv --reuid="$ABUSER_UID" --regid="$ABUSER_GID" --clear-groups \
        "$ABUSER" --root "$ROOT" --report-ms 100 "$@" \
        >"$ROOT/abuser.status" 2>"$ROOT/abuser.err" &
    ABUSER_PID=$!
    PIDS+=("$ABUSER_PID")
}

# abuse_field NAME: NAME's value in the abuser's latest status line.
abuse_field() {
    local line
    line=$(tail -n 1 "$ROOT/abuser.status")
    line=" ${line#abuse }"
    case "$line" in
    *" $1="*) line=${line#* "$1"=}; echo "${line%% *}" ;;
    *) echo 0 ;;
    esac
}

# wait_abuse NAME OP VALUE [SECONDS]: waits until the abuser reports
# NAME OP VALUE (OP as for test: -ge, -eq, ...).
wait_abuse() {
    local name=$1 op=$2 want=$3 t=${4:-$TIMEOUT}
    local deadline=$((SECONDS + t))
    while ! [ "$(abuse_field "$name")" "$op" "$want" ]; do
        kill -0 "$ABUSER_PID" 2>/dev/null || fail "the abuser exited: $(cat "$ROOT/abuser.err")"
        kill -0 "$SCMD" 2>/dev/null || fail "scmd exited during the abuse"
        [ $SECONDS -le $deadline ] ||
            fail "the abuser never reported $name $op $want: $(tail -n 1 "$ROOT/abuser.status")"
        sleep 0.05
    done
}

# stop_abuse: ends the abuser; its last status line stays in abuser.status.
stop_abuse() {
    kill -TERM "$ABUSER_PID"
    wait_exit "$ABUSER_PID"
    [ "$RC" -eq 0 ] || fail "the abuser exited $RC: $(cat "$ROOT/abuser.err")"
}

# root_query NAME WHAT: root's `sc query NAME` must answer RUNNING within
# QUERY_DEADLINE; WHAT says what was going on, for the failure message.
root_query() {
    local out rc=0
    out=$(timeout "$QUERY_DEADLINE" "$BIN/sc" query "$1" 2>&1) || rc=$?
    [ "$rc" -ne 124 ] || fail "root's sc query $1 got no answer within ${QUERY_DEADLINE}s $2"
    [ "$rc" -eq 0 ] || fail "root's sc query $1 exited $rc $2: $out"
    echo "$out" | contains 'STATE *: 4  RUNNING' || fail "root's sc query $1 $2: $out"
}

# log_mark: logged_uid looks only at what scmd logs after this.
LOG_MARK=0
EVENTS_MARK=0
log_mark() {
    LOG_MARK=$(wc -l <"$ROOT/scmd.err")
    EVENTS_MARK=0
    [ -f "$ROOT/log/events.log" ] && EVENTS_MARK=$(wc -l <"$ROOT/log/events.log")
    return 0
}

# logged_uid UID: since log_mark, scmd logged a line naming uid UID
# ("uid 999", "uid=999") on its stderr or in events.log.
logged_uid() {
    local re="uid[ =:]*$1([^0-9]|\$)" lines
    lines=$(tail -n +$((LOG_MARK + 1)) "$ROOT/scmd.err")
    grep -Eq "$re" <<<"$lines" && return 0
    [ -f "$ROOT/log/events.log" ] || return 1
    lines=$(tail -n +$((EVENTS_MARK + 1)) "$ROOT/log/events.log")
    grep -Eq "$re" <<<"$lines"
}
