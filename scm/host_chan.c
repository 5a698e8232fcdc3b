/*
 * host_chan.c - host processes' channels (see host_chan.h).
 *
 * Each host gets one end of a socketpair as file descriptor 3 (named in
 * SVCHOST_SCM_FD); nothing else can speak on that channel.  The host
 * channel's request table lists what a host may send.
 */
#include "host_chan.h"
#include "peer.h"
#include "journal.h"
#include "log.h"
#include "win32.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

struct pending {
    struct pending *next;
    uint32_t id;
    uint16_t type;               /* HOST_START / HOST_CONTROL / HOST_QUERY */
    char *service;               /* START, CONTROL: name, below; else NULL */
    void *cookie;                /* QUERY */
    char name[];
};

/* A START for a host not connected yet, or a CONTROL for an adopted
 * host that has not rejoined yet (its id and pending already taken). */
struct queued {
    struct queued *next;
    uint16_t type;               /* HOST_START / HOST_CONTROL */
    char *service;
    char **args;                 /* START */
    struct svc_start_plugin *plugin;
    DWORD control;               /* CONTROL */
    uint32_t id;
};

static void queued_free(struct queued *q)
{
    svc_strv_free(q->args);
    svc_start_plugin_free(q->plugin);
    free(q->service);
    free(q);
}

struct scm_host {
    struct scm_host *next;
    struct scm *scm;
    char *group;                 /* svchost group, or NULL for own process */
    char *own_service;           /* own-process: the service it runs */
    char *split_service;         /* split instance (svchost -k G -s S): S */
    pid_t pid;
    struct scm_peer *peer;       /* NULL while an adopted host has not rejoined */
    char secret[SCM_SECRET_LEN + 1];   /* given at spawn: proves it on a rejoin */
    unsigned long long start_time;     /* its process's, for the journal */
    int adopted;                 /* from a journal: waits for its rejoin */
    int connected;               /* HELLO received */
    char **table;                /* names in its dispatch table (HELLO) */
    int exiting;                 /* HOST_EXIT sent, killed, or process gone */
    int exited;                  /* the process has ended */
    int proc_open;               /* spawn's process handle not yet closed */
    struct pending *pending;
    uint32_t next_id;
    struct queued *queued;       /* STARTs to send once connected */
    uint64_t log_tokens;         /* HOST_LOG's rate limit: thousandths of a line */
    uint64_t log_refilled;       /* loop time (ms) of the last refill */
    unsigned long log_dropped;   /* lines dropped since the bucket was last full */
    unsigned placed;             /* services the upper layer put here (scm_host_place) */
};

struct scm_hosts {
    struct scm_host *list;
    const struct scm_host_hooks *hooks;
    uv_pipe_t server;            /* ROOT/run/host.sock: hosts rejoining */
    int listening;
};

int scm_hosts_init(struct scm *scm, const struct scm_host_hooks *hooks)
{
    scm->hosts = calloc(1, sizeof *scm->hosts);
    if (scm->hosts == NULL)
        return -ENOMEM;
    scm->hosts->hooks = hooks;
    return 0;
}

void scm_hosts_free(struct scm *scm)
{
    free(scm->hosts);
    scm->hosts = NULL;
}

static const struct scm_host_hooks *hooks(const struct scm_host *h)
{
    return h->scm->hosts->hooks;
}

int scm_hosts_any(const struct scm *scm) { return scm->hosts && scm->hosts->list != NULL; }
pid_t scm_host_pid(const struct scm_host *h) { return h->pid; }
const char *scm_host_group(const struct scm_host *h) { return h->group; }
int scm_host_connected(const struct scm_host *h) { return h->connected; }
int scm_host_exited(const struct scm_host *h) { return h->exited; }
int scm_host_busy(const struct scm_host *h) { return h->pending != NULL || h->queued != NULL; }
unsigned scm_host_placed(const struct scm_host *h) { return h->placed; }

void scm_host_place(struct scm_host *h, int delta)
{
    if (delta < 0 && h->placed > 0)
        h->placed--;
    else if (delta > 0)
        h->placed++;
}

