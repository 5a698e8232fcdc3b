/*
 * testplugin.h - what the test plugins share.
 *
 * Every tests/plugins/NAME.c is built as its own shared object, so the
 * helpers are static inline: each plugin gets a private copy of what it
 * uses, and the build adds no file of its own.
 *
 * The usual service here (struct tp_service) runs in ServiceMain:
 *
 *     tp_service_init(&s, argv[0], SERVICE_ACCEPT_STOP);
 *     s.handle = RegisterServiceCtrlHandlerExA(s.name, tp_stop_handler, &s);
 *     if (s.handle == NULL)
 *         goto out;
 *     pthread_mutex_lock(&s.lock);
 *     tp_report_locked(&s, SERVICE_START_PENDING);
 *     tp_report_locked(&s, SERVICE_RUNNING);
 *     tp_run_locked(&s);              (waits for STOP, reports STOPPED)
 *   out:
 *     tp_service_destroy(&s);
 */
#ifndef SVCHOST_TESTPLUGIN_H
#define SVCHOST_TESTPLUGIN_H

#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <svchost/svchost.h>

/* ---- host globals ------------------------------------------------------ */

static const SVCHOST_GLOBALS *_Atomic tp_globals;

/* Defines the export through which the host hands over its globals; only
 * the plugins that read them use it (noentry must export NotServiceMain
 * alone). */
#define TP_EXPORT_PUSH_GLOBALS                                                   \
    SVCHOST_EXPORT VOID WINAPI SvchostPushServiceGlobals(const SVCHOST_GLOBALS *g) \
    {                                                                            \
        tp_globals = g;                                                          \
    }

