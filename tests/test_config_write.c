/*
 * test_config_write.c - the SCM's writer of the service database: what it
 * writes reads back unchanged through the loader, what cannot is refused
 * without touching the disk, and files are replaced atomically.
 */
#include "config.h"
#include "paths.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <svchost/winsvc.h>

#include "testutil.h"

/* ---- Helpers ------------------------------------------------------------ */

static char *xstrdup(const char *s)
{
    char *d;

    if (s == NULL)
        return NULL;
    d = strdup(s);
    ck_assert_ptr_nonnull(d);
    return d;
}

/* A temporary state directory with config/services/ in it. */
static char tmp_root[PATH_MAX];

static void tmp_setup(void)
{
    test_state_dir(tmp_root, sizeof tmp_root, "test_config_write", 0755);
}

static void tmp_teardown(void)
{
    test_remove_tree(tmp_root);
}

/* ROOT/config/REL */
static char *config_path(const char *rel)
{
    return fmt("%s/config/%s", tmp_root, rel);
}

static void write_file(const char *rel, const char *text)
{
    char *path = config_path(rel);

    test_write_text(path, text);
    free(path);
}

/* The contents of ROOT/config/REL, or NULL if it does not exist. */
static char *read_file(const char *rel)
{
    char *path = config_path(rel), *text = NULL;
    size_t cap = 0;
    FILE *f = fopen(path, "r");

    free(path);
    if (f == NULL) {
        ck_assert_int_eq(errno, ENOENT);
        return NULL;
    }
    ck_assert_int_ge(getdelim(&text, &cap, '\0', f), 0);
    fclose(f);
    return text;
}

static int exists(const char *rel)
{
    char *path = config_path(rel);
    int rc = access(path, F_OK) == 0;

    free(path);
    return rc;
}

/* No temporary file is left in ROOT/config or ROOT/config/services. */
static void assert_no_tmp(void)
{
    const char *dirs[] = { "config", "config/services" };

    for (size_t i = 0; i < 2; i++) {
        char *path = fmt("%s/%s", tmp_root, dirs[i]);
        DIR *d = opendir(path);
        struct dirent *e;

        free(path);
        if (d == NULL)
            continue;
        while ((e = readdir(d)) != NULL)
            ck_assert_msg(strstr(e->d_name, ".tmp.") == NULL,
                          "temporary file left: %s/%s", dirs[i], e->d_name);
        closedir(d);
    }
}

static char **strv(const char *first, ...)
{
    va_list ap;
    char **v = calloc(64, sizeof *v);
    size_t n = 0;

    ck_assert_ptr_nonnull(v);
    va_start(ap, first);
    for (const char *s = first; s != NULL; s = va_arg(ap, const char *)) {
        ck_assert_uint_lt(n, 63);
        v[n++] = xstrdup(s);
    }
    va_end(ap);
    return v;
}

static void set_str(char **field, const char *value)
{
    free(*field);
    *field = xstrdup(value);
}

static void add_param(struct svc_service_config *c, const char *key, const char *value)
{
    struct svc_kv *p = realloc(c->params, (c->n_params + 1) * sizeof *p);

    ck_assert_ptr_nonnull(p);
    c->params = p;
    p[c->n_params].key = xstrdup(key);
    p[c->n_params].value = xstrdup(value);
    c->n_params++;
}

/* A share service of group demo, the least the writer needs. */
static struct svc_service_config *minimal(const char *name)
{
    struct svc_service_config *c = calloc(1, sizeof *c);

    ck_assert_ptr_nonnull(c);
    c->name = xstrdup(name);
    c->type = SERVICE_WIN32_SHARE_PROCESS;
    c->start = SERVICE_DEMAND_START;
    c->error_control = SERVICE_ERROR_NORMAL;
    c->image_path = xstrdup("svchost -k demo");
    c->preshutdown_timeout_ms = SVC_PRESHUTDOWN_TIMEOUT_DEFAULT_MS; /* as the loader */
    return c;
}

/* Every field set, most to values that test a rule of the file syntax. */
static struct svc_service_config *full(const char *name)
{
    struct svc_service_config *c = minimal(name);

    c->display_name = xstrdup("Full: an = example; with\tpunctuation [x]");
    c->description = xstrdup("Uses every key; a;b is not a comment");
    c->start = SERVICE_AUTO_START;
    c->error_control = SERVICE_ERROR_SEVERE;
    c->object_name = xstrdup("NT AUTHORITY\\LocalService");
    c->load_order_group = xstrdup("NetworkProvider");
    c->depend_on_service = strv("Echo", "Tcpip", NULL);
    c->depend_on_group = strv("Network", NULL);
    c->wait_hint_ms = 10000;
    c->split_disable = 1;
    c->service_dll = xstrdup("/opt/full dir/full.so");
    c->service_main = xstrdup("FullMain");
    add_param(c, "Port", "7007");
    add_param(c, "Empty", "");
    add_param(c, "Path", "a;b=c:d");
    add_param(c, "Table[0]", "#not a comment");
    return c;
}

static struct svc_service_config *load(const char *name)
{
    struct svc_service_config *c = NULL;
    struct svc_diag d = { 0 };
    int rc = svc_config_load_service(tmp_root, name, &c, &d);

    for (size_t i = 0; i < d.n; i++)
        fprintf(stderr, "%s\n", d.lines[i]);
    ck_assert_int_eq(rc, 0);
    ck_assert_uint_eq(d.n, 0);          /* not even a warning */
    svc_diag_free(&d);
    return c;
}

static void assert_str_same(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        ck_assert_ptr_eq(a, b);
    else
        ck_assert_str_eq(a, b);
}

static void assert_strv_same(char *const *a, char *const *b)
{
    size_t i = 0;

    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    for (; a[i] != NULL && b[i] != NULL; i++)
        ck_assert_str_eq(a[i], b[i]);
    ck_assert_ptr_eq(a[i], b[i]);
}

/* Every field the loader fills, except the path. */
static void assert_config_same(const struct svc_service_config *a,
                               const struct svc_service_config *b)
{
    assert_str_same(a->name, b->name);
    assert_str_same(a->display_name, b->display_name);
    assert_str_same(a->description, b->description);
    ck_assert_uint_eq(a->type, b->type);
    ck_assert_uint_eq(a->start, b->start);
    ck_assert_uint_eq(a->error_control, b->error_control);
    assert_str_same(a->image_path, b->image_path);
    assert_str_same(a->object_name, b->object_name);
    assert_str_same(a->load_order_group, b->load_order_group);
    assert_strv_same(a->depend_on_service, b->depend_on_service);
    assert_strv_same(a->depend_on_group, b->depend_on_group);
    ck_assert_uint_eq(a->wait_hint_ms, b->wait_hint_ms);
    ck_assert_uint_eq(a->split_disable, b->split_disable);
    ck_assert_uint_eq(a->failure_reset_s, b->failure_reset_s);
    ck_assert_uint_eq(a->n_failure_actions, b->n_failure_actions);
    for (size_t i = 0; i < a->n_failure_actions; i++) {
        ck_assert_uint_eq(a->failure_actions[i].type, b->failure_actions[i].type);
        ck_assert_uint_eq(a->failure_actions[i].delay_ms, b->failure_actions[i].delay_ms);
    }
    assert_str_same(a->failure_command, b->failure_command);
    assert_str_same(a->reboot_message, b->reboot_message);
    ck_assert_uint_eq(a->failure_non_crash, b->failure_non_crash);
    ck_assert_uint_eq(a->preshutdown_timeout_ms, b->preshutdown_timeout_ms);
    ck_assert_uint_eq(a->delayed_autostart, b->delayed_autostart);
    ck_assert_int_eq(a->profiles == NULL, b->profiles == NULL);
    if (a->profiles != NULL)
        assert_strv_same(a->profiles, b->profiles);
    ck_assert_int_eq(a->required_privileges == NULL, b->required_privileges == NULL);
    if (a->required_privileges != NULL)
        assert_strv_same(a->required_privileges, b->required_privileges);
    ck_assert_uint_eq(a->sid_type, b->sid_type);
    assert_str_same(a->security, b->security);
    assert_str_same(a->service_dll, b->service_dll);
    assert_str_same(a->service_main, b->service_main);
    ck_assert_uint_eq(a->n_params, b->n_params);
    for (size_t i = 0; i < a->n_params; i++) {
        ck_assert_str_eq(a->params[i].key, b->params[i].key);
        ck_assert_str_eq(a->params[i].value, b->params[i].value);
    }
}

