/*
 * client.c - the client socket ROOT/run/scm.sock and its request table.
 *
 * Clients are identified by the kernel (SO_PEERCRED), never by what they
 * say.  Root and the user scmd runs as may do everything; other local
 * users may connect, enumerate and query, and get ERROR_ACCESS_DENIED for
 * the rest.  A frame that is not a known request, or whose payload does
 * not decode exactly, closes that connection and nothing else.
 */
#include "scm.h"
#include "log.h"
#include "win32.h"

#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

/* Access a client that is neither root nor scmd's user may ask for. */
#define UNPRIVILEGED_MANAGER_ACCESS \
    (SC_MANAGER_CONNECT | SC_MANAGER_ENUMERATE_SERVICE | SC_MANAGER_QUERY_LOCK_STATUS | \
     GENERIC_READ | READ_CONTROL)
#define UNPRIVILEGED_SERVICE_ACCESS \
    (SERVICE_QUERY_CONFIG | SERVICE_QUERY_STATUS | SERVICE_ENUMERATE_DEPENDENTS | \
     SERVICE_INTERROGATE | GENERIC_READ | READ_CONTROL)

/* A client that takes no reply bytes for this long is dropped. */
#define CLIENT_SEND_TIMEOUT_MS 1000

static void client_close(struct scm_client *c);

/* ---- replies --------------------------------------------------------------- */

static void send_reply(struct scm_client *c, uint32_t id, struct svc_wbuf *w)
{
    int fd;

    if (c->closing)
        return;
    if (w->err || uv_fileno((uv_handle_t *)&c->pipe, &fd) != 0 ||
        svc_frame_send_timeout(fd, SVC_MSG_REPLY, id, w, CLIENT_SEND_TIMEOUT_MS) < 0)
        client_close(c);
}

static void reply_err(struct scm_client *c, uint32_t id, DWORD err)
{
    struct svc_wbuf w;
    svc_wbuf_init(&w);
    svc_put_u32(&w, err);
    send_reply(c, id, &w);
    svc_wbuf_free(&w);
}

void scm_reply_error(struct scm_waiter *w, DWORD err)
{
    if (w->client)
        reply_err(w->client, w->id, err);
}

void scm_reply_buffer(struct scm_waiter *w, struct svc_wbuf *b)
{
    if (w->client)
        send_reply(w->client, w->id, b);
}

void scm_reply_status(struct scm_waiter *w, DWORD err, const SERVICE_STATUS_PROCESS *st)
{
    struct svc_wbuf b;
    if (w->client == NULL)
        return;
    svc_wbuf_init(&b);
    svc_put_u32(&b, err);
    if (err == NO_ERROR)
        svc_put_status(&b, st);
    send_reply(w->client, w->id, &b);
    svc_wbuf_free(&b);
}

static void client_closed(uv_handle_t *h)
{
    struct scm_client *c = h->data;
    svc_frame_acc_free(&c->acc);
    free(c);
}

static void client_maybe_free(struct scm_client *c)
{
    if (c->closing && c->refs == 0 && !uv_is_closing((uv_handle_t *)&c->pipe))
        uv_close((uv_handle_t *)&c->pipe, client_closed);
}

void scm_waiter_release(struct scm_waiter *w)
{
    struct scm_client *c = w->client;
    w->client = NULL;
    if (c == NULL)
        return;
    c->refs--;
    client_maybe_free(c);
}

static void client_close(struct scm_client *c)
{
    if (c->closing)
        return;
    c->closing = 1;
    uv_read_stop((uv_stream_t *)&c->pipe);
    for (struct scm_client **pp = &g_scm.clients; *pp; pp = &(*pp)->next) {
        if (*pp == c) {
            *pp = c->next;
            break;
        }
    }
    client_maybe_free(c);
}

/* ---- controls ---------------------------------------------------------------- */

static void on_control_timeout(uv_timer_t *t)
{
    struct scm_service *s = t->data;
    if (s->control_host_id == 0)
        return;
    scm_event(7011, s->name,
              "A timeout (%u milliseconds) was reached while waiting for a transaction response from the %s service.",
              g_scm.control_timeout_ms, s->name);
    if (s->host)
        scm_host_forget(s->host, s->control_host_id);
    s->control_host_id = 0;
    scm_reply_error(&s->control, ERROR_SERVICE_REQUEST_TIMEOUT);
    scm_waiter_release(&s->control);
    scm_db_touch(s);
    /* A service that cannot take STOP is written off: its host is killed
     * if nothing else lives there. */
    if (s->control_code == SERVICE_CONTROL_STOP)
        scm_state_event(s, EV_STOP_HUNG, NULL);
}

