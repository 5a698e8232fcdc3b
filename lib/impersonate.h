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

/* Records whether the threads of owner may impersonate (1) or not (0);
 * an owner never recorded may not.  owner NULL: nothing. */
void svc_impersonation_allow(struct svc_thread_owner *owner, int allowed);

/* Whether the calling thread's service may impersonate: 1 or 0. */
int svc_impersonation_allowed(void);

#endif
