/* services.c - services as JSON, through the Win32 client API. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "services.h"

DWORD fail_set(struct fail *f, DWORD code, const char *fmt, ...)
{
    va_list ap;

    f->code = code;
    f->text[0] = '\0';
    if (fmt) {
        va_start(ap, fmt);
        vsnprintf(f->text, sizeof f->text, fmt, ap);
        va_end(ap);
    }
    return code;
}

/* ---- Names of values ------------------------------------------------ */

static const char *const state_names[] = {
    "UNKNOWN", "STOPPED", "START_PENDING", "STOP_PENDING", "RUNNING",
    "CONTINUE_PENDING", "PAUSE_PENDING", "PAUSED",
};
_Static_assert(sizeof state_names / sizeof *state_names == SERVICE_PAUSED + 1,
               "a name for every state");

const char *state_name(DWORD state)
{
    return state <= SERVICE_PAUSED ? state_names[state] : "UNKNOWN";
}

/* sc's words for the start types, error controls and failure actions. */
static const char *const start_names[] = { "boot", "system", "auto", "demand", "disabled" };
_Static_assert(sizeof start_names / sizeof *start_names == SERVICE_DISABLED + 1,
               "a name for every start type");
static const char *const error_names[] = { "ignore", "normal", "severe", "critical" };
_Static_assert(sizeof error_names / sizeof *error_names == SERVICE_ERROR_CRITICAL + 1,
               "a name for every error control");
static const char *const action_names[] = { "none", "restart", "reboot", "run" };
_Static_assert(sizeof action_names / sizeof *action_names == SC_ACTION_RUN_COMMAND + 1,
               "a name for every failure action");

#define COUNT(a) (sizeof (a) / sizeof *(a))

static const char *word(const char *const *names, size_t n, DWORD v)
{
    return v < n ? names[v] : "unknown";
}

/* The index of s in names, or -1. */
static int lookup(const char *const *names, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(names[i], s) == 0)
            return (int)i;
    return -1;
}

static const char *type_name(DWORD type)
{
    switch (type & ~SERVICE_INTERACTIVE_PROCESS) {
    case SERVICE_WIN32_SHARE_PROCESS: return "share";
    case SERVICE_WIN32_OWN_PROCESS: return "own";
    case SERVICE_KERNEL_DRIVER: return "kernel";
    case SERVICE_FILE_SYSTEM_DRIVER: return "filesys";
    default: return "other";
    }
}

/* ---- Buffers of the size the API asks for --------------------------- */

/* QueryServiceConfigA's answer in a new buffer, or NULL with *err. */
/* A QueryServiceConfigA (config2 0) or QueryServiceConfig2A at level
 * into a buffer grown to what it needs: the buffer (free it), or NULL
 * with *err. */
static void *query_grown(SC_HANDLE s, int config2, DWORD level, DWORD *err)
{
    DWORD need = 0;
    void *buf = NULL;

    for (int tries = 0; tries < 4; tries++) {
        if (config2 ? QueryServiceConfig2A(s, level, buf, need, &need)
                    : QueryServiceConfigA(s, buf, need, &need))
            return buf;
        *err = GetLastError();
        free(buf);
        buf = NULL;
        if (*err != ERROR_INSUFFICIENT_BUFFER)
            return NULL;
        buf = malloc(need ? need : 1);
        if (buf == NULL) {
            *err = ERROR_NOT_ENOUGH_MEMORY;
            return NULL;
        }
    }
    free(buf);
    return NULL;
}

static QUERY_SERVICE_CONFIGA *query_config(SC_HANDLE s, DWORD *err)
{
    return query_grown(s, 0, 0, err);
}

static void *query_config2(SC_HANDLE s, DWORD level, DWORD *err)
{
    return query_grown(s, 1, level, err);
}

/* ---- Opening -------------------------------------------------------- */

static DWORD open_service(struct machine *m, const char *name, DWORD access, SC_HANDLE *out,
                          struct fail *f)
{
    SC_HANDLE scm;
    DWORD err = machine_scm(m, &scm);

