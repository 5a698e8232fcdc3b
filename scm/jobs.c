/*
 * jobs.c - start jobs (see jobs.h).
 *
 * Order: every start request takes a number from scm->seq; a dependency
 * whose last start is numbered after the job was started by it (or after
 * it), so its failure is the job's failure.
 */
#include "jobs.h"
#include "conn.h"
#include "deps.h"
#include "service_db.h"
#include "state.h"
#include "log.h"
#include "win32.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/*
 * Delayed auto-start (SERVICE_DELAYED_AUTO_START_INFO), as Windows does
 * it: the delayed services wait until every other auto-start service has
 * been started (its start job done and its START_PENDING over, however it
 * ended), then DelayedAutoStartDelayMs more, and then start one at a
 * time, in table order, each through a start job of its own (so their
 * dependencies start first).  One that something else started meanwhile
 * (StartService, or an auto-start service depending on it) is skipped.
 */
enum autostart_phase {
    AS_SETTLING,        /* the other auto-start services are starting */
    AS_DELAY,           /* the timer runs */
    AS_STARTING,        /* the delayed ones, one at a time */
    AS_DONE,
};

struct scm_autostart {
    uv_timer_t timer;               /* the delay (scm->loop; none without one) */
    int has_timer;
    enum autostart_phase phase;
    int busy;                       /* in advance(): starts re-enter it */
    char *current;                  /* the delayed service started last */
};

static void autostart_update(struct scm *scm);

/* A start in progress: the target and the dependencies it waits for. */
struct scm_job {
    struct scm_job *next;
    struct scm_service *target;
    struct scm_waiter waiter;
    char **args;                    /* StartService arguments for target */
    uint64_t seq;
    int phase;                      /* 0: waiting for dependencies; 1: started */
    int done;
};

static void job_finish(struct scm *scm, struct scm_job *j, DWORD err)
{
    if (j->done)
        return;
    j->done = 1;
    j->target->job_pending = 0;
    if (err != NO_ERROR && err != ERROR_SERVICE_ALREADY_RUNNING) {
        /* Jobs waiting on this service see that it failed after they
         * asked for it, even though it never left STOPPED. */
        j->target->job_failed_seq = ++scm->seq;
        j->target->job_failed_error = err;
    }
    scm_db_touch(scm, j->target);
    scm_reply_error(scm, &j->waiter, err);
    scm_waiter_release(scm, &j->waiter);
}

/* 1 if d failed to start after `seq` (a start it was asked for then
 * ended STOPPED, or its start job failed), with the reason in *why. */
static int failed_since(const struct scm_service *d, uint64_t seq, DWORD *why)
{
    if (d->status.dwCurrentState != SERVICE_STOPPED)
        return 0;
    /* A start that ran: the service's own exit code says why. */
    if (d->start_seq > seq) {
        *why = d->status.dwWin32ExitCode ? d->status.dwWin32ExitCode : ERROR_SERVICE_DEPENDENCY_FAIL;
        return 1;
    }
    if (d->job_failed_seq > seq) {
        *why = d->job_failed_error;
        return 1;
    }
    return 0;
}

static void dependency_failed(struct scm *scm, struct scm_job *j, const struct scm_service *d,
                              DWORD why)
{
    scm_state_dependency_failed(scm, j->target, d, why);
    job_finish(scm, j, ERROR_SERVICE_DEPENDENCY_FAIL);
}

/* Starts d for job j unless something is already starting it.
 * Returns 0, or 1 if the job failed. */
static int want(struct scm *scm, struct scm_job *j, struct scm_service *d)
{
    DWORD why;

    if (scm_service_up(d))
        return 0;
    if (failed_since(d, j->seq, &why)) {
        dependency_failed(scm, j, d, why);
        return 1;
    }
    if (d->status.dwCurrentState == SERVICE_STOPPED && !d->job_pending) {
        DWORD err = scm_job_start(scm, d, (struct scm_waiter){ 0 }, NULL);
        if (err != NO_ERROR) {
            dependency_failed(scm, j, d, err);
            return 1;
        }
    }
    return 0;
}

