/*
 * installed.c - svchost-bench --installed N: what N installed (not
 * running) services cost scmd.
 *
 * Two ways to install them, each on a fresh state directory:
 *   files  the N service files and svchost.ini written before scmd
 *          starts (the lib/config_write.c writer for each service file,
 *          as scmd writes them; svchost.ini in one write), as an
 *          administrator or a package would lay them down;
 *   api    CreateServiceA and ChangeServiceConfig2A(ServiceDll) for each,
 *          through a running scmd, timing every create; then scmd is
 *          stopped and started again on what it wrote.
 * Then, with the N installed:
 *   - scmd's start: from fork to the first OpenSCManagerA that succeeds;
 *   - EnumServicesStatusExA of every service (SERVICE_STATE_ALL), the
 *     median of 5 calls;
 *   - one CreateServiceA more, share process and own process, the median
 *     of 5 each (the extra services are left installed);
 *   - scmd's VmRSS, per installed service, and the growth over an scmd
 *     with nothing installed measured in the same run;
 *   - scmd's stop: from SIGTERM to its exit, nothing running.
 * Nothing is asserted: the figures are printed beside the targets.
 */
#include "bench.h"

#include <svchost/svcctl.h>
#include <svchost/winsvc.h>

#include "config.h"
#include "paths.h"
#include "win32.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define REPEAT 5

struct installed {
    double ready_ms;            /* scmd's start with the N installed */
    double enum_ms;             /* median */
    DWORD enum_count;           /* services the enumeration returned */
    double create_share_ms, create_own_ms;  /* medians */
    unsigned long long rss_kib;
    double stop_ms;
    /* api only */
    double install_s;           /* all N creates */
    double create_first_ms;     /* the median of the first 100 creates */
    double create_last_ms;      /* of the last 100 */
};

struct prepare_ctx {
    const struct bench_config *cfg;
    unsigned n;
    double seconds;             /* writing took */
};

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
    return v[n / 2];
}

static void inst_name(char *buf, size_t size, unsigned i)
{
    snprintf(buf, size, "Inst%05u", i);
}

static unsigned long long vm_rss_kib(pid_t pid)
{
    char path[64], line[256];
    unsigned long long kib = 0;
    FILE *f;

    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    if ((f = fopen(path, "re")) == NULL)
        return 0;
    while (fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, "VmRSS: %llu kB", &kib) == 1)
            break;
    fclose(f);
    return kib;
}

/* The N service files and svchost.ini, before scmd starts. */
static int write_files(const char *dir, void *arg)
{
    struct prepare_ctx *p = arg;
    char name[32];
    double t0 = bench_now_ms();
    size_t cap = (size_t)p->n * 16 + 64, len = 0;
    char *groups = malloc(cap);
    int rc;

    if (groups == NULL) {
        fprintf(stderr, "svchost-bench: out of memory\n");
        return -1;
    }
    len += (size_t)snprintf(groups, cap, "[%s]\nServices =", BENCH_GROUP);
    for (unsigned i = 0; i < p->n; i++) {
        struct svc_service_config c = {
            .type = SERVICE_WIN32_SHARE_PROCESS,
            .start = SERVICE_DEMAND_START,
            .error_control = SERVICE_ERROR_NORMAL,
            .image_path = (char *)"svchost -k " BENCH_GROUP,
            .service_dll = (char *)p->cfg->plugin,
            .preshutdown_timeout_ms = SVC_PRESHUTDOWN_TIMEOUT_DEFAULT_MS,
        };
        if (bench_interrupted) {
            free(groups);
            return -EINTR;
        }
        inst_name(name, sizeof name, i);
        c.name = name;
        c.display_name = name;
        if ((rc = svc_config_write_service(dir, &c)) < 0) {
            fprintf(stderr, "svchost-bench: writing %s's service file: %s\n", name,
                    strerror(-rc));
            free(groups);
            return -1;
        }
        /* One member a line: every line stays within the INI reader's
         * limit whatever N is. */
        len += (size_t)snprintf(groups + len, cap - len, "%s\n  %s", i ? "," : "", name);
    }
    len += (size_t)snprintf(groups + len, cap - len, "\n");
    char *path = svc_path_groups_file(dir);
    rc = path ? svc_write_file_atomic(path, groups, len) : -ENOMEM;
    if (rc < 0)
        fprintf(stderr, "svchost-bench: writing %s: %s\n", path ? path : "svchost.ini",
                strerror(-rc));
    free(path);
    free(groups);
    p->seconds = (bench_now_ms() - t0) / 1000;
    return rc < 0 ? -1 : 0;
}

