/*
 * svchost/winsvc.h - the Win32 service API subset, for POSIX.
 *
 * Names, numeric values and structure layouts are those of the Win32
 * headers (winsvc.h, winerror.h), so that service source written against
 * this header also builds on Windows, where this header simply includes
 * <windows.h> and the real advapi32 serves.
 *
 * Strings are UTF-8 `char`.  Only the ANSI ("A") forms exist; the
 * unsuffixed names map to them, as they do on Windows without UNICODE.
 */
#ifndef SVCHOST_WINSVC_H
#define SVCHOST_WINSVC_H

#ifdef _WIN32
#include <windows.h>
#else

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define SVCAPI __attribute__((visibility("default")))
#else
#define SVCAPI
#endif

#define WINAPI
#define CALLBACK
#define VOID void

typedef uint32_t DWORD;
typedef DWORD *LPDWORD;
typedef int BOOL;
typedef BOOL *LPBOOL;
typedef uint64_t ULONGLONG;
typedef uint8_t BYTE;
typedef BYTE *LPBYTE;
typedef uint16_t USHORT;
typedef uint8_t BOOLEAN;
typedef char CHAR;
typedef char *LPSTR;
typedef const char *LPCSTR;
typedef void *LPVOID;
typedef void *PVOID;
typedef const void *LPCVOID;
typedef void *HANDLE;

#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif

/* Opaque handles, distinct types as with DECLARE_HANDLE. */
typedef struct SERVICE_STATUS_HANDLE__ *SERVICE_STATUS_HANDLE;
typedef struct SC_HANDLE__ *SC_HANDLE;
typedef SC_HANDLE *LPSC_HANDLE;

/* ---- Service types (dwServiceType) ---------------------------------- */
#define SERVICE_KERNEL_DRIVER          0x00000001
#define SERVICE_FILE_SYSTEM_DRIVER     0x00000002
#define SERVICE_ADAPTER                0x00000004
#define SERVICE_RECOGNIZER_DRIVER      0x00000008
#define SERVICE_DRIVER                 0x0000000B
#define SERVICE_WIN32_OWN_PROCESS      0x00000010
#define SERVICE_WIN32_SHARE_PROCESS    0x00000020
#define SERVICE_WIN32                  0x00000030
#define SERVICE_USER_SERVICE           0x00000040
#define SERVICE_USER_OWN_PROCESS       0x00000050
#define SERVICE_USER_SHARE_PROCESS     0x00000060
#define SERVICE_INTERACTIVE_PROCESS    0x00000100
#define SERVICE_TYPE_ALL               0x000003FF

/* ---- Start types (dwStartType) -------------------------------------- */
#define SERVICE_BOOT_START             0x00000000
#define SERVICE_SYSTEM_START           0x00000001
#define SERVICE_AUTO_START             0x00000002
#define SERVICE_DEMAND_START           0x00000003
#define SERVICE_DISABLED               0x00000004

/* ---- Error control (dwErrorControl) --------------------------------- */
#define SERVICE_ERROR_IGNORE           0x00000000
#define SERVICE_ERROR_NORMAL           0x00000001
#define SERVICE_ERROR_SEVERE           0x00000002
#define SERVICE_ERROR_CRITICAL         0x00000003

/* ---- Current state (dwCurrentState) --------------------------------- */
#define SERVICE_STOPPED                0x00000001
#define SERVICE_START_PENDING          0x00000002
#define SERVICE_STOP_PENDING           0x00000003
#define SERVICE_RUNNING                0x00000004
#define SERVICE_CONTINUE_PENDING       0x00000005
#define SERVICE_PAUSE_PENDING          0x00000006
#define SERVICE_PAUSED                 0x00000007

/* ---- Controls accepted (dwControlsAccepted) ------------------------- */
#define SERVICE_ACCEPT_STOP                  0x00000001
#define SERVICE_ACCEPT_PAUSE_CONTINUE        0x00000002
#define SERVICE_ACCEPT_SHUTDOWN              0x00000004
#define SERVICE_ACCEPT_PARAMCHANGE           0x00000008
#define SERVICE_ACCEPT_NETBINDCHANGE         0x00000010
#define SERVICE_ACCEPT_HARDWAREPROFILECHANGE 0x00000020
#define SERVICE_ACCEPT_POWEREVENT            0x00000040
#define SERVICE_ACCEPT_SESSIONCHANGE         0x00000080
#define SERVICE_ACCEPT_PRESHUTDOWN           0x00000100
#define SERVICE_ACCEPT_TIMECHANGE            0x00000200
#define SERVICE_ACCEPT_TRIGGEREVENT          0x00000400

