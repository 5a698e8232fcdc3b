/*
 * echo.c - TCP echo service on 127.0.0.1.
 *
 * [Parameters]
 *   Port   TCP port to listen on (default 7007; 0 picks a free port, which
 *          is logged).
 *
 * One poll() loop on the ServiceMain thread serves every client; the
 * control handler wakes it through a self-pipe to stop.  A client whose
 * echo cannot be sent yet is not read from until it drains, so a client
 * that never reads cannot make the service buffer without bound.
 *
 * Exit codes reported with SERVICE_STOPPED:
 *   NO_ERROR                      stopped by SERVICE_CONTROL_STOP;
 *   ERROR_INVALID_DATA            Port is not a number in 0..65535;
 *   ERROR_SERVICE_SPECIFIC_ERROR  with dwServiceSpecificExitCode = errno
 *                                 of the failed socket, bind or listen (or
 *                                 of a failed poll while running).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <svchost/svchost.h>

#define ECHO_DEFAULT_PORT  7007
#define ECHO_MAX_CLIENTS   1000     /* more connections wait in the backlog */
#define ECHO_BUF_SIZE      4096
#define ECHO_START_HINT_MS 3000
#define ECHO_STOP_HINT_MS  3000
#define ECHO_BACKOFF_MS    100      /* after accept() ran out of descriptors */

/* Services may start concurrently, and each start pushes the table. */
static const SVCHOST_GLOBALS *_Atomic globals;

#define ECHO_LOG(e, level, ...)                                              \
    do {                                                                     \
        const SVCHOST_GLOBALS *g_ = globals;                                 \
        if (SVCHOST_GLOBALS_HAS(g_, Log))                                    \
            g_->Log((e)->name, (level), __VA_ARGS__);                        \
    } while (0)

struct echo_client {
    int fd;
    size_t off, len;               /* buf[off..len) still to be echoed */
    char buf[ECHO_BUF_SIZE];
};

struct echo {
    char name[257];
    SERVICE_STATUS_HANDLE handle;

    /* Guards status, stopped and the write end of the wake pipe, which
     * the handler uses from its own thread. */
    pthread_mutex_t lock;
    SERVICE_STATUS status;
    bool stopped;
    int wake[2];

    /* Owned by the ServiceMain thread alone. */
    int listen_fd;
    bool accept_paused;
    struct echo_client **clients;
    size_t n_clients;
    struct pollfd *pfds;           /* room for 2 + ECHO_MAX_CLIENTS */
};

SVCHOST_EXPORT VOID WINAPI SvchostPushServiceGlobals(const SVCHOST_GLOBALS *g)
{
    globals = g;
}

static const char *errstr(int err, char *buf, size_t len)
{
#if defined(__GLIBC__) && defined(_GNU_SOURCE)
    return strerror_r(err, buf, len);
#else
    if (strerror_r(err, buf, len) != 0)
        snprintf(buf, len, "error %d", err);
    return buf;
#endif
}

static bool is_pending(DWORD state)
{
    return state == SERVICE_START_PENDING || state == SERVICE_STOP_PENDING ||
           state == SERVICE_PAUSE_PENDING || state == SERVICE_CONTINUE_PENDING;
}

/* Updates and reports the status; the caller holds e->lock.  Checkpoints
 * count up within one pending state, as the SCM expects. */
static void set_status_locked(struct echo *e, DWORD state, DWORD wait_hint)
{
    SERVICE_STATUS *s = &e->status;

    if (is_pending(state))
        s->dwCheckPoint = s->dwCurrentState == state ? s->dwCheckPoint + 1 : 1;
    else
        s->dwCheckPoint = 0;
    s->dwCurrentState = state;
    s->dwControlsAccepted = state == SERVICE_RUNNING ? SERVICE_ACCEPT_STOP : 0;
    s->dwWaitHint = is_pending(state) ? wait_hint : 0;
    if (!SetServiceStatus(e->handle, s))
        ECHO_LOG(e, SVCHOST_LOG_WARNING, "SetServiceStatus failed: %lu",
                 (unsigned long)GetLastError());
}

static DWORD WINAPI echo_handler(DWORD control, DWORD event_type, LPVOID event_data,
                                 LPVOID context)
{
    struct echo *e = context;
    DWORD rc = NO_ERROR;

    (void)event_type;
    (void)event_data;
    switch (control) {
    case SERVICE_CONTROL_STOP:
        pthread_mutex_lock(&e->lock);
        if (e->status.dwCurrentState == SERVICE_RUNNING) {
            set_status_locked(e, SERVICE_STOP_PENDING, ECHO_STOP_HINT_MS);
            /* One byte wakes the loop; a full pipe already holds one. */
            (void)!write(e->wake[1], "", 1);
        } else if (e->stopped) {
            rc = ERROR_SERVICE_NOT_ACTIVE;
        } else if (e->status.dwCurrentState != SERVICE_STOP_PENDING) {
            rc = ERROR_SERVICE_CANNOT_ACCEPT_CTRL;   /* still starting */
        }
        pthread_mutex_unlock(&e->lock);
        return rc;
    case SERVICE_CONTROL_INTERROGATE:
        return NO_ERROR;
    default:
        return ERROR_CALL_NOT_IMPLEMENTED;
    }
}

