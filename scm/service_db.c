/*
 * service_db.c - the service database on disk (see service_db.h).
 */
#include "service_db.h"
#include "account.h"
#include "conn.h"
#include "deps.h"
#include "events.h"
#include "state.h"
#include "table.h"
#include "log.h"
#include "paths.h"
#include "privileges.h"
#include "sddl.h"
#include "threads.h"
#include "win32.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* svchost.ini as scmd last read or wrote it.  Every change of a
 * membership is made here and written from here, so a CreateService
 * among 10,000 services does not read and parse the whole file first;
 * it is read again only when someone else changed it. */
struct scm_groups_cache {
    struct svc_groups *groups;     /* NULL: none or unreadable */
    int load_rc;                   /* of the last read: 0, -ENOENT, or why it failed */
    struct stat seen;
    int loaded;
};

static struct scm_groups_cache *groups_cache(struct scm *scm);
static int set_membership(struct scm *scm, const char *name, const char *group);
static void groups_written(struct scm *scm);

static void log_diag(struct svc_diag *d)
{
    for (size_t i = 0; i < d->n; i++)
        log_warnx("%s", d->lines[i]);
    svc_diag_free(d);
}

static struct scm_service *add_service(struct scm *scm, struct svc_service_config *cfg)
{
    struct scm_service *s = scm_service_new(cfg);
    if (s == NULL)
        return NULL;
    if (scm_service_link(scm, s) < 0) {
        s->cfg = NULL;      /* the caller's again */
        scm_service_free(s);
        return NULL;
    }
    scm_table_add(scm, s);
    scm_state_init(scm, s);
    return s;
}

/*
 * Reading and parsing the service files is most of scmd's start (10,000
 * files: about 200 ms of a 300 ms start on one CPU).  The files are read
 * by as many threads as there are CPUs (up to LOAD_THREADS), each taking
 * the next LOAD_CHUNK names; the loop then adds the services, and logs
 * what their files said, in name order, as one thread would.
 */
#define LOAD_THREADS 4
#define LOAD_CHUNK 32
#define LOAD_PARALLEL_MIN 256   /* fewer files are read by the loop alone */

struct loading {
    const char *root;
    char **names;
    size_t n;
    size_t next;                        /* the next name to take (atomic) */
    struct svc_service_config **cfg;
    struct svc_diag *diag;
    int *rc;
};

static void *load_some(void *arg)
{
    struct loading *l = arg;
    size_t i;

    while ((i = __atomic_fetch_add(&l->next, LOAD_CHUNK, __ATOMIC_RELAXED)) < l->n)
        for (size_t end = i + LOAD_CHUNK < l->n ? i + LOAD_CHUNK : l->n; i < end; i++)
            l->rc[i] = svc_config_load_service(l->root, l->names[i], &l->cfg[i], &l->diag[i]);
    return NULL;
}

/* A file read (rc its result): its diagnostics, and its service unless
 * one of that name is loaded already. */
static void add_loaded(struct scm *scm, const char *name, struct svc_service_config *cfg,
                       struct svc_diag *diag, int rc)
{
    if (scm_service_find(scm, name) != NULL) {
        svc_diag_free(diag);            /* a second file for one name */
        svc_service_config_free(cfg);
        return;
    }
    log_diag(diag);
    if (rc < 0)
        log_warnx("service %s not loaded", name);
    else if (add_service(scm, cfg) == NULL)
        svc_service_config_free(cfg);
}

/* Loads the services named (sorted) that are not loaded yet. */
static void load_all(struct scm *scm, char **names, size_t n)
{
    struct loading l = { .root = scm->root, .names = names, .n = n };
    pthread_t tid[LOAD_THREADS];
    unsigned helpers = 0, want = svc_cpu_count();

    l.cfg = calloc(n, sizeof *l.cfg);
    l.diag = calloc(n, sizeof *l.diag);
    l.rc = calloc(n, sizeof *l.rc);
    if (l.cfg == NULL || l.diag == NULL || l.rc == NULL) {
        free(l.cfg);
        free(l.diag);
        free(l.rc);
        /* No memory for the lists: one by one. */
        for (size_t i = 0; i < n; i++) {
            struct svc_service_config *cfg = NULL;
            struct svc_diag diag = { 0 };

            int rc = svc_config_load_service(scm->root, names[i], &cfg, &diag);

            add_loaded(scm, names[i], cfg, &diag, rc);
        }
        return;
    }
    if (n >= LOAD_PARALLEL_MIN)
        while (helpers + 1 < want && helpers < LOAD_THREADS &&
               pthread_create(&tid[helpers], NULL, load_some, &l) == 0)
            helpers++;
    load_some(&l);
    for (unsigned t = 0; t < helpers; t++)
        pthread_join(tid[t], NULL);
    for (size_t i = 0; i < n; i++)
        add_loaded(scm, names[i], l.cfg[i], &l.diag[i], l.rc[i]);
    free(l.cfg);
    free(l.diag);
    free(l.rc);
}

/* The group a service's file puts it in (share services whose ImagePath
 * is "svchost -k GROUP"), malloc'd, or NULL. */
static char *file_group(const struct svc_service_config *c)
{
    char *group = NULL;

    if (!(c->type & SERVICE_WIN32_SHARE_PROCESS) || svc_imagepath_group(c->image_path, &group) != 1)
        return NULL;
    return group;
}

/* Who svchost.ini lists, sorted by name, so that each loaded service
 * finds its listed group by binary search: a per-service walk of every
 * group's members made a start with 10,000 services quadratic. */
