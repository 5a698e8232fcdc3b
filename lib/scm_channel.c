/*
 * scm_channel.c - the dispatcher's controller in a process scmd started:
 * the service side of the host channel (see docs/protocol.md).
 *
 * scmd passes one end of a socketpair as the descriptor named in
 * SVCHOST_SCM_FD.  The thread that called StartServiceCtrlDispatcher reads
 * START, CONTROL, QUERY and EXIT requests from it and dispatches them by
 * the table at the end of this file; service threads write STATUS frames
 * and control replies, one frame at a time under send_lock.
 *
 * A control for a service with nothing else queued runs on the reading
 * thread itself, so that its round trip wakes no other thread.  A timer
 * armed meanwhile sees to it that a handler that does not return blocks
 * only its own service: after TAKEOVER_MS the watchdog thread takes over
 * the reading, and the thread that ran the handler stops reading once it
 * returns (see "Who reads").
 */
#include "scm_channel.h"
#include "dispatcher.h"
#include "log.h"
#include "paths.h"
#include "proto.h"
#include "threads.h"
#include "win32.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define MAIN_GRACE_MS 2000

/* Rejoin attempts start this often and back off to REJOIN_MAX_MS. */
#define REJOIN_FIRST_MS 20
#define REJOIN_MAX_MS 500

static struct {
    int fd;                 /* -1 while the SCM is away */
    struct svc_dispatcher *d;
    char **scm_names;       /* per entry: the name the SCM started it as */
    size_t n_names;
    char *secret;           /* SVCHOST_HOST_SECRET: proves this host to a new scmd */
    char *root;             /* SVCHOST_ROOT: where its host socket is */
    pthread_mutex_t send_lock;
    struct svc_frame_reader in;   /* chan.fd's, used by the reader only */
} chan = { .fd = -1, .send_lock = PTHREAD_MUTEX_INITIALIZER };

/* Sends the payload built in w (if building it did not fail) and frees w.
 * While the SCM is away nothing is sent: what the services report then
 * reaches the next scmd in the rejoin message. */
static void send_locked(uint16_t type, uint32_t id, struct svc_wbuf *w)
{
    pthread_mutex_lock(&chan.send_lock);
    if (w->err != 0)
        log_warnx("channel to the SCM: message %u not sent: %s", type, strerror(-w->err));
    else if (chan.fd >= 0 && svc_frame_send(chan.fd, type, id, w) < 0)
        log_warnx("lost the channel to the SCM");
    pthread_mutex_unlock(&chan.send_lock);
    svc_wbuf_free(w);
}

static void send_status(const char *name, const SERVICE_STATUS *st)
{
    struct svc_wbuf w;

    svc_wbuf_init(&w);
    svc_msg_host_status_pack(&w, name, st);
    send_locked(SVC_MSG_HOST_STATUS, 0, &w);
}

static void send_reply(uint32_t id, DWORD err)
{
    struct svc_wbuf w;

    svc_wbuf_init(&w);
    svc_msg_reply_pack(&w, err);
    send_locked(SVC_MSG_REPLY, id, &w);
}

/* The name entry i is known by to the SCM; send_lock held. */
static const char *scm_name_locked(size_t i)
{
    return i < chan.n_names && chan.scm_names[i] ? chan.scm_names[i] : svc_dispatch_name(chan.d, i);
}

static void on_status(void *arg, size_t i, const SERVICE_STATUS *st)
{
    struct svc_wbuf w;

    (void)arg;
    /* Packed under the lock: the name may be replaced meanwhile. */
    svc_wbuf_init(&w);
    pthread_mutex_lock(&chan.send_lock);
    svc_msg_host_status_pack(&w, scm_name_locked(i), st);
    pthread_mutex_unlock(&chan.send_lock);
    send_locked(SVC_MSG_HOST_STATUS, 0, &w);
}

