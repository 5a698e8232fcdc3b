/*
 * deps.c - the dependency graph (see deps.h).
 */
#include "deps.h"

#include <errno.h>
#include <stdlib.h>
#include <strings.h>

#define MAX_DEPTH 64

/* 1 if `name` is reachable from the dependencies given (a cycle through
 * `name`), following DependOnService and DependOnGroup members. */
static int reaches(const struct scm *scm, const char *name, char *const *deps, char *const *groups,
                   int depth)
{
    if (depth > MAX_DEPTH)
        return 1;
    for (size_t i = 0; deps && deps[i]; i++) {
        if (strcasecmp(deps[i], name) == 0)
            return 1;
        struct scm_service *d = scm_service_find(scm, deps[i]);
        if (d && reaches(scm, name, d->cfg->depend_on_service, d->cfg->depend_on_group, depth + 1))
            return 1;
    }
    for (size_t i = 0; groups && groups[i]; i++) {
        for (struct scm_service *m = scm->services; m; m = m->next) {
            if (!scm_service_in_group(m, groups[i]))
                continue;
            if (strcasecmp(m->name, name) == 0)
                return 1;
            if (reaches(scm, name, m->cfg->depend_on_service, m->cfg->depend_on_group, depth + 1))
                return 1;
        }
    }
    return 0;
}

int scm_deps_cycle(const struct scm *scm, const char *name, char *const *deps, char *const *groups)
{
    return reaches(scm, name, deps, groups, 0);
}

int scm_deps_depends_on(const struct scm_service *o, const struct scm_service *s)
{
    for (size_t i = 0; o->cfg->depend_on_service && o->cfg->depend_on_service[i]; i++)
        if (strcasecmp(o->cfg->depend_on_service[i], s->name) == 0)
            return 1;
    for (size_t i = 0; o->cfg->depend_on_group && o->cfg->depend_on_group[i]; i++)
        if (scm_service_in_group(s, o->cfg->depend_on_group[i]))
            return 1;
    return 0;
}

static int push(struct scm_service ***v, int *n, struct scm_service *s)
{
    struct scm_service **grown = realloc(*v, ((size_t)*n + 1) * sizeof *grown);
    if (grown == NULL)
        return -ENOMEM;
    *v = grown;
    (*v)[(*n)++] = s;
    return 0;
}

static int fail(struct scm_service ***out, struct scm_service **v)
{
    free(v);
    *out = NULL;
    return -ENOMEM;
}

int scm_deps_direct(const struct scm *scm, const struct scm_service *s, struct scm_service ***out)
{
    struct scm_service **v = NULL;
    int n = 0;

    for (struct scm_service *o = scm->services; o; o = o->next)
        if (scm_deps_depends_on(o, s) && push(&v, &n, o) < 0)
            return fail(out, v);
    *out = v;
    return n;
}

static int listed(struct scm_service *const *v, int n, const struct scm_service *s)
{
    for (int i = 0; i < n; i++)
        if (v[i] == s)
            return 1;
    return 0;
}

/* Depth first: a dependent's own dependents go before it. */
static int collect(const struct scm *scm, const struct scm_service *s, struct scm_service ***v,
                   int *n, int depth)
{
    struct scm_service **direct;
    int nd = scm_deps_direct(scm, s, &direct);

    if (nd < 0)
        return nd;
    for (int i = 0; i < nd && depth < MAX_DEPTH; i++) {
        if (listed(*v, *n, direct[i]))
            continue;
        if (collect(scm, direct[i], v, n, depth + 1) < 0 ||
            (!listed(*v, *n, direct[i]) && push(v, n, direct[i]) < 0)) {
            free(direct);
            return -ENOMEM;
        }
    }
    free(direct);
    return 0;
}

int scm_deps_all(const struct scm *scm, const struct scm_service *s, struct scm_service ***out)
{
    struct scm_service **v = NULL;
    int n = 0;

    if (collect(scm, s, &v, &n, 0) < 0)
        return fail(out, v);
    *out = v;
    return n;
}

int scm_deps_active_dependents(const struct scm *scm, const struct scm_service *s)
{
    for (struct scm_service *o = scm->services; o; o = o->next)
        if (scm_service_active(o) && scm_deps_depends_on(o, s))
            return 1;
    return 0;
}

int scm_deps_group_members(const struct scm *scm, const char *g, struct scm_service ***out)
{
    struct scm_service **v = NULL;
    int n = 0;

    for (struct scm_service *m = scm->services; m; m = m->next)
        if (scm_service_in_group(m, g) && push(&v, &n, m) < 0)
            return fail(out, v);
    *out = v;
    return n;
}
