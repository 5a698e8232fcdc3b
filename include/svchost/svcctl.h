/*
 * svchost/svcctl.h - extensions of the SCM client API that Win32 lacks.
 *
 * Windows keeps ServiceDll and a plugin's own settings in the registry
 * under Services\NAME\Parameters, edited with three registry calls; here
 * they are first-class configuration, changed and read through
 * ChangeServiceConfig2A / QueryServiceConfig2A with the info levels below.
 * SvchostEnumHosts lists the host processes, as `tasklist /svc` does.
 */
#ifndef SVCHOST_SVCCTL_H
#define SVCHOST_SVCCTL_H

#include <svchost/winsvc.h>

/* <windows.h> has no SVCAPI.  These calls exist only in libsvc, which a
 * Windows build does not link; there the declarations are plain. */
#ifndef SVCAPI
#define SVCAPI
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Info levels (outside the range Win32 uses). */
#define SVCHOST_CONFIG_SERVICE_DLL  0x1000  /* SVCHOST_SERVICE_DLL_INFO */
#define SVCHOST_CONFIG_PARAMETER    0x1001  /* SVCHOST_PARAMETER_INFO (change only) */
#define SVCHOST_CONFIG_PARAMETERS   0x1002  /* SVCHOST_PARAMETERS_INFO (query only) */
#define SVCHOST_CONFIG_PROFILES     0x1003  /* SVCHOST_PROFILES_INFO (query only) */

typedef struct _SVCHOST_SERVICE_DLL_INFO {
    LPSTR lpServiceDll;     /* [Parameters] ServiceDll; NULL: unchanged */
    LPSTR lpServiceMain;    /* [Parameters] ServiceMain; NULL: unchanged */
} SVCHOST_SERVICE_DLL_INFO;

typedef struct _SVCHOST_PARAMETER_INFO {
    LPSTR lpName;           /* a [Parameters] key */
    LPSTR lpValue;          /* its new value; NULL removes the key */
} SVCHOST_PARAMETER_INFO;

typedef struct _SVCHOST_PARAMETERS_INFO {
    LPSTR lpParameters;     /* "KEY=VALUE\0KEY=VALUE\0\0", in file order */
} SVCHOST_PARAMETERS_INFO;

typedef struct _SVCHOST_PROFILES_INFO {
    LPSTR lpProfiles;       /* "office\0travel\0\0": the hardware profiles the
                               service is enabled in (scm.ini [Profile NAME]);
                               empty: every profile */
} SVCHOST_PROFILES_INFO;

typedef struct _SVCHOST_HOST_INFO {
    DWORD dwProcessId;
    LPSTR lpGroup;          /* the svchost group; NULL for an own-process executable */
    LPSTR lpServices;       /* "A\0B\0\0": the services running in it */
} SVCHOST_HOST_INFO;

/*
 * Lists the host processes the SCM runs, like EnumServicesStatusEx:
 * fills lpBuffer with an array of SVCHOST_HOST_INFO followed by the
 * strings they point to.  Returns TRUE, or FALSE with GetLastError():
 * ERROR_MORE_DATA (*pcbBytesNeeded says how much), ERROR_INVALID_HANDLE,
 * ERROR_ACCESS_DENIED, ERROR_INVALID_PARAMETER.
 */
SVCAPI BOOL WINAPI SvchostEnumHosts(SC_HANDLE hSCManager, LPBYTE lpBuffer, DWORD cbBufSize,
                                    LPDWORD pcbBytesNeeded, LPDWORD lpHostsReturned);

/*
 * What each host process, and each service inside it, uses.  For every
 * host one entry with lpServiceName NULL (the whole process: dwThreads,
 * ullCpuMicroseconds, dwRssKiB, dwPssKiB), followed by one entry per
 * service of its dispatch table:
 *   dwThreads           its live threads: ServiceMain, its control
 *                       worker, and every thread those created;
 *   ullCpuMicroseconds  CPU time of all of them, ended threads included;
 *   dwStackKiB          resident stack pages of its live threads;
 *   dwImageKiB          proportional resident size of its plugin's
 *                       mappings (code and static data).
 * Heap memory cannot be told apart between the services of one process
 * and is not attributed (see docs/sc.md).
 */
typedef struct _SVCHOST_USAGE_INFO {
    DWORD dwProcessId;
    LPSTR lpServiceName;
    DWORD dwThreads;
    ULONGLONG ullCpuMicroseconds;
    DWORD dwStackKiB;
    DWORD dwImageKiB;
    DWORD dwRssKiB;
    DWORD dwPssKiB;
} SVCHOST_USAGE_INFO;

/* Fills lpBuffer with SVCHOST_USAGE_INFO entries and their strings, like
 * SvchostEnumHosts, with the same errors. */
