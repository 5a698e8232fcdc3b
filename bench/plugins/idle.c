/*
 * idle.c - benchmark plugin: the smallest correct service.
 *
 * Registers its handler, reports RUNNING, sleeps on a condition variable
 * until STOP, reports STOPPED.  Accepts STOP and INTERROGATE; everything
 * else is ERROR_CALL_NOT_IMPLEMENTED.  All state lives on ServiceMain's
 * stack, so one plugin serves any number of services in one host.
 */
#include <pthread.h>
#include <stdbool.h>

#include <svchost/svchost.h>

struct idle {
    SERVICE_STATUS_HANDLE handle;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    SERVICE_STATUS status;        /* guarded by lock */
    bool stop;
};

static DWORD WINAPI idle_handler(DWORD control, DWORD type, LPVOID data, LPVOID context)
{
    struct idle *s = context;
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

SVCHOST_EXPORT VOID WINAPI ServiceMain(DWORD argc, LPSTR *argv)
{
    struct idle s = {
        .lock = PTHREAD_MUTEX_INITIALIZER,
        .cond = PTHREAD_COND_INITIALIZER,
        .status.dwServiceType = SERVICE_WIN32_SHARE_PROCESS,
    };
    SERVICE_STATUS final;

    (void)argc;
    s.handle = RegisterServiceCtrlHandlerExA(argv[0], idle_handler, &s);
    if (s.handle == NULL)
        return;

    pthread_mutex_lock(&s.lock);
    s.status.dwCurrentState = SERVICE_RUNNING;
    s.status.dwControlsAccepted = SERVICE_ACCEPT_STOP;
    SetServiceStatus(s.handle, &s.status);
    while (!s.stop)
        pthread_cond_wait(&s.cond, &s.lock);
    final = s.status;
    pthread_mutex_unlock(&s.lock);

    final.dwCurrentState = SERVICE_STOPPED;
    final.dwCheckPoint = 0;
    final.dwWaitHint = 0;
    /* Reported without the lock: the host may run stop callbacks inside
     * this call.  After it, a handler still inside its critical section
     * is the only user of s left; wait it out before s goes away. */
    SetServiceStatus(s.handle, &final);
    pthread_mutex_lock(&s.lock);
    pthread_mutex_unlock(&s.lock);
    pthread_cond_destroy(&s.cond);
    pthread_mutex_destroy(&s.lock);
}