static void on_control_done(void *arg, size_t i, DWORD control, DWORD result, uint64_t tag)
{
    (void)arg;
    (void)i;
    (void)control;
    send_reply((uint32_t)tag, result);
}

static const struct svc_dispatch_ops channel_ops = {
    .status = on_status,
    .control_done = on_control_done,
};

/* Makes room for entry i in scm_names.  0 or -ENOMEM. */
static int names_reserve(size_t i)
{
    int rc = 0;

    pthread_mutex_lock(&chan.send_lock);
    if (i >= chan.n_names) {
        char **grown = realloc(chan.scm_names, (i + 1) * sizeof *grown);

        if (grown == NULL) {
            rc = -ENOMEM;
        } else {
            for (size_t k = chan.n_names; k <= i; k++)
                grown[k] = NULL;
            chan.scm_names = grown;
            chan.n_names = i + 1;
        }
    }
    pthread_mutex_unlock(&chan.send_lock);
    return rc;
}

/* The table index for a START: the entry of that name; else a new entry
 * if the host accepts the service (one installed in its group since it
 * started); else, for a program with a single entry, that entry, since
 * Windows ignores the name for own-process services.  -1 if none. */
static long find_or_add(const char *name)
{
    long i = svc_dispatch_find(chan.d, name);
    LPSERVICE_MAIN_FUNCTIONA main;

    if (i >= 0)
        return i;
    if ((main = svc_dispatcher_resolve(name)) != NULL) {
        i = svc_dispatch_add(chan.d, name, main);
        return i < 0 ? -1 : i;
    }
    return svc_dispatch_count(chan.d) == 1 ? 0 : -1;
}

/* The entry a CONTROL names, with the same one-entry rule; -1 if none. */
static long find_for_control(const char *name)
{
    long i = svc_dispatch_find(chan.d, name);

    if (i < 0 && svc_dispatch_count(chan.d) == 1)
        i = 0;
    return i;
}

int svc_scm_channel_log(const char *service, unsigned level, const char *text)
{
    struct svc_wbuf w;
    long i;
    int rc;

    if (service == NULL || text == NULL || level > SVC_MSG_HOST_LOG_MAX_LEVEL)
        return -EINVAL;
    if (chan.d == NULL)
        return -ENOTCONN;
    /* Found before send_lock: the dispatcher's lock is taken before it
     * elsewhere, never after. */
    i = svc_dispatch_find(chan.d, service);
    svc_wbuf_init(&w);
    pthread_mutex_lock(&chan.send_lock);
    if (chan.fd < 0) {
        rc = -ENOTCONN;
    } else {
        /* The SCM knows the service by the name it started it as. */
        svc_msg_host_log_pack(&w, i >= 0 ? scm_name_locked((size_t)i) : service, level, text);
        rc = w.err ? w.err : svc_frame_send(chan.fd, SVC_MSG_HOST_LOG, 0, &w);
    }
    pthread_mutex_unlock(&chan.send_lock);
    svc_wbuf_free(&w);
    return rc;
}

/* ---- Requests from the SCM ---------------------------------------------- */

/* Each handler gets a payload of at least its table minimum.  It returns
 * 0 to keep reading, 1 to leave the loop (EXIT), or a negative errno for
 * a message that cannot be understood, which closes the channel as the
 * protocol requires. */

