/*
 * benchsvc.h - what the benchmark plugins share: a service whose state
 * lives on ServiceMain's stack, that reports RUNNING, accepts STOP and
 * INTERROGATE (everything else is ERROR_CALL_NOT_IMPLEMENTED) and sleeps
 * on an event until STOP.  Each plugin is one .c file, so everything here
 * is static.
 *
 * Written against <svchost/portable.h>, so that idle.c builds unchanged
 * as a plugin of this host, as an own-process executable (with own.c)
 * and, with mingw-w64, as a service DLL of Wine's or Windows' svchost.exe
 * (svchost-bench --versus wine).  BENCHSVC_SERVICE_TYPE is the type it
 * reports: the own-process build defines it as SERVICE_WIN32_OWN_PROCESS.
 */
#ifndef SVCHOST_BENCH_BENCHSVC_H
#define SVCHOST_BENCH_BENCHSVC_H

#include <svchost/portable.h>

#include <stdbool.h>

#ifndef BENCHSVC_SERVICE_TYPE
#define BENCHSVC_SERVICE_TYPE SERVICE_WIN32_SHARE_PROCESS
#endif

struct benchsvc {
    SERVICE_STATUS_HANDLE handle;
    SVCHOST_LOCK lock;
    SVCHOST_EVENT stopped;        /* set by STOP */
    SERVICE_STATUS status;        /* guarded by lock */
};

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
        SvchostLockAcquire(&s->lock);
        if (s->status.dwCurrentState != SERVICE_RUNNING) {
            rc = ERROR_SERVICE_CANNOT_ACCEPT_CTRL;
        } else {
            s->status.dwCurrentState = SERVICE_STOP_PENDING;
            s->status.dwControlsAccepted = 0;
            s->status.dwCheckPoint = 1;
            s->status.dwWaitHint = 2000;
            SetServiceStatus(s->handle, &s->status);
            SvchostEventSet(&s->stopped);
        }
        SvchostLockRelease(&s->lock);
        return rc;
    default:
        return ERROR_CALL_NOT_IMPLEMENTED;
    }
}

/* Sets s up and registers its handler under name; false if that
 * failed (nothing to tear down then). */
static bool benchsvc_register(struct benchsvc *s, const char *name)
{
    memset(s, 0, sizeof *s);
    s->status.dwServiceType = BENCHSVC_SERVICE_TYPE;
    s->status.dwCurrentState = SERVICE_START_PENDING;
    if (SvchostLockInit(&s->lock) != 0)
        return false;
    if (SvchostEventInit(&s->stopped) != 0) {
        SvchostLockDestroy(&s->lock);
        return false;
    }
    s->handle = RegisterServiceCtrlHandlerExA(name, benchsvc_handler, s);
    if (s->handle == NULL) {
        SvchostEventDestroy(&s->stopped);
        SvchostLockDestroy(&s->lock);
        return false;
    }
    return true;
}

/* When run, reports RUNNING and waits for STOP; either way returns the
 * status last reported, the start of the final one. */
static SERVICE_STATUS benchsvc_run(struct benchsvc *s, bool run)
{
    SERVICE_STATUS final;

    if (run) {
        SvchostLockAcquire(&s->lock);
        s->status.dwCurrentState = SERVICE_RUNNING;
        s->status.dwControlsAccepted = SERVICE_ACCEPT_STOP;
        SetServiceStatus(s->handle, &s->status);
        SvchostLockRelease(&s->lock);
        SvchostEventWait(&s->stopped, SVCHOST_INFINITE);
    }
    SvchostLockAcquire(&s->lock);
    final = s->status;
    SvchostLockRelease(&s->lock);
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
    SvchostLockAcquire(&s->lock);
    SvchostLockRelease(&s->lock);
    SvchostEventDestroy(&s->stopped);
    SvchostLockDestroy(&s->lock);
}

#endif