/* ---- Control codes (ControlService, HandlerEx dwControl) ------------ */
#define SERVICE_CONTROL_STOP                  0x00000001
#define SERVICE_CONTROL_PAUSE                 0x00000002
#define SERVICE_CONTROL_CONTINUE              0x00000003
#define SERVICE_CONTROL_INTERROGATE           0x00000004
#define SERVICE_CONTROL_SHUTDOWN              0x00000005
#define SERVICE_CONTROL_PARAMCHANGE           0x00000006
#define SERVICE_CONTROL_NETBINDADD            0x00000007
#define SERVICE_CONTROL_NETBINDREMOVE         0x00000008
#define SERVICE_CONTROL_NETBINDENABLE         0x00000009
#define SERVICE_CONTROL_NETBINDDISABLE        0x0000000A
#define SERVICE_CONTROL_DEVICEEVENT           0x0000000B
#define SERVICE_CONTROL_HARDWAREPROFILECHANGE 0x0000000C
#define SERVICE_CONTROL_POWEREVENT            0x0000000D
#define SERVICE_CONTROL_SESSIONCHANGE         0x0000000E
#define SERVICE_CONTROL_PRESHUTDOWN           0x0000000F
#define SERVICE_CONTROL_TIMECHANGE            0x00000010
#define SERVICE_CONTROL_TRIGGEREVENT          0x00000020
/* User-defined control codes are 128 through 255. */

/* ---- Misc ----------------------------------------------------------- */
#define SERVICE_NO_CHANGE              0xFFFFFFFF
#define SERVICE_RUNS_IN_SYSTEM_PROCESS 0x00000001

/* ---- Access rights -------------------------------------------------- */
#define DELETE                         0x00010000
#define READ_CONTROL                   0x00020000
#define WRITE_DAC                      0x00040000
#define WRITE_OWNER                    0x00080000
#define STANDARD_RIGHTS_REQUIRED       0x000F0000
#define GENERIC_READ                   0x80000000
#define GENERIC_WRITE                  0x40000000
#define GENERIC_EXECUTE                0x20000000
#define GENERIC_ALL                    0x10000000

#define SC_MANAGER_CONNECT             0x0001
#define SC_MANAGER_CREATE_SERVICE      0x0002
#define SC_MANAGER_ENUMERATE_SERVICE   0x0004
#define SC_MANAGER_LOCK                0x0008
#define SC_MANAGER_QUERY_LOCK_STATUS   0x0010
#define SC_MANAGER_MODIFY_BOOT_CONFIG  0x0020
#define SC_MANAGER_ALL_ACCESS          0x000F003F

#define SERVICE_QUERY_CONFIG           0x0001
#define SERVICE_CHANGE_CONFIG          0x0002
#define SERVICE_QUERY_STATUS           0x0004
#define SERVICE_ENUMERATE_DEPENDENTS   0x0008
#define SERVICE_START                  0x0010
#define SERVICE_STOP                   0x0020
#define SERVICE_PAUSE_CONTINUE         0x0040
#define SERVICE_INTERROGATE            0x0080
#define SERVICE_USER_DEFINED_CONTROL   0x0100
#define SERVICE_ALL_ACCESS             0x000F01FF

