/*
 * peer.c - framed connections that never block the loop (see peer.h).
 */
#include "peer.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void alloc_cb(uv_handle_t *handle, size_t suggested, uv_buf_t *buf)
{
    struct scm_peer *p = handle->data;
    (void)suggested;
    /* One buffer serves every read: the loop is single-threaded and each
     * read callback consumes its bytes before returning. */
    buf->base = (char *)p->scm->read_buf;
    buf->len = SCM_READ_BUF_SIZE;
}

/* Returned by frame_cb when the peer's budget for this turn is spent. */
#define BUDGET_SPENT 1

static int frame_cb(void *ctx, const struct svc_frame_header *h, const uint8_t *payload)
{
    struct scm_peer *p = ctx;
    int rc;

    if (p->closing)
        return -ECANCELED;
    if (p->turn != p->scm->turn) {
        p->turn = p->scm->turn;
        p->used = 0;
    }
    rc = p->ops->frame(p->ctx, h, payload);
    if (rc == 0 && p->budget && ++p->used >= p->budget)
        return BUDGET_SPENT;
    return rc;
}

static void unpause(struct scm_peer *p)
{
    for (struct scm_peer **pp = &p->scm->paused; *pp; pp = &(*pp)->next_paused) {
        if (*pp == p) {
            *pp = p->next_paused;
            break;
        }
    }
    p->paused = 0;
    p->next_paused = NULL;
}

/* Keeps len bytes for the next turn and stops reading until then. */
static int pause_with(struct scm_peer *p, const uint8_t *rest, size_t len)
{
    if (len > 0) {
        uint8_t *grown = realloc(p->backlog, p->backlog_len - p->backlog_off + len);
        if (grown == NULL)
            return -ENOMEM;
        memmove(grown, grown + p->backlog_off, p->backlog_len - p->backlog_off);
        p->backlog = grown;
        p->backlog_len -= p->backlog_off;
        p->backlog_off = 0;
        memcpy(p->backlog + p->backlog_len, rest, len);
        p->backlog_len += len;
    }
    if (!p->paused) {
        uv_read_stop((uv_stream_t *)&p->pipe);
        p->paused = 1;
        p->next_paused = p->scm->paused;
        p->scm->paused = p;
    }
    return 0;
}

/* Feeds bytes to the accumulator; what the budget leaves waits. */
static int feed(struct scm_peer *p, const uint8_t *data, size_t len, int from_backlog)
{
    size_t used = 0;
    int rc = svc_frame_acc_feed_some(&p->acc, data, len, frame_cb, p, &used);

    if (rc == BUDGET_SPENT && !p->closing) {
        if (from_backlog) {
            p->backlog_off += used;
            rc = pause_with(p, NULL, 0);
        } else {
            rc = pause_with(p, data + used, len - used);
        }
    } else if (rc == 0 && from_backlog) {
        p->backlog_off = p->backlog_len;
    }
    if (p->closing)
        return 0;
    if (rc < 0) {
        p->ops->error(p->ctx, rc);
        return rc;
    }
    if (!svc_frame_acc_partial(&p->acc))
        p->partial_since = 0;
    else if (p->partial_since == 0)
        p->partial_since = uv_now(p->scm->loop) + 1;   /* never 0 */
    return 0;
}

static void on_read(uv_stream_t *stream, ssize_t n, const uv_buf_t *buf)
{
    struct scm_peer *p = stream->data;

    if (n == 0 || p->closing)
        return;
    if (n < 0) {
        p->ops->error(p->ctx, -EPIPE);
        return;
    }
    if (p->paused)
        pause_with(p, (const uint8_t *)buf->base, (size_t)n);
    else
        feed(p, (const uint8_t *)buf->base, (size_t)n, 0);
}

void scm_peer_set_budget(struct scm_peer *p, unsigned budget)
{
    p->budget = budget;
}

void scm_peers_next_turn(struct scm *scm)
{
    struct scm_peer *list = scm->paused;

    scm->turn++;
    scm->paused = NULL;
    while (list) {
        struct scm_peer *p = list;
        list = p->next_paused;
        p->paused = 0;
        p->next_paused = NULL;
        if (p->closing)
            continue;
        if (p->backlog_off < p->backlog_len &&
            feed(p, p->backlog + p->backlog_off, p->backlog_len - p->backlog_off, 1) < 0)
            continue;
        if (p->closing || p->paused)
            continue;
        free(p->backlog);
        p->backlog = NULL;
        p->backlog_len = p->backlog_off = 0;
        uv_read_start((uv_stream_t *)&p->pipe, alloc_cb, on_read);
    }
}

int scm_peer_init(struct scm *scm, struct scm_peer *p, const struct scm_peer_ops *ops, void *ctx,
                  size_t limit)
{
    int rc;

    memset(p, 0, sizeof *p);
    p->scm = scm;
    p->ops = ops;
    p->ctx = ctx;
    p->limit = limit;
    svc_frame_acc_init(&p->acc);
    rc = uv_pipe_init(scm->loop, &p->pipe, 0);
    if (rc != 0)
        return rc;
    p->pipe.data = p;
    p->req.data = p;
    p->open = 1;
    return 0;
}

int scm_peer_open_fd(struct scm_peer *p, int fd)
{
    return uv_pipe_open(&p->pipe, fd);
}

