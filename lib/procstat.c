/*
 * procstat.c - what a process uses, read from /proc (scmd's per-host
 * rows of `sc hosts /v`, svchost-bench, sc's instance column).
 *
 * PSS (proportional set size) charges each resident page to the processes
 * mapping it in equal shares, so the PSS of several processes adds up to
 * the memory they really use together: libc's pages count once across N
 * split hosts, not N times as RSS does.  smaps_rollup (Linux 4.14) sums
 * every mapping in the kernel, which is far cheaper than reading smaps.
 */
#include "procstat.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The values of the first lines of path starting with keys[i] (e.g.
 * "Pss:") into out[i]: 0 or -errno.  One read, as smaps_rollup walks
 * every mapping of the process each time it is opened. */
static int read_fields(const char *path, const char *const *keys, unsigned long long *out,
                       size_t n)
{
    FILE *f = fopen(path, "re");
    char line[256];
    size_t found = 0;
    unsigned seen = 0;

    if (f == NULL)
        return -errno;
    while (found < n && fgets(line, sizeof line, f) != NULL) {
        for (size_t i = 0; i < n; i++) {
            size_t klen = strlen(keys[i]);
            char *end;

            if ((seen & (1u << i)) || strncmp(line, keys[i], klen) != 0)
                continue;
            errno = 0;
            out[i] = strtoull(line + klen, &end, 10);
            if (errno != 0 || end == line + klen) {
                fclose(f);
                return -EINVAL;
            }
            seen |= 1u << i;
            found++;
        }
    }
    fclose(f);
    return found == n ? 0 : -ENOENT;
}

static long count_fds(pid_t pid)
{
    char path[64];
    DIR *d;
    struct dirent *e;
    long n = 0;

    snprintf(path, sizeof path, "/proc/%d/fd", (int)pid);
    if ((d = opendir(path)) == NULL)
        return -errno;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n;
}

/* utime + stime of a process, in microseconds; 0 if unreadable. */
static unsigned long long cpu_us(pid_t pid)
{
    char path[64], buf[1024];
    unsigned long long ut, st;
    size_t n;
    FILE *f;

    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    if ((f = fopen(path, "re")) == NULL)
        return 0;
    n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    /* The command name may hold spaces and parentheses: skip to the last ')'. */
    char *p = strrchr(buf, ')');
    if (p == NULL || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
        return 0;
    return (ut + st) * 1000000ull / (unsigned long long)sysconf(_SC_CLK_TCK);
}

int svc_proc_usage_read(pid_t pid, struct svc_proc_usage *u)
{
    static const char *const mem_keys[] = { "Rss:", "Pss:" };
    static const char *const thread_keys[] = { "Threads:" };
    unsigned long long mem[2], threads;
    char path[64];
    long fds;
    int rc;

    memset(u, 0, sizeof *u);
    snprintf(path, sizeof path, "/proc/%d/smaps_rollup", (int)pid);
    if ((rc = read_fields(path, mem_keys, mem, 2)) < 0)
        return rc;
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    if ((rc = read_fields(path, thread_keys, &threads, 1)) < 0)
        return rc;
    if ((fds = count_fds(pid)) < 0)
        return (int)fds;
    u->rss_kib = mem[0];
    u->pss_kib = mem[1];
    u->threads = (unsigned long)threads;
    u->fds = (unsigned long)fds;
    u->cpu_us = cpu_us(pid);
    return 0;
}

int svc_proc_cmdline_has(pid_t pid, const char *a, const char *b)
{
    char path[64], buf[8192];
    ssize_t len;
    int fd;

    snprintf(path, sizeof path, "/proc/%d/cmdline", (int)pid);
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        return 0;
    len = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (len <= 0)
        return 0;
    buf[len] = '\0';
    /* Arguments are NUL-separated; compare each with the next. */
    for (char *p = buf; p < buf + len;) {
        char *next = p + strlen(p) + 1;
        if (strcmp(p, a) == 0 && (b == NULL || (next < buf + len && strcmp(next, b) == 0)))
            return 1;
        p = next;
    }
    return 0;
}
