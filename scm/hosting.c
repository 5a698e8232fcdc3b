/*
 * hosting.c - services in host processes (see hosting.h).
 */
#include "hosting.h"
#include "control.h"
#include "effects.h"
#include "events.h"
#include "jobs.h"
#include "journal.h"
#include "recovery.h"
#include "service_db.h"
#include "spawn.h"
#include "state.h"
#include "usage.h"
#include "log.h"
#include "win32.h"

#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

size_t scm_hosting_active(const struct scm *scm, const struct scm_host *h)
{
    size_t n = 0;
    for (const struct scm_service *s = scm->services; s; s = s->next)
        if (s->host == h && scm_service_active(s))
            n++;
    return n;
}

static void release_if_idle(struct scm *scm, struct scm_host *h)
{
    if (h != NULL && scm_hosting_active(scm, h) == 0)
        scm_host_release(h);
}

/* ---- effects ------------------------------------------------------------------ */

static DWORD start_in_host(struct scm *scm, struct scm_service *s, char *const *args)
{
    char *group = scm_service_host_group(s);
    struct scm_host *h = NULL;
    DWORD err = NO_ERROR;
    int split = 0;

    if (group != NULL) {
        /* One process per group, or per service when split: reuse the
         * live host that fits. */
        split = scm_db_wants_split(scm, s, group);
        h = scm_host_find(scm, group, split ? s->name : NULL);
    }
    if (h == NULL)
        h = scm_spawn_host(scm, s->cfg->image_path, group, s->name, split ? s->name : NULL, &err);
    free(group);
    if (h == NULL)
        return err;
    s->host = h;
    s->started_in_host = 0;
    return scm_host_start(h, s->name, args);
}

static void leave_host(struct scm *scm, struct scm_service *s)
{
    struct scm_host *h = s->host;

    s->host = NULL;
    s->started_in_host = 0;
    release_if_idle(scm, h);
}

static void kill_host_if_alone(struct scm *scm, struct scm_service *s)
{
    if (s->host == NULL)
        return;
    for (const struct scm_service *o = scm->services; o; o = o->next)
        if (o != s && o->host == s->host && scm_service_active(o))
            return;
    scm_host_kill(s->host);
}

static int host_connected(struct scm *scm, const struct scm_service *s)
{
    (void)scm;
    return s->host != NULL && scm_host_connected(s->host);
}

static DWORD host_pid(struct scm *scm, const struct scm_service *s)
{
    (void)scm;
    return s->host != NULL ? (DWORD)scm_host_pid(s->host) : 0;
}

static void on_timer(uv_timer_t *t)
{
    struct scm_service *s = t->data;
    if (s != NULL)
        scm_state_event(uv_loop_get_data(t->loop), s, EV_TIMEOUT, NULL);
}

static void arm(struct scm *scm, struct scm_service *s, unsigned ms)
{
    if (s->timer == NULL) {
        s->timer = malloc(sizeof *s->timer);
        if (s->timer == NULL) {
            log_warnx("%s: out of memory for its timer", s->name);
            return;
        }
        uv_timer_init(scm->loop, s->timer);
    }
    s->timer->data = s;
    uv_timer_start(s->timer, on_timer, ms, 0);
}

static void disarm(struct scm *scm, struct scm_service *s)
{
    (void)scm;
    if (s->timer != NULL)
        uv_timer_stop(s->timer);
}

static void changed(struct scm *scm, struct scm_service *s)
{
    scm_db_touch(scm, s);
    scm_jobs_update(scm);
}

static void failed(struct scm *scm, struct scm_service *s, int crashed)
{
    scm_recovery_failed(scm, s, crashed);
}

static void event(struct scm *scm, unsigned id, const char *service, const char *text)
{
    scm_event_text(scm, id, service, text);
}

static void recorded(struct scm *scm, const struct scm_service *s)
{
    scm_journal_service(scm, s->name, &s->status, s->crashes);
}

const struct scm_effects scm_hosting_effects = {
    .start_in_host = start_in_host,
    .leave_host = leave_host,
    .kill_host_if_alone = kill_host_if_alone,
    .host_connected = host_connected,
    .host_pid = host_pid,
    .arm = arm,
    .disarm = disarm,
    .changed = changed,
    .failed = failed,
    .event = event,
    .recorded = recorded,
};

/* ---- what hosts report ------------------------------------------------------------ */

