/*
 * hang.c - test plugin: a service whose handler never returns.
 *
 * Reports START_PENDING then RUNNING, accepting STOP only (so PAUSE is
 * refused with 1052 by whoever checks dwControlsAccepted).
 *   STOP         STOP_PENDING, then STOPPED (exit code 0) from ServiceMain,
 *                as long as it arrives before control 200;
 *   200          appends "control 200\n" to [Parameters] Out (if set), then
 *                blocks forever: every later control of this service waits
 *                behind it, and the service can no longer stop;
 *   128..255     (other) appends "control N\n" to Out, returns NO_ERROR;
 *   INTERROGATE  NO_ERROR;  other  ERROR_CALL_NOT_IMPLEMENTED.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <svchost/svchost.h>

#define HANG_CONTROL 200

static const SVCHOST_GLOBALS *_Atomic globals;

struct hang {
    const char *name;              /* argv[0]: valid while ServiceMain runs */
    SERVICE_STATUS_HANDLE handle;
    char *out;
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

/* A copy of [Parameters] key, or NULL if missing (or out of memory). */
static char *get_string(const char *service, const char *key)
{
    const SVCHOST_GLOBALS *g = globals;
    DWORD cb = 0;
    char *buf = NULL;

    if (!SVCHOST_GLOBALS_HAS(g, GetParameter))
        return NULL;
    for (;;) {   /* the value may grow between the size query and the read */
        DWORD r = g->GetParameter(service, key, buf, &cb);
        if (r == ERROR_SUCCESS && buf != NULL)
            return buf;
        free(buf);
        if (r != ERROR_MORE_DATA && r != ERROR_SUCCESS)
            return NULL;
        buf = malloc(cb ? cb : 1);
        if (buf == NULL)
            return NULL;
    }
}

static void append_control(const char *path, DWORD control)
{
    char line[32];
    int len = snprintf(line, sizeof line, "control %lu\n", (unsigned long)control);
    int fd;

    if (path == NULL)
        return;
    fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0)
        return;
    (void)!write(fd, line, (size_t)len);
    close(fd);
}

static void report_locked(struct hang *h, DWORD state)
{
    h->status.dwCurrentState = state;
    h->status.dwControlsAccepted = state == SERVICE_RUNNING ? SERVICE_ACCEPT_STOP : 0;
    h->status.dwCheckPoint = state == SERVICE_START_PENDING || state == SERVICE_STOP_PENDING;
    h->status.dwWaitHint = h->status.dwCheckPoint ? 2000 : 0;
    SetServiceStatus(h->handle, &h->status);
}

static DWORD WINAPI hang_handler(DWORD control, DWORD event_type, LPVOID event_data,
                                 LPVOID context)
{
    struct hang *h = context;
    DWORD rc = NO_ERROR;

    (void)event_type;
    (void)event_data;
    if (control == SERVICE_CONTROL_INTERROGATE)
        return NO_ERROR;
    if (control == HANG_CONTROL) {
        append_control(h->out, control);
        /* Blocks without holding the lock; signals that reach this thread
         * only bring it back here. */
        for (;;)
            pause();
    }
    pthread_mutex_lock(&h->lock);
    if (h->stopped) {
        rc = ERROR_SERVICE_NOT_ACTIVE;
    } else if (h->status.dwCurrentState != SERVICE_RUNNING) {
        rc = ERROR_SERVICE_CANNOT_ACCEPT_CTRL;
    } else if (control == SERVICE_CONTROL_STOP) {
        h->stop_requested = true;
        report_locked(h, SERVICE_STOP_PENDING);
        pthread_cond_signal(&h->cond);
    } else if (control >= 128 && control <= 255) {
        append_control(h->out, control);
    } else {
        rc = ERROR_CALL_NOT_IMPLEMENTED;
    }
    pthread_mutex_unlock(&h->lock);
    return rc;
}

SVCHOST_EXPORT VOID WINAPI ServiceMain(DWORD argc, LPSTR *argv)
{
    struct hang h = { .name = argv[0] };
    SERVICE_STATUS final;

    (void)argc;
    pthread_mutex_init(&h.lock, NULL);
    pthread_cond_init(&h.cond, NULL);
    h.status.dwServiceType = SERVICE_WIN32_SHARE_PROCESS;
    /* Read before the handler can run: it uses out without the lock. */
    h.out = get_string(h.name, "Out");
    h.handle = RegisterServiceCtrlHandlerExA(h.name, hang_handler, &h);
    if (h.handle == NULL)
        goto out;

    pthread_mutex_lock(&h.lock);
    report_locked(&h, SERVICE_START_PENDING);
    report_locked(&h, SERVICE_RUNNING);
    while (!h.stop_requested)
        pthread_cond_wait(&h.cond, &h.lock);
    h.stopped = true;
    h.status.dwCurrentState = SERVICE_STOPPED;
    h.status.dwControlsAccepted = 0;
    h.status.dwCheckPoint = h.status.dwWaitHint = 0;
    final = h.status;
    pthread_mutex_unlock(&h.lock);

    /* Reported without the lock, so nothing the host does on STOPPED (it
     * runs stop callbacks, say) can wait on a handler that holds it. */
    SetServiceStatus(h.handle, &final);
    /* A handler still in its critical section is done with h after this. */
    pthread_mutex_lock(&h.lock);
    pthread_mutex_unlock(&h.lock);
out:
    free(h.out);
    pthread_cond_destroy(&h.cond);
    pthread_mutex_destroy(&h.lock);
}
