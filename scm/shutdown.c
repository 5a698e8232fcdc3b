/*
 * shutdown.c - stopping everything (see shutdown.h).
 *
 * The order is decided afresh at every step from the services' states,
 * never from a list made at the start: a service still starting when the
 * shutdown began joins in once it runs, and one that stops by itself
 * simply drops out.  Three rules decide whether a service is sent its
 * next control now:
 *
 *  - Phase.  As Windows does, PRESHUTDOWN goes first, to every service
 *    that accepts it; SHUTDOWN and STOP wait until each of those has
 *    stopped or has had its own PreshutdownTimeoutMs (the Windows rule
 *    of SERVICE_PRESHUTDOWN_INFO: the SCM waits for the service to stop
 *    or for the time-out, whichever comes first).  Each service's wait
 *    starts when it is sent its PRESHUTDOWN.
 *
 *  - Dependents first.  A service is sent its control only once no
 *    service depending on it is still active.  Windows notifies in
 *    database order instead; here a service never sees its dependency
 *    go away under it.  Within the preshutdown phase only dependents that
 *    take part in it count (a STOP-only dependent would otherwise wait
 *    for the phase, and the phase for it); a preshutdown service still
 *    stopping past its own timeout stops counting, since Windows goes on
 *    without it too.
 *
 *  - Once.  A service is sent PRESHUTDOWN once and one final control
 *    (SHUTDOWN, else STOP) once.  A preshutdown service still running
 *    after its timeout is sent its final control like the rest.
 *
 * ShutdownTimeoutMs bounds the whole: then every host is killed.
 */
#include "shutdown.h"
#include "conn.h"
#include "control.h"
#include "deps.h"
#include "host_chan.h"
#include "hosting.h"
#include "service.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct scm_shutdown {
    uv_timer_t bound;   /* ShutdownTimeoutMs: kills what is left */
    uv_timer_t wake;    /* the next preshutdown timeout */
};

/* ---- the decisions ------------------------------------------------------- */

static int accepts(const struct scm_service *s, DWORD flag)
{
    return (s->status.dwControlsAccepted & flag) != 0;
}

/* Up (not pending a start or a stop) and able to take a control now. */
static int can_take(const struct scm_service *s)
{
    return scm_service_up(s) && !scm_control_busy(s);
}

/* Due for PRESHUTDOWN and not yet sent it. */
static int pre_wanted(const struct scm_service *s)
{
    return !(s->shutdown_sent & SCM_SHUTDOWN_SENT_PRE) && scm_service_up(s) &&
           accepts(s, SERVICE_ACCEPT_PRESHUTDOWN);
}

static uint64_t pre_deadline(const struct scm_service *s)
{
    return s->shutdown_pre_ms + s->cfg->preshutdown_timeout_ms;
}

/* Sent PRESHUTDOWN, not stopped, and within its own timeout. */
static int pre_waiting(const struct scm_service *s, uint64_t now)
{
    return (s->shutdown_sent & SCM_SHUTDOWN_SENT_PRE) && scm_service_active(s) &&
           now < pre_deadline(s);
}

/* No more waiting for the preshutdown phase. */
static int pre_over(const struct scm *scm, uint64_t now)
{
    for (const struct scm_service *s = scm->services; s; s = s->next)
        if (pre_wanted(s) || pre_waiting(s, now))
            return 0;
    return 1;
}

/* 1 if dependent d still keeps its dependencies from their control. */
static int holds(const struct scm_service *d, uint64_t now, int pre_phase)
{
    if (!scm_service_active(d))
        return 0;
    if (pre_phase)
        return pre_wanted(d) || pre_waiting(d, now);
    /* Past its preshutdown timeout and stopping: Windows goes on. */
    if ((d->shutdown_sent & SCM_SHUTDOWN_SENT_PRE) && !(d->shutdown_sent & SCM_SHUTDOWN_SENT_FINAL) &&
        now >= pre_deadline(d) && !scm_service_up(d))
        return 0;
    return 1;
}

static int held(const struct scm *scm, const struct scm_service *s, uint64_t now, int pre_phase)
{
    for (const struct scm_service *d = scm->services; d; d = d->next)
        if (d != s && scm_deps_depends_on(d, s) && holds(d, now, pre_phase))
            return 1;
    return 0;
}

/* The control s is due now, or 0. */
static DWORD next_control(const struct scm *scm, const struct scm_service *s, uint64_t now,
                          int phase_over)
{
    if (!can_take(s))
        return 0;
    if (pre_wanted(s))
        return held(scm, s, now, 1) ? 0 : SERVICE_CONTROL_PRESHUTDOWN;
    if (!phase_over || (s->shutdown_sent & SCM_SHUTDOWN_SENT_FINAL) || held(scm, s, now, 0))
        return 0;
    if (accepts(s, SERVICE_ACCEPT_SHUTDOWN))
        return SERVICE_CONTROL_SHUTDOWN;
    if (accepts(s, SERVICE_ACCEPT_STOP))
        return SERVICE_CONTROL_STOP;
    return SCM_SHUTDOWN_KILL;
}

