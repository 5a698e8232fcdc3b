/* simple: a well-behaved service.  RUNNING, accepts STOP, PAUSE/CONTINUE,
 * INTERROGATE and user controls 128-255.  With [Parameters] Out, appends
 * "NAME started", "NAME stopped" and "NAME control N" lines to that file. */
#include "testsvc.h"

static DWORD WINAPI handler(DWORD control, DWORD type, LPVOID data, LPVOID ctx)
{
    struct testsvc *t = ctx;
    const DWORD accepts = SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_PAUSE_CONTINUE;

    switch (control) {
    case SERVICE_CONTROL_STOP:
        testsvc_report(t, SERVICE_STOP_PENDING, 0, 1, 2000);
        testsvc_request_stop(t);
        return NO_ERROR;
    case SERVICE_CONTROL_PAUSE:
        testsvc_report(t, SERVICE_PAUSED, accepts, 0, 0);
        return NO_ERROR;
    case SERVICE_CONTROL_CONTINUE:
        testsvc_report(t, SERVICE_RUNNING, accepts, 0, 0);
        return NO_ERROR;
    case SERVICE_CONTROL_INTERROGATE:
        return NO_ERROR;
    default:
        if (control >= 128 && control <= 255) {
            testsvc_note(t->name, "%s control %u", t->name, (unsigned)control);
            return NO_ERROR;
        }
        return ERROR_CALL_NOT_IMPLEMENTED;
    }
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
    testsvc_report(t, SERVICE_RUNNING, SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_PAUSE_CONTINUE, 0, 0);
    testsvc_note(t->name, "%s started", t->name);
    testsvc_wait_stop(t);
    testsvc_note(t->name, "%s stopped", t->name);
    testsvc_report(t, SERVICE_STOPPED, 0, 0, 0);
    testsvc_free(t);
}
