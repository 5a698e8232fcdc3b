/*
 * heartbeat.c - writes an increasing counter to a file at a fixed interval.
 *
 * [Parameters]
 *   File        the file to write (default heartbeat.txt; a relative path
 *               is relative to the host's working directory).  Its whole
 *               content is always the current counter in decimal and a
 *               newline: each value is written to FILE.tmp and renamed
 *               over FILE, so a reader never sees a partial value.
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
 *                                 dwServiceSpecificExitCode is its errno.
 * A later failed write is logged (once until a write succeeds again) and
 * the service keeps running.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <svchost/svchost.h>

#define HB_DEFAULT_FILE     "heartbeat.txt"
#define HB_DEFAULT_INTERVAL 1000
#define HB_MAX_INTERVAL     86400000u
#define HB_CONTROL_RESET    128
#define HB_START_HINT_MS    3000
#define HB_STOP_HINT_MS     3000
#define HB_PAUSE_HINT_MS    1000

/* Services may start concurrently, and each start pushes the table. */
static const SVCHOST_GLOBALS *_Atomic globals;

#define HB_LOG(h, level, ...)                                                \
    do {                                                                     \
        const SVCHOST_GLOBALS *g_ = globals;                                 \
        if (SVCHOST_GLOBALS_HAS(g_, Log))                                    \
            g_->Log((h)->name, (level), __VA_ARGS__);                        \
    } while (0)

struct heartbeat {
    char name[257];
    SERVICE_STATUS_HANDLE handle;
    char *path;
    char *tmp_path;

    /* Everything below is shared with the handler thread. */
    pthread_mutex_t lock;
    pthread_cond_t wake;           /* on CLOCK_MONOTONIC */
    SERVICE_STATUS status;
    bool stop_requested;
    bool stopped;
    DWORD interval_ms;
    unsigned long long counter;
    struct timespec last_tick;     /* CLOCK_MONOTONIC */
    int write_errno;               /* of the last failed write, 0 after a good one */
};

SVCHOST_EXPORT VOID WINAPI SvchostPushServiceGlobals(const SVCHOST_GLOBALS *g)
{
    globals = g;
}

static const char *errstr(int err, char *buf, size_t len)
{
#if defined(__GLIBC__) && defined(_GNU_SOURCE)
    return strerror_r(err, buf, len);
#else
    if (strerror_r(err, buf, len) != 0)
        snprintf(buf, len, "error %d", err);
    return buf;
#endif
}

/* ---- time ----------------------------------------------------------------- */

static struct timespec now_mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts;
}

static struct timespec ts_add_ms(struct timespec ts, DWORD ms)
{
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    return ts;
}

static int ts_cmp(struct timespec a, struct timespec b)
{
    if (a.tv_sec != b.tv_sec)
        return a.tv_sec < b.tv_sec ? -1 : 1;
    return a.tv_nsec < b.tv_nsec ? -1 : a.tv_nsec > b.tv_nsec;
}

/* ---- parameters ----------------------------------------------------------- */

