/*
 * params.c - test plugin: exercises the host globals and start arguments.
 *
 * [Parameters]
 *   Out        the report file (without it the service runs and writes
 *              nothing).
 *   Keys       comma-separated names of string values to report.
 *   DwordKeys  comma-separated names of number values to report.
 *
 * Before reporting RUNNING, and again on user control 129 (values are
 * read fresh each time), it replaces Out (written to Out.tmp, renamed)
 * with these lines:
 *   KEY=VALUE          for each of Keys, in order;
 *   KEY=<missing>      GetParameter said ERROR_FILE_NOT_FOUND;
 *   KEY=<error N>      any other Win32 error N;
 *   KEY=<contract: ...>  the host broke GetParameter's contract (see below);
 *   dword:KEY=N        for each of DwordKeys, N in decimal;
 *   dword:KEY=<missing>, dword:KEY=<invalid> (ERROR_INVALID_DATA),
 *   dword:KEY=<error N>, dword:KEY=<contract: ...>;
 *   argc=N
 *   argv[I]=ARG        for each start argument; argv[0] is the service name.
 * Each string value is read three ways: a size query (NULL buffer, which
 * must give ERROR_MORE_DATA and the size with its NUL), a 4-byte buffer
 * (ERROR_MORE_DATA and the same size when the value does not fit), and a
 * buffer of exactly that size (ERROR_SUCCESS).
 *
 * On start it registers a stop callback that appends "stopped\n" to Out
 * (or "stopped NAME\n" if the host passes a name other than its own).
 * Controls: STOP (STOPPED, exit code 0); 129 rewrites Out and returns
 * NO_ERROR (or the Win32 error of a failed write); INTERROGATE NO_ERROR;
 * other ERROR_CALL_NOT_IMPLEMENTED.
 */
#include <string.h>

#include "testplugin.h"

#define PARAMS_CONTROL_REWRITE 129
#define PARAMS_SMALL_BUFFER    4
#define PARAMS_BREACH          0xFFFFFFFFu   /* not a Win32 error */

struct params {
    struct tp_service s;           /* its lock also serialises the report */
    DWORD argc;
    LPSTR *argv;
};

/* The stop callback's own state: it runs after the service is gone. */
struct params_stop {
    char name[257];
    char *out;
};

TP_EXPORT_PUSH_GLOBALS

/*
 * Reads key checking GetParameter's contract at each step.  Returns
 * ERROR_SUCCESS with *value (caller frees), a Win32 error, or
 * PARAMS_BREACH with *why saying what the host got wrong.
 */
static DWORD read_checked(const char *service, const char *key, char **value,
                          const char **why)
{
    const SVCHOST_GLOBALS *g = tp_globals;
    char small[PARAMS_SMALL_BUFFER];
    DWORD cb = 0, need, r;
    char *buf;

    *value = NULL;
    if (!SVCHOST_GLOBALS_HAS(g, GetParameter))
        return ERROR_CALL_NOT_IMPLEMENTED;

    r = g->GetParameter(service, key, NULL, &cb);
    if (r == ERROR_SUCCESS) {
        *why = "size query without a buffer succeeded";
        return PARAMS_BREACH;
    }
    if (r != ERROR_MORE_DATA)
        return r;
    need = cb;
    if (need == 0) {
        *why = "size query gave 0";
        return PARAMS_BREACH;
    }

    cb = sizeof small;
    r = g->GetParameter(service, key, small, &cb);
    if (need <= sizeof small) {
        if (r != ERROR_SUCCESS || cb != need || strnlen(small, sizeof small) + 1 != need) {
            *why = "a value that fits was not returned whole";
            return PARAMS_BREACH;
        }
        *value = strdup(small);
        return *value != NULL ? ERROR_SUCCESS : ERROR_NOT_ENOUGH_MEMORY;
    }
    if (r != ERROR_MORE_DATA || cb != need) {
        *why = "a small buffer did not give ERROR_MORE_DATA and the size";
        return PARAMS_BREACH;
    }

    buf = malloc(need);
    if (buf == NULL)
        return ERROR_NOT_ENOUGH_MEMORY;
    cb = need;
    r = g->GetParameter(service, key, buf, &cb);
    if (r != ERROR_SUCCESS || cb != need || strnlen(buf, need) + 1 != need) {
        free(buf);
        *why = "a buffer of the size asked for was not filled";
        return PARAMS_BREACH;
    }
    *value = buf;
    return ERROR_SUCCESS;
}

/* k without its leading and trailing blanks (cut off in place). */
static char *trim(char *k)
{
    char *end;

    k += strspn(k, " \t");
    end = k + strlen(k);
    while (end > k && (end[-1] == ' ' || end[-1] == '\t'))
        *--end = '\0';
    return k;
}

static void report_strings(FILE *f, const char *service, const char *list)
{
    char *keys = list != NULL ? strdup(list) : NULL;
    char *save = NULL;

    if (keys == NULL)
        return;
    for (char *k = strtok_r(keys, ",", &save); k != NULL; k = strtok_r(NULL, ",", &save)) {
        const char *why = NULL;
        char *value;
        DWORD r;

        k = trim(k);
        if (*k == '\0')
            continue;
        r = read_checked(service, k, &value, &why);
        if (r == ERROR_SUCCESS)
            fprintf(f, "%s=%s\n", k, value);
        else if (r == ERROR_FILE_NOT_FOUND)
            fprintf(f, "%s=<missing>\n", k);
        else if (r == PARAMS_BREACH)
            fprintf(f, "%s=<contract: %s>\n", k, why);
        else
            fprintf(f, "%s=<error %lu>\n", k, (unsigned long)r);
        free(value);
    }
    free(keys);
}

