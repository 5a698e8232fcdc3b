/*
 * access.c - access decisions (see access.h).
 */
#include "access.h"
#include "win32.h"

/* What an unprivileged local user holds. */
#define USER_MANAGER_RIGHTS \
    (SC_MANAGER_CONNECT | SC_MANAGER_ENUMERATE_SERVICE | SC_MANAGER_QUERY_LOCK_STATUS | READ_CONTROL)
#define USER_SERVICE_RIGHTS \
    (SERVICE_QUERY_CONFIG | SERVICE_QUERY_STATUS | SERVICE_ENUMERATE_DEPENDENTS | \
     SERVICE_INTERROGATE | READ_CONTROL)

static uint32_t map_generic(enum scm_object kind, uint32_t a)
{
    return kind == SCM_OBJ_MANAGER ? svc_map_manager_access(a) : svc_map_service_access(a);
}

static int privileged(const struct scm *scm, const struct scm_caller *c)
{
    return c->uid == 0 || c->uid == scm->self_uid;
}

uint32_t scm_access_granted(const struct scm *scm, const struct scm_caller *caller,
                            enum scm_object kind, const struct scm_service *s)
{
    (void)s;
    if (privileged(scm, caller))
        return kind == SCM_OBJ_MANAGER ? (uint32_t)SC_MANAGER_ALL_ACCESS : (uint32_t)SERVICE_ALL_ACCESS;
    return kind == SCM_OBJ_MANAGER ? USER_MANAGER_RIGHTS : USER_SERVICE_RIGHTS;
}

DWORD scm_access_check(const struct scm *scm, const struct scm_caller *caller,
                       enum scm_object kind, const struct scm_service *s, uint32_t wanted)
{
    uint32_t need = map_generic(kind, wanted);
    return (need & ~scm_access_granted(scm, caller, kind, s)) ? ERROR_ACCESS_DENIED : NO_ERROR;
}
