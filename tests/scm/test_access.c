/*
 * test_access.c - access decisions (scm/access.c) over security
 * descriptors: Windows' defaults for a service and the SCM, the owner's
 * implicit rights and OWNER RIGHTS, NULL and missing DACLs, deny and
 * allow in order, generic rights, inherit-only ACEs, Unix users and
 * groups, AdminGroup as BUILTIN\Administrators, LocalService, and a
 * stored descriptor that does not parse.
 */
#include "access.h"
#include "win32.h"
#include "../testutil.h"

#include <check.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define USER_SERVICE_DEFAULT                                                               \
    (SERVICE_QUERY_CONFIG | SERVICE_QUERY_STATUS | SERVICE_ENUMERATE_DEPENDENTS |          \
     SERVICE_INTERROGATE | SERVICE_USER_DEFINED_CONTROL | READ_CONTROL)

static struct scm scm;
static struct svc_service_config cfg;
static struct scm_service svc;

static void setup(void)
{
    memset(&scm, 0, sizeof scm);
    memset(&cfg, 0, sizeof cfg);
    memset(&svc, 0, sizeof svc);
    scm.self_uid = 4000000;         /* nobody's: scmd "runs as" no caller */
    scm.set.admin_group = (char *)"";
    cfg.name = (char *)"Svc";
    svc.name = cfg.name;
    svc.cfg = &cfg;
}

static void teardown(void)
{
    scm_access_free(&scm);
}

static struct scm_caller user(uid_t uid, gid_t gid)
{
    return (struct scm_caller){ .uid = uid, .pid = 1, .gid = gid };
}

/* The rights caller holds on the service with descriptor sddl (NULL:
 * the default). */
static uint32_t on_service(const char *sddl, struct scm_caller c)
{
    cfg.security = (char *)sddl;
    return scm_access_granted(&scm, &c, SCM_OBJ_SERVICE, &svc);
}

START_TEST(service_default)
{
    ck_assert_uint_eq(on_service(NULL, user(0, 0)), SERVICE_ALL_ACCESS);
    ck_assert_uint_eq(on_service(NULL, user(1000, 1000)), USER_SERVICE_DEFAULT);
    ck_assert_uint_eq(scm_access_check(&scm, &(struct scm_caller){ .uid = 1000 }, SCM_OBJ_SERVICE,
                                       &svc, SERVICE_START), ERROR_ACCESS_DENIED);
    /* GENERIC_READ maps to what a user holds; GENERIC_WRITE does not. */
    ck_assert_uint_eq(scm_access_check(&scm, &(struct scm_caller){ .uid = 1000 }, SCM_OBJ_SERVICE,
                                       &svc, GENERIC_READ), NO_ERROR);
    ck_assert_uint_eq(scm_access_check(&scm, &(struct scm_caller){ .uid = 1000 }, SCM_OBJ_SERVICE,
                                       &svc, GENERIC_WRITE), ERROR_ACCESS_DENIED);
    /* scmd's own user holds everything, whatever the descriptor. */
    scm.self_uid = 1234;
    ck_assert_uint_eq(on_service("D:", user(1234, 1234)), SERVICE_ALL_ACCESS);
}
END_TEST

START_TEST(manager_default)
{
    struct scm_caller u = user(1000, 1000), root = user(0, 0);

    ck_assert_uint_eq(scm_access_granted(&scm, &u, SCM_OBJ_MANAGER, NULL),
                      SC_MANAGER_CONNECT | SC_MANAGER_ENUMERATE_SERVICE |
                      SC_MANAGER_QUERY_LOCK_STATUS | READ_CONTROL);
    ck_assert_uint_eq(scm_access_granted(&scm, &root, SCM_OBJ_MANAGER, NULL), SC_MANAGER_ALL_ACCESS);
    scm.manager_sddl = (char *)"O:SYG:SYD:(A;;KA;;;SY)";
    ck_assert_uint_eq(scm_access_granted(&scm, &u, SCM_OBJ_MANAGER, NULL), 0);
    ck_assert_uint_eq(scm_access_check(&scm, &u, SCM_OBJ_MANAGER, NULL, SC_MANAGER_CONNECT),
                      ERROR_ACCESS_DENIED);
    /* Generic rights mapped for the SCM. */
    scm.manager_sddl = (char *)"D:(A;;GX;;;WD)";
    ck_assert_uint_eq(scm_access_granted(&scm, &u, SCM_OBJ_MANAGER, NULL),
                      SC_MANAGER_CONNECT | SC_MANAGER_LOCK | READ_CONTROL);
}
END_TEST

