/*
 * scmd [--root DIR] [--start-timeout MS] [--control-timeout MS]
 *      [--stop-timeout MS] [--verbose]
 *
 * The service control manager.  Runs in the foreground, logs to stderr,
 * and reports ready (sd_notify READY=1 when NOTIFY_SOCKET is set) once its
 * socket accepts.  SIGTERM or SIGINT stops every service, dependents
 * first, and exits 0.
 *
 * Exit codes: 0 after a clean shutdown; 1 a runtime failure (state
 * directory unusable, another scmd on it); 2 usage.
 */
#include "scm.h"
#include "log.h"
#include "paths.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

struct scm g_scm;

static uv_check_t after_io;
static uv_timer_t shutdown_timer;

/* One buffer serves every read: the loop is single-threaded and each
 * read callback consumes its bytes before returning. */
void scm_alloc_cb(uv_handle_t *handle, size_t suggested, uv_buf_t *buf)
{
    static char slab[65536];
    (void)handle;
    (void)suggested;
    buf->base = slab;
    buf->len = sizeof slab;
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: scmd [--root DIR] [--start-timeout MS] [--control-timeout MS]\n"
            "            [--stop-timeout MS] [--split-threshold-kb KB] [--verbose]\n"
            "  --root DIR            state directory (default $SVCHOST_ROOT, else %s)\n"
            "  --start-timeout MS    a start must connect and make progress within MS (30000)\n"
            "  --control-timeout MS  a handler must return within MS (30000)\n"
            "  --stop-timeout MS     a stopping service must make progress within MS (30000)\n"
            "  --split-threshold-kb KB  above this much RAM, run share services one per host\n"
            "                        (0: never; default from config/scm.ini, else 0)\n"
            "  Defaults for these come from ROOT/config/scm.ini [SCM].\n"
            "  --verbose             debug logging\n",
            SVCHOST_SYSTEM_ROOT);
}

static int parse_ms(const char *s, unsigned *out)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v == 0 || v > 3600000ul)
        return -1;
    *out = (unsigned)v;
    return 0;
}

static void notify_ready(void)
{
    const char *path = getenv("NOTIFY_SOCKET");
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    size_t len;
    int fd;

    if (path == NULL || path[0] == '\0' || strlen(path) >= sizeof sa.sun_path)
        return;
    len = strlen(path);
    memcpy(sa.sun_path, path, len);
    if (sa.sun_path[0] == '@')
        sa.sun_path[0] = '\0';   /* abstract socket namespace */
    fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return;
    if (sendto(fd, "READY=1", 7, MSG_NOSIGNAL, (struct sockaddr *)&sa,
               (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len)) < 0)
        log_warn("sd_notify");
    close(fd);
}

static int all_quiet(void)
{
    for (struct scm_service *s = g_scm.services; s; s = s->next)
        if (scm_is_active(s))
            return 0;
    return g_scm.hosts == NULL;
}

void scm_shutdown_check(void)
{
    if (g_scm.shutting_down && all_quiet())
        uv_stop(g_scm.loop);
}

static void on_after_io(uv_check_t *c)
{
    (void)c;
    /* Only when something could have become removable: walking every
     * service after every event would cost each request O(services). */
    if (g_scm.sweep_pending) {
        g_scm.sweep_pending = 0;
        scm_db_sweep();
    }
    if (!g_scm.shutting_down)
        return;
    scm_shutdown_step();
    scm_shutdown_check();
}

static void on_shutdown_timeout(uv_timer_t *t)
{
    (void)t;
    log_warnx("shutdown: services still running after %u ms; killing their hosts",
              g_scm.stop_timeout_ms);
    for (struct scm_host *h = g_scm.hosts; h; h = h->next)
        scm_host_kill(h);
}

static void on_signal(uv_signal_t *sig, int signum)
{
    (void)sig;
    if (g_scm.shutting_down)
        return;
    log_info("signal %d: stopping every service", signum);
    g_scm.shutting_down = 1;
    uv_timer_start(&shutdown_timer, on_shutdown_timeout, g_scm.stop_timeout_ms + 2000, 0);
    /* No new clients while shutting down; the check handle runs the
     * first stop step after this callback. */
    uv_close((uv_handle_t *)&g_scm.server, NULL);
}

/* ROOT/config/scm.ini, then the command line over it. */
static int load_settings(unsigned start_ms, unsigned control_ms, unsigned stop_ms, int split_given,
                         unsigned split_kb)
{
    struct svc_scm_config cfg;
    struct svc_diag diag = { 0 };
    int rc = svc_config_load_scm(g_scm.root, &cfg, &diag);

    for (size_t i = 0; i < diag.n; i++)
        log_warnx("%s", diag.lines[i]);
    svc_diag_free(&diag);
    if (rc < 0) {
        log_warnx("cannot use %s/config/scm.ini", g_scm.root);
        return rc;
    }
    g_scm.start_timeout_ms = start_ms ? start_ms : cfg.start_timeout_ms;
    g_scm.control_timeout_ms = control_ms ? control_ms : cfg.control_timeout_ms;
    g_scm.stop_timeout_ms = stop_ms ? stop_ms : cfg.stop_timeout_ms;
    g_scm.split_threshold_kb = split_given ? split_kb : cfg.split_threshold_kb;
    g_scm.mem_total_kb = svc_mem_total_kb();
    if (g_scm.split_threshold_kb != 0)
        log_info("split hosting above %u KiB of RAM (this machine: %llu KiB)", g_scm.split_threshold_kb,
                 (unsigned long long)g_scm.mem_total_kb);
    return 0;
}

