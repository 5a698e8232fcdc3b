/*
 * dispatcher.c - StartServiceCtrlDispatcher, RegisterServiceCtrlHandler(Ex)
 * and SetServiceStatus, over one dispatcher per process.
 *
 * Threads: each started service runs its ServiceMain on a thread of its
 * own.  Controls for a service go into that service's queue; a worker
 * thread of that service delivers them to its handler one at a time, in
 * order, and exits after WORKER_LINGER_MS without work, or as soon as its
 * service has stopped and its queue is empty.  Windows delivers
 * every control of a process on the one dispatcher thread, so one hung
 * handler blocks every service of a svchost; here it blocks only its own.
 * A control for a service with nothing queued or running may instead run
 * on the caller's thread (svc_dispatch_control_here), sparing the wake-up
 * of a worker: the caller sees to it that a hung handler there blocks
 * nothing else (scm_channel.c hands its reading to another thread).
 */
#include "dispatcher.h"
#include "impersonate.h"
#include "log.h"
#include "names.h"
#include "proto.h"
#include "threads.h"
#include "win32.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define WORKER_LINGER_MS 2000

struct ctl_item {
    struct ctl_item *next;
    DWORD control;
    uint64_t tag;
};

struct svc_service {
    struct svc_dispatcher *d;
    size_t index;
    char *name;
    LPSERVICE_MAIN_FUNCTIONA main;

    pthread_mutex_t lock;
    pthread_cond_t work;          /* the worker waits here for controls */
    SERVICE_STATUS status;
    int registered;               /* a handler is registered (until STOPPED) */
    LPHANDLER_FUNCTION_EX handler_ex;
    LPHANDLER_FUNCTION handler;
    void *context;
    struct ctl_item *head, *tail;
    int worker;                   /* a worker thread exists */
    int busy;                     /* a handler runs: the worker's, or one run here */
    unsigned run;                 /* counts starts: tells runs apart */
    struct svc_thread_owner *owner;  /* its threads and their CPU time */
};

struct svc_dispatcher {
    /* Slots are allocated one by one and never move; a service's index
     * in the array (plus one) is its SERVICE_STATUS_HANDLE.  The array of
     * pointers may grow (svc_dispatch_add) under `lock`. */
    struct svc_service **slots;
    size_t n, cap;
    struct svc_name_map by_name;   /* name -> its slot, under `lock` */
    const struct svc_dispatch_ops *ops;
    void *arg;

    pthread_mutex_t lock;
    pthread_cond_t mains_done;
    size_t mains_running;
};

struct main_start {
    struct svc_service *svc;
    unsigned run;
    int argc;
    char **argv;
    struct svc_start_plugin *plugin;   /* what the SCM sent with the start, or NULL */
};

static struct svc_dispatcher *the_dispatcher;
/* The service whose ServiceMain runs on this thread, if any. */
static _Thread_local struct svc_service *this_main;
static _Thread_local const struct svc_start_plugin *this_plugin;
static svc_stop_hook stop_hook;
static svc_resolver resolver;

void svc_dispatcher_set_stop_hook(svc_stop_hook hook)
{
    stop_hook = hook;
}

void svc_dispatcher_set_resolver(svc_resolver fn)
{
    resolver = fn;
}

LPSERVICE_MAIN_FUNCTIONA svc_dispatcher_resolve(const char *name)
{
    return resolver ? resolver(name) : NULL;
}

/* A condition variable whose timed waits take CLOCK_MONOTONIC deadlines
 * (svc_deadline, threads.h): one of the default clock would take them for
 * CLOCK_REALTIME times long past and time out at once. */
static void cond_init_monotonic(pthread_cond_t *c)
{
    pthread_condattr_t attr;

    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(c, &attr);
    pthread_condattr_destroy(&attr);
}

static struct svc_service *slot(struct svc_dispatcher *d, size_t i)
{
    pthread_mutex_lock(&d->lock);
    struct svc_service *s = i < d->n ? d->slots[i] : NULL;
    pthread_mutex_unlock(&d->lock);
    return s;
}

static struct svc_service *service_new(struct svc_dispatcher *d, size_t index, const char *name,
                                       LPSERVICE_MAIN_FUNCTIONA main)
{
    struct svc_service *s = calloc(1, sizeof *s);
    if (s == NULL)
        return NULL;
    s->name = strdup(name);
    if (s->name == NULL) {
        free(s);
        return NULL;
    }
    s->owner = svc_thread_owner_new(name);
    if (s->owner == NULL) {
        free(s->name);
        free(s);
        return NULL;
    }
    s->d = d;
    s->index = index;
    s->main = main;
    s->status.dwCurrentState = SERVICE_STOPPED;
    pthread_mutex_init(&s->lock, NULL);
    cond_init_monotonic(&s->work);
    return s;
}

