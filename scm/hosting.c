/*
 * hosting.c - services in host processes (see hosting.h).
 */
#include "hosting.h"
#include "access.h"
#include "account.h"
#include "control.h"
#include "effects.h"
#include "events.h"
#include "jobs.h"
#include "journal.h"
#include "recovery.h"
#include "service_db.h"
#include "spawn.h"
#include "state.h"
#include "table.h"
#include "trust.h"
#include "usage.h"
#include "log.h"
#include "privileges.h"
#include "win32.h"

#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/*
 * What hosting remembers between calls (scm->hosting): the last
 * descriptor text decided public or not, and, for each svchost group
 * with services in its hosts, how many and the account the first of them
 * runs as.  All of a group's services run as one account (checked at
 * each start), so that one account stands for them all, and a start
 * among 1,000 running services of a group compares one account, not
 * 1,000.
 */
struct group_account {
    char *group;                    /* as the host names it */
    char *account;                  /* ObjectName, NULL: LocalSystem */
    unsigned placed;                /* its services with a host */
};

/*
 * The plugin files each host loaded for its services, and how many of the
 * services it has now (placed there) were started from each.  While one
 * is, the host has that file loaded: it unloads a plugin only after the
 * service that loaded it stopped, and a start from the same path maps
 * nothing new (host/modules.c matches the path).  So such a start needs
 * no new trust check: 1,000 services of one plugin are checked once.
 */
struct host_dll {
    struct scm_host *host;
    char *path;                     /* as svc_resolve_service_dll gives it */
    unsigned users;
};

struct scm_hosting {
    char *public_text;
    int public;
    struct group_account *groups;
    size_t n_groups, cap_groups;
    struct host_dll *dlls;
    size_t n_dlls, cap_dlls;
};

static struct scm_hosting *memo(struct scm *scm)
{
    if (scm->hosting == NULL)
        scm->hosting = calloc(1, sizeof *scm->hosting);
    return scm->hosting;
}

void scm_hosting_free(struct scm *scm)
{
    struct scm_hosting *m = scm->hosting;

    if (m == NULL)
        return;
    for (size_t i = 0; i < m->n_groups; i++) {
        free(m->groups[i].group);
        free(m->groups[i].account);
    }
    free(m->groups);
    for (size_t i = 0; i < m->n_dlls; i++)
        free(m->dlls[i].path);
    free(m->dlls);
    free(m->public_text);
    free(m);
    scm->hosting = NULL;
}

static struct group_account *group_find(struct scm *scm, const char *group)
{
    struct scm_hosting *m = scm->hosting;

    for (size_t i = 0; m != NULL && group != NULL && i < m->n_groups; i++)
        if (strcasecmp(m->groups[i].group, group) == 0)
            return &m->groups[i];
    return NULL;
}

/* s counted in (delta +1) or out of (-1) the group of host h. */
static void group_count(struct scm *scm, const struct scm_service *s, struct scm_host *h, int delta)
{
    const char *group = scm_host_group(h);
    struct group_account *g = group_find(scm, group);
    struct scm_hosting *m;

    if (group == NULL)
        return;     /* an own-process program */
    if (delta < 0) {
        if (g != NULL && --g->placed == 0) {
            free(g->group);
            free(g->account);
            *g = scm->hosting->groups[--scm->hosting->n_groups];
        }
        return;
    }
    if (g != NULL) {
        g->placed++;
        return;
    }
    if ((m = memo(scm)) == NULL)
        return;
    if (m->n_groups == m->cap_groups) {
        size_t cap = m->cap_groups ? m->cap_groups * 2 : 8;
        struct group_account *v = realloc(m->groups, cap * sizeof *v);
        if (v == NULL)
            return;     /* the check below then finds no account: it lets s in */
        m->groups = v;
        m->cap_groups = cap;
    }
    g = &m->groups[m->n_groups];
    g->group = strdup(group);
    g->account = s->cfg->object_name ? strdup(s->cfg->object_name) : NULL;
    g->placed = 1;
    if (g->group == NULL || (s->cfg->object_name != NULL && g->account == NULL)) {
        free(g->group);
        free(g->account);
        return;
    }
    m->n_groups++;
}

