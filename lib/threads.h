/*
 * threads.h - which service each thread of a service process works for.
 *
 * Every thread the dispatcher starts for a service (its ServiceMain and
 * its control worker) is attached to that service, and so is every thread
 * such a thread creates: svchost exports its own pthread_create, which
 * plugins bind to, and which hands the creator's service to the new
 * thread.  The CPU time of threads that have ended is kept per service,
 * so a service's total covers every thread it ever ran.
 */
#ifndef SVC_THREADS_H
#define SVC_THREADS_H

#include <stdint.h>
#include <time.h>

struct svc_thread_owner;

/* The owner of the calling thread, or NULL (a thread of no service). */
struct svc_thread_owner *svc_thread_owner_current(void);
/* Attaches the calling thread to owner (NULL: to none) until it exits. */
void svc_thread_attach(struct svc_thread_owner *owner);

/* An owner per service; lives as long as the process. */
struct svc_thread_owner *svc_thread_owner_new(const char *name);
/* Frees an owner no thread was ever attached to (NULL: nothing). */
void svc_thread_owner_free(struct svc_thread_owner *o);
/* Names the file the service's code was loaded from (its plugin), so its
 * mappings count as the service's memory. */
void svc_thread_owner_set_image(struct svc_thread_owner *o, const char *path);

/* Waits up to timeout_ms for the last thread attached to o to end (a
 * thread counts until its thread-specific-data destructors run, after its
 * start function has returned).  Returns how many are left: 0 when none
 * is, else the number still attached at the deadline. */
uint32_t svc_thread_owner_wait_idle(struct svc_thread_owner *o, unsigned timeout_ms);

struct svc_thread_usage {
    uint32_t threads;        /* live threads */
    uint64_t cpu_ns;         /* CPU time of live and ended threads */
    uint64_t stack_rss_kib;  /* resident stack pages of live threads */
    uint64_t image_pss_kib;  /* proportional resident size of its plugin's mappings */
};

/* Usage of one owner.  Stack residency is read from /proc/self/smaps
 * when smaps is non-NULL (the text of that file, read once by the caller). */
void svc_thread_usage(struct svc_thread_owner *owner, const char *smaps, struct svc_thread_usage *out);

/* Proportional resident size (KiB) of the mappings of the file at path,
 * from the text of /proc/self/smaps. */
uint64_t svc_smaps_file_pss_kib(const char *smaps, const char *path);
/* Reads /proc/self/smaps into a new string (NULL on failure). */
char *svc_smaps_read(void);

/* CLOCK_MONOTONIC now plus ms: a deadline for pthread_cond_timedwait on a
 * condition variable set to that clock (or pthread_cond_clockwait). */
struct timespec svc_deadline(unsigned ms);

/* The CPUs this process may run on (its affinity), at least 1. */
unsigned svc_cpu_count(void);

#endif
