/*
 * test_state.c - the service state machine (scm/state.c) through fake
 * effects: every (state, event) cell of its table, the status each
 * leaves, the effects it calls and the events it logs; the deadline
 * rules of status reports; the name tables.
 */
#include "fake.h"
#include "../testutil.h"

#include <stdint.h>

static struct scm scm;
static struct fake fk;

static void setup(void)
{
    fake_scm_init(&scm, &fk);
}

static void teardown(void)
{
    fake_scm_free(&scm);
}

/* ---- getting a service into a state by events ------------------------- */

static void report(struct scm_service *s, DWORD state, DWORD checkpoint, DWORD wait_hint)
{
    fake_report(&scm, s, state, checkpoint, wait_hint);
}

static void ev(struct scm_service *s, enum scm_event e)
{
    scm_state_event(&scm, s, e, &(struct scm_event_data){ 0 });
}

/* Takes the stopped s to `state` by the events a host would send. */
static void reach(struct scm_service *s, DWORD state)
{
    ck_assert_uint_eq(s->status.dwCurrentState, SERVICE_STOPPED);
    switch (state) {
    case SERVICE_STOPPED:
        break;
    case SERVICE_START_PENDING:
        ev(s, EV_START);
        break;
    case SERVICE_RUNNING:
        reach(s, SERVICE_START_PENDING);
        report(s, SERVICE_RUNNING, 0, 0);
        break;
    case SERVICE_STOP_PENDING:
        reach(s, SERVICE_RUNNING);
        report(s, SERVICE_STOP_PENDING, 1, 0);
        break;
    case SERVICE_PAUSE_PENDING:
        reach(s, SERVICE_RUNNING);
        report(s, SERVICE_PAUSE_PENDING, 1, 0);
        break;
    case SERVICE_PAUSED:
        reach(s, SERVICE_PAUSE_PENDING);
        report(s, SERVICE_PAUSED, 0, 0);
        break;
    case SERVICE_CONTINUE_PENDING:
        reach(s, SERVICE_PAUSED);
        report(s, SERVICE_CONTINUE_PENDING, 1, 0);
        break;
    default:
        ck_abort_msg("no such state %u", (unsigned)state);
    }
    ck_assert_uint_eq(s->status.dwCurrentState, state);
}

/* Everything a cell may change: the service's state fields, the
 * context's sequence and the effect log's length. */
struct snapshot {
    SERVICE_STATUS_PROCESS status;
    uint32_t last_checkpoint;
    uint64_t start_seq;
    unsigned crashes;
    uint32_t failures;
    int started_in_host;
    uint64_t seq;
    size_t log_n;
};

static struct snapshot snap(const struct scm_service *s)
{
    struct snapshot n;
    memset(&n, 0, sizeof n);
    n.status = s->status;
    n.last_checkpoint = s->last_checkpoint;
    n.start_seq = s->start_seq;
    n.crashes = s->crashes;
    n.failures = s->failures;
    n.started_in_host = s->started_in_host;
    n.seq = scm.seq;
    n.log_n = fk.n;
    return n;
}

static int snap_equal(const struct snapshot *a, const struct snapshot *b)
{
    return memcmp(&a->status, &b->status, sizeof a->status) == 0 &&
           a->last_checkpoint == b->last_checkpoint && a->start_seq == b->start_seq &&
           a->crashes == b->crashes && a->failures == b->failures && a->started_in_host == b->started_in_host &&
           a->seq == b->seq && a->log_n == b->log_n;
}

static char *line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A log line (kept until the test ends). */
static char *lines_kept[64];
static size_t n_kept;

static char *line(const char *fmt, ...)
{
    va_list ap;
    char *l = NULL;

    va_start(ap, fmt);
    ck_assert_int_ge(vasprintf(&l, fmt, ap), 0);
    va_end(ap);
    ck_assert_uint_lt(n_kept, sizeof lines_kept / sizeof lines_kept[0]);
    lines_kept[n_kept++] = l;
    return l;
}

static void free_lines(void)
{
    while (n_kept > 0)
        free(lines_kept[--n_kept]);
}

static const char *entered(const char *name, const char *word)
{
    return line("event 7036 %s: The %s display service entered the %s state.", name, name, word);
}

static const char *failed_7000(const char *name, DWORD err)
{
    return line("event 7000 %s: The %s display service failed to start due to the following error: %s",
                name, name, svc_win32_message(err));
}

/* ---- the table, cell by cell ------------------------------------------ */

/* What each cell does, written here from the design (not from state.c's
 * table), so a changed cell shows. */
enum outcome { NONE, START, RECORD, CRASH, START_TIMEOUT, STOP_TIMEOUT, STOP_HUNG, START_FAILED };

static const enum outcome expected[SERVICE_PAUSED + 1][EV_COUNT] = {
    /*                            START  STATUS  HOST_EXIT TIMEOUT        START_FAILED  STOP_HUNG */
    [SERVICE_STOPPED]          = { START, RECORD, NONE,  NONE,          NONE,         NONE },
    [SERVICE_START_PENDING]    = { NONE,  RECORD, CRASH, START_TIMEOUT, START_FAILED, NONE },
    [SERVICE_STOP_PENDING]     = { NONE,  RECORD, CRASH, STOP_TIMEOUT,  NONE,         STOP_HUNG },
    [SERVICE_RUNNING]          = { NONE,  RECORD, CRASH, NONE,          NONE,         STOP_HUNG },
    [SERVICE_CONTINUE_PENDING] = { NONE,  RECORD, CRASH, NONE,          NONE,         STOP_HUNG },
    [SERVICE_PAUSE_PENDING]    = { NONE,  RECORD, CRASH, NONE,          NONE,         STOP_HUNG },
    [SERVICE_PAUSED]           = { NONE,  RECORD, CRASH, NONE,          NONE,         STOP_HUNG },
};

