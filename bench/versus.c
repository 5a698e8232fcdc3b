/*
 * versus.c - svchost-bench --versus wine: the same scenario against this
 * SCM and against Wine's, side by side.
 *
 * The scenario, for each N: install N share-process services of the idle
 * plugin in one svchost group, start them all and wait until all run,
 * measure the host processes (how many, their PSS), time
 * QueryServiceStatusEx and ControlService(INTERROGATE) on the first,
 * stop them all and wait until all are stopped.
 *
 * Ours is a shared-mode run of run.c.  Wine's runs in a fresh Wine
 * prefix (made once per run with wineboot, as tests/windows/ does), with
 * the same plugin source built by mingw-w64 as idle.dll and a Windows
 * program, versus-driver.exe (bench/wine/driver.c), that makes the same
 * calls through Wine's Win32 service API and prints its timings.  While
 * the driver holds every service running, this side measures the
 * prefix's `svchost.exe -k BenchWine` processes from /proc.
 *
 * Wine ends services.exe and its services once no ordinary Wine process
 * is left, so a `wine cmd` reading from a pipe that only this process
 * holds keeps the prefix alive between drivers, and ends with it.  At
 * the end, `wineserver -k` ends every process of the prefix, which is
 * then removed.
 */
#include "bench.h"

#include "paths.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>

#define WINE_GROUP "BenchWine"

struct side {
    double create_ms, start_ms, query_p50_us, interrogate_p50_us, stop_ms;
    unsigned hosts;
    unsigned long long pss_kib;
};

struct wine {
    char dir[PATH_MAX];             /* ours: the prefix and the logs */
    char prefix[PATH_MAX + 16];
    int hold;                       /* the holder's stdin, write end */
    pid_t holder;
};

int bench_versus_check(void)
{
    static const char *const tools[] = { "wine", "wineboot", "wineserver" };

    for (size_t i = 0; i < sizeof tools / sizeof tools[0]; i++)
        if (!bench_in_path(tools[i])) {
            fprintf(stderr, "svchost-bench: --versus wine needs Wine, and %s is not in PATH: "
                            "install the Debian packages wine and wine64 (scripts/bootstrap "
                            "does)\n", tools[i]);
            return -ENOENT;
        }
    return 0;
}

/* ---- processes ------------------------------------------------------------ */

/*
 * Runs argv with stdin from in_fd (-1: /dev/null), stdout to out_fd (-1:
 * the log) and stderr to the log ROOT/log_name.  The child dies with the
 * benchmark.  Its pid, or -1 (reported).
 */
static pid_t spawn(const struct wine *w, char *const argv[], int in_fd, int out_fd,
                   const char *log_name)
{
    char log[PATH_MAX + 32];
    pid_t parent = getpid(), pid;
    int fd;

    snprintf(log, sizeof log, "%s/%s", w->dir, log_name);
    if ((fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644)) < 0) {
        fprintf(stderr, "svchost-bench: %s: %s\n", log, strerror(errno));
        return -1;
    }
    if ((pid = fork()) < 0) {
        fprintf(stderr, "svchost-bench: fork: %s\n", strerror(errno));
        close(fd);
        return -1;
    }
    if (pid == 0) {
        int null = open("/dev/null", O_RDONLY);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(127);
        signal(SIGPIPE, SIG_DFL);
        /* Wine's own temporary files go where the prefix goes. */
        setenv("TMPDIR", w->dir, 1);
        dup2(in_fd >= 0 ? in_fd : null, 0);
        dup2(out_fd >= 0 ? out_fd : fd, 1);
        dup2(fd, 2);
        execvp(argv[0], argv);
        dprintf(2, "svchost-bench: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    close(fd);
    return pid;
}

/* Waits for pid up to ms: its wait status, -2 on timeout (killed), -EINTR. */
static int wait_for(pid_t pid, double ms)
{
    double deadline = bench_now_ms() + ms;
    int status;

    for (;;) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid)
            return status;
        if (r < 0)
            return -1;
        if (bench_interrupted || bench_now_ms() > deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, NULL, 0);
            return bench_interrupted ? -EINTR : -2;
        }
        usleep(5000);
    }
}

