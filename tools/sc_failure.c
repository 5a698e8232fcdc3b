/*
 * sc_failure.c - recovery commands: failure, qfailure, failureflag and
 * qfailureflag, over the SERVICE_CONFIG_FAILURE_ACTIONS(_FLAG) levels.
 */
#include "sc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"

static BOOL fill_level(void *arg, LPBYTE buf, DWORD size, LPDWORD needed)
{
    const struct sc_ctx *ctx = arg;
    DWORD level = ctx->cmd->run == sc_cmd_qfailure ? SERVICE_CONFIG_FAILURE_ACTIONS
                                                   : SERVICE_CONFIG_FAILURE_ACTIONS_FLAG;

    return QueryServiceConfig2A(ctx->svc, level, buf, size, needed);
}

/* What qfailure and qfailureflag share: the optional buffer size, the
 * service and the query; a failure is reported as sc.exe does. */
static DWORD query(struct sc_ctx *ctx, int argc, char **argv, BYTE **buf)
{
    DWORD bufsize = 0, needed, err;

    if (argc > 2)
        return SC_USAGE;
    if (argc == 2 && (sc_parse_number(argv[1], &bufsize) < 0 || bufsize == 0))
        return sc_usage_error("%s is not a buffer size", argv[1]);
    if ((err = sc_connect(ctx, argv[0])) != NO_ERROR)
        return err;
    err = sc_fetch(fill_level, ctx, bufsize, bufsize != 0, buf, &needed);
    if (err != NO_ERROR) {
        sc_fail("QueryServiceConfig2", err);
        if (err == ERROR_INSUFFICIENT_BUFFER)
            printf("[SC] GetServiceConfig2 needs %lu bytes\n", (unsigned long)needed);
    }
    return err;
}

/* sc.exe's names of the actions in qfailure. */
static const char *action_display_name(SC_ACTION_TYPE t)
{
    switch (t) {
    case SC_ACTION_RESTART:
        return "RESTART";
    case SC_ACTION_REBOOT:
        return "REBOOT";
    case SC_ACTION_RUN_COMMAND:
        return "RUN PROCESS";
    default:
        return "NONE";
    }
}

/* "        LABEL<pad to 29>: value": the wider column of qfailure. */
#define FAILURE_FIELD "        %-29s: "

DWORD sc_cmd_qfailure(struct sc_ctx *ctx, int argc, char **argv)
{
    const SERVICE_FAILURE_ACTIONSA *fa;
    BYTE *buf;
    DWORD err = query(ctx, argc, argv, &buf);

    if (err != NO_ERROR)
        return err;
    fa = (const SERVICE_FAILURE_ACTIONSA *)buf;
    printf("[SC] QueryServiceConfig2 SUCCESS\n\nSERVICE_NAME: %s\n", argv[0]);
    if (fa->dwResetPeriod == INFINITE)
        printf(FAILURE_FIELD "INFINITE\n", "RESET_PERIOD (in seconds)");
    else
        printf(FAILURE_FIELD "%lu\n", "RESET_PERIOD (in seconds)",
               (unsigned long)fa->dwResetPeriod);
    printf(FAILURE_FIELD "%s\n", "REBOOT_MESSAGE", fa->lpRebootMsg ? fa->lpRebootMsg : "");
    printf(FAILURE_FIELD "%s\n", "COMMAND_LINE", fa->lpCommand ? fa->lpCommand : "");
    /* No actions, no FAILURE_ACTIONS line; the later actions line up
     * under the first. */
    for (DWORD i = 0; i < fa->cActions && fa->lpsaActions != NULL; i++)
        printf(i == 0 ? FAILURE_FIELD "%s -- Delay = %lu milliseconds.\n"
                      : "        %-29s  %s -- Delay = %lu milliseconds.\n",
               i == 0 ? "FAILURE_ACTIONS" : "", action_display_name(fa->lpsaActions[i].Type),
               (unsigned long)fa->lpsaActions[i].Delay);
    free(buf);
    return NO_ERROR;
}

DWORD sc_cmd_qfailureflag(struct sc_ctx *ctx, int argc, char **argv)
{
    BYTE *buf;
    DWORD err = query(ctx, argc, argv, &buf);

    if (err != NO_ERROR)
        return err;
    printf("[SC] QueryServiceConfig2 SUCCESS\n\nSERVICE_NAME: %s\n"
           "        FAILURE_ACTIONS_ON_NONCRASH_FAILURES: %s\n", argv[0],
           ((const SERVICE_FAILURE_ACTIONS_FLAG *)buf)->fFailureActionsOnNonCrashFailures
               ? "TRUE" : "FALSE");
    free(buf);
    return NO_ERROR;
}

/*
 * sc failure NAME reset= S actions= A/MS/... command= "..." reboot= "...":
 * everything is checked before the service is opened, so a malformed
 * list or period changes nothing.  reset= and actions= go together, as
 * sc.exe requires; actions= "" deletes the actions.
 */
