/*
 * svchost-bench [--n LIST] [--plugin idle|busy|FILE.so] [--csv FILE]
 *               [--plot FILE.png] [--mode both|shared|split] [--cpu N] [--keep]
 * svchost-bench --abuse [--abuse-seconds S] [--abuse-queries N] [--cpu N] [--keep]
 * svchost-bench --help | --version
 *
 * Measures what shared hosting saves against one process per service:
 * for each N and each mode (shared: N services in one host; split: one
 * host per service), a fresh scmd installs, starts, measures, controls
 * and stops N services.  docs/benchmark.md says what each column means
 * and how it is measured.
 *
 * With --abuse, instead: root's query latency and scmd's memory while
 * another user's client misbehaves (abuse.c).
 *
 * Exit codes: 0 done; 1 a run failed, or the CSV or plot could not be
 * written; 2 usage; 130 interrupted (SIGINT, SIGTERM, SIGHUP) - in every
 * case after scmd and its hosts are gone.
 */
#include "bench.h"
#include "paths.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <sched.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#ifndef SVCHOST_BENCH_PLUGINDIR_REL
#define SVCHOST_BENCH_PLUGINDIR_REL "lib/svchost/bench"
#endif

static void usage(FILE *f)
{
    fprintf(f,
            "usage: svchost-bench [--n LIST] [--plugin idle|busy|FILE.so] [--csv FILE]\n"
            "                     [--plot FILE.png] [--mode both|shared|split] [--cpu N]\n"
            "                     [--keep]\n"
            "       svchost-bench --abuse [--abuse-seconds S] [--abuse-queries N] [--cpu N]\n"
            "                     [--keep]\n"
            "       svchost-bench --help | --version\n"
            "  --n LIST         numbers of services, comma-separated (default 1,10,100,500)\n"
            "  --plugin NAME    the service each of them runs: idle (default; registers,\n"
            "                   runs, waits for STOP), busy (idle plus a listening TCP socket\n"
            "                   and 64 KiB of touched memory), or a plugin's path\n"
            "  --csv FILE       also write the measurements as CSV\n"
            "  --plot FILE.png  also draw host PSS against N for both modes (gnuplot)\n"
            "  --mode MODE      both (default), or only shared or only split runs\n"
            "  --cpu N          run the benchmark, scmd and every host on CPU N only\n"
            "                   (latency without cross-CPU wake-ups; see docs/benchmark.md)\n"
            "  --keep           keep each run's state directory (scmd.log, config)\n"
            "  --abuse          instead: time root's queries with no abuse, while 20 clients\n"
            "                   never read their replies, and while 400 clients sit silent\n"
            "                   in a 1 MiB frame (svchost-abuser, as user nobody if root),\n"
            "                   and sample scmd's memory\n"
            "  --abuse-seconds S  query each phase for up to S seconds (default 10)\n"
            "  --abuse-queries N  and at most N queries (default 1000)\n"
            "For each N, shared runs the N services in one `svchost -k bench`; split runs\n"
            "each in its own `svchost -k bench -s NAME`.  Results go to stdout, progress\n"
            "to stderr.  Exit: 0 done, 1 failure, 2 usage, 130 interrupted.\n");
}

static void on_signal(int sig)
{
    (void)sig;
    bench_interrupted = 1;
}

static int cmp_unsigned(const void *a, const void *b)
{
    unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
    return x < y ? -1 : x > y;
}

/* "1,10,100" into ns[], ascending without duplicates: the count, or -1. */
static int parse_n_list(const char *s, unsigned *ns)
{
    int k = 0;

    for (;;) {
        char *end;
        unsigned long v;

        errno = 0;
        v = strtoul(s, &end, 10);
        if (end == s || errno != 0 || v < 1 || v > BENCH_MAX_N || (*end != ',' && *end != '\0')) {
            fprintf(stderr, "svchost-bench: --n: each value must be 1 to %d\n", BENCH_MAX_N);
            return -1;
        }
        if (k == BENCH_MAX_NS) {
            fprintf(stderr, "svchost-bench: --n: at most %d values\n", BENCH_MAX_NS);
            return -1;
        }
        ns[k++] = (unsigned)v;
        if (*end == '\0')
            break;
        s = end + 1;
    }
    qsort(ns, (size_t)k, sizeof *ns, cmp_unsigned);
    int u = 0;
    for (int i = 0; i < k; i++)
        if (u == 0 || ns[u - 1] != ns[i])
            ns[u++] = ns[i];
    return u;
}

/* The plugin: a path as given, or NAME.so looked up in
 * $SVCHOST_BENCH_PLUGIN_DIR, the build tree (BIN/../bench/plugins) and
 * the installed tree (BIN/../LIBDIR/svchost/bench).  ServiceDll must be
 * absolute, so the result is resolved with realpath. */
