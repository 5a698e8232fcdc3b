/* svcconsole's API layer (console/api.c) without HTTP and without scmd:
 * the error table, the routes, a body checked field by field before the
 * SCM is asked (so a bad request is 400 even when the SCM is away), 502
 * with 1722 when it is away, and events read from the log. */
#include <svchost/svcctl.h>

#include "api.h"
#include "testutil.h"

static char root[256];
static struct machine machine;
static struct console console = { .machines = &machine, .n_machines = 1 };

static void setup(void)
{
    test_state_dir(root, sizeof root, "console-api", 0700);
    setenv("SVCHOST_ROOT", root, 1);   /* no scmd runs there */
    ck_assert_int_eq(machine_init(&machine, "."), 0);
}

static void teardown(void)
{
    machine_destroy(&machine);
    test_remove_tree(root);
}

/* Query arguments: "key=value" strings, NULL-terminated. */
static const char *arg(void *ctx, const char *key)
{
    for (const char *const *a = ctx; a && *a; a++) {
        size_t n = strlen(key);

        if (strncmp(*a, key, n) == 0 && (*a)[n] == '=')
            return *a + n + 1;
    }
    return NULL;
}

static json_t *body_of;

/* Calls the API; returns the status, the body in body_of. */
static unsigned call(const char *method, const char *path, const char *body, const char **args)
{
    struct api_request rq = { method, path, body, body ? strlen(body) : 0, arg, (void *)args };
    struct api_reply rp;

    json_decref(body_of);
    api_call(&console, &rq, &rp);
    ck_assert_ptr_nonnull(rp.body);
    body_of = rp.body;
    return rp.status;
}

static json_int_t error_code(void)
{
    return json_integer_value(json_object_get(body_of, "error"));
}

static const char *message(void)
{
    const char *m = json_string_value(json_object_get(body_of, "message"));

    ck_assert_ptr_nonnull(m);
    return m;
}

START_TEST(error_table)
{
    ck_assert_uint_eq(api_http_status(NO_ERROR), 200);
    ck_assert_uint_eq(api_http_status(ERROR_ACCESS_DENIED), 403);
    ck_assert_uint_eq(api_http_status(ERROR_SERVICE_DOES_NOT_EXIST), 404);
    ck_assert_uint_eq(api_http_status(ERROR_INVALID_PARAMETER), 400);
    ck_assert_uint_eq(api_http_status(ERROR_SERVICE_ALREADY_RUNNING), 409);
    ck_assert_uint_eq(api_http_status(ERROR_SERVICE_CANNOT_ACCEPT_CTRL), 409);
    ck_assert_uint_eq(api_http_status(ERROR_SERVICE_NOT_ACTIVE), 409);
    ck_assert_uint_eq(api_http_status(RPC_S_SERVER_UNAVAILABLE), 502);
    ck_assert_uint_eq(api_http_status(ERROR_BROKEN_PIPE), 502);
    ck_assert_uint_eq(api_http_status(ERROR_SERVICE_REQUEST_TIMEOUT), 504);
    ck_assert_uint_eq(api_http_status(ERROR_NOT_SUPPORTED), 501);
    ck_assert_uint_eq(api_http_status(31), 500);

    json_t *b = api_error_body(ERROR_SERVICE_DOES_NOT_EXIST, NULL);
    ck_assert_str_eq(json_string_value(json_object_get(b, "message")),
                     "The specified service does not exist as an installed service.");
    json_decref(b);
    b = api_error_body(ERROR_INVALID_PARAMETER, "start_type: bad");
    ck_assert_str_eq(json_string_value(json_object_get(b, "message")), "start_type: bad");
    json_decref(b);
}
END_TEST

START_TEST(scm_away)
{
    ck_assert_uint_eq(call("GET", "services", NULL, NULL), 502);
    ck_assert_int_eq(error_code(), RPC_S_SERVER_UNAVAILABLE);
    ck_assert_str_eq(message(), "The RPC server is unavailable.");
    ck_assert_uint_eq(call("POST", "machines/localhost/services/Echo/start", NULL, NULL), 502);
    ck_assert_int_eq(error_code(), RPC_S_SERVER_UNAVAILABLE);

    ck_assert_uint_eq(call("GET", "machines", NULL, NULL), 200);
    ck_assert_uint_eq(json_array_size(body_of), 1);
    json_t *m = json_array_get(body_of, 0);
    ck_assert_str_eq(json_string_value(json_object_get(m, "name")), "localhost");
    ck_assert(json_is_false(json_object_get(m, "connected")));
    ck_assert_int_eq(json_integer_value(json_object_get(m, "error")), RPC_S_SERVER_UNAVAILABLE);
}
END_TEST

START_TEST(routes)
{
    ck_assert_uint_eq(call("GET", "nothing/here", NULL, NULL), 404);
    ck_assert_int_eq(error_code(), 1168);
    ck_assert_str_eq(message(), "no such resource: /api/nothing/here");
    ck_assert_uint_eq(call("GET", "", NULL, NULL), 404);
    ck_assert_uint_eq(call("GET", "machines/web9/services", NULL, NULL), 404);
    ck_assert_str_eq(message(), "no machine web9 in this console (--machine)");
    ck_assert_uint_eq(call("GET", "machines/localhost/services/Echo/nothing", NULL, NULL), 404);
    ck_assert_uint_eq(call("GET", "machines/localhost/services/Echo/config/more/parts", NULL, NULL),
                      404);

    ck_assert_uint_eq(call("DELETE", "machines/localhost/services/Echo", NULL, NULL), 405);
    ck_assert_int_eq(error_code(), ERROR_INVALID_FUNCTION);
    ck_assert_uint_eq(call("GET", "machines/localhost/services/Echo/start", NULL, NULL), 405);
    ck_assert_uint_eq(call("POST", "machines/localhost/services/Echo/config", NULL, NULL), 405);
    ck_assert_uint_eq(call("PUT", "services", "{}", NULL), 405);
}
END_TEST

