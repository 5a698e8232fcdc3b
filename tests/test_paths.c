/* test_paths.c - the state directory's layouts (lib/paths.c): under ROOT,
 * and the system (FHS) layout when ROOT is the system state directory. */
#include "paths.h"
#include "testutil.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Each builder of paths.h, by the part it names. */
static char *(*const builders[])(const char *) = {
    svc_path_config_dir, svc_path_services_dir, svc_path_groups_file, svc_path_scm_ini,
    svc_path_run_dir,    svc_path_lock_file,    svc_path_log_dir,     svc_path_events_log,
    svc_path_failures_file, svc_scm_socket_path, svc_host_socket_path, svc_path_journal,
    svc_path_scm_security,
};
static const char *const under_root[] = {
    "config", "config/services", "config/svchost.ini", "config/scm.ini",
    "run", "run/scmd.lock", "log", "log/events.log",
    "run/failures", "run/scm.sock", "run/host.sock", "run/journal",
    "config/scm.sddl",
};
static const char *const fhs[] = {
    "/etc/svchost", "/etc/svchost/services", "/etc/svchost/svchost.ini", "/etc/svchost/scm.ini",
    "/run/svchost", "/run/svchost/scmd.lock", "/var/log/svchost", "/var/log/svchost/events.log",
    "/run/svchost/failures", "/run/svchost/scm.sock", "/run/svchost/host.sock", "/run/svchost/journal",
    "/etc/svchost/scm.sddl",
};
_Static_assert(sizeof builders / sizeof builders[0] == sizeof under_root / sizeof under_root[0],
               "one part per builder");
_Static_assert(sizeof builders / sizeof builders[0] == sizeof fhs / sizeof fhs[0], "one path per builder");

static void expect(char *(*fn)(const char *), const char *root, const char *want)
{
    char *p = fn(root);
    ck_assert_ptr_nonnull(p);
    ck_assert_str_eq(p, want);
    free(p);
}

static void expect_name(char *(*fn)(const char *, const char *), const char *root, const char *name,
                        const char *want)
{
    char *p = fn(root, name);
    ck_assert_ptr_nonnull(p);
    ck_assert_str_eq(p, want);
    free(p);
}

START_TEST(test_under_root)
{
    char want[256];

    for (size_t i = 0; i < sizeof builders / sizeof builders[0]; i++) {
        snprintf(want, sizeof want, "/tmp/state/%s", under_root[i]);
        expect(builders[i], "/tmp/state", want);
        expect(builders[i], "/tmp/state//", want);
    }
    /* A path that only starts like the system root is an ordinary root. */
    expect(svc_path_config_dir, "/var/lib/svchost2", "/var/lib/svchost2/config");
    expect(svc_path_config_dir, "/var/lib", "/var/lib/config");
    expect(svc_path_config_dir, "/", "/config");
}
END_TEST

START_TEST(test_system_layout)
{
    unsetenv("SVCHOST_SYSTEM_PREFIX");
    ck_assert_str_eq(svc_system_root(), "/var/lib/svchost");
    ck_assert_int_eq(svc_root_is_system("/var/lib/svchost"), 1);
    ck_assert_int_eq(svc_root_is_system("/var/lib/svchost/"), 1);
    ck_assert_int_eq(svc_root_is_system("/var/lib/svchost2"), 0);
    ck_assert_int_eq(svc_root_is_system("/var/lib"), 0);
    ck_assert_int_eq(svc_root_is_system(NULL), 0);
    for (size_t i = 0; i < sizeof builders / sizeof builders[0]; i++) {
        expect(builders[i], "/var/lib/svchost", fhs[i]);
        expect(builders[i], "/var/lib/svchost/", fhs[i]);
    }
    expect_name(svc_path_service_file, "/var/lib/svchost", "Echo", "/etc/svchost/services/Echo.ini");
}
END_TEST

/* The default root is $SVCHOST_ROOT, else the system root. */
START_TEST(test_default_root)
{
    unsetenv("SVCHOST_SYSTEM_PREFIX");
    setenv("SVCHOST_ROOT", "/tmp/state", 1);
    ck_assert_str_eq(svc_default_root(), "/tmp/state");
    setenv("SVCHOST_ROOT", "", 1);
    ck_assert_str_eq(svc_default_root(), "/var/lib/svchost");
    unsetenv("SVCHOST_ROOT");
    ck_assert_str_eq(svc_default_root(), "/var/lib/svchost");
    expect(svc_scm_socket_path, svc_default_root(), "/run/svchost/scm.sock");
}
END_TEST

/* $SVCHOST_SYSTEM_PREFIX moves the whole system layout, and the
 * unprefixed system root becomes an ordinary one.  (Read once per
 * process: each Check test runs in its own.) */
START_TEST(test_system_prefix)
{
    char want[256];

    unsetenv("SVCHOST_ROOT");
    setenv("SVCHOST_SYSTEM_PREFIX", "/tmp/p", 1);
    ck_assert_str_eq(svc_system_root(), "/tmp/p/var/lib/svchost");
    ck_assert_str_eq(svc_default_root(), "/tmp/p/var/lib/svchost");
    setenv("SVCHOST_SYSTEM_PREFIX", "/elsewhere", 1);
    ck_assert_str_eq(svc_system_root(), "/tmp/p/var/lib/svchost");
    for (size_t i = 0; i < sizeof builders / sizeof builders[0]; i++) {
        snprintf(want, sizeof want, "/tmp/p%s", fhs[i]);
        expect(builders[i], "/tmp/p/var/lib/svchost", want);
        snprintf(want, sizeof want, "/var/lib/svchost/%s", under_root[i]);
        expect(builders[i], "/var/lib/svchost", want);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("paths");
    TCase *tc = tcase_create("paths");

    tcase_add_test(tc, test_under_root);
    tcase_add_test(tc, test_system_layout);
    tcase_add_test(tc, test_default_root);
    tcase_add_test(tc, test_system_prefix);
    suite_add_tcase(s, tc);
    return test_run_suite(s);
}