/* Writes c and reads it back; then checks that what was read survives a
 * write and read unchanged, and that writing it again makes the same
 * file.  Returns what was read. */
static struct svc_service_config *round_trip(const struct svc_service_config *c)
{
    struct svc_service_config *back, *again;
    char *rel = fmt("services/%s.ini", c->name), *first, *second;

    ck_assert_int_eq(svc_config_write_service(tmp_root, c), 0);
    back = load(c->name);
    ck_assert_int_eq(svc_config_write_service(tmp_root, back), 0);
    first = read_file(rel);
    again = load(c->name);
    assert_config_same(back, again);
    ck_assert_int_eq(svc_config_write_service(tmp_root, again), 0);
    second = read_file(rel);
    ck_assert_str_eq(first, second);
    svc_service_config_free(again);
    assert_no_tmp();
    free(first);
    free(second);
    free(rel);
    return back;
}

/* ---- One service ---------------------------------------------------------- */

START_TEST(test_write_all_fields)
{
    struct svc_service_config *c = full("Full"), *back = round_trip(c);

    /* What was given is what is read. */
    assert_str_same(back->display_name, c->display_name);
    assert_str_same(back->description, c->description);
    ck_assert_uint_eq(back->type, SERVICE_WIN32_SHARE_PROCESS);
    ck_assert_uint_eq(back->start, SERVICE_AUTO_START);
    ck_assert_uint_eq(back->error_control, SERVICE_ERROR_SEVERE);
    assert_str_same(back->image_path, c->image_path);
    assert_str_same(back->object_name, c->object_name);
    assert_str_same(back->load_order_group, c->load_order_group);
    assert_strv_same(back->depend_on_service, c->depend_on_service);
    assert_strv_same(back->depend_on_group, c->depend_on_group);
    ck_assert_uint_eq(back->wait_hint_ms, 10000);
    ck_assert_uint_eq(back->split_disable, 1);
    assert_str_same(back->service_dll, c->service_dll);
    assert_str_same(back->service_main, c->service_main);
    /* The reader lists ServiceDll and ServiceMain among the parameters;
     * the writer puts them first, then the rest in order. */
    ck_assert_uint_eq(back->n_params, 6);
    ck_assert_str_eq(back->params[0].key, "ServiceDll");
    ck_assert_str_eq(back->params[0].value, "/opt/full dir/full.so");
    ck_assert_str_eq(back->params[1].key, "ServiceMain");
    ck_assert_str_eq(back->params[1].value, "FullMain");
    for (size_t i = 0; i < 4; i++) {
        ck_assert_str_eq(back->params[i + 2].key, c->params[i].key);
        ck_assert_str_eq(back->params[i + 2].value, c->params[i].value);
    }
    svc_service_config_free(back);
    svc_service_config_free(c);
}
END_TEST

/* Profiles: written as the other lists, read back the same; none is no
 * key at all; a name the reader would refuse is not written. */
START_TEST(test_write_profiles)
{
    struct svc_service_config *c = minimal("Prof"), *back;
    char *text;

    c->profiles = strv("office", "Home Office", "a,b", NULL);
    back = round_trip(c);
    assert_strv_same(back->profiles, c->profiles);
    text = read_file("services/Prof.ini");
    ck_assert_ptr_nonnull(strstr(text, "\nProfiles = office, Home%20Office, a%2Cb\n"));
    free(text);
    svc_service_config_free(back);
    for (char **p = c->profiles; *p; p++)
        free(*p);
    free(c->profiles);
    c->profiles = NULL;
    back = round_trip(c);
    ck_assert_ptr_null(back->profiles);
    text = read_file("services/Prof.ini");
    ck_assert_ptr_null(strstr(text, "Profiles"));
    free(text);
    svc_service_config_free(back);
    c->profiles = strv("ok", "a/b", NULL);
    ck_assert_int_eq(svc_config_write_service(tmp_root, c), -EINVAL);
    svc_service_config_free(c);
}
END_TEST

/* RequiredPrivileges and ServiceSidType: written when set, read back the
 * same; none is no key; an unknown privilege or SID type is not written. */
START_TEST(test_write_security)
{
    struct svc_service_config *c = minimal("Sec"), *back;
    char *text;

    c->required_privileges = strv("SeBackupPrivilege", "SvchostNetRawPrivilege", NULL);
    c->sid_type = SERVICE_SID_TYPE_RESTRICTED;
    back = round_trip(c);
    assert_strv_same(back->required_privileges, c->required_privileges);
    ck_assert_uint_eq(back->sid_type, SERVICE_SID_TYPE_RESTRICTED);
    text = read_file("services/Sec.ini");
    ck_assert_ptr_nonnull(strstr(text, "\nRequiredPrivileges = SeBackupPrivilege, "
                                 "SvchostNetRawPrivilege\n"));
    ck_assert_ptr_nonnull(strstr(text, "\nServiceSidType = 3\n"));
    free(text);
    svc_service_config_free(back);
    for (char **p = c->required_privileges; *p; p++)
        free(*p);
    free(c->required_privileges);
    c->required_privileges = NULL;
    c->sid_type = SERVICE_SID_TYPE_NONE;
    back = round_trip(c);
    ck_assert_ptr_null(back->required_privileges);
    ck_assert_uint_eq(back->sid_type, 0);
    text = read_file("services/Sec.ini");
    ck_assert_ptr_null(strstr(text, "RequiredPrivileges"));
    ck_assert_ptr_null(strstr(text, "ServiceSidType"));
    free(text);
    svc_service_config_free(back);
    c->sid_type = 2;
    ck_assert_int_eq(svc_config_write_service(tmp_root, c), -EINVAL);
    c->sid_type = 0;
    c->required_privileges = strv("SeBackupPrivilege", "SeNoSuchPrivilege", NULL);
    ck_assert_int_eq(svc_config_write_service(tmp_root, c), -EINVAL);
    svc_service_config_free(c);
}
END_TEST

/* Security: written canonical, one ACE a line, so that a descriptor far
 * longer than a line reads back the same; none is no key; malformed SDDL
 * is not written. */
