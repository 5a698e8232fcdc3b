/*
 * control.h - the one control in flight per service (Win32 allows one at
 * a time): sending it, its timer, its reply, and writing off a service
 * whose handler does not return from STOP.
 */
#ifndef SCM_CONTROL_H
#define SCM_CONTROL_H

#include "scm.h"
#include "service.h"

/* Sends control to s; the answer (the status, with the handler's result)
 * goes to w later, and w is held until then.  NO_ERROR, or the error to
 * answer now (w untouched): those of svc_control_check,
 * ERROR_DEPENDENT_SERVICES_RUNNING for a STOP with active dependents,
 * ERROR_SERVICE_CANNOT_ACCEPT_CTRL while another control is in flight
 * or the host has not yet accepted START, or what host_chan answers. */
DWORD scm_control_send(struct scm *scm, struct scm_service *s, DWORD control, struct scm_waiter w);
/* The SCM's own controls while shutting down: SERVICE_CONTROL_PRESHUTDOWN
 * or SERVICE_CONTROL_SHUTDOWN to a service that accepts it (clients
 * cannot send these: svc_control_check answers ERROR_INVALID_PARAMETER),
 * or STOP without the dependents check (shutdown orders the stops
 * itself).  Nobody waits for the answer.  NO_ERROR; ERROR_INVALID_PARAMETER
 * for any other control; ERROR_SERVICE_NOT_ACTIVE, ERROR_SERVICE_CANNOT_ACCEPT_CTRL
 * (pending, another control in flight), ERROR_INVALID_SERVICE_CONTROL
 * (not accepted), or what host_chan answers. */
DWORD scm_control_send_shutdown(struct scm *scm, struct scm_service *s, DWORD control);
/* The host answered request id of s (ERROR_PROCESS_ABORTED: it died). */
void scm_control_done(struct scm *scm, struct scm_service *s, uint32_t id, DWORD result);
/* 1 while a control to s is in flight. */
int scm_control_busy(const struct scm_service *s);

#endif
