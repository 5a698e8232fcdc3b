/*
 * access.h - the only place that decides whether a caller may do what a
 * request asks.  The client request table says which right each request
 * needs (or how to read it from the request: the access an Open asks
 * for, the right a control code needs); this layer grants it or not.
 *
 * The decision is Windows' AccessCheck over the object's security
 * descriptor: the service's own (its Security key), or the SCM's
 * (config/scm.sddl), else Windows' default for that kind of object.  The
 * owner holds READ_CONTROL and WRITE_DAC unless an OWNER RIGHTS (OW) ACE
 * says otherwise; then the ACEs are taken in order, each naming a SID
 * that holds the caller or not, a deny taking away what no earlier allow
 * gave.  GENERIC_* rights in an ACE are mapped for the object's kind.
 * The SIDs a caller holds (docs/security.md): S-1-22-1-UID its uid,
 * S-1-22-2-GID its groups, SY root, BA root and the members of scm.ini's
 * AdminGroup, WD AU IU BU every local user, SU the users host processes
 * run as, LS and NS the LocalService and NetworkService accounts' users,
 * OW the owner.  The user scmd runs as holds every right.
 */
#ifndef SCM_ACCESS_H
#define SCM_ACCESS_H

#include "scm.h"
#include "service.h"

enum scm_object {
    SCM_OBJ_MANAGER,   /* the SCM itself: SC_MANAGER_* rights */
    SCM_OBJ_SERVICE,   /* one service: SERVICE_* rights */
};

/* Windows' defaults: a new service's descriptor (as CreateService gives
 * it), and the SCM's (AU may connect, enumerate, query the lock status
 * and read the descriptor; SY and BA hold everything). */
#define SCM_SDDL_SERVICE_DEFAULT                                                            \
    "O:SYG:SYD:(A;;CCLCSWRPWPDTLOCRRC;;;SY)(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;BA)"            \
    "(A;;CCLCSWLOCRRC;;;IU)(A;;CCLCSWLOCRRC;;;SU)"
#define SCM_SDDL_MANAGER_DEFAULT                                                            \
    "O:SYG:SYD:(A;;CCLCRPRC;;;AU)(A;;KA;;;SY)(A;;KA;;;BA)"

/* The rights caller holds on an object of that kind (s: the service, or
 * NULL for the manager), generic rights mapped. */
uint32_t scm_access_granted(const struct scm *scm, const struct scm_caller *caller,
                            enum scm_object kind, const struct scm_service *s);
/* NO_ERROR if caller holds every right in `wanted` (generic rights
 * mapped first), else ERROR_ACCESS_DENIED. */
DWORD scm_access_check(const struct scm *scm, const struct scm_caller *caller,
                       enum scm_object kind, const struct scm_service *s, uint32_t wanted);

/* Frees the descriptors access.c keeps parsed. */
void scm_access_free(struct scm *scm);

/* Whether every local user holds `right` on the object (s, or the SCM
 * for SCM_OBJ_MANAGER): the rights a user that only the everyone SIDs
 * name (WD, AU, IU, BU) gets include it, and no deny ACE takes it from
 * anyone.  What the shared status table and its names file show every
 * reader (table.h) must pass this. */
int scm_access_public(const struct scm *scm, enum scm_object kind, const struct scm_service *s,
                      uint32_t right);

/* The object's security descriptor as SDDL: its own, or the default. */
const char *scm_access_sddl(const struct scm *scm, enum scm_object kind,
                            const struct scm_service *s);

/* Logs a refused request (rate-limited with the other lines about
 * clients, conn.h): the caller's uid and pid, the object, what was asked
 * (`request`, a Win32 function's name) and the rights it lacked. */
void scm_access_log_refusal(struct scm *scm, const struct scm_caller *caller,
                            enum scm_object kind, const struct scm_service *s,
                            uint32_t wanted, const char *request);

#endif
