/*
 * service.c - the in-memory service table.
 */
#include "service.h"
#include "names.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The group of cfg's ImagePath, for share services: new string or NULL. */
static char *group_of(const struct svc_service_config *cfg)
{
    char *group = NULL;
    if ((cfg->type & SERVICE_WIN32_SHARE_PROCESS) && svc_imagepath_group(cfg->image_path, &group) == 1)
        return group;
    return NULL;
}

struct scm_service *scm_service_new(struct svc_service_config *cfg)
{
    struct scm_service *s = calloc(1, sizeof *s);
    if (s == NULL)
        return NULL;
    s->name = strdup(cfg->name);
    if (s->name == NULL) {
        free(s);
        return NULL;
    }
    s->cfg = cfg;
    s->host_group = group_of(cfg);
    s->status.dwServiceType = cfg->type;
    s->status.dwCurrentState = SERVICE_STOPPED;
    return s;
}

void scm_service_free(struct scm_service *s)
{
    if (s == NULL)
        return;
    scm_deadline_stop(&s->deadline);
    scm_deadline_stop(&s->control_deadline);
    svc_service_config_free(s->cfg);
    free(s->host_group);
    free(s->host_dll);
    free(s->name);
    free(s);
}

/*
 * The index.  sorted[] holds the services in the order of the list
 * (strcasecmp of the names), so the place of a new one is a binary
 * search, and its neighbours in the list are its neighbours there.  The
 * two hash tables chain through the services themselves (name_next,
 * display_next) and have as many buckets as a power of two at least the
 * count, so a chain holds about one service.
 */
struct scm_service_index {
    struct scm_service **sorted;
    size_t n, cap;
    struct scm_service **dependers; /* those with a dependency, in name order (room: cap) */
    size_t n_dependers;
    struct scm_service **by_name, **by_display;
    size_t buckets;                 /* a power of two, or 0 */
};

#define INDEX_MIN_BUCKETS 64

static void hash_add(struct scm_service_index *x, struct scm_service *s)
{
    size_t b = svc_name_hash(s->name) & (x->buckets - 1);

    s->name_next = x->by_name[b];
    x->by_name[b] = s;
    s->display_next = NULL;
    if (s->cfg->display_name != NULL) {
        b = svc_name_hash(s->cfg->display_name) & (x->buckets - 1);
        s->display_next = x->by_display[b];
        x->by_display[b] = s;
    }
}

static void chain_remove(struct scm_service **head, struct scm_service *s, int display)
{
    for (struct scm_service **pp = head; *pp; pp = display ? &(*pp)->display_next : &(*pp)->name_next) {
        if (*pp == s) {
            *pp = display ? s->display_next : s->name_next;
            return;
        }
    }
}

static void hash_remove_display(struct scm_service_index *x, struct scm_service *s)
{
    if (s->cfg->display_name != NULL)
        chain_remove(&x->by_display[svc_name_hash(s->cfg->display_name) & (x->buckets - 1)], s, 1);
    s->display_next = NULL;
}

static void hash_remove(struct scm_service_index *x, struct scm_service *s)
{
    chain_remove(&x->by_name[svc_name_hash(s->name) & (x->buckets - 1)], s, 0);
    s->name_next = NULL;
    hash_remove_display(x, s);
}

/* Room for one more service: the array and, past one service a bucket,
 * twice the buckets (every service hashed again).  0 or -ENOMEM. */
