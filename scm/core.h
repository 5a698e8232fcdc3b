/*
 * core.h - the SCM put together: the layers joined to one another and to
 * the loop.  main.c fills a struct scm (root, settings) and calls these.
 */
#ifndef SCM_CORE_H
#define SCM_CORE_H

#include "scm.h"

/* Loads the database, opens the event log, listens on sock_path and
 * installs the signal handlers.  0, or a negative errno (logged). */
int scm_core_start(struct scm *scm, const char *sock_path);
/* Starts the auto-start services and runs the loop until shutdown has
 * stopped everything. */
void scm_core_run(struct scm *scm);
/* Frees what the context holds. */
void scm_core_free(struct scm *scm);

#endif
