/*
 * test_deps.c - the dependency graph (scm/deps.c): cycles, direct and
 * transitive dependents, the stop order, group members; names and
 * groups compared case-insensitively, as Windows.
 */
#include "fake.h"
#include "proto.h"
#include "../testutil.h"

static struct scm scm;
static struct fake fk;

static void setup(void)
{
    fake_scm_init(&scm, &fk);
}

static void teardown(void)
{
    fake_scm_free(&scm);
}

static struct scm_service *svc(const char *name, const char *deps, const char *groups, const char *group)
{
    return fake_service(&scm, name, deps, groups, group);
}

/* scm_deps_cycle for a proposed configuration of name. */
static int cycle(const char *name, const char *deps, const char *groups)
{
    char **d = fake_list(deps), **g = fake_list(groups);
    int r = scm_deps_cycle(&scm, name, d, g);

    svc_strv_free(d);
    svc_strv_free(g);
    return r;
}

/* The names of v[0..n), space separated (new string). */
static char *names(struct scm_service **v, int n)
{
    char *out = calloc(1, 1);
    size_t len = 0;

    ck_assert_ptr_nonnull(out);
    for (int i = 0; i < n; i++) {
        size_t l = strlen(v[i]->name);
        out = realloc(out, len + l + 2);
        ck_assert_ptr_nonnull(out);
        if (len)
            out[len++] = ' ';
        memcpy(out + len, v[i]->name, l + 1);
        len += l;
    }
    return out;
}

#define EXPECT_LIST(fn, arg, want)                         \
    do {                                                   \
        struct scm_service **v_ = NULL;                    \
        int n_ = fn(&scm, (arg), &v_);                     \
        char *got_;                                        \
        ck_assert_int_ge(n_, 0);                           \
        if (n_ == 0)                                       \
            ck_assert_ptr_null(v_);                        \
        got_ = names(v_, n_);                              \
        ck_assert_str_eq(got_, (want));                    \
        free(got_);                                        \
        free(v_);                                          \
    } while (0)

/* ---- cycles ------------------------------------------------------------- */

START_TEST(test_no_cycle)
{
    svc("A", "B", NULL, NULL);
    svc("B", "C", NULL, NULL);
    svc("C", NULL, NULL, NULL);
    ck_assert_int_eq(cycle("A", "B", NULL), 0);
    ck_assert_int_eq(cycle("D", "A,B,C", NULL), 0);
    ck_assert_int_eq(cycle("C", NULL, NULL), 0);
    /* A dependency that does not exist is no cycle (StartService says 1075). */
    ck_assert_int_eq(cycle("C", "Nope", NULL), 0);
    ck_assert_int_eq(cycle("C", NULL, "NoGroup"), 0);
}
END_TEST

START_TEST(test_self_cycle)
{
    svc("A", NULL, NULL, "G");
    ck_assert_int_eq(cycle("A", "A", NULL), 1);
    ck_assert_int_eq(cycle("A", "x,a", NULL), 1);
    /* Its own group (A is a member of G). */
    ck_assert_int_eq(cycle("A", NULL, "G"), 1);
    ck_assert_int_eq(cycle("A", NULL, "g"), 1);
    /* A service not in the table, naming itself. */
    ck_assert_int_eq(cycle("New", "NEW", NULL), 1);
}
END_TEST

START_TEST(test_direct_cycle)
{
    svc("A", "B", NULL, NULL);
    svc("B", NULL, NULL, NULL);
    ck_assert_int_eq(cycle("B", "A", NULL), 1);
    ck_assert_int_eq(cycle("b", "a", NULL), 1);
    ck_assert_int_eq(cycle("B", NULL, NULL), 0);
}
END_TEST

START_TEST(test_indirect_cycle)
{
    svc("A", "B", NULL, NULL);
    svc("B", "C", NULL, NULL);
    svc("C", NULL, NULL, NULL);
    svc("X", NULL, NULL, NULL);
    ck_assert_int_eq(cycle("C", "A", NULL), 1);
    ck_assert_int_eq(cycle("C", "X, A", NULL), 1);
    ck_assert_int_eq(cycle("C", "X", NULL), 0);
    /* Through the second of several dependencies of a dependency. */
    svc("D", "X, B", NULL, NULL);
    ck_assert_int_eq(cycle("C", "D", NULL), 1);
}
END_TEST

