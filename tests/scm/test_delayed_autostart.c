/*
 * test_delayed_autostart.c - delayed auto-start (scm/jobs.c) over the
 * fake effects, without a loop: the delay's timer is not armed, and the
 * test calls scm_jobs_autostart_delayed where the timer would.
 *
 * The Windows rules (SERVICE_DELAYED_AUTO_START_INFO): a delayed
 * auto-start service starts after the other auto-start services plus a
 * delay; the SCM starts the delayed ones one at a time, honouring
 * dependencies; one started on demand before then simply runs; the flag
 * means nothing unless the start type is auto.
 */
#include "fake.h"
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

/* An auto-start service (delayed or not) depending on deps. */
static struct scm_service *svc(const char *name, int delayed, const char *deps)
{
    struct scm_service *s = fake_service(&scm, name, deps, NULL, NULL);
    s->cfg->start = SERVICE_AUTO_START;
    s->cfg->delayed_autostart = (uint32_t)delayed;
    return s;
}

/* The host took START and the service reports RUNNING. */
static void runs(struct scm_service *s)
{
    fake_started(&scm, s);
    fake_report(&scm, s, SERVICE_RUNNING, 0, 0);
}


#define EXPECT_STARTS(from, expected)                \
    do {                                             \
        char *got_ = fake_joined(&fk, (from), "start ", " ", 0); \
        ck_assert_str_eq(got_, (expected));          \
        free(got_);                                  \
    } while (0)

START_TEST(test_after_the_others)
{
    struct scm_service *n = svc("N", 0, NULL);
    struct scm_service *d = svc("D", 1, NULL);
    size_t from = fk.n;

    scm_jobs_autostart(&scm);
    EXPECT_STARTS(from, "N");
    ck_assert_ptr_nonnull(scm.autostart);
    /* The delay cannot have begun: N is still starting. */
    scm_jobs_autostart_delayed(&scm);
    EXPECT_STARTS(from, "N");
    fake_started(&scm, n);
    scm_jobs_autostart_delayed(&scm);
    EXPECT_STARTS(from, "N");
    /* N runs: the delay begins; when it has passed, D starts. */
    fake_report(&scm, n, SERVICE_RUNNING, 0, 0);
    EXPECT_STARTS(from, "N");
    scm_jobs_autostart_delayed(&scm);
    EXPECT_STARTS(from, "N D");
    runs(d);
    /* Once only. */
    scm_jobs_autostart_delayed(&scm);
    EXPECT_STARTS(from, "N D");
}
END_TEST

START_TEST(test_failed_auto_start_settles_too)
{
    struct scm_service *n = svc("N", 0, NULL);
    size_t from = fk.n;

    svc("D", 1, NULL);
    fake_fail_start(&fk, "N", ERROR_FILE_NOT_FOUND);
    scm_jobs_autostart(&scm);
    ck_assert_uint_eq(n->status.dwCurrentState, SERVICE_STOPPED);
    scm_jobs_autostart_delayed(&scm);
    EXPECT_STARTS(from, "N D");
}
END_TEST

START_TEST(test_one_at_a_time)
{
    struct scm_service *d1 = svc("D1", 1, NULL);
    struct scm_service *d2 = svc("D2", 1, NULL);
    struct scm_service *d3 = svc("D3", 1, NULL);
    size_t from = fk.n;

    /* No other auto-start service: the delay begins at once. */
    scm_jobs_autostart(&scm);
    EXPECT_STARTS(from, "");
    scm_jobs_autostart_delayed(&scm);
    EXPECT_STARTS(from, "D1");
    fake_started(&scm, d1);
    EXPECT_STARTS(from, "D1");       /* START_PENDING still */
    fake_report(&scm, d1, SERVICE_RUNNING, 0, 0);
    EXPECT_STARTS(from, "D1 D2");
    /* D2 fails: the next goes on. */
    fake_report(&scm, d2, SERVICE_STOPPED, 0, 0);
    EXPECT_STARTS(from, "D1 D2 D3");
    runs(d3);
    EXPECT_STARTS(from, "D1 D2 D3");
}
END_TEST

