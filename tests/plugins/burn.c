/*
 * burn.c - test plugin: a service that burns CPU on a second thread it
 * creates and names "worker" (not after the service), so that only the
 * host's tracking of who created a thread can attribute the CPU time.
 * RUNNING once the thread runs; accepts STOP, which ends the thread.
 */
#include <stdatomic.h>

#include "testplugin.h"

struct burn {
    struct tp_service s;
    atomic_int stop;               /* tells the burner thread to end */
};

/* Where the spinning sums go, so no compiler drops the loop. */
static volatile unsigned long burned;

static void *burner(void *p)
{
    struct burn *b = p;
    unsigned long x = 0;

    pthread_setname_np(pthread_self(), "worker");
    while (!atomic_load(&b->stop))
        for (int i = 0; i < 100000; i++)
            x += (unsigned long)i;
    burned = x;
    return NULL;
}

/* STOP reports STOP_PENDING and wakes ServiceMain (tp_control).  A
 * handler that left the service RUNNING would get STOP again from scmd's
 * shutdown, and that call could still be running when ServiceMain has
 * reported STOPPED and freed b. */
static DWORD WINAPI handler(DWORD control, DWORD type, LPVOID data, LPVOID ctx)
{
    struct burn *b = ctx;

    return tp_control(&b->s, control, NULL, NULL);
}

SVCHOST_EXPORT VOID WINAPI ServiceMain(DWORD argc, LPSTR *argv)
{
    struct burn *b = calloc(1, sizeof *b);
    pthread_t t;

    (void)argc;
    if (b == NULL)
        return;
    tp_service_init(&b->s, argv[0], SERVICE_ACCEPT_STOP);
    b->s.handle = RegisterServiceCtrlHandlerExA(b->s.name, handler, b);
    if (b->s.handle == NULL || pthread_create(&t, NULL, burner, b) != 0) {
        b->s.status.dwCurrentState = SERVICE_STOPPED;
        b->s.status.dwWin32ExitCode = ERROR_SERVICE_NO_THREAD;
        if (b->s.handle)
            SetServiceStatus(b->s.handle, &b->s.status);
        tp_service_destroy(&b->s);
        free(b);
        return;
    }
    pthread_mutex_lock(&b->s.lock);
    tp_report_locked(&b->s, SERVICE_RUNNING);
    tp_wait_stop_locked(&b->s);      /* marks STOPPED, reported below */
    pthread_mutex_unlock(&b->s.lock);
    atomic_store(&b->stop, 1);
    pthread_join(t, NULL);
    /* Handlers only read the status now that it is marked stopped. */
    SetServiceStatus(b->s.handle, &b->s.status);
    tp_service_destroy(&b->s);
    free(b);
}