START_TEST(test_write_descriptor)
{
    struct svc_service_config *c = minimal("Sd"), *back;
    char *text, *sddl = xstrdup("O:SYG:SYD:P"), *grown;

    for (int uid = 1000; uid < 1020; uid++) {
        ck_assert_int_ge(asprintf(&grown, "%s(A;;RPWPLC;;;S-1-22-1-%d)", sddl, uid), 0);
        free(sddl);
        sddl = grown;
    }
    ck_assert_uint_gt(strlen(sddl), 400);
    c->security = sddl;
    back = round_trip(c);
    /* Canonical: the rights in bit order. */
    ck_assert_ptr_nonnull(strstr(back->security, "O:SYG:SYD:P(A;;LCRPWP;;;S-1-22-1-1000)"));
    ck_assert_ptr_nonnull(strstr(back->security, "(A;;LCRPWP;;;S-1-22-1-1019)"));
    ck_assert_uint_eq(strlen(back->security), strlen(sddl));
    text = read_file("services/Sd.ini");
    ck_assert_ptr_nonnull(strstr(text, "\nSecurity = O:SYG:SYD:P\n    (A;;LCRPWP;;;S-1-22-1-1000)\n"));
    free(text);
    svc_service_config_free(back);
    free(c->security);
    c->security = NULL;
    back = round_trip(c);
    ck_assert_ptr_null(back->security);
    text = read_file("services/Sd.ini");
    ck_assert_ptr_null(strstr(text, "Security"));
    free(text);
    svc_service_config_free(back);
    c->security = xstrdup("D:(A;;XX;;;SY)");
    ck_assert_int_eq(svc_config_write_service(tmp_root, c), -EINVAL);
    free(c->security);
    c->security = xstrdup("");
    ck_assert_int_eq(svc_config_write_service(tmp_root, c), -EINVAL);
    svc_service_config_free(c);
}
END_TEST

START_TEST(test_write_defaults)
{
    struct svc_service_config *c = minimal("Min"), *back;
    char *text;

    /* Unset fields are left out and read back as the loader's defaults. */
    ck_assert_int_eq(svc_config_write_service(tmp_root, c), 0);
    text = read_file("services/Min.ini");
    ck_assert_str_eq(text, "[Service]\nType = share\nStart = demand\n"
                     "ErrorControl = normal\nImagePath = svchost -k demo\n");
    back = round_trip(c);
    ck_assert_str_eq(back->display_name, "Min");
    ck_assert_ptr_null(back->description);
    ck_assert_str_eq(back->object_name, "LocalSystem");
    ck_assert_ptr_null(back->load_order_group);
    ck_assert_ptr_null(back->depend_on_service[0]);
    ck_assert_ptr_null(back->depend_on_group[0]);
    ck_assert_uint_eq(back->wait_hint_ms, 0);
    ck_assert_uint_eq(back->split_disable, 0);
    ck_assert_ptr_null(back->service_dll);
    ck_assert_str_eq(back->service_main, "ServiceMain");
    ck_assert_uint_eq(back->n_params, 0);
    free(text);
    svc_service_config_free(back);

    /* The default ServiceMain, as the SCM passes it, is not written, and
     * empty lists are the same as none. */
    c->service_main = xstrdup("ServiceMain");
    c->service_dll = xstrdup("echo.so");
    c->depend_on_service = strv(NULL, NULL);
    back = round_trip(c);
    text = read_file("services/Min.ini");
    ck_assert_ptr_null(strstr(text, "ServiceMain"));
    ck_assert_ptr_null(strstr(text, "DependOn"));
    ck_assert_uint_eq(back->n_params, 1);
    ck_assert_str_eq(back->params[0].key, "ServiceDll");
    free(text);
    svc_service_config_free(back);
    svc_service_config_free(c);
}
END_TEST

/* Failure actions, the non-crash flag, the preshutdown timeout and
 * delayed start: written when not the default, read back the same. */
START_TEST(test_write_recovery)
{
    static const struct svc_failure_action acts[] = {
        { SC_ACTION_RESTART, 60000 }, { SC_ACTION_RUN_COMMAND, 1000 },
        { SC_ACTION_REBOOT, 0 }, { SC_ACTION_NONE, UINT32_MAX },
    };
    struct svc_service_config *c = minimal("Rec"), *back;
    char *text;

    c->failure_reset_s = 86400;
    c->failure_actions = malloc(sizeof acts);
    ck_assert_ptr_nonnull(c->failure_actions);
    memcpy(c->failure_actions, acts, sizeof acts);
    c->n_failure_actions = 4;
    c->failure_command = xstrdup("/usr/bin/logger -t rec \"failed %1%\"");
    c->reboot_message = xstrdup("Rec failed; rebooting");
    c->failure_non_crash = 1;
    c->preshutdown_timeout_ms = 180000;
    c->delayed_autostart = 1;
    back = round_trip(c);
    ck_assert_uint_eq(back->failure_reset_s, 86400);
    ck_assert_uint_eq(back->n_failure_actions, 4);
    for (size_t i = 0; i < 4; i++) {
        ck_assert_uint_eq(back->failure_actions[i].type, acts[i].type);
        ck_assert_uint_eq(back->failure_actions[i].delay_ms, acts[i].delay_ms);
    }
    ck_assert_str_eq(back->failure_command, c->failure_command);
    ck_assert_str_eq(back->reboot_message, c->reboot_message);
    ck_assert_uint_eq(back->failure_non_crash, 1);
    ck_assert_uint_eq(back->preshutdown_timeout_ms, 180000);
    ck_assert_uint_eq(back->delayed_autostart, 1);
    svc_service_config_free(back);
    text = read_file("services/Rec.ini");
    ck_assert_str_eq(text, "[Service]\nDisplayName = Rec\nType = share\nStart = demand\n"
                     "ErrorControl = normal\nImagePath = svchost -k demo\n"
                     "ObjectName = LocalSystem\nFailureResetPeriod = 86400\n"
                     "FailureActions = restart/60000/run/1000/reboot/0/none/4294967295\n"
                     "FailureCommand = /usr/bin/logger -t rec \"failed %1%\"\n"
                     "RebootMessage = Rec failed; rebooting\n"
                     "FailureActionsOnNonCrashFailures = 1\n"
                     "PreshutdownTimeoutMs = 180000\nDelayedAutostart = 1\n");
    free(text);

    /* Back to the defaults: every key goes; INFINITE and 0 ms are kept. */
    free(c->failure_actions);
    c->failure_actions = NULL;
    c->n_failure_actions = 0;
    free(c->failure_command);
    c->failure_command = NULL;
    free(c->reboot_message);
    c->reboot_message = NULL;
    c->failure_non_crash = 0;
    c->delayed_autostart = 0;
    c->failure_reset_s = 0;
    c->preshutdown_timeout_ms = SVC_PRESHUTDOWN_TIMEOUT_DEFAULT_MS;
    back = round_trip(c);
    svc_service_config_free(back);
    text = read_file("services/Rec.ini");
    ck_assert_ptr_null(strstr(text, "Failure"));
    ck_assert_ptr_null(strstr(text, "Reboot"));
    ck_assert_ptr_null(strstr(text, "Preshutdown"));
    ck_assert_ptr_null(strstr(text, "Delayed"));
    free(text);
    c->failure_reset_s = INFINITE;
    c->preshutdown_timeout_ms = 0;
    back = round_trip(c);
    ck_assert_uint_eq(back->failure_reset_s, INFINITE);
    ck_assert_uint_eq(back->preshutdown_timeout_ms, 0);
    svc_service_config_free(back);

    /* What would not read back is refused and nothing is written: a type
     * outside 0..3, a flag of 2, a command with a comment, too many
     * actions. */
    text = read_file("services/Rec.ini");
    c->failure_actions = calloc(SVC_FAILURE_ACTIONS_MAX + 1, sizeof *c->failure_actions);
    ck_assert_ptr_nonnull(c->failure_actions);
    c->failure_actions[0].type = 4;
    c->n_failure_actions = 1;
    ck_assert_int_eq(svc_config_write_service(tmp_root, c), -EINVAL);
    c->failure_actions[0].type = SC_ACTION_RESTART;
    c->n_failure_actions = SVC_FAILURE_ACTIONS_MAX + 1;
    ck_assert_int_eq(svc_config_write_service(tmp_root, c), -EINVAL);
    c->n_failure_actions = SVC_FAILURE_ACTIONS_MAX;
    for (size_t i = 0; i < SVC_FAILURE_ACTIONS_MAX; i++)
        c->failure_actions[i] = (struct svc_failure_action){ SC_ACTION_RESTART, UINT32_MAX };
    back = round_trip(c);       /* the most there may be fits on a line */
    ck_assert_uint_eq(back->n_failure_actions, SVC_FAILURE_ACTIONS_MAX);
    svc_service_config_free(back);
    free(text);
    text = read_file("services/Rec.ini");
    c->n_failure_actions = 0;
    c->failure_non_crash = 2;
    ck_assert_int_eq(svc_config_write_service(tmp_root, c), -EINVAL);
    c->failure_non_crash = 0;
    c->failure_command = xstrdup("run-me ; rm -rf /");
    ck_assert_int_eq(svc_config_write_service(tmp_root, c), -EINVAL);
    free(c->failure_command);
    c->failure_command = xstrdup("");
    ck_assert_int_eq(svc_config_write_service(tmp_root, c), -EINVAL);
    {
        char *now = read_file("services/Rec.ini");

        ck_assert_str_eq(now, text);
        free(now);
    }
    assert_no_tmp();
    free(text);
    svc_service_config_free(c);
}
END_TEST

