/*
 * status_table.c - the shared status table (see status_table.h).
 */
#include "status_table.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "paths.h"

/* How often a reader tries a slot scmd is writing before it asks scmd. */
#define READ_TRIES 64

static size_t table_bytes(uint32_t capacity)
{
    return sizeof(struct svc_table_header) + (size_t)capacity * sizeof(struct svc_table_slot);
}

static struct svc_table_header *header(const struct svc_table *t)
{
    return t->base;
}

static struct svc_table_slot *slot_at(const struct svc_table *t, uint32_t i)
{
    return (struct svc_table_slot *)((char *)t->base + sizeof(struct svc_table_header)) + i;
}

int svc_table_create(const char *path, uint32_t capacity, struct svc_table *t)
{
    char *tmp;
    int fd, rc = 0;
    size_t size = table_bytes(capacity);
    void *base;

    memset(t, 0, sizeof *t);
    t->fd = -1;
    if ((fd = svc_temp_beside(path, 0644, &tmp)) < 0)
        return fd;
    if (ftruncate(fd, (off_t)size) < 0) {
        rc = -errno;
        goto fail;
    }
    base = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (base == MAP_FAILED) {
        rc = -errno;
        goto fail;
    }
    t->base = base;
    t->size = size;
    t->capacity = capacity;
    t->fd = fd;
    header(t)->magic = SVC_TABLE_MAGIC;
    header(t)->version = SVC_TABLE_VERSION;
    header(t)->slot_size = sizeof(struct svc_table_slot);
    if (getrandom(&t->instance, sizeof t->instance, 0) != (ssize_t)sizeof t->instance)
        t->instance = ((uint64_t)getpid() << 32) ^ (uint64_t)time(NULL);
    header(t)->instance = t->instance;
    atomic_store_explicit(&header(t)->capacity, capacity, memory_order_release);
    if (rename(tmp, path) < 0) {
        rc = -errno;
        munmap(base, size);
        memset(t, 0, sizeof *t);
        t->fd = -1;
        goto fail;
    }
    free(tmp);
    return 0;
fail:
    close(fd);
    unlink(tmp);
    free(tmp);
    return rc;
}

int svc_table_reserve(struct svc_table *t, uint32_t n)
{
    uint32_t cap = t->capacity ? t->capacity : 64;
    size_t size;
    void *base;

    if (n <= t->capacity)
        return 0;
    while (cap < n)
        cap = cap > UINT32_MAX / 2 ? n : cap * 2;
    size = table_bytes(cap);
    if (ftruncate(t->fd, (off_t)size) < 0)
        return -errno;
    base = mremap(t->base, t->size, size, MREMAP_MAYMOVE);
    if (base == MAP_FAILED)
        return -errno;
    t->base = base;
    t->size = size;
    t->capacity = cap;
    atomic_store_explicit(&header(t)->capacity, cap, memory_order_release);
    return 0;
}

void svc_table_write(struct svc_table *t, uint32_t slot, uint32_t gen, int published,
                     const SERVICE_STATUS_PROCESS *st)
{
    struct svc_table_slot *s;
    uint32_t words[SVC_TABLE_STATUS_WORDS] = { 0 };
    uint32_t seq;

    if (t->base == NULL || slot >= t->capacity)
        return;
    s = slot_at(t, slot);
    if (st != NULL)
        memcpy(words, st, sizeof words);
    seq = atomic_load_explicit(&s->seq, memory_order_relaxed);
    /* Odd: a reader that sees it, or sees it change, tries again. */
    atomic_store_explicit(&s->seq, seq + 1, memory_order_relaxed);
    atomic_thread_fence(memory_order_release);
    atomic_store_explicit(&s->gen, gen, memory_order_relaxed);
    atomic_store_explicit(&s->published, published ? 1u : 0u, memory_order_relaxed);
    for (int i = 0; i < SVC_TABLE_STATUS_WORDS; i++)
        atomic_store_explicit(&s->status[i], words[i], memory_order_relaxed);
    atomic_store_explicit(&s->seq, seq + 2, memory_order_release);
}

void svc_table_close(struct svc_table *t)
{
    if (t->base != NULL)
        munmap(t->base, t->size);
    if (t->fd >= 0)
        close(t->fd);
    memset(t, 0, sizeof *t);
    t->fd = -1;
}

