/*
 * fake.h - fake effects and a service builder for the unit tests of the
 * SCM core (state, deps, jobs), with no host process and no loop.
 *
 * The fake effects record every call that acts on the world into a log
 * of lines, one a call:
 *
 *     start NAME [ARG ...]    start_in_host (returns what the test set)
 *     leave NAME              leave_host
 *     kill NAME               kill_host_if_alone
 *     arm NAME MS             arm
 *     disarm NAME             disarm
 *     changed NAME            changed (then scm_jobs_update, as scmd's)
 *     failed NAME crash|exit  failed (crashed or not)
 *     event ID NAME: TEXT     event
 *
 * host_connected and host_pid are queries: they answer what the test set
 * (fake.connected, fake.pid) and are not logged.  Like the real hosting
 * effects, start_in_host and leave_host clear s->started_in_host; s->host
 * stays NULL.
 */
#ifndef TESTS_SCM_FAKE_H
#define TESTS_SCM_FAKE_H

#include "deps.h"
#include "effects.h"
#include "jobs.h"
#include "scm.h"
#include "service.h"
#include "state.h"
#include "win32.h"

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <svchost/winsvc.h>

#define FAKE_LOG_MAX 1024
#define FAKE_FAIL_MAX 8

struct fake {
    char *log[FAKE_LOG_MAX];
    size_t n;
    DWORD start_err;                 /* start_in_host's answer for any service ... */
    struct {
        const char *name;            /* ... but these (case-insensitive) */
        DWORD err;
    } fail[FAKE_FAIL_MAX];
    int connected;                   /* host_connected */
    DWORD pid;                       /* host_pid */
    unsigned starts;                 /* start_in_host calls */
    unsigned max_starts;             /* more than this fails the test (0: no limit) */
};

