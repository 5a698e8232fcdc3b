/*
 * test_shutdown.c - who is sent which control when, while scmd shuts
 * down (scm/shutdown.c's scm_shutdown_run), over the fake effects and a
 * fake sender: no host, no loop, the clock passed in.
 *
 * The Windows rules (Microsoft's "Service Control Handler Function" and
 * SERVICE_PRESHUTDOWN_INFO): services that accept PRESHUTDOWN get it
 * first, and the SCM waits until each has stopped or its preshutdown
 * timeout has passed; then SHUTDOWN goes to those that accept it.  Here,
 * besides: STOP to those that accept only STOP, dependents before their
 * dependencies, each control once.  Clients can send neither shutdown
 * control: ControlService answers ERROR_INVALID_PARAMETER.
 */
#include "fake.h"
#include "control.h"
#include "shutdown.h"
#include "../testutil.h"

static struct scm scm;
static struct fake fk;
static DWORD send_result;          /* what the fake sender answers */

static void setup(void)
{
    fake_scm_init(&scm, &fk);
    send_result = NO_ERROR;
}

static void teardown(void)
{
    fake_scm_free(&scm);
}

static const char *word(DWORD control)
{
    switch (control) {
    case SERVICE_CONTROL_PRESHUTDOWN: return "PRESHUTDOWN";
    case SERVICE_CONTROL_SHUTDOWN: return "SHUTDOWN";
    case SERVICE_CONTROL_STOP: return "STOP";
    case SCM_SHUTDOWN_KILL: return "KILL";
    default: return "?";
    }
}

static DWORD fake_send(struct scm *c, struct scm_service *s, DWORD control)
{
    fake_logf(fake_of(c), "send %s %s", word(control), s->name);
    return send_result;
}

/* A service reporting state with these controls accepted. */
static void report(struct scm_service *s, DWORD state, DWORD accepted)
{
    SERVICE_STATUS st = fake_status(state, state == SERVICE_STOP_PENDING, 0);
    st.dwControlsAccepted = accepted;
    scm_state_event(&scm, s, EV_STATUS, &(struct scm_event_data){ .status = &st });
    ck_assert_uint_eq(s->status.dwCurrentState, state);
}

/* A running service NAME depending on deps, accepting these controls. */
static struct scm_service *svc(const char *name, const char *deps, DWORD accepted)
{
    struct scm_service *s = fake_service(&scm, name, deps, NULL, NULL);
    s->cfg->preshutdown_timeout_ms = 10000;
    report(s, SERVICE_RUNNING, accepted);
    return s;
}


/* One step at time now: asserts the controls it sent. */
#define STEP(now, expected)                                      \
    do {                                                         \
        size_t from_ = fk.n;                                     \
        scm_shutdown_run(&scm, (now), fake_send);                \
        char *got_ = fake_joined(&fk, from_, "send ", ", ", 0);                          \
        ck_assert_str_eq(got_, (expected));                      \
        free(got_);                                              \
    } while (0)

static void stopped(struct scm_service *s)
{
    report(s, SERVICE_STOPPED, 0);
}

#define STOP_ONLY SERVICE_ACCEPT_STOP
#define PRE (SERVICE_ACCEPT_PRESHUTDOWN | SERVICE_ACCEPT_STOP)

START_TEST(test_order_of_issue)
{
    /* A <- B <- C (C depends on B depends on A), P preshutdown, S
     * shutdown only. */
    struct scm_service *a = svc("A", NULL, STOP_ONLY);
    struct scm_service *b = svc("B", "A", STOP_ONLY);
    struct scm_service *c = svc("C", "B", STOP_ONLY);
    struct scm_service *p = svc("P", NULL, PRE);
    struct scm_service *s = svc("S", NULL, SERVICE_ACCEPT_SHUTDOWN);

    STEP(0, "PRESHUTDOWN P");
    /* Nothing else while P is in its preshutdown, even when asked again. */
    STEP(10, "");
    report(p, SERVICE_STOP_PENDING, 0);
    STEP(20, "");
    stopped(p);
    /* Dependents first: C, and S, which depends on nothing. */
    STEP(30, "STOP C, SHUTDOWN S");
    STEP(40, "");
    report(c, SERVICE_STOP_PENDING, 0);
    STEP(50, "");
    stopped(c);
    STEP(60, "STOP B");
    stopped(s);
    stopped(b);
    STEP(70, "STOP A");
    stopped(a);
    STEP(80, "");
}
END_TEST

