/*
 * dispatcher.h - the service side of a service process.
 *
 * One dispatcher per process holds the SERVICE_TABLE_ENTRY array given to
 * StartServiceCtrlDispatcher.  A controller (the in-process console, or
 * the channel to the SCM) drives it: it starts services, each ServiceMain
 * on a new thread named after its service, and queues controls.  Every
 * service has its own control queue, drained by a worker thread of that
 * service, so a handler that never returns holds up its own service only.
 * The worker exits after a short idle time, so an idle service costs one
 * thread (its ServiceMain's), and at once when its service has stopped and
 * no control is left: once every thread of a stopped service has ended
 * (svc_thread_owner_wait_idle), no handler call of it is in flight.
 *
 * The controller hears of every SetServiceStatus call and every finished
 * control through the callbacks in struct svc_dispatch_ops; the
 * dispatcher never calls a controller otherwise (controller.h has the
 * layers).  Callbacks run
 * on service threads, with that service's lock held: they must be quick
 * and must not call back into the dispatcher.
 */
#ifndef SVC_DISPATCHER_H
#define SVC_DISPATCHER_H

#include <stddef.h>
#include <stdint.h>
#include <svchost/winsvc.h>

struct svc_start_plugin;   /* proto.h */

struct svc_dispatcher;

struct svc_dispatch_ops {
    /* The service at `index` reported st through SetServiceStatus (also
     * the STOPPED the dispatcher reports for a ServiceMain that returned
     * while START_PENDING). */
    void (*status)(void *arg, size_t index, const SERVICE_STATUS *st);
    /* A control queued with svc_dispatch_control finished: `result` is
     * what the handler returned, or ERROR_SERVICE_NOT_ACTIVE if the
     * service stopped before the control was delivered. */
    void (*control_done)(void *arg, size_t index, DWORD control, DWORD result, uint64_t tag);
};

/* Creates the process's dispatcher from a NULL-terminated table.
 * Returns 0; -EBUSY if one exists already; -EINVAL for an empty table or
 * duplicate names; -ENOMEM. */
int svc_dispatcher_create(const SERVICE_TABLE_ENTRYA *table, const struct svc_dispatch_ops *ops,
                          void *arg, struct svc_dispatcher **out);

/* 1 once svc_dispatcher_create has succeeded in this process, else 0. */
int svc_dispatcher_exists(void);

/*
 * The Win32 error a controller reports for a negative errno from the
 * functions above, so that both controllers answer alike:
 *   -EBUSY, -EALREADY  ERROR_SERVICE_ALREADY_RUNNING
 *   -EINVAL            ERROR_INVALID_DATA (a bad table)
 *   -ESRCH             ERROR_SERVICE_CANNOT_ACCEPT_CTRL (no handler yet)
 *   -EAGAIN            ERROR_SERVICE_NO_THREAD
 *   other              svc_errno_to_win32()
 */
DWORD svc_dispatch_error(int rc);

size_t svc_dispatch_count(struct svc_dispatcher *d);
const char *svc_dispatch_name(struct svc_dispatcher *d, size_t index);
/* The index of the service called name (case-insensitive, as Win32
 * service names are), or -1. */
long svc_dispatch_find(struct svc_dispatcher *d, const char *name);
/* Adds a service to the table (or finds it): its index, or -ENOMEM.
 * Indexes and handles of the others stay valid. */
long svc_dispatch_add(struct svc_dispatcher *d, const char *name, LPSERVICE_MAIN_FUNCTIONA main);

/* A function the host offers for services the SCM asks for that are not
 * in the table yet (installed in the group after the host started): the
 * ServiceMain to run them with, or NULL if this process must refuse. */
typedef LPSERVICE_MAIN_FUNCTIONA (*svc_resolver)(const char *name);
void svc_dispatcher_set_resolver(svc_resolver fn);
LPSERVICE_MAIN_FUNCTIONA svc_dispatcher_resolve(const char *name);
/* A copy of the service's last reported status. */
void svc_dispatch_status(struct svc_dispatcher *d, size_t index, SERVICE_STATUS *st);

/* Starts the service: its status becomes START_PENDING and its ServiceMain
 * runs on a new thread with argv = { name, args... }.  Returns 0;
 * -EALREADY if it is not stopped; -EAGAIN if no thread could be created;
 * -ENOMEM. */
int svc_dispatch_start(struct svc_dispatcher *d, size_t index, int argc, const char *const *args);
/* The same with argv[0] = as_name (NULL: the table's name), the name the
 * SCM started the service as: Windows passes the installed name, so one
 * own-process executable can run under several names.  The ServiceMain
 * thread is named after it too. */
int svc_dispatch_start_as(struct svc_dispatcher *d, size_t index, const char *as_name, int argc,
                          const char *const *args, struct svc_start_plugin *plugin);
/* On a ServiceMain thread, while ServiceMain runs: the plugin the SCM
 * named with this start (taken over by svc_dispatch_start_as), or NULL. */
const struct svc_start_plugin *svc_dispatch_plugin(void);

/* Queues a control for the service's handler.  Returns 0; -ESRCH if the
 * service has no registered handler (not started, or stopped); -EAGAIN;
 * -ENOMEM. */
int svc_dispatch_control(struct svc_dispatcher *d, size_t index, DWORD control, uint64_t tag);

/* Runs the control's handler on the calling thread, attached to the
 * service's threads while it runs, if nothing is queued or running for
 * it: 1 when it ran (control_done has been called), 0 when the caller
 * must queue it with svc_dispatch_control (to keep the order), -ESRCH as
 * that.  A handler that does not return holds the caller. */
int svc_dispatch_control_here(struct svc_dispatcher *d, size_t index, DWORD control, uint64_t tag);

/* The threads, CPU time and attributable memory of one service (see
 * threads.h); smaps is the text of /proc/self/smaps or NULL. */
struct svc_thread_usage;
void svc_dispatch_usage(struct svc_dispatcher *d, size_t index, const char *smaps,
                        struct svc_thread_usage *out);

/* How many ServiceMain threads have not returned yet. */
size_t svc_dispatch_mains_running(struct svc_dispatcher *d);
/* Waits up to timeout_ms for every ServiceMain to return; 0 or -ETIMEDOUT. */
int svc_dispatch_wait_mains(struct svc_dispatcher *d, unsigned timeout_ms);

/* A function run on the reporting thread after a service reports
 * SERVICE_STOPPED (the host runs the plugins' stop callbacks there). */
typedef void (*svc_stop_hook)(const char *name);
void svc_dispatcher_set_stop_hook(svc_stop_hook hook);

/* Starts a detached thread with the process's control signals blocked and
 * named `name` (cut to the kernel's 15 characters).  0 or -errno. */
int svc_spawn_thread(void *(*fn)(void *), void *arg, const char *name);

#endif