static char *find_plugin(const char *arg, const char *bindir)
{
    char path[PATH_MAX + 64];
    const char *env = getenv("SVCHOST_BENCH_PLUGIN_DIR");
    char *abs;

    if (strchr(arg, '/') != NULL) {
        if ((abs = realpath(arg, NULL)) == NULL)
            fprintf(stderr, "svchost-bench: %s: %s\n", arg, strerror(errno));
        return abs;
    }
    const char *dirs[3] = { env && *env ? env : NULL, "../bench/plugins",
                            "../" SVCHOST_BENCH_PLUGINDIR_REL };
    for (int i = 0; i < 3; i++) {
        if (dirs[i] == NULL)
            continue;
        if (i == 0)
            snprintf(path, sizeof path, "%s/%s.so", dirs[i], arg);
        else
            snprintf(path, sizeof path, "%s/%s/%s.so", bindir, dirs[i], arg);
        if (access(path, R_OK) == 0 && (abs = realpath(path, NULL)) != NULL)
            return abs;
    }
    fprintf(stderr, "svchost-bench: cannot find the %s plugin (%s.so) beside %s; "
                    "set SVCHOST_BENCH_PLUGIN_DIR\n", arg, arg, bindir);
    return NULL;
}

/* A short name for the plugin in titles: "idle", or a file's base name. */
static void plugin_label(const char *arg, char *buf, size_t size)
{
    const char *base = strrchr(arg, '/');
    size_t k = 0;

    base = base ? base + 1 : arg;
    for (; *base && k + 1 < size; base++) {
        if (strcmp(base, ".so") == 0)
            break;
        /* Only what is safe inside a quoted gnuplot string. */
        buf[k++] = (*base == '\'' || *base == '\\' || (unsigned char)*base < 0x20) ? '_' : *base;
    }
    buf[k] = '\0';
}

/* 1 if an executable `name` is in $PATH. */
static int in_path(const char *name)
{
    const char *path = getenv("PATH");
    char buf[PATH_MAX];

    if (path == NULL)
        path = "/usr/bin:/bin";
    while (*path != '\0') {
        size_t len = strcspn(path, ":");
        if ((size_t)snprintf(buf, sizeof buf, "%.*s/%s", (int)len, path, name) < sizeof buf &&
            access(buf, X_OK) == 0)
            return 1;
        path += len;
        if (*path == ':')
            path++;
    }
    return 0;
}

/* Split mode runs N hosts, and scmd holds a channel to each; all of
 * them inherit our descriptor limit. */