static void job_eval(struct scm *scm, struct scm_job *j)
{
    struct scm_service *t = j->target;
    int ready = 1;

    if (j->done)
        return;
    if (j->phase == 1) {
        if (t->started_in_host)
            job_finish(scm, j, NO_ERROR);
        else if (t->status.dwCurrentState == SERVICE_STOPPED)
            job_finish(scm, j, t->status.dwWin32ExitCode ? t->status.dwWin32ExitCode
                                                    : ERROR_SERVICE_REQUEST_TIMEOUT);
        return;
    }
    for (size_t i = 0; t->cfg->depend_on_service && t->cfg->depend_on_service[i]; i++) {
        struct scm_service *d = scm_service_find(scm, t->cfg->depend_on_service[i]);
        if (d == NULL || d->marked_for_delete) {
            job_finish(scm, j, ERROR_SERVICE_DEPENDENCY_DELETED);
            return;
        }
        if (!scm_service_up(d))
            ready = 0;
        if (want(scm, j, d))
            return;
    }
    for (size_t i = 0; t->cfg->depend_on_group && t->cfg->depend_on_group[i]; i++) {
        const char *g = t->cfg->depend_on_group[i];
        size_t members = 0, failed = 0, up = 0;
        for (struct scm_service *m = scm->services; m; m = m->next) {
            if (!scm_service_in_group(m, g))
                continue;
            members++;
            if (scm_service_up(m))
                up++;
            else if (failed_since(m, j->seq, &(DWORD){ 0 }) ||
                     (m->status.dwCurrentState == SERVICE_STOPPED && m->cfg->start == SERVICE_DISABLED))
                failed++;
        }
        if (members == 0) {
            job_finish(scm, j, ERROR_SERVICE_DEPENDENCY_DELETED);
            return;
        }
        if (up > 0)
            continue;
        ready = 0;
        for (struct scm_service *m = scm->services; m && failed < members; m = m->next) {
            if (scm_service_in_group(m, g) && m->cfg->start != SERVICE_DISABLED &&
                m->status.dwCurrentState == SERVICE_STOPPED && m->start_seq < j->seq &&
                m->job_failed_seq < j->seq && !m->job_pending &&
                scm_job_start(scm, m, (struct scm_waiter){ 0 }, NULL) != NO_ERROR)
                failed++;       /* it cannot start: one member fewer to wait for */
        }
        if (failed == members) {
            job_finish(scm, j, ERROR_SERVICE_DEPENDENCY_FAIL);
            return;
        }
    }
    if (!ready)
        return;
    if (t->status.dwCurrentState != SERVICE_STOPPED) {
        job_finish(scm, j, ERROR_SERVICE_ALREADY_RUNNING);
        return;
    }
    j->phase = 1;
    scm_state_event(scm, t, EV_START, &(struct scm_event_data){ .args = j->args });
    job_eval(scm, j);
}

static void job_free(struct scm_job *j)
{
    svc_strv_free(j->args);
    free(j);
}

static void jobs_sweep(struct scm *scm)
{
    for (struct scm_job **pp = &scm->jobs; *pp;) {
        struct scm_job *j = *pp;
        if (j->done) {
            *pp = j->next;
            job_free(j);
        } else {
            pp = &j->next;
        }
    }
}

/* A service with a Profiles list is enabled only while one of them is
 * the active profile; without one, in every profile and in none. */
static int profile_enabled(const struct scm *scm, const struct scm_service *s)
{
    char *const *list = s->cfg->profiles;

    if (list == NULL || list[0] == NULL)
        return 1;
    for (size_t i = 0; scm->set.profile != NULL && list[i] != NULL; i++)
        if (strcasecmp(list[i], scm->set.profile) == 0)
            return 1;
    return 0;
}