/* SvcHostSplitDisable: written when set, as Windows' DWORD 1. */
START_TEST(test_write_split_disable)
{
    struct svc_service_config *c = minimal("Sd"), *back;
    char *text;

    c->wait_hint_ms = 5000;
    c->split_disable = 1;
    back = round_trip(c);
    ck_assert_uint_eq(back->split_disable, 1);
    svc_service_config_free(back);
    text = read_file("services/Sd.ini");
    ck_assert_str_eq(text, "[Service]\nDisplayName = Sd\nType = share\nStart = demand\n"
                     "ErrorControl = normal\nImagePath = svchost -k demo\n"
                     "ObjectName = LocalSystem\nStartTimeoutMs = 5000\n"
                     "SvcHostSplitDisable = 1\n");
    free(text);

    /* Cleared, the key goes: 0 is the default. */
    c->split_disable = 0;
    back = round_trip(c);
    ck_assert_uint_eq(back->split_disable, 0);
    svc_service_config_free(back);
    text = read_file("services/Sd.ini");
    ck_assert_ptr_null(strstr(text, "SvcHostSplitDisable"));
    free(text);
    svc_service_config_free(c);
}
END_TEST

/* Values without a symbolic name are written as numbers. */
START_TEST(test_write_numbers)
{
    static const uint32_t types[] = {
        SERVICE_WIN32_SHARE_PROCESS | SERVICE_INTERACTIVE_PROCESS,
        SERVICE_WIN32_OWN_PROCESS | SERVICE_INTERACTIVE_PROCESS,
        SERVICE_TYPE_ALL, SERVICE_USER_SHARE_PROCESS, 1,
    };
    struct svc_service_config *c = minimal("Num"), *back;
    char *text;

    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        c->type = types[i];
        back = round_trip(c);
        ck_assert_uint_eq(back->type, types[i]);
        svc_service_config_free(back);
    }
    text = read_file("services/Num.ini");
    ck_assert_ptr_nonnull(strstr(text, "Type = kernel\n"));     /* 1 has a name */
    free(text);
    c->type = 0x120;
    ck_assert_int_eq(svc_config_write_service(tmp_root, c), 0);
    text = read_file("services/Num.ini");
    ck_assert_ptr_nonnull(strstr(text, "Type = 0x120\n"));
    free(text);

    for (uint32_t s = 0; s <= SERVICE_DISABLED; s++) {
        c->start = s;
        back = round_trip(c);
        ck_assert_uint_eq(back->start, s);
        svc_service_config_free(back);
    }
    for (uint32_t e = 0; e <= SERVICE_ERROR_CRITICAL; e++) {
        c->error_control = e;
        back = round_trip(c);
        ck_assert_uint_eq(back->error_control, e);
        svc_service_config_free(back);
    }
    c->wait_hint_ms = UINT32_MAX;
    back = round_trip(c);
    ck_assert_uint_eq(back->wait_hint_ms, UINT32_MAX);
    svc_service_config_free(back);
    svc_service_config_free(c);
}
END_TEST

/* A hand-written file read, changed and written back keeps its order. */
START_TEST(test_write_keeps_file_order)
{
    struct svc_service_config *c, *back;
    char *text;

    write_file("services/Hand.ini",
               "; written by hand\n"
               "[service]\n"
               "imagepath = svchost -k demo\n"
               "DependOnService = Echo,\n"
               "    Tcpip\n"
               "[Parameters]\n"
               "Port = 1\n"
               "servicedll = x.so\n"
               "ServiceMain =\n"
               "Colour = red\n");
    c = load("Hand");
    back = round_trip(c);
    assert_config_same(c, back);
    svc_service_config_free(back);

    /* A changed ServiceDll keeps the place of its entry, whose value in
     * c->params is stale: c->service_dll is what counts. */
    free(c->service_dll);
    c->service_dll = xstrdup("y.so");
    ck_assert_int_eq(svc_config_write_service(tmp_root, c), 0);
    back = load("Hand");
    ck_assert_str_eq(back->service_dll, "y.so");
    ck_assert_uint_eq(back->n_params, 4);
    ck_assert_str_eq(back->params[1].key, "servicedll");
    ck_assert_str_eq(back->params[1].value, "y.so");
    ck_assert_str_eq(back->params[2].key, "ServiceMain");
    ck_assert_str_eq(back->params[2].value, "");
    ck_assert_str_eq(back->service_main, "ServiceMain");
    svc_service_config_free(back);

    /* Cleared, it is gone, not brought back from c->params. */
    free(c->service_dll);
    c->service_dll = NULL;
    free(c->service_main);
    c->service_main = xstrdup("OtherMain");
    ck_assert_int_eq(svc_config_write_service(tmp_root, c), 0);
    text = read_file("services/Hand.ini");
    ck_assert_str_eq(text, "[Service]\nDisplayName = Hand\nType = share\nStart = demand\n"
                     "ErrorControl = normal\nImagePath = svchost -k demo\n"
                     "ObjectName = LocalSystem\nDependOnService = Echo, Tcpip\n\n"
                     "[Parameters]\nPort = 1\nServiceMain = OtherMain\nColour = red\n");
    free(text);
    back = load("Hand");
    ck_assert_ptr_null(back->service_dll);
    ck_assert_str_eq(back->service_main, "OtherMain");
    svc_service_config_free(back);
    svc_service_config_free(c);
}
END_TEST