/* The stopped status every write-off leaves. */
static void expect_stopped(const struct scm_service *s, DWORD err)
{
    ck_assert_uint_eq(s->status.dwCurrentState, SERVICE_STOPPED);
    ck_assert_uint_eq(s->status.dwWin32ExitCode, err);
    ck_assert_uint_eq(s->status.dwProcessId, 0);
    ck_assert_uint_eq(s->status.dwServiceType, SERVICE_WIN32_SHARE_PROCESS);
    ck_assert_uint_eq(s->status.dwControlsAccepted, 0);
    ck_assert_uint_eq(s->status.dwCheckPoint, 0);
    ck_assert_uint_eq(s->status.dwWaitHint, 0);
}

/* One loop iteration a cell: state = i / EV_COUNT, event = i % EV_COUNT. */
START_TEST(test_cell)
{
    DWORD state = (DWORD)(_i / EV_COUNT) + SERVICE_STOPPED;
    enum scm_event e = (enum scm_event)(_i % EV_COUNT);
    struct scm_service *s = fake_service(&scm, "Svc", NULL, NULL, NULL);
    SERVICE_STATUS st;
    struct scm_event_data d = { 0 };
    struct snapshot before, after;
    size_t mark;
    /* EV_STATUS reports RUNNING (PAUSED to a running service): a state
     * change from every state. */
    DWORD reported = state == SERVICE_RUNNING ? SERVICE_PAUSED : SERVICE_RUNNING;

    reach(s, state);
    fk.connected = 0;
    fk.pid = 777;            /* differs from reach's, so a pid rewritten shows */
    mark = fk.n;
    before = snap(s);

    st = fake_status(reported, 0, 0);
    switch (e) {
    case EV_STATUS:
        d.status = &st;
        break;
    case EV_START_FAILED:
        d.error = ERROR_FILE_NOT_FOUND;
        break;
    default:
        break;
    }
    scm_state_event(&scm, s, e, &d);
    after = snap(s);

    switch (expected[state][e]) {
    case NONE:
        ck_assert_msg(snap_equal(&before, &after), "%s in state %s changed something",
                      scm_event_name(e), scm_state_word(state));
        EXPECT_NO_LOG(&fk, mark);
        break;
    case START:
        EXPECT_LOG(&fk, mark, "arm Svc 30000", "start Svc");
        ck_assert_uint_eq(s->status.dwCurrentState, SERVICE_START_PENDING);
        ck_assert_uint_eq(s->status.dwWin32ExitCode, NO_ERROR);
        /* As Windows shows a service just started, until its first report. */
        ck_assert_uint_eq(s->status.dwWaitHint, 2000);
        ck_assert_uint_eq(s->status.dwCheckPoint, 0);
        ck_assert_uint_eq(s->status.dwControlsAccepted, 0);
        ck_assert_uint_eq(s->status.dwProcessId, 777);
        ck_assert_uint_eq(s->start_seq, before.seq + 1);
        ck_assert_uint_eq(scm.seq, before.seq + 1);
        break;
    case RECORD:
        EXPECT_LOG(&fk, mark, entered("Svc", scm_state_word(reported)), "disarm Svc", "changed Svc");
        ck_assert_uint_eq(s->status.dwCurrentState, reported);
        ck_assert_uint_eq(s->status.dwProcessId, 777);
        ck_assert_uint_eq(s->status.dwControlsAccepted,
                          SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_PAUSE_CONTINUE);
        break;
    case CRASH:
        /* The failure is recovery's to count and answer. */
        EXPECT_LOG(&fk, mark, entered("Svc", "stopped"), "failed Svc crash", "disarm Svc",
                   "leave Svc", "changed Svc");
        expect_stopped(s, ERROR_PROCESS_ABORTED);
        ck_assert_uint_eq(s->crashes, 1);
        break;
    case START_TIMEOUT:
        EXPECT_LOG(&fk, mark,
                   "event 7009 Svc: A timeout was reached (30000 milliseconds) while waiting for the Svc display service to connect.",
                   failed_7000("Svc", ERROR_SERVICE_REQUEST_TIMEOUT), entered("Svc", "stopped"),
                   "kill Svc", "disarm Svc", "leave Svc", "changed Svc");
        expect_stopped(s, ERROR_SERVICE_REQUEST_TIMEOUT);
        break;
    case STOP_TIMEOUT:
        /* Windows' 7011, with the deadline it waited: StopTimeoutMs here
         * (reach reported no wait hint). */
        EXPECT_LOG(&fk, mark,
                   "event 7011 Svc: A timeout (20000 milliseconds) was reached while waiting for a "
                   "transaction response from the Svc display service.",
                   entered("Svc", "stopped"), "kill Svc", "disarm Svc", "leave Svc", "changed Svc");
        expect_stopped(s, ERROR_SERVICE_REQUEST_TIMEOUT);
        break;
    case STOP_HUNG:
        /* The control's timer has logged 7011 (control.c): not twice. */
        EXPECT_LOG(&fk, mark, entered("Svc", "stopped"), "kill Svc", "disarm Svc", "leave Svc",
                   "changed Svc");
        expect_stopped(s, ERROR_SERVICE_REQUEST_TIMEOUT);
        break;
    case START_FAILED:
        EXPECT_LOG(&fk, mark, entered("Svc", "stopped"), failed_7000("Svc", ERROR_FILE_NOT_FOUND),
                   "disarm Svc", "leave Svc", "changed Svc");
        expect_stopped(s, ERROR_FILE_NOT_FOUND);
        break;
    }
    /* The comparison above can fail: every acting cell changes the snapshot. */
    if (expected[state][e] != NONE)
        ck_assert(!snap_equal(&before, &after));
    if (expected[state][e] != CRASH) {
        ck_assert_int_lt(fake_find(&fk, mark, "failed Svc crash"), 0);
        ck_assert_uint_eq(s->crashes, 0);
    }
    /* The state machine counts nothing itself. */
    ck_assert_uint_eq(s->failures, 0);
    free_lines();
}
END_TEST

