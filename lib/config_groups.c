/*
 * config_groups.c - the schema of ROOT/config/svchost.ini (the groups),
 * and a group loaded with its members' service files.
 */
#include "config.h"
#include "config_ini.h"
#include "config_service.h"
#include "names.h"
#include "paths.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <svchost/winsvc.h>

/* ---- Groups --------------------------------------------------------------- */

void svc_groups_free(struct svc_groups *g)
{
    if (g == NULL)
        return;
    for (size_t i = 0; i < g->n; i++) {
        for (size_t j = 0; j < g->groups[i].n_services; j++)
            free(g->groups[i].services[j]);
        free(g->groups[i].services);
        free(g->groups[i].name);
    }
    free(g->groups);
    free(g->path);
    free(g);
}

const struct svc_group_config *svc_groups_find(const struct svc_groups *g, const char *name)
{
    if (g == NULL || name == NULL)
        return NULL;
    for (size_t i = 0; i < g->n; i++)
        if (strcasecmp(g->groups[i].name, name) == 0)
            return &g->groups[i];
    return NULL;
}

/* svc_groups plus, for each service, the line of svchost.ini naming it:
 * lines[i][j] is where groups[i].services[j] was listed. */
/* The services listed so far, by name (case-insensitive): a hash set,
 * so that checking every member for duplicates stays linear in a large
 * svchost.ini. */
struct seen_name {
    const char *name;      /* owned by the group it is listed in */
    size_t group;
    unsigned line;
};

struct seen_set {
    struct svc_name_map by_name;   /* name -> 1 + its index in v */
    struct seen_name *v;
    size_t n, cap;
};

static const struct seen_name *seen_find(const struct seen_set *set, const char *name)
{
    uintptr_t i = (uintptr_t)svc_name_map_get(&set->by_name, name);
    return i != 0 ? &set->v[i - 1] : NULL;
}

static int seen_add(struct seen_set *set, const char *name, size_t group, unsigned line)
{
    if (set->n == set->cap) {
        size_t cap = set->cap ? set->cap * 2 : 64;
        struct seen_name *v = realloc(set->v, cap * sizeof *v);
        if (v == NULL)
            return -ENOMEM;
        set->v = v;
        set->cap = cap;
    }
    if (svc_name_map_put(&set->by_name, name, (void *)(uintptr_t)(set->n + 1)) < 0)
        return -ENOMEM;
    set->v[set->n++] = (struct seen_name){ name, group, line };
    return 0;
}

struct groups_load {
    struct svc_where w;
    struct svc_groups *g;
    unsigned **lines;
    size_t n_lines;
    struct seen_set seen;
};

static void groups_load_free(struct groups_load *gl)
{
    for (size_t i = 0; i < gl->n_lines; i++)
        free(gl->lines[i]);
    free(gl->lines);
    gl->n_lines = 0;
    svc_name_map_free(&gl->seen.by_name);
    free(gl->seen.v);
    gl->seen = (struct seen_set){ 0 };
    svc_groups_free(gl->g);
    gl->g = NULL;
    gl->lines = NULL;
}

/* Adds the names of `e` (a Services value) to group gi, dropping invalid
 * names and names already listed here or in an earlier group. */
static int add_group_services(struct groups_load *gl, size_t gi, const struct svc_ini_entry *e)
{
    struct svc_group_config *grp = &gl->g->groups[gi];
    struct svc_ini_item *items;
    size_t n;
    int rc = 0;

    if (svc_ini_split_list(e, &items, &n) < 0)
        return -ENOMEM;
    grp->services = calloc(n + 1, sizeof(*grp->services));
    gl->lines[gi] = calloc(n + 1, sizeof(*gl->lines[gi]));
    if (grp->services == NULL || gl->lines[gi] == NULL) {
        rc = -ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        const char *dup_group = NULL;
        unsigned dup_line = 0;

        if (!svc_name_valid(items[i].name)) {
            svc_error_at(&gl->w, items[i].line, "'%s' in group '%s' is not a valid "
                     "service name", items[i].name, grp->name);
            continue;
        }
        const struct seen_name *dup = seen_find(&gl->seen, items[i].name);
        if (dup != NULL) {
            dup_group = gl->g->groups[dup->group].name;
            dup_line = dup->line;
        }
        if (dup_group == grp->name) {
            svc_error_at(&gl->w, items[i].line, "service '%s' is listed twice in "
                     "group '%s' (first on line %u)", items[i].name, grp->name,
                     dup_line);
            continue;
        }
        if (dup_group != NULL) {
            svc_error_at(&gl->w, items[i].line, "service '%s' is listed twice: here "
                     "in group '%s' and on line %u in group '%s'; a service "
                     "belongs to one group", items[i].name, grp->name, dup_line,
                     dup_group);
            continue;
        }
        if (seen_add(&gl->seen, items[i].name, gi, items[i].line) < 0) {
            rc = -ENOMEM;
            goto out;
        }
        gl->lines[gi][grp->n_services] = items[i].line;
        grp->services[grp->n_services++] = items[i].name;
        items[i].name = NULL;
    }
out:
    svc_ini_items_free(items, n);
    return rc;
}