uint64_t scm_shutdown_run(struct scm *scm, uint64_t now_ms, scm_shutdown_send_fn *send)
{
    /* Decided once for the pass: while it is not over, this pass sends
     * PRESHUTDOWN only; when it is, nobody is left to be sent one. */
    int phase_over = pre_over(scm, now_ms);
    uint64_t wake = 0;

    for (struct scm_service *s = scm->services; s; s = s->next) {
        DWORD c = next_control(scm, s, now_ms, phase_over);
        if (c == 0 || send(scm, s, c) != NO_ERROR)
            continue;
        if (c == SERVICE_CONTROL_PRESHUTDOWN) {
            s->shutdown_sent |= SCM_SHUTDOWN_SENT_PRE;
            s->shutdown_pre_ms = now_ms;
        } else {
            s->shutdown_sent |= SCM_SHUTDOWN_SENT_FINAL;
        }
    }
    for (const struct scm_service *s = scm->services; s; s = s->next)
        if (pre_waiting(s, now_ms) && (wake == 0 || pre_deadline(s) < wake))
            wake = pre_deadline(s);
    return wake;
}

/* ---- scmd's side: controls, timers, the end --------------------------- */

static DWORD send_for_real(struct scm *scm, struct scm_service *s, DWORD control)
{
    if (control != SCM_SHUTDOWN_KILL)
        return scm_control_send_shutdown(scm, s, control);
    /* It cannot be asked; its host is killed once nothing else lives
     * in it. */
    if (s->host == NULL || scm_hosting_active(scm, s->host) != 1)
        return ERROR_SERVICE_CANNOT_ACCEPT_CTRL;
    log_info("shutdown: %s accepts no control that stops it; killing its host", s->name);
    scm_host_kill(s->host);
    return NO_ERROR;
}

/* "A, B, C": the active services (new string, NULL without memory). */
static char *active_names(const struct scm *scm)
{
    size_t len = 1;
    char *out, *p;

    for (const struct scm_service *s = scm->services; s; s = s->next)
        if (scm_service_active(s))
            len += strlen(s->name) + 2;
    p = out = malloc(len);
    if (out == NULL)
        return NULL;
    *p = '\0';
    for (const struct scm_service *s = scm->services; s; s = s->next)
        if (scm_service_active(s))
            p += sprintf(p, "%s%s", p == out ? "" : ", ", s->name);
    return out;
}

static void on_bound(uv_timer_t *t)
{
    struct scm *scm = t->data;
    char *names = active_names(scm);

    if (names != NULL && *names != '\0')
        log_warnx("shutdown: still running after ShutdownTimeoutMs (%u ms): %s; killing their hosts",
                  scm->set.shutdown_timeout_ms, names);
    else
        log_warnx("shutdown: hosts still alive after ShutdownTimeoutMs (%u ms); killing them",
                  scm->set.shutdown_timeout_ms);
    free(names);
    for (struct scm_host *h = scm_host_first(scm); h; h = scm_host_next(h))
        scm_host_kill(h);
}

static void on_wake(uv_timer_t *t)
{
    scm_shutdown_step(t->data);
}

void scm_shutdown_begin(struct scm *scm)
{
    struct scm_shutdown *sd;

    if (scm->shutting_down)
        return;
    scm->shutting_down = 1;
    sd = calloc(1, sizeof *sd);
    if (sd != NULL) {
        /* Not referenced: they must not keep the loop alive by themselves. */
        uv_timer_init(scm->loop, &sd->bound);
        uv_timer_init(scm->loop, &sd->wake);
        sd->bound.data = sd->wake.data = scm;
        uv_timer_start(&sd->bound, on_bound, scm->set.shutdown_timeout_ms, 0);
        uv_unref((uv_handle_t *)&sd->bound);
        uv_unref((uv_handle_t *)&sd->wake);
        scm->shutdown = sd;
    } else {
        log_warnx("shutdown: out of memory for its timers; nothing will be killed");
    }
    scm_conn_stop_listening(scm);
}

static int all_quiet(struct scm *scm)
{
    for (const struct scm_service *s = scm->services; s; s = s->next)
        if (scm_service_active(s))
            return 0;
    return !scm_hosts_any(scm);
}

void scm_shutdown_step(struct scm *scm)
{
    uint64_t now, wake;

    if (!scm->shutting_down)
        return;
    now = uv_now(scm->loop);
    wake = scm_shutdown_run(scm, now, send_for_real);
    if (wake != 0 && scm->shutdown != NULL)
        uv_timer_start(&scm->shutdown->wake, on_wake, wake - now, 0);
    if (all_quiet(scm))
        uv_stop(scm->loop);
}
