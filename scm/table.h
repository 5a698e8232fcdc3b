/*
 * table.h - scmd's side of the shared status table (lib/status_table.h):
 * ROOT/run/status, where every service's SERVICE_STATUS_PROCESS is
 * published for clients to read without a round trip.  A service has a
 * slot while it is installed; a slot that is freed and given to another
 * service gets a new generation.  Beside it, ROOT/run/names lists the
 * services for EnumServicesStatusEx (lib/status_table.h).  With no table
 * (unit tests, or a table that could not be made) every call does
 * nothing and clients ask scmd.
 */
#ifndef SCM_TABLE_H
#define SCM_TABLE_H

#include "scm.h"
#include "service.h"

/* Makes ROOT/run/status.  0 or a negative errno (scmd then runs without). */
int scm_table_open(struct scm *scm);
void scm_table_close(struct scm *scm);
/* Gives s a slot (s->slot, s->slot_gen), unpublished. */
void scm_table_add(struct scm *scm, struct scm_service *s);
/* Takes s's slot back: cleared, and free for another generation. */
void scm_table_remove(struct scm *scm, struct scm_service *s);
/* The table's instance (what a client's mapping must hold); 0: none. */
uint64_t scm_table_instance(const struct scm *scm);
/* Writes s's status to its slot; visible 0 keeps it from readers
 * (a descriptor that does not let every user query it). */
void scm_table_set(struct scm *scm, const struct scm_service *s, int visible);
/* The list of services or what it shows changed (a display name, a
 * type, the SCM's descriptor): the names file (ROOT/run/names) is stale
 * at once, and written again a little later, if every service is
 * published and every user may enumerate them (scm_table_names_public). */
void scm_table_names_changed(struct scm *scm);
/* Whether every user may enumerate services (the SCM's descriptor, as
 * access.c decides): without it no names file is written.  Not at
 * first. */
void scm_table_names_public(struct scm *scm, int everyone);

#endif
