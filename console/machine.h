/*
 * machine.h - the machines svcconsole shows, each one SCM reached through
 * OpenSCManagerA: the local one, or \\HOST (over SSH, as libsvc does it).
 *
 * A machine's manager handle is opened on first use and dropped when a
 * call says the SCM went away (scmd restarted, the SSH link broke), so the
 * next call opens a new one: the console reconnects by itself.  Every use
 * of m->scm, and of a service handle opened through it, holds m->lock.
 *
 * Because of that lock, the status reads of one machine happen one after
 * another; each gets the next number of m->reads, sent with the status as
 * "seq", so that whoever gets statuses by more than one way (a page reads
 * an action's reply and the live stream) can tell the newer one.
 */
#ifndef SVCCONSOLE_MACHINE_H
#define SVCCONSOLE_MACHINE_H

#include <pthread.h>
#include <stdint.h>

#include <svchost/svcctl.h>

struct machine {
    char *name;             /* in URLs and on the page: "localhost" for ".", or HOST */
    char *unc;              /* for OpenSCManagerA: NULL for ".", else "\\HOST" */
    pthread_mutex_t lock;
    SC_HANDLE scm;          /* NULL until opened, or after the SCM went away */
    DWORD error;            /* why scm is NULL: the last OpenSCManagerA error */
    uint64_t reads;         /* numbers the status reads through scm (its "seq") */
};

/* Fills m for the machine NAME, with or without "\\": "." (or "") is
 * this machine over the local socket, shown as "localhost"; any other
 * name is opened as \\NAME, which libsvc takes to the local socket or
 * over ssh (docs/remote.md).  0, or -ENOMEM. */
int machine_init(struct machine *m, const char *name);
void machine_destroy(struct machine *m);

/* With m->lock held: the manager handle in *out, opened if needed.
 * NO_ERROR, or OpenSCManagerA's error (1722: the SCM cannot be reached,
 * 5: the caller may not connect). */
DWORD machine_scm(struct machine *m, SC_HANDLE *out);

/* With m->lock held, after a call through m->scm failed with err: drops
 * the handle when err says the SCM went away (1722, 109, 13), so that the
 * next machine_scm connects again.  Returns err, or 1722 for those. */
DWORD machine_failed(struct machine *m, DWORD err);

#endif
