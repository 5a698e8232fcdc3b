/* api.c - the JSON API's resources and methods (docs/console.md). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "api.h"
#include "hosts.h"
#include "services.h"

/* Windows' "Element not found.", for a path that names no resource. */
#define ERROR_NOT_FOUND 1168L

unsigned api_http_status(DWORD err)
{
    switch (err) {
    case NO_ERROR: return 200;
    case ERROR_ACCESS_DENIED: return 403;
    case ERROR_SERVICE_DOES_NOT_EXIST:
    case ERROR_NOT_FOUND: return 404;
    case ERROR_INVALID_PARAMETER:
    case ERROR_INVALID_NAME:
    case ERROR_INVALID_SERVICE_ACCOUNT:
    case ERROR_CIRCULAR_DEPENDENCY:
    case ERROR_INVALID_LEVEL: return 400;
    case ERROR_INVALID_FUNCTION: return 405;
    case ERROR_DEPENDENT_SERVICES_RUNNING:
    case ERROR_INVALID_SERVICE_CONTROL:
    case ERROR_SERVICE_DATABASE_LOCKED:
    case ERROR_SERVICE_ALREADY_RUNNING:
    case ERROR_SERVICE_DISABLED:
    case ERROR_SERVICE_CANNOT_ACCEPT_CTRL:
    case ERROR_SERVICE_NOT_ACTIVE:
    case ERROR_SERVICE_MARKED_FOR_DELETE:
    case ERROR_SERVICE_EXISTS:
    case ERROR_SHUTDOWN_IN_PROGRESS: return 409;
    case ERROR_NOT_SUPPORTED:
    case ERROR_CALL_NOT_IMPLEMENTED: return 501;
    case RPC_S_SERVER_UNAVAILABLE:
    case ERROR_BROKEN_PIPE:
    case ERROR_INVALID_DATA: return 502;
    case ERROR_SERVICE_REQUEST_TIMEOUT: return 504;
    default: return 500;
    }
}

json_t *api_error_body(DWORD code, const char *text)
{
    return json_pack("{s:I, s:s}", "error", (json_int_t)code, "message",
                     text && *text ? text : SvchostErrorMessage(code));
}

static void reply_fail(struct api_reply *rp, const struct fail *f)
{
    rp->status = api_http_status(f->code);
    rp->body = api_error_body(f->code, f->text);
}

