#!/usr/bin/env bash
# ServiceDllUnloadOnStop = 1: once the service has stopped and its threads
# have ended, the host unloads its plugin, and the next start in the same
# host maps the file afresh, so a plugin rebuilt in between runs its new
# code.  Without the value the plugin stays mapped and the old code runs
# again.  A service whose thread never ends is not unloaded (and the log
# says why); a file several services use stays until all have stopped.
#
# Each "not mapped" check is the same grep of /proc/PID/maps that first
# found the file mapped.
. "$(dirname "$0")/lib.sh"

mkdir -p "$ROOT/src"
# The plugin: appends "version N" to [Parameters] Out when it starts.  Its
# STOP handler reports STOPPED itself, then (HandlerMs) sleeps before it
# returns, so an unload that did not wait for the handler would unmap the
# code it returns into.  Linger = 1 starts a thread that never ends.
cat >"$ROOT/src/unloadme.c" <<'EOF'
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <svchost/svchost.h>

static const SVCHOST_GLOBALS *_Atomic globals;

struct state {
    SERVICE_STATUS_HANDLE handle;
    SERVICE_STATUS status;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int stopped;
    DWORD handler_ms;
    char out[1024];
};

static void append(const char *path, const char *line)
{
    FILE *f = path[0] ? fopen(path, "a") : NULL;
    if (f != NULL) {
        fprintf(f, "%s\n", line);
        fclose(f);
    }
}

static void *forever(void *arg)
{
    (void)arg;
    for (;;)
        pause();
    return NULL;
}

static DWORD WINAPI handler(DWORD control, DWORD type, LPVOID data, LPVOID context)
{
    struct state *s = context;
    char out[sizeof s->out];
    DWORD ms;

    (void)type;
    (void)data;
    if (control == SERVICE_CONTROL_INTERROGATE)
        return NO_ERROR;
    if (control != SERVICE_CONTROL_STOP)
        return ERROR_CALL_NOT_IMPLEMENTED;
    pthread_mutex_lock(&s->lock);
    memcpy(out, s->out, sizeof out);
    ms = s->handler_ms;
    s->status.dwCurrentState = SERVICE_STOPPED;
    s->status.dwControlsAccepted = 0;
    SetServiceStatus(s->handle, &s->status);
    s->stopped = 1;
    pthread_cond_signal(&s->cond);
    pthread_mutex_unlock(&s->lock);
    /* ServiceMain may be gone now: only locals from here on. */
    if (ms > 0) {
        usleep(ms * 1000u);
        append(out, "handler returned");
    }
    return NO_ERROR;
}

SVCHOST_EXPORT VOID WINAPI SvchostPushServiceGlobals(const SVCHOST_GLOBALS *g)
{
    globals = g;
}

SVCHOST_EXPORT VOID WINAPI ServiceMain(DWORD argc, LPSTR *argv)
{
    const SVCHOST_GLOBALS *g = globals;
    struct state s = { .status.dwServiceType = SERVICE_WIN32_SHARE_PROCESS };
    DWORD cb = sizeof s.out, linger = 0;
    char line[64];

    (void)argc;
    /* A fresh copy of the plugin has no table until the host pushes it. */
    if (!SVCHOST_GLOBALS_HAS(g, GetParameter) || !SVCHOST_GLOBALS_HAS(g, GetParameterDword))
        return;
    pthread_mutex_init(&s.lock, NULL);
    pthread_cond_init(&s.cond, NULL);
    s.handle = RegisterServiceCtrlHandlerExA(argv[0], handler, &s);
    if (s.handle == NULL)
        return;
    if (g->GetParameter(argv[0], "Out", s.out, &cb) != ERROR_SUCCESS)
        s.out[0] = '\0';
    g->GetParameterDword(argv[0], "HandlerMs", &s.handler_ms);
    g->GetParameterDword(argv[0], "Linger", &linger);
    if (linger) {
        pthread_t t;
        if (pthread_create(&t, NULL, forever, NULL) == 0)
            pthread_detach(t);
    }
    snprintf(line, sizeof line, "version %d", VERSION);
    append(s.out, line);
    pthread_mutex_lock(&s.lock);
    s.status.dwCurrentState = SERVICE_RUNNING;
    s.status.dwControlsAccepted = SERVICE_ACCEPT_STOP;
    SetServiceStatus(s.handle, &s.status);
    while (!s.stopped)
        pthread_cond_wait(&s.cond, &s.lock);
    pthread_mutex_unlock(&s.lock);
}
EOF

# build VERSION FILE: compiles the plugin to a temporary name and renames
# it over FILE, as an install step does, so that FILE gets a new inode.
build() {
    local so=$2
    cc -shared -fPIC -fvisibility=hidden -DVERSION="$1" -I"$SOURCE_DIR/include" \
        -o "$so.tmp" "$ROOT/src/unloadme.c" "$BUILD_DIR/lib/libsvc.so" -lpthread ||
        fail "the plugin does not build"
    mv -f "$so.tmp" "$so"
}

