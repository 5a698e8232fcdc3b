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

/* Selected when SVCHOST_SCM_FD names an open descriptor. */
extern const struct svc_controller svc_scm_channel_controller;

#endif
