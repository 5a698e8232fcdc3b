/*
 * run.c - one measurement: N services in one mode, from a fresh state
 * directory to nothing left behind.
 *
 * The steps, each through the public API only:
 *   1. mkdtemp a state directory, write config/scm.ini (SplitThresholdKB
 *      0 = never split, 1 = split on any machine), start `scmd --root`
 *      and wait until OpenSCManagerA reaches it;
 *   2. CreateServiceA BenchNNNN (share process, "svchost -k bench") and
 *      ChangeServiceConfig2A(SVCHOST_CONFIG_SERVICE_DLL) for each; in own
 *      mode, an own-process service whose ImagePath is the plugin built
 *      as an executable;
 *   3. StartServiceA each, then poll until all are RUNNING (start_ms);
 *   4. sum PSS, RSS, threads and descriptors over the hosts that
 *      SvchostEnumHosts lists for the group (own mode: over the
 *      services' processes);
 *   5. QueryServiceStatusEx and ControlService(INTERROGATE) latency,
 *      then the floor (floor.c) under the same conditions;
 *   6. STOP each, poll until all are STOPPED (stop_ms);
 *   7. SIGTERM scmd (which stops what is left and its hosts), kill any
 *      host still running on this state directory, remove the directory.
 *
 * scmd runs in a process group of its own, so a Ctrl-C at the terminal
 * reaches only the benchmark, which then tears down in order; and with
 * PR_SET_PDEATHSIG, so it does not outlive a benchmark that was killed.
 */
#include "bench.h"

#include <svchost/svcctl.h>
#include <svchost/winsvc.h>

#include "paths.h"
#include "win32.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define QUERY_WARMUP 200
#define QUERY_CALLS 2000
#define INTERROGATE_WARMUP 200
#define INTERROGATE_CALLS 1000
/* The floor's round trips of each kind in the latency phase, and the
 * blocks INTERROGATE and they take turns in. */
#define FLOOR_LAT_CALLS 2000
#define LATENCY_BLOCKS 10
/* The pause before them (ms): see latency(). */
#define SETTLE_MS 500
/* Per placement (placement.c): untimed calls of each path, then the
 * timed ones in alternating blocks, each after a few untimed ones (the
 * path's processes were asleep during the other's block). */
#define PLACED_WARMUP 100
#define PLACED_BLOCKS 10
#define PLACED_BLOCK_WARMUP 10
#define PLACED_CALLS 600

/* Between two status polls: short, so start_ms and stop_ms are not
 * rounded up to the poll period, but long enough to leave the CPU to
 * scmd and the hosts. */
#define POLL_US 250

volatile sig_atomic_t bench_interrupted;

struct run {
    const struct bench_config *cfg;
    enum bench_mode mode;
    unsigned n;
    char dir[256];
    pid_t scmd;
    SC_HANDLE scm;
    SC_HANDLE *svc;
    BYTE *enum_buf;                 /* EnumServicesStatusExA's, kept between polls */
    DWORD enum_size;
    double progress_at;             /* when the progress line was last drawn */
    const char *scm_ini;            /* a session's config/scm.ini, else by mode */
    double ready_ms;                /* scmd's last start: fork to first OpenSCManagerA */
    char label[32];                 /* "shared n=10", or a session's label */
};

const char *bench_mode_name(enum bench_mode mode)
{
    static const char *const names[] = { "shared", "split", "own" };
    _Static_assert(sizeof names / sizeof names[0] == BENCH_MODES, "a name per mode");
    return mode < BENCH_MODES ? names[mode] : "?";
}

static void msleep_us(long us)
{
    struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };
    nanosleep(&ts, NULL);
}

/* The progress line: redrawn in place on a terminal, at most every
 * 100 ms so that drawing it does not show in what is being timed;
 * elsewhere one line per run. */
