/*
 * crash.c - test plugin: a service that crashes its host.
 *
 * [Parameters]  CrashAfterMs (default 200).
 *
 * Reports START_PENDING then RUNNING (accepting STOP), logs "crashing",
 * and CrashAfterMs later stores through a null pointer on its ServiceMain
 * thread: SIGSEGV, which takes the whole host down (under AddressSanitizer
 * the host exits non-zero instead of dying of the signal).  A STOP that
 * arrives first stops it cleanly (STOPPED, exit code 0) without crashing.
 *   INTERROGATE  NO_ERROR;  other  ERROR_CALL_NOT_IMPLEMENTED.
 */
#include <pthread.h>
#include <stdbool.h>
#include <time.h>

#include <svchost/svchost.h>

static const SVCHOST_GLOBALS *_Atomic globals;

/* Volatile, so the compiler cannot see the store below is through null
 * and turn it into a trap (SIGILL) or drop it. */
static int *volatile crash_target;

struct crash {
    SERVICE_STATUS_HANDLE handle;
    pthread_mutex_t lock;
    pthread_cond_t cond;           /* on CLOCK_MONOTONIC */
    SERVICE_STATUS status;
    bool stop_requested;
    bool stopped;
};

SVCHOST_EXPORT VOID WINAPI SvchostPushServiceGlobals(const SVCHOST_GLOBALS *g)
{
    globals = g;
}

static void report_locked(struct crash *c, DWORD state)
{
    c->status.dwCurrentState = state;
    c->status.dwControlsAccepted = state == SERVICE_RUNNING ? SERVICE_ACCEPT_STOP : 0;
    c->status.dwCheckPoint = state == SERVICE_START_PENDING || state == SERVICE_STOP_PENDING;
    c->status.dwWaitHint = c->status.dwCheckPoint ? 2000 : 0;
    SetServiceStatus(c->handle, &c->status);
}

static DWORD WINAPI crash_handler(DWORD control, DWORD event_type, LPVOID event_data,
                                  LPVOID context)
{
    struct crash *c = context;
    DWORD rc = NO_ERROR;

    (void)event_type;
    (void)event_data;
    if (control == SERVICE_CONTROL_INTERROGATE)
        return NO_ERROR;
    if (control != SERVICE_CONTROL_STOP)
        return ERROR_CALL_NOT_IMPLEMENTED;
    pthread_mutex_lock(&c->lock);
    if (c->stopped) {
        rc = ERROR_SERVICE_NOT_ACTIVE;
    } else if (c->status.dwCurrentState != SERVICE_RUNNING) {
        rc = ERROR_SERVICE_CANNOT_ACCEPT_CTRL;
    } else {
        c->stop_requested = true;
        report_locked(c, SERVICE_STOP_PENDING);
        pthread_cond_signal(&c->cond);
    }
    pthread_mutex_unlock(&c->lock);
    return rc;
}

SVCHOST_EXPORT VOID WINAPI ServiceMain(DWORD argc, LPSTR *argv)
{
    const SVCHOST_GLOBALS *g = globals;
    struct crash c = { .status.dwServiceType = SERVICE_WIN32_SHARE_PROCESS };
    pthread_condattr_t ca;
    struct timespec due;
    SERVICE_STATUS final;
    DWORD after_ms = 200;

    (void)argc;
    pthread_mutex_init(&c.lock, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&c.cond, &ca);
    pthread_condattr_destroy(&ca);
    c.handle = RegisterServiceCtrlHandlerExA(argv[0], crash_handler, &c);
    if (c.handle == NULL)
        goto out;
    if (SVCHOST_GLOBALS_HAS(g, GetParameterDword))
        g->GetParameterDword(argv[0], "CrashAfterMs", &after_ms);

    pthread_mutex_lock(&c.lock);
    report_locked(&c, SERVICE_START_PENDING);
    report_locked(&c, SERVICE_RUNNING);
    if (SVCHOST_GLOBALS_HAS(g, Log))
        g->Log(argv[0], SVCHOST_LOG_WARNING, "crashing in %lu ms", (unsigned long)after_ms);
    clock_gettime(CLOCK_MONOTONIC, &due);
    due.tv_sec += after_ms / 1000;
    due.tv_nsec += (long)(after_ms % 1000) * 1000000L;
    if (due.tv_nsec >= 1000000000L) {
        due.tv_sec++;
        due.tv_nsec -= 1000000000L;
    }
    while (!c.stop_requested) {
        struct timespec now;

        pthread_cond_timedwait(&c.cond, &c.lock, &due);
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (!c.stop_requested && (now.tv_sec > due.tv_sec ||
                                  (now.tv_sec == due.tv_sec && now.tv_nsec >= due.tv_nsec)))
            *crash_target = 1;
    }
    c.stopped = true;
    c.status.dwCurrentState = SERVICE_STOPPED;
    c.status.dwControlsAccepted = 0;
    c.status.dwCheckPoint = c.status.dwWaitHint = 0;
    final = c.status;
    pthread_mutex_unlock(&c.lock);

    /* Reported without the lock, so nothing the host does on STOPPED (it
     * runs stop callbacks, say) can wait on a handler that holds it. */
    SetServiceStatus(c.handle, &final);
    /* A handler still in its critical section is done with c after this. */
    pthread_mutex_lock(&c.lock);
    pthread_mutex_unlock(&c.lock);
out:
    pthread_cond_destroy(&c.cond);
    pthread_mutex_destroy(&c.lock);
}