void scm_control_done(struct scm_service *s, DWORD result)
{
    uv_timer_stop(&s->control_timer);
    s->control_host_id = 0;
    /* A handler that does not handle a control returns
     * ERROR_CALL_NOT_IMPLEMENTED; ControlService reports that as a
     * control the service does not accept. */
    if (result == ERROR_CALL_NOT_IMPLEMENTED)
        result = ERROR_INVALID_SERVICE_CONTROL;
    scm_reply_status(&s->control, result, &s->status);
    scm_waiter_release(&s->control);
    scm_db_touch(s);
}

/* ---- the request table ------------------------------------------------------ */

struct req {
    struct scm_client *c;
    uint32_t id;
    struct svc_rbuf *r;
};

static struct scm_service *lookup(struct req *q, const char *name)
{
    struct scm_service *s = scm_db_find(name);
    if (s == NULL)
        reply_err(q->c, q->id, ERROR_SERVICE_DOES_NOT_EXIST);
    return s;
}

/* For requests that are one service name: decodes it and finds the
 * service.  Returns -EPROTO for a bad payload, else 0 with *out NULL when
 * the service does not exist (1060 has been answered). */
static int name_request(struct req *q, struct scm_service **out)
{
    char *name = svc_get_str(q->r);

    *out = NULL;
    if (svc_rbuf_end(q->r) < 0 || name == NULL) {
        free(name);
        return -EPROTO;
    }
    *out = lookup(q, name);
    free(name);
    return 0;
}

static int req_open_manager(struct req *q)
{
    uint32_t access = svc_get_u32(q->r);
    if (svc_rbuf_end(q->r) < 0)
        return -EPROTO;
    if (!q->c->privileged && (access & ~(uint32_t)UNPRIVILEGED_MANAGER_ACCESS))
        reply_err(q->c, q->id, ERROR_ACCESS_DENIED);
    else
        reply_err(q->c, q->id, NO_ERROR);
    return 0;
}

static int req_create(struct req *q)
{
    struct svc_msg_config m;
    char installer[128];
    struct passwd *pw;

    svc_get_u32(q->r);
    if (svc_get_config(q->r, &m) < 0)
        return -EPROTO;
    if (svc_rbuf_end(q->r) < 0) {
        svc_msg_config_free(&m);
        return -EPROTO;
    }
    pw = getpwuid(q->c->uid);
    snprintf(installer, sizeof installer, "%s (uid %u)", pw ? pw->pw_name : "?", (unsigned)q->c->uid);
    reply_err(q->c, q->id, scm_db_create(&m, installer));
    svc_msg_config_free(&m);
    return 0;
}

static int req_open_service(struct req *q)
{
    char *name = svc_get_str(q->r);
    uint32_t access = svc_get_u32(q->r);
    struct scm_service *s;

    if (svc_rbuf_end(q->r) < 0 || name == NULL) {
        free(name);
        return -EPROTO;
    }
    if ((s = lookup(q, name)) != NULL) {
        if (!q->c->privileged && (access & ~(uint32_t)UNPRIVILEGED_SERVICE_ACCESS)) {
            reply_err(q->c, q->id, ERROR_ACCESS_DENIED);
        } else {
            struct svc_wbuf w;
            svc_wbuf_init(&w);
            svc_put_u32(&w, NO_ERROR);
            svc_put_str(&w, s->name);
            send_reply(q->c, q->id, &w);
            svc_wbuf_free(&w);
        }
    }
    free(name);
    return 0;
}

static int req_start(struct req *q)
{
    char *name = svc_get_str(q->r);
    char **args = svc_get_strv(q->r);
    struct scm_service *s;

    if (svc_rbuf_end(q->r) < 0 || name == NULL || args == NULL) {
        free(name);
        svc_strv_free(args);
        return -EPROTO;
    }
    if ((s = lookup(q, name)) != NULL) {
        struct scm_waiter w = { q->c, q->id };
        DWORD err = scm_job_start(s, w, args);
        args = NULL;   /* the job owns them, or they were freed */
        if (err != NO_ERROR)
            reply_err(q->c, q->id, err);
    }
    svc_strv_free(args);
    free(name);
    return 0;
}

