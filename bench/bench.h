/*
 * bench.h - svchost-bench: what shared hosting saves against one process
 * per service.
 *
 * run.c       one measurement: a fresh state directory, scmd, N services
 *             installed, started, measured, controlled and stopped; and
 *             the same set-up as a session for abuse.c
 * abuse.c     --abuse: root's query latency and scmd's memory while a
 *             misbehaving client (svchost-abuser) runs
 * procstat.c  what a process uses, from /proc
 * report.c    the table, ratios, targets, CSV and plot
 */
#ifndef SVCHOST_BENCH_H
#define SVCHOST_BENCH_H

#include <signal.h>
#include <stdio.h>
#include <sys/types.h>

/* Names are Bench0000 ... Bench9999. */
#define BENCH_MAX_N 9999
/* Values of --n, and rows (one per value and mode). */
#define BENCH_MAX_NS 32
#define BENCH_MAX_ROWS (2 * BENCH_MAX_NS)
#define BENCH_GROUP "bench"

enum bench_mode {
    BENCH_SHARED,   /* all N services in one `svchost -k bench` */
    BENCH_SPLIT,    /* one `svchost -k bench -s SERVICE` per service */
};

struct bench_row {
    enum bench_mode mode;
    unsigned n;
    unsigned hosts;                     /* host processes of the group */
    unsigned long long pss_kib;         /* summed over the hosts */
    unsigned long long rss_kib;
    unsigned long threads;
    unsigned long fds;
    double start_ms;                    /* first StartService to all RUNNING */
    double stop_ms;                     /* first STOP to all STOPPED */
    double query_p50_us, query_p99_us;
    double interrogate_p50_us, interrogate_p99_us;
};

struct bench_config {
    const char *scmd;                   /* the scmd beside svchost-bench */
    const char *plugin;                 /* absolute path of the plugin */
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
const char *bench_session_dir(const struct bench_session *s);
pid_t bench_session_scmd(const struct bench_session *s);
/* Stops scmd and its host, removes the directory (unless cfg->keep). */
void bench_session_close(struct bench_session *s);

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

/* rows: for each n ascending, the shared row then the split row. */
void report_table(FILE *f, const struct bench_row *rows, size_t nrows);
void report_ratios(FILE *f, const struct bench_row *rows, size_t nrows);
void report_marginal(FILE *f, const struct bench_row *rows, size_t nrows);
void report_targets(FILE *f, const struct bench_row *rows, size_t nrows, const char *plugin);
/* 0, or -1 (reported on stderr). */
int report_csv(const char *path, const struct bench_row *rows, size_t nrows);
int report_plot(const char *path, const struct bench_row *rows, size_t nrows,
                const char *plugin);

#endif