/* A service no thread ever saw (the dispatcher's failure paths). */
static void service_free(struct svc_service *s)
{
    svc_thread_owner_free(s->owner);
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->work);
    free(s->name);
    free(s);
}

long svc_dispatch_add(struct svc_dispatcher *d, const char *name, LPSERVICE_MAIN_FUNCTIONA main)
{
    long i = svc_dispatch_find(d, name);
    if (i >= 0)
        return i;
    pthread_mutex_lock(&d->lock);
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 8;
        struct svc_service **grown = realloc(d->slots, cap * sizeof *grown);
        if (grown == NULL) {
            pthread_mutex_unlock(&d->lock);
            return -ENOMEM;
        }
        d->slots = grown;
        d->cap = cap;
    }
    struct svc_service *s = service_new(d, d->n, name, main);
    if (s == NULL) {
        pthread_mutex_unlock(&d->lock);
        return -ENOMEM;
    }
    if (svc_name_map_put(&d->by_name, s->name, s) < 0) {
        pthread_mutex_unlock(&d->lock);
        service_free(s);
        return -ENOMEM;
    }
    d->slots[d->n] = s;
    i = (long)d->n++;
    pthread_mutex_unlock(&d->lock);
    return i;
}

struct spawned {
    void *(*fn)(void *);
    void *arg;
    char name[16];
};

/* The new thread names itself: one prctl, where naming it from outside
 * opens /proc/self/task/TID/comm on the creator's (the channel's) time. */
static void *spawned_thread(void *p)
{
    struct spawned sp = *(struct spawned *)p;

    free(p);
    prctl(PR_SET_NAME, sp.name, 0, 0, 0);
    return sp.fn(sp.arg);
}

int svc_spawn_thread(void *(*fn)(void *), void *arg, const char *name)
{
    pthread_attr_t attr;
    pthread_t tid;
    sigset_t all;
    struct spawned *sp;
    int rc;

    /* The name is copied first: name may belong to arg, which the new
     * thread can free before pthread_create has even returned. */
    if ((sp = malloc(sizeof *sp)) == NULL)
        return -ENOMEM;
    *sp = (struct spawned){ .fn = fn, .arg = arg };
    snprintf(sp->name, sizeof sp->name, "%s", name);
    /* Signals are the controller's business: service threads never take
     * them, so a signal handler in the controller thread always runs. */
    sigfillset(&all);
    sigdelset(&all, SIGSEGV);
    sigdelset(&all, SIGBUS);
    sigdelset(&all, SIGFPE);
    sigdelset(&all, SIGILL);
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    /* The new thread starts with this mask: the creator's stays as it is,
     * with two system calls fewer than blocking around the create. */
    pthread_attr_setsigmask_np(&attr, &all);
    rc = pthread_create(&tid, &attr, spawned_thread, sp);
    pthread_attr_destroy(&attr);
    if (rc != 0) {
        free(sp);
        return -rc;
    }
    return 0;
}

/* Frees a dispatcher that never ran anything (svc_dispatcher_create's
 * failure path): no thread refers to it yet. */
static void dispatcher_free(struct svc_dispatcher *d)
{
    for (size_t i = 0; i < d->n; i++)
        service_free(d->slots[i]);
    free(d->slots);
    svc_name_map_free(&d->by_name);
    pthread_mutex_destroy(&d->lock);
    pthread_cond_destroy(&d->mains_done);
    free(d);
}

int svc_dispatcher_exists(void)
{
    return the_dispatcher != NULL;
}

DWORD svc_dispatch_error(int rc)
{
    switch (-rc) {
    case EBUSY:
    case EALREADY:
        return ERROR_SERVICE_ALREADY_RUNNING;
    case EINVAL:
        return ERROR_INVALID_DATA;      /* a bad service table */
    case ESRCH:
        return ERROR_SERVICE_CANNOT_ACCEPT_CTRL; /* no handler registered (yet) */
    case EAGAIN:
        return ERROR_SERVICE_NO_THREAD;
    default:
        return svc_errno_to_win32(rc);
    }
}