START_TEST(test_group_cycle)
{
    /* A depends on group G; M is in G: M depending on A closes the loop. */
    svc("A", NULL, "G", NULL);
    svc("M", NULL, NULL, "G");
    svc("N", NULL, NULL, "H");
    ck_assert_int_eq(cycle("M", "A", NULL), 1);
    ck_assert_int_eq(cycle("N", "A", NULL), 0);
    /* Proposed group dependency whose member depends on the service. */
    svc("P", "Q", NULL, "K");
    ck_assert_int_eq(cycle("Q", NULL, "K"), 1);
    ck_assert_int_eq(cycle("Q", NULL, "k"), 1);
    /* A group with no member: nothing behind it. */
    ck_assert_int_eq(cycle("Q", NULL, "Empty"), 0);
    /* Through a group member's own group dependency: Q -> A -> G(M) -> H(N) -> Q. */
    {
        struct scm_service *n = scm_service_find(&scm, "N");
        svc_strv_free(n->cfg->depend_on_service);
        n->cfg->depend_on_service = fake_list("Q");
        svc_strv_free(scm_service_find(&scm, "M")->cfg->depend_on_group);
        scm_service_find(&scm, "M")->cfg->depend_on_group = fake_list("h");
        ck_assert_int_eq(cycle("Q", "A", NULL), 1);
        ck_assert_int_eq(cycle("Z", "A", NULL), 0);
    }
}
END_TEST

/* A chain of n services S0 -> S1 -> ... -> S(n-1). */
static void chain(int n)
{
    for (int i = 0; i < n; i++) {
        char name[16], dep[16];
        snprintf(name, sizeof name, "S%02d", i);
        snprintf(dep, sizeof dep, "S%02d", i + 1);
        svc(name, i + 1 < n ? dep : NULL, NULL, NULL);
    }
}

/* A chain deeper than 64 counts as a cycle; 64 does not. */
START_TEST(test_depth_limit)
{
    chain(64);
    ck_assert_int_eq(cycle("Top", "S00", NULL), 0);
    svc("S64", NULL, NULL, NULL);
    svc_strv_free(scm_service_find(&scm, "S63")->cfg->depend_on_service);
    scm_service_find(&scm, "S63")->cfg->depend_on_service = fake_list("S64");
    ck_assert_int_eq(cycle("Top", "S00", NULL), 1);
    ck_assert_int_eq(cycle("Top", "S01", NULL), 0);
}
END_TEST

/* Layers of two services, each needing both of the next layer: 2^n
 * paths, 2n services.  The cycle check must not walk every path (it runs
 * on every CreateService, ChangeServiceConfig and StartService, in the
 * one thread scmd has); Check's 4 s timeout fails a walk that does. */
START_TEST(test_cycle_check_is_not_exponential)
{
    const int layers = 26;

    for (int i = 0; i < layers; i++) {
        char a[16], b[16], deps[40] = "";
        snprintf(a, sizeof a, "L%02dA", i);
        snprintf(b, sizeof b, "L%02dB", i);
        if (i + 1 < layers)
            snprintf(deps, sizeof deps, "L%02dA, L%02dB", i + 1, i + 1);
        svc(a, deps, NULL, NULL);
        svc(b, deps, NULL, NULL);
    }
    ck_assert_int_eq(cycle("Top", "L00A, L00B", NULL), 0);
    ck_assert_int_eq(cycle("L25B", "L00A", NULL), 1);
}
END_TEST

/* A cycle already in the table (a database written by hand): the check
 * ends, and depending on the cycle is circular too (such a start could
 * never finish). */
START_TEST(test_cycle_in_table_terminates)
{
    svc("A", "B", NULL, NULL);
    svc("B", "A", NULL, NULL);
    svc("D", NULL, NULL, NULL);
    ck_assert_int_eq(cycle("C", "A", NULL), 1);
    ck_assert_int_eq(cycle("C", "D, B", NULL), 1);
    ck_assert_int_eq(cycle("A", "B", NULL), 1);
    ck_assert_int_eq(cycle("C", "D", NULL), 0);
}
END_TEST

