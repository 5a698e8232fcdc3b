/*
 * abuse.c - svchost-bench --abuse: what a misbehaving local client costs
 * root's queries and scmd's memory.
 *
 * Three phases, each on a fresh state directory and scmd with one idle
 * service (bench_session_open):
 *   none     nothing else connected;
 *   readers  svchost-abuser --readers 20: clients that send requests and
 *            never read a reply;
 *   silent   svchost-abuser --silent 400: clients that each announce a
 *            1 MiB frame, send one byte of it, and go silent.
 * Once the abuser reports its abuse in place (every reader has unread
 * replies waiting; every silent connection is open), root's queries -
 * OpenSCManager, OpenService, QueryServiceStatusEx, two closes, as
 * `sc query` does - are timed, one after another, for `seconds` or
 * `queries` of them, whichever comes first (a query in progress is always
 * finished).  A thread samples scmd's VmRSS, VmData and descriptors every
 * 20 ms meanwhile.
 *
 * The sessions' scm.ini admits the abuse where scmd has limits: 500
 * connections per user and a frame timeout of 10 minutes, so that the
 * silent connections are held and their memory shows.
 *
 * Run as root, the abuser runs as the user nobody, so that scmd sees
 * another, unprivileged uid.
 */
#include "bench.h"

#include <svchost/winsvc.h>

#include "win32.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <pwd.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ABUSE_READERS "20"
#define ABUSE_SILENT "400"
#define SAMPLE_MS 20
/* How long the abuser may take to get its abuse in place: a blocking
 * scmd serves each non-reading client for a second before the next. */
#define SETUP_TIMEOUT_MS 120000

static const char abuse_scm_ini[] =
    "[SCM]\n"
    "SplitThresholdKB = 0\n"
    "MaxConnectionsPerUser = 500\n"
    "FrameTimeoutMs = 600000\n";

struct phase {
    const char *label;
    const char *args[6];        /* the abuser's, NULL-terminated; NULL: no abuser */
    const char *ready_field;    /* the status field that says the abuse is in place */
    long ready_value;
};

static const struct phase phases[] = {
    { "no abuse", { NULL }, NULL, 0 },
    { "20 non-reading clients", { "--readers", ABUSE_READERS, "--silent", "0", NULL },
      "readers_filled", 20 },
    { "400 silent 1 MiB headers", { "--readers", "0", "--silent", ABUSE_SILENT, NULL },
      "silent_open", 400 },
};
#define NPHASES (sizeof phases / sizeof phases[0])

struct result {
    unsigned queries, failed;
    double p50_ms, max_ms;
    unsigned long rss_before, rss_during, data_before, data_during;
    unsigned long fds_before, fds_during;
    char status[512];           /* the abuser's last status line */
};

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
    nanosleep(&ts, NULL);
}

/* A /proc/PID/status field in KiB (VmRSS, VmData); 0 if unreadable. */
static unsigned long status_kib(pid_t pid, const char *field)
{
    char path[64], line[256];
    size_t len = strlen(field);
    unsigned long v = 0;
    FILE *f;

    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    if ((f = fopen(path, "re")) == NULL)
        return 0;
    while (fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, field, len) == 0 && line[len] == ':') {
            v = strtoul(line + len + 1, NULL, 10);
            break;
        }
    }
    fclose(f);
    return v;
}

static unsigned long fd_count(pid_t pid)
{
    char path[64];
    struct dirent *e;
    unsigned long n = 0;
    DIR *d;

    snprintf(path, sizeof path, "/proc/%d/fd", (int)pid);
    if ((d = opendir(path)) == NULL)
        return 0;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n;
}

/* ---- the sampler thread ---------------------------------------------------- */

struct sampler {
    pid_t pid;
    atomic_bool stop;
    atomic_ulong rss, data, fds;    /* the highest seen */
    pthread_t thread;
};

static void max_into(atomic_ulong *m, unsigned long v)
{
    unsigned long cur = atomic_load(m);
    while (v > cur && !atomic_compare_exchange_weak(m, &cur, v))
        ;
}

static void *sampler_main(void *p)
{
    struct sampler *s = p;

    while (!atomic_load(&s->stop)) {
        max_into(&s->rss, status_kib(s->pid, "VmRSS"));
        max_into(&s->data, status_kib(s->pid, "VmData"));
        max_into(&s->fds, fd_count(s->pid));
        sleep_ms(SAMPLE_MS);
    }
    return NULL;
}

/* ---- the abuser ---------------------------------------------------------------- */

