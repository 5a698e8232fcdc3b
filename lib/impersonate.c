/*
 * impersonate.c - SvchostImpersonateClient and SvchostRevertToSelf: a
 * thread takes the credentials of the peer of a Unix socket, so that what
 * it opens is checked as that client, and gives them back.
 *
 * Credentials are per thread in the kernel; it is glibc's setuid(),
 * setgid() and setgroups() that change every thread of the process (they
 * signal each thread to make the same call).  So the raw system calls are
 * used here: SYS_setgroups, SYS_setresgid and SYS_setresuid change the
 * calling thread alone.  Only the effective IDs change (real and saved
 * stay the host's), which is what makes the way back possible: a thread
 * may always set its effective ID to its real or saved one.
 *
 * The order matters for capabilities.  setgroups and setresgid need
 * CAP_SETGID, setresuid CAP_SETUID, so the groups go first and the user
 * last.  A host running as root loses its effective capabilities when its
 * effective uid becomes the client's (the kernel does that for a change
 * from 0); a host running as another account that holds CAP_SETUID and
 * CAP_SETGID (ambient, from RequiredPrivileges) keeps them, so its
 * effective set is emptied by hand (SYS_capset, per thread too): an
 * impersonating thread must not pass checks the client would fail
 * (CAP_DAC_OVERRIDE would open any file).  Reverting runs backwards: the
 * effective uid, then the saved effective capabilities, then the gid and
 * the groups.
 */
#include "impersonate.h"
#include "log.h"
#include "config.h"
#include "paths.h"
#include "privileges.h"
#include "win32.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#include <svchost/svchost.h>

/* ---- which services may ------------------------------------------------ */

enum { UNDECIDED = -1 };

struct allowance {
    struct svc_thread_owner *owner;
    int allowed;                /* 0, 1 or UNDECIDED */
    char *name;                 /* the service, for UNDECIDED */
};

/* By owner (owners live as long as the process): an open-addressing
 * table, as a host of 1,000 services looks one up at every start. */
static pthread_mutex_t allow_lock = PTHREAD_MUTEX_INITIALIZER;
static struct allowance **allowances;
static size_t allow_cap, allow_n;      /* cap a power of two, at most half full */

static size_t owner_slot(struct allowance **v, size_t cap, const struct svc_thread_owner *owner)
{
    size_t i = (size_t)(((uintptr_t)owner >> 4) * 11400714819323198485ull) & (cap - 1);

    while (v[i] != NULL && v[i]->owner != owner)
        i = (i + 1) & (cap - 1);
    return i;
}

/* The entry of owner, or NULL; allow_lock held. */
static struct allowance *find(const struct svc_thread_owner *owner)
{
    return allow_cap ? allowances[owner_slot(allowances, allow_cap, owner)] : NULL;
}

/* The entry of owner, made if needed; allow_lock held.  NULL: no memory. */
static struct allowance *entry(struct svc_thread_owner *owner)
{
    struct allowance *a = find(owner);

    if (a != NULL)
        return a;
    if (2 * (allow_n + 1) > allow_cap) {
        size_t cap = allow_cap ? allow_cap * 2 : 16;
        struct allowance **v = calloc(cap, sizeof *v);
        if (v == NULL)
            return NULL;
        for (size_t i = 0; i < allow_cap; i++)
            if (allowances[i] != NULL)
                v[owner_slot(v, cap, allowances[i]->owner)] = allowances[i];
        free(allowances);
        allowances = v;
        allow_cap = cap;
    }
    if ((a = calloc(1, sizeof *a)) != NULL) {
        a->owner = owner;
        allowances[owner_slot(allowances, allow_cap, owner)] = a;
        allow_n++;
    }
    return a;
}

/* The only entry, if there is exactly one; allow_lock held. */
static struct allowance *only_entry(void)
{
    for (size_t i = 0; allow_n == 1 && i < allow_cap; i++)
        if (allowances[i] != NULL)
            return allowances[i];
    return NULL;
}

void svc_impersonation_begin(struct svc_thread_owner *owner, const char *name)
{
    struct allowance *a;
    char *copy = name != NULL ? strdup(name) : NULL;

    if (owner == NULL) {
        free(copy);
        return;
    }
    pthread_mutex_lock(&allow_lock);
    if ((a = entry(owner)) != NULL) {
        free(a->name);
        a->name = copy;
        a->allowed = copy != NULL ? UNDECIDED : 0;
        copy = NULL;
    }
    pthread_mutex_unlock(&allow_lock);
    free(copy);
}

