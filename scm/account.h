/*
 * account.h - who a service runs as: its ObjectName (sc's obj=,
 * lpServiceStartName) turned into a Unix identity.
 *
 *   LocalSystem (also ".\LocalSystem", "NT AUTHORITY\SYSTEM", or none)
 *                                 root: the host keeps scmd's identity
 *   NT AUTHORITY\LocalService     scm.ini's LocalServiceAccount user
 *   NT AUTHORITY\NetworkService   scm.ini's NetworkServiceAccount user
 *   .\name or name                the local user name
 *
 * Names are compared without regard to case, as Windows compares
 * accounts; a user name itself is looked up as written.  Any other
 * domain than "." and NT AUTHORITY is no account of this machine.
 */
#ifndef SCM_ACCOUNT_H
#define SCM_ACCOUNT_H

#include "scm.h"

#include <sys/types.h>

enum scm_account_kind {
    SCM_ACCOUNT_SYSTEM,     /* LocalSystem */
    SCM_ACCOUNT_LOCAL,      /* NT AUTHORITY\LocalService */
    SCM_ACCOUNT_NETWORK,    /* NT AUTHORITY\NetworkService */
    SCM_ACCOUNT_USER,       /* a local user */
    SCM_ACCOUNT_INVALID,    /* no account of this machine's (another domain, empty user) */
};

/* What an ObjectName names, and the user name it stands for (into user,
 * of size n; "" for LocalSystem and an invalid name). */
enum scm_account_kind scm_account_kind(const struct scm *scm, const char *object_name,
                                       char *user, size_t n);

/* An account looked up: the identity a host takes. */
struct scm_account {
    enum scm_account_kind kind;
    uid_t uid;
    gid_t gid;
    gid_t *groups;          /* supplementary groups, n_groups of them (owned) */
    int n_groups;
    char *user, *home, *shell;   /* owned */
};

/* Looks object_name up.  NO_ERROR, ERROR_INVALID_SERVICE_ACCOUNT (1057)
 * for a name that is no account here or a user that does not exist, or
 * ERROR_NOT_ENOUGH_MEMORY.  LocalSystem fills uid 0 and scmd's own
 * groups.  Release with scm_account_free whatever the result. */
DWORD scm_account_lookup(const struct scm *scm, const char *object_name, struct scm_account *a);
void scm_account_free(struct scm_account *a);

/* Whether two ObjectNames are one account (the same user once looked
 * up, so "tester" and ".\tester" are one; names that do not resolve
 * compare by their normalised text). */
int scm_account_same(const struct scm *scm, const char *a, const char *b);

/* The ObjectName as sc qc shows it: NULL or "" is "LocalSystem". */
const char *scm_account_name(const char *object_name);

#endif
