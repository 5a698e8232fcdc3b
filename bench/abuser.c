/*
 * svchost-abuser [--root DIR] [--readers N] [--silent N] [--silent-bytes B]
 *                [--no-reconnect] [--report-ms MS]
 *
 * A misbehaving client of scmd, for the stress test (tests/stress/) and
 * `svchost-bench --abuse`.  It speaks the raw frame protocol (lib/proto.h),
 * never libsvc's client, and plays two abuses at once:
 *
 *   readers  N connections that send ENUM_SERVICES requests as fast as
 *            the socket takes them and never read a reply;
 *   silent   N connections that each send one frame header announcing a
 *            payload of SVC_PROTO_MAX_PAYLOAD (1 MiB), then B bytes of it
 *            (default 1), and then nothing.
 *
 * A connection scmd closes is opened again (unless --no-reconnect), after
 * a delay that doubles while scmd keeps closing it quickly, so the abuse
 * lasts as long as the program runs.  It runs until SIGTERM or SIGINT.
 *
 * Every --report-ms (default 200) and once on exit it prints one line of
 * key=value fields on stdout, so a test can see that the abuse happened:
 *
 *   t_ms              milliseconds since start
 *   readers_open      reader connections open now
 *   readers_filled    reader slots (of N) that ever had at least
 *                     FILL_BYTES of replies waiting unread: scmd did answer
 *                     them, and they did not read
 *   readers_closed    reader connections scmd closed (cumulative)
 *   readers_unread_max  the most reply bytes ever waiting on one of them
 *   requests_sent     requests sent over all reader connections
 *   silent_open       silent connections open now, their bytes all sent
 *   silent_open_max   the most that were open at once
 *   silent_closed     silent connections scmd closed (cumulative)
 *   connects          successful connects, both kinds
 *   connect_fail      connects refused or with scmd's backlog full
 *
 * Exit codes: 0 stopped by a signal; 1 runtime failure (descriptor limit,
 * out of memory); 2 usage.
 */
#include "paths.h"
#include "proto.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS 100000
/* Unread reply bytes that make a reader "filled".  Replies are small
 * frames and a Unix socket charges each one its buffer overhead, so a
 * blocked writer may have delivered only a few tens of KiB; 8 KiB (about
 * 80 replies) is already a backlog no well-behaved client leaves. */
#define FILL_BYTES 8192
/* Requests prepared once and sent again and again by every reader. */
#define BATCH_REQUESTS 512
#define RETRY_MIN_MS 50
#define RETRY_MAX_MS 2000
/* A connection that lived this long before scmd closed it is retried at
 * once again; one closed sooner backs off. */
#define QUICK_CLOSE_MS 1000

enum kind { READER, SILENT };

struct slot {
    enum kind kind;
    int fd;
    size_t off;             /* bytes of the kind's buffer already sent */
    bool sent_all;          /* silent: header and bytes all sent */
    bool filled;
    double opened_at, retry_at;
    unsigned backoff_ms;
};

static volatile sig_atomic_t stop;

static struct {
    struct sockaddr_un addr;
    bool reconnect;
    uint8_t *batch;         /* readers' requests */
    size_t batch_len;
    uint8_t *silent;        /* a silent connection's header and bytes */
    size_t silent_len;
    unsigned long readers_closed, silent_closed, connects, connect_fail;
    unsigned long long requests_sent;
    unsigned silent_open_max;
    int unread_max;
} g;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: svchost-abuser [--root DIR] [--readers N] [--silent N] [--silent-bytes B]\n"
            "                      [--no-reconnect] [--report-ms MS]\n"
            "  --root DIR        scmd's state directory (default $SVCHOST_ROOT, else %s)\n"
            "  --readers N       connections that send requests and never read (default 20)\n"
            "  --silent N        connections that announce a 1 MiB frame and go silent\n"
            "                    (default 400)\n"
            "  --silent-bytes B  payload bytes each silent connection sends after its\n"
            "                    header (default 1)\n"
            "  --no-reconnect    do not reopen connections that scmd closes\n"
            "  --report-ms MS    print a status line this often (default 200)\n"
            "Runs until SIGTERM or SIGINT.  Exit: 0 stopped, 1 failure, 2 usage.\n",
            SVCHOST_SYSTEM_ROOT);
}

static int parse_uint(const char *opt, const char *s, unsigned long max, unsigned long *out)
{
    char *end;

    errno = 0;
    *out = strtoul(s, &end, 10);
    if (end == s || *end != '\0' || errno != 0 || *out > max || s[0] == '-') {
        fprintf(stderr, "svchost-abuser: %s: a number from 0 to %lu\n", opt, max);
        return -1;
    }
    return 0;
}