void svc_impersonation_allow(struct svc_thread_owner *owner, int allowed)
{
    struct allowance *a;

    if (owner == NULL)
        return;
    pthread_mutex_lock(&allow_lock);
    if ((a = entry(owner)) != NULL)
        a->allowed = allowed != 0;
    pthread_mutex_unlock(&allow_lock);
}

/* SeImpersonatePrivilege of the service `name` by its file: 1 or 0. */
static int decide(const char *name)
{
    struct svc_service_config *cfg = NULL;
    struct svc_diag diag = { 0 };
    int held = 0;

    if (svc_config_load_service(svc_default_root(), name, &cfg, &diag) == 0)
        held = svc_privilege_held(cfg->required_privileges, cfg->object_name,
                                  "SeImpersonatePrivilege");
    svc_diag_free(&diag);
    svc_service_config_free(cfg);
    return held;
}

int svc_impersonation_allowed(void)
{
    struct svc_thread_owner *owner = svc_thread_owner_current();
    struct allowance *a;
    char *name = NULL;
    int allowed = 0;

    pthread_mutex_lock(&allow_lock);
    /* A thread of no service: in an own-process program the threads the
     * service creates are not attributed to it (only svchost supplies the
     * pthread_create that does), and the process is that one service's, as
     * its token is on Windows.  So with one service in the process, the
     * thread is that service's. */
    a = owner != NULL ? find(owner) : only_entry();
    if (a != NULL && a->allowed == UNDECIDED)
        name = strdup(a->name);
    else if (a != NULL)
        allowed = a->allowed;
    pthread_mutex_unlock(&allow_lock);
    if (name == NULL)
        return allowed;
    /* Read without the lock: a file read must not hold up other services. */
    allowed = decide(name);
    pthread_mutex_lock(&allow_lock);
    if (a->allowed == UNDECIDED && a->name != NULL && strcmp(a->name, name) == 0)
        a->allowed = allowed;
    pthread_mutex_unlock(&allow_lock);
    free(name);
    return allowed;
}

/* ---- the calling thread's identity ----------------------------------------- */

struct identity {
    uid_t euid;
    gid_t egid;
    gid_t *groups;
    int n_groups;
    struct __user_cap_data_struct caps[_LINUX_CAPABILITY_U32S_3];
};

/* The host's identity while the thread impersonates, to go back to. */
static _Thread_local struct {
    int active;
    struct identity self;
} saved;

static int get_caps(struct __user_cap_data_struct *d)
{
    struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };

    return syscall(SYS_capget, &h, d) == 0 ? 0 : -errno;
}

static int set_caps(const struct __user_cap_data_struct *d)
{
    struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };

    return syscall(SYS_capset, &h, d) == 0 ? 0 : -errno;
}

/* The calling thread's effective uid and gid, groups and capabilities. */
static int identity_get(struct identity *id)
{
    long n;
    int rc;

    memset(id, 0, sizeof *id);
    id->euid = (uid_t)syscall(SYS_geteuid);
    id->egid = (gid_t)syscall(SYS_getegid);
    n = syscall(SYS_getgroups, 0, NULL);
    if (n < 0)
        return -errno;
    id->groups = malloc((size_t)(n > 0 ? n : 1) * sizeof *id->groups);
    if (id->groups == NULL)
        return -ENOMEM;
    n = syscall(SYS_getgroups, n, id->groups);
    if (n < 0) {
        rc = -errno;
        free(id->groups);
        id->groups = NULL;
        return rc;
    }
    id->n_groups = (int)n;
    rc = get_caps(id->caps);
    if (rc < 0) {
        free(id->groups);
        id->groups = NULL;
    }
    return rc;
}

/* Back to self: each step is tried even if one before failed, so the
 * thread ends up as close to the host's identity as the kernel allows;
 * the first error is returned. */
static int identity_restore(const struct identity *id)
{
    int rc = 0;

    if (syscall(SYS_setresuid, (uid_t)-1, id->euid, (uid_t)-1) < 0)
        rc = -errno;
    if (set_caps(id->caps) < 0 && rc == 0)
        rc = -errno;
    if (syscall(SYS_setresgid, (gid_t)-1, id->egid, (gid_t)-1) < 0 && rc == 0)
        rc = -errno;
    if (syscall(SYS_setgroups, (size_t)id->n_groups, id->groups) < 0 && rc == 0)
        rc = -errno;
    return rc;
}

/* The peer of fd: uid, gid and supplementary groups (SO_PEERGROUPS, or
 * the primary group alone on a kernel without it, before 4.13).
 * -EBADF, -EINVAL (not a connected Unix socket), -ENOMEM. */
