/* test_names.c - the case-insensitive name hash and map (lib/names.c). */
#include "names.h"
#include "testutil.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

START_TEST(test_hash_folds_case)
{
    ck_assert_uint_eq(svc_name_hash("Bench0001"), svc_name_hash("BENCH0001"));
    ck_assert_uint_eq(svc_name_hash("wuauserv"), svc_name_hash("WuAuServ"));
    ck_assert_uint_ne(svc_name_hash("Bench0001"), svc_name_hash("Bench0002"));
    /* Only ASCII letters fold, as strcasecmp in the C locale. */
    ck_assert_uint_ne(svc_name_hash("a["), svc_name_hash("a{"));
}
END_TEST

START_TEST(test_get_put_any_case)
{
    struct svc_name_map m = { 0 };
    int a, b;

    ck_assert_ptr_null(svc_name_map_get(&m, "x"));
    ck_assert_ptr_null(svc_name_map_get(&m, NULL));
    ck_assert_int_eq(svc_name_map_put(&m, "Spooler", &a), 0);
    ck_assert_ptr_eq(svc_name_map_get(&m, "spooler"), &a);
    ck_assert_ptr_eq(svc_name_map_get(&m, "SPOOLER"), &a);
    ck_assert_ptr_null(svc_name_map_get(&m, "Spoole"));
    /* Stored again under another case: replaced, still one entry. */
    ck_assert_int_eq(svc_name_map_put(&m, "SPOOLER", &b), 0);
    ck_assert_ptr_eq(svc_name_map_get(&m, "Spooler"), &b);
    ck_assert_uint_eq(m.n, 1);
    svc_name_map_free(&m);
    ck_assert_uint_eq(m.cap, 0);
}
END_TEST

/* Many names: the map grows, stays at most half full, and finds every
 * one in any case. */
START_TEST(test_many)
{
    enum { N = 5000 };
    struct svc_name_map m = { 0 };
    char (*names)[16] = calloc(N, sizeof *names);

    ck_assert_ptr_nonnull(names);
    for (int i = 0; i < N; i++) {
        snprintf(names[i], sizeof names[i], "Svc%04d", i);
        ck_assert_int_eq(svc_name_map_put(&m, names[i], (void *)(intptr_t)(i + 1)), 0);
    }
    ck_assert_uint_eq(m.n, N);
    ck_assert_uint_le(2 * m.n, m.cap);
    for (int i = 0; i < N; i++) {
        char upper[16];
        for (size_t k = 0; k < sizeof upper; k++)
            upper[k] = (char)(names[i][k] >= 'a' && names[i][k] <= 'z' ? names[i][k] - 32 : names[i][k]);
        ck_assert_int_eq((int)(intptr_t)svc_name_map_get(&m, upper), i + 1);
    }
    ck_assert_ptr_null(svc_name_map_get(&m, "Svc5000"));
    svc_name_map_free(&m);
    free(names);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("names");
    TCase *tc = tcase_create("names");

    tcase_add_test(tc, test_hash_folds_case);
    tcase_add_test(tc, test_get_put_any_case);
    tcase_add_test(tc, test_many);
    suite_add_tcase(s, tc);
    return test_run_suite(s);
}
