/*
 * test_jobs.c - start jobs (scm/jobs.c) over the fake effects: starts in
 * dependency order, dependency failures, groups, the errors StartService
 * answers at once, autostart.
 *
 * Nobody waits on these jobs (waiters without a client), so a job's
 * outcome shows in its target's state, its job_pending, the starts and
 * the events in the effect log.  The fake host never acknowledges START
 * by itself: fake_started() does what hosting does when it does.
 *
 * StartService's errors (Win32 documentation): ERROR_SERVICE_ALREADY_RUNNING
 * 1056, ERROR_SERVICE_DISABLED 1058, ERROR_SERVICE_MARKED_FOR_DELETE 1072,
 * ERROR_SERVICE_DEPENDENCY_DELETED 1075 ("depends on a service that does
 * not exist or has been marked for deletion"), ERROR_SERVICE_DEPENDENCY_FAIL
 * 1068 ("depends on another service that has failed to start"); and the
 * system's ERROR_CIRCULAR_DEPENDENCY 1059 and ERROR_SHUTDOWN_IN_PROGRESS 1115.
 */
#include "fake.h"
#include "proto.h"
#include "../testutil.h"

static struct scm scm;
static struct fake fk;

static void setup(void)
{
    fake_scm_init(&scm, &fk);
    fk.max_starts = 100;
}

static void teardown(void)
{
    fake_scm_free(&scm);
}

static struct scm_service *svc(const char *name, const char *deps, const char *groups, const char *group)
{
    return fake_service(&scm, name, deps, groups, group);
}

static struct scm_service *find(const char *name)
{
    struct scm_service *s = scm_service_find(&scm, name);
    ck_assert_msg(s != NULL, "no service %s", name);
    return s;
}

/* StartService with arguments "a b ..." (or NULL), nobody waiting. */
static DWORD start(struct scm_service *s, const char *args)
{
    return scm_job_start(&scm, s, (struct scm_waiter){ 0 }, fake_list(args));
}

static void running(struct scm_service *s)
{
    fake_report(&scm, s, SERVICE_RUNNING, 0, 0);
}


#define EXPECT_STARTS(from, want)                  \
    do {                                           \
        char *got_ = fake_joined(&fk, (from), "start ", " ", 1); \
        ck_assert_str_eq(got_, (want));            \
        free(got_);                                \
    } while (0)

static char *kept[32];
static size_t n_kept;

static const char *keep(char *l)
{
    ck_assert_ptr_nonnull(l);
    ck_assert_uint_lt(n_kept, sizeof kept / sizeof kept[0]);
    return kept[n_kept++] = l;
}

static void free_kept(void)
{
    while (n_kept)
        free(kept[--n_kept]);
}

/* The 7001 line for s because of d's error why. */
static const char *ev7001(const char *s, const char *d, DWORD why)
{
    char *l = NULL;
    ck_assert_int_ge(asprintf(&l,
                              "event 7001 %s: The %s display service depends on the %s display service "
                              "which failed to start because of the following error: %s",
                              s, s, d, svc_win32_message(why)),
                     0);
    return keep(l);
}

static const char *ev7000(const char *s, DWORD err)
{
    char *l = NULL;
    ck_assert_int_ge(asprintf(&l, "event 7000 %s: The %s display service failed to start due to the "
                                  "following error: %s",
                              s, s, svc_win32_message(err)),
                     0);
    return keep(l);
}

/* ---- one service ----------------------------------------------------- */

/* No dependencies: started at once, with the arguments; the job ends
 * when the host acknowledges START. */
START_TEST(test_start_alone)
{
    struct scm_service *x = svc("X", NULL, NULL, NULL);

    ck_assert_uint_eq(start(x, "one two"), NO_ERROR);
    EXPECT_LOG(&fk, 0, "arm X 30000", "start X one two");
    ck_assert_uint_eq(x->status.dwCurrentState, SERVICE_START_PENDING);
    ck_assert_int_eq(x->job_pending, 1);
    ck_assert_ptr_nonnull(scm.jobs);
    running(x);
    ck_assert_int_eq(x->job_pending, 1);   /* RUNNING is not START acknowledged */
    fake_started(&scm, x);
    ck_assert_int_eq(x->job_pending, 0);
    ck_assert_ptr_null(scm.jobs);
    /* Now it is running: 1056. */
    ck_assert_uint_eq(start(x, "again"), ERROR_SERVICE_ALREADY_RUNNING);
}
END_TEST