struct scm_host *scm_host_first(struct scm *scm)
{
    struct scm_host *h = scm->hosts->list;
    while (h && h->exited)
        h = h->next;
    return h;
}

struct scm_host *scm_host_next(struct scm_host *h)
{
    for (h = h->next; h && h->exited; h = h->next)
        ;
    return h;
}

struct scm_host *scm_host_find(struct scm *scm, const char *group, const char *split)
{
    for (struct scm_host *o = scm->hosts->list; o; o = o->next)
        if (o->group && !o->exiting && strcasecmp(o->group, group) == 0 &&
            (split ? o->split_service && strcasecmp(o->split_service, split) == 0
                   : o->split_service == NULL))
            return o;
    return NULL;
}

static void host_close(struct scm_host *h);
static const struct scm_peer_ops host_peer_ops;

/* Queues one frame; a host whose queue is full is treated as hung. */
static int send_frame(struct scm_host *h, uint16_t type, uint32_t id, const struct svc_wbuf *w)
{
    int rc = h->peer ? scm_peer_send(h->peer, type, id, w) : -EPIPE;

    if (rc == -ENOBUFS) {
        log_warnx("host %d does not read its channel (%zu bytes waiting); killing it", (int)h->pid,
                  scm_peer_queued(h->peer));
        host_close(h);
    }
    return rc;
}

static int table_has(const struct scm_host *h, const char *name)
{
    /* An own-process program's one entry serves its service whatever the
     * entry is called, as on Windows. */
    if (h->group == NULL && h->table && h->table[0] && !h->table[1])
        return 1;
    /* A shared svchost takes members installed in its group after it
     * started; it answers ERROR_SERVICE_NOT_IN_EXE itself if it cannot. */
    if (h->group != NULL && h->split_service == NULL)
        return 1;
    for (size_t i = 0; h->table && h->table[i]; i++)
        if (strcasecmp(h->table[i], name) == 0)
            return 1;
    return 0;
}

static struct pending *add_pending(struct scm_host *h, uint32_t id, uint16_t type,
                                   const char *service, void *cookie)
{
    size_t n = service != NULL ? strlen(service) + 1 : 0;
    /* One allocation with the name: one for every control. */
    struct pending *p = malloc(sizeof *p + n);

    if (p == NULL)
        return NULL;
    p->service = service != NULL ? memcpy(p->name, service, n) : NULL;
    p->id = id;
    p->type = type;
    p->cookie = cookie;
    p->next = h->pending;
    h->pending = p;
    return p;
}

static struct pending *take_pending(struct scm_host *h, uint32_t id)
{
    for (struct pending **pp = &h->pending; *pp; pp = &(*pp)->next) {
        if ((*pp)->id == id) {
            struct pending *p = *pp;
            *pp = p->next;
            return p;
        }
    }
    return NULL;
}

static void pending_free(struct pending *p)
{
    free(p);
}

/* Sends a request and records it, so that its answer finds its way (and
 * a host that dies answers it with ERROR_PROCESS_ABORTED). */
static uint32_t next_id(struct scm_host *h)
{
    if (++h->next_id == 0)
        ++h->next_id;
    return h->next_id;
}

static DWORD request(struct scm_host *h, uint16_t type, const char *service, void *cookie,
                     const struct svc_wbuf *w, uint32_t *out_id)
{
    uint32_t id = next_id(h);
    struct pending *p;

    /* Recorded first: out of memory must not leave a request unanswered. */
    p = add_pending(h, id, type, service, cookie);
    if (p == NULL)
        return ERROR_NOT_ENOUGH_MEMORY;
    if (send_frame(h, type, id, w) < 0) {
        pending_free(take_pending(h, id));
        return ERROR_BROKEN_PIPE;
    }
    if (out_id)
        *out_id = id;
    return NO_ERROR;
}

