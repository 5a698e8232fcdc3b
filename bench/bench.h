/*
 * bench.h - svchost-bench: what shared hosting saves against one process
 * per service.
 *
 * run.c       one measurement: a fresh state directory, scmd, N services
 *             installed, started, measured, controlled and stopped; and
 *             the same set-up as a session for abuse.c
 * floor.c     the floor: a bare 1-hop and 2-hop round trip between
 *             processes, and the throughput of one, in the same run
 * throughput.c --throughput: QueryServiceConfig from T client threads
 * installed.c --installed: scmd with N services installed
 * versus.c    --versus wine: the same scenario against Wine's SCM
 * abuse.c     --abuse: root's query latency and scmd's memory while a
 *             misbehaving client (svchost-abuser) runs
 * procstat.c  what a process uses, from /proc
 * report.c    the table, ratios, targets, CSV and plot
 */
#ifndef SVCHOST_BENCH_H
#define SVCHOST_BENCH_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include <svchost/winsvc.h>

#include "proto.h"      /* struct svc_frame_reader */

/* Names are Bench0000 ... Bench9999. */
#define BENCH_MAX_N 9999
/* Values of --n, and rows (one per value and mode). */
#define BENCH_MAX_NS 32
#define BENCH_MAX_ROWS (BENCH_MODES * BENCH_MAX_NS)
#define BENCH_GROUP "bench"
/* --threads, --installed and --versus's --n at most. */
#define BENCH_MAX_THREADS 256
#define BENCH_MAX_INSTALLED 100000
#define BENCH_VERSUS_MAX_N 1000

enum bench_mode {
    BENCH_SHARED,   /* all N services in one `svchost -k bench` */
    BENCH_SPLIT,    /* one `svchost -k bench -s SERVICE` per service */
    BENCH_OWN,      /* one SERVICE_WIN32_OWN_PROCESS executable per service */
    BENCH_MODES
};

/* Where a 2-hop round trip's client and its two servers run (CPUs). */
struct bench_placement {
    int client, first, second;
};
#define BENCH_PLACEMENTS 4

struct bench_row {
    enum bench_mode mode;
    unsigned n;
    unsigned hosts;                     /* host processes of the group */
    unsigned long long pss_kib;         /* summed over the hosts */
    unsigned long long rss_kib;
    unsigned long threads;
    unsigned long fds;
    double create_ms;                   /* installing all N (not in the table) */
    double start_ms;                    /* first StartService to all RUNNING */
    double stop_ms;                     /* first STOP to all STOPPED */
    double query_p50_us, query_p99_us;
    double interrogate_p50_us, interrogate_p99_us;
    double floor1_p50_us, floor2_p50_us;    /* floor.c, right after the latencies */
    double threads_floor_ms;            /* shared mode: making n threads (floor.c) */
    double auto_ready_ms;               /* shared mode, the services auto-start: scmd
                                           started again, fork to ready */
    double auto_running_ms;             /* ...and fork to all RUNNING */
    /* INTERROGATE and the 2-hop floor with their processes pinned alike:
     * the client, scmd / the relay, the host / the echo (placement.c). */
    unsigned placements;
    struct {
        struct bench_placement at;
        double interrogate_p50_us, floor2_p50_us;
    } placed[BENCH_PLACEMENTS];
};

struct bench_config {
    const char *scmd;                   /* the scmd beside svchost-bench */
    const char *plugin;                 /* absolute path of the plugin */
    const char *own_exe;                /* the plugin as an own-process executable,
                                           or NULL (no own mode) */
    int keep;                           /* keep state directories */
    int tty;                            /* stderr is a terminal */
};

/* Set by SIGINT/SIGTERM/SIGHUP; every loop of a run checks it. */
extern volatile sig_atomic_t bench_interrupted;

const char *bench_mode_name(enum bench_mode mode);

/*
 * Runs one measurement of n services in the given mode and fills *row.
 * Whatever happens, scmd and its hosts are gone and the state directory
 * removed (unless cfg->keep) when it returns.
 * Returns 0; -EINTR if interrupted; -1 on any other failure (already
 * reported on stderr).
 */
int bench_run(const struct bench_config *cfg, enum bench_mode mode, unsigned n,
              struct bench_row *row);

/* ---- floor.c ------------------------------------------------------------- */

/*
 * The 1-hop (client <-> one process) and 2-hop (client -> process ->
 * process -> back) round trip over Unix sockets, QueryServiceStatusEx's
 * frame sizes, the client library's wait, with processes kept for round
 * trips interleaved with others: open forks them, calls times n round
 * trips of 1 or 2 hops into v[0..n) (us) after `warmup` untimed ones,
 * close ends them (also after a failed open, or none).  0; -EINTR; -1
 * (reported).
 */
struct bench_floor {
    struct svc_frame_reader in[2];      /* to the echo, to the relay */
    pid_t pid[3];                       /* echo, relay, echo2 */
    uint32_t id;
};
int bench_floor_open(struct bench_floor *f);
int bench_floor_calls(struct bench_floor *f, int hops, double *v, size_t n, size_t warmup);
void bench_floor_close(struct bench_floor *f);
/* The time to make n threads that wait, one after the other, in a process
 * of their own (ms).  0; -EINTR; -1 (reported). */
int bench_floor_threads(unsigned n, double *ms);
/* Round trips per second from `threads` client threads, each on its own
 * connection to one single-threaded process, for `seconds`; each client
 * waits as the library does (spin), or only blocks in read().  0;
 * -EINTR; -1 (reported). */
