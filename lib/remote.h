/*
 * remote.h - reaching the scmd of another machine: the ssh client as the
 * transport of a client connection (docs/remote.md).
 *
 * OpenSCManagerA("\\\\HOST") runs `ssh -T -o BatchMode=yes -- HOST
 * svc-remote` (or $SVCHOST_SSH in place of `ssh`) with one end of a
 * socketpair as its standard input and output; svc-remote on HOST joins
 * that stream to HOST's scmd.  The other end is the connection's
 * descriptor, used exactly as the local socket is (sc_handle.c): the
 * protocol does not change, and scmd sees the SSH login user.
 */
#ifndef SVC_REMOTE_H
#define SVC_REMOTE_H

#include <sys/types.h>

#include "win32.h"

/* The command run in place of `ssh` when set and not empty. */
#define SVC_SSH_ENV "SVCHOST_SSH"
/* What ssh runs on the remote machine (found in its PATH). */
#define SVC_REMOTE_COMMAND "svc-remote"

/*
 * Whether a machine name of OpenSCManagerA is this machine, reached over
 * the local socket without ssh: NULL, "", "." (with or without "\\")
 * always; "localhost", "127.0.0.1", "::1" and this host's name (also
 * without its domain) too, unless $SVCHOST_SSH is set, in which case
 * every named machine goes through it.  In any case.  1 or 0.
 */
int svc_machine_is_local(const char *machine);

/* The ssh child of a connection: pid 0 once reaped (or for none). */
struct svc_remote {
    pid_t pid;
    int errfd;          /* ssh's standard error: a memfd, -1 if none */
    char *host;
};

/*
 * Starts the ssh client for `host` (a machine name, "\\" allowed in
 * front).  *fd gets the local end of its standard input and output, a
 * SOCK_CLOEXEC stream socket.  0; -ENOMEM; or the errno of socketpair,
 * memfd_create or posix_spawn (-ENOENT: no ssh, or no /bin/sh for
 * $SVCHOST_SSH), which is logged with the host's name.
 */
int svc_remote_start(const char *host, struct svc_remote *r, int *fd);

/*
 * The Win32 answer for a connection whose first request failed with the
 * transport error rc before scmd answered (the caller has shut the
 * socket down): -EPIPE when the stream ended, -EPROTO or -EMSGSIZE when
 * what came back was not the protocol (a login script that writes to
 * the session, say; logged as such).  Waits for ssh to exit and logs
 * what it wrote on its standard error.  ERROR_ACCESS_DENIED when ssh
 * could not authenticate ("Permission denied", exit status 255), else
 * RPC_S_SERVER_UNAVAILABLE (no route, refused, host key not trusted, no
 * svc-remote there, no scmd there, not the protocol).
 */
DWORD svc_remote_failed(struct svc_remote *r, int rc);

/* Ends the child once the caller has closed its end of the stream:
 * waits a little for ssh to exit on the end of its input, then
 * terminates it, and reaps it.  Frees what r holds. */
void svc_remote_end(struct svc_remote *r);

#endif
