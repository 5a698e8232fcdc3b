/* privileges.c - the table of Windows privileges and their capabilities
 * (privileges.h; the reasons are in docs/security.md). */
#include "privileges.h"

#include <errno.h>
#include <linux/capability.h>
#include <string.h>
#include <strings.h>

#define C(x) (1ull << (CAP_##x))

_Static_assert(CAP_LAST_CAP < 64, "capabilities fit a uint64_t");

/* Every capability this build knows of: what SeTcbPrivilege (acting as
 * part of the operating system) stands for. */
#define ALL_CAPS ((CAP_LAST_CAP == 63) ? ~0ull : ((1ull << (CAP_LAST_CAP + 1)) - 1))

static const struct svc_privilege privileges[] = {
    /* Windows' privileges (winnt.h's SE_*_NAME), in alphabetical order. */
    {"SeAssignPrimaryTokenPrivilege", C(SETUID) | C(SETGID), "replace a process-level token"},
    {"SeAuditPrivilege", C(AUDIT_WRITE), "generate security audits"},
    {"SeBackupPrivilege", C(DAC_READ_SEARCH), "back up files and directories"},
    {"SeChangeNotifyPrivilege", 0, "bypass traverse checking"},
    {"SeCreateGlobalPrivilege", 0, "create global objects"},
    {"SeCreatePagefilePrivilege", C(SYS_ADMIN), "create a pagefile"},
    {"SeCreatePermanentPrivilege", 0, "create permanent shared objects"},
    {"SeCreateSymbolicLinkPrivilege", 0, "create symbolic links"},
    {"SeCreateTokenPrivilege", C(SETUID) | C(SETGID), "create a token object"},
    {"SeDebugPrivilege", C(SYS_PTRACE), "debug programs"},
    {"SeDelegateSessionUserImpersonatePrivilege", 0,
     "obtain an impersonation token for another user in the same session"},
    {"SeEnableDelegationPrivilege", 0, "enable accounts to be trusted for delegation"},
    {"SeImpersonatePrivilege", C(SETUID) | C(SETGID), "impersonate a client after authentication"},
    {"SeIncreaseBasePriorityPrivilege", C(SYS_NICE), "increase scheduling priority"},
    {"SeIncreaseQuotaPrivilege", C(SYS_RESOURCE), "adjust memory quotas for a process"},
    {"SeIncreaseWorkingSetPrivilege", 0, "increase a process working set"},
    {"SeLoadDriverPrivilege", C(SYS_MODULE), "load and unload device drivers"},
    {"SeLockMemoryPrivilege", C(IPC_LOCK), "lock pages in memory"},
    {"SeMachineAccountPrivilege", 0, "add workstations to domain"},
    {"SeManageVolumePrivilege", C(SYS_ADMIN), "perform volume maintenance tasks"},
    {"SeProfileSingleProcessPrivilege", C(PERFMON), "profile single process"},
    {"SeRelabelPrivilege", C(MAC_ADMIN), "modify an object label"},
    {"SeRemoteShutdownPrivilege", 0, "force shutdown from a remote system"},
    {"SeRestorePrivilege", C(DAC_OVERRIDE) | C(CHOWN) | C(FOWNER), "restore files and directories"},
    {"SeSecurityPrivilege", C(AUDIT_CONTROL) | C(AUDIT_READ), "manage auditing and security log"},
    {"SeShutdownPrivilege", C(SYS_BOOT), "shut down the system"},
    {"SeSyncAgentPrivilege", 0, "synchronize directory service data"},
    {"SeSystemEnvironmentPrivilege", 0, "modify firmware environment values"},
    {"SeSystemProfilePrivilege", C(PERFMON), "profile system performance"},
    {"SeSystemtimePrivilege", C(SYS_TIME), "change the system time"},
    {"SeTakeOwnershipPrivilege", C(CHOWN) | C(FOWNER), "take ownership of files or other objects"},
    {"SeTcbPrivilege", ALL_CAPS, "act as part of the operating system"},
    {"SeTimeZonePrivilege", 0, "change the time zone"},
    {"SeTrustedCredManAccessPrivilege", 0, "access Credential Manager as a trusted caller"},
    {"SeUndockPrivilege", 0, "remove computer from docking station"},
    {"SeUnsolicitedInputPrivilege", 0, "read unsolicited input from a terminal device"},

    /* Capabilities no Windows privilege stands for, by capability number. */
    {"SvchostFsetidPrivilege", C(FSETID), "keep set-user-ID and set-group-ID bits when modifying a file"},
    {"SvchostKillPrivilege", C(KILL), "send signals to any process"},
    {"SvchostSetpcapPrivilege", C(SETPCAP), "change capability sets and the bounding set"},
    {"SvchostLinuxImmutablePrivilege", C(LINUX_IMMUTABLE), "set the immutable and append-only file flags"},
    {"SvchostBindServicePrivilege", C(NET_BIND_SERVICE), "bind to ports below 1024"},
    {"SvchostNetBroadcastPrivilege", C(NET_BROADCAST), "broadcast and listen to multicast"},
    {"SvchostNetAdminPrivilege", C(NET_ADMIN), "configure network interfaces, routes and firewalls"},
    {"SvchostNetRawPrivilege", C(NET_RAW), "use raw and packet sockets"},
    {"SvchostIpcOwnerPrivilege", C(IPC_OWNER), "bypass permission checks on System V IPC objects"},
    {"SvchostSysRawioPrivilege", C(SYS_RAWIO), "perform I/O port operations and raw device access"},
    {"SvchostSysChrootPrivilege", C(SYS_CHROOT), "use chroot(2) and setns(2)"},
    {"SvchostSysPacctPrivilege", C(SYS_PACCT), "switch process accounting on and off"},
    {"SvchostSysAdminPrivilege", C(SYS_ADMIN), "perform system administration (mount, namespaces, ...)"},
    {"SvchostSysTtyConfigPrivilege", C(SYS_TTY_CONFIG), "configure terminals (vhangup)"},
    {"SvchostMknodPrivilege", C(MKNOD), "create device files"},
    {"SvchostLeasePrivilege", C(LEASE), "take leases on files it does not own"},
    {"SvchostSetfcapPrivilege", C(SETFCAP), "set file capabilities"},
    {"SvchostMacOverridePrivilege", C(MAC_OVERRIDE), "override mandatory access control"},
    {"SvchostSyslogPrivilege", C(SYSLOG), "read and clear the kernel log"},
    {"SvchostWakeAlarmPrivilege", C(WAKE_ALARM), "set timers that wake the system"},
    {"SvchostBlockSuspendPrivilege", C(BLOCK_SUSPEND), "block system suspend"},
    {"SvchostBpfPrivilege", C(BPF), "load BPF programs and create BPF maps"},
    {"SvchostCheckpointRestorePrivilege", C(CHECKPOINT_RESTORE), "checkpoint and restore processes"},
};

