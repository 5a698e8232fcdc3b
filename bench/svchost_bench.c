/*
 * svchost-bench [--n LIST] [--plugin idle|busy|FILE.so] [--csv FILE]
 *               [--plot FILE.png] [--mode MODES] [--cpu N] [--keep]
 * svchost-bench --throughput [--threads T] [--seconds S] [--plugin P] [--cpu N] [--keep]
 * svchost-bench --installed N [--via files|api|both] [--plugin P] [--cpu N] [--keep]
 * svchost-bench --versus wine [--n LIST] [--cpu N] [--keep]
 * svchost-bench --abuse [--abuse-seconds S] [--abuse-queries N] [--cpu N] [--keep]
 * svchost-bench --help | --version
 *
 * Measures what shared hosting saves against one process per service:
 * for each N and each mode (shared: N services in one host; split: one
 * host per service; own: one own-process executable per service), a
 * fresh scmd installs, starts, measures, controls and stops N services,
 * and each row carries the floor (a bare round trip between processes)
 * measured beside it.  docs/benchmark.md says what each column means
 * and how it is measured.
 *
 * Instead, with --throughput: socket requests per second from T client
 * threads; --installed: what N installed services cost scmd; --versus
 * wine: the same scenario against Wine's SCM; --abuse: root's query
 * latency and scmd's memory while another user's client misbehaves.
 *
 * Exit codes: 0 done; 1 a run failed, or the CSV or plot could not be
 * written, or something it needs is missing (named on stderr); 2 usage;
 * 130 interrupted (SIGINT, SIGTERM, SIGHUP) - in every case after scmd,
 * its hosts and every other process it started are gone.
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
#include <time.h>
#include <unistd.h>

#ifndef SVCHOST_BENCH_PLUGINDIR_REL
#define SVCHOST_BENCH_PLUGINDIR_REL "lib/svchost/bench"
#endif

static void usage(FILE *f)
{
    fprintf(f,
            "usage: svchost-bench [--n LIST] [--plugin idle|busy|FILE.so] [--csv FILE]\n"
            "                     [--plot FILE.png] [--mode MODES] [--cpu N] [--keep]\n"
            "       svchost-bench --throughput [--threads T] [--seconds S] [--plugin P]\n"
            "                     [--cpu N] [--keep]\n"
            "       svchost-bench --installed N [--via files|api|both] [--plugin P] [--cpu N]\n"
            "                     [--keep]\n"
            "       svchost-bench --versus wine [--n LIST] [--cpu N] [--keep]\n"
            "       svchost-bench --abuse [--abuse-seconds S] [--abuse-queries N] [--cpu N]\n"
            "                     [--keep]\n"
            "       svchost-bench --help | --version\n"
            "  --n LIST         numbers of services, comma-separated, 1 to %d each\n"
            "                   (default 1,10,100,500; --versus: 1,10,100, at most %d)\n"
            "  --plugin NAME    the service each of them runs: idle (default; registers,\n"
            "                   runs, waits for STOP), busy (idle plus a listening TCP socket\n"
            "                   and 64 KiB of touched memory), or a plugin's path\n"
            "  --csv FILE       also write the measurements as CSV\n"
            "  --plot FILE.png  also draw host PSS against N for each mode (gnuplot)\n"
            "  --mode MODES     all (default), both (shared,split), or a comma-separated\n"
            "                   list of shared, split and own\n"
            "  --cpu N          run the benchmark, scmd and every host on CPU N only\n"
            "                   (latency without cross-CPU wake-ups; see docs/benchmark.md)\n"
            "  --keep           keep each run's state directory (scmd.log, config)\n"
            "  --throughput     instead: QueryServiceConfig from T client threads for S\n"
            "                   seconds, beside the floor's throughput with T threads\n"
            "  --threads T      1 to %d (default 20)\n"
            "  --seconds S      1 to 3600 (default 5)\n"
            "  --installed N    instead: scmd with N services installed (1 to %d): its\n"
            "                   start, stop, memory, EnumServicesStatusEx and CreateService\n"
            "  --via HOW        install them as files before scmd starts (default), through\n"
            "                   the API, or both\n"
            "  --versus wine    instead: the same scenario against Wine's SCM (needs wine\n"
            "                   and gcc-mingw-w64-x86-64)\n"
            "  --abuse          instead: time root's queries with no abuse, while 20 clients\n"
            "                   never read their replies, and while 400 clients sit silent\n"
            "                   in a 1 MiB frame (svchost-abuser, as user nobody if root),\n"
            "                   and sample scmd's memory\n"
            "  --abuse-seconds S  query each phase for up to S seconds (default 10)\n"
            "  --abuse-queries N  and at most N queries (default 1000)\n"
            "For each N, shared runs the N services in one `svchost -k bench`; split runs\n"
            "each in its own `svchost -k bench -s NAME`; own runs each as an own-process\n"
            "executable built from the same plugin source.  Results go to stdout,\n"
            "progress to stderr.  Exit: 0 done, 1 failure, 2 usage, 130 interrupted.\n",
            BENCH_MAX_N, BENCH_VERSUS_MAX_N, BENCH_MAX_THREADS, BENCH_MAX_INSTALLED);
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

/* "all", "both" (shared,split) or a comma-separated list of shared,
 * split and own: a bit per mode, or 0 (reported). */