static pid_t spawn_abuser(const char *abuser, const char *dir, const char *const *args)
{
    char path[512];
    const char *argv[16];
    pid_t parent = getpid(), pid;
    int fd, k = 0;

    snprintf(path, sizeof path, "%s/abuser.status", dir);
    if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0) {
        fprintf(stderr, "svchost-bench: %s: %s\n", path, strerror(errno));
        return -1;
    }
    argv[k++] = "svchost-abuser";
    argv[k++] = "--root";
    argv[k++] = dir;
    argv[k++] = "--report-ms";
    argv[k++] = "100";
    for (int i = 0; args[i] != NULL && k < 15; i++)
        argv[k++] = args[i];
    argv[k] = NULL;

    if ((pid = fork()) < 0) {
        fprintf(stderr, "svchost-bench: fork: %s\n", strerror(errno));
        close(fd);
        return -1;
    }
    if (pid == 0) {
        setpgid(0, 0);      /* a Ctrl-C reaches only the benchmark */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(127);
        dup2(fd, 1);
        if (getuid() == 0) {
            struct passwd *pw = getpwnam("nobody");
            uid_t uid = pw ? pw->pw_uid : 65534;
            gid_t gid = pw ? pw->pw_gid : 65534;
            if (setgroups(0, NULL) < 0 || setgid(gid) < 0 || setuid(uid) < 0) {
                dprintf(2, "svchost-bench: cannot switch the abuser to uid %u: %s\n",
                        (unsigned)uid, strerror(errno));
                _exit(127);
            }
        }
        execv(abuser, (char *const *)argv);
        dprintf(2, "svchost-bench: cannot run %s: %s\n", abuser, strerror(errno));
        _exit(127);
    }
    close(fd);
    return pid;
}

/* The abuser's last complete status line into buf; "" if none yet. */
static void last_status(const char *dir, char *buf, size_t size)
{
    char path[512], line[512];
    FILE *f;

    buf[0] = '\0';
    snprintf(path, sizeof path, "%s/abuser.status", dir);
    if ((f = fopen(path, "re")) == NULL)
        return;
    while (fgets(line, sizeof line, f) != NULL) {
        size_t len = strlen(line);
        if (len > 0 && line[len - 1] == '\n') {
            line[len - 1] = '\0';
            snprintf(buf, size, "%s", line);
        }
    }
    fclose(f);
}

/* A field of a status line; -1 if absent. */
static long status_field(const char *line, const char *name)
{
    size_t len = strlen(name);

    for (const char *p = strchr(line, ' '); p != NULL; p = strchr(p + 1, ' ')) {
        if (strncmp(p + 1, name, len) == 0 && p[1 + len] == '=')
            return strtol(p + 2 + len, NULL, 10);
    }
    return -1;
}

static void stop_abuser(pid_t pid)
{
    double deadline = bench_now_ms() + 5000;

    kill(pid, SIGTERM);
    while (waitpid(pid, NULL, WNOHANG) == 0) {
        if (bench_now_ms() > deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, NULL, 0);
            return;
        }
        sleep_ms(10);
    }
}

/* ---- root's queries ------------------------------------------------------------ */

/* One `sc query`: milliseconds, or -1 if a call failed. */
static double query_once(void)
{
    SERVICE_STATUS_PROCESS sp;
    SC_HANDLE scm, svc = NULL;
    DWORD needed;
    double t0 = bench_now_ms();
    BOOL ok = FALSE;

    if ((scm = OpenSCManagerA(NULL, NULL, SC_MANAGER_CONNECT)) != NULL &&
        (svc = OpenServiceA(scm, "Bench0000", SERVICE_QUERY_STATUS)) != NULL)
        ok = QueryServiceStatusEx(svc, SC_STATUS_PROCESS_INFO, (LPBYTE)&sp, sizeof sp, &needed);
    if (svc != NULL)
        CloseServiceHandle(svc);
    if (scm != NULL)
        CloseServiceHandle(scm);
    return ok ? bench_now_ms() - t0 : -1;
}

