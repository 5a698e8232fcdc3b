/*
 * journal.h - what a restarted scmd needs from the one before it: the
 * hosts it spawned (pid, process start time, secret, group) and each
 * service's last status and crash count.
 *
 * ROOT/run/journal is a text file of records, one a line, appended as
 * things happen and replayed at start (the last record of a host or a
 * service wins), then rewritten whole.  It is not fsync'd: it has to
 * survive scmd, not the machine.  Mode 0600: it holds the hosts' secrets.
 *
 *   H PID STARTTIME SECRET GROUP|- OWN|- SPLIT|-   a host was spawned
 *   X PID                                          that host is gone
 *   S NAME STATE TYPE ACCEPTED EXIT SPECIFIC CHECKPOINT WAITHINT PID CRASHES
 */
#ifndef SCM_JOURNAL_H
#define SCM_JOURNAL_H

#include <stddef.h>

#include "scm.h"

#define SCM_SECRET_LEN 32           /* hex digits */

struct scm_journal_host {
    pid_t pid;
    unsigned long long start_time;  /* /proc/PID/stat field 22: tells a reused pid */
    char secret[SCM_SECRET_LEN + 1];
    char *group, *own_service, *split_service;   /* NULL: none */
};

struct scm_journal_service {
    char *name;
    SERVICE_STATUS_PROCESS status;
    unsigned crashes;
};

struct scm_journal {
    struct scm_journal_host *hosts;
    size_t n_hosts;
    struct scm_journal_service *services;
    size_t n_services;
};

/* Reads ROOT/run/journal into j (empty when there is none).  0, or a
 * negative errno; a malformed line is logged and skipped. */
int scm_journal_read(const struct scm *scm, struct scm_journal *j);
void scm_journal_free(struct scm_journal *j);
/* Replaces the file with j's records and opens it for appending.
 * 0 or a negative errno (then nothing is journaled: logged). */
int scm_journal_rewrite(struct scm *scm, const struct scm_journal *j);
void scm_journal_close(struct scm *scm);
/* Appends one record (nothing when the journal is not open), written
 * by the next scm_journal_flush: once a turn of the loop, and at close. */
void scm_journal_host(struct scm *scm, const struct scm_journal_host *h);
void scm_journal_host_gone(struct scm *scm, pid_t pid);
void scm_journal_service(struct scm *scm, const char *name, const SERVICE_STATUS_PROCESS *st,
                         unsigned crashes);
void scm_journal_flush(struct scm *scm);
/* Bytes appended since the last rewrite. */
size_t scm_journal_size(const struct scm *scm);

#endif