/* The readers' batch: BATCH_REQUESTS ENUM_SERVICES(SERVICE_WIN32,
 * SERVICE_STATE_ALL, all groups) frames, which any user may send and
 * whose reply lists every service. */
static int build_buffers(unsigned long silent_bytes)
{
    struct svc_wbuf w;
    struct svc_frame_header h = { .type = SVC_MSG_ENUM_SERVICES };

    svc_wbuf_init(&w);
    svc_put_u32(&w, SERVICE_WIN32);
    svc_put_u32(&w, SERVICE_STATE_ALL);
    svc_put_str(&w, NULL);
    if (w.err != 0)
        return -1;
    g.batch_len = BATCH_REQUESTS * (SVC_PROTO_HEADER_SIZE + w.len);
    if ((g.batch = malloc(g.batch_len)) == NULL) {
        svc_wbuf_free(&w);
        return -1;
    }
    for (size_t i = 0; i < BATCH_REQUESTS; i++) {
        uint8_t *p = g.batch + i * (SVC_PROTO_HEADER_SIZE + w.len);
        h.id = (uint32_t)i + 1;
        h.length = (uint32_t)w.len;
        svc_header_pack(p, &h);
        memcpy(p + SVC_PROTO_HEADER_SIZE, w.data, w.len);
    }
    svc_wbuf_free(&w);

    /* A QUERY_STATUS that would carry 1 MiB: a valid header, so scmd
     * waits for the rest of the frame. */
    h.type = SVC_MSG_QUERY_STATUS;
    h.id = 1;
    h.length = SVC_PROTO_MAX_PAYLOAD;
    g.silent_len = SVC_PROTO_HEADER_SIZE + silent_bytes;
    if ((g.silent = calloc(1, g.silent_len)) == NULL)
        return -1;
    svc_header_pack(g.silent, &h);
    return 0;
}

static void open_slot(struct slot *s, double t)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

    if (fd < 0) {
        /* Out of descriptors is the caller's limit: try again later. */
        g.connect_fail++;
        s->retry_at = t + RETRY_MAX_MS;
        return;
    }
    /* Non-blocking: a full backlog is EAGAIN, not a wait. */
    if (connect(fd, (struct sockaddr *)&g.addr, sizeof g.addr) < 0) {
        close(fd);
        g.connect_fail++;
        s->retry_at = t + s->backoff_ms;
        if (s->backoff_ms < RETRY_MAX_MS)
            s->backoff_ms *= 2;
        return;
    }
    g.connects++;
    s->fd = fd;
    s->off = 0;
    s->sent_all = false;
    s->opened_at = t;
}

static void closed_by_peer(struct slot *s, double t)
{
    close(s->fd);
    s->fd = -1;
    if (s->kind == READER)
        g.readers_closed++;
    else
        g.silent_closed++;
    if (t - s->opened_at >= QUICK_CLOSE_MS)
        s->backoff_ms = RETRY_MIN_MS;
    else if (s->backoff_ms < RETRY_MAX_MS)
        s->backoff_ms *= 2;
    s->retry_at = g.reconnect ? t + s->backoff_ms : -1;
}

/* Sends what the socket takes without blocking. */
static void feed(struct slot *s)
{
    const uint8_t *buf = s->kind == READER ? g.batch : g.silent;
    size_t len = s->kind == READER ? g.batch_len : g.silent_len;

    /* A few writes at most, so that one fast-draining peer does not
     * hold up the others. */
    for (int k = 0; k < 4 && !s->sent_all; k++) {
        ssize_t n = send(s->fd, buf + s->off, len - s->off, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n <= 0)
            return;         /* full (EAGAIN), or the peer is gone: poll says */
        if (s->kind == READER) {
            /* Requests counted as whole frames sent. */
            size_t fl = g.batch_len / BATCH_REQUESTS;
            g.requests_sent += (s->off + (size_t)n) / fl - s->off / fl;
        }
        s->off += (size_t)n;
        if (s->off == len) {
            if (s->kind == READER)
                s->off = 0;
            else
                s->sent_all = true;
        }
    }
}

