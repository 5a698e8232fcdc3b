/*
 * slowstart.c - test plugin: a service that takes a while to start.
 *
 * [Parameters]  WaitHintMs (default 500), StepMs (200), Steps (5),
 *               FirstReportMs (0).
 *
 * Waits FirstReportMs before its first report (the SCM's own status shows
 * meanwhile), then reports START_PENDING with dwCheckPoint 1, 2, ... Steps, each with
 * dwWaitHint = WaitHintMs, sleeping StepMs after each; then RUNNING,
 * accepting STOP.  While starting it accepts no controls.
 *   STOP         STOP_PENDING, then STOPPED (exit code 0) from ServiceMain;
 *   INTERROGATE  NO_ERROR;  other  ERROR_CALL_NOT_IMPLEMENTED.
 * With StepMs longer than WaitHintMs the start looks hung to the SCM.
 */
#include <errno.h>

#include "testplugin.h"

TP_EXPORT_PUSH_GLOBALS

static void sleep_ms(DWORD ms)
{
    struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

SVCHOST_EXPORT VOID WINAPI ServiceMain(DWORD argc, LPSTR *argv)
{
    struct tp_service s;
    DWORD hint, step, steps;

    (void)argc;
    tp_service_init(&s, argv[0], SERVICE_ACCEPT_STOP);
    s.handle = RegisterServiceCtrlHandlerExA(s.name, tp_stop_handler, &s);
    if (s.handle == NULL)
        goto out;
    hint = tp_get_dword(s.name, "WaitHintMs", 500);
    step = tp_get_dword(s.name, "StepMs", 200);
    steps = tp_get_dword(s.name, "Steps", 5);
    sleep_ms(tp_get_dword(s.name, "FirstReportMs", 0));

    /* A failed report means the SCM gave up on this start (its handle is
     * dead): there is nothing left to wait for. */
    for (DWORD cp = 1; cp <= steps; cp++) {
        BOOL ok;

        pthread_mutex_lock(&s.lock);
        ok = tp_report_hint_locked(&s, SERVICE_START_PENDING, cp, hint);
        pthread_mutex_unlock(&s.lock);
        if (!ok)
            goto out;
        sleep_ms(step);
    }

    pthread_mutex_lock(&s.lock);
    if (!tp_report_locked(&s, SERVICE_RUNNING)) {
        pthread_mutex_unlock(&s.lock);
        goto out;
    }
    tp_run_locked(&s);
out:
    tp_service_destroy(&s);
}
