/* test_sddl.c - security descriptors (lib/sddl.c): SDDL parsed and printed
 * back canonically, the binary self-relative form both ways, and every
 * kind of malformed input refused with a reason. */
#include "sddl.h"
#include "testutil.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <svchost/winsvc.h>

#define SERVICE_DEFAULT                                                                     \
    "D:(A;;CCLCSWRPWPDTLOCRRC;;;SY)(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;BA)"                    \
    "(A;;CCLCSWLOCRRC;;;IU)(A;;CCLCSWLOCRRC;;;SU)"

static void expect_canonical(const char *in, const char *want)
{
    char why[256], *out = NULL;
    int rc = svc_sddl_canonical(in, &out, why, sizeof why);

    ck_assert_msg(rc == 0, "'%s' refused: %s", in, why);
    ck_assert_str_eq(out, want);
    free(out);
}

static void expect_refused(const char *in, const char *reason)
{
    char why[256], *out = NULL;
    int rc = svc_sddl_canonical(in, &out, why, sizeof why);

    ck_assert_msg(rc == -EINVAL, "'%s' accepted (%d)", in, rc);
    ck_assert_ptr_null(out);
    ck_assert_msg(strstr(why, reason) != NULL, "'%s': reason '%s' lacks '%s'", in, why, reason);
}

START_TEST(test_windows_defaults_round_trip)
{
    expect_canonical(SERVICE_DEFAULT, SERVICE_DEFAULT);
    /* KA is SC_MANAGER_ALL_ACCESS, printed by its alias as Windows does. */
    expect_canonical("D:(A;;CCLCRPRC;;;AU)(A;;0xF003F;;;BA)", "D:(A;;CCLCRPRC;;;AU)(A;;KA;;;BA)");
}
END_TEST

START_TEST(test_rights_canonical_order)
{
    /* Bit order whatever the input order; generic rights after the others. */
    expect_canonical("D:(A;;RCWPCCGA;;;WD)", "D:(A;;CCWPRCGA;;;WD)");
    expect_canonical("D:(A;;GRGWGXGA;;;WD)", "D:(A;;GAGXGWGR;;;WD)");
    /* A number; hex when a bit has no letter. */
    expect_canonical("D:(A;;0x30;;;WD)", "D:(A;;RPWP;;;WD)");
    expect_canonical("D:(A;;48;;;WD)", "D:(A;;RPWP;;;WD)");
    expect_canonical("D:(A;;0x200;;;WD)", "D:(A;;0x200;;;WD)");
    expect_canonical("D:(A;;0;;;WD)", "D:(A;;0x0;;;WD)");
}
END_TEST

START_TEST(test_sids)
{
    struct svc_sid sid, u = svc_sid_unix_user(1234), g = svc_sid_unix_group(99);

    expect_canonical("D:(A;;CC;;;S-1-5-18)", "D:(A;;CC;;;SY)");
    expect_canonical("D:(A;;CC;;;S-1-5-32-544)", "D:(A;;CC;;;BA)");
    expect_canonical("D:(D;;WP;;;S-1-22-1-1000)", "D:(D;;WP;;;S-1-22-1-1000)");
    expect_canonical("O:S-1-22-1-0G:S-1-22-2-0D:", "O:S-1-22-1-0G:S-1-22-2-0D:");
    expect_canonical("G:SYO:BA", "O:BAG:SY");
    expect_canonical("D:(A;;CC;;;S-1-0x10-1)", "D:(A;;CC;;;S-1-16-1)");
    ck_assert_int_eq(svc_sid_parse("S-1-22-1-1234", &sid), 0);
    ck_assert(svc_sid_equal(&sid, &u));
    ck_assert(!svc_sid_equal(&sid, &g));
    ck_assert_int_eq(svc_sid_parse("S-1-22-2-99", &sid), 0);
    ck_assert(svc_sid_equal(&sid, &g));
    ck_assert_int_eq(svc_sid_parse("S-1-5-4294967295", &sid), 0);
    ck_assert_int_eq(svc_sid_parse("S-1-5-4294967296", &sid), -EINVAL);
    ck_assert_int_eq(svc_sid_parse("S-1-5-1-2-3-4-5-6-7-8-9-10-11-12-13-14-15", &sid), 0);
    ck_assert_int_eq(svc_sid_parse("S-1-5-1-2-3-4-5-6-7-8-9-10-11-12-13-14-15-16", &sid), -EINVAL);
    ck_assert_int_eq(svc_sid_parse("S-2-5-18", &sid), -EINVAL);
    ck_assert_int_eq(svc_sid_parse("XX", &sid), -EINVAL);
}
END_TEST

START_TEST(test_flags_and_null_dacl)
{
    expect_canonical("D:PAI(A;OICI;CC;;;WD)", "D:PAI(A;OICI;CC;;;WD)");
    expect_canonical("D:AIP(A;CIOI;CC;;;WD)", "D:PAI(A;OICI;CC;;;WD)");
    expect_canonical("D:NO_ACCESS_CONTROL", "D:NO_ACCESS_CONTROL");
    expect_canonical("D:", "D:");
    expect_canonical("", "");
}
END_TEST

