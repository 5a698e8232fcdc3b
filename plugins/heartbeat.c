/*
 * heartbeat.c - writes an increasing counter to a file at a fixed interval.
 *
 * [Parameters]
 *   File        the file to write (default heartbeat.txt; a relative path
 *               is relative to the host's working directory).  Its whole
 *               content is always the current counter in decimal and a
 *               newline: each value is written to FILE.tmp and moved over
 *               FILE in one step, so a reader never sees a partial value.
 *   IntervalMs  milliseconds between ticks (default 1000; 1..86400000).
 *
 * The first tick writes 1 before the service reports RUNNING.  Controls:
 *   STOP         stops;
 *   PAUSE        PAUSE_PENDING then PAUSED: no ticks until CONTINUE;
 *   CONTINUE     CONTINUE_PENDING then RUNNING: the next tick comes one
 *                interval later;
 *   PARAMCHANGE  re-reads IntervalMs (back to 1000 if it was removed);
 *                the next tick is due one new interval after the last one
 *                (at once if that is past).  An invalid value is logged,
 *                the old interval kept, and ERROR_INVALID_DATA returned;
 *   128          resets the counter: writes 0 at once, then 1, 2, ... one
 *                interval apart (also while paused);
 *   INTERROGATE  NO_ERROR; anything else ERROR_CALL_NOT_IMPLEMENTED.
 * Pause, continue and reset take effect before the handler returns.
 *
 * Exit codes reported with SERVICE_STOPPED:
 *   NO_ERROR                      stopped by SERVICE_CONTROL_STOP;
 *   ERROR_INVALID_DATA            IntervalMs is not a valid interval;
 *   ERROR_NOT_ENOUGH_MEMORY       out of memory at start;
 *   ERROR_SERVICE_SPECIFIC_ERROR  the first write failed;
 *                                 dwServiceSpecificExitCode is its system
 *                                 error (errno; a Win32 error on Windows).
 * A later failed write is logged (once until a write succeeds again) and
 * the service keeps running.
 *
 * The same source builds as a plugin of this host and, with mingw-w64 or
 * the Windows SDK, as a service DLL of Windows' svchost.exe (see
 * <svchost/portable.h>); there the parameters come from the service's
 * registry key.
 */
#include <svchost/portable.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HB_DEFAULT_FILE     "heartbeat.txt"
#define HB_DEFAULT_INTERVAL 1000
#define HB_MAX_INTERVAL     86400000u
#define HB_CONTROL_RESET    128
#define HB_START_HINT_MS    3000
#define HB_STOP_HINT_MS     3000
#define HB_PAUSE_HINT_MS    1000

SVCHOST_DEFINE_GLOBALS;

struct heartbeat {
    char name[257];
    SERVICE_STATUS_HANDLE handle;
    char *path;
    char *tmp_path;
    SVCHOST_EVENT wake;            /* set by the handler after each change */

    /* Everything below is shared with the handler thread. */
    SVCHOST_LOCK lock;
    SERVICE_STATUS status;
    bool stop_requested;
    bool stopped;
    DWORD interval_ms;
    unsigned long long counter;
    ULONGLONG last_tick;           /* SvchostTickMs() */
    DWORD write_error;             /* of the last failed write, 0 after a good one */
};

/* ---- parameters ----------------------------------------------------------- */

static char *copy_string(const char *s)
{
    size_t n = strlen(s) + 1;
    char *c = malloc(n);

    if (c != NULL)
        memcpy(c, s, n);
    return c;
}

/* A copy of [Parameters] key, or NULL (missing, or out of memory: *err). */
static char *get_string(const char *service, const char *key, DWORD *err)
{
    DWORD cb = 0;
    char *buf = NULL;

    /* The value may change between the size query and the read. */
    for (;;) {
        DWORD r = SvchostGetParameterString(service, key, buf, &cb);
        if (r == ERROR_SUCCESS && buf != NULL) {
            *err = ERROR_SUCCESS;
            return buf;
        }
        free(buf);
        buf = NULL;
        if (r != ERROR_MORE_DATA && r != ERROR_SUCCESS) {
            *err = r;
            return NULL;
        }
        buf = malloc(cb ? cb : 1);
        if (buf == NULL) {
            *err = ERROR_NOT_ENOUGH_MEMORY;
            return NULL;
        }
    }
}

