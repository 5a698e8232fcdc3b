/*
 * service.h - a service as the SCM holds it, and the in-memory table of
 * services (kept sorted by name, so enumerations come out stable).
 *
 * The table is the list scm->services, in name order, which every layer
 * walks, and an index beside it (service.c): the services as a sorted
 * array, so a new one finds its place by binary search, and hashed by
 * name and by display name, so a lookup costs the same with 10 services
 * installed or 100,000.  A configuration is replaced whole
 * (scm_service_set_config), never edited in place while the service is
 * in the table: the index follows its display name and dependencies.
 *
 * Each group of fields belongs to one layer, which alone writes it; the
 * others read.  The status is written only by state.c (scm_state_*).
 */
#ifndef SCM_SERVICE_H
#define SCM_SERVICE_H

#include "scm.h"
#include "config.h"
#include "deadline.h"

struct scm_service {
    struct scm_service *next;        /* service: the next in name order */
    struct scm_service *name_next;   /* service: the index's chains */
    struct scm_service *display_next;
    char *name;
    struct svc_service_config *cfg;  /* service_db */
    char *host_group;                /* service: the svchost group its ImagePath names
                                        (share services only), NULL: none */
    int marked_for_delete;           /* service_db: deleted while running */

    SERVICE_STATUS_PROCESS status;   /* state: the one writer */
    uint32_t slot, slot_gen;         /* table: its slot in the shared status table */
    uint32_t last_checkpoint;        /* state */
    uint64_t start_seq;              /* state: when it was last asked to start */
    unsigned crashes;                /* state: unexpected ends since scmd started */
    uint32_t failures;               /* recovery: the failure count (reset after
                                        FailureResetPeriod without one) */
    int64_t last_failure_ms;         /* recovery: when the last one was (wall clock) */

    struct scm_host *host;           /* hosting: while not STOPPED */
    int started_in_host;             /* hosting: the host acknowledged START */
    char *host_dll;                  /* hosting: the plugin file it was started from,
                                        while in a host */
    struct scm_deadline deadline;    /* hosting: the state machine's deadline */

    int job_pending;                 /* jobs: a start job targets it */
    uint64_t job_failed_seq;         /* jobs: when its last start job failed */
    DWORD job_failed_error;          /* jobs: and why */

    /* control: one control at a time, as Win32. */
    struct scm_waiter control;       /* the client waiting for a control reply */
    uint32_t control_host_id;        /* id of the HOST_CONTROL in flight, 0 if none */
    DWORD control_code;
    struct scm_deadline control_deadline; /* its timeout */

    unsigned shutdown_sent;          /* shutdown: SCM_SHUTDOWN_SENT_* of the controls sent */
    uint64_t shutdown_pre_ms;        /* shutdown: when PRESHUTDOWN was sent (the loop's clock) */
};

/* A new service for cfg (taken over; freed with the service), STOPPED,
 * not yet in the table.  NULL when out of memory (cfg is then not taken). */
struct scm_service *scm_service_new(struct svc_service_config *cfg);
/* Frees s (already unlinked), its deadlines stopped. */
void scm_service_free(struct scm_service *s);
/* Puts s into the table in name order / takes it out.  Linking costs a
 * binary search and a move of the pointers after s (memmove), so loading
 * in name order costs O(log n) a service.  0, or -ENOMEM (s is then not
 * in the table). */
int scm_service_link(struct scm *scm, struct scm_service *s);
void scm_service_unlink(struct scm *scm, struct scm_service *s);
/* Unlinks and frees every service, and frees the index. */
void scm_service_free_all(struct scm *scm);
/* Gives s the configuration cfg (taken over) and returns the one it
 * had, which the caller frees: the index follows a new display name. */
struct svc_service_config *scm_service_set_config(struct scm *scm, struct scm_service *s,
                                                  struct svc_service_config *cfg);
/* The services that depend on a service or a group, in name order (*n
 * of them): where a dependent is looked for, so that stopping one of
 * 10,000 services does not look at the other 9,999. */
struct scm_service *const *scm_service_dependers(const struct scm *scm, size_t *n);
/* How many services the table holds. */
size_t scm_service_count(const struct scm *scm);
/* By name or display name, case-insensitive as Windows; NULL if none.
 * Among services sharing a display name (possible only in files written
 * by hand), the first in name order. */
struct scm_service *scm_service_find(const struct scm *scm, const char *name);
struct scm_service *scm_service_find_display(const struct scm *scm, const char *display);
/* A service other than except whose display name is display; NULL if
 * none. */
struct scm_service *scm_service_other_with_display(const struct scm *scm, const char *display,
                                                   const struct scm_service *except);

/* Any state but STOPPED. */
int scm_service_active(const struct scm_service *s);
/* RUNNING, PAUSED or between them: what a dependency must be. */
int scm_service_up(const struct scm_service *s);
/* The display name, or the key name when there is none. */
const char *scm_service_display(const struct scm_service *s);
/* Member of the load-order group g (case-insensitive). */
int scm_service_in_group(const struct scm_service *s, const char *g);
/* The svchost group its ImagePath names (share services only), new
 * string, or NULL; s->host_group holds it, kept with the configuration. */
char *scm_service_host_group(const struct scm_service *s);

#endif
