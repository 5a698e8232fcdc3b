/*
 * shutdown.h - stopping everything when scmd is told to (SIGTERM,
 * SIGINT), in the order docs/shutdown.md describes:
 *
 *  1. Every running service that accepts PRESHUTDOWN is sent
 *     SERVICE_CONTROL_PRESHUTDOWN, dependents first among them, and
 *     scmd waits until each has stopped or its own PreshutdownTimeoutMs
 *     (SERVICE_CONFIG_PRESHUTDOWN_INFO) has passed since it was sent.
 *  2. Then every other service is sent SERVICE_CONTROL_SHUTDOWN if it
 *     accepts it, else STOP, once every service depending on it has
 *     stopped; one that accepts neither has its host killed once nothing
 *     else runs there.  Services still starting are asked once they run.
 *  3. ShutdownTimeoutMs after the start, the hosts still alive are
 *     killed and the services still running are named in the log.
 *
 * Each service is sent each control once.  The loop ends when nothing
 * runs any more.
 */
#ifndef SCM_SHUTDOWN_H
#define SCM_SHUTDOWN_H

#include "scm.h"
#include "service.h"

/* Bits of s->shutdown_sent. */
#define SCM_SHUTDOWN_SENT_PRE   1u   /* PRESHUTDOWN */
#define SCM_SHUTDOWN_SENT_FINAL 2u   /* SHUTDOWN, STOP, or its host killed */

/* What scm_shutdown_run asks for besides a control: kill the host of s
 * if s is the last active service in it (s takes no control that would
 * stop it). */
#define SCM_SHUTDOWN_KILL ((DWORD)0xFFFFFFFFu)

/* Carries out one decision: control is SERVICE_CONTROL_PRESHUTDOWN,
 * SERVICE_CONTROL_SHUTDOWN, SERVICE_CONTROL_STOP or SCM_SHUTDOWN_KILL.
 * NO_ERROR when done (it is then never asked again), else a Win32 error
 * (it is asked again at a later step). */
typedef DWORD scm_shutdown_send_fn(struct scm *scm, struct scm_service *s, DWORD control);

/* Starts shutting down (once): no new clients, no new starts, the
 * ShutdownTimeoutMs bound armed. */
void scm_shutdown_begin(struct scm *scm);
/* One step: called after every loop iteration while shutting down, and
 * when a host has been freed.  Stops the loop once nothing runs. */
void scm_shutdown_step(struct scm *scm);

/*
 * The decisions of one step, without the loop: every service that may
 * be sent its next control at now_ms (the loop's clock, in ms) is handed
 * to send, in table order.  Returns the earliest time after now_ms at
 * which a preshutdown timeout ends (when the next step is due even if
 * nothing else happens), or 0 when none is pending.  scm_shutdown_step
 * calls it with scm_control_send_shutdown; unit tests with a fake.
 */
uint64_t scm_shutdown_run(struct scm *scm, uint64_t now_ms, scm_shutdown_send_fn *send);

#endif