/* Checks that s can start at all: NO_ERROR or the error to answer.  A
 * service disabled in the active profile is SERVICE_DISABLED. */
static DWORD startable(const struct scm *scm, const struct scm_service *s)
{
    if (s->marked_for_delete)
        return ERROR_SERVICE_MARKED_FOR_DELETE;
    if (s->cfg->start == SERVICE_DISABLED || !profile_enabled(scm, s))
        return ERROR_SERVICE_DISABLED;
    if (scm_service_active(s) || s->job_pending)
        return ERROR_SERVICE_ALREADY_RUNNING;
    if (scm->shutting_down)
        return ERROR_SHUTDOWN_IN_PROGRESS;
    if (scm_deps_cycle(scm, s->name, s->cfg->depend_on_service, s->cfg->depend_on_group))
        return ERROR_CIRCULAR_DEPENDENCY;
    return NO_ERROR;
}

DWORD scm_job_start(struct scm *scm, struct scm_service *s, struct scm_waiter w, char **args)
{
    struct scm_job *j;
    DWORD err = startable(scm, s);

    if (err == NO_ERROR && (j = calloc(1, sizeof *j)) == NULL)
        err = ERROR_NOT_ENOUGH_MEMORY;
    if (err != NO_ERROR) {
        svc_strv_free(args);
        return err;
    }
    j->target = s;
    j->waiter = scm_waiter_hold(w);
    j->args = args;
    j->seq = ++scm->seq;
    s->job_pending = 1;
    j->next = scm->jobs;
    scm->jobs = j;
    scm->jobs_depth++;
    job_eval(scm, j);
    scm->jobs_depth--;
    /* A service that changed state meanwhile may move other jobs on; if
     * none did, only this job can have finished. */
    if (scm->jobs_depth == 0) {
        if (scm->jobs_dirty)
            scm_jobs_update(scm);
        else
            jobs_sweep(scm);
    }
    return NO_ERROR;
}

/* Evaluates every job until no service changes meanwhile, then frees
 * the finished ones.  Jobs are freed only here, at the outermost level:
 * an evaluation can change a service, which asks for an update while
 * callers up the stack still hold their job. */
void scm_jobs_update(struct scm *scm)
{
    if (scm->jobs_depth > 0) {
        scm->jobs_dirty = 1;
        return;
    }
    scm->jobs_depth++;
    for (int pass = 0; pass < 1000; pass++) {
        scm->jobs_dirty = 0;
        for (struct scm_job *j = scm->jobs; j; j = j->next)
            job_eval(scm, j);
        if (!scm->jobs_dirty)
            break;
    }
    scm->jobs_depth--;
    jobs_sweep(scm);
    autostart_update(scm);
}

static int is_auto(const struct scm_service *s)
{
    return s->cfg->start == SERVICE_AUTO_START;
}

static int is_delayed(const struct scm_service *s)
{
    return is_auto(s) && s->cfg->delayed_autostart;
}

/* Its start is under way: a job waits for it or it is START_PENDING. */
static int starting(const struct scm_service *s)
{
    return s->job_pending || s->status.dwCurrentState == SERVICE_START_PENDING;
}

/* Starts s as autostart does: NO_ERROR if a job was queued.  A refusal
 * is logged (7000); one already running or starting is not, nor one
 * disabled in the active profile (skipped). */
static DWORD autostart_one(struct scm *scm, struct scm_service *s)
{
    DWORD err;

    if (scm_service_active(s) || s->job_pending)
        return ERROR_SERVICE_ALREADY_RUNNING;
    if (!profile_enabled(scm, s)) {
        log_info("%s: not started: disabled in %s", s->name,
                 scm->set.profile ? "this profile" : "no profile");
        return ERROR_SERVICE_DISABLED;
    }
    err = scm_job_start(scm, s, (struct scm_waiter){ 0 }, NULL);
    if (err != NO_ERROR && err != ERROR_SERVICE_ALREADY_RUNNING)
        scm_state_start_refused(scm, s, err);
    return err;
}

