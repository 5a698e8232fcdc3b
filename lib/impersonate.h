/*
 * impersonate.h - which services may impersonate their clients
 * (SvchostImpersonateClient, svchost/svchost.h).
 *
 * A thread may impersonate when the service it works for (its owner,
 * threads.h) holds SeImpersonatePrivilege.  The host decides that from the
 * service's configuration each time it starts the service, before the
 * plugin's code runs, so a change takes effect at the next start, as
 * Windows applies RequiredPrivileges.
 */
#ifndef SVC_IMPERSONATE_H
#define SVC_IMPERSONATE_H

#include "threads.h"

/* A run of the service `name` begins on owner's threads (the dispatcher,
 * before ServiceMain): what an earlier run was allowed is forgotten.
 * Unless the host says otherwise (below), the first
 * SvchostImpersonateClient of the run decides from the service's file
 * under svc_default_root(), as an own-process service has no host to
 * read it.  owner NULL: nothing. */
void svc_impersonation_begin(struct svc_thread_owner *owner, const char *name);

/* Records whether the threads of owner may impersonate (1) or not (0),
 * for the host, which has read the service's file.  owner NULL: nothing. */
void svc_impersonation_allow(struct svc_thread_owner *owner, int allowed);

/* Gives the calling thread back the process's identity if it still
 * impersonates (a handler run on a thread that is not its service's
 * returned without SvchostRevertToSelf). */
void svc_impersonation_drop(void);

/* Whether the calling thread's service may impersonate: 1 or 0 (also 0
 * for a thread of no service, or a service whose file cannot be read). */
int svc_impersonation_allowed(void);

#endif