static int make_dirs(void)
{
    static const char *const sub[] = { "", "/config", "/config/services", "/run", "/log" };
    for (size_t i = 0; i < sizeof sub / sizeof sub[0]; i++) {
        char *p;
        if (asprintf(&p, "%s%s", g_scm.root, sub[i]) < 0)
            return -ENOMEM;
        if (mkdir(p, 0755) < 0 && errno != EEXIST) {
            log_warn("%s", p);
            free(p);
            return -errno;
        }
        free(p);
    }
    return 0;
}

/* One scmd per state directory: a lock held for the process's life. */
static int lock_root(void)
{
    char *p;
    int fd;

    if (asprintf(&p, "%s/run/scmd.lock", g_scm.root) < 0)
        return -ENOMEM;
    fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    free(p);
    if (fd < 0)
        return -errno;
    if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        close(fd);
        return -EBUSY;
    }
    return fd;
}

static char *svchost_beside_me(void)
{
    char *dir = svc_exe_dir(), *p;

    if (dir == NULL)
        return strdup("svchost");
    if (asprintf(&p, "%s/svchost", dir) < 0)
        p = NULL;
    free(dir);
    return p;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "root", required_argument, NULL, 'r' },
        { "start-timeout", required_argument, NULL, 's' },
        { "control-timeout", required_argument, NULL, 'c' },
        { "stop-timeout", required_argument, NULL, 't' },
        { "split-threshold-kb", required_argument, NULL, 'k' },
        { "verbose", no_argument, NULL, 'v' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    const char *root = svc_default_root();
    int verbose = 0, c, lock;
    char real[PATH_MAX];
    /* Command-line values win over config/scm.ini; 0 means "not given". */
    unsigned start_ms = 0, control_ms = 0, stop_ms = 0, split_kb = 0;
    int split_given = 0;

    while ((c = getopt_long(argc, argv, "r:v", opts, NULL)) != -1) {
        switch (c) {
        case 'r': root = optarg; break;
        case 's': if (parse_ms(optarg, &start_ms) < 0) { usage(stderr); return 2; } break;
        case 'c': if (parse_ms(optarg, &control_ms) < 0) { usage(stderr); return 2; } break;
        case 't': if (parse_ms(optarg, &stop_ms) < 0) { usage(stderr); return 2; } break;
        case 'k': {
            char *end;
            unsigned long v = strtoul(optarg, &end, 10);
            if (*optarg == '\0' || *end != '\0' || v > 0xFFFFFFFFul) {
                usage(stderr);
                return 2;
            }
            split_kb = (unsigned)v;
            split_given = 1;
            break;
        }
        case 'v': verbose = 1; break;
        case 'h': usage(stdout); return 0;
        case 'V': printf("scmd (svchost) %s\n", SVCHOST_VERSION); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind != argc) {
        usage(stderr);
        return 2;
    }
    log_init("scmd", verbose ? SVC_LOG_DEBUG : SVC_LOG_INFO);
    signal(SIGPIPE, SIG_IGN);

    if (mkdir(root, 0755) < 0 && errno != EEXIST)
        fatal("%s", root);
    if (realpath(root, real) == NULL)
        fatal("%s", root);
    g_scm.root = strdup(real);
    g_scm.self_uid = geteuid();
    g_scm.svchost_path = svchost_beside_me();
    g_scm.loop = uv_default_loop();
    if (g_scm.root == NULL || g_scm.svchost_path == NULL)
        fatalx("out of memory");
    if (make_dirs() < 0)
        return 1;
    if (load_settings(start_ms, control_ms, stop_ms, split_given, split_kb) < 0)
        return 1;
    lock = lock_root();
    if (lock == -EBUSY)
        fatalx("another scmd runs on %s", g_scm.root);
    if (lock < 0)
        fatalx("%s/run/scmd.lock: %s", g_scm.root, strerror(-lock));
    g_scm.sock_path = svc_scm_socket_path(g_scm.root);
    if (g_scm.sock_path == NULL)
        fatalx("%s: path too long for a socket", g_scm.root);
    if (scm_events_open() < 0)
        fatal("%s/log/events.log", g_scm.root);
    if (scm_db_load() < 0)
        return 1;
    if (scm_client_listen() < 0)
        return 1;

    uv_check_init(g_scm.loop, &after_io);
    uv_check_start(&after_io, on_after_io);
    uv_timer_init(g_scm.loop, &shutdown_timer);
    uv_unref((uv_handle_t *)&shutdown_timer);
    uv_signal_init(g_scm.loop, &g_scm.sigterm);
    uv_signal_init(g_scm.loop, &g_scm.sigint);
    uv_signal_start(&g_scm.sigterm, on_signal, SIGTERM);
    uv_signal_start(&g_scm.sigint, on_signal, SIGINT);

    log_info("ready on %s", g_scm.sock_path);
    notify_ready();
    scm_autostart();

    uv_run(g_scm.loop, UV_RUN_DEFAULT);
    unlink(g_scm.sock_path);
    log_info("stopped");
    return 0;
}