    if (err != NO_ERROR)
        return fail_set(f, err, NULL);
    *out = OpenServiceA(scm, name, access);
    if (*out == NULL)
        return fail_set(f, machine_failed(m, GetLastError()), NULL);
    return NO_ERROR;
}

/* A failed call on a service handle: closes it and fills f. */
static DWORD failed(struct machine *m, SC_HANDLE s, DWORD err, struct fail *f)
{
    if (s)
        CloseServiceHandle(s);
    return fail_set(f, machine_failed(m, err), NULL);
}

/* ---- Status --------------------------------------------------------- */

/* st as read by the status read numbered seq (machine.h). */
static void put_status(json_t *o, const SERVICE_STATUS_PROCESS *st, uint64_t seq)
{
    DWORD acc = st->dwControlsAccepted;

    json_object_set_new(o, "state", json_string(state_name(st->dwCurrentState)));
    json_object_set_new(o, "state_code", json_integer(st->dwCurrentState));
    json_object_set_new(o, "pid", json_integer(st->dwProcessId));
    json_object_set_new(o, "win32_exit_code", json_integer(st->dwWin32ExitCode));
    json_object_set_new(o, "service_exit_code", json_integer(st->dwServiceSpecificExitCode));
    json_object_set_new(o, "checkpoint", json_integer(st->dwCheckPoint));
    json_object_set_new(o, "wait_hint", json_integer(st->dwWaitHint));
    json_object_set_new(o, "accepts_stop", json_boolean(acc & SERVICE_ACCEPT_STOP));
    json_object_set_new(o, "accepts_pause", json_boolean(acc & SERVICE_ACCEPT_PAUSE_CONTINUE));
    json_object_set_new(o, "seq", json_integer((json_int_t)seq));
}

static DWORD status_of(struct machine *m, SC_HANDLE s, json_t *o, struct fail *f)
{
    SERVICE_STATUS_PROCESS st;
    DWORD need;

    if (!QueryServiceStatusEx(s, SC_STATUS_PROCESS_INFO, (LPBYTE)&st, sizeof st, &need))
        return fail_set(f, machine_failed(m, GetLastError()), NULL);
    put_status(o, &st, ++m->reads);
    return NO_ERROR;
}

/* ---- Configuration -------------------------------------------------- */

/* The svchost group of an ImagePath "svchost -k GROUP [...]", or NULL. */
static json_t *host_group(const char *path)
{
    const char *k = strstr(path, " -k ");
    size_t n;

    if (k == NULL || strstr(path, "svchost") == NULL)
        return json_null();
    k += 4;
    while (*k == ' ')
        k++;
    n = strcspn(k, " ");
    return n ? json_stringn(k, n) : json_null();
}

static json_t *multisz(const char *s)
{
    json_t *a = json_array();

    for (; s && *s; s += strlen(s) + 1)
        json_array_append_new(a, json_string(s));
    return a;
}

/* Adds the configuration of s to o.  NO_ERROR, or the first error. */
static DWORD config_of(struct machine *m, SC_HANDLE s, json_t *o, struct fail *f)
{
    QUERY_SERVICE_CONFIGA *c;
    SERVICE_DESCRIPTIONA *d;
    SERVICE_DELAYED_AUTO_START_INFO *delayed;
    DWORD err = NO_ERROR;

    c = query_config(s, &err);
    if (c == NULL)
        return fail_set(f, machine_failed(m, err), NULL);
    json_object_set_new(o, "display_name", json_string(c->lpDisplayName ? c->lpDisplayName : ""));
    json_object_set_new(o, "type", json_string(type_name(c->dwServiceType)));
    json_object_set_new(o, "start_type",
                        json_string(word(start_names, COUNT(start_names), c->dwStartType)));
    json_object_set_new(o, "error_control",
                        json_string(word(error_names, COUNT(error_names), c->dwErrorControl)));
    json_object_set_new(o, "binary_path",
                        json_string(c->lpBinaryPathName ? c->lpBinaryPathName : ""));
    json_object_set_new(o, "group", host_group(c->lpBinaryPathName ? c->lpBinaryPathName : ""));
    json_object_set_new(o, "load_order_group",
                        json_string(c->lpLoadOrderGroup ? c->lpLoadOrderGroup : ""));
    json_object_set_new(o, "dependencies", multisz(c->lpDependencies));
    json_object_set_new(o, "account",
                        json_string(c->lpServiceStartName ? c->lpServiceStartName : ""));
    free(c);

    d = query_config2(s, SERVICE_CONFIG_DESCRIPTION, &err);
    if (d == NULL)
        return fail_set(f, machine_failed(m, err), NULL);
    json_object_set_new(o, "description", json_string(d->lpDescription ? d->lpDescription : ""));
    free(d);
    delayed = query_config2(s, SERVICE_CONFIG_DELAYED_AUTO_START_INFO, &err);
    if (delayed == NULL)
        return fail_set(f, machine_failed(m, err), NULL);
    json_object_set_new(o, "delayed_auto_start", json_boolean(delayed->fDelayedAutostart));
    free(delayed);
    return NO_ERROR;
}

