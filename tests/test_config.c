/*
 * test_config.c - the configuration loader against golden files under
 * tests/data/config/ and files written to a temporary state directory.
 */
#include "config.h"
#include "paths.h"

#include <check.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <svchost/winsvc.h>

#include "testutil.h"

#define DATA TEST_SOURCE_DIR "/data/config"
#define SERVICES_ROOT DATA "/services"
#define GROUPS_ROOT DATA "/groups"
#define DEMO_ROOT DATA "/demo"

/* ---- Helpers ---------------------------------------------------------- */

/* Asserts that d holds n lines, listing them when it does not. */
static void expect_diag_count(const struct svc_diag *d, size_t n)
{
    if (d->n != n)
        for (size_t i = 0; i < d->n; i++)
            fprintf(stderr, "diag[%zu]: %s\n", i, d->lines[i]);
    ck_assert_uint_eq(d->n, n);
}

/* Asserts that d holds exactly the lines given, in order. */
static void expect_diag(const struct svc_diag *d, size_t n, ...)
{
    va_list ap;

    va_start(ap, n);
    for (size_t i = 0; i < n && i < d->n; i++) {
        char *want = va_arg(ap, char *);

        ck_assert_str_eq(d->lines[i], want);
        free(want);
    }
    va_end(ap);
    expect_diag_count(d, n);
}

static char *service_file(const char *root, const char *name)
{
    return fmt("%s/config/services/%s.ini", root, name);
}

/* A temporary state directory with config/services/ in it. */
static char tmp_root[PATH_MAX];
static struct svc_scm_config scm_owned;     /* see scm_load */

static void tmp_setup(void)
{
    test_state_dir(tmp_root, sizeof tmp_root, "test_config", 0700);
}

static void tmp_teardown(void)
{
    svc_scm_config_free(&scm_owned);
    test_remove_tree(tmp_root);
}

/* Writes ROOT/config/REL (REL e.g. "services/X.ini"). */
static void write_file(const char *rel, const char *text)
{
    char *path = fmt("%s/config/%s", tmp_root, rel);

    test_write_text(path, text);
    free(path);
}

/* ---- One service ------------------------------------------------------ */

START_TEST(test_service_all_keys)
{
    struct svc_service_config *c = NULL;
    struct svc_diag d = { 0 };
    char *path = service_file(SERVICES_ROOT, "Full");

    ck_assert_int_eq(svc_config_load_service(SERVICES_ROOT, "Full", &c, &d), 0);
    expect_diag(&d, 0);
    ck_assert_str_eq(c->name, "Full");
    ck_assert_str_eq(c->path, path);
    ck_assert_str_eq(c->display_name, "Full Example Service");
    ck_assert_str_eq(c->description, "Uses every key\nand a second line of description.");
    ck_assert_uint_eq(c->type, SERVICE_WIN32_OWN_PROCESS);
    ck_assert_uint_eq(c->start, SERVICE_AUTO_START);
    ck_assert_uint_eq(c->error_control, SERVICE_ERROR_SEVERE);
    ck_assert_str_eq(c->image_path, "\"/opt/full dir/bin/fulld\" --foreground");
    ck_assert_str_eq(c->object_name, "NT AUTHORITY\\LocalService");
    ck_assert_str_eq(c->load_order_group, "NetworkProvider");
    ck_assert_str_eq(c->depend_on_service[0], "Echo");
    ck_assert_str_eq(c->depend_on_service[1], "Heartbeat");
    ck_assert_str_eq(c->depend_on_service[2], "Tcpip");
    ck_assert_ptr_null(c->depend_on_service[3]);
    ck_assert_str_eq(c->depend_on_group[0], "Network");
    ck_assert_str_eq(c->depend_on_group[1], "Storage");
    ck_assert_ptr_null(c->depend_on_group[2]);
    ck_assert_uint_eq(c->wait_hint_ms, 10000);
    ck_assert_str_eq(c->service_dll, "/opt/full/full.so");
    ck_assert_str_eq(c->service_main, "FullServiceMain");

    /* Every [Parameters] value, in file order, as inih trims it. */
    ck_assert_uint_eq(c->n_params, 5);
    ck_assert_str_eq(c->params[0].key, "ServiceDll");
    ck_assert_str_eq(c->params[1].key, "ServiceMain");
    ck_assert_str_eq(c->params[2].key, "Greeting");
    ck_assert_str_eq(c->params[2].value, "hello");
    ck_assert_str_eq(c->params[3].key, "Empty");
    ck_assert_str_eq(c->params[3].value, "");
    ck_assert_str_eq(c->params[4].value, "a=b:c");
    ck_assert_str_eq(svc_service_config_param(c, "greeting"), "hello");
    ck_assert_str_eq(svc_service_config_param(c, "SERVICEDLL"), "/opt/full/full.so");
    ck_assert_ptr_null(svc_service_config_param(c, "Missing"));

    svc_service_config_free(c);
    svc_diag_free(&d);
    free(path);
}
END_TEST

START_TEST(test_service_defaults)
{
    struct svc_service_config *c = NULL;
    struct svc_diag d = { 0 };

    ck_assert_int_eq(svc_config_load_service(SERVICES_ROOT, "Defaults", &c, &d), 0);
    expect_diag(&d, 0);
    ck_assert_str_eq(c->display_name, "Defaults");
    ck_assert_ptr_null(c->description);
    ck_assert_uint_eq(c->type, SERVICE_WIN32_SHARE_PROCESS);   /* svchost -k */
    ck_assert_uint_eq(c->start, SERVICE_DEMAND_START);
    ck_assert_uint_eq(c->error_control, SERVICE_ERROR_NORMAL);
    ck_assert_str_eq(c->object_name, "LocalSystem");
    ck_assert_ptr_null(c->load_order_group);
    ck_assert_ptr_nonnull(c->depend_on_service);
    ck_assert_ptr_null(c->depend_on_service[0]);
    ck_assert_ptr_null(c->depend_on_group[0]);
    ck_assert_uint_eq(c->wait_hint_ms, 0);
    ck_assert_uint_eq(c->split_disable, 0);
    ck_assert_ptr_null(c->service_dll);
    ck_assert_str_eq(c->service_main, "ServiceMain");
    ck_assert_uint_eq(c->n_params, 0);
    svc_service_config_free(c);

    /* Section and key names are case-insensitive; not svchost: own. */
    ck_assert_int_eq(svc_config_load_service(SERVICES_ROOT, "Own", &c, &d), 0);
    expect_diag(&d, 0);
    ck_assert_str_eq(c->image_path, "/usr/sbin/ownd");
    ck_assert_uint_eq(c->type, SERVICE_WIN32_OWN_PROCESS);
    svc_service_config_free(c);
    svc_diag_free(&d);
}
END_TEST

START_TEST(test_service_bad_values)
{
    struct svc_service_config *c = (void *)1;
    struct svc_diag d = { 0 };
    char *f = service_file(SERVICES_ROOT, "BadValues");

    ck_assert_int_eq(svc_config_load_service(SERVICES_ROOT, "BadValues", &c, &d), -EINVAL);
    ck_assert_ptr_null(c);
    ck_assert_uint_eq(d.errors, 7);
    expect_diag(&d, 7,
        fmt("%s:2: error: bad Type 'shared'; accepted: own, share, kernel, filesys, "
            "rec, adapt, userown, usershare, or a number (e.g. 0x20)", f),
        fmt("%s:3: error: bad Start 'sometimes'; accepted: boot, system, auto, "
            "demand, disabled, or 0 to 4", f),
        fmt("%s:4: error: bad ErrorControl 'fatal'; accepted: ignore, normal, "
            "severe, critical, or 0 to 3", f),
        fmt("%s:6: error: bad StartTimeoutMs '99999999999'; accepted: milliseconds "
            "from 0 (the SCM's default) to 4294967295, decimal or 0x hex (too large)", f),
        fmt("%s:7: error: DependOnService: the service cannot depend on itself", f),
        fmt("%s:8: error: Group: '.hidden' is not a valid group name", f),
        fmt("%s:11: error: bad ServiceMain 'not a symbol'; it must be the name of "
            "a function exported by the ServiceDll", f));
    svc_diag_free(&d);
    free(f);
}
END_TEST

/* Each bad value alone: one error on its line, naming the key. */
static const struct {
    const char *line;
    const char *key;
} bad_values[] = {
    { "Type = sharing", "bad Type 'sharing'" },
    { "Type = 0", "bad Type '0'" },
    { "Type = 0x400", "bad Type '0x400'" },
    { "Type = interact", "bad Type 'interact'" },
    { "Start = 5", "bad Start '5'" },
    { "Start = delayed", "bad Start 'delayed'" },
    { "Start = -1", "bad Start '-1'" },
    { "ErrorControl = 4", "bad ErrorControl '4'" },
    { "ErrorControl = none", "bad ErrorControl 'none'" },
    { "StartTimeoutMs = soon", "bad StartTimeoutMs 'soon'" },
    { "StartTimeoutMs = 1.5", "bad StartTimeoutMs '1.5'" },
    { "DependOnService = Echo, ..", "DependOnService: '..' is not a valid service name" },
    { "DependOnGroup = a\\b", "DependOnGroup: 'a\\b' is not a valid group name" },
    { "ImagePath =", "ImagePath is empty" },
    { "SvcHostSplitDisable = 2", "bad SvcHostSplitDisable '2'; accepted: 0 (may run "
      "in its own host) or 1 (always in the group's shared host)" },
    { "SvcHostSplitDisable = yes", "bad SvcHostSplitDisable 'yes'" },
    { "SvcHostSplitDisable = 0x100000000", "bad SvcHostSplitDisable '0x100000000'" },
    { "FailureResetPeriod = -1", "bad FailureResetPeriod '-1'; accepted: seconds "
      "(4294967295: never reset) from 0 to 4294967295, decimal or 0x hex" },
    { "FailureResetPeriod = 4294967296", "bad FailureResetPeriod '4294967296'; accepted: "
      "seconds (4294967295: never reset) from 0 to 4294967295, decimal or 0x hex (too large)" },
    { "FailureActions = restart", "bad FailureActions 'restart'; accepted: ACTION/MS "
      "pairs separated by '/', ACTION one of restart, run, reboot, none, MS the delay in "
      "milliseconds (e.g. restart/60000/run/1000/none/0)" },
    { "FailureActions = restart/", "bad FailureActions 'restart/'" },
    { "FailureActions = restart/60000/", "bad FailureActions 'restart/60000/'" },
    { "FailureActions = restart/1m", "bad FailureActions 'restart/1m'" },
    { "FailureActions = restart/60000/explode/0", "bad FailureActions "
      "'restart/60000/explode/0'" },
    { "FailureActions = restart/60000//", "bad FailureActions 'restart/60000//'" },
    { "FailureActions = /", "bad FailureActions '/'" },
    { "FailureActions = restart/0/restart/0/restart/0/restart/0/restart/0/restart/0/"
      "restart/0/restart/0/restart/0", "FailureActions: more than 8 actions" },
    { "FailureActionsOnNonCrashFailures = 2", "bad FailureActionsOnNonCrashFailures '2'; "
      "accepted: 0 or 1" },
    { "FailureActionsOnNonCrashFailures = true", "bad FailureActionsOnNonCrashFailures "
      "'true'" },
    { "PreshutdownTimeoutMs = 3m", "bad PreshutdownTimeoutMs '3m'; accepted: milliseconds "
      "from 0 to 4294967295, decimal or 0x hex" },
    { "DelayedAutostart = 2", "bad DelayedAutostart '2'; accepted: 0 or 1" },
};