static void progress(struct run *r, bool force, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void progress(struct run *r, bool force, const char *fmt, ...)
{
    va_list ap;
    double t;

    if (!r->cfg->tty)
        return;
    t = bench_now_ms();
    if (!force && t - r->progress_at < 100)
        return;
    r->progress_at = t;
    fprintf(stderr, "\r\033[K[%s] ", r->label);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fflush(stderr);
}

static void progress_clear(const struct run *r)
{
    if (r->cfg->tty)
        fputs("\r\033[K", stderr);
}

/* An error: on its own line, after the progress line. */
static void fail(const struct run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(const struct run *r, const char *fmt, ...)
{
    va_list ap;

    progress_clear(r);
    fprintf(stderr, "svchost-bench: [%s] ", r->label);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static void fail_win32(const struct run *r, const char *call, const char *name)
{
    DWORD err = GetLastError();
    fail(r, "%s(%s) failed: %u %s", call, name ? name : "", (unsigned)err,
         svc_win32_message(err));
}

/* ---- the state directory ------------------------------------------------ */

static int write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "we");
    int ok;

    if (f == NULL)
        return -1;
    ok = fputs(text, f) >= 0;
    ok = fclose(f) == 0 && ok;
    return ok ? 0 : -1;
}

static int make_state_dir(struct run *r)
{
    const char *tmp = getenv("TMPDIR");

    if (tmp == NULL || *tmp == '\0')
        tmp = "/tmp";
    if ((size_t)snprintf(r->dir, sizeof r->dir, "%s/svchost-bench.XXXXXX", tmp) >= sizeof r->dir) {
        fail(r, "TMPDIR is too long");
        r->dir[0] = '\0';
        return -1;
    }
    if (mkdtemp(r->dir) == NULL) {
        fail(r, "mkdtemp %s: %s", r->dir, strerror(errno));
        r->dir[0] = '\0';
        return -1;
    }
    /* The state directory's parts, built where every path under a root
     * is built (paths.c). */
    char *(*const dirs[])(const char *) = { svc_path_config_dir, svc_path_services_dir };
    char *file;
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        char *dir = dirs[i](r->dir);
        int rc = dir ? mkdir(dir, 0755) : -1;
        if (rc < 0) {
            fail(r, "%s: %s", dir ? dir : r->dir, dir ? strerror(errno) : "out of memory");
            free(dir);
            return -1;
        }
        free(dir);
    }
    file = svc_path_scm_ini(r->dir);
    /* Any machine has more than 1 KiB of RAM, so 1 splits everywhere. */
    if (file == NULL ||
        write_file(file, r->scm_ini ? r->scm_ini
                         : r->mode == BENCH_SPLIT ? "[SCM]\nSplitThresholdKB = 1\n"
                                                  : "[SCM]\nSplitThresholdKB = 0\n") < 0) {
        fail(r, "%s: %s", file ? file : r->dir, file ? strerror(errno) : "out of memory");
        free(file);
        return -1;
    }
    free(file);
    return 0;
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    if ((type == FTW_DP ? rmdir(path) : unlink(path)) < 0 && errno != ENOENT)
        fprintf(stderr, "svchost-bench: cannot remove %s: %s\n", path, strerror(errno));
    return 0;
}

/* The last lines of scmd's log (its hosts write there too), for a
 * failure that the API reports only as an error code. */
static void show_log_tail(const struct run *r)
{
    char path[512], line[512], ring[12][512];
    size_t n = 0;
    FILE *f;

    snprintf(path, sizeof path, "%s/scmd.log", r->dir);
    if ((f = fopen(path, "re")) == NULL)
        return;
    while (fgets(line, sizeof line, f) != NULL)
        snprintf(ring[n++ % 12], sizeof ring[0], "%s", line);
    fclose(f);
    if (n == 0)
        return;
    fprintf(stderr, "---- last lines of scmd's log:\n");
    for (size_t i = n > 12 ? n - 12 : 0; i < n; i++)
        fputs(ring[i % 12], stderr);
}

/* ---- scmd --------------------------------------------------------------- */

static int start_scmd(struct run *r)
{
    char log[512];
    pid_t parent = getpid(), pid;
    int fd;

    snprintf(log, sizeof log, "%s/scmd.log", r->dir);
    fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) {
        fail(r, "%s: %s", log, strerror(errno));
        return -1;
    }
    double t0 = bench_now_ms();
    pid = fork();
    if (pid < 0) {
        fail(r, "fork: %s", strerror(errno));
        close(fd);
        return -1;
    }
    if (pid == 0) {
        int null = open("/dev/null", O_RDONLY);
        setpgid(0, 0);
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != parent)
            _exit(127);         /* the benchmark died before prctl */
        signal(SIGPIPE, SIG_DFL);
        if (null >= 0)
            dup2(null, 0);
        dup2(fd, 1);
        dup2(fd, 2);
        unsetenv("NOTIFY_SOCKET");
        execl(r->cfg->scmd, "scmd", "--root", r->dir, (char *)NULL);
        dprintf(2, "svchost-bench: cannot run %s: %s\n", r->cfg->scmd, strerror(errno));
        _exit(127);
    }
    close(fd);
    r->scmd = pid;
    /* Clients find scmd through SVCHOST_ROOT (docs/api.md). */
    setenv("SVCHOST_ROOT", r->dir, 1);

    double deadline = bench_now_ms() + 10000;
    for (;;) {
        int status;
        r->scm = OpenSCManagerA(NULL, NULL, SC_MANAGER_ALL_ACCESS);
        if (r->scm != NULL) {
            r->ready_ms = bench_now_ms() - t0;
            return 0;
        }
        if (waitpid(pid, &status, WNOHANG) == pid) {
            r->scmd = 0;
            fail(r, "scmd exited (status %d) before it was ready", status);
            show_log_tail(r);
            return -1;
        }
        if (bench_interrupted)
            return -EINTR;
        if (bench_now_ms() > deadline) {
            fail_win32(r, "OpenSCManagerA", NULL);
            fail(r, "scmd did not answer within 10 s");
            show_log_tail(r);
            return -1;
        }
        msleep_us(1000);
    }
}

