/*
 * core.c - the SCM put together (see core.h).
 */
#include "core.h"
#include "access.h"
#include "adopt.h"
#include "client.h"
#include "conn.h"
#include "deadline.h"
#include "events.h"
#include "host_chan.h"
#include "hosting.h"
#include "jobs.h"
#include "journal.h"
#include "peer.h"
#include "recovery.h"
#include "service_db.h"
#include "shutdown.h"
#include "table.h"
#include "log.h"
#include "paths.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

/* The loop's own handles, kept beside the context. */
struct core_handles {
    uv_check_t after_io;
    uv_idle_t keep_turning;         /* while peers wait for their next turn */
    uv_signal_t sigterm, sigint;
    struct scm_host_hooks hooks;
};

static void on_host_freed(struct scm *scm)
{
    scm_shutdown_step(scm);
    scm_adopt_compact_if_large(scm);
}

static void on_idle(uv_idle_t *idle)
{
    (void)idle;   /* its being active keeps the loop from sleeping */
}

static void on_after_io(uv_check_t *c)
{
    struct scm *scm = c->data;
    struct core_handles *hd = scm->core;

    /* Clients that used their budget of requests go on now; while some
     * wait, the loop must not sleep in poll, since they are not read. */
    scm_peers_next_turn(scm);
    if (scm->paused != NULL)
        uv_idle_start(&hd->keep_turning, on_idle);
    else
        uv_idle_stop(&hd->keep_turning);

    /* Only when something could have become removable: walking every
     * service after every event would cost each request O(services). */
    if (scm->sweep_pending) {
        scm->sweep_pending = 0;
        scm_db_sweep(scm);
    }
    scm_shutdown_step(scm);
    /* What this turn recorded, before the loop sleeps. */
    scm_journal_flush(scm);
}

static void on_signal(uv_signal_t *sig, int signum)
{
    struct scm *scm = sig->data;

    if (scm->shutting_down)
        return;
    log_info("signal %d: stopping every service", signum);
    scm_shutdown_begin(scm);
    /* The check handle runs the first stop step after this callback. */
}

int scm_core_start(struct scm *scm, const char *sock_path)
{
    struct core_handles *hd = calloc(1, sizeof *hd);
    char *hsock;
    int rc;

    scm->core = hd;
    scm->read_buf = malloc(SCM_READ_BUF_SIZE);
    if (hd == NULL || scm->read_buf == NULL)
        return -ENOMEM;
    uv_loop_set_data(scm->loop, scm);
    if ((rc = scm_deadlines_open(scm)) < 0) {
        log_warnx("timerfd: %s", strerror(-rc));
        return rc;
    }
    scm->fx = &scm_hosting_effects;
    hd->hooks = scm_hosting_hooks;
    hd->hooks.freed = on_host_freed;
    if ((rc = scm_hosts_init(scm, &hd->hooks)) < 0)
        return rc;
    if ((rc = scm_events_open(scm)) < 0) {
        char *path = svc_path_events_log(scm->root);
        log_warnx("%s: %s", path ? path : "the event log", strerror(-rc));
        free(path);
        return rc;
    }
    /* Before the database: each service gets its slot as it is loaded.
     * Without the table clients ask scmd, so its failure is no reason
     * to stop (table.c logs it). */
    scm_table_open(scm);
    if ((rc = scm_recovery_init(scm, NULL)) < 0 || (rc = scm_db_load(scm)) < 0)
        return rc;
    scm_table_names_public(scm, scm_access_public(scm, SCM_OBJ_MANAGER, NULL,
                                                  SC_MANAGER_ENUMERATE_SERVICE));
    scm_recovery_load(scm);
    /* Hosts of an scmd that died rejoin on host.sock; the journal says
     * which they are, before any client can start anything. */
    hsock = svc_host_socket_path(scm->root);
    if (hsock == NULL || (rc = scm_hosts_listen(scm, hsock)) < 0) {
        free(hsock);
        return hsock ? rc : -ENAMETOOLONG;
    }
    free(hsock);
    scm_adopt_start(scm);
    if ((rc = scm_conn_listen(scm, sock_path, scm_client_request)) < 0)
        return rc;
    uv_idle_init(scm->loop, &hd->keep_turning);
    uv_check_init(scm->loop, &hd->after_io);
    hd->after_io.data = scm;
    uv_check_start(&hd->after_io, on_after_io);
    uv_signal_init(scm->loop, &hd->sigterm);
    uv_signal_init(scm->loop, &hd->sigint);
    hd->sigterm.data = hd->sigint.data = scm;
    uv_signal_start(&hd->sigterm, on_signal, SIGTERM);
    uv_signal_start(&hd->sigint, on_signal, SIGINT);
    return 0;
}

void scm_core_run(struct scm *scm)
{
    scm_jobs_autostart(scm);
    scm_adopt_finish(scm);
    uv_run(scm->loop, UV_RUN_DEFAULT);
}

void scm_core_free(struct scm *scm)
{
    scm_jobs_free(scm);
    scm_recovery_free(scm);
    scm_db_free(scm);
    scm_events_close(scm);
    scm_journal_close(scm);
    scm_table_close(scm);
    scm_access_free(scm);
    scm_hosting_free(scm);
    free(scm->read_buf);
    scm->read_buf = NULL;
    /* The loop's handles in scm->core stay: the process is ending. */
}
