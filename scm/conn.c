/*
 * conn.c - client connections (see conn.h).
 *
 * Clients are identified by the kernel (SO_PEERCRED), never by what they
 * say.  scmd never waits on a client: replies go through the peer's
 * bounded queue (peer.h), and a connection that cannot keep up is
 * dropped, so one user's flood costs other users nothing but the time
 * to decode it.
 */
#include "conn.h"
#include "deadline.h"
#include "peer.h"
#include "log.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

struct scm_client {
    struct scm_client *next;
    struct scm *scm;
    struct scm_peer peer;
    struct scm_caller who;
    int closing;
    int refs;                       /* waiters pointing here */
    int linked;                     /* counted in the table */
    struct conn_handle *handles;    /* the service handles it holds */
    size_t n_handles, cap_handles;
};

/* A client's handles on one service.  A client holds a handful, so a
 * small array searched in order is enough. */
struct conn_handle {
    char *name;
    unsigned count;
};

/* At most this many lines a second about the clients of one user: a
 * flood of connections or refused requests must not become a flood of
 * log lines, nor keep another user's lines out of the log.  Users beyond
 * CLIENT_LOG_USERS in one second share one budget. */
#define CLIENT_LOG_PER_SECOND 10
#define CLIENT_LOG_USERS 16

struct scm_clients {
    uv_pipe_t server;
    int listening;
    scm_request_fn *on_request;
    struct scm_client *list;
    unsigned n;
    struct scm_deadline sweep;      /* mid-frame timeouts */
    uint64_t log_second;            /* rate limit of the lines about clients: */
    struct log_budget {             /* this second's, per user (the last one for */
        uid_t uid;                  /* every user beyond the others) */
        unsigned logged, suppressed;
        int used;
    } budget[CLIENT_LOG_USERS + 1];
};

/* Requests handled per client each loop turn: one client's flood waits
 * its turn behind every other client's requests. */
#define CLIENT_FRAMES_PER_TURN 16

static void client_close(struct scm_client *c, const char *why);

static void client_vlog(struct scm *scm, uid_t uid, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

static void client_vlog(struct scm *scm, uid_t uid, const char *fmt, va_list ap)
{
    struct scm_clients *t = scm->clients;
    uint64_t now = uv_now(scm->loop) / 1000;
    struct log_budget *b = &t->budget[CLIENT_LOG_USERS];
    char line[256];

    if (now != t->log_second) {
        for (size_t i = 0; i <= CLIENT_LOG_USERS; i++) {
            if (t->budget[i].suppressed && i < CLIENT_LOG_USERS)
                log_warnx("%u more lines about clients of uid %u suppressed",
                          t->budget[i].suppressed, (unsigned)t->budget[i].uid);
            else if (t->budget[i].suppressed)
                log_warnx("%u more lines about clients of other users suppressed",
                          t->budget[i].suppressed);
            t->budget[i] = (struct log_budget){ 0 };
        }
        t->log_second = now;
    }
    for (size_t i = 0; i < CLIENT_LOG_USERS; i++)
        if (!t->budget[i].used || t->budget[i].uid == uid) {
            b = &t->budget[i];
            b->used = 1;
            b->uid = uid;
            break;
        }
    if (b->logged++ >= CLIENT_LOG_PER_SECOND) {
        b->suppressed++;
        return;
    }
    vsnprintf(line, sizeof line, fmt, ap);
    log_warnx("%s", line);
}

static void client_log(struct scm *scm, uid_t uid, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void client_log(struct scm *scm, uid_t uid, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    client_vlog(scm, uid, fmt, ap);
    va_end(ap);
}

void scm_conn_log(struct scm *scm, uid_t uid, const char *fmt, ...)
{
    va_list ap;

    if (scm->clients == NULL || scm->loop == NULL)
        return;
    va_start(ap, fmt);
    client_vlog(scm, uid, fmt, ap);
    va_end(ap);
}

/* The caller's supplementary groups, as the kernel saw them when it
 * connected (SO_PEERGROUPS, Linux 4.13).  Without them (an older kernel,
 * no memory) the caller has none and a deny ACE naming any group applies
 * to it, so that a missing group never grants more. */
static void read_groups(int fd, struct scm_caller *who)
{
    gid_t small[SCM_CALLER_MAX_GROUPS], *v = small;
    socklen_t len = sizeof small;
    size_t n;

    who->n_groups = 0;
    who->groups_truncated = 0;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, v, &len) != 0) {
        if (errno != ERANGE || (v = malloc(len)) == NULL ||
            getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, v, &len) != 0) {
            if (v != small)
                free(v);
            who->groups_truncated = 1;
            return;
        }
    }
    n = len / sizeof *v;
    if (n > SCM_CALLER_MAX_GROUPS) {
        n = SCM_CALLER_MAX_GROUPS;
        who->groups_truncated = 1;
    }
    memcpy(who->groups, v, n * sizeof *v);
    who->n_groups = (unsigned)n;
    if (v != small)
        free(v);
}