static void report(const struct slot *slots, size_t n, double t0)
{
    unsigned readers_open = 0, readers_filled = 0, silent_open = 0;

    for (size_t i = 0; i < n; i++) {
        if (slots[i].kind == READER) {
            readers_open += slots[i].fd >= 0;
            readers_filled += slots[i].filled;
        } else {
            silent_open += slots[i].fd >= 0 && slots[i].sent_all;
        }
    }
    if (silent_open > g.silent_open_max)
        g.silent_open_max = silent_open;
    printf("abuse t_ms=%.0f readers_open=%u readers_filled=%u readers_closed=%lu "
           "readers_unread_max=%d requests_sent=%llu silent_open=%u silent_open_max=%u "
           "silent_closed=%lu connects=%lu connect_fail=%lu\n",
           now_ms() - t0, readers_open, readers_filled, g.readers_closed, g.unread_max,
           g.requests_sent, silent_open, g.silent_open_max, g.silent_closed, g.connects,
           g.connect_fail);
    fflush(stdout);
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "root", required_argument, NULL, 'r' },
        { "readers", required_argument, NULL, 'R' },
        { "silent", required_argument, NULL, 'S' },
        { "silent-bytes", required_argument, NULL, 'b' },
        { "no-reconnect", no_argument, NULL, 'n' },
        { "report-ms", required_argument, NULL, 'i' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    unsigned long readers = 20, silent = 400, silent_bytes = 1, report_ms = 200;
    const char *root = NULL;
    struct sigaction sa;
    struct rlimit rl;
    int c;

    g.reconnect = true;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'r': root = optarg; break;
        case 'R':
            if (parse_uint("--readers", optarg, MAX_CONNS, &readers) < 0)
                return 2;
            break;
        case 'S':
            if (parse_uint("--silent", optarg, MAX_CONNS, &silent) < 0)
                return 2;
            break;
        case 'b':
            if (parse_uint("--silent-bytes", optarg, SVC_PROTO_MAX_PAYLOAD - 1, &silent_bytes) < 0)
                return 2;
            break;
        case 'n': g.reconnect = false; break;
        case 'i':
            if (parse_uint("--report-ms", optarg, 3600000, &report_ms) < 0 || report_ms == 0) {
                if (report_ms == 0)
                    fprintf(stderr, "svchost-abuser: --report-ms: at least 1\n");
                return 2;
            }
            break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind != argc) {
        usage(stderr);
        return 2;
    }

    char *path = svc_scm_socket_path(root ? root : svc_default_root());
    if (path == NULL || strlen(path) >= sizeof g.addr.sun_path) {
        fprintf(stderr, "svchost-abuser: the socket path is too long\n");
        free(path);
        return 1;
    }
    g.addr.sun_family = AF_UNIX;
    memcpy(g.addr.sun_path, path, strlen(path) + 1);
    free(path);

    size_t n = readers + silent;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < n + 16) {
        rl.rlim_cur = rl.rlim_max < n + 16 ? rl.rlim_max : n + 16;
        setrlimit(RLIMIT_NOFILE, &rl);
        if (rl.rlim_cur < n + 16) {
            fprintf(stderr, "svchost-abuser: %zu connections need %zu descriptors; the limit is %llu\n",
                    n, n + 16, (unsigned long long)rl.rlim_cur);
            return 1;
        }
    }
    struct slot *slots = calloc(n ? n : 1, sizeof *slots);
    struct pollfd *pfd = calloc(n ? n : 1, sizeof *pfd);
    size_t *which = calloc(n ? n : 1, sizeof *which);
    if (slots == NULL || pfd == NULL || which == NULL || build_buffers(silent_bytes) < 0) {
        fprintf(stderr, "svchost-abuser: out of memory\n");
        return 1;
    }
    for (size_t i = 0; i < n; i++) {
        slots[i].kind = i < readers ? READER : SILENT;
        slots[i].fd = -1;
        slots[i].backoff_ms = RETRY_MIN_MS;
    }

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    double t0 = now_ms(), next_report = t0;
    while (!stop) {
        double t = now_ms();
        size_t np = 0;

        for (size_t i = 0; i < n; i++) {
            struct slot *s = &slots[i];
            if (s->fd < 0 && s->retry_at >= 0 && t >= s->retry_at)
                open_slot(s, t);
            if (s->fd < 0)
                continue;
            if (!s->sent_all)
                feed(s);
            pfd[np].fd = s->fd;
            pfd[np].events = POLLRDHUP | (s->sent_all ? 0 : POLLOUT);
            pfd[np].revents = 0;
            which[np++] = i;
        }
        if (t >= next_report) {
            report(slots, n, t0);
            next_report = t + (double)report_ms;
        }
        if (poll(pfd, np, 10) < 0 && errno != EINTR) {
            perror("svchost-abuser: poll");
            return 1;
        }
        t = now_ms();
        for (size_t k = 0; k < np; k++) {
            struct slot *s = &slots[which[k]];
            int unread = 0;

            if (s->kind == READER && ioctl(s->fd, FIONREAD, &unread) == 0) {
                if (unread > g.unread_max)
                    g.unread_max = unread;
                if (unread >= FILL_BYTES)
                    s->filled = true;
            }
            /* Replies are never read, so POLLIN says nothing; the peer
             * closing (or failing) does. */
            if (pfd[k].revents & (POLLRDHUP | POLLHUP | POLLERR))
                closed_by_peer(s, t);
        }
    }
    report(slots, n, t0);
    return 0;
}