/* A cell whose action is none still sees a real change coming: the
 * snapshot catches a status field, the sequence, the log. */
START_TEST(test_snapshot_sees_changes)
{
    struct scm_service *s = fake_service(&scm, "Svc", NULL, NULL, NULL);
    struct snapshot a = snap(s), b;

    b = a;
    ck_assert(snap_equal(&a, &b));
    b.status.dwWaitHint = 1;
    ck_assert(!snap_equal(&a, &b));
    b = a;
    b.seq++;
    ck_assert(!snap_equal(&a, &b));
    b = a;
    b.log_n++;
    ck_assert(!snap_equal(&a, &b));
    reach(s, SERVICE_RUNNING);
    b = snap(s);
    ck_assert(!snap_equal(&a, &b));
}
END_TEST

/* An event outside the table, or a state outside it, does nothing. */
START_TEST(test_out_of_table)
{
    struct scm_service *s = fake_service(&scm, "Svc", NULL, NULL, NULL);
    struct snapshot a, b;

    reach(s, SERVICE_RUNNING);
    a = snap(s);
    scm_state_event(&scm, s, EV_COUNT, NULL);
    scm_state_event(&scm, s, (enum scm_event)-1, NULL);
    b = snap(s);
    ck_assert(snap_equal(&a, &b));
}
END_TEST

/* ---- starting ---------------------------------------------------------- */

START_TEST(test_start_passes_args)
{
    struct scm_service *s = fake_service(&scm, "Svc", NULL, NULL, NULL);
    char *args[] = { "-v", "two", NULL };

    scm_state_event(&scm, s, EV_START, &(struct scm_event_data){ .args = args });
    EXPECT_LOG(&fk, 0, "arm Svc 30000", "start Svc -v two");
    /* No data at all is a start without arguments. */
    report(s, SERVICE_STOPPED, 0, 0);
    scm_state_event(&scm, s, EV_START, NULL);
    ck_assert_str_eq(fk.log[fk.n - 1], "start Svc");
    ck_assert_uint_eq(s->status.dwCurrentState, SERVICE_START_PENDING);
}
END_TEST

/* Never started: 1077.  Just started: START_PENDING with the SCM's own
 * 2,000 ms wait hint and no exit code, until the service's first report
 * replaces the hint with its own. */
START_TEST(test_start_shows_scm_wait_hint)
{
    struct scm_service *s = fake_service(&scm, "Svc", NULL, NULL, NULL);

    ck_assert_uint_eq(s->status.dwWin32ExitCode, ERROR_SERVICE_NEVER_STARTED);
    ev(s, EV_START);
    ck_assert_uint_eq(s->status.dwCurrentState, SERVICE_START_PENDING);
    ck_assert_uint_eq(s->status.dwWin32ExitCode, NO_ERROR);
    ck_assert_uint_eq(s->status.dwWaitHint, 2000);
    report(s, SERVICE_START_PENDING, 1, 500);
    ck_assert_uint_eq(s->status.dwWaitHint, 500);
    ck_assert_uint_eq(s->status.dwCheckPoint, 1);
    report(s, SERVICE_RUNNING, 0, 0);
    ck_assert_uint_eq(s->status.dwWaitHint, 0);
    /* Stopped after a run: the run's exit code, not 1077 again. */
    report(s, SERVICE_STOPPED, 0, 0);
    ck_assert_uint_eq(s->status.dwWin32ExitCode, NO_ERROR);
}
END_TEST

/* start_in_host refusing: EV_START_FAILED at once, with its error. */
START_TEST(test_start_fails_in_host)
{
    struct scm_service *s = fake_service(&scm, "Svc", NULL, NULL, NULL);

    fk.start_err = ERROR_FILE_NOT_FOUND;
    ev(s, EV_START);
    EXPECT_LOG(&fk, 0, "arm Svc 30000", "start Svc", entered("Svc", "stopped"),
               failed_7000("Svc", ERROR_FILE_NOT_FOUND), "disarm Svc", "leave Svc", "changed Svc");
    expect_stopped(s, ERROR_FILE_NOT_FOUND);
    /* The text is the system's, as Windows words it. */
    ck_assert_ptr_nonnull(strstr(fk.log[3], "The system cannot find the file specified."));
    free_lines();
}
END_TEST

/* The start budget is the service's own StartTimeoutMs when it has one,
 * and 7009 says so; each start numbers itself after the last. */