struct listed {
    const char *name, *group;       /* the groups' own strings */
};

static int listed_cmp(const void *a, const void *b)
{
    return strcasecmp(((const struct listed *)a)->name, ((const struct listed *)b)->name);
}

/* The members of every group in g, sorted, into *out (*n of them; NULL
 * when there are none).  0 or -ENOMEM. */
static int listed_sorted(const struct svc_groups *g, struct listed **out, size_t *n)
{
    struct listed *v;
    size_t total = 0, k = 0;

    *out = NULL;
    *n = 0;
    for (size_t i = 0; g != NULL && i < g->n; i++)
        total += g->groups[i].n_services;
    if (total == 0)
        return 0;
    if ((v = malloc(total * sizeof *v)) == NULL)
        return -ENOMEM;
    for (size_t i = 0; i < g->n; i++)
        for (size_t m = 0; m < g->groups[i].n_services; m++)
            v[k++] = (struct listed){ g->groups[i].services[m], g->groups[i].name };
    qsort(v, total, sizeof *v, listed_cmp);
    *out = v;
    *n = total;
    return 0;
}

/* The entry of name, or NULL (the reader lists a name once, in one
 * group). */
static struct listed *listed_find(struct listed *v, size_t n, const char *name)
{
    struct listed key = { name, NULL };
    return n ? bsearch(&key, v, n, sizeof *v, listed_cmp) : NULL;
}

/*
 * A change is written service file first, svchost.ini second (persist),
 * and a deletion the other way round (remove_from_disk), so a crash in
 * between leaves a service file whose group svchost.ini does not show
 * yet, or still shows.  The service file is the truth: at start each
 * loaded service's membership is made what its file says.  Names that
 * svchost.ini lists without a service file are left to whoever wrote
 * them (scmd never leaves one behind).
 */
static void repair_groups(struct scm *scm)
{
    struct scm_groups_cache *c = groups_cache(scm);
    struct listed *v;
    size_t n, changed = 0;
    int rc;

    if (c == NULL || (c->load_rc < 0 && c->load_rc != -ENOENT))
        return;     /* a malformed file is left for a person to fix */
    if (c->groups == NULL && (c->groups = calloc(1, sizeof *c->groups)) == NULL)
        return;
    /* Looked up in the file as read: each change below concerns its own
     * name only, so the others' lookups stay true. */
    if (listed_sorted(c->groups, &v, &n) < 0)
        return;     /* out of memory: nothing is repaired */
    for (struct scm_service *s = scm->services; s != NULL; s = s->next) {
        char *want = file_group(s->cfg);
        struct listed *e = listed_find(v, n, s->name);
        const char *have = e ? e->group : NULL;

        if (want == NULL ? have != NULL : have == NULL || strcasecmp(want, have) != 0) {
            rc = svc_groups_set_membership(c->groups, s->name, want);
            if (rc < 0)
                log_warnx("svchost.ini: cannot put %s in its group: %s", s->name, strerror(-rc));
            else
                log_info("svchost.ini: %s %s%s, as its service file says", s->name,
                         want ? "put in group " : "taken out of its group", want ? want : "");
            changed += rc > 0;
            /* The change freed the listed spelling of the name: the
             * service's own keeps the order for the searches to come. */
            if (e != NULL && rc > 0)
                *e = (struct listed){ s->name, NULL };
        }
        free(want);
    }
    free(v);
    /* Written once, however many services it concerned. */
    if (changed > 0) {
        rc = svc_config_write_groups(scm->root, c->groups);
        if (rc < 0) {
            log_warnx("svchost.ini: cannot write the repaired groups: %s", strerror(-rc));
            c->loaded = 0;
        } else {
            groups_written(scm);
        }
    }
}

/* Pieces of a long name are directories (svc_path_service_file); no name
 * needs more than a few. */
#define LOAD_MAX_DEPTH 8

/* The names of the service files found, to be loaded in name order (so
 * each goes at the end of the table). */
struct found {
    char **names;
    size_t n, cap;
};

static int found_add(struct found *f, char *name)
{
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 64;
        char **v = realloc(f->names, cap * sizeof *v);
        if (v == NULL)
            return -ENOMEM;
        f->names = v;
        f->cap = cap;
    }
    f->names[f->n++] = name;
    return 0;
}

static int name_cmp(const void *a, const void *b)
{
    return strcasecmp(*(char *const *)a, *(char *const *)b);
}

/* Collects the names of the services whose files are under dir, which is
 * rel below services/ ("" at the top).  A file is a service only if the
 * name it stands for maps back to it. */