/* ---- Win32 error codes used ----------------------------------------- */
#define NO_ERROR                              0L
#define ERROR_SUCCESS                         0L
#define ERROR_INVALID_FUNCTION                1L
#define ERROR_FILE_NOT_FOUND                  2L
#define ERROR_PATH_NOT_FOUND                  3L
#define ERROR_ACCESS_DENIED                   5L
#define ERROR_INVALID_HANDLE                  6L
#define ERROR_NOT_ENOUGH_MEMORY               8L
#define ERROR_BAD_FORMAT                      11L
#define ERROR_INVALID_DATA                    13L
#define ERROR_GEN_FAILURE                     31L
#define ERROR_NOT_SUPPORTED                   50L
#define ERROR_INVALID_PARAMETER               87L
#define ERROR_BROKEN_PIPE                     109L
#define ERROR_CALL_NOT_IMPLEMENTED            120L
#define ERROR_INSUFFICIENT_BUFFER             122L
#define ERROR_INVALID_NAME                    123L
#define ERROR_INVALID_LEVEL                   124L
#define ERROR_MOD_NOT_FOUND                   126L
#define ERROR_PROC_NOT_FOUND                  127L
#define ERROR_ALREADY_EXISTS                  183L
#define ERROR_MORE_DATA                       234L
#define ERROR_NO_MORE_ITEMS                   259L
#define ERROR_DEPENDENT_SERVICES_RUNNING      1051L
#define ERROR_INVALID_SERVICE_CONTROL         1052L
#define ERROR_SERVICE_REQUEST_TIMEOUT         1053L
#define ERROR_SERVICE_NO_THREAD               1054L
#define ERROR_SERVICE_DATABASE_LOCKED         1055L
#define ERROR_SERVICE_ALREADY_RUNNING         1056L
#define ERROR_INVALID_SERVICE_ACCOUNT         1057L
#define ERROR_SERVICE_DISABLED                1058L
#define ERROR_CIRCULAR_DEPENDENCY             1059L
#define ERROR_SERVICE_DOES_NOT_EXIST          1060L
#define ERROR_SERVICE_CANNOT_ACCEPT_CTRL      1061L
#define ERROR_SERVICE_NOT_ACTIVE              1062L
#define ERROR_FAILED_SERVICE_CONTROLLER_CONNECT 1063L
#define ERROR_EXCEPTION_IN_SERVICE            1064L
#define ERROR_DATABASE_DOES_NOT_EXIST         1065L
#define ERROR_SERVICE_SPECIFIC_ERROR          1066L
#define ERROR_PROCESS_ABORTED                 1067L
#define ERROR_SERVICE_DEPENDENCY_FAIL         1068L
#define ERROR_SERVICE_LOGON_FAILED            1069L
#define ERROR_SERVICE_START_HANG              1070L
#define ERROR_INVALID_SERVICE_LOCK            1071L
#define ERROR_SERVICE_MARKED_FOR_DELETE       1072L
#define ERROR_SERVICE_EXISTS                  1073L
#define ERROR_ALREADY_RUNNING_LKG             1074L
#define ERROR_SERVICE_DEPENDENCY_DELETED      1075L
#define ERROR_BOOT_ALREADY_ACCEPTED           1076L
#define ERROR_SERVICE_NEVER_STARTED           1077L
#define ERROR_DUPLICATE_SERVICE_NAME          1078L
#define ERROR_DIFFERENT_SERVICE_ACCOUNT       1079L
#define ERROR_SERVICE_NOT_IN_EXE              1083L
#define ERROR_SHUTDOWN_IN_PROGRESS            1115L
#define ERROR_PRIVILEGE_NOT_HELD              1314L
#define ERROR_TIMEOUT                         1460L
/* What OpenSCManager reports when the SCM of the named machine cannot
 * be reached: a remote machine name, or scmd not answering its socket. */
#define RPC_S_SERVER_UNAVAILABLE              1722L

/* ---- Structures ----------------------------------------------------- */
typedef struct _SERVICE_STATUS {
    DWORD dwServiceType;
    DWORD dwCurrentState;
    DWORD dwControlsAccepted;
    DWORD dwWin32ExitCode;
    DWORD dwServiceSpecificExitCode;
    DWORD dwCheckPoint;
    DWORD dwWaitHint;
} SERVICE_STATUS, *LPSERVICE_STATUS;

typedef struct _SERVICE_STATUS_PROCESS {
    DWORD dwServiceType;
    DWORD dwCurrentState;
    DWORD dwControlsAccepted;
    DWORD dwWin32ExitCode;
    DWORD dwServiceSpecificExitCode;
    DWORD dwCheckPoint;
    DWORD dwWaitHint;
    DWORD dwProcessId;
    DWORD dwServiceFlags;
} SERVICE_STATUS_PROCESS, *LPSERVICE_STATUS_PROCESS;

/* ServiceMain: argv[0] is the service name, as on Windows. */
typedef VOID (WINAPI *LPSERVICE_MAIN_FUNCTIONA)(DWORD dwNumServicesArgs,
                                                 LPSTR *lpServiceArgVectors);