/* Lists too long for one line continue on indented lines. */
START_TEST(test_write_long_lists)
{
    struct svc_service_config *c = minimal("Lists"), *back;
    char *text, *line, *save = NULL, *longest = repeat('D', 180);
    size_t lines = 0;

    c->depend_on_service = calloc(41, sizeof(char *));
    ck_assert_ptr_nonnull(c->depend_on_service);
    for (int i = 0; i < 40; i++)
        c->depend_on_service[i] = fmt("Service%02d", i);
    c->depend_on_group = strv("Short", longest, "After", NULL);
    back = round_trip(c);
    assert_strv_same(back->depend_on_service, c->depend_on_service);
    assert_strv_same(back->depend_on_group, c->depend_on_group);
    text = read_file("services/Lists.ini");
    for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        ck_assert_uint_le(strlen(line), 198);
        lines++;
    }
    ck_assert_uint_gt(lines, 9);
    free(text);
    svc_service_config_free(back);

    /* A name that does not fit on a line even by itself is refused. */
    free(longest);
    longest = repeat('D', 256);
    set_str(&c->depend_on_group[1], longest);
    ck_assert_int_eq(svc_config_write_service(tmp_root, c), -EINVAL);
    svc_service_config_free(c);
    free(longest);
}
END_TEST

/* A line of exactly inih's limit is written; one more character is not. */
START_TEST(test_write_line_limit)
{
    struct svc_service_config *c = minimal("Limit"), *back;
    size_t room = 198 - strlen("DisplayName = ");

    c->display_name = repeat('x', room);
    back = round_trip(c);
    ck_assert_str_eq(back->display_name, c->display_name);
    svc_service_config_free(back);
    free(c->display_name);
    c->display_name = repeat('x', room + 1);
    ck_assert_int_eq(svc_config_write_service(tmp_root, c), -EINVAL);
    svc_service_config_free(c);
}
END_TEST

/* One change each to a valid service, each making it unwritable. */
enum field {
    F_DISPLAY, F_DESCRIPTION, F_IMAGE, F_OBJECT, F_GROUP, F_TYPE, F_START,
    F_ERROR_CONTROL, F_DEP_SERVICE, F_DEP_GROUP, F_DLL, F_MAIN, F_PARAM_KEY,
    F_PARAM_VALUE, F_NAME, F_SPLIT_DISABLE,
};

static const struct {
    enum field field;
    const char *value;          /* a number for F_TYPE ... */
} bad[] = {
    { F_DESCRIPTION, "two\nlines" },
    { F_DESCRIPTION, "" },                     /* reads back as not set */
    { F_DESCRIPTION, ";looks like a comment" },
    { F_DISPLAY, " leading blank" },
    { F_DISPLAY, "trailing blank " },
    { F_DISPLAY, "trailing tab\t" },
    { F_DISPLAY, "a ;comment" },
    { F_DISPLAY, "a\t;comment" },
    { F_DISPLAY, "carriage\rreturn" },
    { F_DISPLAY, "" },
    { F_IMAGE, NULL },
    { F_IMAGE, "" },
    { F_IMAGE, "svchost -k demo\n" },
    { F_OBJECT, "" },
    { F_GROUP, "a/b" },
    { F_GROUP, "" },
    { F_TYPE, "0" },
    { F_TYPE, "1024" },
    { F_START, "5" },
    { F_ERROR_CONTROL, "4" },
    { F_DEP_SERVICE, "bad" },                  /* itself, in another case */
    { F_DEP_SERVICE, ".." },
    { F_DEP_GROUP, "" },
    { F_DLL, "" },
    { F_DLL, "x.so ;old" },
    { F_MAIN, "1Main" },
    { F_MAIN, "Service-Main" },
    { F_PARAM_KEY, "a=b" },
    { F_PARAM_KEY, "a:b" },
    { F_PARAM_KEY, "[a" },
    { F_PARAM_KEY, ";a" },
    { F_PARAM_KEY, "#a" },
    { F_PARAM_KEY, "" },
    { F_PARAM_KEY, " a" },
    { F_PARAM_KEY, "a b ;c" },
    { F_PARAM_KEY, "PORT" },                   /* repeats Port */
    { F_PARAM_KEY, NULL },
    { F_PARAM_VALUE, "line\nbreak" },
    { F_PARAM_VALUE, "trailing " },
    { F_PARAM_VALUE, NULL },
    { F_NAME, "../evil" },
    { F_NAME, "" },
    { F_SPLIT_DISABLE, "2" },                  /* the reader takes 0 and 1 */
    { F_SPLIT_DISABLE, "4294967295" },
};

START_TEST(test_write_refuses)
{
    struct svc_service_config *c = full("Bad");
    char *before, *after;

    ck_assert_int_eq(svc_config_write_service(tmp_root, c), 0);
    before = read_file("services/Bad.ini");
    switch (bad[_i].field) {
    case F_DISPLAY:
        set_str(&c->display_name, bad[_i].value);
        break;
    case F_DESCRIPTION:
        set_str(&c->description, bad[_i].value);
        break;
    case F_IMAGE:
        set_str(&c->image_path, bad[_i].value);
        break;
    case F_OBJECT:
        set_str(&c->object_name, bad[_i].value);
        break;
    case F_GROUP:
        set_str(&c->load_order_group, bad[_i].value);
        break;
    case F_TYPE:
        c->type = (uint32_t)atoi(bad[_i].value);
        break;
    case F_START:
        c->start = (uint32_t)atoi(bad[_i].value);
        break;
    case F_ERROR_CONTROL:
        c->error_control = (uint32_t)atoi(bad[_i].value);
        break;
    case F_DEP_SERVICE:
        set_str(&c->depend_on_service[1], bad[_i].value);
        break;
    case F_DEP_GROUP:
        set_str(&c->depend_on_group[0], bad[_i].value);
        break;
    case F_DLL:
        set_str(&c->service_dll, bad[_i].value);
        break;
    case F_MAIN:
        set_str(&c->service_main, bad[_i].value);
        break;
    case F_PARAM_KEY:
        set_str(&c->params[c->n_params - 1].key, bad[_i].value);
        break;
    case F_PARAM_VALUE:
        set_str(&c->params[c->n_params - 1].value, bad[_i].value);
        break;
    case F_NAME:
        set_str(&c->name, bad[_i].value);
        break;
    case F_SPLIT_DISABLE:
        c->split_disable = (uint32_t)strtoul(bad[_i].value, NULL, 10);
        break;
    }
    ck_assert_int_eq(svc_config_write_service(tmp_root, c), -EINVAL);
    after = read_file("services/Bad.ini");
    ck_assert_str_eq(after, before);
    assert_no_tmp();
    ck_assert(!exists("evil.ini"));
    free(before);
    free(after);
    svc_service_config_free(c);
}
END_TEST

START_TEST(test_value_ok)
{
    static const char *const good[] = {
        NULL, "", "x", "a;b", "a =b", "a:b", "[x]", "#x", "in\tside", "\xc3\xa9t\xc3\xa9",
    };
    static const char *const bad_values[] = {
        " x", "x ", "\tx", "x\t", ";x", "a ;b", "a\t;b", "a\nb", "a\rb", "a\x01",
    };
    char *s = repeat('v', 194);

    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        ck_assert_msg(svc_config_value_ok(good[i]), "'%s' refused", good[i]);
    for (size_t i = 0; i < sizeof bad_values / sizeof bad_values[0]; i++)
        ck_assert_msg(!svc_config_value_ok(bad_values[i]), "'%s' accepted", bad_values[i]);
    /* No line "K = value" can hold more. */
    ck_assert(svc_config_value_ok(s));
    free(s);
    s = repeat('v', 195);
    ck_assert(!svc_config_value_ok(s));
    free(s);
}
END_TEST

/* ---- Atomic replacement ---------------------------------------------------- */

