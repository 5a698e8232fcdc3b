/*
 * sc_handle.c - SC_HANDLE objects and the scmd connection they share.
 *
 * A manager handle owns one connection to scmd; every service handle
 * opened through it holds a reference on the same connection, so the
 * socket closes when the manager and all its services are closed, in
 * any order.  Requests on a connection are serialized by its mutex: a
 * request is sent and its reply read before the next request goes out.
 *
 * Open handles are kept in a registry (a small hash of pointers).  A
 * handle is validated by finding it there, never by reading through the
 * pointer first, so a NULL, closed or made-up handle gives
 * ERROR_INVALID_HANDLE instead of a crash, as Windows does for handles
 * it has never issued.  The magic number is a second check, cleared
 * when a handle is freed.
 */
#include "client.h"

#include <errno.h>
#include <poll.h>
#include <time.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "paths.h"
#include "remote.h"
#include "threads.h"

#define SC_HANDLE_MAGIC 0x53434831u /* "SCH1" */
#define REGISTRY_BUCKETS 64

struct svc_conn {
    int fd;
    pthread_mutex_t lock;   /* held from sending a request to reading its reply */
    struct svc_frame_reader in;   /* fd's replies, under lock */
    uint32_t next_id;
    int broken;             /* a failed exchange left the stream out of step */
    unsigned refs;          /* under registry_lock */
    struct svc_remote remote; /* the ssh child; pid 0 for the local socket */
};

/* One lock for the registry and every reference count: handles are few
 * and these sections are a few instructions long. */
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static struct SC_HANDLE__ *registry[REGISTRY_BUCKETS];

/* ---- Access rights --------------------------------------------------- */

/* STANDARD_RIGHTS_READ, _WRITE and _EXECUTE are all READ_CONTROL. */
DWORD svc_map_manager_access(DWORD a)
{
    DWORD out = a & ~(DWORD)(GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE | GENERIC_ALL);

    if (a & GENERIC_READ)
        out |= READ_CONTROL | SC_MANAGER_ENUMERATE_SERVICE | SC_MANAGER_QUERY_LOCK_STATUS;
    if (a & GENERIC_WRITE)
        out |= READ_CONTROL | SC_MANAGER_CREATE_SERVICE | SC_MANAGER_MODIFY_BOOT_CONFIG;
    if (a & GENERIC_EXECUTE)
        out |= READ_CONTROL | SC_MANAGER_CONNECT | SC_MANAGER_LOCK;
    if (a & GENERIC_ALL)
        out |= SC_MANAGER_ALL_ACCESS;
    return out;
}

DWORD svc_map_service_access(DWORD a)
{
    DWORD out = a & ~(DWORD)(GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE | GENERIC_ALL);

    if (a & GENERIC_READ)
        out |= READ_CONTROL | SERVICE_QUERY_CONFIG | SERVICE_QUERY_STATUS |
               SERVICE_INTERROGATE | SERVICE_ENUMERATE_DEPENDENTS;
    if (a & GENERIC_WRITE)
        out |= READ_CONTROL | SERVICE_CHANGE_CONFIG;
    if (a & GENERIC_EXECUTE)
        out |= READ_CONTROL | SERVICE_START | SERVICE_STOP | SERVICE_PAUSE_CONTINUE |
               SERVICE_USER_DEFINED_CONTROL;
    if (a & GENERIC_ALL)
        out |= SERVICE_ALL_ACCESS;
    return out;
}

/* ---- Connection ------------------------------------------------------- */

/* A connected socket to this machine's scmd, or -errno. */
static int connect_local(void)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    char *path;
    int fd, rc;

    path = svc_scm_socket_path(svc_default_root());
    if (path == NULL)
        return -ENAMETOOLONG;
    strcpy(sa.sun_path, path); /* svc_scm_socket_path checked the length */
    free(path);

    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    do
        rc = connect(fd, (struct sockaddr *)&sa, sizeof sa);
    while (rc < 0 && errno == EINTR);
    if (rc < 0) {
        rc = -errno;
        close(fd);
        return rc;
    }
    return fd;
}