static DWORD send_start(struct scm_host *h, const char *service, char *const *args,
                        const struct svc_start_plugin *plugin)
{
    struct svc_wbuf w;
    DWORD err;

    if (!table_has(h, service))
        return ERROR_SERVICE_NOT_IN_EXE;
    svc_wbuf_init(&w);
    svc_msg_host_start_pack(&w, service, args, plugin);
    err = w.err ? ERROR_NOT_ENOUGH_MEMORY : request(h, SVC_MSG_HOST_START, service, NULL, &w, NULL);
    svc_wbuf_free(&w);
    return err;
}

DWORD scm_host_start(struct scm_host *h, const char *service, char *const *args,
                     struct svc_start_plugin *plugin)
{
    struct queued *q, **pp;
    DWORD err;

    if (h->exiting || h->exited || h->connected) {
        err = h->exiting || h->exited ? ERROR_BROKEN_PIPE : send_start(h, service, args, plugin);
        svc_start_plugin_free(plugin);
        return err;
    }
    if ((q = calloc(1, sizeof *q)) == NULL) {
        svc_start_plugin_free(plugin);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    q->type = SVC_MSG_HOST_START;
    q->plugin = plugin;
    if ((q->service = strdup(service)) == NULL || (q->args = svc_strv_dup(args)) == NULL) {
        queued_free(q);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    /* Appended: requests go out in the order they were asked for. */
    for (pp = &h->queued; *pp; pp = &(*pp)->next)
        ;
    *pp = q;
    return NO_ERROR;
}

static int send_control(struct scm_host *h, const char *service, DWORD control, uint32_t id)
{
    struct svc_wbuf w;
    int rc;

    svc_wbuf_init(&w);
    svc_msg_host_control_pack(&w, service, control);
    rc = w.err ? w.err : send_frame(h, SVC_MSG_HOST_CONTROL, id, &w);
    svc_wbuf_free(&w);
    return rc;
}

/* A control for an adopted host that has not rejoined: sent when it
 * does, answered as any other. */
static DWORD queue_control(struct scm_host *h, const char *service, DWORD control, uint32_t *id)
{
    struct queued *q = calloc(1, sizeof *q), **pp;

    if (q == NULL || (q->service = strdup(service)) == NULL) {
        free(q);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    q->type = SVC_MSG_HOST_CONTROL;
    q->control = control;
    q->id = next_id(h);
    if (add_pending(h, q->id, SVC_MSG_HOST_CONTROL, service, NULL) == NULL) {
        queued_free(q);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    for (pp = &h->queued; *pp; pp = &(*pp)->next)
        ;
    *pp = q;
    *id = q->id;
    return NO_ERROR;
}

DWORD scm_host_control(struct scm_host *h, const char *service, DWORD control, uint32_t *id)
{
    struct svc_wbuf w;
    DWORD err;

    /* Right after scmd's restart the journal's status shows before the
     * host is back: the control waits for its rejoin (or the control's
     * timeout) rather than failing with 1061. */
    if (h->adopted && h->peer == NULL && !h->exiting && !h->exited)
        return queue_control(h, service, control, id);
    if (!h->connected || h->exited || h->peer == NULL || h->peer->closing)
        return ERROR_SERVICE_CANNOT_ACCEPT_CTRL;
    svc_wbuf_init(&w);
    svc_msg_host_control_pack(&w, service, control);
    err = w.err ? ERROR_NOT_ENOUGH_MEMORY : request(h, SVC_MSG_HOST_CONTROL, service, NULL, &w, id);
    svc_wbuf_free(&w);
    return err;
}

DWORD scm_host_query(struct scm_host *h, void *cookie)
{
    if (!h->connected || h->exited || h->peer == NULL || h->peer->closing)
        return ERROR_SERVICE_NOT_ACTIVE;
    return request(h, SVC_MSG_HOST_QUERY, NULL, cookie, NULL, NULL);
}

void scm_host_forget(struct scm_host *h, uint32_t id)
{
    pending_free(take_pending(h, id));
}

void scm_host_kill(struct scm_host *h)
{
    /* The process is not reaped before on_exit, so the pid is still its. */
    if (!h->exited && h->pid > 0)
        kill(h->pid, SIGKILL);
}

void scm_host_release(struct scm_host *h)
{
    /* Not while anything is in flight: a STOP's answer comes after the
     * STOPPED its handler reported. */
    if (h->exiting || h->exited || scm_host_busy(h))
        return;
    h->exiting = 1;
    if (h->connected)
        send_frame(h, SVC_MSG_HOST_EXIT, 0, NULL);
    else
        scm_host_kill(h);
}

/* Sends the STARTs that waited for the host to connect, and the
 * CONTROLs that waited for it to rejoin. */
static void send_queued(struct scm_host *h)
{
    while (h->queued && !h->exited) {
        struct queued *q = h->queued;
        DWORD err;
        h->queued = q->next;
        if (q->type == SVC_MSG_HOST_CONTROL) {
            /* A failed send closes the channel: the control then ends
             * as one in flight does when its host goes (its timeout). */
            send_control(h, q->service, q->control, q->id);
        } else if ((err = send_start(h, q->service, q->args, q->plugin)) != NO_ERROR) {
            hooks(h)->started(h->scm, h, q->service, err);
        }
        queued_free(q);
    }
}

/* ---- the host channel's request table --------------------------------- */

static int on_hello(struct scm_host *h, uint32_t id, struct svc_rbuf *r)
{
    uint32_t pid;
    char **table = NULL;

    (void)id;
    if (svc_msg_host_hello_unpack(r, &pid, &table) < 0 || h->connected || pid != (uint32_t)h->pid) {
        svc_strv_free(table);
        return -EPROTO;
    }
    h->table = table;
    h->connected = 1;
    log_debug("host %d connected (%s)", (int)h->pid, h->group ? h->group : h->own_service);
    send_queued(h);
    return 0;
}

static int on_status(struct scm_host *h, uint32_t id, struct svc_rbuf *r)
{
    SERVICE_STATUS st;
    char *name = NULL;
    DWORD err;

    if (svc_msg_host_status_unpack(r, &name, &st) < 0)
        return -EPROTO;
    if (st.dwCurrentState < SERVICE_STOPPED || st.dwCurrentState > SERVICE_PAUSED)
        err = ERROR_INVALID_PARAMETER;
    else
        err = hooks(h)->status(h->scm, h, name, &st);
    if (err != NO_ERROR) {
        struct svc_wbuf w;
        log_warnx("host %d reported a status for %s, which it does not run", (int)h->pid, name);
        svc_wbuf_init(&w);
        svc_msg_reply_pack(&w, ERROR_SERVICE_NOT_IN_EXE);
        send_frame(h, SVC_MSG_REPLY, id, &w);
        svc_wbuf_free(&w);
    }
    free(name);
    return 0;
}

/* The answer to HOST_QUERY: an error, or the usage rows. */
static int on_query_reply(struct scm_host *h, struct pending *p, struct svc_rbuf *r)
{
    struct svc_msg_usage *rows = NULL;
    size_t n = 0;
    DWORD err;
    int rc = svc_msg_reply_head_unpack(r, &err);

    if (rc == 0)
        rc = err == NO_ERROR ? svc_msg_usage_reply_unpack(r, &rows, &n) : svc_rbuf_end(r);
    if (rc < 0 || err != NO_ERROR) {
        svc_msg_usage_free(rows, n);
        rows = NULL;
        n = 0;
    }
    for (size_t i = 0; i < n; i++)
        rows[i].pid = (uint32_t)h->pid;   /* the kernel's word, not the host's */
    hooks(h)->queried(h->scm, h, p->cookie, rows, (uint32_t)n);
    svc_msg_usage_free(rows, n);
    pending_free(p);
    return rc < 0 ? -EPROTO : 0;
}

static int on_reply(struct scm_host *h, uint32_t id, struct svc_rbuf *r)
{
    struct pending *p = take_pending(h, id);
    DWORD err;

    if (p != NULL && p->type == SVC_MSG_HOST_QUERY)
        return on_query_reply(h, p, r);
    if (svc_msg_reply_unpack(r, &err) < 0) {
        pending_free(p);
        return -EPROTO;
    }
    if (p == NULL)
        return 0;            /* answered after a timeout: nobody waits */
    if (p->type == SVC_MSG_HOST_START)
        hooks(h)->started(h->scm, h, p->service, err);
    else
        hooks(h)->controlled(h->scm, h, p->service, id, err);
    pending_free(p);
    return 0;
}

/* HOST_LOG's token bucket, refilled for the time since it was last
 * looked at; 1 if it is full. */
static int log_refill(struct scm_host *h)
{
    const uint64_t full = (uint64_t)SCM_HOST_LOG_BURST * 1000u;
    uint64_t now = uv_now(h->scm->loop);

    if (h->log_refilled == 0) {
        h->log_tokens = full;
    } else if (now > h->log_refilled) {
        uint64_t add = (now - h->log_refilled) * SCM_HOST_LOG_PER_SEC;
        h->log_tokens = add >= full - h->log_tokens ? full : h->log_tokens + add;
    }
    h->log_refilled = now ? now : 1;
    return h->log_tokens == full;
}

/*
 * A plugin's Log() line.  Bounded before the hook runs, so that a host
 * cannot fill the event log whatever it sends: a line that finds the
 * bucket empty is dropped and counted.  The first one dropped is
 * reported at once; the count, when the bucket is next found full (the
 * host kept to the rate for a whole burst), so that a host that floods
 * without end costs the event log its rate and one line.  Never
 * answered: a flood of refusals would be a flood the other way.
 */
static int on_log(struct scm_host *h, uint32_t id, struct svc_rbuf *r)
{
    char *name = NULL, *text = NULL;
    uint32_t level;

    (void)id;
    if (svc_msg_host_log_unpack(r, &name, &level, &text) < 0)
        return -EPROTO;
    if (log_refill(h) && h->log_dropped != 0) {
        if (hooks(h)->log_dropped)
            hooks(h)->log_dropped(h->scm, h, name, h->log_dropped);
        h->log_dropped = 0;
    }
    if (h->log_tokens < 1000u) {
        if (h->log_dropped++ == 0 && hooks(h)->log_dropped)
            hooks(h)->log_dropped(h->scm, h, name, 0);
    } else {
        h->log_tokens -= 1000u;
        if (hooks(h)->log && hooks(h)->log(h->scm, h, name, level, text) != NO_ERROR)
            log_warnx("host %d logged a line for %s, which it does not run; dropped", (int)h->pid,
                      name);
    }
    free(name);
    free(text);
    return 0;
}

static const struct {
    uint16_t type;
    int (*handler)(struct scm_host *h, uint32_t id, struct svc_rbuf *r);
    int needs_hello;
} host_requests[] = {
    { SVC_MSG_HOST_HELLO, on_hello, 0 },
    { SVC_MSG_HOST_STATUS, on_status, 1 },
    { SVC_MSG_REPLY, on_reply, 1 },
    { SVC_MSG_HOST_LOG, on_log, 1 },
};

static int on_frame(void *ctx, const struct svc_frame_header *hd, const uint8_t *payload)
{
    struct scm_host *h = ctx;
    struct svc_rbuf r;

    svc_rbuf_init(&r, payload, hd->length);
    for (size_t i = 0; i < sizeof host_requests / sizeof host_requests[0]; i++) {
        if (host_requests[i].type != hd->type)
            continue;
        if (host_requests[i].needs_hello && !h->connected)
            return -EPROTO;
        return host_requests[i].handler(h, hd->id, &r);
    }
    return -EPROTO;          /* not a message a host may send */
}

static void on_error(void *ctx, int err)
{
    struct scm_host *h = ctx;
    /* Channel gone: the host cannot be controlled any more. */
    if (err != -EPIPE)
        log_warnx("host %d: protocol error (%s); closing its channel", (int)h->pid, strerror(-err));
    host_close(h);
}

/* ---- lifetime ------------------------------------------------------------- */

static void free_host(struct scm_host *h)
{
    struct scm *scm = h->scm;

    for (struct scm_host **pp = &scm->hosts->list; *pp; pp = &(*pp)->next) {
        if (*pp == h) {
            *pp = h->next;
            break;
        }
    }
    while (h->pending) {
        struct pending *p = h->pending;
        h->pending = p->next;
        if (p->type == SVC_MSG_HOST_QUERY)
            scm->hosts->hooks->queried(scm, h, p->cookie, NULL, 0);
        pending_free(p);
    }
    while (h->queued) {
        struct queued *q = h->queued;
        h->queued = q->next;
        queued_free(q);
    }
    svc_strv_free(h->table);
    free(h->group);
    free(h->own_service);
    free(h->split_service);
    free(h);
    if (scm->hosts->hooks->freed)
        scm->hosts->hooks->freed(scm);
}

static void maybe_free(struct scm_host *h)
{
    if (h->peer == NULL && !h->proc_open)
        free_host(h);
}

static void on_closed(void *ctx)
{
    struct scm_host *h = ctx;
    free(h->peer);
    h->peer = NULL;
    maybe_free(h);
}

static const struct scm_peer_ops host_peer_ops = { on_frame, on_error, on_closed };

/* Closes the channel; the process is killed if it still runs (a host
 * without a channel can no longer be controlled). */
static void host_close(struct scm_host *h)
{
    h->exiting = 1;
    if (h->peer)
        scm_peer_close(h->peer);
    scm_host_kill(h);
}

struct scm_host *scm_host_new(struct scm *scm, pid_t pid, int fd, const char *group,
                              const char *own_service, const char *split_service,
                              const char *secret)
{
    struct scm_host *h = calloc(1, sizeof *h);

    if (h == NULL)
        goto fail;
    h->scm = scm;
    h->pid = pid;
    h->proc_open = 1;
    if (secret)
        snprintf(h->secret, sizeof h->secret, "%s", secret);
    if ((group && !(h->group = strdup(group))) ||
        (own_service && !(h->own_service = strdup(own_service))) ||
        (split_service && !(h->split_service = strdup(split_service))))
        goto fail;
    h->next = scm->hosts->list;
    scm->hosts->list = h;
    if (fd < 0) {
        /* Adopted from a journal: its channel comes with its rejoin. */
        h->adopted = 1;
        return h;
    }
    h->peer = calloc(1, sizeof *h->peer);
    if (h->peer == NULL || scm_peer_init(scm, h->peer, &host_peer_ops, h, scm->set.host_queue_limit) < 0) {
        free(h->peer);
        h->peer = NULL;
        close(fd);
        h->exiting = 1;
        scm_host_kill(h);
        return h;   /* it goes when its process ends */
    }
    if (scm_peer_open_fd(h->peer, fd) < 0 || scm_peer_start(h->peer) < 0)
        host_close(h);
    return h;

fail:
    if (h) {
        free(h->group);
        free(h->own_service);
        free(h->split_service);
        free(h);
    }
    if (fd >= 0)
        close(fd);
    return NULL;
}

int scm_host_adopted(const struct scm_host *h) { return h->adopted; }
unsigned long long scm_host_start_time(const struct scm_host *h) { return h->start_time; }
void scm_host_set_start_time(struct scm_host *h, unsigned long long t) { h->start_time = t; }
const char *scm_host_secret(const struct scm_host *h) { return h->secret; }
const char *scm_host_own_service(const struct scm_host *h) { return h->own_service; }
const char *scm_host_split_service(const struct scm_host *h) { return h->split_service; }

/* ---- hosts rejoining a restarted scmd ------------------------------------------ */

/*
 * A host whose scmd died connects to ROOT/run/host.sock and sends
 * HOST_REJOIN.  It is taken only for a host this scmd adopted from its
 * journal, by that pid (the kernel's word, SO_PEERCRED, and the claim
 * must agree), with that host's secret; anything else is refused, logged
 * and closed, and the real host keeps its place.  The connection then
 * becomes that host's channel.
 */

/* A connection on host.sock before its rejoin is decided. */
struct rejoiner {
    struct scm *scm;
    struct scm_peer *peer;
    struct ucred cred;
    uv_timer_t timer;            /* it must speak at once */
    int done;
};

#define REJOIN_TIMEOUT_MS 2000

static void rejoiner_timer_closed(uv_handle_t *t)
{
    free(t->data);
}

static void rejoiner_done(struct rejoiner *j)
{
    if (j->done)
        return;
    j->done = 1;
    uv_timer_stop(&j->timer);
    uv_close((uv_handle_t *)&j->timer, rejoiner_timer_closed);
}

static int secrets_equal(const char *a, const char *b)
{
    unsigned char diff = 0;
    size_t la = strlen(a), lb = strlen(b);

    if (la != lb || la == 0)
        return 0;
    for (size_t i = 0; i < la; i++)
        diff |= (unsigned char)(a[i] ^ b[i]);
    return diff == 0;
}

static void refuse(struct rejoiner *j, const char *why)
{
    struct svc_wbuf w;

    log_warnx("host rejoin from pid %d uid %u refused: %s", (int)j->cred.pid, (unsigned)j->cred.uid,
              why);
    svc_wbuf_init(&w);
    svc_msg_reply_pack(&w, ERROR_ACCESS_DENIED);
    scm_peer_send(j->peer, SVC_MSG_REPLY, 0, &w);
    svc_wbuf_free(&w);
    scm_peer_close(j->peer);
}

static int on_rejoin_frame(void *ctx, const struct svc_frame_header *hd, const uint8_t *payload)
{
    struct rejoiner *j = ctx;
    struct scm *scm = j->scm;
    struct svc_msg_rejoin_service *v = NULL;
    struct scm_host *h = NULL;
    struct svc_rbuf r;
    struct svc_wbuf w;
    char *secret = NULL, **table = NULL;
    uint32_t pid;
    size_t n = 0;

    if (hd->type != SVC_MSG_HOST_REJOIN) {
        refuse(j, "not a rejoin");
        return -ECANCELED;
    }
    svc_rbuf_init(&r, payload, hd->length);
    if (svc_msg_host_rejoin_unpack(&r, &pid, &secret, &table, &v, &n) < 0) {
        refuse(j, "malformed");
        return -ECANCELED;
    }
    for (struct scm_host *o = scm->hosts->list; o && !h; o = o->next)
        if (o->pid == (pid_t)pid)
            h = o;
    if (pid != (uint32_t)j->cred.pid)
        refuse(j, "it claims another process's pid");
    else if (h == NULL || !h->adopted || h->exited || h->peer != NULL)
        refuse(j, "no host of that pid waits to rejoin");
    else if (!secrets_equal(secret, h->secret))
        refuse(j, "wrong secret");
    else {
        /* The connection is the host's channel from now on. */
        rejoiner_done(j);
        h->peer = j->peer;
        h->peer->ctx = h;
        h->peer->ops = &host_peer_ops;
        scm_peer_set_budget(h->peer, 0);
        h->adopted = 0;
        h->connected = 1;
        h->table = table;
        table = NULL;
        svc_wbuf_init(&w);
        svc_msg_reply_pack(&w, NO_ERROR);
        send_frame(h, SVC_MSG_REPLY, 0, &w);
        svc_wbuf_free(&w);
        log_info("host %d (%s) rejoined with %zu service(s)", (int)h->pid,
                 h->group ? h->group : h->own_service, n);
        for (size_t i = 0; i < n && !h->exited; i++)
            if (v[i].status.dwCurrentState >= SERVICE_STOPPED &&
                v[i].status.dwCurrentState <= SERVICE_PAUSED)
                hooks(h)->status(scm, h, v[i].name, &v[i].status);
        send_queued(h);
    }
    free(secret);
    svc_strv_free(table);
    svc_msg_rejoin_free(v, n);
    return h != NULL && h->peer == j->peer ? 1 : -ECANCELED;
}

static void on_rejoin_error(void *ctx, int err)
{
    struct rejoiner *j = ctx;
    (void)err;
    scm_peer_close(j->peer);
}

static void on_rejoin_closed(void *ctx)
{
    struct rejoiner *j = ctx;
    free(j->peer);
    rejoiner_done(j);
}

static const struct scm_peer_ops rejoin_peer_ops = { on_rejoin_frame, on_rejoin_error, on_rejoin_closed };

static void on_rejoin_timeout(uv_timer_t *t)
{
    struct rejoiner *j = t->data;
    refuse(j, "no rejoin message in time");
}

static void on_host_connection(uv_stream_t *server, int status)
{
    struct scm *scm = server->data;
    struct rejoiner *j;
    socklen_t len = sizeof(struct ucred);
    int fd;

    if (status < 0)
        return;
    j = calloc(1, sizeof *j);
    if (j == NULL || (j->peer = calloc(1, sizeof *j->peer)) == NULL ||
        scm_peer_init(scm, j->peer, &rejoin_peer_ops, j, 4096) < 0) {
        uv_pipe_t drop;
        if (j)
            free(j->peer);
        free(j);
        uv_pipe_init(scm->loop, &drop, 0);
        if (uv_accept(server, (uv_stream_t *)&drop) == 0)
            uv_close((uv_handle_t *)&drop, NULL);
        return;
    }
    j->scm = scm;
    uv_timer_init(scm->loop, &j->timer);
    j->timer.data = j;
    /* One frame: the rejoin, then the host's budget applies. */
    scm_peer_set_budget(j->peer, 1);
    if (uv_accept(server, (uv_stream_t *)&j->peer->pipe) != 0 || (fd = scm_peer_fd(j->peer)) < 0 ||
        getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &j->cred, &len) != 0 || scm_peer_start(j->peer) < 0) {
        scm_peer_close(j->peer);
        return;
    }
    uv_timer_start(&j->timer, on_rejoin_timeout, REJOIN_TIMEOUT_MS, 0);
}

int scm_hosts_listen(struct scm *scm, const char *path)
{
    struct scm_hosts *t = scm->hosts;
    int rc;

    uv_pipe_init(scm->loop, &t->server, 0);
    t->server.data = scm;
    t->listening = 1;
    unlink(path);
    rc = uv_pipe_bind(&t->server, path);
    if (rc != 0) {
        log_warnx("%s: %s", path, uv_strerror(rc));
        return -EADDRINUSE;
    }
    /* Hosts may run as other users; each proves itself with its secret. */
    chmod(path, 0666);
    rc = uv_listen((uv_stream_t *)&t->server, 64, on_host_connection);
    if (rc != 0) {
        log_warnx("listen %s: %s", path, uv_strerror(rc));
        return -EIO;
    }
    return 0;
}

void scm_hosts_stop_listening(struct scm *scm)
{
    struct scm_hosts *t = scm->hosts;
    if (t && t->listening) {
        t->listening = 0;
        uv_close((uv_handle_t *)&t->server, NULL);
    }
}

void scm_host_process_exited(struct scm_host *h, int64_t status, int sig)
{
    h->exited = 1;
    h->exiting = 1;
    if (sig)
        log_warnx("host %d (%s) killed by signal %d", (int)h->pid,
                  h->group ? h->group : h->own_service, sig);
    else
        log_debug("host %d exited with %d", (int)h->pid, (int)status);
    /* Answer what waited on this host, then let the services go. */
    while (h->pending) {
        struct pending *p = h->pending;
        h->pending = p->next;
        if (p->type == SVC_MSG_HOST_CONTROL)
            hooks(h)->controlled(h->scm, h, p->service, p->id, ERROR_PROCESS_ABORTED);
        else if (p->type == SVC_MSG_HOST_QUERY)
            hooks(h)->queried(h->scm, h, p->cookie, NULL, 0);
        pending_free(p);
    }
    hooks(h)->exited(h->scm, h);
    host_close(h);
}

void scm_host_process_closed(struct scm_host *h)
{
    h->proc_open = 0;
    maybe_free(h);
}
