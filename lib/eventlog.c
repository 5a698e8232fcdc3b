/*
 * eventlog.c - reading the SCM's event log (SvchostReadEventLog) and the
 * public face of the error texts (SvchostErrorMessage).
 *
 * The log is scmd's ROOT/log/events.log, one event a line (docs/events.md):
 * "TIME ID SERVICE TEXT".  A line is numbered by its place in the file, as
 * EVENTLOGRECORD's RecordNumber, so a reader can ask for what came after
 * the last record it saw.  Lines that do not parse keep their number and
 * are left out.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <svchost/svcctl.h>

#include "paths.h"
#include "remote.h"
#include "win32.h"

struct record {
    DWORD number, id;
    ULONGLONG ms;
    char *service;      /* NULL for "-" */
    char *text;
};

/* "2026-12-01T21:43:31.489Z" -> milliseconds since the epoch; -1 if it
 * is not such a time. */
static long long parse_time(const char *s, size_t len)
{
    struct tm tm;
    int y, mo, d, h, mi, sec, ms, n = 0;

    if (len != 24 || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ%n", &y, &mo, &d, &h, &mi, &sec,
                            &ms, &n) != 7 || n != 24)
        return -1;
    memset(&tm, 0, sizeof tm);
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    return (long long)timegm(&tm) * 1000 + ms;
}

/* Splits one line (without its newline) into r; 0, or -EINVAL. */
static int parse_line(char *line, struct record *r)
{
    char *id, *svc, *text, *end;
    long long ms;
    unsigned long v;

    id = strchr(line, ' ');
    if (id == NULL)
        return -EINVAL;
    ms = parse_time(line, (size_t)(id - line));
    if (ms < 0)
        return -EINVAL;
    id++;
    errno = 0;
    v = strtoul(id, &end, 10);
    if (end == id || *end != ' ' || errno != 0 || v > 0xFFFFFFFEUL)
        return -EINVAL;
    svc = end + 1;
    text = strchr(svc, ' ');
    if (text == NULL || text == svc)
        return -EINVAL;
    *text++ = '\0';
    r->id = (DWORD)v;
    r->ms = (ULONGLONG)ms;
    r->service = strcmp(svc, "-") == 0 ? NULL : svc;
    r->text = text;
    return 0;
}

static int matches(const struct record *r, const SVCHOST_EVENT_FILTER *f)
{
    if (f == NULL)
        return 1;
    if (f->dwEventId != SVCHOST_EVENT_ANY && r->id != f->dwEventId)
        return 0;
    if (f->lpServiceName != NULL &&
        (r->service == NULL || strcasecmp(r->service, f->lpServiceName) != 0))
        return 0;
    return r->number >= f->dwFirstRecord;
}

/* r's strings, which point into the line, copied; 0 or -ENOMEM (and
 * nothing kept). */
static int own_strings(struct record *r)
{
    char *svc = r->service ? strdup(r->service) : NULL;
    char *text = strdup(r->text);

    if (text == NULL || (r->service != NULL && svc == NULL)) {
        free(svc);
        free(text);
        return -ENOMEM;
    }
    r->service = svc;
    r->text = text;
    return 0;
}

static void free_records(struct record *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].service);
        free(v[i].text);
    }
    free(v);
}

/*
 * The matching records of the log, oldest first, at most max (0: any
 * number) of the newest, in *out (cap of them kept as a ring while
 * reading, then put in order).  0 (a missing log has none), or a negative
 * errno.
 */