/* A copy of [Parameters] key, or NULL (missing, or out of memory: *err). */
static char *get_string(const char *service, const char *key, DWORD *err)
{
    const SVCHOST_GLOBALS *g = globals;
    DWORD cb = 0;
    char *buf = NULL;

    *err = ERROR_FILE_NOT_FOUND;
    if (!SVCHOST_GLOBALS_HAS(g, GetParameter))
        return NULL;
    /* The value may change between the size query and the read. */
    for (;;) {
        DWORD r = g->GetParameter(service, key, buf, &cb);
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
    const SVCHOST_GLOBALS *g = globals;
    DWORD v = HB_DEFAULT_INTERVAL;

    if (SVCHOST_GLOBALS_HAS(g, GetParameterDword)) {
        DWORD r = g->GetParameterDword(h->name, "IntervalMs", &v);
        if (r != ERROR_SUCCESS && r != ERROR_FILE_NOT_FOUND) {
            HB_LOG(h, SVCHOST_LOG_ERROR, "[Parameters] IntervalMs: not a number (%lu)",
                   (unsigned long)r);
            return ERROR_INVALID_DATA;
        }
    }
    if (v == 0 || v > HB_MAX_INTERVAL) {
        HB_LOG(h, SVCHOST_LOG_ERROR, "[Parameters] IntervalMs: %lu is not in 1..%u",
               (unsigned long)v, HB_MAX_INTERVAL);
        return ERROR_INVALID_DATA;
    }
    *interval_ms = v;
    return ERROR_SUCCESS;
}

/* ---- the file ------------------------------------------------------------- */

/* Writes value atomically; returns 0 or an errno.  Failures are logged
 * once until a write succeeds again, so a full disk does not flood the
 * log.  The caller holds h->lock (so a tick never races a reset). */
static int write_counter_locked(struct heartbeat *h, unsigned long long value)
{
    char text[32], ebuf[128];
    int len = snprintf(text, sizeof text, "%llu\n", value);
    int fd, err = 0;

    fd = open(h->tmp_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        err = errno;
    } else {
        ssize_t n = write(fd, text, (size_t)len);
        if (n != len)
            err = n < 0 ? errno : EIO;
        if (close(fd) != 0 && err == 0)
            err = errno;
        if (err == 0 && rename(h->tmp_path, h->path) != 0)
            err = errno;
        if (err != 0)
            unlink(h->tmp_path);
    }
    if (err != 0 && err != h->write_errno)
        HB_LOG(h, SVCHOST_LOG_WARNING, "cannot write %s: %s", h->path,
               errstr(err, ebuf, sizeof ebuf));
    else if (err == 0 && h->write_errno != 0)
        HB_LOG(h, SVCHOST_LOG_INFO, "writing %s again", h->path);
    h->write_errno = err;
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
        HB_LOG(h, SVCHOST_LOG_WARNING, "SetServiceStatus failed: %lu",
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
            HB_LOG(h, SVCHOST_LOG_INFO, "paused at %llu", h->counter);
        }
        break;
    case SERVICE_CONTROL_CONTINUE:
        if (state == SERVICE_PAUSED) {
            set_status_locked(h, SERVICE_CONTINUE_PENDING, HB_PAUSE_HINT_MS);
            h->last_tick = now_mono();
            set_status_locked(h, SERVICE_RUNNING, 0);
            HB_LOG(h, SVCHOST_LOG_INFO, "continued at %llu", h->counter);
        }
        break;
    case SERVICE_CONTROL_PARAMCHANGE:
        interval = h->interval_ms;
        if (read_interval(h, &interval) != ERROR_SUCCESS)
            return ERROR_INVALID_DATA;
        if (interval != h->interval_ms) {
            HB_LOG(h, SVCHOST_LOG_INFO, "interval changed from %lu to %lu ms",
                   (unsigned long)h->interval_ms, (unsigned long)interval);
            h->interval_ms = interval;
        }
        break;
    case HB_CONTROL_RESET:
        h->counter = 0;
        h->last_tick = now_mono();
        write_counter_locked(h, 0);
        HB_LOG(h, SVCHOST_LOG_INFO, "counter reset");
        break;
    default:
        return ERROR_CALL_NOT_IMPLEMENTED;
    }
    pthread_cond_signal(&h->wake);
    return NO_ERROR;
}

static DWORD WINAPI heartbeat_handler(DWORD control, DWORD event_type, LPVOID event_data,
                                      LPVOID context)
{
    struct heartbeat *h = context;
    DWORD rc;

    (void)event_type;
    (void)event_data;
    pthread_mutex_lock(&h->lock);
    rc = handle_control_locked(h, control);
    pthread_mutex_unlock(&h->lock);
    return rc;
}

/* ---- ServiceMain ---------------------------------------------------------- */

/* Ticks until a stop is requested.  Runs with h->lock held; waiting
 * releases it, so a control takes effect at once. */
static void tick_loop_locked(struct heartbeat *h)
{
    while (!h->stop_requested) {
        struct timespec now, due;

        if (h->status.dwCurrentState != SERVICE_RUNNING) {
            pthread_cond_wait(&h->wake, &h->lock);
            continue;
        }
        now = now_mono();
        due = ts_add_ms(h->last_tick, h->interval_ms);
        if (ts_cmp(now, due) < 0) {
            pthread_cond_timedwait(&h->wake, &h->lock, &due);
            continue;
        }
        write_counter_locked(h, ++h->counter);
        /* Keep the cadence, unless we fell a whole interval behind. */
        h->last_tick = ts_cmp(now, ts_add_ms(due, h->interval_ms)) < 0 ? due : now;
    }
}