typedef VOID (WINAPI *LPHANDLER_FUNCTION)(DWORD dwControl);
typedef DWORD (WINAPI *LPHANDLER_FUNCTION_EX)(DWORD dwControl, DWORD dwEventType,
                                              LPVOID lpEventData, LPVOID lpContext);

typedef struct _SERVICE_TABLE_ENTRYA {
    LPSTR lpServiceName;
    LPSERVICE_MAIN_FUNCTIONA lpServiceProc;
} SERVICE_TABLE_ENTRYA, *LPSERVICE_TABLE_ENTRYA;

typedef SERVICE_TABLE_ENTRYA SERVICE_TABLE_ENTRY;
typedef LPSERVICE_TABLE_ENTRYA LPSERVICE_TABLE_ENTRY;
typedef LPSERVICE_MAIN_FUNCTIONA LPSERVICE_MAIN_FUNCTION;

/* ---- Service side --------------------------------------------------- */

/*
 * Connects the calling thread to the service control manager and runs
 * the dispatcher: each START request runs the matching table entry's
 * ServiceMain on a new thread.  The table ends with an entry whose
 * lpServiceName is NULL.
 *
 * Returns TRUE once every service in the table has stopped (the host
 * exits then).  Returns FALSE with GetLastError():
 *   ERROR_FAILED_SERVICE_CONTROLLER_CONNECT  not started by the SCM;
 *   ERROR_SERVICE_ALREADY_RUNNING            called twice in one process;
 *   ERROR_INVALID_DATA                       empty or malformed table;
 *   ERROR_NOT_ENOUGH_MEMORY                  out of memory.
 */
SVCAPI BOOL WINAPI StartServiceCtrlDispatcherA(const SERVICE_TABLE_ENTRYA *lpServiceStartTable);

/*
 * Registers the control handler of the service lpServiceName (which must
 * be one of this process's dispatch table).  Every service has its own
 * handler and context; controls for one service are delivered in order,
 * one at a time, on a thread of that service, so a handler that does not
 * return delays only its own service.
 *
 * Returns the handle for SetServiceStatus, or NULL with GetLastError():
 *   ERROR_SERVICE_NOT_IN_EXE   the name is not in the dispatch table;
 *   ERROR_INVALID_PARAMETER    lpHandlerProc is NULL.
 */
SVCAPI SERVICE_STATUS_HANDLE WINAPI RegisterServiceCtrlHandlerExA(
    LPCSTR lpServiceName, LPHANDLER_FUNCTION_EX lpHandlerProc, LPVOID lpContext);

/* As RegisterServiceCtrlHandlerExA with a handler without context; the
 * control is reported as accepted (NO_ERROR) once the handler returns. */
SVCAPI SERVICE_STATUS_HANDLE WINAPI RegisterServiceCtrlHandlerA(
    LPCSTR lpServiceName, LPHANDLER_FUNCTION lpHandlerProc);

/*
 * Reports the service's status to the SCM.  Returns TRUE, or FALSE with
 * GetLastError():
 *   ERROR_INVALID_HANDLE   hServiceStatus is not a registered handle;
 *   ERROR_INVALID_DATA     lpServiceStatus is NULL or its state is not
 *                          one of the seven SERVICE_* states.
 * After SERVICE_STOPPED is reported the handle must not be used again.
 */
SVCAPI BOOL WINAPI SetServiceStatus(SERVICE_STATUS_HANDLE hServiceStatus,
                                    LPSERVICE_STATUS lpServiceStatus);

/* The calling thread's last error code (thread-local), as on Windows. */
SVCAPI DWORD WINAPI GetLastError(void);
SVCAPI VOID WINAPI SetLastError(DWORD dwErrCode);

/* ---- Control side (the SCM client API) ------------------------------ */

#define SERVICE_ACTIVE                 0x00000001
#define SERVICE_INACTIVE               0x00000002
#define SERVICE_STATE_ALL              0x00000003
#ifndef INFINITE
#define INFINITE                       0xFFFFFFFF
#endif
#define SERVICE_CONFIG_DESCRIPTION              1
#define SERVICE_CONFIG_FAILURE_ACTIONS          2
#define SERVICE_CONFIG_DELAYED_AUTO_START_INFO  3
#define SERVICE_CONFIG_FAILURE_ACTIONS_FLAG     4
#define SERVICE_CONFIG_SERVICE_SID_INFO         5
#define SERVICE_CONFIG_REQUIRED_PRIVILEGES_INFO 6
#define SERVICE_CONFIG_PRESHUTDOWN_INFO         7
#define SERVICE_CONFIG_TRIGGER_INFO             8
#define SERVICE_CONFIG_PREFERRED_NODE           9
#define SERVICE_CONFIG_LAUNCH_PROTECTED         12