START_TEST(test_start_budget_and_seq)
{
    struct scm_service *a = fake_service(&scm, "A", NULL, NULL, NULL);
    struct scm_service *b = fake_service(&scm, "B", NULL, NULL, NULL);
    size_t mark;

    b->cfg->wait_hint_ms = 4000;
    ev(a, EV_START);
    ev(b, EV_START);
    ck_assert_uint_eq(a->start_seq, 1);
    ck_assert_uint_eq(b->start_seq, 2);
    EXPECT_LOG(&fk, 0, "arm A 30000", "start A", "arm B 4000", "start B");
    fk.connected = 0;
    mark = fk.n;
    ev(b, EV_TIMEOUT);
    ck_assert_str_eq(fk.log[mark], "event 7009 B: A timeout was reached (4000 milliseconds) while "
                                   "waiting for the B display service to connect.");
    /* A service whose host connected times out without 7009. */
    fk.connected = 1;
    mark = fk.n;
    ev(a, EV_TIMEOUT);
    EXPECT_LOG(&fk, mark, failed_7000("A", ERROR_SERVICE_REQUEST_TIMEOUT), entered("A", "stopped"),
               "kill A", "disarm A", "leave A", "changed A");
    ck_assert_ptr_nonnull(strstr(fk.log[mark], "did not respond to the start or control request"));
    expect_stopped(a, ERROR_SERVICE_REQUEST_TIMEOUT);
    /* A new start numbers after both. */
    ev(a, EV_START);
    ck_assert_uint_eq(a->start_seq, 3);
    free_lines();
}
END_TEST

/* ---- status reports ---------------------------------------------------- */

/* START_PENDING: re-armed with the wait hint + 1s only when the
 * checkpoint moves (or the state is new); without a hint, the budget. */
START_TEST(test_start_pending_checkpoints)
{
    struct scm_service *s = fake_service(&scm, "Svc", NULL, NULL, NULL);
    size_t mark;

    ev(s, EV_START);
    mark = fk.n;
    report(s, SERVICE_START_PENDING, 0, 5000);     /* checkpoint 0, as at start */
    EXPECT_NO_LOG(&fk, mark);
    report(s, SERVICE_START_PENDING, 1, 5000);
    EXPECT_LOG(&fk, mark, "arm Svc 6000");
    ck_assert_uint_eq(s->last_checkpoint, 1);
    ck_assert_uint_eq(s->status.dwCheckPoint, 1);
    ck_assert_uint_eq(s->status.dwWaitHint, 5000);
    mark = fk.n;
    report(s, SERVICE_START_PENDING, 1, 9000);     /* no progress: the deadline holds */
    EXPECT_NO_LOG(&fk, mark);
    ck_assert_uint_eq(s->status.dwWaitHint, 9000);
    report(s, SERVICE_START_PENDING, 2, 0);        /* no hint: the start budget */
    EXPECT_LOG(&fk, mark, "arm Svc 30000");
    mark = fk.n;
    report(s, SERVICE_START_PENDING, 7, 100);
    EXPECT_LOG(&fk, mark, "arm Svc 1100");
    ck_assert_uint_eq(s->status.dwProcessId, 4242);
    /* Running: the deadline goes, waiters look. */
    mark = fk.n;
    report(s, SERVICE_RUNNING, 0, 0);
    EXPECT_LOG(&fk, mark, entered("Svc", "running"), "disarm Svc", "changed Svc");
    ck_assert_uint_eq(s->last_checkpoint, 0);
    free_lines();
}
END_TEST

/* A new start forgets the last run's checkpoint. */
START_TEST(test_start_resets_checkpoint)
{
    struct scm_service *s = fake_service(&scm, "Svc", NULL, NULL, NULL);
    size_t mark;

    ev(s, EV_START);
    report(s, SERVICE_START_PENDING, 3, 1000);
    ck_assert_uint_eq(s->last_checkpoint, 3);
    report(s, SERVICE_STOPPED, 0, 0);
    ev(s, EV_START);
    ck_assert_uint_eq(s->last_checkpoint, 0);
    mark = fk.n;
    report(s, SERVICE_START_PENDING, 3, 1000);
    EXPECT_LOG(&fk, mark, "arm Svc 2000");
}
END_TEST

/* STOP_PENDING: armed with max(wait hint, StopTimeoutMs) on entry and
 * when the checkpoint moves. */
START_TEST(test_stop_pending_checkpoints)
{
    struct scm_service *s = fake_service(&scm, "Svc", NULL, NULL, NULL);
    size_t mark;

    reach(s, SERVICE_RUNNING);
    mark = fk.n;
    report(s, SERVICE_STOP_PENDING, 1, 5000);      /* hint below StopTimeoutMs (20000) */
    EXPECT_LOG(&fk, mark, "arm Svc 20000", "changed Svc");
    mark = fk.n;
    report(s, SERVICE_STOP_PENDING, 1, 50000);     /* no progress */
    EXPECT_NO_LOG(&fk, mark);
    report(s, SERVICE_STOP_PENDING, 2, 50000);     /* hint above */
    EXPECT_LOG(&fk, mark, "arm Svc 50000");
    mark = fk.n;
    report(s, SERVICE_STOP_PENDING, 3, 20000);
    EXPECT_LOG(&fk, mark, "arm Svc 20000");
    /* Stopped by the service: its own exit code, pid gone, host left. */
    mark = fk.n;
    {
        SERVICE_STATUS st = fake_status(SERVICE_STOPPED, 0, 0);
        st.dwWin32ExitCode = ERROR_SERVICE_SPECIFIC_ERROR;
        st.dwServiceSpecificExitCode = 42;
        scm_state_event(&scm, s, EV_STATUS, &(struct scm_event_data){ .status = &st });
    }
    EXPECT_LOG(&fk, mark, entered("Svc", "stopped"),
               "event 7024 Svc: The Svc display service terminated with the following "
               "service-specific error: 42",
               "failed Svc exit", "disarm Svc", "leave Svc", "changed Svc");
    ck_assert_uint_eq(s->status.dwWin32ExitCode, ERROR_SERVICE_SPECIFIC_ERROR);
    ck_assert_uint_eq(s->status.dwServiceSpecificExitCode, 42);
    ck_assert_uint_eq(s->status.dwProcessId, 0);
    free_lines();
}
END_TEST

