/*
 * events.c - the event log: one line per event in ROOT/log/events.log
 * ("TIME ID SERVICE TEXT"), also sent to syslog.  IDs and texts follow the
 * Windows Service Control Manager's (7036 entered a state, 7045 installed,
 * 7000 failed to start, ...).
 */
#include "scm.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

static int events_fd = -1;

int scm_events_open(void)
{
    char *dir, *path;

    if (asprintf(&dir, "%s/log", g_scm.root) < 0)
        return -ENOMEM;
    if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
        int rc = -errno;
        free(dir);
        return rc;
    }
    if (asprintf(&path, "%s/events.log", dir) < 0) {
        free(dir);
        return -ENOMEM;
    }
    free(dir);
    events_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    free(path);
    if (events_fd < 0)
        return -errno;
    openlog("scmd", LOG_PID, LOG_DAEMON);
    return 0;
}

void scm_event(unsigned id, const char *service, const char *fmt, ...)
{
    char text[1024], line[1200], stamp[40];
    struct timespec ts;
    struct tm tm;
    va_list ap;
    int n;

    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
    n = snprintf(line, sizeof line, "%s.%03ldZ %u %s %s\n", stamp, ts.tv_nsec / 1000000L, id,
                 service ? service : "-", text);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof line)
        n = (int)sizeof line - 1;
    /* One write per line with O_APPEND keeps lines whole. */
    if (events_fd >= 0 && write(events_fd, line, (size_t)n) < 0)
        log_warn("events.log");
    syslog(id == 7036 || id == 7045 ? LOG_INFO : LOG_ERR, "%u %s %s", id, service ? service : "-",
           text);
    log_debug("event %u %s %s", id, service ? service : "-", text);
}
