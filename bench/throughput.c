/*
 * throughput.c - svchost-bench --throughput: how many socket requests
 * scmd serves per second.
 *
 * A fresh scmd with one idle service (a session of run.c); T client
 * threads, each with its own OpenSCManagerA connection and service
 * handle, call QueryServiceConfigA in a loop for the given time; the
 * answered calls divided by the time is the figure.  Then the floor's
 * own throughput with the same number of threads (floor.c): what one
 * single-threaded process that only answers achieves on this machine.
 */
#include "bench.h"

#include <svchost/winsvc.h>

#include "win32.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct client {
    pthread_t tid;
    atomic_uint *ready;             /* connected clients */
    const atomic_bool *go, *stop;
    unsigned long calls;
    DWORD err;                  /* the first failure, or 0 */
    const char *failed;         /* which call */
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *client_main(void *arg)
{
    struct client *c = arg;
    SC_HANDLE scm = OpenSCManagerA(NULL, NULL, SC_MANAGER_CONNECT);
    SC_HANDLE svc = scm ? OpenServiceA(scm, "Bench0000", SERVICE_QUERY_CONFIG) : NULL;
    union {
        QUERY_SERVICE_CONFIGA qsc;
        BYTE bytes[8192];
    } buf;
    DWORD needed;

    if (svc == NULL) {
        c->err = GetLastError();
        c->failed = scm ? "OpenServiceA" : "OpenSCManagerA";
    }
    /* Everyone starts at once, connected. */
    atomic_fetch_add(c->ready, 1);
    while (!atomic_load(c->go))
        usleep(1000);
    while (svc != NULL && !atomic_load_explicit(c->stop, memory_order_relaxed)) {
        if (!QueryServiceConfigA(svc, &buf.qsc, sizeof buf, &needed)) {
            c->err = GetLastError();
            c->failed = "QueryServiceConfigA";
            break;
        }
        c->calls++;
    }
    if (svc != NULL)
        CloseServiceHandle(svc);
    if (scm != NULL)
        CloseServiceHandle(scm);
    return NULL;
}

/* Runs T clients against the session's scmd for `seconds`: requests/s
 * in *per_s, 0; -EINTR; -1 (reported). */
static int scmd_throughput(unsigned threads, unsigned seconds, double *per_s)
{
    struct client *c = calloc(threads, sizeof *c);
    atomic_uint ready = 0;
    atomic_bool go = false, stop = false;
    unsigned started = 0;
    unsigned long calls = 0;
    int rc = 0;

    if (c == NULL) {
        fprintf(stderr, "svchost-bench: out of memory\n");
        return -1;
    }
    for (; started < threads; started++) {
        c[started].ready = &ready;
        c[started].go = &go;
        c[started].stop = &stop;
        if (pthread_create(&c[started].tid, NULL, client_main, &c[started]) != 0) {
            fprintf(stderr, "svchost-bench: cannot create %u threads\n", threads);
            rc = -1;
            break;
        }
    }
    while (atomic_load(&ready) < started && !bench_interrupted)
        usleep(1000);
    atomic_store(&go, true);
    double t0 = now_s();
    while (rc == 0 && !bench_interrupted && now_s() - t0 < seconds)
        usleep(10000);
    atomic_store(&stop, true);
    for (unsigned i = 0; i < started; i++) {
        pthread_join(c[i].tid, NULL);
        calls += c[i].calls;
        if (c[i].err != 0 && rc == 0) {
            fprintf(stderr, "svchost-bench: client %u: %s failed: %u %s\n", i, c[i].failed,
                    (unsigned)c[i].err, svc_win32_message(c[i].err));
            rc = -1;
        }
    }
    double elapsed = now_s() - t0;
    free(c);
    if (bench_interrupted)
        return -EINTR;
    if (rc == 0)
        *per_s = (double)calls / elapsed;
    return rc;
}

int bench_throughput(const struct bench_config *cfg, unsigned threads, unsigned seconds)
{
    struct bench_session *s;
    double scmd_per_s = 0, floor_per_s = 0, block_per_s = 0;
    int rc;

    /* The per-user connection cap must admit every client thread. */
    char ini[128];
    snprintf(ini, sizeof ini, "[SCM]\nSplitThresholdKB = 0\nMaxConnectionsPerUser = %u\n",
             threads + 16);
    if ((rc = bench_session_open(cfg, "throughput", ini, &s)) < 0)
        return rc;
    fprintf(stderr, "[throughput] %u threads x QueryServiceConfigA for %u s\n", threads,
            seconds);
    rc = scmd_throughput(threads, seconds, &scmd_per_s);
    bench_session_close(s);
    if (rc < 0)
        return rc;
    fprintf(stderr, "[throughput] floor: %u threads x 1-hop round trip for %u s\n", threads,
            seconds);
    if ((rc = bench_floor_throughput(threads, seconds, true, &floor_per_s)) < 0)
        return rc;
    fprintf(stderr, "[throughput] floor without the spin: blocking reads only, %u s\n",
            seconds);
    if ((rc = bench_floor_throughput(threads, seconds, false, &block_per_s)) < 0)
        return rc;

    printf("throughput: %u client threads, %u s each, one connection per thread\n\n", threads,
           seconds);
    printf("%-44s %12s %12s %10s\n", "", "requests/s", "per thread", "vs floor");
    printf("%-44s %12.0f %12.0f %9.2fx\n", "scmd: QueryServiceConfigA", scmd_per_s,
           scmd_per_s / threads, floor_per_s > 0 ? scmd_per_s / floor_per_s : 0);
    printf("%-44s %12.0f %12.0f %9.2fx\n", "floor: 1 hop to a process that only answers",
           floor_per_s, floor_per_s / threads, 1.0);
    printf("%-44s %12.0f %12.0f %9.2fx\n", "floor, clients blocking in read() (no spin)",
           block_per_s, block_per_s / threads, floor_per_s > 0 ? block_per_s / floor_per_s : 0);
    printf("\n%-44s %-12s %s\n", "target", "", "measured");
    printf("  %-42s >= %-9s %.0f/s %s%s\n", "scmd requests/s (QueryServiceConfig)", "40000",
           scmd_per_s, scmd_per_s >= 40000 ? "met" : "MISSED",
           threads == 20 ? "" : " (the target is for 20 threads)");
    return 0;
}
