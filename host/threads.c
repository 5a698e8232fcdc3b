/*
 * threads.c - svchost's pthread_create, so that a thread a plugin creates
 * is counted for the service that created it.
 *
 * The executable exports this symbol (see CMakeLists.txt), and a dynamic
 * executable's symbols come first in every lookup, so plugins (and
 * libsvc) bind to it instead of libc's.  It hands the creating thread's
 * service to the new thread, then calls the next definition: libc's, or a
 * sanitizer's interceptor in front of it.
 */
#include "threads.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

typedef int (*create_fn)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);

struct start {
    void *(*fn)(void *);
    void *arg;
    struct svc_thread_owner *owner;
};

static void *trampoline(void *p)
{
    struct start st = *(struct start *)p;
    free(p);
    svc_thread_attach(st.owner);
    return st.fn(st.arg);
}

int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*fn)(void *), void *arg);
int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*fn)(void *), void *arg)
{
    static create_fn next;
    struct svc_thread_owner *owner = svc_thread_owner_current();
    struct start *st;
    int rc;

    if (next == NULL) {
        next = (create_fn)dlsym(RTLD_NEXT, "pthread_create");
        if (next == NULL)
            return EAGAIN;
    }
    if (owner == NULL)
        return next(thread, attr, fn, arg);
    st = malloc(sizeof *st);
    if (st == NULL)
        return EAGAIN;
    st->fn = fn;
    st->arg = arg;
    st->owner = owner;
    rc = next(thread, attr, trampoline, st);
    if (rc != 0)
        free(st);
    return rc;
}
