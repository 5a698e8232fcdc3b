/*
 * test_deadline.c - scm/deadline.c on a real loop: deadlines run in due
 * order and never before their due time, a stopped one does not run
 * (while one due at the same moment does), one started earlier than the
 * timerfd is set for runs at its own time, one may start itself again
 * from its callback, and pending deadlines leave the loop's epoll_wait
 * without a timeout of their own (uv_backend_timeout before each sleep).
 */
#include "deadline.h"
#include "../testutil.h"

#include <check.h>
#include <string.h>

static uv_loop_t loop;
static struct scm scm;
static uv_timer_t guard;       /* ends a test whose deadlines never run */
static uv_prepare_t before;    /* runs just before the loop sleeps ... */
static int short_sleeps;       /* ... and counts sleeps with a timeout under 2 s */
static char order[64];
static size_t fired, expect;
static int early;              /* deadlines that ran before their due time */

static void on_guard(uv_timer_t *t)
{
    (void)t;
    uv_stop(&loop);
}

static void on_before(uv_prepare_t *p)
{
    int t = uv_backend_timeout(p->loop);

    if (t > 0 && t < 2000)
        short_sleeps++;
}

static void setup(void)
{
    ck_assert_int_eq(uv_loop_init(&loop), 0);
    memset(&scm, 0, sizeof scm);
    scm.loop = &loop;
    uv_loop_set_data(&loop, &scm);
    ck_assert_int_eq(scm_deadlines_open(&scm), 0);
    uv_timer_init(&loop, &guard);
    uv_timer_start(&guard, on_guard, 3000, 0);
    uv_prepare_init(&loop, &before);
    uv_prepare_start(&before, on_before);
    short_sleeps = 0;
    memset(order, 0, sizeof order);
    fired = expect = 0;
    early = 0;
}

static void teardown(void)
{
    uv_close((uv_handle_t *)&guard, NULL);
    uv_close((uv_handle_t *)&before, NULL);
    scm_deadlines_close(&scm);
    uv_run(&loop, UV_RUN_DEFAULT);
    ck_assert_int_eq(uv_loop_close(&loop), 0);
}

static void note(struct scm_deadline *d)
{
    uint64_t now = scm_deadline_now_ms();

    if (now < d->due_ms)
        early++;
    order[fired++] = *(const char *)d->data;
    if (fired == expect)
        uv_stop(&loop);
}

static void on_fire(struct scm *c, struct scm_deadline *d)
{
    ck_assert_ptr_eq(c, &scm);
    note(d);
}

START_TEST(test_order_and_stop)
{
    struct scm_deadline a = { .data = "a" }, b = { .data = "b" }, c = { .data = "c" },
                        gone = { .data = "x" }, twin = { .data = "t" };

    scm_deadline_start(&scm, &c, 60, on_fire);
    scm_deadline_start(&scm, &a, 20, on_fire);
    scm_deadline_start(&scm, &gone, 40, on_fire);
    scm_deadline_start(&scm, &twin, 40, on_fire);
    scm_deadline_start(&scm, &b, 40, on_fire);
    ck_assert(scm_deadline_pending(&gone));
    scm_deadline_stop(&gone);
    ck_assert(!scm_deadline_pending(&gone));
    scm_deadline_stop(&gone);   /* twice: nothing */
    expect = 4;
    uv_run(&loop, UV_RUN_DEFAULT);
    /* While they waited, the loop slept with no timeout but the guard's
     * (3 s from the start) ... */
    ck_assert_int_eq(short_sleeps, 0);
    /* ... where a libuv timer would have given it one. */
    uv_timer_t t;
    uv_timer_init(&loop, &t);
    uv_timer_start(&t, on_guard, 30, 0);
    uv_run(&loop, UV_RUN_DEFAULT);
    ck_assert_int_gt(short_sleeps, 0);
    uv_close((uv_handle_t *)&t, NULL);
    uv_run(&loop, UV_RUN_NOWAIT);
    /* Equal due times run in start order: the twin, then b. */
    ck_assert_str_eq(order, "atbc");
    ck_assert_int_eq(early, 0);
    ck_assert(!scm_deadline_pending(&a) && !scm_deadline_pending(&c));
}
END_TEST

START_TEST(test_earlier_than_armed)
{
    struct scm_deadline slow = { .data = "s" }, quick = { .data = "q" };
    uint64_t t0 = scm_deadline_now_ms();

    scm_deadline_start(&scm, &slow, 2000, on_fire);
    scm_deadline_start(&scm, &quick, 10, on_fire);
    expect = 1;
    uv_run(&loop, UV_RUN_DEFAULT);
    ck_assert_str_eq(order, "q");
    ck_assert_uint_lt(scm_deadline_now_ms() - t0, 1500);
    scm_deadline_stop(&slow);
}
END_TEST

static void on_again(struct scm *c, struct scm_deadline *d)
{
    note(d);
    if (fired < 3)
        scm_deadline_start(c, d, 5, on_again);
}

START_TEST(test_restart_from_callback)
{
    struct scm_deadline p = { .data = "p" };

    scm_deadline_start(&scm, &p, 5, on_again);
    expect = 3;
    uv_run(&loop, UV_RUN_DEFAULT);
    ck_assert_str_eq(order, "ppp");
    ck_assert(!scm_deadline_pending(&p));
    ck_assert_int_eq(early, 0);
}
END_TEST

START_TEST(test_restart_moves_it)
{
    struct scm_deadline m = { .data = "m" }, n = { .data = "n" };

    scm_deadline_start(&scm, &m, 10, on_fire);
    scm_deadline_start(&scm, &n, 30, on_fire);
    /* Started again while pending: the first due time goes. */
    scm_deadline_start(&scm, &m, 60, on_fire);
    expect = 2;
    uv_run(&loop, UV_RUN_DEFAULT);
    ck_assert_str_eq(order, "nm");
    ck_assert_int_eq(early, 0);
}
END_TEST

static Suite *deadline_suite(void)
{
    Suite *su = suite_create("deadline");
    TCase *tc = tcase_create("deadline");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_order_and_stop);
    tcase_add_test(tc, test_earlier_than_armed);
    tcase_add_test(tc, test_restart_from_callback);
    tcase_add_test(tc, test_restart_moves_it);
    suite_add_tcase(su, tc);
    return su;
}

int main(void)
{
    return test_run_suite(deadline_suite());
}
