/*
 * deadline.h - timeouts that cost the loop nothing while they wait.
 *
 * A libuv timer that is running makes every epoll_wait of the loop
 * arm a kernel timer for its timeout and cancel it after: a few hundred
 * nanoseconds at each of the two sleeps of a request that goes to a
 * host, where the control's timeout or the state machine's deadline is
 * almost always running.  A deadline here is a node in a list kept in
 * order of due time, and the list has one timerfd in the loop, set for
 * the first due time: starting a deadline later than the one the timerfd
 * is set for (the usual case: every control has the same timeout) and
 * stopping one are list operations, no system call, and the loop waits
 * in epoll_wait with no timeout of its own.  When the timerfd fires, the
 * deadlines that are due run and it is set for the next.
 *
 * Due times are CLOCK_MONOTONIC milliseconds; a deadline runs no earlier
 * than its due time, in due order (in start order for equal ones).
 */
#ifndef SCM_DEADLINE_H
#define SCM_DEADLINE_H

#include "scm.h"

#include <stdint.h>

struct scm_deadline;
typedef void scm_deadline_fn(struct scm *scm, struct scm_deadline *d);

struct scm_deadline {
    struct scm_deadline *prev, *next;   /* NULL while not pending */
    uint64_t due_ms;
    scm_deadline_fn *fire;
    void *data;                         /* the owner's */
};

/* The list and its timerfd, in scm->deadlines.  0 or a negative errno. */
int scm_deadlines_open(struct scm *scm);
void scm_deadlines_close(struct scm *scm);

/* Runs fire(scm, d) after ms (again if pending: the old due time goes). */
void scm_deadline_start(struct scm *scm, struct scm_deadline *d, uint64_t ms,
                        scm_deadline_fn *fire);
/* Not to run (nothing if not pending).  Needs no context: a service's
 * deadline is stopped where it is freed. */
void scm_deadline_stop(struct scm_deadline *d);
int scm_deadline_pending(const struct scm_deadline *d);

/* CLOCK_MONOTONIC in milliseconds. */
uint64_t scm_deadline_now_ms(void);

#endif
