/* feed.c - the poller behind the live view, and its message ring. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "feed.h"
#include "hosts.h"
#include "services.h"

/* What the live view last sent of one machine: status and config are
 * kept under the machine's lock (the poller and the API's actions both
 * update them). */
struct feed_machine {
    int connected;              /* -1 before the first poll */
    json_t *status;             /* name -> the status fields last sent */
    json_t *config;             /* name -> the configuration fields last sent */
    DWORD last_record;          /* the newest event published */
    int events_known;           /* last_record has been read */
};

/* The fields of a service that are its status, as put_status writes them. */
static const char *const status_keys[] = {
    "state", "state_code", "pid", "win32_exit_code", "service_exit_code",
    "checkpoint", "wait_hint", "accepts_stop", "accepts_pause",
};

static uint64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Publishes one frame "event: TYPE\ndata: JSON\n\n" (data is stolen). */
static void publish(struct feed *f, const char *type, json_t *data)
{
    char *json = json_dumps(data, JSON_COMPACT), *frame = NULL;

    json_decref(data);
    if (json == NULL || asprintf(&frame, "event: %s\ndata: %s\n\n", type, json) < 0) {
        free(json);
        return;
    }
    free(json);
    pthread_mutex_lock(&f->lock);
    free(f->ring[f->next % FEED_RING]);
    f->ring[f->next % FEED_RING] = frame;
    f->next++;
    pthread_cond_broadcast(&f->cond);
    pthread_mutex_unlock(&f->lock);
}

static json_t *pick(json_t *svc, const char *const *keys, size_t n)
{
    json_t *o = json_object();

    for (size_t i = 0; i < n; i++) {
        json_t *v = json_object_get(svc, keys[i]);

        if (v)
            json_object_set(o, keys[i], v);
    }
    return o;
}

/* The configuration fields: everything but the status, its read's number
 * and the names. */
static json_t *config_part(json_t *svc)
{
    json_t *o = json_deep_copy(svc);

    for (size_t i = 0; i < sizeof status_keys / sizeof *status_keys; i++)
        json_object_del(o, status_keys[i]);
    json_object_del(o, "seq");
    json_object_del(o, "machine");
    json_object_del(o, "name");
    return o;
}

static void machine_state(struct feed *f, struct machine *m, struct feed_machine *fm, DWORD err)
{
    int connected = err == NO_ERROR;

    if (fm->connected == connected)
        return;
    /* The operator's terminal hears of it too, but not of the first
     * poll's good news. */
    if (!connected)
        fprintf(stderr, "svcconsole: %s: error %u: %s; reconnecting\n", m->name, err,
                SvchostErrorMessage(err));
    else if (fm->connected == 0)
        fprintf(stderr, "svcconsole: %s: connected again\n", m->name);
    fm->connected = connected;
    publish(f, "machine", json_pack("{s:s, s:b, s:I, s:s}", "name", m->name, "connected",
                                    connected, "error", (json_int_t)err, "message",
                                    SvchostErrorMessage(err)));
}

/* What m's status read svc says of one service, with m->lock held: a
 * "status" message if it differs from what was last sent.  The lock orders
 * the reads, so the last one seen is always the newest. */
static void saw_status(struct feed *f, struct machine *m, struct feed_machine *fm, json_t *svc)
{
    const char *name = json_string_value(json_object_get(svc, "name"));
    json_t *st = pick(svc, status_keys, sizeof status_keys / sizeof *status_keys);
    json_t *old = json_object_get(fm->status, name);

    if (old == NULL || !json_equal(old, st)) {
        json_t *msg = json_deep_copy(st);

        json_object_set_new(msg, "machine", json_string(m->name));
        json_object_set_new(msg, "name", json_string(name));
        json_object_set(msg, "seq", json_object_get(svc, "seq"));
        publish(f, "status", msg);
        json_object_set(fm->status, name, st);
    }
    json_decref(st);
}

