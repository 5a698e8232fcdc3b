/*
 * table.c - publishing statuses in the shared table (see table.h).
 */
#include "table.h"
#include "log.h"
#include "paths.h"
#include "status_table.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define FIRST_CAPACITY 1024u

struct scm_table {
    struct svc_table t;
    uint32_t *free_slots;      /* slots given back, to reuse */
    uint32_t n_free, free_cap;
    uint32_t next;             /* slots below next have been used */
    uint32_t *gens;            /* each slot's last generation */
};

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
    if (rc == 0 && (tb->gens = calloc(FIRST_CAPACITY, sizeof *tb->gens)) == NULL)
        rc = -ENOMEM;
    if (rc < 0) {
        log_warnx("%s: %s; clients will ask scmd for every status", path, strerror(-rc));
        svc_table_close(&tb->t);
        free(tb);
        free(path);
        return rc;
    }
    free(path);
    scm->table = tb;
    return 0;
}

void scm_table_close(struct scm *scm)
{
    struct scm_table *tb = scm->table;

    if (tb == NULL)
        return;
    svc_table_close(&tb->t);
    free(tb->free_slots);
    free(tb->gens);
    free(tb);
    scm->table = NULL;
}

static int grow(struct scm_table *tb)
{
    uint32_t old = tb->t.capacity;
    uint32_t *gens;

    if (svc_table_reserve(&tb->t, old + 1) < 0)
        return -1;
    gens = realloc(tb->gens, (size_t)tb->t.capacity * sizeof *gens);
    if (gens == NULL)
        return -1;
    memset(gens + old, 0, (size_t)(tb->t.capacity - old) * sizeof *gens);
    tb->gens = gens;
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
}

void scm_table_remove(struct scm *scm, struct scm_service *s)
{
    struct scm_table *tb = scm->table;

    if (tb == NULL || s->slot == SVC_TABLE_NO_SLOT)
        return;
    svc_table_write(&tb->t, s->slot, 0, 0, NULL);
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
}

uint64_t scm_table_instance(const struct scm *scm)
{
    return scm->table != NULL ? scm->table->t.instance : 0;
}
