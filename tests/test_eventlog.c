/* SvchostReadEventLog: the lines of ROOT/log/events.log as records, the
 * filters, the newest N, the buffer rules, a missing log. */
#include <unistd.h>

#include <svchost/svcctl.h>

#include "testutil.h"

static const char log_text[] =
    "2026-12-01T21:43:31.489Z 7045 - A service was installed in the system. Service Name: Echo\n"
    "2026-12-01T21:43:32.000Z 7036 Echo The Echo test service service entered the running state.\n"
    "not an event line\n"
    "2026-12-01T21:43:33.001Z 2 Echo listening on 127.0.0.1:7007\n"
    "2026-12-01T21:43:34.250Z 7036 Beat The Beat service entered the running state.\n"
    "2026-12-01T21:43:35.999Z 7036 echo The Echo test service service entered the stopped state.\n";

static char root[256];

static void setup(void)
{
    char *dir, *file;

    test_state_dir(root, sizeof root, "eventlog", 0700);
    dir = fmt("%s/log", root);
    ck_assert_int_eq(mkdir(dir, 0700), 0);
    file = fmt("%s/events.log", dir);
    test_write_text(file, log_text);
    free(file);
    free(dir);
    setenv("SVCHOST_ROOT", root, 1);
}

static void teardown(void)
{
    test_remove_tree(root);
}

/* Reads with f into a buffer of the size asked for; returns the records. */
static SVCHOST_EVENT_RECORD *read_all(const SVCHOST_EVENT_FILTER *f, DWORD *n)
{
    DWORD need = 0;
    LPBYTE buf;

    ck_assert(!SvchostReadEventLog(NULL, f, NULL, 0, &need, n));
    ck_assert_uint_eq(GetLastError(), ERROR_MORE_DATA);
    ck_assert_uint_gt(need, 0);
    buf = malloc(need);
    ck_assert_ptr_nonnull(buf);
    ck_assert(SvchostReadEventLog("localhost", f, buf, need, &need, n));
    return (SVCHOST_EVENT_RECORD *)buf;
}

START_TEST(every_record)
{
    DWORD n;
    SVCHOST_EVENT_RECORD *r = read_all(NULL, &n);

    ck_assert_uint_eq(n, 5);
    ck_assert_uint_eq(r[0].dwRecordNumber, 1);
    ck_assert_uint_eq(r[0].dwEventId, 7045);
    ck_assert_ptr_null(r[0].lpServiceName);
    ck_assert_str_eq(r[0].lpText, "A service was installed in the system. Service Name: Echo");
    ck_assert_uint_eq(r[0].ullTimeMs, 1796161411489ULL);
    /* The line that is no event keeps its number (3). */
    ck_assert_uint_eq(r[2].dwRecordNumber, 4);
    ck_assert_uint_eq(r[2].dwEventId, 2);
    ck_assert_str_eq(r[2].lpServiceName, "Echo");
    ck_assert_str_eq(r[2].lpText, "listening on 127.0.0.1:7007");
    ck_assert_uint_eq(r[4].dwRecordNumber, 6);
    free(r);
}
END_TEST

START_TEST(filters)
{
    SVCHOST_EVENT_FILTER f = { .dwEventId = 7036, .lpServiceName = "ECHO" };
    SVCHOST_EVENT_RECORD *r;
    DWORD n;

    r = read_all(&f, &n);
    ck_assert_uint_eq(n, 2);
    ck_assert_uint_eq(r[0].dwRecordNumber, 2);
    ck_assert_uint_eq(r[1].dwRecordNumber, 6);
    free(r);

    f = (SVCHOST_EVENT_FILTER){ .dwEventId = SVCHOST_EVENT_ANY, .dwFirstRecord = 4 };
    r = read_all(&f, &n);
    ck_assert_uint_eq(n, 3);
    ck_assert_uint_eq(r[0].dwRecordNumber, 4);
    free(r);

    /* The newest two, oldest first. */
    f = (SVCHOST_EVENT_FILTER){ .dwEventId = SVCHOST_EVENT_ANY, .dwMaxRecords = 2 };
    r = read_all(&f, &n);
    ck_assert_uint_eq(n, 2);
    ck_assert_uint_eq(r[0].dwRecordNumber, 5);
    ck_assert_uint_eq(r[1].dwRecordNumber, 6);
    ck_assert_str_eq(r[1].lpServiceName, "echo");
    free(r);
}
END_TEST

START_TEST(errors)
{
    DWORD need = 0, n = 0;
    BYTE small[8];
    char *file;

    ck_assert(!SvchostReadEventLog(NULL, NULL, small, sizeof small, &need, &n));
    ck_assert_uint_eq(GetLastError(), ERROR_MORE_DATA);
    ck_assert_uint_gt(need, sizeof small);
    ck_assert(!SvchostReadEventLog(NULL, NULL, small, sizeof small, NULL, &n));
    ck_assert_uint_eq(GetLastError(), ERROR_INVALID_PARAMETER);
    ck_assert(!SvchostReadEventLog("\\\\elsewhere.invalid", NULL, small, sizeof small, &need, &n));
    ck_assert_uint_eq(GetLastError(), ERROR_NOT_SUPPORTED);

    /* No log yet: no records. */
    file = fmt("%s/log/events.log", root);
    ck_assert_int_eq(unlink(file), 0);
    free(file);
    ck_assert(SvchostReadEventLog(NULL, NULL, NULL, 0, &need, &n));
    ck_assert_uint_eq(n, 0);
    ck_assert_uint_eq(need, 0);
}
END_TEST

START_TEST(messages)
{
    ck_assert_str_eq(SvchostErrorMessage(ERROR_SERVICE_DOES_NOT_EXIST),
                     "The specified service does not exist as an installed service.");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("eventlog");
    TCase *tc = tcase_create("eventlog");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, every_record);
    tcase_add_test(tc, filters);
    tcase_add_test(tc, errors);
    tcase_add_test(tc, messages);
    suite_add_tcase(s, tc);
    return test_run_suite(s);
}