static int index_reserve(struct scm *scm)
{
    struct scm_service_index *x = scm->service_index;

    if (x == NULL && (x = scm->service_index = calloc(1, sizeof *x)) == NULL)
        return -ENOMEM;
    if (x->n == x->cap) {
        size_t cap = x->cap ? x->cap * 2 : INDEX_MIN_BUCKETS;
        struct scm_service **v = realloc(x->sorted, cap * sizeof *v), **d;
        if (v == NULL)
            return -ENOMEM;
        x->sorted = v;
        /* Room for every service among the dependers too, so that a
         * change of configuration can always put it there. */
        if ((d = realloc(x->dependers, cap * sizeof *d)) == NULL)
            return -ENOMEM;
        x->dependers = d;
        x->cap = cap;
    }
    if (x->n + 1 > x->buckets) {
        size_t nb = x->buckets ? x->buckets * 2 : INDEX_MIN_BUCKETS;
        struct scm_service **bn = calloc(nb, sizeof *bn), **bd = calloc(nb, sizeof *bd);
        if (bn == NULL || bd == NULL) {
            free(bn);
            free(bd);
            return -ENOMEM;
        }
        free(x->by_name);
        free(x->by_display);
        x->by_name = bn;
        x->by_display = bd;
        x->buckets = nb;
        for (size_t i = 0; i < x->n; i++)
            hash_add(x, x->sorted[i]);
    }
    return 0;
}

