/*
 * win32.h - Win32 names and rules shared by the host, the SCM and sc:
 * error texts, state and control names, and which control a service in a
 * given state can take.
 *
 * The error convention of libsvc (and of scmd and the tools over it):
 * a function that deals with the system (I/O, memory, parsing, the
 * protocol) returns 0 or a count on success and a negative errno on
 * failure.  Win32 error codes appear only at the public boundaries (the
 * C API of winsvc.h and svcctl.h with its SetLastError, the plugin ABI of
 * SVCHOST_GLOBALS, sc's exit code, the error field of a protocol reply)
 * and in functions whose whole job is a Win32 answer, typed DWORD (such
 * as svc_control_check, svc_dispatch_error).  An errno becomes a Win32
 * code once, where it crosses a boundary, with svc_errno_to_win32 or a
 * mapping named for that boundary.  One documented exception: the
 * client API's internals (client.h) carry either a negative errno or the
 * positive Win32 code a reply or a client-side Win32 check produced,
 * until svc_client_error converts the errno at the public function.
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

/* Maps GENERIC_* bits to the specific rights they stand for, with the
 * generic mappings of the Windows SCM (GENERIC_READ on a service is
 * READ_CONTROL | QUERY_CONFIG | QUERY_STATUS | INTERROGATE |
 * ENUMERATE_DEPENDENTS, and so on); other bits are kept.  The client
 * API maps what a handle is opened with; scmd what a request needs. */
DWORD svc_map_manager_access(DWORD access);
DWORD svc_map_service_access(DWORD access);

#endif