START_TEST(owner_rights)
{
    /* An empty DACL: nobody but the owner, who may read and replace it. */
    ck_assert_uint_eq(on_service("O:S-1-22-1-1000D:", user(1000, 1000)), READ_CONTROL | WRITE_DAC);
    ck_assert_uint_eq(on_service("O:S-1-22-1-1000D:", user(1001, 1001)), 0);
    ck_assert_uint_eq(on_service("O:SYD:", user(0, 0)), READ_CONTROL | WRITE_DAC);
    /* OWNER RIGHTS replaces them. */
    ck_assert_uint_eq(on_service("O:S-1-22-1-1000D:(A;;RC;;;OW)", user(1000, 1000)), READ_CONTROL);
    ck_assert_uint_eq(on_service("O:S-1-22-1-1000D:(A;;RC;;;OW)", user(1001, 1001)), 0);
}
END_TEST

START_TEST(null_and_missing_dacl)
{
    ck_assert_uint_eq(on_service("D:NO_ACCESS_CONTROL", user(1000, 1000)), SERVICE_ALL_ACCESS);
    ck_assert_uint_eq(on_service("O:SYG:SY", user(1000, 1000)), SERVICE_ALL_ACCESS);
}
END_TEST

START_TEST(order_of_aces)
{
    uint32_t all = SERVICE_ALL_ACCESS;

    ck_assert_uint_eq(on_service("D:(D;;WP;;;S-1-22-1-1000)(A;;GA;;;WD)", user(1000, 1000)),
                      all & ~(uint32_t)SERVICE_STOP);
    ck_assert_uint_eq(on_service("D:(D;;WP;;;S-1-22-1-1000)(A;;GA;;;WD)", user(1001, 1001)), all);
    /* An allow before the deny has given the right already. */
    ck_assert_uint_eq(on_service("D:(A;;GA;;;WD)(D;;WP;;;S-1-22-1-1000)", user(1000, 1000)), all);
    /* Inherit-only ACEs are for children, not for this object. */
    ck_assert_uint_eq(on_service("D:(A;OICIIO;RP;;;WD)", user(1000, 1000)), 0);
    ck_assert_uint_eq(on_service("D:(A;OICI;RP;;;WD)", user(1000, 1000)), SERVICE_START);
}
END_TEST

START_TEST(unix_groups)
{
    struct scm_caller c = user(1000, 50);

    ck_assert_uint_eq(on_service("D:(A;;RP;;;S-1-22-2-50)", c), SERVICE_START);
    c = user(1000, 1000);
    ck_assert_uint_eq(on_service("D:(A;;RP;;;S-1-22-2-50)", c), 0);
    c.groups[0] = 7;
    c.groups[1] = 50;
    c.n_groups = 2;
    ck_assert_uint_eq(on_service("D:(A;;RP;;;S-1-22-2-50)", c), SERVICE_START);
    /* A caller whose groups were cut short: a deny naming any group holds
     * it, an allow naming a group it is not known to be in does not. */
    c = user(1000, 1000);
    ck_assert_uint_eq(on_service("D:(D;;RP;;;S-1-22-2-77)(A;;RP;;;WD)", c), SERVICE_START);
    c.groups_truncated = 1;
    ck_assert_uint_eq(on_service("D:(D;;RP;;;S-1-22-2-77)(A;;RP;;;WD)", c), 0);
    ck_assert_uint_eq(on_service("D:(A;;RP;;;S-1-22-2-77)", c), 0);
}
END_TEST