/* ---- replies ---------------------------------------------------------------- */

static void send_reply(struct scm_client *c, uint32_t id, const struct svc_wbuf *w)
{
    int rc;

    if (c->closing)
        return;
    rc = scm_peer_send(&c->peer, SVC_MSG_REPLY, id, w);
    if (rc == -ENOBUFS)
        client_close(c, "does not read its replies");
    else if (rc < 0)
        client_close(c, NULL);
}

void scm_reply_buffer(struct scm *scm, const struct scm_waiter *w, const struct svc_wbuf *b)
{
    (void)scm;
    if (w->client)
        send_reply(w->client, w->id, b);
}

void scm_reply_error(struct scm *scm, const struct scm_waiter *w, DWORD err)
{
    struct svc_wbuf b;

    if (w->client == NULL)
        return;
    svc_wbuf_init(&b);
    svc_msg_reply_pack(&b, err);
    scm_reply_buffer(scm, w, &b);
    svc_wbuf_free(&b);
}

void scm_reply_status(struct scm *scm, const struct scm_waiter *w, DWORD err,
                      const SERVICE_STATUS_PROCESS *st)
{
    struct svc_wbuf b;

    if (w->client == NULL)
        return;
    svc_wbuf_init(&b);
    if (err == NO_ERROR)
        svc_msg_status_reply_pack(&b, st);
    else
        svc_msg_reply_pack(&b, err);
    scm_reply_buffer(scm, w, &b);
    svc_wbuf_free(&b);
}

/* ---- lifetime ----------------------------------------------------------------- */

static void client_closed(void *ctx)
{
    free(ctx);
}

static void client_maybe_free(struct scm_client *c)
{
    if (c->closing && c->refs == 0)
        scm_peer_close(&c->peer);   /* client_closed frees it */
}

struct scm_waiter scm_waiter_hold(struct scm_waiter w)
{
    if (w.client)
        w.client->refs++;
    return w;
}

void scm_waiter_release(struct scm *scm, struct scm_waiter *w)
{
    struct scm_client *c = w->client;

    (void)scm;
    w->client = NULL;
    if (c == NULL)
        return;
    c->refs--;
    client_maybe_free(c);
}

static void unlink_client(struct scm_client *c)
{
    struct scm_clients *t = c->scm->clients;

    if (!c->linked)
        return;
    for (struct scm_client **pp = &t->list; *pp; pp = &(*pp)->next) {
        if (*pp == c) {
            *pp = c->next;
            break;
        }
    }
    c->linked = 0;
    t->n--;
}

/* ---- service handles ---------------------------------------------------------------- */

/* The handles are kept sorted by name (case-insensitive, as service
 * names compare), so that a client holding handles to 1,000 services
 * finds one by binary search.  The position of name, or where it would
 * go; *found whether it is there. */