/* The host refuses START (asynchronously): the job ends, the service is
 * stopped with the host's error. */
START_TEST(test_start_refused_by_host)
{
    struct scm_service *x = svc("X", NULL, NULL, NULL);

    ck_assert_uint_eq(start(x, NULL), NO_ERROR);
    scm_state_event(&scm, x, EV_START_FAILED, &(struct scm_event_data){ .error = ERROR_FILE_NOT_FOUND });
    ck_assert_int_eq(x->job_pending, 0);
    ck_assert_uint_eq(x->status.dwCurrentState, SERVICE_STOPPED);
    ck_assert_uint_eq(x->status.dwWin32ExitCode, ERROR_FILE_NOT_FOUND);
    ck_assert_ptr_null(scm.jobs);
    /* It may be started again. */
    ck_assert_uint_eq(start(x, NULL), NO_ERROR);
    ck_assert_int_eq(x->job_pending, 1);
    EXPECT_STARTS(0, "X X");
}
END_TEST

/* start_in_host itself fails (the host could not be spawned): the state
 * machine stops the service at once, inside scm_job_start, and the
 * `changed` effect updates the jobs from within the job being
 * evaluated.  (Under ASan this catches a job freed while it runs.) */
START_TEST(test_start_fails_in_host)
{
    struct scm_service *x = svc("X", NULL, NULL, NULL);

    fake_fail_start(&fk, "X", ERROR_FILE_NOT_FOUND);
    ck_assert_uint_eq(start(x, "arg"), NO_ERROR);
    ck_assert_uint_eq(x->status.dwCurrentState, SERVICE_STOPPED);
    ck_assert_uint_eq(x->status.dwWin32ExitCode, ERROR_FILE_NOT_FOUND);
    ck_assert_int_eq(x->job_pending, 0);
    ck_assert_int_ge(fake_find(&fk, 0, ev7000("X", ERROR_FILE_NOT_FOUND)), 0);
    scm_jobs_update(&scm);
    ck_assert_ptr_null(scm.jobs);
    free_kept();
}
END_TEST

/* The target stops before START is acknowledged (start timeout). */
START_TEST(test_start_times_out)
{
    struct scm_service *x = svc("X", NULL, NULL, NULL);

    ck_assert_uint_eq(start(x, NULL), NO_ERROR);
    scm_state_event(&scm, x, EV_TIMEOUT, NULL);
    ck_assert_int_eq(x->job_pending, 0);
    ck_assert_uint_eq(x->status.dwWin32ExitCode, ERROR_SERVICE_REQUEST_TIMEOUT);
    ck_assert_ptr_null(scm.jobs);
}
END_TEST

/* ---- errors answered at once ---------------------------------------- */

/* Each refusal leaves the service and the effects alone (the arguments
 * are freed: ASan's leak check sees it). */
static void expect_refused(struct scm_service *s, DWORD err)
{
    size_t mark = fk.n;
    SERVICE_STATUS_PROCESS before = s->status;
    int pending = s->job_pending;

    ck_assert_uint_eq(start(s, "some args"), err);
    EXPECT_NO_LOG(&fk, mark);
    ck_assert_int_eq(memcmp(&before, &s->status, sizeof before), 0);
    ck_assert_int_eq(s->job_pending, pending);
}