/* ---- The list ------------------------------------------------------- */

DWORD services_list(struct machine *m, int config, json_t **out, struct fail *f)
{
    ENUM_SERVICE_STATUS_PROCESSA *e = NULL;
    DWORD need = 0, n = 0, resume = 0, err;
    SC_HANDLE scm;
    uint64_t seq;
    json_t *a;

    err = machine_scm(m, &scm);
    if (err != NO_ERROR)
        return fail_set(f, err, NULL);
    for (int tries = 0;; tries++) {
        resume = 0;
        if (EnumServicesStatusExA(scm, SC_ENUM_PROCESS_INFO, SERVICE_WIN32, SERVICE_STATE_ALL,
                                  (LPBYTE)e, need, &need, &n, &resume, NULL))
            break;
        err = GetLastError();
        free(e);
        e = NULL;
        if (err != ERROR_MORE_DATA || tries == 4)
            return fail_set(f, machine_failed(m, err), NULL);
        e = malloc(need ? need : 1);
        if (e == NULL)
            return fail_set(f, ERROR_NOT_ENOUGH_MEMORY, NULL);
    }
    seq = ++m->reads;
    a = json_array();
    for (DWORD i = 0; i < n; i++) {
        json_t *o = json_object();
        SC_HANDLE s;
        struct fail ignored;

        json_object_set_new(o, "machine", json_string(m->name));
        json_object_set_new(o, "name", json_string(e[i].lpServiceName));
        json_object_set_new(o, "display_name", json_string(e[i].lpDisplayName));
        put_status(o, &e[i].ServiceStatusProcess, seq);
        if (config) {
            s = OpenServiceA(scm, e[i].lpServiceName, SERVICE_QUERY_CONFIG);
            err = s ? config_of(m, s, o, &ignored) : machine_failed(m, GetLastError());
            if (s)
                CloseServiceHandle(s);
            if (err != NO_ERROR)
                json_object_set_new(o, "config_error", json_integer(err));
            if (m->scm == NULL) {
                /* The SCM went away in the middle: the list is not whole. */
                json_decref(o);
                json_decref(a);
                free(e);
                return fail_set(f, err, NULL);
            }
        }
        json_array_append_new(a, o);
    }
    free(e);
    *out = a;
    return NO_ERROR;
}

/* ---- One service ---------------------------------------------------- */

static json_t *new_service(struct machine *m, const char *name)
{
    json_t *o = json_object();

    json_object_set_new(o, "machine", json_string(m->name));
    json_object_set_new(o, "name", json_string(name));
    return o;
}

/* One service's resource: the service opened with access, then one of the
 * *_of readers below filling a new object (the machine and the name
 * first). */
typedef DWORD reader_fn(struct machine *m, SC_HANDLE s, json_t *o, struct fail *f);