int svc_dispatcher_create(const SERVICE_TABLE_ENTRYA *table, const struct svc_dispatch_ops *ops,
                          void *arg, struct svc_dispatcher **out)
{
    struct svc_dispatcher *d;
    size_t n = 0;

    if (the_dispatcher != NULL)
        return -EBUSY;
    if (table == NULL)
        return -EINVAL;
    while (table[n].lpServiceName != NULL) {
        if (table[n].lpServiceProc == NULL || table[n].lpServiceName[0] == '\0')
            return -EINVAL;
        n++;
    }
    if (n == 0)
        return -EINVAL;

    d = calloc(1, sizeof *d);
    if (d == NULL)
        return -ENOMEM;
    d->ops = ops;
    d->arg = arg;
    pthread_mutex_init(&d->lock, NULL);
    cond_init_monotonic(&d->mains_done);
    for (size_t i = 0; i < n; i++) {
        /* A name twice (in any case) makes the table invalid. */
        int dup = svc_dispatch_find(d, table[i].lpServiceName) >= 0;
        if (dup || svc_dispatch_add(d, table[i].lpServiceName, table[i].lpServiceProc) < 0) {
            dispatcher_free(d);
            return dup ? -EINVAL : -ENOMEM;
        }
    }
    /* From here on the dispatcher lives as long as the process. */
    the_dispatcher = d;
    *out = d;
    return 0;
}

size_t svc_dispatch_count(struct svc_dispatcher *d)
{
    pthread_mutex_lock(&d->lock);
    size_t n = d->n;
    pthread_mutex_unlock(&d->lock);
    return n;
}

const char *svc_dispatch_name(struct svc_dispatcher *d, size_t index)
{
    return slot(d, index)->name;
}

long svc_dispatch_find(struct svc_dispatcher *d, const char *name)
{
    struct svc_service *s;

    pthread_mutex_lock(&d->lock);
    s = svc_name_map_get(&d->by_name, name);
    pthread_mutex_unlock(&d->lock);
    return s != NULL ? (long)s->index : -1;
}

void svc_dispatch_status(struct svc_dispatcher *d, size_t index, SERVICE_STATUS *st)
{
    struct svc_service *s = slot(d, index);
    pthread_mutex_lock(&s->lock);
    *st = s->status;
    pthread_mutex_unlock(&s->lock);
}

/* Records a status and tells the controller; called with s->lock held.
 * Returns 1 if the service has now stopped. */
static int status_locked(struct svc_service *s, const SERVICE_STATUS *st)
{
    s->status = *st;
    if (s->d->ops && s->d->ops->status)
        s->d->ops->status(s->d->arg, s->index, st);
    if (st->dwCurrentState != SERVICE_STOPPED)
        return 0;
    /* A stopped service's handle is dead, and controls still queued for
     * it are answered, not delivered. */
    s->registered = 0;
    s->handler = NULL;
    s->handler_ex = NULL;
    s->context = NULL;
    return 1;
}

static void service_stopped(struct svc_service *s)
{
    pthread_cond_broadcast(&s->work);
    if (stop_hook != NULL)
        stop_hook(s->name);
}

static void main_start_free(struct main_start *ms)
{
    for (int i = 0; ms->argv != NULL && i < ms->argc; i++)
        free(ms->argv[i]);
    free(ms->argv);
    svc_start_plugin_free(ms->plugin);
    free(ms);
}

static void *main_thread(void *p)
{
    struct main_start *ms = p;
    struct svc_service *s = ms->svc;
    struct svc_dispatcher *d = s->d;
    int stopped = 0;

    svc_thread_attach(s->owner);
    /* argv[0] is the name the service was started as, which an
     * own-process program's table need not hold. */
    svc_impersonation_begin(s->owner, ms->argc > 0 ? ms->argv[0] : s->name);
    this_main = s;
    this_plugin = ms->plugin;
    s->main((DWORD)ms->argc, ms->argv);
    this_main = NULL;
    this_plugin = NULL;

    /*
     * Win32 lets ServiceMain return once the service runs (its handler
     * and other threads carry on).  Returning while still START_PENDING
     * leaves a service that Windows shows as "starting" until the start
     * times out; we stop it at once with ERROR_PROCESS_ABORTED instead.
     */
    pthread_mutex_lock(&s->lock);
    /* Only this run's state counts: after a quick stop and start, the
     * previous ServiceMain may return while the next run starts. */
    if (s->run == ms->run && s->status.dwCurrentState == SERVICE_START_PENDING) {
        SERVICE_STATUS st = s->status;
        log_msg(SVC_LOG_WARNING, s->name, "ServiceMain returned while START_PENDING");
        st.dwCurrentState = SERVICE_STOPPED;
        st.dwWin32ExitCode = ERROR_PROCESS_ABORTED;
        st.dwServiceSpecificExitCode = 0;
        st.dwCheckPoint = 0;
        st.dwWaitHint = 0;
        st.dwControlsAccepted = 0;
        stopped = status_locked(s, &st);
    }
    pthread_mutex_unlock(&s->lock);
    if (stopped)
        service_stopped(s);

    main_start_free(ms);

    pthread_mutex_lock(&d->lock);
    d->mains_running--;
    pthread_cond_broadcast(&d->mains_done);
    pthread_mutex_unlock(&d->lock);
    return NULL;
}