static int peer_identity(int fd, struct identity *id)
{
    struct ucred cred;
    socklen_t len = sizeof cred;
    int domain;
    socklen_t dlen = sizeof domain;

    memset(id, 0, sizeof *id);
    if (fcntl(fd, F_GETFD) < 0)
        return -EBADF;
    if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &dlen) < 0 || domain != AF_UNIX)
        return -EINVAL;
    /* An unconnected socket answers uid and gid -1. */
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 ||
        cred.uid == (uid_t)-1 || cred.gid == (gid_t)-1)
        return -EINVAL;
    id->euid = cred.uid;
    id->egid = cred.gid;
    for (socklen_t glen = 16 * sizeof(gid_t);;) {
        gid_t *g = realloc(id->groups, glen ? glen : sizeof(gid_t));

        if (g == NULL) {
            free(id->groups);
            id->groups = NULL;
            return -ENOMEM;
        }
        id->groups = g;
        if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, g, &glen) == 0) {
            id->n_groups = (int)(glen / sizeof(gid_t));
            return 0;
        }
        if (errno == ERANGE)
            continue;               /* glen now says how much it needs */
        if (errno != ENOPROTOOPT) {
            free(id->groups);
            id->groups = NULL;
            return -EINVAL;
        }
        id->groups[0] = cred.gid;
        id->n_groups = 1;
        return 0;
    }
}

/* Takes the client's identity; the calling thread's own is in `self`. */
static int become(const struct identity *client)
{
    struct __user_cap_data_struct none[_LINUX_CAPABILITY_U32S_3];

    if (syscall(SYS_setgroups, (size_t)client->n_groups, client->groups) < 0 ||
        syscall(SYS_setresgid, (gid_t)-1, client->egid, (gid_t)-1) < 0 ||
        syscall(SYS_setresuid, (uid_t)-1, client->euid, (uid_t)-1) < 0)
        return -errno;
    /* A root client keeps what the thread has; any other holds nothing,
     * as a process of that user would. */
    if (client->euid != 0) {
        memcpy(none, saved.self.caps, sizeof none);
        for (size_t i = 0; i < _LINUX_CAPABILITY_U32S_3; i++)
            none[i].effective = 0;
        if (set_caps(none) < 0)
            return -errno;
    }
    return 0;
}

static DWORD revert(void)
{
    int rc;

    if (!saved.active)
        return NO_ERROR;
    rc = identity_restore(&saved.self);
    free(saved.self.groups);
    saved.self.groups = NULL;
    saved.active = 0;
    return rc == 0 ? NO_ERROR : svc_errno_to_win32(rc);
}

/* Win32 answers: a bad descriptor ERROR_INVALID_HANDLE, not a connected
 * Unix socket ERROR_INVALID_PARAMETER, a service without
 * SeImpersonatePrivilege (or a kernel refusing the change: the host lacks
 * CAP_SETUID or CAP_SETGID) ERROR_PRIVILEGE_NOT_HELD. */
static DWORD impersonate(int fd)
{
    struct identity client;
    DWORD err;
    int rc;

    rc = peer_identity(fd, &client);
    if (rc < 0)
        return rc == -EBADF ? ERROR_INVALID_HANDLE
                            : rc == -ENOMEM ? ERROR_NOT_ENOUGH_MEMORY : ERROR_INVALID_PARAMETER;
    if (!svc_impersonation_allowed()) {
        free(client.groups);
        return ERROR_PRIVILEGE_NOT_HELD;
    }
    /* Impersonating again replaces the client, as a second
     * ImpersonateNamedPipeClient does: back to self first. */
    err = revert();
    if (err != NO_ERROR) {
        free(client.groups);
        return err;
    }
    rc = identity_get(&saved.self);
    if (rc < 0) {
        free(client.groups);
        return svc_errno_to_win32(rc);
    }
    saved.active = 1;
    rc = become(&client);
    free(client.groups);
    if (rc < 0) {
        revert();
        return rc == -EPERM ? ERROR_PRIVILEGE_NOT_HELD : svc_errno_to_win32(rc);
    }
    return NO_ERROR;
}

BOOL WINAPI SvchostImpersonateClient(int fd)
{
    DWORD err = impersonate(fd);

    if (err != NO_ERROR)
        SetLastError(err);
    return err == NO_ERROR;
}

void svc_impersonation_drop(void)
{
    if (saved.active && revert() != NO_ERROR)
        log_warnx("could not give this thread its own identity back");
}

BOOL WINAPI SvchostRevertToSelf(void)
{
    DWORD err = revert();

    if (err != NO_ERROR)
        SetLastError(err);
    return err == NO_ERROR;
}