static int create_one(SC_HANDLE scm, const struct bench_config *cfg, const char *name, bool own,
                      double *ms)
{
    SVCHOST_SERVICE_DLL_INFO dll = { .lpServiceDll = (LPSTR)cfg->plugin };
    double t0 = bench_now_ms();
    SC_HANDLE h;

    if (own)
        h = CreateServiceA(scm, name, NULL, SERVICE_ALL_ACCESS, SERVICE_WIN32_OWN_PROCESS,
                           SERVICE_DEMAND_START, SERVICE_ERROR_NORMAL,
                           cfg->own_exe ? cfg->own_exe : "/bin/true", NULL, NULL, NULL, NULL,
                           NULL);
    else
        h = CreateServiceA(scm, name, NULL, SERVICE_ALL_ACCESS, SERVICE_WIN32_SHARE_PROCESS,
                           SERVICE_DEMAND_START, SERVICE_ERROR_NORMAL, "svchost -k " BENCH_GROUP,
                           NULL, NULL, NULL, NULL, NULL);
    if (ms != NULL)
        *ms = bench_now_ms() - t0;
    if (h == NULL) {
        DWORD err = GetLastError();
        fprintf(stderr, "svchost-bench: CreateServiceA(%s) failed: %u %s\n", name, (unsigned)err,
                svc_win32_message(err));
        return -1;
    }
    /* Not timed: a share service is complete with its ServiceDll, which
     * sc create sends in the same request. */
    if (!own && !ChangeServiceConfig2A(h, SVCHOST_CONFIG_SERVICE_DLL, &dll)) {
        DWORD err = GetLastError();
        fprintf(stderr, "svchost-bench: ChangeServiceConfig2A(%s) failed: %u %s\n", name,
                (unsigned)err, svc_win32_message(err));
        CloseServiceHandle(h);
        return -1;
    }
    CloseServiceHandle(h);
    return 0;
}

/* With scmd running and the N installed: the enumeration, the two
 * creates, RSS. */
static int measure(struct bench_session *s, const struct bench_config *cfg, unsigned n,
                   struct installed *m)
{
    SC_HANDLE scm = bench_session_scm(s);
    DWORD size = 64 * 1024 + n * 160, needed, returned, resume;
    BYTE *buf = malloc(size);
    double v[REPEAT];
    char name[32];

    if (buf == NULL) {
        fprintf(stderr, "svchost-bench: out of memory\n");
        return -1;
    }
    m->ready_ms = bench_session_ready_ms(s);
    m->rss_kib = vm_rss_kib(bench_session_scmd(s));
    for (int k = 0; k < REPEAT; k++) {
        double t0 = bench_now_ms();
        needed = returned = resume = 0;
        if (!EnumServicesStatusExA(scm, SC_ENUM_PROCESS_INFO, SERVICE_WIN32, SERVICE_STATE_ALL,
                                   buf, size, &needed, &returned, &resume, NULL)) {
            DWORD err = GetLastError();
            fprintf(stderr, "svchost-bench: EnumServicesStatusExA failed: %u %s\n",
                    (unsigned)err, svc_win32_message(err));
            free(buf);
            return -1;
        }
        v[k] = bench_now_ms() - t0;
        m->enum_count = returned;
        if (bench_interrupted) {
            free(buf);
            return -EINTR;
        }
    }
    free(buf);
    m->enum_ms = median(v, REPEAT);
    for (int own = 0; own < 2; own++) {
        for (int k = 0; k < REPEAT; k++) {
            snprintf(name, sizeof name, "Extra%s%d", own ? "Own" : "Share", k);
            if (create_one(scm, cfg, name, own, &v[k]) < 0)
                return -1;
        }
        *(own ? &m->create_own_ms : &m->create_share_ms) = median(v, REPEAT);
    }
    return 0;
}

/* Installs through the API, timing each create. */
static int install_api(struct bench_session *s, const struct bench_config *cfg, unsigned n,
                       struct installed *m)
{
    SC_HANDLE scm = bench_session_scm(s);
    unsigned k = n < 100 ? n : 100;
    double *v = calloc(n, sizeof *v), t0 = bench_now_ms();
    char name[32];

    if (v == NULL) {
        fprintf(stderr, "svchost-bench: out of memory\n");
        return -1;
    }
    for (unsigned i = 0; i < n; i++) {
        if (bench_interrupted) {
            free(v);
            return -EINTR;
        }
        if (isatty(2) && i % 100 == 0)
            fprintf(stderr, "\r\033[K[installed api] creating %u/%u", i, n);
        inst_name(name, sizeof name, i);
        if (create_one(scm, cfg, name, false, &v[i]) < 0) {
            free(v);
            return -1;
        }
    }
    if (isatty(2))
        fputs("\r\033[K", stderr);
    m->install_s = (bench_now_ms() - t0) / 1000;
    m->create_first_ms = median(v, k);
    m->create_last_ms = median(v + n - k, k);
    free(v);
    return 0;
}

static int run_via(const struct bench_config *cfg, unsigned n, unsigned via, struct installed *m)
{
    struct prepare_ctx p = { .cfg = cfg, .n = n };
    struct bench_session *s;
    const char *ini = "[SCM]\nSplitThresholdKB = 0\n";
    int rc;

    memset(m, 0, sizeof *m);
    fprintf(stderr, "[installed %s] %u services\n", via == BENCH_VIA_FILES ? "files" : "api", n);
    if (via == BENCH_VIA_FILES)
        rc = bench_session_open_with(cfg, "installed files", ini, write_files, &p, false, &s);
    else
        rc = bench_session_open_with(cfg, "installed api", ini, NULL, NULL, false, &s);
    if (rc < 0)
        return rc;
    if (via == BENCH_VIA_API) {
        double ms;
        /* Measured on the directory scmd itself wrote, from its start. */
        if ((rc = install_api(s, cfg, n, m)) < 0 || (rc = bench_session_stop_scmd(s, &ms)) < 0 ||
            (rc = bench_session_restart_scmd(s)) < 0)
            goto out;
    }
    if ((rc = measure(s, cfg, n, m)) < 0)
        goto out;
    rc = bench_session_stop_scmd(s, &m->stop_ms);
out:
    bench_session_close(s);
    return rc;
}

