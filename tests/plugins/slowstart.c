/* slowstart: START_PENDING with checkpoints 1..Steps and wait hint
 * WaitHintMs, StepMs apart, then RUNNING; accepts STOP.
 * [Parameters] WaitHintMs (500), StepMs (200), Steps (5). */
#include "testsvc.h"

#include <time.h>

static DWORD WINAPI handler(DWORD control, DWORD type, LPVOID data, LPVOID ctx)
{
    struct testsvc *t = ctx;

    if (control == SERVICE_CONTROL_STOP) {
        testsvc_report(t, SERVICE_STOP_PENDING, 0, 1, 2000);
        testsvc_request_stop(t);
        return NO_ERROR;
    }
    return control == SERVICE_CONTROL_INTERROGATE ? NO_ERROR : ERROR_CALL_NOT_IMPLEMENTED;
}

SVCHOST_EXPORT VOID WINAPI ServiceMain(DWORD argc, LPSTR *argv)
{
    struct testsvc *t = testsvc_new(argv[0]);
    DWORD hint, step, steps;

    if (t == NULL)
        return;
    hint = testsvc_param(argv[0], "WaitHintMs", 500);
    step = testsvc_param(argv[0], "StepMs", 200);
    steps = testsvc_param(argv[0], "Steps", 5);
    t->handle = RegisterServiceCtrlHandlerExA(argv[0], handler, t);
    if (t->handle == NULL) {
        testsvc_free(t);
        return;
    }
    for (DWORD cp = 1; cp <= steps; cp++) {
        struct timespec ts = { step / 1000, (long)(step % 1000) * 1000000L };
        testsvc_report(t, SERVICE_START_PENDING, 0, cp, hint);
        nanosleep(&ts, NULL);
    }
    testsvc_report(t, SERVICE_RUNNING, SERVICE_ACCEPT_STOP, 0, 0);
    testsvc_wait_stop(t);
    testsvc_report(t, SERVICE_STOPPED, 0, 0, 0);
    testsvc_free(t);
}