/* A report of the same settled state logs nothing and tells no waiter;
 * 7036 marks RUNNING, PAUSED and STOPPED only. */
START_TEST(test_7036_settled_states_only)
{
    struct scm_service *s = fake_service(&scm, "Svc", NULL, NULL, NULL);
    size_t mark;

    reach(s, SERVICE_RUNNING);
    mark = fk.n;
    report(s, SERVICE_RUNNING, 0, 0);
    EXPECT_LOG(&fk, mark, "disarm Svc");
    mark = fk.n;
    report(s, SERVICE_PAUSE_PENDING, 1, 0);
    EXPECT_LOG(&fk, mark, "disarm Svc", "changed Svc");
    mark = fk.n;
    report(s, SERVICE_PAUSED, 0, 0);
    EXPECT_LOG(&fk, mark, entered("Svc", "paused"), "disarm Svc", "changed Svc");
    mark = fk.n;
    report(s, SERVICE_CONTINUE_PENDING, 1, 0);
    EXPECT_LOG(&fk, mark, "disarm Svc", "changed Svc");
    mark = fk.n;
    report(s, SERVICE_RUNNING, 0, 0);
    EXPECT_LOG(&fk, mark, entered("Svc", "running"), "disarm Svc", "changed Svc");
    ck_assert_uint_eq(fake_count(&fk, 0, "event 7036"), 3);
    free_lines();
}
END_TEST

/* The status copies the report, but the type (when the host leaves it
 * 0), the pid and the flags are the SCM's. */
START_TEST(test_status_fields)
{
    struct scm_service *s = fake_service(&scm, "Svc", NULL, NULL, NULL);
    SERVICE_STATUS st = fake_status(SERVICE_RUNNING, 0, 0);

    ev(s, EV_START);
    st.dwServiceType = 0;
    st.dwControlsAccepted = SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN;
    st.dwWin32ExitCode = 5;
    st.dwServiceSpecificExitCode = 6;
    st.dwCheckPoint = 7;
    st.dwWaitHint = 8;
    fk.pid = 999;
    scm_state_event(&scm, s, EV_STATUS, &(struct scm_event_data){ .status = &st });
    ck_assert_uint_eq(s->status.dwServiceType, SERVICE_WIN32_SHARE_PROCESS);
    ck_assert_uint_eq(s->status.dwCurrentState, SERVICE_RUNNING);
    ck_assert_uint_eq(s->status.dwControlsAccepted, SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN);
    ck_assert_uint_eq(s->status.dwWin32ExitCode, 5);
    ck_assert_uint_eq(s->status.dwServiceSpecificExitCode, 6);
    ck_assert_uint_eq(s->status.dwCheckPoint, 7);
    ck_assert_uint_eq(s->status.dwWaitHint, 8);
    ck_assert_uint_eq(s->status.dwProcessId, 999);
    ck_assert_uint_eq(s->status.dwServiceFlags, 0);
    st.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
    scm_state_event(&scm, s, EV_STATUS, &(struct scm_event_data){ .status = &st });
    ck_assert_uint_eq(s->status.dwServiceType, SERVICE_WIN32_OWN_PROCESS);
}
END_TEST

/* ---- ends --------------------------------------------------------------- */

/* Each crash is a failure for recovery, from any state it can happen
 * in; a late exit of a stopped service is none. */
START_TEST(test_crash_is_a_failure)
{
    struct scm_service *s = fake_service(&scm, "Svc", NULL, NULL, NULL);
    size_t mark;

    free(s->cfg->display_name);
    s->cfg->display_name = NULL;
    reach(s, SERVICE_RUNNING);
    ev(s, EV_HOST_EXIT);
    reach(s, SERVICE_START_PENDING);
    mark = fk.n;
    ev(s, EV_HOST_EXIT);
    EXPECT_LOG(&fk, mark, "event 7036 Svc: The Svc service entered the stopped state.",
               "failed Svc crash", "disarm Svc", "leave Svc", "changed Svc");
    ck_assert_uint_eq(fake_count(&fk, 0, "failed Svc crash"), 2);
    ck_assert_uint_eq(s->crashes, 2);
    expect_stopped(s, ERROR_PROCESS_ABORTED);
    /* Stopped, a late exit is nothing. */
    mark = fk.n;
    ev(s, EV_HOST_EXIT);
    EXPECT_NO_LOG(&fk, mark);
}
END_TEST

/* A stop reported with an error is a failure too (recovery reads
 * FailureActionsOnNonCrashFailures); with exit code 0, or repeated, not. */