const struct svc_start_plugin *svc_dispatch_plugin(void)
{
    return this_plugin;
}

int svc_dispatch_start(struct svc_dispatcher *d, size_t index, int argc, const char *const *args)
{
    return svc_dispatch_start_as(d, index, NULL, argc, args, NULL);
}

int svc_dispatch_start_as(struct svc_dispatcher *d, size_t index, const char *as_name, int argc,
                          const char *const *args, struct svc_start_plugin *plugin)
{
    struct svc_service *s = slot(d, index);
    struct main_start *ms;
    int rc;

    ms = calloc(1, sizeof *ms);
    if (ms == NULL) {
        svc_start_plugin_free(plugin);
        return -ENOMEM;
    }
    ms->plugin = plugin;
    ms->svc = s;
    ms->argc = argc + 1;
    ms->argv = calloc((size_t)argc + 2, sizeof *ms->argv);
    if (ms->argv == NULL) {
        main_start_free(ms);
        return -ENOMEM;
    }
    ms->argv[0] = strdup(as_name ? as_name : s->name);
    for (int i = 0; i < argc; i++)
        ms->argv[i + 1] = strdup(args[i]);
    for (int i = 0; i < ms->argc; i++) {
        if (ms->argv[i] == NULL) {
            rc = -ENOMEM;
            goto fail;
        }
    }

    pthread_mutex_lock(&s->lock);
    if (s->status.dwCurrentState != SERVICE_STOPPED) {
        pthread_mutex_unlock(&s->lock);
        rc = -EALREADY;
        goto fail;
    }
    /* As the SCM does on StartService: the service is START_PENDING from
     * the moment it is asked to start. */
    memset(&s->status, 0, sizeof s->status);
    s->status.dwServiceType = SERVICE_WIN32_SHARE_PROCESS;
    s->status.dwCurrentState = SERVICE_START_PENDING;
    ms->run = ++s->run;
    pthread_mutex_unlock(&s->lock);

    pthread_mutex_lock(&d->lock);
    d->mains_running++;
    pthread_mutex_unlock(&d->lock);

    rc = svc_spawn_thread(main_thread, ms, ms->argv[0]);
    if (rc < 0) {
        pthread_mutex_lock(&d->lock);
        d->mains_running--;
        pthread_mutex_unlock(&d->lock);
        pthread_mutex_lock(&s->lock);
        s->status.dwCurrentState = SERVICE_STOPPED;
        pthread_mutex_unlock(&s->lock);
        rc = -EAGAIN;
        goto fail;
    }
    return 0;

fail:
    main_start_free(ms);
    return rc;
}

/* The handler's answer to control (live 0: the service has stopped). */
static DWORD call_handler(int live, LPHANDLER_FUNCTION_EX hex, LPHANDLER_FUNCTION h,
                          DWORD control, void *ctx)
{
    if (!live)
        return ERROR_SERVICE_NOT_ACTIVE;
    if (hex != NULL)
        return hex(control, 0, NULL, ctx);
    h(control);
    return NO_ERROR;
}

