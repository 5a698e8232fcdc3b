/*
 * shutdown.h - stopping everything when scmd is told to (SIGTERM,
 * SIGINT): every service whose dependents have all stopped is sent STOP,
 * services still starting are stopped once they run, and hosts still
 * alive after the stop timeout are killed.  The loop ends when nothing
 * runs any more.
 */
#ifndef SCM_SHUTDOWN_H
#define SCM_SHUTDOWN_H

#include "scm.h"

/* Starts shutting down (once): no new clients, no new starts. */
void scm_shutdown_begin(struct scm *scm);
/* One step: called after every loop iteration while shutting down, and
 * when a host has been freed.  Stops the loop once nothing runs. */
void scm_shutdown_step(struct scm *scm);

#endif
