/* hang: RUNNING, accepts STOP only; its handler never returns on user
 * control 200 (every later control of this service waits behind it). */
#include "testsvc.h"

#include <unistd.h>

static DWORD WINAPI handler(DWORD control, DWORD type, LPVOID data, LPVOID ctx)
{
    struct testsvc *t = ctx;

    if (control == 200)
        for (;;)
            pause();
    if (control == SERVICE_CONTROL_STOP) {
        testsvc_report(t, SERVICE_STOP_PENDING, 0, 1, 2000);
        testsvc_request_stop(t);
        return NO_ERROR;
    }
    if (control == SERVICE_CONTROL_INTERROGATE || (control >= 128 && control <= 255))
        return NO_ERROR;
    return ERROR_CALL_NOT_IMPLEMENTED;
}

SVCHOST_EXPORT VOID WINAPI ServiceMain(DWORD argc, LPSTR *argv)
{
    struct testsvc *t = testsvc_new(argv[0]);

    if (t == NULL)
        return;
    t->handle = RegisterServiceCtrlHandlerExA(argv[0], handler, t);
    if (t->handle == NULL) {
        testsvc_free(t);
        return;
    }
    testsvc_report(t, SERVICE_RUNNING, SERVICE_ACCEPT_STOP, 0, 0);
    testsvc_wait_stop(t);
    testsvc_report(t, SERVICE_STOPPED, 0, 0, 0);
    testsvc_free(t);
}
