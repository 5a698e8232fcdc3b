/*
 * deps.c - the dependency graph (see deps.h).
 */
#include "deps.h"

#include <errno.h>
#include <stdlib.h>
#include <strings.h>

#define MAX_DEPTH 64

/*
 * The cycle check is a depth-first walk from the new dependencies.  Each
 * service is walked once (a service known to lead nowhere bad is
 * "done"), so diamonds cost no more than chains; a service met again
 * while still on the walk's path is a cycle already in the table, which
 * a start through it could never finish either.  Reaching `name`, or
 * going deeper than MAX_DEPTH, is a cycle.
 */
struct walk {
    const struct scm *scm;
    const char *name;
    const struct scm_service *path[MAX_DEPTH + 2];
    int depth;
    const struct scm_service **done;
    size_t n_done, cap_done;
};

static int listed_in(const struct scm_service *const *v, size_t n, const struct scm_service *s)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] == s)
            return 1;
    return 0;
}

static int walk_deps(struct walk *w, char *const *deps, char *const *groups);

static int walk_service(struct walk *w, const struct scm_service *d)
{
    int found;

    if (listed_in(w->done, w->n_done, d))
        return 0;
    if (listed_in(w->path, (size_t)w->depth, d) || w->depth >= MAX_DEPTH)
        return 1;
    w->path[w->depth++] = d;
    found = walk_deps(w, d->cfg->depend_on_service, d->cfg->depend_on_group);
    w->depth--;
    if (found)
        return 1;
    if (w->n_done == w->cap_done) {
        size_t cap = w->cap_done ? w->cap_done * 2 : 32;
        const struct scm_service **grown = realloc(w->done, cap * sizeof *grown);
        if (grown == NULL)
            return 0;       /* only slower: d may be walked again */
        w->done = grown;
        w->cap_done = cap;
    }
    w->done[w->n_done++] = d;
    return 0;
}

static int walk_deps(struct walk *w, char *const *deps, char *const *groups)
{
    for (size_t i = 0; deps && deps[i]; i++) {
        const struct scm_service *d = scm_service_find(w->scm, deps[i]);
        if (strcasecmp(deps[i], w->name) == 0 || (d && walk_service(w, d)))
            return 1;
    }
    for (size_t i = 0; groups && groups[i]; i++)
        for (const struct scm_service *m = w->scm->services; m; m = m->next)
            if (scm_service_in_group(m, groups[i]) &&
                (strcasecmp(m->name, w->name) == 0 || walk_service(w, m)))
                return 1;
    return 0;
}

int scm_deps_cycle(const struct scm *scm, const char *name, char *const *deps, char *const *groups)
{
    struct walk w = { .scm = scm, .name = name };
    int found = walk_deps(&w, deps, groups);

    free(w.done);
    return found;
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

    size_t nd;
    struct scm_service *const *dependers = scm_service_dependers(scm, &nd);

    for (size_t i = 0; i < nd; i++)
        if (scm_deps_depends_on(dependers[i], s) && push(&v, &n, dependers[i]) < 0)
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
    size_t nd;
    struct scm_service *const *dependers = scm_service_dependers(scm, &nd);

    for (size_t i = 0; i < nd; i++)
        if (scm_service_active(dependers[i]) && scm_deps_depends_on(dependers[i], s))
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
