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
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <svchost/svchost.h>

#define PARAMS_CONTROL_REWRITE 129
#define PARAMS_SMALL_BUFFER    4
#define PARAMS_BREACH          0xFFFFFFFFu   /* not a Win32 error */

static const SVCHOST_GLOBALS *_Atomic globals;

struct params {
    const char *name;              /* argv[0]: valid while ServiceMain runs */
    DWORD argc;
    LPSTR *argv;
    SERVICE_STATUS_HANDLE handle;
    char *out;
    pthread_mutex_t lock;          /* serialises the report and the status */
    pthread_cond_t cond;
    SERVICE_STATUS status;
    bool stop_requested;
    bool stopped;
};

/* The stop callback's own state: it runs after the service is gone. */
struct params_stop {
    char name[257];
    char *out;
};

SVCHOST_EXPORT VOID WINAPI SvchostPushServiceGlobals(const SVCHOST_GLOBALS *g)
{
    globals = g;
}

/* A copy of [Parameters] key, or NULL if missing (or out of memory). */
static char *get_string(const char *service, const char *key)
{
    const SVCHOST_GLOBALS *g = globals;
    DWORD cb = 0;
    char *buf = NULL;

    if (!SVCHOST_GLOBALS_HAS(g, GetParameter))
        return NULL;
    for (;;) {   /* the value may grow between the size query and the read */
        DWORD r = g->GetParameter(service, key, buf, &cb);
        if (r == ERROR_SUCCESS && buf != NULL)
            return buf;
        free(buf);
        if (r != ERROR_MORE_DATA && r != ERROR_SUCCESS)
            return NULL;
        buf = malloc(cb ? cb : 1);
        if (buf == NULL)
            return NULL;
    }
}

/*
 * Reads key checking GetParameter's contract at each step.  Returns
 * ERROR_SUCCESS with *value (caller frees), a Win32 error, or
 * PARAMS_BREACH with *why saying what the host got wrong.
 */