START_TEST(test_refusals)
{
    struct scm_service *dis = svc("Dis", NULL, NULL, NULL);
    struct scm_service *run = svc("Run", NULL, NULL, NULL);
    struct scm_service *pend = svc("Pend", NULL, NULL, NULL);
    struct scm_service *del = svc("Del", NULL, NULL, NULL);
    struct scm_service *c1 = svc("C1", "C2", NULL, NULL);
    struct scm_service *self = svc("Self", "self", NULL, NULL);
    struct scm_service *grp = svc("Grp", NULL, "G", "G");
    struct scm_service *ok = svc("Ok", NULL, NULL, NULL);

    svc("C2", "C1", NULL, NULL);          /* a cycle written to disk by hand */
    dis->cfg->start = SERVICE_DISABLED;
    ck_assert_uint_eq(start(run, NULL), NO_ERROR);
    running(run);
    fake_started(&scm, run);
    /* A start in progress (waiting for a dependency that is starting). */
    svc_strv_free(pend->cfg->depend_on_service);
    pend->cfg->depend_on_service = fake_list("Slow");
    svc("Slow", NULL, NULL, NULL);
    ck_assert_uint_eq(start(pend, NULL), NO_ERROR);
    ck_assert_int_eq(pend->job_pending, 1);
    del->marked_for_delete = 1;

    expect_refused(dis, ERROR_SERVICE_DISABLED);
    expect_refused(run, ERROR_SERVICE_ALREADY_RUNNING);
    expect_refused(pend, ERROR_SERVICE_ALREADY_RUNNING);
    expect_refused(find("Slow"), ERROR_SERVICE_ALREADY_RUNNING);   /* START_PENDING */
    expect_refused(del, ERROR_SERVICE_MARKED_FOR_DELETE);
    expect_refused(c1, ERROR_CIRCULAR_DEPENDENCY);
    expect_refused(self, ERROR_CIRCULAR_DEPENDENCY);
    expect_refused(grp, ERROR_CIRCULAR_DEPENDENCY);
    /* Deletion is told first, then disabled, then running. */
    del->cfg->start = SERVICE_DISABLED;
    expect_refused(del, ERROR_SERVICE_MARKED_FOR_DELETE);
    run->cfg->start = SERVICE_DISABLED;
    expect_refused(run, ERROR_SERVICE_DISABLED);
    scm.shutting_down = 1;
    expect_refused(ok, ERROR_SHUTDOWN_IN_PROGRESS);
    scm.shutting_down = 0;
    ck_assert_uint_eq(start(ok, NULL), NO_ERROR);
}
END_TEST

/* ---- dependencies --------------------------------------------------- */

/* A -> B -> C: C first, B once C runs, A once B runs; each once. */
START_TEST(test_chain_order)
{
    struct scm_service *a = svc("A", "B", NULL, NULL);
    struct scm_service *b = svc("B", "C", NULL, NULL);
    struct scm_service *c = svc("C", NULL, NULL, NULL);

    ck_assert_uint_eq(start(a, "for-a"), NO_ERROR);
    EXPECT_STARTS(0, "C");
    ck_assert_int_eq(a->job_pending, 1);
    ck_assert_int_eq(b->job_pending, 1);
    ck_assert_int_eq(c->job_pending, 1);
    ck_assert_uint_eq(a->status.dwCurrentState, SERVICE_STOPPED);
    ck_assert_uint_eq(b->status.dwCurrentState, SERVICE_STOPPED);
    /* Acknowledged START is not enough: a dependency must be RUNNING. */
    fake_started(&scm, c);
    ck_assert_int_eq(c->job_pending, 0);
    EXPECT_STARTS(0, "C");
    fake_report(&scm, c, SERVICE_START_PENDING, 1, 1000);
    EXPECT_STARTS(0, "C");
    running(c);
    EXPECT_STARTS(0, "C B");
    ck_assert_uint_eq(a->status.dwCurrentState, SERVICE_STOPPED);
    running(b);
    EXPECT_STARTS(0, "C B A");
    /* The arguments are the target's only. */
    ck_assert_int_ge(fake_find(&fk, 0, "start A for-a"), 0);
    ck_assert_int_ge(fake_find(&fk, 0, "start B"), 0);
    fake_started(&scm, b);
    ck_assert_int_eq(a->job_pending, 1);
    fake_started(&scm, a);
    ck_assert_int_eq(a->job_pending, 0);
    ck_assert_int_eq(b->job_pending, 0);
    ck_assert_ptr_null(scm.jobs);
    ck_assert_uint_eq(fk.starts, 3);
}
END_TEST

START_TEST(test_dependency_running)
{
    struct scm_service *a = svc("A", "b", NULL, NULL);
    struct scm_service *b = svc("B", NULL, NULL, NULL);

    ck_assert_uint_eq(start(b, NULL), NO_ERROR);
    running(b);
    fake_started(&scm, b);
    ck_assert_uint_eq(start(a, NULL), NO_ERROR);
    EXPECT_STARTS(0, "B A");
    /* A paused dependency is up too. */
    fake_report(&scm, a, SERVICE_STOPPED, 0, 0);
    fake_report(&scm, b, SERVICE_PAUSED, 0, 0);
    ck_assert_uint_eq(start(a, NULL), NO_ERROR);
    EXPECT_STARTS(0, "B A A");
}
END_TEST

