/*
 * echo.c - TCP echo service on 127.0.0.1.
 *
 * [Parameters]
 *   Port   TCP port to listen on (default 7007; 0 picks a free port, which
 *          is logged).
 *
 * One poll loop on the ServiceMain thread serves every client; the
 * control handler wakes it through a waker to stop.  A client whose echo
 * cannot be sent yet is not read from until it drains, so a client that
 * never reads cannot make the service buffer without bound.
 *
 * The same source builds as a plugin of this host and, with mingw-w64 or
 * the Windows SDK, as a service DLL of Windows' svchost.exe (see
 * <svchost/portable.h>).
 *
 * Exit codes reported with SERVICE_STOPPED:
 *   NO_ERROR                      stopped by SERVICE_CONTROL_STOP;
 *   ERROR_INVALID_DATA            Port is not a number in 0..65535;
 *   ERROR_SERVICE_SPECIFIC_ERROR  with dwServiceSpecificExitCode = the
 *                                 system error (errno; a Winsock error on
 *                                 Windows) of the failed socket, bind or
 *                                 listen (or of a failed poll while
 *                                 running).
 */
#include <svchost/portable.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ECHO_DEFAULT_PORT  7007
#define ECHO_MAX_CLIENTS   1000     /* more connections wait in the backlog */
#define ECHO_BUF_SIZE      4096
#define ECHO_START_HINT_MS 3000
#define ECHO_STOP_HINT_MS  3000
#define ECHO_BACKOFF_MS    100      /* after accept() ran out of descriptors */

SVCHOST_DEFINE_GLOBALS;

struct echo_client {
    SVCHOST_SOCKET fd;
    size_t off, len;               /* buf[off..len) still to be echoed */
    char buf[ECHO_BUF_SIZE];
};

struct echo {
    char name[257];
    SERVICE_STATUS_HANDLE handle;

    /* Guards status, stopped and the signalling end of the waker, which
     * the handler uses from its own thread. */
    SVCHOST_LOCK lock;
    SERVICE_STATUS status;
    bool stopped;
    SVCHOST_WAKER wake;

    /* Owned by the ServiceMain thread alone. */
    bool sockets_started;
    SVCHOST_SOCKET listen_fd;
    bool accept_paused;
    struct echo_client **clients;
    size_t n_clients;
    SVCHOST_POLLFD *pfds;          /* room for 2 + ECHO_MAX_CLIENTS */
};

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
        SvchostLog(e->name, SVCHOST_LOG_WARNING, "SetServiceStatus failed: %lu",
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
        SvchostLockAcquire(&e->lock);
        if (e->status.dwCurrentState == SERVICE_RUNNING) {
            set_status_locked(e, SERVICE_STOP_PENDING, ECHO_STOP_HINT_MS);
            SvchostWakerSignal(&e->wake);
        } else if (e->stopped) {
            rc = ERROR_SERVICE_NOT_ACTIVE;
        } else if (e->status.dwCurrentState != SERVICE_STOP_PENDING) {
            rc = ERROR_SERVICE_CANNOT_ACCEPT_CTRL;   /* still starting */
        }
        SvchostLockRelease(&e->lock);
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

    SvchostLockAcquire(&e->lock);
    e->stopped = true;
    e->status.dwCurrentState = SERVICE_STOPPED;
    e->status.dwControlsAccepted = 0;
    e->status.dwWin32ExitCode = win32_exit;
    e->status.dwServiceSpecificExitCode = specific_exit;
    e->status.dwCheckPoint = 0;
    e->status.dwWaitHint = 0;
    final = e->status;
    SvchostLockRelease(&e->lock);

    if (!SetServiceStatus(e->handle, &final))
        SvchostLog(e->name, SVCHOST_LOG_WARNING, "SetServiceStatus(STOPPED) failed: %lu",
                   (unsigned long)GetLastError());

    SvchostLockAcquire(&e->lock);
    SvchostLockRelease(&e->lock);
    SvchostLockDestroy(&e->lock);
    SvchostWakerClose(&e->wake);
    if (e->sockets_started)
        SvchostSocketCleanup();
    free(e);
}

