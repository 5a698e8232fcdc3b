/*
 * table.c - publishing statuses in the shared table, and the names file
 * beside it (see table.h).
 */
#include "table.h"
#include "log.h"
#include "paths.h"
#include "status_table.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FIRST_CAPACITY 1024u

/* The names file is written this long after the first change that made
 * it stale: a burst of creates (or scmd's start) writes it once, not once
 * per service, and an enumeration meanwhile asks scmd. */
#define NAMES_DELAY_MS 20

struct scm_table {
    struct svc_table t;
    uint32_t *free_slots;      /* slots given back, to reuse */
    uint32_t n_free, free_cap;
    uint32_t next;             /* slots below next have been used */
    uint32_t *gens;            /* each slot's last generation */
    unsigned char *hidden;     /* each slot: a service's, not published */
    uint32_t n_hidden;
    int enum_public;           /* every user may enumerate services */
    struct scm *scm;
    uv_timer_t *names_timer;   /* NULL without a loop */
    int names_armed;
    char *names_path;
};

static void names_closed(uv_handle_t *h)
{
    free(h);
}

int scm_table_open(struct scm *scm)
{
    struct scm_table *tb = calloc(1, sizeof *tb);
    char *path = svc_path_status_table(scm->root);
    int rc;

    if (tb == NULL || path == NULL) {
        free(tb);
        free(path);
        return -ENOMEM;
    }
    rc = svc_table_create(path, FIRST_CAPACITY, &tb->t);
    if (rc == 0 && ((tb->gens = calloc(FIRST_CAPACITY, sizeof *tb->gens)) == NULL ||
                    (tb->hidden = calloc(FIRST_CAPACITY, 1)) == NULL ||
                    (tb->names_path = svc_path_names_file(scm->root)) == NULL))
        rc = -ENOMEM;
    if (rc < 0) {
        log_warnx("%s: %s; clients will ask scmd for every status", path, strerror(-rc));
        svc_table_close(&tb->t);
        free(tb->gens);
        free(tb->hidden);
        free(tb->names_path);
        free(tb);
        free(path);
        return rc;
    }
    free(path);
    /* A names file left by an earlier scmd names another table. */
    unlink(tb->names_path);
    tb->scm = scm;
    if (scm->loop != NULL && (tb->names_timer = malloc(sizeof *tb->names_timer)) != NULL) {
        uv_timer_init(scm->loop, tb->names_timer);
        tb->names_timer->data = tb;
    }
    scm->table = tb;
    return 0;
}

void scm_table_close(struct scm *scm)
{
    struct scm_table *tb = scm->table;

    if (tb == NULL)
        return;
    if (tb->names_timer != NULL) {
        uv_timer_stop(tb->names_timer);
        uv_close((uv_handle_t *)tb->names_timer, names_closed);
    }
    svc_table_close(&tb->t);
    free(tb->free_slots);
    free(tb->gens);
    free(tb->hidden);
    free(tb->names_path);
    free(tb);
    scm->table = NULL;
}

/* Every installed service with its slot, in the order of the table of
 * services (EnumServicesStatusEx's); NULL when one has none (then no
 * names file is complete) or out of memory. */
static struct svc_names_entry *names_entries(struct scm *scm, size_t *n)
{
    struct svc_names_entry *e;
    size_t k = 0;

    *n = 0;
    for (const struct scm_service *s = scm->services; s; s = s->next)
        k++;
    if ((e = calloc(k ? k : 1, sizeof *e)) == NULL)
        return NULL;
    k = 0;
    for (const struct scm_service *s = scm->services; s; s = s->next) {
        if (s->slot == SVC_TABLE_NO_SLOT) {
            free(e);
            return NULL;
        }
        e[k++] = (struct svc_names_entry){ .slot = s->slot, .gen = s->slot_gen,
                                           .type = s->cfg->type, .name = s->name,
                                           .display = scm_service_display(s) };
    }
    *n = k;
    return e;
}

/* Writes the names file, if every service is published and every user
 * may enumerate them; else removes it (it would show what the SCM does
 * not show everyone). */
static void names_write(struct scm_table *tb)
{
    struct svc_names_entry *e = NULL;
    size_t n = 0;
    int rc = -EPERM;

    if (tb->n_hidden == 0 && tb->enum_public && (e = names_entries(tb->scm, &n)) != NULL)
        rc = svc_table_names_write(&tb->t, tb->names_path, e, n);
    free(e);
    if (rc < 0) {
        if (rc != -EPERM)
            log_warnx("%s: %s; enumerations ask scmd", tb->names_path, strerror(-rc));
        unlink(tb->names_path);
    }
}