int svc_conn_open(const char *machine, struct svc_conn **out)
{
    struct svc_conn *c;
    int fd;

    *out = NULL;
    c = calloc(1, sizeof *c);
    if (c == NULL)
        return -ENOMEM;
    c->remote.errfd = -1;
    if (machine != NULL) {
        int rc = svc_remote_start(machine, &c->remote, &fd);

        if (rc < 0) {
            free(c);
            return rc;
        }
    } else if ((fd = connect_local()) < 0) {
        free(c);
        return fd;
    }
    c->fd = fd;
    svc_frame_reader_init(&c->in, fd);
    c->refs = 1;
    pthread_mutex_init(&c->lock, NULL);
    *out = c;
    return 0;
}

int svc_conn_first_error(struct svc_conn *c, int rc)
{
    if (c->remote.host == NULL || (rc != -EPIPE && rc != -EPROTO && rc != -EMSGSIZE))
        return rc;
    return (int)svc_remote_failed(&c->remote, rc);
}

void svc_conn_ref(struct svc_conn *c)
{
    pthread_mutex_lock(&registry_lock);
    c->refs++;
    pthread_mutex_unlock(&registry_lock);
}

void svc_conn_unref(struct svc_conn *c)
{
    unsigned left;

    if (c == NULL)
        return;
    pthread_mutex_lock(&registry_lock);
    left = --c->refs;
    pthread_mutex_unlock(&registry_lock);
    if (left != 0)
        return;
    close(c->fd);
    if (c->remote.host != NULL)
        svc_remote_end(&c->remote); /* ssh reads the end of its input */
    pthread_mutex_destroy(&c->lock);
    free(c);
}

/* Called with c->lock held after a failed exchange.  Shutting the socket
 * down tells scmd at once; the descriptor itself is closed with the last
 * reference, so it cannot be reused under another thread's feet. */
static void conn_break(struct svc_conn *c)
{
    if (!c->broken) {
        c->broken = 1;
        shutdown(c->fd, SHUT_RDWR);
    }
}

/* The result of a failed send or receive: the stream is gone (-EPIPE)
 * unless what arrived was malformed or too big, which says more. */
static int transport_error(int rc)
{
    switch (rc) {
    case -EPROTO:
    case -EMSGSIZE:
    case -ENOMEM:
        return rc;
    default:
        return -EPIPE;
    }
}

/*
 * Most replies come back within tens of microseconds.  Sleeping in read()
 * and being woken costs about as much again on a virtual CPU, so the
 * caller first polls without sleeping for up to SPIN_NS; a slower reply
 * (a start, a control whose handler takes time) is then waited for as
 * usual.  A spinning thread holds a CPU that scmd (and the host) need to
 * produce the reply: so a thread spins only when it is the one thread of
 * this process waiting for a reply, and never when the process may run on
 * one CPU only.  When many wait at once (a client with many threads),
 * they all sleep at once and leave the CPUs to scmd.  A kind of request
 * whose last reply came after the spin (a start) waits without it.
 */
#define SPIN_NS 200000

/* Whether this process may run on more than one CPU (read once). */
static int can_spin(void)
{
    static int can = -1;

    if (__atomic_load_n(&can, __ATOMIC_RELAXED) < 0)
        __atomic_store_n(&can, svc_cpu_count() > 1, __ATOMIC_RELAXED);
    return __atomic_load_n(&can, __ATOMIC_RELAXED);
}

/* Threads of this process between a request and the wait for its reply
 * (svc_conn_wait_reply to svc_conn_waited). */
static int waiting;

/* As svc_conn_wait_reply, spinning only if spin is set: 1 if the reply
 * came while it spun, 0 if the spin ended without it, -1 if it did not
 * spin (not asked to, another thread waits, or one CPU). */
static int wait_reply(int fd, int spin)
{
    struct pollfd pfd = { .fd = fd, .events = POLLIN };
    struct timespec t0, t;
    int alone = __atomic_add_fetch(&waiting, 1, __ATOMIC_RELAXED) == 1;

    if (!spin || !alone || !can_spin())
        return -1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    do {
        if (poll(&pfd, 1, 0) != 0)
            return 1;
        /* Another began to wait: leave the CPU to whoever answers. */
        if (__atomic_load_n(&waiting, __ATOMIC_RELAXED) > 1)
            return -1;
        /* Whoever answers may have been woken on this CPU: let it run. */
        sched_yield();
        clock_gettime(CLOCK_MONOTONIC, &t);
    } while ((t.tv_sec - t0.tv_sec) * 1000000000L + (t.tv_nsec - t0.tv_nsec) < SPIN_NS);
    return 0;
}

