/*
 * client.h - internals of the SCM client API (winsvc.h "Control side"):
 * SC_HANDLE objects and the scmd connection they share.
 *
 * Internal functions return 0, a negative errno for a local failure, or
 * a positive Win32 error code: the error scmd replied with, or a Win32
 * rule checked on this side (ERROR_INVALID_HANDLE, ERROR_ACCESS_DENIED).
 * The public functions in client.c turn that into SetLastError() once,
 * with svc_client_error().
 */
#ifndef SVC_CLIENT_H
#define SVC_CLIENT_H

#include "win32.h"
#include <stdint.h>

#include <svchost/winsvc.h>

#include "proto.h"

/* The Win32 error for an internal result r (see above); r must not be 0.
 *   -EPIPE, -ECONNRESET   ERROR_BROKEN_PIPE (scmd went away);
 *   -EPROTO, -EMSGSIZE    ERROR_INVALID_DATA (a malformed reply);
 *   other errno           svc_errno_to_win32(). */
DWORD svc_client_error(int r);

/* Access rights: svc_map_manager_access and svc_map_service_access are
 * in win32.h (scmd's access checks use them too). */

/* ---- The connection to scmd ------------------------------------------ */

struct svc_conn;

/* machine NULL: connects to ROOT/run/scm.sock (ROOT =
 * svc_default_root()), with SOCK_CLOEXEC.  Otherwise starts the ssh
 * client for that machine as the transport (remote.h); nothing has been
 * said to it yet, so a host that cannot be reached shows only at the
 * first request (see svc_conn_first_error).  The new connection has one
 * reference.  0, -ENOMEM, the errno of socket()/connect()
 * (-ENAMETOOLONG for a root too long for a socket address), or of
 * svc_remote_start. */
int svc_conn_open(const char *machine, struct svc_conn **out);
/* What the failure rc of the first request on a new connection means:
 * for an ssh connection whose stream ended (-EPIPE) or did not carry the
 * protocol (-EPROTO, -EMSGSIZE), the Win32 error of svc_remote_failed
 * (ERROR_ACCESS_DENIED or RPC_S_SERVER_UNAVAILABLE), the reason being
 * logged; otherwise rc itself. */
int svc_conn_first_error(struct svc_conn *c, int rc);
/* Whether c is the local socket (not a remote one over ssh). */
int svc_conn_local(const struct svc_conn *c);
/* Whether c is the local socket and scmd has not closed it (poll, no
 * wait): a status read from the shared table is then this scmd's. */
int svc_conn_local_alive(struct svc_conn *c);
void svc_conn_ref(struct svc_conn *c);
/* Drops one reference; the last closes the socket and, for ssh, waits
 * for the child to end and reaps it (remote.h, svc_remote_end). */
void svc_conn_unref(struct svc_conn *c);

/* Returns when fd has a reply to read, or when waiting longer without
 * sleeping is not worth it (see sc_handle.c): the caller then reads it,
 * blocking, and calls svc_conn_waited.  The benchmark's floor waits the
 * same way. */
void svc_conn_wait_reply(int fd);
void svc_conn_waited(void);

/* A reply being read: r is positioned after the leading u32 error. */
struct svc_reply {
    uint8_t *payload;
    struct svc_rbuf r;
};

/*
 * Sends one request and waits for its SVC_MSG_REPLY.  Requests on one
 * connection are serialized, so any thread may call this.
 * Returns:
 *   0          the reply said NO_ERROR; rep holds the rest of the payload
 *              (the caller decodes it, then calls svc_reply_finish);
 *   > 0        the Win32 error the reply carried (rep is empty);
 *   -EPIPE     the connection is gone (now, or by an earlier failure);
 *   -EPROTO    a reply that is not a reply to this request, or whose
 *              error field is missing or followed by bytes;
 *   -EMSGSIZE  a reply frame over the limits;
 *   -ENOMEM.
 * Any failure other than a Win32 error leaves the connection unusable:
 * later calls fail with -EPIPE, as the protocol closes a connection
 * after a bad frame.
 */
int svc_conn_call(struct svc_conn *c, uint16_t type, const struct svc_wbuf *req,
                  struct svc_reply *rep);

/* Ends the decoding of a reply: 0 if every field decoded and nothing
 * was left over, else the decoding error (-EPROTO or -ENOMEM), after
 * which the connection is unusable as with svc_conn_call.  Frees rep. */
int svc_reply_finish(struct svc_conn *c, struct svc_reply *rep);

/* ---- Handles ---------------------------------------------------------- */

enum svc_handle_kind {
    SVC_HANDLE_ANY = 0, /* for svc_handle_get only */
    SVC_HANDLE_MANAGER = 1,
    SVC_HANDLE_SERVICE = 2,
};

/* The object behind an SC_HANDLE.  Fields other than refs and the
 * registry links never change after creation. */
struct SC_HANDLE__ {
    uint32_t magic;
    enum svc_handle_kind kind;
    DWORD access;                     /* granted rights, GENERIC_* mapped */
    struct svc_conn *conn;            /* shared with the other handles of one manager */
    char *name;                       /* the service's key name; NULL for a manager */
    struct svc_msg_slot slot;         /* its status in the shared table (set at open) */
    unsigned refs;                    /* one for being open, one per call in progress */
    struct SC_HANDLE__ *next, *prev;  /* registry of open handles */
};

/* Creates an open handle: takes a reference on conn and a copy of name.
 * NULL when out of memory. */
SC_HANDLE svc_handle_new(enum svc_handle_kind kind, struct svc_conn *conn, DWORD access,
                         const char *name);

/* Looks h up among the open handles without touching *h first, so a NULL,
 * stale or foreign pointer is refused, not dereferenced.  On success the
 * handle is kept alive until svc_handle_put, even if another thread closes
 * it meanwhile.  0, or ERROR_INVALID_HANDLE when h is not an open handle
 * of that kind (SVC_HANDLE_ANY: of either kind). */
int svc_handle_get(SC_HANDLE h, enum svc_handle_kind kind);
void svc_handle_put(SC_HANDLE h);

/* Closes h: no later call can use it; it is freed once calls in progress
 * on it are done.  0 or ERROR_INVALID_HANDLE. */
int svc_handle_close(SC_HANDLE h);

#endif