static void report_dwords(FILE *f, const char *service, const char *list)
{
    const SVCHOST_GLOBALS *g = tp_globals;
    char *keys = list != NULL ? strdup(list) : NULL;
    char *save = NULL;

    if (keys == NULL)
        return;
    for (char *k = strtok_r(keys, ",", &save); k != NULL; k = strtok_r(NULL, ",", &save)) {
        /* A value that is not 0xA5A5A5A5 after a failure was written to. */
        DWORD v = 0xA5A5A5A5u, r = ERROR_CALL_NOT_IMPLEMENTED;

        k = trim(k);
        if (*k == '\0')
            continue;
        if (SVCHOST_GLOBALS_HAS(g, GetParameterDword))
            r = g->GetParameterDword(service, k, &v);
        if (r != ERROR_SUCCESS && v != 0xA5A5A5A5u)
            fprintf(f, "dword:%s=<contract: value changed on error %lu>\n", k, (unsigned long)r);
        else if (r == ERROR_SUCCESS)
            fprintf(f, "dword:%s=%lu\n", k, (unsigned long)v);
        else if (r == ERROR_FILE_NOT_FOUND)
            fprintf(f, "dword:%s=<missing>\n", k);
        else if (r == ERROR_INVALID_DATA)
            fprintf(f, "dword:%s=<invalid>\n", k);
        else
            fprintf(f, "dword:%s=<error %lu>\n", k, (unsigned long)r);
    }
    free(keys);
}

/* Rewrites Out; the caller holds p->s.lock.  Returns a Win32 error. */
static DWORD write_report_locked(struct params *p)
{
    char *keys, *dword_keys, *tmp = NULL;
    DWORD rc = NO_ERROR;
    FILE *f;

    if (p->s.out == NULL)
        return NO_ERROR;
    if (asprintf(&tmp, "%s.tmp", p->s.out) < 0)
        return ERROR_NOT_ENOUGH_MEMORY;
    f = fopen(tmp, "we");
    if (f == NULL) {
        free(tmp);
        return ERROR_ACCESS_DENIED;
    }
    keys = tp_get_string(p->s.name, "Keys");
    dword_keys = tp_get_string(p->s.name, "DwordKeys");
    report_strings(f, p->s.name, keys);
    report_dwords(f, p->s.name, dword_keys);
    fprintf(f, "argc=%lu\n", (unsigned long)p->argc);
    for (DWORD i = 0; i < p->argc; i++)
        fprintf(f, "argv[%lu]=%s\n", (unsigned long)i, p->argv[i]);
    free(keys);
    free(dword_keys);
    bool failed = ferror(f) != 0;

    failed |= fclose(f) != 0;
    if (failed || rename(tmp, p->s.out) != 0) {
        unlink(tmp);
        rc = ERROR_ACCESS_DENIED;
    }
    free(tmp);
    return rc;
}

static VOID WINAPI on_stopped(LPCSTR service, PVOID context)
{
    struct params_stop *ps = context;

    if (service != NULL && strcmp(service, ps->name) == 0)
        tp_append_line(ps->out, "stopped");
    else
        tp_append_line(ps->out, "stopped %s", service ? service : "(null)");
    free(ps->out);
    free(ps);
}

static void register_stop_callback(struct params *p)
{
    const SVCHOST_GLOBALS *g = tp_globals;
    struct params_stop *ps;

    if (p->s.out == NULL || !SVCHOST_GLOBALS_HAS(g, RegisterStopCallback))
        return;
    ps = calloc(1, sizeof *ps);
    if (ps == NULL || (ps->out = strdup(p->s.out)) == NULL) {
        free(ps);
        return;
    }
    snprintf(ps->name, sizeof ps->name, "%s", p->s.name);
    if (g->RegisterStopCallback(p->s.name, on_stopped, ps) != ERROR_SUCCESS) {
        free(ps->out);
        free(ps);
    }
}

/* Control 129, with the lock held (STOP and INTERROGATE are tp_control's). */
static DWORD params_other(void *ctx, DWORD control)
{
    (void)control;
    return write_report_locked(ctx);
}

static DWORD WINAPI params_handler(DWORD control, DWORD event_type, LPVOID event_data,
                                   LPVOID context)
{
    struct params *p = context;

    (void)event_type;
    (void)event_data;
    /* Refused before any state check, as ERROR_CALL_NOT_IMPLEMENTED. */
    if (control != SERVICE_CONTROL_INTERROGATE && control != SERVICE_CONTROL_STOP &&
        control != PARAMS_CONTROL_REWRITE)
        return ERROR_CALL_NOT_IMPLEMENTED;
    return tp_control(&p->s, control, params_other, p);
}

SVCHOST_EXPORT VOID WINAPI ServiceMain(DWORD argc, LPSTR *argv)
{
    struct params p = { .argc = argc, .argv = argv };

    tp_service_init(&p.s, argv[0], SERVICE_ACCEPT_STOP);
    p.s.handle = RegisterServiceCtrlHandlerExA(p.s.name, params_handler, &p);
    if (p.s.handle == NULL)
        goto out;

    pthread_mutex_lock(&p.s.lock);
    tp_report_locked(&p.s, SERVICE_START_PENDING);
    p.s.out = tp_get_string(p.s.name, "Out");
    write_report_locked(&p);
    register_stop_callback(&p);
    tp_report_locked(&p.s, SERVICE_RUNNING);
    /* The host runs the stop callbacks inside the STOPPED report. */
    tp_run_locked(&p.s);
out:
    tp_service_destroy(&p.s);
}