/* A copy of [Parameters] key, or NULL if missing (or out of memory). */
static inline char *tp_get_string(const char *service, const char *key)
{
    const SVCHOST_GLOBALS *g = tp_globals;
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

/* [Parameters] key as a number, or def if it is missing or not one. */
static inline DWORD tp_get_dword(const char *service, const char *key, DWORD def)
{
    const SVCHOST_GLOBALS *g = tp_globals;
    DWORD v = def;

    if (SVCHOST_GLOBALS_HAS(g, GetParameterDword) &&
        g->GetParameterDword(service, key, &v) != ERROR_SUCCESS)
        v = def;
    return v;
}

/* ---- the Out file ------------------------------------------------------ */

/* Appends one line (fmt plus a newline) to path, if set, with a single
 * write(), so that services sharing the file never interleave. */
static inline void tp_append_line(const char *path, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static inline void tp_append_line(const char *path, const char *fmt, ...)
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

/* The line a user control (128..255) leaves in Out. */
static inline void tp_append_control(const char *path, DWORD control)
{
    tp_append_line(path, "control %lu", (unsigned long)control);
}

/* ---- the service ------------------------------------------------------- */

struct tp_service {
    const char *name;              /* argv[0]: valid while ServiceMain runs */
    SERVICE_STATUS_HANDLE handle;
    DWORD accepted;                /* controls accepted while RUNNING or PAUSED */
    char *out;                     /* [Parameters] Out if read; destroy frees it */
    pthread_mutex_t lock;          /* guards all below */
    pthread_cond_t cond;           /* on CLOCK_MONOTONIC, for timed waits */
    SERVICE_STATUS status;
    bool stop_requested;
    bool stopped;
};

static inline void tp_service_init(struct tp_service *s, const char *name, DWORD accepted)
{
    pthread_condattr_t ca;

    *s = (struct tp_service){ .name = name, .accepted = accepted };
    s->status.dwServiceType = SERVICE_WIN32_SHARE_PROCESS;
    pthread_mutex_init(&s->lock, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&s->cond, &ca);
    pthread_condattr_destroy(&ca);
}

static inline void tp_service_destroy(struct tp_service *s)
{
    free(s->out);
    pthread_cond_destroy(&s->cond);
    pthread_mutex_destroy(&s->lock);
}

/* Reports state with the given checkpoint and wait hint; the caller holds
 * s->lock.  FALSE when the SCM refuses it (it gave up on the service). */
static inline BOOL tp_report_hint_locked(struct tp_service *s, DWORD state, DWORD checkpoint,
                                         DWORD hint)
{
    s->status.dwCurrentState = state;
    s->status.dwControlsAccepted =
        state == SERVICE_RUNNING || state == SERVICE_PAUSED ? s->accepted : 0;
    s->status.dwCheckPoint = checkpoint;
    s->status.dwWaitHint = hint;
    return SetServiceStatus(s->handle, &s->status);
}

/* Reports state: pending states with checkpoint 1 and a 2 s wait hint. */
static inline BOOL tp_report_locked(struct tp_service *s, DWORD state)
{
    bool pending = state == SERVICE_START_PENDING || state == SERVICE_STOP_PENDING;

    return tp_report_hint_locked(s, state, pending, pending ? 2000 : 0);
}

/* Wakes the ServiceMain thread waiting for STOP; s->lock held. */
static inline void tp_signal_stop_locked(struct tp_service *s)
{
    s->stop_requested = true;
    pthread_cond_signal(&s->cond);
}

/*
 * The handler's common part (s->lock not held): INTERROGATE answers
 * NO_ERROR; any other control needs the service RUNNING (or PAUSED).
 * STOP reports STOP_PENDING and wakes ServiceMain; the rest goes to
 * other(ctx, control) under the lock, or, without other, is
 * ERROR_CALL_NOT_IMPLEMENTED whatever the state.
 */
static inline DWORD tp_control(struct tp_service *s, DWORD control,
                               DWORD (*other)(void *ctx, DWORD control), void *ctx)
{
    DWORD rc = NO_ERROR;
    DWORD state;

    if (control == SERVICE_CONTROL_INTERROGATE)
        return NO_ERROR;
    if (other == NULL && control != SERVICE_CONTROL_STOP)
        return ERROR_CALL_NOT_IMPLEMENTED;
    pthread_mutex_lock(&s->lock);
    state = s->status.dwCurrentState;
    if (s->stopped) {
        rc = ERROR_SERVICE_NOT_ACTIVE;
    } else if (state != SERVICE_RUNNING && state != SERVICE_PAUSED) {
        rc = ERROR_SERVICE_CANNOT_ACCEPT_CTRL;
    } else if (control == SERVICE_CONTROL_STOP) {
        tp_report_locked(s, SERVICE_STOP_PENDING);
        tp_signal_stop_locked(s);
    } else {
        rc = other(ctx, control);
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

/* A handler for a service that takes STOP only; context is its tp_service. */
static inline DWORD WINAPI tp_stop_handler(DWORD control, DWORD event_type, LPVOID event_data,
                                           LPVOID context)
{
    (void)event_type;
    (void)event_data;
    return tp_control(context, control, NULL, NULL);
}

/* A handler that answers INTERROGATE and nothing else. */
static inline DWORD WINAPI tp_interrogate_handler(DWORD control, DWORD event_type,
                                                  LPVOID event_data, LPVOID context)
{
    (void)event_type;
    (void)event_data;
    (void)context;
    return control == SERVICE_CONTROL_INTERROGATE ? NO_ERROR : ERROR_CALL_NOT_IMPLEMENTED;
}

/* With s->lock held: marks s stopped (exit code 0) without reporting it,
 * so handlers from now on answer ERROR_SERVICE_NOT_ACTIVE. */
static inline void tp_mark_stopped_locked(struct tp_service *s)
{
    s->stopped = true;
    s->status.dwCurrentState = SERVICE_STOPPED;
    s->status.dwControlsAccepted = 0;
    s->status.dwCheckPoint = s->status.dwWaitHint = 0;
}

/* With s->lock held: waits for STOP, then marks s stopped. */
static inline void tp_wait_stop_locked(struct tp_service *s)
{
    while (!s->stop_requested)
        pthread_cond_wait(&s->cond, &s->lock);
    tp_mark_stopped_locked(s);
}

/* Reports STOPPED (after tp_mark_stopped_locked) and releases s->lock. */
static inline void tp_report_stopped_unlock(struct tp_service *s)
{
    SERVICE_STATUS final = s->status;

    pthread_mutex_unlock(&s->lock);
    /* Reported without the lock, so nothing the host does on STOPPED (it
     * runs stop callbacks, say) can wait on a handler that holds it. */
    SetServiceStatus(s->handle, &final);
    /* A handler still in its critical section is done with s after this. */
    pthread_mutex_lock(&s->lock);
    pthread_mutex_unlock(&s->lock);
}

/* With s->lock held and RUNNING reported: serves until STOP, reports
 * STOPPED and releases the lock. */
static inline void tp_run_locked(struct tp_service *s)
{
    tp_wait_stop_locked(s);
    tp_report_stopped_unlock(s);
}

#endif