static DWORD read_service(struct machine *m, const char *name, DWORD access, reader_fn *of,
                          json_t **out, struct fail *f)
{
    SC_HANDLE s;
    json_t *o;
    DWORD err = open_service(m, name, access, &s, f);

    if (err != NO_ERROR)
        return err;
    o = new_service(m, name);
    err = of(m, s, o, f);
    CloseServiceHandle(s);
    if (err != NO_ERROR) {
        json_decref(o);
        return err;
    }
    *out = o;
    return NO_ERROR;
}

DWORD service_status(struct machine *m, const char *name, json_t **out, struct fail *f)
{
    return read_service(m, name, SERVICE_QUERY_STATUS, status_of, out, f);
}

DWORD service_config(struct machine *m, const char *name, json_t **out, struct fail *f)
{
    return read_service(m, name, SERVICE_QUERY_CONFIG, config_of, out, f);
}

static DWORD failure_of(struct machine *m, SC_HANDLE s, json_t *o, struct fail *f)
{
    SERVICE_FAILURE_ACTIONSA *fa;
    SERVICE_FAILURE_ACTIONS_FLAG *flag;
    DWORD err = NO_ERROR;
    json_t *a;

    fa = query_config2(s, SERVICE_CONFIG_FAILURE_ACTIONS, &err);
    if (fa == NULL)
        return fail_set(f, machine_failed(m, err), NULL);
    json_object_set_new(o, "reset_period",
                        fa->dwResetPeriod == 0xFFFFFFFF ? json_null()
                                                        : json_integer(fa->dwResetPeriod));
    json_object_set_new(o, "reboot_message", json_string(fa->lpRebootMsg ? fa->lpRebootMsg : ""));
    json_object_set_new(o, "command", json_string(fa->lpCommand ? fa->lpCommand : ""));
    a = json_array();
    for (DWORD i = 0; i < fa->cActions; i++)
        json_array_append_new(a, json_pack("{s:s, s:I}", "type",
                                           word(action_names, COUNT(action_names),
                                                fa->lpsaActions[i].Type),
                                           "delay", (json_int_t)fa->lpsaActions[i].Delay));
    json_object_set_new(o, "actions", a);
    free(fa);
    flag = query_config2(s, SERVICE_CONFIG_FAILURE_ACTIONS_FLAG, &err);
    if (flag == NULL)
        return fail_set(f, machine_failed(m, err), NULL);
    json_object_set_new(o, "non_crash_failures",
                        json_boolean(flag->fFailureActionsOnNonCrashFailures));
    free(flag);
    return NO_ERROR;
}

DWORD service_failure(struct machine *m, const char *name, json_t **out, struct fail *f)
{
    return read_service(m, name, SERVICE_QUERY_CONFIG, failure_of, out, f);
}

/* What name depends on, each with its state when it is a service; and
 * what depends on it (EnumDependentServices: the direct and indirect
 * dependents, as Windows lists them). */
