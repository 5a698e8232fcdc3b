/*
 * usage.c - what each host process and each service in it uses, for
 * `sc hosts /v` (SVC_MSG_ENUM_USAGE).
 *
 * scmd asks every connected host (HOST_QUERY) for its services' threads,
 * CPU time and attributable memory, which only the host can know, and
 * reads each host process's totals from /proc itself.  The client's
 * answer goes out when every host has answered, or after a second.
 */
#include "scm.h"
#include "log.h"
#include "procstat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define USAGE_TIMEOUT_MS 1000

struct scm_usage_job {
    struct scm_waiter waiter;
    unsigned outstanding;      /* hosts yet to answer */
    int answered;
    struct svc_msg_usage *rows;
    size_t n_rows;
    uv_timer_t timer;
};

static void process_row(struct scm_host *h, struct svc_msg_usage *u)
{
    struct svc_proc_usage pu;

    memset(u, 0, sizeof *u);
    u->pid = (uint32_t)h->pid;
    if (svc_proc_usage_read(h->pid, &pu) < 0)
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
    struct svc_wbuf w;
    uint32_t n = 0;

    if (job->answered)
        return;
    job->answered = 1;
    uv_timer_stop(&job->timer);
    for (struct scm_host *h = g_scm.hosts; h; h = h->next) {
        if (h->exited)
            continue;
        n++;
        for (size_t i = 0; i < job->n_rows; i++)
            if (job->rows[i].pid == (uint32_t)h->pid)
                n++;
    }
    svc_wbuf_init(&w);
    svc_put_u32(&w, NO_ERROR);
    svc_put_u32(&w, n);
    for (struct scm_host *h = g_scm.hosts; h; h = h->next) {
        struct svc_msg_usage proc;
        if (h->exited)
            continue;
        process_row(h, &proc);
        svc_put_usage(&w, &proc);
        for (size_t i = 0; i < job->n_rows; i++)
            if (job->rows[i].pid == (uint32_t)h->pid)
                svc_put_usage(&w, &job->rows[i]);
    }
    scm_reply_buffer(&job->waiter, &w);
    svc_wbuf_free(&w);
    scm_waiter_release(&job->waiter);
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

void scm_usage_host_done(struct scm_usage_job *job, struct svc_msg_usage *rows, uint32_t n)
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
    job->outstanding--;
    if (job->outstanding == 0)
        answer(job);
    maybe_free(job);
}

void scm_usage_start(struct scm_waiter w)
{
    struct scm_usage_job *job = calloc(1, sizeof *job);

    if (job == NULL) {
        scm_reply_error(&w, ERROR_NOT_ENOUGH_MEMORY);
        return;
    }
    job->waiter = w;
    if (w.client)
        w.client->refs++;
    uv_timer_init(g_scm.loop, &job->timer);
    job->timer.data = job;
    /* Counted up front, so that an answer cannot go out halfway through. */
    job->outstanding = 1;
    for (struct scm_host *h = g_scm.hosts; h; h = h->next)
        if (scm_host_query(h, job) == NO_ERROR)
            job->outstanding++;
    uv_timer_start(&job->timer, on_timeout, USAGE_TIMEOUT_MS, 0);
    scm_usage_host_done(job, NULL, 0);
}
