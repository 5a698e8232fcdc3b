/*
 * earlyreturn.c - test plugin: ServiceMain returns early.
 *
 * [Parameters]
 *   Running  0 (default): ServiceMain registers its handler, reports
 *            START_PENDING (checkpoint 1, wait hint 1000) and returns
 *            without reporting RUNNING or STOPPED.  The host then stops
 *            the service with ERROR_PROCESS_ABORTED (1067).
 *            1: ServiceMain reports RUNNING (accepting STOP) and returns at
 *            once.  As on Windows the service keeps running and its
 *            handler still gets controls:
 *              STOP         reports STOPPED (exit code 0) from the handler;
 *              128..255     appends "control N\n" to [Parameters] Out;
 *              INTERROGATE  NO_ERROR;  other  ERROR_CALL_NOT_IMPLEMENTED.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <svchost/svchost.h>

static const SVCHOST_GLOBALS *_Atomic globals;

/* Running = 1 only.  ServiceMain has returned, so only the handler (one
 * control at a time) uses it; STOP frees it. */
struct early {
    SERVICE_STATUS_HANDLE handle;
    SERVICE_STATUS status;
    char *out;
};

SVCHOST_EXPORT VOID WINAPI SvchostPushServiceGlobals(const SVCHOST_GLOBALS *g)
{
    globals = g;
}

/* A copy of [Parameters] key, or NULL if missing (or out of memory). */
static char *get_string(const char *service, const char *key)
{
    const SVCHOST_GLOBALS *g = globals;
    DWORD cb = 0;
    char *buf = NULL;

    if (!SVCHOST_GLOBALS_HAS(g, GetParameter))
        return NULL;
    for (;;) {   /* the value may grow between the size query and the read */
        DWORD r = g->GetParameter(service, key, buf, &cb);
        if (r == ERROR_SUCCESS && buf != NULL)
            return buf;
        free(buf);
        if (r != ERROR_MORE_DATA && r != ERROR_SUCCESS)
            return NULL;
        buf = malloc(cb ? cb : 1);
        if (buf == NULL)
            return NULL;
    }
}

static DWORD WINAPI pending_handler(DWORD control, DWORD event_type, LPVOID event_data,
                                    LPVOID context)
{
    (void)event_type;
    (void)event_data;
    (void)context;
    return control == SERVICE_CONTROL_INTERROGATE ? NO_ERROR : ERROR_CALL_NOT_IMPLEMENTED;
}

static DWORD WINAPI running_handler(DWORD control, DWORD event_type, LPVOID event_data,
                                    LPVOID context)
{
    struct early *e = context;

    (void)event_type;
    (void)event_data;
    if (control == SERVICE_CONTROL_INTERROGATE)
        return NO_ERROR;
    if (control == SERVICE_CONTROL_STOP) {
        e->status.dwCurrentState = SERVICE_STOPPED;
        e->status.dwControlsAccepted = 0;
        SetServiceStatus(e->handle, &e->status);
        free(e->out);
        free(e);
        return NO_ERROR;
    }
    if (control >= 128 && control <= 255) {
        if (e->out != NULL) {
            char line[32];
            int len = snprintf(line, sizeof line, "control %lu\n", (unsigned long)control);
            int fd = open(e->out, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
            if (fd >= 0) {
                (void)!write(fd, line, (size_t)len);
                close(fd);
            }
        }
        return NO_ERROR;
    }
    return ERROR_CALL_NOT_IMPLEMENTED;
}

SVCHOST_EXPORT VOID WINAPI ServiceMain(DWORD argc, LPSTR *argv)
{
    const SVCHOST_GLOBALS *g = globals;
    SERVICE_STATUS st = { .dwServiceType = SERVICE_WIN32_SHARE_PROCESS };
    SERVICE_STATUS_HANDLE h;
    DWORD running = 0;
    struct early *e;

    (void)argc;
    /* Read first: which handler to register depends on it. */
    if (SVCHOST_GLOBALS_HAS(g, GetParameterDword))
        g->GetParameterDword(argv[0], "Running", &running);

    if (!running) {
        h = RegisterServiceCtrlHandlerExA(argv[0], pending_handler, NULL);
        st.dwCurrentState = SERVICE_START_PENDING;
        st.dwCheckPoint = 1;
        st.dwWaitHint = 1000;
        if (h != NULL)
            SetServiceStatus(h, &st);
        return;
    }

    e = calloc(1, sizeof *e);
    if (e == NULL)
        return;
    e->out = get_string(argv[0], "Out");
    e->status.dwServiceType = SERVICE_WIN32_SHARE_PROCESS;
    e->status.dwCurrentState = SERVICE_RUNNING;
    e->status.dwControlsAccepted = SERVICE_ACCEPT_STOP;
    e->handle = RegisterServiceCtrlHandlerExA(argv[0], running_handler, e);
    if (e->handle == NULL) {
        free(e->out);
        free(e);
        return;
    }
    /* From a copy: once RUNNING is reported a STOP may free e at any time. */
    st = e->status;
    SetServiceStatus(e->handle, &st);
}