/* The service name of h, if this SCM started it there. */
static struct scm_service *its(struct scm *scm, struct scm_host *h, const char *name)
{
    struct scm_service *s = scm_service_find(scm, name);
    return s != NULL && s->host == h ? s : NULL;
}

static DWORD on_status(struct scm *scm, struct scm_host *h, const char *name, const SERVICE_STATUS *st)
{
    struct scm_service *s = its(scm, h, name);

    if (s == NULL)
        return ERROR_SERVICE_NOT_IN_EXE;
    scm_state_event(scm, s, EV_STATUS, &(struct scm_event_data){ .status = st });
    return NO_ERROR;
}

static void on_started(struct scm *scm, struct scm_host *h, const char *name, DWORD err)
{
    struct scm_service *s = its(scm, h, name);

    if (s != NULL && err == NO_ERROR) {
        s->started_in_host = 1;
        scm_jobs_update(scm);
    } else if (s != NULL) {
        scm_state_event(scm, s, EV_START_FAILED, &(struct scm_event_data){ .error = err });
    }
    release_if_idle(scm, h);
}

static void on_controlled(struct scm *scm, struct scm_host *h, const char *name, uint32_t id,
                          DWORD result)
{
    struct scm_service *s = scm_service_find(scm, name);

    if (s != NULL)
        scm_control_done(scm, s, id, result);
    release_if_idle(scm, h);
}

static void on_queried(struct scm *scm, struct scm_host *h, void *cookie, struct svc_msg_usage *rows,
                       uint32_t n)
{
    scm_usage_host_done(scm, cookie, rows, n);
    if (rows != NULL)
        release_if_idle(scm, h);
}

static void on_exited(struct scm *scm, struct scm_host *h)
{
    for (struct scm_service *s = scm->services; s; s = s->next) {
        if (s->host != h)
            continue;
        scm_state_event(scm, s, EV_HOST_EXIT, NULL);
        s->host = NULL;
        s->started_in_host = 0;
    }
}

/* Whether h may log for s: a service it runs, or ran (a plugin may log
 * after its service reported STOPPED, from a stop callback or a thread
 * still ending): one of its own group, its split service, or its
 * own-process service. */
static int may_log_for(struct scm_host *h, const struct scm_service *s)
{
    const char *group = scm_host_group(h), *one;
    char *its_group;
    int ok;

    if (s->host == h)
        return 1;
    if (group == NULL)
        return (one = scm_host_own_service(h)) != NULL && strcasecmp(one, s->name) == 0;
    if ((one = scm_host_split_service(h)) != NULL)
        return strcasecmp(one, s->name) == 0;
    its_group = scm_service_host_group(s);
    ok = its_group != NULL && strcasecmp(its_group, group) == 0;
    free(its_group);
    return ok;
}

static DWORD on_log(struct scm *scm, struct scm_host *h, const char *name, unsigned level,
                    const char *text)
{
    struct scm_service *s = scm_service_find(scm, name);

    if (s == NULL || !may_log_for(h, s))
        return ERROR_SERVICE_NOT_IN_EXE;
    /* Under the installed name, as the events of the SCM are. */
    scm_event_plugin(scm, s->name, level, text);
    return NO_ERROR;
}

static void on_log_dropped(struct scm *scm, struct scm_host *h, const char *name,
                           unsigned long dropped)
{
    struct scm_service *s = scm_service_find(scm, name);
    const char *who = s != NULL && may_log_for(h, s) ? s->name : NULL;
    char text[200];

    if (dropped == 0)
        snprintf(text, sizeof text,
                 "Log lines of host process %d are dropped: more than %u at once, or %u a second.",
                 (int)scm_host_pid(h), SCM_HOST_LOG_BURST, SCM_HOST_LOG_PER_SEC);
    else
        snprintf(text, sizeof text, "%lu log line(s) of host process %d were dropped.", dropped,
                 (int)scm_host_pid(h));
    scm_event_plugin(scm, who ? who : "-", SCM_EVENT_PLUGIN_WARNING, text);
}

const struct scm_host_hooks scm_hosting_hooks = {
    .status = on_status,
    .started = on_started,
    .controlled = on_controlled,
    .queried = on_queried,
    .log = on_log,
    .log_dropped = on_log_dropped,
    .exited = on_exited,
    .freed = NULL,     /* scm.c: the shutdown check */
};