static DWORD dependencies_of(struct machine *m, SC_HANDLE s, json_t *o, struct fail *f)
{
    QUERY_SERVICE_CONFIGA *c;
    ENUM_SERVICE_STATUSA *e = NULL;
    DWORD err = NO_ERROR, need = 0, n = 0;
    SC_HANDLE scm = m->scm;
    json_t *on = json_array(), *by = json_array();

    json_object_set_new(o, "depends_on", on);
    json_object_set_new(o, "dependents", by);
    c = query_config(s, &err);
    if (c == NULL)
        return fail_set(f, machine_failed(m, err), NULL);
    for (const char *d = c->lpDependencies; d && *d; d += strlen(d) + 1) {
        json_t *x = json_object();

        if (*d == SC_GROUP_IDENTIFIER) {
            json_object_set_new(x, "name", json_string(d + 1));
            json_object_set_new(x, "kind", json_string("group"));
        } else {
            SC_HANDLE ds = OpenServiceA(scm, d, SERVICE_QUERY_STATUS | SERVICE_QUERY_CONFIG);
            json_object_set_new(x, "name", json_string(d));
            json_object_set_new(x, "kind", json_string("service"));
            if (ds) {
                SERVICE_STATUS_PROCESS st;
                QUERY_SERVICE_CONFIGA *dc = query_config(ds, &err);
                DWORD got;

                if (QueryServiceStatusEx(ds, SC_STATUS_PROCESS_INFO, (LPBYTE)&st, sizeof st, &got))
                    json_object_set_new(x, "state", json_string(state_name(st.dwCurrentState)));
                if (dc)
                    json_object_set_new(x, "display_name",
                                        json_string(dc->lpDisplayName ? dc->lpDisplayName : ""));
                free(dc);
                CloseServiceHandle(ds);
            } else {
                json_object_set_new(x, "error", json_integer(GetLastError()));
            }
        }
        json_array_append_new(on, x);
    }
    free(c);

    for (int tries = 0;; tries++) {
        if (EnumDependentServicesA(s, SERVICE_STATE_ALL, e, need, &need, &n))
            break;
        err = GetLastError();
        free(e);
        e = NULL;
        if (err != ERROR_MORE_DATA || tries == 4)
            return fail_set(f, machine_failed(m, err), NULL);
        e = malloc(need ? need : 1);
        if (e == NULL)
            return fail_set(f, ERROR_NOT_ENOUGH_MEMORY, NULL);
    }
    for (DWORD i = 0; i < n; i++)
        json_array_append_new(by, json_pack("{s:s, s:s, s:s}", "name", e[i].lpServiceName,
                                            "display_name", e[i].lpDisplayName, "state",
                                            state_name(e[i].ServiceStatus.dwCurrentState)));
    free(e);
    return NO_ERROR;
}

DWORD service_dependencies(struct machine *m, const char *name, json_t **out, struct fail *f)
{
    return read_service(m, name, SERVICE_QUERY_CONFIG | SERVICE_ENUMERATE_DEPENDENTS, dependencies_of, out, f);
}

DWORD service_get(struct machine *m, const char *name, json_t **out, struct fail *f)
{
    SC_HANDLE s;
    json_t *o, *fa;
    DWORD err = open_service(m, name,
                             SERVICE_QUERY_STATUS | SERVICE_QUERY_CONFIG |
                                 SERVICE_ENUMERATE_DEPENDENTS,
                             &s, f);

    if (err != NO_ERROR)
        return err;
    o = new_service(m, name);
    fa = json_object();
    json_object_set_new(o, "failure", fa);
    err = status_of(m, s, o, f);
    if (err == NO_ERROR)
        err = config_of(m, s, o, f);
    if (err == NO_ERROR)
        err = failure_of(m, s, fa, f);
    if (err == NO_ERROR)
        err = dependencies_of(m, s, o, f);
    CloseServiceHandle(s);
    if (err != NO_ERROR) {
        json_decref(o);
        return err;
    }
    *out = o;
    return NO_ERROR;
}

/* ---- Changes -------------------------------------------------------- */

/* A string member of body: *out NULL when absent.  Else 87 with f. */
static DWORD get_string(json_t *body, const char *key, const char **out, struct fail *f)
{
    json_t *v = json_object_get(body, key);

    *out = NULL;
    if (v == NULL)
        return NO_ERROR;
    if (!json_is_string(v))
        return fail_set(f, ERROR_INVALID_PARAMETER, "%s: expected a string", key);
    *out = json_string_value(v);
    return NO_ERROR;
}

/* A member that names one of names: *out -1 when absent. */
static DWORD get_word(json_t *body, const char *key, const char *const *names, size_t n,
                      int *out, struct fail *f)
{
    const char *s;
    DWORD err = get_string(body, key, &s, f);
    char list[128] = "";

    *out = -1;
    if (err != NO_ERROR || s == NULL)
        return err;
    *out = lookup(names, n, s);
    if (*out >= 0)
        return NO_ERROR;
    for (size_t i = 0; i < n; i++)
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "", names[i]);
    return fail_set(f, ERROR_INVALID_PARAMETER, "%s: \"%s\" is none of %s", key, s, list);
}

static DWORD get_bool(json_t *body, const char *key, int *out, struct fail *f)
{
    json_t *v = json_object_get(body, key);

    *out = -1;
    if (v == NULL)
        return NO_ERROR;
    if (!json_is_boolean(v))
        return fail_set(f, ERROR_INVALID_PARAMETER, "%s: expected true or false", key);
    *out = json_is_true(v);
    return NO_ERROR;
}