const struct svc_privilege *svc_privilege_at(size_t i)
{
    return i < sizeof privileges / sizeof privileges[0] ? &privileges[i] : NULL;
}

const struct svc_privilege *svc_privilege_find(const char *name)
{
    if (name == NULL)
        return NULL;
    for (size_t i = 0; i < sizeof privileges / sizeof privileges[0]; i++)
        if (strcasecmp(privileges[i].name, name) == 0)
            return &privileges[i];
    return NULL;
}

int svc_privileges_caps(char *const *names, uint64_t *caps, const char **bad)
{
    uint64_t all = 0;

    for (size_t i = 0; names != NULL && names[i] != NULL; i++) {
        const struct svc_privilege *p = svc_privilege_find(names[i]);

        if (p == NULL) {
            if (bad != NULL)
                *bad = names[i];
            return -EINVAL;
        }
        all |= p->caps;
    }
    *caps = all;
    return 0;
}

int svc_account_is_local_system(const char *object_name)
{
    const char *n = object_name != NULL ? object_name : "";

    if (strncmp(n, ".\\", 2) == 0)
        n += 2;
    return *n == '\0' || strcasecmp(n, "LocalSystem") == 0 ||
           strcasecmp(n, "NT AUTHORITY\\SYSTEM") == 0;
}

int svc_privilege_held(char *const *required, const char *object_name, const char *name)
{
    if (required == NULL)
        return svc_account_is_local_system(object_name);
    for (size_t i = 0; required[i] != NULL; i++)
        if (strcasecmp(required[i], name) == 0)
            return 1;
    return 0;
}
