/*
 * controller.h - who drives the dispatcher of a service process.
 *
 * Layers, each calling only downwards:
 *
 *   controller.c       StartServiceCtrlDispatcherA: picks a controller
 *   console.c          the in-process console (svchost --console)
 *   scm_channel.c      the host channel to scmd
 *   dispatcher.c       the service table, ServiceMain threads, control
 *                      queues, RegisterServiceCtrlHandler, SetServiceStatus
 *
 * A controller creates the dispatcher with its own struct svc_dispatch_ops
 * and hears back from it only through those callbacks; the dispatcher
 * knows no controller.
 */
#ifndef SVC_CONTROLLER_H
#define SVC_CONTROLLER_H

#include <svchost/winsvc.h>

struct svc_controller {
    const char *name;
    /* 1 if the process was started for this controller (a flag, the
     * environment), else 0. */
    int (*selected)(void);
    /* Runs the dispatcher for table until the controller is done.
     * NO_ERROR, or the Win32 error StartServiceCtrlDispatcher reports. */
    DWORD (*run)(const SERVICE_TABLE_ENTRYA *table);
};

/* Makes StartServiceCtrlDispatcher run the in-process console controller
 * instead of connecting to the SCM (svchost --console; also selected by
 * the environment variable SVCHOST_CONSOLE=1). */
void svc_dispatcher_use_console(int enable);

#endif
