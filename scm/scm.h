/*
 * scm.h - the service control manager's shared state.
 *
 * scmd is one thread running a libuv loop.  It owns:
 *   - the service database (struct scm_service, loaded from ROOT/config);
 *   - the host processes it spawned (struct scm_host), each with one end
 *     of a socketpair as its channel;
 *   - client connections on ROOT/run/scm.sock (struct scm_client);
 *   - jobs: starts waiting for dependencies or for a host (struct scm_job);
 *   - the event log.
 * Everything here is touched only from the loop thread.
 */
#ifndef SCM_SCM_H
#define SCM_SCM_H

#include <stdint.h>
#include <sys/types.h>
#include <uv.h>

#include "config.h"
#include "proto.h"

struct scm_host;
struct scm_client;

/* A request waiting for something before it can be answered. */
struct scm_waiter {
    struct scm_client *client;   /* NULL: nobody waits (autostart, shutdown) */
    uint32_t id;                 /* the client's request id */
};

struct scm_service {
    struct scm_service *next;
    char *name;
    struct svc_service_config *cfg;
    SERVICE_STATUS_PROCESS status;
    struct scm_host *host;          /* while not STOPPED */
    int marked_for_delete;          /* DeleteService while running */
    int started_in_host;            /* host acknowledged START */
    int closing;                    /* handle closes outstanding before free */
    unsigned crashes;               /* unexpected ends since scmd started */
    uint64_t start_seq;             /* when it was last asked to start (job order) */

    /* Start and control timing. */
    uv_timer_t timer;               /* start / stop progress deadline */
    int timer_armed;
    uint32_t last_checkpoint;
    int job_pending;                /* a start job targets it */

    /* One control at a time, as Win32: a second ControlService waits. */
    struct scm_waiter control;      /* the client waiting for a control reply */
    uint32_t control_host_id;       /* id of the HOST_CONTROL in flight, 0 if none */
    DWORD control_code;
    uv_timer_t control_timer;
};

struct scm_usage_job;

struct scm_pending {
    struct scm_pending *next;
    uint32_t id;                    /* HOST_START / HOST_CONTROL / HOST_QUERY id */
    struct scm_service *svc;        /* START, CONTROL */
    struct scm_usage_job *usage;    /* QUERY */
    uint16_t type;
};

struct scm_queued {
    struct scm_queued *next;
    struct scm_service *svc;
    char **args;
};

struct scm_host {
    struct scm_host *next;
    char *group;                    /* svchost group, or NULL for own process */
    char *own_service;              /* own-process: the service it runs */
    char *split_service;            /* split instance (svchost -k G -s S): S */
    pid_t pid;
    uv_process_t proc;
    uv_pipe_t chan;
    int chan_open;
    int proc_open;
    int connected;                  /* HELLO received */
    char **table;                   /* names in its dispatch table (HELLO) */
    int exiting;                    /* HOST_EXIT sent or process gone */
    int exited;
    struct svc_frame_acc acc;
    struct scm_pending *pending;
    uint32_t next_id;
    struct scm_queued *queued;      /* STARTs to send once connected */
};

struct scm_client {
    struct scm_client *next;
    uv_pipe_t pipe;
    uid_t uid;
    pid_t pid;
    int privileged;                 /* root or scmd's own user */
    int closing;
    int refs;                       /* waiters pointing here */
    struct svc_frame_acc acc;
};

struct scm {
    uv_loop_t *loop;
    char *root;
    char *sock_path;
    uv_pipe_t server;
    uv_signal_t sigterm, sigint;
    uid_t self_uid;

    struct scm_service *services;
    struct scm_host *hosts;
    struct scm_client *clients;

    unsigned start_timeout_ms;      /* connect + start progress (default 30000) */
    unsigned control_timeout_ms;    /* handler return (default 30000) */
    unsigned stop_timeout_ms;       /* STOP_PENDING progress (default 30000) */
    uint32_t split_threshold_kb;    /* split share services above this RAM (0: never) */
    uint64_t mem_total_kb;          /* this machine's RAM */
    char *svchost_path;             /* the svchost beside scmd */

    uint64_t seq;                   /* orders start requests and jobs */
    int sweep_pending;              /* a service marked for deletion changed */
    int shutting_down;
    int exit_code;
    struct scm_job *jobs;
};

/* A start in progress: the target and the dependencies it waits for. */
struct scm_job {
    struct scm_job *next;
    struct scm_service *target;
    struct scm_waiter waiter;
    char **args;                    /* StartService arguments for target */
    uint64_t seq;
    int phase;                      /* 0: waiting for dependencies; 1: start sent */
    int done;
};

extern struct scm g_scm;

/* ---- service_db.c: the database ---------------------------------------- */
int scm_db_load(void);
struct scm_service *scm_db_find(const char *name);
struct scm_service *scm_db_find_display(const char *display);
/* Create, change and delete persist to ROOT/config atomically; each
 * returns 0 or a Win32 error. */