/* ---- dependents -------------------------------------------------------- */

START_TEST(test_depends_on)
{
    struct scm_service *a = svc("A", "b", NULL, NULL);
    struct scm_service *b = svc("B", NULL, NULL, "Net");
    struct scm_service *c = svc("C", NULL, "NET", NULL);
    struct scm_service *d = svc("D", NULL, NULL, NULL);

    ck_assert_int_eq(scm_deps_depends_on(a, b), 1);
    ck_assert_int_eq(scm_deps_depends_on(b, a), 0);
    ck_assert_int_eq(scm_deps_depends_on(c, b), 1);
    ck_assert_int_eq(scm_deps_depends_on(c, d), 0);
    ck_assert_int_eq(scm_deps_depends_on(a, a), 0);
    ck_assert_int_eq(scm_deps_depends_on(d, b), 0);
}
END_TEST

START_TEST(test_direct)
{
    struct scm_service *b = svc("B", NULL, NULL, "Net");
    struct scm_service *z;

    svc("Z", "b", NULL, NULL);
    svc("A", "X, B", NULL, NULL);
    svc("C", NULL, "net", NULL);
    svc("D", "A", NULL, NULL);     /* depends on B only through A */
    z = scm_service_find(&scm, "Z");
    /* Table order (by name), by name and through the group. */
    EXPECT_LIST(scm_deps_direct, b, "A C Z");
    EXPECT_LIST(scm_deps_direct, z, "");
    EXPECT_LIST(scm_deps_direct, scm_service_find(&scm, "A"), "D");
}
END_TEST

START_TEST(test_all_chain)
{
    struct scm_service *a = svc("A", NULL, NULL, NULL);

    svc("B", "A", NULL, NULL);
    svc("C", "B", NULL, NULL);
    svc("D", "C", NULL, NULL);
    /* D starts last, so it stops first. */
    EXPECT_LIST(scm_deps_all, a, "D C B");
    EXPECT_LIST(scm_deps_all, scm_service_find(&scm, "C"), "D");
    EXPECT_LIST(scm_deps_all, scm_service_find(&scm, "D"), "");
}
END_TEST

START_TEST(test_all_diamond)
{
    struct scm_service *a = svc("A", NULL, NULL, NULL);

    svc("B", "A", NULL, NULL);
    svc("C", "A", NULL, NULL);
    svc("D", "B, C", NULL, NULL);
    EXPECT_LIST(scm_deps_all, a, "D B C");
}
END_TEST

/* Name order disagrees with start order: the order is the graph's. */
START_TEST(test_all_against_name_order)
{
    struct scm_service *a = svc("A", NULL, NULL, NULL);

    svc("B", "Z, A", NULL, NULL);  /* starts after Z */
    svc("Z", "A", NULL, NULL);
    svc("Y", "B", NULL, NULL);     /* after B */
    EXPECT_LIST(scm_deps_all, a, "Y B Z");
}
END_TEST

/* A larger graph with shared dependents and a group: each once, and no
 * service before one of its own dependents. */
START_TEST(test_all_order_property)
{
    struct scm_service *root = svc("Root", NULL, NULL, NULL);
    struct scm_service **v = NULL;
    int n;

    svc("A", "Root", NULL, "Mid");
    svc("B", "Root, A", NULL, "Mid");
    svc("C", NULL, "mid", NULL);          /* needs a member of Mid */
    svc("D", "C, A", NULL, NULL);
    svc("E", "D, B, Root", NULL, NULL);
    svc("F", "E", "MID", NULL);
    svc("Other", NULL, NULL, NULL);       /* unrelated */
    n = scm_deps_all(&scm, root, &v);
    ck_assert_int_eq(n, 6);
    for (int i = 0; i < n; i++) {
        ck_assert_ptr_ne(v[i], root);
        ck_assert_str_ne(v[i]->name, "Other");
        for (int j = 0; j < n; j++) {
            if (i != j)
                ck_assert_ptr_ne(v[i], v[j]);
            /* v[j] listed after v[i] must not depend on it. */
            if (j > i)
                ck_assert_msg(!scm_deps_depends_on(v[j], v[i]), "%s is listed after %s, which it needs",
                              v[j]->name, v[i]->name);
        }
    }
    free(v);
}
END_TEST

