/*
 * conn.h - client connections on ROOT/run/scm.sock: accepting them
 * within the caps of scm.ini (MaxConnections, MaxConnectionsPerUser),
 * dropping one that stays mid-frame past FrameTimeoutMs or leaves more
 * than ClientQueueLimitKB of replies unread, and the replies themselves.
 *
 * A request that is answered later holds its client through a waiter
 * (scm.h): the connection stays allocated, though perhaps closed, until
 * every waiter on it is released.
 */
#ifndef SCM_CONN_H
#define SCM_CONN_H

#include "scm.h"
#include "proto.h"

/* One whole request frame from a client.  Returns 0, or a negative errno
 * to close that connection (a malformed request). */
typedef int scm_request_fn(struct scm *scm, struct scm_client *c, const struct scm_caller *who,
                           const struct svc_frame_header *h, const uint8_t *payload);

/* Binds and listens on the socket (anyone may connect; what each may do
 * is decided per request).  0, or a negative errno. */
int scm_conn_listen(struct scm *scm, const char *sock_path, scm_request_fn *on_request);
/* No new connections (shutdown); open ones stay. */
void scm_conn_stop_listening(struct scm *scm);
/* Closes every connection and frees the table once they have closed. */
void scm_conn_close_all(struct scm *scm);

/* Replies.  Each does nothing when w has no client or it has closed; a
 * client whose queue is full is dropped (and logged with its uid). */
void scm_reply_error(struct scm *scm, const struct scm_waiter *w, DWORD err);
void scm_reply_status(struct scm *scm, const struct scm_waiter *w, DWORD err,
                      const SERVICE_STATUS_PROCESS *st);
/* A whole reply payload (its u32 error included). */
void scm_reply_buffer(struct scm *scm, const struct scm_waiter *w, const struct svc_wbuf *b);

/*
 * Service handles.  Windows removes a deleted service only once every
 * handle to it is closed (DeleteService), so the SCM counts, per
 * connection, the handles its client holds on each service, by the
 * service's key name.  Closing the connection closes them all (and asks
 * for a sweep).
 */
/* One more handle of c on the service name.  0 or -ENOMEM. */
int scm_conn_handle_open(struct scm_client *c, const char *name);
/* One handle fewer; a sweep is asked for when the last one of c goes.
 * 0, or -ENOENT if c holds none on name. */
int scm_conn_handle_close(struct scm *scm, struct scm_client *c, const char *name);
/* How many handles every open connection holds on the service name. */
unsigned scm_conn_handles_on(const struct scm *scm, const char *name);

/* A line about a client of user uid (a refused request, a dropped
 * connection), under the limit of the lines about that user's clients
 * (at most 10 a second, then a count of those suppressed), so that a
 * flood of requests does not become a flood of log lines nor keep other
 * users' lines out.  Nothing before scm_conn_listen. */
void scm_conn_log(struct scm *scm, uid_t uid, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Keeps w's client allocated until scm_waiter_release; returns w. */
struct scm_waiter scm_waiter_hold(struct scm_waiter w);
/* Lets the client go and clears w. */
void scm_waiter_release(struct scm *scm, struct scm_waiter *w);

#endif