/* Returns 0 or the system error of the step that failed. */
static DWORD echo_listen(struct echo *e, DWORD port)
{
    struct sockaddr_in sa;
    socklen_t salen = sizeof sa;
    char ebuf[128];
    const char *step;
    DWORD err;

    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sa.sin_port = htons((uint16_t)port);

    step = "socket";
    e->listen_fd = SvchostSocketOpen(AF_INET, SOCK_STREAM, 0);
    if (e->listen_fd == SVCHOST_INVALID_SOCKET)
        goto fail;
    /* A restarted service must not wait out TIME_WAIT of its last run. */
    (void)SvchostSocketAllowRebind(e->listen_fd);
    step = "bind";
    if (bind(e->listen_fd, (struct sockaddr *)&sa, sizeof sa) != 0)
        goto fail;
    step = "listen";
    if (listen(e->listen_fd, SOMAXCONN) != 0)
        goto fail;
    if (getsockname(e->listen_fd, (struct sockaddr *)&sa, &salen) == 0)
        port = ntohs(sa.sin_port);
    SvchostLog(e->name, SVCHOST_LOG_INFO, "listening on 127.0.0.1:%lu", (unsigned long)port);
    return 0;

fail:
    err = SvchostSocketError();
    SvchostLog(e->name, SVCHOST_LOG_ERROR, "cannot listen on 127.0.0.1:%lu: %s: %s",
               (unsigned long)port, step, SvchostErrorString(err, ebuf, sizeof ebuf));
    if (e->listen_fd != SVCHOST_INVALID_SOCKET) {
        SvchostSocketClose(e->listen_fd);
        e->listen_fd = SVCHOST_INVALID_SOCKET;
    }
    return err;
}

static void echo_drop_client(struct echo *e, size_t i)
{
    SvchostSocketClose(e->clients[i]->fd);
    free(e->clients[i]);
    e->clients[i] = e->clients[--e->n_clients];
}

/* Moves data for one client; returns false when it is to be dropped. */
static bool echo_client_io(struct echo_client *c, short revents)
{
    if (revents & POLLNVAL)
        return false;
    if (c->off == c->len) {
        int n;

        if (!(revents & (POLLIN | POLLHUP | POLLERR)))
            return true;
        n = SvchostSocketRecv(c->fd, c->buf, (int)sizeof c->buf);
        if (n == 0)
            return false;
        if (n < 0)
            return SvchostSocketWouldBlock(SvchostSocketError());
        c->off = 0;
        c->len = (size_t)n;
    } else if (!(revents & (POLLOUT | POLLHUP | POLLERR))) {
        return true;
    }
    while (c->off < c->len) {
        /* Never SIGPIPE: a peer that went away must not kill the host. */
        int n = SvchostSocketSend(c->fd, c->buf + c->off, (int)(c->len - c->off));
        if (n < 0)
            return SvchostSocketWouldBlock(SvchostSocketError());
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
        SVCHOST_SOCKET fd = SvchostSocketAccept(e->listen_fd);

        if (fd == SVCHOST_INVALID_SOCKET) {
            DWORD err = SvchostSocketError();
            if (SvchostSocketNoResources(err)) {
                /* The listener stays readable; back off instead of spinning. */
                SvchostLog(e->name, SVCHOST_LOG_WARNING, "accept: %s",
                           SvchostErrorString(err, ebuf, sizeof ebuf));
                e->accept_paused = true;
            }
            return;
        }
        c = malloc(sizeof *c);
        if (c == NULL) {
            SvchostLog(e->name, SVCHOST_LOG_WARNING, "out of memory, dropping a client");
            SvchostSocketClose(fd);
            e->accept_paused = true;
            return;
        }
        c->fd = fd;
        c->off = c->len = 0;
        e->clients[e->n_clients++] = c;
        SvchostLog(e->name, SVCHOST_LOG_DEBUG, "client connected (%lu open)",
                   (unsigned long)e->n_clients);
    }
}

/* Serves clients until a stop is requested (returns 0) or the poll fails
 * (returns its system error). */
static DWORD echo_serve(struct echo *e)
{
    for (;;) {
        bool listening = e->n_clients < ECHO_MAX_CLIENTS && !e->accept_paused;
        unsigned long n = 0, first_client;
        int r;

        /* No entry for a listener that is not polled: poll() skips a
         * negative fd, but a Windows SOCKET has no negative value. */
        e->pfds[n].fd = e->wake.poll_fd;
        e->pfds[n].events = POLLIN;
        e->pfds[n++].revents = 0;
        if (listening) {
            e->pfds[n].fd = e->listen_fd;
            e->pfds[n].events = POLLIN;
            e->pfds[n++].revents = 0;
        }
        first_client = n;
        for (size_t i = 0; i < e->n_clients; i++) {
            struct echo_client *c = e->clients[i];
            e->pfds[n].fd = c->fd;
            e->pfds[n].events = c->off < c->len ? POLLOUT : POLLIN;
            e->pfds[n++].revents = 0;
        }

        r = SvchostPoll(e->pfds, n, e->accept_paused ? ECHO_BACKOFF_MS : -1);
        if (r < 0)
            return SvchostSocketError();
        if (r == 0) {
            e->accept_paused = false;
            continue;
        }
        if (e->pfds[0].revents)
            return 0;

        /* Downwards, so that dropping (which moves the last client into
         * the hole) never skips a client polled this round. */
        for (size_t i = e->n_clients; i-- > 0;) {
            short rev = e->pfds[first_client + i].revents;
            if (rev && !echo_client_io(e->clients[i], rev)) {
                echo_drop_client(e, i);
                e->accept_paused = false;
                SvchostLog(e->name, SVCHOST_LOG_DEBUG, "client disconnected (%lu open)",
                           (unsigned long)e->n_clients);
            }
        }
        if (listening && (e->pfds[1].revents & POLLIN))
            echo_accept(e);
    }
}

