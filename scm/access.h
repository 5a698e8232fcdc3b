/*
 * access.h - the only place that decides whether a caller may do what a
 * request asks.  The client request table says which right each request
 * needs (or how to read it from the request: the access an Open asks
 * for, the right a control code needs); this layer grants it or not.
 *
 * Today's rule: root and the user scmd runs as hold every right; other
 * local users hold the read rights (connect, enumerate, query status and
 * configuration, enumerate dependents, interrogate), as Windows grants
 * them to authenticated users by default.
 */
#ifndef SCM_ACCESS_H
#define SCM_ACCESS_H

#include "scm.h"
#include "service.h"

enum scm_object {
    SCM_OBJ_MANAGER,   /* the SCM itself: SC_MANAGER_* rights */
    SCM_OBJ_SERVICE,   /* one service: SERVICE_* rights */
};

/* The rights caller holds on an object of that kind (s: the service, or
 * NULL for the manager). */
uint32_t scm_access_granted(const struct scm *scm, const struct scm_caller *caller,
                            enum scm_object kind, const struct scm_service *s);
/* NO_ERROR if caller holds every right in `wanted` (generic rights
 * mapped first), else ERROR_ACCESS_DENIED. */
DWORD scm_access_check(const struct scm *scm, const struct scm_caller *caller,
                       enum scm_object kind, const struct scm_service *s, uint32_t wanted);

#endif
