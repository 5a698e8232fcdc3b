/*
 * access.c - access decisions (see access.h).
 */
#include "access.h"

/* What an unprivileged local user holds. */
#define USER_MANAGER_RIGHTS \
    (SC_MANAGER_CONNECT | SC_MANAGER_ENUMERATE_SERVICE | SC_MANAGER_QUERY_LOCK_STATUS | READ_CONTROL)
#define USER_SERVICE_RIGHTS \
    (SERVICE_QUERY_CONFIG | SERVICE_QUERY_STATUS | SERVICE_ENUMERATE_DEPENDENTS | \
     SERVICE_INTERROGATE | READ_CONTROL)

/* Generic rights, mapped as the Windows SCM maps them (GENERIC_MAPPING
 * of the SCM and of service objects). */
static uint32_t map_generic(enum scm_object kind, uint32_t a)
{
    uint32_t out = a & ~(uint32_t)(GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE | GENERIC_ALL);

    if (kind == SCM_OBJ_MANAGER) {
        if (a & GENERIC_READ)
            out |= READ_CONTROL | SC_MANAGER_ENUMERATE_SERVICE | SC_MANAGER_QUERY_LOCK_STATUS;
        if (a & GENERIC_WRITE)
            out |= READ_CONTROL | SC_MANAGER_CREATE_SERVICE | SC_MANAGER_MODIFY_BOOT_CONFIG;
        if (a & GENERIC_EXECUTE)
            out |= READ_CONTROL | SC_MANAGER_CONNECT | SC_MANAGER_LOCK;
        if (a & GENERIC_ALL)
            out |= SC_MANAGER_ALL_ACCESS;
    } else {
        if (a & GENERIC_READ)
            out |= READ_CONTROL | SERVICE_QUERY_CONFIG | SERVICE_QUERY_STATUS |
                   SERVICE_INTERROGATE | SERVICE_ENUMERATE_DEPENDENTS;
        if (a & GENERIC_WRITE)
            out |= READ_CONTROL | SERVICE_CHANGE_CONFIG;
        if (a & GENERIC_EXECUTE)
            out |= READ_CONTROL | SERVICE_START | SERVICE_STOP | SERVICE_PAUSE_CONTINUE |
                   SERVICE_USER_DEFINED_CONTROL;
        if (a & GENERIC_ALL)
            out |= SERVICE_ALL_ACCESS;
    }
    return out;
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
