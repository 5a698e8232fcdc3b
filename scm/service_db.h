/*
 * service_db.h - the service database on disk: every services/NAME.ini,
 * loaded at start, and the create / change / delete operations, each
 * written to disk (atomically, see config_write.c) before it takes effect
 * in memory, so the database survives a restart of scmd.  Also the
 * groups file (svchost.ini), cached until it changes.
 */
#ifndef SCM_SERVICE_DB_H
#define SCM_SERVICE_DB_H

#include "scm.h"
#include "service.h"
#include "proto.h"

/* Loads every service; a file that does not parse is logged and left
 * out.  0, or a negative errno when the directory cannot be read. */
int scm_db_load(struct scm *scm);
/* Frees the table and the groups cache. */
void scm_db_free(struct scm *scm);
/* Each returns NO_ERROR or the Win32 error of CreateService /
 * ChangeServiceConfig / DeleteService. */
DWORD scm_db_create(struct scm *scm, const struct svc_msg_config *c, const char *installer);
DWORD scm_db_change(struct scm *scm, struct scm_service *s, const struct svc_msg_config *c);
DWORD scm_db_delete(struct scm *scm, struct scm_service *s);
/* Removes the services marked for deletion that have stopped and that
 * nothing waits on (run after a loop iteration, when no caller holds a
 * service pointer). */
void scm_db_sweep(struct scm *scm);
/* Notes that s may now be ready for scm_db_sweep. */
void scm_db_touch(struct scm *scm, const struct scm_service *s);
/* Stores the security descriptor sddl (canonical SDDL, checked by the
 * caller) of s, or of the SCM itself when s is NULL (config/scm.sddl),
 * atomically, before it takes effect.  NO_ERROR or the Win32 error of
 * the write. */
DWORD scm_db_set_security(struct scm *scm, struct scm_service *s, const char *sddl);
/* The whole configuration of s as a message (mask SVC_CFG_ALL). */
void scm_db_config_msg(const struct scm_service *s, struct svc_msg_config *m);
/* Whether s runs in a split instance of its group (Windows 10's split
 * hosting): the SCM's threshold, the group's Split and the service's
 * SvcHostSplitDisable decide, read fresh from svchost.ini. */
int scm_db_wants_split(struct scm *scm, const struct scm_service *s, const char *group);

#endif