/* A failure after the temporary file exists: the rename. */
START_TEST(test_write_rename_fails)
{
    struct svc_service_config *c = minimal("Dir");
    char *path = config_path("services/Dir.ini");

    ck_assert_int_eq(mkdir(path, 0755), 0);
    write_file("services/Dir.ini/keep", "x");
    ck_assert_int_lt(svc_config_write_service(tmp_root, c), 0);
    assert_no_tmp();
    ck_assert(exists("services/Dir.ini/keep"));
    free(path);
    svc_service_config_free(c);
}
END_TEST

/* A failure while writing (EFBIG from RLIMIT_FSIZE, which holds for root
 * too): the old file is left as it was. */
START_TEST(test_write_fails_midway)
{
    struct svc_service_config *c = full("Big");
    struct rlimit old, small;
    struct sigaction ign = { .sa_handler = SIG_IGN }, old_sa;
    char *before, *after;
    int rc;

    ck_assert_int_eq(svc_config_write_service(tmp_root, c), 0);
    before = read_file("services/Big.ini");
    set_str(&c->description, "a different description");
    ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
    small = old;
    small.rlim_cur = 16;
    ck_assert_int_eq(sigaction(SIGXFSZ, &ign, &old_sa), 0);
    ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &small), 0);
    rc = svc_config_write_service(tmp_root, c);
    ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &old), 0);
    ck_assert_int_eq(sigaction(SIGXFSZ, &old_sa, NULL), 0);
    ck_assert_int_eq(rc, -EFBIG);
    after = read_file("services/Big.ini");
    ck_assert_str_eq(after, before);
    assert_no_tmp();
    free(before);
    free(after);
    svc_service_config_free(c);
}
END_TEST

/* A path component that is a file: nothing is written anywhere. */
START_TEST(test_write_not_a_directory)
{
    struct svc_service_config *c = minimal("X");
    char *path = config_path("services");

    ck_assert_int_eq(rmdir(path), 0);
    write_file("services", "a file\n");
    ck_assert_int_eq(svc_config_write_service(tmp_root, c), -ENOTDIR);
    ck_assert_int_eq(svc_config_remove_service(tmp_root, "X"), -ENOTDIR);
    assert_no_tmp();
    free(path);
    path = read_file("services");
    ck_assert_str_eq(path, "a file\n");
    free(path);
    svc_service_config_free(c);
}
END_TEST

START_TEST(test_groups_not_a_directory)
{
    char *path = fmt("%s/config", tmp_root);
    FILE *f;

    tmp_teardown();
    ck_assert_int_eq(mkdir(tmp_root, 0755), 0);
    f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fclose(f);
    ck_assert_int_eq(svc_config_set_group_membership(tmp_root, "A", "demo"), -ENOTDIR);
    free(path);
}
END_TEST

/* A new file gets the mode of a configuration file; a rewritten one
 * keeps its own. */
START_TEST(test_write_mode)
{
    struct svc_service_config *c = minimal("Mode");
    char *path = config_path("services/Mode.ini");
    struct stat st;
    mode_t mask = umask(022);

    ck_assert_int_eq(svc_config_write_service(tmp_root, c), 0);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_uint_eq(st.st_mode & 07777, 0644);
    ck_assert_int_eq(chmod(path, 0600), 0);
    ck_assert_int_eq(svc_config_write_service(tmp_root, c), 0);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_uint_eq(st.st_mode & 07777, 0600);
    umask(mask);
    free(path);
    svc_service_config_free(c);
}
END_TEST

/* The first write to a fresh state directory makes config/services. */
START_TEST(test_write_makes_directories)
{
    struct svc_service_config *c = minimal("First"), *back;
    char *missing = fmt("%s/missing", tmp_root);

    tmp_teardown();
    ck_assert_int_eq(mkdir(tmp_root, 0755), 0);
    ck_assert_int_eq(svc_config_write_service(tmp_root, c), 0);
    back = load("First");
    svc_service_config_free(back);
    tmp_teardown();
    ck_assert_int_eq(mkdir(tmp_root, 0755), 0);
    ck_assert_int_eq(svc_config_set_group_membership(tmp_root, "First", "demo"), 0);
    ck_assert(exists("svchost.ini"));
    /* The state directory itself is not made. */
    ck_assert_int_eq(svc_config_write_service(missing, c), -ENOENT);
    ck_assert_int_eq(access(missing, F_OK), -1);
    free(missing);
    svc_service_config_free(c);
}
END_TEST

START_TEST(test_remove_service)
{
    struct svc_service_config *c = minimal("Gone"), *back = NULL;
    struct svc_diag d = { 0 };

    ck_assert_int_eq(svc_config_write_service(tmp_root, c), 0);
    ck_assert_int_eq(svc_config_remove_service(tmp_root, "Gone"), 0);
    ck_assert_int_eq(svc_config_load_service(tmp_root, "Gone", &back, &d), -ENOENT);
    ck_assert_int_eq(svc_config_remove_service(tmp_root, "Gone"), 0);
    /* A name is never a path. */
    write_file("outside.ini", "x\n");
    ck_assert_int_eq(svc_config_remove_service(tmp_root, "../outside"), -EINVAL);
    ck_assert(exists("outside.ini"));
    ck_assert_int_eq(svc_config_remove_service(tmp_root, ""), -EINVAL);
    svc_diag_free(&d);
    svc_service_config_free(c);
}
END_TEST

/* What a writer killed between mkostemp and rename leaves: removed, and
 * nothing else (a name that only looks similar, a real file, a file of
 * another directory). */
START_TEST(test_remove_temporaries)
{
    struct svc_service_config *c = minimal("Kept");
    char *run = fmt("%s/run", tmp_root), *p;

    ck_assert_int_eq(svc_config_write_service(tmp_root, c), 0);
    ck_assert_int_eq(mkdir(run, 0755), 0);
    write_file("services/Kept.ini.tmp.Ab12Cd", "[Service]\n");
    write_file("svchost.ini.tmp.zzzzzz", "");
    write_file("services/Kept.ini.tmp.short", "");     /* not mkostemp's six characters */
    write_file("services/notes.tmp.txt", "");
    p = fmt("%s/journal.tmp.123456", run);
    test_write_text(p, "");
    ck_assert_int_eq(svc_config_remove_temporaries(tmp_root), 3);
    ck_assert(!exists("services/Kept.ini.tmp.Ab12Cd"));
    ck_assert(!exists("svchost.ini.tmp.zzzzzz"));
    ck_assert_int_ne(access(p, F_OK), 0);
    ck_assert(exists("services/Kept.ini.tmp.short"));
    ck_assert(exists("services/notes.tmp.txt"));
    ck_assert(exists("services/Kept.ini"));
    ck_assert_int_eq(svc_config_remove_temporaries(tmp_root), 0);
    free(p);
    free(run);
    svc_service_config_free(c);
}
END_TEST

static struct svc_groups *groups(void);

/* Names as Windows allows them: blanks, commas, '%', up to 256
 * characters.  The file name is the name ('%' as %25), a name too long
 * for one file name is cut into directories, lists hold names %XX-encoded,
 * and no line of the file passes the reader's limit. */
