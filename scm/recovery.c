/*
 * recovery.c - failure actions (see recovery.h and docs/recovery.md).
 *
 * A failure moves the service's count (s->failures, with the time of
 * the failure) and, when an action applies, puts the action on a list
 * with a timer for its delay.  The entry names the service rather than
 * pointing at it: by the time the delay is over the service may have
 * been deleted, or deleted and created again; an entry whose service is
 * gone, or has a count of 0 (a new service of the same name), is
 * dropped.  Restarts go through start jobs, so a restarted service
 * waits for its dependencies as any start does, and lands where any
 * start lands: the live host of its group when there is one.  That is
 * what brings the services of a crashed shared host back in one new
 * host: the first restart spawns it, the others find it.
 */
#include "recovery.h"
#include "account.h"
#include "effects.h"
#include "jobs.h"
#include "spawn.h"
#include "config.h"
#include "log.h"
#include "paths.h"
#include "win32.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* An action waiting for its delay. */
struct pending {
    struct pending *next;
    struct scm *scm;
    char *name;             /* the service */
    uint32_t type;          /* SC_ACTION_* */
    uint32_t failure;       /* the failure it answers: the count then */
    int64_t due_ms;         /* when it is due (wall clock, as the failures) */
    uv_timer_t timer;
};

struct scm_recovery {
    struct scm_recovery_hooks hooks;
    struct pending *pending;
};

static const char *const action_texts[] = {
    [SC_ACTION_NONE] = "No action",
    [SC_ACTION_RESTART] = "Restart the service",
    [SC_ACTION_REBOOT] = "Reboot the machine",
    [SC_ACTION_RUN_COMMAND] = "Run the configured recovery program",
};
_Static_assert(sizeof action_texts / sizeof action_texts[0] == SC_ACTION_RUN_COMMAND + 1,
               "action_texts covers every SC_ACTION type");

const char *scm_recovery_action_text(uint32_t type)
{
    return type <= SC_ACTION_RUN_COMMAND ? action_texts[type] : NULL;
}

char *scm_recovery_command(const char *cmd, uint32_t count)
{
    static const char mark[] = "%1%";
    char num[16];
    size_t n = 0, len = strlen(cmd), nlen;
    char *out, *p;

    nlen = (size_t)snprintf(num, sizeof num, "%" PRIu32, count);
    for (const char *q = strstr(cmd, mark); q; q = strstr(q + 3, mark))
        n++;
    out = malloc(len + n * nlen + 1);
    if (out == NULL)
        return NULL;
    p = out;
    for (const char *q = cmd;;) {
        const char *m = strstr(q, mark);
        size_t k = m ? (size_t)(m - q) : strlen(q);

        memcpy(p, q, k);
        p += k;
        if (m == NULL)
            break;
        memcpy(p, num, nlen);
        p += nlen;
        q = m + 3;
    }
    *p = '\0';
    return out;
}

/* ---- scmd's hooks ----------------------------------------------------------- */

