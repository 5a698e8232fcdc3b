/* crash: reports RUNNING, then after [Parameters] CrashAfterMs (200)
 * crashes its host with a segmentation fault. */
#include "testsvc.h"

#include <signal.h>
#include <time.h>

static DWORD WINAPI handler(DWORD control, DWORD type, LPVOID data, LPVOID ctx)
{
    return control == SERVICE_CONTROL_INTERROGATE ? NO_ERROR : ERROR_CALL_NOT_IMPLEMENTED;
}

SVCHOST_EXPORT VOID WINAPI ServiceMain(DWORD argc, LPSTR *argv)
{
    struct testsvc *t = testsvc_new(argv[0]);
    DWORD ms = testsvc_param(argv[0], "CrashAfterMs", 200);
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

    if (t == NULL)
        return;
    t->handle = RegisterServiceCtrlHandlerExA(argv[0], handler, t);
    testsvc_report(t, SERVICE_RUNNING, 0, 0, 0);
    nanosleep(&ts, NULL);
    raise(SIGSEGV);
}