START_TEST(test_started_on_demand_is_skipped)
{
    struct scm_service *d1 = svc("D1", 1, NULL);
    size_t from = fk.n;

    svc("D2", 1, NULL);
    scm_jobs_autostart(&scm);
    /* StartService before the delay: it starts now (Windows does not
     * delay it further). */
    ck_assert_uint_eq(scm_job_start(&scm, d1, (struct scm_waiter){ 0 }, NULL), NO_ERROR);
    EXPECT_STARTS(from, "D1");
    runs(d1);
    scm_jobs_autostart_delayed(&scm);
    EXPECT_STARTS(from, "D1 D2");
}
END_TEST

START_TEST(test_dependencies_first)
{
    /* A delayed service's dependencies start first, through its job; an
     * auto-start service depending on a delayed one starts it at once. */
    struct scm_service *lib = fake_service(&scm, "Lib", NULL, NULL, NULL);
    struct scm_service *d = svc("D", 1, "Lib");
    struct scm_service *e = svc("E", 1, NULL);
    struct scm_service *n = svc("N", 0, "E");
    size_t from = fk.n;

    scm_jobs_autostart(&scm);
    EXPECT_STARTS(from, "E");
    runs(e);
    EXPECT_STARTS(from, "E N");
    runs(n);
    scm_jobs_autostart_delayed(&scm);
    EXPECT_STARTS(from, "E N Lib");
    runs(lib);
    EXPECT_STARTS(from, "E N Lib D");
    runs(d);
    EXPECT_STARTS(from, "E N Lib D");
}
END_TEST

START_TEST(test_only_for_auto_start)
{
    struct scm_service *m = fake_service(&scm, "M", NULL, NULL, NULL);
    size_t from = fk.n;

    m->cfg->delayed_autostart = 1;      /* demand start: the flag means nothing */
    scm_jobs_autostart(&scm);
    ck_assert_ptr_null(scm.autostart);
    scm_jobs_autostart_delayed(&scm);
    EXPECT_STARTS(from, "");
}
END_TEST

START_TEST(test_not_while_shutting_down)
{
    size_t from = fk.n;

    svc("D", 1, NULL);
    scm_jobs_autostart(&scm);
    scm.shutting_down = 1;
    scm_jobs_autostart_delayed(&scm);
    EXPECT_STARTS(from, "");
    scm.shutting_down = 0;
    /* Shown to be possible: without the shutdown it starts. */
    scm_jobs_autostart_delayed(&scm);
    EXPECT_STARTS(from, "D");
}
END_TEST

START_TEST(test_refused_is_logged_once)
{
    struct scm_service *d1 = svc("D1", 1, NULL);
    size_t from = fk.n;

    svc("D2", 1, NULL);
    d1->marked_for_delete = 1;
    scm_jobs_autostart(&scm);
    scm_jobs_autostart_delayed(&scm);
    EXPECT_STARTS(from, "D2");
    ck_assert_uint_eq(fake_count(&fk, from, "event 7000 D1"), 1);
    fake_report(&scm, scm_service_find(&scm, "D2"), SERVICE_RUNNING, 0, 0);
    ck_assert_uint_eq(fake_count(&fk, from, "event 7000 D1"), 1);
}
END_TEST

static Suite *suite(void)
{
    Suite *su = suite_create("delayed_autostart");
    TCase *tc = tcase_create("delayed");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_after_the_others);
    tcase_add_test(tc, test_failed_auto_start_settles_too);
    tcase_add_test(tc, test_one_at_a_time);
    tcase_add_test(tc, test_started_on_demand_is_skipped);
    tcase_add_test(tc, test_dependencies_first);
    tcase_add_test(tc, test_only_for_auto_start);
    tcase_add_test(tc, test_not_while_shutting_down);
    tcase_add_test(tc, test_refused_is_logged_once);
    suite_add_tcase(su, tc);
    return su;
}

int main(void)
{
    return test_run_suite(suite());
}