void svc_conn_wait_reply(int fd)
{
    wait_reply(fd, 1);
}

/* Requests whose reply outlasted the spin SLOW_AFTER times in a row do
 * not spin, but for one in SLOW_RETRY, to see whether they have become
 * quick; one late reply (the answering thread preempted, say) does not
 * stop the spin, or a single hiccup would cost the next SLOW_RETRY calls
 * theirs.  A start never spins: its answer is the host making the
 * service's thread, CPU work that a spinning client takes the CPU from
 * (on two CPUs, 1000 starts took 152-174 ms with the spin and 130-148 ms
 * without it, although each answer came within the spin). */
#define SLOW_AFTER 2
#define SLOW_RETRY 16
static unsigned char late[256];
static unsigned char slow_skips[256];

static int should_spin(uint16_t type)
{
    unsigned i = type & 0xffu;

    if (type == SVC_MSG_START_SERVICE)
        return 0;
    if (__atomic_load_n(&late[i], __ATOMIC_RELAXED) < SLOW_AFTER)
        return 1;
    return __atomic_add_fetch(&slow_skips[i], 1, __ATOMIC_RELAXED) % SLOW_RETRY == 0;
}

/* What a wait that spun (or did not: waited < 0) says of its kind. */
static void spun(uint16_t type, int waited)
{
    unsigned i = type & 0xffu;
    unsigned char n = __atomic_load_n(&late[i], __ATOMIC_RELAXED);

    if (waited > 0)
        __atomic_store_n(&late[i], 0, __ATOMIC_RELAXED);
    else if (waited == 0 && n < SLOW_AFTER)
        __atomic_store_n(&late[i], (unsigned char)(n + 1), __ATOMIC_RELAXED);
}

void svc_conn_waited(void)
{
    __atomic_sub_fetch(&waiting, 1, __ATOMIC_RELAXED);
}

int svc_conn_call(struct svc_conn *c, uint16_t type, const struct svc_wbuf *req,
                  struct svc_reply *rep)
{
    struct svc_frame_header h;
    uint8_t *payload = NULL;
    uint32_t id;
    DWORD err;
    int rc;

    memset(rep, 0, sizeof *rep);
    pthread_mutex_lock(&c->lock);
    if (c->broken) {
        rc = -EPIPE;
        goto out;
    }
    /* Id 0 is what unsolicited messages carry; requests start at 1. */
    if (++c->next_id == 0)
        c->next_id = 1;
    id = c->next_id;

    rc = svc_frame_send(c->fd, type, id, req);
    if (rc == 0) {
        int waited = wait_reply(c->fd, should_spin(type));

        spun(type, waited);
        /* Unless the spin saw the reply come, it is still to come. */
        rc = waited > 0 ? 0 : svc_frame_reader_wait(&c->in);
        if (rc == 0)
            rc = svc_frame_reader_next(&c->in, &h, &payload);
        svc_conn_waited();
    }
    if (rc < 0) {
        rc = transport_error(rc);
        conn_break(c);
        goto out;
    }
    /* The exchange is strictly one request, one reply: anything else
     * means the peers disagree about the stream. */
    if (h.type != SVC_MSG_REPLY || h.id != id) {
        rc = -EPROTO;
        conn_break(c);
        goto out;
    }
    svc_rbuf_init(&rep->r, payload, h.length);
    if (svc_msg_reply_head_unpack(&rep->r, &err) != 0 || err > 0x7fffffffu) {
        rc = -EPROTO;
        conn_break(c);
        goto out;
    }
    if (err != 0) {
        /* A failed request carries nothing after its error. */
        rc = svc_rbuf_end(&rep->r) == 0 ? (int)err : -EPROTO;
        if (rc < 0)
            conn_break(c);
        goto out;
    }
    rep->payload = payload;
    payload = NULL;
    rc = 0;
out:
    pthread_mutex_unlock(&c->lock);
    free(payload);
    if (rc != 0)
        memset(rep, 0, sizeof *rep);
    return rc;
}

int svc_reply_finish(struct svc_conn *c, struct svc_reply *rep)
{
    int rc = svc_rbuf_end(&rep->r);

    if (rc != 0) {
        pthread_mutex_lock(&c->lock);
        conn_break(c);
        pthread_mutex_unlock(&c->lock);
    }
    free(rep->payload);
    memset(rep, 0, sizeof *rep);
    return rc;
}

