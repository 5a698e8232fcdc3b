/*
 * test_service.c - the in-memory service table (scm/service.c): the list
 * in name order whatever order services come in, lookups by name and by
 * display name (case-insensitive, as Windows), a new display name
 * followed, services taken out from the front, the middle and the end.
 */
#include "fake.h"
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

/* Every service in the list is in order and found by its names; the
 * list holds want of them. */
static void check_table(size_t want)
{
    size_t n = 0;

    for (struct scm_service *s = scm.services; s; s = s->next, n++) {
        if (s->next != NULL)
            ck_assert_msg(strcasecmp(s->name, s->next->name) < 0, "%s before %s", s->name,
                          s->next->name);
        ck_assert_ptr_eq(scm_service_find(&scm, s->name), s);
        ck_assert_ptr_eq(scm_service_find_display(&scm, s->cfg->display_name), s);
    }
    ck_assert_uint_eq(n, want);
    ck_assert_uint_eq(scm_service_count(&scm), want);
}

/* The name of service i of a shuffled set: mixed case, so the order is
 * strcasecmp's and not strcmp's. */
static void name_of(char *buf, size_t size, unsigned i)
{
    snprintf(buf, size, "%s%05u", i % 2 ? "svc" : "SVC", (i * 7919u) % 3000u);
}

START_TEST(test_order_and_lookup)
{
    char name[32], upper[32], display[64];

    for (unsigned i = 0; i < 3000; i++) {
        name_of(name, sizeof name, i);
        fake_service(&scm, name, NULL, NULL, NULL);
    }
    check_table(3000);
    ck_assert_str_eq(scm.services->name, "SVC00000");
    for (unsigned i = 0; i < 3000; i += 97) {
        name_of(name, sizeof name, i);
        for (size_t k = 0; name[k]; k++)
            upper[k] = (char)(name[k] >= 'a' && name[k] <= 'z' ? name[k] - 'a' + 'A' : name[k]);
        upper[strlen(name)] = '\0';
        struct scm_service *s = scm_service_find(&scm, upper);
        ck_assert_ptr_nonnull(s);
        ck_assert_str_eq(s->name, name);
        snprintf(display, sizeof display, "%s DISPLAY", name);
        ck_assert_ptr_eq(scm_service_find_display(&scm, display), s);
    }
    ck_assert_ptr_null(scm_service_find(&scm, "svc03000"));
    ck_assert_ptr_null(scm_service_find(&scm, "svc0000"));
    ck_assert_ptr_null(scm_service_find(&scm, NULL));
    ck_assert_ptr_null(scm_service_find_display(&scm, "SVC00000"));
}
END_TEST

START_TEST(test_unlink)
{
    struct scm_service *a = fake_service(&scm, "Alpha", NULL, NULL, NULL);
    struct scm_service *m = fake_service(&scm, "Middle", NULL, NULL, NULL);
    struct scm_service *z = fake_service(&scm, "zulu", NULL, NULL, NULL);
    char name[32];

    for (unsigned i = 0; i < 200; i++) {
        snprintf(name, sizeof name, "Mid%03u", i);
        fake_service(&scm, name, NULL, NULL, NULL);
    }
    check_table(203);
    ck_assert_ptr_eq(scm.services, a);
    scm_service_unlink(&scm, a);
    scm_service_unlink(&scm, m);
    scm_service_unlink(&scm, z);
    check_table(200);
    ck_assert_ptr_null(scm_service_find(&scm, "alpha"));
    ck_assert_ptr_null(scm_service_find(&scm, "MIDDLE"));
    ck_assert_ptr_null(scm_service_find(&scm, "Zulu"));
    ck_assert_ptr_null(scm_service_find_display(&scm, "Middle display"));
    ck_assert_str_eq(scm.services->name, "Mid000");
    /* Not in the table (any more): nothing happens. */
    scm_service_unlink(&scm, m);
    check_table(200);
    /* And back, in the middle. */
    scm_service_link(&scm, m);
    check_table(201);
    scm_service_free(a);
    scm_service_free(z);
}
END_TEST

START_TEST(test_display_name_followed)
{
    struct scm_service *s = fake_service(&scm, "Svc", NULL, NULL, NULL);
    struct svc_service_config *cfg = calloc(1, sizeof *cfg), *old;

    ck_assert_ptr_nonnull(cfg);
    cfg->name = fake_strdup("Svc");
    cfg->display_name = fake_strdup("Another Name");
    cfg->type = SERVICE_WIN32_SHARE_PROCESS;
    cfg->image_path = fake_strdup("svchost -k test");
    old = scm_service_set_config(&scm, s, cfg);
    ck_assert_str_eq(old->display_name, "Svc display");
    svc_service_config_free(old);
    ck_assert_ptr_null(scm_service_find_display(&scm, "Svc display"));
    ck_assert_ptr_eq(scm_service_find_display(&scm, "another name"), s);
    ck_assert_ptr_eq(s->cfg, cfg);
    /* None at all: found by name only. */
    cfg = calloc(1, sizeof *cfg);
    ck_assert_ptr_nonnull(cfg);
    cfg->name = fake_strdup("Svc");
    old = scm_service_set_config(&scm, s, cfg);
    svc_service_config_free(old);
    ck_assert_ptr_null(scm_service_find_display(&scm, "Another Name"));
    ck_assert_ptr_eq(scm_service_find(&scm, "svc"), s);
    ck_assert_str_eq(scm_service_display(s), "Svc");
}
END_TEST

/* Files written by hand may give two services one display name: the
 * first in name order answers, as the list's walk did. */
START_TEST(test_shared_display_name)
{
    struct scm_service *b = fake_service(&scm, "Bravo", NULL, NULL, NULL);
    struct scm_service *a = fake_service(&scm, "alpha", NULL, NULL, NULL);

    /* Out of the table while its configuration is edited in place. */
    scm_service_unlink(&scm, b);
    free(b->cfg->display_name);
    b->cfg->display_name = fake_strdup("Same");
    scm_service_link(&scm, b);
    scm_service_unlink(&scm, a);
    free(a->cfg->display_name);
    a->cfg->display_name = fake_strdup("Same");
    scm_service_link(&scm, a);
    ck_assert_ptr_eq(scm_service_find_display(&scm, "SAME"), a);
    /* CreateService's and ChangeServiceConfig's question: another? */
    ck_assert_ptr_eq(scm_service_other_with_display(&scm, "same", a), b);
    ck_assert_ptr_eq(scm_service_other_with_display(&scm, "same", b), a);
    ck_assert_ptr_null(scm_service_other_with_display(&scm, "Alpha", NULL));
    scm_service_unlink(&scm, a);
    ck_assert_ptr_null(scm_service_other_with_display(&scm, "same", b));
    ck_assert_ptr_eq(scm_service_find_display(&scm, "same"), b);
    scm_service_free(a);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("service");
    TCase *tc = tcase_create("table");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_order_and_lookup);
    tcase_add_test(tc, test_unlink);
    tcase_add_test(tc, test_display_name_followed);
    tcase_add_test(tc, test_shared_display_name);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_run_suite(suite());
}
