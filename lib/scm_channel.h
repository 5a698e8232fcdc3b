/*
 * scm_channel.h - StartServiceCtrlDispatcher in a process scmd started.
 */
#ifndef SVC_SCM_CHANNEL_H
#define SVC_SCM_CHANNEL_H

#include <svchost/winsvc.h>

/* Runs the dispatcher for table, controlled by the SCM over fd, until the
 * SCM says EXIT or the channel closes.  Returns NO_ERROR, or the Win32
 * error that kept it from running. */
DWORD svc_scm_channel_run(const SERVICE_TABLE_ENTRYA *table, int fd);

#endif
