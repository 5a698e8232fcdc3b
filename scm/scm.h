/*
 * scm.h - the service control manager's context.
 *
 * scmd is one thread running a libuv loop; everything it knows hangs off
 * one `struct scm`, passed to every function (there is no global).  The
 * layers, each a file named for its concept, call downwards only; the
 * order is written in scm/README.md and checked by tests/scm_layers.sh.
 * This header is the bottom: it names the context and the settings, and
 * leaves every layer's own state opaque.
 *
 * Error convention inside scm/: functions that answer a service request
 * (start, control, create ...) return a Win32 error (DWORD, NO_ERROR on
 * success), since that is what they decide; functions that deal with
 * the system (I/O, memory, sockets) return 0 or a negative errno, turned
 * into a Win32 error once, where it becomes a service's answer.
 */
#ifndef SCM_SCM_H
#define SCM_SCM_H

#include <stdint.h>
#include <sys/types.h>
#include <uv.h>

#include <svchost/winsvc.h>

struct scm_service;
struct scm_service_index;
struct scm_host;
struct scm_hosts;
struct scm_clients;
struct scm_job;
struct scm_autostart;
struct scm_shutdown;
struct scm_groups_cache;
struct scm_effects;
struct scm_client;
struct scm_peer;
struct adopt;
struct scm_recovery;
struct scm_hosting;
struct scm_deadlines;

#define SCM_READ_BUF_SIZE 65536

/* What scm.ini and the command line set (see docs/configuration.md). */
struct scm_settings {
    unsigned start_timeout_ms;      /* connect + start progress (default 30000) */
    unsigned control_timeout_ms;    /* handler return (default 30000) */
    unsigned stop_timeout_ms;       /* STOP_PENDING progress (default 30000) */
    uint32_t split_threshold_kb;    /* split share services above this RAM (0: never) */
    size_t client_queue_limit;      /* bytes of replies queued to one client */
    size_t host_queue_limit;        /* bytes queued to one host */
    unsigned max_connections;       /* client connections in all */
    unsigned max_connections_per_user;
    unsigned frame_timeout_ms;      /* a client mid-frame this long is dropped */
    unsigned shutdown_timeout_ms;   /* the whole shutdown, then hosts are killed (default 20000) */
    unsigned delayed_autostart_delay_ms; /* after the auto-starts, the delayed ones (120000) */
    char *profile;                  /* the active hardware profile, NULL: none (main.c owns it) */
    /* Accounts and administrators (main.c owns the strings). */
    char *local_service_account;    /* the user NT AUTHORITY\LocalService runs as */
    char *network_service_account;  /* the user NT AUTHORITY\NetworkService runs as */
    char *admin_group;              /* members are BUILTIN\Administrators; "" none */
};

/* Who is asking: the kernel's word (SO_PEERCRED, SO_PEERGROUPS), never
 * the caller's. */
#define SCM_CALLER_MAX_GROUPS 64
struct scm_caller {
    uid_t uid;
    pid_t pid;
    gid_t gid;                      /* the primary group */
    unsigned n_groups;              /* supplementary groups kept (the first
                                       SCM_CALLER_MAX_GROUPS of them) */
    gid_t groups[SCM_CALLER_MAX_GROUPS];
    int groups_truncated;           /* it has more: access.c then takes every deny
                                       ACE naming a group as naming one of its */
};

/* A request waiting for something before it can be answered; the client
 * is held (see scm_waiter_hold in client.h) until the answer goes. */
struct scm_waiter {
    struct scm_client *client;   /* NULL: nobody waits (autostart, shutdown) */
    uint32_t id;                 /* the client's request id */
};

struct scm {
    uv_loop_t *loop;                /* NULL in unit tests of the lower layers */
    char *root;
    struct scm_settings set;
    uid_t self_uid;
    uint64_t mem_total_kb;          /* this machine's RAM */
    char *svchost_path;             /* the svchost beside scmd */
    const struct scm_effects *fx;   /* what the state machine acts through */
    void *fx_data;                  /* for a test's fake effects */

    struct scm_table *table;        /* table.c: the shared status table, NULL: none */
    struct scm_service *services;   /* service.c: sorted by name */
    struct scm_service_index *service_index; /* service.c: sorted array and hashes */
    struct scm_hosts *hosts;        /* host_chan.c */
    struct scm_children *children;  /* spawn.c: hosts reaped on SIGCHLD (no pidfd) */
    struct scm_clients *clients;    /* client.c */
    struct scm_job *jobs;           /* jobs.c */
    struct scm_autostart *autostart;/* jobs.c: the delayed auto-starts, NULL if none wait */
    int jobs_depth;                 /* jobs.c: evaluations under way (nested) */
    int jobs_dirty;                 /* jobs.c: a service changed meanwhile */
    struct scm_groups_cache *groups;/* service_db.c: svchost.ini as last read */
    int events_fd;                  /* events.c: ROOT/log/events.log, -1 none */
    int syslog_absent;              /* events.c: no /dev/log when last looked ... */
    int64_t syslog_looked_ms;       /* ... at this time (CLOCK_MONOTONIC) */
    int journal_fd;                 /* journal.c: ROOT/run/journal ... */
    int journal_open;               /* ... when this is set */
    size_t journal_bytes;           /* journal.c: appended since the last rewrite */
    char *journal_buf;              /* journal.c: records not yet written ... */
    size_t journal_buf_len;         /* ... (written at the end of the loop's turn) */
    uint8_t *read_buf;              /* peer.c: SCM_READ_BUF_SIZE bytes for every read */
    struct scm_peer *paused;        /* peer.c: peers over their budget this turn */
    uint64_t turn;                  /* peer.c: loop turns */

    uint64_t seq;                   /* orders start requests and jobs */
    int sweep_pending;              /* a service marked for deletion changed */
    unsigned doomed;                /* services marked for deletion */
    int shutting_down;
    struct scm_shutdown *shutdown;  /* shutdown.c: its timers, once it began */
    struct scm_recovery *recovery;  /* recovery.c: failure actions waiting for their delay */
    void *core;                     /* core.c: the loop's own handles */
    struct scm_deadlines *deadlines;/* deadline.c: the timeouts behind one timerfd */
    struct adopt *adopt;            /* adopt.c: what a previous scmd left */
    struct scm_sd_cache *sd_cache;  /* access.c: descriptors parsed, by their text */
    struct scm_hosting *hosting;    /* hosting.c: what it remembers between calls */
    char *manager_sddl;             /* service_db.c: the SCM's own security descriptor
                                       (config/scm.sddl), NULL: Windows' default */
};

#endif
