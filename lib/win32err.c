/* Win32 error codes and their system message texts, and the thread-local
 * last-error value of GetLastError(). */
#include "win32.h"

#include <errno.h>
#include <stddef.h>

static const struct {
    DWORD code;
    const char *name;
    const char *text;
} win32_errors[] = {
    { ERROR_SUCCESS, "ERROR_SUCCESS", "The operation completed successfully." },
    { ERROR_INVALID_FUNCTION, "ERROR_INVALID_FUNCTION", "Incorrect function." },
    { ERROR_FILE_NOT_FOUND, "ERROR_FILE_NOT_FOUND", "The system cannot find the file specified." },
    { ERROR_PATH_NOT_FOUND, "ERROR_PATH_NOT_FOUND", "The system cannot find the path specified." },
    { ERROR_ACCESS_DENIED, "ERROR_ACCESS_DENIED", "Access is denied." },
    { ERROR_INVALID_HANDLE, "ERROR_INVALID_HANDLE", "The handle is invalid." },
    { ERROR_NOT_ENOUGH_MEMORY, "ERROR_NOT_ENOUGH_MEMORY",
      "Not enough memory resources are available to process this command." },
    { ERROR_BAD_FORMAT, "ERROR_BAD_FORMAT",
      "An attempt was made to load a program with an incorrect format." },
    { ERROR_INVALID_DATA, "ERROR_INVALID_DATA", "The data is invalid." },
    { ERROR_GEN_FAILURE, "ERROR_GEN_FAILURE", "A device attached to the system is not functioning." },
    { ERROR_NOT_SUPPORTED, "ERROR_NOT_SUPPORTED", "The request is not supported." },
    { ERROR_INVALID_PARAMETER, "ERROR_INVALID_PARAMETER", "The parameter is incorrect." },
    { ERROR_BROKEN_PIPE, "ERROR_BROKEN_PIPE", "The pipe has been ended." },
    { ERROR_CALL_NOT_IMPLEMENTED, "ERROR_CALL_NOT_IMPLEMENTED",
      "This function is not supported on this system." },
    { ERROR_INSUFFICIENT_BUFFER, "ERROR_INSUFFICIENT_BUFFER",
      "The data area passed to a system call is too small." },
    { ERROR_INVALID_NAME, "ERROR_INVALID_NAME",
      "The filename, directory name, or volume label syntax is incorrect." },
    { ERROR_INVALID_LEVEL, "ERROR_INVALID_LEVEL", "The system call level is not correct." },
    { ERROR_MOD_NOT_FOUND, "ERROR_MOD_NOT_FOUND", "The specified module could not be found." },
    { ERROR_PROC_NOT_FOUND, "ERROR_PROC_NOT_FOUND", "The specified procedure could not be found." },
    { ERROR_ALREADY_EXISTS, "ERROR_ALREADY_EXISTS",
      "Cannot create a file when that file already exists." },
    { ERROR_MORE_DATA, "ERROR_MORE_DATA", "More data is available." },
    { ERROR_NO_MORE_ITEMS, "ERROR_NO_MORE_ITEMS", "No more data is available." },
    { ERROR_DEPENDENT_SERVICES_RUNNING, "ERROR_DEPENDENT_SERVICES_RUNNING",
      "A stop control has been sent to a service that other running services are dependent on." },
    { ERROR_INVALID_SERVICE_CONTROL, "ERROR_INVALID_SERVICE_CONTROL",
      "The requested control is not valid for this service." },
    { ERROR_SERVICE_REQUEST_TIMEOUT, "ERROR_SERVICE_REQUEST_TIMEOUT",
      "The service did not respond to the start or control request in a timely fashion." },
    { ERROR_SERVICE_NO_THREAD, "ERROR_SERVICE_NO_THREAD",
      "A thread could not be created for the service." },
    { ERROR_SERVICE_DATABASE_LOCKED, "ERROR_SERVICE_DATABASE_LOCKED",
      "The service database is locked." },
    { ERROR_SERVICE_ALREADY_RUNNING, "ERROR_SERVICE_ALREADY_RUNNING",
      "An instance of the service is already running." },
    { ERROR_INVALID_SERVICE_ACCOUNT, "ERROR_INVALID_SERVICE_ACCOUNT",
      "The account name is invalid or does not exist, or the password is invalid for the account name specified." },
    { ERROR_SERVICE_DISABLED, "ERROR_SERVICE_DISABLED",
      "The service cannot be started, either because it is disabled or because it has no enabled devices associated with it." },
    { ERROR_CIRCULAR_DEPENDENCY, "ERROR_CIRCULAR_DEPENDENCY",
      "Circular service dependency was specified." },
    { ERROR_SERVICE_DOES_NOT_EXIST, "ERROR_SERVICE_DOES_NOT_EXIST",
      "The specified service does not exist as an installed service." },
    { ERROR_SERVICE_CANNOT_ACCEPT_CTRL, "ERROR_SERVICE_CANNOT_ACCEPT_CTRL",
      "The service cannot accept control messages at this time." },
    { ERROR_SERVICE_NOT_ACTIVE, "ERROR_SERVICE_NOT_ACTIVE", "The service has not been started." },
    { ERROR_FAILED_SERVICE_CONTROLLER_CONNECT, "ERROR_FAILED_SERVICE_CONTROLLER_CONNECT",
      "The service process could not connect to the service controller." },
    { ERROR_EXCEPTION_IN_SERVICE, "ERROR_EXCEPTION_IN_SERVICE",
      "An exception occurred in the service when handling the control request." },
    { ERROR_DATABASE_DOES_NOT_EXIST, "ERROR_DATABASE_DOES_NOT_EXIST",
      "The database specified does not exist." },
    { ERROR_SERVICE_SPECIFIC_ERROR, "ERROR_SERVICE_SPECIFIC_ERROR",
      "The service has returned a service-specific error code." },
    { ERROR_PROCESS_ABORTED, "ERROR_PROCESS_ABORTED", "The process terminated unexpectedly." },
    { ERROR_SERVICE_DEPENDENCY_FAIL, "ERROR_SERVICE_DEPENDENCY_FAIL",
      "The dependency service or group failed to start." },
    { ERROR_SERVICE_LOGON_FAILED, "ERROR_SERVICE_LOGON_FAILED",
      "The service did not start due to a logon failure." },
    { ERROR_SERVICE_START_HANG, "ERROR_SERVICE_START_HANG",
      "After starting, the service hung in a start-pending state." },
    { ERROR_INVALID_SERVICE_LOCK, "ERROR_INVALID_SERVICE_LOCK",
      "The specified service database lock is invalid." },
    { ERROR_SERVICE_MARKED_FOR_DELETE, "ERROR_SERVICE_MARKED_FOR_DELETE",
      "The specified service has been marked for deletion." },
    { ERROR_SERVICE_EXISTS, "ERROR_SERVICE_EXISTS", "The specified service already exists." },
    { ERROR_ALREADY_RUNNING_LKG, "ERROR_ALREADY_RUNNING_LKG",
      "The system is currently running with the last-known-good configuration." },
    { ERROR_SERVICE_DEPENDENCY_DELETED, "ERROR_SERVICE_DEPENDENCY_DELETED",
      "The dependency service does not exist or has been marked for deletion." },
    { ERROR_BOOT_ALREADY_ACCEPTED, "ERROR_BOOT_ALREADY_ACCEPTED",
      "The current boot has already been accepted for use as the last-known-good control set." },
    { ERROR_SERVICE_NEVER_STARTED, "ERROR_SERVICE_NEVER_STARTED",
      "No attempts to start the service have been made since the last boot." },
    { ERROR_DUPLICATE_SERVICE_NAME, "ERROR_DUPLICATE_SERVICE_NAME",
      "The name is already in use as either a service name or a service display name." },
    { ERROR_DIFFERENT_SERVICE_ACCOUNT, "ERROR_DIFFERENT_SERVICE_ACCOUNT",
      "The account specified for this service is different from the account specified for other services running in the same process." },
    { ERROR_SERVICE_NOT_IN_EXE, "ERROR_SERVICE_NOT_IN_EXE",
      "The executable program that this service is configured to run in does not implement the service." },
    { ERROR_SHUTDOWN_IN_PROGRESS, "ERROR_SHUTDOWN_IN_PROGRESS", "A system shutdown is in progress." },
    { ERROR_PRIVILEGE_NOT_HELD, "ERROR_PRIVILEGE_NOT_HELD",
      "A required privilege is not held by the client." },
    { ERROR_TIMEOUT, "ERROR_TIMEOUT", "This operation returned because the timeout period expired." },
    { RPC_S_SERVER_UNAVAILABLE, "RPC_S_SERVER_UNAVAILABLE", "The RPC server is unavailable." },
};