/* Runs a Wine tool to its end: 0, -EINTR, or -1 (reported). */
static int run_tool(const struct wine *w, char *const argv[], double timeout_ms)
{
    pid_t pid = spawn(w, argv, -1, -1, "wine.log");
    int st;

    if (pid < 0)
        return -1;
    st = wait_for(pid, timeout_ms);
    if (st == -EINTR)
        return st;
    if (st == -2 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        fprintf(stderr, "svchost-bench: %s %s (see %s/wine.log)\n", argv[0],
                st == -2 ? "did not finish in time" : "failed", w->dir);
        return -1;
    }
    return 0;
}

static int copy_file(const char *from, const char *to)
{
    char buf[65536];
    ssize_t k;
    int in = open(from, O_RDONLY | O_CLOEXEC), out = -1, rc = -1;

    if (in >= 0 && (out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) >= 0) {
        while ((k = read(in, buf, sizeof buf)) > 0)
            if (write(out, buf, (size_t)k) != k)
                break;
        rc = k == 0 ? 0 : -1;
    }
    if (rc < 0)
        fprintf(stderr, "svchost-bench: copying %s to %s: %s\n", from, to, strerror(errno));
    if (in >= 0)
        close(in);
    if (out >= 0 && close(out) < 0)
        rc = -1;
    return rc;
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    if ((type == FTW_DP ? rmdir(path) : unlink(path)) < 0 && errno != ENOENT)
        fprintf(stderr, "svchost-bench: cannot remove %s: %s\n", path, strerror(errno));
    return 0;
}

/* ---- the prefix ----------------------------------------------------------- */

static int wine_open(struct wine *w, const char *dll, const char *driver)
{
    const char *tmp = getenv("TMPDIR");
    char path[PATH_MAX + 64];
    int p[2];
    double t0;
    int rc;

    if (tmp == NULL || *tmp == '\0')
        tmp = "/tmp";
    if ((size_t)snprintf(w->dir, sizeof w->dir, "%s/svchost-bench-wine.XXXXXX", tmp) >=
            sizeof w->dir ||
        mkdtemp(w->dir) == NULL) {
        fprintf(stderr, "svchost-bench: mkdtemp in %s: %s\n", tmp, strerror(errno));
        w->dir[0] = '\0';
        return -1;
    }
    snprintf(w->prefix, sizeof w->prefix, "%s/prefix", w->dir);
    setenv("WINEPREFIX", w->prefix, 1);
    setenv("WINEARCH", "win64", 1);
    /* Errors only; no Mono or Gecko installer; no display. */
    setenv("WINEDEBUG", "-all,err+all", 1);
    setenv("WINEDLLOVERRIDES", "mscoree,mshtml=", 1);
    unsetenv("DISPLAY");
    unsetenv("WAYLAND_DISPLAY");

    fprintf(stderr, "[versus wine] making a Wine prefix (wineboot -i)\n");
    t0 = bench_now_ms();
    char *boot[] = { "wineboot", "-i", NULL };
    if ((rc = run_tool(w, boot, 300000)) < 0)
        return rc;
    /* wineboot's services.exe holds the database lock while it starts
     * the prefix's own services: let that wineserver end first. */
    char *wait_server[] = { "wineserver", "-w", NULL };
    if ((rc = run_tool(w, wait_server, 120000)) < 0)
        return rc;
    fprintf(stderr, "[versus wine] prefix made in %.1f s\n", (bench_now_ms() - t0) / 1000);

    snprintf(path, sizeof path, "%s/drive_c/bench", w->prefix);
    if (mkdir(path, 0755) < 0) {
        fprintf(stderr, "svchost-bench: %s: %s\n", path, strerror(errno));
        return -1;
    }
    snprintf(path, sizeof path, "%s/drive_c/bench/idle.dll", w->prefix);
    if (copy_file(dll, path) < 0)
        return -1;
    snprintf(path, sizeof path, "%s/drive_c/bench/versus-driver.exe", w->prefix);
    if (copy_file(driver, path) < 0)
        return -1;

    if (pipe2(p, O_CLOEXEC) < 0) {
        fprintf(stderr, "svchost-bench: pipe: %s\n", strerror(errno));
        return -1;
    }
    char *hold[] = { "wine", "cmd", NULL };
    w->holder = spawn(w, hold, p[0], -1, "holder.log");
    close(p[0]);
    w->hold = p[1];
    return w->holder < 0 ? -1 : 0;
}