static unsigned parse_modes(const char *arg)
{
    unsigned m = 0;
    const char *s = arg;

    if (strcmp(arg, "all") == 0)
        return (1u << BENCH_MODES) - 1;
    if (strcmp(arg, "both") == 0)
        return 1u << BENCH_SHARED | 1u << BENCH_SPLIT;
    for (;;) {
        size_t len = strcspn(s, ",");
        int k = -1;
        for (int i = 0; i < BENCH_MODES; i++)
            if (strlen(bench_mode_name((enum bench_mode)i)) == len &&
                strncmp(s, bench_mode_name((enum bench_mode)i), len) == 0)
                k = i;
        if (k < 0) {
            fprintf(stderr, "svchost-bench: --mode: '%.*s' is not a mode: all, both, or a list "
                            "of shared, split and own\n", (int)len, s);
            return 0;
        }
        m |= 1u << k;
        if (s[len] == '\0')
            return m;
        s += len + 1;
    }
}

/* The own-process build of a plugin: NAME-own beside NAME.so, or NULL. */
static char *find_own_exe(const char *plugin)
{
    size_t len = strlen(plugin);
    char *exe;

    if (len < 3 || strcmp(plugin + len - 3, ".so") != 0 || (exe = malloc(len + 2)) == NULL)
        return NULL;
    memcpy(exe, plugin, len - 3);
    memcpy(exe + len - 3, "-own", 5);
    if (access(exe, X_OK) != 0) {
        free(exe);
        return NULL;
    }
    return exe;
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

int bench_in_path(const char *name)
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

double bench_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
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

/* An option's number in [min, max], or -1 after the usage error. */
static long parse_range(const char *opt, const char *arg, long min, long max)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(arg, &end, 10);
    if (end == arg || *end != '\0' || errno != 0 || v < min || v > max) {
        fprintf(stderr, "svchost-bench: --%s: '%s' is not a number from %ld to %ld\n", opt, arg,
                min, max);
        return -1;
    }
    return v;
}

/* What the run does instead of the hosting table, at most one. */
enum task { TASK_HOSTING, TASK_THROUGHPUT, TASK_INSTALLED, TASK_VERSUS, TASK_ABUSE };
static const char *const task_option[] = { "", "--throughput", "--installed", "--versus",
                                           "--abuse" };

static bool set_task(enum task *task, enum task t)
{
    if (*task != TASK_HOSTING && *task != t) {
        fprintf(stderr, "svchost-bench: %s and %s cannot be combined\n", task_option[*task],
                task_option[t]);
        return false;
    }
    *task = t;
    return true;
}

static int finish(int rc)
{
    if (rc == -EINTR || (rc >= 0 && bench_interrupted)) {
        fprintf(stderr, "svchost-bench: interrupted; scmd and its hosts are stopped\n");
        return 130;
    }
    return rc < 0 ? 1 : 0;
}