START_TEST(test_preshutdown_timeout_each_its_own)
{
    struct scm_service *p1 = svc("P1", NULL, PRE);
    struct scm_service *p2 = svc("P2", NULL, PRE);
    svc("X", NULL, STOP_ONLY);
    uint64_t wake;

    p1->cfg->preshutdown_timeout_ms = 1000;
    p2->cfg->preshutdown_timeout_ms = 5000;
    STEP(100, "PRESHUTDOWN P1, PRESHUTDOWN P2");
    report(p1, SERVICE_STOP_PENDING, 0);
    report(p2, SERVICE_STOP_PENDING, 0);
    /* The next step is due when the first timeout ends. */
    wake = scm_shutdown_run(&scm, 200, fake_send);
    ck_assert_uint_eq(wake, 1100);
    STEP(1100, "");
    /* Past P1's timeout, not P2's: the phase goes on while P2 may
     * still stop. */
    wake = scm_shutdown_run(&scm, 1100, fake_send);
    ck_assert_uint_eq(wake, 5100);
    STEP(5099, "");
    /* P2's timeout: Windows goes on with the shutdown.  P1 and P2 are
     * still stopping and are left to it (or to ShutdownTimeoutMs). */
    STEP(5100, "STOP X");
    ck_assert_uint_eq(scm_shutdown_run(&scm, 5200, fake_send), 0);
}
END_TEST

START_TEST(test_preshutdown_ends_when_all_stopped)
{
    struct scm_service *p = svc("P", NULL, PRE);
    svc("X", NULL, STOP_ONLY);

    p->cfg->preshutdown_timeout_ms = 180000;
    STEP(0, "PRESHUTDOWN P");
    stopped(p);
    STEP(1, "STOP X");
}
END_TEST

START_TEST(test_preshutdown_ignored)
{
    /* A preshutdown service that goes on running after its timeout is
     * sent its final control like the others: each control once. */
    struct scm_service *p = svc("P", NULL, PRE | SERVICE_ACCEPT_SHUTDOWN);

    p->cfg->preshutdown_timeout_ms = 100;
    STEP(0, "PRESHUTDOWN P");
    STEP(50, "");
    STEP(100, "SHUTDOWN P");
    STEP(200, "");
    STEP(100000, "");
}
END_TEST

START_TEST(test_shutdown_preferred_to_stop)
{
    svc("Both", NULL, SERVICE_ACCEPT_SHUTDOWN | SERVICE_ACCEPT_STOP);
    svc("ShutOnly", NULL, SERVICE_ACCEPT_SHUTDOWN);
    svc("StopOnly", NULL, SERVICE_ACCEPT_STOP);
    STEP(0, "SHUTDOWN Both, SHUTDOWN ShutOnly, STOP StopOnly");
}
END_TEST

START_TEST(test_each_once)
{
    /* Handlers that return and leave the service RUNNING are not asked
     * again: a service may report STOP_PENDING some time after its
     * handler returned. */
    svc("A", NULL, STOP_ONLY);
    svc("S", NULL, SERVICE_ACCEPT_SHUTDOWN);
    STEP(0, "STOP A, SHUTDOWN S");
    for (int i = 1; i < 10; i++)
        STEP((uint64_t)i * 1000, "");
}
END_TEST

START_TEST(test_refused_send_is_tried_again)
{
    svc("A", NULL, STOP_ONLY);
    send_result = ERROR_SERVICE_CANNOT_ACCEPT_CTRL;
    STEP(0, "STOP A");
    STEP(10, "STOP A");
    send_result = NO_ERROR;
    STEP(20, "STOP A");
    STEP(30, "");
}
END_TEST

START_TEST(test_preshutdown_dependents_first)
{
    /* Among preshutdown services, dependents first too; a STOP-only
     * dependent does not hold its preshutdown dependency back (it will
     * be stopped only after the phase). */
    struct scm_service *p1 = svc("P1", NULL, PRE);
    struct scm_service *p2 = svc("P2", "P1", PRE);
    struct scm_service *n = svc("N", "P2", STOP_ONLY);

    STEP(0, "PRESHUTDOWN P2");
    STEP(10, "");
    stopped(p2);
    STEP(20, "PRESHUTDOWN P1");
    stopped(p1);
    /* N lost its dependency, as it would on Windows, whose preshutdown
     * knows no order at all. */
    STEP(30, "STOP N");
    stopped(n);
}
END_TEST

START_TEST(test_preshutdown_dependent_timed_out)
{
    /* A preshutdown dependent still stopping after its timeout no longer
     * holds its dependency. */
    struct scm_service *p1 = svc("P1", NULL, PRE);
    struct scm_service *p2 = svc("P2", "P1", PRE);

    p2->cfg->preshutdown_timeout_ms = 500;
    STEP(0, "PRESHUTDOWN P2");
    report(p2, SERVICE_STOP_PENDING, 0);
    STEP(499, "");
    STEP(500, "PRESHUTDOWN P1");
    (void)p1;
}
END_TEST

START_TEST(test_starting_joins_later)
{
    /* A service still starting is asked once it runs, after its
     * dependents. */
    struct scm_service *a = fake_service(&scm, "A", NULL, NULL, NULL);
    struct scm_service *b = svc("B", "A", STOP_ONLY);

    report(a, SERVICE_START_PENDING, 0);
    STEP(0, "STOP B");
    stopped(b);
    STEP(10, "");
    report(a, SERVICE_RUNNING, STOP_ONLY);
    STEP(20, "STOP A");
}
END_TEST