static struct host_dll *dll_find(struct scm *scm, const struct scm_host *h, const char *path)
{
    struct scm_hosting *m = scm->hosting;

    for (size_t i = 0; m != NULL && h != NULL && i < m->n_dlls; i++)
        if (m->dlls[i].host == h && strcmp(m->dlls[i].path, path) == 0)
            return &m->dlls[i];
    return NULL;
}

/* s, placed in h, was started from path (taken over). */
static void dll_hold(struct scm *scm, struct scm_service *s, struct scm_host *h, char *path)
{
    struct host_dll *d = dll_find(scm, h, path);
    struct scm_hosting *m = memo(scm);

    if (d == NULL && m != NULL && m->n_dlls == m->cap_dlls) {
        size_t cap = m->cap_dlls ? m->cap_dlls * 2 : 8;
        struct host_dll *v = realloc(m->dlls, cap * sizeof *v);
        if (v != NULL) {
            m->dlls = v;
            m->cap_dlls = cap;
        }
    }
    if (d == NULL && m != NULL && m->n_dlls < m->cap_dlls) {
        d = &m->dlls[m->n_dlls++];
        *d = (struct host_dll){ .host = h, .path = path };
        path = NULL;
    }
    free(path);
    if (d == NULL)
        return;     /* out of memory: its next start is checked again */
    d->users++;
    free(s->host_dll);
    s->host_dll = strdup(d->path);
    if (s->host_dll == NULL && --d->users == 0) {
        free(d->path);
        *d = scm->hosting->dlls[--scm->hosting->n_dlls];
    }
}

/* s leaves its host: one user of its plugin file fewer there. */
static void dll_drop(struct scm *scm, struct scm_service *s)
{
    struct host_dll *d;

    if (s->host_dll == NULL)
        return;
    if ((d = dll_find(scm, s->host, s->host_dll)) != NULL && --d->users == 0) {
        free(d->path);
        *d = scm->hosting->dlls[--scm->hosting->n_dlls];
    }
    free(s->host_dll);
    s->host_dll = NULL;
}

void scm_hosting_set_host(struct scm *scm, struct scm_service *s, struct scm_host *h)
{
    if (s->host == h)
        return;
    dll_drop(scm, s);
    if (s->host != NULL) {
        scm_host_place(s->host, -1);
        group_count(scm, s, s->host, -1);
    }
    s->host = h;
    if (h != NULL) {
        scm_host_place(h, +1);
        group_count(scm, s, h, +1);
    }
}

size_t scm_hosting_active(const struct scm *scm, const struct scm_host *h)
{
    (void)scm;
    return scm_host_placed(h);
}

static void release_if_idle(struct scm *scm, struct scm_host *h)
{
    if (h != NULL && scm_hosting_active(scm, h) == 0)
        scm_host_release(h);
}

/* ---- effects ------------------------------------------------------------------ */

/* Whether o runs (or may run) in the host of group: a share service of
 * that group's. */
static int in_host_group(const struct scm_service *o, const char *group)
{
    return o->host_group != NULL && strcasecmp(o->host_group, group) == 0;
}

/* ERROR_DIFFERENT_SERVICE_ACCOUNT if another service of s's group is
 * active under another account: one group, one identity, as Windows
 * (split hosting, which gives s a process of its own, does not hide it).
 * The group's account is the one its services started with (a running
 * service whose ObjectName has changed since keeps the old one until it
 * starts again). */
static DWORD same_account_as_group(struct scm *scm, const struct scm_service *s,
                                   const char *group)
{
    const struct group_account *g = group_find(scm, group);

    if (g == NULL || (g->placed == 1 && s->host != NULL) ||
        scm_account_same(scm, g->account, s->cfg->object_name))
        return NO_ERROR;
    log_warnx("%s: refused: its account %s differs from that of the running services of group "
              "%s (%s)", s->name, scm_account_name(s->cfg->object_name), group,
              scm_account_name(g->account));
    return ERROR_DIFFERENT_SERVICE_ACCOUNT;
}

