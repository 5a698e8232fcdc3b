/*
 * crash.c - test plugin: a service that crashes its host.
 *
 * [Parameters]  CrashAfterMs (default 200).
 *
 * Reports START_PENDING then RUNNING (accepting STOP), logs "crashing",
 * and CrashAfterMs later stores through a null pointer on its ServiceMain
 * thread: SIGSEGV, which takes the whole host down (under AddressSanitizer
 * the host exits non-zero instead of dying of the signal).  A STOP that
 * arrives first stops it cleanly (STOPPED, exit code 0) without crashing.
 *   INTERROGATE  NO_ERROR;  other  ERROR_CALL_NOT_IMPLEMENTED.
 */
#include "testplugin.h"

/* Volatile, so the compiler cannot see the store below is through null
 * and turn it into a trap (SIGILL) or drop it. */
static int *volatile crash_target;

TP_EXPORT_PUSH_GLOBALS

SVCHOST_EXPORT VOID WINAPI ServiceMain(DWORD argc, LPSTR *argv)
{
    const SVCHOST_GLOBALS *g = tp_globals;
    struct tp_service c;
    struct timespec due;
    DWORD after_ms;

    (void)argc;
    tp_service_init(&c, argv[0], SERVICE_ACCEPT_STOP);
    c.handle = RegisterServiceCtrlHandlerExA(c.name, tp_stop_handler, &c);
    if (c.handle == NULL)
        goto out;
    after_ms = tp_get_dword(c.name, "CrashAfterMs", 200);

    pthread_mutex_lock(&c.lock);
    tp_report_locked(&c, SERVICE_START_PENDING);
    tp_report_locked(&c, SERVICE_RUNNING);
    if (SVCHOST_GLOBALS_HAS(g, Log))
        g->Log(c.name, SVCHOST_LOG_WARNING, "crashing in %lu ms", (unsigned long)after_ms);
    clock_gettime(CLOCK_MONOTONIC, &due);
    due.tv_sec += after_ms / 1000;
    due.tv_nsec += (long)(after_ms % 1000) * 1000000L;
    if (due.tv_nsec >= 1000000000L) {
        due.tv_sec++;
        due.tv_nsec -= 1000000000L;
    }
    while (!c.stop_requested) {
        struct timespec now;

        pthread_cond_timedwait(&c.cond, &c.lock, &due);
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (!c.stop_requested && (now.tv_sec > due.tv_sec ||
                                  (now.tv_sec == due.tv_sec && now.tv_nsec >= due.tv_nsec)))
            *crash_target = 1;
    }
    tp_mark_stopped_locked(&c);
    tp_report_stopped_unlock(&c);
out:
    tp_service_destroy(&c);
}
