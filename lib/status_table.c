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
#ifdef __linux__
#include <linux/futex.h>
#endif

#include "config.h"
#include "paths.h"
#include "proto.h"

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

/* Maps the header a second time, where it stays while the table grows
 * and moves (the kernel finds the owner's mutex by its address when the
 * thread ends), and takes the mutex for the calling thread. */
static int own(struct svc_table *t)
{
    pthread_mutexattr_t a;
    void *h = mmap(NULL, sizeof(struct svc_table_header), PROT_READ | PROT_WRITE, MAP_SHARED,
                   t->fd, 0);
    int rc;

    if (h == MAP_FAILED)
        return -errno;
    t->owned = h;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
    pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
    rc = -pthread_mutex_init(&t->owned->owner.mutex, &a);
    pthread_mutexattr_destroy(&a);
    if (rc == 0 && (rc = -pthread_mutex_lock(&t->owned->owner.mutex)) < 0)
        pthread_mutex_destroy(&t->owned->owner.mutex);
    if (rc < 0) {
        munmap(h, sizeof(struct svc_table_header));
        t->owned = NULL;
    }
    return rc;
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
    if ((rc = own(t)) < 0 || rename(tmp, path) < 0) {
        rc = rc < 0 ? rc : -errno;
        svc_table_close(t);
        unlink(tmp);
        free(tmp);
        return rc;
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

void svc_table_names_stale(struct svc_table *t)
{
    uint32_t g;

    if (t->base == NULL)
        return;
    g = atomic_load_explicit(&header(t)->names_gen, memory_order_relaxed) + 1;
    atomic_store_explicit(&header(t)->names_gen, g ? g : 1, memory_order_release);
}

static size_t names_record_bytes(size_t name_len, size_t display_len)
{
    return (sizeof(struct svc_names_record) + name_len + 1 + display_len + 1 + 3) & ~(size_t)3;
}

int svc_table_names_write(struct svc_table *t, const char *path, const struct svc_names_entry *e,
                          size_t n)
{
    struct svc_names_header h = { .magic = SVC_NAMES_MAGIC, .version = SVC_NAMES_VERSION };
    size_t size = sizeof h, off;
    char *buf;
    int rc;

    if (t->base == NULL)
        return -ENOENT;
    for (size_t i = 0; i < n; i++) {
        size_t a = strlen(e[i].name), b = strlen(e[i].display);
        if (a > UINT16_MAX || b > UINT16_MAX)
            return -EINVAL;
        size += names_record_bytes(a, b);
    }
    if (size > UINT32_MAX)
        return -EINVAL;
    if ((buf = calloc(1, size)) == NULL)
        return -ENOMEM;
    h.instance = t->instance;
    h.gen = atomic_load_explicit(&header(t)->names_gen, memory_order_relaxed);
    h.count = (uint32_t)n;
    h.size = (uint32_t)size;
    memcpy(buf, &h, sizeof h);
    off = sizeof h;
    for (size_t i = 0; i < n; i++) {
        struct svc_names_record r = { .slot = e[i].slot, .gen = e[i].gen, .type = e[i].type,
                                      .name_len = (uint16_t)strlen(e[i].name),
                                      .display_len = (uint16_t)strlen(e[i].display) };
        memcpy(buf + off, &r, sizeof r);
        memcpy(buf + off + sizeof r, e[i].name, r.name_len);
        memcpy(buf + off + sizeof r + r.name_len + 1, e[i].display, r.display_len);
        off += names_record_bytes(r.name_len, r.display_len);
    }
    /* Not synced: the file says what scmd holds now, and a new scmd
     * writes its own. */
    rc = svc_write_file_replace(path, buf, size);
    free(buf);
    return rc;
}

void svc_table_close(struct svc_table *t)
{
    if (t->owned != NULL) {
        /* Readers see the mutex free: the table is no longer kept. */
        pthread_mutex_unlock(&t->owned->owner.mutex);
        munmap(t->owned, sizeof(struct svc_table_header));
    }
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

int svc_table_kept(const struct svc_table *t)
{
#if defined(__GLIBC__) && defined(__linux__)
    /* glibc's mutex begins with its futex word: the owner's thread ID
     * while held, FUTEX_OWNER_DIED once the kernel saw the owner end
     * holding it, 0 once released. */
    const struct svc_table_header *h = t->base;
    int word = __atomic_load_n(&h->owner.mutex.__data.__lock, __ATOMIC_ACQUIRE);

    return (word & FUTEX_TID_MASK) != 0 && !(word & FUTEX_OWNER_DIED);
#else
    (void)t;
    return -1;
#endif
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

/* The mapping of instance's table that holds slot, mapped again if need
 * be; NULL if there is none. */
static struct svc_table *table_with(uint32_t slot, uint64_t instance)
{
    struct svc_table *t = atomic_load_explicit(&mapped, memory_order_acquire);

    if (t == NULL || t->instance != instance || slot >= t->capacity)
        t = remap(slot, instance);
    return t != NULL && t->instance == instance ? t : NULL;
}

/* What a client's read of t ends with once it has what it read: checked
 * after the read, so that scmd was alive after the status was taken. */
static int kept_answer(const struct svc_table *t)
{
    switch (svc_table_kept(t)) {
    case 1:
        return 0;
    case 0:
        return -ENOTCONN;
    default:
        return 1;
    }
}

int svc_table_client_read(uint32_t slot, uint32_t gen, uint64_t instance,
                          SERVICE_STATUS_PROCESS *out)
{
    struct svc_table *t;
    int rc;

    if (slot == SVC_TABLE_NO_SLOT || (t = table_with(slot, instance)) == NULL)
        return -ENOENT;
    if ((rc = svc_table_read(t, slot, gen, out)) < 0)
        return rc;
    return kept_answer(t);
}

/* ---- a client's enumeration -------------------------------------------- */

/* The names file of the last enumeration, kept mapped while current;
 * enumerations take turns under its lock. */
static struct {
    pthread_mutex_t lock;
    void *base;
    size_t size;
    uint64_t instance;
    uint32_t gen;
} names = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void names_unmap(void)
{
    if (names.base != NULL)
        munmap(names.base, names.size);
    names.base = NULL;
    names.size = 0;
}

/* Whether the mapped file is a names file of instance's generation gen
 * whole: checked at every use, as the mapping shows the file as it is. */
static int names_current(uint64_t instance, uint32_t gen)
{
    const struct svc_names_header *h = names.base;

    return h->magic == SVC_NAMES_MAGIC && h->version == SVC_NAMES_VERSION &&
           h->instance == instance && h->gen == gen && h->size == names.size;
}

/* Maps the names file of instance's generation gen (names.lock held):
 * 0, or -ENOENT when the file there is not that one (or not a names
 * file at all). */
static int names_map(uint64_t instance, uint32_t gen)
{
    struct stat st;
    char *path;
    int fd;

    if (names.base != NULL && names.instance == instance && names.gen == gen)
        return 0;
    names_unmap();
    if ((path = svc_path_names_file(svc_default_root())) == NULL)
        return -ENOMEM;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    free(path);
    if (fd < 0)
        return -ENOENT;
    if (fstat(fd, &st) < 0 || (size_t)st.st_size < sizeof(struct svc_names_header) || st.st_size > UINT32_MAX) {
        close(fd);
        return -ENOENT;
    }
    names.base = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    if (names.base == MAP_FAILED) {
        names.base = NULL;
        return -ENOENT;
    }
    names.size = (size_t)st.st_size;
    if (!names_current(instance, gen)) {
        names_unmap();
        return -ENOENT;
    }
    names.instance = instance;
    names.gen = gen;
    return 0;
}

/* Record i of the mapped file at *off, checked against its bounds: 0 and
 * the record's strings, or -EPROTO. */
static int names_record(size_t *off, struct svc_names_record *r, const char **name,
                        const char **display)
{
    const char *p = (const char *)names.base + *off;
    size_t need;

    if (names.size - *off < sizeof *r)
        return -EPROTO;
    memcpy(r, p, sizeof *r);
    need = names_record_bytes(r->name_len, r->display_len);
    if (names.size - *off < need || p[sizeof *r + r->name_len] != '\0' ||
        p[sizeof *r + r->name_len + 1 + r->display_len] != '\0')
        return -EPROTO;
    *name = p + sizeof *r;
    *display = p + sizeof *r + r->name_len + 1;
    *off += need;
    return 0;
}

static int names_list(uint64_t instance, uint32_t type, uint32_t state,
                      struct svc_msg_service **out, size_t *n)
{
    struct svc_table *t = table_with(0, instance);
    const struct svc_names_header *h;
    struct svc_msg_service *v;
    uint32_t gen;
    size_t off, k = 0;
    int rc;

    if (t == NULL)
        return -ENOENT;
    gen = atomic_load_explicit(&header(t)->names_gen, memory_order_acquire);
    if (gen == 0 || (rc = names_map(instance, gen)) < 0)
        return -ENOENT;
    if (!names_current(instance, gen))
        return -ENOENT;
    h = names.base;
    if (h->count > (names.size - sizeof *h) / sizeof(struct svc_names_record))
        return -EPROTO;
    if ((v = calloc(h->count ? h->count : 1, sizeof *v)) == NULL)
        return -ENOMEM;
    off = sizeof *h;
    for (uint32_t i = 0; i < h->count; i++) {
        struct svc_names_record r;
        const char *name, *display;
        SERVICE_STATUS_PROCESS st;

        if ((rc = names_record(&off, &r, &name, &display)) < 0)
            goto fail;
        if ((t = table_with(r.slot, instance)) == NULL) {
            rc = -ENOENT;
            goto fail;
        }
        if ((rc = svc_table_read(t, r.slot, r.gen, &st)) < 0)
            goto fail;
        if (!(r.type & type) ||
            !(state & (st.dwCurrentState == SERVICE_STOPPED ? SERVICE_INACTIVE : SERVICE_ACTIVE)))
            continue;
        v[k].status = st;
        if ((v[k].name = strdup(name)) == NULL || (v[k].display = strdup(display)) == NULL) {
            k++;
            rc = -ENOMEM;
            goto fail;
        }
        k++;
    }
    /* A service that changed meanwhile may be missing, or be another's. */
    if (atomic_load_explicit(&header(t)->names_gen, memory_order_acquire) != gen) {
        rc = -EAGAIN;
        goto fail;
    }
    if ((rc = kept_answer(t)) < 0)
        goto fail;
    *out = v;
    *n = k;
    return rc;
fail:
    svc_msg_services_free(v, k);
    return rc;
}

int svc_table_client_enum(uint64_t instance, uint32_t type, uint32_t state,
                          struct svc_msg_service **out, size_t *n)
{
    int rc;

    *out = NULL;
    *n = 0;
    pthread_mutex_lock(&names.lock);
    rc = names_list(instance, type, state, out, n);
    pthread_mutex_unlock(&names.lock);
    return rc;
}