/* Reads IntervalMs (default when missing).  Returns ERROR_SUCCESS or
 * ERROR_INVALID_DATA (logged; *interval_ms untouched). */
static DWORD read_interval(struct heartbeat *h, DWORD *interval_ms)
{
    DWORD v = HB_DEFAULT_INTERVAL;
    DWORD r = SvchostGetParameterDword(h->name, "IntervalMs", &v);

    if (r != ERROR_SUCCESS && r != ERROR_FILE_NOT_FOUND) {
        SvchostLog(h->name, SVCHOST_LOG_ERROR, "[Parameters] IntervalMs: not a number (%lu)",
                   (unsigned long)r);
        return ERROR_INVALID_DATA;
    }
    if (v == 0 || v > HB_MAX_INTERVAL) {
        SvchostLog(h->name, SVCHOST_LOG_ERROR, "[Parameters] IntervalMs: %lu is not in 1..%lu",
                   (unsigned long)v, (unsigned long)HB_MAX_INTERVAL);
        return ERROR_INVALID_DATA;
    }
    *interval_ms = v;
    return ERROR_SUCCESS;
}

/* ---- the file ------------------------------------------------------------- */

/* Writes value atomically; returns 0 or a system error.  Failures are
 * logged once until a write succeeds again, so a full disk does not flood
 * the log.  The caller holds h->lock (so a tick never races a reset). */
static DWORD write_counter_locked(struct heartbeat *h, unsigned long long value)
{
    char text[32], ebuf[128];
    int len = snprintf(text, sizeof text, "%llu\n", value);
    DWORD err = SvchostWriteFileAtomic(h->path, h->tmp_path, text, (size_t)len);

    if (err != 0 && err != h->write_error)
        SvchostLog(h->name, SVCHOST_LOG_WARNING, "cannot write %s: %s", h->path,
                   SvchostErrorString(err, ebuf, sizeof ebuf));
    else if (err == 0 && h->write_error != 0)
        SvchostLog(h->name, SVCHOST_LOG_INFO, "writing %s again", h->path);
    h->write_error = err;
    return err;
}

/* ---- status --------------------------------------------------------------- */

static bool is_pending(DWORD state)
{
    return state == SERVICE_START_PENDING || state == SERVICE_STOP_PENDING ||
           state == SERVICE_PAUSE_PENDING || state == SERVICE_CONTINUE_PENDING;
}

/* Updates and reports the status; the caller holds h->lock. */
static void set_status_locked(struct heartbeat *h, DWORD state, DWORD wait_hint)
{
    SERVICE_STATUS *s = &h->status;

    if (is_pending(state))
        s->dwCheckPoint = s->dwCurrentState == state ? s->dwCheckPoint + 1 : 1;
    else
        s->dwCheckPoint = 0;
    s->dwCurrentState = state;
    s->dwControlsAccepted =
        state == SERVICE_RUNNING || state == SERVICE_PAUSED
            ? SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_PAUSE_CONTINUE | SERVICE_ACCEPT_PARAMCHANGE
            : 0;
    s->dwWaitHint = is_pending(state) ? wait_hint : 0;
    if (!SetServiceStatus(h->handle, s))
        SvchostLog(h->name, SVCHOST_LOG_WARNING, "SetServiceStatus failed: %lu",
                   (unsigned long)GetLastError());
}

/* ---- control handler ------------------------------------------------------ */

