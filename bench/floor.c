/*
 * floor.c - the floor: what a round trip between processes over a Unix
 * socket costs on this machine, now, measured in the same run as scmd.
 *
 * A latency of scmd means little on its own on a shared virtual machine:
 * the same bare round trip takes 30 us in one hour and 85 us in the
 * next.  So each row of the table carries the floor measured right after
 * its own latency loops, under the same conditions (same CPUs, scmd and
 * its hosts running but idle), and each latency is also given as a ratio
 * to it.
 *
 * Both ends do what the real ones do:
 *   - the client packs a QUERY_STATUS request with the protocol's own
 *     pack functions (so the frames have the sizes of a
 *     QueryServiceStatusEx request and reply), sends it with
 *     svc_frame_send, waits with the library's own svc_conn_wait_reply
 *     (lib/sc_handle.c: a short spin while CPUs are free) and then
 *     blocks in svc_frame_reader_next, as svc_conn_call does;
 *   - a server process sleeps in poll() until a frame arrives, as scmd's
 *     event loop sleeps in epoll_wait, reads it whole and answers with a
 *     status reply.
 * 1 hop: client <-> echo.  2 hops: client -> relay -> echo -> relay ->
 * client, the shape of INTERROGATE (client -> scmd -> host -> back).
 *
 * The start's floor: N threads made one after the other, as the
 * dispatcher makes each service's ServiceMain thread, in a child process.
 *
 * The throughput floor: T client threads, each with a connection of its
 * own to one single-threaded echo process that polls all of them, as
 * scmd serves its clients from one loop.
 */
#include "bench.h"

#include "client.h"
#include "proto.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>


static double now_us(void)
{
    return bench_now_ms() * 1e3;
}

/* ---- the frames --------------------------------------------------------- */

static int send_request(int fd, uint32_t id)
{
    struct svc_wbuf w;
    int rc;

    svc_wbuf_init(&w);
    svc_msg_name_pack(&w, "Bench0000");
    rc = svc_frame_send(fd, SVC_MSG_QUERY_STATUS, id, &w);
    svc_wbuf_free(&w);
    return rc;
}

static int send_reply(int fd, uint32_t id)
{
    SERVICE_STATUS_PROCESS st = {
        .dwServiceType = SERVICE_WIN32_SHARE_PROCESS,
        .dwCurrentState = SERVICE_RUNNING,
        .dwControlsAccepted = SERVICE_ACCEPT_STOP,
        .dwProcessId = 4242,
    };
    struct svc_wbuf w;
    int rc;

    svc_wbuf_init(&w);
    svc_msg_status_reply_pack(&w, &st);
    rc = svc_frame_send(fd, SVC_MSG_REPLY, id, &w);
    svc_wbuf_free(&w);
    return rc;
}

/* The library's wait (svc_conn_wait_reply, the very function), then a
 * blocking read of the whole frame through the connection's reader, as
 * svc_conn_call reads. */
static int client_wait(struct svc_frame_reader *in)
{
    struct svc_frame_header h;
    uint8_t *payload = NULL;
    int rc;

    svc_conn_wait_reply(in->fd);
    rc = svc_frame_reader_next(in, &h, &payload);
    svc_conn_waited();
    free(payload);
    if (rc == 0 && h.type != SVC_MSG_REPLY)
        rc = -EPROTO;
    return rc;
}

/* Without the spin: a blocking read only. */
static int block_wait(struct svc_frame_reader *in)
{
    struct svc_frame_header h;
    uint8_t *payload = NULL;
    int rc = svc_frame_reader_next(in, &h, &payload);

    free(payload);
    if (rc == 0 && h.type != SVC_MSG_REPLY)
        rc = -EPROTO;
    return rc;
}

static int client_call(struct svc_frame_reader *in, uint32_t id)
{
    int rc = send_request(in->fd, id);
    return rc < 0 ? rc : client_wait(in);
}

/* ---- the server processes ------------------------------------------------ */

/* Sleeps in poll() on fds[0..n) and answers each request with a status
 * reply until every peer has closed. */
