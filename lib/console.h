/*
 * console.h - the in-process controller of `svchost --console`.
 *
 * It plays the SCM's part for development and debugging: starts every
 * service of the dispatch table, prints one line per state transition on
 * stdout ("Echo RUNNING"), maps SIGINT/SIGTERM to SERVICE_CONTROL_STOP
 * (reverse start order) and SIGHUP to SERVICE_CONTROL_PARAMCHANGE, and
 * takes commands on stdin ("pause Heartbeat", "control Heartbeat 128").
 * The line formats are in docs/debug-console.md.
 */
#ifndef SVC_CONSOLE_H
#define SVC_CONSOLE_H

#include <svchost/winsvc.h>

#include "controller.h"

/* Runs the console until every service has stopped.  Returns NO_ERROR, or
 * the Win32 error that kept it from running (ERROR_INVALID_DATA for a bad
 * table, ERROR_NOT_ENOUGH_MEMORY, ...). */
DWORD svc_console_run(const SERVICE_TABLE_ENTRYA *table);

/* After svc_console_run: 0 if every service stopped with
 * dwWin32ExitCode 0, 1 if any stopped with an error or the console was
 * forced to quit (second SIGINT/SIGTERM) with services still running. */
int svc_console_exit_status(void);

/* Selected by svc_dispatcher_use_console(1) or SVCHOST_CONSOLE=1. */
extern const struct svc_controller svc_console_controller;

#endif
