/*
 * procstat.h - what a process uses, from /proc.
 */
#ifndef SVC_PROCSTAT_H
#define SVC_PROCSTAT_H

#include <sys/types.h>

struct svc_proc_usage {
    unsigned long long pss_kib;         /* smaps_rollup Pss: */
    unsigned long long rss_kib;         /* smaps_rollup Rss: */
    unsigned long threads;              /* status Threads: */
    unsigned long fds;                  /* entries of fd/ */
    unsigned long long cpu_us;          /* stat utime + stime */
};

/* Reads /proc/PID: 0, or -errno (the process is gone, or /proc says
 * nothing that parses; smaps_rollup needs ptrace access to PID). */
int svc_proc_usage_read(pid_t pid, struct svc_proc_usage *u);

/* 1 if /proc/PID/cmdline has the argument a followed by the argument b
 * (b NULL: a anywhere), else 0. */
int svc_proc_cmdline_has(pid_t pid, const char *a, const char *b);

#endif