START_TEST(test_write_names)
{
    const char *names[] = { "My Service, v2", "100% sure; #1", NULL, NULL };
    char long_name[257];
    struct svc_diag d = { 0 };

    memset(long_name, 'L', 256);
    long_name[256] = '\0';
    long_name[100] = ' ';
    long_name[199] = '.';    /* where a cut would fall: "." must not start a piece */
    names[2] = long_name;
    for (size_t i = 0; names[i] != NULL; i++) {
        struct svc_service_config *c = minimal(names[i]), *back = NULL;
        char *path = svc_path_service_file(tmp_root, names[i]), *text, *rel, *line;
        char *services = fmt("%s/config/services/", tmp_root);

        free(c->depend_on_service);
        c->depend_on_service = calloc(3, sizeof *c->depend_on_service);
        c->depend_on_service[0] = strdup("Other One, x");
        c->depend_on_service[1] = strdup("50%off");
        ck_assert_int_eq(svc_config_write_service(tmp_root, c), 0);
        ck_assert_int_eq(access(path, F_OK), 0);
        ck_assert(strncmp(path, services, strlen(services)) == 0);
        rel = path + strlen(services);
        if (i == 0)
            ck_assert_str_eq(rel, "My Service, v2.ini");
        if (i == 1)
            ck_assert_str_eq(rel, "100%25 sure; #1.ini");
        if (i == 2)
            ck_assert_ptr_nonnull(strchr(rel, '/'));
        /* The file name gives the name back. */
        {
            char *again = svc_service_name_from_file(rel);
            ck_assert_str_eq(again, names[i]);
            free(again);
        }
        text = read_file(rel - strlen("services/"));
        ck_assert_ptr_nonnull(text);
        ck_assert_ptr_nonnull(strstr(text, "DependOnService = Other%20One%2C%20x, 50%25off\n"));
        for (line = text; *line; line = strchr(line, '\n') + 1)
            ck_assert_int_le(strchr(line, '\n') - line, 198);
        free(text);
        ck_assert_int_eq(svc_config_load_service(tmp_root, names[i], &back, &d), 0);
        ck_assert_str_eq(back->name, names[i]);
        ck_assert_str_eq(back->display_name, names[i]);
        ck_assert_str_eq(back->depend_on_service[0], "Other One, x");
        ck_assert_str_eq(back->depend_on_service[1], "50%off");
        ck_assert_int_eq(svc_config_remove_service(tmp_root, names[i]), 0);
        ck_assert_int_ne(access(path, F_OK), 0);
        svc_service_config_free(back);
        svc_service_config_free(c);
        free(services);
        free(path);
    }
    /* The pieces' directories went with the file. */
    {
        char *dir = fmt("%s/config/services", tmp_root);
        DIR *dd = opendir(dir);
        struct dirent *e;
        while ((e = readdir(dd)) != NULL)
            ck_assert_msg(e->d_name[0] == '.', "left in services/: %s", e->d_name);
        closedir(dd);
        free(dir);
    }
    /* A member of a group, spaces and commas included. */
    ck_assert_int_eq(svc_config_set_group_membership(tmp_root, "My Service, v2", "demo"), 0);
    {
        struct svc_groups *g = groups();
        ck_assert_uint_eq(g->n, 1);
        ck_assert_uint_eq(g->groups[0].n_services, 1);
        ck_assert_str_eq(g->groups[0].services[0], "My Service, v2");
        svc_groups_free(g);
    }
    svc_diag_free(&d);
}
END_TEST

/* ---- Groups ------------------------------------------------------------------ */

static struct svc_groups *groups(void)
{
    struct svc_groups *g = NULL;
    struct svc_diag d = { 0 };
    int rc = svc_config_load_groups(tmp_root, &g, &d);

    for (size_t i = 0; rc != 0 && i < d.n; i++)
        fprintf(stderr, "%s\n", d.lines[i]);
    ck_assert_int_eq(rc, 0);
    ck_assert_uint_eq(d.errors, 0);
    svc_diag_free(&d);
    return g;
}

/* Asserts the groups in file order, each "name:a,b,c". */
static void expect_groups(size_t n, ...)
{
    struct svc_groups *g = groups();
    va_list ap;

    ck_assert_uint_eq(g->n, n);
    va_start(ap, n);
    for (size_t i = 0; i < n; i++) {
        const char *want = va_arg(ap, const char *);
        char *got = fmt("%s:", g->groups[i].name);

        for (size_t k = 0; k < g->groups[i].n_services; k++) {
            char *more = fmt("%s%s%s", got, k ? "," : "", g->groups[i].services[k]);

            free(got);
            got = more;
        }
        ck_assert_str_eq(got, want);
        free(got);
    }
    va_end(ap);
    svc_groups_free(g);
}

static int set(const char *name, const char *group)
{
    int rc = svc_config_set_group_membership(tmp_root, name, group);

    assert_no_tmp();
    return rc;
}

START_TEST(test_groups_first_member)
{
    char *text;

    /* Nothing to do: no file is made. */
    ck_assert_int_eq(set("A", NULL), 0);
    ck_assert(!exists("svchost.ini"));
    ck_assert_int_eq(set("A", "demo"), 0);
    text = read_file("svchost.ini");
    ck_assert_str_eq(text, "[demo]\nServices = A\n");
    free(text);
    expect_groups(1, "demo:A");
}
END_TEST

START_TEST(test_groups_add_move_remove)
{
    char *text;

    write_file("svchost.ini", "[demo]\nServices = A, B\n\n[other]\nServices = C\n");
    ck_assert_int_eq(set("D", "demo"), 0);            /* appended */
    expect_groups(2, "demo:A,B,D", "other:C");
    ck_assert_int_eq(set("B", "other"), 0);           /* moved */
    expect_groups(2, "demo:A,D", "other:C,B");
    ck_assert_int_eq(set("E", "third"), 0);           /* new group last */
    expect_groups(3, "demo:A,D", "other:C,B", "third:E");
    ck_assert_int_eq(set("C", NULL), 0);              /* removed */
    expect_groups(3, "demo:A,D", "other:B", "third:E");
    ck_assert_int_eq(set("A", NULL), 0);
    ck_assert_int_eq(set("D", "other"), 0);           /* demo left empty: gone */
    expect_groups(2, "other:B,D", "third:E");
    ck_assert_int_eq(set("E", NULL), 0);
    expect_groups(1, "other:B,D");
    text = read_file("svchost.ini");
    ck_assert_str_eq(text, "[other]\nServices = B, D\n");
    free(text);
}
END_TEST

/* Names are case-insensitive; a listed one keeps its spelling. */
START_TEST(test_groups_case)
{
    write_file("svchost.ini", "[Demo]\nServices = Echo\n");
    ck_assert_int_eq(set("Heartbeat", "DEMO"), 0);
    expect_groups(1, "Demo:Echo,Heartbeat");
    ck_assert_int_eq(set("ECHO", "other"), 0);
    expect_groups(2, "Demo:Heartbeat", "other:ECHO");
    ck_assert_int_eq(set("HEARTBEAT", NULL), 0);
    expect_groups(1, "other:ECHO");
}
END_TEST

static void expect_untouched(const char *name, const char *group)
{
    char *path = config_path("svchost.ini");
    struct stat before, after;

    ck_assert_int_eq(stat(path, &before), 0);
    ck_assert_int_eq(set(name, group), 0);
    ck_assert_int_eq(stat(path, &after), 0);
    ck_assert_uint_eq(before.st_ino, after.st_ino);
    ck_assert_int_eq(before.st_mtim.tv_sec, after.st_mtim.tv_sec);
    ck_assert_int_eq(before.st_mtim.tv_nsec, after.st_mtim.tv_nsec);
    free(path);
}

/* Nothing to change: the file is not rewritten (comments and all). */
START_TEST(test_groups_unchanged)
{
    static const char text[] = "; hand-written\n[demo]\nServices = A B\n";
    char *now;

    write_file("svchost.ini", text);
    expect_untouched("A", "demo");
    expect_untouched("b", "DEMO");
    expect_untouched("Z", NULL);
    now = read_file("svchost.ini");
    ck_assert_str_eq(now, text);
    free(now);
}
END_TEST

