/*
 * state.c - the service state machine, as data: a table of the service's
 * current state x event -> action, then one function per action.  States
 * are Win32's (SERVICE_STOPPED ... SERVICE_PAUSED), as the service
 * reports them; events come from clients (start), the host (status), the
 * process (exit) and timers.
 */
#include "scm.h"
#include "log.h"
#include "win32.h"

#include <signal.h>
#include <string.h>

enum action {
    A_NONE,
    A_START,          /* STOPPED -> START_PENDING; hand to a host */
    A_STATUS,         /* record what the service reported */
    A_CRASHED,        /* the host died under a live service: 1067 */
    A_START_TIMEOUT,  /* no progress while starting: 1053 */
    A_STOP_TIMEOUT,   /* no progress while stopping: 1053 */
    A_START_FAILED,   /* the host could not start it */
};

static const unsigned char actions[SERVICE_PAUSED + 1][EV_COUNT] = {
    /*                           EV_START EV_STATUS EV_HOST_EXIT EV_TIMEOUT      EV_START_FAILED EV_STOP_HUNG */
    [SERVICE_STOPPED]          = { A_START, A_STATUS, A_NONE,    A_NONE,          A_NONE,         A_NONE },
    [SERVICE_START_PENDING]    = { A_NONE,  A_STATUS, A_CRASHED, A_START_TIMEOUT, A_START_FAILED, A_NONE },
    [SERVICE_STOP_PENDING]     = { A_NONE,  A_STATUS, A_CRASHED, A_STOP_TIMEOUT,  A_NONE,         A_STOP_TIMEOUT },
    [SERVICE_RUNNING]          = { A_NONE,  A_STATUS, A_CRASHED, A_NONE,          A_NONE,         A_STOP_TIMEOUT },
    [SERVICE_CONTINUE_PENDING] = { A_NONE,  A_STATUS, A_CRASHED, A_NONE,          A_NONE,         A_STOP_TIMEOUT },
    [SERVICE_PAUSE_PENDING]    = { A_NONE,  A_STATUS, A_CRASHED, A_NONE,          A_NONE,         A_STOP_TIMEOUT },
    [SERVICE_PAUSED]           = { A_NONE,  A_STATUS, A_CRASHED, A_NONE,          A_NONE,         A_STOP_TIMEOUT },
};
_Static_assert(EV_COUNT == 6, "the action table has one column per event");

static const char *const state_words[] = {
    [SERVICE_STOPPED] = "stopped",
    [SERVICE_START_PENDING] = "start pending",
    [SERVICE_STOP_PENDING] = "stop pending",
    [SERVICE_RUNNING] = "running",
    [SERVICE_CONTINUE_PENDING] = "continue pending",
    [SERVICE_PAUSE_PENDING] = "pause pending",
    [SERVICE_PAUSED] = "paused",
};
_Static_assert(sizeof state_words / sizeof state_words[0] == SERVICE_PAUSED + 1,
               "state_words covers every state");

int scm_is_active(const struct scm_service *s)
{
    return s->status.dwCurrentState != SERVICE_STOPPED;
}

static const char *display(const struct scm_service *s)
{
    return s->cfg->display_name ? s->cfg->display_name : s->name;
}

void scm_set_status(struct scm_service *s, const SERVICE_STATUS *st)
{
    DWORD old = s->status.dwCurrentState;

    s->status.dwServiceType = st->dwServiceType ? st->dwServiceType : s->cfg->type;
    s->status.dwCurrentState = st->dwCurrentState;
    s->status.dwControlsAccepted = st->dwControlsAccepted;
    s->status.dwWin32ExitCode = st->dwWin32ExitCode;
    s->status.dwServiceSpecificExitCode = st->dwServiceSpecificExitCode;
    s->status.dwCheckPoint = st->dwCheckPoint;
    s->status.dwWaitHint = st->dwWaitHint;
    s->status.dwProcessId = st->dwCurrentState == SERVICE_STOPPED || s->host == NULL ? 0 : (DWORD)s->host->pid;
    s->status.dwServiceFlags = 0;
    /* As Windows, 7036 marks the settled states only. */
    if (old != st->dwCurrentState && (st->dwCurrentState == SERVICE_RUNNING ||
                                      st->dwCurrentState == SERVICE_STOPPED ||
                                      st->dwCurrentState == SERVICE_PAUSED))
        scm_event(7036, s->name, "The %s service entered the %s state.", display(s),
                  state_words[st->dwCurrentState]);
}

static void on_timer(uv_timer_t *t)
{
    struct scm_service *s = t->data;
    s->timer_armed = 0;
    scm_state_event(s, EV_TIMEOUT, NULL);
}

static void arm(struct scm_service *s, unsigned ms)
{
    uv_timer_start(&s->timer, on_timer, ms, 0);
    s->timer_armed = 1;
}

static void disarm(struct scm_service *s)
{
    if (s->timer_armed)
        uv_timer_stop(&s->timer);
    s->timer_armed = 0;
}

static unsigned start_budget(const struct scm_service *s)
{
    return s->cfg->wait_hint_ms ? s->cfg->wait_hint_ms : g_scm.start_timeout_ms;
}

