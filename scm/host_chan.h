/*
 * host_chan.h - host processes as the SCM talks to them: each host's
 * channel (one end of a socketpair it inherited), the requests in flight
 * on it, and the STARTs waiting for it to connect.
 *
 * The layer knows no service objects: it speaks of services by name, and
 * reports what hosts say through hooks that an upper layer installs.
 * Anything malformed from a host closes its channel and kills that host,
 * nothing else; a host that stops reading (its output queue passes
 * HostQueueLimitKB) is handled the same way, as a hung host.
 */
#ifndef SCM_HOST_CHAN_H
#define SCM_HOST_CHAN_H

#include "scm.h"
#include "proto.h"

struct scm_host_hooks {
    /* The host reported a status for service: NO_ERROR, or the error to
     * answer it (ERROR_SERVICE_NOT_IN_EXE: not one this SCM started in it). */
    DWORD (*status)(struct scm *scm, struct scm_host *h, const char *service,
                    const SERVICE_STATUS *st);
    /* The host answered a START (NO_ERROR: ServiceMain is starting). */
    void (*started)(struct scm *scm, struct scm_host *h, const char *service, DWORD err);
    /* The host answered the control sent as request id. */
    void (*controlled)(struct scm *scm, struct scm_host *h, const char *service, uint32_t id,
                       DWORD result);
    /* The answer to scm_host_query (rows NULL, n 0: none will come). */
    void (*queried)(struct scm *scm, struct scm_host *h, void *cookie, struct svc_msg_usage *rows,
                    uint32_t n);
    /* A Log() line of service's plugin (level 0..2, text at most
     * SVC_MSG_HOST_LOG_MAX_TEXT bytes), within the host's rate limit:
     * NO_ERROR, or ERROR_SERVICE_NOT_IN_EXE when service is not one h
     * may speak for (the line is then dropped). */
    DWORD (*log)(struct scm *scm, struct scm_host *h, const char *service, unsigned level,
                 const char *text);
    /* The rate limit drops lines: dropped is 0 at the first one (a line
     * of service), then the count, once the host has kept to the rate
     * for a whole burst (reported with the line, of service, that finds
     * it so).  May be NULL. */
    void (*log_dropped)(struct scm *scm, struct scm_host *h, const char *service,
                        unsigned long dropped);
    /* The process ended.  Requests in flight have been answered by the
     * hooks above with ERROR_PROCESS_ABORTED; h is freed soon after. */
    void (*exited)(struct scm *scm, struct scm_host *h);
    /* A host was freed: nothing refers to it any more. */
    void (*freed)(struct scm *scm);
};

/* Sets up the host table: 0 or -ENOMEM. */
int scm_hosts_init(struct scm *scm, const struct scm_host_hooks *hooks);
void scm_hosts_free(struct scm *scm);

/* A host for the process pid, speaking on fd (taken over in every case),
 * known by secret (a host spawned by this scmd, or adopted).
 * group: its svchost group, NULL for an own-process program running
 * own_service; split_service: the one service of a split instance.
 * NULL on failure. */
struct scm_host *scm_host_new(struct scm *scm, pid_t pid, int fd, const char *group,
                              const char *own_service, const char *split_service,
                              const char *secret);
/* fd -1: a host adopted from the journal, whose channel comes when it
 * rejoins (HOST_REJOIN on ROOT/run/host.sock with secret). */
int scm_host_adopted(const struct scm_host *h);
/* Its process's start time (/proc/PID/stat), as spawn.c read it. */
unsigned long long scm_host_start_time(const struct scm_host *h);
void scm_host_set_start_time(struct scm_host *h, unsigned long long t);
const char *scm_host_secret(const struct scm_host *h);
const char *scm_host_own_service(const struct scm_host *h);
const char *scm_host_split_service(const struct scm_host *h);
/* Listens on path for hosts rejoining (scmd restarted).  0 or a
 * negative errno. */
int scm_hosts_listen(struct scm *scm, const char *path);
void scm_hosts_stop_listening(struct scm *scm);
/* spawn.c tells the host its process ended (exit status or signal), and
 * later that the process handle is closed. */
void scm_host_process_exited(struct scm_host *h, int64_t status, int sig);
void scm_host_process_closed(struct scm_host *h);

/* The live (not exiting) host of group: the shared one when split is
 * NULL, else the split instance running service split.  NULL if none. */
struct scm_host *scm_host_find(struct scm *scm, const char *group, const char *split);
/* Iteration over every host that has not exited. */
struct scm_host *scm_host_first(struct scm *scm);
struct scm_host *scm_host_next(struct scm_host *h);

/* 1 while any host is known, exited or not (its handles not yet closed). */
int scm_hosts_any(const struct scm *scm);

pid_t scm_host_pid(const struct scm_host *h);
const char *scm_host_group(const struct scm_host *h);   /* NULL: own process */
int scm_host_connected(const struct scm_host *h);       /* HELLO received */
int scm_host_exited(const struct scm_host *h);
/* Requests in flight or STARTs queued. */
int scm_host_busy(const struct scm_host *h);
/* How many services the upper layer has put in h, as it counts them
 * (hosting.c: each service whose host h is), so that whether a host
 * still runs something is known without a walk of every service.
 * scm_host_place adds delta (+1 or -1); 0 for a new host. */
unsigned scm_host_placed(const struct scm_host *h);
void scm_host_place(struct scm_host *h, int delta);

/* Sends START for service, or queues it until the host connects.
 * NO_ERROR, ERROR_SERVICE_NOT_IN_EXE (not in its dispatch table),
 * ERROR_BROKEN_PIPE (channel gone or host hung), ERROR_NOT_ENOUGH_MEMORY.
 * The answer comes through hooks->started.  plugin (taken over; NULL for
 * an own-process program) goes with it (proto.h). */
DWORD scm_host_start(struct scm_host *h, const char *service, char *const *args,
                     struct svc_start_plugin *plugin);
/* Sends a control; *id is its request id, the answer comes through
 * hooks->controlled.  NO_ERROR, ERROR_SERVICE_CANNOT_ACCEPT_CTRL (not
 * connected or gone), ERROR_BROKEN_PIPE, ERROR_NOT_ENOUGH_MEMORY. */
DWORD scm_host_control(struct scm_host *h, const char *service, DWORD control, uint32_t *id);
/* Sends HOST_QUERY; the answer comes through hooks->queried.  NO_ERROR,
 * or an error (then no answer will come). */
DWORD scm_host_query(struct scm_host *h, void *cookie);
/* Stops waiting for the answer to request id (it timed out). */
void scm_host_forget(struct scm_host *h, uint32_t id);
/* Tells a host that runs nothing any more to exit (nothing in flight),
 * or kills it if it never connected. */
void scm_host_release(struct scm_host *h);
/* SIGKILL, unless it has exited already. */
void scm_host_kill(struct scm_host *h);

/* HOST_LOG's rate limit, per host: a burst of SCM_HOST_LOG_BURST lines,
 * then SCM_HOST_LOG_PER_SEC a second (a token bucket on the loop's
 * clock, full again after 5 s of quiet).  What passes it reaches
 * hooks->log; the rest is counted and reported through
 * hooks->log_dropped. */
#define SCM_HOST_LOG_BURST 100u
#define SCM_HOST_LOG_PER_SEC 20u

#endif