START_TEST(test_stop_with_error_is_a_failure)
{
    struct scm_service *s = fake_service(&scm, "Svc", NULL, NULL, NULL);
    SERVICE_STATUS st = fake_status(SERVICE_STOPPED, 0, 0);
    size_t mark;

    reach(s, SERVICE_RUNNING);
    mark = fk.n;
    report(s, SERVICE_STOPPED, 0, 0);
    EXPECT_LOG(&fk, mark, entered("Svc", "stopped"), "disarm Svc", "leave Svc", "changed Svc");

    /* From START_PENDING (ServiceMain gave up) as from RUNNING. */
    reach(s, SERVICE_START_PENDING);
    st.dwWin32ExitCode = ERROR_FILE_NOT_FOUND;
    mark = fk.n;
    scm_state_event(&scm, s, EV_STATUS, &(struct scm_event_data){ .status = &st });
    EXPECT_LOG(&fk, mark, entered("Svc", "stopped"), failed_7000("Svc", ERROR_FILE_NOT_FOUND),
               "failed Svc exit", "disarm Svc", "leave Svc", "changed Svc");
    ck_assert_uint_eq(s->status.dwWin32ExitCode, ERROR_FILE_NOT_FOUND);
    /* The same STOPPED again is not a second stop. */
    mark = fk.n;
    scm_state_event(&scm, s, EV_STATUS, &(struct scm_event_data){ .status = &st });
    ck_assert_int_lt(fake_find(&fk, mark, "failed Svc exit"), 0);
    ck_assert_int_ge(fake_find(&fk, mark, "leave Svc"), 0);   /* it was seen */
    free_lines();
}
END_TEST

/* Write-offs by the SCM (timeouts, a refused start) are no failure of
 * the service's own: nothing for recovery (Windows takes no failure
 * action for a service that fails to start). */
START_TEST(test_write_offs_are_not_failures)
{
    struct scm_service *s = fake_service(&scm, "Svc", NULL, NULL, NULL);

    ev(s, EV_START);
    ev(s, EV_TIMEOUT);
    reach(s, SERVICE_STOP_PENDING);
    ev(s, EV_TIMEOUT);
    reach(s, SERVICE_RUNNING);
    ev(s, EV_STOP_HUNG);
    ev(s, EV_START);
    scm_state_event(&scm, s, EV_START_FAILED, &(struct scm_event_data){ .error = ERROR_FILE_NOT_FOUND });
    ck_assert_uint_eq(s->status.dwCurrentState, SERVICE_STOPPED);
    ck_assert_uint_eq(fake_count(&fk, 0, "failed "), 0);
    ck_assert_uint_eq(fake_count(&fk, 0, "event 7036 Svc: The Svc display service entered the stopped"), 4);
}
END_TEST

/* A stop that hangs while still RUNNING (the STOP handler never
 * returned) is written off like a stop timeout. */
START_TEST(test_stop_hung)
{
    struct scm_service *s = fake_service(&scm, "Svc", NULL, NULL, NULL);
    size_t mark;

    reach(s, SERVICE_RUNNING);
    mark = fk.n;
    scm_state_event(&scm, s, EV_STOP_HUNG, NULL);
    ck_assert_str_eq(fk.log[mark], entered("Svc", "stopped"));
    ck_assert_uint_eq(fake_count(&fk, mark, "event 7011"), 0);
    ck_assert_int_ge(fake_find(&fk, mark, "kill Svc"), 0);
    ck_assert_int_lt(fake_find(&fk, mark, "kill Svc"), fake_find(&fk, mark, "leave Svc"));
    expect_stopped(s, ERROR_SERVICE_REQUEST_TIMEOUT);
    /* It can start again. */
    ev(s, EV_START);
    ck_assert_uint_eq(s->status.dwCurrentState, SERVICE_START_PENDING);
    ck_assert_uint_eq(s->status.dwWin32ExitCode, NO_ERROR);
    free_lines();
}
END_TEST

/* Reports STOPPED with err (and specific) from the state s is in. */
static void report_stopped(struct scm_service *s, DWORD err, DWORD specific)
{
    SERVICE_STATUS st = fake_status(SERVICE_STOPPED, 0, 0);

    st.dwWin32ExitCode = err;
    st.dwServiceSpecificExitCode = specific;
    scm_state_event(&scm, s, EV_STATUS, &(struct scm_event_data){ .status = &st });
}

/* A service that had started and stops by itself with an error: 7023
 * with the system's text, or 7024 with its own code (the system's text
 * when the code has one); from any state after the start, after 7036. */
START_TEST(test_terminated_with_error)
{
    struct scm_service *s = fake_service(&scm, "Svc", NULL, NULL, NULL);
    const char *t7023 = "event 7023 Svc: The Svc display service terminated with the following error: ";
    size_t mark;

    reach(s, SERVICE_RUNNING);
    mark = fk.n;
    report_stopped(s, ERROR_FILE_NOT_FOUND, 0);
    EXPECT_LOG(&fk, mark, entered("Svc", "stopped"),
               line("%sThe system cannot find the file specified.", t7023), "failed Svc exit",
               "disarm Svc", "leave Svc", "changed Svc");

    reach(s, SERVICE_PAUSED);
    mark = fk.n;
    report_stopped(s, ERROR_SERVICE_SPECIFIC_ERROR, 4242);
    ck_assert_str_eq(fk.log[mark + 1], "event 7024 Svc: The Svc display service terminated with the "
                                       "following service-specific error: 4242");
    ck_assert_uint_eq(fake_count(&fk, mark, "event 7023"), 0);

    /* A code that is a Win32 error reads as its text, as Windows shows it. */
    reach(s, SERVICE_STOP_PENDING);
    mark = fk.n;
    report_stopped(s, ERROR_SERVICE_SPECIFIC_ERROR, ERROR_ACCESS_DENIED);
    ck_assert_str_eq(fk.log[mark + 1], "event 7024 Svc: The Svc display service terminated with the "
                                       "following service-specific error: Access is denied.");

    /* Exit code 0: no error event; the same STOPPED again: none either. */
    reach(s, SERVICE_RUNNING);
    mark = fk.n;
    report_stopped(s, NO_ERROR, 99);
    ck_assert_uint_eq(fake_count(&fk, mark, "event 700"), 0);
    ck_assert_uint_eq(fake_count(&fk, mark, "event 702"), 0);
    ck_assert_uint_eq(fake_count(&fk, mark, "event 7036"), 1);
    report_stopped(s, ERROR_FILE_NOT_FOUND, 0);
    ck_assert_uint_eq(fake_count(&fk, mark, "event 7023"), 0);
    free_lines();
}
END_TEST

