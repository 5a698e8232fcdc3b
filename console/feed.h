/*
 * feed.h - the live view: a thread polls every machine through the API
 * (statuses every tick, configurations every fifth, hosts and new events
 * every second) and publishes what changed as server-sent events
 * (docs/console.md, "Live updates"), which every open page reads.  It
 * polls only while a page reads the stream.
 *
 * Messages are numbered; the last FEED_RING are kept, so a reader that
 * falls further behind is told to reload its data ("resync") instead of
 * blocking the poller.
 */
#ifndef SVCCONSOLE_FEED_H
#define SVCCONSOLE_FEED_H

#include <pthread.h>
#include <stdint.h>

#include "api.h"

#define FEED_RING 512

struct feed_machine;

struct feed {
    struct console *console;
    unsigned interval_ms;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    uint64_t next;              /* the number the next message gets */
    char *ring[FEED_RING];      /* message k in ring[k % FEED_RING] */
    int stopping;
    unsigned readers;           /* open streams: the poller rests without any */
    pthread_t thread;
    struct feed_machine *machines;
};

/* Starts the poller, and sets c's on_status so that the status an
 * action's reply carries is published as the poller's are (the feed must
 * then outlive every API call).  0, or a negative errno. */
int feed_start(struct feed *f, struct console *c, unsigned interval_ms);
/* Stops it and wakes every reader (feed_next then returns NULL at once). */
void feed_stop(struct feed *f);
void feed_destroy(struct feed *f);

/* A stream opens (+1) or closes (-1).  The poller polls only while one is
 * open, so a console nobody looks at costs the SCM nothing; the first
 * stream wakes it.  Returns the number of the next message to be
 * published: where a new reader starts. */
uint64_t feed_reader(struct feed *f, int delta);

/*
 * Waits up to timeout_ms for message *pos and returns a copy (the caller
 * frees it) of its whole SSE frame ("event: ...\ndata: ...\n\n"), moving
 * *pos on.  A reader that fell behind the ring gets a "resync" frame and
 * is moved to the oldest message kept.  NULL on timeout, when stopping,
 * or out of memory; *stopped says which.
 */
char *feed_next(struct feed *f, uint64_t *pos, unsigned timeout_ms, int *stopped);

#endif