static void *worker_thread(void *p)
{
    struct svc_service *s = p;
    struct svc_dispatcher *d = s->d;

    svc_thread_attach(s->owner);
    pthread_mutex_lock(&s->lock);
    for (;;) {
        while (s->head == NULL || s->busy) {
            if (s->head != NULL) {
                /* Its control waits for the one run by the channel's
                 * thread (svc_dispatch_control_here) to end. */
                pthread_cond_wait(&s->work, &s->lock);
                continue;
            }
            /* A stopped service gets no more controls.  Ending at once
             * also tells whoever waits for the service's last thread
             * (svc_thread_owner_wait_idle: the host before it unloads a
             * plugin) that no handler call is in flight. */
            if (!s->registered) {
                s->worker = 0;
                pthread_mutex_unlock(&s->lock);
                return NULL;
            }
            struct timespec until = svc_deadline(WORKER_LINGER_MS);
            if (pthread_cond_timedwait(&s->work, &s->lock, &until) == ETIMEDOUT &&
                s->head == NULL && !s->busy) {
                s->worker = 0;
                pthread_mutex_unlock(&s->lock);
                return NULL;
            }
        }
        struct ctl_item *it = s->head;
        s->head = it->next;
        if (s->head == NULL)
            s->tail = NULL;

        LPHANDLER_FUNCTION_EX hex = s->handler_ex;
        LPHANDLER_FUNCTION h = s->handler;
        void *ctx = s->context;
        int live = s->registered;
        s->busy = 1;
        pthread_mutex_unlock(&s->lock);

        DWORD result = call_handler(live, hex, h, it->control, ctx);

        pthread_mutex_lock(&s->lock);
        s->busy = 0;
        if (d->ops && d->ops->control_done)
            d->ops->control_done(d->arg, s->index, it->control, result, it->tag);
        free(it);
    }
}

int svc_dispatch_control_here(struct svc_dispatcher *d, size_t index, DWORD control, uint64_t tag)
{
    struct svc_service *s = slot(d, index);
    struct svc_thread_owner *mine = svc_thread_owner_current();

    pthread_mutex_lock(&s->lock);
    if (!s->registered) {
        pthread_mutex_unlock(&s->lock);
        return -ESRCH;
    }
    if (s->head != NULL || s->busy) {
        pthread_mutex_unlock(&s->lock);
        return 0;   /* in order, after what waits: queue it */
    }
    LPHANDLER_FUNCTION_EX hex = s->handler_ex;
    LPHANDLER_FUNCTION h = s->handler;
    void *ctx = s->context;
    s->busy = 1;
    /* The handler runs as one of its service's threads (its CPU, its
     * privileges), and leaves nothing of its own on this thread.  Joined
     * before the lock is let go: a STOPPED reported meanwhile, and the
     * end of the service's last thread, cannot let the plugin's unload
     * (which waits for the service's threads) unmap the handler first. */
    svc_thread_attach(s->owner);
    pthread_mutex_unlock(&s->lock);

    DWORD result = call_handler(1, hex, h, control, ctx);
    svc_impersonation_drop();
    svc_thread_attach(mine);

    pthread_mutex_lock(&s->lock);
    s->busy = 0;
    if (d->ops && d->ops->control_done)
        d->ops->control_done(d->arg, s->index, control, result, tag);
    if (s->head != NULL)
        pthread_cond_signal(&s->work);
    pthread_mutex_unlock(&s->lock);
    return 1;
}