static int on_start(uint32_t id, struct svc_rbuf *r)
{
    char *name, **args;
    struct svc_start_plugin *plugin;
    SERVICE_STATUS st;
    long i;
    int argc = 0, rc;

    rc = svc_msg_host_start_unpack(r, &name, &args, &plugin);
    if (rc < 0)
        return rc;
    i = find_or_add(name);
    if (i < 0) {
        send_reply(id, ERROR_SERVICE_NOT_IN_EXE);
        goto out;
    }
    svc_dispatch_status(chan.d, (size_t)i, &st);
    if (st.dwCurrentState != SERVICE_STOPPED) {
        send_reply(id, ERROR_SERVICE_ALREADY_RUNNING);
        goto out;
    }
    /* An entry added since HELLO needs its slot for the SCM's name. */
    if (names_reserve((size_t)i) < 0) {
        send_reply(id, ERROR_NOT_ENOUGH_MEMORY);
        goto out;
    }
    while (args[argc] != NULL)
        argc++;
    /* A process serves the services of one SCM: the first name an entry
     * is started as is the one it keeps.  Without memory for the copy the
     * entry keeps its table name, which the SCM matched case-insensitively. */
    pthread_mutex_lock(&chan.send_lock);
    if (chan.scm_names[i] == NULL)
        chan.scm_names[i] = strdup(name);
    pthread_mutex_unlock(&chan.send_lock);
    /* The answer goes first: the SCM sees the start accepted before any
     * status the new ServiceMain reports. */
    send_reply(id, NO_ERROR);
    /* ServiceMain's argv[0] is the name the SCM started it as (Windows
     * passes the installed name, whatever the table says). */
    rc = svc_dispatch_start_as(chan.d, (size_t)i, name, argc, (const char *const *)args, plugin);
    plugin = NULL;
    if (rc < 0) {
        memset(&st, 0, sizeof st);
        st.dwServiceType = SERVICE_WIN32_SHARE_PROCESS;
        st.dwCurrentState = SERVICE_STOPPED;
        st.dwWin32ExitCode = svc_dispatch_error(rc);
        send_status(name, &st);
    }
out:
    svc_start_plugin_free(plugin);
    free(name);
    svc_strv_free(args);
    return 0;
}

/* ---- Who reads ------------------------------------------------------------- */

/* One thread reads the channel at a time: at first the one that called
 * StartServiceCtrlDispatcher.  While it runs a handler (run_here), a
 * timer on CLOCK_MONOTONIC is armed; when it fires, the watchdog thread
 * (which only ever waits for that timer's signal) becomes the reader and
 * a new watchdog is made.  The generation tells a reader whether it still
 * is one.  When the reading ends (EXIT, or the SCM gone for good), the
 * reader says so to whoever waits in svc_scm_channel_run. */
#define TAKEOVER_MS 20
#define HANDED_OVER 2   /* a request handler's result: stop reading */

static struct {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    unsigned gen;           /* which generation of reader reads (from 1) */
    unsigned handler_gen;   /* the reader in a handler, timer armed; 0: none */
    int ended;              /* the reading has ended */
    int first_waits;        /* the first reader waits in svc_scm_channel_run */
    int first_abandoned;    /* ...and is in a handler still: the process ends without it */
    int have_timer;
    timer_t timer;
    int armed;              /* the timer will fire (it is not disarmed after each handler) */
    uint64_t handler_since; /* CLOCK_MONOTONIC ns when the handler of handler_gen began */
    int signo;
    pid_t watchdog_tid;     /* 0: none yet */
} role = { .lock = PTHREAD_MUTEX_INITIALIZER, .changed = PTHREAD_COND_INITIALIZER, .gen = 1 };