START_TEST(test_starting_dependent_holds)
{
    struct scm_service *a = svc("A", NULL, STOP_ONLY);
    struct scm_service *b = fake_service(&scm, "B", "A", NULL, NULL);

    report(b, SERVICE_START_PENDING, 0);
    STEP(0, "");
    report(b, SERVICE_RUNNING, SERVICE_ACCEPT_SHUTDOWN);
    STEP(10, "SHUTDOWN B");
    stopped(b);
    STEP(20, "STOP A");
    (void)a;
}
END_TEST

START_TEST(test_no_stop_control)
{
    /* One that takes none of the three: its host is killed (when it is
     * alone there), after its dependents. */
    struct scm_service *d = svc("D", "Mute", STOP_ONLY);
    svc("Mute", NULL, SERVICE_ACCEPT_PAUSE_CONTINUE);

    STEP(0, "STOP D");
    stopped(d);
    STEP(10, "KILL Mute");
    STEP(20, "");
}
END_TEST

START_TEST(test_group_dependents_first)
{
    /* DependOnGroup counts as a dependency on every member. */
    struct scm_service *m = fake_service(&scm, "M", NULL, NULL, "G");
    struct scm_service *d = fake_service(&scm, "D", NULL, "G", NULL);

    report(m, SERVICE_RUNNING, STOP_ONLY);
    report(d, SERVICE_RUNNING, STOP_ONLY);
    STEP(0, "STOP D");
    stopped(d);
    STEP(10, "STOP M");
}
END_TEST

START_TEST(test_stopped_and_paused)
{
    struct scm_service *p = svc("Paused", NULL, STOP_ONLY | SERVICE_ACCEPT_PAUSE_CONTINUE);

    fake_service(&scm, "Idle", NULL, NULL, NULL);
    report(p, SERVICE_PAUSED, STOP_ONLY | SERVICE_ACCEPT_PAUSE_CONTINUE);
    STEP(0, "STOP Paused");
}
END_TEST

START_TEST(test_client_cannot_send_shutdown_controls)
{
    /* ControlService: SHUTDOWN and PRESHUTDOWN are the SCM's own
     * (ERROR_INVALID_PARAMETER), even to a service that accepts them. */
    struct scm_service *s = svc("S", NULL, PRE | SERVICE_ACCEPT_SHUTDOWN);

    ck_assert_uint_eq(scm_control_send(&scm, s, SERVICE_CONTROL_SHUTDOWN, (struct scm_waiter){ 0 }),
                      ERROR_INVALID_PARAMETER);
    ck_assert_uint_eq(scm_control_send(&scm, s, SERVICE_CONTROL_PRESHUTDOWN, (struct scm_waiter){ 0 }),
                      ERROR_INVALID_PARAMETER);
    /* The SCM's own path checks state and acceptance instead (this fake
     * service has no host: past those checks it cannot take a control). */
    ck_assert_uint_eq(scm_control_send_shutdown(&scm, s, SERVICE_CONTROL_SHUTDOWN),
                      ERROR_SERVICE_CANNOT_ACCEPT_CTRL);
    ck_assert_uint_eq(scm_control_send_shutdown(&scm, s, SERVICE_CONTROL_PAUSE), ERROR_INVALID_PARAMETER);
    report(s, SERVICE_RUNNING, STOP_ONLY);
    ck_assert_uint_eq(scm_control_send_shutdown(&scm, s, SERVICE_CONTROL_SHUTDOWN),
                      ERROR_INVALID_SERVICE_CONTROL);
    ck_assert_uint_eq(scm_control_send_shutdown(&scm, s, SERVICE_CONTROL_PRESHUTDOWN),
                      ERROR_INVALID_SERVICE_CONTROL);
    report(s, SERVICE_STOP_PENDING, 0);
    ck_assert_uint_eq(scm_control_send_shutdown(&scm, s, SERVICE_CONTROL_SHUTDOWN),
                      ERROR_SERVICE_CANNOT_ACCEPT_CTRL);
    stopped(s);
    ck_assert_uint_eq(scm_control_send_shutdown(&scm, s, SERVICE_CONTROL_SHUTDOWN),
                      ERROR_SERVICE_NOT_ACTIVE);
}
END_TEST

static Suite *suite(void)
{
    Suite *su = suite_create("shutdown");
    TCase *tc = tcase_create("order");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_order_of_issue);
    tcase_add_test(tc, test_preshutdown_timeout_each_its_own);
    tcase_add_test(tc, test_preshutdown_ends_when_all_stopped);
    tcase_add_test(tc, test_preshutdown_ignored);
    tcase_add_test(tc, test_shutdown_preferred_to_stop);
    tcase_add_test(tc, test_each_once);
    tcase_add_test(tc, test_refused_send_is_tried_again);
    tcase_add_test(tc, test_preshutdown_dependents_first);
    tcase_add_test(tc, test_preshutdown_dependent_timed_out);
    tcase_add_test(tc, test_starting_joins_later);
    tcase_add_test(tc, test_starting_dependent_holds);
    tcase_add_test(tc, test_no_stop_control);
    tcase_add_test(tc, test_group_dependents_first);
    tcase_add_test(tc, test_stopped_and_paused);
    tcase_add_test(tc, test_client_cannot_send_shutdown_controls);
    suite_add_tcase(su, tc);
    return su;
}

int main(void)
{
    return test_run_suite(suite());
}