static int req_control(struct req *q)
{
    char *name = svc_get_str(q->r);
    DWORD control = svc_get_u32(q->r), err;
    struct scm_service *s;

    if (svc_rbuf_end(q->r) < 0 || name == NULL) {
        free(name);
        return -EPROTO;
    }
    s = lookup(q, name);
    free(name);
    if (s == NULL)
        return 0;
    /* Any user may interrogate, as Windows grants it with read access. */
    if (!q->c->privileged && control != SERVICE_CONTROL_INTERROGATE) {
        reply_err(q->c, q->id, ERROR_ACCESS_DENIED);
        return 0;
    }
    err = svc_control_check((const SERVICE_STATUS *)&s->status, control);
    if (err == NO_ERROR && control == SERVICE_CONTROL_STOP && scm_has_active_dependents(s))
        err = ERROR_DEPENDENT_SERVICES_RUNNING;
    if (err == NO_ERROR && (s->control_host_id != 0 || !s->started_in_host))
        err = ERROR_SERVICE_CANNOT_ACCEPT_CTRL;   /* one control at a time */
    if (err == NO_ERROR)
        err = scm_host_control(s, control);
    if (err != NO_ERROR) {
        reply_err(q->c, q->id, err);
        return 0;
    }
    s->control.client = q->c;
    s->control.id = q->id;
    q->c->refs++;
    uv_timer_start(&s->control_timer, on_control_timeout, g_scm.control_timeout_ms, 0);
    return 0;
}

static int req_query_status(struct req *q)
{
    struct scm_service *s;

    if (name_request(q, &s) < 0)
        return -EPROTO;
    if (s != NULL) {
        struct scm_waiter w = { q->c, q->id };
        scm_reply_status(&w, NO_ERROR, &s->status);
    }
    return 0;
}

static int req_query_config(struct req *q)
{
    struct scm_service *s;

    if (name_request(q, &s) < 0)
        return -EPROTO;
    if (s != NULL) {
        struct svc_msg_config m;
        struct svc_wbuf w;
        scm_config_to_msg(s, &m);
        svc_wbuf_init(&w);
        svc_put_u32(&w, NO_ERROR);
        svc_put_config(&w, &m);
        send_reply(q->c, q->id, &w);
        svc_wbuf_free(&w);
        svc_msg_config_free(&m);
    }
    return 0;
}

static int req_change_config(struct req *q)
{
    struct svc_msg_config m;
    struct scm_service *s;

    if (svc_get_config(q->r, &m) < 0)
        return -EPROTO;
    if (svc_rbuf_end(q->r) < 0 || m.name == NULL) {
        svc_msg_config_free(&m);
        return -EPROTO;
    }
    if ((s = lookup(q, m.name)) != NULL)
        reply_err(q->c, q->id, scm_db_change(s, &m));
    svc_msg_config_free(&m);
    return 0;
}

static int req_delete(struct req *q)
{
    struct scm_service *s;

    if (name_request(q, &s) < 0)
        return -EPROTO;
    if (s != NULL)
        reply_err(q->c, q->id, scm_db_delete(s));
    return 0;
}

static int state_matches(const struct scm_service *s, uint32_t state)
{
    return scm_is_active(s) ? (state & SERVICE_ACTIVE) != 0 : (state & SERVICE_INACTIVE) != 0;
}

static void put_entry(struct svc_wbuf *w, const struct scm_service *s)
{
    svc_put_str(w, s->name);
    svc_put_str(w, s->cfg->display_name ? s->cfg->display_name : s->name);
    svc_put_status(w, &s->status);
}

static int req_enum_services(struct req *q)
{
    uint32_t type = svc_get_u32(q->r), state = svc_get_u32(q->r), n = 0;
    char *group = svc_get_str(q->r);
    struct svc_wbuf w;

    if (svc_rbuf_end(q->r) < 0) {
        free(group);
        return -EPROTO;
    }
    if (state == 0 || (state & ~(uint32_t)SERVICE_STATE_ALL)) {
        free(group);
        reply_err(q->c, q->id, ERROR_INVALID_PARAMETER);
        return 0;
    }
    if (group != NULL && group[0] != '\0') {
        /* As Windows: naming a group nothing belongs to is an error. */
        int known = 0;
        for (struct scm_service *s = g_scm.services; s && !known; s = s->next)
            known = s->cfg->load_order_group && strcasecmp(s->cfg->load_order_group, group) == 0;
        if (!known) {
            free(group);
            reply_err(q->c, q->id, ERROR_SERVICE_DOES_NOT_EXIST);
            return 0;
        }
    }
    /* Count first: the reply carries n before the entries. */
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1) {
            svc_wbuf_init(&w);
            svc_put_u32(&w, NO_ERROR);
            svc_put_u32(&w, n);
        }
        for (struct scm_service *s = g_scm.services; s; s = s->next) {
            if (!(s->cfg->type & type) || !state_matches(s, state))
                continue;
            if (group != NULL &&
                (group[0] == '\0' ? s->cfg->load_order_group != NULL
                                  : (!s->cfg->load_order_group ||
                                     strcasecmp(s->cfg->load_order_group, group) != 0)))
                continue;
            if (pass == 0)
                n++;
            else
                put_entry(&w, s);
        }
    }
    send_reply(q->c, q->id, &w);
    svc_wbuf_free(&w);
    free(group);
    return 0;
}

