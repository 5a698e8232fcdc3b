/*
 * noentry.c - test plugin: exports no ServiceMain.
 *
 * Loaded with the default entry name its service fails with
 * ERROR_PROC_NOT_FOUND (127).  Its one export, NotServiceMain, is a
 * working service (RUNNING, accepts STOP, INTERROGATE answers NO_ERROR)
 * for testing [Parameters] ServiceMain = NotServiceMain.
 */
#include "testplugin.h"

SVCHOST_EXPORT VOID WINAPI NotServiceMain(DWORD argc, LPSTR *argv)
{
    struct tp_service n;

    (void)argc;
    tp_service_init(&n, argv[0], SERVICE_ACCEPT_STOP);
    n.handle = RegisterServiceCtrlHandlerExA(n.name, tp_stop_handler, &n);
    if (n.handle == NULL)
        goto out;

    /* RUNNING at once: no START_PENDING first. */
    pthread_mutex_lock(&n.lock);
    tp_report_locked(&n, SERVICE_RUNNING);
    tp_run_locked(&n);
out:
    tp_service_destroy(&n);
}