/* A diamond: A needs B and C, both need D; D starts once, A once. */
START_TEST(test_diamond)
{
    struct scm_service *a = svc("A", "B, C", NULL, NULL);
    struct scm_service *b = svc("B", "D", NULL, NULL);
    struct scm_service *c = svc("C", "D", NULL, NULL);
    struct scm_service *d = svc("D", NULL, NULL, NULL);

    size_t mark;

    ck_assert_uint_eq(start(a, NULL), NO_ERROR);
    EXPECT_STARTS(0, "D");
    mark = fk.n;
    running(d);
    /* B and C, in either order. */
    ck_assert_uint_eq(fake_count(&fk, mark, "start "), 2);
    ck_assert_int_ge(fake_find(&fk, mark, "start B"), 0);
    ck_assert_int_ge(fake_find(&fk, mark, "start C"), 0);
    mark = fk.n;
    running(b);
    EXPECT_STARTS(mark, "");
    running(c);
    EXPECT_STARTS(mark, "A");
    ck_assert_uint_eq(fk.starts, 4);
    fake_started(&scm, a);
    ck_assert_int_eq(a->job_pending, 0);
    ck_assert_int_eq(d->job_pending, 1);   /* D's own job waits for its START */
}
END_TEST

/* Two jobs waiting on one dependency start it once. */
START_TEST(test_shared_dependency)
{
    struct scm_service *a1 = svc("A1", "B", NULL, NULL);
    struct scm_service *a2 = svc("A2", "B", NULL, NULL);
    struct scm_service *b = svc("B", NULL, NULL, NULL);

    ck_assert_uint_eq(start(a1, NULL), NO_ERROR);
    ck_assert_uint_eq(start(a2, NULL), NO_ERROR);
    EXPECT_STARTS(0, "B");
    running(b);
    ck_assert_uint_eq(a1->status.dwCurrentState, SERVICE_START_PENDING);
    ck_assert_uint_eq(a2->status.dwCurrentState, SERVICE_START_PENDING);
    ck_assert_uint_eq(fk.starts, 3);
}
END_TEST

/* A dependency the host fails: 1068 for the job, 7001 naming both and
 * the dependency's own error; the target is never started. */
START_TEST(test_dependency_fails)
{
    struct scm_service *a = svc("A", "B", NULL, NULL);
    struct scm_service *b = svc("B", NULL, NULL, NULL);
    size_t mark;

    ck_assert_uint_eq(start(a, NULL), NO_ERROR);
    mark = fk.n;
    scm_state_event(&scm, b, EV_START_FAILED, &(struct scm_event_data){ .error = ERROR_FILE_NOT_FOUND });
    ck_assert_int_ge(fake_find(&fk, mark, ev7001("A", "B", ERROR_FILE_NOT_FOUND)), 0);
    ck_assert_uint_eq(fake_count(&fk, mark, "event 7001"), 1);
    ck_assert_int_eq(a->job_pending, 0);
    ck_assert_int_eq(b->job_pending, 0);
    ck_assert_uint_eq(a->status.dwCurrentState, SERVICE_STOPPED);
    /* Never started: it keeps ERROR_SERVICE_NEVER_STARTED. */
    ck_assert_uint_eq(a->status.dwWin32ExitCode, ERROR_SERVICE_NEVER_STARTED);
    EXPECT_STARTS(0, "B");
    ck_assert_ptr_null(scm.jobs);
    free_kept();
}
END_TEST

/* A dependency that crashes while starting: 7001 with its 1067. */
START_TEST(test_dependency_crashes)
{
    struct scm_service *a = svc("A", "B", NULL, NULL);
    struct scm_service *b = svc("B", NULL, NULL, NULL);
    size_t mark;

    ck_assert_uint_eq(start(a, NULL), NO_ERROR);
    fake_report(&scm, b, SERVICE_START_PENDING, 1, 1000);
    mark = fk.n;
    scm_state_event(&scm, b, EV_HOST_EXIT, NULL);
    ck_assert_int_ge(fake_find(&fk, mark, ev7001("A", "B", ERROR_PROCESS_ABORTED)), 0);
    ck_assert_int_eq(a->job_pending, 0);
    EXPECT_STARTS(0, "B");
    free_kept();
}
END_TEST

/* A dependency that stops cleanly (exit code 0) before it ran: 7001
 * with 1068 itself. */
START_TEST(test_dependency_stops)
{
    struct scm_service *a = svc("A", "B", NULL, NULL);
    struct scm_service *b = svc("B", NULL, NULL, NULL);
    size_t mark;

    ck_assert_uint_eq(start(a, NULL), NO_ERROR);
    mark = fk.n;
    fake_report(&scm, b, SERVICE_STOPPED, 0, 0);
    ck_assert_int_ge(fake_find(&fk, mark, ev7001("A", "B", ERROR_SERVICE_DEPENDENCY_FAIL)), 0);
    ck_assert_int_eq(a->job_pending, 0);
    free_kept();
}
END_TEST

