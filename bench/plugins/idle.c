/*
 * idle.c - benchmark plugin: the smallest correct service.
 *
 * Registers its handler, reports RUNNING, sleeps on a condition variable
 * until STOP, reports STOPPED.  Accepts STOP and INTERROGATE; everything
 * else is ERROR_CALL_NOT_IMPLEMENTED.  All state lives on ServiceMain's
 * stack, so one plugin serves any number of services in one host.
 */
#include "benchsvc.h"

SVCHOST_EXPORT VOID WINAPI ServiceMain(DWORD argc, LPSTR *argv)
{
    struct benchsvc s = BENCHSVC_INIT;

    (void)argc;
    if (!benchsvc_register(&s, argv[0]))
        return;
    benchsvc_stopped(&s, benchsvc_run(&s, true), 0);
}