#define SERVICE_SID_TYPE_NONE                      0x00000000
#define SERVICE_SID_TYPE_UNRESTRICTED              0x00000001
#define SERVICE_SID_TYPE_RESTRICTED                (0x00000002 | SERVICE_SID_TYPE_UNRESTRICTED)

#define SERVICE_LAUNCH_PROTECTED_NONE              0
#define SERVICE_LAUNCH_PROTECTED_WINDOWS           1
#define SERVICE_LAUNCH_PROTECTED_WINDOWS_LIGHT     2
#define SERVICE_LAUNCH_PROTECTED_ANTIMALWARE_LIGHT 3
#define SC_GROUP_IDENTIFIERA           '+'
#define SC_GROUP_IDENTIFIER            SC_GROUP_IDENTIFIERA

typedef enum _SC_STATUS_TYPE { SC_STATUS_PROCESS_INFO = 0 } SC_STATUS_TYPE;
typedef enum _SC_ENUM_TYPE { SC_ENUM_PROCESS_INFO = 0 } SC_ENUM_TYPE;

typedef struct _QUERY_SERVICE_CONFIGA {
    DWORD dwServiceType;
    DWORD dwStartType;
    DWORD dwErrorControl;
    LPSTR lpBinaryPathName;
    LPSTR lpLoadOrderGroup;
    DWORD dwTagId;
    LPSTR lpDependencies;       /* "A\0B\0+Group\0\0": groups carry SC_GROUP_IDENTIFIER */
    LPSTR lpServiceStartName;
    LPSTR lpDisplayName;
} QUERY_SERVICE_CONFIGA, *LPQUERY_SERVICE_CONFIGA;

typedef struct _SERVICE_DESCRIPTIONA {
    LPSTR lpDescription;
} SERVICE_DESCRIPTIONA, *LPSERVICE_DESCRIPTIONA;

/* The actions of SERVICE_FAILURE_ACTIONS (Win32 values). */
typedef enum _SC_ACTION_TYPE {
    SC_ACTION_NONE = 0,
    SC_ACTION_RESTART = 1,
    SC_ACTION_REBOOT = 2,
    SC_ACTION_RUN_COMMAND = 3
} SC_ACTION_TYPE;

typedef struct _SC_ACTION {
    SC_ACTION_TYPE Type;
    DWORD Delay;                /* milliseconds before the action is taken */
} SC_ACTION, *LPSC_ACTION;

typedef struct _SERVICE_FAILURE_ACTIONSA {
    DWORD dwResetPeriod;        /* seconds without failure; INFINITE = never reset */
    LPSTR lpRebootMsg;
    LPSTR lpCommand;
    DWORD cActions;
    SC_ACTION *lpsaActions;
} SERVICE_FAILURE_ACTIONSA, *LPSERVICE_FAILURE_ACTIONSA;

typedef struct _SERVICE_FAILURE_ACTIONS_FLAG {
    BOOL fFailureActionsOnNonCrashFailures;
} SERVICE_FAILURE_ACTIONS_FLAG, *LPSERVICE_FAILURE_ACTIONS_FLAG;

/* SERVICE_CONFIG_TRIGGER_INFO: stored, no effect yet (docs/api.md). */
#ifndef GUID_DEFINED
#define GUID_DEFINED
typedef struct _GUID {
    uint32_t Data1;
    uint16_t Data2;
    uint16_t Data3;
    uint8_t Data4[8];
} GUID;
#endif

typedef struct _SERVICE_TRIGGER_SPECIFIC_DATA_ITEM {
    DWORD dwDataType;
    DWORD cbData;
    BYTE *pData;
} SERVICE_TRIGGER_SPECIFIC_DATA_ITEM, *PSERVICE_TRIGGER_SPECIFIC_DATA_ITEM;

