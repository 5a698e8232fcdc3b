/*
 * simple.c - test plugin: a minimal well-behaved service.
 *
 * Reports START_PENDING then RUNNING, accepting STOP and PAUSE/CONTINUE.
 *   STOP         STOP_PENDING, then STOPPED (exit code 0) from ServiceMain;
 *   PAUSE        PAUSED;  CONTINUE  RUNNING;  INTERROGATE  NO_ERROR;
 *   128..255     appends "control N\n" to [Parameters] Out (if set) before
 *                the handler returns, so the file shows delivery order;
 *   other        ERROR_CALL_NOT_IMPLEMENTED.
 * With Out set it also appends "NAME started\n" just before reporting
 * RUNNING and "NAME stopped\n" just before reporting STOPPED, so several
 * services sharing one Out file record the order they started and stopped.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <svchost/svchost.h>

static const SVCHOST_GLOBALS *_Atomic globals;

struct simple {
    const char *name;              /* argv[0]: valid while ServiceMain runs */
    SERVICE_STATUS_HANDLE handle;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    SERVICE_STATUS status;
    bool stop_requested;
    bool stopped;
    char *out;
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

/* Appends one line to path with a single write(), so that services
 * sharing the file never interleave. */
static void append_line(const char *path, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void append_line(const char *path, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    int len, fd;

    if (path == NULL)
        return;
    va_start(ap, fmt);
    len = vsnprintf(line, sizeof line - 1, fmt, ap);
    va_end(ap);
    if (len < 0)
        return;
    if ((size_t)len > sizeof line - 2)
        len = (int)sizeof line - 2;
    line[len++] = '\n';
    fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0)
        return;
    (void)!write(fd, line, (size_t)len);
    close(fd);
}

static void report_locked(struct simple *s, DWORD state)
{
    s->status.dwCurrentState = state;
    s->status.dwControlsAccepted =
        state == SERVICE_RUNNING || state == SERVICE_PAUSED
            ? SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_PAUSE_CONTINUE
            : 0;
    s->status.dwCheckPoint = state == SERVICE_START_PENDING || state == SERVICE_STOP_PENDING;
    s->status.dwWaitHint = s->status.dwCheckPoint ? 2000 : 0;
    SetServiceStatus(s->handle, &s->status);
}

static DWORD WINAPI simple_handler(DWORD control, DWORD event_type, LPVOID event_data,
                                   LPVOID context)
{
    struct simple *s = context;
    DWORD rc = NO_ERROR;
    DWORD state;

    (void)event_type;
    (void)event_data;
    if (control == SERVICE_CONTROL_INTERROGATE)
        return NO_ERROR;
    pthread_mutex_lock(&s->lock);
    state = s->status.dwCurrentState;
    if (s->stopped) {
        rc = ERROR_SERVICE_NOT_ACTIVE;
    } else if (state != SERVICE_RUNNING && state != SERVICE_PAUSED) {
        rc = ERROR_SERVICE_CANNOT_ACCEPT_CTRL;
    } else if (control == SERVICE_CONTROL_STOP) {
        s->stop_requested = true;
        report_locked(s, SERVICE_STOP_PENDING);
        pthread_cond_signal(&s->cond);
    } else if (control == SERVICE_CONTROL_PAUSE) {
        if (state == SERVICE_RUNNING)
            report_locked(s, SERVICE_PAUSED);
    } else if (control == SERVICE_CONTROL_CONTINUE) {
        if (state == SERVICE_PAUSED)
            report_locked(s, SERVICE_RUNNING);
    } else if (control >= 128 && control <= 255) {
        append_line(s->out, "control %lu", (unsigned long)control);
    } else {
        rc = ERROR_CALL_NOT_IMPLEMENTED;
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

SVCHOST_EXPORT VOID WINAPI ServiceMain(DWORD argc, LPSTR *argv)
{
    struct simple s = { .name = argv[0] };
    SERVICE_STATUS final;

    (void)argc;
    pthread_mutex_init(&s.lock, NULL);
    pthread_cond_init(&s.cond, NULL);
    s.status.dwServiceType = SERVICE_WIN32_SHARE_PROCESS;
    s.handle = RegisterServiceCtrlHandlerExA(s.name, simple_handler, &s);
    if (s.handle == NULL)
        goto out;

    pthread_mutex_lock(&s.lock);
    report_locked(&s, SERVICE_START_PENDING);
    s.out = get_string(s.name, "Out");
    append_line(s.out, "%s started", s.name);
    report_locked(&s, SERVICE_RUNNING);
    while (!s.stop_requested)
        pthread_cond_wait(&s.cond, &s.lock);
    s.stopped = true;
    s.status.dwCurrentState = SERVICE_STOPPED;
    s.status.dwControlsAccepted = 0;
    s.status.dwCheckPoint = s.status.dwWaitHint = 0;
    final = s.status;
    append_line(s.out, "%s stopped", s.name);
    pthread_mutex_unlock(&s.lock);

    /* Reported without the lock, so nothing the host does on STOPPED (it
     * runs stop callbacks, say) can wait on a handler that holds it. */
    SetServiceStatus(s.handle, &final);
    /* A handler still in its critical section is done with s after this. */
    pthread_mutex_lock(&s.lock);
    pthread_mutex_unlock(&s.lock);
out:
    free(s.out);
    pthread_cond_destroy(&s.cond);
    pthread_mutex_destroy(&s.lock);
}
