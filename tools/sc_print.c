/*
 * sc_print.c - sc.exe's output layouts: the "[SC] Call FAILED n:" report,
 * the status block of query/queryex/start/stop/..., and the qc block.
 *
 * Field lines are "        LABEL<padded to 19>: value" (eight spaces, as
 * sc.exe prints them).  An empty value leaves the line ending in ": ",
 * as sc.exe's do (LOAD_ORDER_GROUP, DEPENDENCIES, FLAGS).
 */
#include "sc.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "win32.h"

/* SERVICE_USERSERVICE_INSTANCE: a per-user copy of a user service. */
#define SC_USER_SERVICE_INSTANCE 0x00000080

const char *sc_message(DWORD err)
{
    return svc_win32_message(err);
}

DWORD sc_fail(const char *call, DWORD err)
{
    printf("[SC] %s FAILED %lu:\n\n%s\n\n", call, (unsigned long)err, sc_message(err));
    return err;
}

int sc_exit_status(DWORD err)
{
    if (err == NO_ERROR)
        return 0;
    /* A status is 8 bits: 1060 is seen as 36.  Codes that are multiples
     * of 256 would read as success, so they exit 1. */
    return (err & 0xFF) != 0 ? (int)(err & 0xFF) : 1;
}

void sc_print_field(const char *label, const char *fmt, ...)
{
    va_list ap;

    printf("        %-19s: ", label);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
}

static const char *str(const char *s)
{
    return s != NULL ? s : "";
}

static const char *type_name(DWORD type)
{
    return svc_type_display_name(type & ~(DWORD)(SERVICE_INTERACTIVE_PROCESS |
                                                 SC_USER_SERVICE_INSTANCE));
}

/* "20  WIN32_SHARE_PROCESS", "110  WIN32_OWN_PROCESS  (interactive)". */
static void print_type(DWORD type)
{
    const char *name = type_name(type);

    if (name == NULL) {
        sc_print_field("TYPE", "%lx", (unsigned long)type);
        return;
    }
    sc_print_field("TYPE", "%lx  %s%s%s", (unsigned long)type, name,
                   (type & SC_USER_SERVICE_INSTANCE) ? " INSTANCE" : "",
                   (type & SERVICE_INTERACTIVE_PROCESS) ? "  (interactive)" : "");
}

static void print_status_lines(const SERVICE_STATUS *st)
{
    const char *state = svc_state_name(st->dwCurrentState);
    DWORD acc = st->dwControlsAccepted;

    print_type(st->dwServiceType);
    sc_print_field("STATE", "%lu  %s", (unsigned long)st->dwCurrentState, str(state));
    /* sc.exe prints the accepted controls of a service that runs only: a
     * STOPPED one has none, and gets no line for them. */
    if (st->dwCurrentState != SERVICE_STOPPED)
        printf("%32s(%s, %s, %s)\n", "",
               (acc & SERVICE_ACCEPT_STOP) ? "STOPPABLE" : "NOT_STOPPABLE",
               (acc & SERVICE_ACCEPT_PAUSE_CONTINUE) ? "PAUSABLE" : "NOT_PAUSABLE",
               (acc & SERVICE_ACCEPT_SHUTDOWN) ? "ACCEPTS_SHUTDOWN" : "IGNORES_SHUTDOWN");
    sc_print_field("WIN32_EXIT_CODE", "%lu  (0x%lx)", (unsigned long)st->dwWin32ExitCode,
                   (unsigned long)st->dwWin32ExitCode);
    sc_print_field("SERVICE_EXIT_CODE", "%lu  (0x%lx)",
                   (unsigned long)st->dwServiceSpecificExitCode,
                   (unsigned long)st->dwServiceSpecificExitCode);
    sc_print_field("CHECKPOINT", "0x%lx", (unsigned long)st->dwCheckPoint);
    sc_print_field("WAIT_HINT", "0x%lx", (unsigned long)st->dwWaitHint);
}

static void print_header(const char *name, const char *display)
{
    printf("\nSERVICE_NAME: %s\n", str(name));
    if (display != NULL)
        printf("DISPLAY_NAME: %s\n", display);
}

void sc_print_service_status(const char *name, const char *display, const SERVICE_STATUS *st)
{
    print_header(name, display);
    print_status_lines(st);
}

void sc_print_status(const char *name, const char *display,
                     const SERVICE_STATUS_PROCESS *st, int ex)
{
    /* SERVICE_STATUS_PROCESS starts with SERVICE_STATUS's fields. */
    SERVICE_STATUS s = {
        st->dwServiceType, st->dwCurrentState, st->dwControlsAccepted,
        st->dwWin32ExitCode, st->dwServiceSpecificExitCode,
        st->dwCheckPoint, st->dwWaitHint,
    };

    print_header(name, display);
    print_status_lines(&s);
    if (!ex)
        return;
    sc_print_field("PID", "%lu", (unsigned long)st->dwProcessId);
    if (st->dwServiceFlags == 0)
        sc_print_field("FLAGS", "%s", "");
    else if (st->dwServiceFlags == SERVICE_RUNS_IN_SYSTEM_PROCESS)
        sc_print_field("FLAGS", "%s", "RUNS_IN_SYSTEM_PROCESS");
    else
        sc_print_field("FLAGS", "0x%lx", (unsigned long)st->dwServiceFlags);
}

/* "3   DEMAND_START": the number, three spaces, the name. */
static void print_enum_field(const char *label, DWORD v, const char *name)
{
    if (name != NULL)
        sc_print_field(label, "%lu   %s", (unsigned long)v, name);
    else
        sc_print_field(label, "%lu", (unsigned long)v);
}

void sc_print_config(const char *name, const QUERY_SERVICE_CONFIGA *c, int delayed)
{
    const char *dep = c->lpDependencies;

    printf("\nSERVICE_NAME: %s\n", str(name));
    print_type(c->dwServiceType);
    if (delayed && c->dwStartType == SERVICE_AUTO_START)
        sc_print_field("START_TYPE", "%lu   %s  (DELAYED)", (unsigned long)c->dwStartType,
                       svc_start_display_name(c->dwStartType));
    else
        print_enum_field("START_TYPE", c->dwStartType, svc_start_display_name(c->dwStartType));
    print_enum_field("ERROR_CONTROL", c->dwErrorControl,
                     svc_error_control_display_name(c->dwErrorControl));
    sc_print_field("BINARY_PATH_NAME", "%s", str(c->lpBinaryPathName));
    sc_print_field("LOAD_ORDER_GROUP", "%s", str(c->lpLoadOrderGroup));
    sc_print_field("TAG", "%lu", (unsigned long)c->dwTagId);
    sc_print_field("DISPLAY_NAME", "%s", str(c->lpDisplayName));
    /* One dependency a line, the later ones under an empty label; groups
     * keep their '+' (SC_GROUP_IDENTIFIER). */
    if (dep == NULL || *dep == '\0') {
        sc_print_field("DEPENDENCIES", "%s", "");
    } else {
        for (int first = 1; *dep != '\0'; dep += strlen(dep) + 1, first = 0)
            sc_print_field(first ? "DEPENDENCIES" : "", "%s", dep);
    }
    sc_print_field("SERVICE_START_NAME", "%s", str(c->lpServiceStartName));
}