START_TEST(test_service_each_bad_value)
{
    struct svc_service_config *c = NULL;
    struct svc_diag d = { 0 };
    char *text, *f, *want;
    int image_path = strncmp(bad_values[_i].line, "ImagePath", 9) == 0;

    text = fmt("[Service]\n%s\n%s\n", image_path ? "Start = auto" : "ImagePath = svchost -k x",
               bad_values[_i].line);
    write_file("services/Bad.ini", text);
    ck_assert_int_eq(svc_config_load_service(tmp_root, "Bad", &c, &d), -EINVAL);
    ck_assert_ptr_null(c);
    ck_assert_uint_eq(d.n, 1);
    ck_assert_uint_eq(d.errors, 1);
    f = service_file(tmp_root, "Bad");
    want = fmt("%s:3: error: %s", f, bad_values[_i].key);
    ck_assert_msg(strncmp(d.lines[0], want, strlen(want)) == 0,
                  "got '%s', want '%s...'", d.lines[0], want);
    svc_diag_free(&d);
    free(text);
    free(f);
    free(want);
}
END_TEST

/* Golden files the loader refuses: every diagnostic each gives, in line
 * order, as it follows the file's path. */
static const struct {
    const char *name;
    size_t n;
    const char *diag[4];
} refused[] = {
    { "Duplicate", 2, {
        ":4: error: duplicate key 'start' in [Service]; it is already set on line 3",
        ":8: error: duplicate key 'SERVICEDLL' in [Parameters]; it is already "
        "set on line 7" } },
    /* Line 3 is 224 characters: an error, not a value cut at 199. */
    { "LongLine", 1, { ":3: error: line is 224 characters long; the limit is 198" } },
    { "NoImagePath", 1, { ": error: [Service] has no ImagePath; it is required "
                          "(e.g. 'ImagePath = svchost -k GROUP')" } },
    /* Every syntax error is reported, not only inih's first, in line order. */
    { "Syntax", 4, {
        ":1: error: section header has no closing ']'",
        ":2: warning: key 'ImagePath' is outside [Service] and [Parameters]; ignored",
        ":3: error: expected '[section]', 'key = value' or a ';' comment",
        ":4: error: missing key name before '='" } },
    /* "  Start = auto" would silently join ImagePath's value. */
    { "Indented", 1, {
        ":3: error: 'ImagePath' cannot continue on this line (an indented line "
        "continues the value above it); remove the indentation" } },
};

START_TEST(test_service_refused)
{
    struct svc_service_config *c = NULL;
    struct svc_diag d = { 0 };
    char *f = service_file(SERVICES_ROOT, refused[_i].name);

    ck_assert_int_eq(svc_config_load_service(SERVICES_ROOT, refused[_i].name, &c, &d), -EINVAL);
    ck_assert_ptr_null(c);
    for (size_t i = 0; i < refused[_i].n && i < d.n; i++) {
        char *want = fmt("%s%s", f, refused[_i].diag[i]);

        ck_assert_str_eq(d.lines[i], want);
        free(want);
    }
    expect_diag_count(&d, refused[_i].n);
    svc_diag_free(&d);
    free(f);
}
END_TEST

START_TEST(test_service_line_limit_boundary)
{
    struct svc_service_config *c = NULL;
    struct svc_diag d = { 0 };
    char *a = repeat('a', 198 - 4), *b = repeat('b', 201 - 4), *k = repeat('k', 205);
    char *text, *f;

    /* 198 characters fit; later errors are still reported, and a key on
     * a long line still counts (no "missing ImagePath"). */
    text = fmt("[Service]\nImagePath = svchost -k demo %s\n[Parameters]\nA = %s\n"
               "B = %s\n  continued\nBad line\n%s = 1\n", k, a, b, k);
    write_file("services/Limit.ini", text);
    f = service_file(tmp_root, "Limit");
    ck_assert_int_eq(svc_config_load_service(tmp_root, "Limit", &c, &d), -EINVAL);
    expect_diag(&d, 4,
        fmt("%s:2: error: line is 233 characters long; the limit is 198", f),
        fmt("%s:5: error: line is 201 characters long; the limit is 198", f),
        fmt("%s:7: error: expected '[section]', 'key = value' or a ';' comment", f),
        fmt("%s:8: error: line is 209 characters long; the limit is 198", f));
    svc_diag_free(&d);
    free(text);
    free(f);

    text = fmt("[Service]\nImagePath = svchost -k demo\n[Parameters]\nA = %s\n", a);
    write_file("services/Fits.ini", text);
    ck_assert_int_eq(svc_config_load_service(tmp_root, "Fits", &c, &d), 0);
    expect_diag(&d, 0);
    ck_assert_uint_eq(strlen(svc_service_config_param(c, "A")), 198 - 4);
    svc_service_config_free(c);
    free(text);
    free(a);
    free(b);
    free(k);
}
END_TEST

START_TEST(test_service_unknown_key_warns)
{
    struct svc_service_config *c = NULL;
    struct svc_diag d = { 0 };
    char *f = service_file(SERVICES_ROOT, "Unknown");

    ck_assert_int_eq(svc_config_load_service(SERVICES_ROOT, "Unknown", &c, &d), 0);
    ck_assert_ptr_nonnull(c);
    ck_assert_uint_eq(d.errors, 0);
    ck_assert_uint_eq(d.warnings, 2);
    expect_diag(&d, 2,
        fmt("%s:3: warning: unknown key 'Strat' in [Service]; ignored", f),
        fmt("%s:9: warning: unknown section [Extra]; ignored (known: [Service], "
            "[Parameters])", f));
    /* The plugin's own keys never warn. */
    ck_assert_str_eq(svc_service_config_param(c, "AnythingGoes"), "yes");
    ck_assert_uint_eq(c->start, SERVICE_DEMAND_START);
    svc_service_config_free(c);
    svc_diag_free(&d);
    free(f);
}
END_TEST

START_TEST(test_service_missing_file)
{
    struct svc_service_config *c = (void *)1;
    struct svc_diag d = { 0 };
    char *f = service_file(SERVICES_ROOT, "Nonexistent");

    ck_assert_int_eq(svc_config_load_service(SERVICES_ROOT, "Nonexistent", &c, &d), -ENOENT);
    ck_assert_ptr_null(c);
    expect_diag(&d, 1, fmt("%s: error: cannot open: No such file or directory", f));
    ck_assert_uint_eq(d.errors, 1);
    svc_diag_free(&d);
    free(f);

    /* A name that is not one is refused before any file is opened. */
    ck_assert_int_eq(svc_config_load_service(SERVICES_ROOT, "../Full", &c, &d), -EINVAL);
    expect_diag(&d, 1, fmt("error: '../Full' is not a valid service name"));
    svc_diag_free(&d);
}
END_TEST

START_TEST(test_service_file_quirks)
{
    struct svc_service_config *c = NULL;
    struct svc_diag d = { 0 };
    char *f;

    /* A UTF-8 BOM, CRLF line ends, no final newline, comments. */
    write_file("services/Crlf.ini", "\xEF\xBB\xBF; comment\r\n[Service]\r\n"
               "ImagePath = svchost -k demo ; inline comment\r\n"
               "# another comment\r\n[Parameters]\r\nMulti = one\r\n  two\r\nLast = x");
    ck_assert_int_eq(svc_config_load_service(tmp_root, "Crlf", &c, &d), 0);
    expect_diag(&d, 0);
    ck_assert_str_eq(c->image_path, "svchost -k demo");
    ck_assert_str_eq(svc_service_config_param(c, "Multi"), "one\ntwo");
    ck_assert_str_eq(svc_service_config_param(c, "Last"), "x");
    svc_service_config_free(c);

    /* A repeated section merges; its keys are still checked for duplicates. */
    write_file("services/Twice.ini", "[Service]\nImagePath = svchost -k demo\n"
               "[Service]\nImagePath = svchost -k other\n");
    f = service_file(tmp_root, "Twice");
    ck_assert_int_eq(svc_config_load_service(tmp_root, "Twice", &c, &d), -EINVAL);
    expect_diag(&d, 2,
        fmt("%s:3: warning: section [Service] repeats the one on line 1; their keys "
            "are merged", f),
        fmt("%s:4: error: duplicate key 'ImagePath' in [Service]; it is already set "
            "on line 2", f));
    svc_diag_free(&d);
    free(f);

    /* A file that cannot be read: its errno, with a diagnostic. */
    f = fmt("%s/config/services/Dir.ini", tmp_root);
    ck_assert_int_eq(mkdir(f, 0700), 0);
    ck_assert_int_eq(svc_config_load_service(tmp_root, "Dir", &c, &d), -EISDIR);
    expect_diag(&d, 1, fmt("%s: error: cannot read: Is a directory", f));
    svc_diag_free(&d);
    free(f);
}
END_TEST

START_TEST(test_service_path)
{
    char *p = svc_path_service_file("/srv/svchost", "Echo");

    ck_assert_str_eq(p, "/srv/svchost/config/services/Echo.ini");
    free(p);
    p = svc_path_service_file("state/", "Echo");
    ck_assert_str_eq(p, "state/config/services/Echo.ini");
    free(p);
}
END_TEST

START_TEST(test_service_split_disable)
{
    struct svc_service_config *c = NULL;
    struct svc_diag d = { 0 };
    char *f = service_file(tmp_root, "Sd");

    write_file("services/Sd.ini", "[Service]\nImagePath = svchost -k demo\n"
               "svchostsplitdisable = 1\n");
    ck_assert_int_eq(svc_config_load_service(tmp_root, "Sd", &c, &d), 0);
    expect_diag(&d, 0);
    ck_assert_uint_eq(c->split_disable, 1);
    svc_service_config_free(c);

    write_file("services/Sd.ini", "[Service]\nImagePath = svchost -k demo\n"
               "SvcHostSplitDisable = 0x0\n");
    ck_assert_int_eq(svc_config_load_service(tmp_root, "Sd", &c, &d), 0);
    ck_assert_uint_eq(c->split_disable, 0);
    svc_service_config_free(c);

    /* Empty is not set: the default. */
    write_file("services/Sd.ini", "[Service]\nImagePath = svchost -k demo\n"
               "SvcHostSplitDisable =\n");
    ck_assert_int_eq(svc_config_load_service(tmp_root, "Sd", &c, &d), 0);
    expect_diag(&d, 0);
    ck_assert_uint_eq(c->split_disable, 0);
    svc_service_config_free(c);

    write_file("services/Sd.ini", "[Service]\nImagePath = svchost -k demo\n"
               "SvcHostSplitDisable = 1\n  0\nSvcHostSplitDisable = 1\n");
    ck_assert_int_eq(svc_config_load_service(tmp_root, "Sd", &c, &d), -EINVAL);
    expect_diag(&d, 2,
        fmt("%s:4: error: 'SvcHostSplitDisable' cannot continue on this line (an "
            "indented line continues the value above it); remove the indentation", f),
        fmt("%s:5: error: duplicate key 'SvcHostSplitDisable' in [Service]; it is "
            "already set on line 3", f));
    svc_diag_free(&d);
    free(f);
}
END_TEST

/* The recovery, shutdown and delayed-start keys: their values, their
 * defaults, and sc.exe's "" (an empty word) as the none action. */
