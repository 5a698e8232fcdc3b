/*
 * events.h - the event log: one line per event in ROOT/log/events.log
 * ("TIME ID SERVICE TEXT"), also sent to syslog.  IDs and texts follow the
 * Windows Service Control Manager's (7036 entered a state, 7045
 * installed, 7000 failed to start, ...).
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

#endif