static void wine_close(const struct bench_config *cfg, struct wine *w)
{
    if (w->hold >= 0) {
        close(w->hold);
        w->hold = -1;
    }
    if (w->dir[0] != '\0' && w->prefix[0] != '\0') {
        char *kill_all[] = { "wineserver", "-k", NULL };
        pid_t pid = spawn(w, kill_all, -1, -1, "wine.log");
        if (pid > 0) {
            double deadline = bench_now_ms() + 30000;
            while (waitpid(pid, NULL, WNOHANG) == 0 && bench_now_ms() < deadline)
                usleep(5000);
            kill(pid, SIGKILL);
            waitpid(pid, NULL, WNOHANG);
        }
    }
    if (w->holder > 0) {
        double deadline = bench_now_ms() + 10000;
        while (waitpid(w->holder, NULL, WNOHANG) == 0 && bench_now_ms() < deadline)
            usleep(5000);
        kill(w->holder, SIGKILL);
        waitpid(w->holder, NULL, WNOHANG);
        w->holder = 0;
    }
    if (w->dir[0] != '\0') {
        if (cfg->keep)
            fprintf(stderr, "svchost-bench: [versus wine] directory kept: %s\n", w->dir);
        else
            nftw(w->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
        w->dir[0] = '\0';
    }
}

/* 1 if /proc/PID/environ has exactly the string s. */
static int environ_has(pid_t pid, const char *s)
{
    char path[64], buf[65536];
    ssize_t k;
    int fd, found = 0;

    snprintf(path, sizeof path, "/proc/%d/environ", (int)pid);
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        return 0;
    k = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (k <= 0)
        return 0;
    buf[k] = '\0';
    for (ssize_t i = 0; i < k && !found; i += (ssize_t)strlen(buf + i) + 1)
        found = strcmp(buf + i, s) == 0;
    return found;
}

/* The prefix's `svchost.exe -k BenchWine` processes, summed into *side. */
static int measure_wine_hosts(const struct wine *w, struct side *side)
{
    char env[PATH_MAX + 32];
    DIR *d = opendir("/proc");
    struct dirent *e;

    if (d == NULL)
        return -1;
    snprintf(env, sizeof env, "WINEPREFIX=%s", w->prefix);
    while ((e = readdir(d)) != NULL) {
        char path[64], cmd[4096];
        struct svc_proc_usage u;
        char *end;
        long pid = strtol(e->d_name, &end, 10);
        ssize_t k;
        int fd;

        if (*end != '\0' || pid <= 1)
            continue;
        snprintf(path, sizeof path, "/proc/%ld/cmdline", pid);
        if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
            continue;
        k = read(fd, cmd, sizeof cmd - 1);
        close(fd);
        if (k <= 0)
            continue;
        for (ssize_t i = 0; i < k; i++)
            if (cmd[i] == '\0')
                cmd[i] = ' ';
        cmd[k] = '\0';
        if (strstr(cmd, "svchost.exe -k " WINE_GROUP) == NULL || !environ_has((pid_t)pid, env))
            continue;
        if (svc_proc_usage_read((pid_t)pid, &u) < 0)
            continue;
        side->hosts++;
        side->pss_kib += u.pss_kib;
    }
    closedir(d);
    return 0;
}

/* Reads one line from fd into buf (without the newline) within ms: 0;
 * -ETIMEDOUT; -EPIPE at the end; -EINTR. */
static int read_line(int fd, char *buf, size_t size, double ms)
{
    double deadline = bench_now_ms() + ms;
    size_t k = 0;

    for (;;) {
        struct pollfd p = { .fd = fd, .events = POLLIN };
        char c;
        if (bench_interrupted)
            return -EINTR;
        if (bench_now_ms() > deadline)
            return -ETIMEDOUT;
        if (poll(&p, 1, 200) <= 0)
            continue;
        ssize_t r = read(fd, &c, 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -EPIPE;
        if (c == '\r')
            continue;
        if (c == '\n') {
            buf[k] = '\0';
            return 0;
        }
        if (k + 1 < size)
            buf[k++] = c;
    }
}

/* One driver run of n services. */
static int wine_scenario(struct wine *w, unsigned n, struct side *side)
{
    int in[2] = { -1, -1 }, out[2] = { -1, -1 };
    char nbuf[16], line[256];
    double timeout = 120000 + 2000.0 * n;
    int rc = -1, st;
    pid_t pid;

    memset(side, 0, sizeof *side);
    snprintf(nbuf, sizeof nbuf, "%u", n);
    if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0) {
        fprintf(stderr, "svchost-bench: pipe: %s\n", strerror(errno));
        goto out;
    }
    char *argv[] = { "wine", "C:\\bench\\versus-driver.exe", "C:\\bench\\idle.dll", nbuf, NULL };
    fprintf(stderr, "[versus wine n=%u] running\n", n);
    if ((pid = spawn(w, argv, in[0], out[1], "driver.log")) < 0)
        goto out;
    close(in[0]);
    close(out[1]);
    in[0] = out[1] = -1;
    for (;;) {
        double v;
        char key[64];
        int r = read_line(out[0], line, sizeof line, timeout);
        if (r < 0) {
            if (r != -EINTR)
                fprintf(stderr, "svchost-bench: [versus wine n=%u] the driver %s (see %s)\n", n,
                        r == -ETIMEDOUT ? "did not answer in time" : "ended early", w->dir);
            rc = r == -EINTR ? r : -1;
            break;
        }
        if (strncmp(line, "error:", 6) == 0) {
            fprintf(stderr, "svchost-bench: [versus wine n=%u] %s\n", n, line);
            break;
        }
        if (strcmp(line, "running") == 0) {
            measure_wine_hosts(w, side);
            if (write(in[1], "go\n", 3) != 3) {
                fprintf(stderr, "svchost-bench: [versus wine n=%u] the driver is gone\n", n);
                break;
            }
            continue;
        }
        if (strcmp(line, "done") == 0) {
            rc = 0;
            break;
        }
        if (sscanf(line, "%63s %lf", key, &v) != 2)
            continue;
        if (strcmp(key, "create_ms") == 0)
            side->create_ms = v;
        else if (strcmp(key, "start_ms") == 0)
            side->start_ms = v;
        else if (strcmp(key, "query_p50_us") == 0)
            side->query_p50_us = v;
        else if (strcmp(key, "interrogate_p50_us") == 0)
            side->interrogate_p50_us = v;
        else if (strcmp(key, "stop_ms") == 0)
            side->stop_ms = v;
    }
    if (in[1] >= 0) {
        close(in[1]);
        in[1] = -1;
    }
    st = wait_for(pid, rc == 0 ? 30000 : 2000);
    if (rc == 0 && (st < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)) {
        fprintf(stderr, "svchost-bench: [versus wine n=%u] the driver exited with status %d\n",
                n, st);
        rc = -1;
    }
out:
    for (int i = 0; i < 2; i++) {
        if (in[i] >= 0)
            close(in[i]);
        if (out[i] >= 0)
            close(out[i]);
    }
    return rc;
}

/* One figure of both sides, with `digits` after the point. */
static void row(const char *what, double ours, double theirs, int digits)
{
    printf("       %-34s %12.*f %12.*f", what, digits, ours, digits, theirs);
    if (ours > 0)
        printf(" %11.2fx\n", theirs / ours);
    else
        printf(" %12s\n", "-");
}

int bench_versus_wine(const struct bench_config *cfg, const unsigned *ns, int nn)
{
    struct side ours[BENCH_MAX_NS], theirs[BENCH_MAX_NS];
    struct wine w = { .hold = -1 };
    char dll[PATH_MAX + 16], driver[PATH_MAX + 32];
    const char *slash = strrchr(cfg->plugin, '/');
    const char *env = getenv("SVCHOST_BENCH_WINE_DIR");
    int rc = 0, done = 0;

    /* WINEDIR: $SVCHOST_BENCH_WINE_DIR, or wine/ beside the plugins. */
    if (env != NULL && *env != '\0') {
        snprintf(dll, sizeof dll, "%s/idle.dll", env);
        snprintf(driver, sizeof driver, "%s/versus-driver.exe", env);
    } else {
        snprintf(dll, sizeof dll, "%.*s/wine/idle.dll", (int)(slash - cfg->plugin), cfg->plugin);
        snprintf(driver, sizeof driver, "%.*s/wine/versus-driver.exe",
                 (int)(slash - cfg->plugin), cfg->plugin);
    }
    if (access(dll, R_OK) != 0 || access(driver, R_OK) != 0) {
        fprintf(stderr, "svchost-bench: --versus wine needs %s and %s, built with mingw-w64 "
                        "(Debian package gcc-mingw-w64-x86-64; scripts/bootstrap installs it) "
                        "by `cmake --build BUILD --target bench_wine`\n", dll, driver);
        return -ENOENT;
    }

    /* Ours first: nothing of Wine's runs meanwhile. */
    for (int i = 0; i < nn && rc == 0; i++) {
        struct bench_row r;
        if ((rc = bench_run(cfg, BENCH_SHARED, ns[i], &r)) < 0)
            break;
        ours[i] = (struct side){
            .create_ms = r.create_ms, .start_ms = r.start_ms, .query_p50_us = r.query_p50_us,
            .interrogate_p50_us = r.interrogate_p50_us, .stop_ms = r.stop_ms,
            .hosts = r.hosts, .pss_kib = r.pss_kib,
        };
    }
    if (rc == 0 && (rc = wine_open(&w, dll, driver)) == 0)
        for (; done < nn && rc == 0; done++)
            rc = wine_scenario(&w, ns[done], &theirs[done]);
    if (rc < 0 && w.dir[0] != '\0') {
        char log[PATH_MAX + 16];
        snprintf(log, sizeof log, "%s/driver.log", w.dir);
        FILE *f = fopen(log, "re");
        if (f != NULL) {
            char line[512];
            fprintf(stderr, "---- the driver's stderr:\n");
            while (fgets(line, sizeof line, f) != NULL)
                if (strstr(line, "wine32") == NULL && strstr(line, "multiarch") == NULL &&
                    strstr(line, "dpkg --add") == NULL && strstr(line, "apt-get install") == NULL)
                    fputs(line, stderr);
            fclose(f);
        }
    }
    wine_close(cfg, &w);
    if (rc < 0)
        return rc;

    printf("versus wine: N share-process services of the idle plugin in one svchost group\n"
           "(svchost: scmd and svchost -k bench; wine: Wine's services.exe and svchost.exe,\n"
           "the same plugin source built by mingw-w64)\n\n");
    printf("%5s  %-34s %12s %12s %12s\n", "n", "", "svchost", "wine", "wine/svchost");
    for (int i = 0; i < nn; i++) {
        printf("%5u\n", ns[i]);
        row("create all (ms)", ours[i].create_ms, theirs[i].create_ms, 1);
        row("start all, until all RUNNING (ms)", ours[i].start_ms, theirs[i].start_ms, 1);
        row("QueryServiceStatusEx p50 (us)", ours[i].query_p50_us, theirs[i].query_p50_us,
            2);
        row("INTERROGATE p50 (us)", ours[i].interrogate_p50_us, theirs[i].interrogate_p50_us,
            1);
        row("stop all, until all STOPPED (ms)", ours[i].stop_ms, theirs[i].stop_ms, 1);
        row("host processes", ours[i].hosts, theirs[i].hosts, 0);
        row("host PSS (KiB)", (double)ours[i].pss_kib, (double)theirs[i].pss_kib, 0);
    }
    return 0;
}