DWORD scm_db_create(const struct svc_msg_config *c, const char *installer);
DWORD scm_db_change(struct scm_service *s, const struct svc_msg_config *c);
DWORD scm_db_delete(struct scm_service *s);
/* Removes the services marked for deletion that have stopped (run after
 * a loop iteration, when no caller holds a service pointer). */
void scm_db_sweep(void);
/* Notes that s may now be ready for scm_db_sweep. */
void scm_db_touch(const struct scm_service *s);
/* The group an ImagePath names (share services), or NULL. */
char *scm_service_group(const struct scm_service *s);
void scm_config_to_msg(const struct scm_service *s, struct svc_msg_config *m);

/* ---- state.c: the state machine ----------------------------------------- */
enum scm_event {
    EV_START,          /* StartService (dependencies satisfied) */
    EV_STATUS,         /* the host reported a status */
    EV_HOST_EXIT,      /* the host process ended */
    EV_TIMEOUT,        /* start or stop progress deadline passed */
    EV_START_FAILED,   /* the host refused START or could not be spawned */
    EV_STOP_HUNG,      /* the handler did not return from STOP in time */
    EV_COUNT
};
struct scm_event_data {
    const SERVICE_STATUS *status;   /* EV_STATUS */
    DWORD error;                    /* EV_START_FAILED */
    char *const *args;              /* EV_START */
};
/* Applies an event to the service through the state x event table. */
void scm_state_event(struct scm_service *s, enum scm_event ev, const struct scm_event_data *data);
/* Sets the status and logs 7036 when the state changes. */
void scm_set_status(struct scm_service *s, const SERVICE_STATUS *st);
int scm_is_active(const struct scm_service *s);

/* ---- jobs.c: starts with dependencies ------------------------------------ */
/* Starts s after its dependencies; the answer goes to w.  Takes args
 * (freed in every case).  Returns NO_ERROR if the job was queued (the
 * answer comes later), else the error to answer now. */
DWORD scm_job_start(struct scm_service *s, struct scm_waiter w, char **args);
/* Re-evaluates jobs after a service changed state. */
void scm_jobs_update(void);
/* Services depending on s (directly), for stop checks and EnumDependents. */
size_t scm_dependents(const struct scm_service *s, struct scm_service ***out);
/* 1 if any direct or group dependent of s is active. */
int scm_has_active_dependents(const struct scm_service *s);
/* 1 if adding these dependencies to s would make a cycle. */
int scm_dependency_cycle(const char *name, char *const *dep_services, char *const *dep_groups);
void scm_autostart(void);
void scm_shutdown_step(void);
/* Ends the loop once shutting down and nothing runs any more (called
 * after each iteration and when a host's last handle has closed). */
void scm_shutdown_check(void);

/* ---- host.c: host processes and their channel ----------------------------- */
/* Hands s to a host: the running host of its group, or a new one.
 * Returns NO_ERROR, or the Win32 error (spawn failure). */
DWORD scm_host_start_service(struct scm_service *s, char *const *args);
/* Sends a control; the reply comes through scm_control_done. */
DWORD scm_host_control(struct scm_service *s, DWORD control);
void scm_host_kill(struct scm_host *h);
/* Stops waiting for the answer to request id (it timed out). */
void scm_host_forget(struct scm_host *h, uint32_t id);
/* Tells a host with nothing running to exit. */
void scm_host_release_if_idle(struct scm_host *h);
size_t scm_host_active_services(const struct scm_host *h);

/* ---- usage.c: per-service resources (sc hosts /v) ------------------------- */
/* Answers w with every host's and service's usage, once each host has
 * answered a HOST_QUERY (or failed to within a second). */
void scm_usage_start(struct scm_waiter w);
/* A host's answer (rows NULL when it ended first). */
void scm_usage_host_done(struct scm_usage_job *job, struct svc_msg_usage *rows, uint32_t n);
/* Sends HOST_QUERY; NO_ERROR or an error (then no answer will come). */
DWORD scm_host_query(struct scm_host *h, struct scm_usage_job *job);

/* ---- client.c: the client socket ------------------------------------------ */
int scm_client_listen(void);
void scm_reply_error(struct scm_waiter *w, DWORD err);
void scm_reply_status(struct scm_waiter *w, DWORD err, const SERVICE_STATUS_PROCESS *st);
/* Sends a whole reply payload (its u32 error included). */
void scm_reply_buffer(struct scm_waiter *w, struct svc_wbuf *b);
void scm_waiter_release(struct scm_waiter *w);
void scm_control_done(struct scm_service *s, DWORD result);

/* ---- events.c: the event log ---------------------------------------------- */
int scm_events_open(void);
void scm_event(unsigned id, const char *service, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- util ------------------------------------------------------------------ */
void scm_alloc_cb(uv_handle_t *handle, size_t suggested, uv_buf_t *buf);

#endif
