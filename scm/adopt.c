/*
 * adopt.c - taking over from an scmd that died (see adopt.h).
 *
 * Hosts outlive scmd: when their channel closes they keep their services
 * running and try ROOT/run/host.sock until an scmd answers (host side:
 * lib/scm_channel.c).  The journal tells the next scmd which processes
 * were its hosts (pid and start time, so a reused pid is not taken for
 * one) and what each service last reported.  Adopted hosts are counted
 * as running from the start, so neither autostart nor StartService can
 * start a second host for them.
 */
#include "adopt.h"
#include "effects.h"
#include "host_chan.h"
#include "hosting.h"
#include "journal.h"
#include "service.h"
#include "spawn.h"
#include "state.h"
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Rewritten when this much has been appended. */
#define JOURNAL_COMPACT_BYTES (1024u * 1024u)

struct adopt {
    struct scm_service **lost;      /* active services whose host died unwatched */
    size_t n_lost;
    uv_timer_t timer;
};

static void compact(struct scm *scm)
{
    struct scm_journal j = { 0 };
    size_t nh = 0, ns = 0;

    for (struct scm_host *h = scm_host_first(scm); h; h = scm_host_next(h))
        nh++;
    /* A service never started is left out: a new scmd loads it so
     * (a journal of 10,000 such lines took longer to write and read
     * than the rest of a start). */
    for (struct scm_service *s = scm->services; s; s = s->next)
        ns += !scm_state_is_initial(s);
    j.hosts = calloc(nh + 1, sizeof *j.hosts);
    j.services = calloc(ns + 1, sizeof *j.services);
    if (j.hosts == NULL || j.services == NULL) {
        free(j.hosts);
        free(j.services);
        return;
    }
    for (struct scm_host *h = scm_host_first(scm); h; h = scm_host_next(h)) {
        struct scm_journal_host *e = &j.hosts[j.n_hosts++];
        e->pid = scm_host_pid(h);
        e->start_time = scm_host_start_time(h);
        snprintf(e->secret, sizeof e->secret, "%s", scm_host_secret(h));
        e->group = (char *)scm_host_group(h);
        e->own_service = (char *)scm_host_own_service(h);
        e->split_service = (char *)scm_host_split_service(h);
    }
    for (struct scm_service *s = scm->services; s; s = s->next) {
        if (scm_state_is_initial(s))
            continue;
        struct scm_journal_service *e = &j.services[j.n_services++];
        e->name = s->name;
        e->status = s->status;
        e->crashes = s->crashes;
    }
    scm_journal_rewrite(scm, &j);
    /* The strings are the hosts' and services' own. */
    free(j.hosts);
    free(j.services);
}

void scm_adopt_compact_if_large(struct scm *scm)
{
    if (scm_journal_size(scm) > JOURNAL_COMPACT_BYTES)
        compact(scm);
}

static struct scm_host *host_of_pid(struct scm *scm, pid_t pid)
{
    for (struct scm_host *h = scm_host_first(scm); h; h = scm_host_next(h))
        if (scm_host_pid(h) == pid)
            return h;
    return NULL;
}

int scm_adopt_start(struct scm *scm)
{
    struct scm_journal j;
    struct adopt *a = calloc(1, sizeof *a);
    size_t adopted = 0;
    int rc;

    if (a == NULL)
        return -ENOMEM;
    scm->adopt = a;
    rc = scm_journal_read(scm, &j);
    if (rc < 0) {
        log_warnx("journal: %s; starting afresh", strerror(-rc));
        compact(scm);
        return rc;
    }
    for (size_t i = 0; i < j.n_hosts; i++)
        if (scm_spawn_adopt(scm, &j.hosts[i]) != NULL)
            adopted++;
    a->lost = calloc(j.n_services + 1, sizeof *a->lost);
    for (size_t i = 0; i < j.n_services; i++) {
        const struct scm_journal_service *e = &j.services[i];
        struct scm_service *s = scm_service_find(scm, e->name);

        if (s == NULL)
            continue;   /* deleted meanwhile */
        s->crashes = e->crashes;
        if (e->status.dwCurrentState != SERVICE_STOPPED) {
            scm_hosting_set_host(scm, s, host_of_pid(scm, (pid_t)e->status.dwProcessId));
            s->started_in_host = s->host != NULL;
            if (s->host == NULL && a->lost != NULL)
                a->lost[a->n_lost++] = s;
        }
        scm_state_restore(scm, s, &e->status);
        /* A start or stop under way when scmd died must still finish in
         * time, as if the deadline began now. */
        if (e->status.dwCurrentState == SERVICE_START_PENDING)
            scm->fx->arm(scm, s, s->cfg->wait_hint_ms ? s->cfg->wait_hint_ms : scm->set.start_timeout_ms);
        else if (e->status.dwCurrentState == SERVICE_STOP_PENDING)
            scm->fx->arm(scm, s, scm->set.stop_timeout_ms);
    }
    if (adopted > 0 || a->n_lost > 0)
        log_info("journal: %zu host(s) still running adopted, %zu service(s) lost with their host",
                 adopted, a->n_lost);
    scm_journal_free(&j);
    compact(scm);
    return 0;
}

static void on_rejoin_deadline(uv_timer_t *t)
{
    struct scm *scm = t->data;

    for (struct scm_host *h = scm_host_first(scm); h; h = scm_host_next(h)) {
        if (!scm_host_adopted(h))
            continue;
        log_warnx("host %d has not rejoined in %u ms; killing it", (int)scm_host_pid(h),
                  SCM_ADOPT_REJOIN_MS);
        scm_host_kill(h);
    }
}

void scm_adopt_finish(struct scm *scm)
{
    struct adopt *a = scm->adopt;

    if (a == NULL)
        return;
    /* Their process ended while nobody watched: they crashed. */
    for (size_t i = 0; i < a->n_lost; i++)
        scm_state_event(scm, a->lost[i], EV_HOST_EXIT, NULL);
    free(a->lost);
    a->lost = NULL;
    a->n_lost = 0;
    for (struct scm_host *h = scm_host_first(scm); h; h = scm_host_next(h)) {
        if (scm_host_adopted(h)) {
            uv_timer_init(scm->loop, &a->timer);
            a->timer.data = scm;
            uv_timer_start(&a->timer, on_rejoin_deadline, SCM_ADOPT_REJOIN_MS, 0);
            uv_unref((uv_handle_t *)&a->timer);
            break;
        }
    }
}
