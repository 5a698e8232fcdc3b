/*
 * logger.c - test plugin: a service that writes lines with the host's Log().
 *
 * [Parameters]
 *   Lines    (default 1): before reporting RUNNING, each of Threads threads
 *            logs Lines lines "line I of N from thread T" at Level;
 *   Threads  (default 1, at most 16);
 *   Level    (default 2, SVCHOST_LOG_INFO);
 *   Long     (default 0): 1 also logs a line of 3000 'x' after "long:" and
 *            a line with a newline and a tab in it ("two\nlines\tand a tab");
 *   Foreign  (unset): a service name; logs one line "not mine" under that
 *            name, as a plugin that names a service it does not run.
 * Then RUNNING, accepting STOP:
 *   128..255 logs "control N" (at Level);
 *   STOP     reports STOPPED, then logs "stopped cleanly" from ServiceMain
 *            after the report, as plugins do in their last words.
 */
#include "testplugin.h"

#include <string.h>

TP_EXPORT_PUSH_GLOBALS

struct flood {
    const char *name;
    DWORD lines, level;
    unsigned thread;
};

static void tp_log(const char *name, DWORD level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Log() takes a format and variable arguments: the text goes as "%s". */
static void tp_log(const char *name, DWORD level, const char *fmt, ...)
{
    const SVCHOST_GLOBALS *g = tp_globals;
    char text[4096];
    va_list ap;

    if (!SVCHOST_GLOBALS_HAS(g, Log))
        return;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    g->Log(name, level, "%s", text);
}

static void *flood_thread(void *arg)
{
    struct flood *f = arg;

    for (DWORD i = 1; i <= f->lines; i++)
        tp_log(f->name, f->level, "line %lu of %lu from thread %u", (unsigned long)i,
               (unsigned long)f->lines, f->thread);
    return NULL;
}

struct logger {
    struct tp_service s;
    DWORD level;
};

static DWORD logger_other(void *ctx, DWORD control)
{
    struct logger *l = ctx;

    if (control < 128 || control > 255)
        return ERROR_CALL_NOT_IMPLEMENTED;
    tp_log(l->s.name, l->level, "control %lu", (unsigned long)control);
    return NO_ERROR;
}

static DWORD WINAPI logger_handler(DWORD control, DWORD event_type, LPVOID event_data,
                                   LPVOID context)
{
    struct logger *l = context;

    (void)event_type;
    (void)event_data;
    return tp_control(&l->s, control, logger_other, l);
}

SVCHOST_EXPORT VOID WINAPI ServiceMain(DWORD argc, LPSTR *argv)
{
    struct logger l;
    struct flood floods[16];
    pthread_t threads[16];
    DWORD lines, nthreads;
    char *foreign, *name;

    (void)argc;
    /* Kept past ServiceMain's use of argv: the last line comes after
     * STOPPED is reported. */
    name = strdup(argv[0]);
    if (name == NULL)
        return;
    tp_service_init(&l.s, name, SERVICE_ACCEPT_STOP);
    l.s.handle = RegisterServiceCtrlHandlerExA(name, logger_handler, &l);
    if (l.s.handle == NULL)
        goto out;
    lines = tp_get_dword(name, "Lines", 1);
    nthreads = tp_get_dword(name, "Threads", 1);
    if (nthreads < 1 || nthreads > 16)
        nthreads = 1;
    l.level = tp_get_dword(name, "Level", SVCHOST_LOG_INFO);

    pthread_mutex_lock(&l.s.lock);
    tp_report_locked(&l.s, SERVICE_START_PENDING);
    pthread_mutex_unlock(&l.s.lock);

    for (DWORD t = 0; t < nthreads; t++) {
        floods[t] = (struct flood){ .name = name, .lines = lines, .level = l.level, .thread = t };
        if (pthread_create(&threads[t], NULL, flood_thread, &floods[t]) != 0)
            nthreads = t;
    }
    for (DWORD t = 0; t < nthreads; t++)
        pthread_join(threads[t], NULL);
    if (tp_get_dword(name, "Long", 0)) {
        char long_line[3001];

        memset(long_line, 'x', 3000);
        long_line[3000] = '\0';
        tp_log(name, l.level, "long:%s", long_line);
        tp_log(name, l.level, "two\nlines\tand a tab");
    }
    foreign = tp_get_string(name, "Foreign");
    if (foreign != NULL)
        tp_log(foreign, l.level, "not mine");
    free(foreign);

    pthread_mutex_lock(&l.s.lock);
    tp_report_locked(&l.s, SERVICE_RUNNING);
    tp_wait_stop_locked(&l.s);
    tp_report_stopped_unlock(&l.s);
    tp_log(name, l.level, "stopped cleanly");
out:
    tp_service_destroy(&l.s);
    free(name);
}