/* The capabilities of a host for s (docs/security.md): the union of the
 * RequiredPrivileges of the services it may run (s alone when it has a
 * process of its own; else its group's, of its account), as a Windows
 * host token is.  *limit 0: no limit (LocalSystem with a service that
 * names no privileges keeps root's, as Windows keeps the token's). */
static DWORD host_caps(struct scm *scm, const struct scm_service *s, const char *group,
                       const struct scm_account *a, int *limit, uint64_t *caps)
{
    *limit = 1;
    *caps = 0;
    for (const struct scm_service *o = scm->services; o; o = o->next) {
        uint64_t more = 0;
        const char *bad = NULL;

        if (o != s && (group == NULL || !in_host_group(o, group) ||
                       !scm_account_same(scm, o->cfg->object_name, s->cfg->object_name)))
            continue;
        if (o->cfg->required_privileges == NULL) {
            if (a->kind == SCM_ACCOUNT_SYSTEM)
                *limit = 0;
            continue;   /* another account's default: no capability */
        }
        if (svc_privileges_caps(o->cfg->required_privileges, &more, &bad) < 0) {
            log_warnx("%s: RequiredPrivileges names %s, which is no privilege", o->name,
                      bad ? bad : "?");
            return ERROR_INVALID_PARAMETER;
        }
        *caps |= more;
    }
    return NO_ERROR;
}

/* The Unix group that stands for o's service SID (docs/security.md):
 * "svc-" and its name in lower case, when that is a group name (32
 * characters at most, of a-z, 0-9, '_', '-' and '.'); NULL otherwise. */