static void echo_loop(int *fds, size_t n)
{
    struct pollfd *p = calloc(n, sizeof *p);
    struct svc_frame_reader *in = calloc(n, sizeof *in);
    size_t open = n;

    if (p == NULL || in == NULL)
        _exit(1);
    for (size_t i = 0; i < n; i++) {
        p[i] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
        svc_frame_reader_init(&in[i], fds[i]);
    }
    while (open > 0) {
        if (poll(p, (nfds_t)n, -1) < 0) {
            if (errno == EINTR)
                continue;
            _exit(1);
        }
        for (size_t i = 0; i < n; i++) {
            struct svc_frame_header h;
            uint8_t *payload = NULL;
            if (p[i].fd < 0 || p[i].revents == 0)
                continue;
            if (svc_frame_reader_next(&in[i], &h, &payload) < 0 || send_reply(p[i].fd, h.id) < 0) {
                close(p[i].fd);
                p[i].fd = -1;
                open--;
            }
            free(payload);
        }
    }
    _exit(0);
}

/* Sends a frame received as it came. */
static int forward(int fd, const struct svc_frame_header *h, uint8_t *payload)
{
    struct svc_wbuf w = { .data = payload, .len = h->length, .cap = h->length };

    return svc_frame_send(fd, h->type, h->id, h->length ? &w : NULL);
}

/* Forwards each request from `down` to `up` and each reply back, both
 * waits in poll(). */
static void relay_loop(int down, int up)
{
    struct svc_frame_reader from_down, from_up;

    svc_frame_reader_init(&from_down, down);
    svc_frame_reader_init(&from_up, up);
    for (;;) {
        struct pollfd p = { .fd = down, .events = POLLIN };
        struct svc_frame_header h;
        uint8_t *payload = NULL;
        int rc;

        if (poll(&p, 1, -1) < 0) {
            if (errno == EINTR)
                continue;
            _exit(1);
        }
        if (svc_frame_reader_next(&from_down, &h, &payload) < 0)
            _exit(0);
        rc = forward(up, &h, payload);
        free(payload);
        if (rc < 0)
            _exit(1);
        p = (struct pollfd){ .fd = up, .events = POLLIN };
        while (poll(&p, 1, -1) < 0)
            if (errno != EINTR)
                _exit(1);
        if (svc_frame_reader_next(&from_up, &h, &payload) < 0)
            _exit(1);
        rc = forward(down, &h, payload);
        free(payload);
        if (rc < 0)
            _exit(1);
    }
}

/* A child that dies with the benchmark, with close_fds[0..nclose)
 * (the other ends, and the other servers' sockets) closed.  0 in the
 * child, its pid in the parent, or -1. */
