/*
 * testutil.h - small helpers shared by the unit tests: formatted strings,
 * a temporary state directory, whole-file writes and the Check runner.
 * Everything is static inline, as each test is its own executable.
 */
#ifndef SVCHOST_TESTUTIL_H
#define SVCHOST_TESTUTIL_H

#include <check.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

/* A formatted string the caller frees; failing to build it fails the test. */
static inline char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static inline char *fmt(const char *f, ...)
{
    va_list ap;
    char *s;

    va_start(ap, f);
    ck_assert_int_ge(vasprintf(&s, f, ap), 0);
    va_end(ap);
    return s;
}

/* n copies of c, NUL-terminated. */
static inline char *repeat(char c, size_t n)
{
    char *s = malloc(n + 1);

    ck_assert_ptr_nonnull(s);
    memset(s, c, n);
    s[n] = '\0';
    return s;
}

/*
 * Creates a fresh state directory TMPDIR/NAME.XXXXXX (TMPDIR defaults to
 * /tmp) in root, with config/ and config/services/ in it, all made with
 * mode.
 */
static inline void test_state_dir(char *root, size_t size, const char *name, mode_t mode)
{
    const char *tmpdir = getenv("TMPDIR");
    char *dir;

    snprintf(root, size, "%s/%s.XXXXXX", tmpdir != NULL && *tmpdir != '\0' ? tmpdir : "/tmp",
             name);
    ck_assert_ptr_nonnull(mkdtemp(root));
    dir = fmt("%s/config", root);
    ck_assert_int_eq(mkdir(dir, mode), 0);
    free(dir);
    dir = fmt("%s/config/services", root);
    ck_assert_int_eq(mkdir(dir, mode), 0);
    free(dir);
}

static inline int test_remove_one(const char *path, const struct stat *st, int flag,
                                  struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* Removes root and everything below it, without following links. */
static inline void test_remove_tree(const char *root)
{
    nftw(root, test_remove_one, 8, FTW_DEPTH | FTW_PHYS);
}

/* Replaces the file at path with text. */
static inline void test_write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    ck_assert_int_eq(fclose(f), 0);
}

/* Runs every test of s: the exit status of a unit test's main(). */
static inline int test_run_suite(Suite *s)
{
    SRunner *sr = srunner_create(s);
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif
