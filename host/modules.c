/*
 * modules.c - the plugin files loaded in this host, counted by the
 * services that use them, and unloading one when a service that asks for
 * it (ServiceDllUnloadOnStop) has stopped.
 *
 * Each file is dlopen()ed once and has a count of references: one per
 * start of a service that unloads on stop, until that service has stopped
 * and its threads have ended; one for good as soon as a service that does
 * not unload has used it (Windows keeps such a DLL, and so do we: threads
 * it started may outlive ServiceMain).  At zero the file is dlclose()d,
 * so the next start maps the file as it is on disk then.
 *
 * When a service stops, the references its runs hold go to an unload
 * thread.  That thread waits, up to HOST_UNLOAD_WAIT_MS, for the last
 * thread attributed to the service to end (threads.h): the ServiceMain
 * thread (so ServiceMain has returned), its control worker (which the
 * dispatcher ends as soon as a stopped service's queue is empty, so no
 * handler call is in flight) and every thread the plugin created.  If the
 * service is started again meanwhile, or some thread is still there at
 * the deadline, the references go back to the service and are tried
 * again at its next stop; the file stays mapped, and the log says why.
 */
#include "host.h"
#include "dispatcher.h"
#include "log.h"
#include "names.h"
#include "threads.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* How long an unload waits for the stopped service's threads to end. */
#define HOST_UNLOAD_WAIT_MS 5000
/* How often, while it waits, it looks whether the service started again. */
#define HOST_UNLOAD_POLL_MS 100
/* Service names are at most 256 bytes (configuration.md). */
#define SERVICE_NAME_BYTES 256

struct host_module {
    struct host_module *next;
    char *path;                  /* as resolved from ServiceDll */
    void *dl;
    unsigned refs;
    int pinned;                  /* a service that does not unload used it */
    char pinned_by[SERVICE_NAME_BYTES + 1];
};

struct held {
    struct held *next;
    struct host_module *m;
};

/* A service that has loaded a plugin; lives as long as the host. */
struct user {
    struct user *next;
    char *name;
    struct svc_thread_owner *owner;   /* its threads (the dispatcher's owner) */
    unsigned starts;
    struct held *held;                /* references given back at its stop */
};

struct unload_job {
    struct user *u;
    struct svc_thread_owner *owner;   /* u->owner when it stopped */
    struct held *held;
    unsigned starts;                  /* u->starts when it stopped */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct host_module *modules;
static struct user *users;
static struct svc_name_map users_by_name;   /* the same users */

/* Called with lock held. */
static struct user *find_user(const char *name)
{
    return svc_name_map_get(&users_by_name, name);
}

struct host_module *host_module_load(const char *service, const char *path, const char **err)
{
    struct host_module *m;
    struct user *u;

    *err = NULL;
    pthread_mutex_lock(&lock);
    u = find_user(service);
    if (u == NULL) {
        u = calloc(1, sizeof *u);
        if (u == NULL || (u->name = strdup(service)) == NULL ||
            svc_name_map_put(&users_by_name, u->name, u) < 0) {
            if (u != NULL)
                free(u->name);
            free(u);
            pthread_mutex_unlock(&lock);
            *err = strerror(ENOMEM);
            return NULL;
        }
        u->next = users;
        users = u;
    }
    /* Runs on the service's ServiceMain thread: its owner is the
     * service's, for every run. */
    u->owner = svc_thread_owner_current();
    /* An unload still waiting for this service's threads sees that it
     * started again and leaves the file alone. */
    u->starts++;
    for (m = modules; m != NULL; m = m->next) {
        if (strcmp(m->path, path) == 0) {
            m->refs++;
            pthread_mutex_unlock(&lock);
            return m;
        }
    }
    m = calloc(1, sizeof *m);
    if (m == NULL || (m->path = strdup(path)) == NULL) {
        free(m);
        pthread_mutex_unlock(&lock);
        *err = strerror(ENOMEM);
        return NULL;
    }
    /* RTLD_NOW: a plugin with an unresolved symbol fails here, at start,
     * rather than crashing the whole host later.  RTLD_LOCAL: plugins do
     * not see each other's symbols. */
    m->dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (m->dl == NULL) {
        *err = dlerror();
        free(m->path);
        free(m);
        pthread_mutex_unlock(&lock);
        return NULL;
    }
    m->refs = 1;
    m->next = modules;
    modules = m;
    pthread_mutex_unlock(&lock);
    return m;
}

void *host_module_symbol(struct host_module *m, const char *name)
{
    return dlsym(m->dl, name);
}

/*
 * Drops one reference; at the last, closes the file and logs for `service`
 * whether it really went away.  Called with lock held: a start that wants
 * the same file waits, and then maps it afresh.
 */
static void release_locked(struct host_module *m, const char *service)
{
    struct host_module **pp;
    void *still;

    if (--m->refs > 0)
        return;
    for (pp = &modules; *pp != m; pp = &(*pp)->next)
        ;
    *pp = m->next;
    /* Two ServiceDll paths naming one file (a symlink) get one handle
     * from the loader, which counts both opens. */
    for (struct host_module *o = modules; o != NULL; o = o->next) {
        if (o->dl == m->dl) {
            if (service != NULL)
                log_msg(SVC_LOG_INFO, service, "%s stays loaded: the same file as %s", m->path, o->path);
            dlclose(m->dl);
            free(m->path);
            free(m);
            return;
        }
    }
    dlclose(m->dl);
    /* glibc keeps an object it marked NODELETE (RTLD_NODELETE, -z nodelete,
     * a C++ unique symbol): then the next start would run the old code. */
    still = dlopen(m->path, RTLD_NOW | RTLD_LOCAL | RTLD_NOLOAD);
    if (still != NULL) {
        dlclose(still);
        log_msg(SVC_LOG_WARNING, service, "%s is still mapped after dlclose (the library cannot be unloaded)",
                m->path);
    } else if (service != NULL) {
        log_msg(SVC_LOG_INFO, service, "unloaded %s", m->path);
    }
    free(m->path);
    free(m);
}

void host_module_release(struct host_module *m)
{
    pthread_mutex_lock(&lock);
    release_locked(m, NULL);
    pthread_mutex_unlock(&lock);
}

void host_module_keep(const char *service, struct host_module *m, int unload_on_stop)
{
    struct held *h = NULL;
    struct user *u;

    pthread_mutex_lock(&lock);
    u = find_user(service);
    /* Without the service's threads to wait for, it cannot unload. */
    if (unload_on_stop && u != NULL && u->owner != NULL && (h = malloc(sizeof *h)) != NULL) {
        h->m = m;
        h->next = u->held;
        u->held = h;
    } else if (!m->pinned) {
        /* This reference stays for the life of the host. */
        m->pinned = 1;
        snprintf(m->pinned_by, sizeof m->pinned_by, "%s", service);
        if (unload_on_stop)
            log_msg(SVC_LOG_WARNING, service, "%s will not be unloaded: out of memory", m->path);
    } else {
        /* Loaded for good already: one pin is enough. */
        m->refs--;
    }
    pthread_mutex_unlock(&lock);
}

/* Puts a job's references back on its service (lock held). */
static void give_back_locked(struct unload_job *job)
{
    while (job->held != NULL) {
        struct held *h = job->held;
        job->held = h->next;
        h->next = job->u->held;
        job->u->held = h;
    }
}

/* Writes into buf the names of the services other than `self` that keep
 * m loaded (lock held). */
static void users_of_locked(struct host_module *m, const struct user *self, char *buf, size_t size)
{
    size_t len = 0;

    buf[0] = '\0';
    if (m->pinned)
        len += (size_t)snprintf(buf, size, "%s", m->pinned_by);
    for (struct user *u = users; u != NULL && len < size; u = u->next) {
        if (u == self || (m->pinned && strcasecmp(u->name, m->pinned_by) == 0))
            continue;
        for (struct held *h = u->held; h != NULL; h = h->next) {
            if (h->m == m) {
                len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? ", " : "", u->name);
                break;
            }
        }
    }
}