# mapped PID FILE: the lines of /proc/PID/maps that map FILE (the path is
# followed by " (deleted)" once the file has been replaced).
mapped() {
    local maps
    maps=$(cat "/proc/$1/maps")
    printf '%s\n' "$maps" | grep -F " $2" || true
}

# wait_count FILE REGEX N: waits until N lines of FILE match.
wait_count() {
    local deadline=$((SECONDS + TIMEOUT))
    while [ "$(grep -cE -- "$2" "$1" || true)" -lt "$3" ]; do
        [ $SECONDS -le $deadline ] || fail "timed out waiting for $3 lines /$2/ in $(basename "$1")"
        sleep 0.05
    done
}

# last FILE: its last line.
last() {
    tail -n 1 "$1"
}

for so in unload keep stuck twin; do
    build 1 "$ROOT/src/$so.so"
done

scmd
install Always ul "$TEST_PLUGINS/simple.so"
install Unload ul "$ROOT/src/unload.so" ServiceDllUnloadOnStop=1 "Out=$ROOT/unload.txt" HandlerMs=300
install Keep ul "$ROOT/src/keep.so" "Out=$ROOT/keep.txt"
install Stuck ul "$ROOT/src/stuck.so" ServiceDllUnloadOnStop=1 Linger=1 "Out=$ROOT/stuck.txt"
install Twin1 ul "$ROOT/src/twin.so" ServiceDllUnloadOnStop=1 "Out=$ROOT/twin1.txt"
install Twin2 ul "$ROOT/src/twin.so" ServiceDllUnloadOnStop=1 "Out=$ROOT/twin2.txt"
install Pin ul "$ROOT/src/twin.so" "Out=$ROOT/pin.txt"
# The same file under another name: the loader maps it once.
ln -s twin.so "$ROOT/src/twin-link.so"
install Twin3 ul "$ROOT/src/twin-link.so" ServiceDllUnloadOnStop=1 "Out=$ROOT/twin3.txt"
grep -qx 'ServiceDllUnloadOnStop = 1' "$ROOT/config/services/Unload.ini" ||
    fail "sc create did not write ServiceDllUnloadOnStop: $(cat "$ROOT/config/services/Unload.ini")"

sc_ok start Always
wait_state Always RUNNING
pid=$(host_pid Always)
[ -n "$pid" ] && [ "$pid" -gt 0 ] || fail "no host PID"

# ---- unloaded on stop, and the rebuilt file runs in the same host ---------
sc_ok start Unload
wait_state Unload RUNNING
[ "$(host_pid Unload)" = "$pid" ] || fail "Unload runs in $(host_pid Unload), not in $pid"
wait_for "$ROOT/unload.txt" '^version 1$'
[ -n "$(mapped "$pid" "$ROOT/src/unload.so")" ] || fail "unload.so is not in /proc/$pid/maps while it runs"
pass "Unload runs version 1 in host $pid, and its file shows in the host's maps"

sc_ok stop Unload
wait_state Unload STOPPED
wait_for "$ROOT/scmd.err" "\\[Unload\\] unloaded $ROOT/src/unload.so\$"
[ -z "$(mapped "$pid" "$ROOT/src/unload.so")" ] ||
    fail "unload.so still mapped after the unload: $(mapped "$pid" "$ROOT/src/unload.so")"
grep -qx 'handler returned' "$ROOT/unload.txt" || fail "the STOP handler did not return"
kill -0 "$pid" || fail "the host died"
pass "stopped, Unload's plugin is unmapped once its handler has returned"

inode1=$(stat -c %i "$ROOT/src/unload.so")
build 2 "$ROOT/src/unload.so"
inode2=$(stat -c %i "$ROOT/src/unload.so")
[ "$inode1" != "$inode2" ] || fail "the rebuilt file kept inode $inode1"
sc_ok start Unload
wait_state Unload RUNNING
[ "$(host_pid Unload)" = "$pid" ] || fail "Unload restarted in $(host_pid Unload), not in $pid"
wait_for "$ROOT/unload.txt" '^version 2$'
[ "$(last "$ROOT/unload.txt")" = "version 2" ] || fail "unload.txt ends with $(last "$ROOT/unload.txt")"
# The maps line names the inode of the file mapped: the new one.
mapped "$pid" "$ROOT/src/unload.so" | awk '{ print $5 }' | contains -x "$inode2" ||
    fail "the host does not map inode $inode2: $(mapped "$pid" "$ROOT/src/unload.so")"
pass "rebuilt (inode $inode1 -> $inode2), Unload runs version 2 in the same host $pid"