static pid_t fork_server(const int *close_fds, size_t nclose)
{
    pid_t parent = getpid(), pid = fork();

    if (pid != 0)
        return pid;
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(1);
    /* A Ctrl-C reaches the benchmark, which closes the sockets: ends the
     * servers in order rather than under it. */
    signal(SIGINT, SIG_IGN);
    signal(SIGTERM, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    for (size_t i = 0; i < nclose; i++)
        close(close_fds[i]);
    return 0;
}

/* After its sockets are closed a server exits at once; one that does
 * not is killed. */
static void end_server(pid_t pid)
{
    for (int i = 0; i < 500; i++) {
        if (waitpid(pid, NULL, WNOHANG) != 0)
            return;
        usleep(2000);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

/* n timed round trips on in's connection after `warmup` untimed ones,
 * into v[0..n). */
static int timed_calls(struct svc_frame_reader *in, uint32_t *id, double *v, size_t n,
                       size_t warmup)
{
    for (size_t i = 0; i < warmup + n; i++) {
        double t0 = now_us();
        int rc = client_call(in, ++*id);
        if (bench_interrupted)
            return -EINTR;
        if (rc < 0) {
            fprintf(stderr, "svchost-bench: floor: round trip failed: %s\n", strerror(-rc));
            return -1;
        }
        if (i >= warmup)
            v[i - warmup] = now_us() - t0;
    }
    return 0;
}

void bench_floor_close(struct bench_floor *f)
{
    for (int i = 0; i < 2; i++)
        if (f->in[i].fd >= 0) {
            close(f->in[i].fd);
            f->in[i].fd = -1;
        }
    for (int i = 0; i < 3; i++)
        if (f->pid[i] > 0) {
            end_server(f->pid[i]);
            f->pid[i] = -1;
        }
}

int bench_floor_open(struct bench_floor *f)
{
    int a[2] = { -1, -1 }, b[2] = { -1, -1 }, c[2] = { -1, -1 };
    pid_t *echo = &f->pid[0], *relay = &f->pid[1], *echo2 = &f->pid[2];
    int rc = -1;

    memset(f, 0, sizeof *f);
    f->in[0].fd = f->in[1].fd = -1;
    f->pid[0] = f->pid[1] = f->pid[2] = -1;
    /* a: client <-> echo.  b: client <-> relay, c: relay <-> echo2. */
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, a) < 0 ||
        socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, b) < 0 ||
        socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, c) < 0) {
        fprintf(stderr, "svchost-bench: floor: socketpair: %s\n", strerror(errno));
        goto out;
    }
    {
        int mine[] = { a[0], b[0], b[1], c[0], c[1] };
        if ((*echo = fork_server(mine, 5)) == 0)
            echo_loop(&a[1], 1);
    }
    {
        int mine[] = { a[0], a[1], b[0], c[1] };
        if (*echo > 0 && (*relay = fork_server(mine, 4)) == 0)
            relay_loop(b[1], c[0]);
    }
    {
        int mine[] = { a[0], a[1], b[0], b[1], c[0] };
        if (*relay > 0 && (*echo2 = fork_server(mine, 5)) == 0)
            echo_loop(&c[1], 1);
    }
    if (*echo < 0 || *relay < 0 || *echo2 < 0) {
        fprintf(stderr, "svchost-bench: floor: fork: %s\n", strerror(errno));
        goto out;
    }
    svc_frame_reader_init(&f->in[0], a[0]);
    svc_frame_reader_init(&f->in[1], b[0]);
    a[0] = b[0] = -1;
    rc = 0;
out:
    for (int i = 0; i < 2; i++) {
        if (a[i] >= 0)
            close(a[i]);
        if (b[i] >= 0)
            close(b[i]);
        if (c[i] >= 0)
            close(c[i]);
    }
    if (rc < 0)
        bench_floor_close(f);
    return rc;
}

int bench_floor_calls(struct bench_floor *f, int hops, double *v, size_t n, size_t warmup)
{
    return timed_calls(&f->in[hops == 1 ? 0 : 1], &f->id, v, n, warmup);
}

/* ---- making threads --------------------------------------------------------- */

/* A thread that waits, as an idle ServiceMain does, until its process ends. */
static void *parked(void *arg)
{
    int fd = (int)(intptr_t)arg;
    char c;

    while (read(fd, &c, 1) < 0 && errno == EINTR)
        ;
    return NULL;
}

int bench_floor_threads(unsigned n, double *ms)
{
    int out[2], park[2];
    double got = -1;
    pid_t pid;

    if (pipe2(out, O_CLOEXEC) < 0 || pipe2(park, O_CLOEXEC) < 0) {
        fprintf(stderr, "svchost-bench: floor: pipe: %s\n", strerror(errno));
        return -1;
    }
    if ((pid = fork_server((int[]){ out[0] }, 1)) < 0) {
        fprintf(stderr, "svchost-bench: floor: fork: %s\n", strerror(errno));
        close(out[0]);
        close(out[1]);
        close(park[0]);
        close(park[1]);
        return -1;
    }
    if (pid == 0) {
        /* As the dispatcher makes a service's thread: detached, default
         * stack, one after the other from one thread. */
        pthread_attr_t attr;
        double t0 = now_us(), took;

        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        for (unsigned i = 0; i < n; i++) {
            pthread_t tid;
            if (pthread_create(&tid, &attr, parked, (void *)(intptr_t)park[0]) != 0)
                _exit(1);
        }
        took = (now_us() - t0) / 1000;
        _exit(write(out[1], &took, sizeof took) == sizeof took ? 0 : 1);
    }
    close(out[1]);
    close(park[0]);
    if (read(out[0], &got, sizeof got) != sizeof got)
        got = -1;
    close(out[0]);
    close(park[1]);     /* the child, and its threads, ended once it had written */
    end_server(pid);
    if (bench_interrupted)
        return -EINTR;
    if (got < 0) {
        fprintf(stderr, "svchost-bench: floor: could not make %u threads\n", n);
        return -1;
    }
    *ms = got;
    return 0;
}

