/*
 * scm_channel.h - StartServiceCtrlDispatcher in a process scmd started.
 */
#ifndef SVC_SCM_CHANNEL_H
#define SVC_SCM_CHANNEL_H

#include <svchost/winsvc.h>

#include "controller.h"

/* Runs the dispatcher for table, controlled by the SCM over fd, until the
 * SCM says EXIT, the channel closes, or the SCM sends a message that
 * cannot be understood.  Returns NO_ERROR, or the Win32 error that kept
 * it from running. */
DWORD svc_scm_channel_run(const SERVICE_TABLE_ENTRYA *table, int fd);

/* Sends a plugin's Log() line for service to the SCM (HOST_LOG), which
 * puts it in its event log and syslog: level 0 error, 1 warning, 2
 * information; a text over SVC_MSG_HOST_LOG_MAX_TEXT bytes is cut.  Safe
 * from any thread.  0; -EINVAL (NULL argument, or a level over 2);
 * -ENOTCONN if no SCM controls this process (console mode, or while a
 * restarted scmd is awaited); -ENOMEM; the errno of a failed send. */
int svc_scm_channel_log(const char *service, unsigned level, const char *text);

/* Selected when SVCHOST_SCM_FD names an open descriptor. */
extern const struct svc_controller svc_scm_channel_controller;

#endif