static DWORD read_checked(const char *service, const char *key, char **value,
                          const char **why)
{
    const SVCHOST_GLOBALS *g = globals;
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

static void report_strings(FILE *f, const char *service, const char *list)
{
    char *keys = list != NULL ? strdup(list) : NULL;
    char *save = NULL;

    if (keys == NULL)
        return;
    for (char *k = strtok_r(keys, ",", &save); k != NULL; k = strtok_r(NULL, ",", &save)) {
        const char *why = NULL;
        char *value, *end;
        DWORD r;

        k += strspn(k, " \t");
        end = k + strlen(k);
        while (end > k && (end[-1] == ' ' || end[-1] == '\t'))
            *--end = '\0';
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
    const SVCHOST_GLOBALS *g = globals;
    char *keys = list != NULL ? strdup(list) : NULL;
    char *save = NULL;

    if (keys == NULL)
        return;
    for (char *k = strtok_r(keys, ",", &save); k != NULL; k = strtok_r(NULL, ",", &save)) {
        /* A value that is not 0xA5A5A5A5 after a failure was written to. */
        DWORD v = 0xA5A5A5A5u, r = ERROR_CALL_NOT_IMPLEMENTED;
        char *end;

        k += strspn(k, " \t");
        end = k + strlen(k);
        while (end > k && (end[-1] == ' ' || end[-1] == '\t'))
            *--end = '\0';
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

/* Rewrites Out; the caller holds p->lock.  Returns a Win32 error. */
static DWORD write_report_locked(struct params *p)
{
    char *keys, *dword_keys, *tmp = NULL;
    DWORD rc = NO_ERROR;
    FILE *f;

    if (p->out == NULL)
        return NO_ERROR;
    if (asprintf(&tmp, "%s.tmp", p->out) < 0)
        return ERROR_NOT_ENOUGH_MEMORY;
    f = fopen(tmp, "we");
    if (f == NULL) {
        free(tmp);
        return ERROR_ACCESS_DENIED;
    }
    keys = get_string(p->name, "Keys");
    dword_keys = get_string(p->name, "DwordKeys");
    report_strings(f, p->name, keys);
    report_dwords(f, p->name, dword_keys);
    fprintf(f, "argc=%lu\n", (unsigned long)p->argc);
    for (DWORD i = 0; i < p->argc; i++)
        fprintf(f, "argv[%lu]=%s\n", (unsigned long)i, p->argv[i]);
    free(keys);
    free(dword_keys);
    bool failed = ferror(f) != 0;

    failed |= fclose(f) != 0;
    if (failed || rename(tmp, p->out) != 0) {
        unlink(tmp);
        rc = ERROR_ACCESS_DENIED;
    }
    free(tmp);
    return rc;
}

static VOID WINAPI on_stopped(LPCSTR service, PVOID context)
{
    struct params_stop *ps = context;
    char line[300];
    int len, fd;

    if (service != NULL && strcmp(service, ps->name) == 0)
        len = snprintf(line, sizeof line, "stopped\n");
    else
        len = snprintf(line, sizeof line, "stopped %s\n", service ? service : "(null)");
    if (len >= (int)sizeof line)
        len = (int)sizeof line - 1;
    fd = open(ps->out, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd >= 0) {
        (void)!write(fd, line, (size_t)len);
        close(fd);
    }
    free(ps->out);
    free(ps);
}

static void register_stop_callback(struct params *p)
{
    const SVCHOST_GLOBALS *g = globals;
    struct params_stop *ps;

    if (p->out == NULL || !SVCHOST_GLOBALS_HAS(g, RegisterStopCallback))
        return;
    ps = calloc(1, sizeof *ps);
    if (ps == NULL || (ps->out = strdup(p->out)) == NULL) {
        free(ps);
        return;
    }
    snprintf(ps->name, sizeof ps->name, "%s", p->name);
    if (g->RegisterStopCallback(p->name, on_stopped, ps) != ERROR_SUCCESS) {
        free(ps->out);
        free(ps);
    }
}

static void report_locked(struct params *p, DWORD state)
{
    p->status.dwCurrentState = state;
    p->status.dwControlsAccepted = state == SERVICE_RUNNING ? SERVICE_ACCEPT_STOP : 0;
    p->status.dwCheckPoint = state == SERVICE_START_PENDING || state == SERVICE_STOP_PENDING;
    p->status.dwWaitHint = p->status.dwCheckPoint ? 2000 : 0;
    SetServiceStatus(p->handle, &p->status);
}

static DWORD WINAPI params_handler(DWORD control, DWORD event_type, LPVOID event_data,
                                   LPVOID context)
{
    struct params *p = context;
    DWORD rc = NO_ERROR;

    (void)event_type;
    (void)event_data;
    if (control == SERVICE_CONTROL_INTERROGATE)
        return NO_ERROR;
    if (control != SERVICE_CONTROL_STOP && control != PARAMS_CONTROL_REWRITE)
        return ERROR_CALL_NOT_IMPLEMENTED;
    pthread_mutex_lock(&p->lock);
    if (p->stopped) {
        rc = ERROR_SERVICE_NOT_ACTIVE;
    } else if (p->status.dwCurrentState != SERVICE_RUNNING) {
        rc = ERROR_SERVICE_CANNOT_ACCEPT_CTRL;
    } else if (control == SERVICE_CONTROL_STOP) {
        p->stop_requested = true;
        report_locked(p, SERVICE_STOP_PENDING);
        pthread_cond_signal(&p->cond);
    } else {
        rc = write_report_locked(p);
    }
    pthread_mutex_unlock(&p->lock);
    return rc;
}

SVCHOST_EXPORT VOID WINAPI ServiceMain(DWORD argc, LPSTR *argv)
{
    struct params p = { .name = argv[0], .argc = argc, .argv = argv };
    SERVICE_STATUS final;

    pthread_mutex_init(&p.lock, NULL);
    pthread_cond_init(&p.cond, NULL);
    p.status.dwServiceType = SERVICE_WIN32_SHARE_PROCESS;
    p.handle = RegisterServiceCtrlHandlerExA(p.name, params_handler, &p);
    if (p.handle == NULL)
        goto out;

    pthread_mutex_lock(&p.lock);
    report_locked(&p, SERVICE_START_PENDING);
    p.out = get_string(p.name, "Out");
    write_report_locked(&p);
    register_stop_callback(&p);
    report_locked(&p, SERVICE_RUNNING);
    while (!p.stop_requested)
        pthread_cond_wait(&p.cond, &p.lock);
    p.stopped = true;
    p.status.dwCurrentState = SERVICE_STOPPED;
    p.status.dwControlsAccepted = 0;
    p.status.dwCheckPoint = p.status.dwWaitHint = 0;
    final = p.status;
    pthread_mutex_unlock(&p.lock);

    /* Reported without the lock: the host runs the stop callbacks inside
     * this call, and nothing it does may wait on a handler holding it. */
    SetServiceStatus(p.handle, &final);
    /* A handler still in its critical section is done with p after this. */
    pthread_mutex_lock(&p.lock);
    pthread_mutex_unlock(&p.lock);
out:
    free(p.out);
    pthread_cond_destroy(&p.cond);
    pthread_mutex_destroy(&p.lock);
}
