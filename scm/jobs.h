/*
 * jobs.h - starting services in dependency order.
 *
 * StartService on a service whose dependencies are not running creates a
 * job: the dependencies are started first (each through a job of its
 * own), and the target is started once every DependOnService runs and
 * every DependOnGroup has a running member.  The caller's answer waits
 * in the job.  A dependency that stops after this job asked it to start
 * fails the job with ERROR_SERVICE_DEPENDENCY_FAIL (1068); one that does
 * not exist, with ERROR_SERVICE_DEPENDENCY_DELETED (1075), as Windows.
 */
#ifndef SCM_JOBS_H
#define SCM_JOBS_H

#include "scm.h"
#include "service.h"

/* Starts s after its dependencies; the answer goes to w (held until
 * then).  Takes args (freed in every case).  NO_ERROR if the job was
 * queued (the answer comes later), else the error to answer now:
 * ERROR_SERVICE_MARKED_FOR_DELETE, ERROR_SERVICE_DISABLED,
 * ERROR_SERVICE_ALREADY_RUNNING, ERROR_SHUTDOWN_IN_PROGRESS,
 * ERROR_CIRCULAR_DEPENDENCY, ERROR_NOT_ENOUGH_MEMORY. */
DWORD scm_job_start(struct scm *scm, struct scm_service *s, struct scm_waiter w, char **args);
/* Re-evaluates every job after a service changed state. */
void scm_jobs_update(struct scm *scm);
/* Starts every auto-start service (event 7000 for those that cannot).
 * Those with DelayedAutostart wait: once every other auto-start service
 * has been started, a timer of DelayedAutoStartDelayMs on scm->loop
 * (none in unit tests without a loop) calls scm_jobs_autostart_delayed. */
void scm_jobs_autostart(struct scm *scm);
/* The delay has passed: the delayed auto-start services start, one at a
 * time (the next once the one before has started or failed), skipping
 * those already running or starting.  Does nothing before the other
 * auto-starts have been started, once called already, or while
 * shutting down. */
void scm_jobs_autostart_delayed(struct scm *scm);
/* Fails every job (shutdown) and frees them, and the delayed auto-start
 * state (its timer closed on scm->loop). */
void scm_jobs_free(struct scm *scm);

#endif