/* Each of these is refused with 400 and a message naming what is wrong,
 * although the SCM cannot be reached: the body is checked first. */
START_TEST(bad_bodies)
{
    static const struct {
        const char *method, *what, *body, *says;
    } cases[] = {
        { "PUT", "config", "{\"start_type\": ", "malformed JSON body" },
        { "PUT", "config", "", "needs a JSON object" },
        { "PUT", "config", "[1]", "the body must be a JSON object" },
        { "PUT", "config", "{\"a\": 1, \"a\": 2}", "malformed JSON body" },
        { "PUT", "config", "{\"start_typ\": \"auto\"}", "unknown field \"start_typ\"" },
        { "PUT", "config", "{\"start_type\": \"sometimes\"}",
          "start_type: \"sometimes\" is none of boot, system, auto, demand, disabled" },
        { "PUT", "config", "{\"start_type\": 2}", "start_type: expected a string" },
        { "PUT", "config", "{\"delayed_auto_start\": 1}", "delayed_auto_start: expected true or false" },
        { "PUT", "config", "{\"dependencies\": \"Alpha\"}", "dependencies: expected an array of strings" },
        { "PUT", "config", "{\"dependencies\": [\"\"]}", "dependencies: expected non-empty strings" },
        { "PUT", "config", "{\"binary_path\": \"\"}", "binary_path: must not be empty" },
        { "PUT", "failure", "{\"actions\": {}}", "actions: expected an array" },
        { "PUT", "failure", "{\"actions\": [{\"type\": \"explode\", \"delay\": 0}]}",
          "actions[0].type: \"explode\" is none of none, restart, reboot, run" },
        { "PUT", "failure", "{\"actions\": [{\"type\": \"restart\"}]}", "actions[0]: expected" },
        { "PUT", "failure", "{\"actions\": [{\"type\": \"restart\", \"delay\": -1}]}", "actions[0]: expected" },
        { "PUT", "failure", "{\"reset_period\": \"daily\"}", "reset_period: expected seconds" },
        { "PUT", "failure", "{\"reset_period\": 4294967295}", "reset_period: expected seconds" },
        { "POST", "start", "{\"args\": [1]}", "args[0]: expected a string" },
        { "POST", "start", "{\"argv\": []}", "unknown field \"argv\"" },
        { "POST", "stop", "{", "malformed JSON body" },
    };
    char path[128];

    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        snprintf(path, sizeof path, "machines/localhost/services/Echo/%s", cases[i].what);
        ck_assert_msg(call(cases[i].method, path, cases[i].body, NULL) == 400, "case %zu (%s)", i,
                      cases[i].body);
        ck_assert_int_eq(error_code(), ERROR_INVALID_PARAMETER);
        ck_assert_msg(strstr(message(), cases[i].says) != NULL, "case %zu: %s", i, message());
    }
}
END_TEST

START_TEST(events)
{
    static const char *by_id[] = { "id=7036", "service=echo", NULL };
    static const char *bad_id[] = { "id=running", NULL };
    static const char *bad_limit[] = { "limit=1000000", NULL };
    char *dir = fmt("%s/log", root), *file = fmt("%s/log/events.log", root);

    /* No log yet: no events, not an error. */
    ck_assert_uint_eq(call("GET", "events", NULL, NULL), 200);
    ck_assert_uint_eq(json_array_size(body_of), 0);

    ck_assert_int_eq(mkdir(dir, 0700), 0);
    test_write_text(file,
                    "2026-12-01T21:43:32.000Z 7036 Echo The Echo service entered the running state.\n"
                    "2026-12-01T21:43:33.001Z 2 Echo listening on 127.0.0.1:7007\n"
                    "2026-12-01T21:43:34.250Z 7036 Beat The Beat service entered the running state.\n");
    ck_assert_uint_eq(call("GET", "machines/localhost/events", NULL, by_id), 200);
    ck_assert_uint_eq(json_array_size(body_of), 1);
    json_t *e = json_array_get(body_of, 0);
    ck_assert_str_eq(json_string_value(json_object_get(e, "machine")), "localhost");
    ck_assert_int_eq(json_integer_value(json_object_get(e, "record")), 1);
    ck_assert_int_eq(json_integer_value(json_object_get(e, "id")), 7036);
    ck_assert_str_eq(json_string_value(json_object_get(e, "service")), "Echo");
    ck_assert_int_eq(json_integer_value(json_object_get(e, "time_ms")), 1796161412000LL);

    ck_assert_uint_eq(call("GET", "events", NULL, bad_id), 400);
    ck_assert_str_eq(message(), "id: expected an event ID (a number)");
    ck_assert_uint_eq(call("GET", "events", NULL, bad_limit), 400);
    free(dir);
    free(file);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("console_api");
    TCase *tc = tcase_create("api");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, error_table);
    tcase_add_test(tc, scm_away);
    tcase_add_test(tc, routes);
    tcase_add_test(tc, bad_bodies);
    tcase_add_test(tc, events);
    suite_add_tcase(s, tc);
    return test_run_suite(s);
}