/* Reports SERVICE_STOPPED and frees h.  The report is made without the
 * lock, so a host that waits for a running handler before accepting
 * STOPPED cannot deadlock against it; the lock is then taken once more so
 * that a handler still inside its critical section is done with h. */
static void heartbeat_finish(struct heartbeat *h, DWORD win32_exit, DWORD specific_exit)
{
    SERVICE_STATUS final;

    pthread_mutex_lock(&h->lock);
    h->stopped = true;
    h->status.dwCurrentState = SERVICE_STOPPED;
    h->status.dwControlsAccepted = 0;
    h->status.dwWin32ExitCode = win32_exit;
    h->status.dwServiceSpecificExitCode = specific_exit;
    h->status.dwCheckPoint = 0;
    h->status.dwWaitHint = 0;
    final = h->status;
    pthread_mutex_unlock(&h->lock);

    if (!SetServiceStatus(h->handle, &final))
        HB_LOG(h, SVCHOST_LOG_WARNING, "SetServiceStatus(STOPPED) failed: %lu",
               (unsigned long)GetLastError());

    pthread_mutex_lock(&h->lock);
    pthread_mutex_unlock(&h->lock);
    pthread_cond_destroy(&h->wake);
    pthread_mutex_destroy(&h->lock);
    free(h->path);
    free(h->tmp_path);
    free(h);
}

SVCHOST_EXPORT VOID WINAPI ServiceMain(DWORD argc, LPSTR *argv)
{
    struct heartbeat *h;
    pthread_condattr_t ca;
    DWORD r, exit_code = NO_ERROR, specific = 0;
    int err;

    (void)argc;
    h = calloc(1, sizeof *h);
    if (h == NULL)
        return;   /* the host reports ERROR_PROCESS_ABORTED for us */
    snprintf(h->name, sizeof h->name, "%s", argv[0]);
    pthread_mutex_init(&h->lock, NULL);
    /* Monotonic, so that setting the clock neither stalls nor rushes ticks. */
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&h->wake, &ca);
    pthread_condattr_destroy(&ca);
    h->status.dwServiceType = SERVICE_WIN32_SHARE_PROCESS;
    h->interval_ms = HB_DEFAULT_INTERVAL;

    h->handle = RegisterServiceCtrlHandlerExA(argv[0], heartbeat_handler, h);
    if (h->handle == NULL) {
        HB_LOG(h, SVCHOST_LOG_ERROR, "RegisterServiceCtrlHandlerExA failed: %lu",
               (unsigned long)GetLastError());
        pthread_cond_destroy(&h->wake);
        pthread_mutex_destroy(&h->lock);
        free(h);
        return;
    }

    pthread_mutex_lock(&h->lock);
    set_status_locked(h, SERVICE_START_PENDING, HB_START_HINT_MS);

    exit_code = read_interval(h, &h->interval_ms);
    if (exit_code != ERROR_SUCCESS)
        goto out;
    h->path = get_string(h->name, "File", &r);
    if (h->path == NULL && r != ERROR_FILE_NOT_FOUND) {
        HB_LOG(h, SVCHOST_LOG_ERROR, "[Parameters] File: error %lu", (unsigned long)r);
        exit_code = r == ERROR_NOT_ENOUGH_MEMORY ? r : ERROR_INVALID_DATA;
        goto out;
    }
    if (h->path == NULL)
        h->path = strdup(HB_DEFAULT_FILE);
    if (h->path == NULL || asprintf(&h->tmp_path, "%s.tmp", h->path) < 0) {
        h->tmp_path = NULL;
        exit_code = ERROR_NOT_ENOUGH_MEMORY;
        goto out;
    }

    h->counter = 1;
    h->last_tick = now_mono();
    err = write_counter_locked(h, h->counter);
    if (err != 0) {
        exit_code = ERROR_SERVICE_SPECIFIC_ERROR;
        specific = (DWORD)err;
        goto out;
    }
    set_status_locked(h, SERVICE_RUNNING, 0);
    HB_LOG(h, SVCHOST_LOG_INFO, "writing %s every %lu ms", h->path,
           (unsigned long)h->interval_ms);

    tick_loop_locked(h);
out:
    pthread_mutex_unlock(&h->lock);
    heartbeat_finish(h, exit_code, specific);
}