/* Waits up to ms for pid to exit: 1 if it did (reaped), else 0. */
static int reap(pid_t pid, int ms)
{
    double deadline = bench_now_ms() + ms;

    for (;;) {
        pid_t w = waitpid(pid, NULL, WNOHANG);
        if (w == pid || (w < 0 && errno == ECHILD))
            return 1;
        if (bench_now_ms() > deadline)
            return 0;
        msleep_us(2000);
    }
}

/* Hosts that outlived scmd (it was killed, or they ignored it): every
 * process running with --root on this run's own state directory. */
static void kill_leftover_hosts(const struct run *r)
{
    DIR *d = opendir("/proc");
    struct dirent *e;

    if (d == NULL)
        return;
    while ((e = readdir(d)) != NULL) {
        char *end;
        long pid = strtol(e->d_name, &end, 10);
        if (*end != '\0' || pid <= 1 || pid == (long)getpid())
            continue;
        if (svc_proc_cmdline_has((pid_t)pid, "--root", r->dir)) {
            fprintf(stderr, "svchost-bench: killing leftover host %ld\n", pid);
            kill((pid_t)pid, SIGKILL);
        }
    }
    closedir(d);
}

static void teardown(struct run *r)
{
    if (r->svc != NULL) {
        for (unsigned i = 0; i < r->n; i++)
            if (r->svc[i] != NULL)
                CloseServiceHandle(r->svc[i]);
        free(r->svc);
        r->svc = NULL;
    }
    if (r->scm != NULL) {
        CloseServiceHandle(r->scm);
        r->scm = NULL;
    }
    free(r->enum_buf);
    r->enum_buf = NULL;
    if (r->scmd > 0) {
        /* scmd stops every service and waits for its hosts; a host that
         * does not stop is killed after scmd's stop timeout. */
        kill(r->scmd, SIGTERM);
        if (!reap(r->scmd, 45000)) {
            fail(r, "scmd did not exit within 45 s of SIGTERM; killing it");
            kill(r->scmd, SIGKILL);
            reap(r->scmd, 5000);
        }
        r->scmd = 0;
    }
    unsetenv("SVCHOST_ROOT");
    if (r->dir[0] != '\0') {
        kill_leftover_hosts(r);
        if (r->cfg->keep) {
            progress_clear(r);
            fprintf(stderr, "svchost-bench: [%s] state directory kept: %s\n", r->label, r->dir);
        } else {
            nftw(r->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
        }
        r->dir[0] = '\0';
    }
}

/* ---- services ----------------------------------------------------------- */

static void service_name(char *buf, size_t size, unsigned i)
{
    snprintf(buf, size, "Bench%04u", i);
}

static int install(struct run *r)
{
    SVCHOST_SERVICE_DLL_INFO dll = { .lpServiceDll = (LPSTR)r->cfg->plugin };
    char name[32];

    r->svc = calloc(r->n, sizeof *r->svc);
    if (r->svc == NULL) {
        fail(r, "out of memory");
        return -1;
    }
    for (unsigned i = 0; i < r->n; i++) {
        if (bench_interrupted)
            return -EINTR;
        progress(r, i == 0, "installing %u/%u", i, r->n);
        service_name(name, sizeof name, i);
        if (r->mode == BENCH_OWN)
            r->svc[i] = CreateServiceA(r->scm, name, NULL, SERVICE_ALL_ACCESS,
                                       SERVICE_WIN32_OWN_PROCESS, SERVICE_DEMAND_START,
                                       SERVICE_ERROR_NORMAL, r->cfg->own_exe, NULL, NULL, NULL,
                                       NULL, NULL);
        else
            /* Shared mode's are auto-start, for the last phase (autostart);
             * the type does not matter to StartService. */
            r->svc[i] = CreateServiceA(r->scm, name, NULL, SERVICE_ALL_ACCESS,
                                       SERVICE_WIN32_SHARE_PROCESS,
                                       r->mode == BENCH_SHARED ? SERVICE_AUTO_START
                                                               : SERVICE_DEMAND_START,
                                       SERVICE_ERROR_NORMAL, "svchost -k " BENCH_GROUP, NULL,
                                       NULL, NULL, NULL, NULL);
        if (r->svc[i] == NULL) {
            fail_win32(r, "CreateServiceA", name);
            return -1;
        }
        if (r->mode != BENCH_OWN &&
            !ChangeServiceConfig2A(r->svc[i], SVCHOST_CONFIG_SERVICE_DLL, &dll)) {
            fail_win32(r, "ChangeServiceConfig2A", name);
            return -1;
        }
    }
    return 0;
}

/*
 * Counts the benchmark's services in each state with one
 * EnumServicesStatusExA (not one query per service, which would cost
 * N round trips per poll).  *failed gets the name and exit code of a
 * service found STOPPED when `target` is RUNNING.
 * Returns the number in `target`, or -1 (reported).
 */
static long count_state(struct run *r, DWORD target, char *failed, size_t failed_size,
                        DWORD *failed_code)
{
    DWORD needed = 0, returned = 0, resume = 0;
    long count = 0;

    if (failed != NULL)
        failed[0] = '\0';
    if (r->enum_buf == NULL) {
        r->enum_size = 64 * 1024 + r->n * 128;
        if ((r->enum_buf = malloc(r->enum_size)) == NULL) {
            fail(r, "out of memory");
            return -1;
        }
    }
    for (;;) {
        BOOL ok = EnumServicesStatusExA(r->scm, SC_ENUM_PROCESS_INFO, SERVICE_WIN32,
                                        SERVICE_STATE_ALL, r->enum_buf, r->enum_size, &needed,
                                        &returned, &resume, NULL);
        if (!ok && GetLastError() != ERROR_MORE_DATA) {
            fail_win32(r, "EnumServicesStatusExA", NULL);
            return -1;
        }
        const ENUM_SERVICE_STATUS_PROCESSA *e = (const ENUM_SERVICE_STATUS_PROCESSA *)r->enum_buf;
        for (DWORD i = 0; i < returned; i++) {
            DWORD st = e[i].ServiceStatusProcess.dwCurrentState;
            if (strncmp(e[i].lpServiceName, "Bench", 5) != 0)
                continue;
            if (st == target)
                count++;
            else if (target == SERVICE_RUNNING && st == SERVICE_STOPPED && failed != NULL) {
                snprintf(failed, failed_size, "%s", e[i].lpServiceName);
                *failed_code = e[i].ServiceStatusProcess.dwWin32ExitCode;
            }
        }
        if (ok)
            return count;
        if (returned == 0) {
            /* Not even one entry fits: grow, and go on from resume. */
            BYTE *nb = realloc(r->enum_buf, (size_t)r->enum_size * 2);
            if (nb == NULL) {
                fail(r, "out of memory");
                return -1;
            }
            r->enum_buf = nb;
            r->enum_size *= 2;
        }
    }
}

/* Polls until all n services are in `target`: the time it took from t0
 * in *ms, 0; or -1 / -EINTR. */
static int wait_all(struct run *r, DWORD target, const char *what, double t0, double *ms)
{
    double deadline = bench_now_ms() + 30000 + 200.0 * r->n;
    char failed[64];
    DWORD code = 0;

    for (;;) {
        long k = count_state(r, target, failed, sizeof failed, &code);
        if (k < 0)
            return -1;
        if ((unsigned long)k >= r->n) {
            *ms = bench_now_ms() - t0;
            return 0;
        }
        if (failed[0] != '\0') {
            fail(r, "%s stopped instead of running: exit code %u %s", failed, (unsigned)code,
                 svc_win32_message(code));
            show_log_tail(r);
            return -1;
        }
        if (bench_interrupted)
            return -EINTR;
        if (bench_now_ms() > deadline) {
            fail(r, "only %ld of %u services %s after %.0f s", k, r->n, what,
                 (bench_now_ms() - t0) / 1000);
            show_log_tail(r);
            return -1;
        }
        progress(r, false, "%s %ld/%u", what, k, r->n);
        msleep_us(POLL_US);
    }
}

static int start_all(struct run *r, struct bench_row *row)
{
    char name[32];
    double t0;

    progress(r, true, "starting 0/%u", r->n);   /* drawn before the clock starts */
    t0 = bench_now_ms();
    for (unsigned i = 0; i < r->n; i++) {
        if (bench_interrupted)
            return -EINTR;
        progress(r, false, "starting %u/%u", i, r->n);
        if (!StartServiceA(r->svc[i], 0, NULL)) {
            service_name(name, sizeof name, i);
            fail_win32(r, "StartServiceA", name);
            show_log_tail(r);
            return -1;
        }
    }
    return wait_all(r, SERVICE_RUNNING, "running", t0, &row->start_ms);
}

static int stop_all(struct run *r, struct bench_row *row)
{
    SERVICE_STATUS ss;
    char name[32];
    double t0;

    progress(r, true, "stopping 0/%u", r->n);   /* drawn before the clock starts */
    t0 = bench_now_ms();
    for (unsigned i = 0; i < r->n; i++) {
        if (bench_interrupted)
            return -EINTR;
        progress(r, false, "stopping %u/%u", i, r->n);
        if (!ControlService(r->svc[i], SERVICE_CONTROL_STOP, &ss)) {
            service_name(name, sizeof name, i);
            fail_win32(r, "ControlService(STOP)", name);
            return -1;
        }
    }
    return wait_all(r, SERVICE_STOPPED, "stopped", t0, &row->stop_ms);
}

static int add_usage(struct run *r, struct bench_row *row, pid_t pid)
{
    struct svc_proc_usage u;
    int err;

    if ((err = svc_proc_usage_read(pid, &u)) < 0) {
        fail(r, "cannot read /proc/%u: %s", (unsigned)pid, strerror(-err));
        return -1;
    }
    row->hosts++;
    row->pss_kib += u.pss_kib;
    row->rss_kib += u.rss_kib;
    row->threads += u.threads;
    row->fds += u.fds;
    return 0;
}

/* Own mode: each service's own process, from one EnumServicesStatusExA
 * (the last count_state's buffer holds all of them). */
static int measure_own(struct run *r, struct bench_row *row)
{
    DWORD needed = 0, returned = 0, resume = 0;
    pid_t *pids = calloc(r->n, sizeof *pids);
    size_t k = 0;
    int rc = -1;

    if (pids == NULL) {
        fail(r, "out of memory");
        return -1;
    }
    if (!EnumServicesStatusExA(r->scm, SC_ENUM_PROCESS_INFO, SERVICE_WIN32, SERVICE_STATE_ALL,
                               r->enum_buf, r->enum_size, &needed, &returned, &resume, NULL)) {
        fail_win32(r, "EnumServicesStatusExA", NULL);
        goto out;
    }
    const ENUM_SERVICE_STATUS_PROCESSA *e = (const ENUM_SERVICE_STATUS_PROCESSA *)r->enum_buf;
    for (DWORD i = 0; i < returned && k < r->n; i++) {
        pid_t pid = (pid_t)e[i].ServiceStatusProcess.dwProcessId;
        bool seen = false;
        if (strncmp(e[i].lpServiceName, "Bench", 5) != 0 || pid <= 0)
            continue;
        for (size_t j = 0; j < k && !seen; j++)
            seen = pids[j] == pid;
        if (seen)
            continue;
        pids[k++] = pid;
        if (add_usage(r, row, pid) < 0)
            goto out;
    }
    rc = 0;
out:
    free(pids);
    return rc;
}

/* Sums what the group's host processes use; row->hosts is their number. */
static int measure_hosts(struct run *r, struct bench_row *row)
{
    DWORD needed = 0, count = 0;
    BYTE *buf = NULL;
    int rc = -1;

    progress(r, true, "measuring the hosts");
    if (r->mode == BENCH_OWN)
        return measure_own(r, row);
    /* Ask for the size, then fetch; again if a host came or went. */
    for (int tries = 0; tries < 5; tries++) {
        BYTE *nb = realloc(buf, needed ? needed : 1);
        if (nb == NULL) {
            fail(r, "out of memory");
            goto out;
        }
        buf = nb;
        if (SvchostEnumHosts(r->scm, buf, needed, &needed, &count))
            break;
        if (GetLastError() != ERROR_MORE_DATA) {
            fail_win32(r, "SvchostEnumHosts", NULL);
            goto out;
        }
        count = 0;
    }
    const SVCHOST_HOST_INFO *h = (const SVCHOST_HOST_INFO *)buf;
    for (DWORD i = 0; i < count; i++) {
        if (h[i].lpGroup == NULL || strcasecmp(h[i].lpGroup, BENCH_GROUP) != 0)
            continue;
        if (add_usage(r, row, (pid_t)h[i].dwProcessId) < 0)
            goto out;
    }
    rc = 0;
out:
    free(buf);
    return rc;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The p-th percentile by nearest rank (the smallest value with at least
 * p% of the sample at or below it), v sorted in place. */
double bench_percentile(double *v, size_t n, unsigned p)
{
    size_t rank = (p * n + 99) / 100;

    qsort(v, n, sizeof *v, cmp_double);
    if (rank < 1)
        rank = 1;
    return v[rank > n ? n - 1 : rank - 1];
}

/* n timed INTERROGATEs of svc into v (us), after warmup untimed ones:
 * 0, -1 (reported) or -EINTR. */
static int interrogate_calls(struct run *r, SC_HANDLE svc, double *v, size_t n, size_t warmup)
{
    SERVICE_STATUS ss;

    for (size_t i = 0; i < warmup + n; i++) {
        double t0 = bench_now_ms();
        if (!ControlService(svc, SERVICE_CONTROL_INTERROGATE, &ss)) {
            fail_win32(r, "ControlService(INTERROGATE)", "Bench0000");
            return -1;
        }
        if (i >= warmup)
            v[i - warmup] = (bench_now_ms() - t0) * 1000;
        if (bench_interrupted)
            return -EINTR;
    }
    return 0;
}

/* Every process of both paths back on every CPU. */
static void unpin(pid_t scmd, pid_t host, const struct bench_floor *floor)
{
    bench_pin(0, -1);
    bench_pin(scmd, -1);
    bench_pin(host, -1);
    bench_pin(floor->pid[1], -1);
    bench_pin(floor->pid[2], -1);
}

/* INTERROGATE of svc (whose host is `host`) and the 2-hop floor with the
 * client, scmd and the host where the client, the relay and the echo
 * are, for each placement (placement.c); v and f2 hold PLACED_CALLS. */
static int placed(struct run *r, struct bench_row *row, SC_HANDLE svc, pid_t host,
                  struct bench_floor *floor, double *v, double *f2)
{
    struct bench_placement at[BENCH_PLACEMENTS];
    int n = bench_placements(at), rc = 0;

    if (host <= 0) {
        fail(r, "Bench0000 has no process to place");
        return -1;
    }
    progress(r, true, "INTERROGATE and floor round trips, placed");
    for (int k = 0; k < n && rc == 0; k++) {
        const struct bench_placement *p = &at[k];
        int e;

        if ((e = bench_pin(0, p->client)) < 0 || (e = bench_pin(r->scmd, p->first)) < 0 ||
            (e = bench_pin(host, p->second)) < 0 || (e = bench_pin(floor->pid[1], p->first)) < 0 ||
            (e = bench_pin(floor->pid[2], p->second)) < 0) {
            fail(r, "cannot place the processes on CPUs %d,%d,%d: %s", p->client, p->first,
                 p->second, strerror(-e));
            rc = -1;
            break;
        }
        for (int b = 0; b < PLACED_BLOCKS && rc == 0; b++) {
            size_t warm = b == 0 ? PLACED_WARMUP : PLACED_BLOCK_WARMUP;
            size_t per = PLACED_CALLS / PLACED_BLOCKS;

            if ((rc = interrogate_calls(r, svc, v + b * per, per, warm)) == 0)
                rc = bench_floor_calls(floor, 2, f2 + b * per, per, warm);
        }
        if (rc == 0) {
            row->placed[k].at = *p;
            row->placed[k].interrogate_p50_us = bench_percentile(v, PLACED_CALLS, 50);
            row->placed[k].floor2_p50_us = bench_percentile(f2, PLACED_CALLS, 50);
            row->placements = (unsigned)k + 1;
        }
    }
    unpin(r->scmd, host, floor);
    return rc;
}

static int latency(struct run *r, struct bench_row *row)
{
    double *v = calloc(QUERY_CALLS > INTERROGATE_CALLS ? QUERY_CALLS : INTERROGATE_CALLS,
                       sizeof *v);
    double *f1 = calloc(FLOOR_LAT_CALLS, sizeof *f1), *f2 = calloc(FLOOR_LAT_CALLS, sizeof *f2);
    struct bench_floor floor = { .in = { { .fd = -1 }, { .fd = -1 } }, .pid = { -1, -1, -1 } };
    SC_HANDLE svc = r->svc[0];
    SERVICE_STATUS_PROCESS sp;
    DWORD needed;
    int rc = -1;

    if (v == NULL || f1 == NULL || f2 == NULL) {
        fail(r, "out of memory");
        goto out;
    }
    progress(r, true, "QueryServiceStatusEx x%d", QUERY_CALLS);
    for (int i = 0; i < QUERY_WARMUP + QUERY_CALLS; i++) {
        double t0 = bench_now_ms();
        if (!QueryServiceStatusEx(svc, SC_STATUS_PROCESS_INFO, (LPBYTE)&sp, sizeof sp, &needed)) {
            fail_win32(r, "QueryServiceStatusEx", "Bench0000");
            goto out;
        }
        if (i >= QUERY_WARMUP)
            v[i - QUERY_WARMUP] = (bench_now_ms() - t0) * 1000;
        if (bench_interrupted) {
            rc = -EINTR;
            goto out;
        }
    }
    row->query_p50_us = bench_percentile(v, QUERY_CALLS, 50);
    row->query_p99_us = bench_percentile(v, QUERY_CALLS, 99);

    /* The latency of an idle service, not of one in the wake of N starts:
     * for a few hundred milliseconds after a burst of work the kernel
     * still places scmd and the host as busy processes (its load
     * averages halve every 32 ms), and INTERROGATE measured right after
     * 1000 starts took 55-80 us where the same processes took 25-30 us
     * half a second later. */
    msleep_us(SETTLE_MS * 1000L);
    /* INTERROGATE and the floor's round trips in turns, a block of each
     * at a time, so that both medians come from the same stretch of
     * time: a placement of the processes on the CPUs, or another load on
     * the machine, that lasts a few milliseconds weighs on both alike. */
    progress(r, true, "INTERROGATE x%d, floor round trips", INTERROGATE_CALLS);
    if (bench_floor_open(&floor) < 0)
        goto out;
    for (int b = 0; b < LATENCY_BLOCKS; b++) {
        size_t first = (size_t)b * (INTERROGATE_CALLS / LATENCY_BLOCKS);
        size_t ffirst = (size_t)b * (FLOOR_LAT_CALLS / LATENCY_BLOCKS);
        size_t warm = b == 0 ? INTERROGATE_WARMUP : 0;

        if ((rc = interrogate_calls(r, svc, v + first, INTERROGATE_CALLS / LATENCY_BLOCKS,
                                    warm)) < 0 ||
            (rc = bench_floor_calls(&floor, 2, f2 + ffirst, FLOOR_LAT_CALLS / LATENCY_BLOCKS,
                                    warm)) < 0 ||
            (rc = bench_floor_calls(&floor, 1, f1 + ffirst, FLOOR_LAT_CALLS / LATENCY_BLOCKS,
                                    warm)) < 0)
            goto out;
    }
    row->interrogate_p50_us = bench_percentile(v, INTERROGATE_CALLS, 50);
    row->interrogate_p99_us = bench_percentile(v, INTERROGATE_CALLS, 99);
    row->floor1_p50_us = bench_percentile(f1, FLOOR_LAT_CALLS, 50);
    row->floor2_p50_us = bench_percentile(f2, FLOOR_LAT_CALLS, 50);
    if ((rc = placed(r, row, svc, (pid_t)sp.dwProcessId, &floor, v, f2)) < 0)
        goto out;
    bench_floor_close(&floor);
    rc = 0;
    if (r->mode == BENCH_SHARED) {
        progress(r, true, "floor: making threads");
        rc = bench_floor_threads(r->n, &row->threads_floor_ms);
    }
out:
    bench_floor_close(&floor);
    free(v);
    free(f1);
    free(f2);
    return rc;
}

/* SIGTERM to scmd and its exit (ms: how long it took); 0 or -1 (reported). */
static int stop_scmd(struct run *r, double *ms)
{
    int status;
    double t0;

    if (r->scm != NULL) {
        CloseServiceHandle(r->scm);
        r->scm = NULL;
    }
    if (r->scmd <= 0)
        return -1;
    t0 = bench_now_ms();
    kill(r->scmd, SIGTERM);
    while (waitpid(r->scmd, &status, WNOHANG) == 0) {
        if (bench_now_ms() - t0 > 45000) {
            fail(r, "scmd did not exit within 45 s of SIGTERM; killing it");
            kill(r->scmd, SIGKILL);
            waitpid(r->scmd, &status, 0);
            r->scmd = 0;
            return -1;
        }
        msleep_us(200);
    }
    *ms = bench_now_ms() - t0;
    r->scmd = 0;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fail(r, "scmd ended with status %d after SIGTERM", status);
        show_log_tail(r);
        return -1;
    }
    return 0;
}

/*
 * Shared mode's services are auto-start: at the end scmd is stopped and
 * started again, and the time from its fork to every service RUNNING is
 * what the SCM takes to start them itself, as at boot (jobs.c), with no
 * client's StartService waiting for each.  The services are stopped by
 * the teardown.
 */
static int autostart(struct run *r, struct bench_row *row)
{
    double t0, ms;
    int rc;

    progress(r, true, "auto-start: scmd again");
    if ((rc = stop_scmd(r, &ms)) < 0)
        return rc;
    t0 = bench_now_ms();
    if ((rc = start_scmd(r)) < 0)
        return rc;
    row->auto_ready_ms = r->ready_ms;
    return wait_all(r, SERVICE_RUNNING, "auto-started", t0, &row->auto_running_ms);
}

int bench_run(const struct bench_config *cfg, enum bench_mode mode, unsigned n,
              struct bench_row *row)
{
    struct run r = { .cfg = cfg, .mode = mode, .n = n };
    unsigned want = mode == BENCH_SHARED ? 1 : n;
    int rc;

    snprintf(r.label, sizeof r.label, "%s n=%u", bench_mode_name(mode), n);
    memset(row, 0, sizeof *row);
    row->mode = mode;
    row->n = n;
    if (!cfg->tty)
        fprintf(stderr, "[%s n=%u] running\n", bench_mode_name(mode), n);
    if ((rc = make_state_dir(&r)) < 0 || (rc = start_scmd(&r)) < 0)
        goto out;
    double t0 = bench_now_ms();
    if ((rc = install(&r)) < 0)
        goto out;
    row->create_ms = bench_now_ms() - t0;
    if ((rc = start_all(&r, row)) < 0 || (rc = measure_hosts(&r, row)) < 0 ||
        (rc = latency(&r, row)) < 0 || (rc = stop_all(&r, row)) < 0 ||
        (mode == BENCH_SHARED && (rc = autostart(&r, row)) < 0))
        goto out;
    if (row->hosts != want) {
        progress_clear(&r);
        fprintf(stderr,
                "svchost-bench: warning: [%s n=%u] %u host process%s instead of %u%s\n",
                bench_mode_name(mode), n, row->hosts, row->hosts == 1 ? "" : "es", want,
                mode == BENCH_SPLIT ? " (does this scmd split hosts?)" : "");
    }
out:
    progress(&r, true, "cleaning up");
    teardown(&r);
    progress_clear(&r);
    return rc;
}

/* ---- sessions (abuse.c) --------------------------------------------------- */

struct bench_session {
    struct run r;
};

int bench_session_open(const struct bench_config *cfg, const char *label, const char *scm_ini,
                       struct bench_session **out)
{
    return bench_session_open_with(cfg, label, scm_ini, NULL, NULL, true, out);
}

int bench_session_open_with(const struct bench_config *cfg, const char *label,
                            const char *scm_ini, int (*prepare)(const char *dir, void *ctx),
                            void *ctx, bool one_service, struct bench_session **out)
{
    struct bench_session *s = calloc(1, sizeof *s);
    struct bench_row row = { 0 };
    int rc;

    *out = NULL;
    if (s == NULL) {
        fprintf(stderr, "svchost-bench: out of memory\n");
        return -1;
    }
    s->r.cfg = cfg;
    s->r.mode = BENCH_SHARED;
    s->r.n = 1;
    s->r.scm_ini = scm_ini;
    snprintf(s->r.label, sizeof s->r.label, "%s", label);
    if ((rc = make_state_dir(&s->r)) < 0)
        goto fail;
    /* Other users (the abuser) must reach ROOT/run/scm.sock. */
    if (chmod(s->r.dir, 0711) < 0) {
        fail(&s->r, "chmod %s: %s", s->r.dir, strerror(errno));
        rc = -1;
        goto fail;
    }
    if (prepare != NULL && (rc = prepare(s->r.dir, ctx)) < 0)
        goto fail;
    if ((rc = start_scmd(&s->r)) < 0)
        goto fail;
    if (!one_service)
        s->r.n = 0;
    else if ((rc = install(&s->r)) < 0 || (rc = start_all(&s->r, &row)) < 0)
        goto fail;
    progress_clear(&s->r);
    *out = s;
    return 0;
fail:
    teardown(&s->r);
    progress_clear(&s->r);
    free(s);
    return rc;
}

const char *bench_session_dir(const struct bench_session *s)
{
    return s->r.dir;
}

pid_t bench_session_scmd(const struct bench_session *s)
{
    return s->r.scmd;
}

SC_HANDLE bench_session_scm(const struct bench_session *s)
{
    return s->r.scm;
}

double bench_session_ready_ms(const struct bench_session *s)
{
    return s->r.ready_ms;
}

int bench_session_stop_scmd(struct bench_session *s, double *ms)
{
    return stop_scmd(&s->r, ms);
}

int bench_session_restart_scmd(struct bench_session *s)
{
    return s->r.scmd > 0 ? -1 : start_scmd(&s->r);
}

void bench_session_close(struct bench_session *s)
{
    if (s == NULL)
        return;
    teardown(&s->r);
    progress_clear(&s->r);
    free(s);
}