START_TEST(test_service_recovery)
{
    struct svc_service_config *c = NULL;
    struct svc_diag d = { 0 };

    write_file("services/Rec.ini", "[Service]\nImagePath = svchost -k demo\n"
               "failureresetperiod = 0x15180\n"
               "FailureActions = Restart/60000/run/1000/REBOOT/0/none/0//5\n"
               "FailureCommand = /usr/bin/logger -t rec %1%\n"
               "RebootMessage = going down\nFailureActionsOnNonCrashFailures = 1\n"
               "PreshutdownTimeoutMs = 180000\nDelayedAutostart = 1\n");
    ck_assert_int_eq(svc_config_load_service(tmp_root, "Rec", &c, &d), 0);
    expect_diag(&d, 0);
    ck_assert_uint_eq(c->failure_reset_s, 86400);
    ck_assert_uint_eq(c->n_failure_actions, 5);
    ck_assert_uint_eq(c->failure_actions[0].type, SC_ACTION_RESTART);
    ck_assert_uint_eq(c->failure_actions[0].delay_ms, 60000);
    ck_assert_uint_eq(c->failure_actions[1].type, SC_ACTION_RUN_COMMAND);
    ck_assert_uint_eq(c->failure_actions[1].delay_ms, 1000);
    ck_assert_uint_eq(c->failure_actions[2].type, SC_ACTION_REBOOT);
    ck_assert_uint_eq(c->failure_actions[2].delay_ms, 0);
    ck_assert_uint_eq(c->failure_actions[3].type, SC_ACTION_NONE);
    ck_assert_uint_eq(c->failure_actions[4].type, SC_ACTION_NONE);
    ck_assert_uint_eq(c->failure_actions[4].delay_ms, 5);
    ck_assert_str_eq(c->failure_command, "/usr/bin/logger -t rec %1%");
    ck_assert_str_eq(c->reboot_message, "going down");
    ck_assert_uint_eq(c->failure_non_crash, 1);
    ck_assert_uint_eq(c->preshutdown_timeout_ms, 180000);
    ck_assert_uint_eq(c->delayed_autostart, 1);
    svc_service_config_free(c);

    /* Left out or empty: no actions, reset 0, Windows' 10 s preshutdown. */
    write_file("services/Rec.ini", "[Service]\nImagePath = svchost -k demo\n"
               "FailureActions =\nFailureCommand =\nPreshutdownTimeoutMs =\n"
               "FailureResetPeriod = 4294967295\n");
    ck_assert_int_eq(svc_config_load_service(tmp_root, "Rec", &c, &d), 0);
    expect_diag(&d, 0);
    ck_assert_uint_eq(c->failure_reset_s, INFINITE);
    ck_assert_uint_eq(c->n_failure_actions, 0);
    ck_assert_ptr_null(c->failure_actions);
    ck_assert_ptr_null(c->failure_command);
    ck_assert_ptr_null(c->reboot_message);
    ck_assert_uint_eq(c->failure_non_crash, 0);
    ck_assert_uint_eq(c->preshutdown_timeout_ms, 10000);
    ck_assert_uint_eq(c->delayed_autostart, 0);
    svc_service_config_free(c);

    /* Exactly the most actions there may be is fine. */
    write_file("services/Rec.ini", "[Service]\nImagePath = svchost -k demo\n"
               "FailureActions = restart/0/restart/0/restart/0/restart/0/restart/0/"
               "restart/0/restart/0/run/4294967295\n");
    ck_assert_int_eq(svc_config_load_service(tmp_root, "Rec", &c, &d), 0);
    expect_diag(&d, 0);
    ck_assert_uint_eq(c->n_failure_actions, SVC_FAILURE_ACTIONS_MAX);
    ck_assert_uint_eq(c->failure_actions[7].type, SC_ACTION_RUN_COMMAND);
    ck_assert_uint_eq(c->failure_actions[7].delay_ms, UINT32_MAX);
    svc_service_config_free(c);
}
END_TEST

START_TEST(test_failure_action_values)
{
    struct svc_failure_action *a = (void *)1;
    size_t n = 7;
    char *s;

    ck_assert_int_eq(svc_parse_failure_actions("", &a, &n), 0);
    ck_assert_ptr_null(a);
    ck_assert_uint_eq(n, 0);
    ck_assert_int_eq(svc_parse_failure_actions("run/0x10", &a, &n), 0);
    ck_assert_uint_eq(n, 1);
    ck_assert_uint_eq(a[0].type, SC_ACTION_RUN_COMMAND);
    ck_assert_uint_eq(a[0].delay_ms, 16);
    s = svc_format_failure_actions(a, n);
    ck_assert_str_eq(s, "run/16");
    free(s);
    free(a);
    ck_assert_int_eq(svc_parse_failure_actions("restart/1/x/2", &a, &n), -EINVAL);
    ck_assert_ptr_null(a);
    ck_assert_uint_eq(n, 0);
    ck_assert_int_eq(svc_parse_failure_actions("restart/-1", &a, &n), -EINVAL);
    ck_assert_int_eq(svc_parse_failure_actions("restart/4294967296", &a, &n), -EINVAL);
    ck_assert_int_eq(svc_parse_failure_actions("restartrestartrestart/1", &a, &n), -EINVAL);
    ck_assert_int_eq(svc_parse_failure_actions("none/0/none/0/none/0/none/0/none/0/"
                                               "none/0/none/0/none/0/none/0", &a, &n), -ERANGE);
    ck_assert_ptr_null(a);
    s = svc_format_failure_actions(NULL, 0);
    ck_assert_str_eq(s, "");
    free(s);
    {
        struct svc_failure_action bad = { 4, 0 };

        errno = 0;
        ck_assert_ptr_null(svc_format_failure_actions(&bad, 1));
        ck_assert_int_eq(errno, EINVAL);
    }
    ck_assert_str_eq(svc_failure_action_name(SC_ACTION_NONE), "none");
    ck_assert_str_eq(svc_failure_action_name(SC_ACTION_RESTART), "restart");
    ck_assert_str_eq(svc_failure_action_name(SC_ACTION_REBOOT), "reboot");
    ck_assert_str_eq(svc_failure_action_name(SC_ACTION_RUN_COMMAND), "run");
    ck_assert_ptr_null(svc_failure_action_name(4));
}
END_TEST

/* ---- Groups ----------------------------------------------------------- */

START_TEST(test_groups_demo)
{
    struct svc_groups *g = NULL;
    struct svc_diag d = { 0 };
    const struct svc_group_config *grp;

    ck_assert_int_eq(svc_config_load_groups(DEMO_ROOT, &g, &d), 0);
    expect_diag(&d, 0);
    ck_assert_str_eq(g->path, DEMO_ROOT "/config/svchost.ini");
    ck_assert_uint_eq(g->n, 1);
    grp = svc_groups_find(g, "DEMO");
    ck_assert_ptr_eq(grp, &g->groups[0]);
    ck_assert_str_eq(grp->name, "demo");
    ck_assert_uint_eq(grp->n_services, 2);
    ck_assert_str_eq(grp->services[0], "Echo");
    ck_assert_str_eq(grp->services[1], "Heartbeat");
    ck_assert_ptr_null(grp->services[2]);
    ck_assert_ptr_null(svc_groups_find(g, "netsvcs"));
    svc_groups_free(g);
}
END_TEST

START_TEST(test_groups_listed_twice)
{
    struct svc_groups *g = (void *)1;
    struct svc_diag d = { 0 };
    const char *f = GROUPS_ROOT "/config/svchost.ini";

    ck_assert_int_eq(svc_config_load_groups(GROUPS_ROOT, &g, &d), -EINVAL);
    ck_assert_ptr_null(g);
    expect_diag(&d, 3,
        fmt("%s:6: error: service 'Echo' is listed twice: here in group 'other' and "
            "on line 2 in group 'demo'; a service belongs to one group", f),
        fmt("%s:7: warning: unknown key 'Colour' in group [other]; ignored "
            "(known: Services, Split)", f),
        fmt("%s:10: error: service 'Dns' is listed twice in group 'netsvcs' "
            "(first on line 10)", f));
    svc_diag_free(&d);
}
END_TEST

START_TEST(test_groups_lists)
{
    struct svc_groups *g = NULL;
    struct svc_diag d = { 0 };
    const struct svc_group_config *grp;
    char *f = fmt("%s/config/svchost.ini", tmp_root);

    write_file("svchost.ini", "[netsvcs]\nServices = A,B  C\n  D,\n\n  ; comment\n"
               "  E\n[empty]\n[bad/name]\nServices = X\n");
    ck_assert_int_eq(svc_config_load_groups(tmp_root, &g, &d), -EINVAL);
    expect_diag(&d, 2,
        fmt("%s:7: warning: group [empty] lists no services (Services = NAME, ...)", f),
        fmt("%s:8: error: [bad/name] is not a valid group name", f));
    svc_diag_free(&d);

    write_file("svchost.ini", "[netsvcs]\nServices = A,B  C\n  D,\n\n  ; comment\n"
               "  E\n");
    ck_assert_int_eq(svc_config_load_groups(tmp_root, &g, &d), 0);
    grp = svc_groups_find(g, "netsvcs");
    ck_assert_uint_eq(grp->n_services, 5);
    ck_assert_str_eq(grp->services[2], "C");
    ck_assert_str_eq(grp->services[4], "E");
    svc_groups_free(g);
    free(f);
}
END_TEST

/* Hand-written files with names as Windows allows them: a list holds a
 * name with blanks, commas or '%' as %XX; the file name is the name ('%'
 * as %25); a '%' that starts no %XX is itself. */
START_TEST(test_group_names_encoded)
{
    struct svc_group_members *m = NULL;
    struct svc_diag d = { 0 };

    write_file("svchost.ini", "[g]\nServices = Plain, My%20Service%2C%20v2,\n  100%25%20sure, 5%x\n");
    write_file("services/Plain.ini", "[Service]\nImagePath = svchost -k g\n[Parameters]\nServiceDll = x.so\n");
    write_file("services/My Service, v2.ini", "[Service]\nImagePath = svchost -k g\n"
               "DependOnService = Plain, 100%25%20sure\n[Parameters]\nServiceDll = x.so\n");
    write_file("services/100%25 sure.ini", "[Service]\nImagePath = svchost -k g\n[Parameters]\nServiceDll = x.so\n");
    write_file("services/5%25x.ini", "[Service]\nImagePath = svchost -k g\n[Parameters]\nServiceDll = x.so\n");
    ck_assert_int_eq(svc_config_load_group(tmp_root, "g", &m, &d), 0);
    expect_diag(&d, 0);
    ck_assert_uint_eq(m->n, 4);
    ck_assert_str_eq(m->services[1]->name, "My Service, v2");
    ck_assert_str_eq(m->services[1]->display_name, "My Service, v2");
    ck_assert_str_eq(m->services[1]->depend_on_service[1], "100% sure");
    ck_assert_str_eq(m->services[2]->name, "100% sure");
    ck_assert_str_eq(m->services[3]->name, "5%x");
    svc_group_members_free(m);
    svc_diag_free(&d);
}
END_TEST

/* PreferredNode and LaunchProtected (Config2 levels 9 and 12): absent is
 * none and 0; the ranges Windows' structures allow; a bad value is an
 * error with its line. */