/* Reports SERVICE_STOPPED and frees e.  The report is made without the
 * lock, so a host that waits for a running handler before accepting
 * STOPPED cannot deadlock against it; the lock is then taken once more so
 * that a handler still inside its critical section is done with e. */
static void echo_finish(struct echo *e, DWORD win32_exit, DWORD specific_exit)
{
    SERVICE_STATUS final;

    pthread_mutex_lock(&e->lock);
    e->stopped = true;
    e->status.dwCurrentState = SERVICE_STOPPED;
    e->status.dwControlsAccepted = 0;
    e->status.dwWin32ExitCode = win32_exit;
    e->status.dwServiceSpecificExitCode = specific_exit;
    e->status.dwCheckPoint = 0;
    e->status.dwWaitHint = 0;
    final = e->status;
    pthread_mutex_unlock(&e->lock);

    if (!SetServiceStatus(e->handle, &final))
        ECHO_LOG(e, SVCHOST_LOG_WARNING, "SetServiceStatus(STOPPED) failed: %lu",
                 (unsigned long)GetLastError());

    pthread_mutex_lock(&e->lock);
    pthread_mutex_unlock(&e->lock);
    pthread_mutex_destroy(&e->lock);
    if (e->wake[0] >= 0)
        close(e->wake[0]);
    if (e->wake[1] >= 0)
        close(e->wake[1]);
    free(e);
}

/* Returns 0 or the errno of the step that failed. */
static int echo_listen(struct echo *e, DWORD port)
{
    struct sockaddr_in sa = { .sin_family = AF_INET };
    socklen_t salen = sizeof sa;
    char ebuf[128];
    const char *step;
    int one = 1;
    int err;

    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sa.sin_port = htons((uint16_t)port);

    step = "socket";
    e->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (e->listen_fd < 0)
        goto fail;
    /* A restarted service must not wait out TIME_WAIT of its last run. */
    (void)setsockopt(e->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    step = "bind";
    if (bind(e->listen_fd, (struct sockaddr *)&sa, sizeof sa) != 0)
        goto fail;
    step = "listen";
    if (listen(e->listen_fd, SOMAXCONN) != 0)
        goto fail;
    if (getsockname(e->listen_fd, (struct sockaddr *)&sa, &salen) == 0)
        port = ntohs(sa.sin_port);
    ECHO_LOG(e, SVCHOST_LOG_INFO, "listening on 127.0.0.1:%lu", (unsigned long)port);
    return 0;

fail:
    err = errno;
    ECHO_LOG(e, SVCHOST_LOG_ERROR, "cannot listen on 127.0.0.1:%lu: %s: %s",
             (unsigned long)port, step, errstr(err, ebuf, sizeof ebuf));
    if (e->listen_fd >= 0) {
        close(e->listen_fd);
        e->listen_fd = -1;
    }
    return err;
}

static void echo_drop_client(struct echo *e, size_t i)
{
    close(e->clients[i]->fd);
    free(e->clients[i]);
    e->clients[i] = e->clients[--e->n_clients];
}

/* Moves data for one client; returns false when it is to be dropped. */
static bool echo_client_io(struct echo_client *c, short revents)
{
    if (revents & POLLNVAL)
        return false;
    if (c->off == c->len) {
        ssize_t n;

        if (!(revents & (POLLIN | POLLHUP | POLLERR)))
            return true;
        n = recv(c->fd, c->buf, sizeof c->buf, 0);
        if (n == 0)
            return false;
        if (n < 0)
            return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
        c->off = 0;
        c->len = (size_t)n;
    } else if (!(revents & (POLLOUT | POLLHUP | POLLERR))) {
        return true;
    }
    while (c->off < c->len) {
        /* MSG_NOSIGNAL: a peer that went away must not SIGPIPE the host. */
        ssize_t n = send(c->fd, c->buf + c->off, c->len - c->off,
                         MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return errno == EAGAIN || errno == EWOULDBLOCK;
        }
        c->off += (size_t)n;
    }
    c->off = c->len = 0;
    return true;
}

static void echo_accept(struct echo *e)
{
    char ebuf[128];

    while (e->n_clients < ECHO_MAX_CLIENTS) {
        struct echo_client *c;
        int fd = accept4(e->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
                errno == ENOMEM) {
                /* The listener stays readable; back off instead of spinning. */
                ECHO_LOG(e, SVCHOST_LOG_WARNING, "accept: %s",
                         errstr(errno, ebuf, sizeof ebuf));
                e->accept_paused = true;
            }
            return;
        }
        c = malloc(sizeof *c);
        if (c == NULL) {
            ECHO_LOG(e, SVCHOST_LOG_WARNING, "out of memory, dropping a client");
            close(fd);
            e->accept_paused = true;
            return;
        }
        c->fd = fd;
        c->off = c->len = 0;
        e->clients[e->n_clients++] = c;
        ECHO_LOG(e, SVCHOST_LOG_DEBUG, "client connected (%zu open)", e->n_clients);
    }
}

