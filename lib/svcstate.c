/* Service state and control names, and the SCM's rule for which controls
 * a service can take in which state (ControlService's documented errors). */
#include "win32.h"

#include <stddef.h>
#include <strings.h>

static const char *const state_names[] = {
    [SERVICE_STOPPED] = "STOPPED",
    [SERVICE_START_PENDING] = "START_PENDING",
    [SERVICE_STOP_PENDING] = "STOP_PENDING",
    [SERVICE_RUNNING] = "RUNNING",
    [SERVICE_CONTINUE_PENDING] = "CONTINUE_PENDING",
    [SERVICE_PAUSE_PENDING] = "PAUSE_PENDING",
    [SERVICE_PAUSED] = "PAUSED",
};
_Static_assert(sizeof state_names / sizeof state_names[0] == SERVICE_PAUSED + 1,
               "state_names must cover every SERVICE_* state");

static const char *const control_names[] = {
    [SERVICE_CONTROL_STOP] = "STOP",
    [SERVICE_CONTROL_PAUSE] = "PAUSE",
    [SERVICE_CONTROL_CONTINUE] = "CONTINUE",
    [SERVICE_CONTROL_INTERROGATE] = "INTERROGATE",
    [SERVICE_CONTROL_SHUTDOWN] = "SHUTDOWN",
    [SERVICE_CONTROL_PARAMCHANGE] = "PARAMCHANGE",
    [SERVICE_CONTROL_NETBINDADD] = "NETBINDADD",
    [SERVICE_CONTROL_NETBINDREMOVE] = "NETBINDREMOVE",
    [SERVICE_CONTROL_NETBINDENABLE] = "NETBINDENABLE",
    [SERVICE_CONTROL_NETBINDDISABLE] = "NETBINDDISABLE",
    [SERVICE_CONTROL_DEVICEEVENT] = "DEVICEEVENT",
    [SERVICE_CONTROL_HARDWAREPROFILECHANGE] = "HARDWAREPROFILECHANGE",
    [SERVICE_CONTROL_POWEREVENT] = "POWEREVENT",
    [SERVICE_CONTROL_SESSIONCHANGE] = "SESSIONCHANGE",
    [SERVICE_CONTROL_PRESHUTDOWN] = "PRESHUTDOWN",
    [SERVICE_CONTROL_TIMECHANGE] = "TIMECHANGE",
    [SERVICE_CONTROL_TRIGGEREVENT] = "TRIGGEREVENT",
};
_Static_assert(sizeof control_names / sizeof control_names[0] == SERVICE_CONTROL_TRIGGEREVENT + 1,
               "control_names must end with the last SERVICE_CONTROL_* code");

const char *svc_state_name(DWORD state)
{
    if (state >= sizeof state_names / sizeof state_names[0])
        return NULL;
    return state_names[state];
}

const char *svc_control_name(DWORD control)
{
    if (control >= sizeof control_names / sizeof control_names[0])
        return NULL;
    return control_names[control];
}

int svc_control_parse(const char *s, DWORD *control)
{
    for (DWORD i = 0; i < sizeof control_names / sizeof control_names[0]; i++) {
        if (control_names[i] != NULL && strcasecmp(s, control_names[i]) == 0) {
            *control = i;
            return 0;
        }
    }
    return -1;
}

/* Which SERVICE_ACCEPT_* flag a control needs; 0 for controls every
 * running service takes (INTERROGATE and the user-defined 128..255). */
static DWORD accept_flag(DWORD control)
{
    switch (control) {
    case SERVICE_CONTROL_STOP: return SERVICE_ACCEPT_STOP;
    case SERVICE_CONTROL_PAUSE:
    case SERVICE_CONTROL_CONTINUE: return SERVICE_ACCEPT_PAUSE_CONTINUE;
    case SERVICE_CONTROL_PARAMCHANGE: return SERVICE_ACCEPT_PARAMCHANGE;
    case SERVICE_CONTROL_NETBINDADD:
    case SERVICE_CONTROL_NETBINDREMOVE:
    case SERVICE_CONTROL_NETBINDENABLE:
    case SERVICE_CONTROL_NETBINDDISABLE: return SERVICE_ACCEPT_NETBINDCHANGE;
    default: return 0;
    }
}

DWORD svc_control_check(const SERVICE_STATUS *st, DWORD control)
{
    int defined = (control >= SERVICE_CONTROL_STOP && control <= SERVICE_CONTROL_NETBINDDISABLE &&
                   control != SERVICE_CONTROL_SHUTDOWN) ||
                  (control >= 128 && control <= 255);
    if (!defined)
        return ERROR_INVALID_PARAMETER;
    switch (st->dwCurrentState) {
    case SERVICE_STOPPED:
        return ERROR_SERVICE_NOT_ACTIVE;
    case SERVICE_START_PENDING:
    case SERVICE_STOP_PENDING:
        return ERROR_SERVICE_CANNOT_ACCEPT_CTRL;
    default:
        break;
    }
    DWORD need = accept_flag(control);
    if (need != 0 && (st->dwControlsAccepted & need) == 0)
        return ERROR_INVALID_SERVICE_CONTROL;
    return NO_ERROR;
}

DWORD svc_control_access(DWORD control)
{
    switch (control) {
    case SERVICE_CONTROL_STOP:
        return SERVICE_STOP;
    case SERVICE_CONTROL_PAUSE:
    case SERVICE_CONTROL_CONTINUE:
    case SERVICE_CONTROL_PARAMCHANGE:
    case SERVICE_CONTROL_NETBINDADD:
    case SERVICE_CONTROL_NETBINDREMOVE:
    case SERVICE_CONTROL_NETBINDENABLE:
    case SERVICE_CONTROL_NETBINDDISABLE:
        return SERVICE_PAUSE_CONTINUE;
    case SERVICE_CONTROL_INTERROGATE:
        return SERVICE_INTERROGATE;
    default:
        return control >= 128 && control <= 255 ? SERVICE_USER_DEFINED_CONTROL : 0;
    }
}
