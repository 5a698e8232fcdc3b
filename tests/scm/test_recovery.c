/*
 * test_recovery.c - failure actions (scm/recovery.c) through the state
 * machine with fake effects, a libuv loop for the delays, a clock the
 * test sets and a command runner that only records: which action each
 * failure takes, the reset period, the non-crash flag, the events, the
 * count kept in ROOT/run/failures, and what a waiting action does when
 * its service is gone.
 */
#include "fake.h"
#include "recovery.h"
#include "paths.h"
#include "../testutil.h"

#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

static struct scm scm;
static struct fake fk;
static uv_loop_t loop;
static struct scm_effects fx;
static int64_t now_ms;
static int run_rc;              /* what the fake runner returns */
static char root[64];

static int64_t fake_now(struct scm *s)
{
    (void)s;
    return now_ms;
}

static int fake_run(struct scm *s, const char *object_name, const char *cmdline)
{
    if (object_name != NULL)
        fake_logf(fake_of(s), "run as %s: %s", object_name, cmdline);
    else
        fake_logf(fake_of(s), "run %s", cmdline);
    return run_rc;
}

/* scmd's failed effect is recovery; the fake's line is kept before it. */
static void failed_to_recovery(struct scm *s, struct scm_service *svc, int crashed)
{
    fake_failed(s, svc, crashed);
    scm_recovery_failed(s, svc, crashed);
}

static const struct scm_recovery_hooks hooks = { .now_ms = fake_now, .run = fake_run };