static int load_dir(struct scm *scm, const char *dir, const char *rel, int depth, struct found *f)
{
    DIR *d = opendir(dir);
    struct dirent *e;

    if (d == NULL) {
        int rc = errno == ENOENT && depth == 0 ? 0 : -errno;
        if (rc < 0)
            log_warn("%s", dir);
        return rc;
    }
    while ((e = readdir(d)) != NULL) {
        char *sub = NULL, *sub_rel = NULL, *name = NULL, *back = NULL;
        size_t len = strlen(e->d_name);
        int is_dir;

        if (e->d_name[0] == '.')
            continue;
        /* The common case, a regular NAME.ini at the top whose name has
         * no '%' and is short enough for one file name: the file the name
         * maps to, without building that path again to compare. */
        if (depth == 0 && e->d_type == DT_REG && len > 4 && len <= 255 &&
            strcmp(e->d_name + len - 4, ".ini") == 0 && strchr(e->d_name, '%') == NULL) {
            if ((name = strndup(e->d_name, len - 4)) != NULL && svc_name_valid(name) &&
                found_add(f, name) == 0)
                name = NULL;
            free(name);
            continue;
        }
        if (asprintf(&sub, "%s/%s", dir, e->d_name) < 0)
            break;
        if (asprintf(&sub_rel, "%s%s%s", rel, rel[0] ? "/" : "", e->d_name) < 0) {
            free(sub);
            break;
        }
        if (e->d_type == DT_DIR || e->d_type == DT_REG) {
            is_dir = e->d_type == DT_DIR;
        } else {
            struct stat st;     /* the file system does not say: ask */
            is_dir = stat(sub, &st) == 0 && S_ISDIR(st.st_mode);
        }
        if (is_dir) {
            if (depth < LOAD_MAX_DEPTH)
                load_dir(scm, sub, sub_rel, depth + 1, f);
        } else if ((name = svc_service_name_from_file(sub_rel)) != NULL &&
                   svc_name_valid(name) && (back = svc_path_service_file(scm->root, name)) != NULL &&
                   strcmp(back, sub) == 0 && found_add(f, name) == 0) {
            name = NULL;
        }
        free(back);
        free(name);
        free(sub_rel);
        free(sub);
    }
    closedir(d);
    return 0;
}

/* ---- security descriptors (sc sdset) ------------------------------------------- */

/* A descriptor that holds everyone off but root (the owner, who may read
 * and replace it) and the BUILTIN\Administrators: what a malformed
 * config/scm.sddl leaves, rather than the more open default. */
#define MANAGER_SDDL_UNREADABLE "O:SYG:SYD:(A;;KA;;;SY)(A;;KA;;;BA)"

/* Reads config/scm.sddl, the SCM's own descriptor; none: the default. */
static int load_manager_security(struct scm *scm)
{
    char *path = svc_path_scm_security(scm->root), buf[65536 + 2], *canon, why[200];
    FILE *f;
    size_t n;
    int rc;

    if (path == NULL)
        return -ENOMEM;
    free(scm->manager_sddl);
    scm->manager_sddl = NULL;
    f = fopen(path, "re");
    if (f == NULL) {
        rc = errno == ENOENT ? 0 : -errno;
        if (rc < 0)
            log_warn("%s", path);
        free(path);
        return rc;
    }
    n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
        buf[--n] = '\0';
    rc = svc_sddl_canonical(buf, &canon, why, sizeof why);
    if (rc == -ENOMEM) {
        free(path);
        return rc;
    }
    if (rc < 0 || strlen(buf) != n) {
        log_warnx("%s: %s; only root and the administrators have access to the SCM", path,
                  rc < 0 ? why : "not one line of text");
        free(canon);
        canon = strdup(MANAGER_SDDL_UNREADABLE);
        if (canon == NULL) {
            free(path);
            return -ENOMEM;
        }
    }
    scm->manager_sddl = canon;
    free(path);
    return 0;
}

int scm_db_load(struct scm *scm)
{
    char *dir = svc_path_services_dir(scm->root);
    int removed, rc;

    if (dir == NULL)
        return -ENOMEM;
    /* Left by an scmd that died in the middle of a write. */
    removed = svc_config_remove_temporaries(scm->root);
    if (removed > 0)
        log_info("removed %d temporary file%s left by an interrupted write", removed,
                 removed == 1 ? "" : "s");
    struct found f = { 0 };

    rc = load_dir(scm, dir, "", 0, &f);
    free(dir);
    if (f.n > 1)
        qsort(f.names, f.n, sizeof *f.names, name_cmp);
    if (rc == 0)
        load_all(scm, f.names, f.n);
    for (size_t i = 0; i < f.n; i++)
        free(f.names[i]);
    free(f.names);
    if (rc < 0)
        return rc;
    repair_groups(scm);
    return load_manager_security(scm);
}

void scm_db_free(struct scm *scm)
{
    free(scm->manager_sddl);
    scm->manager_sddl = NULL;
    scm_service_free_all(scm);
    if (scm->groups) {
        svc_groups_free(scm->groups->groups);
        free(scm->groups);
        scm->groups = NULL;
    }
}

/* ---- config <-> message --------------------------------------------------- */

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

/* An empty optional string means "not set" in the database. */
static char *dup_set(const char *s)
{
    return s && s[0] ? strdup(s) : NULL;
}