START_TEST(test_service_stored_levels)
{
    struct svc_service_config *c = NULL;
    struct svc_diag d = { 0 };

    write_file("services/N.ini", "[Service]\nImagePath = /bin/true\n");
    ck_assert_int_eq(svc_config_load_service(tmp_root, "N", &c, &d), 0);
    ck_assert_uint_eq(c->preferred_node, 0);
    ck_assert_uint_eq(c->launch_protected, 0);
    svc_service_config_free(c);
    write_file("services/N.ini", "[Service]\nImagePath = /bin/true\nPreferredNode = 0\n"
               "LaunchProtected = 3\n");
    ck_assert_int_eq(svc_config_load_service(tmp_root, "N", &c, &d), 0);
    expect_diag(&d, 0);
    ck_assert_uint_eq(c->preferred_node, 1);        /* node 0, plus one */
    ck_assert_uint_eq(c->launch_protected, 3);
    svc_service_config_free(c);
    write_file("services/N.ini", "[Service]\nImagePath = /bin/true\nPreferredNode = 65536\n"
               "LaunchProtected = 4\n");
    ck_assert_int_eq(svc_config_load_service(tmp_root, "N", &c, &d), -EINVAL);
    ck_assert_uint_eq(d.errors, 2);
    ck_assert_ptr_nonnull(strstr(d.lines[0], ":3: error: bad PreferredNode '65536'"));
    ck_assert_ptr_nonnull(strstr(d.lines[1], ":4: error: bad LaunchProtected '4'"));
    svc_diag_free(&d);

    /* Triggers: one word each, over continuation lines; a bad one is an
     * error on its own line. */
    write_file("services/N.ini", "[Service]\nImagePath = /bin/true\n"
               "Triggers = 20:1:{01234567-89AB-CDEF-0123-456789ABCDEF}:2=4869,\n  3:2:-\n");
    ck_assert_int_eq(svc_config_load_service(tmp_root, "N", &c, &d), 0);
    expect_diag(&d, 0);
    ck_assert_str_eq(c->triggers[0], "20:1:{01234567-89AB-CDEF-0123-456789ABCDEF}:2=4869");
    ck_assert_str_eq(c->triggers[1], "3:2:-");
    ck_assert_ptr_null(c->triggers[2]);
    svc_service_config_free(c);
    write_file("services/N.ini", "[Service]\nImagePath = /bin/true\n"
               "Triggers = 3:2:-,\n  9:1:-, 3:3:-, 3:1:{nope}, 3:1:-:6=00, 3:1:-:1=ABC\n");
    ck_assert_int_eq(svc_config_load_service(tmp_root, "N", &c, &d), -EINVAL);
    ck_assert_uint_eq(d.errors, 5);
    ck_assert_ptr_nonnull(strstr(d.lines[0], ":4: error: bad trigger '9:1:-'"));
    svc_diag_free(&d);
}
END_TEST

/* [Profile NAME] sections: their conditions, in file order; a bad name, a
 * profile defined twice or a bad condition is an error with its line; an
 * unknown key warns.  Profiles in a service file is a list of names. */
START_TEST(test_scm_profiles)
{
    struct svc_scm_config c;
    struct svc_diag d = { 0 };
    char *there = fmt("%s/config/scm.ini", tmp_root);
    char *ini;

    ini = fmt("[SCM]\nStartTimeoutMs = 5\n[Profile office]\nWhenInterfaceExists = lo\n"
              "[profile  Travel]\nWhenPathExists = %s/nonexistent\n"
              "[Profile docked]\nWhenPathExists = %s\nWhenInterfaceExists = lo\n"
              "[Profile any]\n", tmp_root, there);
    write_file("scm.ini", ini);
    free(ini);
    ck_assert_int_eq(svc_config_load_scm(tmp_root, &c, &d), 0);
    expect_diag(&d, 0);
    ck_assert_uint_eq(c.start_timeout_ms, 5);
    ck_assert_uint_eq(c.n_profiles, 4);
    ck_assert_str_eq(c.profiles[0].name, "office");
    ck_assert_str_eq(c.profiles[0].when_interface_exists, "lo");
    ck_assert_ptr_null(c.profiles[0].when_path_exists);
    ck_assert_str_eq(c.profiles[1].name, "Travel");
    ck_assert_str_eq(c.profiles[2].when_path_exists, there);
    ck_assert_ptr_null(c.profiles[3].when_path_exists);
    ck_assert_ptr_null(c.profiles[3].when_interface_exists);
    ck_assert_ptr_eq(svc_scm_profile_find(&c, "TRAVEL"), &c.profiles[1]);
    ck_assert_ptr_null(svc_scm_profile_find(&c, "home"));
    /* A path that is not there fails; one that is holds; a profile
     * without conditions always holds. */
    ck_assert_int_eq(svc_scm_profile_holds(&c.profiles[1]), 0);
    ck_assert_int_eq(svc_scm_profile_holds(&c.profiles[3]), 1);
    if (access("/sys/class/net/lo", F_OK) == 0) {
        ck_assert_int_eq(svc_scm_profile_holds(&c.profiles[2]), 1);
        ck_assert_ptr_eq(svc_scm_profile_pick(&c), &c.profiles[0]);
    }
    svc_scm_config_free(&c);
    ck_assert_ptr_null(c.profiles);
    ck_assert_uint_eq(c.n_profiles, 0);

    /* An interface that is not there fails; the first that holds wins. */
    write_file("scm.ini", "[Profile a]\nWhenInterfaceExists = nosuchif0\n"
               "[Profile b]\nWhenPathExists = /\n[Profile c]\n");
    ck_assert_int_eq(svc_config_load_scm(tmp_root, &c, &d), 0);
    expect_diag(&d, 0);
    ck_assert_int_eq(svc_scm_profile_holds(&c.profiles[0]), 0);
    ck_assert_ptr_eq(svc_scm_profile_pick(&c), &c.profiles[1]);
    svc_scm_config_free(&c);

    /* No profile section: none to pick. */
    write_file("scm.ini", "[SCM]\n");
    ck_assert_int_eq(svc_config_load_scm(tmp_root, &c, &d), 0);
    ck_assert_uint_eq(c.n_profiles, 0);
    ck_assert_ptr_null(svc_scm_profile_pick(&c));
    svc_scm_config_free(&c);

    /* Errors name their line; an unknown key warns; none is kept.  (Two
     * sections of one name are merged by the reader, with a warning;
     * "Profile  X" is another section of the same profile.) */
    write_file("scm.ini", "[Profile]\n[Profile a/b]\n[Profile x]\nWhenPathExists = rel/path\n"
               "WhenInterfaceExists = a/b\nColour = blue\n[Profile  X]\n"
               "[Profile y]\nWhenInterfaceExists = waytoolonginterface\n");
    ck_assert_int_eq(svc_config_load_scm(tmp_root, &c, &d), -EINVAL);
    expect_diag(&d, 7,
                fmt("%s:1: error: bad profile name '' in [Profile]; accepted: "
                    "[Profile NAME], NAME a valid name", there),
                fmt("%s:2: error: bad profile name 'a/b' in [Profile a/b]; accepted: "
                    "[Profile NAME], NAME a valid name", there),
                fmt("%s:4: error: bad WhenPathExists 'rel/path'; accepted: an absolute path",
                    there),
                fmt("%s:5: error: bad WhenInterfaceExists 'a/b'; accepted: a network "
                    "interface name (1 to 15 characters, no '/', ':' or blank)", there),
                fmt("%s:6: warning: unknown key 'Colour' in [Profile x]; ignored (known: "
                    "WhenPathExists, WhenInterfaceExists)", there),
                fmt("%s:7: error: profile 'X' is defined twice", there),
                fmt("%s:9: error: bad WhenInterfaceExists 'waytoolonginterface'; accepted: "
                    "a network interface name (1 to 15 characters, no '/', ':' or blank)",
                    there));
    ck_assert_uint_eq(c.n_profiles, 0);
    svc_scm_config_free(&c);
    svc_diag_free(&d);
    free(there);
}
END_TEST

START_TEST(test_service_profiles)
{
    struct svc_service_config *c = NULL;
    struct svc_diag d = { 0 };

    write_file("services/P.ini", "[Service]\nImagePath = /bin/true\n");
    ck_assert_int_eq(svc_config_load_service(tmp_root, "P", &c, &d), 0);
    ck_assert_ptr_null(c->profiles);
    svc_service_config_free(c);
    write_file("services/P.ini", "[Service]\nImagePath = /bin/true\n"
               "Profiles = office, Home\n  travel\n");
    ck_assert_int_eq(svc_config_load_service(tmp_root, "P", &c, &d), 0);
    expect_diag(&d, 0);
    ck_assert_str_eq(c->profiles[0], "office");
    ck_assert_str_eq(c->profiles[1], "Home");
    ck_assert_str_eq(c->profiles[2], "travel");
    ck_assert_ptr_null(c->profiles[3]);
    svc_service_config_free(c);
    write_file("services/P.ini", "[Service]\nImagePath = /bin/true\nProfiles = ok, a/b\n");
    ck_assert_int_eq(svc_config_load_service(tmp_root, "P", &c, &d), -EINVAL);
    ck_assert_uint_eq(d.errors, 1);
    ck_assert_ptr_nonnull(strstr(d.lines[0], ":3: error: Profiles: 'a/b' is not a valid "
                                 "profile name"));
    svc_diag_free(&d);
}
END_TEST

/* Security: absent is the default (NULL); SDDL spread over continuation
 * lines is joined and kept canonical; malformed SDDL is an error naming
 * what is wrong, at the key's line. */
START_TEST(test_service_descriptor)
{
    struct svc_service_config *c = NULL;
    struct svc_diag d = { 0 };

    write_file("services/D.ini", "[Service]\nImagePath = /bin/true\n");
    ck_assert_int_eq(svc_config_load_service(tmp_root, "D", &c, &d), 0);
    ck_assert_ptr_null(c->security);
    svc_service_config_free(c);
    write_file("services/D.ini", "[Service]\nImagePath = /bin/true\n"
               "Security = O:SYG:SYD:\n    (A;;GA;;;SY)\n    (A;;RPWPLC;;;S-1-22-1-1000)\n");
    ck_assert_int_eq(svc_config_load_service(tmp_root, "D", &c, &d), 0);
    expect_diag(&d, 0);
    ck_assert_str_eq(c->security, "O:SYG:SYD:(A;;GA;;;SY)(A;;LCRPWP;;;S-1-22-1-1000)");
    svc_service_config_free(c);
    write_file("services/D.ini", "[Service]\nImagePath = /bin/true\n"
               "Security = D:(A;;XX;;;SY)\n");
    ck_assert_int_eq(svc_config_load_service(tmp_root, "D", &c, &d), -EINVAL);
    ck_assert_uint_eq(d.errors, 1);
    ck_assert_ptr_nonnull(strstr(d.lines[0], ":3: error: bad Security: unknown right 'XX'"));
    svc_diag_free(&d);
    write_file("services/D.ini", "[Service]\nImagePath = /bin/true\nSecurity = \n");
    ck_assert_int_eq(svc_config_load_service(tmp_root, "D", &c, &d), -EINVAL);
    ck_assert_ptr_nonnull(strstr(d.lines[0], ":3: error: bad Security: an empty security descriptor"));
    svc_diag_free(&d);
}
END_TEST

/* RequiredPrivileges and ServiceSidType (Config2 levels 6 and 5): absent
 * is no list and none; names in any case, kept in the table's spelling,
 * once each; an empty value is no list; an unknown privilege or a SID
 * type Windows does not define is an error on its line. */
START_TEST(test_service_security)
{
    struct svc_service_config *c = NULL;
    struct svc_diag d = { 0 };

    write_file("services/S.ini", "[Service]\nImagePath = /bin/true\n");
    ck_assert_int_eq(svc_config_load_service(tmp_root, "S", &c, &d), 0);
    ck_assert_ptr_null(c->required_privileges);
    ck_assert_uint_eq(c->sid_type, SERVICE_SID_TYPE_NONE);
    svc_service_config_free(c);

    write_file("services/S.ini", "[Service]\nImagePath = /bin/true\n"
               "RequiredPrivileges = sebackupprivilege, SvchostBindServicePrivilege\n"
               "  SEBACKUPPRIVILEGE SeImpersonatePrivilege\nServiceSidType = Restricted\n");
    ck_assert_int_eq(svc_config_load_service(tmp_root, "S", &c, &d), 0);
    expect_diag(&d, 0);
    ck_assert_str_eq(c->required_privileges[0], "SeBackupPrivilege");
    ck_assert_str_eq(c->required_privileges[1], "SvchostBindServicePrivilege");
    ck_assert_str_eq(c->required_privileges[2], "SeImpersonatePrivilege");
    ck_assert_ptr_null(c->required_privileges[3]);
    ck_assert_uint_eq(c->sid_type, SERVICE_SID_TYPE_RESTRICTED);
    svc_service_config_free(c);

    write_file("services/S.ini", "[Service]\nImagePath = /bin/true\nRequiredPrivileges =\n"
               "ServiceSidType = 1\n");
    ck_assert_int_eq(svc_config_load_service(tmp_root, "S", &c, &d), 0);
    expect_diag(&d, 0);
    ck_assert_ptr_null(c->required_privileges);
    ck_assert_uint_eq(c->sid_type, SERVICE_SID_TYPE_UNRESTRICTED);
    svc_service_config_free(c);

    write_file("services/S.ini", "[Service]\nImagePath = /bin/true\n"
               "RequiredPrivileges = SeBackupPrivilege,\n  SeNoSuchPrivilege\n"
               "ServiceSidType = 2\n");
    ck_assert_int_eq(svc_config_load_service(tmp_root, "S", &c, &d), -EINVAL);
    ck_assert_uint_eq(d.errors, 2);
    ck_assert_ptr_nonnull(strstr(d.lines[0], ":4: error: RequiredPrivileges: unknown privilege "
                                 "'SeNoSuchPrivilege'"));
    ck_assert_ptr_nonnull(strstr(d.lines[1], ":5: error: bad ServiceSidType '2'"));
    svc_diag_free(&d);
}
END_TEST