/* A dependency whose start_in_host fails at once, inside the job's own
 * evaluation. */
START_TEST(test_dependency_fails_in_host)
{
    struct scm_service *a = svc("A", "B", NULL, NULL);
    struct scm_service *b = svc("B", NULL, NULL, NULL);

    fake_fail_start(&fk, "B", ERROR_FILE_NOT_FOUND);
    ck_assert_uint_eq(start(a, NULL), NO_ERROR);
    ck_assert_int_ge(fake_find(&fk, 0, ev7001("A", "B", ERROR_FILE_NOT_FOUND)), 0);
    ck_assert_int_eq(a->job_pending, 0);
    ck_assert_int_eq(b->job_pending, 0);
    EXPECT_STARTS(0, "B");
    scm_jobs_update(&scm);
    ck_assert_ptr_null(scm.jobs);
    free_kept();
}
END_TEST

/* A disabled dependency: 7001 gives the dependency's reason (1058), as
 * Windows words it ("... which failed to start because of the following
 * error: The service cannot be started, either because it is disabled
 * ..."), and the job fails (1068) without starting anything. */
START_TEST(test_dependency_disabled)
{
    struct scm_service *a = svc("A", "B", NULL, NULL);
    struct scm_service *b = svc("B", NULL, NULL, NULL);

    b->cfg->start = SERVICE_DISABLED;
    ck_assert_uint_eq(start(a, NULL), NO_ERROR);
    ck_assert_int_eq(a->job_pending, 0);
    EXPECT_STARTS(0, "");
    ck_assert_uint_eq(fake_count(&fk, 0, "event 7001 A:"), 1);
    EXPECT_LOG(&fk, 0, ev7001("A", "B", ERROR_SERVICE_DISABLED));
    free_kept();
}
END_TEST

/* A dependency that does not exist, or is marked for deletion: 1075 at
 * once; nothing starts, no 7001 (that is for a failed start). */
START_TEST(test_dependency_missing)
{
    struct scm_service *a = svc("A", "Nope", NULL, NULL);
    struct scm_service *b = svc("B", "Del", NULL, NULL);
    struct scm_service *c = svc("C", "Nope, Ok", NULL, NULL);
    struct scm_service *del = svc("Del", NULL, NULL, NULL);

    svc("Ok", NULL, NULL, NULL);
    del->marked_for_delete = 1;
    ck_assert_uint_eq(start(a, NULL), NO_ERROR);
    ck_assert_int_eq(a->job_pending, 0);
    ck_assert_uint_eq(start(b, NULL), NO_ERROR);
    ck_assert_int_eq(b->job_pending, 0);
    ck_assert_uint_eq(start(c, NULL), NO_ERROR);
    ck_assert_int_eq(c->job_pending, 0);
    EXPECT_STARTS(0, "");
    ck_assert_uint_eq(fake_count(&fk, 0, "event"), 0);
    ck_assert_uint_eq(a->status.dwCurrentState, SERVICE_STOPPED);
    scm_jobs_update(&scm);
    ck_assert_ptr_null(scm.jobs);
}
END_TEST

/* A dependency deleted while the job waits for it to run. */
START_TEST(test_dependency_deleted_while_waiting)
{
    struct scm_service *a = svc("A", "B", NULL, NULL);
    struct scm_service *b = svc("B", NULL, NULL, NULL);

    ck_assert_uint_eq(start(a, NULL), NO_ERROR);
    b->marked_for_delete = 1;
    scm_jobs_update(&scm);
    ck_assert_int_eq(a->job_pending, 0);
    running(b);
    EXPECT_STARTS(0, "B");
}
END_TEST

/* A -> B -> Nope: B's job fails at once (1075) without B ever starting;
 * A's job must fail too (1068), not wait for ever. */
START_TEST(test_dependency_job_fails)
{
    struct scm_service *a = svc("A", "B", NULL, NULL);
    struct scm_service *b = svc("B", "Nope", NULL, NULL);

    ck_assert_uint_eq(start(a, NULL), NO_ERROR);
    ck_assert_int_eq(b->job_pending, 0);
    scm_jobs_update(&scm);
    ck_assert_msg(a->job_pending == 0, "A's job waits for ever on B, whose own job failed");
    ck_assert_uint_eq(fake_count(&fk, 0, "event 7001 A:"), 1);
    EXPECT_STARTS(0, "");
}
END_TEST