/* Only these members; anything else is 87, so that a misspelt field is
 * never silently ignored. */
static DWORD only_keys(json_t *body, const char *const *keys, size_t n, struct fail *f)
{
    const char *k;
    json_t *v;

    if (!json_is_object(body))
        return fail_set(f, ERROR_INVALID_PARAMETER, "the body must be a JSON object");
    json_object_foreach(body, k, v) {
        size_t i;

        for (i = 0; i < n && strcmp(keys[i], k) != 0; i++)
            ;
        if (i == n)
            return fail_set(f, ERROR_INVALID_PARAMETER, "unknown field \"%s\"", k);
    }
    return NO_ERROR;
}

static const char *const config_keys[] = {
    "start_type", "delayed_auto_start", "error_control", "binary_path", "load_order_group",
    "dependencies", "account", "password", "display_name", "description",
};

/* "A\0B\0\0" from a JSON array of strings, in a new buffer; 87 for anything else. */
static DWORD to_multisz(json_t *a, const char *key, char **out, struct fail *f)
{
    size_t len = 1, i;
    json_t *v;
    char *p;

    *out = NULL;
    if (a == NULL)
        return NO_ERROR;
    if (!json_is_array(a))
        return fail_set(f, ERROR_INVALID_PARAMETER, "%s: expected an array of strings", key);
    json_array_foreach(a, i, v) {
        if (!json_is_string(v) || json_string_length(v) == 0)
            return fail_set(f, ERROR_INVALID_PARAMETER, "%s: expected non-empty strings", key);
        len += json_string_length(v) + 1;
    }
    *out = p = malloc(len + 1);
    if (p == NULL)
        return fail_set(f, ERROR_NOT_ENOUGH_MEMORY, NULL);
    json_array_foreach(a, i, v) {
        memcpy(p, json_string_value(v), json_string_length(v) + 1);
        p += json_string_length(v) + 1;
    }
    p[0] = '\0';
    p[1] = '\0';
    return NO_ERROR;
}

DWORD service_config_change(struct machine *m, const char *name, json_t *body, json_t **out,
                            struct fail *f)
{
    const char *path, *log_group, *account, *password, *display, *description;
    int start, error_control, delayed;
    char *deps = NULL;
    SC_HANDLE s;
    DWORD err;

    if ((err = only_keys(body, config_keys, COUNT(config_keys), f)) ||
        (err = get_word(body, "start_type", start_names, COUNT(start_names), &start, f)) ||
        (err = get_word(body, "error_control", error_names, COUNT(error_names), &error_control,
                        f)) ||
        (err = get_bool(body, "delayed_auto_start", &delayed, f)) ||
        (err = get_string(body, "binary_path", &path, f)) ||
        (err = get_string(body, "load_order_group", &log_group, f)) ||
        (err = get_string(body, "account", &account, f)) ||
        (err = get_string(body, "password", &password, f)) ||
        (err = get_string(body, "display_name", &display, f)) ||
        (err = get_string(body, "description", &description, f)) ||
        (err = to_multisz(json_object_get(body, "dependencies"), "dependencies", &deps, f)))
        return err;
    if (path && *path == '\0') {
        free(deps);
        return fail_set(f, ERROR_INVALID_PARAMETER, "binary_path: must not be empty");
    }
    err = open_service(m, name, SERVICE_CHANGE_CONFIG | SERVICE_QUERY_CONFIG, &s, f);
    if (err != NO_ERROR) {
        free(deps);
        return err;
    }
    /* The calls sc config makes: ChangeServiceConfig for the classic
     * fields, ChangeServiceConfig2 for the description and the delay. */
    if ((start >= 0 || error_control >= 0 || path || log_group || deps || account || password ||
         display) &&
        !ChangeServiceConfigA(s, SERVICE_NO_CHANGE, start >= 0 ? (DWORD)start : SERVICE_NO_CHANGE,
                              error_control >= 0 ? (DWORD)error_control : SERVICE_NO_CHANGE, path,
                              log_group, NULL, deps, account, password, display)) {
        free(deps);
        return failed(m, s, GetLastError(), f);
    }
    free(deps);
    if (description) {
        SERVICE_DESCRIPTIONA d = { (LPSTR)description };

        if (!ChangeServiceConfig2A(s, SERVICE_CONFIG_DESCRIPTION, &d))
            return failed(m, s, GetLastError(), f);
    }
    if (delayed >= 0) {
        SERVICE_DELAYED_AUTO_START_INFO d = { delayed };

        if (!ChangeServiceConfig2A(s, SERVICE_CONFIG_DELAYED_AUTO_START_INFO, &d))
            return failed(m, s, GetLastError(), f);
    }
    *out = new_service(m, name);
    err = config_of(m, s, *out, f);
    CloseServiceHandle(s);
    if (err != NO_ERROR) {
        json_decref(*out);
        *out = NULL;
    }
    return err;
}

