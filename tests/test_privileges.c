/* test_privileges.c - the table of Windows privileges and the Linux
 * capabilities they stand for (lib/privileges.c). */
#include "privileges.h"
#include "testutil.h"

#include <check.h>
#include <stdio.h>
#include <errno.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define C(x) (1ull << (CAP_##x))

static uint64_t caps_of(const char *name)
{
    const struct svc_privilege *p = svc_privilege_find(name);

    ck_assert_msg(p != NULL, "%s is in the table", name);
    return p->caps;
}

START_TEST(test_windows_names)
{
    ck_assert_uint_eq(caps_of("SeBackupPrivilege"), C(DAC_READ_SEARCH));
    ck_assert_uint_eq(caps_of("SeRestorePrivilege"), C(DAC_OVERRIDE) | C(CHOWN) | C(FOWNER));
    ck_assert_uint_eq(caps_of("SeSystemtimePrivilege"), C(SYS_TIME));
    ck_assert_uint_eq(caps_of("SeShutdownPrivilege"), C(SYS_BOOT));
    ck_assert_uint_eq(caps_of("SeImpersonatePrivilege"), C(SETUID) | C(SETGID));
    ck_assert_uint_eq(caps_of("SeChangeNotifyPrivilege"), 0);
    ck_assert_uint_eq(caps_of("SeDebugPrivilege"), C(SYS_PTRACE));
    ck_assert_uint_eq(caps_of("SeIncreaseBasePriorityPrivilege"), C(SYS_NICE));
    ck_assert_uint_eq(caps_of("SeLoadDriverPrivilege"), C(SYS_MODULE));
    ck_assert_uint_eq(caps_of("SeAuditPrivilege"), C(AUDIT_WRITE));
    ck_assert_uint_eq(caps_of("SeTakeOwnershipPrivilege"), C(CHOWN) | C(FOWNER));
    ck_assert_uint_eq(caps_of("SeLockMemoryPrivilege"), C(IPC_LOCK));
    ck_assert_uint_eq(caps_of("SeCreateSymbolicLinkPrivilege"), 0);
    /* Acting as part of the operating system is every capability. */
    for (int c = 0; c <= CAP_LAST_CAP; c++)
        ck_assert(caps_of("SeTcbPrivilege") & (1ull << c));
}
END_TEST

START_TEST(test_linux_names)
{
    ck_assert_uint_eq(caps_of("SvchostBindServicePrivilege"), C(NET_BIND_SERVICE));
    ck_assert_uint_eq(caps_of("SvchostNetAdminPrivilege"), C(NET_ADMIN));
    ck_assert_uint_eq(caps_of("SvchostNetRawPrivilege"), C(NET_RAW));
    ck_assert_uint_eq(caps_of("SvchostKillPrivilege"), C(KILL));
}
END_TEST

START_TEST(test_case_and_unknown)
{
    const struct svc_privilege *p = svc_privilege_find("sebackupprivilege");

    ck_assert_ptr_nonnull(p);
    ck_assert_str_eq(p->name, "SeBackupPrivilege");
    ck_assert_ptr_eq(svc_privilege_find("SEBACKUPPRIVILEGE"), p);
    ck_assert_ptr_null(svc_privilege_find("SeBackup"));
    ck_assert_ptr_null(svc_privilege_find("SeBackupPrivilegeX"));
    ck_assert_ptr_null(svc_privilege_find(""));
    ck_assert_ptr_null(svc_privilege_find(NULL));
}
END_TEST

/* Names are unique (case-insensitively), every row says what it allows, a
 * Linux-only name cannot clash with Windows' "Se" names, every capability
 * a row grants is one this kernel header defines, and every capability can
 * be asked for by some name. */
START_TEST(test_table)
{
    uint64_t reachable = 0;
    size_t n = 0;
    const struct svc_privilege *p;

    while ((p = svc_privilege_at(n)) != NULL) {
        ck_assert_msg(strncmp(p->name, "Se", 2) == 0 || strncmp(p->name, "Svchost", 7) == 0,
                      "%s is a Windows or a Svchost name", p->name);
        ck_assert_msg(strlen(p->name) > 9 && strcmp(p->name + strlen(p->name) - 9, "Privilege") == 0,
                      "%s ends in Privilege", p->name);
        ck_assert_ptr_nonnull(p->meaning);
        ck_assert_uint_gt(strlen(p->meaning), 0);
        ck_assert_ptr_eq(svc_privilege_find(p->name), p);
        for (size_t j = 0; j < n; j++)
            ck_assert_msg(strcasecmp(svc_privilege_at(j)->name, p->name) != 0, "%s twice", p->name);
        if (CAP_LAST_CAP < 63)
            ck_assert_uint_eq(p->caps >> (CAP_LAST_CAP + 1), 0);
        reachable |= p->caps;
        n++;
    }
    ck_assert_uint_gt(n, 40);
    ck_assert_ptr_null(svc_privilege_at(n + 1));
    /* Without SeTcbPrivilege (every capability), still every capability. */
    reachable = 0;
    for (size_t i = 0; (p = svc_privilege_at(i)) != NULL; i++)
        if (strcmp(p->name, "SeTcbPrivilege") != 0)
            reachable |= p->caps;
    for (int c = 0; c <= CAP_LAST_CAP; c++)
        ck_assert_msg(reachable & (1ull << c), "capability %d has a name", c);
}
END_TEST

