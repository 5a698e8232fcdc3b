/*
 * host.c - host processes: spawning them, their channel, their end.
 *
 * Each host gets one end of a socketpair as file descriptor 3 (named in
 * SVCHOST_SCM_FD); nothing else can speak on that channel.  The host
 * channel's request table lists what a host may send; a host may report
 * status only for services this SCM started in it.  Anything malformed
 * closes the channel and kills that host, nothing else.
 */
#include "scm.h"
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

extern char **environ;

static void host_close(struct scm_host *h);

size_t scm_host_active_services(const struct scm_host *h)
{
    size_t n = 0;
    for (struct scm_service *s = g_scm.services; s; s = s->next)
        if (s->host == h && scm_is_active(s))
            n++;
    return n;
}

/* A host that takes no bytes for this long is stuck: it is killed rather
 * than allowed to stall the SCM. */
#define HOST_SEND_TIMEOUT_MS 2000

static int send_frame(struct scm_host *h, uint16_t type, uint32_t id, const struct svc_wbuf *w)
{
    int fd, rc;

    if (!h->chan_open || uv_is_closing((uv_handle_t *)&h->chan))
        return -EPIPE;
    /* Hosts drain their channel promptly; sending whole frames here keeps
     * them whole and in order. */
    if (uv_fileno((uv_handle_t *)&h->chan, &fd) != 0)
        return -EBADF;
    rc = svc_frame_send_timeout(fd, type, id, w, HOST_SEND_TIMEOUT_MS);
    if (rc == -ETIMEDOUT) {
        log_warnx("host %d does not read its channel; killing it", (int)h->pid);
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

static struct scm_pending *add_pending(struct scm_host *h, uint32_t id, struct scm_service *s,
                                       uint16_t type)
{
    struct scm_pending *p = calloc(1, sizeof *p);
    if (p == NULL)
        return NULL;
    p->id = id;
    p->svc = s;
    p->type = type;
    p->next = h->pending;
    h->pending = p;
    return p;
}

static struct scm_pending *take_pending(struct scm_host *h, uint32_t id)
{
    for (struct scm_pending **pp = &h->pending; *pp; pp = &(*pp)->next) {
        if ((*pp)->id == id) {
            struct scm_pending *p = *pp;
            *pp = p->next;
            return p;
        }
    }
    return NULL;
}

static DWORD send_start(struct scm_host *h, struct scm_service *s, char *const *args)
{
    struct svc_wbuf w;
    uint32_t id;
    int rc;

    if (!table_has(h, s->name))
        return ERROR_SERVICE_NOT_IN_EXE;
    id = ++h->next_id;
    svc_wbuf_init(&w);
    svc_put_str(&w, s->name);
    svc_put_strv(&w, args);
    rc = w.err ? w.err : send_frame(h, SVC_MSG_HOST_START, id, &w);
    svc_wbuf_free(&w);
    if (rc < 0)
        return ERROR_BROKEN_PIPE;
    add_pending(h, id, s, SVC_MSG_HOST_START);
    return NO_ERROR;
}

/* ---- the host channel's request table --------------------------------- */

static int on_hello(struct scm_host *h, uint32_t id, struct svc_rbuf *r);
static int on_status(struct scm_host *h, uint32_t id, struct svc_rbuf *r);
static int on_reply(struct scm_host *h, uint32_t id, struct svc_rbuf *r);

static const struct {
    uint16_t type;
    int (*handler)(struct scm_host *h, uint32_t id, struct svc_rbuf *r);
    int needs_hello;
} host_requests[] = {
    { SVC_MSG_HOST_HELLO, on_hello, 0 },
    { SVC_MSG_HOST_STATUS, on_status, 1 },
    { SVC_MSG_REPLY, on_reply, 1 },
};

static int on_hello(struct scm_host *h, uint32_t id, struct svc_rbuf *r)
{
    uint32_t pid = svc_get_u32(r);
    char **table = svc_get_strv(r);

    if (svc_rbuf_end(r) < 0 || h->connected || pid != (uint32_t)h->pid) {
        svc_strv_free(table);
        return -EPROTO;
    }
    h->table = table;
    h->connected = 1;
    log_debug("host %d connected (%s)", (int)h->pid, h->group ? h->group : h->own_service);
    while (h->queued) {
        struct scm_queued *q = h->queued;
        h->queued = q->next;
        DWORD err = send_start(h, q->svc, q->args);
        if (err != NO_ERROR) {
            struct scm_event_data d = { .error = err };
            scm_state_event(q->svc, EV_START_FAILED, &d);
        }
        svc_strv_free(q->args);
        free(q);
    }
    return 0;
}

static int on_status(struct scm_host *h, uint32_t id, struct svc_rbuf *r)
{
    SERVICE_STATUS st;
    char *name = svc_get_str(r);
    struct scm_service *s;

    svc_get_service_status(r, &st);
    if (svc_rbuf_end(r) < 0 || name == NULL) {
        free(name);
        return -EPROTO;
    }
    s = scm_db_find(name);
    if (s == NULL || s->host != h || st.dwCurrentState < SERVICE_STOPPED ||
        st.dwCurrentState > SERVICE_PAUSED) {
        /* Only for services this SCM started in this host. */
        struct svc_wbuf w;
        log_warnx("host %d reported a status for %s, which it does not run", (int)h->pid, name);
        svc_wbuf_init(&w);
        svc_put_u32(&w, ERROR_SERVICE_NOT_IN_EXE);
        send_frame(h, SVC_MSG_REPLY, id, &w);
        svc_wbuf_free(&w);
        free(name);
        return 0;
    }
    free(name);
    struct scm_event_data d = { .status = &st };
    scm_state_event(s, EV_STATUS, &d);
    return 0;
}

/* The answer to HOST_QUERY: u32 error, u32 n, n x usage. */
static int on_query_reply(struct scm_host *h, struct scm_pending *p, struct svc_rbuf *r)
{
    DWORD err = svc_get_u32(r);
    uint32_t n = err == NO_ERROR ? svc_get_u32(r) : 0;
    struct svc_msg_usage *rows = NULL;
    uint32_t got = 0;

    /* Every row takes at least 36 bytes: bound n before allocating. */
    if (r->err == 0 && n <= SVC_PROTO_MAX_LIST && n <= (r->len - r->off) / 36)
        rows = calloc(n ? n : 1, sizeof *rows);
    for (; rows && got < n; got++)
        if (svc_get_usage(r, &rows[got]) < 0)
            break;
    int bad = rows == NULL || got < n || svc_rbuf_end(r) < 0;
    for (uint32_t i = 0; i < got; i++)
        rows[i].pid = (uint32_t)h->pid;   /* the kernel's word, not the host's */
    scm_usage_host_done(p->usage, bad ? NULL : rows, bad ? 0 : got);
    for (uint32_t i = 0; i < got; i++)
        free(rows[i].service);
    free(rows);
    free(p);
    if (!bad)
        scm_host_release_if_idle(h);
    return bad ? -EPROTO : 0;
}

static int on_reply(struct scm_host *h, uint32_t id, struct svc_rbuf *r)
{
    struct scm_pending *p = take_pending(h, id);
    DWORD err;

    if (p != NULL && p->type == SVC_MSG_HOST_QUERY)
        return on_query_reply(h, p, r);
    err = svc_get_u32(r);
    if (svc_rbuf_end(r) < 0) {
        free(p);
        return -EPROTO;
    }
    if (p == NULL)
        return 0;            /* answered after a timeout: nobody waits */
    if (p->type == SVC_MSG_HOST_START) {
        if (err == NO_ERROR && p->svc->host == h) {
            p->svc->started_in_host = 1;
            scm_jobs_update();
        } else if (err != NO_ERROR && p->svc->host == h) {
            struct scm_event_data d = { .error = err };
            scm_state_event(p->svc, EV_START_FAILED, &d);
        }
    } else if (p->svc->control_host_id == id) {
        scm_control_done(p->svc, err);
    }
    free(p);
    scm_host_release_if_idle(h);
    return 0;
}

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

static void on_read(uv_stream_t *stream, ssize_t n, const uv_buf_t *buf)
{
    struct scm_host *h = stream->data;

    if (n == 0)
        return;
    if (n < 0) {
        /* Channel gone: the host cannot be controlled any more. */
        host_close(h);
        return;
    }
    if (svc_frame_acc_feed(&h->acc, (const uint8_t *)buf->base, (size_t)n, on_frame, h) < 0) {
        log_warnx("host %d: protocol error; closing its channel", (int)h->pid);
        host_close(h);
    }
}

/* ---- lifetime ------------------------------------------------------------- */

static void free_host(struct scm_host *h)
{
    for (struct scm_host **pp = &g_scm.hosts; *pp; pp = &(*pp)->next) {
        if (*pp == h) {
            *pp = h->next;
            break;
        }
    }
    while (h->pending) {
        struct scm_pending *p = h->pending;
        h->pending = p->next;
        if (p->type == SVC_MSG_HOST_QUERY)
            scm_usage_host_done(p->usage, NULL, 0);
        free(p);
    }
    while (h->queued) {
        struct scm_queued *q = h->queued;
        h->queued = q->next;
        svc_strv_free(q->args);
        free(q);
    }
    svc_frame_acc_free(&h->acc);
    svc_strv_free(h->table);
    free(h->group);
    free(h->own_service);
    free(h->split_service);
    free(h);
}

static void handle_closed(uv_handle_t *handle)
{
    struct scm_host *h = handle->data;
    if (handle == (uv_handle_t *)&h->chan)
        h->chan_open = 0;
    else
        h->proc_open = 0;
    if (!h->chan_open && !h->proc_open) {
        free_host(h);
        scm_shutdown_check();
    }
}

/* Closes the channel; the process is killed if it still runs (a host
 * without a channel can no longer be controlled). */
static void host_close(struct scm_host *h)
{
    if (h->chan_open && !uv_is_closing((uv_handle_t *)&h->chan)) {
        uv_read_stop((uv_stream_t *)&h->chan);
        uv_close((uv_handle_t *)&h->chan, handle_closed);
    }
    h->exiting = 1;
    if (!h->exited)
        uv_process_kill(&h->proc, SIGKILL);
}

static void on_host_exit(uv_process_t *proc, int64_t status, int sig)
{
    struct scm_host *h = proc->data;

    h->exited = 1;
    h->exiting = 1;
    if (sig)
        log_warnx("host %d (%s) killed by signal %d", (int)h->pid,
                  h->group ? h->group : h->own_service, sig);
    else
        log_debug("host %d exited with %d", (int)h->pid, (int)status);

    /* Answer what waited on this host, then stop what it held. */
    while (h->pending) {
        struct scm_pending *p = h->pending;
        h->pending = p->next;
        if (p->type == SVC_MSG_HOST_CONTROL && p->svc->control_host_id == p->id)
            scm_control_done(p->svc, ERROR_PROCESS_ABORTED);
        else if (p->type == SVC_MSG_HOST_QUERY)
            scm_usage_host_done(p->usage, NULL, 0);
        free(p);
    }
    for (struct scm_service *s = g_scm.services; s; s = s->next) {
        if (s->host == h) {
            if (s->control_host_id)
                scm_control_done(s, ERROR_PROCESS_ABORTED);
            scm_state_event(s, EV_HOST_EXIT, NULL);
            s->host = NULL;
        }
    }
    host_close(h);
    uv_close((uv_handle_t *)&h->proc, handle_closed);
}

/* argv for a host: "svchost -k GROUP" runs the svchost beside scmd with
 * --root (and -s SERVICE for a split instance); any other ImagePath runs
 * as written. */
static char **host_argv(const char *image_path, int svchost, const char *split)
{
    char **words = NULL, **argv;
    int n = svc_split_command_line(image_path, &words);

    if (n <= 0) {
        svc_strv_free(words);
        return NULL;
    }
    argv = calloc((size_t)n + 5, sizeof *argv);
    if (argv == NULL) {
        svc_strv_free(words);
        return NULL;
    }
    for (int i = 0; i < n; i++)
        argv[i] = words[i];
    free(words);
    if (svchost) {
        if (strchr(argv[0], '/') == NULL) {
            free(argv[0]);
            argv[0] = strdup(g_scm.svchost_path);
        }
        argv[n] = strdup("--root");
        argv[n + 1] = strdup(g_scm.root);
        if (split != NULL) {
            argv[n + 2] = strdup("-s");
            argv[n + 3] = strdup(split);
        }
    }
    return argv;
}

static char **host_env(void)
{
    size_t n = 0, k = 0;
    char **env;

    while (environ[n])
        n++;
    env = calloc(n + 3, sizeof *env);
    if (env == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (strncmp(environ[i], "SVCHOST_SCM_FD=", 15) != 0 &&
            strncmp(environ[i], "SVCHOST_ROOT=", 13) != 0 &&
            strncmp(environ[i], "NOTIFY_SOCKET=", 14) != 0 &&
            strncmp(environ[i], "SVCHOST_CONSOLE=", 16) != 0)
            env[k++] = strdup(environ[i]);
    env[k++] = strdup("SVCHOST_SCM_FD=3");
    if (asprintf(&env[k], "SVCHOST_ROOT=%s", g_scm.root) < 0)
        env[k] = NULL;
    return env;
}

static struct scm_host *spawn_host(struct scm_service *s, const char *group, int split, DWORD *err)
{
    struct scm_host *h = calloc(1, sizeof *h);
    uv_process_options_t opt;
    uv_stdio_container_t stdio[4];
    char **argv = NULL, **env = NULL;
    int sv[2] = { -1, -1 }, rc;

    *err = ERROR_NOT_ENOUGH_MEMORY;
    if (h == NULL)
        return NULL;
    svc_frame_acc_init(&h->acc);
    h->group = group ? strdup(group) : NULL;
    h->own_service = group ? NULL : strdup(s->name);
    h->split_service = group && split ? strdup(s->name) : NULL;
    argv = host_argv(s->cfg->image_path, group != NULL, h->split_service);
    env = host_env();
    if (argv == NULL || env == NULL)
        goto fail;
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
        *err = svc_errno_to_win32(-errno);
        goto fail;
    }
    memset(&opt, 0, sizeof opt);
    memset(stdio, 0, sizeof stdio);
    stdio[0].flags = UV_IGNORE;
    stdio[1].flags = UV_INHERIT_FD;
    stdio[1].data.fd = 1;
    stdio[2].flags = UV_INHERIT_FD;
    stdio[2].data.fd = 2;
    stdio[3].flags = UV_INHERIT_FD;
    stdio[3].data.fd = sv[1];
    opt.file = argv[0];
    opt.args = argv;
    opt.env = env;
    opt.stdio = stdio;
    opt.stdio_count = 4;
    opt.exit_cb = on_host_exit;
    h->proc.data = h;
    rc = uv_spawn(g_scm.loop, &h->proc, &opt);
    close(sv[1]);
    sv[1] = -1;
    if (rc != 0) {
        log_warnx("cannot start %s: %s", argv[0], uv_strerror(rc));
        *err = rc == UV_ENOENT ? ERROR_FILE_NOT_FOUND
             : rc == UV_EACCES ? ERROR_ACCESS_DENIED : ERROR_BAD_FORMAT;
        /* uv_spawn failures still need the handle closed. */
        close(sv[0]);
        svc_strv_free(argv);
        svc_strv_free(env);
        h->proc_open = 1;
        uv_close((uv_handle_t *)&h->proc, handle_closed);
        return NULL;
    }
    h->proc_open = 1;
    h->pid = h->proc.pid;
    uv_pipe_init(g_scm.loop, &h->chan, 0);
    h->chan.data = h;
    uv_pipe_open(&h->chan, sv[0]);
    h->chan_open = 1;
    uv_read_start((uv_stream_t *)&h->chan, scm_alloc_cb, on_read);
    h->next = g_scm.hosts;
    g_scm.hosts = h;
    svc_strv_free(argv);
    svc_strv_free(env);
    log_debug("spawned host %d for %s", (int)h->pid, group ? group : s->name);
    *err = NO_ERROR;
    return h;

fail:
    if (sv[0] >= 0)
        close(sv[0]);
    if (sv[1] >= 0)
        close(sv[1]);
    svc_strv_free(argv);
    svc_strv_free(env);
    free(h->group);
    free(h->own_service);
    free(h->split_service);
    svc_frame_acc_free(&h->acc);
    free(h);
    return NULL;
}

/* Whether s runs in a split instance of its group (Windows 10's split
 * hosting): the SCM's threshold, the group's Split and the service's
 * SvcHostSplitDisable decide, read fresh at each start. */
/* svchost.ini as last read; read again only when the file changed (the
 * SCM's own writes replace it, so the inode changes too). */
static const struct svc_groups *groups_now(void)
{
    static struct svc_groups *cached;
    static struct stat seen;
    struct svc_diag diag = { 0 };
    struct stat st;
    char *path;

    if (asprintf(&path, "%s/config/svchost.ini", g_scm.root) < 0)
        return cached;
    if (stat(path, &st) != 0)
        memset(&st, 0, sizeof st);
    free(path);
    if (cached != NULL && st.st_ino == seen.st_ino && st.st_size == seen.st_size &&
        st.st_mtim.tv_sec == seen.st_mtim.tv_sec && st.st_mtim.tv_nsec == seen.st_mtim.tv_nsec)
        return cached;
    svc_groups_free(cached);
    cached = NULL;
    if (svc_config_load_groups(g_scm.root, &cached, &diag) < 0)
        cached = NULL;
    svc_diag_free(&diag);
    seen = st;
    return cached;
}

static int wants_split(const struct scm_service *s, const char *group)
{
    const struct svc_groups *g = groups_now();
    const struct svc_group_config *gc = g ? svc_groups_find(g, group) : NULL;

    return svc_split_decide(g_scm.split_threshold_kb, g_scm.mem_total_kb,
                            gc ? gc->split : SVC_SPLIT_AUTO, s->cfg->split_disable);
}

DWORD scm_host_start_service(struct scm_service *s, char *const *args)
{
    char *group = scm_service_group(s);
    struct scm_host *h = NULL;
    DWORD err = NO_ERROR;
    int split = 0;

    if (group != NULL && (s->cfg->type & SERVICE_WIN32_SHARE_PROCESS)) {
        split = wants_split(s, group);
        /* One process per group, or per service when split: reuse the
         * live host that fits. */
        for (struct scm_host *o = g_scm.hosts; o; o = o->next)
            if (o->group && !o->exiting && strcasecmp(o->group, group) == 0 &&
                (split ? o->split_service && strcasecmp(o->split_service, s->name) == 0
                       : o->split_service == NULL))
                h = o;
    } else {
        free(group);
        group = NULL;
    }
    if (h == NULL)
        h = spawn_host(s, group, split, &err);
    free(group);
    if (h == NULL)
        return err;
    s->host = h;
    s->status.dwProcessId = (DWORD)h->pid;
    if (h->connected)
        return send_start(h, s, args);
    struct scm_queued *q = calloc(1, sizeof *q);
    if (q == NULL)
        return ERROR_NOT_ENOUGH_MEMORY;
    q->svc = s;
    q->args = svc_strv_dup(args);
    /* Appended: STARTs go out in the order they were asked for. */
    struct scm_queued **pp = &h->queued;
    while (*pp)
        pp = &(*pp)->next;
    *pp = q;
    return NO_ERROR;
}

DWORD scm_host_control(struct scm_service *s, DWORD control)
{
    struct scm_host *h = s->host;
    struct svc_wbuf w;
    uint32_t id;
    int rc;

    if (h == NULL || !h->connected || h->exited)
        return ERROR_SERVICE_CANNOT_ACCEPT_CTRL;
    id = ++h->next_id;
    svc_wbuf_init(&w);
    svc_put_str(&w, s->name);
    svc_put_u32(&w, control);
    rc = w.err ? w.err : send_frame(h, SVC_MSG_HOST_CONTROL, id, &w);
    svc_wbuf_free(&w);
    if (rc < 0)
        return ERROR_BROKEN_PIPE;
    add_pending(h, id, s, SVC_MSG_HOST_CONTROL);
    s->control_host_id = id;
    s->control_code = control;
    return NO_ERROR;
}

DWORD scm_host_query(struct scm_host *h, struct scm_usage_job *job)
{
    uint32_t id;
    struct scm_pending *p;

    if (!h->connected || h->exited || !h->chan_open)
        return ERROR_SERVICE_NOT_ACTIVE;
    id = ++h->next_id;
    if (send_frame(h, SVC_MSG_HOST_QUERY, id, NULL) < 0)
        return ERROR_BROKEN_PIPE;
    p = add_pending(h, id, NULL, SVC_MSG_HOST_QUERY);
    if (p == NULL)
        return ERROR_NOT_ENOUGH_MEMORY;
    p->usage = job;
    return NO_ERROR;
}

void scm_host_forget(struct scm_host *h, uint32_t id)
{
    free(take_pending(h, id));
}

void scm_host_kill(struct scm_host *h)
{
    if (!h->exited)
        uv_process_kill(&h->proc, SIGKILL);
}

void scm_host_release_if_idle(struct scm_host *h)
{
    /* Not while anything is in flight: a STOP's answer comes after the
     * STOPPED its handler reported. */
    if (h->exiting || h->exited || scm_host_active_services(h) > 0 || h->pending || h->queued)
        return;
    h->exiting = 1;
    if (h->connected)
        send_frame(h, SVC_MSG_HOST_EXIT, 0, NULL);
    else
        scm_host_kill(h);
}
