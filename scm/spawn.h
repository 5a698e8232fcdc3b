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

#endif