int svc_dispatch_control(struct svc_dispatcher *d, size_t index, DWORD control, uint64_t tag)
{
    struct svc_service *s = slot(d, index);
    struct ctl_item *it = calloc(1, sizeof *it);
    int rc = 0;

    if (it == NULL)
        return -ENOMEM;
    it->control = control;
    it->tag = tag;

    pthread_mutex_lock(&s->lock);
    if (!s->registered) {
        pthread_mutex_unlock(&s->lock);
        free(it);
        return -ESRCH;
    }
    if (s->tail)
        s->tail->next = it;
    else
        s->head = it;
    s->tail = it;
    if (!s->worker) {
        rc = svc_spawn_thread(worker_thread, s, s->name);
        if (rc == 0) {
            s->worker = 1;
        } else {
            /* Take the item back out: it is the last one. */
            struct ctl_item **pp = &s->head;
            while (*pp != it)
                pp = &(*pp)->next;
            *pp = NULL;
            s->tail = NULL;
            for (struct ctl_item *q = s->head; q; q = q->next)
                s->tail = q;
            free(it);
            rc = -EAGAIN;
        }
    } else {
        pthread_cond_signal(&s->work);
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

void svc_dispatch_usage(struct svc_dispatcher *d, size_t index, const char *smaps,
                        struct svc_thread_usage *out)
{
    svc_thread_usage(slot(d, index)->owner, smaps, out);
}

size_t svc_dispatch_mains_running(struct svc_dispatcher *d)
{
    pthread_mutex_lock(&d->lock);
    size_t n = d->mains_running;
    pthread_mutex_unlock(&d->lock);
    return n;
}

int svc_dispatch_wait_mains(struct svc_dispatcher *d, unsigned timeout_ms)
{
    struct timespec until = svc_deadline(timeout_ms);
    int rc = 0;

    pthread_mutex_lock(&d->lock);
    while (d->mains_running > 0 && rc == 0)
        rc = pthread_cond_timedwait(&d->mains_done, &d->lock, &until);
    pthread_mutex_unlock(&d->lock);
    return rc == 0 ? 0 : -ETIMEDOUT;
}

/* ---- Win32 entry points --------------------------------------------- */

/*
 * The service a handler is registered for.  A host of shared services
 * (one with a resolver: svchost) matches the name against its table.  In
 * an own-process program Windows does not check the name, there being one
 * service in the process (RegisterServiceCtrlHandler, lpServiceName): a
 * name of the table still picks its entry, any other name the service
 * whose ServiceMain calls, else the only entry.
 */
static struct svc_service *find_registered_target(const char *name)
{
    struct svc_dispatcher *d = the_dispatcher;
    long i;

    if (d == NULL || name == NULL)
        return NULL;
    i = svc_dispatch_find(d, name);
    if (i >= 0)
        return slot(d, (size_t)i);
    if (resolver != NULL)
        return NULL;
    if (this_main != NULL && this_main->d == d)
        return this_main;
    return svc_dispatch_count(d) == 1 ? slot(d, 0) : NULL;
}

/* A service's SERVICE_STATUS_HANDLE is its slot's index plus one: opaque
 * to the plugin, never NULL, and turned back into the slot with a bounds
 * check, without a walk of the slots or a dereference of what a plugin
 * passed. */
static SERVICE_STATUS_HANDLE handle_of(const struct svc_service *s)
{
    return (SERVICE_STATUS_HANDLE)(uintptr_t)(s->index + 1);
}

static SERVICE_STATUS_HANDLE register_handler(LPCSTR name, LPHANDLER_FUNCTION_EX hex,
                                              LPHANDLER_FUNCTION h, LPVOID ctx)
{
    struct svc_service *s;

    if (hex == NULL && h == NULL) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    s = find_registered_target(name);
    if (s == NULL) {
        SetLastError(ERROR_SERVICE_NOT_IN_EXE);
        return NULL;
    }
    pthread_mutex_lock(&s->lock);
    s->handler_ex = hex;
    s->handler = h;
    s->context = ctx;
    s->registered = 1;
    pthread_mutex_unlock(&s->lock);
    return handle_of(s);
}

SERVICE_STATUS_HANDLE WINAPI RegisterServiceCtrlHandlerExA(LPCSTR lpServiceName,
                                                           LPHANDLER_FUNCTION_EX lpHandlerProc,
                                                           LPVOID lpContext)
{
    return register_handler(lpServiceName, lpHandlerProc, NULL, lpContext);
}

SERVICE_STATUS_HANDLE WINAPI RegisterServiceCtrlHandlerA(LPCSTR lpServiceName,
                                                         LPHANDLER_FUNCTION lpHandlerProc)
{
    return register_handler(lpServiceName, NULL, lpHandlerProc, NULL);
}

/* The slot of a handle handle_of gave; anything else is refused. */
static struct svc_service *service_from_handle(SERVICE_STATUS_HANDLE h)
{
    struct svc_dispatcher *d = the_dispatcher;
    struct svc_service *found = NULL;
    uintptr_t i = (uintptr_t)h;

    if (d == NULL || i == 0)
        return NULL;
    pthread_mutex_lock(&d->lock);
    if (i - 1 < d->n)
        found = d->slots[i - 1];
    pthread_mutex_unlock(&d->lock);
    return found;
}

BOOL WINAPI SetServiceStatus(SERVICE_STATUS_HANDLE hServiceStatus, LPSERVICE_STATUS lpServiceStatus)
{
    struct svc_service *s = service_from_handle(hServiceStatus);
    int stopped;

    if (s == NULL) {
        SetLastError(ERROR_INVALID_HANDLE);
        return FALSE;
    }
    if (lpServiceStatus == NULL || lpServiceStatus->dwCurrentState < SERVICE_STOPPED ||
        lpServiceStatus->dwCurrentState > SERVICE_PAUSED) {
        SetLastError(ERROR_INVALID_DATA);
        return FALSE;
    }
    pthread_mutex_lock(&s->lock);
    if (!s->registered) {
        pthread_mutex_unlock(&s->lock);
        SetLastError(ERROR_INVALID_HANDLE);
        return FALSE;
    }
    stopped = status_locked(s, lpServiceStatus);
    pthread_mutex_unlock(&s->lock);
    if (stopped)
        service_stopped(s);
    return TRUE;
}