/* ---- throughput ----------------------------------------------------------- */

struct tp_thread {
    pthread_t tid;
    int fd;
    bool spin;
    const atomic_bool *stop;
    unsigned long calls;
    int err;
};

static void *tp_client(void *arg)
{
    struct tp_thread *t = arg;
    struct svc_frame_reader in;
    uint32_t id = 0;

    svc_frame_reader_init(&in, t->fd);
    while (!atomic_load_explicit(t->stop, memory_order_relaxed)) {
        int rc = send_request(t->fd, ++id);
        if (rc == 0)
            rc = t->spin ? client_wait(&in) : block_wait(&in);
        if (rc < 0) {
            t->err = rc;
            break;
        }
        t->calls++;
    }
    return NULL;
}

int bench_floor_throughput(unsigned threads, double seconds, bool spin, double *per_s)
{
    struct tp_thread *t = calloc(threads, sizeof *t);
    int *server = calloc(threads, sizeof *server);
    atomic_bool stop = false;
    unsigned started = 0;
    pid_t echo = -1;
    int rc = -1;

    if (t == NULL || server == NULL) {
        fprintf(stderr, "svchost-bench: floor: out of memory\n");
        goto out;
    }
    for (unsigned i = 0; i < threads; i++) {
        int sv[2];
        t[i].fd = server[i] = -1;
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
            fprintf(stderr, "svchost-bench: floor: socketpair: %s\n", strerror(errno));
            goto out;
        }
        t[i].fd = sv[0];
        server[i] = sv[1];
        t[i].stop = &stop;
        t[i].spin = spin;
    }
    {
        int *mine = malloc(threads * sizeof *mine);
        if (mine == NULL)
            goto out;
        for (unsigned i = 0; i < threads; i++)
            mine[i] = t[i].fd;
        if ((echo = fork_server(mine, threads)) == 0)
            echo_loop(server, threads);
        free(mine);
    }
    if (echo < 0) {
        fprintf(stderr, "svchost-bench: floor: fork: %s\n", strerror(errno));
        goto out;
    }
    for (unsigned i = 0; i < threads; i++) {
        close(server[i]);
        server[i] = -1;
    }
    double t0 = now_us();
    for (; started < threads; started++)
        if (pthread_create(&t[started].tid, NULL, tp_client, &t[started]) != 0) {
            fprintf(stderr, "svchost-bench: floor: cannot create a thread\n");
            break;
        }
    while (started == threads && !bench_interrupted && now_us() - t0 < seconds * 1e6)
        usleep(10000);
    atomic_store(&stop, true);
    unsigned long calls = 0;
    int err = 0;
    for (unsigned i = 0; i < started; i++) {
        pthread_join(t[i].tid, NULL);
        calls += t[i].calls;
        if (t[i].err != 0)
            err = t[i].err;
    }
    double elapsed = (now_us() - t0) / 1e6;
    if (bench_interrupted) {
        rc = -EINTR;
    } else if (started < threads) {
        rc = -1;
    } else if (err != 0) {
        fprintf(stderr, "svchost-bench: floor: round trip failed: %s\n", strerror(-err));
        rc = -1;
    } else {
        *per_s = (double)calls / elapsed;
        rc = 0;
    }
out:
    if (t != NULL)
        for (unsigned i = 0; i < threads; i++)
            if (t[i].fd >= 0)
                close(t[i].fd);
    if (server != NULL)
        for (unsigned i = 0; i < threads; i++)
            if (server[i] >= 0)
                close(server[i]);
    if (echo > 0)
        end_server(echo);
    free(t);
    free(server);
    return rc;
}