START_TEST(administrators)
{
    struct group *g = getgrgid(0);
    struct scm_caller c = user(1000, 1000);

    ck_assert_ptr_nonnull(g);
    c.groups[0] = 0;
    c.n_groups = 1;
    ck_assert_uint_eq(on_service(NULL, c), USER_SERVICE_DEFAULT);
    scm.set.admin_group = g->gr_name;
    ck_assert_uint_eq(on_service(NULL, c), SERVICE_ALL_ACCESS);
    ck_assert_uint_eq(on_service(NULL, user(1001, 1001)), USER_SERVICE_DEFAULT);
    /* Root is BA whatever AdminGroup says. */
    ck_assert_uint_eq(on_service("D:(A;;RP;;;BA)", user(0, 0)), SERVICE_START);
}
END_TEST

START_TEST(service_accounts)
{
    struct passwd *pw = getpwnam("nobody");

    if (pw == NULL)
        return;     /* no such user on this machine: nothing to name */
    ck_assert_uint_eq(on_service("D:(A;;RP;;;LS)", user(pw->pw_uid, pw->pw_gid)), 0);
    scm.set.local_service_account = (char *)"nobody";
    ck_assert_uint_eq(on_service("D:(A;;RP;;;LS)", user(pw->pw_uid, pw->pw_gid)), SERVICE_START);
    ck_assert_uint_eq(on_service("D:(A;;RP;;;NS)", user(pw->pw_uid, pw->pw_gid)), 0);
    /* SU: no host runs, so nobody is the service user. */
    ck_assert_uint_eq(on_service("D:(A;;RP;;;SU)", user(pw->pw_uid, pw->pw_gid)), 0);
}
END_TEST

START_TEST(unreadable_descriptor)
{
    ck_assert_uint_eq(on_service("D:(A;;XX;;;WD)", user(0, 0)), READ_CONTROL | WRITE_DAC);
    ck_assert_uint_eq(on_service("D:(A;;XX;;;WD)", user(1000, 1000)), 0);
    ck_assert_str_eq(scm_access_sddl(&scm, SCM_OBJ_SERVICE, &svc), "D:(A;;XX;;;WD)");
    cfg.security = NULL;
    ck_assert_str_eq(scm_access_sddl(&scm, SCM_OBJ_SERVICE, &svc), SCM_SDDL_SERVICE_DEFAULT);
    ck_assert_str_eq(scm_access_sddl(&scm, SCM_OBJ_MANAGER, NULL), SCM_SDDL_MANAGER_DEFAULT);
}
END_TEST

/* Descriptors are kept parsed by their text: one changed in place (the
 * same pointer) is decided anew, and more texts than the table holds
 * are each still decided by their own. */
START_TEST(parsed_by_text)
{
    char text[64];

    strcpy(text, "D:(A;;RP;;;WD)");
    ck_assert_uint_eq(on_service(text, user(1000, 1000)), SERVICE_START);
    strcpy(text, "D:(A;;WP;;;WD)");
    ck_assert_uint_eq(on_service(text, user(1000, 1000)), SERVICE_STOP);
    for (int round = 0; round < 2; round++)
        for (uint32_t bit = 0; bit < 40; bit++) {
            char sddl[64];
            snprintf(sddl, sizeof sddl, "D:(A;;0x%x;;;WD)", 1u << (bit % 9));
            ck_assert_uint_eq(on_service(sddl, user(1000, 1000)), 1u << (bit % 9));
            snprintf(sddl, sizeof sddl, "D:(A;;0x%x;;;S-1-22-1-%u)", 1u << (bit % 9), 2000 + bit);
            ck_assert_uint_eq(on_service(sddl, user(2000 + bit, 1000)), 1u << (bit % 9));
            ck_assert_uint_eq(on_service(sddl, user(1000, 1000)), 0);
        }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("access");
    TCase *tc = tcase_create("access");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, service_default);
    tcase_add_test(tc, parsed_by_text);
    tcase_add_test(tc, manager_default);
    tcase_add_test(tc, owner_rights);
    tcase_add_test(tc, null_and_missing_dacl);
    tcase_add_test(tc, order_of_aces);
    tcase_add_test(tc, unix_groups);
    tcase_add_test(tc, administrators);
    tcase_add_test(tc, service_accounts);
    tcase_add_test(tc, unreadable_descriptor);
    suite_add_tcase(s, tc);
    return test_run_suite(s);
}
