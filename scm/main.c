/*
 * scmd [--root DIR | --system] [--start-timeout MS] [--control-timeout MS]
 *      [--stop-timeout MS] [--profile NAME] [--verbose]
 *
 * The service control manager.  Runs in the foreground, logs to stderr,
 * and reports ready (sd_notify READY=1 when NOTIFY_SOCKET is set) once its
 * socket accepts.  SIGTERM or SIGINT stops every service, dependents
 * first, and exits 0.
 *
 * Exit codes: 0 after a clean shutdown; 1 a runtime failure (state
 * directory unusable, another scmd on it); 2 usage.
 */
#include "core.h"
#include "config.h"
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

static void usage(FILE *f)
{
    fprintf(f,
            "usage: scmd [--root DIR | --system] [--start-timeout MS] [--control-timeout MS]\n"
            "            [--stop-timeout MS] [--split-threshold-kb KB] [--profile NAME] [--verbose]\n"
            "  --root DIR            state directory (default $SVCHOST_ROOT, else %s)\n"
            "  --system              the system layout: %s for the configuration,\n"
            "                        %s, %s, %s (see scmd(8))\n"
            "  --start-timeout MS    a start must connect and make progress within MS (30000)\n"
            "  --control-timeout MS  a handler must return within MS (30000)\n"
            "  --stop-timeout MS     a stopping service must make progress within MS (30000)\n"
            "  --split-threshold-kb KB  above this much RAM, run share services one per host\n"
            "                        (0: never; default from config/scm.ini, else 0)\n"
            "  Defaults for these come from ROOT/config/scm.ini [SCM].\n"
            "  --profile NAME        the hardware profile [Profile NAME] of scm.ini (default:\n"
            "                        the first whose conditions hold, else none)\n"
            "  --verbose             debug logging\n",
            SVCHOST_SYSTEM_ROOT, SVCHOST_SYSTEM_CONFIG_DIR, SVCHOST_SYSTEM_ROOT, SVCHOST_SYSTEM_RUN_DIR,
            SVCHOST_SYSTEM_LOG_DIR);
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

/* ROOT/config/scm.ini, then the command line over it. */
static int load_settings(struct scm *scm, unsigned start_ms, unsigned control_ms, unsigned stop_ms,
                         int split_given, unsigned split_kb, const char *profile)
{
    const struct svc_scm_profile *p = NULL;
    struct svc_scm_config cfg;
    struct svc_diag diag = { 0 };
    struct scm_settings *set = &scm->set;
    int rc = svc_config_load_scm(scm->root, &cfg, &diag);

    for (size_t i = 0; i < diag.n; i++)
        log_warnx("%s", diag.lines[i]);
    svc_diag_free(&diag);
    if (rc < 0) {
        char *ini = svc_path_scm_ini(scm->root);
        log_warnx("cannot use %s", ini ? ini : "scm.ini");
        free(ini);
        svc_scm_config_free(&cfg);
        return rc;
    }
    set->start_timeout_ms = start_ms ? start_ms : cfg.start_timeout_ms;
    set->control_timeout_ms = control_ms ? control_ms : cfg.control_timeout_ms;
    set->stop_timeout_ms = stop_ms ? stop_ms : cfg.stop_timeout_ms;
    set->split_threshold_kb = split_given ? split_kb : cfg.split_threshold_kb;
    set->client_queue_limit = (size_t)cfg.client_queue_limit_kb * 1024;
    set->host_queue_limit = (size_t)cfg.host_queue_limit_kb * 1024;
    set->max_connections = cfg.max_connections;
    set->max_connections_per_user = cfg.max_connections_per_user;
    set->frame_timeout_ms = cfg.frame_timeout_ms;
    set->shutdown_timeout_ms = cfg.shutdown_timeout_ms;
    set->delayed_autostart_delay_ms = cfg.delayed_autostart_delay_ms;
    free(set->local_service_account);
    free(set->network_service_account);
    free(set->admin_group);
    set->local_service_account = cfg.local_service_account;
    set->network_service_account = cfg.network_service_account;
    set->admin_group = cfg.admin_group;
    cfg.local_service_account = cfg.network_service_account = cfg.admin_group = NULL;
    if (profile != NULL && (p = svc_scm_profile_find(&cfg, profile)) == NULL) {
        log_warnx("--profile %s: no [Profile %s] in scm.ini", profile, profile);
        svc_scm_config_free(&cfg);
        return -EINVAL;
    }
    if (profile == NULL)
        p = svc_scm_profile_pick(&cfg);
    free(set->profile);
    set->profile = NULL;
    if (p != NULL && (set->profile = strdup(p->name)) == NULL) {
        svc_scm_config_free(&cfg);
        return -ENOMEM;
    }
    svc_scm_config_free(&cfg);
    if (set->profile != NULL)
        log_info("profile %s", set->profile);
    else
        log_info("no profile");
    scm->mem_total_kb = svc_mem_total_kb();
    if (set->split_threshold_kb != 0)
        log_info("split hosting above %u KiB of RAM (this machine: %llu KiB)", set->split_threshold_kb,
                 (unsigned long long)scm->mem_total_kb);
    return 0;
}

/* A directory of the state: made if missing, and given the mode that
 * lets every user read it (a host running as another account reads its
 * configuration; any user may query) and only scmd's own user write it.
 * One that another user owns is not scmd's to trust. */
static int own_dir(const struct scm *scm, const char *p)
{
    struct stat st;

    if (mkdir(p, 0755) < 0 && errno != EEXIST) {
        log_warn("%s", p);
        return -errno;
    }
    if (stat(p, &st) < 0) {
        log_warn("%s", p);
        return -errno;
    }
    if (!S_ISDIR(st.st_mode)) {
        log_warnx("%s: not a directory", p);
        return -ENOTDIR;
    }
    if (st.st_uid != scm->self_uid) {
        log_warnx("%s: owned by uid %u, not by scmd's uid %u", p, (unsigned)st.st_uid,
                  (unsigned)scm->self_uid);
        return -EPERM;
    }
    if ((st.st_mode & 07777) != 0755 && chmod(p, 0755) < 0) {
        log_warn("chmod %s", p);
        return -errno;
    }
    return 0;
}

static int make_dirs(const struct scm *scm)
{
    char *(*const sub[])(const char *) = { svc_path_config_dir, svc_path_services_dir,
                                           svc_path_run_dir, svc_path_log_dir };
    int rc = own_dir(scm, scm->root);

    for (size_t i = 0; rc == 0 && i < sizeof sub / sizeof sub[0]; i++) {
        char *p = sub[i](scm->root);
        if (p == NULL)
            return -ENOMEM;
        rc = own_dir(scm, p);
        free(p);
    }
    return rc;
}

/* One scmd per state directory: a lock held for the process's life. */
static int lock_root(const struct scm *scm)
{
    char *p = svc_path_lock_file(scm->root);
    int fd;

    if (p == NULL)
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
        { "system", no_argument, NULL, 'S' },
        { "start-timeout", required_argument, NULL, 's' },
        { "control-timeout", required_argument, NULL, 'c' },
        { "stop-timeout", required_argument, NULL, 't' },
        { "split-threshold-kb", required_argument, NULL, 'k' },
        { "profile", required_argument, NULL, 'p' },
        { "verbose", no_argument, NULL, 'v' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    static struct scm scm;   /* static: reachable until exit */
    const char *root = svc_default_root();
    char *sock_path;
    int verbose = 0, c, lock;
    char real[PATH_MAX];
    /* Command-line values win over config/scm.ini; 0 means "not given". */
    unsigned start_ms = 0, control_ms = 0, stop_ms = 0, split_kb = 0;
    int split_given = 0;
    const char *profile = NULL;

    while ((c = getopt_long(argc, argv, "r:v", opts, NULL)) != -1) {
        switch (c) {
        case 'r': root = optarg; break;
        case 'S': root = svc_system_root(); break;
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
        case 'p': profile = optarg; break;
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
    /* What scmd creates gets the modes it asks for (docs/security.md). */
    umask(022);

    if (mkdir(root, 0755) < 0 && errno != EEXIST)
        fatal("%s", root);
    if (realpath(root, real) == NULL)
        fatal("%s", root);
    /* The system layout goes with the system root's own name (paths.h). */
    scm.root = strdup(svc_root_is_system(root) ? svc_system_root() : real);
    scm.self_uid = geteuid();
    scm.svchost_path = svchost_beside_me();
    scm.loop = uv_default_loop();
    scm.events_fd = -1;
    scm.journal_fd = -1;
    if (scm.root == NULL || scm.svchost_path == NULL)
        fatalx("out of memory");
    if (make_dirs(&scm) < 0)
        return 1;
    if (load_settings(&scm, start_ms, control_ms, stop_ms, split_given, split_kb, profile) < 0)
        return 1;
    lock = lock_root(&scm);
    if (lock == -EBUSY)
        fatalx("another scmd runs on %s", scm.root);
    if (lock < 0)
        fatalx("%s: %s", svc_path_lock_file(scm.root), strerror(-lock));
    sock_path = svc_scm_socket_path(scm.root);
    if (sock_path == NULL)
        fatalx("%s: path too long for a socket", scm.root);
    if (scm_core_start(&scm, sock_path) < 0)
        return 1;

    log_info("ready on %s", sock_path);
    notify_ready();
    scm_core_run(&scm);
    unlink(sock_path);
    free(sock_path);
    scm_core_free(&scm);
    free(scm.set.profile);
    free(scm.set.local_service_account);
    free(scm.set.network_service_account);
    free(scm.set.admin_group);
    log_info("stopped");
    return 0;
}
