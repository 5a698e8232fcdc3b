/*
 * names.c - the case-insensitive name hash and map (see names.h).
 */
#include "names.h"

#include <errno.h>
#include <stdlib.h>
#include <strings.h>

size_t svc_name_hash(const char *p)
{
    size_t h = (size_t)14695981039346656037ull;

    for (; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c - 'A' + 'a');
        h = (h ^ c) * (size_t)1099511628211ull;
    }
    return h;
}

/* The slot holding name, or the empty slot where it would go. */
static size_t slot_of(const struct svc_name_map *m, const char *name)
{
    size_t mask = m->cap - 1, i = svc_name_hash(name) & mask;

    while (m->slots[i].name != NULL && strcasecmp(m->slots[i].name, name) != 0)
        i = (i + 1) & mask;
    return i;
}

void *svc_name_map_get(const struct svc_name_map *m, const char *name)
{
    if (m->cap == 0 || name == NULL)
        return NULL;
    return m->slots[slot_of(m, name)].value;
}

static int grow(struct svc_name_map *m)
{
    struct svc_name_map bigger = { .cap = m->cap ? m->cap * 2 : 16 };

    bigger.slots = calloc(bigger.cap, sizeof *bigger.slots);
    if (bigger.slots == NULL)
        return -ENOMEM;
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i].name != NULL)
            bigger.slots[slot_of(&bigger, m->slots[i].name)] = m->slots[i];
    bigger.n = m->n;
    free(m->slots);
    *m = bigger;
    return 0;
}

int svc_name_map_put(struct svc_name_map *m, const char *name, void *value)
{
    size_t i;

    if (2 * (m->n + 1) > m->cap && grow(m) < 0)
        return -ENOMEM;
    i = slot_of(m, name);
    if (m->slots[i].name == NULL)
        m->n++;
    m->slots[i] = (struct svc_name_slot){ name, value };
    return 0;
}

void svc_name_map_free(struct svc_name_map *m)
{
    free(m->slots);
    *m = (struct svc_name_map){ 0 };
}
