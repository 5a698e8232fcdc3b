/*
 * bench.h - svchost-bench: what shared hosting saves against one process
 * per service.
 *
 * run.c       one measurement: a fresh state directory, scmd, N services
 *             installed, started, measured, controlled and stopped
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