SVCAPI BOOL WINAPI SvchostEnumUsage(SC_HANDLE hSCManager, LPBYTE lpBuffer, DWORD cbBufSize,
                                    LPDWORD pcbBytesNeeded, LPDWORD lpEntriesReturned);

/* What SvchostCreateService sets besides CreateServiceA's arguments. */
typedef struct _SVCHOST_CREATE_INFO {
    LPCSTR lpServiceDll;        /* [Parameters] ServiceDll; NULL: none */
    LPCSTR lpServiceMain;       /* [Parameters] ServiceMain; NULL: ServiceMain */
    LPCSTR const *lpParameters; /* the plugin's [Parameters] as "KEY=VALUE"
                                   strings, NULL-terminated; NULL: none */
    BOOL fDelayedAutostart;     /* SERVICE_CONFIG_DELAYED_AUTO_START_INFO */
} SVCHOST_CREATE_INFO;

/*
 * CreateServiceA with a plugin service's ServiceDll, ServiceMain,
 * parameters and delayed start, installed in one step: the service
 * exists with all of it, or not at all (Windows needs CreateService and
 * then registry writes under Services\NAME\Parameters, and a failure in
 * between leaves a service without them).  lpInfo NULL is CreateServiceA.
 * Returns the handle, or NULL with CreateServiceA's errors, and
 * ERROR_INVALID_PARAMETER for a parameter without '=' or with a key the
 * service file cannot hold.
 */
SVCAPI SC_HANDLE WINAPI SvchostCreateService(SC_HANDLE hSCManager, LPCSTR lpServiceName,
                                             LPCSTR lpDisplayName, DWORD dwDesiredAccess,
                                             DWORD dwServiceType, DWORD dwStartType,
                                             DWORD dwErrorControl, LPCSTR lpBinaryPathName,
                                             LPCSTR lpLoadOrderGroup, LPDWORD lpdwTagId,
                                             LPCSTR lpDependencies, LPCSTR lpServiceStartName,
                                             LPCSTR lpPassword, const SVCHOST_CREATE_INFO *lpInfo);

/* ---- The event log (docs/events.md) ------------------------------------ */

#define SVCHOST_EVENT_ANY 0xFFFFFFFF  /* SVCHOST_EVENT_FILTER: any event ID */

/* Which records SvchostReadEventLog returns. */
typedef struct _SVCHOST_EVENT_FILTER {
    DWORD dwEventId;        /* only this ID; SVCHOST_EVENT_ANY: any */
    LPCSTR lpServiceName;   /* only this service (key name, any case); NULL: any */
    DWORD dwFirstRecord;    /* only records numbered this or higher; 0: all */
    DWORD dwMaxRecords;     /* the newest this many of those; 0: all */
} SVCHOST_EVENT_FILTER;

/* One line of the event log. */
typedef struct _SVCHOST_EVENT_RECORD {
    DWORD dwRecordNumber;   /* its line in the log, from 1, as EVENTLOGRECORD's */
    DWORD dwEventId;
    ULONGLONG ullTimeMs;    /* when, in milliseconds since 1970-01-01 UTC */
    LPSTR lpServiceName;    /* NULL for an event of no service */
    LPSTR lpText;
} SVCHOST_EVENT_RECORD;

/*
 * Reads the SCM's event log of the machine (NULL, "localhost" or this
 * host's name; the log scmd of the default state directory writes),
 * oldest first: fills lpBuffer with an array of SVCHOST_EVENT_RECORD
 * followed by their strings.  lpFilter NULL: every record.  A log that
 * does not exist yet has no records.  Returns TRUE, or FALSE with
 * GetLastError(): ERROR_MORE_DATA (*pcbBytesNeeded says how much),
 * ERROR_INVALID_PARAMETER (a NULL count pointer), ERROR_NOT_SUPPORTED
 * (another machine: its log is not reachable yet), ERROR_ACCESS_DENIED
 * (the caller may not read the log), ERROR_NOT_ENOUGH_MEMORY.
 */
SVCAPI BOOL WINAPI SvchostReadEventLog(LPCSTR lpMachineName, const SVCHOST_EVENT_FILTER *lpFilter,
                                       LPBYTE lpBuffer, DWORD cbBufSize,
                                       LPDWORD pcbBytesNeeded, LPDWORD lpRecordsReturned);

/* The system message text of a Win32 error, as FormatMessage gives it
 * ("The specified service does not exist as an installed service."), or
 * a generic text for a code without one.  Never NULL; not to be freed. */
SVCAPI LPCSTR WINAPI SvchostErrorMessage(DWORD dwError);

#ifdef __cplusplus
}
#endif

#endif