/* Stopped with an error before RUNNING: the start failed, 7000 (a plugin
 * that cannot be loaded: 126), and 7024 after it for a service-specific
 * error, whose code 7000 cannot carry.  No 7023. */
START_TEST(test_start_failed_by_report)
{
    struct scm_service *s = fake_service(&scm, "Svc", NULL, NULL, NULL);
    size_t mark;

    reach(s, SERVICE_START_PENDING);
    mark = fk.n;
    report_stopped(s, ERROR_MOD_NOT_FOUND, 0);
    EXPECT_LOG(&fk, mark, entered("Svc", "stopped"), failed_7000("Svc", ERROR_MOD_NOT_FOUND),
               "failed Svc exit", "disarm Svc", "leave Svc", "changed Svc");
    ck_assert_ptr_nonnull(strstr(fk.log[mark + 1], "The specified module could not be found."));

    reach(s, SERVICE_START_PENDING);
    mark = fk.n;
    report_stopped(s, ERROR_SERVICE_SPECIFIC_ERROR, 4242);
    EXPECT_LOG(&fk, mark, entered("Svc", "stopped"), failed_7000("Svc", ERROR_SERVICE_SPECIFIC_ERROR),
               "event 7024 Svc: The Svc display service terminated with the following "
               "service-specific error: 4242",
               "failed Svc exit", "disarm Svc", "leave Svc", "changed Svc");
    ck_assert_uint_eq(fake_count(&fk, 0, "event 7023"), 0);
    free_lines();
}
END_TEST

/* A STOP_PENDING service's 7011 names the deadline it had: its wait hint
 * when above StopTimeoutMs. */
START_TEST(test_stop_timeout_ms)
{
    struct scm_service *s = fake_service(&scm, "Svc", NULL, NULL, NULL);
    size_t mark;

    reach(s, SERVICE_RUNNING);
    report(s, SERVICE_STOP_PENDING, 1, 45000);
    mark = fk.n;
    ev(s, EV_TIMEOUT);
    ck_assert_str_eq(fk.log[mark], "event 7011 Svc: A timeout (45000 milliseconds) was reached while "
                                   "waiting for a transaction response from the Svc display service.");
    expect_stopped(s, ERROR_SERVICE_REQUEST_TIMEOUT);
}
END_TEST

/* ---- the rest of state.h ---------------------------------------------- */

START_TEST(test_words_and_names)
{
    ck_assert_str_eq(scm_state_word(SERVICE_STOPPED), "stopped");
    ck_assert_str_eq(scm_state_word(SERVICE_START_PENDING), "start pending");
    ck_assert_str_eq(scm_state_word(SERVICE_STOP_PENDING), "stop pending");
    ck_assert_str_eq(scm_state_word(SERVICE_RUNNING), "running");
    ck_assert_str_eq(scm_state_word(SERVICE_CONTINUE_PENDING), "continue pending");
    ck_assert_str_eq(scm_state_word(SERVICE_PAUSE_PENDING), "pause pending");
    ck_assert_str_eq(scm_state_word(SERVICE_PAUSED), "paused");
    ck_assert_ptr_null(scm_state_word(0));
    ck_assert_ptr_null(scm_state_word(SERVICE_PAUSED + 1));
    ck_assert_ptr_null(scm_state_word(0xffffffffu));

    ck_assert_str_eq(scm_event_name(EV_START), "EV_START");
    ck_assert_str_eq(scm_event_name(EV_STATUS), "EV_STATUS");
    ck_assert_str_eq(scm_event_name(EV_HOST_EXIT), "EV_HOST_EXIT");
    ck_assert_str_eq(scm_event_name(EV_TIMEOUT), "EV_TIMEOUT");
    ck_assert_str_eq(scm_event_name(EV_START_FAILED), "EV_START_FAILED");
    ck_assert_str_eq(scm_event_name(EV_STOP_HUNG), "EV_STOP_HUNG");
    ck_assert_ptr_null(scm_event_name(EV_COUNT));
    ck_assert_ptr_null(scm_event_name((enum scm_event)-1));
}
END_TEST