START_TEST(test_sid_type_names)
{
    uint32_t v = 99;

    ck_assert_int_eq(svc_parse_sid_type("none", &v), 0);
    ck_assert_uint_eq(v, 0);
    ck_assert_int_eq(svc_parse_sid_type("UNRESTRICTED", &v), 0);
    ck_assert_uint_eq(v, 1);
    ck_assert_int_eq(svc_parse_sid_type("restricted", &v), 0);
    ck_assert_uint_eq(v, 3);
    ck_assert_int_eq(svc_parse_sid_type("0x3", &v), 0);
    ck_assert_uint_eq(v, 3);
    v = 99;
    ck_assert_int_eq(svc_parse_sid_type("2", &v), -EINVAL);
    ck_assert_int_eq(svc_parse_sid_type("4", &v), -EINVAL);
    ck_assert_int_eq(svc_parse_sid_type("", &v), -EINVAL);
    ck_assert_int_eq(svc_parse_sid_type("restrict", &v), -EINVAL);
    ck_assert_int_eq(svc_parse_sid_type(NULL, &v), -EINVAL);
    ck_assert_uint_eq(v, 99);
    ck_assert_str_eq(svc_sid_type_name(0), "none");
    ck_assert_str_eq(svc_sid_type_name(1), "unrestricted");
    ck_assert_str_eq(svc_sid_type_name(3), "restricted");
    ck_assert_ptr_null(svc_sid_type_name(2));
}
END_TEST

START_TEST(test_groups_split)
{
    struct svc_groups *g = NULL;
    struct svc_diag d = { 0 };
    char *f = fmt("%s/config/svchost.ini", tmp_root);

    write_file("svchost.ini", "[plain]\nServices = A\n[on]\nSplit = Always\n"
               "Services = B\n[off]\nServices = C\nsplit = never\n[explicit]\n"
               "Services = D\nSplit = auto\n[empty]\nServices = E\nSplit =\n");
    ck_assert_int_eq(svc_config_load_groups(tmp_root, &g, &d), 0);
    expect_diag(&d, 0);
    ck_assert_int_eq(svc_groups_find(g, "plain")->split, SVC_SPLIT_AUTO);
    ck_assert_int_eq(svc_groups_find(g, "on")->split, SVC_SPLIT_ALWAYS);
    ck_assert_int_eq(svc_groups_find(g, "off")->split, SVC_SPLIT_NEVER);
    ck_assert_int_eq(svc_groups_find(g, "explicit")->split, SVC_SPLIT_AUTO);
    ck_assert_int_eq(svc_groups_find(g, "empty")->split, SVC_SPLIT_AUTO);
    svc_groups_free(g);

    /* Bad values, a duplicate and a continued value, each on its line. */
    write_file("svchost.ini", "[a]\nServices = A\nSplit = sometimes\n[b]\n"
               "Services = B\nSplit = 1\n[c]\nServices = C\nSplit = never\n"
               "  always\n[d]\nServices = D\nSplit = never\nSPLIT = always\n");
    ck_assert_int_eq(svc_config_load_groups(tmp_root, &g, &d), -EINVAL);
    ck_assert_ptr_null(g);
    expect_diag(&d, 4,
        fmt("%s:3: error: bad Split 'sometimes' in group [a]; accepted: auto, "
            "always, never", f),
        fmt("%s:6: error: bad Split '1' in group [b]; accepted: auto, always, never", f),
        fmt("%s:10: error: 'Split' cannot continue on this line (an indented line "
            "continues the value above it); remove the indentation", f),
        fmt("%s:14: error: duplicate key 'SPLIT' in [d]; it is already set on "
            "line 13", f));
    svc_diag_free(&d);
    free(f);
}
END_TEST

START_TEST(test_groups_missing_file)
{
    struct svc_groups *g = (void *)1;
    struct svc_diag d = { 0 };

    ck_assert_int_eq(svc_config_load_groups(DATA "/services", &g, &d), -ENOENT);
    ck_assert_ptr_null(g);
    expect_diag(&d, 1, fmt("%s: error: cannot open: No such file or directory",
                           DATA "/services/config/svchost.ini"));
    svc_diag_free(&d);
}
END_TEST

START_TEST(test_group_demo)
{
    struct svc_group_members *m = NULL;
    struct svc_diag d = { 0 };

    ck_assert_int_eq(svc_config_load_group(DEMO_ROOT, "demo", &m, &d), 0);
    expect_diag(&d, 0);
    ck_assert_str_eq(m->group, "demo");
    ck_assert_uint_eq(m->n, 2);
    ck_assert_str_eq(m->services[0]->name, "Echo");
    ck_assert_str_eq(m->services[0]->service_dll, "echo.so");
    ck_assert_str_eq(svc_service_config_param(m->services[0], "Port"), "7007");
    ck_assert_str_eq(m->services[1]->name, "Heartbeat");
    ck_assert_str_eq(m->services[1]->service_dll, "heartbeat.so");
    ck_assert_str_eq(svc_service_config_param(m->services[1], "IntervalMs"), "1000");
    ck_assert_str_eq(svc_service_config_param(m->services[1], "File"), "heartbeat.txt");
    ck_assert_uint_eq(m->services[1]->type, SERVICE_WIN32_SHARE_PROCESS);
    svc_group_members_free(m);
}
END_TEST

START_TEST(test_group_problems)
{
    struct svc_group_members *m = (void *)1;
    struct svc_diag d = { 0 };
    const char *ini = GROUPS_ROOT "/config/svchost.ini";
    char *other = service_file(GROUPS_ROOT, "Other");
    char *missing = service_file(GROUPS_ROOT, "Missing");

    /* All at once: svchost.ini's own problems, a member without a file,
     * a member whose ImagePath runs another group. */
    ck_assert_int_eq(svc_config_load_group(GROUPS_ROOT, "demo", &m, &d), -EINVAL);
    ck_assert_ptr_null(m);
    expect_diag(&d, 5,
        fmt("%s:6: error: service 'Echo' is listed twice: here in group 'other' and "
            "on line 2 in group 'demo'; a service belongs to one group", ini),
        fmt("%s:7: warning: unknown key 'Colour' in group [other]; ignored "
            "(known: Services, Split)", ini),
        fmt("%s:10: error: service 'Dns' is listed twice in group 'netsvcs' "
            "(first on line 10)", ini),
        fmt("%s:2: error: service 'Missing' of group 'demo' has no file %s", ini, missing),
        fmt("%s:2: error: ImagePath runs group 'other', but 'Other' is listed in group "
            "'demo' (%s:3); make it 'svchost -k demo'", other, ini));
    ck_assert_uint_eq(d.errors, 4);
    svc_diag_free(&d);
    free(other);
    free(missing);
}
END_TEST

START_TEST(test_group_member_checks)
{
    struct svc_group_members *m = NULL;
    struct svc_diag d = { 0 };
    char *ini = fmt("%s/config/svchost.ini", tmp_root);
    char *own = service_file(tmp_root, "Own");
    char *bad = service_file(tmp_root, "Bad");
    char *nodll = service_file(tmp_root, "NoDll");
    char *missing = service_file(tmp_root, "Missing");

    write_file("svchost.ini", "[web]\nServices = Own, Missing\n  Bad NoDll\n");
    write_file("services/Own.ini", "[Service]\nStart = auto\nImagePath = /usr/sbin/ownd\n");
    write_file("services/Bad.ini", "[Service]\nImagePath = svchost -k web\nStart = never\n");
    write_file("services/NoDll.ini", "[Service]\nImagePath = svchost -k WEB\n");
    ck_assert_int_eq(svc_config_load_group(tmp_root, "web", &m, &d), -EINVAL);
    expect_diag(&d, 4,
        fmt("%s:3: error: ImagePath '/usr/sbin/ownd' does not run 'svchost -k web', "
            "but 'Own' is listed in group 'web' (%s:2)", own, ini),
        fmt("%s:2: error: service 'Missing' of group 'web' has no file %s", ini,
            missing),
        fmt("%s:3: error: bad Start 'never'; accepted: boot, system, auto, demand, "
            "disabled, or 0 to 4", bad),
        fmt("%s: warning: [Parameters] has no ServiceDll; group 'web' cannot start "
            "'NoDll'", nodll));
    svc_diag_free(&d);

    ck_assert_int_eq(svc_config_load_group(tmp_root, "nosuch", &m, &d), -ENOENT);
    ck_assert_ptr_null(m);
    expect_diag(&d, 1, fmt("%s: error: no group 'nosuch'", ini));
    svc_diag_free(&d);
    free(ini);
    free(own);
    free(bad);
    free(nodll);
    free(missing);
}
END_TEST

/* ---- The SCM's settings ------------------------------------------------ */

static char *scm_file(void)
{
    return fmt("%s/config/scm.ini", tmp_root);
}

/* svc_config_load_scm, keeping the strings it gives *c until the next
 * call or the end of the test, so that tests may load into one struct
 * again. */

static int scm_load(const char *root, struct svc_scm_config *c, struct svc_diag *d)
{
    int rc;

    svc_scm_config_free(&scm_owned);
    rc = svc_config_load_scm(root, c, d);
    scm_owned = *c;
    scm_owned.profiles = NULL;
    scm_owned.n_profiles = 0;
    return rc;
}

static void expect_scm_defaults(const struct svc_scm_config *c)
{
    ck_assert_uint_eq(c->split_threshold_kb, 0);
    ck_assert_uint_eq(c->start_timeout_ms, 30000);
    ck_assert_uint_eq(c->control_timeout_ms, 30000);
    ck_assert_uint_eq(c->stop_timeout_ms, 30000);
    ck_assert_uint_eq(c->client_queue_limit_kb, 1024);
    ck_assert_uint_eq(c->host_queue_limit_kb, 4096);
    ck_assert_uint_eq(c->max_connections, 1024);
    ck_assert_uint_eq(c->max_connections_per_user, 64);
    ck_assert_uint_eq(c->frame_timeout_ms, 5000);
    ck_assert_uint_eq(c->allow_reboot, 0);
    ck_assert_uint_eq(c->shutdown_timeout_ms, 20000);
    ck_assert_uint_eq(c->delayed_autostart_delay_ms, 120000);
    ck_assert_str_eq(c->reboot_command, "systemctl reboot");
    ck_assert_str_eq(c->local_service_account, "svchost-local");
    ck_assert_str_eq(c->network_service_account, "svchost-network");
    ck_assert_str_eq(c->admin_group, "");
}

