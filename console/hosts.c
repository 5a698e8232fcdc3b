/* hosts.c - host processes, per-service usage and events as JSON. */
#include <stdlib.h>
#include <string.h>

#include "hosts.h"

typedef BOOL(WINAPI *enum_fn)(SC_HANDLE, LPBYTE, DWORD, LPDWORD, LPDWORD);

/* One of libsvc's extension enumerations into a new buffer. */
static DWORD enumerate(struct machine *m, enum_fn fn, void **out, DWORD *n, struct fail *f)
{
    DWORD need = 0, err;
    SC_HANDLE scm;
    void *buf = NULL;

    err = machine_scm(m, &scm);
    if (err != NO_ERROR)
        return fail_set(f, err, NULL);
    for (int tries = 0;; tries++) {
        if (fn(scm, buf, need, &need, n)) {
            *out = buf;
            return NO_ERROR;
        }
        err = GetLastError();
        free(buf);
        buf = NULL;
        if (err != ERROR_MORE_DATA || tries == 4)
            return fail_set(f, machine_failed(m, err), NULL);
        buf = malloc(need ? need : 1);
        if (buf == NULL)
            return fail_set(f, ERROR_NOT_ENOUGH_MEMORY, NULL);
    }
}

static json_t *host_of(json_t *hosts, DWORD pid)
{
    size_t i;
    json_t *h;

    json_array_foreach(hosts, i, h)
        if (json_integer_value(json_object_get(h, "pid")) == (json_int_t)pid)
            return h;
    return NULL;
}

DWORD hosts_list(struct machine *m, json_t **out, struct fail *f)
{
    SVCHOST_HOST_INFO *h;
    SVCHOST_USAGE_INFO *u;
    DWORD nh, nu, err;
    json_t *a;

    err = enumerate(m, SvchostEnumHosts, (void **)&h, &nh, f);
    if (err != NO_ERROR)
        return err;
    a = json_array();
    for (DWORD i = 0; i < nh; i++) {
        json_t *svcs = json_array();

        for (const char *s = h[i].lpServices; s && *s; s += strlen(s) + 1)
            json_array_append_new(svcs, json_string(s));
        json_array_append_new(a, json_pack("{s:s, s:I, s:o, s:o, s:[]}", "machine", m->name,
                                           "pid", (json_int_t)h[i].dwProcessId, "group",
                                           h[i].lpGroup ? json_string(h[i].lpGroup) : json_null(),
                                           "services", svcs, "usage"));
    }
    free(h);

    err = enumerate(m, SvchostEnumUsage, (void **)&u, &nu, f);
    if (err != NO_ERROR) {
        /* The hosts without their usage, rather than nothing. */
        if (m->scm == NULL) {
            json_decref(a);
            return err;
        }
        json_object_set_new(json_array_get(a, 0), "usage_error", json_integer(err));
        *out = a;
        return NO_ERROR;
    }
    for (DWORD i = 0; i < nu; i++) {
        json_t *host = host_of(a, u[i].dwProcessId);

        if (host == NULL)
            continue;   /* a host that started between the two calls */
        if (u[i].lpServiceName == NULL) {
            json_object_set_new(host, "threads", json_integer(u[i].dwThreads));
            json_object_set_new(host, "cpu_us", json_integer((json_int_t)u[i].ullCpuMicroseconds));
            json_object_set_new(host, "rss_kib", json_integer(u[i].dwRssKiB));
            json_object_set_new(host, "pss_kib", json_integer(u[i].dwPssKiB));
        } else {
            json_array_append_new(json_object_get(host, "usage"),
                                  json_pack("{s:s, s:I, s:I, s:I, s:I}", "name",
                                            u[i].lpServiceName, "threads",
                                            (json_int_t)u[i].dwThreads, "cpu_us",
                                            (json_int_t)u[i].ullCpuMicroseconds, "stack_kib",
                                            (json_int_t)u[i].dwStackKiB, "image_kib",
                                            (json_int_t)u[i].dwImageKiB));
        }
    }
    free(u);
    *out = a;
    return NO_ERROR;
}

DWORD events_list(struct machine *m, const SVCHOST_EVENT_FILTER *filter, json_t **out,
                  struct fail *f)
{
    SVCHOST_EVENT_RECORD *r = NULL;
    DWORD need = 0, n = 0, err;
    json_t *a;

    for (int tries = 0;; tries++) {
        if (SvchostReadEventLog(m->unc, filter, (LPBYTE)r, need, &need, &n))
            break;
        err = GetLastError();
        free(r);
        r = NULL;
        if (err != ERROR_MORE_DATA || tries == 4)
            return fail_set(f, err, NULL);
        r = malloc(need);
        if (r == NULL)
            return fail_set(f, ERROR_NOT_ENOUGH_MEMORY, NULL);
    }
    a = json_array();
    for (DWORD i = 0; i < n; i++)
        json_array_append_new(a, json_pack("{s:s, s:I, s:I, s:I, s:o, s:s}", "machine", m->name,
                                           "record", (json_int_t)r[i].dwRecordNumber, "time_ms",
                                           (json_int_t)r[i].ullTimeMs, "id",
                                           (json_int_t)r[i].dwEventId, "service",
                                           r[i].lpServiceName ? json_string(r[i].lpServiceName)
                                                              : json_null(),
                                           "text", r[i].lpText));
    free(r);
    *out = a;
    return NO_ERROR;
}