typedef struct _SERVICE_TRIGGER {
    DWORD dwTriggerType;
    DWORD dwAction;
    GUID *pTriggerSubtype;
    DWORD cDataItems;
    PSERVICE_TRIGGER_SPECIFIC_DATA_ITEM pDataItems;
} SERVICE_TRIGGER, *PSERVICE_TRIGGER;

typedef struct _SERVICE_TRIGGER_INFO {
    DWORD cTriggers;
    PSERVICE_TRIGGER pTriggers;
    BYTE *pReserved;
} SERVICE_TRIGGER_INFO, *PSERVICE_TRIGGER_INFO;

/* SERVICE_CONFIG_PREFERRED_NODE: stored, no effect yet (docs/api.md). */
typedef struct _SERVICE_PREFERRED_NODE_INFO {
    USHORT usPreferredNode;     /* a NUMA node */
    BOOLEAN fDelete;            /* TRUE: no preferred node */
} SERVICE_PREFERRED_NODE_INFO, *LPSERVICE_PREFERRED_NODE_INFO;

/* SERVICE_CONFIG_LAUNCH_PROTECTED: stored, no effect yet (docs/api.md). */
typedef struct _SERVICE_LAUNCH_PROTECTED_INFO {
    DWORD dwLaunchProtected;    /* SERVICE_LAUNCH_PROTECTED_* */
} SERVICE_LAUNCH_PROTECTED_INFO, *LPSERVICE_LAUNCH_PROTECTED_INFO;

/* SERVICE_CONFIG_SERVICE_SID_INFO: stored (docs/security.md). */
typedef struct _SERVICE_SID_INFO {
    DWORD dwServiceSidType;     /* SERVICE_SID_TYPE_NONE, _UNRESTRICTED or _RESTRICTED */
} SERVICE_SID_INFO, *LPSERVICE_SID_INFO;

/* SERVICE_CONFIG_REQUIRED_PRIVILEGES_INFO: the privileges a service keeps
 * (docs/security.md, "Privileges and capabilities"). */
typedef struct _SERVICE_REQUIRED_PRIVILEGES_INFOA {
    LPSTR pmszRequiredPrivileges;   /* "SeBackupPrivilege\0SeRestorePrivilege\0\0" */
} SERVICE_REQUIRED_PRIVILEGES_INFOA, *LPSERVICE_REQUIRED_PRIVILEGES_INFOA;

typedef struct _SERVICE_PRESHUTDOWN_INFO {
    DWORD dwPreshutdownTimeout; /* milliseconds */
} SERVICE_PRESHUTDOWN_INFO, *LPSERVICE_PRESHUTDOWN_INFO;

typedef struct _SERVICE_DELAYED_AUTO_START_INFO {
    BOOL fDelayedAutostart;
} SERVICE_DELAYED_AUTO_START_INFO, *LPSERVICE_DELAYED_AUTO_START_INFO;

typedef struct _ENUM_SERVICE_STATUSA {
    LPSTR lpServiceName;
    LPSTR lpDisplayName;
    SERVICE_STATUS ServiceStatus;
} ENUM_SERVICE_STATUSA, *LPENUM_SERVICE_STATUSA;

typedef struct _ENUM_SERVICE_STATUS_PROCESSA {
    LPSTR lpServiceName;
    LPSTR lpDisplayName;
    SERVICE_STATUS_PROCESS ServiceStatusProcess;
} ENUM_SERVICE_STATUS_PROCESSA, *LPENUM_SERVICE_STATUS_PROCESSA;

/* Semantics and errors of each call are those of Win32; docs/api.md
 * lists, per function, the errors this implementation returns. */
SVCAPI SC_HANDLE WINAPI OpenSCManagerA(LPCSTR lpMachineName, LPCSTR lpDatabaseName,
                                       DWORD dwDesiredAccess);
SVCAPI SC_HANDLE WINAPI CreateServiceA(SC_HANDLE hSCManager, LPCSTR lpServiceName,
                                       LPCSTR lpDisplayName, DWORD dwDesiredAccess,
                                       DWORD dwServiceType, DWORD dwStartType,
                                       DWORD dwErrorControl, LPCSTR lpBinaryPathName,
                                       LPCSTR lpLoadOrderGroup, LPDWORD lpdwTagId,
                                       LPCSTR lpDependencies, LPCSTR lpServiceStartName,
                                       LPCSTR lpPassword);
SVCAPI SC_HANDLE WINAPI OpenServiceA(SC_HANDLE hSCManager, LPCSTR lpServiceName,
                                     DWORD dwDesiredAccess);