static int run_phase(const struct bench_config *cfg, const char *abuser, const struct phase *ph,
                     unsigned seconds, unsigned queries, struct result *res)
{
    struct bench_session *s;
    struct sampler smp = { 0 };
    double *v = calloc(queries, sizeof *v);
    pid_t ab = -1, scmd;
    int rc;

    memset(res, 0, sizeof *res);
    if (v == NULL) {
        fprintf(stderr, "svchost-bench: out of memory\n");
        return -1;
    }
    if ((rc = bench_session_open(cfg, ph->label, abuse_scm_ini, &s)) < 0) {
        free(v);
        return rc;
    }
    scmd = bench_session_scmd(s);
    res->rss_before = status_kib(scmd, "VmRSS");
    res->data_before = status_kib(scmd, "VmData");
    res->fds_before = fd_count(scmd);
    fprintf(stderr, "[abuse] %s: ", ph->label);

    if (ph->args[0] != NULL) {
        double deadline = bench_now_ms() + SETUP_TIMEOUT_MS;
        if ((ab = spawn_abuser(abuser, bench_session_dir(s), ph->args)) < 0) {
            rc = -1;
            goto out;
        }
        fprintf(stderr, "waiting for %s=%ld; ", ph->ready_field, ph->ready_value);
        for (;;) {
            last_status(bench_session_dir(s), res->status, sizeof res->status);
            if (status_field(res->status, ph->ready_field) >= ph->ready_value)
                break;
            if (waitpid(ab, NULL, WNOHANG) == ab) {
                ab = -1;
                fprintf(stderr, "\nsvchost-bench: the abuser exited (see above)\n");
                rc = -1;
                goto out;
            }
            if (bench_interrupted) {
                rc = -EINTR;
                goto out;
            }
            if (bench_now_ms() > deadline) {
                fprintf(stderr, "\nsvchost-bench: the abuse was not in place after %d s: %s\n",
                        SETUP_TIMEOUT_MS / 1000, res->status);
                rc = -1;
                goto out;
            }
            sleep_ms(50);
        }
    }

    smp.pid = scmd;
    if (pthread_create(&smp.thread, NULL, sampler_main, &smp) != 0) {
        fprintf(stderr, "\nsvchost-bench: cannot start the sampler thread\n");
        rc = -1;
        goto out;
    }
    fprintf(stderr, "querying\n");
    double until = bench_now_ms() + seconds * 1000.0;
    while (res->queries + res->failed < queries && bench_now_ms() < until && !bench_interrupted) {
        double ms = query_once();
        if (ms < 0)
            res->failed++;
        else
            v[res->queries++] = ms;
    }
    atomic_store(&smp.stop, true);
    pthread_join(smp.thread, NULL);
    res->rss_during = atomic_load(&smp.rss);
    res->data_during = atomic_load(&smp.data);
    res->fds_during = atomic_load(&smp.fds);
    if (res->queries > 0) {
        res->p50_ms = bench_percentile(v, res->queries, 50);
        res->max_ms = bench_percentile(v, res->queries, 100);
    }
    if (ab > 0)
        last_status(bench_session_dir(s), res->status, sizeof res->status);
    rc = bench_interrupted ? -EINTR : 0;
out:
    if (ab > 0)
        stop_abuser(ab);
    bench_session_close(s);
    free(v);
    return rc;
}

int bench_abuse(const struct bench_config *cfg, const char *abuser, unsigned seconds,
                unsigned queries)
{
    struct result res[NPHASES];
    size_t done = 0;
    int rc = 0;

    for (; done < NPHASES && rc == 0; done++)
        if ((rc = run_phase(cfg, abuser, &phases[done], seconds, queries, &res[done])) < 0)
            break;

    printf("root's queries (OpenSCManager, OpenService, QueryServiceStatusEx, as sc query)\n"
           "while another user's client misbehaves; for each phase up to %u queries or %u s\n"
           "(abuser uid: %s)\n\n",
           queries, seconds, getuid() == 0 ? "nobody" : "the benchmark's own");
    printf("%-26s %7s %6s %10s %10s %9s %9s %10s %10s %7s %7s\n", "phase", "queries", "failed",
           "p50_ms", "max_ms", "rss_kib", "rss_max", "data_kib", "data_max", "fds", "fds_max");
    for (size_t i = 0; i < done; i++) {
        const struct result *r = &res[i];
        printf("%-26s %7u %6u %10.3f %10.3f %9lu %9lu %10lu %10lu %7lu %7lu\n", phases[i].label,
               r->queries, r->failed, r->p50_ms, r->max_ms, r->rss_before, r->rss_during,
               r->data_before, r->data_during, r->fds_before, r->fds_during);
    }
    printf("\nrss_kib, data_kib, fds: scmd's VmRSS, VmData and descriptors before the abuse;\n"
           "*_max: the highest sampled while root queried.  The abuser's last status:\n");
    for (size_t i = 0; i < done; i++)
        if (res[i].status[0] != '\0')
            printf("  %-24s %s\n", phases[i].label, res[i].status);
    fflush(stdout);
    return rc;
}