int svc_table_map(const char *path, struct svc_table *t)
{
    struct stat st;
    const struct svc_table_header *h;
    int fd = open(path, O_RDONLY | O_CLOEXEC), rc;
    void *base;

    memset(t, 0, sizeof *t);
    t->fd = -1;
    if (fd < 0)
        return -errno;
    if (fstat(fd, &st) < 0) {
        rc = -errno;
        close(fd);
        return rc;
    }
    if ((size_t)st.st_size < sizeof *h) {
        close(fd);
        return -EPROTO;
    }
    base = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    if (base == MAP_FAILED)
        return -errno;
    h = base;
    if (h->magic != SVC_TABLE_MAGIC || h->version != SVC_TABLE_VERSION ||
        h->slot_size != sizeof(struct svc_table_slot)) {
        munmap(base, (size_t)st.st_size);
        return -EPROTO;
    }
    t->base = base;
    t->size = (size_t)st.st_size;
    t->instance = h->instance;
    /* What the file held when mapped, and no more than the mapping. */
    t->capacity = atomic_load_explicit(&((struct svc_table_header *)base)->capacity,
                                       memory_order_acquire);
    if (table_bytes(t->capacity) > t->size)
        t->capacity = (uint32_t)((t->size - sizeof *h) / sizeof(struct svc_table_slot));
    return 0;
}

int svc_table_read(const struct svc_table *t, uint32_t slot, uint32_t gen,
                   SERVICE_STATUS_PROCESS *out)
{
    const struct svc_table_slot *s;
    uint32_t words[SVC_TABLE_STATUS_WORDS];

    if (t->base == NULL || slot >= t->capacity)
        return -ERANGE;
    s = slot_at(t, slot);
    for (int tries = 0; tries < READ_TRIES; tries++) {
        uint32_t before = atomic_load_explicit(&s->seq, memory_order_acquire), after;
        uint32_t g, published;

        if (before & 1u)
            continue;
        g = atomic_load_explicit(&s->gen, memory_order_relaxed);
        published = atomic_load_explicit(&s->published, memory_order_relaxed);
        for (int i = 0; i < SVC_TABLE_STATUS_WORDS; i++)
            words[i] = atomic_load_explicit(&s->status[i], memory_order_relaxed);
        atomic_thread_fence(memory_order_acquire);
        after = atomic_load_explicit(&s->seq, memory_order_relaxed);
        if (after != before)
            continue;
        if (g != gen || !published)
            return -ENOENT;
        memcpy(out, words, sizeof words);
        return 0;
    }
    return -EAGAIN;
}

/* ---- the process's mapping --------------------------------------------- */

/* The current mapping.  One that is replaced (the table grew, or another
 * scmd made a new one) stays mapped: a reader in another thread may
 * still be in it, and there are few over a process's life. */
static _Atomic(struct svc_table *) mapped;
static pthread_mutex_t map_lock = PTHREAD_MUTEX_INITIALIZER;
/* The replaced ones, kept (and reachable, for leak checkers). */
static struct retired {
    struct retired *next;
    struct svc_table *t;
} *retired;

/* Maps the table again unless what is mapped now already holds slot of
 * instance (another thread did it first). */
static struct svc_table *remap(uint32_t slot, uint64_t instance)
{
    struct svc_table *now, *t;
    char *path;

    pthread_mutex_lock(&map_lock);
    now = atomic_load_explicit(&mapped, memory_order_acquire);
    if (now != NULL && now->instance == instance && slot < now->capacity)
        goto out;
    t = calloc(1, sizeof *t);
    path = svc_path_status_table(svc_default_root());
    struct retired *r = now != NULL ? malloc(sizeof *r) : NULL;
    if (t != NULL && path != NULL && (now == NULL || r != NULL) && svc_table_map(path, t) == 0) {
        if (r != NULL) {
            r->t = now;
            r->next = retired;
            retired = r;
        }
        atomic_store_explicit(&mapped, t, memory_order_release);
        now = t;
    } else {
        free(t);
        free(r);
    }
    free(path);
out:
    pthread_mutex_unlock(&map_lock);
    return now;
}

int svc_table_client_read(uint32_t slot, uint32_t gen, uint64_t instance,
                          SERVICE_STATUS_PROCESS *out)
{
    struct svc_table *t = atomic_load_explicit(&mapped, memory_order_acquire);
    int rc;

    if (slot == SVC_TABLE_NO_SLOT)
        return -ENOENT;
    if (t == NULL || t->instance != instance || slot >= t->capacity) {
        t = remap(slot, instance);
        if (t == NULL || t->instance != instance)
            return -ENOENT;
    }
    rc = svc_table_read(t, slot, gen, out);
    if (rc == -ERANGE && (t = remap(slot, instance)) != NULL && t->instance == instance)
        rc = svc_table_read(t, slot, gen, out);
    return rc;
}