/* The first position whose name is not below name. */
static size_t lower_bound(const struct scm_service_index *x, const char *name)
{
    size_t lo = 0, hi = x->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcasecmp(x->sorted[mid]->name, name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static void free_index(struct scm *scm)
{
    struct scm_service_index *x = scm->service_index;

    if (x != NULL) {
        free(x->sorted);
        free(x->dependers);
        free(x->by_name);
        free(x->by_display);
        free(x);
        scm->service_index = NULL;
    }
}

static int has_dependencies(const struct svc_service_config *c)
{
    return (c->depend_on_service && c->depend_on_service[0]) ||
           (c->depend_on_group && c->depend_on_group[0]);
}

/* s into the dependers, in name order, if it has a dependency (the
 * array has room for every service: index_reserve). */
static void dependers_add(struct scm_service_index *x, struct scm_service *s)
{
    size_t lo = 0, hi;

    if (!has_dependencies(s->cfg))
        return;
    for (hi = x->n_dependers; lo < hi;) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcasecmp(x->dependers[mid]->name, s->name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    memmove(&x->dependers[lo + 1], &x->dependers[lo], (x->n_dependers - lo) * sizeof *x->dependers);
    x->dependers[lo] = s;
    x->n_dependers++;
}

static void dependers_remove(struct scm_service_index *x, const struct scm_service *s)
{
    for (size_t i = 0; i < x->n_dependers; i++) {
        if (x->dependers[i] == s) {
            x->n_dependers--;
            memmove(&x->dependers[i], &x->dependers[i + 1],
                    (x->n_dependers - i) * sizeof *x->dependers);
            return;
        }
    }
}

int scm_service_link(struct scm *scm, struct scm_service *s)
{
    struct scm_service_index *x;
    size_t pos;

    if (index_reserve(scm) < 0)
        return -ENOMEM;
    x = scm->service_index;
    dependers_add(x, s);
    /* Services loaded or created in name order go at the end. */
    if (x->n == 0 || strcasecmp(x->sorted[x->n - 1]->name, s->name) < 0)
        pos = x->n;
    else
        pos = lower_bound(x, s->name);
    memmove(&x->sorted[pos + 1], &x->sorted[pos], (x->n - pos) * sizeof *x->sorted);
    x->sorted[pos] = s;
    x->n++;
    s->next = pos + 1 < x->n ? x->sorted[pos + 1] : NULL;
    if (pos > 0)
        x->sorted[pos - 1]->next = s;
    else
        scm->services = s;
    hash_add(x, s);
    return 0;
}

void scm_service_unlink(struct scm *scm, struct scm_service *s)
{
    struct scm_service_index *x = scm->service_index;
    size_t pos;

    if (x == NULL)
        return;
    for (pos = lower_bound(x, s->name); pos < x->n && x->sorted[pos] != s; pos++)
        if (strcasecmp(x->sorted[pos]->name, s->name) != 0)
            return;     /* not in the table */
    if (pos == x->n)
        return;
    if (pos > 0)
        x->sorted[pos - 1]->next = s->next;
    else
        scm->services = s->next;
    s->next = NULL;
    hash_remove(x, s);
    dependers_remove(x, s);
    x->n--;
    memmove(&x->sorted[pos], &x->sorted[pos + 1], (x->n - pos) * sizeof *x->sorted);
    if (x->n == 0)
        free_index(scm);
}

void scm_service_free_all(struct scm *scm)
{
    struct scm_service *s = scm->services, *next;

    scm->services = NULL;
    for (; s != NULL; s = next) {
        next = s->next;
        scm_service_free(s);
    }
    free_index(scm);
}

struct svc_service_config *scm_service_set_config(struct scm *scm, struct scm_service *s,
                                                  struct svc_service_config *cfg)
{
    struct scm_service_index *x = scm->service_index;
    struct svc_service_config *old = s->cfg;
    int linked = x != NULL && scm_service_find(scm, s->name) == s;

    if (linked) {
        hash_remove_display(x, s);
        dependers_remove(x, s);
    }
    s->cfg = cfg;
    free(s->host_group);
    s->host_group = group_of(cfg);
    if (linked && cfg->display_name != NULL) {
        size_t b = svc_name_hash(cfg->display_name) & (x->buckets - 1);
        s->display_next = x->by_display[b];
        x->by_display[b] = s;
    }
    if (linked)
        dependers_add(x, s);
    return old;
}

size_t scm_service_count(const struct scm *scm)
{
    return scm->service_index ? scm->service_index->n : 0;
}

struct scm_service *scm_service_find(const struct scm *scm, const char *name)
{
    const struct scm_service_index *x = scm->service_index;

    if (name == NULL || x == NULL || x->n == 0)
        return NULL;
    for (struct scm_service *s = x->by_name[svc_name_hash(name) & (x->buckets - 1)]; s; s = s->name_next)
        if (strcasecmp(s->name, name) == 0)
            return s;
    return NULL;
}

struct scm_service *scm_service_find_display(const struct scm *scm, const char *display)
{
    const struct scm_service_index *x = scm->service_index;
    struct scm_service *best = NULL;

    if (display == NULL || x == NULL || x->n == 0)
        return NULL;
    for (struct scm_service *s = x->by_display[svc_name_hash(display) & (x->buckets - 1)]; s;
         s = s->display_next)
        if (strcasecmp(s->cfg->display_name, display) == 0 &&
            (best == NULL || strcasecmp(s->name, best->name) < 0))
            best = s;
    return best;
}

int scm_service_active(const struct scm_service *s)
{
    return s->status.dwCurrentState != SERVICE_STOPPED;
}

int scm_service_up(const struct scm_service *s)
{
    DWORD st = s->status.dwCurrentState;
    return st == SERVICE_RUNNING || st == SERVICE_PAUSED || st == SERVICE_PAUSE_PENDING ||
           st == SERVICE_CONTINUE_PENDING;
}

const char *scm_service_display(const struct scm_service *s)
{
    return s->cfg->display_name ? s->cfg->display_name : s->name;
}

int scm_service_in_group(const struct scm_service *s, const char *g)
{
    return g && s->cfg->load_order_group && strcasecmp(s->cfg->load_order_group, g) == 0;
}

char *scm_service_host_group(const struct scm_service *s)
{
    return s->host_group ? strdup(s->host_group) : NULL;
}

struct scm_service *scm_service_other_with_display(const struct scm *scm, const char *display,
                                                   const struct scm_service *except)
{
    const struct scm_service_index *x = scm->service_index;

    if (display == NULL || x == NULL || x->n == 0)
        return NULL;
    for (struct scm_service *s = x->by_display[svc_name_hash(display) & (x->buckets - 1)]; s;
         s = s->display_next)
        if (s != except && strcasecmp(s->cfg->display_name, display) == 0)
            return s;
    return NULL;
}

struct scm_service *const *scm_service_dependers(const struct scm *scm, size_t *n)
{
    const struct scm_service_index *x = scm->service_index;

    *n = x ? x->n_dependers : 0;
    return x ? x->dependers : NULL;
}
