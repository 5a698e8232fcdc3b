/*
 * jobs.c - starting services in dependency order.
 *
 * StartService on a service whose dependencies are not running creates a
 * job: the dependencies are started first (each through a job of its
 * own), and the target is handed to its host once every DependOnService
 * runs and every DependOnGroup has a running member.  The caller's answer
 * waits in the job.  A dependency that stops after this job asked it to
 * start fails the job with ERROR_SERVICE_DEPENDENCY_FAIL (1068); one that
 * does not exist, with ERROR_SERVICE_DEPENDENCY_DELETED (1075), as Windows.
 *
 * Order: every start request takes a number from g_scm.seq; a dependency
 * whose last start is numbered after the job was started by it (or after
 * it), so its failure is the job's failure.
 */
#include "scm.h"
#include "log.h"
#include "win32.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int is_up(const struct scm_service *d)
{
    return d->status.dwCurrentState == SERVICE_RUNNING ||
           d->status.dwCurrentState == SERVICE_PAUSED ||
           d->status.dwCurrentState == SERVICE_PAUSE_PENDING ||
           d->status.dwCurrentState == SERVICE_CONTINUE_PENDING;
}

static int in_group(const struct scm_service *s, const char *group)
{
    return s->cfg->load_order_group && strcasecmp(s->cfg->load_order_group, group) == 0;
}

/* 1 if `name` is reachable from the dependencies given (a cycle through
 * `name`), following DependOnService and DependOnGroup members. */
static int reaches(const char *name, char *const *deps, char *const *groups, int depth)
{
    if (depth > 64)
        return 1;
    for (size_t i = 0; deps && deps[i]; i++) {
        if (strcasecmp(deps[i], name) == 0)
            return 1;
        struct scm_service *d = scm_db_find(deps[i]);
        if (d && reaches(name, d->cfg->depend_on_service, d->cfg->depend_on_group, depth + 1))
            return 1;
    }
    for (size_t i = 0; groups && groups[i]; i++) {
        for (struct scm_service *m = g_scm.services; m; m = m->next) {
            if (!in_group(m, groups[i]))
                continue;
            if (strcasecmp(m->name, name) == 0)
                return 1;
            if (reaches(name, m->cfg->depend_on_service, m->cfg->depend_on_group, depth + 1))
                return 1;
        }
    }
    return 0;
}

int scm_dependency_cycle(const char *name, char *const *deps, char *const *groups)
{
    return reaches(name, deps, groups, 0);
}

size_t scm_dependents(const struct scm_service *s, struct scm_service ***out)
{
    size_t n = 0;
    struct scm_service **v = NULL;

    for (struct scm_service *o = g_scm.services; o; o = o->next) {
        int dep = 0;
        for (size_t i = 0; o->cfg->depend_on_service && o->cfg->depend_on_service[i]; i++)
            if (strcasecmp(o->cfg->depend_on_service[i], s->name) == 0)
                dep = 1;
        for (size_t i = 0; s->cfg->load_order_group && o->cfg->depend_on_group &&
                           o->cfg->depend_on_group[i]; i++)
            if (strcasecmp(o->cfg->depend_on_group[i], s->cfg->load_order_group) == 0)
                dep = 1;
        if (!dep)
            continue;
        struct scm_service **grown = realloc(v, (n + 1) * sizeof *v);
        if (grown == NULL)
            break;
        v = grown;
        v[n++] = o;
    }
    *out = v;
    return n;
}

int scm_has_active_dependents(const struct scm_service *s)
{
    struct scm_service **v;
    size_t n = scm_dependents(s, &v);
    int active = 0;

    for (size_t i = 0; i < n; i++)
        if (scm_is_active(v[i]))
            active = 1;
    free(v);
    return active;
}

static void job_finish(struct scm_job *j, DWORD err)
{
    if (j->done)
        return;
    j->done = 1;
    j->target->job_pending = 0;
    scm_db_touch(j->target);
    if (j->waiter.client)
        scm_reply_error(&j->waiter, err);
    scm_waiter_release(&j->waiter);
}

static void dependency_failed(struct scm_job *j, const struct scm_service *d)
{
    DWORD why = d->status.dwWin32ExitCode ? d->status.dwWin32ExitCode : ERROR_SERVICE_DEPENDENCY_FAIL;
    scm_event(7001, j->target->name,
              "The %s service depends on the %s service which failed to start because of the following error: %s",
              j->target->name, d->name, svc_win32_message(why));
    job_finish(j, ERROR_SERVICE_DEPENDENCY_FAIL);
}

/* Starts d for job j unless something is already starting it.
 * Returns 0, or 1 if the job failed. */
static int want(struct scm_job *j, struct scm_service *d)
{
    if (is_up(d))
        return 0;
    if (d->status.dwCurrentState == SERVICE_STOPPED) {
        if (d->start_seq > j->seq) {
            dependency_failed(j, d);
            return 1;
        }
        if (!d->job_pending) {
            struct scm_waiter none = { 0 };
            DWORD err = scm_job_start(d, none, NULL);
            if (err != NO_ERROR) {
                dependency_failed(j, d);
                return 1;
            }
        }
    }
    return 0;
}

