/*
 * peer.h - one framed connection (a client's or a host's) that never
 * blocks the loop.
 *
 * Writes go out at once when the socket takes them; what it does not
 * take waits in one pending buffer, written by the loop (one write in
 * flight at a time) as the peer reads, so the memory a slow peer costs
 * is the bytes it has not read, at most twice its cap.  The queue has a cap: a send that would pass it is refused
 * and the owner decides (a client is dropped, a host is handled as hung).
 * Reads feed a frame accumulator whose buffer grows only with the bytes
 * received.  A peer with a budget has at most that many frames handled
 * per loop turn, so a flood from one client delays the others by one
 * budget's worth of work, not by everything it sent.  A peer that stays mid-frame is timed by its owner through
 * scm_peer_partial_ms.
 */
#ifndef SCM_PEER_H
#define SCM_PEER_H

#include "scm.h"
#include "proto.h"

struct scm_peer;

struct scm_peer_ops {
    /* A whole frame arrived; return 0 to go on, or a negative errno to
     * stop reading (error is then called with it). */
    int (*frame)(void *ctx, const struct svc_frame_header *h, const uint8_t *payload);
    /* The stream failed: -EPIPE end of file, -EPROTO/-EMSGSIZE a bad
     * frame, or what frame returned.  The owner closes the peer. */
    void (*error)(void *ctx, int err);
    /* The handle is closed (after scm_peer_close): the owner may free. */
    void (*closed)(void *ctx);
};

struct scm_peer {
    struct scm *scm;
    uv_pipe_t pipe;
    struct svc_frame_acc acc;
    const struct scm_peer_ops *ops;
    void *ctx;
    uint8_t *pend;          /* bytes waiting for the write in flight */
    size_t pend_len, pend_cap;
    uint8_t *fly;           /* the write in flight (one at a time) */
    size_t fly_len;
    uv_write_t req;
    int writing;
    size_t limit;           /* cap on pending + in-flight bytes */
    uint64_t partial_since; /* loop time (ms) a frame began arriving, 0: none */
    int open, closing;

    /* Fair reading: at most `budget` frames a loop turn (0: no limit).
     * Bytes read past the budget wait in the backlog, and the peer is
     * not read again until scm_peers_next_turn has fed them. */
    unsigned budget, used;
    uint64_t turn;
    uint8_t *backlog;
    size_t backlog_len, backlog_off;
    int paused;
    struct scm_peer *next_paused;
};

/* Initialises p on the loop (its pipe handle ready for uv_accept or
 * scm_peer_open_fd).  0 or a negative errno. */
int scm_peer_init(struct scm *scm, struct scm_peer *p, const struct scm_peer_ops *ops, void *ctx,
                  size_t limit);
/* At most budget frames from p each loop turn (0: no limit). */
void scm_peer_set_budget(struct scm_peer *p, unsigned budget);
/* A new loop turn: peers paused by their budget go on (called once per
 * loop iteration, after I/O). */
void scm_peers_next_turn(struct scm *scm);
/* Takes fd (a connected stream socket) over.  0 or a negative errno. */
int scm_peer_open_fd(struct scm_peer *p, int fd);
/* Starts reading.  0 or a negative errno. */
int scm_peer_start(struct scm_peer *p);
/* Sends one frame (payload may be NULL).  0 when written or queued;
 * -ENOBUFS when it would pass the queue's cap (nothing sent); -EPIPE
 * when the peer is closing; payload->err if a put failed; -ENOMEM. */
int scm_peer_send(struct scm_peer *p, uint16_t type, uint32_t id, const struct svc_wbuf *payload);
/* Bytes accepted by scm_peer_send that the socket has not taken yet. */
size_t scm_peer_queued(const struct scm_peer *p);
/* Stops reading, drops what is queued and closes; ops->closed follows.
 * Safe to call more than once. */
void scm_peer_close(struct scm_peer *p);
/* How long (ms) the peer has been mid-frame, 0 if it is not. */
uint64_t scm_peer_partial_ms(const struct scm_peer *p);
/* The socket's descriptor, -1 if none. */
int scm_peer_fd(const struct scm_peer *p);

#endif
