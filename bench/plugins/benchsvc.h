/*
 * benchsvc.h - what the benchmark plugins share: a service whose state
 * lives on ServiceMain's stack, that reports RUNNING, accepts STOP and
 * INTERROGATE (everything else is ERROR_CALL_NOT_IMPLEMENTED) and sleeps
 * on a condition variable until STOP.  Each plugin is one .c file, so
 * everything here is static.
 */
#ifndef SVCHOST_BENCH_BENCHSVC_H
#define SVCHOST_BENCH_BENCHSVC_H

#include <pthread.h>
#include <stdbool.h>

#include <svchost/svchost.h>

struct benchsvc {
    SERVICE_STATUS_HANDLE handle;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    SERVICE_STATUS status;        /* guarded by lock */
    bool stop;
};

#define BENCHSVC_INIT                                         \
    {                                                         \
        .lock = PTHREAD_MUTEX_INITIALIZER,                    \
        .cond = PTHREAD_COND_INITIALIZER,                     \
        .status.dwServiceType = SERVICE_WIN32_SHARE_PROCESS,  \
    }

static DWORD WINAPI benchsvc_handler(DWORD control, DWORD type, LPVOID data, LPVOID context)
{
    struct benchsvc *s = context;
    DWORD rc = NO_ERROR;

    (void)type;
    (void)data;
    switch (control) {
    case SERVICE_CONTROL_INTERROGATE:
        /* The SCM answers with the status we last set. */
        return NO_ERROR;
    case SERVICE_CONTROL_STOP:
        pthread_mutex_lock(&s->lock);
        if (s->status.dwCurrentState != SERVICE_RUNNING) {
            rc = ERROR_SERVICE_CANNOT_ACCEPT_CTRL;
        } else {
            s->status.dwCurrentState = SERVICE_STOP_PENDING;
            s->status.dwControlsAccepted = 0;
            s->status.dwCheckPoint = 1;
            s->status.dwWaitHint = 2000;
            SetServiceStatus(s->handle, &s->status);
            s->stop = true;
            pthread_cond_signal(&s->cond);
        }
        pthread_mutex_unlock(&s->lock);
        return rc;
    default:
        return ERROR_CALL_NOT_IMPLEMENTED;
    }
}

/* Registers s's handler under name; false if the host refused. */
static bool benchsvc_register(struct benchsvc *s, const char *name)
{
    s->handle = RegisterServiceCtrlHandlerExA(name, benchsvc_handler, s);
    return s->handle != NULL;
}

/* When run, reports RUNNING and waits for STOP; either way returns the
 * status last reported, the start of the final one. */
static SERVICE_STATUS benchsvc_run(struct benchsvc *s, bool run)
{
    SERVICE_STATUS final;

    pthread_mutex_lock(&s->lock);
    if (run) {
        s->status.dwCurrentState = SERVICE_RUNNING;
        s->status.dwControlsAccepted = SERVICE_ACCEPT_STOP;
        SetServiceStatus(s->handle, &s->status);
        while (!s->stop)
            pthread_cond_wait(&s->cond, &s->lock);
    }
    final = s->status;
    pthread_mutex_unlock(&s->lock);
    return final;
}

/* Reports STOPPED (with err, an errno, as the service-specific exit code
 * when not 0), then tears s down. */
static void benchsvc_stopped(struct benchsvc *s, SERVICE_STATUS final, int err)
{
    final.dwCurrentState = SERVICE_STOPPED;
    final.dwControlsAccepted = 0;
    final.dwCheckPoint = 0;
    final.dwWaitHint = 0;
    if (err != 0) {
        /* A start that fails reports STOPPED straight from START_PENDING. */
        final.dwWin32ExitCode = ERROR_SERVICE_SPECIFIC_ERROR;
        final.dwServiceSpecificExitCode = (DWORD)err;
    }
    /* Reported without the lock: the host may run stop callbacks inside
     * this call.  After it, a handler still inside its critical section
     * is the only user of s left; wait it out before s goes away. */
    SetServiceStatus(s->handle, &final);
    pthread_mutex_lock(&s->lock);
    pthread_mutex_unlock(&s->lock);
    pthread_cond_destroy(&s->cond);
    pthread_mutex_destroy(&s->lock);
}

#endif