static void on_delay(uv_timer_t *t)
{
    scm_jobs_autostart_delayed(t->data);
}

/* The delayed service after name in table order (all of them: NULL). */
static struct scm_service *delayed_after(struct scm *scm, const char *name)
{
    for (struct scm_service *s = scm->services; s; s = s->next)
        if (is_delayed(s) && (name == NULL || strcasecmp(s->name, name) > 0))
            return s;
    return NULL;
}

static void advance(struct scm *scm)
{
    struct scm_autostart *as = scm->autostart;

    if (as->phase == AS_SETTLING) {
        for (const struct scm_service *s = scm->services; s; s = s->next)
            if (is_auto(s) && !is_delayed(s) && starting(s))
                return;
        as->phase = AS_DELAY;
        log_info("auto-start services started; the delayed ones start in %u ms",
                 scm->set.delayed_autostart_delay_ms);
        if (scm->loop != NULL) {
            uv_timer_init(scm->loop, &as->timer);
            as->has_timer = 1;
            as->timer.data = scm;
            uv_timer_start(&as->timer, on_delay, scm->set.delayed_autostart_delay_ms, 0);
        }
        return;
    }
    if (as->phase != AS_STARTING)
        return;
    if (as->current != NULL) {
        const struct scm_service *c = scm_service_find(scm, as->current);
        if (c != NULL && starting(c))
            return;     /* one at a time */
    }
    for (struct scm_service *s; (s = delayed_after(scm, as->current)) != NULL;) {
        char *name = strdup(s->name);
        if (name == NULL) {
            log_warnx("delayed auto-start: out of memory; %s and those after it not started", s->name);
            break;
        }
        free(as->current);
        as->current = name;
        if (autostart_one(scm, s) == NO_ERROR && starting(s))
            return;
    }
    as->phase = AS_DONE;
}

/* Moves the delayed auto-starts on after a change (jobs freed). */
static void autostart_update(struct scm *scm)
{
    struct scm_autostart *as = scm->autostart;

    if (as == NULL || as->busy || scm->shutting_down ||
        (as->phase != AS_SETTLING && as->phase != AS_STARTING))
        return;
    as->busy = 1;
    advance(scm);
    as->busy = 0;
}

void scm_jobs_autostart(struct scm *scm)
{
    int delayed = 0;

    for (struct scm_service *s = scm->services; s; s = s->next) {
        if (!is_auto(s))
            continue;
        if (is_delayed(s))
            delayed = 1;
        else
            autostart_one(scm, s);
    }
    if (!delayed || scm->autostart != NULL)
        return;
    scm->autostart = calloc(1, sizeof *scm->autostart);
    if (scm->autostart == NULL) {
        log_warnx("delayed auto-start: out of memory; starting the delayed services now");
        for (struct scm_service *s = scm->services; s; s = s->next)
            if (is_delayed(s))
                autostart_one(scm, s);
        return;
    }
    autostart_update(scm);
}

void scm_jobs_autostart_delayed(struct scm *scm)
{
    struct scm_autostart *as = scm->autostart;

    if (as == NULL || as->phase != AS_DELAY || scm->shutting_down)
        return;
    as->phase = AS_STARTING;
    autostart_update(scm);
}

static void free_autostart(uv_handle_t *h)
{
    free(h->data);
}

void scm_jobs_free(struct scm *scm)
{
    struct scm_autostart *as = scm->autostart;

    for (struct scm_job *j = scm->jobs; j; j = j->next)
        job_finish(scm, j, ERROR_SHUTDOWN_IN_PROGRESS);
    jobs_sweep(scm);
    if (as == NULL)
        return;
    scm->autostart = NULL;
    free(as->current);
    as->current = NULL;
    if (as->has_timer) {
        /* Freed once the loop has closed the timer. */
        as->timer.data = as;
        uv_close((uv_handle_t *)&as->timer, free_autostart);
    } else {
        free(as);
    }
}

