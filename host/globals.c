/*
 * globals.c - the SVCHOST_GLOBALS table: host services offered to plugins
 * (parameters, logging, stop callbacks), and what happens when a service
 * stops.
 */
#include "host.h"
#include "config.h"
#include "dispatcher.h"
#include "log.h"
#include "names.h"
#include "proto.h"
#include "scm_channel.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *host_root;
const char *host_group;

struct stop_cb {
    struct stop_cb *next;
    SVCHOST_STOP_CALLBACK fn;
    PVOID ctx;
};

struct member {
    char *name;
    struct stop_cb *callbacks;   /* newest first: run in reverse order */
};

/* Members are never removed: a service leaves with its host. */
static struct svc_name_map members;
static pthread_mutex_t members_lock = PTHREAD_MUTEX_INITIALIZER;

static struct member *find_member(const char *name)
{
    struct member *m;

    pthread_mutex_lock(&members_lock);
    m = svc_name_map_get(&members, name);
    pthread_mutex_unlock(&members_lock);
    return m;
}

/* Runs and forgets the service's stop callbacks (dispatcher stop hook). */
static void run_stop_callbacks(const char *name)
{
    struct member *m = find_member(name);
    struct stop_cb *list;

    if (m == NULL)
        return;
    pthread_mutex_lock(&members_lock);
    list = m->callbacks;
    m->callbacks = NULL;
    pthread_mutex_unlock(&members_lock);
    while (list != NULL) {
        struct stop_cb *next = list->next;
        list->fn(m->name, list->ctx);
        free(list);
        list = next;
    }
}

/* The dispatcher's stop hook: the plugin's callbacks first, while its
 * code is surely there. */
static void service_stopped(const char *name)
{
    run_stop_callbacks(name);
    host_module_stopped(name);
}

int host_add_member(const char *name)
{
    struct member *m;
    int rc = 0;

    m = calloc(1, sizeof *m);
    if (m == NULL || (m->name = strdup(name)) == NULL) {
        free(m);
        return -ENOMEM;
    }
    pthread_mutex_lock(&members_lock);
    /* Checked under the lock: two starts of one new member may race. */
    if (svc_name_map_get(&members, name) == NULL)
        rc = svc_name_map_put(&members, m->name, m);
    else
        rc = 1;
    pthread_mutex_unlock(&members_lock);
    if (rc != 0) {
        free(m->name);
        free(m);
    }
    return rc < 0 ? rc : 0;
}

int host_init(const char *root, const char *group, char *const *names, size_t n)
{
    host_root = root;
    host_group = group;
    for (size_t i = 0; i < n; i++)
        if (host_add_member(names[i]) < 0)
            return -ENOMEM;
    svc_dispatcher_set_stop_hook(service_stopped);
    return 0;
}

/* Reads one [Parameters] value fresh from the service's file.  0;
 * -EINVAL a NULL argument; -ESRCH not a service of this host; -ENOENT
 * no such value, or a file that cannot be read; -ENOMEM. */
static int read_parameter(LPCSTR service, LPCSTR key, char **value)
{
    struct svc_service_config *cfg = NULL;
    struct svc_diag diag = { 0 };
    const char *v;
    int rc;

    *value = NULL;
    if (service == NULL || key == NULL)
        return -EINVAL;
    if (find_member(service) == NULL)
        return -ESRCH;
    rc = svc_config_load_service(host_root, service, &cfg, &diag);
    svc_diag_free(&diag);
    if (rc < 0)
        return rc == -ENOMEM ? -ENOMEM : -ENOENT;
    v = svc_service_config_param(cfg, key);
    if (v == NULL)
        rc = -ENOENT;
    else if ((*value = strdup(v)) == NULL)
        rc = -ENOMEM;
    svc_service_config_free(cfg);
    return rc;
}