START_TEST(test_scm_missing_file)
{
    struct svc_scm_config c;
    struct svc_diag d = { 0 };
    char *nowhere = fmt("%s/nonexistent", tmp_root);

    memset(&c, 0xff, sizeof c);
    ck_assert_int_eq(scm_load(tmp_root, &c, &d), 0);
    expect_diag(&d, 0);
    expect_scm_defaults(&c);
    /* Not even a config/ directory. */
    memset(&c, 0xff, sizeof c);
    ck_assert_int_eq(scm_load(nowhere, &c, &d), 0);
    expect_diag(&d, 0);
    expect_scm_defaults(&c);
    free(nowhere);
}
END_TEST

START_TEST(test_scm_all_keys)
{
    struct svc_scm_config c;
    struct svc_diag d = { 0 };

    write_file("scm.ini", "; the SCM\n[SCM]\nSplitThresholdKB = 3670016\n"
               "StartTimeoutMs = 1\ncontroltimeoutms = 0x10\n"
               "STOPTIMEOUTMS = 4294967295 ; as long as it takes\n");
    ck_assert_int_eq(scm_load(tmp_root, &c, &d), 0);
    expect_diag(&d, 0);
    ck_assert_uint_eq(c.split_threshold_kb, 3670016);
    ck_assert_uint_eq(c.start_timeout_ms, 1);
    ck_assert_uint_eq(c.control_timeout_ms, 16);
    ck_assert_uint_eq(c.stop_timeout_ms, UINT32_MAX);

    /* Keys left out, or empty, keep their defaults. */
    write_file("scm.ini", "[scm]\nSplitThresholdKB = 1\nStopTimeoutMs =\n");
    ck_assert_int_eq(scm_load(tmp_root, &c, &d), 0);
    expect_diag(&d, 0);
    ck_assert_uint_eq(c.split_threshold_kb, 1);
    ck_assert_uint_eq(c.start_timeout_ms, 30000);
    ck_assert_uint_eq(c.stop_timeout_ms, 30000);

    /* An empty file, or one without [SCM], is all defaults. */
    write_file("scm.ini", "");
    ck_assert_int_eq(scm_load(tmp_root, &c, &d), 0);
    expect_diag(&d, 0);
    expect_scm_defaults(&c);
    write_file("scm.ini", "[SCM]\nSplitThresholdKB = 0\n");
    ck_assert_int_eq(scm_load(tmp_root, &c, &d), 0);
    expect_scm_defaults(&c);
}
END_TEST

START_TEST(test_scm_bad_values)
{
    struct svc_scm_config c;
    struct svc_diag d = { 0 };
    char *f = scm_file(), *long_line = repeat('9', 200), *text;

    /* Every problem at once, in line order; *out is the defaults. */
    text = fmt("[SCM]\nSplitThresholdKB = 3.5G\nStartTimeoutMs = 0\n"
               "ControlTimeoutMs = 4294967296\nStopTimeoutMs = -1\n"
               "StartTimeoutMs = 5\nSplitThresholdKB = 1\n[scm]\nstoptimeoutms = 1\n"
               "ControlTimeoutMs\nStopTimeoutMs = %s\n", long_line);
    write_file("scm.ini", text);
    ck_assert_int_eq(scm_load(tmp_root, &c, &d), -EINVAL);
    expect_scm_defaults(&c);
    expect_diag(&d, 11,
        fmt("%s:2: error: bad SplitThresholdKB '3.5G'; accepted: KiB of RAM from 0 "
            "(never split) to 4294967295, decimal or 0x hex", f),
        fmt("%s:3: error: bad StartTimeoutMs '0'; accepted: milliseconds from 1 to "
            "4294967295, decimal or 0x hex", f),
        fmt("%s:4: error: bad ControlTimeoutMs '4294967296'; accepted: milliseconds "
            "from 1 to 4294967295, decimal or 0x hex (too large)", f),
        fmt("%s:5: error: bad StopTimeoutMs '-1'; accepted: milliseconds from 1 to "
            "4294967295, decimal or 0x hex", f),
        fmt("%s:6: error: duplicate key 'StartTimeoutMs' in [SCM]; it is already set "
            "on line 3", f),
        fmt("%s:7: error: duplicate key 'SplitThresholdKB' in [SCM]; it is already "
            "set on line 2", f),
        fmt("%s:8: warning: section [scm] repeats the one on line 1; their keys "
            "are merged", f),
        fmt("%s:9: error: duplicate key 'stoptimeoutms' in [SCM]; it is already set "
            "on line 5", f),
        fmt("%s:10: error: expected '[section]', 'key = value' or a ';' comment", f),
        fmt("%s:11: error: line is 216 characters long; the limit is 198", f),
        fmt("%s:11: error: duplicate key 'StopTimeoutMs' in [SCM]; it is already set "
            "on line 5", f));
    ck_assert_uint_eq(d.errors, 10);
    svc_diag_free(&d);

    /* An indented line is a mistake, not more of the value above it. */
    write_file("scm.ini", "[SCM]\nSplitThresholdKB = 1\n  StartTimeoutMs = 2\n");
    ck_assert_int_eq(scm_load(tmp_root, &c, &d), -EINVAL);
    expect_scm_defaults(&c);
    expect_diag(&d, 1,
        fmt("%s:3: error: 'SplitThresholdKB' cannot continue on this line (an "
            "indented line continues the value above it); remove the indentation", f));
    svc_diag_free(&d);
    free(text);
    free(long_line);
    free(f);
}
END_TEST

START_TEST(test_scm_peer_limits)
{
    struct svc_scm_config c, def;
    struct svc_diag d = { 0 };
    char *f = scm_file();

    ck_assert_int_eq(svc_scm_config_defaults(&def), 0);
    expect_scm_defaults(&def);
    svc_scm_config_free(&def);
    ck_assert_ptr_null(def.reboot_command);
    write_file("scm.ini", "[SCM]\nClientQueueLimitKB = 1\nhostqueuelimitkb = 0x2000\n"
               "MaxConnections = 4294967295\nMaxConnectionsPerUser = 2\n"
               "FrameTimeoutMs = 250\nadmingroup = wheel\nLocalServiceAccount = ls\n"
               "NetworkServiceAccount =\n");
    ck_assert_int_eq(scm_load(tmp_root, &c, &d), 0);
    expect_diag(&d, 0);
    ck_assert_str_eq(c.admin_group, "wheel");
    ck_assert_str_eq(c.local_service_account, "ls");
    ck_assert_str_eq(c.network_service_account, "svchost-network");
    ck_assert_uint_eq(c.client_queue_limit_kb, 1);
    ck_assert_uint_eq(c.host_queue_limit_kb, 8192);
    ck_assert_uint_eq(c.max_connections, UINT32_MAX);
    ck_assert_uint_eq(c.max_connections_per_user, 2);
    ck_assert_uint_eq(c.frame_timeout_ms, 250);
    /* The others keep their defaults. */
    ck_assert_uint_eq(c.start_timeout_ms, 30000);
    ck_assert_uint_eq(c.split_threshold_kb, 0);

    /* Empty means the default. */
    write_file("scm.ini", "[SCM]\nMaxConnections =\nFrameTimeoutMs = 7\n");
    ck_assert_int_eq(scm_load(tmp_root, &c, &d), 0);
    ck_assert_uint_eq(c.max_connections, 1024);
    ck_assert_uint_eq(c.frame_timeout_ms, 7);

    /* A limit of 0 would refuse every client: an error at its line. */
    write_file("scm.ini", "[SCM]\nClientQueueLimitKB = 0\nHostQueueLimitKB = 4G\n"
               "MaxConnections = 0\nMaxConnectionsPerUser = -1\nFrameTimeoutMs = 0\n"
               "MaxConnections = 5\n");
    ck_assert_int_eq(scm_load(tmp_root, &c, &d), -EINVAL);
    expect_scm_defaults(&c);
    expect_diag(&d, 6,
        fmt("%s:2: error: bad ClientQueueLimitKB '0'; accepted: KiB from 1 to 4294967295, "
            "decimal or 0x hex", f),
        fmt("%s:3: error: bad HostQueueLimitKB '4G'; accepted: KiB from 1 to 4294967295, "
            "decimal or 0x hex", f),
        fmt("%s:4: error: bad MaxConnections '0'; accepted: a count from 1 to 4294967295, "
            "decimal or 0x hex", f),
        fmt("%s:5: error: bad MaxConnectionsPerUser '-1'; accepted: a count from 1 to "
            "4294967295, decimal or 0x hex", f),
        fmt("%s:6: error: bad FrameTimeoutMs '0'; accepted: milliseconds from 1 to "
            "4294967295, decimal or 0x hex", f),
        fmt("%s:7: error: duplicate key 'MaxConnections' in [SCM]; it is already set "
            "on line 4", f));
    svc_diag_free(&d);
    free(f);
}
END_TEST

/* The keys of recovery, shutdown and delayed start. */
START_TEST(test_scm_recovery_keys)
{
    struct svc_scm_config c;
    struct svc_diag d = { 0 };
    char *f = scm_file();

    write_file("scm.ini", "[SCM]\nAllowReboot = 1\nrebootcommand = /sbin/shutdown -r now\n"
               "ShutdownTimeoutMs = 0x3a98\nDelayedAutoStartDelayMs = 0\n");
    ck_assert_int_eq(scm_load(tmp_root, &c, &d), 0);
    expect_diag(&d, 0);
    ck_assert_uint_eq(c.allow_reboot, 1);
    ck_assert_str_eq(c.reboot_command, "/sbin/shutdown -r now");
    ck_assert_uint_eq(c.shutdown_timeout_ms, 15000);
    ck_assert_uint_eq(c.delayed_autostart_delay_ms, 0);
    /* The others keep their defaults; an empty RebootCommand is the default. */
    ck_assert_uint_eq(c.stop_timeout_ms, 30000);
    write_file("scm.ini", "[SCM]\nRebootCommand =\nAllowReboot = 0\n");
    ck_assert_int_eq(scm_load(tmp_root, &c, &d), 0);
    expect_scm_defaults(&c);

    /* Bad values: an error on their line, and *out is the defaults. */
    write_file("scm.ini", "[SCM]\nAllowReboot = 2\nShutdownTimeoutMs = 0\n"
               "DelayedAutoStartDelayMs = 2m\nRebootCommand = a\nRebootCommand = b\n"
               "AllowReboot = yes\n");
    ck_assert_int_eq(scm_load(tmp_root, &c, &d), -EINVAL);
    expect_scm_defaults(&c);
    expect_diag(&d, 5,
        fmt("%s:2: error: bad AllowReboot '2'; accepted: 0 or 1", f),
        fmt("%s:3: error: bad ShutdownTimeoutMs '0'; accepted: milliseconds from 1 to "
            "4294967295, decimal or 0x hex", f),
        fmt("%s:4: error: bad DelayedAutoStartDelayMs '2m'; accepted: milliseconds from 0 "
            "to 4294967295, decimal or 0x hex", f),
        fmt("%s:6: error: duplicate key 'RebootCommand' in [SCM]; it is already set "
            "on line 5", f),
        fmt("%s:7: error: duplicate key 'AllowReboot' in [SCM]; it is already set "
            "on line 2", f));
    svc_diag_free(&d);
    free(f);
}
END_TEST