START_TEST(test_malformed)
{
    expect_refused("D:(A;;XX;;;SY)", "unknown right 'XX'");
    expect_refused("D:(A;;CCL;;;SY)", "two letters");
    expect_refused("D:(A;;CC;;;SY", "unbalanced");
    expect_refused("D:A;;CC;;;SY)", "unbalanced");
    expect_refused("D:((A;;CC;;;SY))", "unbalanced");
    expect_refused("D:(A;;CC;;;S-1-5-x)", "bad SID");
    expect_refused("D:(A;;CC;;;ZZ)", "bad SID");
    expect_refused("D:(A;;CC;;;)", "no SID");
    expect_refused("D:(AU;;CC;;;SY)", "only A (allow) and D (deny)");
    expect_refused("D:(OA;;CC;;;SY)", "only A (allow) and D (deny)");
    expect_refused("D:(A;;CC;;SY)", "needs 6");
    expect_refused("D:(A;;CC;;;SY;x)", "has 7 fields");
    expect_refused("D:(A;;CC;;;SY;x;y)", "more than 6");
    expect_refused("D:(A;XY;CC;;;SY)", "unknown ACE flag 'XY'");
    expect_refused("D:(A;;;;;SY)", "no rights");
    expect_refused("D:(A;;0x1FFFFFFFF;;;SY)", "32 bits");
    expect_refused("D:(A;;CC;bf967aba-0de6-11d0-a285-00aa003049e2;;SY)", "object ACEs");
    expect_refused("D:Q(A;;CC;;;SY)", "unknown DACL flag");
    expect_refused("D:(A;;CC;;;SY) ", "parentheses");
    expect_refused("D:NO_ACCESS_CONTROL(A;;CC;;;SY)", "NULL DACL");
    expect_refused("D:(A;;CC;;;SY)D:(A;;CC;;;SY)", "twice");
    expect_refused("O:SYO:SY", "twice");
    expect_refused("O:QQ", "owner SID");
    expect_refused("S:(AU;FA;CC;;;WD)", "SACL");
    expect_refused("X:(A;;CC;;;SY)", "expected O:, G: or D:");
    expect_refused("(A;;CC;;;SY)", "expected O:, G: or D:");
}
END_TEST

START_TEST(test_binary_round_trip)
{
    struct svc_sd sd, back;
    uint8_t *bin;
    size_t len;
    char *text;

    ck_assert_int_eq(svc_sddl_parse("O:SYG:SY" SERVICE_DEFAULT, &sd, NULL, 0), 0);
    ck_assert_int_eq(svc_sd_to_binary(&sd, SVC_SI_OWNER | SVC_SI_GROUP | SVC_SI_DACL, &bin, &len), 0);
    /* 20 header + ACL 8 + 4 ACEs (8 + SID) + owner 12 + group 12. */
    ck_assert_uint_eq(len, 20 + 8 + (8 + 12) + (8 + 16) + (8 + 12) * 2 + 12 + 12);
    ck_assert_uint_eq(bin[0], 1);
    ck_assert_uint_eq(bin[2] | bin[3] << 8, SVC_SE_SELF_RELATIVE | SVC_SE_DACL_PRESENT);
    ck_assert_uint_eq(bin[16], 20);                 /* the DACL first */
    ck_assert_uint_eq(bin[20], 2);                  /* ACL_REVISION */
    ck_assert_uint_eq(bin[24], 4);                  /* AceCount */
    ck_assert_uint_eq(bin[28], 0);                  /* ACCESS_ALLOWED_ACE_TYPE */
    ck_assert_uint_eq(bin[32] | bin[33] << 8 | bin[34] << 16, 0x201FD);   /* the mask */
    ck_assert_uint_eq(bin[36], 1);                  /* SID revision */
    ck_assert_uint_eq(bin[37], 1);                  /* one subauthority */
    ck_assert_uint_eq(bin[43], 5);                  /* NT authority, big-endian */
    ck_assert_uint_eq(bin[44], 18);                 /* LocalSystem */
    ck_assert_int_eq(svc_sd_from_binary(bin, len, &back, NULL, 0), 0);
    ck_assert_int_eq(svc_sddl_format(&back, SVC_SI_OWNER | SVC_SI_GROUP | SVC_SI_DACL, &text), 0);
    ck_assert_str_eq(text, "O:SYG:SY" SERVICE_DEFAULT);
    free(text);
    ck_assert_int_eq(svc_sddl_format(&back, SVC_SI_DACL, &text), 0);
    ck_assert_str_eq(text, SERVICE_DEFAULT);
    free(text);
    svc_sd_free(&back);
    /* Every shorter buffer is refused, never read past. */
    for (size_t cut = 0; cut < len; cut++) {
        uint8_t *copy = malloc(cut ? cut : 1);
        memcpy(copy, bin, cut);
        ck_assert_int_eq(svc_sd_from_binary(copy, cut, &back, NULL, 0), -EINVAL);
        free(copy);
    }
    free(bin);
    /* Only the parts asked for. */
    ck_assert_int_eq(svc_sd_to_binary(&sd, SVC_SI_OWNER, &bin, &len), 0);
    ck_assert_uint_eq(len, 20 + 12);
    ck_assert_int_eq(svc_sd_from_binary(bin, len, &back, NULL, 0), 0);
    ck_assert_int_eq(svc_sddl_format(&back, SVC_SI_OWNER | SVC_SI_GROUP | SVC_SI_DACL, &text), 0);
    ck_assert_str_eq(text, "O:SY");
    free(text);
    svc_sd_free(&back);
    free(bin);
    svc_sd_free(&sd);
}
END_TEST

