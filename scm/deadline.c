/*
 * deadline.c - timeouts in one ordered list behind one timerfd (see
 * deadline.h).
 */
#include "deadline.h"

#include "log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

struct scm_deadlines {
    struct scm_deadline head;   /* the list's ends: head.next first, head.prev last */
    int fd;
    uv_poll_t poll;
    uint64_t armed_ms;          /* what the timerfd is set for; 0: nothing */
    int firing;                 /* in on_ready: it sets the timerfd once, after */
};

uint64_t scm_deadline_now_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

static struct scm_deadline *first(struct scm_deadlines *l)
{
    return l->head.next != &l->head ? l->head.next : NULL;
}

/* Sets the timerfd for the first deadline if it is due before what the
 * timerfd is set for.  One that fires early for a deadline since stopped
 * costs one wake-up, then is set again. */
static void arm(struct scm_deadlines *l)
{
    struct scm_deadline *d = first(l);
    struct itimerspec its;

    if (l->firing || d == NULL || (l->armed_ms != 0 && l->armed_ms <= d->due_ms))
        return;
    memset(&its, 0, sizeof its);
    its.it_value.tv_sec = (time_t)(d->due_ms / 1000);
    its.it_value.tv_nsec = (long)(d->due_ms % 1000) * 1000000L;
    if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0)
        its.it_value.tv_nsec = 1;   /* zero would disarm it */
    if (timerfd_settime(l->fd, TFD_TIMER_ABSTIME, &its, NULL) < 0) {
        log_warnx("timerfd_settime: %s", strerror(errno));
        return;
    }
    l->armed_ms = d->due_ms;
}

static void unlink_node(struct scm_deadline *d)
{
    d->prev->next = d->next;
    d->next->prev = d->prev;
    d->prev = d->next = NULL;
}

static void on_ready(uv_poll_t *h, int status, int events)
{
    struct scm *scm = h->data;
    struct scm_deadlines *l = scm->deadlines;
    struct scm_deadline *d;
    uint64_t expirations, now;

    (void)status;
    (void)events;
    /* Nothing to read (EAGAIN) when it was set again meanwhile. */
    if (read(l->fd, &expirations, sizeof expirations) < 0 && errno != EAGAIN)
        log_warnx("timerfd: %s", strerror(errno));
    l->armed_ms = 0;
    l->firing = 1;
    now = scm_deadline_now_ms();
    while ((d = first(l)) != NULL && d->due_ms <= now) {
        unlink_node(d);
        d->fire(scm, d);   /* may start deadlines, this one too */
    }
    l->firing = 0;
    arm(l);
}

int scm_deadlines_open(struct scm *scm)
{
    struct scm_deadlines *l = calloc(1, sizeof *l);
    int rc;

    if (l == NULL)
        return -ENOMEM;
    l->head.next = l->head.prev = &l->head;
    l->fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (l->fd < 0) {
        rc = -errno;
        free(l);
        return rc;
    }
    if ((rc = uv_poll_init(scm->loop, &l->poll, l->fd)) != 0 ||
        (rc = uv_poll_start(&l->poll, UV_READABLE, on_ready)) != 0) {
        close(l->fd);
        free(l);
        return rc;
    }
    l->poll.data = scm;
    /* Like a timer that was unref'd: pending deadlines alone do not keep
     * the loop running. */
    uv_unref((uv_handle_t *)&l->poll);
    scm->deadlines = l;
    return 0;
}

static void poll_closed(uv_handle_t *h)
{
    struct scm_deadlines *l = (struct scm_deadlines *)((char *)h - offsetof(struct scm_deadlines, poll));

    close(l->fd);
    free(l);
}

void scm_deadlines_close(struct scm *scm)
{
    struct scm_deadlines *l = scm->deadlines;
    struct scm_deadline *d;

    if (l == NULL)
        return;
    while ((d = first(l)) != NULL)
        unlink_node(d);
    scm->deadlines = NULL;
    uv_poll_stop(&l->poll);
    uv_close((uv_handle_t *)&l->poll, poll_closed);
}

void scm_deadline_start(struct scm *scm, struct scm_deadline *d, uint64_t ms,
                        scm_deadline_fn *fire)
{
    struct scm_deadlines *l = scm->deadlines;
    struct scm_deadline *at;

    scm_deadline_stop(d);
    if (l == NULL) {
        log_warnx("a deadline without the loop's timerfd: it will not fire");
        return;
    }
    d->due_ms = scm_deadline_now_ms() + ms;
    d->fire = fire;
    /* From the end: deadlines mostly come in due order. */
    for (at = l->head.prev; at != &l->head && at->due_ms > d->due_ms; at = at->prev)
        ;
    d->prev = at;
    d->next = at->next;
    at->next->prev = d;
    at->next = d;
    arm(l);
}

void scm_deadline_stop(struct scm_deadline *d)
{
    if (d->next != NULL)
        unlink_node(d);
}

int scm_deadline_pending(const struct scm_deadline *d)
{
    return d->next != NULL;
}