# ---- without the value: stays mapped, the old code runs again --------------
sc_ok start Keep
wait_state Keep RUNNING
wait_for "$ROOT/keep.txt" '^version 1$'
[ -n "$(mapped "$pid" "$ROOT/src/keep.so")" ] || fail "keep.so is not mapped while it runs"
# Keep and Unload stop together: once Unload's file is gone, an unload of
# Keep's would have happened as well.
sc_ok stop Keep
sc_ok stop Unload
wait_state Keep STOPPED
wait_state Unload STOPPED
wait_count "$ROOT/scmd.err" "\\[Unload\\] unloaded $ROOT/src/unload.so\$" 2
[ -n "$(mapped "$pid" "$ROOT/src/keep.so")" ] || fail "keep.so was unmapped although it does not unload on stop"
grep -q '\[Keep\] unloaded' "$ROOT/scmd.err" && fail "Keep's plugin was unloaded"
build 2 "$ROOT/src/keep.so"
sc_ok start Keep
wait_state Keep RUNNING
[ "$(host_pid Keep)" = "$pid" ] || fail "Keep restarted in another host"
wait_for "$ROOT/keep.txt" '^version 1$'
[ "$(grep -c '^version 1$' "$ROOT/keep.txt")" -eq 2 ] && ! grep -q '^version 2$' "$ROOT/keep.txt" ||
    fail "Keep did not run its old code again: $(cat "$ROOT/keep.txt")"
mapped "$pid" "$ROOT/src/keep.so" | contains ' (deleted)$' ||
    fail "the host does not map the replaced keep.so: $(mapped "$pid" "$ROOT/src/keep.so")"
pass "without ServiceDllUnloadOnStop the plugin stays mapped and its old code runs again"

# ---- a thread that never ends: not unloaded, logged, the host runs on -----
sc_ok start Stuck
wait_state Stuck RUNNING
wait_for "$ROOT/stuck.txt" '^version 1$'
[ -n "$(mapped "$pid" "$ROOT/src/stuck.so")" ] || fail "stuck.so is not mapped while it runs"
sc_ok stop Stuck
wait_state Stuck STOPPED
wait_for "$ROOT/scmd.err" "\\[Stuck\\] not unloading $ROOT/src/stuck.so: 1 thread of the service still running"
[ -n "$(mapped "$pid" "$ROOT/src/stuck.so")" ] || fail "stuck.so was unmapped although its thread runs"
grep -q '\[Stuck\] unloaded' "$ROOT/scmd.err" && fail "Stuck's plugin was unloaded"
[ "$(state Always)" = RUNNING ] && [ "$(host_pid Always)" = "$pid" ] || fail "the host did not run on"
pass "a service whose thread never ends keeps its plugin, says why, and the host runs on"

# ---- one file, several services: unloaded with the last -------------------
for t in Twin1 Twin2 Twin3; do
    sc_ok start $t
done
for t in 1 2 3; do
    wait_state Twin$t RUNNING
    wait_for "$ROOT/twin$t.txt" '^version 1$'
done
[ "$(mapped "$pid" "$ROOT/src/twin.so" | awk '{ print $5 }' | sort -u | wc -l)" -eq 1 ] ||
    fail "twin.so is not mapped once: $(mapped "$pid" "$ROOT/src/twin.so")"
[ -z "$(mapped "$pid" "$ROOT/src/twin-link.so")" ] || fail "twin.so is mapped a second time as twin-link.so"
sc_ok stop Twin1
wait_state Twin1 STOPPED
wait_for "$ROOT/scmd.err" "\\[Twin1\\] $ROOT/src/twin.so stays loaded: also used by Twin2\$"
[ -n "$(mapped "$pid" "$ROOT/src/twin.so")" ] || fail "twin.so unmapped while Twin2 runs"
[ "$(state Twin2)" = RUNNING ] || fail "Twin2 is $(state Twin2)"
sc_ok stop Twin3
wait_state Twin3 STOPPED
wait_for "$ROOT/scmd.err" "\\[Twin3\\] $ROOT/src/twin-link.so stays loaded: the same file as $ROOT/src/twin.so\$"
[ -n "$(mapped "$pid" "$ROOT/src/twin.so")" ] || fail "twin.so unmapped with Twin3, while Twin2 runs"
sc_ok stop Twin2
wait_state Twin2 STOPPED
wait_for "$ROOT/scmd.err" "\\[Twin2\\] unloaded $ROOT/src/twin.so\$"
[ -z "$(mapped "$pid" "$ROOT/src/twin.so")" ] || fail "twin.so still mapped after all three stopped"
pass "a file several services use (one through a symlink) is unloaded when the last stops"

# Pin uses twin.so without unloading on stop: the file stays for good.
sc_ok start Pin
sc_ok start Twin1
wait_state Pin RUNNING
wait_state Twin1 RUNNING
sc_ok stop Twin1
wait_state Twin1 STOPPED
wait_for "$ROOT/scmd.err" "\\[Twin1\\] $ROOT/src/twin.so stays loaded: also used by Pin\$"
sc_ok stop Pin
wait_state Pin STOPPED
sc_ok start Twin1
wait_state Twin1 RUNNING
sc_ok stop Twin1
wait_state Twin1 STOPPED
wait_count "$ROOT/scmd.err" "\\[Twin1\\] $ROOT/src/twin.so stays loaded: also used by Pin\$" 2
[ -n "$(mapped "$pid" "$ROOT/src/twin.so")" ] || fail "twin.so unmapped although Pin keeps it"
pass "a file that a service without ServiceDllUnloadOnStop used stays loaded"

[ "$(host_pid Always)" = "$pid" ] && kill -0 "$pid" || fail "host $pid is gone"
sc_ok stop Always
wait_state Always STOPPED
pass "one host ($pid) throughout"