static void *unload_thread(void *p)
{
    struct unload_job *job = p;
    struct user *u = job->u;
    uint32_t left = 0;
    unsigned waited = 0, starts;

    /* This thread was created from one of the service's threads and so
     * counts for it: it must not wait for itself. */
    svc_thread_attach(NULL);
    for (;;) {
        left = svc_thread_owner_wait_idle(job->owner, HOST_UNLOAD_POLL_MS);
        waited += HOST_UNLOAD_POLL_MS;
        pthread_mutex_lock(&lock);
        starts = u->starts;
        pthread_mutex_unlock(&lock);
        if (left == 0 || starts != job->starts || waited >= HOST_UNLOAD_WAIT_MS)
            break;
    }

    pthread_mutex_lock(&lock);
    if (u->starts != job->starts) {
        /* Started again: the new run took its own reference (to the
         * mapping still there, if it is the same file), and its stop
         * tries again with these. */
        give_back_locked(job);
        log_msg(SVC_LOG_DEBUG, u->name, "started again before its plugin was unloaded");
    } else if (left > 0) {
        for (struct held *h = job->held; h != NULL; h = h->next)
            log_msg(SVC_LOG_WARNING, u->name,
                    "not unloading %s: %u thread%s of the service still running %u ms after it stopped",
                    h->m->path, (unsigned)left, left == 1 ? "" : "s", (unsigned)HOST_UNLOAD_WAIT_MS);
        give_back_locked(job);
    } else {
        while (job->held != NULL) {
            struct held *h = job->held;
            struct host_module *m = h->m;
            job->held = h->next;
            free(h);
            if (m->refs > 1) {
                char others[512];
                users_of_locked(m, u, others, sizeof others);
                /* The other reference may also be this service's own
                 * (given back by an earlier stop), released below. */
                if (others[0] != '\0')
                    log_msg(SVC_LOG_INFO, u->name, "%s stays loaded: also used by %s", m->path, others);
            }
            release_locked(m, u->name);
        }
    }
    pthread_mutex_unlock(&lock);
    free(job);
    return NULL;
}

void host_module_stopped(const char *service)
{
    struct unload_job *job;
    struct user *u;
    int rc;

    pthread_mutex_lock(&lock);
    u = find_user(service);
    if (u == NULL || u->held == NULL) {
        pthread_mutex_unlock(&lock);
        return;
    }
    job = malloc(sizeof *job);
    if (job == NULL) {
        pthread_mutex_unlock(&lock);
        log_msg(SVC_LOG_WARNING, service, "out of memory: its plugin stays loaded until its next stop");
        return;
    }
    job->u = u;
    job->owner = u->owner;
    job->held = u->held;
    job->starts = u->starts;
    u->held = NULL;
    pthread_mutex_unlock(&lock);

    /* The stop is reported on one of the service's own threads, which
     * may be inside its handler: the wait happens elsewhere. */
    rc = svc_spawn_thread(unload_thread, job, "svchost/unload");
    if (rc < 0) {
        log_msg(SVC_LOG_WARNING, service, "no thread to unload its plugin: %s; it stays loaded until its next stop",
                strerror(-rc));
        pthread_mutex_lock(&lock);
        give_back_locked(job);
        pthread_mutex_unlock(&lock);
        free(job);
    }
}