/* The answer of the parameter calls of SVCHOST_GLOBALS for rc. */
static DWORD parameter_error(int rc)
{
    switch (-rc) {
    case 0: return ERROR_SUCCESS;
    case EINVAL: return ERROR_INVALID_PARAMETER;
    case ESRCH: return ERROR_SERVICE_DOES_NOT_EXIST;
    case ENOMEM: return ERROR_NOT_ENOUGH_MEMORY;
    default: return ERROR_FILE_NOT_FOUND;
    }
}

static DWORD WINAPI get_parameter(LPCSTR service, LPCSTR key, LPSTR data, LPDWORD cb)
{
    char *value;
    DWORD err, need;

    if (cb == NULL)
        return ERROR_INVALID_PARAMETER;
    err = parameter_error(read_parameter(service, key, &value));
    if (err != ERROR_SUCCESS)
        return err;
    need = (DWORD)strlen(value) + 1;
    if (data == NULL || *cb < need) {
        err = ERROR_MORE_DATA;
    } else {
        memcpy(data, value, need);
    }
    *cb = need;
    free(value);
    return err;
}

static DWORD WINAPI get_parameter_dword(LPCSTR service, LPCSTR key, LPDWORD out)
{
    char *value;
    uint32_t v;
    DWORD err;

    if (out == NULL)
        return ERROR_INVALID_PARAMETER;
    err = parameter_error(read_parameter(service, key, &value));
    if (err != ERROR_SUCCESS)
        return err;
    if (svc_parse_dword(value, &v) == 0)
        *out = v;
    else
        err = ERROR_INVALID_DATA;
    free(value);
    return err;
}

static VOID WINAPI host_log(LPCSTR service, DWORD level, LPCSTR fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A line goes to the host's stderr, as ever (DEBUG only with --verbose),
 * and, ERROR to INFO, to the SCM's event log and syslog under the
 * service's name (HOST_LOG; DEBUG stays local, as SvchostLog on Windows
 * sends it to OutputDebugString, not the event log).  stderr keeps every
 * line, flood or not: the SCM drops what passes its rate limit. */
static VOID WINAPI host_log(LPCSTR service, DWORD level, LPCSTR fmt, ...)
{
    int lv = level > SVC_LOG_DEBUG ? SVC_LOG_DEBUG : (int)level;
    int local = lv <= log_level(), to_scm = lv <= SVC_LOG_INFO && service != NULL;
    va_list ap;

    if (fmt == NULL || (!local && !to_scm))
        return;
    if (to_scm) {
        /* Longer than a HOST_LOG text, so that the cut is proto's, at a
         * character boundary. */
        char text[2 * SVC_MSG_HOST_LOG_MAX_TEXT];

        va_start(ap, fmt);
        vsnprintf(text, sizeof text, fmt, ap);
        va_end(ap);
        svc_scm_channel_log(service, (unsigned)lv, text);
    }
    if (local) {
        va_start(ap, fmt);
        log_vmsg(lv, service, fmt, ap);
        va_end(ap);
    }
}

static DWORD WINAPI register_stop_callback(LPCSTR service, SVCHOST_STOP_CALLBACK fn, PVOID ctx)
{
    struct member *m;
    struct stop_cb *cb;

    if (fn == NULL)
        return ERROR_INVALID_PARAMETER;
    m = find_member(service);
    if (m == NULL)
        return ERROR_SERVICE_DOES_NOT_EXIST;
    cb = malloc(sizeof *cb);
    if (cb == NULL)
        return ERROR_NOT_ENOUGH_MEMORY;
    cb->fn = fn;
    cb->ctx = ctx;
    pthread_mutex_lock(&members_lock);
    cb->next = m->callbacks;
    m->callbacks = cb;
    pthread_mutex_unlock(&members_lock);
    return ERROR_SUCCESS;
}

static const SVCHOST_GLOBALS globals = {
    .cbSize = sizeof(SVCHOST_GLOBALS),
    .dwVersion = SVCHOST_GLOBALS_VERSION,
    .GetParameter = get_parameter,
    .GetParameterDword = get_parameter_dword,
    .Log = host_log,
    .RegisterStopCallback = register_stop_callback,
};

const SVCHOST_GLOBALS *host_globals(void)
{
    return &globals;
}