SVCAPI BOOL WINAPI StartServiceA(SC_HANDLE hService, DWORD dwNumServiceArgs,
                                 LPCSTR *lpServiceArgVectors);
SVCAPI BOOL WINAPI ControlService(SC_HANDLE hService, DWORD dwControl,
                                  LPSERVICE_STATUS lpServiceStatus);
SVCAPI BOOL WINAPI QueryServiceStatus(SC_HANDLE hService, LPSERVICE_STATUS lpServiceStatus);
SVCAPI BOOL WINAPI QueryServiceStatusEx(SC_HANDLE hService, SC_STATUS_TYPE InfoLevel,
                                        LPBYTE lpBuffer, DWORD cbBufSize,
                                        LPDWORD pcbBytesNeeded);
SVCAPI BOOL WINAPI QueryServiceConfigA(SC_HANDLE hService,
                                       LPQUERY_SERVICE_CONFIGA lpServiceConfig,
                                       DWORD cbBufSize, LPDWORD pcbBytesNeeded);
SVCAPI BOOL WINAPI QueryServiceConfig2A(SC_HANDLE hService, DWORD dwInfoLevel,
                                        LPBYTE lpBuffer, DWORD cbBufSize,
                                        LPDWORD pcbBytesNeeded);
SVCAPI BOOL WINAPI ChangeServiceConfigA(SC_HANDLE hService, DWORD dwServiceType,
                                        DWORD dwStartType, DWORD dwErrorControl,
                                        LPCSTR lpBinaryPathName, LPCSTR lpLoadOrderGroup,
                                        LPDWORD lpdwTagId, LPCSTR lpDependencies,
                                        LPCSTR lpServiceStartName, LPCSTR lpPassword,
                                        LPCSTR lpDisplayName);
SVCAPI BOOL WINAPI ChangeServiceConfig2A(SC_HANDLE hService, DWORD dwInfoLevel, LPVOID lpInfo);
SVCAPI BOOL WINAPI DeleteService(SC_HANDLE hService);
SVCAPI BOOL WINAPI EnumServicesStatusExA(SC_HANDLE hSCManager, SC_ENUM_TYPE InfoLevel,
                                         DWORD dwServiceType, DWORD dwServiceState,
                                         LPBYTE lpServices, DWORD cbBufSize,
                                         LPDWORD pcbBytesNeeded, LPDWORD lpServicesReturned,
                                         LPDWORD lpResumeHandle, LPCSTR pszGroupName);
SVCAPI BOOL WINAPI EnumDependentServicesA(SC_HANDLE hService, DWORD dwServiceState,
                                          LPENUM_SERVICE_STATUSA lpServices, DWORD cbBufSize,
                                          LPDWORD pcbBytesNeeded, LPDWORD lpServicesReturned);
SVCAPI BOOL WINAPI GetServiceDisplayNameA(SC_HANDLE hSCManager, LPCSTR lpServiceName,
                                          LPSTR lpDisplayName, LPDWORD lpcchBuffer);
SVCAPI BOOL WINAPI GetServiceKeyNameA(SC_HANDLE hSCManager, LPCSTR lpDisplayName,
                                      LPSTR lpServiceName, LPDWORD lpcchBuffer);
SVCAPI BOOL WINAPI CloseServiceHandle(SC_HANDLE hSCObject);

/* ---- Security descriptors (winnt.h, sddl.h) ------------------------- */
/* A SECURITY_DESCRIPTOR as Win32 lays it out, self-relative: the binary
 * form QueryServiceObjectSecurity returns and SetServiceObjectSecurity
 * takes; docs/security.md says what the SIDs mean here. */
typedef uint32_t ULONG;
typedef ULONG *PULONG;
typedef void *HLOCAL;
typedef PVOID PSECURITY_DESCRIPTOR;
typedef DWORD SECURITY_INFORMATION, *PSECURITY_INFORMATION;

#define OWNER_SECURITY_INFORMATION     0x00000001
#define GROUP_SECURITY_INFORMATION     0x00000002
#define DACL_SECURITY_INFORMATION      0x00000004
#define SACL_SECURITY_INFORMATION      0x00000008
#define ACCESS_SYSTEM_SECURITY         0x01000000
#define SDDL_REVISION_1                1
#define ERROR_UNKNOWN_REVISION         1305L
#ifndef ERROR_PRIVILEGE_NOT_HELD
#define ERROR_PRIVILEGE_NOT_HELD       1314L
#endif

