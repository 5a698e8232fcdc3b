/*
 * hosting.h - running services in host processes: the effects the state
 * machine acts through (effects.h), and what hosts report (the hooks of
 * host_chan.h), joined to the state machine, controls, jobs and usage.
 */
#ifndef SCM_HOSTING_H
#define SCM_HOSTING_H

#include "scm.h"
#include "host_chan.h"

extern const struct scm_effects scm_hosting_effects;
extern const struct scm_host_hooks scm_hosting_hooks;

/* Frees what hosting.c remembers (scm->hosting). */
void scm_hosting_free(struct scm *scm);

/* The number of services in h: those whose host it is (a service has a
 * host from its start until it stops), counted as they come and go. */
size_t scm_hosting_active(const struct scm *scm, const struct scm_host *h);
/* Puts s in host h (NULL: in none): the one way s->host is set, so that
 * the counts above and the accounts of groups follow. */
void scm_hosting_set_host(struct scm *scm, struct scm_service *s, struct scm_host *h);

#endif