static VOID WINAPI echo_main(DWORD argc, LPSTR *argv)
{
    DWORD port = ECHO_DEFAULT_PORT;
    DWORD exit_code = NO_ERROR, specific = 0, r, err;
    char ebuf[128];
    struct echo *e;

    (void)argc;
    e = calloc(1, sizeof *e);
    if (e == NULL)
        return;   /* the host reports ERROR_PROCESS_ABORTED for us */
    snprintf(e->name, sizeof e->name, "%s", argv[0]);
    if (SvchostLockInit(&e->lock) != 0) {
        free(e);
        return;
    }
    e->wake.poll_fd = e->wake.signal_fd = e->listen_fd = SVCHOST_INVALID_SOCKET;
    e->status.dwServiceType = SERVICE_WIN32_SHARE_PROCESS;

    e->handle = RegisterServiceCtrlHandlerExA(argv[0], echo_handler, e);
    if (e->handle == NULL) {
        SvchostLog(e->name, SVCHOST_LOG_ERROR, "RegisterServiceCtrlHandlerExA failed: %lu",
                   (unsigned long)GetLastError());
        SvchostLockDestroy(&e->lock);
        free(e);
        return;
    }
    SvchostLockAcquire(&e->lock);
    set_status_locked(e, SERVICE_START_PENDING, ECHO_START_HINT_MS);
    SvchostLockRelease(&e->lock);

    r = SvchostGetParameterDword(e->name, "Port", &port);
    if ((r != ERROR_SUCCESS && r != ERROR_FILE_NOT_FOUND) || port > 65535) {
        SvchostLog(e->name, SVCHOST_LOG_ERROR, "[Parameters] Port: not a port number");
        exit_code = ERROR_INVALID_DATA;
        goto out;
    }

    e->clients = calloc(ECHO_MAX_CLIENTS, sizeof *e->clients);
    e->pfds = calloc(2 + ECHO_MAX_CLIENTS, sizeof *e->pfds);
    if (e->clients == NULL || e->pfds == NULL) {
        err = SVCHOST_ENOMEM;
        goto fail;
    }
    err = SvchostSocketStartup();
    if (err != 0) {
        SvchostLog(e->name, SVCHOST_LOG_ERROR, "socket startup: %s",
                   SvchostErrorString(err, ebuf, sizeof ebuf));
        goto fail;
    }
    e->sockets_started = true;
    err = SvchostWakerOpen(&e->wake);
    if (err != 0) {
        SvchostLog(e->name, SVCHOST_LOG_ERROR, "waker: %s",
                   SvchostErrorString(err, ebuf, sizeof ebuf));
        goto fail;
    }
    err = echo_listen(e, port);
    if (err != 0)
        goto fail;

    SvchostLockAcquire(&e->lock);
    set_status_locked(e, SERVICE_RUNNING, 0);
    SvchostLockRelease(&e->lock);

    err = echo_serve(e);
    if (err != 0) {
        SvchostLog(e->name, SVCHOST_LOG_ERROR, "poll: %s",
                   SvchostErrorString(err, ebuf, sizeof ebuf));
        goto fail;
    }
    SvchostLog(e->name, SVCHOST_LOG_INFO, "stopping, %lu client(s) disconnected",
               (unsigned long)e->n_clients);
    goto out;

fail:
    exit_code = ERROR_SERVICE_SPECIFIC_ERROR;
    specific = err;
out:
    while (e->n_clients > 0)
        echo_drop_client(e, e->n_clients - 1);
    free(e->clients);
    free(e->pfds);
    if (e->listen_fd != SVCHOST_INVALID_SOCKET)
        SvchostSocketClose(e->listen_fd);
    echo_finish(e, exit_code, specific);
}

SVCHOST_SERVICE_MAIN(echo_main)
