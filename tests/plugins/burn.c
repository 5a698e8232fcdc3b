/*
 * burn.c - test plugin: a service that burns CPU on a second thread it
 * creates and names "worker" (not after the service), so that only the
 * host's tracking of who created a thread can attribute the CPU time.
 * RUNNING once the thread runs; accepts STOP, which ends the thread.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <svchost/svchost.h>

struct burn {
    SERVICE_STATUS_HANDLE handle;
    SERVICE_STATUS status;
    atomic_int stop;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int stopping;
};

static void *burner(void *p)
{
    struct burn *b = p;
    volatile unsigned long x = 0;

    pthread_setname_np(pthread_self(), "worker");
    while (!atomic_load(&b->stop))
        for (int i = 0; i < 100000; i++)
            x += (unsigned long)i;
    return NULL;
}

static DWORD WINAPI handler(DWORD control, DWORD type, LPVOID data, LPVOID ctx)
{
    struct burn *b = ctx;

    if (control == SERVICE_CONTROL_STOP) {
        pthread_mutex_lock(&b->lock);
        b->stopping = 1;
        pthread_cond_signal(&b->cond);
        pthread_mutex_unlock(&b->lock);
        return NO_ERROR;
    }
    return control == SERVICE_CONTROL_INTERROGATE ? NO_ERROR : ERROR_CALL_NOT_IMPLEMENTED;
}

SVCHOST_EXPORT VOID WINAPI ServiceMain(DWORD argc, LPSTR *argv)
{
    struct burn *b = calloc(1, sizeof *b);
    pthread_t t;

    if (b == NULL)
        return;
    pthread_mutex_init(&b->lock, NULL);
    pthread_cond_init(&b->cond, NULL);
    b->handle = RegisterServiceCtrlHandlerExA(argv[0], handler, b);
    b->status.dwServiceType = SERVICE_WIN32_SHARE_PROCESS;
    if (b->handle == NULL || pthread_create(&t, NULL, burner, b) != 0) {
        b->status.dwCurrentState = SERVICE_STOPPED;
        b->status.dwWin32ExitCode = ERROR_SERVICE_NO_THREAD;
        if (b->handle)
            SetServiceStatus(b->handle, &b->status);
        free(b);
        return;
    }
    b->status.dwCurrentState = SERVICE_RUNNING;
    b->status.dwControlsAccepted = SERVICE_ACCEPT_STOP;
    SetServiceStatus(b->handle, &b->status);

    pthread_mutex_lock(&b->lock);
    while (!b->stopping)
        pthread_cond_wait(&b->cond, &b->lock);
    pthread_mutex_unlock(&b->lock);
    atomic_store(&b->stop, 1);
    pthread_join(t, NULL);
    b->status.dwCurrentState = SERVICE_STOPPED;
    b->status.dwControlsAccepted = 0;
    SetServiceStatus(b->handle, &b->status);
    pthread_mutex_destroy(&b->lock);
    pthread_cond_destroy(&b->cond);
    free(b);
}