static void on_names_timer(uv_timer_t *t)
{
    struct scm_table *tb = t->data;

    tb->names_armed = 0;
    names_write(tb);
}

void scm_table_names_changed(struct scm *scm)
{
    struct scm_table *tb = scm->table;

    if (tb == NULL)
        return;
    svc_table_names_stale(&tb->t);
    if (tb->names_timer != NULL && !tb->names_armed) {
        tb->names_armed = 1;
        uv_timer_start(tb->names_timer, on_names_timer, NAMES_DELAY_MS, 0);
    }
}

void scm_table_names_public(struct scm *scm, int everyone)
{
    if (scm->table == NULL)
        return;
    scm->table->enum_public = everyone;
    scm_table_names_changed(scm);
}

/* Whether slot is a service's and not published, counted in n_hidden. */
static void set_hidden(struct scm_table *tb, uint32_t slot, int hidden)
{
    if (tb->hidden[slot] == hidden)
        return;
    tb->hidden[slot] = (unsigned char)hidden;
    if (hidden)
        tb->n_hidden++;
    else
        tb->n_hidden--;
    scm_table_names_changed(tb->scm);
}

static int grow(struct scm_table *tb)
{
    uint32_t old = tb->t.capacity;
    uint32_t *gens;
    unsigned char *hidden;

    if (svc_table_reserve(&tb->t, old + 1) < 0)
        return -1;
    gens = realloc(tb->gens, (size_t)tb->t.capacity * sizeof *gens);
    if (gens == NULL)
        return -1;
    memset(gens + old, 0, (size_t)(tb->t.capacity - old) * sizeof *gens);
    tb->gens = gens;
    hidden = realloc(tb->hidden, tb->t.capacity);
    if (hidden == NULL)
        return -1;
    memset(hidden + old, 0, tb->t.capacity - old);
    tb->hidden = hidden;
    return 0;
}

void scm_table_add(struct scm *scm, struct scm_service *s)
{
    struct scm_table *tb = scm->table;
    uint32_t slot;

    s->slot = SVC_TABLE_NO_SLOT;
    s->slot_gen = 0;
    if (tb == NULL)
        return;
    if (tb->n_free > 0) {
        slot = tb->free_slots[--tb->n_free];
    } else {
        if (tb->next >= tb->t.capacity && grow(tb) < 0) {
            log_warnx("%s: no slot in the status table; its clients ask scmd", s->name);
            scm_table_names_changed(scm);
            return;
        }
        slot = tb->next++;
    }
    /* Never 0: a slot that was never used holds generation 0. */
    if (++tb->gens[slot] == 0)
        tb->gens[slot] = 1;
    s->slot = slot;
    s->slot_gen = tb->gens[slot];
    svc_table_write(&tb->t, slot, s->slot_gen, 0, NULL);
    set_hidden(tb, slot, 1);    /* until its first status is published */
}

void scm_table_remove(struct scm *scm, struct scm_service *s)
{
    struct scm_table *tb = scm->table;

    if (tb == NULL || s->slot == SVC_TABLE_NO_SLOT)
        return;
    svc_table_write(&tb->t, s->slot, 0, 0, NULL);
    set_hidden(tb, s->slot, 0);
    scm_table_names_changed(scm);
    if (tb->n_free == tb->free_cap) {
        uint32_t cap = tb->free_cap ? tb->free_cap * 2 : 64;
        uint32_t *more = realloc(tb->free_slots, (size_t)cap * sizeof *more);
        if (more == NULL) {
            s->slot = SVC_TABLE_NO_SLOT;   /* the slot is lost, not reused */
            return;
        }
        tb->free_slots = more;
        tb->free_cap = cap;
    }
    tb->free_slots[tb->n_free++] = s->slot;
    s->slot = SVC_TABLE_NO_SLOT;
}

void scm_table_set(struct scm *scm, const struct scm_service *s, int visible)
{
    struct scm_table *tb = scm->table;

    if (tb == NULL || s->slot == SVC_TABLE_NO_SLOT)
        return;
    svc_table_write(&tb->t, s->slot, s->slot_gen, visible, &s->status);
    set_hidden(tb, s->slot, !visible);
}

uint64_t scm_table_instance(const struct scm *scm)
{
    return scm->table != NULL ? scm->table->t.instance : 0;
}
