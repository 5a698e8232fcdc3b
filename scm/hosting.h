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

/* The number of active services in h. */
size_t scm_hosting_active(const struct scm *scm, const struct scm_host *h);

#endif