/* ---- Handles ---------------------------------------------------------- */

static size_t bucket_of(const void *p)
{
    uintptr_t v = (uintptr_t)p;

    return (size_t)((v >> 4) ^ (v >> 12)) % REGISTRY_BUCKETS;
}

/* With registry_lock held: the open handle h, or NULL.  Compares
 * addresses only. */
static struct SC_HANDLE__ *registry_find(const void *h)
{
    for (struct SC_HANDLE__ *e = registry[bucket_of(h)]; e != NULL; e = e->next)
        if (e == h)
            return e;
    return NULL;
}

static void registry_remove(struct SC_HANDLE__ *h)
{
    size_t b = bucket_of(h);

    if (h->prev != NULL)
        h->prev->next = h->next;
    else
        registry[b] = h->next;
    if (h->next != NULL)
        h->next->prev = h->prev;
    h->next = h->prev = NULL;
}

SC_HANDLE svc_handle_new(enum svc_handle_kind kind, struct svc_conn *conn, DWORD access,
                         const char *name)
{
    struct SC_HANDLE__ *h = calloc(1, sizeof *h);
    size_t b;

    if (h == NULL)
        return NULL;
    if (name != NULL && (h->name = strdup(name)) == NULL) {
        free(h);
        return NULL;
    }
    h->magic = SC_HANDLE_MAGIC;
    h->kind = kind;
    h->access = access;
    h->conn = conn;
    h->refs = 1;

    b = bucket_of(h);
    pthread_mutex_lock(&registry_lock);
    conn->refs++;
    h->next = registry[b];
    if (h->next != NULL)
        h->next->prev = h;
    registry[b] = h;
    pthread_mutex_unlock(&registry_lock);
    return h;
}

int svc_handle_get(SC_HANDLE h, enum svc_handle_kind kind)
{
    struct SC_HANDLE__ *e;
    int rc = ERROR_INVALID_HANDLE;

    if (h == NULL)
        return rc;
    pthread_mutex_lock(&registry_lock);
    e = registry_find(h);
    if (e != NULL && e->magic == SC_HANDLE_MAGIC && (kind == 0 || e->kind == kind)) {
        e->refs++;
        rc = 0;
    }
    pthread_mutex_unlock(&registry_lock);
    return rc;
}

void svc_handle_put(SC_HANDLE h)
{
    struct svc_conn *conn;
    unsigned left;

    pthread_mutex_lock(&registry_lock);
    left = --h->refs;
    pthread_mutex_unlock(&registry_lock);
    if (left != 0)
        return;
    conn = h->conn;
    h->magic = 0;
    /* scmd counts service handles: a deleted service stays until the last
     * one is closed (DeleteService).  A connection that fails here, or
     * closes, releases every handle of it on scmd's side anyway. */
    if (h->kind == SVC_HANDLE_SERVICE && h->name != NULL) {
        struct svc_wbuf w;
        struct svc_reply rep;

        svc_wbuf_init(&w);
        svc_msg_name_pack(&w, h->name);
        if (svc_conn_call(conn, SVC_MSG_CLOSE_SERVICE, &w, &rep) == 0)
            svc_reply_finish(conn, &rep);
        svc_wbuf_free(&w);
    }
    free(h->name);
    free(h);
    svc_conn_unref(conn);
}

int svc_handle_close(SC_HANDLE h)
{
    struct SC_HANDLE__ *e;

    if (h == NULL)
        return ERROR_INVALID_HANDLE;
    pthread_mutex_lock(&registry_lock);
    e = registry_find(h);
    if (e == NULL || e->magic != SC_HANDLE_MAGIC) {
        pthread_mutex_unlock(&registry_lock);
        return ERROR_INVALID_HANDLE;
    }
    registry_remove(e);
    pthread_mutex_unlock(&registry_lock);
    /* Drop the reference that being open held. */
    svc_handle_put(e);
    return 0;
}

int svc_conn_local(const struct svc_conn *c)
{
    return c->remote.pid == 0;
}

int svc_conn_local_alive(struct svc_conn *c)
{
    struct pollfd p = { .fd = c->fd, .events = 0 };

    if (!svc_conn_local(c))
        return 0;
    return poll(&p, 1, 0) == 0 || !(p.revents & (POLLHUP | POLLERR | POLLNVAL));
}