/* Dependents, direct and indirect, in the reverse of their start order
 * (the one that would start last comes first), as EnumDependentServices. */
static void collect_dependents(struct scm_service *s, struct scm_service ***list, size_t *n, int depth)
{
    struct scm_service **direct;
    size_t nd = scm_dependents(s, &direct);

    for (size_t i = 0; i < nd && depth < 64; i++) {
        int seen = 0;
        for (size_t k = 0; k < *n; k++)
            if ((*list)[k] == direct[i])
                seen = 1;
        if (seen)
            continue;
        collect_dependents(direct[i], list, n, depth + 1);
        struct scm_service **grown = realloc(*list, (*n + 1) * sizeof **list);
        if (grown == NULL)
            break;
        *list = grown;
        (*list)[(*n)++] = direct[i];
    }
    free(direct);
}

static int req_enum_dependents(struct req *q)
{
    char *name = svc_get_str(q->r);
    uint32_t state = svc_get_u32(q->r), n = 0;
    struct scm_service *s, **list = NULL;
    size_t count = 0;

    if (svc_rbuf_end(q->r) < 0 || name == NULL) {
        free(name);
        return -EPROTO;
    }
    if ((s = lookup(q, name)) != NULL) {
        struct svc_wbuf w;
        collect_dependents(s, &list, &count, 0);
        for (size_t i = 0; i < count; i++)
            if (state_matches(list[i], state))
                n++;
        svc_wbuf_init(&w);
        svc_put_u32(&w, NO_ERROR);
        svc_put_u32(&w, n);
        for (size_t i = 0; i < count; i++)
            if (state_matches(list[i], state))
                put_entry(&w, list[i]);
        send_reply(q->c, q->id, &w);
        svc_wbuf_free(&w);
        free(list);
    }
    free(name);
    return 0;
}

static int req_name(struct req *q, int to_display)
{
    char *name = svc_get_str(q->r);
    struct scm_service *s;

    if (svc_rbuf_end(q->r) < 0 || name == NULL) {
        free(name);
        return -EPROTO;
    }
    s = to_display ? scm_db_find(name) : scm_db_find_display(name);
    if (s == NULL) {
        reply_err(q->c, q->id, ERROR_SERVICE_DOES_NOT_EXIST);
    } else {
        struct svc_wbuf w;
        svc_wbuf_init(&w);
        svc_put_u32(&w, NO_ERROR);
        svc_put_str(&w, to_display ? (s->cfg->display_name ? s->cfg->display_name : s->name) : s->name);
        send_reply(q->c, q->id, &w);
        svc_wbuf_free(&w);
    }
    free(name);
    return 0;
}

static int req_display_name(struct req *q)
{
    return req_name(q, 1);
}

static int req_key_name(struct req *q)
{
    return req_name(q, 0);
}

static int req_enum_hosts(struct req *q)
{
    struct svc_wbuf w;
    uint32_t n = 0;

    if (svc_rbuf_end(q->r) < 0)
        return -EPROTO;
    for (struct scm_host *h = g_scm.hosts; h; h = h->next)
        if (!h->exited)
            n++;
    svc_wbuf_init(&w);
    svc_put_u32(&w, NO_ERROR);
    svc_put_u32(&w, n);
    for (struct scm_host *h = g_scm.hosts; h; h = h->next) {
        struct svc_msg_host mh = { .pid = (uint32_t)h->pid, .group = h->group };
        size_t k = 0;
        if (h->exited)
            continue;
        mh.services = calloc(scm_host_active_services(h) + 1, sizeof *mh.services);
        for (struct scm_service *s = g_scm.services; mh.services && s; s = s->next)
            if (s->host == h && scm_is_active(s))
                mh.services[k++] = s->name;
        svc_put_host(&w, &mh);
        free(mh.services);
    }
    send_reply(q->c, q->id, &w);
    svc_wbuf_free(&w);
    return 0;
}

