/*
 * testsvc.h - what the test-only plugins share: one service instance's
 * state, status reporting and a stop wait.  Each plugin includes it once.
 */
#ifndef TESTSVC_H
#define TESTSVC_H

#include <svchost/svchost.h>

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct testsvc {
    char name[64];
    SERVICE_STATUS_HANDLE handle;
    SERVICE_STATUS status;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int stop;
    int paused;
};

static const SVCHOST_GLOBALS *g;

SVCHOST_EXPORT VOID WINAPI SvchostPushServiceGlobals(const SVCHOST_GLOBALS *globals)
{
    g = globals;
}

static inline struct testsvc *testsvc_new(const char *name)
{
    struct testsvc *t = calloc(1, sizeof *t);
    if (t == NULL)
        return NULL;
    snprintf(t->name, sizeof t->name, "%s", name);
    pthread_mutex_init(&t->lock, NULL);
    pthread_cond_init(&t->cond, NULL);
    t->status.dwServiceType = SERVICE_WIN32_SHARE_PROCESS;
    return t;
}

static inline void testsvc_free(struct testsvc *t)
{
    pthread_mutex_destroy(&t->lock);
    pthread_cond_destroy(&t->cond);
    free(t);
}

static inline void testsvc_report(struct testsvc *t, DWORD state, DWORD accepted, DWORD checkpoint,
                           DWORD wait_hint)
{
    t->status.dwCurrentState = state;
    t->status.dwControlsAccepted = accepted;
    t->status.dwCheckPoint = checkpoint;
    t->status.dwWaitHint = wait_hint;
    SetServiceStatus(t->handle, &t->status);
}

/* Waits until the handler asked to stop. */
static inline void testsvc_wait_stop(struct testsvc *t)
{
    pthread_mutex_lock(&t->lock);
    while (!t->stop)
        pthread_cond_wait(&t->cond, &t->lock);
    pthread_mutex_unlock(&t->lock);
}

static inline void testsvc_request_stop(struct testsvc *t)
{
    pthread_mutex_lock(&t->lock);
    t->stop = 1;
    pthread_cond_broadcast(&t->cond);
    pthread_mutex_unlock(&t->lock);
}

static inline DWORD testsvc_param(const char *name, const char *key, DWORD def)
{
    DWORD v = def;
    if (g != NULL)
        g->GetParameterDword(name, key, &v);
    return v;
}

/* Appends a line to the file named by [Parameters] Out, if set. */
static inline void testsvc_note(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline void testsvc_note(const char *name, const char *fmt, ...)
{
    char path[512];
    DWORD cb = sizeof path;
    va_list ap;
    FILE *f;

    if (g == NULL || g->GetParameter(name, "Out", path, &cb) != ERROR_SUCCESS)
        return;
    f = fopen(path, "a");
    if (f == NULL)
        return;
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    fputc('\n', f);
    fclose(f);
}

#endif