/* Runs with h->lock held. */
static DWORD handle_control_locked(struct heartbeat *h, DWORD control)
{
    DWORD state = h->status.dwCurrentState;
    DWORD interval;

    if (control == SERVICE_CONTROL_INTERROGATE)
        return NO_ERROR;
    if (h->stopped)
        return ERROR_SERVICE_NOT_ACTIVE;
    if (state != SERVICE_RUNNING && state != SERVICE_PAUSED)
        return ERROR_SERVICE_CANNOT_ACCEPT_CTRL;   /* starting or stopping */

    switch (control) {
    case SERVICE_CONTROL_STOP:
        h->stop_requested = true;
        set_status_locked(h, SERVICE_STOP_PENDING, HB_STOP_HINT_MS);
        break;
    case SERVICE_CONTROL_PAUSE:
        if (state == SERVICE_RUNNING) {
            set_status_locked(h, SERVICE_PAUSE_PENDING, HB_PAUSE_HINT_MS);
            set_status_locked(h, SERVICE_PAUSED, 0);
            SvchostLog(h->name, SVCHOST_LOG_INFO, "paused at %llu", h->counter);
        }
        break;
    case SERVICE_CONTROL_CONTINUE:
        if (state == SERVICE_PAUSED) {
            set_status_locked(h, SERVICE_CONTINUE_PENDING, HB_PAUSE_HINT_MS);
            h->last_tick = SvchostTickMs();
            set_status_locked(h, SERVICE_RUNNING, 0);
            SvchostLog(h->name, SVCHOST_LOG_INFO, "continued at %llu", h->counter);
        }
        break;
    case SERVICE_CONTROL_PARAMCHANGE:
        interval = h->interval_ms;
        if (read_interval(h, &interval) != ERROR_SUCCESS)
            return ERROR_INVALID_DATA;
        if (interval != h->interval_ms) {
            SvchostLog(h->name, SVCHOST_LOG_INFO, "interval changed from %lu to %lu ms",
                       (unsigned long)h->interval_ms, (unsigned long)interval);
            h->interval_ms = interval;
        }
        break;
    case HB_CONTROL_RESET:
        h->counter = 0;
        h->last_tick = SvchostTickMs();
        write_counter_locked(h, 0);
        SvchostLog(h->name, SVCHOST_LOG_INFO, "counter reset");
        break;
    default:
        return ERROR_CALL_NOT_IMPLEMENTED;
    }
    SvchostEventSet(&h->wake);
    return NO_ERROR;
}

static DWORD WINAPI heartbeat_handler(DWORD control, DWORD event_type, LPVOID event_data,
                                      LPVOID context)
{
    struct heartbeat *h = context;
    DWORD rc;

    (void)event_type;
    (void)event_data;
    SvchostLockAcquire(&h->lock);
    rc = handle_control_locked(h, control);
    SvchostLockRelease(&h->lock);
    return rc;
}

/* ---- ServiceMain ---------------------------------------------------------- */

/* Ticks until a stop is requested.  Runs with h->lock held and releases
 * it to wait; the handler changes the state under the lock and then sets
 * the event, which stays set until the wait, so no change is missed and a
 * control takes effect at once. */
static void tick_loop_locked(struct heartbeat *h)
{
    while (!h->stop_requested) {
        DWORD timeout = SVCHOST_INFINITE;

        if (h->status.dwCurrentState == SERVICE_RUNNING) {
            ULONGLONG now = SvchostTickMs();
            ULONGLONG due = h->last_tick + h->interval_ms;

            if (now >= due) {
                write_counter_locked(h, ++h->counter);
                /* Keep the cadence, unless we fell a whole interval behind. */
                h->last_tick = now < due + h->interval_ms ? due : now;
                continue;
            }
            timeout = (DWORD)(due - now);
        }
        SvchostLockRelease(&h->lock);
        SvchostEventWait(&h->wake, timeout);
        SvchostLockAcquire(&h->lock);
    }
}

/* Reports SERVICE_STOPPED and frees h.  The report is made without the
 * lock, so a host that waits for a running handler before accepting
 * STOPPED cannot deadlock against it; the lock is then taken once more so
 * that a handler still inside its critical section is done with h (and
 * with the event it sets last). */