static int read_group_section(struct groups_load *gl, const struct svc_ini_section *s)
{
    struct svc_groups *g = gl->g;
    struct svc_group_config *grp;
    char *dup;
    size_t errors = gl->w.errors;
    int rc = 0;

    if (!svc_name_valid(s->name)) {
        svc_error_at(&gl->w, s->line, "[%s] is not a valid group name", s->name);
        return 0;
    }
    dup = malloc(s->n ? s->n : 1);
    if (dup == NULL)
        return -ENOMEM;
    grp = &g->groups[g->n];
    grp->name = strdup(s->name);
    if (grp->name == NULL) {
        free(dup);
        return -ENOMEM;
    }
    g->n++;
    svc_ini_check_duplicates(&gl->w, s, dup);
    for (size_t i = 0; i < s->n && rc == 0; i++) {
        const struct svc_ini_entry *e = &s->entries[i];

        if (dup[i])
            continue;
        if (strcasecmp(e->key, "Services") == 0) {
            if (e->value != NULL)
                rc = add_group_services(gl, g->n - 1, e);
        } else if (strcasecmp(e->key, "Split") == 0) {
            /* Empty means not set, as in [Service]: auto. */
            if (e->value == NULL || !svc_ini_single_line(&gl->w, e) || *e->value == '\0')
                continue;
            if (svc_parse_split(e->value, &grp->split) < 0)
                svc_error_at(&gl->w, e->lines[0], "bad Split '%s' in group [%s]; "
                         "accepted: auto, always, never", e->value, s->name);
        } else {
            svc_warning_at(&gl->w, e->lines[0], "unknown key '%s' in group [%s]; "
                       "ignored (known: Services, Split)", e->key, s->name);
        }
    }
    free(dup);
    if (rc == 0 && grp->services == NULL) {
        grp->services = calloc(1, sizeof(*grp->services));
        gl->lines[g->n - 1] = calloc(1, sizeof(*gl->lines[0]));
        if (grp->services == NULL || gl->lines[g->n - 1] == NULL)
            return -ENOMEM;
    }
    if (rc == 0 && grp->n_services == 0 && gl->w.errors == errors)
        svc_warning_at(&gl->w, s->line, "group [%s] lists no services (Services = "
                   "NAME, ...)", s->name);
    return rc;
}

/*
 * Reads svchost.ini into gl.  Returns 0, -EINVAL with gl->g still holding
 * what was understood (so that a host can report on its group's members
 * too), or -ENOENT/-ENOMEM/a read errno with gl->g NULL.
 */
static int load_groups(const char *root, struct groups_load *gl, struct svc_diag *diag)
{
    struct svc_ini_doc doc = { 0 };
    int rc;

    memset(gl, 0, sizeof(*gl));
    svc_where_begin(&gl->w, diag, NULL);
    gl->g = calloc(1, sizeof(*gl->g));
    if (gl->g == NULL)
        return -ENOMEM;
    gl->g->path = svc_path_groups_file(root);
    if (gl->g->path == NULL) {
        rc = -ENOMEM;
        goto fail;
    }
    svc_where_begin(&gl->w, diag, gl->g->path);
    rc = svc_ini_read(&gl->w, &doc, 0);
    if (rc < 0)
        goto fail;
    gl->g->groups = calloc(doc.n ? doc.n : 1, sizeof(*gl->g->groups));
    gl->lines = calloc(doc.n ? doc.n : 1, sizeof(*gl->lines));
    if (gl->g->groups == NULL || gl->lines == NULL) {
        rc = -ENOMEM;
        goto fail;
    }
    gl->n_lines = doc.n;
    for (size_t i = 0; i < doc.n; i++) {
        const struct svc_ini_section *s = &doc.sections[i];

        if (s->name[0] == '\0') {
            for (size_t j = 0; j < s->n; j++)
                svc_warning_at(&gl->w, s->entries[j].lines[0], "key '%s' is outside "
                           "any group section; ignored", s->entries[j].key);
            continue;
        }
        rc = read_group_section(gl, s);
        if (rc < 0)
            goto fail;
    }
    svc_ini_doc_free(&doc);
    svc_where_end(&gl->w);
    return gl->w.errors > 0 ? -EINVAL : 0;
fail:
    svc_ini_doc_free(&doc);
    if (gl->w.path != NULL)
        svc_where_end(&gl->w);
    groups_load_free(gl);
    return rc;
}

int svc_config_load_groups(const char *root, struct svc_groups **out, struct svc_diag *diag)
{
    struct groups_load gl;
    int rc = load_groups(root, &gl, diag);

    *out = NULL;
    if (rc < 0) {
        groups_load_free(&gl);
        return rc;
    }
    *out = gl.g;
    gl.g = NULL;
    groups_load_free(&gl);
    return 0;
}