const char *svc_win32_message(DWORD err)
{
    for (size_t i = 0; i < sizeof win32_errors / sizeof win32_errors[0]; i++)
        if (win32_errors[i].code == err)
            return win32_errors[i].text;
    return "Unknown error.";
}

const char *svc_win32_name(DWORD err)
{
    for (size_t i = 0; i < sizeof win32_errors / sizeof win32_errors[0]; i++)
        if (win32_errors[i].code == err)
            return win32_errors[i].name;
    return NULL;
}

DWORD svc_errno_to_win32(int neg_errno)
{
    switch (-neg_errno) {
    case 0: return ERROR_SUCCESS;
    case ENOMEM: return ERROR_NOT_ENOUGH_MEMORY;
    case ENOENT: return ERROR_FILE_NOT_FOUND;
    case EACCES: case EPERM: return ERROR_ACCESS_DENIED;
    case EINVAL: return ERROR_INVALID_PARAMETER;
    case EAGAIN: return ERROR_SERVICE_NO_THREAD;
    case ETIMEDOUT: return ERROR_TIMEOUT;
    case EPIPE: case ECONNRESET: return ERROR_BROKEN_PIPE;
    case EEXIST: return ERROR_ALREADY_EXISTS;
    case ENOTSUP: return ERROR_NOT_SUPPORTED;
    default: return ERROR_GEN_FAILURE;
    }
}

static _Thread_local DWORD last_error;

DWORD WINAPI GetLastError(void)
{
    return last_error;
}

VOID WINAPI SetLastError(DWORD dwErrCode)
{
    last_error = dwErrCode;
}
