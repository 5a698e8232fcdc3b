/*
 * controller.c - StartServiceCtrlDispatcherA: the choice of the
 * controller that drives this process's dispatcher (controller.h).
 */
#include "console.h"
#include "controller.h"
#include "dispatcher.h"
#include "scm_channel.h"

#include <stddef.h>

/* In order of preference: an explicit --console wins over an inherited
 * SCM channel. */
static const struct svc_controller *const controllers[] = {
    &svc_console_controller,
    &svc_scm_channel_controller,
};

BOOL WINAPI StartServiceCtrlDispatcherA(const SERVICE_TABLE_ENTRYA *lpServiceStartTable)
{
    if (svc_dispatcher_exists()) {
        SetLastError(ERROR_SERVICE_ALREADY_RUNNING);
        return FALSE;
    }
    for (size_t i = 0; i < sizeof controllers / sizeof controllers[0]; i++) {
        DWORD err;

        if (!controllers[i]->selected())
            continue;
        err = controllers[i]->run(lpServiceStartTable);
        if (err != NO_ERROR) {
            SetLastError(err);
            return FALSE;
        }
        return TRUE;
    }
    /* Only the SCM starts a service process; run any other way there is
     * no controller to connect to, as on Windows. */
    SetLastError(ERROR_FAILED_SERVICE_CONTROLLER_CONNECT);
    return FALSE;
}