static uint64_t now_ns(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* The generation this thread reads as: 1 for the first reader. */
static _Thread_local unsigned reader_gen = 1;

static int read_loop(void);
static int start_watchdog(void);
static void arm_locked(unsigned ms);

/* The reading ended on a thread that took it over.  The first reader
 * normally goes on from svc_scm_channel_run (StartServiceCtrlDispatcher
 * returns); if it is still in the handler that made it give the reading
 * up, the process ends here, as it would have had that handler run on a
 * thread of its own. */
static void end_without_first(void)
{
    struct timespec until = svc_deadline(MAIN_GRACE_MS);

    pthread_mutex_lock(&role.lock);
    while (!role.first_waits &&
           pthread_cond_clockwait(&role.changed, &role.lock, CLOCK_MONOTONIC, &until) == 0)
        ;
    if (role.first_waits) {
        pthread_mutex_unlock(&role.lock);
        return;
    }
    role.first_abandoned = 1;
    pthread_mutex_unlock(&role.lock);
    log_warnx("the dispatcher's thread is still in a control's handler; the host ends");
    svc_dispatch_wait_mains(chan.d, MAIN_GRACE_MS);
    exit(EXIT_SUCCESS);
}

static void *watchdog_thread(void *arg)
{
    sigset_t set;

    (void)arg;
    sigemptyset(&set);
    sigaddset(&set, role.signo);
    pthread_mutex_lock(&role.lock);
    role.watchdog_tid = (pid_t)syscall(SYS_gettid);
    pthread_cond_broadcast(&role.changed);
    pthread_mutex_unlock(&role.lock);
    for (;;) {
        int got = sigwaitinfo(&set, NULL);

        if (got != role.signo)
            continue;
        pthread_mutex_lock(&role.lock);
        role.armed = 0;
        /* Only for a handler still running: a late signal for one that
         * returned meanwhile changes nothing (and arms nothing: an idle
         * channel is never woken). */
        if (role.handler_gen != role.gen || role.ended) {
            pthread_mutex_unlock(&role.lock);
            continue;
        }
        /* The timer was armed for an earlier handler: this one gets its
         * TAKEOVER_MS from its own start. */
        uint64_t ran = now_ns() - role.handler_since;
        if (ran < (uint64_t)TAKEOVER_MS * 1000000u) {
            arm_locked((unsigned)(TAKEOVER_MS - ran / 1000000u));
            pthread_mutex_unlock(&role.lock);
            continue;
        }
        role.handler_gen = 0;
        reader_gen = ++role.gen;
        role.watchdog_tid = 0;
        pthread_mutex_unlock(&role.lock);
        log_warnx("a control's handler has not returned in %d ms: another thread reads "
                  "the SCM's channel", TAKEOVER_MS);
        /* The next handler may hang too: a new watchdog for it. */
        if (start_watchdog() < 0)
            log_warnx("no watchdog: controls go to the services' own threads");
        if (read_loop() == 0)
            end_without_first();
        return NULL;
    }
}

/* Starts a watchdog thread and points the timer at it.  0 or -1 (then
 * controls are queued to the services' own threads, as without it). */
static int start_watchdog(void)
{
    struct sigevent ev;
    pthread_attr_t attr;
    pthread_t t;
    sigset_t set, old;
    int rc;

    /* Blocked in the thread from its start, so sigwaitinfo gets it. */
    sigemptyset(&set);
    sigaddset(&set, role.signo);
    pthread_sigmask(SIG_BLOCK, &set, &old);
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    rc = pthread_create(&t, &attr, watchdog_thread, NULL);
    pthread_attr_destroy(&attr);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0)
        return -1;
    pthread_mutex_lock(&role.lock);
    while (role.watchdog_tid == 0)
        pthread_cond_wait(&role.changed, &role.lock);
    memset(&ev, 0, sizeof ev);
    ev.sigev_notify = SIGEV_THREAD_ID;
    ev.sigev_signo = role.signo;
    ev._sigev_un._tid = role.watchdog_tid;
    if (role.have_timer) {
        timer_delete(role.timer);
        role.have_timer = 0;
    }
    role.have_timer = timer_create(CLOCK_MONOTONIC, &ev, &role.timer) == 0;
    role.armed = 0;
    rc = role.have_timer ? 0 : -1;
    pthread_mutex_unlock(&role.lock);
    return rc;
}

/* Arms the timer for ms (0: disarms it); role.lock held. */
static void arm_locked(unsigned ms)
{
    struct itimerspec it = { .it_value = { .tv_sec = ms / 1000,
                                           .tv_nsec = (long)(ms % 1000) * 1000000L } };
    role.armed = timer_settime(role.timer, 0, &it, NULL) == 0 && ms > 0;
}

/* Runs control i's handler on this thread, under the watchdog: 1 if it
 * ran, 0 if it must be queued, a negative errno; *gone set when another
 * thread took over the reading meanwhile. */
