/*
 * svchost/svchost.h - the plugin ABI of the svchost shared host.
 *
 * A plugin is a shared object that exports
 *
 *     SVCHOST_EXPORT VOID WINAPI ServiceMain(DWORD argc, LPSTR *argv);
 *
 * (the entry name can be changed per service with [Parameters]
 * ServiceMain=) and may export
 *
 *     SVCHOST_EXPORT VOID WINAPI SvchostPushServiceGlobals(const SVCHOST_GLOBALS *g);
 *
 * which the host calls before each ServiceMain call of this plugin with a
 * table of host services.  The table carries its own size and version, so
 * a plugin built against an older header keeps working with a newer host,
 * and a plugin can tell whether a newer member is present with
 * SVCHOST_GLOBALS_HAS().  The table stays valid for the life of the host.
 */
#ifndef SVCHOST_SVCHOST_H
#define SVCHOST_SVCHOST_H

#include <stddef.h>
#include <svchost/winsvc.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define SVCHOST_EXPORT __declspec(dllexport)
#elif defined(__GNUC__)
#define SVCHOST_EXPORT __attribute__((visibility("default")))
#else
#define SVCHOST_EXPORT
#endif

#if defined(__GNUC__)
#define SVCHOST_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define SVCHOST_PRINTF(f, a)
#endif

/* Version of SVCHOST_GLOBALS this header describes. */
#define SVCHOST_GLOBALS_VERSION 1

/* Levels for Log(). */
#define SVCHOST_LOG_ERROR   0
#define SVCHOST_LOG_WARNING 1
#define SVCHOST_LOG_INFO    2
#define SVCHOST_LOG_DEBUG   3

/* Called once, on a host thread, after the service reported
 * SERVICE_STOPPED. */
typedef VOID (WINAPI *SVCHOST_STOP_CALLBACK)(LPCSTR lpServiceName, PVOID lpContext);

typedef struct _SVCHOST_GLOBALS {
    DWORD cbSize;     /* sizeof the structure the host filled in */
    DWORD dwVersion;  /* SVCHOST_GLOBALS_VERSION of the host */

    /* ---- version 1 ---- */

    /*
     * Reads the value lpValueName of the [Parameters] section of service
     * lpServiceName, fresh from its configuration file (so a plugin
     * re-reads its settings on SERVICE_CONTROL_PARAMCHANGE).  On entry
     * *lpcbData is the size of lpData in bytes; on return it is the size
     * the value needs, terminating NUL included.  lpData may be NULL to
     * ask for the size only.
     * Returns ERROR_SUCCESS; ERROR_MORE_DATA if lpData is too small (or
     * NULL); ERROR_FILE_NOT_FOUND if there is no such value;
     * ERROR_SERVICE_DOES_NOT_EXIST if the service is not hosted here;
     * ERROR_INVALID_PARAMETER if an argument is NULL.
     */
    DWORD (WINAPI *GetParameter)(LPCSTR lpServiceName, LPCSTR lpValueName,
                                 LPSTR lpData, LPDWORD lpcbData);

    /*
     * As GetParameter for a number (decimal, or hexadecimal with 0x).
     * Returns ERROR_SUCCESS; ERROR_FILE_NOT_FOUND if there is no such
     * value (*lpdwValue is left alone, so preset it to a default);
     * ERROR_INVALID_DATA if the value is not a number that fits a DWORD;
     * ERROR_SERVICE_DOES_NOT_EXIST; ERROR_INVALID_PARAMETER.
     */
    DWORD (WINAPI *GetParameterDword)(LPCSTR lpServiceName, LPCSTR lpValueName,
                                      LPDWORD lpdwValue);

    /* Writes one line to the host's log, tagged with the service name. */
    VOID (WINAPI *Log)(LPCSTR lpServiceName, DWORD dwLevel, LPCSTR lpFormat, ...)
        SVCHOST_PRINTF(3, 4);

    /*
     * Registers a callback the host runs once after lpServiceName reports
     * SERVICE_STOPPED (callbacks run in reverse order of registration and
     * are then forgotten; register again on the next start).
     * Returns ERROR_SUCCESS; ERROR_SERVICE_DOES_NOT_EXIST;
     * ERROR_INVALID_PARAMETER if lpCallback is NULL;
     * ERROR_NOT_ENOUGH_MEMORY.
     */
    DWORD (WINAPI *RegisterStopCallback)(LPCSTR lpServiceName,
                                         SVCHOST_STOP_CALLBACK lpCallback,
                                         PVOID lpContext);
} SVCHOST_GLOBALS, *PSVCHOST_GLOBALS;

/* True if the host's table g has the member m (plugins built against a
 * newer header running in an older host check before use). */
#define SVCHOST_GLOBALS_HAS(g, m) \
    ((g) != NULL && (g)->cbSize >= offsetof(SVCHOST_GLOBALS, m) + sizeof((g)->m) && \
     (g)->m != NULL)

/* Prototypes of the plugin's exports. */
typedef VOID (WINAPI *LPSVCHOST_PUSH_SERVICE_GLOBALS)(const SVCHOST_GLOBALS *lpGlobals);

/*
 * Impersonation (docs/security.md, "Impersonation"), as
 * ImpersonateNamedPipeClient and RevertToSelf do it for a pipe on Windows.
 *
 * SvchostImpersonateClient gives the CALLING THREAD ALONE the identity of
 * the peer of fd, a connected Unix socket: its uid, gid and supplementary
 * groups as the kernel recorded them when it connected, and none of the
 * host's capabilities (unless the peer is root).  What the thread then
 * opens, creates or signals is checked as that client; the other threads
 * of the host keep the host's identity.  A thread created while
 * impersonating starts with the client's identity and cannot revert it
 * (on Windows it would run as the host): create threads before or after.
 * Calling it again while
 * impersonating replaces the client.  The service must hold
 * SeImpersonatePrivilege: its RequiredPrivileges names it, or it runs as
 * LocalSystem without a list.  Returns TRUE, or FALSE with GetLastError():
 *   ERROR_INVALID_HANDLE       fd is not an open descriptor;
 *   ERROR_INVALID_PARAMETER    fd is not a connected Unix socket;
 *   ERROR_PRIVILEGE_NOT_HELD   the service does not hold
 *                              SeImpersonatePrivilege, the thread is no
 *                              service's (in a process of several), or the
 *                              host lacks CAP_SETUID or CAP_SETGID to
 *                              change identity;
 *   ERROR_NOT_ENOUGH_MEMORY.
 * On failure the thread is not impersonating (a client it impersonated
 * before is reverted).
 *
 * SvchostRevertToSelf gives the calling thread back the host's identity.
 * TRUE (also when it was not impersonating), or FALSE with the Win32
 * error of a change the kernel refused.
 */
#ifndef _WIN32     /* on Windows: ImpersonateNamedPipeClient, RevertToSelf */
SVCAPI BOOL WINAPI SvchostImpersonateClient(int fd);
SVCAPI BOOL WINAPI SvchostRevertToSelf(void);
#endif

#ifdef __cplusplus
}
#endif

#endif /* SVCHOST_SVCHOST_H */
