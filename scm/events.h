/*
 * events.h - the event log: one line per event in ROOT/log/events.log
 * ("TIME ID SERVICE TEXT"), also sent to syslog.  IDs and texts follow the
 * Windows Service Control Manager's (7036 entered a state, 7045
 * installed, 7000 failed to start, ...); docs/events.md lists them all.
 */
#ifndef SCM_EVENTS_H
#define SCM_EVENTS_H

#include "scm.h"

/* Opens ROOT/log/events.log for appending: 0 or a negative errno. */
int scm_events_open(struct scm *scm);
void scm_events_close(struct scm *scm);
/* Logs event id for service (NULL: none).  Never fails visibly: a line
 * that cannot be written is reported on stderr. */
void scm_event(struct scm *scm, unsigned id, const char *service, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void scm_event_text(struct scm *scm, unsigned id, const char *service, const char *text);

/* svchost's own events, where Windows has none (docs/events.md). */
#define SCM_EVENT_ACCOUNT_CHANGED 7202u  /* ChangeServiceConfig changed the account */
#define SCM_EVENT_UNTRUSTED_CODE 7203u   /* a start refused: its code is not trusted */

/* Windows' Security log event for a changed security descriptor
 * (SetServiceObjectSecurity: sc sdset). */
#define SCM_EVENT_PERMISSIONS_CHANGED 4670u

/* IDs of a plugin's own lines (SVCHOST_GLOBALS Log), by level: a plugin
 * line is "TIME LEVEL SERVICE TEXT" (docs/events.md). */
#define SCM_EVENT_PLUGIN_ERROR 0u
#define SCM_EVENT_PLUGIN_WARNING 1u
#define SCM_EVENT_PLUGIN_INFO 2u
/* Logs a line of service's plugin at level (an SCM_EVENT_PLUGIN_* id;
 * another is logged as INFO): control characters in text become spaces,
 * so that one line stays one line of events.log. */
void scm_event_plugin(struct scm *scm, const char *service, unsigned level, const char *text);

#endif
