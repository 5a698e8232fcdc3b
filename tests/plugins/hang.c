/*
 * hang.c - test plugin: a service whose handler never returns.
 *
 * Reports START_PENDING then RUNNING, accepting STOP only (so PAUSE is
 * refused with 1052 by whoever checks dwControlsAccepted).
 *   STOP         STOP_PENDING, then STOPPED (exit code 0) from ServiceMain,
 *                as long as it arrives before control 200;
 *   200          appends "control 200\n" to [Parameters] Out (if set), then
 *                blocks forever: every later control of this service waits
 *                behind it, and the service can no longer stop;
 *   128..255     (other) appends "control N\n" to Out, returns NO_ERROR;
 *   INTERROGATE  NO_ERROR;  other  ERROR_CALL_NOT_IMPLEMENTED.
 */
#include "testplugin.h"

#define HANG_CONTROL 200

TP_EXPORT_PUSH_GLOBALS

/* Controls other than STOP and INTERROGATE, with the lock held. */
static DWORD hang_other(void *ctx, DWORD control)
{
    struct tp_service *h = ctx;

    if (control < 128 || control > 255)
        return ERROR_CALL_NOT_IMPLEMENTED;
    tp_append_control(h->out, control);
    return NO_ERROR;
}

static DWORD WINAPI hang_handler(DWORD control, DWORD event_type, LPVOID event_data,
                                 LPVOID context)
{
    struct tp_service *h = context;

    (void)event_type;
    (void)event_data;
    if (control == HANG_CONTROL) {
        tp_append_control(h->out, control);
        /* Blocks without holding the lock; signals that reach this thread
         * only bring it back here. */
        for (;;)
            pause();
    }
    return tp_control(h, control, hang_other, h);
}

SVCHOST_EXPORT VOID WINAPI ServiceMain(DWORD argc, LPSTR *argv)
{
    struct tp_service h;

    (void)argc;
    tp_service_init(&h, argv[0], SERVICE_ACCEPT_STOP);
    /* Read before the handler can run: it uses out without the lock. */
    h.out = tp_get_string(h.name, "Out");
    h.handle = RegisterServiceCtrlHandlerExA(h.name, hang_handler, &h);
    if (h.handle == NULL)
        goto out;

    pthread_mutex_lock(&h.lock);
    tp_report_locked(&h, SERVICE_START_PENDING);
    tp_report_locked(&h, SERVICE_RUNNING);
    tp_run_locked(&h);
out:
    tp_service_destroy(&h);
}