/* hService: a service handle or an SCM handle.  Query needs READ_CONTROL
 * on it; Set needs WRITE_DAC for the DACL and WRITE_OWNER for the owner
 * or group.  A SACL is never held: SACL_SECURITY_INFORMATION fails with
 * ERROR_PRIVILEGE_NOT_HELD. */
SVCAPI BOOL WINAPI QueryServiceObjectSecurity(SC_HANDLE hService,
                                              SECURITY_INFORMATION dwSecurityInformation,
                                              PSECURITY_DESCRIPTOR lpSecurityDescriptor,
                                              DWORD cbBufSize, LPDWORD pcbBytesNeeded);
SVCAPI BOOL WINAPI SetServiceObjectSecurity(SC_HANDLE hService,
                                            SECURITY_INFORMATION dwSecurityInformation,
                                            PSECURITY_DESCRIPTOR lpSecurityDescriptor);
/* SDDL <-> a self-relative descriptor; the result is freed with LocalFree. */
SVCAPI BOOL WINAPI ConvertStringSecurityDescriptorToSecurityDescriptorA(
    LPCSTR StringSecurityDescriptor, DWORD StringSDRevision,
    PSECURITY_DESCRIPTOR *SecurityDescriptor, PULONG SecurityDescriptorSize);
SVCAPI BOOL WINAPI ConvertSecurityDescriptorToStringSecurityDescriptorA(
    PSECURITY_DESCRIPTOR SecurityDescriptor, DWORD RequestedStringSDRevision,
    SECURITY_INFORMATION SecurityInformation, LPSTR *StringSecurityDescriptor,
    PULONG StringSecurityDescriptorLen);
/* Frees what the Convert functions return; NULL on success. */
SVCAPI HLOCAL WINAPI LocalFree(HLOCAL hMem);

#define ConvertStringSecurityDescriptorToSecurityDescriptor \
    ConvertStringSecurityDescriptorToSecurityDescriptorA
#define ConvertSecurityDescriptorToStringSecurityDescriptor \
    ConvertSecurityDescriptorToStringSecurityDescriptorA

#define OpenSCManager          OpenSCManagerA
#define CreateService          CreateServiceA
#define OpenService            OpenServiceA
#define StartService           StartServiceA
#define QueryServiceConfig     QueryServiceConfigA
#define QueryServiceConfig2    QueryServiceConfig2A
#define ChangeServiceConfig    ChangeServiceConfigA
#define ChangeServiceConfig2   ChangeServiceConfig2A
#define EnumServicesStatusEx   EnumServicesStatusExA
#define EnumDependentServices  EnumDependentServicesA
#define GetServiceDisplayName  GetServiceDisplayNameA
#define GetServiceKeyName      GetServiceKeyNameA
#define SERVICE_DESCRIPTION    SERVICE_DESCRIPTIONA
#define LPSERVICE_DESCRIPTION  LPSERVICE_DESCRIPTIONA
#define QUERY_SERVICE_CONFIG   QUERY_SERVICE_CONFIGA
#define LPQUERY_SERVICE_CONFIG LPQUERY_SERVICE_CONFIGA
#define SERVICE_FAILURE_ACTIONS   SERVICE_FAILURE_ACTIONSA
#define LPSERVICE_FAILURE_ACTIONS LPSERVICE_FAILURE_ACTIONSA
#define ENUM_SERVICE_STATUS    ENUM_SERVICE_STATUSA
#define LPENUM_SERVICE_STATUS  LPENUM_SERVICE_STATUSA
#define ENUM_SERVICE_STATUS_PROCESS   ENUM_SERVICE_STATUS_PROCESSA
#define LPENUM_SERVICE_STATUS_PROCESS LPENUM_SERVICE_STATUS_PROCESSA

#define StartServiceCtrlDispatcher   StartServiceCtrlDispatcherA
#define RegisterServiceCtrlHandler   RegisterServiceCtrlHandlerA
#define RegisterServiceCtrlHandlerEx RegisterServiceCtrlHandlerExA

#ifdef __cplusplus
}
#endif

#endif /* _WIN32 */
#endif /* SVCHOST_WINSVC_H */