void scm_db_config_msg(const struct scm_service *s, struct svc_msg_config *m)
{
    const struct svc_service_config *c = s->cfg;

    memset(m, 0, sizeof *m);
    m->mask = SVC_CFG_ALL;
    m->name = dup_or_null(s->name);
    m->display_name = dup_or_null(c->display_name);
    m->description = dup_or_null(c->description);
    m->type = c->type;
    m->start = c->start;
    m->error_control = c->error_control;
    m->image_path = dup_or_null(c->image_path);
    m->load_order_group = dup_or_null(c->load_order_group);
    m->depend_on_service = svc_strv_dup(c->depend_on_service);
    m->depend_on_group = svc_strv_dup(c->depend_on_group);
    m->object_name = dup_or_null(c->object_name);
    m->service_dll = dup_or_null(c->service_dll);
    m->service_main = dup_or_null(c->service_main);
    m->params = calloc(c->n_params + 1, sizeof *m->params);
    for (size_t i = 0, k = 0; m->params && i < c->n_params; i++) {
        if (strcasecmp(c->params[i].key, "ServiceDll") == 0 ||
            strcasecmp(c->params[i].key, "ServiceMain") == 0)
            continue;
        if (asprintf(&m->params[k], "%s=%s", c->params[i].key, c->params[i].value) < 0)
            m->params[k] = NULL;
        else
            k++;
    }
    m->failure_reset_s = c->failure_reset_s;
    if (c->n_failure_actions > 0 &&
        (m->failure_actions = calloc(c->n_failure_actions, sizeof *m->failure_actions)) != NULL) {
        m->n_failure_actions = (uint32_t)c->n_failure_actions;
        for (size_t i = 0; i < c->n_failure_actions; i++) {
            m->failure_actions[i].type = c->failure_actions[i].type;
            m->failure_actions[i].delay_ms = c->failure_actions[i].delay_ms;
        }
    }
    m->failure_command = dup_or_null(c->failure_command);
    m->reboot_message = dup_or_null(c->reboot_message);
    m->failure_non_crash = c->failure_non_crash;
    m->preshutdown_timeout_ms = c->preshutdown_timeout_ms;
    m->delayed_autostart = c->delayed_autostart;
    m->preferred_node = c->preferred_node;
    m->launch_protected = c->launch_protected;
    m->triggers = c->triggers ? svc_strv_dup(c->triggers) : NULL;
    m->profiles = c->profiles ? svc_strv_dup(c->profiles) : NULL;
    m->required_privileges = c->required_privileges ? svc_strv_dup(c->required_privileges) : NULL;
    m->sid_type = c->sid_type;
}

/* Builds a service config from a complete message (mask SVC_CFG_ALL, or
 * without SVC_CFG_CONFIG2's bits, whose fields then get their defaults). */
static struct svc_service_config *config_from_msg(const struct svc_msg_config *m)
{
    struct svc_service_config *c = calloc(1, sizeof *c);
    size_t n = 0;

    if (c == NULL)
        return NULL;
    c->name = dup_or_null(m->name);
    c->display_name = dup_or_null(m->display_name && m->display_name[0] ? m->display_name : m->name);
    c->description = dup_set(m->description);
    c->type = m->type;
    c->start = m->start;
    c->error_control = m->error_control;
    c->image_path = dup_or_null(m->image_path);
    c->object_name = dup_or_null(m->object_name && m->object_name[0] ? m->object_name : "LocalSystem");
    c->load_order_group = dup_set(m->load_order_group);
    c->depend_on_service = svc_strv_dup(m->depend_on_service);
    c->depend_on_group = svc_strv_dup(m->depend_on_group);
    c->service_dll = dup_set(m->service_dll);
    c->service_main = dup_or_null(m->service_main && m->service_main[0] ? m->service_main : "ServiceMain");
    while (m->params && m->params[n])
        n++;
    c->params = calloc(n + 1, sizeof *c->params);
    for (size_t i = 0; c->params && i < n; i++) {
        const char *eq = strchr(m->params[i], '=');
        if (eq == NULL)
            continue;
        c->params[c->n_params].key = strndup(m->params[i], (size_t)(eq - m->params[i]));
        c->params[c->n_params].value = strdup(eq + 1);
        c->n_params++;
    }
    if (m->mask & SVC_CFG_FAILURE_ACTIONS) {
        c->failure_reset_s = m->failure_reset_s;
        if (m->n_failure_actions > 0 &&
            (c->failure_actions = calloc(m->n_failure_actions, sizeof *c->failure_actions)) != NULL) {
            c->n_failure_actions = m->n_failure_actions;
            for (size_t i = 0; i < c->n_failure_actions; i++) {
                c->failure_actions[i].type = m->failure_actions[i].type;
                c->failure_actions[i].delay_ms = m->failure_actions[i].delay_ms;
            }
        }
    }
    if (m->mask & SVC_CFG_FAILURE_COMMAND)
        c->failure_command = dup_set(m->failure_command);
    if (m->mask & SVC_CFG_REBOOT_MESSAGE)
        c->reboot_message = dup_set(m->reboot_message);
    if (m->mask & SVC_CFG_FAILURE_FLAG)
        c->failure_non_crash = m->failure_non_crash;
    c->preshutdown_timeout_ms = m->mask & SVC_CFG_PRESHUTDOWN ? m->preshutdown_timeout_ms
                                                               : SVC_PRESHUTDOWN_TIMEOUT_DEFAULT_MS;
    if (m->mask & SVC_CFG_DELAYED_AUTOSTART)
        c->delayed_autostart = m->delayed_autostart;
    if (m->mask & SVC_CFG_PREFERRED_NODE)
        c->preferred_node = m->preferred_node;
    if (m->mask & SVC_CFG_LAUNCH_PROTECTED)
        c->launch_protected = m->launch_protected;
    if ((m->mask & SVC_CFG_TRIGGERS) && m->triggers && m->triggers[0])
        c->triggers = svc_strv_dup(m->triggers);
    if ((m->mask & SVC_CFG_PROFILES) && m->profiles && m->profiles[0])
        c->profiles = svc_strv_dup(m->profiles);
    /* An empty list is no list (the file could not tell them apart). */
    if ((m->mask & SVC_CFG_REQUIRED_PRIVILEGES) && m->required_privileges &&
        m->required_privileges[0])
        c->required_privileges = svc_strv_dup(m->required_privileges);
    if (m->mask & SVC_CFG_SID_TYPE)
        c->sid_type = m->sid_type;
    return c;
}

/* Overlays copies of the fields of `change` its mask names onto the full
 * message m. */