static int run_here(size_t i, DWORD control, uint32_t id, int *gone)
{
    int rc;

    *gone = 0;
    pthread_mutex_lock(&role.lock);
    if (!role.have_timer) {
        pthread_mutex_unlock(&role.lock);
        return 0;
    }
    role.handler_gen = reader_gen;
    role.handler_since = now_ns();
    /* Armed once for a run of controls, not armed and disarmed around
     * each (two system calls a control): when it fires the watchdog
     * looks at how long the handler running then has run. */
    if (!role.armed)
        arm_locked(TAKEOVER_MS);
    pthread_mutex_unlock(&role.lock);
    rc = svc_dispatch_control_here(chan.d, i, control, id);
    pthread_mutex_lock(&role.lock);
    if (role.handler_gen == reader_gen)
        role.handler_gen = 0;
    *gone = reader_gen != role.gen;
    pthread_mutex_unlock(&role.lock);
    return rc;
}

static int on_control(uint32_t id, struct svc_rbuf *r)
{
    char *name;
    DWORD control;
    long i;
    int rc, gone;

    rc = svc_msg_host_control_unpack(r, &name, &control);
    if (rc < 0)
        return rc;
    i = find_for_control(name);
    free(name);
    if (i < 0) {
        send_reply(id, ERROR_SERVICE_NOT_IN_EXE);
        return 0;
    }
    rc = run_here((size_t)i, control, id, &gone);
    if (rc < 0)
        send_reply(id, svc_dispatch_error(rc));
    if (gone)
        return HANDED_OVER;
    if (rc != 0)
        return 0;
    /* On success the handler's result is sent by on_control_done. */
    rc = svc_dispatch_control(chan.d, (size_t)i, control, id);
    if (rc < 0)
        send_reply(id, svc_dispatch_error(rc));
    return 0;
}

/* Per-service threads, CPU and attributable memory, for `sc hosts /v`. */
static int on_query(uint32_t id, struct svc_rbuf *r)
{
    struct svc_msg_usage *rows;
    struct svc_wbuf w;
    char *smaps;
    size_t n;
    int rc;

    rc = svc_msg_empty_unpack(r);
    if (rc < 0)
        return rc;
    n = svc_dispatch_count(chan.d);
    rows = calloc(n + 1, sizeof *rows);
    if (rows == NULL) {
        send_reply(id, ERROR_NOT_ENOUGH_MEMORY);
        return 0;
    }
    smaps = svc_smaps_read();
    svc_wbuf_init(&w);
    for (size_t i = 0; i < n; i++) {
        struct svc_thread_usage u;

        svc_dispatch_usage(chan.d, i, smaps, &u);
        rows[i] = (struct svc_msg_usage){
            .pid = (uint32_t)getpid(),
            .threads = u.threads,
            .cpu_us = u.cpu_ns / 1000,
            .stack_kib = (uint32_t)u.stack_rss_kib,
            .image_kib = (uint32_t)u.image_pss_kib,
        };
    }
    free(smaps);
    /* Packed under the lock, which guards the names the rows point to. */
    pthread_mutex_lock(&chan.send_lock);
    for (size_t i = 0; i < n; i++)
        rows[i].service = (char *)(uintptr_t)scm_name_locked(i);
    svc_msg_host_query_reply_pack(&w, rows, n);
    pthread_mutex_unlock(&chan.send_lock);
    free(rows);
    if (w.err == 0) {
        send_locked(SVC_MSG_REPLY, id, &w);
    } else {
        /* Out of memory, or a table too large for one frame: the SCM
         * still gets an answer to its request. */
        DWORD err = svc_errno_to_win32(w.err);

        svc_wbuf_free(&w);
        send_reply(id, err);
    }
    return 0;
}

static int on_exit_request(uint32_t id, struct svc_rbuf *r)
{
    int rc = svc_msg_empty_unpack(r);

    (void)id;
    return rc < 0 ? rc : 1;
}