/* Serves clients until a stop is requested (returns 0) or poll() fails
 * (returns its errno). */
static int echo_serve(struct echo *e)
{
    for (;;) {
        bool listening = e->n_clients < ECHO_MAX_CLIENTS && !e->accept_paused;
        nfds_t n = 0;
        int r;

        e->pfds[n++] = (struct pollfd){ .fd = e->wake[0], .events = POLLIN };
        e->pfds[n++] = (struct pollfd){ .fd = listening ? e->listen_fd : -1,
                                        .events = POLLIN };
        for (size_t i = 0; i < e->n_clients; i++) {
            struct echo_client *c = e->clients[i];
            e->pfds[n++] = (struct pollfd){
                .fd = c->fd, .events = c->off < c->len ? POLLOUT : POLLIN };
        }

        r = poll(e->pfds, n, e->accept_paused ? ECHO_BACKOFF_MS : -1);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return errno;
        }
        if (r == 0) {
            e->accept_paused = false;
            continue;
        }
        if (e->pfds[0].revents)
            return 0;

        /* Downwards, so that dropping (which moves the last client into
         * the hole) never skips a client polled this round. */
        for (size_t i = e->n_clients; i-- > 0;) {
            short rev = e->pfds[2 + i].revents;
            if (rev && !echo_client_io(e->clients[i], rev)) {
                echo_drop_client(e, i);
                e->accept_paused = false;
                ECHO_LOG(e, SVCHOST_LOG_DEBUG, "client disconnected (%zu open)",
                         e->n_clients);
            }
        }
        if (e->pfds[1].revents & POLLIN)
            echo_accept(e);
    }
}

SVCHOST_EXPORT VOID WINAPI ServiceMain(DWORD argc, LPSTR *argv)
{
    const SVCHOST_GLOBALS *g = globals;
    DWORD port = ECHO_DEFAULT_PORT;
    DWORD exit_code = NO_ERROR, specific = 0;
    char ebuf[128];
    struct echo *e;
    int err;

    (void)argc;
    e = calloc(1, sizeof *e);
    if (e == NULL)
        return;   /* the host reports ERROR_PROCESS_ABORTED for us */
    snprintf(e->name, sizeof e->name, "%s", argv[0]);
    pthread_mutex_init(&e->lock, NULL);
    e->wake[0] = e->wake[1] = e->listen_fd = -1;
    e->status.dwServiceType = SERVICE_WIN32_SHARE_PROCESS;

    e->handle = RegisterServiceCtrlHandlerExA(argv[0], echo_handler, e);
    if (e->handle == NULL) {
        ECHO_LOG(e, SVCHOST_LOG_ERROR, "RegisterServiceCtrlHandlerExA failed: %lu",
                 (unsigned long)GetLastError());
        pthread_mutex_destroy(&e->lock);
        free(e);
        return;
    }
    pthread_mutex_lock(&e->lock);
    set_status_locked(e, SERVICE_START_PENDING, ECHO_START_HINT_MS);
    pthread_mutex_unlock(&e->lock);

    if (SVCHOST_GLOBALS_HAS(g, GetParameterDword)) {
        DWORD r = g->GetParameterDword(e->name, "Port", &port);
        if ((r != ERROR_SUCCESS && r != ERROR_FILE_NOT_FOUND) || port > 65535) {
            ECHO_LOG(e, SVCHOST_LOG_ERROR, "[Parameters] Port: not a port number");
            exit_code = ERROR_INVALID_DATA;
            goto out;
        }
    }

    e->clients = calloc(ECHO_MAX_CLIENTS, sizeof *e->clients);
    e->pfds = calloc(2 + ECHO_MAX_CLIENTS, sizeof *e->pfds);
    if (e->clients == NULL || e->pfds == NULL) {
        err = ENOMEM;
        goto fail;
    }
    if (pipe2(e->wake, O_NONBLOCK | O_CLOEXEC) != 0) {
        err = errno;
        ECHO_LOG(e, SVCHOST_LOG_ERROR, "pipe: %s", errstr(err, ebuf, sizeof ebuf));
        goto fail;
    }
    err = echo_listen(e, port);
    if (err != 0)
        goto fail;

    pthread_mutex_lock(&e->lock);
    set_status_locked(e, SERVICE_RUNNING, 0);
    pthread_mutex_unlock(&e->lock);

    err = echo_serve(e);
    if (err != 0) {
        ECHO_LOG(e, SVCHOST_LOG_ERROR, "poll: %s", errstr(err, ebuf, sizeof ebuf));
        goto fail;
    }
    ECHO_LOG(e, SVCHOST_LOG_INFO, "stopping, %zu client(s) disconnected", e->n_clients);
    goto out;

fail:
    exit_code = ERROR_SERVICE_SPECIFIC_ERROR;
    specific = (DWORD)err;
out:
    while (e->n_clients > 0)
        echo_drop_client(e, e->n_clients - 1);
    free(e->clients);
    free(e->pfds);
    if (e->listen_fd >= 0)
        close(e->listen_fd);
    echo_finish(e, exit_code, specific);
}