static int service_sid_group(const struct scm_service *o, char *name, size_t n)
{
    size_t len = strlen(o->name);

    if (len + 4 > 32 || len + 5 > n)
        return -1;
    memcpy(name, "svc-", 4);
    for (size_t i = 0; i <= len; i++) {
        char c = o->name[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        else if (c != '\0' && !(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') && c != '_' &&
                 c != '-' && c != '.')
            return -1;
        name[4 + i] = c;
    }
    return 0;
}

/* Adds to a's groups the group of each service SID of the host: the
 * services with a ServiceSidType other than none among those it may run
 * (the same set as host_caps'), as a Windows host token holds the SIDs
 * of its services.  A service whose group does not exist adds none. */
static DWORD add_service_sid_groups(struct scm *scm, const struct scm_service *s,
                                    const char *group, struct scm_account *a)
{
    for (const struct scm_service *o = scm->services; o; o = o->next) {
        char name[40];
        struct group *g;
        gid_t *more;

        if (o->cfg->sid_type == SERVICE_SID_TYPE_NONE ||
            (o != s && (group == NULL || !in_host_group(o, group) ||
                        !scm_account_same(scm, o->cfg->object_name, s->cfg->object_name))))
            continue;
        if (service_sid_group(o, name, sizeof name) < 0 || (g = getgrnam(name)) == NULL) {
            log_debug("%s: no group %s for its service SID", o->name, name);
            continue;
        }
        more = realloc(a->groups, ((size_t)a->n_groups + 1) * sizeof *more);
        if (more == NULL)
            return ERROR_NOT_ENOUGH_MEMORY;
        a->groups = more;
        a->groups[a->n_groups++] = g->gr_gid;
    }
    return NO_ERROR;
}

/* The identity of a host for s, into id (its strings a's): the account
 * always (it must still exist), the groups of its services' SIDs and the
 * capabilities only for a new host (new_host), which is when they are
 * taken. */
static DWORD host_identity(struct scm *scm, const struct scm_service *s, const char *group,
                           int new_host, struct scm_account *a, struct scm_identity *id)
{
    DWORD err = scm_account_lookup(scm, s->cfg->object_name, a);

    memset(id, 0, sizeof *id);
    if (err == ERROR_INVALID_SERVICE_ACCOUNT) {
        /* It existed when the service was installed (1057 then). */
        log_warnx("%s: refused to start: its account %s does not exist", s->name,
                  scm_account_name(s->cfg->object_name));
        scm_event(scm, 7038, s->name, "The %s service was unable to log on as %s with the "
                  "currently configured password due to the following error: %s",
                  scm_service_display(s), scm_account_name(s->cfg->object_name),
                  svc_win32_message(ERROR_INVALID_SERVICE_ACCOUNT));
        return ERROR_SERVICE_LOGON_FAILED;
    }
    if (err == NO_ERROR && new_host)
        err = add_service_sid_groups(scm, s, group, a);
    if (err != NO_ERROR)
        return err;
    if (scm->self_uid != 0) {
        /* An scmd that is not root cannot give a host another identity. */
        if (a->kind == SCM_ACCOUNT_SYSTEM || a->uid == scm->self_uid)
            return NO_ERROR;
        log_warnx("%s: cannot run as %s: scmd is not root", s->name,
                  scm_account_name(s->cfg->object_name));
        return ERROR_SERVICE_LOGON_FAILED;
    }
    id->change = a->kind != SCM_ACCOUNT_SYSTEM;
    id->uid = a->uid;
    id->gid = a->gid;
    id->groups = a->groups;
    id->n_groups = a->n_groups;
    id->user = a->user;
    id->home = a->home;
    id->shell = a->shell;
    return new_host ? host_caps(scm, s, group, a, &id->limit_caps, &id->caps) : NO_ERROR;
}

/* Whether the code s would load is trusted (trust.h) for a host of uid.
 * For a share service going into the live host h (or NULL), *dll is its
 * plugin file as resolved, or NULL (none set, or no memory). */
static DWORD trusted(struct scm *scm, const struct scm_service *s, const char *group,
                     struct scm_host *h, uid_t uid, char **dll)
{
    char reason[PATH_MAX + 200] = "";
    DWORD err;

    *dll = NULL;
    if (group != NULL) {
        const char *v = s->cfg->service_dll;

        if (v != NULL && *v != '\0' && (*dll = svc_resolve_service_dll(v)) != NULL &&
            dll_find(scm, h, *dll) != NULL)
            return NO_ERROR;
        err = scm_trust_service_dll(v, uid, reason, sizeof reason);
    } else {
        char **words = NULL;
        int n = svc_split_command_line(s->cfg->image_path, &words);
        err = n > 0 && words[0][0] == '/' ? scm_trust_file(words[0], uid, reason, sizeof reason)
                                          : NO_ERROR;
        svc_strv_free(words);
    }
    if (err == ERROR_ACCESS_DENIED) {
        log_warnx("%s: refused to start: %s", s->name, reason);
        scm_event(scm, SCM_EVENT_UNTRUSTED_CODE, s->name, "The %s service was not started: "
                  "its code is not trusted: %s", scm_service_display(s), reason);
    }
    return err;
}

/* What the host is sent with a share service's start: the plugin as the
 * trust check saw it, and the values the host would otherwise read from
 * the service's file.  NULL when out of memory. */
static struct svc_start_plugin *start_plugin(const struct scm_service *s)
{
    struct svc_start_plugin *p = calloc(1, sizeof *p);
    const char *bad;

    if (p == NULL || svc_start_plugin_from_config(s->cfg, p, &bad) < 0) {
        free(p);
        return NULL;
    }
    if (bad != NULL)
        log_warnx("%s: [Parameters] ServiceDllUnloadOnStop = %s is not a number; the plugin "
                  "stays loaded", s->name, bad);
    return p;
}

static DWORD start_in_host(struct scm *scm, struct scm_service *s, char *const *args)
{
    const char *group = s->host_group;
    struct scm_host *h = NULL;
    struct scm_account a = { 0 };
    struct scm_identity id;
    DWORD err = NO_ERROR;
    char *dll = NULL;
    struct svc_start_plugin *plugin = NULL;
    int split = 0;

    if (group != NULL && (err = same_account_as_group(scm, s, group)) != NO_ERROR)
        goto out;
    if (group != NULL) {
        /* One process per group, or per service when split: reuse the
         * live host that fits. */
        split = scm_db_wants_split(scm, s, group);
        h = scm_host_find(scm, group, split ? s->name : NULL);
    }
    if ((err = host_identity(scm, s, split ? NULL : group, h == NULL, &a, &id)) != NO_ERROR)
        goto out;
    if ((err = trusted(scm, s, group, h, id.change ? id.uid : scm->self_uid, &dll)) != NO_ERROR)
        goto out;
    if (h == NULL)
        h = scm_spawn_host(scm, s->cfg->image_path, group, s->name, split ? s->name : NULL, &id,
                           &err);
    if (h == NULL)
        goto out;
    scm_hosting_set_host(scm, s, h);
    s->started_in_host = 0;
    if (group != NULL && (plugin = start_plugin(s)) == NULL)
        err = ERROR_NOT_ENOUGH_MEMORY;
    else
        err = scm_host_start(h, s->name, args, plugin);
    if (err == NO_ERROR && dll != NULL) {
        dll_hold(scm, s, h, dll);
        dll = NULL;
    }
out:
    free(dll);
    scm_account_free(&a);
    return err;
}

static void leave_host(struct scm *scm, struct scm_service *s)
{
    struct scm_host *h = s->host;

    scm_hosting_set_host(scm, s, NULL);
    s->started_in_host = 0;
    release_if_idle(scm, h);
}

static void kill_host_if_alone(struct scm *scm, struct scm_service *s)
{
    /* s itself is still counted in its host. */
    if (s->host == NULL || scm_hosting_active(scm, s->host) > 1)
        return;
    scm_host_kill(s->host);
}

static int host_connected(struct scm *scm, const struct scm_service *s)
{
    (void)scm;
    return s->host != NULL && scm_host_connected(s->host);
}

static DWORD host_pid(struct scm *scm, const struct scm_service *s)
{
    (void)scm;
    return s->host != NULL ? (DWORD)scm_host_pid(s->host) : 0;
}

static void on_deadline(struct scm *scm, struct scm_deadline *d)
{
    scm_state_event(scm, d->data, EV_TIMEOUT, NULL);
}

static void arm(struct scm *scm, struct scm_service *s, unsigned ms)
{
    s->deadline.data = s;
    scm_deadline_start(scm, &s->deadline, ms, on_deadline);
}

static void disarm(struct scm *scm, struct scm_service *s)
{
    (void)scm;
    scm_deadline_stop(&s->deadline);
}

static void changed(struct scm *scm, struct scm_service *s)
{
    scm_db_touch(scm, s);
    scm_jobs_update(scm);
}

static void failed(struct scm *scm, struct scm_service *s, int crashed)
{
    scm_recovery_failed(scm, s, crashed);
}

static void event(struct scm *scm, unsigned id, const char *service, const char *text)
{
    scm_event_text(scm, id, service, text);
}

static int decide_public(struct scm *scm, const struct scm_service *s)
{
    struct scm_hosting *m = memo(scm);
    const char *text = scm_access_sddl(scm, SCM_OBJ_SERVICE, s);
    char *copy;

    if (m == NULL)
        return scm_access_public(scm, SCM_OBJ_SERVICE, s, SERVICE_QUERY_STATUS);
    if (m->public_text != NULL && strcmp(m->public_text, text) == 0)
        return m->public;
    if ((copy = strdup(text)) == NULL)
        return scm_access_public(scm, SCM_OBJ_SERVICE, s, SERVICE_QUERY_STATUS);
    free(m->public_text);
    m->public_text = copy;
    m->public = scm_access_public(scm, SCM_OBJ_SERVICE, s, SERVICE_QUERY_STATUS);
    return m->public;
}

/* Whether every user may read s's status: decided over its descriptor,
 * remembered for the last text seen. */
static void published(struct scm *scm, const struct scm_service *s)
{
    scm_table_set(scm, s, decide_public(scm, s));
}

static void recorded(struct scm *scm, const struct scm_service *s)
{
    scm_journal_service(scm, s->name, &s->status, s->crashes);
}

const struct scm_effects scm_hosting_effects = {
    .start_in_host = start_in_host,
    .leave_host = leave_host,
    .kill_host_if_alone = kill_host_if_alone,
    .host_connected = host_connected,
    .host_pid = host_pid,
    .arm = arm,
    .disarm = disarm,
    .changed = changed,
    .failed = failed,
    .event = event,
    .recorded = recorded,
    .published = published,
};

/* ---- what hosts report ------------------------------------------------------------ */

/* The service name of h, if this SCM started it there. */
static struct scm_service *its(struct scm *scm, struct scm_host *h, const char *name)
{
    struct scm_service *s = scm_service_find(scm, name);
    return s != NULL && s->host == h ? s : NULL;
}

static DWORD on_status(struct scm *scm, struct scm_host *h, const char *name, const SERVICE_STATUS *st)
{
    struct scm_service *s = its(scm, h, name);

    if (s == NULL)
        return ERROR_SERVICE_NOT_IN_EXE;
    scm_state_event(scm, s, EV_STATUS, &(struct scm_event_data){ .status = st });
    return NO_ERROR;
}

static void on_started(struct scm *scm, struct scm_host *h, const char *name, DWORD err)
{
    struct scm_service *s = its(scm, h, name);

    if (s != NULL && err == NO_ERROR) {
        s->started_in_host = 1;
        scm_jobs_update(scm);
    } else if (s != NULL) {
        scm_state_event(scm, s, EV_START_FAILED, &(struct scm_event_data){ .error = err });
    }
    release_if_idle(scm, h);
}

static void on_controlled(struct scm *scm, struct scm_host *h, const char *name, uint32_t id,
                          DWORD result)
{
    struct scm_service *s = scm_service_find(scm, name);

    if (s != NULL)
        scm_control_done(scm, s, id, result);
    release_if_idle(scm, h);
}

static void on_queried(struct scm *scm, struct scm_host *h, void *cookie, struct svc_msg_usage *rows,
                       uint32_t n)
{
    scm_usage_host_done(scm, cookie, rows, n);
    if (rows != NULL)
        release_if_idle(scm, h);
}

static void on_exited(struct scm *scm, struct scm_host *h)
{
    for (struct scm_service *s = scm->services; s; s = s->next) {
        if (s->host != h)
            continue;
        scm_state_event(scm, s, EV_HOST_EXIT, NULL);
        scm_hosting_set_host(scm, s, NULL);
        s->started_in_host = 0;
    }
}

/* Whether h may log for s: a service it runs, or ran (a plugin may log
 * after its service reported STOPPED, from a stop callback or a thread
 * still ending): one of its own group, its split service, or its
 * own-process service. */
static int may_log_for(struct scm_host *h, const struct scm_service *s)
{
    const char *group = scm_host_group(h), *one;

    if (s->host == h)
        return 1;
    if (group == NULL)
        return (one = scm_host_own_service(h)) != NULL && strcasecmp(one, s->name) == 0;
    if ((one = scm_host_split_service(h)) != NULL)
        return strcasecmp(one, s->name) == 0;
    return in_host_group(s, group);
}

static DWORD on_log(struct scm *scm, struct scm_host *h, const char *name, unsigned level,
                    const char *text)
{
    struct scm_service *s = scm_service_find(scm, name);

    if (s == NULL || !may_log_for(h, s))
        return ERROR_SERVICE_NOT_IN_EXE;
    /* Under the installed name, as the events of the SCM are. */
    scm_event_plugin(scm, s->name, level, text);
    return NO_ERROR;
}

static void on_log_dropped(struct scm *scm, struct scm_host *h, const char *name,
                           unsigned long dropped)
{
    struct scm_service *s = scm_service_find(scm, name);
    const char *who = s != NULL && may_log_for(h, s) ? s->name : NULL;
    char text[200];

    if (dropped == 0)
        snprintf(text, sizeof text,
                 "Log lines of host process %d are dropped: more than %u at once, or %u a second.",
                 (int)scm_host_pid(h), SCM_HOST_LOG_BURST, SCM_HOST_LOG_PER_SEC);
    else
        snprintf(text, sizeof text, "%lu log line(s) of host process %d were dropped.", dropped,
                 (int)scm_host_pid(h));
    scm_event_plugin(scm, who ? who : "-", SCM_EVENT_PLUGIN_WARNING, text);
}

const struct scm_host_hooks scm_hosting_hooks = {
    .status = on_status,
    .started = on_started,
    .controlled = on_controlled,
    .queried = on_queried,
    .log = on_log,
    .log_dropped = on_log_dropped,
    .exited = on_exited,
    .freed = NULL,     /* scm.c: the shutdown check */
};