/* The SCM answers a host's message to refuse it (a status for a service
 * it did not start here), and answers a rejoin: logged, nothing else to
 * do (a refused rejoin is followed by the SCM closing the connection). */
static int on_refusal(uint32_t id, struct svc_rbuf *r)
{
    DWORD err;
    int rc = svc_msg_reply_unpack(r, &err);

    (void)id;
    if (rc < 0)
        return rc;
    if (err == NO_ERROR)
        log_info("rejoined the SCM");
    else
        log_warnx("the SCM refused a message: %u (%s)", err, svc_win32_message(err));
    return 0;
}

static const struct {
    uint16_t type;
    size_t min_size;
    int (*handler)(uint32_t id, struct svc_rbuf *r);
} scm_requests[] = {
    { SVC_MSG_HOST_START, SVC_MSG_HOST_START_MIN, on_start },
    { SVC_MSG_HOST_CONTROL, SVC_MSG_HOST_CONTROL_MIN, on_control },
    { SVC_MSG_HOST_QUERY, SVC_MSG_EMPTY_MIN, on_query },
    { SVC_MSG_HOST_EXIT, SVC_MSG_EMPTY_MIN, on_exit_request },
    { SVC_MSG_REPLY, SVC_MSG_REPLY_MIN, on_refusal },
};

/* One frame from the SCM: 0 to go on, 1 to stop, or a negative errno
 * (logged here) to close the channel. */
static int dispatch(const struct svc_frame_header *h, const uint8_t *payload)
{
    struct svc_rbuf r;
    int rc = -EPROTO;

    svc_rbuf_init(&r, payload, h->length);
    for (size_t i = 0; i < sizeof scm_requests / sizeof scm_requests[0]; i++) {
        if (scm_requests[i].type != h->type)
            continue;
        /* Refused before the handler: a payload shorter than its message
         * can be, whatever its fields say. */
        rc = h->length < scm_requests[i].min_size ? -EPROTO : scm_requests[i].handler(h->id, &r);
        if (rc < 0)
            log_warnx("channel to the SCM: malformed message %u: %s", h->type, strerror(-rc));
        return rc;
    }
    log_warnx("channel to the SCM: unknown message %u", h->type);
    return rc;
}

/* Sends HELLO with the pid and the names of the table. */
static int send_hello(void)
{
    size_t n = svc_dispatch_count(chan.d);
    char **names = calloc(n + 1, sizeof *names);
    struct svc_wbuf w;

    if (names == NULL)
        return -ENOMEM;
    for (size_t i = 0; i < n; i++)
        names[i] = (char *)(uintptr_t)svc_dispatch_name(chan.d, i);
    svc_wbuf_init(&w);
    svc_msg_host_hello_pack(&w, (uint32_t)getpid(), names);
    free(names);
    if (w.err != 0) {
        int rc = w.err;

        svc_wbuf_free(&w);
        return rc;
    }
    send_locked(SVC_MSG_HOST_HELLO, 0, &w);
    return 0;
}

/* ---- Rejoining a restarted SCM ----------------------------------------------- */

/*
 * When scmd dies, its end of the channel closes.  The services keep
 * running: the host connects to ROOT/run/host.sock of whatever scmd
 * comes next and sends HOST_REJOIN with the secret it got at spawn and
 * every started service's status, then goes on as on its first channel.
 * A host with nothing running any more has nothing to keep and exits.
 */

static int any_running(void)
{
    size_t n = svc_dispatch_count(chan.d);

    for (size_t i = 0; i < n; i++) {
        SERVICE_STATUS st;
        svc_dispatch_status(chan.d, i, &st);
        if (st.dwCurrentState != SERVICE_STOPPED)
            return 1;
    }
    return 0;
}

static int connect_host_socket(void)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    char *path = svc_host_socket_path(chan.root);
    int fd;

    if (path == NULL)
        return -ENAMETOOLONG;
    strcpy(sa.sun_path, path);
    free(path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
        int rc = -errno;
        close(fd);
        return rc;
    }
    return fd;
}

