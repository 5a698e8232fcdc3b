/*
 * control.c - controls in flight (see control.h).
 */
#include "control.h"
#include "conn.h"
#include "deps.h"
#include "events.h"
#include "host_chan.h"
#include "service_db.h"
#include "state.h"
#include "win32.h"

#include <stdlib.h>

int scm_control_busy(const struct scm_service *s)
{
    return s->control_host_id != 0;
}

static void finish(struct scm *scm, struct scm_service *s, DWORD result, int with_status)
{
    scm_deadline_stop(&s->control_deadline);
    s->control_host_id = 0;
    if (with_status)
        scm_reply_status(scm, &s->control, result, &s->status);
    else
        scm_reply_error(scm, &s->control, result);
    scm_waiter_release(scm, &s->control);
    scm_db_touch(scm, s);
}

static void on_timeout(struct scm *scm, struct scm_deadline *d)
{
    struct scm_service *s = d->data;

    if (s->control_host_id == 0)
        return;
    scm_event(scm, 7011, s->name,
              "A timeout (%u milliseconds) was reached while waiting for a transaction response from the %s service.",
              scm->set.control_timeout_ms, scm_service_display(s));
    if (s->host)
        scm_host_forget(s->host, s->control_host_id);
    finish(scm, s, ERROR_SERVICE_REQUEST_TIMEOUT, 0);
    /* A service that cannot take STOP is written off: its host is killed
     * if nothing else lives there.  So is one whose handler does not
     * return from the shutdown controls, which end it as STOP does. */
    if (s->control_code == SERVICE_CONTROL_STOP || s->control_code == SERVICE_CONTROL_SHUTDOWN ||
        s->control_code == SERVICE_CONTROL_PRESHUTDOWN)
        scm_state_event(scm, s, EV_STOP_HUNG, NULL);
}

/* Sends control to s once the caller's checks passed (err). */
static DWORD send_checked(struct scm *scm, struct scm_service *s, DWORD control, struct scm_waiter w,
                          DWORD err)
{
    uint32_t id = 0;

    if (err == NO_ERROR && (scm_control_busy(s) || !s->started_in_host || s->host == NULL))
        err = ERROR_SERVICE_CANNOT_ACCEPT_CTRL;   /* one control at a time */
    if (err == NO_ERROR)
        err = scm_host_control(s->host, s->name, control, &id);
    if (err != NO_ERROR)
        return err;
    s->control_host_id = id;
    s->control_code = control;
    s->control = scm_waiter_hold(w);
    s->control_deadline.data = s;
    scm_deadline_start(scm, &s->control_deadline, scm->set.control_timeout_ms, on_timeout);
    return NO_ERROR;
}

DWORD scm_control_send(struct scm *scm, struct scm_service *s, DWORD control, struct scm_waiter w)
{
    DWORD err = svc_control_check((const SERVICE_STATUS *)&s->status, control);

    if (err == NO_ERROR && control == SERVICE_CONTROL_STOP && scm_deps_active_dependents(scm, s))
        err = ERROR_DEPENDENT_SERVICES_RUNNING;
    return send_checked(scm, s, control, w, err);
}

DWORD scm_control_send_shutdown(struct scm *scm, struct scm_service *s, DWORD control)
{
    const SERVICE_STATUS *st = (const SERVICE_STATUS *)&s->status;
    DWORD err = NO_ERROR, need = 0;

    /* SHUTDOWN and PRESHUTDOWN are the SCM's own: svc_control_check
     * refuses them, as ControlService does (ERROR_INVALID_PARAMETER). */
    if (control == SERVICE_CONTROL_SHUTDOWN)
        need = SERVICE_ACCEPT_SHUTDOWN;
    else if (control == SERVICE_CONTROL_PRESHUTDOWN)
        need = SERVICE_ACCEPT_PRESHUTDOWN;
    else if (control != SERVICE_CONTROL_STOP)
        return ERROR_INVALID_PARAMETER;
    if (need == 0)
        err = svc_control_check(st, control);
    else if (!scm_service_up(s) || st->dwCurrentState == SERVICE_STOP_PENDING)
        err = st->dwCurrentState == SERVICE_STOPPED ? ERROR_SERVICE_NOT_ACTIVE
                                                    : ERROR_SERVICE_CANNOT_ACCEPT_CTRL;
    else if ((st->dwControlsAccepted & need) == 0)
        err = ERROR_INVALID_SERVICE_CONTROL;
    return send_checked(scm, s, control, (struct scm_waiter){ 0 }, err);
}

void scm_control_done(struct scm *scm, struct scm_service *s, uint32_t id, DWORD result)
{
    if (s->control_host_id == 0 || s->control_host_id != id)
        return;
    /* A handler that does not handle a control returns
     * ERROR_CALL_NOT_IMPLEMENTED; ControlService reports that as a
     * control the service does not accept. */
    if (result == ERROR_CALL_NOT_IMPLEMENTED)
        result = ERROR_INVALID_SERVICE_CONTROL;
    finish(scm, s, result, 1);
}