/* The hook of struct console: an action's reply read this status. */
static void action_status(void *ctx, struct machine *m, json_t *status)
{
    struct feed *f = ctx;

    saw_status(f, m, &f->machines[m - f->console->machines], status);
}

/* Statuses (and with full, configurations) of m: what changed. */
static void poll_services(struct feed *f, struct machine *m, struct feed_machine *fm, int full)
{
    struct fail fl = { 0 };
    json_t *list = NULL, *seen, *svc;
    const char *name;
    size_t i;
    DWORD err;
    void *tmp;

    pthread_mutex_lock(&m->lock);
    err = services_list(m, full, &list, &fl);
    machine_state(f, m, fm, err);
    if (err != NO_ERROR) {
        pthread_mutex_unlock(&m->lock);
        return;
    }
    seen = json_object();
    json_array_foreach(list, i, svc) {
        json_t *old;

        name = json_string_value(json_object_get(svc, "name"));
        json_object_set_new(seen, name, json_true());
        saw_status(f, m, fm, svc);
        if (full) {
            json_t *cfg = config_part(svc);

            old = json_object_get(fm->config, name);
            if (old == NULL || !json_equal(old, cfg)) {
                publish(f, "service", json_deep_copy(svc));
                json_object_set(fm->config, name, cfg);
            }
            json_decref(cfg);
        }
    }
    /* Services deleted since the last poll. */
    json_object_foreach_safe(fm->status, tmp, name, svc) {
        if (json_object_get(seen, name) == NULL) {
            publish(f, "removed", json_pack("{s:s, s:s}", "machine", m->name, "name", name));
            json_object_del(fm->status, name);
            json_object_del(fm->config, name);
        }
    }
    pthread_mutex_unlock(&m->lock);
    json_decref(seen);
    json_decref(list);
}

/* A sample of the hosts for the charts, and the events logged since the
 * last poll (on the first, only where the log ends). */
static void poll_hosts_events(struct feed *f, struct machine *m, struct feed_machine *fm)
{
    SVCHOST_EVENT_FILTER filter = { SVCHOST_EVENT_ANY, NULL, 0, 0 };
    struct fail fl = { 0 };
    json_t *hosts = NULL, *events = NULL, *e;
    uint64_t t;
    DWORD err;
    size_t i;

    pthread_mutex_lock(&m->lock);
    t = now_ms();
    err = hosts_list(m, &hosts, &fl);
    if (fm->events_known) {
        filter.dwFirstRecord = fm->last_record + 1;
    } else {
        filter.dwMaxRecords = 1;
    }
    if (events_list(m, &filter, &events, &fl) != NO_ERROR)
        events = NULL;
    pthread_mutex_unlock(&m->lock);
    if (err == NO_ERROR)
        publish(f, "hosts", json_pack("{s:s, s:I, s:o}", "machine", m->name, "time_ms",
                                      (json_int_t)t, "hosts", hosts));
    if (events == NULL)
        return;
    json_array_foreach(events, i, e) {
        DWORD rec = (DWORD)json_integer_value(json_object_get(e, "record"));

        if (fm->events_known && rec > fm->last_record)
            publish(f, "event", json_incref(e));
        if (rec > fm->last_record)
            fm->last_record = rec;
    }
    fm->events_known = 1;
    json_decref(events);
}