/* One attempt: 0 when the rejoin went out on a new channel (the SCM's
 * answer is read like any other frame), else a negative errno. */
static int rejoin_once(void)
{
    size_t n = svc_dispatch_count(chan.d), k = 0;
    struct svc_msg_rejoin_service *v = calloc(n + 1, sizeof *v);
    char **names = calloc(n + 1, sizeof *names);
    struct svc_wbuf w;
    int fd = -1, rc = -ENOMEM;

    if (v == NULL || names == NULL)
        goto out;
    fd = connect_host_socket();
    if (fd < 0) {
        rc = fd;
        goto out;
    }
    svc_wbuf_init(&w);
    /* The names under send_lock (an entry keeps its SCM name once set),
     * the statuses outside it: SetServiceStatus takes a service's lock,
     * then send_lock. */
    pthread_mutex_lock(&chan.send_lock);
    for (size_t i = 0; i < n; i++) {
        names[i] = (char *)(uintptr_t)svc_dispatch_name(chan.d, i);
        if (i < chan.n_names && chan.scm_names[i] != NULL)
            v[k++].name = chan.scm_names[i];
    }
    pthread_mutex_unlock(&chan.send_lock);
    for (size_t i = 0, j = 0; i < n && j < k; i++)
        if (i < chan.n_names && chan.scm_names[i] == v[j].name)
            svc_dispatch_status(chan.d, i, &v[j++].status);
    pthread_mutex_lock(&chan.send_lock);
    svc_msg_host_rejoin_pack(&w, (uint32_t)getpid(), chan.secret, names, v, k);
    rc = w.err ? w.err : svc_frame_send(fd, SVC_MSG_HOST_REJOIN, 0, &w);
    if (rc == 0) {
        chan.fd = fd;
        fd = -1;
    }
    pthread_mutex_unlock(&chan.send_lock);
    svc_wbuf_free(&w);
    /* A status that changed between the snapshot and the switch was
     * reported to no channel: sent now, after the rejoin. */
    for (size_t i = 0, j = 0; rc == 0 && i < n && j < k; i++) {
        if (i < chan.n_names && chan.scm_names[i] == v[j].name) {
            SERVICE_STATUS st;
            svc_dispatch_status(chan.d, i, &st);
            if (memcmp(&st, &v[j].status, sizeof st) != 0)
                send_status(v[j].name, &st);
            j++;
        }
    }
out:
    if (fd >= 0)
        close(fd);
    free(v);
    free(names);
    return rc;
}

/* 0 once rejoined; -1 when there is nothing to rejoin for. */
static int rejoin(void)
{
    unsigned delay = REJOIN_FIRST_MS;

    pthread_mutex_lock(&chan.send_lock);
    if (chan.fd >= 0)
        close(chan.fd);
    chan.fd = -1;
    pthread_mutex_unlock(&chan.send_lock);
    if (chan.secret == NULL || chan.root == NULL)
        return -1;
    log_warnx("lost the channel to the SCM; the services keep running until one takes them");
    for (;;) {
        if (!any_running())
            return -1;
        /* A state directory that is gone has no scmd to come back. */
        if (access(chan.root, F_OK) != 0 && errno == ENOENT) {
            log_warnx("%s is gone; exiting", chan.root);
            return -1;
        }
        if (rejoin_once() == 0)
            return 0;
        usleep(delay * 1000);
        delay = delay * 2 > REJOIN_MAX_MS ? REJOIN_MAX_MS : delay * 2;
    }
}