int bench_floor_throughput(unsigned threads, double seconds, bool spin, double *per_s);

/* ---- placement.c -------------------------------------------------------- */

/* The placements compared, on the first two CPUs this process may use
 * (all on one; the client on one and both servers on the other; one
 * server with the client; the other with it): how many (1 on one CPU). */
int bench_placements(struct bench_placement *out);
void bench_placement_name(const struct bench_placement *p, char *buf, size_t len);
/* Every thread of pid (0: the calling thread) on cpu, or back on every
 * CPU the benchmark may use (cpu -1).  0 or a negative errno. */
int bench_pin(pid_t pid, int cpu);

/* The p-th percentile of v[0..n) by nearest rank; sorts v. */
double bench_percentile(double *v, size_t n, unsigned p);

/* ---- run.c: sessions, for abuse.c ----------------------------------------- */

struct bench_session;

/*
 * A fresh state directory whose config/scm.ini is scm_ini, open to other
 * users (mode 0711, so a client of another uid reaches run/scm.sock),
 * scmd started on it, and one idle service, Bench0000, RUNNING.  label
 * names the session in messages.  0 with *out set; -EINTR if interrupted;
 * -1 on any other failure (reported on stderr, nothing left behind).
 */
int bench_session_open(const struct bench_config *cfg, const char *label, const char *scm_ini,
                       struct bench_session **out);
/*
 * As bench_session_open, and prepare(dir, ctx), when not NULL, runs on
 * the new state directory before scmd starts (0, or a negative value
 * that ends the session); without one_service nothing is installed.
 */
int bench_session_open_with(const struct bench_config *cfg, const char *label,
                            const char *scm_ini, int (*prepare)(const char *dir, void *ctx),
                            void *ctx, bool one_service, struct bench_session **out);
const char *bench_session_dir(const struct bench_session *s);
/* The session's SC_MANAGER_ALL_ACCESS handle (NULL while scmd is stopped). */
SC_HANDLE bench_session_scm(const struct bench_session *s);
/* scmd's last start, from fork to the first OpenSCManagerA that
 * succeeded (polled every millisecond), in ms. */
double bench_session_ready_ms(const struct bench_session *s);
/* SIGTERM to scmd and the time until it exited, in *ms: 0; -1 if it did
 * not exit 0 (reported; killed after 45 s). */
int bench_session_stop_scmd(struct bench_session *s, double *ms);
/* Starts scmd again on the same directory: 0; -EINTR; -1 (reported). */
int bench_session_restart_scmd(struct bench_session *s);
pid_t bench_session_scmd(const struct bench_session *s);
/* Stops scmd and its host, removes the directory (unless cfg->keep). */
void bench_session_close(struct bench_session *s);

/* ---- throughput.c, installed.c, versus.c ---------------------------------- */

/* --throughput: prints the table on stdout.  0; -EINTR; -1 (reported). */
int bench_throughput(const struct bench_config *cfg, unsigned threads, unsigned seconds);

enum bench_install_via { BENCH_VIA_FILES = 1, BENCH_VIA_API = 2 };
/* --installed N: scmd with n share services installed (via: a mask of
 * bench_install_via); prints the table.  0; -EINTR; -1 (reported). */
int bench_installed(const struct bench_config *cfg, unsigned n, unsigned via);

/* --versus wine: the scenario for each ns[i] against scmd and against
 * Wine's SCM; prints both and the ratios.  0; -EINTR; -1 (reported);
 * -ENOENT when Wine or mingw-w64 is missing (reported with the package
 * to install). */
int bench_versus_wine(const struct bench_config *cfg, const unsigned *ns, int nn);
/* Whether wine and mingw-w64 are there: 0, or -ENOENT after naming the
 * Debian packages to install on stderr. */
int bench_versus_check(void);

/* ---- abuse.c -------------------------------------------------------------- */

/*
 * --abuse: three sessions (no abuse; 20 clients that never read their
 * replies; 400 that announce 1 MiB frames and go silent), each timing
 * root's queries for up to `seconds` or `queries` queries, whichever comes
 * first, while sampling scmd's memory.  abuser is svchost-abuser's path.
 * Prints the table on stdout.  0; -EINTR; -1 (reported).
 */
int bench_abuse(const struct bench_config *cfg, const char *abuser, unsigned seconds,
                unsigned queries);

#include "procstat.h"   /* svc_proc_usage_read, svc_proc_cmdline_has */

/* ---- report.c ------------------------------------------------------------ */

/* rows: for each n ascending, its rows in mode order (shared, split, own). */
void report_table(FILE *f, const struct bench_row *rows, size_t nrows);
void report_ratios(FILE *f, const struct bench_row *rows, size_t nrows);
void report_marginal(FILE *f, const struct bench_row *rows, size_t nrows);
/* Shared mode's auto-start: scmd started again, to every service RUNNING. */
void report_autostart(FILE *f, const struct bench_row *rows, size_t nrows);
void report_placed(FILE *f, const struct bench_row *rows, size_t nrows);
void report_targets(FILE *f, const struct bench_row *rows, size_t nrows, const char *plugin);
/* 0, or -1 (reported on stderr). */
int report_csv(const char *path, const struct bench_row *rows, size_t nrows);
int report_plot(const char *path, const struct bench_row *rows, size_t nrows,
                const char *plugin);

/* The monotonic clock in milliseconds (svchost_bench.c). */
double bench_now_ms(void);
/* 1 if an executable `name` is in $PATH. */
int bench_in_path(const char *name);

#endif
