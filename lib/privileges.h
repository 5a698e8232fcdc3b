/*
 * privileges.h - Windows privilege names and the Linux capabilities they
 * stand for.
 *
 * A service's RequiredPrivileges (SERVICE_CONFIG_REQUIRED_PRIVILEGES_INFO)
 * names Windows privileges.  On Linux a process holds capabilities
 * instead, so each privilege is given the set of capabilities that lets
 * a process do on Linux what the privilege lets it do on Windows.  Some
 * privileges stand for no capability at all: what they guard is open to
 * every process on Linux (SeChangeNotifyPrivilege: path traversal;
 * SeCreateSymbolicLinkPrivilege: symlink(2)), or Linux has no such
 * object (SeUndockPrivilege, SeMachineAccountPrivilege).  They are known
 * names (a service may list them), granting nothing.
 *
 * Linux has capabilities that no Windows privilege stands for
 * (CAP_NET_BIND_SERVICE, CAP_NET_ADMIN, CAP_KILL, ...).  Each has a name
 * of its own, prefixed "Svchost" so that it can never clash with a name
 * Windows defines: SvchostBindServicePrivilege and so on.  With them every
 * capability up to CAP_LAST_CAP can be asked for by some name.
 *
 * The table, its order and the reason for each row are documented in
 * docs/security.md ("Privileges and capabilities").  Names are compared
 * without regard to case, as Windows' LookupPrivilegeValue does.
 *
 * The capability numbers are those of <linux/capability.h>; nothing here
 * needs libcap.
 */
#ifndef SVC_PRIVILEGES_H
#define SVC_PRIVILEGES_H

#include <stddef.h>
#include <stdint.h>

/* One privilege: its Windows name and the capabilities (CAP_* numbers
 * from <linux/capability.h>) it stands for. */
struct svc_privilege {
    const char *name;     /* "SeBackupPrivilege" */
    uint64_t caps;        /* bit (1ull << CAP_X) per capability; 0: none */
    const char *meaning;  /* what it allows, in a few words */
};

/* The privilege named name (case-insensitive), or NULL if name is NULL
 * or no privilege has that name. */
const struct svc_privilege *svc_privilege_find(const char *name);

/* The table in order: row i, or NULL past the end. */
const struct svc_privilege *svc_privilege_at(size_t i);

/* The union of the capabilities of names (a NULL-terminated array; NULL
 * is an empty list).  Returns 0 with *caps set, or -EINVAL with *bad set
 * to the first unknown name (and *caps untouched).  bad may be NULL. */
int svc_privileges_caps(char *const *names, uint64_t *caps, const char **bad);

/* Whether object_name (a service's ObjectName) is LocalSystem: NULL, "",
 * "LocalSystem", .\LocalSystem or NT AUTHORITY\SYSTEM, in any case.
 * 1 or 0. */
int svc_account_is_local_system(const char *object_name);

/*
 * Whether a service holds the privilege named name: its RequiredPrivileges
 * list (required, NULL-terminated) names it; or it has no list (NULL) and
 * runs as LocalSystem, which holds every privilege, as on Windows.  A
 * service of another account without a list holds none here (on Windows
 * LocalService and NetworkService hold a few).  1 or 0.
 */
int svc_privilege_held(char *const *required, const char *object_name, const char *name);

#endif
