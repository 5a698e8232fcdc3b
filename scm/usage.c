/*
 * usage.c - what each host process and each service in it uses, for
 * `sc hosts /v` (SVC_MSG_ENUM_USAGE).
 *
 * scmd asks every connected host (HOST_QUERY) for its services' threads,
 * CPU time and attributable memory, which only the host can know, and
 * reads each host process's totals from /proc itself.  The client's
 * answer goes out when every host has answered, or after a second.
 */
#include "usage.h"
#include "conn.h"
#include "host_chan.h"
#include "log.h"
#include "procstat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define USAGE_TIMEOUT_MS 1000

struct scm_usage_job {
    struct scm *scm;
    struct scm_waiter waiter;
    unsigned outstanding;      /* hosts yet to answer */
    int answered;
    struct svc_msg_usage *rows;
    size_t n_rows;
    uv_timer_t timer;
};

static void process_row(const struct scm_host *h, struct svc_msg_usage *u)
{
    struct svc_proc_usage pu;

    memset(u, 0, sizeof *u);
    u->pid = (uint32_t)scm_host_pid(h);
    if (svc_proc_usage_read(scm_host_pid(h), &pu) < 0)
        return;
    u->threads = (uint32_t)pu.threads;
    u->cpu_us = pu.cpu_us;
    u->rss_kib = (uint32_t)pu.rss_kib;
    u->pss_kib = (uint32_t)pu.pss_kib;
}

static void job_closed(uv_handle_t *t)
{
    struct scm_usage_job *job = t->data;
    for (size_t i = 0; i < job->n_rows; i++)
        free(job->rows[i].service);
    free(job->rows);
    free(job);
}

/* Sends the answer: per live host, its process row, then its services. */
static void answer(struct scm_usage_job *job)
{
    struct svc_msg_usage *v;
    struct svc_wbuf w;
    size_t n = 0, cap = 0;

    if (job->answered)
        return;
    job->answered = 1;
    uv_timer_stop(&job->timer);
    for (struct scm_host *h = scm_host_first(job->scm); h; h = scm_host_next(h))
        cap++;
    cap += job->n_rows;
    v = calloc(cap ? cap : 1, sizeof *v);
    for (struct scm_host *h = scm_host_first(job->scm); v && h; h = scm_host_next(h)) {
        process_row(h, &v[n++]);
        for (size_t i = 0; i < job->n_rows; i++)
            if (job->rows[i].pid == (uint32_t)scm_host_pid(h))
                v[n++] = job->rows[i];
    }
    svc_wbuf_init(&w);
    if (v == NULL)
        svc_msg_reply_pack(&w, ERROR_NOT_ENOUGH_MEMORY);
    else
        svc_msg_usage_reply_pack(&w, v, n);
    scm_reply_buffer(job->scm, &job->waiter, &w);
    svc_wbuf_free(&w);
    free(v);   /* the rows' strings are the job's */
    scm_waiter_release(job->scm, &job->waiter);
}

static void maybe_free(struct scm_usage_job *job)
{
    if (job->answered && job->outstanding == 0 && !uv_is_closing((uv_handle_t *)&job->timer))
        uv_close((uv_handle_t *)&job->timer, job_closed);
}

static void on_timeout(uv_timer_t *t)
{
    struct scm_usage_job *job = t->data;
    log_warnx("usage: %u host(s) did not answer in time", job->outstanding);
    answer(job);
    maybe_free(job);
}

void scm_usage_host_done(struct scm *scm, struct scm_usage_job *job, struct svc_msg_usage *rows,
                         uint32_t n)
{
    if (rows != NULL && !job->answered && n > 0) {
        struct svc_msg_usage *grown = realloc(job->rows, (job->n_rows + n) * sizeof *grown);
        if (grown != NULL) {
            job->rows = grown;
            for (uint32_t i = 0; i < n; i++) {
                grown[job->n_rows] = rows[i];
                grown[job->n_rows].service = rows[i].service ? strdup(rows[i].service) : NULL;
                job->n_rows++;
            }
        }
    }
    (void)scm;
    job->outstanding--;
    if (job->outstanding == 0)
        answer(job);
    maybe_free(job);
}

void scm_usage_start(struct scm *scm, struct scm_waiter w)
{
    struct scm_usage_job *job = calloc(1, sizeof *job);

    if (job == NULL) {
        scm_reply_error(scm, &w, ERROR_NOT_ENOUGH_MEMORY);
        return;
    }
    job->scm = scm;
    job->waiter = scm_waiter_hold(w);
    uv_timer_init(scm->loop, &job->timer);
    job->timer.data = job;
    /* Counted up front, so that an answer cannot go out halfway through. */
    job->outstanding = 1;
    for (struct scm_host *h = scm_host_first(scm); h; h = scm_host_next(h))
        if (scm_host_query(h, job) == NO_ERROR)
            job->outstanding++;
    uv_timer_start(&job->timer, on_timeout, USAGE_TIMEOUT_MS, 0);
    scm_usage_host_done(scm, job, NULL, 0);
}