DWORD svc_scm_channel_run(const SERVICE_TABLE_ENTRYA *table, int fd)
{
    char *secret = getenv("SVCHOST_HOST_SECRET");
    const char *root = getenv("SVCHOST_ROOT");
    int rc;

    chan.fd = fd;
    svc_frame_reader_init(&chan.in, fd);
    /* Kept for a rejoin, and out of the environment plugins see. */
    chan.secret = secret && secret[0] ? strdup(secret) : NULL;
    chan.root = root && root[0] ? strdup(root) : NULL;
    /* /proc/PID/environ shows the environment the process started with,
     * which unsetenv leaves as it was, to every process of the host's
     * account: the value is overwritten where it lies. */
    if (secret != NULL)
        memset(secret, '-', strlen(secret));
    unsetenv("SVCHOST_HOST_SECRET");
    /* Plugins' own children must not inherit the SCM's channel. */
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    unsetenv("SVCHOST_SCM_FD");
    rc = svc_dispatcher_create(table, &channel_ops, NULL, &chan.d);
    if (rc < 0)
        return svc_dispatch_error(rc);

    chan.n_names = svc_dispatch_count(chan.d);
    chan.scm_names = calloc(chan.n_names, sizeof *chan.scm_names);
    if (chan.scm_names == NULL) {
        chan.n_names = 0;
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    rc = send_hello();
    if (rc < 0)
        return svc_errno_to_win32(rc);

    role.signo = SIGRTMIN + 4;
    if (start_watchdog() < 0)
        log_warnx("no watchdog thread: controls go to the services' own threads");
    if (read_loop() == HANDED_OVER) {
        /* This thread ran a handler that took long; another read on. */
        pthread_mutex_lock(&role.lock);
        role.first_waits = !role.first_abandoned;
        pthread_cond_broadcast(&role.changed);
        /* Abandoned: the process is ending on another thread. */
        while (!role.ended || role.first_abandoned)
            pthread_cond_wait(&role.changed, &role.lock);
        pthread_mutex_unlock(&role.lock);
    }
    svc_dispatch_wait_mains(chan.d, MAIN_GRACE_MS);
    return NO_ERROR;
}

/* Reads and dispatches requests until EXIT or the SCM is gone for good
 * (0: the reading has ended, and whoever waits is told), or until
 * another thread has taken over the reading (HANDED_OVER). */
static int read_loop(void)
{
    int rc;

    for (;;) {
        struct svc_frame_header h;
        uint8_t *payload = NULL;

        /* Only the reader changes chan.fd, and reads chan.in. */
        rc = svc_frame_reader_wait(&chan.in);
        if (rc == 0)
            rc = svc_frame_reader_next(&chan.in, &h, &payload);
        if (rc < 0) {
            if (rc != -ECONNRESET)
                log_warnx("channel to the SCM: %s", strerror(-rc));
            if (rejoin() == 0) {
                svc_frame_reader_init(&chan.in, chan.fd);
                continue;
            }
            break;
        }
        rc = dispatch(&h, payload);
        free(payload);
        if (rc == HANDED_OVER)
            return HANDED_OVER;
        if (rc != 0)
            break;
    }
    pthread_mutex_lock(&role.lock);
    role.ended = 1;
    if (role.have_timer)
        arm_locked(0);
    pthread_cond_broadcast(&role.changed);
    pthread_mutex_unlock(&role.lock);
    return 0;
}

/* ---- As a controller ------------------------------------------------------ */

/* The descriptor in SVCHOST_SCM_FD if it names an open one, else -1. */
static int scm_fd(void)
{
    const char *env = getenv("SVCHOST_SCM_FD");
    char *end;
    long fd;

    if (env == NULL || env[0] == '\0')
        return -1;
    fd = strtol(env, &end, 10);
    if (*end != '\0' || fd < 0 || fd >= 65536 || fcntl((int)fd, F_GETFD) < 0)
        return -1;
    return (int)fd;
}

static int channel_selected(void)
{
    return scm_fd() >= 0;
}

static DWORD channel_run(const SERVICE_TABLE_ENTRYA *table)
{
    return svc_scm_channel_run(table, scm_fd());
}

const struct svc_controller svc_scm_channel_controller = {
    .name = "scm",
    .selected = channel_selected,
    .run = channel_run,
};
