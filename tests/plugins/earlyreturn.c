/*
 * earlyreturn.c - test plugin: ServiceMain returns early.
 *
 * [Parameters]
 *   Running  0 (default): ServiceMain registers its handler, reports
 *            START_PENDING (checkpoint 1, wait hint 1000) and returns
 *            without reporting RUNNING or STOPPED.  The host then stops
 *            the service with ERROR_PROCESS_ABORTED (1067).
 *            1: ServiceMain reports RUNNING (accepting STOP) and returns at
 *            once.  As on Windows the service keeps running and its
 *            handler still gets controls:
 *              STOP         reports STOPPED (exit code 0) from the handler;
 *              128..255     appends "control N\n" to [Parameters] Out;
 *              INTERROGATE  NO_ERROR;  other  ERROR_CALL_NOT_IMPLEMENTED.
 */
#include "testplugin.h"

/* Running = 1 only.  ServiceMain has returned, so only the handler (one
 * control at a time) uses it; STOP frees it. */
struct early {
    SERVICE_STATUS_HANDLE handle;
    SERVICE_STATUS status;
    char *out;
};

TP_EXPORT_PUSH_GLOBALS

static DWORD WINAPI running_handler(DWORD control, DWORD event_type, LPVOID event_data,
                                    LPVOID context)
{
    struct early *e = context;

    (void)event_type;
    (void)event_data;
    if (control == SERVICE_CONTROL_INTERROGATE)
        return NO_ERROR;
    if (control == SERVICE_CONTROL_STOP) {
        e->status.dwCurrentState = SERVICE_STOPPED;
        e->status.dwControlsAccepted = 0;
        SetServiceStatus(e->handle, &e->status);
        free(e->out);
        free(e);
        return NO_ERROR;
    }
    if (control >= 128 && control <= 255) {
        tp_append_control(e->out, control);
        return NO_ERROR;
    }
    return ERROR_CALL_NOT_IMPLEMENTED;
}

SVCHOST_EXPORT VOID WINAPI ServiceMain(DWORD argc, LPSTR *argv)
{
    SERVICE_STATUS st = { .dwServiceType = SERVICE_WIN32_SHARE_PROCESS };
    SERVICE_STATUS_HANDLE h;
    DWORD running;
    struct early *e;

    (void)argc;
    /* Read first: which handler to register depends on it. */
    running = tp_get_dword(argv[0], "Running", 0);

    if (!running) {
        h = RegisterServiceCtrlHandlerExA(argv[0], tp_interrogate_handler, NULL);
        st.dwCurrentState = SERVICE_START_PENDING;
        st.dwCheckPoint = 1;
        st.dwWaitHint = 1000;
        if (h != NULL)
            SetServiceStatus(h, &st);
        return;
    }

    e = calloc(1, sizeof *e);
    if (e == NULL)
        return;
    e->out = tp_get_string(argv[0], "Out");
    e->status.dwServiceType = SERVICE_WIN32_SHARE_PROCESS;
    e->status.dwCurrentState = SERVICE_RUNNING;
    e->status.dwControlsAccepted = SERVICE_ACCEPT_STOP;
    e->handle = RegisterServiceCtrlHandlerExA(argv[0], running_handler, e);
    if (e->handle == NULL) {
        free(e->out);
        free(e);
        return;
    }
    /* From a copy: once RUNNING is reported a STOP may free e at any time. */
    st = e->status;
    SetServiceStatus(e->handle, &st);
}