START_TEST(test_binary_null_dacl_and_deny)
{
    struct svc_sd sd, back;
    uint8_t *bin;
    size_t len;
    char *text;

    ck_assert_int_eq(svc_sddl_parse("D:NO_ACCESS_CONTROL", &sd, NULL, 0), 0);
    ck_assert_int_eq(svc_sd_to_binary(&sd, SVC_SI_DACL, &bin, &len), 0);
    ck_assert_uint_eq(len, 20);
    ck_assert_int_eq(svc_sd_from_binary(bin, len, &back, NULL, 0), 0);
    ck_assert(back.dacl_null);
    svc_sd_free(&back);
    svc_sd_free(&sd);
    free(bin);

    ck_assert_int_eq(svc_sddl_parse("D:P(D;;WP;;;S-1-22-1-5)(A;;GA;;;WD)", &sd, NULL, 0), 0);
    ck_assert_int_eq(svc_sd_to_binary(&sd, SVC_SI_DACL, &bin, &len), 0);
    ck_assert_int_eq(svc_sd_from_binary(bin, len, &back, NULL, 0), 0);
    ck_assert_int_eq(svc_sddl_format(&back, SVC_SI_DACL, &text), 0);
    ck_assert_str_eq(text, "D:P(D;;WP;;;S-1-22-1-5)(A;;GA;;;WD)");
    free(text);
    svc_sd_free(&back);
    svc_sd_free(&sd);
    free(bin);
}
END_TEST

START_TEST(test_binary_malformed)
{
    struct svc_sd sd, back;
    uint8_t *bin;
    size_t len;
    char why[200];

    ck_assert_int_eq(svc_sddl_parse("D:(A;;CC;;;WD)", &sd, NULL, 0), 0);
    ck_assert_int_eq(svc_sd_to_binary(&sd, SVC_SI_DACL, &bin, &len), 0);
    svc_sd_free(&sd);

    bin[0] = 2;                                     /* revision */
    ck_assert_int_eq(svc_sd_from_binary(bin, len, &back, why, sizeof why), -EINVAL);
    ck_assert_ptr_nonnull(strstr(why, "revision"));
    bin[0] = 1;
    bin[3] &= 0x7F;                                 /* absolute, pointers inside */
    ck_assert_int_eq(svc_sd_from_binary(bin, len, &back, why, sizeof why), -EINVAL);
    ck_assert_ptr_nonnull(strstr(why, "self-relative"));
    bin[3] |= 0x80;
    bin[28] = 2;                                    /* SYSTEM_AUDIT_ACE_TYPE */
    ck_assert_int_eq(svc_sd_from_binary(bin, len, &back, why, sizeof why), -EINVAL);
    ck_assert_ptr_nonnull(strstr(why, "type 2"));
    bin[28] = 0;
    bin[24] = 2;                                    /* two ACEs in room for one */
    ck_assert_int_eq(svc_sd_from_binary(bin, len, &back, why, sizeof why), -EINVAL);
    bin[24] = 1;
    bin[16] = 200;                                  /* the DACL past the end */
    ck_assert_int_eq(svc_sd_from_binary(bin, len, &back, why, sizeof why), -EINVAL);
    bin[16] = 20;
    bin[12] = 20;                                   /* a SACL */
    ck_assert_int_eq(svc_sd_from_binary(bin, len, &back, why, sizeof why), -EINVAL);
    ck_assert_ptr_nonnull(strstr(why, "SACL"));
    bin[12] = 0;
    ck_assert_int_eq(svc_sd_from_binary(bin, len, &back, why, sizeof why), 0);
    svc_sd_free(&back);
    free(bin);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sddl");
    TCase *tc = tcase_create("sddl");

    tcase_add_test(tc, test_windows_defaults_round_trip);
    tcase_add_test(tc, test_rights_canonical_order);
    tcase_add_test(tc, test_sids);
    tcase_add_test(tc, test_flags_and_null_dacl);
    tcase_add_test(tc, test_malformed);
    tcase_add_test(tc, test_binary_round_trip);
    tcase_add_test(tc, test_binary_null_dacl_and_deny);
    tcase_add_test(tc, test_binary_malformed);
    suite_add_tcase(s, tc);
    return test_run_suite(s);
}