START_TEST(test_scm_unknown_warns)
{
    struct svc_scm_config c;
    struct svc_diag d = { 0 };
    char *f = scm_file();

    write_file("scm.ini", "Stray = 1\n[SCM]\nSplitThresholdKb = 0x10\n"
               "SplitThreshold = 5\n[Other]\nStartTimeoutMs = 1\n");
    ck_assert_int_eq(scm_load(tmp_root, &c, &d), 0);
    ck_assert_uint_eq(d.errors, 0);
    expect_diag(&d, 3,
        fmt("%s:1: warning: key 'Stray' is outside [SCM]; ignored", f),
        fmt("%s:4: warning: unknown key 'SplitThreshold' in [SCM]; ignored (known: "
            "SplitThresholdKB, StartTimeoutMs, ControlTimeoutMs, StopTimeoutMs, "
            "ClientQueueLimitKB, HostQueueLimitKB, MaxConnections, MaxConnectionsPerUser, "
            "FrameTimeoutMs, AllowReboot, ShutdownTimeoutMs, DelayedAutoStartDelayMs, "
            "RebootCommand, LocalServiceAccount, NetworkServiceAccount, AdminGroup)", f),
        fmt("%s:5: warning: unknown section [Other]; ignored (known: [SCM], "
            "[Profile NAME])", f));
    /* The known keys still count; [Other]'s do not. */
    ck_assert_uint_eq(c.split_threshold_kb, 16);
    ck_assert_uint_eq(c.start_timeout_ms, 30000);
    svc_diag_free(&d);
    free(f);
}
END_TEST

START_TEST(test_scm_unreadable)
{
    struct svc_scm_config c;
    struct svc_diag d = { 0 };
    char *f = scm_file();

    /* Missing is fine; there but unreadable is not. */
    ck_assert_int_eq(mkdir(f, 0700), 0);
    memset(&c, 0xff, sizeof c);
    ck_assert_int_eq(scm_load(tmp_root, &c, &d), -EISDIR);
    expect_diag(&d, 1, fmt("%s: error: cannot read: Is a directory", f));
    expect_scm_defaults(&c);
    svc_diag_free(&d);
    free(f);
}
END_TEST

/* ---- Values ----------------------------------------------------------- */

START_TEST(test_parse_dword)
{
    uint32_t v = 7;

    ck_assert_int_eq(svc_parse_dword("0", &v), 0);
    ck_assert_uint_eq(v, 0);
    ck_assert_int_eq(svc_parse_dword("010", &v), 0);
    ck_assert_uint_eq(v, 10);                   /* decimal, never octal */
    ck_assert_int_eq(svc_parse_dword("4294967295", &v), 0);
    ck_assert_uint_eq(v, UINT32_MAX);
    ck_assert_int_eq(svc_parse_dword("0xFFFFffff", &v), 0);
    ck_assert_uint_eq(v, UINT32_MAX);
    ck_assert_int_eq(svc_parse_dword("0X20", &v), 0);
    ck_assert_uint_eq(v, 32);
    v = 7;
    ck_assert_int_eq(svc_parse_dword("4294967296", &v), -ERANGE);
    ck_assert_int_eq(svc_parse_dword("0x100000000", &v), -ERANGE);
    ck_assert_int_eq(svc_parse_dword("", &v), -EINVAL);
    ck_assert_int_eq(svc_parse_dword("0x", &v), -EINVAL);
    ck_assert_int_eq(svc_parse_dword(" 1", &v), -EINVAL);
    ck_assert_int_eq(svc_parse_dword("1 ", &v), -EINVAL);
    ck_assert_int_eq(svc_parse_dword("-1", &v), -EINVAL);
    ck_assert_int_eq(svc_parse_dword("+1", &v), -EINVAL);
    ck_assert_int_eq(svc_parse_dword("12a", &v), -EINVAL);
    ck_assert_int_eq(svc_parse_dword("99999999999x", &v), -EINVAL);
    ck_assert_uint_eq(v, 7);                    /* untouched on failure */
}
END_TEST

START_TEST(test_parse_names)
{
    uint32_t v;

    ck_assert_int_eq(svc_parse_type("share", &v), 0);
    ck_assert_uint_eq(v, SERVICE_WIN32_SHARE_PROCESS);
    ck_assert_int_eq(svc_parse_type("OWN", &v), 0);
    ck_assert_uint_eq(v, SERVICE_WIN32_OWN_PROCESS);
    ck_assert_int_eq(svc_parse_type("kernel", &v), 0);
    ck_assert_uint_eq(v, SERVICE_KERNEL_DRIVER);
    ck_assert_int_eq(svc_parse_type("filesys", &v), 0);
    ck_assert_uint_eq(v, SERVICE_FILE_SYSTEM_DRIVER);
    ck_assert_int_eq(svc_parse_type("rec", &v), 0);
    ck_assert_uint_eq(v, SERVICE_RECOGNIZER_DRIVER);
    ck_assert_int_eq(svc_parse_type("adapt", &v), 0);
    ck_assert_uint_eq(v, SERVICE_ADAPTER);
    ck_assert_int_eq(svc_parse_type("userown", &v), 0);
    ck_assert_uint_eq(v, SERVICE_USER_OWN_PROCESS);
    ck_assert_int_eq(svc_parse_type("usershare", &v), 0);
    ck_assert_uint_eq(v, SERVICE_USER_SHARE_PROCESS);
    ck_assert_int_eq(svc_parse_type("32", &v), 0);
    ck_assert_uint_eq(v, SERVICE_WIN32_SHARE_PROCESS);
    ck_assert_int_eq(svc_parse_type("0x120", &v), 0);
    ck_assert_uint_eq(v, SERVICE_WIN32_SHARE_PROCESS | SERVICE_INTERACTIVE_PROCESS);
    ck_assert_int_eq(svc_parse_type("shared", &v), -EINVAL);
    ck_assert_int_eq(svc_parse_type("0", &v), -EINVAL);
    ck_assert_int_eq(svc_parse_type("0x400", &v), -EINVAL);
    ck_assert_int_eq(svc_parse_type("", &v), -EINVAL);

    ck_assert_int_eq(svc_parse_start("boot", &v), 0);
    ck_assert_uint_eq(v, SERVICE_BOOT_START);
    ck_assert_int_eq(svc_parse_start("system", &v), 0);
    ck_assert_uint_eq(v, SERVICE_SYSTEM_START);
    ck_assert_int_eq(svc_parse_start("Auto", &v), 0);
    ck_assert_uint_eq(v, SERVICE_AUTO_START);
    ck_assert_int_eq(svc_parse_start("demand", &v), 0);
    ck_assert_uint_eq(v, SERVICE_DEMAND_START);
    ck_assert_int_eq(svc_parse_start("disabled", &v), 0);
    ck_assert_uint_eq(v, SERVICE_DISABLED);
    ck_assert_int_eq(svc_parse_start("4", &v), 0);
    ck_assert_uint_eq(v, SERVICE_DISABLED);
    ck_assert_int_eq(svc_parse_start("5", &v), -EINVAL);
    ck_assert_int_eq(svc_parse_start("sometimes", &v), -EINVAL);

    ck_assert_int_eq(svc_parse_error_control("ignore", &v), 0);
    ck_assert_uint_eq(v, SERVICE_ERROR_IGNORE);
    ck_assert_int_eq(svc_parse_error_control("normal", &v), 0);
    ck_assert_uint_eq(v, SERVICE_ERROR_NORMAL);
    ck_assert_int_eq(svc_parse_error_control("severe", &v), 0);
    ck_assert_uint_eq(v, SERVICE_ERROR_SEVERE);
    ck_assert_int_eq(svc_parse_error_control("CRITICAL", &v), 0);
    ck_assert_uint_eq(v, SERVICE_ERROR_CRITICAL);
    ck_assert_int_eq(svc_parse_error_control("3", &v), 0);
    ck_assert_int_eq(svc_parse_error_control("4", &v), -EINVAL);

    ck_assert_str_eq(svc_type_name(SERVICE_WIN32_SHARE_PROCESS), "share");
    ck_assert_str_eq(svc_type_name(SERVICE_WIN32_OWN_PROCESS), "own");
    ck_assert_str_eq(svc_type_name(SERVICE_KERNEL_DRIVER), "kernel");
    ck_assert_str_eq(svc_type_name(SERVICE_USER_SHARE_PROCESS), "usershare");
    ck_assert_ptr_null(svc_type_name(0x120));
    ck_assert_str_eq(svc_start_name(SERVICE_AUTO_START), "auto");
    ck_assert_str_eq(svc_start_name(SERVICE_DEMAND_START), "demand");
    ck_assert_str_eq(svc_start_name(SERVICE_DISABLED), "disabled");
    ck_assert_ptr_null(svc_start_name(5));
    ck_assert_str_eq(svc_error_control_name(SERVICE_ERROR_NORMAL), "normal");
    ck_assert_str_eq(svc_error_control_name(SERVICE_ERROR_CRITICAL), "critical");
    ck_assert_ptr_null(svc_error_control_name(4));

    /* Every name parses back to its value. */
    for (uint32_t i = 0; i < 0x400; i++) {
        const char *n = svc_type_name(i);

        if (n != NULL) {
            ck_assert_int_eq(svc_parse_type(n, &v), 0);
            ck_assert_uint_eq(v, i);
        }
    }
}
END_TEST

START_TEST(test_name_valid)
{
    char *longest = repeat('n', 256), *too_long = repeat('n', 257);

    ck_assert_int_eq(svc_name_valid("Echo"), 1);
    ck_assert_int_eq(svc_name_valid("Network Provider"), 1);
    ck_assert_int_eq(svc_name_valid("a.b-c_d"), 1);
    ck_assert_int_eq(svc_name_valid("\xc3\xa9t\xc3\xa9"), 1);
    ck_assert_int_eq(svc_name_valid(longest), 1);
    ck_assert_int_eq(svc_name_valid(too_long), 0);
    ck_assert_int_eq(svc_name_valid(""), 0);
    ck_assert_int_eq(svc_name_valid(NULL), 0);
    ck_assert_int_eq(svc_name_valid(".hidden"), 0);
    ck_assert_int_eq(svc_name_valid(".."), 0);
    ck_assert_int_eq(svc_name_valid("a/b"), 0);
    ck_assert_int_eq(svc_name_valid("a\\b"), 0);
    ck_assert_int_eq(svc_name_valid("a\tb"), 0);
    ck_assert_int_eq(svc_name_valid("a\x7f"), 0);
    free(longest);
    free(too_long);
}
END_TEST

static const struct {
    const char *image_path;
    int rc;
    const char *group;
} image_paths[] = {
    { "svchost -k demo", 1, "demo" },
    { "  svchost   -k   demo  ", 1, "demo" },
    { "/usr/lib/svchost/svchost -k netsvcs", 1, "netsvcs" },
    { "\"/opt/my dir/svchost\" -k \"demo\"", 1, "demo" },
    { "svchost -kdemo", 1, "demo" },
    { "svchost -k demo -s Echo", 1, "demo" },
    { "svchost -s Echo -k demo", 1, "demo" },
    { "svchost\t-k\tdemo", 1, "demo" },
    { "svchost -k", 0, NULL },
    { "svchost -k \"\"", 0, NULL },
    { "svchost", 0, NULL },
    { "svchost demo", 0, NULL },
    { "svchostd -k demo", 0, NULL },
    { "/usr/bin/svchost.exe -k demo", 0, NULL },
    { "/usr/sbin/sshd -k demo", 0, NULL },
    { "svchost -k \"demo", 0, NULL },
    { "", 0, NULL },
};

START_TEST(test_imagepath_group)
{
    char *group = (void *)1;
    int rc = svc_imagepath_group(image_paths[_i].image_path, &group);

    ck_assert_msg(rc == image_paths[_i].rc, "'%s': rc %d", image_paths[_i].image_path, rc);
    if (image_paths[_i].group != NULL)
        ck_assert_str_eq(group, image_paths[_i].group);
    else
        ck_assert_ptr_null(group);
    free(group);
}
END_TEST