DWORD sc_cmd_failure(struct sc_ctx *ctx, int argc, char **argv)
{
    SERVICE_FAILURE_ACTIONSA fa = { 0 };
    struct svc_failure_action *list = NULL;
    SC_ACTION *acts = NULL;
    const char *reset = NULL, *actions = NULL;
    struct sc_opt *opts;
    DWORD err, access = SERVICE_CHANGE_CONFIG;
    size_t n, n_list = 0;
    int rc;

    if (argc < 2)
        return SC_USAGE;
    err = sc_parse_options(argc - 1, argv + 1, &opts, &n);
    if (err != NO_ERROR)
        return err;
    for (size_t i = 0; i < n && err == NO_ERROR; i++) {
        if (sc_opt_is(&opts[i], "reset"))
            reset = opts[i].value;
        else if (sc_opt_is(&opts[i], "actions"))
            actions = opts[i].value;
        else if (sc_opt_is(&opts[i], "command"))
            fa.lpCommand = opts[i].value;
        else if (sc_opt_is(&opts[i], "reboot"))
            fa.lpRebootMsg = opts[i].value;
        else
            err = sc_usage_error("unknown option %s=", opts[i].name);
    }
    if (err == NO_ERROR && (reset == NULL) != (actions == NULL))
        err = sc_usage_error("reset= and actions= must be given together");
    if (err == NO_ERROR && reset != NULL && strcasecmp(reset, "INFINITE") == 0)
        fa.dwResetPeriod = INFINITE;
    else if (err == NO_ERROR && reset != NULL && sc_parse_number(reset, &fa.dwResetPeriod) < 0)
        err = sc_usage_error("reset= %s is not a number of seconds", reset);
    if (err == NO_ERROR && actions != NULL) {
        rc = svc_parse_failure_actions(actions, &list, &n_list);
        if (rc == -ENOMEM)
            err = sc_fail("ChangeServiceConfig2", ERROR_NOT_ENOUGH_MEMORY);
        else if (rc == -ERANGE)
            err = sc_usage_error("actions= %s: at most %d actions", actions,
                                 SVC_FAILURE_ACTIONS_MAX);
        else if (rc < 0)
            err = sc_usage_error("actions= %s: write ACTION/MS pairs separated by '/', "
                                 "ACTION one of run, restart, reboot or \"\"", actions);
    }
    /* An empty list is a non-NULL array with cActions 0: it deletes. */
    if (err == NO_ERROR && actions != NULL) {
        acts = calloc(n_list + 1, sizeof *acts);
        if (acts == NULL)
            err = sc_fail("ChangeServiceConfig2", ERROR_NOT_ENOUGH_MEMORY);
        for (size_t i = 0; acts != NULL && i < n_list; i++) {
            acts[i].Type = (SC_ACTION_TYPE)list[i].type;
            acts[i].Delay = list[i].delay_ms;
            if (acts[i].Type == SC_ACTION_RESTART)
                access |= SERVICE_START;    /* as ChangeServiceConfig2 requires */
        }
        fa.lpsaActions = acts;
        fa.cActions = (DWORD)n_list;
    }
    if (err == NO_ERROR && fa.lpsaActions == NULL && fa.lpCommand == NULL &&
        fa.lpRebootMsg == NULL)
        err = SC_USAGE;
    if (err == NO_ERROR)
        err = sc_open(ctx, SC_MANAGER_CONNECT, argv[0], access, "");
    if (err == NO_ERROR) {
        if (ChangeServiceConfig2A(ctx->svc, SERVICE_CONFIG_FAILURE_ACTIONS, &fa))
            printf("[SC] ChangeServiceConfig2 SUCCESS\n");
        else
            err = sc_fail("ChangeServiceConfig2", GetLastError());
    }
    free(acts);
    free(list);
    free(opts);
    return err;
}

/* sc failureflag NAME 0|1 */
DWORD sc_cmd_failureflag(struct sc_ctx *ctx, int argc, char **argv)
{
    SERVICE_FAILURE_ACTIONS_FLAG ff;
    DWORD flag, err;

    if (argc != 2)
        return SC_USAGE;
    if (sc_parse_number(argv[1], &flag) < 0 || flag > 1)
        return sc_usage_error("%s: the flag is 0 or 1", argv[1]);
    if ((err = sc_connect(ctx, argv[0])) != NO_ERROR)
        return err;
    ff.fFailureActionsOnNonCrashFailures = (BOOL)flag;
    if (!ChangeServiceConfig2A(ctx->svc, SERVICE_CONFIG_FAILURE_ACTIONS_FLAG, &ff))
        return sc_fail("ChangeServiceConfig2", GetLastError());
    printf("[SC] ChangeServiceConfig2 SUCCESS\n");
    return NO_ERROR;
}
