/*
 * svc-remote [--root DIR]
 * svc-remote --help | --version
 *
 * The remote end of remote administration (docs/remote.md): run by sshd
 * as the command of an SSH session, it joins its standard input and
 * output to this machine's scmd client socket, byte for byte.  scmd sees
 * svc-remote's user, the SSH login user, through SO_PEERCRED and checks
 * that user's rights as for any local caller.
 *
 * The socket is found as every client finds it: ROOT/run/scm.sock (or the
 * system layout), ROOT being --root DIR, else $SVCHOST_ROOT, else the
 * system state directory (lib/paths.c, compiled in: svc-remote needs no
 * libsvc).
 *
 * Each direction has its own buffer and every descriptor is non-blocking
 * under one poll(), so a peer that stops reading holds up only the bytes
 * meant for it.  The end of the input is passed on to scmd as a
 * half-close; the session ends when scmd closes its side (what it sent
 * is written out first), or when either side fails.
 *
 * Exit codes: 0 the session ended; 1 scmd could not be reached (the
 * reason on standard error, which ssh carries back to the client) or the
 * stream failed; 2 usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "paths.h"

#define BUF_SIZE 65536

struct dir {
    int from, to;
    char buf[BUF_SIZE];
    size_t len;
    int eof;            /* `from` has ended */
};

static void usage(FILE *f)
{
    fputs("usage: svc-remote [--root DIR]\n"
          "Joins standard input and output to the local scmd's client socket;\n"
          "run by sshd for `sc \\\\HOST` and OpenSCManager(\"\\\\\\\\HOST\").\n",
          f);
}

static int set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);

    return fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 ? -1 : 0;
}

/* A socket connected to scmd; exits 1 with the reason when there is none. */
static int connect_scmd(const char *root)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    char *path = svc_scm_socket_path(root);
    int fd, rc;

    if (path == NULL)
        fatalx("cannot reach scmd: the socket path under %s is too long", root);
    strcpy(sa.sun_path, path); /* svc_scm_socket_path checked the length */
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        fatal("cannot reach scmd: socket");
    do
        rc = connect(fd, (struct sockaddr *)&sa, sizeof sa);
    while (rc < 0 && errno == EINTR);
    /* ENOENT or ECONNREFUSED: no scmd runs on this root. */
    if (rc < 0)
        fatal("cannot reach scmd at %s", path);
    free(path);
    return fd;
}

/* Reads what fits into d's buffer.  0, or -1 when the stream failed. */
static int fill(struct dir *d)
{
    ssize_t n;

    if (d->eof || d->len == sizeof d->buf)
        return 0;   /* a read of 0 bytes would look like the end */
    n = read(d->from, d->buf + d->len, sizeof d->buf - d->len);

    if (n > 0) {
        d->len += (size_t)n;
        return 0;
    }
    if (n == 0 || errno == ECONNRESET) {
        d->eof = 1;
        return 0;
    }
    return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1;
}

/* Writes what d holds.  0, or -1 when the reader has gone. */
static int flush(struct dir *d)
{
    ssize_t n = write(d->to, d->buf, d->len);

    if (n >= 0) {
        memmove(d->buf, d->buf + n, d->len - (size_t)n);
        d->len -= (size_t)n;
        return 0;
    }
    return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1;
}

static int relay(int sock)
{
    static struct dir up, down;     /* to scmd, from scmd */
    int shut = 0;

    up.from = STDIN_FILENO;
    up.to = sock;
    down.from = sock;
    down.to = STDOUT_FILENO;
    if (set_nonblock(STDIN_FILENO) < 0 || set_nonblock(STDOUT_FILENO) < 0 ||
        set_nonblock(sock) < 0)
        fatal("fcntl");
    for (;;) {
        short in_ev = !up.eof && up.len < BUF_SIZE ? POLLIN : 0;
        short sock_ev = (!down.eof && down.len < BUF_SIZE ? POLLIN : 0) |
                        (up.len > 0 ? POLLOUT : 0);
        /* A descriptor with nothing wanted is left out (-1): a hung-up
         * one would report POLLHUP at once, forever.  Standard output
         * stays in: POLLERR there says the session's reader has gone. */
        struct pollfd p[3] = {
            {.fd = in_ev ? STDIN_FILENO : -1, .events = in_ev},
            {.fd = sock_ev ? sock : -1, .events = sock_ev},
            {.fd = STDOUT_FILENO, .events = down.len > 0 ? POLLOUT : 0},
        };

        if (poll(p, 3, -1) < 0) {
            if (errno == EINTR)
                continue;
            fatal("poll");
        }
        if ((p[0].revents & (POLLIN | POLLHUP | POLLERR)) && fill(&up) < 0)
            fatal("reading the session");
        if ((p[1].revents & POLLOUT) && flush(&up) < 0)
            return 0;       /* scmd closed the connection */
        if ((p[1].revents & (POLLIN | POLLHUP | POLLERR)) && fill(&down) < 0)
            return 0;
        if ((p[2].revents & POLLOUT) && flush(&down) < 0)
            return 0;       /* the session is gone */
        if ((p[2].revents & (POLLERR | POLLHUP)) && !(p[2].revents & POLLOUT))
            return 0;
        if (up.eof && up.len == 0 && !shut) {
            /* The client is done: scmd answers what it has and closes. */
            shutdown(sock, SHUT_WR);
            shut = 1;
        }
        if (down.eof && down.len == 0)
            return 0;
    }
}

int main(int argc, char **argv)
{
    const char *root = NULL;
    int sock;

    log_init("svc-remote", SVC_LOG_INFO);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(argv[i], "--version") == 0) {
            printf("svc-remote (svchost) %s\n", SVCHOST_VERSION);
            return 0;
        } else if (strcmp(argv[i], "--root") == 0 && i + 1 < argc && argv[i + 1][0] != '\0') {
            root = argv[++i];
        } else if (strncmp(argv[i], "--root=", 7) == 0 && argv[i][7] != '\0') {
            root = argv[i] + 7;
        } else {
            fprintf(stderr, "svc-remote: %s: %s\n", argv[i],
                    strncmp(argv[i], "--root", 6) == 0 ? "needs a directory" : "unknown option");
            usage(stderr);
            return 2;
        }
    }
    /* A vanished peer is an error from write(), not a signal. */
    signal(SIGPIPE, SIG_IGN);
    if (root == NULL)
        root = svc_default_root();
    sock = connect_scmd(root);
    return relay(sock);
}