/* Only what the reader understands survives a rewrite (see the comment
 * over svc_config_set_group_membership); other groups are kept, even an
 * empty one. */
START_TEST(test_groups_rewrite_keeps_groups)
{
    struct svc_diag d = { 0 };
    struct svc_groups *g = NULL;

    write_file("svchost.ini", "; comment\n[empty]\n[demo]\nServices = A,\n  B\n"
               "Colour = blue\n[demo]\nServices2 = x\n");
    ck_assert_int_eq(set("C", "demo"), 0);
    expect_groups(2, "empty:", "demo:A,B,C");
    ck_assert_int_eq(svc_config_load_groups(tmp_root, &g, &d), 0);
    ck_assert_uint_eq(d.n, 1);          /* the empty group's warning only */
    ck_assert_ptr_nonnull(strstr(d.lines[0], "group [empty] lists no services"));
    svc_groups_free(g);
    svc_diag_free(&d);
}
END_TEST

/* A group's Split survives every rewrite of svchost.ini. */
START_TEST(test_groups_keep_split)
{
    struct svc_groups *g;
    char *text;

    write_file("svchost.ini", "[shared]\nSplit = never\nServices = A, B\n\n"
               "[apart]\nServices = C\nSPLIT = Always\n\n[plain]\nServices = D\n"
               "Split = auto\n");
    ck_assert_int_eq(set("E", "shared"), 0);
    ck_assert_int_eq(set("F", "new"), 0);           /* a new group: auto */
    text = read_file("svchost.ini");
    ck_assert_str_eq(text, "[shared]\nServices = A, B, E\nSplit = never\n\n"
                     "[apart]\nServices = C\nSplit = always\n\n"
                     "[plain]\nServices = D\n\n[new]\nServices = F\n");
    free(text);
    g = groups();
    ck_assert_int_eq(svc_groups_find(g, "shared")->split, SVC_SPLIT_NEVER);
    ck_assert_int_eq(svc_groups_find(g, "apart")->split, SVC_SPLIT_ALWAYS);
    ck_assert_int_eq(svc_groups_find(g, "plain")->split, SVC_SPLIT_AUTO);
    ck_assert_int_eq(svc_groups_find(g, "new")->split, SVC_SPLIT_AUTO);
    svc_groups_free(g);

    /* Emptied, a group with a Split stays (with the setting), one
     * without goes; a service added back finds the setting. */
    ck_assert_int_eq(set("C", "plain"), 0);
    ck_assert_int_eq(set("F", "plain"), 0);
    expect_groups(3, "shared:A,B,E", "apart:", "plain:D,C,F");
    g = groups();
    ck_assert_int_eq(svc_groups_find(g, "apart")->split, SVC_SPLIT_ALWAYS);
    svc_groups_free(g);
    ck_assert_int_eq(set("C", "apart"), 0);
    expect_groups(3, "shared:A,B,E", "apart:C", "plain:D,F");
    text = read_file("svchost.ini");
    ck_assert_ptr_nonnull(strstr(text, "[apart]\nServices = C\nSplit = always\n"));
    free(text);
}
END_TEST

START_TEST(test_groups_long)
{
    struct svc_groups *g;
    char *text, *line, *save = NULL;

    for (int i = 0; i < 60; i++) {
        char *name = fmt("LongServiceName%02d", i);

        ck_assert_int_eq(set(name, "big"), 0);
        free(name);
    }
    g = groups();
    ck_assert_uint_eq(g->n, 1);
    ck_assert_uint_eq(g->groups[0].n_services, 60);
    for (int i = 0; i < 60; i++) {
        char *name = fmt("LongServiceName%02d", i);

        ck_assert_str_eq(g->groups[0].services[i], name);
        free(name);
    }
    svc_groups_free(g);
    text = read_file("svchost.ini");
    for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
        ck_assert_uint_le(strlen(line), 198);
    free(text);
}
END_TEST

START_TEST(test_groups_refuses)
{
    static const char text[] = "[demo]\nServices = A\n[other]\nServices = A\n";
    static const char *const bad_names[] = { NULL, "", "a/b", "a\\b", ".x" };
    static const char *const bad_groups[] = { "", "a]b", " x", "x ", "a ;b", "a/b" };
    char *now;

    /* A malformed file is left alone. */
    write_file("svchost.ini", text);
    ck_assert_int_eq(set("B", "demo"), -EINVAL);
    ck_assert_int_eq(set("A", NULL), -EINVAL);
    now = read_file("svchost.ini");
    ck_assert_str_eq(now, text);
    free(now);

    write_file("svchost.ini", "[demo]\nServices = A\n");
    for (size_t i = 0; i < sizeof bad_names / sizeof bad_names[0]; i++)
        ck_assert_int_eq(set(bad_names[i], "demo"), -EINVAL);
    for (size_t i = 0; i < sizeof bad_groups / sizeof bad_groups[0]; i++)
        ck_assert_int_eq(set("B", bad_groups[i]), -EINVAL);
    expect_groups(1, "demo:A");
}
END_TEST

static Suite *config_write_suite(void)
{
    Suite *s = suite_create("config_write");
    TCase *svc = tcase_create("service");
    TCase *atomic = tcase_create("atomic");
    TCase *grp = tcase_create("groups");

    tcase_add_checked_fixture(svc, tmp_setup, tmp_teardown);
    tcase_add_test(svc, test_write_all_fields);
    tcase_add_test(svc, test_write_defaults);
    tcase_add_test(svc, test_write_profiles);
    tcase_add_test(svc, test_write_security);
    tcase_add_test(svc, test_write_descriptor);
    tcase_add_test(svc, test_write_numbers);
    tcase_add_test(svc, test_write_split_disable);
    tcase_add_test(svc, test_write_recovery);
    tcase_add_test(svc, test_write_keeps_file_order);
    tcase_add_test(svc, test_write_long_lists);
    tcase_add_test(svc, test_write_line_limit);
    tcase_add_loop_test(svc, test_write_refuses, 0, (int)(sizeof bad / sizeof bad[0]));
    tcase_add_test(svc, test_value_ok);
    tcase_add_test(svc, test_remove_service);
    tcase_add_test(svc, test_remove_temporaries);
    tcase_add_test(svc, test_write_names);
    suite_add_tcase(s, svc);

    tcase_add_checked_fixture(atomic, tmp_setup, tmp_teardown);
    tcase_add_test(atomic, test_write_rename_fails);
    tcase_add_test(atomic, test_write_fails_midway);
    tcase_add_test(atomic, test_write_not_a_directory);
    tcase_add_test(atomic, test_groups_not_a_directory);
    tcase_add_test(atomic, test_write_mode);
    tcase_add_test(atomic, test_write_makes_directories);
    suite_add_tcase(s, atomic);

    tcase_add_checked_fixture(grp, tmp_setup, tmp_teardown);
    tcase_add_test(grp, test_groups_first_member);
    tcase_add_test(grp, test_groups_add_move_remove);
    tcase_add_test(grp, test_groups_case);
    tcase_add_test(grp, test_groups_unchanged);
    tcase_add_test(grp, test_groups_rewrite_keeps_groups);
    tcase_add_test(grp, test_groups_keep_split);
    tcase_add_test(grp, test_groups_long);
    tcase_add_test(grp, test_groups_refuses);
    suite_add_tcase(s, grp);
    return s;
}

int main(void)
{
    return test_run_suite(config_write_suite());
}