static const char *const failure_keys[] = {
    "reset_period", "reboot_message", "command", "actions", "non_crash_failures",
};

/* The actions of body, in a new array (*n of them); *out NULL when absent. */
static DWORD get_actions(json_t *a, SC_ACTION **out, DWORD *n, int *restart, struct fail *f)
{
    size_t i;
    json_t *v;

    *out = NULL;
    *n = 0;
    if (a == NULL)
        return NO_ERROR;
    if (!json_is_array(a))
        return fail_set(f, ERROR_INVALID_PARAMETER, "actions: expected an array");
    /* One more than needed, so that no actions is a valid, non-NULL array
     * (Windows: lpsaActions NULL leaves the actions as they are). */
    *out = calloc(json_array_size(a) + 1, sizeof **out);
    if (*out == NULL)
        return fail_set(f, ERROR_NOT_ENOUGH_MEMORY, NULL);
    json_array_foreach(a, i, v) {
        json_t *t = json_object_get(v, "type"), *d = json_object_get(v, "delay");
        int type;

        if (!json_is_object(v) || json_object_size(v) != 2 || !json_is_string(t) ||
            !json_is_integer(d) || json_integer_value(d) < 0 ||
            json_integer_value(d) > 0xFFFFFFFFLL) {
            free(*out);
            *out = NULL;
            return fail_set(f, ERROR_INVALID_PARAMETER,
                            "actions[%zu]: expected {\"type\": WORD, \"delay\": MILLISECONDS}", i);
        }
        type = lookup(action_names, COUNT(action_names), json_string_value(t));
        if (type < 0) {
            free(*out);
            *out = NULL;
            return fail_set(f, ERROR_INVALID_PARAMETER,
                            "actions[%zu].type: \"%s\" is none of none, restart, reboot, run", i,
                            json_string_value(t));
        }
        if (type == SC_ACTION_RESTART)
            *restart = 1;
        (*out)[i].Type = (SC_ACTION_TYPE)type;
        (*out)[i].Delay = (DWORD)json_integer_value(d);
    }
    *n = (DWORD)json_array_size(a);
    return NO_ERROR;
}

DWORD service_failure_change(struct machine *m, const char *name, json_t *body, json_t **out,
                             struct fail *f)
{
    SERVICE_FAILURE_ACTIONSA fa = { 0 };
    const char *reboot, *command;
    json_t *reset;
    SC_ACTION *actions = NULL;
    int flag, restart = 0;
    DWORD err, n;
    SC_HANDLE s;