static inline void fake_logf(struct fake *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static inline void fake_logf(struct fake *f, const char *fmt, ...)
{
    va_list ap;
    char *line = NULL;

    ck_assert_msg(f->n < FAKE_LOG_MAX, "the fake effect log is full");
    va_start(ap, fmt);
    ck_assert_int_ge(vasprintf(&line, fmt, ap), 0);
    va_end(ap);
    f->log[f->n++] = line;
}

static inline struct fake *fake_of(const struct scm *scm)
{
    return scm->fx_data;
}

static inline DWORD fake_start_in_host(struct scm *scm, struct scm_service *s, char *const *args)
{
    struct fake *f = fake_of(scm);
    char line[512];
    size_t used = (size_t)snprintf(line, sizeof line, "start %s", s->name);

    for (size_t i = 0; args && args[i] && used < sizeof line; i++)
        used += (size_t)snprintf(line + used, sizeof line - used, " %s", args[i]);
    fake_logf(f, "%s", line);
    f->starts++;
    ck_assert_msg(f->max_starts == 0 || f->starts <= f->max_starts,
                  "start_in_host called %u times (runaway restarts?)", f->starts);
    s->started_in_host = 0;
    for (size_t i = 0; i < FAKE_FAIL_MAX; i++)
        if (f->fail[i].name && strcasecmp(f->fail[i].name, s->name) == 0)
            return f->fail[i].err;
    return f->start_err;
}

/* Makes start_in_host answer err for the service name. */
static inline void fake_fail_start(struct fake *f, const char *name, DWORD err)
{
    for (size_t i = 0; i < FAKE_FAIL_MAX; i++) {
        if (f->fail[i].name == NULL || strcasecmp(f->fail[i].name, name) == 0) {
            f->fail[i].name = name;
            f->fail[i].err = err;
            return;
        }
    }
    ck_abort_msg("too many failing services");
}

static inline void fake_leave_host(struct scm *scm, struct scm_service *s)
{
    fake_logf(fake_of(scm), "leave %s", s->name);
    s->started_in_host = 0;
}

static inline void fake_kill_host_if_alone(struct scm *scm, struct scm_service *s)
{
    fake_logf(fake_of(scm), "kill %s", s->name);
}

static inline int fake_host_connected(struct scm *scm, const struct scm_service *s)
{
    (void)s;
    return fake_of(scm)->connected;
}

static inline DWORD fake_host_pid(struct scm *scm, const struct scm_service *s)
{
    (void)s;
    return fake_of(scm)->pid;
}

static inline void fake_arm(struct scm *scm, struct scm_service *s, unsigned ms)
{
    fake_logf(fake_of(scm), "arm %s %u", s->name, ms);
}

static inline void fake_disarm(struct scm *scm, struct scm_service *s)
{
    fake_logf(fake_of(scm), "disarm %s", s->name);
}

static inline void fake_changed(struct scm *scm, struct scm_service *s)
{
    fake_logf(fake_of(scm), "changed %s", s->name);
    scm_jobs_update(scm);
}

static inline void fake_failed(struct scm *scm, struct scm_service *s, int crashed)
{
    fake_logf(fake_of(scm), "failed %s %s", s->name, crashed ? "crash" : "exit");
}

static inline void fake_event(struct scm *scm, unsigned id, const char *service, const char *text)
{
    fake_logf(fake_of(scm), "event %u %s: %s", id, service, text);
}

static const struct scm_effects fake_effects = {
    .start_in_host = fake_start_in_host,
    .leave_host = fake_leave_host,
    .kill_host_if_alone = fake_kill_host_if_alone,
    .host_connected = fake_host_connected,
    .host_pid = fake_host_pid,
    .arm = fake_arm,
    .disarm = fake_disarm,
    .changed = fake_changed,
    .failed = fake_failed,
    .event = fake_event,
};

/* ---- the log ---------------------------------------------------------- */

/* The log from line `from` on, each line ended by '\n' (new string). */
static inline char *fake_log_from(const struct fake *f, size_t from)
{
    size_t len = 1;
    char *out, *p;

    for (size_t i = from; i < f->n; i++)
        len += strlen(f->log[i]) + 1;
    p = out = malloc(len);
    ck_assert_ptr_nonnull(out);
    for (size_t i = from; i < f->n; i++)
        p += sprintf(p, "%s\n", f->log[i]);
    *p = '\0';
    return out;
}

/* The lines given (NULL-terminated), each ended by '\n' (new string). */
static inline char *fake_lines(const char *first, ...)
{
    va_list ap;
    size_t len = 1;
    char *out, *p;

    va_start(ap, first);
    for (const char *l = first; l; l = va_arg(ap, const char *))
        len += strlen(l) + 1;
    va_end(ap);
    p = out = malloc(len);
    ck_assert_ptr_nonnull(out);
    va_start(ap, first);
    for (const char *l = first; l; l = va_arg(ap, const char *))
        p += sprintf(p, "%s\n", l);
    va_end(ap);
    *p = '\0';
    return out;
}

/* Asserts that the log from line `from` on is exactly the lines given. */
#define EXPECT_LOG(f, from, ...)                                  \
    do {                                                          \
        char *got_ = fake_log_from((f), (from));                  \
        char *want_ = fake_lines(__VA_ARGS__, (const char *)NULL);\
        ck_assert_str_eq(got_, want_);                            \
        free(got_);                                               \
        free(want_);                                              \
    } while (0)
/* Asserts that nothing was logged since line `from`. */
#define EXPECT_NO_LOG(f, from)                                    \
    do {                                                          \
        char *got_ = fake_log_from((f), (from));                  \
        ck_assert_str_eq(got_, "");                               \
        free(got_);                                               \
    } while (0)

/* How many lines since `from` start with prefix. */
static inline unsigned fake_count(const struct fake *f, size_t from, const char *prefix)
{
    unsigned n = 0;
    for (size_t i = from; i < f->n; i++)
        n += strncmp(f->log[i], prefix, strlen(prefix)) == 0;
    return n;
}

/* The index of the first line since `from` equal to line, or -1. */
/* The log lines since `from` that start with prefix, without it, joined
 * with sep ("start C", "start B" -> "C B"); with first_word, only each
 * line's first word after the prefix.  Never NULL; the caller frees. */
static inline char *fake_joined(const struct fake *f, size_t from, const char *prefix,
                                const char *sep, int first_word)
{
    size_t plen = strlen(prefix), len = 0;
    char *out = calloc(1, 1);

    ck_assert_ptr_nonnull(out);
    for (size_t i = from; i < f->n; i++) {
        if (strncmp(f->log[i], prefix, plen) != 0)
            continue;
        const char *what = f->log[i] + plen;
        size_t l = first_word ? strcspn(what, " ") : strlen(what);
        out = realloc(out, len + strlen(sep) + l + 1);
        ck_assert_ptr_nonnull(out);
        len += (size_t)sprintf(out + len, "%s%.*s", len ? sep : "", (int)l, what);
    }
    return out;
}

static inline long fake_find(const struct fake *f, size_t from, const char *line)
{
    for (size_t i = from; i < f->n; i++)
        if (strcmp(f->log[i], line) == 0)
            return (long)i;
    return -1;
}

/* ---- the context and services --------------------------------------- */

static inline void fake_scm_init(struct scm *scm, struct fake *f)
{
    memset(scm, 0, sizeof *scm);
    memset(f, 0, sizeof *f);
    scm->fx = &fake_effects;
    scm->fx_data = f;
    scm->set.start_timeout_ms = 30000;
    scm->set.control_timeout_ms = 30000;
    scm->set.stop_timeout_ms = 20000;
    scm->events_fd = -1;
    f->pid = 4242;
    f->connected = 1;
}

/* Fails the jobs still open, frees every service and the log. */
static inline void fake_scm_free(struct scm *scm)
{
    struct fake *f = fake_of(scm);

    scm_jobs_free(scm);
    while (scm->services) {
        struct scm_service *s = scm->services;
        scm_service_unlink(scm, s);
        scm_service_free(s);
    }
    for (size_t i = 0; i < f->n; i++)
        free(f->log[i]);
    f->n = 0;
}

static inline char *fake_strdup(const char *s)
{
    char *d = s ? strdup(s) : NULL;
    ck_assert(s == NULL || d != NULL);
    return d;
}

/* "A, B,C" -> {"A", "B", "C", NULL}; NULL or "" -> NULL. */
static inline char **fake_list(const char *csv)
{
    char **v = NULL;
    size_t n = 0;
    char *copy, *save = NULL;

    if (csv == NULL || *csv == '\0')
        return NULL;
    copy = fake_strdup(csv);
    for (char *t = strtok_r(copy, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
        v = realloc(v, (n + 2) * sizeof *v);
        ck_assert_ptr_nonnull(v);
        v[n++] = fake_strdup(t);
        v[n] = NULL;
    }
    free(copy);
    return v;
}

/* A demand-start share service NAME in the table (STOPPED, quiet), with
 * DependOnService deps, DependOnGroup groups and load-order group
 * `group` (each may be NULL).  Its display name is "NAME display". */
static inline struct scm_service *fake_service(struct scm *scm, const char *name, const char *deps,
                                               const char *groups, const char *group)
{
    struct svc_service_config *cfg = calloc(1, sizeof *cfg);
    struct scm_service *s;
    char display[256];

    ck_assert_ptr_nonnull(cfg);
    snprintf(display, sizeof display, "%s display", name);
    cfg->name = fake_strdup(name);
    cfg->display_name = fake_strdup(display);
    cfg->type = SERVICE_WIN32_SHARE_PROCESS;
    cfg->start = SERVICE_DEMAND_START;
    cfg->image_path = fake_strdup("svchost -k test");
    cfg->load_order_group = fake_strdup(group);
    cfg->depend_on_service = fake_list(deps);
    cfg->depend_on_group = fake_list(groups);
    s = scm_service_new(cfg);
    ck_assert_ptr_nonnull(s);
    scm_state_init(scm, s);
    scm_service_link(scm, s);
    return s;
}

/* A status report as a host sends it. */
static inline SERVICE_STATUS fake_status(DWORD state, DWORD checkpoint, DWORD wait_hint)
{
    SERVICE_STATUS st = { 0 };
    st.dwServiceType = SERVICE_WIN32_SHARE_PROCESS;
    st.dwCurrentState = state;
    st.dwCheckPoint = checkpoint;
    st.dwWaitHint = wait_hint;
    if (state == SERVICE_RUNNING || state == SERVICE_PAUSED)
        st.dwControlsAccepted = SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_PAUSE_CONTINUE;
    return st;
}

/* EV_STATUS with the state reported. */
static inline void fake_report(struct scm *scm, struct scm_service *s, DWORD state, DWORD checkpoint,
                               DWORD wait_hint)
{
    SERVICE_STATUS st = fake_status(state, checkpoint, wait_hint);
    scm_state_event(scm, s, EV_STATUS, &(struct scm_event_data){ .status = &st });
}

/* The host acknowledges START (what hosting's on_started does). */
static inline void fake_started(struct scm *scm, struct scm_service *s)
{
    s->started_in_host = 1;
    scm_jobs_update(scm);
}

#endif