static void setup(void)
{
    fake_scm_init(&scm, &fk);
    fx = fake_effects;
    fx.failed = failed_to_recovery;
    scm.fx = &fx;
    ck_assert_int_eq(uv_loop_init(&loop), 0);
    scm.loop = &loop;
    now_ms = 1000000;
    run_rc = 0;
    snprintf(root, sizeof root, "/tmp/svchost-rec.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(root));
    {
        char *run = svc_path_run_dir(root);
        ck_assert_int_eq(mkdir(run, 0755), 0);
        free(run);
    }
    scm.root = root;
    ck_assert_int_eq(scm_recovery_init(&scm, &hooks), 0);
}

static void rm_root(void)
{
    char *f = svc_path_failures_file(root), *run = svc_path_run_dir(root), *ini = svc_path_scm_ini(root),
         *cfg = svc_path_config_dir(root);
    unlink(f);
    unlink(ini);
    rmdir(cfg);
    rmdir(run);
    rmdir(root);
    free(f);
    free(run);
    free(ini);
    free(cfg);
}

static void teardown(void)
{
    scm_recovery_free(&scm);
    fake_scm_free(&scm);
    uv_run(&loop, UV_RUN_DEFAULT);     /* the timers' close callbacks */
    ck_assert_int_eq(uv_loop_close(&loop), 0);
    rm_root();
}

/* Sets FailureActions from pairs (type, delay), n pairs. */
static void actions(struct scm_service *s, uint32_t reset_s, size_t n, ...)
{
    va_list ap;

    free(s->cfg->failure_actions);
    s->cfg->failure_actions = calloc(n ? n : 1, sizeof *s->cfg->failure_actions);
    ck_assert_ptr_nonnull(s->cfg->failure_actions);
    va_start(ap, n);
    for (size_t i = 0; i < n; i++) {
        s->cfg->failure_actions[i].type = va_arg(ap, uint32_t);
        s->cfg->failure_actions[i].delay_ms = va_arg(ap, uint32_t);
    }
    va_end(ap);
    s->cfg->n_failure_actions = n;
    s->cfg->failure_reset_s = reset_s;
}

static void run_loop(void)
{
    uv_run(&loop, UV_RUN_DEFAULT);
}

/* s runs (started if it is stopped), then its host dies.  Returns the
 * log's length just before the crash: what follows is its answer. */
static size_t crash(struct scm_service *s)
{
    size_t mark;

    if (s->status.dwCurrentState == SERVICE_STOPPED)
        scm_state_event(&scm, s, EV_START, NULL);
    fake_started(&scm, s);
    fake_report(&scm, s, SERVICE_RUNNING, 0, 0);
    mark = fk.n;
    scm_state_event(&scm, s, EV_HOST_EXIT, NULL);
    return mark;
}

static char *text_7031(const char *name, unsigned n, unsigned ms, const char *action)
{
    char *l = NULL;
    ck_assert_int_ge(asprintf(&l,
                              "event 7031 %s: The %s display service terminated unexpectedly. It has "
                              "done this %u time(s). The following corrective action will be taken "
                              "in %u milliseconds: %s.",
                              name, name, n, ms, action),
                     0);
    return l;
}

static char *text_7034(const char *name, unsigned n)
{
    char *l = NULL;
    ck_assert_int_ge(asprintf(&l,
                              "event 7034 %s: The %s display service terminated unexpectedly. It has "
                              "done this %u time(s).",
                              name, name, n),
                     0);
    return l;
}

static char *text_7032(const char *name, const char *action, DWORD err)
{
    char *l = NULL;
    ck_assert_int_ge(asprintf(&l,
                              "event 7032 %s: The Service Control Manager tried to take a corrective "
                              "action (%s) after the unexpected termination of the %s display "
                              "service, but this action failed with the following error: %s",
                              name, action, name, svc_win32_message(err)),
                     0);
    return l;
}

/* Asserts that line is in the log since mark; frees line. */
static void expect_line(size_t mark, char *line)
{
    ck_assert_msg(fake_find(&fk, mark, line) >= 0, "not logged: %s\nlog:\n%s", line,
                  fake_log_from(&fk, mark));
    free(line);
}

/* ---- which action ---------------------------------------------------------- */

/* The Nth failure takes action N; after the last, the last again. */
START_TEST(test_nth_failure_nth_action)
{
    struct scm_service *s = fake_service(&scm, "Svc", NULL, NULL, NULL);
    size_t mark;

    actions(s, INFINITE, 3, SC_ACTION_RESTART, 0u, SC_ACTION_RUN_COMMAND, 0u, SC_ACTION_REBOOT, 0u);
    s->cfg->failure_command = fake_strdup("notify --count=%1%");

    mark = crash(s);
    expect_line(mark, text_7031("Svc", 1, 0, "Restart the service"));
    ck_assert_uint_eq(scm_recovery_waiting(&scm), 1);
    ck_assert_int_lt(fake_find(&fk, mark, "start Svc"), 0);    /* not before the delay */
    run_loop();
    ck_assert_int_ge(fake_find(&fk, mark, "start Svc"), 0);
    ck_assert_uint_eq(s->status.dwCurrentState, SERVICE_START_PENDING);
    ck_assert_uint_eq(scm_recovery_waiting(&scm), 0);

    mark = crash(s);
    expect_line(mark, text_7031("Svc", 2, 0, "Run the configured recovery program"));
    run_loop();
    ck_assert_int_ge(fake_find(&fk, mark, "run notify --count=2"), 0);
    ck_assert_int_lt(fake_find(&fk, mark, "start Svc"), 0);

    /* Reboot, refused: scm.ini (none here) does not allow it. */
    mark = crash(s);
    expect_line(mark, text_7031("Svc", 3, 0, "Reboot the machine"));
    run_loop();
    expect_line(mark, text_7032("Svc", "Reboot the machine", ERROR_ACCESS_DENIED));
    ck_assert_uint_eq(fake_count(&fk, mark, "run "), 0);

    /* The fourth failure repeats the last action. */
    mark = crash(s);
    expect_line(mark, text_7031("Svc", 4, 0, "Reboot the machine"));
    run_loop();
    expect_line(mark, text_7032("Svc", "Reboot the machine", ERROR_ACCESS_DENIED));
}
END_TEST

/* With AllowReboot = 1, the reboot action runs RebootCommand. */
START_TEST(test_reboot_allowed)
{
    struct scm_service *s = fake_service(&scm, "Svc", NULL, NULL, NULL);
    char *cfg = svc_path_config_dir(root), *ini = svc_path_scm_ini(root);
    FILE *f;
    size_t mark;

    ck_assert_int_eq(mkdir(cfg, 0755), 0);
    f = fopen(ini, "w");
    ck_assert_ptr_nonnull(f);
    fputs("[SCM]\nAllowReboot = 1\nRebootCommand = echo rebooting\n", f);
    fclose(f);
    actions(s, INFINITE, 1, SC_ACTION_REBOOT, 0u);
    s->cfg->reboot_message = fake_strdup("going down");
    mark = crash(s);
    run_loop();
    ck_assert_int_ge(fake_find(&fk, mark, "run echo rebooting"), 0);
    ck_assert_uint_eq(fake_count(&fk, mark, "event 7032"), 0);
    /* A runner that fails: 7032 with its error. */
    run_rc = -ENOENT;
    mark = crash(s);
    run_loop();
    expect_line(mark, text_7032("Svc", "Reboot the machine", ERROR_FILE_NOT_FOUND));
    free(cfg);
    free(ini);
}
END_TEST

/* No actions, or SC_ACTION_NONE: 7034 with the count, nothing waits. */
START_TEST(test_no_action_7034)
{
    struct scm_service *s = fake_service(&scm, "Svc", NULL, NULL, NULL);
    size_t mark = crash(s);
    expect_line(mark, text_7034("Svc", 1));
    ck_assert_uint_eq(scm_recovery_waiting(&scm), 0);
    ck_assert_uint_eq(fake_count(&fk, mark, "event 7031"), 0);
    actions(s, INFINITE, 3, SC_ACTION_RESTART, 0u, SC_ACTION_RESTART, 0u, SC_ACTION_NONE, 0u);
    crash(s);
    expect_line(mark, text_7031("Svc", 2, 0, "Restart the service"));
    run_loop();
    mark = crash(s);
    expect_line(mark, text_7034("Svc", 3));
    ck_assert_uint_eq(scm_recovery_waiting(&scm), 0);
    run_loop();
    ck_assert_int_lt(fake_find(&fk, mark, "start Svc"), 0);
    /* Shutting down, or marked for deletion: no action either. */
    scm.shutting_down = 1;
    actions(s, INFINITE, 1, SC_ACTION_RESTART, 0u);
    mark = crash(s);
    expect_line(mark, text_7034("Svc", 4));
    scm.shutting_down = 0;
    s->marked_for_delete = 1;
    crash(s);
    expect_line(mark, text_7034("Svc", 5));
    ck_assert_uint_eq(scm_recovery_waiting(&scm), 0);
    s->marked_for_delete = 0;
}
END_TEST

/* "%1%" is the failure count; the rest of the command is as written. */
START_TEST(test_command_count)
{
    char *c = scm_recovery_command("cmd /c notify.bat /fail=%1%", 3);
    ck_assert_str_eq(c, "cmd /c notify.bat /fail=3");
    free(c);
    c = scm_recovery_command("%1%-%1% %1 %%1%", 12);
    ck_assert_str_eq(c, "12-12 %1 %12");
    free(c);
    c = scm_recovery_command("plain", 7);
    ck_assert_str_eq(c, "plain");
    free(c);
    ck_assert_str_eq(scm_recovery_action_text(SC_ACTION_NONE), "No action");
    ck_assert_str_eq(scm_recovery_action_text(SC_ACTION_RESTART), "Restart the service");
    ck_assert_ptr_null(scm_recovery_action_text(4));
}
END_TEST

/* A run action without FailureCommand runs nothing (Win32: an empty
 * lpCommand); a runner that fails is 7032. */
START_TEST(test_run_without_command)
{
    struct scm_service *s = fake_service(&scm, "Svc", NULL, NULL, NULL);
    size_t mark;

    actions(s, INFINITE, 1, SC_ACTION_RUN_COMMAND, 0u);
    mark = crash(s);
    run_loop();
    ck_assert_uint_eq(fake_count(&fk, mark, "run "), 0);
    ck_assert_uint_eq(fake_count(&fk, mark, "event 7032"), 0);
    s->cfg->failure_command = fake_strdup("notify");
    run_rc = -EACCES;
    mark = crash(s);
    run_loop();
    ck_assert_int_ge(fake_find(&fk, mark, "run notify"), 0);
    expect_line(mark, text_7032("Svc", "Run the configured recovery program", ERROR_ACCESS_DENIED));
}
END_TEST

/* ---- the count ------------------------------------------------------------- */

/* The count goes back to 0 after the reset period without a failure. */
START_TEST(test_reset_period)
{
    struct scm_service *s = fake_service(&scm, "Svc", NULL, NULL, NULL);
    size_t mark;

    actions(s, 60, 1, SC_ACTION_NONE, 0u);
    crash(s);
    now_ms += 30000;
    crash(s);
    ck_assert_uint_eq(s->failures, 2);
    now_ms += 60000;               /* exactly the period: not yet past it */
    crash(s);
    ck_assert_uint_eq(s->failures, 3);
    now_ms += 60001;
    mark = crash(s);
    ck_assert_uint_eq(s->failures, 1);
    expect_line(mark, text_7034("Svc", 1));
    /* INFINITE: never reset. */
    s->cfg->failure_reset_s = INFINITE;
    now_ms += 1000LL * 3600 * 24 * 365;
    crash(s);
    ck_assert_uint_eq(s->failures, 2);
}
END_TEST

/* A stop with an error counts only with the flag and some actions. */
START_TEST(test_non_crash_flag)
{
    struct scm_service *s = fake_service(&scm, "Svc", NULL, NULL, NULL);
    SERVICE_STATUS st = fake_status(SERVICE_STOPPED, 0, 0);
    size_t mark;

    st.dwWin32ExitCode = ERROR_SERVICE_SPECIFIC_ERROR;
    actions(s, INFINITE, 1, SC_ACTION_RESTART, 0u);
    scm_state_event(&scm, s, EV_START, NULL);
    fake_report(&scm, s, SERVICE_RUNNING, 0, 0);
    mark = fk.n;
    scm_state_event(&scm, s, EV_STATUS, &(struct scm_event_data){ .status = &st });
    ck_assert_int_ge(fake_find(&fk, mark, "failed Svc exit"), 0);   /* reported, ... */
    ck_assert_uint_eq(s->failures, 0);                              /* ... not counted */
    ck_assert_uint_eq(fake_count(&fk, mark, "event 703"), 1);       /* 7036, no 7031/7034 */

    s->cfg->failure_non_crash = 1;
    scm_state_event(&scm, s, EV_START, NULL);
    fake_report(&scm, s, SERVICE_RUNNING, 0, 0);
    mark = fk.n;
    scm_state_event(&scm, s, EV_STATUS, &(struct scm_event_data){ .status = &st });
    ck_assert_uint_eq(s->failures, 1);
    expect_line(mark, text_7031("Svc", 1, 0, "Restart the service"));
    run_loop();
    ck_assert_int_ge(fake_find(&fk, mark, "start Svc"), 0);

    /* The flag without actions is ignored. */
    actions(s, INFINITE, 0);
    fake_report(&scm, s, SERVICE_RUNNING, 0, 0);
    scm_state_event(&scm, s, EV_STATUS, &(struct scm_event_data){ .status = &st });
    ck_assert_uint_eq(s->failures, 1);
}
END_TEST

static char *read_failures(void)
{
    char *path = svc_path_failures_file(root), *buf = calloc(1, 4096);
    int fd = open(path, O_RDONLY);
    ssize_t n;

    ck_assert_int_ge(fd, 0);
    n = read(fd, buf, 4095);
    ck_assert_int_ge(n, 0);
    close(fd);
    free(path);
    return buf;
}

/* The count and the time of the last failure are in ROOT/run/failures
 * and come back at load; a record whose service is gone is dropped. */
START_TEST(test_count_kept)
{
    struct scm_service *s = fake_service(&scm, "Svc", NULL, NULL, NULL);
    struct scm_service *o = fake_service(&scm, "Other", NULL, NULL, NULL);
    char *text, want[128];

    crash(s);
    now_ms += 5;
    crash(s);
    crash(o);
    text = read_failures();
    snprintf(want, sizeof want, "2 %lld Svc\n", (long long)now_ms);
    ck_assert_msg(strstr(text, want) != NULL, "no '%s' in:\n%s", want, text);
    ck_assert_ptr_nonnull(strstr(text, " Other\n"));
    free(text);

    /* A new scmd: the services as loaded, Other deleted meanwhile. */
    scm_service_unlink(&scm, o);
    scm_service_free(o);
    s->failures = 0;
    s->last_failure_ms = 0;
    scm_recovery_load(&scm);
    ck_assert_uint_eq(s->failures, 2);
    ck_assert_int_eq(s->last_failure_ms, now_ms);
    text = read_failures();
    ck_assert_ptr_null(strstr(text, "Other"));
    ck_assert_ptr_nonnull(strstr(text, want));
    free(text);
    /* The count goes on from there. */
    crash(s);
    ck_assert_uint_eq(s->failures, 3);
}
END_TEST

/* A file with a bad line: the line is dropped, the rest read. */
START_TEST(test_load_bad_line)
{
    struct scm_service *s = fake_service(&scm, "Svc", NULL, NULL, NULL);
    char *path = svc_path_failures_file(root);
    FILE *f = fopen(path, "w");

    ck_assert_ptr_nonnull(f);
    fputs("# comment\nnonsense\n4 77 \n7 99 Svc\n", f);
    fclose(f);
    scm_recovery_load(&scm);
    ck_assert_uint_eq(s->failures, 7);
    ck_assert_int_eq(s->last_failure_ms, 99);
    free(path);
}
END_TEST

/* ---- waiting actions --------------------------------------------------------- */

/* A restart waits its delay: not taken before the loop runs its timer. */
START_TEST(test_restart_waits_delay)
{
    struct scm_service *s = fake_service(&scm, "Svc", NULL, NULL, NULL);
    size_t mark;
    uint64_t t0;

    actions(s, INFINITE, 1, SC_ACTION_RESTART, 50u);
    /* The loop's time before the crash arms the timer (on that time): 50
     * ms from then, not from a later reading. */
    uv_update_time(&loop);
    t0 = uv_now(&loop);
    mark = crash(s);
    uv_run(&loop, UV_RUN_NOWAIT);
    ck_assert_int_lt(fake_find(&fk, mark, "start Svc"), 0);
    run_loop();
    ck_assert_int_ge(fake_find(&fk, mark, "start Svc"), 0);
    ck_assert_uint_ge(uv_now(&loop) - t0, 50);
}
END_TEST

/* A service deleted (or deleted and created again) before its delay is
 * over is not restarted; the same delay with the service kept is. */
START_TEST(test_deleted_before_delay)
{
    struct scm_service *s = fake_service(&scm, "Svc", NULL, NULL, NULL);
    size_t mark;

    actions(s, INFINITE, 1, SC_ACTION_RESTART, 10u);
    mark = crash(s);
    run_loop();
    ck_assert_int_ge(fake_find(&fk, mark, "start Svc"), 0);      /* it would be seen */
    fake_report(&scm, s, SERVICE_STOPPED, 0, 0);

    crash(s);
    scm_service_unlink(&scm, s);
    scm_service_free(s);
    mark = fk.n;
    run_loop();
    EXPECT_NO_LOG(&fk, mark);

    s = fake_service(&scm, "Svc", NULL, NULL, NULL);
    actions(s, INFINITE, 1, SC_ACTION_RESTART, 10u);
    crash(s);
    scm_service_unlink(&scm, s);
    scm_service_free(s);
    s = fake_service(&scm, "Svc", NULL, NULL, NULL);   /* created again: count 0 */
    mark = fk.n;
    run_loop();
    EXPECT_NO_LOG(&fk, mark);
}
END_TEST

/* A restart that cannot be done: 7032 with the reason, as Windows
 * (1056 when the service runs already, 1058 when disabled, the start's
 * own error when it fails at once). */
START_TEST(test_restart_fails)
{
    struct scm_service *s = fake_service(&scm, "Svc", NULL, NULL, NULL);
    size_t mark;

    actions(s, INFINITE, 1, SC_ACTION_RESTART, 0u);
    crash(s);
    scm_state_event(&scm, s, EV_START, NULL);     /* started by hand meanwhile */
    mark = fk.n;
    run_loop();
    expect_line(mark, text_7032("Svc", "Restart the service", ERROR_SERVICE_ALREADY_RUNNING));

    crash(s);
    s->cfg->start = SERVICE_DISABLED;
    mark = fk.n;
    run_loop();
    expect_line(mark, text_7032("Svc", "Restart the service", ERROR_SERVICE_DISABLED));
    s->cfg->start = SERVICE_DEMAND_START;

    crash(s);
    fk.start_err = ERROR_FILE_NOT_FOUND;
    mark = fk.n;
    run_loop();
    ck_assert_int_ge(fake_find(&fk, mark, "start Svc"), 0);
    expect_line(mark, text_7032("Svc", "Restart the service", ERROR_FILE_NOT_FOUND));
}
END_TEST

/* A newer failure replaces the action still waiting. */
START_TEST(test_newer_failure_replaces)
{
    struct scm_service *s = fake_service(&scm, "Svc", NULL, NULL, NULL);
    size_t mark;

    actions(s, INFINITE, 2, SC_ACTION_RESTART, 100000u, SC_ACTION_RESTART, 0u);
    crash(s);
    ck_assert_uint_eq(scm_recovery_waiting(&scm), 1);
    crash(s);              /* started by hand and crashed again */
    ck_assert_uint_eq(scm_recovery_waiting(&scm), 1);
    mark = fk.n;
    run_loop();            /* returns at once: the 100 s timer is gone */
    ck_assert_uint_eq(fake_count(&fk, mark, "start Svc"), 1);
    ck_assert_uint_eq(scm_recovery_waiting(&scm), 0);
}
END_TEST

/* Two services of one crashed host with the same delay: both restarted
 * when it is over, each by its own start (hosting puts them in one host). */
START_TEST(test_two_services_same_delay)
{
    struct scm_service *a = fake_service(&scm, "A", NULL, NULL, NULL);
    struct scm_service *b = fake_service(&scm, "B", NULL, NULL, NULL);
    size_t mark;

    actions(a, INFINITE, 1, SC_ACTION_RESTART, 20u);
    actions(b, INFINITE, 1, SC_ACTION_RESTART, 20u);
    crash(a);
    crash(b);
    ck_assert_uint_eq(scm_recovery_waiting(&scm), 2);
    mark = fk.n;
    run_loop();
    ck_assert_int_ge(fake_find(&fk, mark, "start A"), 0);
    ck_assert_int_ge(fake_find(&fk, mark, "start B"), 0);
}
END_TEST

static Suite *recovery_suite(void)
{
    Suite *su = suite_create("scm_recovery");
    TCase *tc = tcase_create("actions");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_nth_failure_nth_action);
    tcase_add_test(tc, test_reboot_allowed);
    tcase_add_test(tc, test_no_action_7034);
    tcase_add_test(tc, test_command_count);
    tcase_add_test(tc, test_run_without_command);
    suite_add_tcase(su, tc);

    tc = tcase_create("count");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_reset_period);
    tcase_add_test(tc, test_non_crash_flag);
    tcase_add_test(tc, test_count_kept);
    tcase_add_test(tc, test_load_bad_line);
    suite_add_tcase(su, tc);

    tc = tcase_create("waiting");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_restart_waits_delay);
    tcase_add_test(tc, test_deleted_before_delay);
    tcase_add_test(tc, test_restart_fails);
    tcase_add_test(tc, test_newer_failure_replaces);
    tcase_add_test(tc, test_two_services_same_delay);
    suite_add_tcase(su, tc);
    return su;
}

int main(void)
{
    return test_run_suite(recovery_suite());
}