START_TEST(test_resolve_service_dll)
{
    char *p;

    ck_assert_int_eq(setenv("SVCHOST_PLUGIN_DIR", "/srv/plugins", 1), 0);
    p = svc_plugin_dir();
    ck_assert_str_eq(p, "/srv/plugins");
    free(p);
    p = svc_resolve_service_dll("echo.so");
    ck_assert_str_eq(p, "/srv/plugins/echo.so");
    free(p);
    p = svc_resolve_service_dll("extra/echo.so");
    ck_assert_str_eq(p, "/srv/plugins/extra/echo.so");
    free(p);
    p = svc_resolve_service_dll("/opt/x/echo.so");
    ck_assert_str_eq(p, "/opt/x/echo.so");
    free(p);
    ck_assert_ptr_null(svc_resolve_service_dll(NULL));

    ck_assert_int_eq(setenv("SVCHOST_PLUGIN_DIR", "/srv/plugins/", 1), 0);
    p = svc_resolve_service_dll("echo.so");
    ck_assert_str_eq(p, "/srv/plugins/echo.so");
    free(p);

    /* Unset or empty: this test runs from build/tests/, which is not a
     * build tree's bin/, so the installed directory. */
    ck_assert_int_eq(setenv("SVCHOST_PLUGIN_DIR", "", 1), 0);
    p = svc_plugin_dir();
    ck_assert_ptr_nonnull(p);
    ck_assert_msg(strstr(p, "/svchost/plugins") != NULL, "plugin dir %s", p);
    free(p);
    ck_assert_int_eq(unsetenv("SVCHOST_PLUGIN_DIR"), 0);
    p = svc_resolve_service_dll("echo.so");
    ck_assert_msg(strstr(p, "/svchost/plugins/echo.so") != NULL, "resolved %s", p);
    free(p);
}
END_TEST

START_TEST(test_split_names)
{
    int v = -1;

    ck_assert_int_eq(svc_parse_split("auto", &v), 0);
    ck_assert_int_eq(v, SVC_SPLIT_AUTO);
    ck_assert_int_eq(svc_parse_split("ALWAYS", &v), 0);
    ck_assert_int_eq(v, SVC_SPLIT_ALWAYS);
    ck_assert_int_eq(svc_parse_split("Never", &v), 0);
    ck_assert_int_eq(v, SVC_SPLIT_NEVER);
    v = -1;
    ck_assert_int_eq(svc_parse_split("", &v), -EINVAL);
    ck_assert_int_eq(svc_parse_split("1", &v), -EINVAL);
    ck_assert_int_eq(svc_parse_split("yes", &v), -EINVAL);
    ck_assert_int_eq(svc_parse_split(" auto", &v), -EINVAL);
    ck_assert_int_eq(svc_parse_split(NULL, &v), -EINVAL);
    ck_assert_int_eq(v, -1);                    /* untouched on failure */
    ck_assert_str_eq(svc_split_name(SVC_SPLIT_AUTO), "auto");
    ck_assert_str_eq(svc_split_name(SVC_SPLIT_ALWAYS), "always");
    ck_assert_str_eq(svc_split_name(SVC_SPLIT_NEVER), "never");
    ck_assert_ptr_null(svc_split_name(-1));
    ck_assert_ptr_null(svc_split_name(SVC_SPLIT_NEVER + 1));
}
END_TEST

#define WIN_THRESHOLD 3670016u          /* Windows' 3.5 GiB, in KiB */

/* threshold, RAM, group's Split, SvcHostSplitDisable -> own host? */
static const struct {
    uint32_t threshold_kb;
    uint64_t mem_kb;
    int group;
    uint32_t disable;
    int split;
} decide[] = {
    /* auto follows the threshold: strictly more RAM than it splits. */
    { 0, 0, SVC_SPLIT_AUTO, 0, 0 },
    { 0, UINT64_MAX, SVC_SPLIT_AUTO, 0, 0 },            /* 0: never */
    { WIN_THRESHOLD, WIN_THRESHOLD - 1, SVC_SPLIT_AUTO, 0, 0 },
    { WIN_THRESHOLD, WIN_THRESHOLD, SVC_SPLIT_AUTO, 0, 0 },
    { WIN_THRESHOLD, WIN_THRESHOLD + 1, SVC_SPLIT_AUTO, 0, 1 },
    { 1, 16318480, SVC_SPLIT_AUTO, 0, 1 },
    { UINT32_MAX, (uint64_t)UINT32_MAX + 1, SVC_SPLIT_AUTO, 0, 1 },
    { 1, 0, SVC_SPLIT_AUTO, 0, 0 },                     /* RAM unknown */
    /* always and never ignore the threshold. */
    { 0, 0, SVC_SPLIT_ALWAYS, 0, 1 },
    { WIN_THRESHOLD, 1024, SVC_SPLIT_ALWAYS, 0, 1 },
    { 1, 16318480, SVC_SPLIT_NEVER, 0, 0 },
    { 0, 0, SVC_SPLIT_NEVER, 0, 0 },
    /* SvcHostSplitDisable wins over everything. */
    { 1, 16318480, SVC_SPLIT_AUTO, 1, 0 },
    { 0, 0, SVC_SPLIT_ALWAYS, 1, 0 },
    { 1, 16318480, SVC_SPLIT_NEVER, 1, 0 },
    { 1, 16318480, SVC_SPLIT_ALWAYS, 2, 0 },
    /* A Split value with no name is taken as auto. */
    { 1, 16318480, 7, 0, 1 },
    { 0, 16318480, -1, 0, 0 },
};

START_TEST(test_split_decide)
{
    int got = svc_split_decide(decide[_i].threshold_kb, decide[_i].mem_kb,
                               decide[_i].group, decide[_i].disable);

    ck_assert_msg(got == decide[_i].split,
                  "threshold %u, RAM %llu, Split %d, SvcHostSplitDisable %u: got %d",
                  (unsigned)decide[_i].threshold_kb,
                  (unsigned long long)decide[_i].mem_kb, decide[_i].group,
                  (unsigned)decide[_i].disable, got);
}
END_TEST

static uint64_t meminfo(const char *text)
{
    char *path = fmt("%s/config/meminfo", tmp_root);
    uint64_t kb;

    write_file("meminfo", text);
    kb = svc_meminfo_total_kb(path);
    free(path);
    return kb;
}

START_TEST(test_mem_total)
{
    uint64_t kb;
    char *path = fmt("%s/config/none", tmp_root);

    ck_assert_uint_eq(meminfo("MemTotal:       16318480 kB\nMemFree:  1 kB\n"), 16318480);
    ck_assert_uint_eq(meminfo("MemFree:         1000 kB\nMemTotal:\t2048 kB\n"), 2048);
    ck_assert_uint_eq(meminfo("MemTotal: 18446744073709551615 kB\n"), UINT64_MAX);
    ck_assert_uint_eq(meminfo("MemTotal: 18446744073709551616 kB\n"), 0);
    ck_assert_uint_eq(meminfo("MemTotal: 1024 MB\n"), 0);
    ck_assert_uint_eq(meminfo("MemTotal: 1024\n"), 0);
    ck_assert_uint_eq(meminfo("MemTotal: kB\n"), 0);
    ck_assert_uint_eq(meminfo("MemFree: 1000 kB\n"), 0);
    ck_assert_uint_eq(meminfo("XMemTotal: 1000 kB\n"), 0);
    ck_assert_uint_eq(meminfo(""), 0);
    ck_assert_uint_eq(svc_meminfo_total_kb(path), 0);
    free(path);

    /* This machine's, where there is a /proc to read it from. */
    if (access("/proc/meminfo", R_OK) == 0) {
        kb = svc_mem_total_kb();
        ck_assert_uint_gt(kb, 0);
        ck_assert_uint_eq(kb, svc_meminfo_total_kb("/proc/meminfo"));
    }
}
END_TEST

START_TEST(test_diag)
{
    struct svc_diag d = { 0 };

    svc_diag_add(&d, 1, "a.ini", 3, "bad %s", "thing");
    svc_diag_add(&d, 0, "a.ini", 0, "about the file");
    svc_diag_add(&d, 1, NULL, 0, "about nothing in particular");
    svc_diag_add(NULL, 1, "a.ini", 1, "dropped");
    ck_assert_uint_eq(d.errors, 2);
    ck_assert_uint_eq(d.warnings, 1);
    expect_diag(&d, 3, fmt("a.ini:3: error: bad thing"),
                fmt("a.ini: warning: about the file"),
                fmt("error: about nothing in particular"));
    svc_diag_free(&d);
    ck_assert_uint_eq(d.n, 0);
    ck_assert_ptr_null(d.lines);
}
END_TEST

static Suite *config_suite(void)
{
    Suite *s = suite_create("config");
    TCase *tc = tcase_create("service");
    TCase *tmp = tcase_create("written");
    TCase *groups = tcase_create("groups");
    TCase *values = tcase_create("values");

    tcase_add_test(tc, test_service_all_keys);
    tcase_add_test(tc, test_service_defaults);
    tcase_add_test(tc, test_service_bad_values);
    tcase_add_loop_test(tc, test_service_refused, 0,
                        (int)(sizeof(refused) / sizeof(refused[0])));
    tcase_add_test(tc, test_service_unknown_key_warns);
    tcase_add_test(tc, test_service_missing_file);
    tcase_add_test(tc, test_service_path);
    suite_add_tcase(s, tc);

    tcase_add_checked_fixture(tmp, tmp_setup, tmp_teardown);
    tcase_add_loop_test(tmp, test_service_each_bad_value, 0,
                        (int)(sizeof(bad_values) / sizeof(bad_values[0])));
    tcase_add_test(tmp, test_service_line_limit_boundary);
    tcase_add_test(tmp, test_service_file_quirks);
    tcase_add_test(tmp, test_groups_lists);
    tcase_add_test(tmp, test_group_names_encoded);
    tcase_add_test(tmp, test_service_stored_levels);
    tcase_add_test(tmp, test_service_profiles);
    tcase_add_test(tmp, test_service_security);
    tcase_add_test(tmp, test_service_descriptor);
    tcase_add_test(tmp, test_scm_profiles);
    tcase_add_test(tmp, test_group_member_checks);
    tcase_add_test(tmp, test_service_split_disable);
    tcase_add_test(tmp, test_service_recovery);
    tcase_add_test(tmp, test_groups_split);
    tcase_add_test(tmp, test_scm_missing_file);
    tcase_add_test(tmp, test_scm_all_keys);
    tcase_add_test(tmp, test_scm_bad_values);
    tcase_add_test(tmp, test_scm_peer_limits);
    tcase_add_test(tmp, test_scm_recovery_keys);
    tcase_add_test(tmp, test_scm_unknown_warns);
    tcase_add_test(tmp, test_scm_unreadable);
    tcase_add_test(tmp, test_mem_total);
    suite_add_tcase(s, tmp);

    tcase_add_test(groups, test_groups_demo);
    tcase_add_test(groups, test_groups_listed_twice);
    tcase_add_test(groups, test_groups_missing_file);
    tcase_add_test(groups, test_group_demo);
    tcase_add_test(groups, test_group_problems);
    suite_add_tcase(s, groups);

    tcase_add_test(values, test_parse_dword);
    tcase_add_test(values, test_failure_action_values);
    tcase_add_test(values, test_parse_names);
    tcase_add_test(values, test_name_valid);
    tcase_add_loop_test(values, test_imagepath_group, 0,
                        (int)(sizeof(image_paths) / sizeof(image_paths[0])));
    tcase_add_test(values, test_resolve_service_dll);
    tcase_add_test(values, test_split_names);
    tcase_add_test(values, test_sid_type_names);
    tcase_add_loop_test(values, test_split_decide, 0,
                        (int)(sizeof(decide) / sizeof(decide[0])));
    tcase_add_test(values, test_diag);
    suite_add_tcase(s, values);
    return s;
}

int main(void)
{
    return test_run_suite(config_suite());
}
