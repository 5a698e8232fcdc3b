/*
 * peer.c - framed connections that never block the loop (see peer.h).
 */
#include "peer.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct write_req {
    uv_write_t req;
    struct scm_peer *peer;
    size_t len;
    uint8_t data[];
};

static void alloc_cb(uv_handle_t *handle, size_t suggested, uv_buf_t *buf)
{
    struct scm_peer *p = handle->data;
    (void)suggested;
    /* One buffer serves every read: the loop is single-threaded and each
     * read callback consumes its bytes before returning. */
    buf->base = (char *)p->scm->read_buf;
    buf->len = SCM_READ_BUF_SIZE;
}

static int frame_cb(void *ctx, const struct svc_frame_header *h, const uint8_t *payload)
{
    struct scm_peer *p = ctx;
    if (p->closing)
        return -ECANCELED;
    return p->ops->frame(p->ctx, h, payload);
}

static void on_read(uv_stream_t *stream, ssize_t n, const uv_buf_t *buf)
{
    struct scm_peer *p = stream->data;
    int rc;

    if (n == 0 || p->closing)
        return;
    if (n < 0) {
        p->ops->error(p->ctx, -EPIPE);
        return;
    }
    rc = svc_frame_acc_feed(&p->acc, (const uint8_t *)buf->base, (size_t)n, frame_cb, p);
    if (p->closing)
        return;
    if (rc < 0) {
        p->ops->error(p->ctx, rc);
        return;
    }
    if (!svc_frame_acc_partial(&p->acc))
        p->partial_since = 0;
    else if (p->partial_since == 0)
        p->partial_since = uv_now(p->scm->loop) + 1;   /* never 0 */
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

static void write_done(uv_write_t *req, int status)
{
    struct write_req *w = (struct write_req *)req;
    (void)status;
    w->peer->queued -= w->len;
    free(w);
}

int scm_peer_send(struct scm_peer *p, uint16_t type, uint32_t id, const struct svc_wbuf *payload)
{
    struct svc_frame_header h = { type, id, payload ? (uint32_t)payload->len : 0 };
    uint8_t hdr[SVC_PROTO_HEADER_SIZE];
    uv_buf_t bufs[2];
    size_t total, done = 0;
    struct write_req *w;
    int n;

    if (payload && payload->err)
        return payload->err;
    if (p->closing || !p->open)
        return -EPIPE;
    total = SVC_PROTO_HEADER_SIZE + h.length;
    if (p->queued + total > p->limit)
        return -ENOBUFS;
    svc_header_pack(hdr, &h);
    bufs[0] = uv_buf_init((char *)hdr, SVC_PROTO_HEADER_SIZE);
    bufs[1] = uv_buf_init(payload ? (char *)payload->data : NULL, h.length);
    /* Straight to the socket when nothing waits before this frame. */
    if (p->queued == 0) {
        n = uv_try_write((uv_stream_t *)&p->pipe, bufs, h.length ? 2 : 1);
        if (n > 0)
            done = (size_t)n;
        else if (n != UV_EAGAIN)
            return n == UV_EPIPE || n == UV_ECONNRESET ? -EPIPE : n;
    }
    if (done == total)
        return 0;
    w = malloc(sizeof *w + (total - done));
    if (w == NULL)
        return -ENOMEM;
    w->peer = p;
    w->len = total - done;
    /* The bytes the socket did not take: the rest of the header, then
     * the rest of the payload. */
    if (done < SVC_PROTO_HEADER_SIZE) {
        memcpy(w->data, hdr + done, SVC_PROTO_HEADER_SIZE - done);
        if (h.length)
            memcpy(w->data + SVC_PROTO_HEADER_SIZE - done, payload->data, h.length);
    } else {
        memcpy(w->data, payload->data + (done - SVC_PROTO_HEADER_SIZE), total - done);
    }
    bufs[0] = uv_buf_init((char *)w->data, (unsigned)w->len);
    if (uv_write(&w->req, (uv_stream_t *)&p->pipe, bufs, 1, write_done) != 0) {
        free(w);
        return -EPIPE;
    }
    p->queued += w->len;
    return 0;
}

static void peer_closed(uv_handle_t *h)
{
    struct scm_peer *p = h->data;
    svc_frame_acc_free(&p->acc);
    p->open = 0;
    p->ops->closed(p->ctx);
}

void scm_peer_close(struct scm_peer *p)
{
    if (p->closing || !p->open)
        return;
    p->closing = 1;
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