/* A -> B -> C, C fails: B's job fails (7001 for B), then A's (7001 for
 * A); C is started once, not again for a new job of B. */
START_TEST(test_failure_goes_up_the_chain)
{
    struct scm_service *a = svc("A", "B", NULL, NULL);
    struct scm_service *b = svc("B", "C", NULL, NULL);
    struct scm_service *c = svc("C", NULL, NULL, NULL);

    ck_assert_uint_eq(start(a, NULL), NO_ERROR);
    scm_state_event(&scm, c, EV_START_FAILED, &(struct scm_event_data){ .error = ERROR_FILE_NOT_FOUND });
    ck_assert_int_ge(fake_find(&fk, 0, ev7001("B", "C", ERROR_FILE_NOT_FOUND)), 0);
    EXPECT_STARTS(0, "C");
    ck_assert_int_eq(b->job_pending, 0);
    ck_assert_msg(a->job_pending == 0, "A's job is still waiting after B's job failed");
    ck_assert_uint_eq(fake_count(&fk, 0, "event 7001 A:"), 1);
    free_kept();
}
END_TEST

/* A job evaluated early in an update waits on a service whose start
 * fails later in the same update (start_in_host failing at once): the
 * update must not end before the first job sees it.  B -> A -> D; B's
 * job is newer, so it is evaluated before A's. */
START_TEST(test_failure_seen_in_same_update)
{
    struct scm_service *a = svc("A", "D", NULL, NULL);
    struct scm_service *b = svc("B", "A", NULL, NULL);
    struct scm_service *d = svc("D", NULL, NULL, NULL);

    ck_assert_uint_eq(start(a, NULL), NO_ERROR);
    ck_assert_uint_eq(start(b, NULL), NO_ERROR);
    EXPECT_STARTS(0, "D");
    fake_fail_start(&fk, "A", ERROR_FILE_NOT_FOUND);
    running(d);
    EXPECT_STARTS(0, "D A");
    ck_assert_int_eq(a->job_pending, 0);
    ck_assert_msg(b->job_pending == 0, "B's job missed A's failure in the update that saw it");
    ck_assert_int_ge(fake_find(&fk, 0, ev7001("B", "A", ERROR_FILE_NOT_FOUND)), 0);
    free_kept();
}
END_TEST

/* ---- groups ---------------------------------------------------------- */

/* One running member is enough; the others are not started. */
START_TEST(test_group_member_running)
{
    struct scm_service *a = svc("A", NULL, "Net", NULL);
    struct scm_service *m1 = svc("M1", NULL, NULL, "NET");

    svc("M2", NULL, NULL, "net");
    ck_assert_uint_eq(start(m1, NULL), NO_ERROR);
    running(m1);
    ck_assert_uint_eq(start(a, NULL), NO_ERROR);
    EXPECT_STARTS(0, "M1 A");
}
END_TEST

/* No member up: every startable member is started, and the first to run
 * lets the target start. */
START_TEST(test_group_members_started)
{
    struct scm_service *a = svc("A", NULL, "Net", NULL);
    struct scm_service *m2 = svc("M2", NULL, NULL, "Net");
    struct scm_service *m3 = svc("M3", NULL, NULL, "Net");

    svc("M1", NULL, NULL, "Net");
    m3->cfg->start = SERVICE_DISABLED;
    ck_assert_uint_eq(start(a, NULL), NO_ERROR);
    EXPECT_STARTS(0, "M1 M2");
    running(m2);
    EXPECT_STARTS(0, "M1 M2 A");
    fake_started(&scm, a);
    ck_assert_int_eq(a->job_pending, 0);
}
END_TEST

/* Every member fails or is disabled: 1068, the target never starts. */
START_TEST(test_group_all_fail)
{
    struct scm_service *a = svc("A", NULL, "Net", NULL);
    struct scm_service *m1 = svc("M1", NULL, NULL, "Net");
    struct scm_service *m2 = svc("M2", NULL, NULL, "Net");

    m1->cfg->start = SERVICE_DISABLED;
    ck_assert_uint_eq(start(a, NULL), NO_ERROR);
    EXPECT_STARTS(0, "M2");
    ck_assert_int_eq(a->job_pending, 1);
    scm_state_event(&scm, m2, EV_START_FAILED, &(struct scm_event_data){ .error = ERROR_FILE_NOT_FOUND });
    ck_assert_int_eq(a->job_pending, 0);
    EXPECT_STARTS(0, "M2");
    ck_assert_uint_eq(a->status.dwCurrentState, SERVICE_STOPPED);
    ck_assert_ptr_null(scm.jobs);
}
END_TEST