static void msg_overlay(struct svc_msg_config *m, const struct svc_msg_config *change)
{
#define COPY_STR(bit, field)                      \
    if (change->mask & (bit)) {                   \
        free(m->field);                           \
        m->field = dup_or_null(change->field);    \
    }
    COPY_STR(SVC_CFG_DISPLAY_NAME, display_name)
    COPY_STR(SVC_CFG_DESCRIPTION, description)
    COPY_STR(SVC_CFG_IMAGE_PATH, image_path)
    COPY_STR(SVC_CFG_LOAD_ORDER_GROUP, load_order_group)
    COPY_STR(SVC_CFG_OBJECT_NAME, object_name)
    COPY_STR(SVC_CFG_SERVICE_DLL, service_dll)
    COPY_STR(SVC_CFG_SERVICE_MAIN, service_main)
    if (change->mask & SVC_CFG_TYPE)
        m->type = change->type;
    if (change->mask & SVC_CFG_START)
        m->start = change->start;
    if (change->mask & SVC_CFG_ERROR_CONTROL)
        m->error_control = change->error_control;
    if (change->mask & SVC_CFG_DEPENDENCIES) {
        svc_strv_free(m->depend_on_service);
        svc_strv_free(m->depend_on_group);
        m->depend_on_service = svc_strv_dup(change->depend_on_service);
        m->depend_on_group = svc_strv_dup(change->depend_on_group);
    }
    COPY_STR(SVC_CFG_FAILURE_COMMAND, failure_command)
    COPY_STR(SVC_CFG_REBOOT_MESSAGE, reboot_message)
    if (change->mask & SVC_CFG_FAILURE_ACTIONS) {
        struct svc_msg_action *a = NULL;

        if (change->n_failure_actions > 0 &&
            (a = calloc(change->n_failure_actions, sizeof *a)) != NULL)
            memcpy(a, change->failure_actions, change->n_failure_actions * sizeof *a);
        free(m->failure_actions);
        m->failure_actions = a;
        m->n_failure_actions = a != NULL ? change->n_failure_actions : 0;
        m->failure_reset_s = change->failure_reset_s;
    }
    if (change->mask & SVC_CFG_FAILURE_FLAG)
        m->failure_non_crash = change->failure_non_crash;
    if (change->mask & SVC_CFG_PRESHUTDOWN)
        m->preshutdown_timeout_ms = change->preshutdown_timeout_ms;
    if (change->mask & SVC_CFG_DELAYED_AUTOSTART)
        m->delayed_autostart = change->delayed_autostart;
    if (change->mask & SVC_CFG_PREFERRED_NODE)
        m->preferred_node = change->preferred_node;
    if (change->mask & SVC_CFG_LAUNCH_PROTECTED)
        m->launch_protected = change->launch_protected;
    if (change->mask & SVC_CFG_TRIGGERS) {
        svc_strv_free(m->triggers);
        m->triggers = svc_strv_dup(change->triggers);
    }
    if (change->mask & SVC_CFG_PROFILES) {
        svc_strv_free(m->profiles);
        m->profiles = svc_strv_dup(change->profiles);
    }
    if (change->mask & SVC_CFG_REQUIRED_PRIVILEGES) {
        svc_strv_free(m->required_privileges);
        m->required_privileges = svc_strv_dup(change->required_privileges);
    }
    if (change->mask & SVC_CFG_SID_TYPE)
        m->sid_type = change->sid_type;
#undef COPY_STR
    if ((change->mask & SVC_CFG_PARAMS) && change->params) {
        for (size_t i = 0; change->params[i]; i++) {
            const char *set = change->params[i];
            const char *eq = strchr(set, '=');
            size_t klen, n = 0, k;
            if (eq == NULL)
                continue;
            klen = (size_t)(eq - set);
            while (m->params && m->params[n])
                n++;
            for (k = 0; k < n; k++)
                if (strncasecmp(m->params[k], set, klen) == 0 && m->params[k][klen] == '=')
                    break;
            if (eq[1] == '\0') {              /* KEY= removes */
                if (k < n) {
                    free(m->params[k]);
                    memmove(&m->params[k], &m->params[k + 1], (n - k) * sizeof *m->params);
                }
                continue;
            }
            if (k < n) {
                free(m->params[k]);
                m->params[k] = strdup(set);
            } else {
                char **grown = realloc(m->params, (n + 2) * sizeof *grown);
                if (grown == NULL)
                    continue;
                m->params = grown;
                m->params[n] = strdup(set);
                m->params[n + 1] = NULL;
            }
        }
    }
}

