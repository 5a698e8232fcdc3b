/*
 * sc_control.c - start, and the commands that send a control: stop,
 * pause, continue, interrogate, control.
 */
#include "sc.h"

#include <stdio.h>
#include <stdlib.h>

#include "win32.h"

DWORD sc_cmd_start(struct sc_ctx *ctx, int argc, char **argv)
{
    SERVICE_STATUS_PROCESS st;
    DWORD nargs = (DWORD)argc - 1, needed = 0, err;
    LPCSTR *args = NULL;

    err = sc_open(ctx, SC_MANAGER_CONNECT, argv[0], ctx->cmd->svc_access, "StartService: ");
    if (err != NO_ERROR)
        return err;
    /* The words after the name are the service's arguments, given to
     * ServiceMain after its name (argv[0]), as on Windows. */
    if (nargs > 0) {
        args = calloc(nargs, sizeof *args);
        if (args == NULL)
            return sc_fail("StartService", ERROR_NOT_ENOUGH_MEMORY);
        for (DWORD i = 0; i < nargs; i++)
            args[i] = argv[i + 1];
    }
    if (!StartServiceA(ctx->svc, nargs, args)) {
        err = GetLastError();
        free(args);
        return sc_fail("StartService", err);
    }
    free(args);
    /* sc.exe shows where the start got to (usually START_PENDING) with
     * the process id, as queryex does. */
    if (!QueryServiceStatusEx(ctx->svc, SC_STATUS_PROCESS_INFO, (LPBYTE)&st, sizeof st, &needed))
        return sc_fail("QueryServiceStatusEx", GetLastError());
    sc_print_status(argv[0], NULL, &st, 1);
    return NO_ERROR;
}

/* The right the open asks for.  An undefined code needs none, but the
 * handle is opened as for a user-defined one, so that ControlService,
 * not the open, gives the answer (ERROR_INVALID_PARAMETER). */
static DWORD control_access(DWORD control)
{
    DWORD need = svc_control_access(control);

    return need != 0 ? need : SERVICE_USER_DEFINED_CONTROL;
}

/* Sends one control and prints the status ControlService returns. */
static DWORD send_control(struct sc_ctx *ctx, const char *name, DWORD control)
{
    SERVICE_STATUS st;
    DWORD err;

    err = sc_open(ctx, SC_MANAGER_CONNECT, name, control_access(control), "");
    if (err != NO_ERROR)
        return err;
    if (!ControlService(ctx->svc, control, &st))
        return sc_fail("ControlService", GetLastError());
    sc_print_service_status(name, NULL, &st);
    return NO_ERROR;
}

static DWORD simple_control(struct sc_ctx *ctx, int argc, char **argv, DWORD control)
{
    if (argc != 1)
        return SC_USAGE;
    return send_control(ctx, argv[0], control);
}

DWORD sc_cmd_stop(struct sc_ctx *ctx, int argc, char **argv)
{
    return simple_control(ctx, argc, argv, SERVICE_CONTROL_STOP);
}

DWORD sc_cmd_pause(struct sc_ctx *ctx, int argc, char **argv)
{
    return simple_control(ctx, argc, argv, SERVICE_CONTROL_PAUSE);
}

DWORD sc_cmd_continue(struct sc_ctx *ctx, int argc, char **argv)
{
    return simple_control(ctx, argc, argv, SERVICE_CONTROL_CONTINUE);
}

DWORD sc_cmd_interrogate(struct sc_ctx *ctx, int argc, char **argv)
{
    return simple_control(ctx, argc, argv, SERVICE_CONTROL_INTERROGATE);
}

/* sc control NAME paramchange|netbindadd|...|128..255: a name of a control
 * code, or its number. */
DWORD sc_cmd_control(struct sc_ctx *ctx, int argc, char **argv)
{
    DWORD control;

    if (argc != 2)
        return SC_USAGE;
    if (sc_parse_number(argv[1], &control) < 0 && svc_control_parse(argv[1], &control) < 0)
        return sc_usage_error("'%s' is not a control code or name", argv[1]);
    return send_control(ctx, argv[0], control);
}
