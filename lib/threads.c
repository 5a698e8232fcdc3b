/*
 * threads.c - per-service thread accounting (see threads.h).
 *
 * Each owner keeps a list of its live threads.  A thread leaves the list
 * from a thread-specific-data destructor, which runs on every way out
 * (return, pthread_exit, cancellation) while the thread still exists; so
 * while the list lock is held, every pthread_t in a list is a live
 * thread and may be asked for its CPU clock and stack.
 */
#include "threads.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* A thread's place in its owner's list: its own, in thread-local storage
 * (a thread belongs to one owner at a time), so that joining and leaving
 * an owner (twice for every control a host's channel thread runs as its
 * service) allocates nothing and unlinks in constant time. */
struct member {
    struct member *next, **pprev;
    pthread_t thread;
};

struct svc_thread_owner {
    char name[64];
    char *image;               /* the plugin file, for its mappings */
    struct member *live;
    uint32_t n_live;
    uint64_t ended_cpu_ns;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t left;    /* a thread left an owner (CLOCK_MONOTONIC) */
static pthread_once_t left_once = PTHREAD_ONCE_INIT;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static pthread_key_t key;
static _Thread_local struct svc_thread_owner *current;

static uint64_t thread_cpu_ns(clockid_t clk)
{
    struct timespec ts;
    if (clock_gettime(clk, &ts) != 0)
        return 0;
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void make_left(void)
{
    pthread_condattr_t attr;

    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&left, &attr);
    pthread_condattr_destroy(&attr);
}

static _Thread_local struct member self;
static _Thread_local int key_set;

/* Takes the calling thread out of o's list, charging o its CPU time up
 * to now_ns (lock held). */
static void leave(struct svc_thread_owner *o, uint64_t now_ns)
{
    if (self.pprev != NULL) {
        *self.pprev = self.next;
        if (self.next != NULL)
            self.next->pprev = self.pprev;
        self.next = NULL;
        self.pprev = NULL;
        o->n_live--;
        if (o->n_live == 0) {
            pthread_once(&left_once, make_left);
            pthread_cond_broadcast(&left);
        }
    }
    o->ended_cpu_ns += now_ns;
}

static void on_thread_exit(void *p)
{
    (void)p;
    pthread_mutex_lock(&lock);
    if (current != NULL)
        leave(current, thread_cpu_ns(CLOCK_THREAD_CPUTIME_ID));
    current = NULL;
    pthread_mutex_unlock(&lock);
}

static void make_key(void)
{
    pthread_key_create(&key, on_thread_exit);
}

struct svc_thread_owner *svc_thread_owner_current(void)
{
    return current;
}

struct svc_thread_owner *svc_thread_owner_new(const char *name)
{
    struct svc_thread_owner *o = calloc(1, sizeof *o);
    if (o != NULL)
        snprintf(o->name, sizeof o->name, "%s", name);
    return o;
}

void svc_thread_owner_free(struct svc_thread_owner *o)
{
    if (o == NULL)
        return;
    free(o->image);
    free(o);
}

void svc_thread_owner_set_image(struct svc_thread_owner *o, const char *path)
{
    char *copy;

    if (o == NULL || path == NULL || (copy = strdup(path)) == NULL)
        return;
    pthread_mutex_lock(&lock);
    free(o->image);
    o->image = copy;
    pthread_mutex_unlock(&lock);
}

uint32_t svc_thread_owner_wait_idle(struct svc_thread_owner *o, unsigned timeout_ms)
{
    struct timespec until = svc_deadline(timeout_ms);
    uint32_t n;

    pthread_once(&left_once, make_left);
    pthread_mutex_lock(&lock);
    while (o->n_live > 0 && pthread_cond_timedwait(&left, &lock, &until) == 0)
        ;
    n = o->n_live;
    pthread_mutex_unlock(&lock);
    return n;
}

void svc_thread_attach(struct svc_thread_owner *owner)
{
    uint64_t now;

    if (current == owner)
        return;
    if (!key_set) {
        /* Any value but NULL: the destructor takes the thread out of
         * whichever owner it is in when it ends. */
        pthread_once(&key_once, make_key);
        pthread_setspecific(key, &self);
        key_set = 1;
    }
    /* One reading of the clock ends the time charged to one owner and
     * begins the next's. */
    now = thread_cpu_ns(CLOCK_THREAD_CPUTIME_ID);
    pthread_mutex_lock(&lock);
    if (current != NULL)
        leave(current, now);
    current = owner;
    if (owner != NULL) {
        self.thread = pthread_self();
        self.next = owner->live;
        if (self.next != NULL)
            self.next->pprev = &self.next;
        self.pprev = &owner->live;
        owner->live = &self;
        owner->n_live++;
        /* CPU the thread used before it joined counts elsewhere. */
        owner->ended_cpu_ns -= now;
    }
    pthread_mutex_unlock(&lock);
}

/* Resident KiB of the smaps mappings that overlap [lo, hi). */
static uint64_t smaps_range_rss_kib(const char *smaps, uintptr_t lo, uintptr_t hi)
{
    uint64_t kib = 0;
    int in = 0;

    for (const char *line = smaps; line && *line;) {
        const char *nl = strchr(line, '\n');
        unsigned long a, b, v;
        if (sscanf(line, "%lx-%lx ", &a, &b) == 2)
            in = a < hi && b > lo;
        else if (in && sscanf(line, "Rss: %lu kB", &v) == 1)
            kib += v;
        line = nl ? nl + 1 : NULL;
    }
    return kib;
}

void svc_thread_usage(struct svc_thread_owner *o, const char *smaps, struct svc_thread_usage *out)
{
    memset(out, 0, sizeof *out);
    pthread_mutex_lock(&lock);
    out->threads = o->n_live;
    out->cpu_ns = o->ended_cpu_ns;
    for (struct member *m = o->live; m; m = m->next) {
        clockid_t clk;
        pthread_attr_t attr;
        if (pthread_getcpuclockid(m->thread, &clk) == 0)
            out->cpu_ns += thread_cpu_ns(clk);
        if (smaps != NULL && pthread_getattr_np(m->thread, &attr) == 0) {
            void *addr;
            size_t size;
            if (pthread_attr_getstack(&attr, &addr, &size) == 0)
                out->stack_rss_kib +=
                    smaps_range_rss_kib(smaps, (uintptr_t)addr, (uintptr_t)addr + size);
            pthread_attr_destroy(&attr);
        }
    }
    if (smaps != NULL && o->image != NULL)
        out->image_pss_kib = svc_smaps_file_pss_kib(smaps, o->image);
    pthread_mutex_unlock(&lock);
}

uint64_t svc_smaps_file_pss_kib(const char *smaps, const char *path)
{
    uint64_t kib = 0;
    size_t plen = strlen(path);
    int in = 0;

    for (const char *line = smaps; line && *line;) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        unsigned long a, b, v;
        if (sscanf(line, "%lx-%lx ", &a, &b) == 2) {
            /* The path is the last field of a mapping's header line. */
            in = len >= plen && memcmp(line + len - plen, path, plen) == 0 &&
                 (len == plen || line[len - plen - 1] == ' ');
        } else if (in && sscanf(line, "Pss: %lu kB", &v) == 1) {
            kib += v;
        }
        line = nl ? nl + 1 : NULL;
    }
    return kib;
}

char *svc_smaps_read(void)
{
    char *buf = NULL;
    size_t len = 0, cap = 0;
    int fd = open("/proc/self/smaps", O_RDONLY | O_CLOEXEC);

    if (fd < 0)
        return NULL;
    for (;;) {
        if (len + 65536 + 1 > cap) {
            size_t ncap = cap ? cap * 2 : 262144;
            char *grown = realloc(buf, ncap);
            if (grown == NULL) {
                free(buf);
                close(fd);
                return NULL;
            }
            buf = grown;
            cap = ncap;
        }
        ssize_t n = read(fd, buf + len, cap - len - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    close(fd);
    buf[len] = '\0';
    return buf;
}

struct timespec svc_deadline(unsigned ms)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    t.tv_sec += ms / 1000;
    t.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (t.tv_nsec >= 1000000000L) {
        t.tv_sec++;
        t.tv_nsec -= 1000000000L;
    }
    return t;
}

unsigned svc_cpu_count(void)
{
    cpu_set_t set;

    return sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0
               ? (unsigned)CPU_COUNT(&set) : 1;
}