/* Everything that follows a service reaching STOPPED, however it got there. */
static void after_stop(struct scm_service *s)
{
    struct scm_host *h = s->host;

    disarm(s);
    s->host = NULL;
    s->started_in_host = 0;
    s->status.dwProcessId = 0;
    if (h != NULL)
        scm_host_release_if_idle(h);
    scm_db_touch(s);
    scm_jobs_update();
    /* A service marked for deletion goes in scm_db_sweep, after this
     * event has been handled: callers still hold s. */
}

static void stop_with(struct scm_service *s, DWORD err)
{
    SERVICE_STATUS st = { 0 };
    st.dwServiceType = s->cfg->type;
    st.dwCurrentState = SERVICE_STOPPED;
    st.dwWin32ExitCode = err;
    scm_set_status(s, &st);
}

static void do_start(struct scm_service *s, char *const *args)
{
    SERVICE_STATUS st = { 0 };
    DWORD err;

    st.dwServiceType = s->cfg->type;
    st.dwCurrentState = SERVICE_START_PENDING;
    s->start_seq = ++g_scm.seq;
    s->last_checkpoint = 0;
    scm_set_status(s, &st);
    arm(s, start_budget(s));
    err = scm_host_start_service(s, args);
    if (err != NO_ERROR) {
        struct scm_event_data d = { .error = err };
        scm_state_event(s, EV_START_FAILED, &d);
    }
}

static void do_status(struct scm_service *s, const SERVICE_STATUS *st)
{
    DWORD old = s->status.dwCurrentState;

    scm_set_status(s, st);
    switch (st->dwCurrentState) {
    case SERVICE_STOPPED:
        after_stop(s);
        return;
    case SERVICE_START_PENDING:
        /* Win32: a starting service must advance its checkpoint within its
         * wait hint, or it is considered hung. */
        if (old != SERVICE_START_PENDING || st->dwCheckPoint != s->last_checkpoint)
            arm(s, st->dwWaitHint ? st->dwWaitHint + 1000 : start_budget(s));
        break;
    case SERVICE_STOP_PENDING:
        if (old != SERVICE_STOP_PENDING || st->dwCheckPoint != s->last_checkpoint)
            arm(s, st->dwWaitHint > g_scm.stop_timeout_ms ? st->dwWaitHint : g_scm.stop_timeout_ms);
        break;
    default:
        disarm(s);
        break;
    }
    s->last_checkpoint = st->dwCheckPoint;
    if (old != st->dwCurrentState)
        scm_jobs_update();
}

static void do_crashed(struct scm_service *s)
{
    stop_with(s, ERROR_PROCESS_ABORTED);
    s->crashes++;
    scm_event(7034, s->name, "The %s service terminated unexpectedly. It has done this %u time(s).",
              display(s), s->crashes);
    after_stop(s);
}

/* A service that stopped making progress: its host goes if nothing else
 * lives in it, else the service alone is written off. */
static void give_up(struct scm_service *s)
{
    struct scm_host *h = s->host;

    stop_with(s, ERROR_SERVICE_REQUEST_TIMEOUT);
    if (h != NULL) {
        size_t others = 0;
        for (struct scm_service *o = g_scm.services; o; o = o->next)
            if (o != s && o->host == h && scm_is_active(o))
                others++;
        if (others == 0)
            scm_host_kill(h);
    }
    after_stop(s);
}

static void do_start_timeout(struct scm_service *s)
{
    unsigned ms = start_budget(s);

    if (s->host == NULL || !s->host->connected)
        scm_event(7009, s->name, "A timeout was reached (%u milliseconds) while waiting for the %s service to connect.",
                  ms, display(s));
    scm_event(7000, s->name, "The %s service failed to start due to the following error: %s", display(s),
              svc_win32_message(ERROR_SERVICE_REQUEST_TIMEOUT));
    give_up(s);
}

static void do_stop_timeout(struct scm_service *s)
{
    scm_event(7011, s->name, "A timeout was reached while waiting for the %s service to stop.", display(s));
    give_up(s);
}

static void do_start_failed(struct scm_service *s, DWORD err)
{
    stop_with(s, err);
    scm_event(7000, s->name, "The %s service failed to start due to the following error: %s", display(s),
              svc_win32_message(err));
    after_stop(s);
}

void scm_state_event(struct scm_service *s, enum scm_event ev, const struct scm_event_data *d)
{
    DWORD state = s->status.dwCurrentState;

    if (state < SERVICE_STOPPED || state > SERVICE_PAUSED || ev >= EV_COUNT)
        return;
    switch ((enum action)actions[state][ev]) {
    case A_NONE: break;
    case A_START: do_start(s, d ? d->args : NULL); break;
    case A_STATUS: do_status(s, d->status); break;
    case A_CRASHED: do_crashed(s); break;
    case A_START_TIMEOUT: do_start_timeout(s); break;
    case A_STOP_TIMEOUT: do_stop_timeout(s); break;
    case A_START_FAILED: do_start_failed(s, d->error); break;
    }
}