    if ((err = only_keys(body, failure_keys, COUNT(failure_keys), f)) ||
        (err = get_string(body, "reboot_message", &reboot, f)) ||
        (err = get_string(body, "command", &command, f)) ||
        (err = get_bool(body, "non_crash_failures", &flag, f)) ||
        (err = get_actions(json_object_get(body, "actions"), &actions, &n, &restart, f)))
        return err;
    reset = json_object_get(body, "reset_period");
    if (reset != NULL && !json_is_null(reset) &&
        (!json_is_integer(reset) || json_integer_value(reset) < 0 ||
         json_integer_value(reset) >= 0xFFFFFFFFLL)) {
        free(actions);
        return fail_set(f, ERROR_INVALID_PARAMETER,
                        "reset_period: expected seconds, or null for never");
    }
    /* A restart action needs SERVICE_START as well (Windows' rule). */
    err = open_service(m, name,
                       SERVICE_CHANGE_CONFIG | SERVICE_QUERY_CONFIG | (restart ? SERVICE_START : 0),
                       &s, f);
    if (err != NO_ERROR) {
        free(actions);
        return err;
    }
    if (reset || reboot || command || actions) {
        if (reset == NULL) {
            /* dwResetPeriod is always taken: keep the current one. */
            SERVICE_FAILURE_ACTIONSA *cur = query_config2(s, SERVICE_CONFIG_FAILURE_ACTIONS, &err);

            if (cur == NULL) {
                free(actions);
                return failed(m, s, err, f);
            }
            fa.dwResetPeriod = cur->dwResetPeriod;
            free(cur);
        } else {
            fa.dwResetPeriod = json_is_null(reset) ? 0xFFFFFFFF : (DWORD)json_integer_value(reset);
        }
        fa.lpRebootMsg = (LPSTR)reboot;
        fa.lpCommand = (LPSTR)command;
        fa.cActions = n;
        fa.lpsaActions = actions;
        if (!ChangeServiceConfig2A(s, SERVICE_CONFIG_FAILURE_ACTIONS, &fa)) {
            free(actions);
            return failed(m, s, GetLastError(), f);
        }
    }
    free(actions);
    if (flag >= 0) {
        SERVICE_FAILURE_ACTIONS_FLAG fl = { flag };

        if (!ChangeServiceConfig2A(s, SERVICE_CONFIG_FAILURE_ACTIONS_FLAG, &fl))
            return failed(m, s, GetLastError(), f);
    }
    *out = new_service(m, name);
    err = failure_of(m, s, *out, f);
    CloseServiceHandle(s);
    if (err != NO_ERROR) {
        json_decref(*out);
        *out = NULL;
    }
    return err;
}

DWORD service_start(struct machine *m, const char *name, json_t *body, struct fail *f)
{
    static const char *const keys[] = { "args" };
    json_t *args = NULL, *v;
    LPCSTR *argv = NULL;
    DWORD err, argc = 0;
    SC_HANDLE s;
    size_t i;

    if (body) {
        if ((err = only_keys(body, keys, COUNT(keys), f)))
            return err;
        args = json_object_get(body, "args");
        if (args && !json_is_array(args))
            return fail_set(f, ERROR_INVALID_PARAMETER, "args: expected an array of strings");
        json_array_foreach(args, i, v)
            if (!json_is_string(v))
                return fail_set(f, ERROR_INVALID_PARAMETER, "args[%zu]: expected a string", i);
        argc = (DWORD)json_array_size(args);
        if (argc && (argv = calloc(argc, sizeof *argv)) == NULL)
            return fail_set(f, ERROR_NOT_ENOUGH_MEMORY, NULL);
        json_array_foreach(args, i, v)
            argv[i] = json_string_value(v);
    }
    err = open_service(m, name, SERVICE_START, &s, f);
    if (err == NO_ERROR) {
        if (!StartServiceA(s, argc, argv))
            err = failed(m, s, GetLastError(), f);
        else
            CloseServiceHandle(s);
    }
    free(argv);
    return err;
}

DWORD service_control(struct machine *m, const char *name, DWORD control, struct fail *f)
{
    SERVICE_STATUS st;
    SC_HANDLE s;
    DWORD err = open_service(m, name,
                             control == SERVICE_CONTROL_STOP ? SERVICE_STOP
                                                             : SERVICE_PAUSE_CONTINUE,
                             &s, f);

    if (err != NO_ERROR)
        return err;
    if (!ControlService(s, control, &st))
        return failed(m, s, GetLastError(), f);
    CloseServiceHandle(s);
    return NO_ERROR;
}