#define T(t) (1u << (t))

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
        { "throughput", no_argument, NULL, 't' },
        { "threads", required_argument, NULL, 'T' },
        { "seconds", required_argument, NULL, 's' },
        { "installed", required_argument, NULL, 'i' },
        { "via", required_argument, NULL, 'v' },
        { "versus", required_argument, NULL, 'w' },
        { NULL, 0, NULL, 0 },
    };
    /* Which tasks each option applies to; the others refuse it. */
    static const struct { int opt; unsigned tasks; } applies[] = {
        { 'n', T(TASK_HOSTING) | T(TASK_VERSUS) },
        { 'c', T(TASK_HOSTING) },
        { 'p', T(TASK_HOSTING) },
        { 'm', T(TASK_HOSTING) },
        { 'P', T(TASK_HOSTING) | T(TASK_THROUGHPUT) | T(TASK_INSTALLED) },
        { 'S', T(TASK_ABUSE) },
        { 'Q', T(TASK_ABUSE) },
        { 'T', T(TASK_THROUGHPUT) },
        { 's', T(TASK_THROUGHPUT) },
        { 'v', T(TASK_INSTALLED) },
    };
    unsigned ns[BENCH_MAX_NS] = { 1, 10, 100, 500 };
    int nn = 4, c, rc = 0;
    bool ns_given = false;
    unsigned modes = 0;             /* bit per mode; 0: all that can run */
    long cpu = -1, v;
    const char *csv = NULL, *plot = NULL, *plugin_arg = "idle";
    struct bench_config cfg = { 0 };
    struct bench_row rows[BENCH_MAX_ROWS];
    size_t nrows = 0;
    char bindir[PATH_MAX], scmd[PATH_MAX + 8], abuser[PATH_MAX + 16], label[64];
    char *plugin = NULL, *own_exe = NULL;
    struct sigaction sa;
    enum task task = TASK_HOSTING;
    unsigned long abuse_seconds = 10, abuse_queries = 1000;
    unsigned threads = 20, seconds = 5, installed = 0, via = BENCH_VIA_FILES;
    char given[128] = "";           /* options seen, by their short letter */

    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        size_t ng = strlen(given);
        if (c != '?' && ng + 1 < sizeof given) {
            given[ng] = (char)c;
            given[ng + 1] = '\0';
        }
        switch (c) {
        case 'n':
            if ((nn = parse_n_list(optarg, ns)) < 0)
                return 2;
            ns_given = true;
            break;
        case 'c': csv = optarg; break;
        case 'p': plot = optarg; break;
        case 'P':
            plugin_arg = optarg;
            if (strchr(optarg, '/') == NULL && strcmp(optarg, "idle") != 0 &&
                strcmp(optarg, "busy") != 0) {
                fprintf(stderr, "svchost-bench: --plugin: idle, busy, or a path to a plugin\n");
                return 2;
            }
            break;
        case 'm':
            if ((modes = parse_modes(optarg)) == 0)
                return 2;
            break;
        case 'C':
            if ((cpu = parse_range("cpu", optarg, 0, CPU_SETSIZE - 1)) < 0)
                return 2;
            break;
        case 'k': cfg.keep = 1; break;
        case 'a':
            if (!set_task(&task, TASK_ABUSE))
                return 2;
            break;
        case 'S':
        case 'Q':
            if ((v = parse_range(c == 'S' ? "abuse-seconds" : "abuse-queries", optarg, 1,
                                 1000000)) < 0)
                return 2;
            *(c == 'S' ? &abuse_seconds : &abuse_queries) = (unsigned long)v;
            break;
        case 't':
            if (!set_task(&task, TASK_THROUGHPUT))
                return 2;
            break;
        case 'T':
            if ((v = parse_range("threads", optarg, 1, BENCH_MAX_THREADS)) < 0)
                return 2;
            threads = (unsigned)v;
            break;
        case 's':
            if ((v = parse_range("seconds", optarg, 1, 3600)) < 0)
                return 2;
            seconds = (unsigned)v;
            break;
        case 'i':
            if (!set_task(&task, TASK_INSTALLED) ||
                (v = parse_range("installed", optarg, 1, BENCH_MAX_INSTALLED)) < 0)
                return 2;
            installed = (unsigned)v;
            break;
        case 'v':
            if (strcmp(optarg, "files") == 0) {
                via = BENCH_VIA_FILES;
            } else if (strcmp(optarg, "api") == 0) {
                via = BENCH_VIA_API;
            } else if (strcmp(optarg, "both") == 0) {
                via = BENCH_VIA_FILES | BENCH_VIA_API;
            } else {
                fprintf(stderr, "svchost-bench: --via: files, api or both, not '%s'\n", optarg);
                return 2;
            }
            break;
        case 'w':
            if (strcmp(optarg, "wine") != 0) {
                fprintf(stderr, "svchost-bench: --versus: the only peer is wine, not '%s'\n",
                        optarg);
                return 2;
            }
            if (!set_task(&task, TASK_VERSUS))
                return 2;
            break;
        case 'h': usage(stdout); return 0;
        case 'V': printf("svchost-bench (svchost) %s\n", SVCHOST_VERSION); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind != argc) {
        fprintf(stderr, "svchost-bench: unexpected argument '%s'\n", argv[optind]);
        usage(stderr);
        return 2;
    }
    for (size_t i = 0; i < sizeof applies / sizeof applies[0]; i++) {
        if (strchr(given, applies[i].opt) == NULL || (applies[i].tasks & T(task)))
            continue;
        const char *name = "?";
        char where[96] = "";
        for (const struct option *o = opts; o->name != NULL; o++)
            if (o->val == applies[i].opt)
                name = o->name;
        for (int t = 0; t <= TASK_ABUSE; t++)
            if (applies[i].tasks & T(t))
                snprintf(where + strlen(where), sizeof where - strlen(where), "%s%s",
                         where[0] ? " or " : "", t == TASK_HOSTING ? "the default run"
                                                                   : task_option[t]);
        fprintf(stderr, "svchost-bench: --%s applies only to %s\n", name, where);
        return 2;
    }
    if (task == TASK_VERSUS) {
        if (!ns_given) {
            ns[0] = 1, ns[1] = 10, ns[2] = 100;
            nn = 3;
        }
        for (int i = 0; i < nn; i++)
            if (ns[i] > BENCH_VERSUS_MAX_N) {
                fprintf(stderr, "svchost-bench: --n: at most %d with --versus\n",
                        BENCH_VERSUS_MAX_N);
                return 2;
            }
    }
    /* A CPU this process may not run on is bad input, not a failure. */
    if (cpu >= 0) {
        cpu_set_t set;
        if (sched_getaffinity(0, sizeof set, &set) == 0 && !CPU_ISSET((int)cpu, &set)) {
            fprintf(stderr, "svchost-bench: --cpu %ld: not one of the %d CPUs this process may "
                            "use\n", cpu, CPU_COUNT(&set));
            return 2;
        }
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
    if (plot != NULL && !bench_in_path("gnuplot")) {
        fprintf(stderr, "svchost-bench: --plot needs gnuplot (Debian: gnuplot-nox)\n");
        return 1;
    }
    if (task == TASK_VERSUS && bench_versus_check() < 0)
        return 1;
    snprintf(abuser, sizeof abuser, "%s/svchost-abuser", bindir);
    if (task == TASK_ABUSE && access(abuser, X_OK) != 0) {
        fprintf(stderr, "svchost-bench: %s: %s\n", abuser, strerror(errno));
        return 1;
    }
    if ((plugin = find_plugin(plugin_arg, bindir)) == NULL)
        return 1;
    plugin_label(plugin_arg, label, sizeof label);
    own_exe = find_own_exe(plugin);
    if (modes == 0) {
        modes = (1u << BENCH_MODES) - 1;
        if (own_exe == NULL && task == TASK_HOSTING) {
            modes &= ~(1u << BENCH_OWN);
            fprintf(stderr, "svchost-bench: no own-process build of %s beside it; "
                            "own mode left out\n", plugin);
        }
    } else if ((modes & (1u << BENCH_OWN)) && own_exe == NULL) {
        fprintf(stderr, "svchost-bench: --mode own needs the plugin built as an own-process "
                        "executable beside it (%.*s-own)\n", (int)(strlen(plugin) - 3), plugin);
        free(plugin);
        return 1;
    }
    cfg.scmd = scmd;
    cfg.plugin = plugin;
    cfg.own_exe = own_exe;
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
            rc = 1;
            goto out;
        }
    }

    switch (task) {
    case TASK_ABUSE:
        rc = finish(bench_abuse(&cfg, abuser, (unsigned)abuse_seconds, (unsigned)abuse_queries));
        goto out;
    case TASK_THROUGHPUT:
        rc = finish(bench_throughput(&cfg, threads, seconds));
        goto out;
    case TASK_INSTALLED:
        rc = finish(bench_installed(&cfg, installed, via));
        goto out;
    case TASK_VERSUS:
        rc = finish(bench_versus_wine(&cfg, ns, nn));
        goto out;
    case TASK_HOSTING:
        break;
    }

    for (int i = 0; i < nn && rc == 0; i++) {
        for (int m = 0; m < BENCH_MODES && rc == 0; m++) {
            if (!(modes & (1u << m)))
                continue;
            rc = bench_run(&cfg, (enum bench_mode)m, ns[i], &rows[nrows]);
            if (rc == 0)
                nrows++;
        }
    }
    rc = finish(rc);
    if (nrows > 0) {
        printf("plugin: %s\n\n", label);
        report_table(stdout, rows, nrows);
        report_ratios(stdout, rows, nrows);
        report_marginal(stdout, rows, nrows);
        report_autostart(stdout, rows, nrows);
        report_placed(stdout, rows, nrows);
        report_targets(stdout, rows, nrows, label);
        fflush(stdout);
    }
    /* Files only for a complete run: a partial one would pass for data. */
    if (rc == 0 && csv != NULL && report_csv(csv, rows, nrows) < 0)
        rc = 1;
    if (rc == 0 && plot != NULL && report_plot(plot, rows, nrows, label) < 0)
        rc = 1;
out:
    free(plugin);
    free(own_exe);
    return rc;
}