/* Checks a complete configuration the way CreateService does. */
static DWORD validate(const struct scm *scm, const struct svc_msg_config *m, const struct scm_service *self)
{
    uint32_t base = m->type & ~(uint32_t)SERVICE_INTERACTIVE_PROCESS;

    if (m->name == NULL || !svc_name_valid(m->name))
        return ERROR_INVALID_NAME;
    if (base != SERVICE_WIN32_OWN_PROCESS && base != SERVICE_WIN32_SHARE_PROCESS)
        return ERROR_INVALID_PARAMETER;
    if (m->start > SERVICE_DISABLED || m->start == SERVICE_BOOT_START ||
        m->start == SERVICE_SYSTEM_START)
        return ERROR_INVALID_PARAMETER;   /* boot and system start are for drivers */
    if (m->error_control > SERVICE_ERROR_CRITICAL)
        return ERROR_INVALID_PARAMETER;
    if (m->image_path == NULL || m->image_path[0] == '\0')
        return ERROR_INVALID_PARAMETER;
    /* Neither name may be another service's name or display name (the
     * index answers without a walk of every service). */
    const char *display = m->display_name ? m->display_name : m->name;
    const struct scm_service *named = scm_service_find(scm, display);

    if ((named != NULL && named != self) || scm_service_other_with_display(scm, display, self) ||
        scm_service_other_with_display(scm, m->name, self))
        return ERROR_DUPLICATE_SERVICE_NAME;
    for (size_t i = 0; m->depend_on_service && m->depend_on_service[i]; i++)
        if (!svc_name_valid(m->depend_on_service[i]))
            return ERROR_INVALID_PARAMETER;
    if (scm_deps_cycle(scm, m->name, m->depend_on_service, m->depend_on_group))
        return ERROR_CIRCULAR_DEPENDENCY;
    /* SC_ACTION_TYPE is 0..3, the two BOOLs arrive as 0 or 1 (the client
     * maps TRUE), and a file holds at most SVC_FAILURE_ACTIONS_MAX actions. */
    if (m->n_failure_actions > SVC_FAILURE_ACTIONS_MAX)
        return ERROR_INVALID_PARAMETER;
    for (uint32_t i = 0; i < m->n_failure_actions; i++)
        if (m->failure_actions[i].type > SC_ACTION_RUN_COMMAND)
            return ERROR_INVALID_PARAMETER;
    if (m->failure_non_crash > 1 || m->delayed_autostart > 1 || m->preferred_node > 0x10000 ||
        m->launch_protected > SERVICE_LAUNCH_PROTECTED_ANTIMALWARE_LIGHT)
        return ERROR_INVALID_PARAMETER;
    for (size_t i = 0; m->triggers && m->triggers[i]; i++) {
        struct svc_trigger t;

        if (i >= SVC_TRIGGERS_MAX || svc_parse_trigger(m->triggers[i], &t) < 0)
            return ERROR_INVALID_PARAMETER;
        svc_trigger_free(&t);
    }
    /* An unknown privilege name, or a SID type Windows does not define
     * (SERVICE_SID_TYPE_NONE, _UNRESTRICTED, _RESTRICTED), is
     * ERROR_INVALID_PARAMETER (MS-SCMR RChangeServiceConfig2). */
    uint64_t caps;

    if (svc_privileges_caps(m->required_privileges, &caps, NULL) < 0 ||
        svc_sid_type_name(m->sid_type) == NULL)
        return ERROR_INVALID_PARAMETER;
    /* The account must exist now (it may disappear later: the start
     * then fails with 1069). */
    struct scm_account a;
    DWORD err = scm_account_lookup(scm, m->object_name, &a);

    scm_account_free(&a);
    return err;
}

/* Writes m to disk, reads it back and returns the parsed config.  keep:
 * the configuration being changed, whose keys the wire does not carry
 * (StartTimeoutMs, SvcHostSplitDisable) are kept; NULL for a new one. */
static DWORD persist(struct scm *scm, const struct svc_msg_config *m,
                     const struct svc_service_config *keep, struct svc_service_config **out)
{
    struct svc_service_config *c = config_from_msg(m), *back = NULL;

    if (c != NULL && keep != NULL) {
        c->wait_hint_ms = keep->wait_hint_ms;
        c->split_disable = keep->split_disable;
        if (keep->security != NULL && (c->security = strdup(keep->security)) == NULL) {
            svc_service_config_free(c);
            c = NULL;
        }
    }
    struct svc_diag diag = { 0 };
    char *group = NULL;
    int rc;

    if (c == NULL)
        return ERROR_NOT_ENOUGH_MEMORY;
    rc = svc_config_write_service(scm->root, c);
    svc_service_config_free(c);
    if (rc < 0)
        return rc == -EINVAL ? ERROR_INVALID_PARAMETER : svc_errno_to_win32(rc);
    rc = svc_config_load_service(scm->root, m->name, &back, &diag);
    log_diag(&diag);
    if (rc < 0)
        return ERROR_INVALID_PARAMETER;
    /* Group membership follows the ImagePath (share services only);
     * written after the service file (see repair_groups). */
    group = file_group(back);
    rc = set_membership(scm, back->name, group);
    free(group);
    if (rc < 0) {
        log_warnx("svchost.ini: cannot update the groups of %s: %s", back->name, strerror(-rc));
        svc_service_config_free(back);
        return svc_errno_to_win32(rc);
    }
    *out = back;
    return NO_ERROR;
}