static int read_log(const SVCHOST_EVENT_FILTER *f, struct record **out, size_t *count)
{
    size_t cap = 0, n = 0, start = 0, max = f && f->dwMaxRecords ? f->dwMaxRecords : 0;
    struct record *v = NULL, r;
    char *path, *line = NULL;
    size_t linecap = 0;
    ssize_t len;
    DWORD number = 0;
    FILE *fp;
    int rc = 0;

    *out = NULL;
    *count = 0;
    path = svc_path_events_log(svc_default_root());
    if (path == NULL)
        return -ENOMEM;
    fp = fopen(path, "re");
    free(path);
    if (fp == NULL)
        return errno == ENOENT ? 0 : -errno;
    while ((len = getline(&line, &linecap, fp)) >= 0) {
        number++;
        if (len > 0 && line[len - 1] == '\n')
            line[len - 1] = '\0';
        r.number = number;
        if (parse_line(line, &r) != 0 || !matches(&r, f))
            continue;
        if (own_strings(&r) != 0) {
            rc = -ENOMEM;
            break;
        }
        if (max != 0 && n == max) {
            /* The ring is full: the oldest kept record makes room. */
            free(v[start].service);
            free(v[start].text);
            v[start] = r;
            start = (start + 1) % max;
            continue;
        }
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 64;
            struct record *nv;

            if (max != 0 && ncap > max)
                ncap = max;
            nv = realloc(v, ncap * sizeof *v);
            if (nv == NULL) {
                rc = -ENOMEM;
                free(r.service);
                free(r.text);
                break;
            }
            v = nv;
            cap = ncap;
        }
        v[n++] = r;
    }
    if (rc == 0 && ferror(fp))
        rc = -EIO;
    free(line);
    fclose(fp);
    if (rc != 0) {
        free_records(v, n);
        return rc;
    }
    if (start != 0) {
        struct record *ordered = malloc(n * sizeof *ordered);

        if (ordered == NULL) {
            free_records(v, n);
            return -ENOMEM;
        }
        for (size_t i = 0; i < n; i++)
            ordered[i] = v[(start + i) % n];
        free(v);
        v = ordered;
    }
    *out = v;
    *count = n;
    return 0;
}

BOOL WINAPI SvchostReadEventLog(LPCSTR lpMachineName, const SVCHOST_EVENT_FILTER *lpFilter,
                                LPBYTE lpBuffer, DWORD cbBufSize, LPDWORD pcbBytesNeeded,
                                LPDWORD lpRecordsReturned)
{
    struct record *v;
    size_t n, need;
    char *strings;
    int rc;

    if (pcbBytesNeeded == NULL || lpRecordsReturned == NULL) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    *pcbBytesNeeded = 0;
    *lpRecordsReturned = 0;
    if (!svc_machine_is_local(lpMachineName)) {
        SetLastError(ERROR_NOT_SUPPORTED);
        return FALSE;
    }
    rc = read_log(lpFilter, &v, &n);
    if (rc != 0) {
        SetLastError(rc == -EACCES || rc == -EPERM ? ERROR_ACCESS_DENIED
                                                   : svc_errno_to_win32(-rc));
        return FALSE;
    }
    need = n * sizeof(SVCHOST_EVENT_RECORD);
    for (size_t i = 0; i < n; i++)
        need += (v[i].service ? strlen(v[i].service) + 1 : 0) + strlen(v[i].text) + 1;
    if (need > 0xFFFFFFFFu) {
        free_records(v, n);
        SetLastError(ERROR_NOT_ENOUGH_MEMORY);
        return FALSE;
    }
    if (need > 0 && (lpBuffer == NULL || cbBufSize < need)) {
        free_records(v, n);
        *pcbBytesNeeded = (DWORD)need;
        SetLastError(ERROR_MORE_DATA);
        return FALSE;
    }
    strings = (char *)lpBuffer + n * sizeof(SVCHOST_EVENT_RECORD);
    for (size_t i = 0; i < n; i++) {
        SVCHOST_EVENT_RECORD *e = (SVCHOST_EVENT_RECORD *)lpBuffer + i;
        size_t l;

        e->dwRecordNumber = v[i].number;
        e->dwEventId = v[i].id;
        e->ullTimeMs = v[i].ms;
        e->lpServiceName = NULL;
        if (v[i].service) {
            l = strlen(v[i].service) + 1;
            e->lpServiceName = memcpy(strings, v[i].service, l);
            strings += l;
        }
        l = strlen(v[i].text) + 1;
        e->lpText = memcpy(strings, v[i].text, l);
        strings += l;
    }
    *lpRecordsReturned = (DWORD)n;
    free_records(v, n);
    return TRUE;
}

LPCSTR WINAPI SvchostErrorMessage(DWORD dwError)
{
    return svc_win32_message(dwError);
}
