/*
 * adopt.h - an scmd that starts where another died: it adopts the hosts
 * still running (from the journal), which rejoin it within a second, and
 * takes every service's last status, so that nothing is started twice
 * and no history is lost.  See docs/protocol.md, "scmd restarts".
 */
#ifndef SCM_ADOPT_H
#define SCM_ADOPT_H

#include "scm.h"

/* Reads the journal after the database is loaded: adopts the hosts that
 * still run, restores each service's status, and rewrites the journal.
 * 0, or a negative errno (logged; scmd then starts afresh). */
int scm_adopt_start(struct scm *scm);
/* After autostart: the services whose host died while no scmd watched
 * end as crashed; hosts that have not rejoined within
 * SCM_ADOPT_REJOIN_MS are killed. */
void scm_adopt_finish(struct scm *scm);
/* Rewrites the journal from what this scmd holds, once it has grown
 * past a bound (called after loop iterations). */
void scm_adopt_compact_if_large(struct scm *scm);

#define SCM_ADOPT_REJOIN_MS 10000

#endif