/* A new service: STOPPED, its configured type, nothing logged. */
START_TEST(test_init_quiet)
{
    struct svc_service_config *cfg = calloc(1, sizeof *cfg);
    struct scm_service *s;

    ck_assert_ptr_nonnull(cfg);
    cfg->name = fake_strdup("New");
    cfg->type = SERVICE_WIN32_SHARE_PROCESS;
    cfg->image_path = fake_strdup("svchost -k test");
    s = scm_service_new(cfg);
    ck_assert_ptr_nonnull(s);
    cfg->type = SERVICE_WIN32_OWN_PROCESS;    /* init reads the configuration */
    scm_state_init(&scm, s);
    scm_service_link(&scm, s);
    ck_assert_uint_eq(s->status.dwServiceType, SERVICE_WIN32_OWN_PROCESS);
    ck_assert_uint_eq(s->status.dwCurrentState, SERVICE_STOPPED);
    ck_assert_uint_eq(s->status.dwProcessId, 0);
    /* Never started since the SCM began, as Windows shows it. */
    ck_assert_uint_eq(s->status.dwWin32ExitCode, ERROR_SERVICE_NEVER_STARTED);
    ck_assert_uint_eq(scm.seq, 0);
    EXPECT_NO_LOG(&fk, 0);
    /* Quiet even when the state it replaces was not STOPPED (the only
     * way to see it: init a service that runs). */
    reach(s, SERVICE_RUNNING);
    {
        size_t mark = fk.n;
        scm_state_init(&scm, s);
        EXPECT_NO_LOG(&fk, mark);
        ck_assert_uint_eq(s->status.dwCurrentState, SERVICE_STOPPED);
        ck_assert_uint_eq(s->status.dwProcessId, 0);
        ck_assert_uint_eq(s->status.dwControlsAccepted, 0);
    }
}
END_TEST

/* A changed configuration shows in a stopped service's type, quietly,
 * its last exit code kept; a running one keeps what its host reported. */
START_TEST(test_config_changed)
{
    struct scm_service *s = fake_service(&scm, "Svc", NULL, NULL, NULL);
    size_t mark;

    fk.start_err = ERROR_FILE_NOT_FOUND;
    ev(s, EV_START);
    fk.start_err = NO_ERROR;
    mark = fk.n;
    s->cfg->type = SERVICE_WIN32_OWN_PROCESS;
    scm_state_config_changed(&scm, s);
    EXPECT_NO_LOG(&fk, mark);
    ck_assert_uint_eq(s->status.dwServiceType, SERVICE_WIN32_OWN_PROCESS);
    ck_assert_uint_eq(s->status.dwCurrentState, SERVICE_STOPPED);
    ck_assert_uint_eq(s->status.dwWin32ExitCode, ERROR_FILE_NOT_FOUND);

    s->cfg->type = SERVICE_WIN32_SHARE_PROCESS;
    scm_state_config_changed(&scm, s);
    reach(s, SERVICE_RUNNING);
    s->cfg->type = SERVICE_WIN32_OWN_PROCESS;
    mark = fk.n;
    scm_state_config_changed(&scm, s);
    EXPECT_NO_LOG(&fk, mark);
    ck_assert_uint_eq(s->status.dwServiceType, SERVICE_WIN32_SHARE_PROCESS);
    ck_assert_uint_eq(s->status.dwCurrentState, SERVICE_RUNNING);
}
END_TEST

/* Refused starts and failed dependencies are events only. */
START_TEST(test_refused_and_dependency_failed)
{
    struct scm_service *s = fake_service(&scm, "Svc", NULL, NULL, NULL);
    struct scm_service *d = fake_service(&scm, "Dep", NULL, NULL, NULL);
    struct snapshot a = snap(s);

    scm_state_start_refused(&scm, s, ERROR_SERVICE_DISABLED);
    scm_state_dependency_failed(&scm, s, d, ERROR_PROCESS_ABORTED);
    EXPECT_LOG(&fk, 0, failed_7000("Svc", ERROR_SERVICE_DISABLED),
               "event 7001 Svc: The Svc display service depends on the Dep display service which "
               "failed to start because of the following error: The process terminated unexpectedly.");
    a.log_n = fk.n;
    {
        struct snapshot b = snap(s);
        ck_assert(snap_equal(&a, &b));
    }
    free_lines();
}
END_TEST

static Suite *state_suite(void)
{
    Suite *su = suite_create("scm_state");
    TCase *tc = tcase_create("table");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_cell, 0, (SERVICE_PAUSED - SERVICE_STOPPED + 1) * EV_COUNT);
    tcase_add_test(tc, test_snapshot_sees_changes);
    tcase_add_test(tc, test_out_of_table);
    suite_add_tcase(su, tc);

    tc = tcase_create("actions");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_start_passes_args);
    tcase_add_test(tc, test_start_shows_scm_wait_hint);
    tcase_add_test(tc, test_start_fails_in_host);
    tcase_add_test(tc, test_start_budget_and_seq);
    tcase_add_test(tc, test_start_pending_checkpoints);
    tcase_add_test(tc, test_start_resets_checkpoint);
    tcase_add_test(tc, test_stop_pending_checkpoints);
    tcase_add_test(tc, test_7036_settled_states_only);
    tcase_add_test(tc, test_status_fields);
    tcase_add_test(tc, test_crash_is_a_failure);
    tcase_add_test(tc, test_stop_with_error_is_a_failure);
    tcase_add_test(tc, test_write_offs_are_not_failures);
    tcase_add_test(tc, test_stop_hung);
    tcase_add_test(tc, test_terminated_with_error);
    tcase_add_test(tc, test_start_failed_by_report);
    tcase_add_test(tc, test_stop_timeout_ms);
    suite_add_tcase(su, tc);

    tc = tcase_create("api");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_words_and_names);
    tcase_add_test(tc, test_init_quiet);
    tcase_add_test(tc, test_config_changed);
    tcase_add_test(tc, test_refused_and_dependency_failed);
    suite_add_tcase(su, tc);
    return su;
}

int main(void)
{
    return test_run_suite(state_suite());
}
