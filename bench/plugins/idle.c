/*
 * idle.c - benchmark plugin: the smallest correct service.
 *
 * Registers its handler, reports RUNNING, sleeps on an event until STOP,
 * reports STOPPED.  Accepts STOP and INTERROGATE; everything else is
 * ERROR_CALL_NOT_IMPLEMENTED.  All state lives on ServiceMain's stack, so
 * one plugin serves any number of services in one host.
 *
 * One source, three builds: a plugin of this host (idle.so), an
 * own-process executable with own.c (idle-own), and a Windows service
 * DLL built by mingw-w64 for svchost-bench --versus wine.
 */
#include "benchsvc.h"

static VOID WINAPI idle_main(DWORD argc, LPSTR *argv)
{
    struct benchsvc s;

    (void)argc;
    if (!benchsvc_register(&s, argv[0]))
        return;
    benchsvc_stopped(&s, benchsvc_run(&s, true), 0);
}

SVCHOST_SERVICE_MAIN(idle_main)
