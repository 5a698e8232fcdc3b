/*
 * placement.c - the client and the two servers of a 2-hop round trip put
 * on chosen CPUs, so that INTERROGATE and the 2-hop floor are compared
 * with their processes where the other's are.
 *
 * Left to itself, the kernel places scmd and the host, and the floor's
 * relay and echo, each where its wake-ups take it; on two CPUs the same
 * round trip then costs 6 us (all on one CPU), 12 us (the client on one,
 * both servers on the other) or 20 us (a server on each), and the two
 * paths do not always land alike: a row's ratio then says where the
 * kernel put them rather than what a hop costs.  Pinned the same way,
 * the two differ only by what scmd and the host do per hop.
 */
#include "bench.h"

#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static cpu_set_t allowed;      /* the benchmark's CPUs when it started */
static int have_allowed;

static const cpu_set_t *all_cpus(void)
{
    if (!have_allowed) {
        CPU_ZERO(&allowed);
        if (sched_getaffinity(0, sizeof allowed, &allowed) < 0)
            CPU_SET(0, &allowed);
        have_allowed = 1;
    }
    return &allowed;
}

int bench_placements(struct bench_placement *out)
{
    const cpu_set_t *set = all_cpus();
    int a = -1, b = -1, n = 0;

    for (int c = 0; c < CPU_SETSIZE && b < 0; c++)
        if (CPU_ISSET(c, set)) {
            if (a < 0)
                a = c;
            else
                b = c;
        }
    if (a < 0)
        return 0;
    out[n++] = (struct bench_placement){ a, a, a };
    if (b >= 0) {
        out[n++] = (struct bench_placement){ a, b, b };
        out[n++] = (struct bench_placement){ a, a, b };
        out[n++] = (struct bench_placement){ a, b, a };
    }
    return n;
}

void bench_placement_name(const struct bench_placement *p, char *buf, size_t len)
{
    snprintf(buf, len, "%d,%d,%d", p->client, p->first, p->second);
}

/* Every thread of pid (0: the calling thread only) on set. */
static int pin_set(pid_t pid, const cpu_set_t *set)
{
    char path[64];
    struct dirent *e;
    DIR *d;
    int rc = 0;

    if (pid == 0)
        return sched_setaffinity(0, sizeof *set, set) < 0 ? -errno : 0;
    snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
    if ((d = opendir(path)) == NULL)
        return -errno;
    while ((e = readdir(d)) != NULL) {
        pid_t tid = (pid_t)atoi(e->d_name);
        /* A thread that ended meanwhile is no error. */
        if (tid > 0 && sched_setaffinity(tid, sizeof *set, set) < 0 && errno != ESRCH)
            rc = -errno;
    }
    closedir(d);
    return rc;
}

int bench_pin(pid_t pid, int cpu)
{
    cpu_set_t one;

    if (cpu < 0)
        return pin_set(pid, all_cpus());
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    return pin_set(pid, &one);
}
