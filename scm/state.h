/*
 * state.h - the service state machine.
 *
 * States are Win32's (SERVICE_STOPPED ... SERVICE_PAUSED), as the service
 * reports them; events come from clients (start), the host (status), the
 * process (exit) and timers.  A table of state x event -> action decides;
 * actions act only through scm->fx (effects.h).  This file is the only
 * writer of a service's status.
 */
#ifndef SCM_STATE_H
#define SCM_STATE_H

#include "scm.h"
#include "service.h"

enum scm_event {
    EV_START,          /* StartService (dependencies satisfied) */
    EV_STATUS,         /* the host reported a status */
    EV_HOST_EXIT,      /* the host process ended */
    EV_TIMEOUT,        /* start or stop progress deadline passed */
    EV_START_FAILED,   /* the host refused START or could not be spawned */
    EV_STOP_HUNG,      /* the handler did not return from STOP in time */
    EV_COUNT
};

struct scm_event_data {
    const SERVICE_STATUS *status;   /* EV_STATUS */
    DWORD error;                    /* EV_START_FAILED */
    char *const *args;              /* EV_START */
};

/* Applies an event to s through the state x event table. */
void scm_state_event(struct scm *scm, struct scm_service *s, enum scm_event ev,
                     const struct scm_event_data *data);
/* A new service's status: STOPPED, its type, no event logged. */
void scm_state_init(struct scm *scm, struct scm_service *s);
/* Whether s's status and crash count are still what scm_state_init
 * gave it (never started since it was loaded or created): a restarted
 * scmd's scm_state_init gives it the same, so the journal need not keep
 * it. */
int scm_state_is_initial(const struct scm_service *s);
/* The status a previous scmd recorded (the journal), or that a host
 * rejoining reports before its first status: no event, the pid from the
 * host it is in. */
void scm_state_restore(struct scm *scm, struct scm_service *s, const SERVICE_STATUS_PROCESS *st);
/* Its configuration changed: a stopped service shows its new type. */
void scm_state_config_changed(struct scm *scm, struct scm_service *s);
/* A start refused before it reached the state machine (autostart of a
 * disabled service, say): event 7000, the status untouched. */
void scm_state_start_refused(struct scm *scm, struct scm_service *s, DWORD err);
/* A start job failed because dependency d did not start (why): 7001. */
void scm_state_dependency_failed(struct scm *scm, struct scm_service *s,
                                 const struct scm_service *d, DWORD why);
/* "stopped", "start pending", ... as event 7036 words them, or NULL. */
const char *scm_state_word(DWORD state);
/* The event's name ("EV_START"), or NULL. */
const char *scm_event_name(enum scm_event ev);

#endif