static int req_enum_usage(struct req *q)
{
    if (svc_rbuf_end(q->r) < 0)
        return -EPROTO;
    scm_usage_start((struct scm_waiter){ q->c, q->id });
    return 0;
}

static const struct {
    uint16_t type;
    int (*handler)(struct req *q);
    int privileged;     /* only root and scmd's own user */
} client_requests[] = {
    { SVC_MSG_OPEN_MANAGER, req_open_manager, 0 },
    { SVC_MSG_CREATE_SERVICE, req_create, 1 },
    { SVC_MSG_OPEN_SERVICE, req_open_service, 0 },
    { SVC_MSG_START_SERVICE, req_start, 1 },
    { SVC_MSG_CONTROL_SERVICE, req_control, 0 },   /* checked per control */
    { SVC_MSG_QUERY_STATUS, req_query_status, 0 },
    { SVC_MSG_QUERY_CONFIG, req_query_config, 0 },
    { SVC_MSG_CHANGE_CONFIG, req_change_config, 1 },
    { SVC_MSG_DELETE_SERVICE, req_delete, 1 },
    { SVC_MSG_ENUM_SERVICES, req_enum_services, 0 },
    { SVC_MSG_ENUM_DEPENDENTS, req_enum_dependents, 0 },
    { SVC_MSG_GET_DISPLAY_NAME, req_display_name, 0 },
    { SVC_MSG_GET_KEY_NAME, req_key_name, 0 },
    { SVC_MSG_ENUM_HOSTS, req_enum_hosts, 0 },
    { SVC_MSG_ENUM_USAGE, req_enum_usage, 0 },
};

static int on_frame(void *ctx, const struct svc_frame_header *h, const uint8_t *payload)
{
    struct scm_client *c = ctx;
    struct svc_rbuf r;
    struct req q = { c, h->id, &r };

    if (c->closing)
        return -ECANCELED;
    svc_rbuf_init(&r, payload, h->length);
    for (size_t i = 0; i < sizeof client_requests / sizeof client_requests[0]; i++) {
        if (client_requests[i].type != h->type)
            continue;
        if (client_requests[i].privileged && !c->privileged) {
            reply_err(c, h->id, ERROR_ACCESS_DENIED);
            return 0;
        }
        return client_requests[i].handler(&q);
    }
    return -EPROTO;
}

static void on_read(uv_stream_t *stream, ssize_t n, const uv_buf_t *buf)
{
    struct scm_client *c = stream->data;

    if (n == 0)
        return;
    if (n < 0) {
        client_close(c);
        return;
    }
    int rc = svc_frame_acc_feed(&c->acc, (const uint8_t *)buf->base, (size_t)n, on_frame, c);
    if (rc < 0 && !c->closing) {
        log_warnx("client pid %d: protocol error (%s); connection closed", (int)c->pid, strerror(-rc));
        client_close(c);
    }
}

static void on_connection(uv_stream_t *server, int status)
{
    struct scm_client *c;
    struct ucred cred;
    socklen_t len = sizeof cred;
    int fd;

    if (status < 0)
        return;
    c = calloc(1, sizeof *c);
    if (c == NULL)
        return;
    uv_pipe_init(g_scm.loop, &c->pipe, 0);
    c->pipe.data = c;
    svc_frame_acc_init(&c->acc);
    if (uv_accept(server, (uv_stream_t *)&c->pipe) != 0 ||
        uv_fileno((uv_handle_t *)&c->pipe, &fd) != 0 ||
        getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
        c->closing = 1;
        uv_close((uv_handle_t *)&c->pipe, client_closed);
        return;
    }
    c->uid = cred.uid;
    c->pid = cred.pid;
    c->privileged = cred.uid == 0 || cred.uid == g_scm.self_uid;
    c->next = g_scm.clients;
    g_scm.clients = c;
    uv_read_start((uv_stream_t *)&c->pipe, scm_alloc_cb, on_read);
}

int scm_client_listen(void)
{
    int rc;

    uv_pipe_init(g_scm.loop, &g_scm.server, 0);
    unlink(g_scm.sock_path);
    rc = uv_pipe_bind(&g_scm.server, g_scm.sock_path);
    if (rc != 0) {
        log_warnx("%s: %s", g_scm.sock_path, uv_strerror(rc));
        return -EADDRINUSE;
    }
    /* Anyone may connect; what each may do is checked per request. */
    chmod(g_scm.sock_path, 0666);
    rc = uv_listen((uv_stream_t *)&g_scm.server, 128, on_connection);
    if (rc != 0) {
        log_warnx("listen: %s", uv_strerror(rc));
        return -EIO;
    }
    return 0;
}
