/*
 * noentry.c - test plugin: exports no ServiceMain.
 *
 * Loaded with the default entry name its service fails with
 * ERROR_PROC_NOT_FOUND (127).  Its one export, NotServiceMain, is a
 * working service (RUNNING, accepts STOP, INTERROGATE answers NO_ERROR)
 * for testing [Parameters] ServiceMain = NotServiceMain.
 */
#include <pthread.h>
#include <stdbool.h>

#include <svchost/svchost.h>

struct noentry {
    SERVICE_STATUS_HANDLE handle;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    SERVICE_STATUS status;
    bool stop_requested;
    bool stopped;
};

static DWORD WINAPI noentry_handler(DWORD control, DWORD event_type, LPVOID event_data,
                                    LPVOID context)
{
    struct noentry *n = context;
    DWORD rc = NO_ERROR;

    (void)event_type;
    (void)event_data;
    if (control == SERVICE_CONTROL_INTERROGATE)
        return NO_ERROR;
    if (control != SERVICE_CONTROL_STOP)
        return ERROR_CALL_NOT_IMPLEMENTED;
    pthread_mutex_lock(&n->lock);
    if (n->stopped) {
        rc = ERROR_SERVICE_NOT_ACTIVE;
    } else if (n->status.dwCurrentState != SERVICE_RUNNING) {
        rc = ERROR_SERVICE_CANNOT_ACCEPT_CTRL;
    } else {
        n->stop_requested = true;
        n->status.dwCurrentState = SERVICE_STOP_PENDING;
        n->status.dwControlsAccepted = 0;
        n->status.dwCheckPoint = 1;
        n->status.dwWaitHint = 2000;
        SetServiceStatus(n->handle, &n->status);
        pthread_cond_signal(&n->cond);
    }
    pthread_mutex_unlock(&n->lock);
    return rc;
}

SVCHOST_EXPORT VOID WINAPI NotServiceMain(DWORD argc, LPSTR *argv)
{
    struct noentry n = { .status.dwServiceType = SERVICE_WIN32_SHARE_PROCESS };
    SERVICE_STATUS final;

    (void)argc;
    pthread_mutex_init(&n.lock, NULL);
    pthread_cond_init(&n.cond, NULL);
    n.handle = RegisterServiceCtrlHandlerExA(argv[0], noentry_handler, &n);
    if (n.handle == NULL)
        goto out;

    pthread_mutex_lock(&n.lock);
    n.status.dwCurrentState = SERVICE_RUNNING;
    n.status.dwControlsAccepted = SERVICE_ACCEPT_STOP;
    SetServiceStatus(n.handle, &n.status);
    while (!n.stop_requested)
        pthread_cond_wait(&n.cond, &n.lock);
    n.stopped = true;
    n.status.dwCurrentState = SERVICE_STOPPED;
    n.status.dwControlsAccepted = 0;
    n.status.dwCheckPoint = n.status.dwWaitHint = 0;
    final = n.status;
    pthread_mutex_unlock(&n.lock);

    /* Reported without the lock, so nothing the host does on STOPPED (it
     * runs stop callbacks, say) can wait on a handler that holds it. */
    SetServiceStatus(n.handle, &final);
    /* A handler still in its critical section is done with n after this. */
    pthread_mutex_lock(&n.lock);
    pthread_mutex_unlock(&n.lock);
out:
    pthread_cond_destroy(&n.cond);
    pthread_mutex_destroy(&n.lock);
}