START_TEST(test_group_all_disabled)
{
    struct scm_service *a = svc("A", NULL, "Net", NULL);
    struct scm_service *m1 = svc("M1", NULL, NULL, "Net");

    m1->cfg->start = SERVICE_DISABLED;
    ck_assert_uint_eq(start(a, NULL), NO_ERROR);
    ck_assert_int_eq(a->job_pending, 0);
    EXPECT_STARTS(0, "");
}
END_TEST

/* A group with no member: 1075 at once. */
START_TEST(test_group_empty)
{
    struct scm_service *a = svc("A", NULL, "Nobody", NULL);

    svc("M", NULL, NULL, "Net");
    ck_assert_uint_eq(start(a, NULL), NO_ERROR);
    ck_assert_int_eq(a->job_pending, 0);
    EXPECT_STARTS(0, "");
}
END_TEST

/* A member that cannot be started at all (marked for deletion) counts
 * as failed: the job must not wait for it for ever. */
START_TEST(test_group_member_unstartable)
{
    struct scm_service *a = svc("A", NULL, "Net", NULL);
    struct scm_service *m = svc("M", NULL, NULL, "Net");

    m->marked_for_delete = 1;
    ck_assert_uint_eq(start(a, NULL), NO_ERROR);
    scm_jobs_update(&scm);
    ck_assert_msg(a->job_pending == 0, "A's job waits for ever on a group whose only member cannot start");
    EXPECT_STARTS(0, "");
}
END_TEST

/* Services and groups together: a service dependency and a group. */
START_TEST(test_services_and_groups)
{
    struct scm_service *a = svc("A", "B", "Net", NULL);
    struct scm_service *b = svc("B", NULL, NULL, NULL);
    struct scm_service *m = svc("M", NULL, NULL, "Net");

    ck_assert_uint_eq(start(a, NULL), NO_ERROR);
    EXPECT_STARTS(0, "B M");
    running(m);
    EXPECT_STARTS(0, "B M");
    running(b);
    EXPECT_STARTS(0, "B M A");
}
END_TEST

/* ---- autostart and shutdown ---------------------------------------- */

START_TEST(test_autostart)
{
    struct scm_service *auto1 = svc("Auto1", NULL, NULL, NULL);
    struct scm_service *auto2 = svc("Auto2", "Dem", NULL, NULL);
    struct scm_service *dem = svc("Dem", NULL, NULL, NULL);
    struct scm_service *dem2 = svc("Dem2", NULL, NULL, NULL);
    struct scm_service *dis = svc("Dis", NULL, NULL, NULL);
    struct scm_service *cyc = svc("Cyc", "Cyc2", NULL, NULL);
    struct scm_service *cyc2 = svc("Cyc2", "Cyc", NULL, NULL);
    struct scm_service *del = svc("Del", NULL, NULL, NULL);
    struct scm_service *up = svc("Up", NULL, NULL, NULL);
    size_t mark;

    auto1->cfg->start = auto2->cfg->start = cyc->cfg->start = del->cfg->start = up->cfg->start =
        SERVICE_AUTO_START;
    dis->cfg->start = SERVICE_DISABLED;
    del->marked_for_delete = 1;
    ck_assert_uint_eq(start(up, NULL), NO_ERROR);
    running(up);
    fake_started(&scm, up);
    mark = fk.n;

    scm_jobs_autostart(&scm);
    /* Auto-start services only (and what they need), each once. */
    EXPECT_STARTS(mark, "Auto1 Dem");
    ck_assert_int_eq(auto2->job_pending, 1);
    ck_assert_int_eq(dem2->job_pending, 0);
    ck_assert_int_eq(cyc2->job_pending, 0);
    /* The ones that cannot start are logged (7000), in table order; a
     * disabled service is not auto-start and says nothing. */
    ck_assert_int_ge(fake_find(&fk, mark, ev7000("Cyc", ERROR_CIRCULAR_DEPENDENCY)), 0);
    ck_assert_int_ge(fake_find(&fk, mark, ev7000("Del", ERROR_SERVICE_MARKED_FOR_DELETE)), 0);
    ck_assert_int_lt(fake_find(&fk, mark, ev7000("Cyc", ERROR_CIRCULAR_DEPENDENCY)),
                     fake_find(&fk, mark, ev7000("Del", ERROR_SERVICE_MARKED_FOR_DELETE)));
    ck_assert_uint_eq(fake_count(&fk, mark, "event 7000"), 2);
    ck_assert_uint_eq(fake_count(&fk, mark, "event 7000 Up"), 0);

    /* Again: nothing new starts (already pending or running). */
    mark = fk.n;
    scm_jobs_autostart(&scm);
    EXPECT_STARTS(mark, "");
    ck_assert_uint_eq(fake_count(&fk, mark, "event 7000 Auto"), 0);
    running(dem);
    EXPECT_STARTS(mark, "Auto2");
    free_kept();
}
END_TEST

