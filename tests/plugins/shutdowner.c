/*
 * shutdowner.c - test plugin: records the shutdown controls it receives.
 *
 * [Parameters]
 *   Out          the file every control is appended to (one line each,
 *                written with one write(), so services sharing the file,
 *                in one host or several, never interleave).
 *   Accept       comma-separated controls it accepts: preshutdown,
 *                shutdown, stop (default: stop).
 *   Ignore       1: it records the control, answers NO_ERROR and goes on
 *                running (a service that ignores everything).
 *   StopDelayMs  how long it stays STOP_PENDING before STOPPED (default
 *                200), so that a service stopped too early shows.
 *
 * The lines, in the order things happened:
 *   NAME running                 it reported RUNNING
 *   NAME PRESHUTDOWN|SHUTDOWN|STOP|CONTROL N   the handler was called
 *   NAME stopped                 just before it reports STOPPED
 * each prefixed by the time (CLOCK_REALTIME, in milliseconds since the
 * epoch: what a shell's $EPOCHREALTIME shows, times 1000).
 *
 * A control it does not accept answers ERROR_CALL_NOT_IMPLEMENTED, and
 * is still recorded (so that a control it should never have been sent
 * shows); INTERROGATE answers NO_ERROR and is not recorded.
 */
#include <string.h>
#include <strings.h>

#include "testplugin.h"

struct shutdowner {
    struct tp_service s;
    DWORD stop_delay_ms;
    bool ignore;
};

TP_EXPORT_PUSH_GLOBALS

static const char *control_word(DWORD control, char *buf, size_t len)
{
    switch (control) {
    case SERVICE_CONTROL_PRESHUTDOWN: return "PRESHUTDOWN";
    case SERVICE_CONTROL_SHUTDOWN: return "SHUTDOWN";
    case SERVICE_CONTROL_STOP: return "STOP";
    default:
        snprintf(buf, len, "CONTROL %lu", (unsigned long)control);
        return buf;
    }
}

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static void record(const struct shutdowner *p, const char *what)
{
    tp_append_line(p->s.out, "%.3f %s %s", now_ms(), p->s.name, what);
}

static DWORD accepted_flags(const char *service)
{
    char *list = tp_get_string(service, "Accept");
    char *save = NULL;
    DWORD flags = 0;

    if (list == NULL)
        return SERVICE_ACCEPT_STOP;
    for (char *w = strtok_r(list, ", ", &save); w != NULL; w = strtok_r(NULL, ", ", &save)) {
        if (strcasecmp(w, "preshutdown") == 0)
            flags |= SERVICE_ACCEPT_PRESHUTDOWN;
        else if (strcasecmp(w, "shutdown") == 0)
            flags |= SERVICE_ACCEPT_SHUTDOWN;
        else if (strcasecmp(w, "stop") == 0)
            flags |= SERVICE_ACCEPT_STOP;
    }
    free(list);
    return flags;
}

static DWORD control_flag(DWORD control)
{
    switch (control) {
    case SERVICE_CONTROL_PRESHUTDOWN: return SERVICE_ACCEPT_PRESHUTDOWN;
    case SERVICE_CONTROL_SHUTDOWN: return SERVICE_ACCEPT_SHUTDOWN;
    case SERVICE_CONTROL_STOP: return SERVICE_ACCEPT_STOP;
    default: return 0;
    }
}

static DWORD WINAPI handler(DWORD control, DWORD event_type, LPVOID event_data, LPVOID context)
{
    struct shutdowner *p = context;
    char buf[32];
    DWORD rc = NO_ERROR;

    (void)event_type;
    (void)event_data;
    if (control == SERVICE_CONTROL_INTERROGATE)
        return NO_ERROR;
    record(p, control_word(control, buf, sizeof buf));
    if (control_flag(control) == 0 || (p->s.accepted & control_flag(control)) == 0)
        return ERROR_CALL_NOT_IMPLEMENTED;
    pthread_mutex_lock(&p->s.lock);
    if (p->s.stopped || p->s.stop_requested) {
        rc = ERROR_SERVICE_CANNOT_ACCEPT_CTRL;
    } else if (!p->ignore) {
        /* Each of the three ends the service, as Windows expects. */
        tp_report_locked(&p->s, SERVICE_STOP_PENDING);
        tp_signal_stop_locked(&p->s);
    }
    pthread_mutex_unlock(&p->s.lock);
    return rc;
}

SVCHOST_EXPORT VOID WINAPI ServiceMain(DWORD argc, LPSTR *argv)
{
    struct shutdowner p = { 0 };

    (void)argc;
    tp_service_init(&p.s, argv[0], accepted_flags(argv[0]));
    p.stop_delay_ms = tp_get_dword(p.s.name, "StopDelayMs", 200);
    p.ignore = tp_get_dword(p.s.name, "Ignore", 0) != 0;
    p.s.out = tp_get_string(p.s.name, "Out");
    p.s.handle = RegisterServiceCtrlHandlerExA(p.s.name, handler, &p);
    if (p.s.handle == NULL)
        goto out;

    pthread_mutex_lock(&p.s.lock);
    tp_report_locked(&p.s, SERVICE_START_PENDING);
    record(&p, "running");
    tp_report_locked(&p.s, SERVICE_RUNNING);
    while (!p.s.stop_requested)
        pthread_cond_wait(&p.s.cond, &p.s.lock);
    pthread_mutex_unlock(&p.s.lock);
    usleep((useconds_t)p.stop_delay_ms * 1000);
    pthread_mutex_lock(&p.s.lock);
    tp_mark_stopped_locked(&p.s);
    record(&p, "stopped");
    tp_report_stopped_unlock(&p.s);
out:
    tp_service_destroy(&p.s);
}