START_TEST(test_union)
{
    char *restore_time[] = {"SeRestorePrivilege", "sesystemtimeprivilege", "SeChangeNotifyPrivilege", NULL};
    char *with_bad[] = {"SeBackupPrivilege", "SeNoSuchPrivilege", "AlsoBad", NULL};
    char *empty[] = {NULL};
    uint64_t caps = 12345;
    const char *bad = NULL;

    ck_assert_int_eq(svc_privileges_caps(restore_time, &caps, &bad), 0);
    ck_assert_uint_eq(caps, C(DAC_OVERRIDE) | C(CHOWN) | C(FOWNER) | C(SYS_TIME));
    ck_assert_ptr_null(bad);

    caps = 12345;
    ck_assert_int_eq(svc_privileges_caps(with_bad, &caps, &bad), -EINVAL);
    ck_assert_ptr_eq(bad, with_bad[1]);
    ck_assert_uint_eq(caps, 12345);
    ck_assert_int_eq(svc_privileges_caps(with_bad, &caps, NULL), -EINVAL);

    ck_assert_int_eq(svc_privileges_caps(empty, &caps, &bad), 0);
    ck_assert_uint_eq(caps, 0);
    caps = 1;
    ck_assert_int_eq(svc_privileges_caps(NULL, &caps, &bad), 0);
    ck_assert_uint_eq(caps, 0);
}
END_TEST

/* Who holds a privilege: the list decides; without one, LocalSystem (in
 * each of its spellings) holds all and any other account none. */
START_TEST(test_held)
{
    char *list[] = {"SeChangeNotifyPrivilege", "seimpersonateprivilege", NULL};
    char *other[] = {"SeBackupPrivilege", NULL};
    char *empty[] = {NULL};

    ck_assert_int_eq(svc_privilege_held(list, "LocalSystem", "SeImpersonatePrivilege"), 1);
    ck_assert_int_eq(svc_privilege_held(list, ".\\svc", "SeImpersonatePrivilege"), 1);
    ck_assert_int_eq(svc_privilege_held(other, "LocalSystem", "SeImpersonatePrivilege"), 0);
    ck_assert_int_eq(svc_privilege_held(empty, "LocalSystem", "SeImpersonatePrivilege"), 0);
    ck_assert_int_eq(svc_privilege_held(NULL, "LocalSystem", "SeImpersonatePrivilege"), 1);
    ck_assert_int_eq(svc_privilege_held(NULL, NULL, "SeImpersonatePrivilege"), 1);
    ck_assert_int_eq(svc_privilege_held(NULL, "NT AUTHORITY\\LocalService",
                                        "SeImpersonatePrivilege"), 0);
    ck_assert_int_eq(svc_privilege_held(NULL, "svcuser", "SeImpersonatePrivilege"), 0);
    ck_assert_int_eq(svc_account_is_local_system(""), 1);
    ck_assert_int_eq(svc_account_is_local_system("localsystem"), 1);
    ck_assert_int_eq(svc_account_is_local_system(".\\LocalSystem"), 1);
    ck_assert_int_eq(svc_account_is_local_system("nt authority\\system"), 1);
    ck_assert_int_eq(svc_account_is_local_system("NT AUTHORITY\\NetworkService"), 0);
    ck_assert_int_eq(svc_account_is_local_system("LocalSystemX"), 0);
    ck_assert_int_eq(svc_account_is_local_system("root"), 0);
}
END_TEST

/* docs/security.md's table lists every row of the code's, in order, with
 * as many capabilities ("none" for 0, "every capability" for all). */
START_TEST(test_documented)
{
    FILE *f = fopen(TEST_SOURCE_DIR "/../docs/security.md", "r");
    char line[1024];
    size_t i = 0;

    ck_assert_ptr_nonnull(f);
    while (fgets(line, sizeof line, f) != NULL) {
        const struct svc_privilege *p;
        char name[128];
        int n = 0;

        if (sscanf(line, "| `%127[A-Za-z]` |", name) != 1 ||
            (strncmp(name, "Se", 2) != 0 && strncmp(name, "Svchost", 7) != 0) ||
            strstr(name, "Privilege") == NULL)
            continue;
        p = svc_privilege_at(i++);
        ck_assert_msg(p != NULL, "docs/security.md has %s past the table's end", name);
        ck_assert_msg(strcmp(p->name, name) == 0, "row %zu: docs %s, code %s", i, name, p->name);
        /* The second column: between the second and the third '|'. */
        char *col = strchr(line + 1, '|'), *end = col ? strchr(col + 1, '|') : NULL;

        ck_assert_ptr_nonnull(end);
        *end = '\0';
        for (const char *c = col; (c = strstr(c, "`CAP_")) != NULL; c++)
            n++;
        if (p->caps == 0)
            ck_assert_msg(strcmp(col, "| none ") == 0, "%s: docs give capabilities", name);
        else if (strcmp(name, "SeTcbPrivilege") == 0)
            ck_assert_msg(strcmp(col, "| every capability ") == 0, "%s", name);
        else
            ck_assert_msg(n == __builtin_popcountll(p->caps), "%s: docs %d capabilities, code %d",
                          name, n, __builtin_popcountll(p->caps));
    }
    fclose(f);
    ck_assert_msg(svc_privilege_at(i) == NULL, "docs/security.md lacks %s", svc_privilege_at(i)->name);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("privileges");
    TCase *tc = tcase_create("privileges");

    tcase_add_test(tc, test_windows_names);
    tcase_add_test(tc, test_linux_names);
    tcase_add_test(tc, test_case_and_unknown);
    tcase_add_test(tc, test_table);
    tcase_add_test(tc, test_union);
    tcase_add_test(tc, test_held);
    tcase_add_test(tc, test_documented);
    suite_add_tcase(s, tc);
    return test_run_suite(s);
}
