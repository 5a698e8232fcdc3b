/*
 * effects.h - everything the state machine does to the world, as one
 * interface.  scmd's implementation (hosting.c) starts services in host
 * processes and arms libuv timers; tests/test_state.c passes fakes that
 * record each call, so every (state, event) cell runs without fork or a
 * loop.  The state machine calls nothing else outside itself.
 */
#ifndef SCM_EFFECTS_H
#define SCM_EFFECTS_H

#include "scm.h"

struct scm_effects {
    /* Hands s to a host (the running host of its group, or a new one).
     * NO_ERROR, or the Win32 error (the state machine then fails the
     * start).  Sets s->host. */
    DWORD (*start_in_host)(struct scm *scm, struct scm_service *s, char *const *args);
    /* s has stopped: it leaves its host, which exits if it runs nothing
     * more.  Clears s->host. */
    void (*leave_host)(struct scm *scm, struct scm_service *s);
    /* s is written off: its host is killed if nothing else runs there. */
    void (*kill_host_if_alone)(struct scm *scm, struct scm_service *s);
    /* The host of s (if any) has connected; its process id (0: none). */
    int (*host_connected)(struct scm *scm, const struct scm_service *s);
    DWORD (*host_pid)(struct scm *scm, const struct scm_service *s);
    /* The state deadline: EV_TIMEOUT after ms, or never. */
    void (*arm)(struct scm *scm, struct scm_service *s, unsigned ms);
    void (*disarm)(struct scm *scm, struct scm_service *s);
    /* s changed state: waiters (start jobs, deletion) look again. */
    void (*changed)(struct scm *scm, struct scm_service *s);
    /* s failed: crashed, its process ended under it (it is STOPPED with
     * ERROR_PROCESS_ABORTED), or not, it reported STOPPED by itself with
     * a non-zero dwWin32ExitCode.  What follows (the failure count, the
     * failure actions, events 7031/7034) is recovery's to decide. */
    void (*failed)(struct scm *scm, struct scm_service *s, int crashed);
    /* An event for the event log. */
    void (*event)(struct scm *scm, unsigned id, const char *service, const char *text);
    /* s's state or exit code changed: a restarted scmd will find it so
     * (the journal).  May be NULL. */
    void (*recorded)(struct scm *scm, const struct scm_service *s);
    /* s's status was set (any field): clients that read the shared
     * status table see it.  May be NULL. */
    void (*published)(struct scm *scm, const struct scm_service *s);
};

#endif