/* ---- One group with its members --------------------------------------- */

void svc_group_members_free(struct svc_group_members *m)
{
    if (m == NULL)
        return;
    for (size_t i = 0; i < m->n; i++)
        svc_service_config_free(m->services[i]);
    free(m->services);
    free(m->group);
    free(m);
}

/* A member must be started by this group's host, not by another one. */
static int check_member_image(struct svc_where *gw, struct svc_diag *diag, size_t *errors,
                              const struct svc_group_config *grp, unsigned listed_line,
                              const struct svc_service_config *c, unsigned image_line)
{
    struct svc_where mw = { .diag = diag, .path = c->path };
    char *runs = NULL;
    int rc = svc_imagepath_group(c->image_path, &runs);

    if (rc < 0)
        return rc;
    if (rc == 1 && strcasecmp(runs, grp->name) != 0)
        svc_error_at(&mw, image_line, "ImagePath runs group '%s', but '%s' is listed in "
                 "group '%s' (%s:%u); make it 'svchost -k %s'", runs, c->name,
                 grp->name, gw->path, listed_line, grp->name);
    else if (rc == 0)
        svc_error_at(&mw, image_line, "ImagePath '%s' does not run 'svchost -k %s', but "
                 "'%s' is listed in group '%s' (%s:%u)", c->image_path, grp->name,
                 c->name, grp->name, gw->path, listed_line);
    else if (c->service_dll == NULL)
        svc_warning_at(&mw, 0, "[Parameters] has no ServiceDll; group '%s' cannot "
                   "start '%s'", grp->name, c->name);
    free(runs);
    *errors += mw.errors;
    return 0;
}

/* Loads GROUP's members, or only the member `only` when it is not NULL
 * (a split instance needs its one service, not the whole group). */
static int load_group(const char *root, const char *group, const char *only,
                      struct svc_group_members **out, struct svc_diag *diag)
{
    struct groups_load gl;
    int listed = 0;
    struct svc_group_members *m = NULL;
    const struct svc_group_config *grp;
    size_t gi, errors = 0;
    int rc, failed = 0;

    *out = NULL;
    rc = load_groups(root, &gl, diag);
    if (gl.g == NULL)
        return rc;
    if (rc < 0)
        failed = rc;
    grp = svc_groups_find(gl.g, group);
    if (grp == NULL) {
        svc_error_at(&gl.w, 0, "no group '%s'", group);
        rc = -ENOENT;
        goto out;
    }
    gi = (size_t)(grp - gl.g->groups);
    m = calloc(1, sizeof(*m));
    if (m == NULL || (m->group = strdup(grp->name)) == NULL ||
        (m->services = calloc(grp->n_services + 1, sizeof(*m->services))) == NULL) {
        rc = -ENOMEM;
        goto out;
    }
    /* Every member is read even after a failure, so that one run of the
     * host reports everything that is wrong with the group. */
    for (size_t i = 0; i < grp->n_services; i++) {
        struct svc_service_config *c;
        unsigned image_line = 0;

        if (only != NULL && strcasecmp(grp->services[i], only) != 0)
            continue;
        listed = 1;
        rc = svc_service_load(root, grp->services[i], 1, &c, &image_line, diag, &errors);
        if (rc == -ENOENT) {
            char *path = svc_path_service_file(root, grp->services[i]);

            if (path == NULL) {
                rc = -ENOMEM;
                goto out;
            }
            svc_error_at(&gl.w, gl.lines[gi][i], "service '%s' of group '%s' has no "
                     "file %s", grp->services[i], grp->name, path);
            free(path);
            continue;
        }
        if (rc == -ENOMEM)
            goto out;
        if (rc < 0) {
            if (failed == 0 || failed == -EINVAL)
                failed = rc;
            continue;
        }
        m->services[m->n++] = c;
        rc = check_member_image(&gl.w, diag, &errors, grp, gl.lines[gi][i], c,
                                image_line);
        if (rc < 0)
            goto out;
    }
    rc = failed;
    if (only != NULL && !listed) {
        svc_error_at(&gl.w, 0, "group '%s' has no service '%s'", grp->name, only);
        rc = -ENOENT;
    }
    if (rc == 0 && (errors > 0 || gl.w.errors > 0))
        rc = -EINVAL;
out:
    groups_load_free(&gl);
    if (rc < 0) {
        svc_group_members_free(m);
        return rc;
    }
    *out = m;
    return 0;
}

int svc_config_load_group(const char *root, const char *group,
                          struct svc_group_members **out, struct svc_diag *diag)
{
    return load_group(root, group, NULL, out, diag);
}

int svc_config_load_group_member(const char *root, const char *group, const char *name,
                                 struct svc_group_members **out, struct svc_diag *diag)
{
    return load_group(root, group, name, out, diag);
}
