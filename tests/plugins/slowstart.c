/*
 * slowstart.c - test plugin: a service that takes a while to start.
 *
 * [Parameters]  WaitHintMs (default 500), StepMs (200), Steps (5).
 *
 * Reports START_PENDING with dwCheckPoint 1, 2, ... Steps, each with
 * dwWaitHint = WaitHintMs, sleeping StepMs after each; then RUNNING,
 * accepting STOP.  While starting it accepts no controls.
 *   STOP         STOP_PENDING, then STOPPED (exit code 0) from ServiceMain;
 *   INTERROGATE  NO_ERROR;  other  ERROR_CALL_NOT_IMPLEMENTED.
 * With StepMs longer than WaitHintMs the start looks hung to the SCM.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <time.h>

#include <svchost/svchost.h>

static const SVCHOST_GLOBALS *_Atomic globals;

struct slowstart {
    SERVICE_STATUS_HANDLE handle;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    SERVICE_STATUS status;
    bool stop_requested;
    bool stopped;
};

SVCHOST_EXPORT VOID WINAPI SvchostPushServiceGlobals(const SVCHOST_GLOBALS *g)
{
    globals = g;
}

static DWORD get_dword(const char *service, const char *key, DWORD def)
{
    const SVCHOST_GLOBALS *g = globals;
    DWORD v = def;

    if (SVCHOST_GLOBALS_HAS(g, GetParameterDword) &&
        g->GetParameterDword(service, key, &v) != ERROR_SUCCESS)
        v = def;
    return v;
}

static void sleep_ms(DWORD ms)
{
    struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static BOOL report_locked(struct slowstart *s, DWORD state, DWORD checkpoint, DWORD hint)
{
    s->status.dwCurrentState = state;
    s->status.dwControlsAccepted = state == SERVICE_RUNNING ? SERVICE_ACCEPT_STOP : 0;
    s->status.dwCheckPoint = checkpoint;
    s->status.dwWaitHint = hint;
    return SetServiceStatus(s->handle, &s->status);
}

static DWORD WINAPI slowstart_handler(DWORD control, DWORD event_type, LPVOID event_data,
                                      LPVOID context)
{
    struct slowstart *s = context;
    DWORD rc = NO_ERROR;

    (void)event_type;
    (void)event_data;
    if (control == SERVICE_CONTROL_INTERROGATE)
        return NO_ERROR;
    if (control != SERVICE_CONTROL_STOP)
        return ERROR_CALL_NOT_IMPLEMENTED;
    pthread_mutex_lock(&s->lock);
    if (s->stopped) {
        rc = ERROR_SERVICE_NOT_ACTIVE;
    } else if (s->status.dwCurrentState != SERVICE_RUNNING) {
        rc = ERROR_SERVICE_CANNOT_ACCEPT_CTRL;
    } else {
        s->stop_requested = true;
        report_locked(s, SERVICE_STOP_PENDING, 1, 2000);
        pthread_cond_signal(&s->cond);
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

SVCHOST_EXPORT VOID WINAPI ServiceMain(DWORD argc, LPSTR *argv)
{
    struct slowstart s = { .status.dwServiceType = SERVICE_WIN32_SHARE_PROCESS };
    SERVICE_STATUS final;
    DWORD hint, step, steps;

    (void)argc;
    pthread_mutex_init(&s.lock, NULL);
    pthread_cond_init(&s.cond, NULL);
    s.handle = RegisterServiceCtrlHandlerExA(argv[0], slowstart_handler, &s);
    if (s.handle == NULL)
        goto out;
    hint = get_dword(argv[0], "WaitHintMs", 500);
    step = get_dword(argv[0], "StepMs", 200);
    steps = get_dword(argv[0], "Steps", 5);

    /* A failed report means the SCM gave up on this start (its handle is
     * dead): there is nothing left to wait for. */
    for (DWORD cp = 1; cp <= steps; cp++) {
        BOOL ok;

        pthread_mutex_lock(&s.lock);
        ok = report_locked(&s, SERVICE_START_PENDING, cp, hint);
        pthread_mutex_unlock(&s.lock);
        if (!ok)
            goto out;
        sleep_ms(step);
    }

    pthread_mutex_lock(&s.lock);
    if (!report_locked(&s, SERVICE_RUNNING, 0, 0)) {
        pthread_mutex_unlock(&s.lock);
        goto out;
    }
    while (!s.stop_requested)
        pthread_cond_wait(&s.cond, &s.lock);
    s.stopped = true;
    s.status.dwCurrentState = SERVICE_STOPPED;
    s.status.dwControlsAccepted = 0;
    s.status.dwCheckPoint = s.status.dwWaitHint = 0;
    final = s.status;
    pthread_mutex_unlock(&s.lock);

    /* Reported without the lock, so nothing the host does on STOPPED (it
     * runs stop callbacks, say) can wait on a handler that holds it. */
    SetServiceStatus(s.handle, &final);
    /* A handler still in its critical section is done with s after this. */
    pthread_mutex_lock(&s.lock);
    pthread_mutex_unlock(&s.lock);
out:
    pthread_cond_destroy(&s.cond);
    pthread_mutex_destroy(&s.lock);
}
