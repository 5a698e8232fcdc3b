/*
 * state.c - the service state machine, as data (see state.h): a table of
 * the service's current state x event -> action function, then the
 * actions, each named for where it takes the service.
 */
#include "state.h"
#include "effects.h"
#include "win32.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

typedef void action_fn(struct scm *scm, struct scm_service *s, const struct scm_event_data *d);

static action_fn enter_start_pending, record_status, enter_crashed, start_timed_out,
    stop_timed_out, stop_hung, enter_start_failed;

/* The wait hint of a service the SCM has just started. */
#define SCM_START_WAIT_HINT_MS 2000

#define NONE NULL
static action_fn *const actions[SERVICE_PAUSED + 1][EV_COUNT] = {
    /*                           EV_START             EV_STATUS      EV_HOST_EXIT   EV_TIMEOUT       EV_START_FAILED     EV_STOP_HUNG */
    [SERVICE_STOPPED]          = { enter_start_pending, record_status, NONE,          NONE,            NONE,               NONE },
    [SERVICE_START_PENDING]    = { NONE,                record_status, enter_crashed, start_timed_out, enter_start_failed, NONE },
    [SERVICE_STOP_PENDING]     = { NONE,                record_status, enter_crashed, stop_timed_out,  NONE,               stop_hung },
    [SERVICE_RUNNING]          = { NONE,                record_status, enter_crashed, NONE,            NONE,               stop_hung },
    [SERVICE_CONTINUE_PENDING] = { NONE,                record_status, enter_crashed, NONE,            NONE,               stop_hung },
    [SERVICE_PAUSE_PENDING]    = { NONE,                record_status, enter_crashed, NONE,            NONE,               stop_hung },
    [SERVICE_PAUSED]           = { NONE,                record_status, enter_crashed, NONE,            NONE,               stop_hung },
};
#undef NONE
_Static_assert(EV_COUNT == 6, "the action table has one column per event");
_Static_assert(sizeof actions[0] / sizeof actions[0][0] == EV_COUNT, "one column per event");

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

static const char *const event_names[] = {
    [EV_START] = "EV_START",
    [EV_STATUS] = "EV_STATUS",
    [EV_HOST_EXIT] = "EV_HOST_EXIT",
    [EV_TIMEOUT] = "EV_TIMEOUT",
    [EV_START_FAILED] = "EV_START_FAILED",
    [EV_STOP_HUNG] = "EV_STOP_HUNG",
};
_Static_assert(sizeof event_names / sizeof event_names[0] == EV_COUNT, "event_names covers every event");

const char *scm_state_word(DWORD state)
{
    return state >= SERVICE_STOPPED && state <= SERVICE_PAUSED ? state_words[state] : NULL;
}

const char *scm_event_name(enum scm_event ev)
{
    return (unsigned)ev < EV_COUNT ? event_names[ev] : NULL;
}

