/*
 * trust.h - only trusted code runs in a host.  A plugin (ServiceDll) or
 * an own-process program may be loaded only if nobody but root and the
 * host's own account can have written it: the file and every directory
 * above it are owned by one of them and writable by nobody else (a
 * sticky directory such as /tmp excepted, where others may add entries
 * but not replace ours).  A relative ServiceDll must also resolve inside
 * the plugin directory.  docs/security.md, "Trusted code".
 */
#ifndef SCM_TRUST_H
#define SCM_TRUST_H

#include "scm.h"

#include <sys/types.h>

/* Whether path (a file to load or execute) is trusted for a host running
 * as uid.  NO_ERROR, or ERROR_ACCESS_DENIED with why (a sentence naming
 * the path at fault) in reason.  A file that does not exist is
 * NO_ERROR: loading it fails later with its own error (126, 2). */
DWORD scm_trust_file(const char *path, uid_t uid, char *reason, size_t n);

/* The same for a ServiceDll value: a relative one must resolve inside
 * the plugin directory (svc_plugin_dir) as well. */
DWORD scm_trust_service_dll(const char *service_dll, uid_t uid, char *reason, size_t n);

#endif