/* scmd with nothing installed, for the baseline RSS and times (the
 * figures that need services are -1: not measured). */
static int run_empty(const struct bench_config *cfg, struct installed *m)
{
    struct bench_session *s;
    int rc;

    memset(m, 0, sizeof *m);
    m->enum_ms = m->create_share_ms = m->create_own_ms = -1;
    fprintf(stderr, "[installed] nothing installed\n");
    if ((rc = bench_session_open_with(cfg, "installed 0", "[SCM]\nSplitThresholdKB = 0\n", NULL,
                                      NULL, false, &s)) < 0)
        return rc;
    m->ready_ms = bench_session_ready_ms(s);
    m->rss_kib = vm_rss_kib(bench_session_scmd(s));
    rc = bench_session_stop_scmd(s, &m->stop_ms);
    bench_session_close(s);
    return rc;
}

static void line_ms(const char *what, const char *target, double v0, const double *v,
                    const bool *have, double limit)
{
    if (v0 < 0)
        printf("  %-40s %-10s %10s", what, target, "-");
    else
        printf("  %-40s %-10s %10.1f", what, target, v0);
    for (int k = 0; k < 2; k++) {
        if (have[k])
            printf(" %10.1f %-6s", v[k], limit <= 0 ? "" : v[k] <= limit ? "met" : "MISSED");
        else
            printf(" %10s %-6s", "-", "");
    }
    putchar('\n');
}

int bench_installed(const struct bench_config *cfg, unsigned n, unsigned via)
{
    struct installed empty, m[2] = { { 0 } };
    bool have[2] = { false, false };
    int rc;

    if ((rc = run_empty(cfg, &empty)) < 0)
        return rc;
    for (int k = 0; k < 2; k++) {
        unsigned how = k == 0 ? BENCH_VIA_FILES : BENCH_VIA_API;
        if (!(via & how))
            continue;
        if ((rc = run_via(cfg, n, how, &m[k])) < 0)
            return rc;
        have[k] = true;
    }

    const char *base = strrchr(cfg->plugin, '/');
    printf("installed: %u share services of %s, nothing running; empty: scmd with none\n\n",
           n, base ? base + 1 : cfg->plugin);
    printf("  %-40s %-10s %10s %10s %-6s %10s %-6s\n", "", "target", "empty", "files", "",
           "api", "");
    double v[2];
    for (int k = 0; k < 2; k++)
        v[k] = m[k].ready_ms;
    line_ms("scmd start to ready (ms)", "<= 300", empty.ready_ms, v, have, 300);
    for (int k = 0; k < 2; k++)
        v[k] = m[k].enum_ms;
    line_ms("EnumServicesStatusEx of all (ms)", "<= 20", empty.enum_ms, v, have, 20);
    for (int k = 0; k < 2; k++)
        v[k] = m[k].create_share_ms;
    line_ms("one CreateService, share process (ms)", "<= 5", empty.create_share_ms, v, have, 5);
    for (int k = 0; k < 2; k++)
        v[k] = m[k].create_own_ms;
    line_ms("one CreateService, own process (ms)", "<= 5", empty.create_own_ms, v, have, 5);
    for (int k = 0; k < 2; k++)
        v[k] = m[k].stop_ms;
    line_ms("scmd stop, nothing running (ms)", "<= 100", empty.stop_ms, v, have, 100);
    for (int k = 0; k < 2; k++)
        v[k] = (double)m[k].rss_kib;
    line_ms("scmd VmRSS (KiB)", "", (double)empty.rss_kib, v, have, 0);
    for (int k = 0; k < 2; k++)
        v[k] = (double)m[k].rss_kib / n;
    line_ms("scmd VmRSS / installed service (KiB)", "<= 2", -1, v, have, 2);
    for (int k = 0; k < 2; k++)
        v[k] = ((double)m[k].rss_kib - (double)empty.rss_kib) / n;
    line_ms("  growth over empty / service (KiB)", "", -1, v, have, 0);
    for (int k = 0; k < 2; k++)
        if (have[k] && m[k].enum_count < n)
            printf("  (the enumeration of %s returned only %u services)\n",
                   k == 0 ? "files" : "api", (unsigned)m[k].enum_count);
    if (have[1]) {
        printf("\n  api: %u creates in %.1f s; CreateService median %.2f ms over the first "
               "%u, %.2f ms over the last %u\n",
               n, m[1].install_s, m[1].create_first_ms, n < 100 ? n : 100, m[1].create_last_ms,
               n < 100 ? n : 100);
    }
    return 0;
}
