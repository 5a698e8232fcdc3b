/*
 * spawn.h - the only place that creates processes: host processes with
 * their argv, environment and descriptors (the channel as fd 3), and
 * the identity they run as: account, groups, capabilities.
 */
#ifndef SCM_SPAWN_H
#define SCM_SPAWN_H

#include "scm.h"

#include <stdint.h>
#include <sys/types.h>

/* Who a host runs as (docs/security.md).  change 0: it keeps scmd's
 * identity and environment (LocalSystem).  Otherwise, before anything of
 * the host's runs: the supplementary groups, gid and uid below, and a
 * fresh environment (HOME, USER, LOGNAME, SHELL of the account; PATH,
 * locale, TZ, LD_LIBRARY_PATH, sanitizer options and SVCHOST_* from
 * scmd's).  limit_caps 1: the host's capabilities are caps and no more
 * (the bounding set cut to them, ambient ones across the uid change,
 * no_new_privs), whatever its uid. */
struct scm_identity {
    int change;
    uid_t uid;
    gid_t gid;
    const gid_t *groups;
    int n_groups;
    const char *user, *home, *shell;
    int limit_caps;
    uint64_t caps;          /* bit (1 << CAP_X) per capability */
};

/* Starts a host: "svchost -k GROUP" (group set) runs the svchost beside
 * scmd with --root, and -s SPLIT for a split instance; any other
 * image_path runs as written (an own-process program for own_service).
 * It runs as id (NULL: scmd's identity).  Returns the host (registered
 * in host_chan), or NULL with *err the Win32 error: ERROR_FILE_NOT_FOUND,
 * ERROR_ACCESS_DENIED, ERROR_BAD_FORMAT (cannot be executed),
 * ERROR_SERVICE_LOGON_FAILED (the identity could not be taken),
 * ERROR_NOT_ENOUGH_MEMORY. */
struct scm_host *scm_spawn_host(struct scm *scm, const char *image_path, const char *group,
                                const char *own_service, const char *split_service,
                                const struct scm_identity *id, DWORD *err);

/* Runs cmdline through "/bin/sh -c" (a failure action's command, the
 * reboot command), with stdin on /dev/null, scmd's stdout and stderr and
 * scmd's environment without what is scmd's own.  With id->change it
 * runs as id's uid and gid, with no supplementary group and no
 * capability, in the account's environment as a host's (HOME, USER,
 * LOGNAME, SHELL); id NULL or without change: as root.  Nobody waits
 * for it: its end is logged.  0 with *pid set (pid may be NULL), or a
 * negative errno: -ENOMEM, or uv_spawn's (-ENOENT when there is no shell). */
int scm_spawn_command(struct scm *scm, const char *cmdline, const struct scm_identity *id,
                      pid_t *pid);

struct scm_journal_host;
/* Adopts the host a previous scmd spawned (from the journal), if that
 * process still runs: a host waiting for its rejoin, whose end is seen
 * through a pidfd.  NULL if it is gone (or its pid is another's now). */
struct scm_host *scm_spawn_adopt(struct scm *scm, const struct scm_journal_host *jh);

#endif
