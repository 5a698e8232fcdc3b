/*
 * win32.h - Win32 names and rules shared by the host, the SCM and sc:
 * error texts, state and control names, and which control a service in a
 * given state can take.
 */
#ifndef SVC_WIN32_H
#define SVC_WIN32_H

#include <svchost/winsvc.h>

/* The system message text of a Win32 error, as FormatMessage gives it
 * ("The specified service does not exist as an installed service."), or
 * a generic text for codes without one.  Never NULL. */
const char *svc_win32_message(DWORD err);
/* The symbolic name ("ERROR_SERVICE_DOES_NOT_EXIST"), or NULL. */
const char *svc_win32_name(DWORD err);

/* "STOPPED" ... "PAUSED" for SERVICE_STOPPED ... SERVICE_PAUSED, else NULL. */
const char *svc_state_name(DWORD state);
/* "STOP", "PAUSE", ... for the defined control codes, else NULL. */
const char *svc_control_name(DWORD control);
/* Parses a state or control name (case-insensitive); 0 or -1. */
int svc_control_parse(const char *s, DWORD *control);

/*
 * Whether ControlService(control) may be sent to a service whose current
 * status is st, with ControlService's answers:
 *   NO_ERROR                          deliver it;
 *   ERROR_INVALID_PARAMETER           not a control code ControlService sends;
 *   ERROR_SERVICE_NOT_ACTIVE          the service is stopped;
 *   ERROR_SERVICE_CANNOT_ACCEPT_CTRL  it is start- or stop-pending;
 *   ERROR_INVALID_SERVICE_CONTROL     it does not accept that control.
 */
DWORD svc_control_check(const SERVICE_STATUS *st, DWORD control);

/*
 * The access right ControlService needs on the service handle for
 * control (ControlService, "dwControl"):
 *   SERVICE_CONTROL_STOP                          SERVICE_STOP
 *   PAUSE, CONTINUE, PARAMCHANGE, NETBINDADD,
 *   NETBINDREMOVE, NETBINDENABLE, NETBINDDISABLE  SERVICE_PAUSE_CONTINUE
 *   SERVICE_CONTROL_INTERROGATE                   SERVICE_INTERROGATE
 *   128 ... 255 (user-defined)                    SERVICE_USER_DEFINED_CONTROL
 * 0 for any other code (SHUTDOWN included: only the system sends it),
 * which ControlService refuses with ERROR_INVALID_PARAMETER.
 */
DWORD svc_control_access(DWORD control);

/* Converts a negative errno from internal code to the Win32 error a
 * public boundary reports. */
DWORD svc_errno_to_win32(int neg_errno);

#endif