int scm_peer_start(struct scm_peer *p)
{
    return uv_read_start((uv_stream_t *)&p->pipe, alloc_cb, on_read);
}

static void write_done(uv_write_t *req, int status);

/* Starts writing what is pending, when no write is in flight. */
static void flush(struct scm_peer *p)
{
    uv_buf_t buf;

    if (p->writing || p->pend_len == 0 || p->closing)
        return;
    /* The pending buffer goes out as it is; the next sends start a new
     * one, so at most two buffers exist: in flight, and pending. */
    p->fly = p->pend;
    p->fly_len = p->pend_len;
    p->pend = NULL;
    p->pend_len = p->pend_cap = 0;
    buf = uv_buf_init((char *)p->fly, (unsigned)p->fly_len);
    if (uv_write(&p->req, (uv_stream_t *)&p->pipe, &buf, 1, write_done) != 0) {
        free(p->fly);
        p->fly = NULL;
        p->fly_len = 0;
        return;
    }
    p->writing = 1;
}

static void write_done(uv_write_t *req, int status)
{
    struct scm_peer *p = req->data;

    (void)status;
    p->writing = 0;
    free(p->fly);
    p->fly = NULL;
    p->fly_len = 0;
    flush(p);
}

/* Appends n bytes to the pending buffer, which grows to what is needed
 * but never past the peer's limit.  0 or -ENOMEM. */
static int append(struct scm_peer *p, const uint8_t *data, size_t n)
{
    if (p->pend_len + n > p->pend_cap) {
        size_t cap = p->pend_cap ? p->pend_cap * 2 : 4096;
        uint8_t *grown;
        if (cap < p->pend_len + n)
            cap = p->pend_len + n;
        if (cap > p->limit && p->limit >= p->pend_len + n)
            cap = p->limit;
        grown = realloc(p->pend, cap);
        if (grown == NULL)
            return -ENOMEM;
        p->pend = grown;
        p->pend_cap = cap;
    }
    memcpy(p->pend + p->pend_len, data, n);
    p->pend_len += n;
    return 0;
}

size_t scm_peer_queued(const struct scm_peer *p)
{
    return p->pend_len + p->fly_len;
}

int scm_peer_send(struct scm_peer *p, uint16_t type, uint32_t id, const struct svc_wbuf *payload)
{
    struct svc_frame_header h = { type, id, payload ? (uint32_t)payload->len : 0 };
    uint8_t hdr[SVC_PROTO_HEADER_SIZE];
    uv_buf_t bufs[2];
    size_t total, done = 0;
    int n;

    if (payload && payload->err)
        return payload->err;
    if (p->closing || !p->open)
        return -EPIPE;
    total = SVC_PROTO_HEADER_SIZE + h.length;
    if (scm_peer_queued(p) + total > p->limit)
        return -ENOBUFS;
    svc_header_pack(hdr, &h);
    /* Straight to the socket when nothing waits before this frame. */
    if (scm_peer_queued(p) == 0) {
        bufs[0] = uv_buf_init((char *)hdr, SVC_PROTO_HEADER_SIZE);
        bufs[1] = uv_buf_init(payload ? (char *)payload->data : NULL, h.length);
        n = uv_try_write((uv_stream_t *)&p->pipe, bufs, h.length ? 2 : 1);
        if (n > 0)
            done = (size_t)n;
        else if (n != UV_EAGAIN)
            return n == UV_EPIPE || n == UV_ECONNRESET ? -EPIPE : n;
    }
    if (done == total)
        return 0;
    /* The bytes the socket did not take: the rest of the header, then
     * the rest of the payload. */
    if (done < SVC_PROTO_HEADER_SIZE) {
        if (append(p, hdr + done, SVC_PROTO_HEADER_SIZE - done) < 0 ||
            (h.length && append(p, payload->data, h.length) < 0))
            return -ENOMEM;
    } else if (append(p, payload->data + (done - SVC_PROTO_HEADER_SIZE), total - done) < 0) {
        return -ENOMEM;
    }
    flush(p);
    return 0;
}

static void peer_closed(uv_handle_t *h)
{
    struct scm_peer *p = h->data;
    svc_frame_acc_free(&p->acc);
    free(p->pend);
    p->pend = NULL;
    p->pend_len = p->pend_cap = 0;
    free(p->backlog);
    p->backlog = NULL;
    p->backlog_len = p->backlog_off = 0;
    p->open = 0;
    p->ops->closed(p->ctx);
}

void scm_peer_close(struct scm_peer *p)
{
    if (p->closing || !p->open)
        return;
    p->closing = 1;
    if (p->paused)
        unpause(p);
    uv_read_stop((uv_stream_t *)&p->pipe);
    uv_close((uv_handle_t *)&p->pipe, peer_closed);
}

uint64_t scm_peer_partial_ms(const struct scm_peer *p)
{
    if (p->partial_since == 0)
        return 0;
    return uv_now(p->scm->loop) + 1 - p->partial_since;
}

int scm_peer_fd(const struct scm_peer *p)
{
    uv_os_fd_t fd;
    if (!p->open || uv_fileno((const uv_handle_t *)&p->pipe, &fd) != 0)
        return -1;
    return fd;
}