static void job_eval(struct scm_job *j)
{
    struct scm_service *t = j->target;
    int ready = 1;

    if (j->done)
        return;
    if (j->phase == 1) {
        if (t->started_in_host)
            job_finish(j, NO_ERROR);
        else if (t->status.dwCurrentState == SERVICE_STOPPED)
            job_finish(j, t->status.dwWin32ExitCode ? t->status.dwWin32ExitCode
                                                    : ERROR_SERVICE_REQUEST_TIMEOUT);
        return;
    }
    for (size_t i = 0; t->cfg->depend_on_service && t->cfg->depend_on_service[i]; i++) {
        struct scm_service *d = scm_db_find(t->cfg->depend_on_service[i]);
        if (d == NULL || d->marked_for_delete) {
            job_finish(j, ERROR_SERVICE_DEPENDENCY_DELETED);
            return;
        }
        if (!is_up(d))
            ready = 0;
        if (want(j, d))
            return;
    }
    for (size_t i = 0; t->cfg->depend_on_group && t->cfg->depend_on_group[i]; i++) {
        const char *g = t->cfg->depend_on_group[i];
        size_t members = 0, failed = 0, up = 0;
        for (struct scm_service *m = g_scm.services; m; m = m->next) {
            if (!in_group(m, g))
                continue;
            members++;
            if (is_up(m))
                up++;
            else if (m->status.dwCurrentState == SERVICE_STOPPED &&
                     (m->start_seq > j->seq || m->cfg->start == SERVICE_DISABLED))
                failed++;
        }
        if (members == 0) {
            job_finish(j, ERROR_SERVICE_DEPENDENCY_DELETED);
            return;
        }
        if (up > 0)
            continue;
        ready = 0;
        if (failed == members) {
            job_finish(j, ERROR_SERVICE_DEPENDENCY_FAIL);
            return;
        }
        for (struct scm_service *m = g_scm.services; m; m = m->next) {
            if (in_group(m, g) && m->cfg->start != SERVICE_DISABLED &&
                m->status.dwCurrentState == SERVICE_STOPPED && m->start_seq < j->seq &&
                !m->job_pending) {
                struct scm_waiter none = { 0 };
                scm_job_start(m, none, NULL);
            }
        }
    }
    if (!ready)
        return;
    if (t->status.dwCurrentState != SERVICE_STOPPED) {
        job_finish(j, ERROR_SERVICE_ALREADY_RUNNING);
        return;
    }
    j->phase = 1;
    struct scm_event_data d = { .args = j->args };
    scm_state_event(t, EV_START, &d);
    job_eval(j);
}

static void job_free(struct scm_job *j)
{
    svc_strv_free(j->args);
    free(j);
}

static void jobs_sweep(void)
{
    for (struct scm_job **pp = &g_scm.jobs; *pp;) {
        struct scm_job *j = *pp;
        if (j->done) {
            *pp = j->next;
            job_free(j);
        } else {
            pp = &j->next;
        }
    }
}

/* Checks that s can start at all: NO_ERROR or the error to answer. */
static DWORD startable(const struct scm_service *s)
{
    if (s->marked_for_delete)
        return ERROR_SERVICE_MARKED_FOR_DELETE;
    if (s->cfg->start == SERVICE_DISABLED)
        return ERROR_SERVICE_DISABLED;
    if (scm_is_active(s) || s->job_pending)
        return ERROR_SERVICE_ALREADY_RUNNING;
    if (g_scm.shutting_down)
        return ERROR_SHUTDOWN_IN_PROGRESS;
    if (scm_dependency_cycle(s->name, s->cfg->depend_on_service, s->cfg->depend_on_group))
        return ERROR_CIRCULAR_DEPENDENCY;
    return NO_ERROR;
}

DWORD scm_job_start(struct scm_service *s, struct scm_waiter w, char **args)
{
    struct scm_job *j;
    DWORD err = startable(s);

    if (err == NO_ERROR && (j = calloc(1, sizeof *j)) == NULL)
        err = ERROR_NOT_ENOUGH_MEMORY;
    if (err != NO_ERROR) {
        svc_strv_free(args);
        return err;
    }
    j->target = s;
    j->waiter = w;
    if (w.client)
        w.client->refs++;
    j->args = args;
    j->seq = ++g_scm.seq;
    s->job_pending = 1;
    j->next = g_scm.jobs;
    g_scm.jobs = j;
    job_eval(j);
    return NO_ERROR;
}

void scm_jobs_update(void)
{
    static int running;

    /* Jobs started while evaluating are evaluated when created; a nested
     * update would only walk the same list again. */
    if (running)
        return;
    running = 1;
    for (struct scm_job *j = g_scm.jobs; j; j = j->next)
        job_eval(j);
    jobs_sweep();
    running = 0;
}

void scm_autostart(void)
{
    for (struct scm_service *s = g_scm.services; s; s = s->next) {
        if (s->cfg->start != SERVICE_AUTO_START || scm_is_active(s) || s->job_pending)
            continue;
        struct scm_waiter none = { 0 };
        DWORD err = scm_job_start(s, none, NULL);
        if (err != NO_ERROR && err != ERROR_SERVICE_ALREADY_RUNNING)
            scm_event(7000, s->name, "The %s service failed to start due to the following error: %s",
                      s->name, svc_win32_message(err));
    }
}

/*
 * Shutdown: stop every service whose dependents have all stopped, and
 * wait; services still starting are stopped once they run.  Called after
 * every loop iteration while shutting down.
 */
void scm_shutdown_step(void)
{
    for (struct scm_service *s = g_scm.services; s; s = s->next) {
        if (!is_up(s) || s->control_host_id != 0 || scm_has_active_dependents(s))
            continue;
        if (!(s->status.dwControlsAccepted & SERVICE_ACCEPT_STOP)) {
            /* It cannot be asked; its host is killed once nothing else
             * lives in it. */
            if (s->host && scm_host_active_services(s->host) == 1)
                scm_host_kill(s->host);
            continue;
        }
        scm_host_control(s, SERVICE_CONTROL_STOP);
    }
}