DWORD scm_db_create(struct scm *scm, const struct svc_msg_config *c, const char *installer)
{
    struct svc_service_config *cfg;
    struct scm_service *s;
    DWORD err;

    struct scm_service *old = scm_service_find(scm, c->name);

    if (old != NULL)
        return old->marked_for_delete ? ERROR_SERVICE_MARKED_FOR_DELETE : ERROR_SERVICE_EXISTS;
    err = validate(scm, c, NULL);
    if (err != NO_ERROR)
        return err;
    err = persist(scm, c, NULL, &cfg);
    if (err != NO_ERROR) {
        svc_config_remove_service(scm->root, c->name);
        return err;
    }
    s = add_service(scm, cfg);
    if (s == NULL) {
        svc_service_config_free(cfg);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    scm_event(scm, 7045, s->name,
              "A service was installed in the system. Service Name: %s. Service File Name: %s. "
              "Service Type: %s. Service Start Type: %s. Service Account: %s. Installed by: %s.",
              s->name, cfg->image_path, svc_type_name(cfg->type) ? svc_type_name(cfg->type) : "?",
              svc_start_name(cfg->start) ? svc_start_name(cfg->start) : "?",
              cfg->object_name ? cfg->object_name : "LocalSystem", installer);
    return NO_ERROR;
}

/* Event 7040 in Windows' words for the start types.  A delayed
 * auto-start is "auto start" there too: the delay is a Config2 level. */
static const char *start_type_words(uint32_t start)
{
    switch (start) {
    case SERVICE_BOOT_START: return "boot start";
    case SERVICE_SYSTEM_START: return "system start";
    case SERVICE_AUTO_START: return "auto start";
    case SERVICE_DEMAND_START: return "demand start";
    case SERVICE_DISABLED: return "disabled";
    default: return "unknown";
    }
}

static void log_start_type_changed(struct scm *scm, const struct scm_service *s, uint32_t old)
{
    scm_event(scm, 7040, s->name, "The start type of the %s service was changed from %s to %s.",
              scm_service_display(s), start_type_words(old), start_type_words(s->cfg->start));
}

/* A privilege list in an event's text: "A, B", or "(not set)" for none. */
static char *privileges_words(char *const *list)
{
    size_t len = 1;
    char *out;

    if (list == NULL || list[0] == NULL)
        return strdup("(not set)");
    for (size_t i = 0; list[i]; i++)
        len += strlen(list[i]) + 2;
    out = malloc(len);
    if (out == NULL)
        return NULL;
    out[0] = '\0';
    for (size_t i = 0; list[i]; i++) {
        if (i > 0)
            strcat(out, ", ");
        strcat(out, list[i]);
    }
    return out;
}

static int strv_equal(char *const *a, char *const *b)
{
    size_t i;

    for (i = 0; a && b && a[i] && b[i]; i++)
        if (strcmp(a[i], b[i]) != 0)
            return 0;
    return (a == NULL || a[i] == NULL) && (b == NULL || b[i] == NULL);
}

/* Events 7200 and 7201 (svchost's own: Windows logs no event for these
 * changes; docs/events.md). */
static void log_security_changed(struct scm *scm, const struct scm_service *s,
                                 char *const *old_privs, uint32_t old_sid)
{
    const struct svc_service_config *c = s->cfg;

    if (!strv_equal(old_privs, c->required_privileges)) {
        char *from = privileges_words(old_privs), *to = privileges_words(c->required_privileges);

        scm_event(scm, 7200, s->name, "The required privileges of the %s service were changed "
                  "from %s to %s.", scm_service_display(s), from ? from : "?", to ? to : "?");
        free(from);
        free(to);
    }
    if (old_sid != c->sid_type)
        scm_event(scm, 7201, s->name, "The service SID type of the %s service was changed "
                  "from %s to %s.", scm_service_display(s), svc_sid_type_name(old_sid),
                  svc_sid_type_name(c->sid_type));
}

DWORD scm_db_change(struct scm *scm, struct scm_service *s, const struct svc_msg_config *change)
{
    struct svc_msg_config m;
    struct svc_service_config *cfg;
    uint32_t old_start;
    DWORD err;

    if (s->marked_for_delete)
        return ERROR_SERVICE_MARKED_FOR_DELETE;
    /* The current configuration with the changes on top; an empty string
     * ("remove the description") becomes "not set" in config_from_msg. */
    scm_db_config_msg(s, &m);
    msg_overlay(&m, change);
    err = validate(scm, &m, s);
    if (err == NO_ERROR)
        err = persist(scm, &m, s->cfg, &cfg);
    svc_msg_config_free(&m);
    if (err != NO_ERROR)
        return err;
    old_start = s->cfg->start;
    struct svc_service_config *old = scm_service_set_config(scm, s, cfg);

    scm_table_names_changed(scm);   /* its display name or type, perhaps */
    scm_state_config_changed(scm, s);
    if (cfg->start != old_start)
        log_start_type_changed(scm, s, old_start);
    log_security_changed(scm, s, old->required_privileges, old->sid_type);
    if (strcmp(scm_account_name(old->object_name), scm_account_name(cfg->object_name)) != 0)
        scm_event(scm, SCM_EVENT_ACCOUNT_CHANGED, s->name, "The account of the %s service was "
                  "changed from %s to %s; a running service takes it at its next start.",
                  scm_service_display(s), scm_account_name(old->object_name),
                  scm_account_name(cfg->object_name));
    svc_service_config_free(old);
    return NO_ERROR;
}

static void service_unlink_free(struct scm *scm, struct scm_service *s)
{
    if (s->marked_for_delete)
        scm->doomed--;
    scm_table_remove(scm, s);
    scm_service_unlink(scm, s);
    scm_service_free(s);
}

static void remove_from_disk(struct scm *scm, struct scm_service *s)
{
    int rc = set_membership(scm, s->name, NULL);
    if (rc < 0)
        log_warnx("svchost.ini: cannot remove %s: %s", s->name, strerror(-rc));
    rc = svc_config_remove_service(scm->root, s->name);
    if (rc < 0)
        log_warnx("cannot remove the file of %s: %s", s->name, strerror(-rc));
}

DWORD scm_db_delete(struct scm *scm, struct scm_service *s)
{
    if (s->marked_for_delete)
        return ERROR_SERVICE_MARKED_FOR_DELETE;
    if (scm_service_active(s) || scm_conn_handles_on(scm, s->name) > 0) {
        /* As Windows (DeleteService): the service goes once it is stopped
         * and the last handle to it is closed; meanwhile it can be
         * queried and stopped, not started. */
        s->marked_for_delete = 1;
        scm->doomed++;
        scm_db_touch(scm, s);
        return NO_ERROR;
    }
    remove_from_disk(scm, s);
    service_unlink_free(scm, s);
    return NO_ERROR;
}

void scm_db_touch(struct scm *scm, const struct scm_service *s)
{
    if (s->marked_for_delete)
        scm->sweep_pending = 1;
}

void scm_db_sweep(struct scm *scm)
{
    struct scm_service *s = scm->services, *next;

    for (; s != NULL; s = next) {
        next = s->next;
        if (s->marked_for_delete && !scm_service_active(s) && !s->job_pending &&
            s->control_host_id == 0 && scm_conn_handles_on(scm, s->name) == 0) {
            remove_from_disk(scm, s);
            service_unlink_free(scm, s);
        }
    }
}

static struct stat groups_stat(const struct scm *scm)
{
    char *path = svc_path_groups_file(scm->root);
    struct stat st;

    if (path == NULL || stat(path, &st) != 0)
        memset(&st, 0, sizeof st);
    free(path);
    return st;
}

/* The cache, read again when the file changed since scmd last read or
 * wrote it (the SCM's own writes replace it, so the inode changes too).
 * NULL when out of memory. */
static struct scm_groups_cache *groups_cache(struct scm *scm)
{
    struct scm_groups_cache *c = scm->groups;
    struct svc_diag diag = { 0 };
    struct stat st;

    if (c == NULL && (c = scm->groups = calloc(1, sizeof *c)) == NULL)
        return NULL;
    st = groups_stat(scm);
    if (c->loaded && st.st_ino == c->seen.st_ino && st.st_size == c->seen.st_size &&
        st.st_mtim.tv_sec == c->seen.st_mtim.tv_sec && st.st_mtim.tv_nsec == c->seen.st_mtim.tv_nsec)
        return c;
    svc_groups_free(c->groups);
    c->groups = NULL;
    c->load_rc = svc_config_load_groups(scm->root, &c->groups, &diag);
    if (c->load_rc < 0)
        c->groups = NULL;
    svc_diag_free(&diag);
    c->seen = st;
    c->loaded = 1;
    return c;
}

/* The cache holds what scmd has just written. */
static void groups_written(struct scm *scm)
{
    scm->groups->seen = groups_stat(scm);
    scm->groups->load_rc = 0;
}

/* Makes name a member of group only (NULL: of none) in svchost.ini, as
 * svc_config_set_group_membership does, over the cache.  0 or a
 * negative errno (a malformed file is left for a person to fix). */
static int set_membership(struct scm *scm, const char *name, const char *group)
{
    struct scm_groups_cache *c = groups_cache(scm);
    int rc;

    if (c == NULL)
        return -ENOMEM;
    if (c->load_rc < 0 && c->load_rc != -ENOENT)
        return c->load_rc;
    if (c->groups == NULL && (c->groups = calloc(1, sizeof *c->groups)) == NULL)
        return -ENOMEM;
    rc = svc_groups_set_membership(c->groups, name, group);
    if (rc > 0)
        rc = svc_config_write_groups(scm->root, c->groups);
    if (rc < 0) {
        c->loaded = 0;      /* the file is as it was: read it again */
        return rc;
    }
    groups_written(scm);
    return 0;
}

static const struct svc_groups *groups_now(struct scm *scm)
{
    struct scm_groups_cache *c = groups_cache(scm);
    return c ? c->groups : NULL;
}

int scm_db_wants_split(struct scm *scm, const struct scm_service *s, const char *group)
{
    const struct svc_groups *g = groups_now(scm);
    const struct svc_group_config *gc = g ? svc_groups_find(g, group) : NULL;

    return svc_split_decide(scm->set.split_threshold_kb, scm->mem_total_kb,
                            gc ? gc->split : SVC_SPLIT_AUTO, s->cfg->split_disable);
}

/* ---- security descriptors, continued ---- */

DWORD scm_db_set_security(struct scm *scm, struct scm_service *s, const char *sddl)
{
    struct svc_msg_config m;
    struct svc_service_config *cfg;
    char *copy = strdup(sddl), *old;
    DWORD err;
    int rc;

    if (copy == NULL)
        return ERROR_NOT_ENOUGH_MEMORY;
    if (s == NULL) {
        char *path = svc_path_scm_security(scm->root), *dir = svc_path_config_dir(scm->root);
        char *line = NULL;

        if (dir != NULL && mkdir(dir, 0755) < 0 && errno != EEXIST)
            log_warn("%s", dir);
        free(dir);
        rc = path == NULL || asprintf(&line, "%s\n", copy) < 0
                 ? -ENOMEM : svc_write_file_atomic(path, line, strlen(line));
        free(path);
        free(line);
        if (rc < 0) {
            free(copy);
            return svc_errno_to_win32(rc);
        }
        free(scm->manager_sddl);
        scm->manager_sddl = copy;
        return NO_ERROR;
    }
    /* The service's file rewritten with the new descriptor and read back,
     * as a change of its configuration is. */
    old = s->cfg->security;
    s->cfg->security = copy;
    scm_db_config_msg(s, &m);
    err = persist(scm, &m, s->cfg, &cfg);
    svc_msg_config_free(&m);
    s->cfg->security = old;
    free(copy);
    if (err != NO_ERROR)
        return err;
    svc_service_config_free(scm_service_set_config(scm, s, cfg));
    return NO_ERROR;
}