/* A dependent through its group is a dependent; the transitive list
 * follows it. */
START_TEST(test_all_through_group)
{
    struct scm_service *m = svc("M", NULL, NULL, "Net");

    svc("A", NULL, "NET", NULL);
    svc("B", "a", NULL, NULL);
    EXPECT_LIST(scm_deps_all, m, "B A");
}
END_TEST

/* With a cycle in the table the walk still ends, each listed once. */
START_TEST(test_all_cycle_terminates)
{
    struct scm_service *a = svc("A", "B", NULL, NULL);
    struct scm_service **v = NULL;
    int n;

    svc("B", "A", NULL, NULL);
    n = scm_deps_all(&scm, a, &v);
    ck_assert_int_ge(n, 1);
    ck_assert_int_le(n, 2);
    if (n == 2)
        ck_assert_ptr_ne(v[0], v[1]);
    free(v);
}
END_TEST

START_TEST(test_active_dependents)
{
    struct scm_service *b = svc("B", NULL, NULL, "Net");
    struct scm_service *a = svc("A", "B", NULL, NULL);
    struct scm_service *c = svc("C", NULL, "net", NULL);
    struct scm_service *d = svc("D", "A", NULL, NULL);

    ck_assert_int_eq(scm_deps_active_dependents(&scm, b), 0);
    /* Only a direct dependent counts. */
    scm_state_event(&scm, d, EV_START, NULL);
    ck_assert_int_eq(scm_deps_active_dependents(&scm, b), 0);
    ck_assert_int_eq(scm_deps_active_dependents(&scm, a), 1);
    /* Through the group, START_PENDING counts as active. */
    scm_state_event(&scm, c, EV_START, NULL);
    ck_assert_int_eq(scm_deps_active_dependents(&scm, b), 1);
    fake_report(&scm, c, SERVICE_STOPPED, 0, 0);
    ck_assert_int_eq(scm_deps_active_dependents(&scm, b), 0);
    /* By name, RUNNING. */
    scm_state_event(&scm, a, EV_START, NULL);
    fake_report(&scm, a, SERVICE_RUNNING, 0, 0);
    ck_assert_int_eq(scm_deps_active_dependents(&scm, b), 1);
    /* Its own state does not count. */
    ck_assert_int_eq(scm_deps_active_dependents(&scm, d), 0);
}
END_TEST

START_TEST(test_group_members)
{
    svc("C", NULL, NULL, "Net");
    svc("A", NULL, NULL, "NET");
    svc("B", NULL, NULL, "Other");
    svc("D", NULL, "Net", NULL);   /* depends on the group, not in it */
    EXPECT_LIST(scm_deps_group_members, "net", "A C");
    EXPECT_LIST(scm_deps_group_members, "Other", "B");
    EXPECT_LIST(scm_deps_group_members, "None", "");
    EXPECT_LIST(scm_deps_group_members, NULL, "");
}
END_TEST

static Suite *deps_suite(void)
{
    Suite *su = suite_create("scm_deps");
    TCase *tc = tcase_create("cycles");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_no_cycle);
    tcase_add_test(tc, test_self_cycle);
    tcase_add_test(tc, test_direct_cycle);
    tcase_add_test(tc, test_indirect_cycle);
    tcase_add_test(tc, test_group_cycle);
    tcase_add_test(tc, test_depth_limit);
    tcase_add_test(tc, test_cycle_check_is_not_exponential);
    tcase_add_test(tc, test_cycle_in_table_terminates);
    suite_add_tcase(su, tc);

    tc = tcase_create("dependents");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_depends_on);
    tcase_add_test(tc, test_direct);
    tcase_add_test(tc, test_all_chain);
    tcase_add_test(tc, test_all_diamond);
    tcase_add_test(tc, test_all_against_name_order);
    tcase_add_test(tc, test_all_order_property);
    tcase_add_test(tc, test_all_through_group);
    tcase_add_test(tc, test_all_cycle_terminates);
    tcase_add_test(tc, test_active_dependents);
    tcase_add_test(tc, test_group_members);
    suite_add_tcase(su, tc);
    return su;
}

int main(void)
{
    return test_run_suite(deps_suite());
}