static void heartbeat_finish(struct heartbeat *h, DWORD win32_exit, DWORD specific_exit)
{
    SERVICE_STATUS final;

    SvchostLockAcquire(&h->lock);
    h->stopped = true;
    h->status.dwCurrentState = SERVICE_STOPPED;
    h->status.dwControlsAccepted = 0;
    h->status.dwWin32ExitCode = win32_exit;
    h->status.dwServiceSpecificExitCode = specific_exit;
    h->status.dwCheckPoint = 0;
    h->status.dwWaitHint = 0;
    final = h->status;
    SvchostLockRelease(&h->lock);

    if (!SetServiceStatus(h->handle, &final))
        SvchostLog(h->name, SVCHOST_LOG_WARNING, "SetServiceStatus(STOPPED) failed: %lu",
                   (unsigned long)GetLastError());

    SvchostLockAcquire(&h->lock);
    SvchostLockRelease(&h->lock);
    SvchostEventDestroy(&h->wake);
    SvchostLockDestroy(&h->lock);
    free(h->path);
    free(h->tmp_path);
    free(h);
}

static VOID WINAPI heartbeat_main(DWORD argc, LPSTR *argv)
{
    struct heartbeat *h;
    DWORD r, err, exit_code = NO_ERROR, specific = 0;
    size_t n;

    (void)argc;
    h = calloc(1, sizeof *h);
    if (h == NULL)
        return;   /* the host reports ERROR_PROCESS_ABORTED for us */
    snprintf(h->name, sizeof h->name, "%s", argv[0]);
    if (SvchostLockInit(&h->lock) != 0) {
        free(h);
        return;
    }
    if (SvchostEventInit(&h->wake) != 0) {
        SvchostLockDestroy(&h->lock);
        free(h);
        return;
    }
    h->status.dwServiceType = SERVICE_WIN32_SHARE_PROCESS;
    h->interval_ms = HB_DEFAULT_INTERVAL;

    h->handle = RegisterServiceCtrlHandlerExA(argv[0], heartbeat_handler, h);
    if (h->handle == NULL) {
        SvchostLog(h->name, SVCHOST_LOG_ERROR, "RegisterServiceCtrlHandlerExA failed: %lu",
                   (unsigned long)GetLastError());
        SvchostEventDestroy(&h->wake);
        SvchostLockDestroy(&h->lock);
        free(h);
        return;
    }

    SvchostLockAcquire(&h->lock);
    set_status_locked(h, SERVICE_START_PENDING, HB_START_HINT_MS);

    exit_code = read_interval(h, &h->interval_ms);
    if (exit_code != ERROR_SUCCESS)
        goto out;
    h->path = get_string(h->name, "File", &r);
    if (h->path == NULL && r != ERROR_FILE_NOT_FOUND) {
        SvchostLog(h->name, SVCHOST_LOG_ERROR, "[Parameters] File: error %lu",
                   (unsigned long)r);
        exit_code = r == ERROR_NOT_ENOUGH_MEMORY ? r : ERROR_INVALID_DATA;
        goto out;
    }
    if (h->path == NULL)
        h->path = copy_string(HB_DEFAULT_FILE);
    n = h->path != NULL ? strlen(h->path) + sizeof ".tmp" : 0;
    if (h->path == NULL || (h->tmp_path = malloc(n)) == NULL) {
        exit_code = ERROR_NOT_ENOUGH_MEMORY;
        goto out;
    }
    snprintf(h->tmp_path, n, "%s.tmp", h->path);

    h->counter = 1;
    h->last_tick = SvchostTickMs();
    err = write_counter_locked(h, h->counter);
    if (err != 0) {
        exit_code = ERROR_SERVICE_SPECIFIC_ERROR;
        specific = err;
        goto out;
    }
    set_status_locked(h, SERVICE_RUNNING, 0);
    SvchostLog(h->name, SVCHOST_LOG_INFO, "writing %s every %lu ms", h->path,
               (unsigned long)h->interval_ms);

    tick_loop_locked(h);
out:
    SvchostLockRelease(&h->lock);
    heartbeat_finish(h, exit_code, specific);
}

SVCHOST_SERVICE_MAIN(heartbeat_main)