static size_t handle_pos(const struct scm_client *c, const char *name, int *found)
{
    size_t lo = 0, hi = c->n_handles;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int cmp = strcasecmp(c->handles[mid].name, name);
        if (cmp == 0) {
            *found = 1;
            return mid;
        }
        if (cmp < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = 0;
    return lo;
}

static struct conn_handle *handle_find(const struct scm_client *c, const char *name)
{
    int found;
    size_t i = handle_pos(c, name, &found);

    return found ? &c->handles[i] : NULL;
}

int scm_conn_handle_open(struct scm_client *c, const char *name)
{
    int found;
    size_t i = handle_pos(c, name, &found);
    struct conn_handle *h;

    if (found) {
        h = &c->handles[i];
        if (h->count == UINT_MAX)
            return -ENOMEM;
        h->count++;
        return 0;
    }
    if (c->n_handles == c->cap_handles) {
        size_t cap = c->cap_handles ? c->cap_handles * 2 : 4;
        struct conn_handle *grown = realloc(c->handles, cap * sizeof *grown);

        if (grown == NULL)
            return -ENOMEM;
        c->handles = grown;
        c->cap_handles = cap;
    }
    char *copy = strdup(name);

    if (copy == NULL)
        return -ENOMEM;
    memmove(&c->handles[i + 1], &c->handles[i], (c->n_handles - i) * sizeof *c->handles);
    c->handles[i] = (struct conn_handle){ .name = copy, .count = 1 };
    c->n_handles++;
    return 0;
}

int scm_conn_handle_close(struct scm *scm, struct scm_client *c, const char *name)
{
    int found;
    size_t i = handle_pos(c, name, &found);

    if (!found)
        return -ENOENT;
    if (--c->handles[i].count == 0) {
        free(c->handles[i].name);
        c->n_handles--;
        memmove(&c->handles[i], &c->handles[i + 1], (c->n_handles - i) * sizeof *c->handles);
        /* A sweep walks every service: only when one waits for it. */
        if (scm->doomed > 0)
            scm->sweep_pending = 1;
    }
    return 0;
}

unsigned scm_conn_handles_on(const struct scm *scm, const char *name)
{
    unsigned n = 0;

    for (const struct scm_client *c = scm->clients ? scm->clients->list : NULL; c; c = c->next) {
        const struct conn_handle *h = handle_find(c, name);
        if (h != NULL)
            n += h->count;
    }
    return n;
}

static void handles_release(struct scm_client *c)
{
    for (size_t i = 0; i < c->n_handles; i++)
        free(c->handles[i].name);
    if (c->n_handles > 0 && c->scm->doomed > 0)
        c->scm->sweep_pending = 1;
    free(c->handles);
    c->handles = NULL;
    c->n_handles = c->cap_handles = 0;
}

static void client_close(struct scm_client *c, const char *why)
{
    if (c->closing)
        return;
    if (why != NULL)
        client_log(c->scm, c->who.uid, "client uid %u pid %d %s; connection closed", (unsigned)c->who.uid,
                   (int)c->who.pid, why);
    c->closing = 1;
    /* No more requests from it; replies still owed go nowhere.  Its
     * handles close with it (a deleted service may now go). */
    uv_read_stop((uv_stream_t *)&c->peer.pipe);
    unlink_client(c);
    handles_release(c);
    client_maybe_free(c);
}

/* ---- reading ------------------------------------------------------------------- */

static int on_frame(void *ctx, const struct svc_frame_header *h, const uint8_t *payload)
{
    struct scm_client *c = ctx;

    if (c->closing)
        return -ECANCELED;
    return c->scm->clients->on_request(c->scm, c, &c->who, h, payload);
}

static void on_error(void *ctx, int err)
{
    struct scm_client *c = ctx;
    char why[96];

    if (err == -EPIPE || err == -ECANCELED) {
        client_close(c, NULL);
        return;
    }
    snprintf(why, sizeof why, "sent a bad frame (%s)", strerror(-err));
    client_close(c, why);
}

static const struct scm_peer_ops client_peer_ops = { on_frame, on_error, client_closed };

static unsigned count_uid(const struct scm_clients *t, uid_t uid)
{
    unsigned n = 0;
    for (const struct scm_client *c = t->list; c; c = c->next)
        if (c->who.uid == uid)
            n++;
    return n;
}

static void on_connection(uv_stream_t *server, int status)
{
    struct scm *scm = server->data;
    struct scm_clients *t = scm->clients;
    struct scm_client *c;
    struct ucred cred;
    socklen_t len = sizeof cred;
    int fd;

    if (status < 0)
        return;
    c = calloc(1, sizeof *c);
    if (c == NULL || scm_peer_init(scm, &c->peer, &client_peer_ops, c,
                                   scm->set.client_queue_limit) < 0) {
        /* Accepted and dropped, so the backlog does not spin the loop. */
        uv_pipe_t drop;
        free(c);
        uv_pipe_init(scm->loop, &drop, 0);
        if (uv_accept(server, (uv_stream_t *)&drop) == 0)
            uv_close((uv_handle_t *)&drop, NULL);
        log_warnx("out of memory for a new client");
        return;
    }
    c->scm = scm;
    scm_peer_set_budget(&c->peer, CLIENT_FRAMES_PER_TURN);
    if (uv_accept(server, (uv_stream_t *)&c->peer.pipe) != 0 || (fd = scm_peer_fd(&c->peer)) < 0 ||
        getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
        c->closing = 1;
        scm_peer_close(&c->peer);
        return;
    }
    c->who.uid = cred.uid;
    c->who.pid = cred.pid;
    c->who.gid = cred.gid;
    read_groups(fd, &c->who);
    if (t->n >= scm->set.max_connections) {
        client_log(scm, cred.uid, "client uid %u pid %d refused: %u connections open (MaxConnections)",
                   (unsigned)cred.uid, (int)cred.pid, t->n);
        c->closing = 1;
        scm_peer_close(&c->peer);
        return;
    }
    /* Root and scmd's own user are held to the total only: an
     * administrator must always get in. */
    if (cred.uid != 0 && cred.uid != scm->self_uid &&
        count_uid(t, cred.uid) >= scm->set.max_connections_per_user) {
        client_log(scm, cred.uid, "client uid %u pid %d refused: the user has %u connections open "
                   "(MaxConnectionsPerUser)", (unsigned)cred.uid, (int)cred.pid,
                   scm->set.max_connections_per_user);
        c->closing = 1;
        scm_peer_close(&c->peer);
        return;
    }
    c->next = t->list;
    t->list = c;
    c->linked = 1;
    t->n++;
    if (scm_peer_start(&c->peer) < 0)
        client_close(c, "cannot be read");
}

/* The sweep looks a quarter of FrameTimeoutMs apart. */
static unsigned sweep_every_ms(const struct scm *scm)
{
    return scm->set.frame_timeout_ms / 4 ? scm->set.frame_timeout_ms / 4 : 1;
}

static void on_sweep(struct scm *scm, struct scm_deadline *d)
{
    struct scm_client *c = scm->clients->list, *next;

    for (; c; c = next) {
        next = c->next;
        if (scm_peer_partial_ms(&c->peer) > scm->set.frame_timeout_ms)
            client_close(c, "stayed in the middle of a frame past FrameTimeoutMs");
    }
    scm_deadline_start(scm, d, sweep_every_ms(scm), on_sweep);
}

int scm_conn_listen(struct scm *scm, const char *sock_path, scm_request_fn *on_request)
{
    struct scm_clients *t = calloc(1, sizeof *t);
    int rc;

    if (t == NULL)
        return -ENOMEM;
    scm->clients = t;
    t->on_request = on_request;
    uv_pipe_init(scm->loop, &t->server, 0);
    t->server.data = scm;
    t->listening = 1;
    unlink(sock_path);
    rc = uv_pipe_bind(&t->server, sock_path);
    if (rc != 0) {
        log_warnx("%s: %s", sock_path, uv_strerror(rc));
        return -EADDRINUSE;
    }
    /* Anyone may connect; what each may do is checked per request. */
    chmod(sock_path, 0666);
    rc = uv_listen((uv_stream_t *)&t->server, 128, on_connection);
    if (rc != 0) {
        log_warnx("listen: %s", uv_strerror(rc));
        return -EIO;
    }
    scm_deadline_start(scm, &t->sweep, sweep_every_ms(scm), on_sweep);
    return 0;
}

void scm_conn_stop_listening(struct scm *scm)
{
    struct scm_clients *t = scm->clients;
    if (t && t->listening) {
        t->listening = 0;
        uv_close((uv_handle_t *)&t->server, NULL);
    }
}

void scm_conn_close_all(struct scm *scm)
{
    struct scm_clients *t = scm->clients;

    if (t == NULL)
        return;
    scm_conn_stop_listening(scm);
    while (t->list)
        client_close(t->list, NULL);
    scm_deadline_stop(&t->sweep);
}
