/*
 * recovery.h - failure actions, as the Windows SCM takes them
 * (SERVICE_CONFIG_FAILURE_ACTIONS and _FLAG; docs/recovery.md).
 *
 * The state machine reports a failure through its effects (effects.h:
 * failed); this layer counts it, resets the count after
 * FailureResetPeriod seconds without one, picks the action (the Nth
 * failure takes the Nth of FailureActions, the last one repeats), logs
 * 7031 or 7034, waits the action's delay and takes it: restart (a start
 * job, jobs.h), run FailureCommand or reboot (spawn.h), 7032 when it
 * fails.  The count of each service and the time of its last failure
 * are kept in ROOT/run/failures, so they survive a restart of scmd.
 */
#ifndef SCM_RECOVERY_H
#define SCM_RECOVERY_H

#include "scm.h"
#include "service.h"

/* What recovery takes from the world, so that a unit test can set the
 * clock and see commands without running them.  scmd's: the real clock
 * and spawn.c. */
struct scm_recovery_hooks {
    int64_t (*now_ms)(struct scm *scm);                 /* wall clock, ms */
    /* Runs cmdline through the shell as the account object_name names
     * (NULL: LocalSystem, root): 0 or a negative errno. */
    int (*run)(struct scm *scm, const char *object_name, const char *cmdline);
};

/* Sets up scm->recovery with hooks (copied; NULL: scmd's).  The delays
 * are libuv timers on scm->loop.  0 or -ENOMEM. */
int scm_recovery_init(struct scm *scm, const struct scm_recovery_hooks *hooks);
/* Reads ROOT/run/failures into the services of the table (after the
 * database is loaded); records of services that no longer exist are
 * dropped and the file rewritten.  A missing or unreadable file leaves
 * every count at 0 (an unreadable one is logged). */
void scm_recovery_load(struct scm *scm);
/* s failed (see effects.h: failed): counted, unless it did not crash
 * and its FailureActionsOnNonCrashFailures is off or it has no actions
 * (then nothing happens); then 7031 and the action after its delay, or
 * 7034 when there is no action (none configured, SC_ACTION_NONE, scmd
 * shutting down, the service marked for deletion).  A newer failure
 * replaces an action still waiting. */
void scm_recovery_failed(struct scm *scm, struct scm_service *s, int crashed);
/* How many actions wait for their delay. */
size_t scm_recovery_waiting(const struct scm *scm);
/* Cancels what waits and frees scm->recovery. */
void scm_recovery_free(struct scm *scm);

/* The action as event 7031 words it ("Restart the service"), or NULL
 * for a type Windows does not define. */
const char *scm_recovery_action_text(uint32_t type);
/* cmd with each "%1%" replaced by the failure count (Windows: the
 * services snap-in appends " /fail=%1%" to pass the count), new string,
 * or NULL when out of memory. */
char *scm_recovery_command(const char *cmd, uint32_t count);

#endif
