/*
 * spawn.h - the only place that creates processes: host processes with
 * their argv, environment and descriptors (the channel as fd 3).
 * Accounts and capabilities will be set here too.
 */
#ifndef SCM_SPAWN_H
#define SCM_SPAWN_H

#include "scm.h"

/* Starts a host: "svchost -k GROUP" (group set) runs the svchost beside
 * scmd with --root, and -s SPLIT for a split instance; any other
 * image_path runs as written (an own-process program for own_service).
 * Returns the host (registered in host_chan), or NULL with *err the
 * Win32 error: ERROR_FILE_NOT_FOUND, ERROR_ACCESS_DENIED,
 * ERROR_BAD_FORMAT (cannot be executed), ERROR_NOT_ENOUGH_MEMORY. */
struct scm_host *scm_spawn_host(struct scm *scm, const char *image_path, const char *group,
                                const char *own_service, const char *split_service, DWORD *err);

/* Runs cmdline through "/bin/sh -c" (a failure action's command, the
 * reboot command), with stdin on /dev/null, scmd's stdout and stderr and
 * scmd's environment without what is scmd's own.  Nobody waits for it:
 * its end is logged.  0 with *pid set (pid may be NULL), or a negative
 * errno: -ENOMEM, or uv_spawn's (-ENOENT when there is no shell). */
int scm_spawn_command(struct scm *scm, const char *cmdline, pid_t *pid);

struct scm_journal_host;
/* Adopts the host a previous scmd spawned (from the journal), if that
 * process still runs: a host waiting for its rejoin, whose end is seen
 * through a pidfd.  NULL if it is gone (or its pid is another's now). */
struct scm_host *scm_spawn_adopt(struct scm *scm, const struct scm_journal_host *jh);

#endif