/* An auto-start service whose dependency is disabled: 7001, not 7000. */
START_TEST(test_autostart_dependency_disabled)
{
    struct scm_service *a = svc("A", "B", NULL, NULL);
    struct scm_service *b = svc("B", NULL, NULL, NULL);

    a->cfg->start = SERVICE_AUTO_START;
    b->cfg->start = SERVICE_DISABLED;
    scm_jobs_autostart(&scm);
    ck_assert_int_eq(a->job_pending, 0);
    ck_assert_uint_eq(fake_count(&fk, 0, "event 7001 A:"), 1);
    ck_assert_uint_eq(fake_count(&fk, 0, "event 7000"), 0);
    EXPECT_STARTS(0, "");
}
END_TEST

START_TEST(test_autostart_shutting_down)
{
    struct scm_service *a = svc("A", NULL, NULL, NULL);

    a->cfg->start = SERVICE_AUTO_START;
    scm.shutting_down = 1;
    scm_jobs_autostart(&scm);
    EXPECT_LOG(&fk, 0, ev7000("A", ERROR_SHUTDOWN_IN_PROGRESS));
    ck_assert_int_eq(a->job_pending, 0);
    free_kept();
}
END_TEST

/* Shutdown fails every open job. */
START_TEST(test_jobs_free)
{
    struct scm_service *a = svc("A", "B", NULL, NULL);
    struct scm_service *b = svc("B", NULL, NULL, NULL);

    ck_assert_uint_eq(start(a, NULL), NO_ERROR);
    ck_assert_ptr_nonnull(scm.jobs);
    scm_jobs_free(&scm);
    ck_assert_ptr_null(scm.jobs);
    ck_assert_int_eq(a->job_pending, 0);
    ck_assert_int_eq(b->job_pending, 0);
    /* B still starting: its running later starts nothing. */
    running(b);
    EXPECT_STARTS(0, "B");
}
END_TEST

static Suite *jobs_suite(void)
{
    Suite *su = suite_create("scm_jobs");
    TCase *tc = tcase_create("one");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_start_alone);
    tcase_add_test(tc, test_start_refused_by_host);
    tcase_add_test(tc, test_start_fails_in_host);
    tcase_add_test(tc, test_start_times_out);
    tcase_add_test(tc, test_refusals);
    suite_add_tcase(su, tc);

    tc = tcase_create("dependencies");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_chain_order);
    tcase_add_test(tc, test_dependency_running);
    tcase_add_test(tc, test_diamond);
    tcase_add_test(tc, test_shared_dependency);
    tcase_add_test(tc, test_dependency_fails);
    tcase_add_test(tc, test_dependency_crashes);
    tcase_add_test(tc, test_dependency_stops);
    tcase_add_test(tc, test_dependency_fails_in_host);
    tcase_add_test(tc, test_dependency_disabled);
    tcase_add_test(tc, test_dependency_missing);
    tcase_add_test(tc, test_dependency_deleted_while_waiting);
    tcase_add_test(tc, test_dependency_job_fails);
    tcase_add_test(tc, test_failure_goes_up_the_chain);
    tcase_add_test(tc, test_failure_seen_in_same_update);
    suite_add_tcase(su, tc);

    tc = tcase_create("groups");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_group_member_running);
    tcase_add_test(tc, test_group_members_started);
    tcase_add_test(tc, test_group_all_fail);
    tcase_add_test(tc, test_group_all_disabled);
    tcase_add_test(tc, test_group_empty);
    tcase_add_test(tc, test_group_member_unstartable);
    tcase_add_test(tc, test_services_and_groups);
    suite_add_tcase(su, tc);

    tc = tcase_create("autostart");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_autostart);
    tcase_add_test(tc, test_autostart_dependency_disabled);
    tcase_add_test(tc, test_autostart_shutting_down);
    tcase_add_test(tc, test_jobs_free);
    suite_add_tcase(su, tc);
    return su;
}

int main(void)
{
    return test_run_suite(jobs_suite());
}
