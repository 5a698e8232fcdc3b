/*
 * shutdown.c - stopping everything (see shutdown.h).
 */
#include "shutdown.h"
#include "conn.h"
#include "control.h"
#include "deps.h"
#include "host_chan.h"
#include "hosting.h"
#include "jobs.h"
#include "service.h"
#include "log.h"

#include <stdlib.h>

static void on_timeout(uv_timer_t *t)
{
    struct scm *scm = t->data;

    log_warnx("shutdown: services still running after %u ms; killing their hosts",
              scm->set.stop_timeout_ms);
    for (struct scm_host *h = scm_host_first(scm); h; h = scm_host_next(h))
        scm_host_kill(h);
}

void scm_shutdown_begin(struct scm *scm)
{
    uv_timer_t *timer;

    if (scm->shutting_down)
        return;
    scm->shutting_down = 1;
    timer = malloc(sizeof *timer);
    if (timer != NULL) {
        uv_timer_init(scm->loop, timer);
        timer->data = scm;
        uv_timer_start(timer, on_timeout, scm->set.stop_timeout_ms + 2000, 0);
        uv_unref((uv_handle_t *)timer);
        scm->shutdown_timer = timer;
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
    if (!scm->shutting_down)
        return;
    for (struct scm_service *s = scm->services; s; s = s->next) {
        /* Once each: a service whose handler has returned from STOP may
         * still be RUNNING for a while before it reports STOP_PENDING. */
        if (!scm_service_up(s) || s->shutdown_stopped || scm_control_busy(s) ||
            scm_deps_active_dependents(scm, s))
            continue;
        if (!(s->status.dwControlsAccepted & SERVICE_ACCEPT_STOP)) {
            /* It cannot be asked; its host is killed once nothing else
             * lives in it. */
            if (s->host && scm_hosting_active(scm, s->host) == 1)
                scm_host_kill(s->host);
            continue;
        }
        if (scm_control_send(scm, s, SERVICE_CONTROL_STOP, (struct scm_waiter){ 0 }) == NO_ERROR)
            s->shutdown_stopped = 1;
    }
    if (all_quiet(scm))
        uv_stop(scm->loop);
}