static int64_t real_now_ms(struct scm *scm)
{
    struct timespec ts;

    (void)scm;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* As Windows runs a failure command: "under the same account as the
 * service" (SERVICE_FAILURE_ACTIONS, lpCommand). */
static int real_run(struct scm *scm, const char *object_name, const char *cmdline)
{
    struct scm_account a = { 0 };
    DWORD err = scm_account_lookup(scm, object_name, &a);
    int rc;

    if (err != NO_ERROR) {
        scm_account_free(&a);
        log_warnx("cannot run %s: the account %s: %s", cmdline, scm_account_name(object_name),
                  svc_win32_message(err));
        return err == ERROR_NOT_ENOUGH_MEMORY ? -ENOMEM : -ESRCH;
    }
    rc = scm_spawn_command(scm, cmdline,
                           &(struct scm_identity){ .change = a.kind != SCM_ACCOUNT_SYSTEM,
                                                   .uid = a.uid, .gid = a.gid,
                                                   .user = a.user, .home = a.home,
                                                   .shell = a.shell },
                           NULL);
    scm_account_free(&a);
    return rc;
}

int scm_recovery_init(struct scm *scm, const struct scm_recovery_hooks *hooks)
{
    struct scm_recovery *r = calloc(1, sizeof *r);

    if (r == NULL)
        return -ENOMEM;
    r->hooks.now_ms = hooks && hooks->now_ms ? hooks->now_ms : real_now_ms;
    r->hooks.run = hooks && hooks->run ? hooks->run : real_run;
    scm->recovery = r;
    return 0;
}

/* ---- the file of counts ------------------------------------------------------ */

/*
 * ROOT/run/failures, one line a service that has failed:
 *     COUNT LAST_FAILURE_MS NAME
 * and one an action waiting for its delay:
 *     P TYPE FAILURE DUE_MS NAME
 * the name last, as the rest of the line (a name has no line break).
 * Rewritten whole, atomically, whenever a count changes or an action is
 * scheduled or done, so that an scmd that died (SIGKILL, a crash) does
 * not lose a restart still to come: the next one schedules it again for
 * what is left of its delay.  A clean stop cancels the waiting actions
 * (the services were stopped on purpose) and writes the counts alone.
 */
static void save(struct scm *scm)
{
    char *path, *buf = NULL;
    size_t len = 0;
    FILE *f;
    int rc;

    if (scm->root == NULL)
        return;
    f = open_memstream(&buf, &len);
    if (f == NULL) {
        log_warn("failure counts");
        return;
    }
    fputs("# failure counts (scmd): COUNT LAST_FAILURE_MS NAME\n", f);
    for (const struct scm_service *s = scm->services; s; s = s->next)
        if (s->failures > 0)
            fprintf(f, "%" PRIu32 " %" PRId64 " %s\n", s->failures, s->last_failure_ms, s->name);
    for (const struct pending *p = scm->recovery ? scm->recovery->pending : NULL; p; p = p->next)
        fprintf(f, "P %" PRIu32 " %" PRIu32 " %" PRId64 " %s\n", p->type, p->failure, p->due_ms,
                p->name);
    if (fclose(f) != 0) {
        free(buf);
        log_warn("failure counts");
        return;
    }
    path = svc_path_failures_file(scm->root);
    rc = path ? svc_write_file_atomic(path, buf, len) : -ENOMEM;
    if (rc < 0)
        log_warnx("%s/run/failures: %s", scm->root, strerror(-rc));
    free(path);
    free(buf);
}

/* A waiting action read back, scheduled once the counts are read. */
struct later {
    struct later *next;
    char *name;
    uint32_t type, failure;
    int64_t due_ms;
};

/* "TYPE FAILURE DUE_MS NAME" (after "P "): onto *list.  1 if the line
 * is not one (it is dropped, and the file rewritten), else 0. */
static int waiting_line(const char *path, const char *text, struct later **list)
{
    struct later *l;
    uint32_t type, failure;
    int64_t due;
    int at = -1;

    if (sscanf(text, "%" SCNu32 " %" SCNu32 " %" SCNd64 " %n", &type, &failure, &due, &at) != 3 ||
        at < 0 || text[at] == '\0' || type == SC_ACTION_NONE || type > SC_ACTION_RUN_COMMAND) {
        log_warnx("%s: a line that is not P TYPE FAILURE DUE NAME: dropped", path);
        return 1;
    }
    if ((l = calloc(1, sizeof *l)) == NULL || (l->name = strdup(text + at)) == NULL) {
        free(l);
        log_warnx("%s: out of memory: a waiting failure action is dropped", path);
        return 1;
    }
    l->type = type;
    l->failure = failure;
    l->due_ms = due;
    l->next = *list;
    *list = l;
    return 0;
}

static void schedule(struct scm *scm, struct scm_service *s, uint32_t type, uint32_t delay_ms);

void scm_recovery_load(struct scm *scm)
{
    char *path = svc_path_failures_file(scm->root), *line = NULL;
    struct later *later = NULL;
    size_t cap = 0;
    int dropped = 0;
    FILE *f;

    if (path == NULL)
        return;
    f = fopen(path, "re");
    if (f == NULL) {
        if (errno != ENOENT)
            log_warn("%s", path);
        free(path);
        return;
    }
    while (getline(&line, &cap, f) > 0) {
        uint32_t count;
        int64_t last;
        int at = -1;
        struct scm_service *s;

        line[strcspn(line, "\n")] = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        if (line[0] == 'P' && line[1] == ' ') {
            dropped |= waiting_line(path, line + 2, &later);
            continue;
        }
        if (sscanf(line, "%" SCNu32 " %" SCNd64 " %n", &count, &last, &at) != 2 || at < 0 ||
            line[at] == '\0') {
            log_warnx("%s: a line that is not COUNT TIME NAME: dropped", path);
            dropped = 1;
            continue;
        }
        s = scm_service_find(scm, line + at);
        if (s == NULL || strcmp(s->name, line + at) != 0) {
            dropped = 1;        /* deleted while scmd was away */
            continue;
        }
        s->failures = count;
        s->last_failure_ms = last;
    }
    free(line);
    fclose(f);
    free(path);
    /* After every count is read: an action answers its service's count. */
    while (later != NULL) {
        struct later *l = later;
        struct scm_service *s = scm_service_find(scm, l->name);

        later = l->next;
        if (s != NULL && strcmp(s->name, l->name) == 0 && s->failures == l->failure &&
            scm->loop != NULL) {
            int64_t left = l->due_ms - scm->recovery->hooks.now_ms(scm);
            log_info("%s: its failure action (%s) still waits: due in %" PRId64 " ms", s->name,
                     action_texts[l->type], left > 0 ? left : 0);
            schedule(scm, s, l->type, left > 0 ? (uint32_t)(left < UINT32_MAX ? left : UINT32_MAX)
                                               : 0);
        } else {
            dropped = 1;        /* its service is gone, or failed anew */
        }
        free(l->name);
        free(l);
    }
    if (dropped)
        save(scm);
}

/* ---- waiting actions ------------------------------------------------------- */

static void pending_closed(uv_handle_t *h)
{
    struct pending *p = h->data;
    free(p->name);
    free(p);
}

/* Takes p off the list and frees it (once its timer is closed). */
static void pending_drop(struct scm_recovery *r, struct pending *p)
{
    for (struct pending **pp = &r->pending; *pp; pp = &(*pp)->next)
        if (*pp == p) {
            *pp = p->next;
            break;
        }
    uv_close((uv_handle_t *)&p->timer, pending_closed);
}

size_t scm_recovery_waiting(const struct scm *scm)
{
    size_t n = 0;
    for (const struct pending *p = scm->recovery ? scm->recovery->pending : NULL; p; p = p->next)
        n++;
    return n;
}

static void event(struct scm *scm, unsigned id, const struct scm_service *s, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Through the effects, as the state machine's events, so that a test's
 * fakes see them in order with the rest. */
static void event(struct scm *scm, unsigned id, const struct scm_service *s, const char *fmt, ...)
{
    char text[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    scm->fx->event(scm, id, s->name, text);
}

static void action_failed(struct scm *scm, const struct scm_service *s, uint32_t type, DWORD err)
{
    event(scm, 7032, s,
              "The Service Control Manager tried to take a corrective action (%s) after the "
              "unexpected termination of the %s service, but this action failed with the "
              "following error: %s",
              action_texts[type], scm_service_display(s), svc_win32_message(err));
}

static void restart(struct scm *scm, struct scm_service *s)
{
    uint64_t before = scm->seq;
    DWORD err = scm_job_start(scm, s, (struct scm_waiter){ 0 }, NULL);

    /* A start that failed at once (its host cannot be spawned, say) has
     * already left the service STOPPED with the reason. */
    if (err == NO_ERROR && s->start_seq > before && s->status.dwCurrentState == SERVICE_STOPPED &&
        s->status.dwWin32ExitCode != NO_ERROR)
        err = s->status.dwWin32ExitCode;
    if (err != NO_ERROR)
        action_failed(scm, s, SC_ACTION_RESTART, err);
}

static void run_command(struct scm *scm, struct scm_service *s, uint32_t failure)
{
    const char *cmd = s->cfg->failure_command;
    char *line;
    int rc;

    /* Win32: with an empty lpCommand no program is run when the service fails. */
    if (cmd == NULL || cmd[0] == '\0') {
        log_warnx("%s: the failure action is to run a command, but it has no FailureCommand", s->name);
        return;
    }
    line = scm_recovery_command(cmd, failure);
    rc = line ? scm->recovery->hooks.run(scm, s->cfg->object_name, line) : -ENOMEM;
    if (rc < 0)
        action_failed(scm, s, SC_ACTION_RUN_COMMAND, svc_errno_to_win32(rc));
    free(line);
}

static void reboot(struct scm *scm, struct scm_service *s)
{
    struct svc_scm_config cfg;
    struct svc_diag diag = { 0 };
    const char *msg = s->cfg->reboot_message;
    int rc;

    /* Read now: whether this machine may be rebooted is the policy of the
     * moment, and a reboot is rare enough to pay for the read. */
    svc_config_load_scm(scm->root, &cfg, &diag);
    svc_diag_free(&diag);
    if (msg != NULL && msg[0] != '\0')
        log_warnx("%s: reboot message: %s", s->name, msg);
    if (!cfg.allow_reboot) {
        log_warnx("%s: reboot refused: AllowReboot is not 1 in scm.ini", s->name);
        action_failed(scm, s, SC_ACTION_REBOOT, ERROR_ACCESS_DENIED);
    } else if (cfg.reboot_command == NULL || cfg.reboot_command[0] == '\0') {
        log_warnx("%s: reboot refused: out of memory for RebootCommand", s->name);
        action_failed(scm, s, SC_ACTION_REBOOT, ERROR_NOT_ENOUGH_MEMORY);
    } else {
        log_warnx("%s: rebooting: %s", s->name, cfg.reboot_command);
        rc = scm->recovery->hooks.run(scm, NULL, cfg.reboot_command);
        if (rc < 0)
            action_failed(scm, s, SC_ACTION_REBOOT, svc_errno_to_win32(rc));
    }
    svc_scm_config_free(&cfg);
}

static void on_due(uv_timer_t *t)
{
    struct pending *p = t->data;
    struct scm *scm = p->scm;
    struct scm_service *s = scm_service_find(scm, p->name);
    uint32_t type = p->type, failure = p->failure;

    pending_drop(scm->recovery, p);
    save(scm);
    /* Gone, or a new service of that name (it has not failed). */
    if (s == NULL || s->failures == 0 || scm->shutting_down)
        return;
    switch (type) {
    case SC_ACTION_RESTART:
        restart(scm, s);
        break;
    case SC_ACTION_RUN_COMMAND:
        run_command(scm, s, failure);
        break;
    case SC_ACTION_REBOOT:
        reboot(scm, s);
        break;
    default:
        break;
    }
}

static void schedule(struct scm *scm, struct scm_service *s, uint32_t type, uint32_t delay_ms)
{
    struct scm_recovery *r = scm->recovery;
    struct pending *p;

    /* One waiting action a service: the newer failure's. */
    for (p = r->pending; p; p = p->next)
        if (strcasecmp(p->name, s->name) == 0) {
            uv_timer_stop(&p->timer);
            pending_drop(r, p);
            break;
        }
    p = calloc(1, sizeof *p);
    if (p == NULL || (p->name = strdup(s->name)) == NULL) {
        free(p);
        log_warnx("%s: out of memory for its failure action", s->name);
        return;
    }
    p->scm = scm;
    p->type = type;
    p->failure = s->failures;
    p->due_ms = r->hooks.now_ms(scm) + delay_ms;
    uv_timer_init(scm->loop, &p->timer);
    p->timer.data = p;
    p->next = r->pending;
    r->pending = p;
    /* The delay counts from the failure, not from the loop's last turn. */
    uv_update_time(scm->loop);
    uv_timer_start(&p->timer, on_due, delay_ms, 0);
    save(scm);
}

/* ---- failures ------------------------------------------------------------------ */

void scm_recovery_failed(struct scm *scm, struct scm_service *s, int crashed)
{
    const struct svc_service_config *c = s->cfg;
    const struct svc_failure_action *a = NULL;
    int64_t now;

    if (scm->recovery == NULL)
        return;
    /* SERVICE_FAILURE_ACTIONS_FLAG is ignored unless the service has
     * failure actions. */
    if (!crashed && !(c->failure_non_crash && c->n_failure_actions > 0))
        return;
    now = scm->recovery->hooks.now_ms(scm);
    /* The count goes back to 0 after dwResetPeriod seconds without a
     * failure; INFINITE: never.  Without actions there is no period
     * (Win32 ignores dwResetPeriod when lpsaActions is NULL): the count
     * of 7034 only grows. */
    if (s->failures > 0 && c->n_failure_actions > 0 && c->failure_reset_s != INFINITE &&
        now - s->last_failure_ms > (int64_t)c->failure_reset_s * 1000)
        s->failures = 0;
    if (s->failures < UINT32_MAX)
        s->failures++;
    s->last_failure_ms = now;

    /* The Nth failure takes the Nth action; past the last, the last again. */
    if (c->n_failure_actions > 0 && c->failure_actions != NULL)
        a = &c->failure_actions[(s->failures < c->n_failure_actions ? s->failures
                                                                     : c->n_failure_actions) - 1];
    if (a == NULL || a->type == SC_ACTION_NONE || a->type > SC_ACTION_RUN_COMMAND ||
        scm->shutting_down || s->marked_for_delete || scm->loop == NULL) {
        save(scm);
        if (crashed)
            event(scm, 7034, s,
                      "The %s service terminated unexpectedly. It has done this %" PRIu32 " time(s).",
                      scm_service_display(s), s->failures);
        return;
    }
    /* Scheduled (and so written to run/failures) before it is told. */
    schedule(scm, s, a->type, a->delay_ms);
    event(scm, 7031, s,
              "The %s service terminated unexpectedly. It has done this %" PRIu32 " time(s). The "
              "following corrective action will be taken in %" PRIu32 " milliseconds: %s.",
              scm_service_display(s), s->failures, a->delay_ms, action_texts[a->type]);
}

void scm_recovery_free(struct scm *scm)
{
    struct scm_recovery *r = scm->recovery;

    if (r == NULL)
        return;
    /* A clean stop: what waits is cancelled, in the file too. */
    if (r->pending != NULL) {
        while (r->pending)
            pending_drop(r, r->pending);
        save(scm);
    }
    free(r);
    scm->recovery = NULL;
}
