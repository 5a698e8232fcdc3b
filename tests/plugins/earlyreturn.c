/* earlyreturn: registers, reports START_PENDING and returns from
 * ServiceMain without ever reporting RUNNING or STOPPED. */
#include <svchost/svchost.h>

static DWORD WINAPI handler(DWORD control, DWORD type, LPVOID data, LPVOID ctx)
{
    return ERROR_CALL_NOT_IMPLEMENTED;
}

SVCHOST_EXPORT VOID WINAPI ServiceMain(DWORD argc, LPSTR *argv)
{
    SERVICE_STATUS st = { SERVICE_WIN32_SHARE_PROCESS, SERVICE_START_PENDING, 0, 0, 0, 1, 1000 };
    SERVICE_STATUS_HANDLE h = RegisterServiceCtrlHandlerExA(argv[0], handler, NULL);

    if (h != NULL)
        SetServiceStatus(h, &st);
}
