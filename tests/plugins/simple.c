/*
 * simple.c - test plugin: a minimal well-behaved service.
 *
 * Reports START_PENDING then RUNNING, accepting STOP and PAUSE/CONTINUE.
 *   STOP         STOP_PENDING, then STOPPED (exit code 0) from ServiceMain;
 *   PAUSE        PAUSED;  CONTINUE  RUNNING;  INTERROGATE  NO_ERROR;
 *   128..255     appends "control N\n" to [Parameters] Out (if set) before
 *                the handler returns, so the file shows delivery order;
 *   other        ERROR_CALL_NOT_IMPLEMENTED.
 * With Out set it also appends "NAME started\n" just before reporting
 * RUNNING and "NAME stopped\n" just before reporting STOPPED, so several
 * services sharing one Out file record the order they started and stopped.
 * Before it reports anything it checks that SetServiceStatus refuses
 * handles it never gave (NULL, an address, the largest value) with
 * ERROR_INVALID_HANDLE; if one is taken it stops at once with
 * ERROR_GEN_FAILURE, which every test that starts it would see.
 */
#include "testplugin.h"

TP_EXPORT_PUSH_GLOBALS

/* Controls other than STOP and INTERROGATE, with the lock held. */
static DWORD simple_other(void *ctx, DWORD control)
{
    struct tp_service *s = ctx;
    DWORD state = s->status.dwCurrentState;

    if (control == SERVICE_CONTROL_PAUSE) {
        if (state == SERVICE_RUNNING)
            tp_report_locked(s, SERVICE_PAUSED);
    } else if (control == SERVICE_CONTROL_CONTINUE) {
        if (state == SERVICE_PAUSED)
            tp_report_locked(s, SERVICE_RUNNING);
    } else if (control >= 128 && control <= 255) {
        tp_append_control(s->out, control);
    } else {
        return ERROR_CALL_NOT_IMPLEMENTED;
    }
    return NO_ERROR;
}

static DWORD WINAPI simple_handler(DWORD control, DWORD event_type, LPVOID event_data,
                                   LPVOID context)
{
    (void)event_type;
    (void)event_data;
    return tp_control(context, control, simple_other, context);
}

/* Whether SetServiceStatus refuses handles RegisterServiceCtrlHandlerEx
 * did not give. */
static int bogus_handles_refused(const SERVICE_STATUS *st)
{
    SERVICE_STATUS copy = *st;
    SERVICE_STATUS_HANDLE bogus[] = { NULL, (SERVICE_STATUS_HANDLE)(void *)&copy,
                                      (SERVICE_STATUS_HANDLE)(uintptr_t)-1 };

    copy.dwCurrentState = SERVICE_START_PENDING;
    for (size_t i = 0; i < sizeof bogus / sizeof bogus[0]; i++) {
        SetLastError(0);
        if (SetServiceStatus(bogus[i], &copy) || GetLastError() != ERROR_INVALID_HANDLE)
            return 0;
    }
    return 1;
}

SVCHOST_EXPORT VOID WINAPI ServiceMain(DWORD argc, LPSTR *argv)
{
    struct tp_service s;

    (void)argc;
    tp_service_init(&s, argv[0], SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_PAUSE_CONTINUE);
    s.handle = RegisterServiceCtrlHandlerExA(s.name, simple_handler, &s);
    if (s.handle == NULL)
        goto out;
    if (!bogus_handles_refused(&s.status)) {
        SERVICE_STATUS st = s.status;
        st.dwCurrentState = SERVICE_STOPPED;
        st.dwWin32ExitCode = ERROR_GEN_FAILURE;
        SetServiceStatus(s.handle, &st);
        goto out;
    }

    pthread_mutex_lock(&s.lock);
    tp_report_locked(&s, SERVICE_START_PENDING);
    s.out = tp_get_string(s.name, "Out");
    tp_append_line(s.out, "%s started", s.name);
    tp_report_locked(&s, SERVICE_RUNNING);
    tp_wait_stop_locked(&s);
    tp_append_line(s.out, "%s stopped", s.name);
    tp_report_stopped_unlock(&s);
out:
    tp_service_destroy(&s);
}