static void *poller(void *arg)
{
    struct feed *f = arg;
    struct console *c = f->console;
    unsigned tick = 0, per_second = 1000 / f->interval_ms;
    struct timespec wait;

    if (per_second == 0)
        per_second = 1;
    for (;; tick++) {
        pthread_mutex_lock(&f->lock);
        if (f->readers == 0 && !f->stopping) {
            while (f->readers == 0 && !f->stopping)
                pthread_cond_wait(&f->cond, &f->lock);
            /* Back after a rest: what happened meanwhile is not replayed
             * (a new page loads it), only what changes from now on. */
            for (size_t i = 0; i < c->n_machines; i++)
                f->machines[i].events_known = 0;
            tick = 0;
        }
        if (f->stopping) {
            pthread_mutex_unlock(&f->lock);
            return NULL;
        }
        pthread_mutex_unlock(&f->lock);
        for (size_t i = 0; i < c->n_machines; i++) {
            poll_services(f, &c->machines[i], &f->machines[i], tick % 5 == 0);
            if (tick % per_second == 0)
                poll_hosts_events(f, &c->machines[i], &f->machines[i]);
        }
        pthread_mutex_lock(&f->lock);
        clock_gettime(CLOCK_REALTIME, &wait);
        wait.tv_nsec += (long)f->interval_ms * 1000000L;
        wait.tv_sec += wait.tv_nsec / 1000000000L;
        wait.tv_nsec %= 1000000000L;
        while (!f->stopping && pthread_cond_timedwait(&f->cond, &f->lock, &wait) != ETIMEDOUT)
            ;
        if (f->stopping) {
            pthread_mutex_unlock(&f->lock);
            return NULL;
        }
        pthread_mutex_unlock(&f->lock);
    }
}

int feed_start(struct feed *f, struct console *c, unsigned interval_ms)
{
    memset(f, 0, sizeof *f);
    f->console = c;
    f->interval_ms = interval_ms ? interval_ms : 300;
    f->machines = calloc(c->n_machines, sizeof *f->machines);
    if (f->machines == NULL)
        return -ENOMEM;
    for (size_t i = 0; i < c->n_machines; i++) {
        f->machines[i].connected = -1;
        f->machines[i].status = json_object();
        f->machines[i].config = json_object();
    }
    pthread_mutex_init(&f->lock, NULL);
    pthread_cond_init(&f->cond, NULL);
    c->on_status = action_status;
    c->on_status_ctx = f;
    if (pthread_create(&f->thread, NULL, poller, f) != 0) {
        feed_destroy(f);
        return -EAGAIN;
    }
    return 0;
}

void feed_stop(struct feed *f)
{
    pthread_mutex_lock(&f->lock);
    f->stopping = 1;
    pthread_cond_broadcast(&f->cond);
    pthread_mutex_unlock(&f->lock);
    pthread_join(f->thread, NULL);
}

void feed_destroy(struct feed *f)
{
    for (size_t i = 0; f->machines && i < f->console->n_machines; i++) {
        json_decref(f->machines[i].status);
        json_decref(f->machines[i].config);
    }
    free(f->machines);
    for (size_t i = 0; i < FEED_RING; i++)
        free(f->ring[i]);
    pthread_mutex_destroy(&f->lock);
    pthread_cond_destroy(&f->cond);
}

uint64_t feed_reader(struct feed *f, int delta)
{
    uint64_t n;

    pthread_mutex_lock(&f->lock);
    f->readers += (unsigned)delta;
    n = f->next;
    pthread_cond_broadcast(&f->cond);
    pthread_mutex_unlock(&f->lock);
    return n;
}

char *feed_next(struct feed *f, uint64_t *pos, unsigned timeout_ms, int *stopped)
{
    struct timespec wait;
    char *frame = NULL;

    clock_gettime(CLOCK_REALTIME, &wait);
    wait.tv_sec += timeout_ms / 1000;
    wait.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    wait.tv_sec += wait.tv_nsec / 1000000000L;
    wait.tv_nsec %= 1000000000L;
    pthread_mutex_lock(&f->lock);
    while (!f->stopping && *pos >= f->next)
        if (pthread_cond_timedwait(&f->cond, &f->lock, &wait) == ETIMEDOUT)
            break;
    *stopped = f->stopping;
    if (!f->stopping && *pos < f->next) {
        if (f->next - *pos > FEED_RING) {
            *pos = f->next - FEED_RING;
            frame = strdup("event: resync\ndata: {}\n\n");
        } else {
            frame = strdup(f->ring[*pos % FEED_RING]);
            ++*pos;
        }
    }
    pthread_mutex_unlock(&f->lock);
    return frame;
}