static void reply_error(struct api_reply *rp, DWORD code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void reply_error(struct api_reply *rp, DWORD code, const char *fmt, ...)
{
    char text[300] = "";
    va_list ap;

    if (fmt) {
        va_start(ap, fmt);
        vsnprintf(text, sizeof text, fmt, ap);
        va_end(ap);
    }
    rp->status = api_http_status(code);
    rp->body = api_error_body(code, text);
}

struct machine *api_machine(struct console *c, const char *name)
{
    for (size_t i = 0; i < c->n_machines; i++)
        if (strcasecmp(c->machines[i].name, name) == 0)
            return &c->machines[i];
    return NULL;
}

/* ---- Arguments and bodies ------------------------------------------- */

/* A query argument that is a whole number up to max; *out unchanged when
 * absent.  0, or -EINVAL. */
static int number_arg(const struct api_request *rq, const char *key, unsigned long max,
                      unsigned long *out)
{
    const char *s = rq->arg ? rq->arg(rq->arg_ctx, key) : NULL;
    char *end;

    if (s == NULL || *s == '\0')
        return 0;
    errno = 0;
    *out = strtoul(s, &end, 10);
    if (*end != '\0' || errno != 0 || *out > max || *s == '-')
        return -EINVAL;
    return 0;
}

/* The body as JSON in *out (NULL for an empty body when !required).
 * 0, or -EINVAL with rp filled in. */
static int parse_body(const struct api_request *rq, int required, json_t **out,
                      struct api_reply *rp)
{
    json_error_t e;
    char text[300];

    *out = NULL;
    if (rq->body == NULL || rq->body_len == 0) {
        if (!required)
            return 0;
        reply_error(rp, ERROR_INVALID_PARAMETER, "%s needs a JSON object as its body", rq->path);
        return -EINVAL;
    }
    *out = json_loadb(rq->body, rq->body_len, JSON_REJECT_DUPLICATES, &e);
    if (*out == NULL) {
        snprintf(text, sizeof text, "malformed JSON body: %s (line %d, column %d)", e.text,
                 e.line, e.column);
        rp->status = 400;
        rp->body = api_error_body(ERROR_INVALID_PARAMETER, text);
        return -EINVAL;
    }
    if (!json_is_object(*out)) {
        json_decref(*out);
        *out = NULL;
        reply_error(rp, ERROR_INVALID_PARAMETER, "the body must be a JSON object");
        return -EINVAL;
    }
    return 0;
}

/* ---- Resources of one machine --------------------------------------- */

typedef DWORD (*machine_fn)(struct machine *m, const struct api_request *rq, json_t **out,
                            struct fail *f);

static DWORD get_services(struct machine *m, const struct api_request *rq, json_t **out,
                          struct fail *f)
{
    return services_list(m, 1, out, f);
}

static DWORD get_hosts(struct machine *m, const struct api_request *rq, json_t **out,
                       struct fail *f)
{
    return hosts_list(m, out, f);
}

static DWORD get_events(struct machine *m, const struct api_request *rq, json_t **out,
                        struct fail *f)
{
    unsigned long id = SVCHOST_EVENT_ANY, limit = 500, after = 0;
    SVCHOST_EVENT_FILTER filter;
    const char *svc = rq->arg ? rq->arg(rq->arg_ctx, "service") : NULL;

    if (number_arg(rq, "id", 0xFFFFFFFEUL, &id) != 0)
        return fail_set(f, ERROR_INVALID_PARAMETER, "id: expected an event ID (a number)");
    if (number_arg(rq, "limit", 100000, &limit) != 0)
        return fail_set(f, ERROR_INVALID_PARAMETER, "limit: expected a number up to 100000");
    if (number_arg(rq, "after", 0xFFFFFFFEUL, &after) != 0)
        return fail_set(f, ERROR_INVALID_PARAMETER, "after: expected a record number");
    filter.dwEventId = (DWORD)id;
    filter.lpServiceName = svc && *svc ? svc : NULL;
    filter.dwFirstRecord = (DWORD)after + 1;
    filter.dwMaxRecords = (DWORD)limit;
    return events_list(m, &filter, out, f);
}

/* fn under m's lock, into rp. */
static void on_machine(struct machine *m, machine_fn fn, const struct api_request *rq,
                       struct api_reply *rp)
{
    struct fail f = { 0 };
    json_t *out = NULL;
    DWORD err;

    pthread_mutex_lock(&m->lock);
    err = fn(m, rq, &out, &f);
    pthread_mutex_unlock(&m->lock);
    if (err != NO_ERROR) {
        reply_fail(rp, &f);
        return;
    }
    rp->status = 200;
    rp->body = out;
}

/* fn on every machine, the arrays joined; machines that fail are left out
 * unless all do (then the first one's error).  ?machine=NAME: that one. */
static void on_all(struct console *c, machine_fn fn, const struct api_request *rq,
                   struct api_reply *rp)
{
    const char *only = rq->arg ? rq->arg(rq->arg_ctx, "machine") : NULL;
    struct fail first = { 0 };
    json_t *all = json_array();
    size_t ok = 0;

    if (only && *only) {
        struct machine *m = api_machine(c, only);

        json_decref(all);
        if (m == NULL)
            reply_error(rp, ERROR_NOT_FOUND, "no machine %s in this console (--machine)", only);
        else
            on_machine(m, fn, rq, rp);
        return;
    }
    for (size_t i = 0; i < c->n_machines; i++) {
        struct machine *m = &c->machines[i];
        struct fail f = { 0 };
        json_t *out = NULL;
        DWORD err;

        pthread_mutex_lock(&m->lock);
        err = fn(m, rq, &out, &f);
        pthread_mutex_unlock(&m->lock);
        if (err != NO_ERROR) {
            if (first.code == 0)
                first = f;
            continue;
        }
        json_array_extend(all, out);
        json_decref(out);
        ok++;
    }
    if (ok == 0 && first.code != 0) {
        json_decref(all);
        reply_fail(rp, &first);
        return;
    }
    rp->status = 200;
    rp->body = all;
}

static void get_machines(struct console *c, struct api_reply *rp)
{
    json_t *a = json_array();

    for (size_t i = 0; i < c->n_machines; i++) {
        struct machine *m = &c->machines[i];
        SC_HANDLE scm;
        DWORD err;

        pthread_mutex_lock(&m->lock);
        err = machine_scm(m, &scm);
        pthread_mutex_unlock(&m->lock);
        json_array_append_new(a, json_pack("{s:s, s:b, s:I, s:s}", "name", m->name, "connected",
                                           err == NO_ERROR, "error", (json_int_t)err, "message",
                                           SvchostErrorMessage(err)));
    }
    rp->status = 200;
    rp->body = a;
}

/* ---- One service ---------------------------------------------------- */

/* The status after an action, as the reply to it (with m->lock held). */
static void reply_status(struct console *c, struct machine *m, const char *name,
                         struct api_reply *rp)
{
    struct fail f = { 0 };
    json_t *out;

    if (service_status(m, name, &out, &f) != NO_ERROR) {
        reply_fail(rp, &f);
        return;
    }
    if (c->on_status)
        c->on_status(c->on_status_ctx, m, out);
    rp->status = 200;
    rp->body = out;
}

/* Restart, as the snap-in does it: STOP, wait for STOPPED (the lock is let
 * go meanwhile, so the live view keeps polling), then START.  A service
 * that is not running is just started. */
static void restart(struct console *c, struct machine *m, const char *name,
                    struct api_reply *rp)
{
    struct fail f = { 0 };
    DWORD err;

    pthread_mutex_lock(&m->lock);
    err = service_control(m, name, SERVICE_CONTROL_STOP, &f);
    pthread_mutex_unlock(&m->lock);
    if (err != NO_ERROR && err != ERROR_SERVICE_NOT_ACTIVE) {
        reply_fail(rp, &f);
        return;
    }
    for (int i = 0; i < 600; i++) {
        json_t *st = NULL;
        const char *state;
        int stopped;

        pthread_mutex_lock(&m->lock);
        err = service_status(m, name, &st, &f);
        pthread_mutex_unlock(&m->lock);
        if (err != NO_ERROR) {
            reply_fail(rp, &f);
            return;
        }
        state = json_string_value(json_object_get(st, "state"));
        stopped = state && strcmp(state, "STOPPED") == 0;
        json_decref(st);
        if (stopped)
            break;
        if (i == 599) {
            reply_error(rp, ERROR_SERVICE_REQUEST_TIMEOUT,
                        "%s did not stop within 60 seconds; it was not started again", name);
            return;
        }
        nanosleep(&(struct timespec){ 0, 100000000L }, NULL);
    }
    pthread_mutex_lock(&m->lock);
    err = service_start(m, name, NULL, &f);
    if (err == NO_ERROR)
        reply_status(c, m, name, rp);
    pthread_mutex_unlock(&m->lock);
    if (err != NO_ERROR)
        reply_fail(rp, &f);
}

static void service_call(struct console *c, struct machine *m, const char *name,
                         const char *what, const struct api_request *rq, struct api_reply *rp)
{
    const char *method = rq->method;
    int get = strcmp(method, "GET") == 0, post = strcmp(method, "POST") == 0,
        put = strcmp(method, "PUT") == 0;
    static const struct {
        const char *verb;
        DWORD control;
    } controls[] = {
        { "stop", SERVICE_CONTROL_STOP },
        { "pause", SERVICE_CONTROL_PAUSE },
        { "continue", SERVICE_CONTROL_CONTINUE },
    };
    struct fail f = { 0 };
    json_t *body = NULL, *out = NULL;
    DWORD err = NO_ERROR;
    int known = 1;

    if (what == NULL) {
        if (!get)
            goto bad_method;
        pthread_mutex_lock(&m->lock);
        err = service_get(m, name, &out, &f);
        pthread_mutex_unlock(&m->lock);
        goto done;
    }
    if (strcmp(what, "restart") == 0) {
        if (!post)
            goto bad_method;
        if (parse_body(rq, 0, &body, rp) != 0)
            return;
        json_decref(body);
        restart(c, m, name, rp);
        return;
    }
    for (size_t i = 0; i < sizeof controls / sizeof *controls; i++) {
        if (strcmp(what, controls[i].verb) != 0)
            continue;
        if (!post)
            goto bad_method;
        if (parse_body(rq, 0, &body, rp) != 0)
            return;
        json_decref(body);
        pthread_mutex_lock(&m->lock);
        err = service_control(m, name, controls[i].control, &f);
        if (err == NO_ERROR)
            reply_status(c, m, name, rp);
        pthread_mutex_unlock(&m->lock);
        if (err != NO_ERROR)
            reply_fail(rp, &f);
        return;
    }
    if (strcmp(what, "start") == 0) {
        if (!post)
            goto bad_method;
        if (parse_body(rq, 0, &body, rp) != 0)
            return;
        pthread_mutex_lock(&m->lock);
        err = service_start(m, name, body, &f);
        if (err == NO_ERROR)
            reply_status(c, m, name, rp);
        pthread_mutex_unlock(&m->lock);
        json_decref(body);
        if (err != NO_ERROR)
            reply_fail(rp, &f);
        return;
    }

    if ((put && (strcmp(what, "config") == 0 || strcmp(what, "failure") == 0)) &&
        parse_body(rq, 1, &body, rp) != 0)
        return;
    pthread_mutex_lock(&m->lock);
    if (strcmp(what, "status") == 0 && get)
        err = service_status(m, name, &out, &f);
    else if (strcmp(what, "config") == 0 && get)
        err = service_config(m, name, &out, &f);
    else if (strcmp(what, "config") == 0 && put)
        err = service_config_change(m, name, body, &out, &f);
    else if (strcmp(what, "failure") == 0 && get)
        err = service_failure(m, name, &out, &f);
    else if (strcmp(what, "failure") == 0 && put)
        err = service_failure_change(m, name, body, &out, &f);
    else if (strcmp(what, "dependencies") == 0 && get)
        err = service_dependencies(m, name, &out, &f);
    else
        known = strcmp(what, "status") == 0 || strcmp(what, "config") == 0 ||
                strcmp(what, "failure") == 0 || strcmp(what, "dependencies") == 0 ? -1 : 0;
    pthread_mutex_unlock(&m->lock);
    json_decref(body);
    if (known == 0) {
        reply_error(rp, ERROR_NOT_FOUND, "no such resource of a service: %s", what);
        return;
    }
    if (known < 0)
        goto bad_method;
done:
    if (err != NO_ERROR) {
        reply_fail(rp, &f);
        return;
    }
    rp->status = 200;
    rp->body = out;
    return;
bad_method:
    reply_error(rp, ERROR_INVALID_FUNCTION, "%s is not a method of this resource", method);
}

/* ---- Routing -------------------------------------------------------- */

/* Splits path at '/' into at most max segments (path is modified). */
static size_t split(char *path, char **seg, size_t max)
{
    size_t n = 0;
    char *save = NULL;

    for (char *s = strtok_r(path, "/", &save); s; s = strtok_r(NULL, "/", &save)) {
        if (n == max)
            return max + 1;
        seg[n++] = s;
    }
    return n;
}

void api_call(struct console *c, const struct api_request *rq, struct api_reply *rp)
{
    char *path = strdup(rq->path), *seg[6];
    int get = strcmp(rq->method, "GET") == 0;
    struct machine *m;
    size_t n;

    rp->status = 500;
    rp->body = NULL;
    if (path == NULL) {
        reply_error(rp, ERROR_NOT_ENOUGH_MEMORY, NULL);
        return;
    }
    n = split(path, seg, 5);
    if (n == 1 && strcmp(seg[0], "machines") == 0 && get) {
        get_machines(c, rp);
    } else if (n == 1 && strcmp(seg[0], "services") == 0 && get) {
        on_all(c, get_services, rq, rp);
    } else if (n == 1 && strcmp(seg[0], "hosts") == 0 && get) {
        on_all(c, get_hosts, rq, rp);
    } else if (n == 1 && strcmp(seg[0], "events") == 0 && get) {
        on_all(c, get_events, rq, rp);
    } else if (n >= 3 && n <= 5 && strcmp(seg[0], "machines") == 0) {
        m = api_machine(c, seg[1]);
        if (m == NULL)
            reply_error(rp, ERROR_NOT_FOUND, "no machine %s in this console (--machine)", seg[1]);
        else if (n == 3 && !get && (strcmp(seg[2], "services") == 0 ||
                                    strcmp(seg[2], "hosts") == 0 || strcmp(seg[2], "events") == 0))
            reply_error(rp, ERROR_INVALID_FUNCTION, "%s is not a method of this resource",
                        rq->method);
        else if (n == 3 && strcmp(seg[2], "services") == 0)
            on_machine(m, get_services, rq, rp);
        else if (n == 3 && strcmp(seg[2], "hosts") == 0)
            on_machine(m, get_hosts, rq, rp);
        else if (n == 3 && strcmp(seg[2], "events") == 0)
            on_machine(m, get_events, rq, rp);
        else if (n >= 4 && strcmp(seg[2], "services") == 0)
            service_call(c, m, seg[3], n == 5 ? seg[4] : NULL, rq, rp);
        else
            reply_error(rp, ERROR_NOT_FOUND, "no such resource: /api/%s", rq->path);
    } else if (n == 1 && (strcmp(seg[0], "machines") == 0 || strcmp(seg[0], "services") == 0 ||
                          strcmp(seg[0], "hosts") == 0 || strcmp(seg[0], "events") == 0)) {
        reply_error(rp, ERROR_INVALID_FUNCTION, "%s is not a method of this resource",
                    rq->method);
    } else {
        reply_error(rp, ERROR_NOT_FOUND, "no such resource: /api/%s", rq->path);
    }
    free(path);
    if (rp->body == NULL) {
        rp->status = 500;
        rp->body = api_error_body(ERROR_NOT_ENOUGH_MEMORY, NULL);
    }
}