static void event(struct scm *scm, unsigned id, const struct scm_service *s, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void event(struct scm *scm, unsigned id, const struct scm_service *s, const char *fmt, ...)
{
    char text[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    scm->fx->event(scm, id, s->name, text);
}

/* The one writer of a service's status; logs 7036 when it settles in a
 * new state.  quiet: no event (a new service). */
static void set_status(struct scm *scm, struct scm_service *s, const SERVICE_STATUS *st, int quiet)
{
    DWORD old = s->status.dwCurrentState, old_exit = s->status.dwWin32ExitCode;

    s->status.dwServiceType = st->dwServiceType ? st->dwServiceType : s->cfg->type;
    s->status.dwCurrentState = st->dwCurrentState;
    s->status.dwControlsAccepted = st->dwControlsAccepted;
    s->status.dwWin32ExitCode = st->dwWin32ExitCode;
    s->status.dwServiceSpecificExitCode = st->dwServiceSpecificExitCode;
    s->status.dwCheckPoint = st->dwCheckPoint;
    s->status.dwWaitHint = st->dwWaitHint;
    s->status.dwProcessId = st->dwCurrentState == SERVICE_STOPPED ? 0 : scm->fx->host_pid(scm, s);
    s->status.dwServiceFlags = 0;
    if (scm->fx->recorded && (old != st->dwCurrentState || old_exit != st->dwWin32ExitCode))
        scm->fx->recorded(scm, s);
    if (scm->fx->published)
        scm->fx->published(scm, s);
    /* As Windows, 7036 marks the settled states only. */
    if (!quiet && old != st->dwCurrentState &&
        (st->dwCurrentState == SERVICE_RUNNING || st->dwCurrentState == SERVICE_STOPPED ||
         st->dwCurrentState == SERVICE_PAUSED))
        event(scm, 7036, s, "The %s service entered the %s state.", scm_service_display(s),
              state_words[st->dwCurrentState]);
}

static void set_state(struct scm *scm, struct scm_service *s, DWORD state, DWORD err)
{
    SERVICE_STATUS st = { 0 };
    st.dwServiceType = s->cfg->type;
    st.dwCurrentState = state;
    st.dwWin32ExitCode = err;
    set_status(scm, s, &st, 0);
}

/* Win32 (System Error Codes): a service no one has tried to start since
 * the SCM began shows ERROR_SERVICE_NEVER_STARTED (1077) as its exit code. */
void scm_state_init(struct scm *scm, struct scm_service *s)
{
    SERVICE_STATUS st = { .dwServiceType = s->cfg->type,
                          .dwCurrentState = SERVICE_STOPPED,
                          .dwWin32ExitCode = ERROR_SERVICE_NEVER_STARTED };
    set_status(scm, s, &st, 1);
}

int scm_state_is_initial(const struct scm_service *s)
{
    const SERVICE_STATUS_PROCESS *st = &s->status;

    return st->dwCurrentState == SERVICE_STOPPED && st->dwServiceType == s->cfg->type &&
           st->dwWin32ExitCode == ERROR_SERVICE_NEVER_STARTED && st->dwControlsAccepted == 0 &&
           st->dwServiceSpecificExitCode == 0 && st->dwCheckPoint == 0 && st->dwWaitHint == 0 &&
           s->crashes == 0;
}

void scm_state_restore(struct scm *scm, struct scm_service *s, const SERVICE_STATUS_PROCESS *st)
{
    SERVICE_STATUS copy;

    memcpy(&copy, st, sizeof copy);   /* SERVICE_STATUS is its prefix */
    set_status(scm, s, &copy, 1);
    s->last_checkpoint = st->dwCheckPoint;
}

void scm_state_config_changed(struct scm *scm, struct scm_service *s)
{
    if (s->status.dwCurrentState == SERVICE_STOPPED) {
        SERVICE_STATUS st;
        memcpy(&st, &s->status, sizeof st);   /* SERVICE_STATUS is its prefix */
        st.dwServiceType = s->cfg->type;
        set_status(scm, s, &st, 1);
    }
}

static void log_start_failed(struct scm *scm, const struct scm_service *s, DWORD err)
{
    event(scm, 7000, s, "The %s service failed to start due to the following error: %s",
          scm_service_display(s), svc_win32_message(err));
}

/* 7024's %2: Windows inserts the code as a message reference, which the
 * event viewer shows as the system's text when there is one. */
static void log_specific_error(struct scm *scm, const struct scm_service *s)
{
    DWORD code = s->status.dwServiceSpecificExitCode;

    if (svc_win32_name(code) != NULL)
        event(scm, 7024, s, "The %s service terminated with the following service-specific error: %s",
              scm_service_display(s), svc_win32_message(code));
    else
        event(scm, 7024, s, "The %s service terminated with the following service-specific error: %u",
              scm_service_display(s), (unsigned)code);
}

/*
 * A service that reported STOPPED with a non-zero exit code.  Before it
 * ever reported RUNNING the start failed: 7000 with the error (a plugin
 * the host cannot load reports 126 or 127 so, before its code runs;
 * Windows would log 7023 for a ServiceMain that gives up, but a start
 * that failed is 7000 here, whoever reports it).  After, it terminated:
 * 7023 with the error, or 7024 with the service's own code for
 * ERROR_SERVICE_SPECIFIC_ERROR, which a failed start logs after its 7000
 * too, since 7000 cannot carry the code.
 */
static void log_stopped_with_error(struct scm *scm, const struct scm_service *s, DWORD old)
{
    DWORD err = s->status.dwWin32ExitCode;

    if (old == SERVICE_START_PENDING)
        log_start_failed(scm, s, err);
    else if (err != ERROR_SERVICE_SPECIFIC_ERROR)
        event(scm, 7023, s, "The %s service terminated with the following error: %s",
              scm_service_display(s), svc_win32_message(err));
    if (err == ERROR_SERVICE_SPECIFIC_ERROR)
        log_specific_error(scm, s);
}

void scm_state_start_refused(struct scm *scm, struct scm_service *s, DWORD err)
{
    log_start_failed(scm, s, err);
}

void scm_state_dependency_failed(struct scm *scm, struct scm_service *s,
                                 const struct scm_service *d, DWORD why)
{
    event(scm, 7001, s,
          "The %s service depends on the %s service which failed to start because of the following error: %s",
          scm_service_display(s), scm_service_display(d), svc_win32_message(why));
}

static unsigned start_budget(const struct scm *scm, const struct scm_service *s)
{
    return s->cfg->wait_hint_ms ? s->cfg->wait_hint_ms : scm->set.start_timeout_ms;
}

/* Everything that follows a service reaching STOPPED, however it got there. */
static void after_stop(struct scm *scm, struct scm_service *s)
{
    scm->fx->disarm(scm, s);
    scm->fx->leave_host(scm, s);
    scm->fx->changed(scm, s);
}

static void enter_start_pending(struct scm *scm, struct scm_service *s, const struct scm_event_data *d)
{
    DWORD err;

    s->start_seq = ++scm->seq;
    s->last_checkpoint = 0;
    scm->fx->arm(scm, s, start_budget(scm, s));
    /* Handed over first, so that the status shows the host's pid. */
    err = scm->fx->start_in_host(scm, s, d ? d->args : NULL);
    /* As the Windows SCM shows a service it has just started (StartService,
     * "Service Startup"): START_PENDING, checkpoint 0, a 2,000 ms wait hint,
     * until the service's first SetServiceStatus replaces it. */
    set_status(scm, s,
               &(SERVICE_STATUS){ .dwServiceType = s->cfg->type,
                                  .dwCurrentState = SERVICE_START_PENDING,
                                  .dwWaitHint = SCM_START_WAIT_HINT_MS },
               0);
    if (err != NO_ERROR)
        scm_state_event(scm, s, EV_START_FAILED, &(struct scm_event_data){ .error = err });
}

static void record_status(struct scm *scm, struct scm_service *s, const struct scm_event_data *d)
{
    const SERVICE_STATUS *st = d->status;
    DWORD old = s->status.dwCurrentState;

    set_status(scm, s, st, 0);
    switch (st->dwCurrentState) {
    case SERVICE_STOPPED:
        /* SERVICE_FAILURE_ACTIONS_FLAG: a stop with an error may count as
         * a failure; recovery reads the flag.  A repeated STOPPED is not a
         * second stop. */
        if (old != SERVICE_STOPPED && st->dwWin32ExitCode != NO_ERROR) {
            log_stopped_with_error(scm, s, old);
            scm->fx->failed(scm, s, 0);
        }
        after_stop(scm, s);
        return;
    case SERVICE_START_PENDING:
        /* Win32: a starting service must advance its checkpoint within its
         * wait hint, or it is considered hung. */
        if (old != SERVICE_START_PENDING || st->dwCheckPoint != s->last_checkpoint)
            scm->fx->arm(scm, s, st->dwWaitHint ? st->dwWaitHint + 1000 : start_budget(scm, s));
        break;
    case SERVICE_STOP_PENDING:
        if (old != SERVICE_STOP_PENDING || st->dwCheckPoint != s->last_checkpoint)
            scm->fx->arm(scm, s, st->dwWaitHint > scm->set.stop_timeout_ms ? st->dwWaitHint
                                                                             : scm->set.stop_timeout_ms);
        break;
    default:
        scm->fx->disarm(scm, s);
        break;
    }
    s->last_checkpoint = st->dwCheckPoint;
    if (old != st->dwCurrentState)
        scm->fx->changed(scm, s);
}

static void enter_crashed(struct scm *scm, struct scm_service *s, const struct scm_event_data *d)
{
    (void)d;
    set_state(scm, s, SERVICE_STOPPED, ERROR_PROCESS_ABORTED);
    /* Win32: a service is considered failed when it terminates without
     * reporting SERVICE_STOPPED (SERVICE_FAILURE_ACTIONS). */
    s->crashes++;
    scm->fx->failed(scm, s, 1);
    after_stop(scm, s);
}

/* A service that stopped making progress: its host goes if nothing else
 * lives in it, else the service alone is written off. */
static void give_up(struct scm *scm, struct scm_service *s)
{
    set_state(scm, s, SERVICE_STOPPED, ERROR_SERVICE_REQUEST_TIMEOUT);
    scm->fx->kill_host_if_alone(scm, s);
    after_stop(scm, s);
}

static void start_timed_out(struct scm *scm, struct scm_service *s, const struct scm_event_data *d)
{
    (void)d;
    if (!scm->fx->host_connected(scm, s))
        event(scm, 7009, s,
              "A timeout was reached (%u milliseconds) while waiting for the %s service to connect.",
              start_budget(scm, s), scm_service_display(s));
    log_start_failed(scm, s, ERROR_SERVICE_REQUEST_TIMEOUT);
    give_up(scm, s);
}

/* STOP_PENDING without progress within the deadline record_status armed. */
static void stop_timed_out(struct scm *scm, struct scm_service *s, const struct scm_event_data *d)
{
    unsigned ms = s->status.dwWaitHint > scm->set.stop_timeout_ms ? s->status.dwWaitHint
                                                                    : scm->set.stop_timeout_ms;
    (void)d;
    event(scm, 7011, s,
          "A timeout (%u milliseconds) was reached while waiting for a transaction response from the %s service.",
          ms, scm_service_display(s));
    give_up(scm, s);
}

/* A STOP (or shutdown control) whose handler did not return: written off
 * as a stop timeout, its 7011 logged by the control's own timer. */
static void stop_hung(struct scm *scm, struct scm_service *s, const struct scm_event_data *d)
{
    (void)d;
    give_up(scm, s);
}

static void enter_start_failed(struct scm *scm, struct scm_service *s, const struct scm_event_data *d)
{
    set_state(scm, s, SERVICE_STOPPED, d->error);
    log_start_failed(scm, s, d->error);
    after_stop(scm, s);
}

void scm_state_event(struct scm *scm, struct scm_service *s, enum scm_event ev,
                     const struct scm_event_data *d)
{
    DWORD state = s->status.dwCurrentState;
    action_fn *act;

    if (state < SERVICE_STOPPED || state > SERVICE_PAUSED || (unsigned)ev >= EV_COUNT)
        return;
    act = actions[state][ev];
    if (act != NULL)
        act(scm, s, d);
}
