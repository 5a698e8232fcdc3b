/*
 * events.c - the event log (see events.h).
 */
#include "events.h"
#include "log.h"
#include "paths.h"
#include "proto.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

static int64_t monotonic_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int scm_events_open(struct scm *scm)
{
    char *path = svc_path_events_log(scm->root);

    if (path == NULL)
        return -ENOMEM;
    scm->events_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    free(path);
    if (scm->events_fd < 0)
        return -errno;
    openlog("scmd", LOG_PID, LOG_DAEMON);
    scm->syslog_absent = access(_PATH_LOG, W_OK) != 0;
    scm->syslog_looked_ms = monotonic_ms();
    return 0;
}

void scm_events_close(struct scm *scm)
{
    if (scm->events_fd >= 0)
        close(scm->events_fd);
    scm->events_fd = -1;
}

/* syslog's priority: Windows logs these as Information, the other SCM
 * events as Error (7031, 7034: Error; the plugin levels are their own). */
static int priority(unsigned id)
{
    switch (id) {
    case SCM_EVENT_PLUGIN_ERROR: return LOG_ERR;
    case SCM_EVENT_PLUGIN_WARNING: return LOG_WARNING;
    case SCM_EVENT_PLUGIN_INFO:
    case SCM_EVENT_PERMISSIONS_CHANGED:
    case 7036:
    case 7040:
    case 7045:
    case 7200:
    case 7201: return LOG_INFO;
    default: return LOG_ERR;
    }
}

/*
 * Whether to hand the event to syslog.  While nothing listens on
 * /dev/log (no syslog daemon, as in many containers), glibc's syslog()
 * tries to connect again at every call: a socket, a connect and a close
 * per event, a tenth of scmd's time when 1,000 services start.  So
 * without /dev/log, events go to events.log alone, and /dev/log is
 * looked for again at most once a second.
 */
#define SYSLOG_LOOK_MS 1000

static int syslog_wanted(struct scm *scm)
{
    int64_t now;

    if (!scm->syslog_absent)
        return 1;
    now = monotonic_ms();
    if (now - scm->syslog_looked_ms < SYSLOG_LOOK_MS)
        return 0;
    scm->syslog_looked_ms = now;
    scm->syslog_absent = access(_PATH_LOG, W_OK) != 0;
    return !scm->syslog_absent;
}

void scm_event_text(struct scm *scm, unsigned id, const char *service, const char *text)
{
    char line[1600], stamp[40];
    struct timespec ts;
    struct tm tm;
    int n;

    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
    n = snprintf(line, sizeof line, "%s.%03ldZ %u %s %s\n", stamp, ts.tv_nsec / 1000000L, id,
                 service ? service : "-", text);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof line) {
        n = (int)sizeof line - 1;
        line[n - 1] = '\n';
    }
    /* One write per line with O_APPEND keeps lines whole. */
    if (scm->events_fd >= 0 && write(scm->events_fd, line, (size_t)n) < 0)
        log_warn("events.log");
    if (syslog_wanted(scm))
        syslog(priority(id), "%u %s %s", id, service ? service : "-", text);
    log_debug("event %u %s %s", id, service ? service : "-", text);
}

void scm_event(struct scm *scm, unsigned id, const char *service, const char *fmt, ...)
{
    char text[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    scm_event_text(scm, id, service, text);
}

void scm_event_plugin(struct scm *scm, const char *service, unsigned level, const char *text)
{
    char clean[SVC_MSG_HOST_LOG_MAX_TEXT + 1];
    size_t i;

    if (level > SCM_EVENT_PLUGIN_INFO)
        level = SCM_EVENT_PLUGIN_INFO;
    for (i = 0; text[i] != '\0' && i < sizeof clean - 1; i++)
        clean[i] = (unsigned char)text[i] < 0x20 || text[i] == 0x7f ? ' ' : text[i];
    clean[i] = '\0';
    scm_event_text(scm, level, service, clean);
}