static void raise_nofile(void)
{
    struct rlimit rl;

    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "n", required_argument, NULL, 'n' },
        { "csv", required_argument, NULL, 'c' },
        { "plot", required_argument, NULL, 'p' },
        { "plugin", required_argument, NULL, 'P' },
        { "mode", required_argument, NULL, 'm' },
        { "cpu", required_argument, NULL, 'C' },
        { "keep", no_argument, NULL, 'k' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { "abuse", no_argument, NULL, 'a' },
        { "abuse-seconds", required_argument, NULL, 'S' },
        { "abuse-queries", required_argument, NULL, 'Q' },
        { NULL, 0, NULL, 0 },
    };
    unsigned ns[BENCH_MAX_NS] = { 1, 10, 100, 500 };
    int nn = 4, c, rc = 0;
    int first = BENCH_SHARED, last = BENCH_SPLIT;
    long cpu = -1;
    const char *csv = NULL, *plot = NULL, *plugin_arg = "idle";
    struct bench_config cfg = { 0 };
    struct bench_row rows[BENCH_MAX_ROWS];
    size_t nrows = 0;
    char bindir[PATH_MAX], scmd[PATH_MAX + 8], abuser[PATH_MAX + 16], label[64];
    char *plugin;
    struct sigaction sa;
    bool abuse = false, hosting_opts = false;
    unsigned long abuse_seconds = 10, abuse_queries = 1000;

    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'n':
            if ((nn = parse_n_list(optarg, ns)) < 0)
                return 2;
            hosting_opts = true;
            break;
        case 'c': csv = optarg; hosting_opts = true; break;
        case 'p': plot = optarg; hosting_opts = true; break;
        case 'P':
            plugin_arg = optarg;
            hosting_opts = true;
            if (strchr(optarg, '/') == NULL && strcmp(optarg, "idle") != 0 &&
                strcmp(optarg, "busy") != 0) {
                fprintf(stderr, "svchost-bench: --plugin: idle, busy, or a path to a plugin\n");
                return 2;
            }
            break;
        case 'm':
            if (strcmp(optarg, "both") == 0) {
                first = BENCH_SHARED;
                last = BENCH_SPLIT;
            } else if (strcmp(optarg, "shared") == 0) {
                first = last = BENCH_SHARED;
            } else if (strcmp(optarg, "split") == 0) {
                first = last = BENCH_SPLIT;
            } else {
                fprintf(stderr, "svchost-bench: --mode: both, shared or split\n");
                return 2;
            }
            hosting_opts = true;
            break;
        case 'C': {
            char *end;
            errno = 0;
            cpu = strtol(optarg, &end, 10);
            if (end == optarg || *end != '\0' || errno != 0 || cpu < 0 || cpu >= CPU_SETSIZE) {
                fprintf(stderr, "svchost-bench: --cpu: a CPU number\n");
                return 2;
            }
            break;
        }
        case 'k': cfg.keep = 1; break;
        case 'a': abuse = true; break;
        case 'S':
        case 'Q': {
            char *end;
            unsigned long v;
            errno = 0;
            v = strtoul(optarg, &end, 10);
            if (end == optarg || *end != '\0' || errno != 0 || optarg[0] == '-' || v < 1 ||
                v > 1000000) {
                fprintf(stderr, "svchost-bench: --abuse-%s: 1 to 1000000\n",
                        c == 'S' ? "seconds" : "queries");
                return 2;
            }
            *(c == 'S' ? &abuse_seconds : &abuse_queries) = v;
            break;
        }
        case 'h': usage(stdout); return 0;
        case 'V': printf("svchost-bench (svchost) %s\n", SVCHOST_VERSION); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind != argc) {
        usage(stderr);
        return 2;
    }
    if (abuse && hosting_opts) {
        fprintf(stderr, "svchost-bench: --abuse takes only --abuse-seconds, --abuse-queries, "
                        "--cpu and --keep\n");
        return 2;
    }
    /* scmd and the plugins are looked for beside this executable. */
    char *dir = svc_exe_dir();
    if (dir == NULL || strlen(dir) >= sizeof bindir) {
        fprintf(stderr, "svchost-bench: cannot read /proc/self/exe\n");
        free(dir);
        return 1;
    }
    memcpy(bindir, dir, strlen(dir) + 1);
    free(dir);
    snprintf(scmd, sizeof scmd, "%s/scmd", bindir);
    if (access(scmd, X_OK) != 0) {
        fprintf(stderr, "svchost-bench: %s: %s\n", scmd, strerror(errno));
        return 1;
    }
    /* Found missing now rather than after minutes of measuring. */
    if (plot != NULL && !in_path("gnuplot")) {
        fprintf(stderr, "svchost-bench: --plot needs gnuplot (Debian: gnuplot-nox)\n");
        return 1;
    }
    snprintf(abuser, sizeof abuser, "%s/svchost-abuser", bindir);
    if (abuse && access(abuser, X_OK) != 0) {
        fprintf(stderr, "svchost-bench: %s: %s\n", abuser, strerror(errno));
        return 1;
    }
    if ((plugin = find_plugin(plugin_arg, bindir)) == NULL)
        return 1;
    plugin_label(plugin_arg, label, sizeof label);
    cfg.scmd = scmd;
    cfg.plugin = plugin;
    cfg.tty = isatty(STDERR_FILENO);

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;      /* no SA_RESTART: sleeps end at once */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);       /* a dead gnuplot or scmd is an error, not a kill */
    raise_nofile();
    /* Inherited by scmd and, through it, by every host. */
    if (cpu >= 0) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET((int)cpu, &set);
        if (sched_setaffinity(0, sizeof set, &set) < 0) {
            fprintf(stderr, "svchost-bench: --cpu %ld: %s\n", cpu, strerror(errno));
            free(plugin);
            return 1;
        }
    }

    if (abuse) {
        rc = bench_abuse(&cfg, abuser, (unsigned)abuse_seconds, (unsigned)abuse_queries);
        free(plugin);
        if (rc == -EINTR || (rc == 0 && bench_interrupted)) {
            fprintf(stderr, "svchost-bench: interrupted; scmd and its hosts are stopped\n");
            return 130;
        }
        return rc < 0 ? 1 : 0;
    }

    for (int i = 0; i < nn && rc == 0; i++) {
        for (int m = first; m <= last && rc == 0; m++) {
            rc = bench_run(&cfg, (enum bench_mode)m, ns[i], &rows[nrows]);
            if (rc == 0)
                nrows++;
        }
    }
    if (rc == -EINTR || (rc == 0 && bench_interrupted)) {
        fprintf(stderr, "svchost-bench: interrupted; scmd and its hosts are stopped\n");
        rc = 130;
    } else if (rc < 0) {
        rc = 1;
    }

    if (nrows > 0) {
        printf("plugin: %s\n\n", label);
        report_table(stdout, rows, nrows);
        report_ratios(stdout, rows, nrows);
        report_marginal(stdout, rows, nrows);
        report_targets(stdout, rows, nrows, label);
        fflush(stdout);
    }
    /* Files only for a complete run: a partial one would pass for data. */
    if (rc == 0 && csv != NULL && report_csv(csv, rows, nrows) < 0)
        rc = 1;
    if (rc == 0 && plot != NULL && report_plot(plot, rows, nrows, label) < 0)
        rc = 1;
    free(plugin);
    return rc;
}
