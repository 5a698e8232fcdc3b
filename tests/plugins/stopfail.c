/*
 * stopfail.c - test plugin: a service that stops by itself with an error.
 *
 * [Parameters]  StopAfterMs (default 200), ExitCode (default 1066,
 *               ERROR_SERVICE_SPECIFIC_ERROR; 0 for a clean stop),
 *               SpecificCode (default 7).
 *
 * Reports START_PENDING then RUNNING (accepting STOP), and StopAfterMs
 * later reports STOPPED with dwWin32ExitCode ExitCode (and
 * dwServiceSpecificExitCode SpecificCode) without being asked, as a
 * service that gives up does.  A STOP that arrives first stops it with
 * exit code 0.  The host keeps running.
 */
#include "testplugin.h"

TP_EXPORT_PUSH_GLOBALS

SVCHOST_EXPORT VOID WINAPI ServiceMain(DWORD argc, LPSTR *argv)
{
    struct tp_service c;
    struct timespec due;
    DWORD after_ms, code, specific;

    (void)argc;
    tp_service_init(&c, argv[0], SERVICE_ACCEPT_STOP);
    c.handle = RegisterServiceCtrlHandlerExA(c.name, tp_stop_handler, &c);
    if (c.handle == NULL)
        goto out;
    after_ms = tp_get_dword(c.name, "StopAfterMs", 200);
    code = tp_get_dword(c.name, "ExitCode", ERROR_SERVICE_SPECIFIC_ERROR);
    specific = tp_get_dword(c.name, "SpecificCode", 7);

    pthread_mutex_lock(&c.lock);
    tp_report_locked(&c, SERVICE_START_PENDING);
    tp_report_locked(&c, SERVICE_RUNNING);
    clock_gettime(CLOCK_MONOTONIC, &due);
    due.tv_sec += after_ms / 1000;
    due.tv_nsec += (long)(after_ms % 1000) * 1000000L;
    if (due.tv_nsec >= 1000000000L) {
        due.tv_sec++;
        due.tv_nsec -= 1000000000L;
    }
    while (!c.stop_requested && pthread_cond_timedwait(&c.cond, &c.lock, &due) == 0)
        ;
    tp_mark_stopped_locked(&c);
    if (!c.stop_requested) {
        c.status.dwWin32ExitCode = code;
        c.status.dwServiceSpecificExitCode = specific;
    }
    tp_report_stopped_unlock(&c);
out:
    tp_service_destroy(&c);
}
