#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *log_progname = "svchost";
static int log_max = SVC_LOG_INFO;

void log_init(const char *progname, int level)
{
    if (progname != NULL)
        log_progname = progname;
    log_max = level;
}

int log_level(void)
{
    return log_max;
}

/* One fprintf per line keeps lines from different threads whole: stdio
 * locks the stream for the duration of each call. */
static void log_emit(int level, const char *tag, const char *fmt, va_list ap)
{
    static const char *names[] = { "error", "warning", "info", "debug" };
    char msg[1024];

    if (level > log_max)
        return;
    vsnprintf(msg, sizeof msg, fmt, ap);
    fprintf(stderr, "%s: %s%s%s%s%s%s\n", log_progname,
            level <= SVC_LOG_WARNING ? names[level] : "",
            level <= SVC_LOG_WARNING ? ": " : "",
            tag ? "[" : "", tag ? tag : "", tag ? "] " : "", msg);
}

void log_vmsg(int level, const char *tag, const char *fmt, va_list ap)
{
    if (level < 0)
        level = SVC_LOG_ERROR;
    if (level > SVC_LOG_DEBUG)
        level = SVC_LOG_DEBUG;
    log_emit(level, tag, fmt, ap);
}

void log_msg(int level, const char *tag, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_vmsg(level, tag, fmt, ap);
    va_end(ap);
}

static void log_errno(int level, const char *fmt, va_list ap)
{
    char buf[1024];
    int saved = errno;

    if (level > log_max)
        return;
    vsnprintf(buf, sizeof buf, fmt, ap);
    log_msg(level, NULL, "%s: %s", buf, strerror(saved));
    errno = saved;
}

void log_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_errno(SVC_LOG_WARNING, fmt, ap);
    va_end(ap);
}

void log_warnx(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_vmsg(SVC_LOG_WARNING, NULL, fmt, ap);
    va_end(ap);
}

void log_info(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_vmsg(SVC_LOG_INFO, NULL, fmt, ap);
    va_end(ap);
}

void log_debug(const char *fmt, ...)
{
    va_list ap;
    if (log_max < SVC_LOG_DEBUG)
        return;
    va_start(ap, fmt);
    log_vmsg(SVC_LOG_DEBUG, NULL, fmt, ap);
    va_end(ap);
}

void fatal(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_errno(SVC_LOG_ERROR, fmt, ap);
    va_end(ap);
    exit(1);
}

void fatalx(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_vmsg(SVC_LOG_ERROR, NULL, fmt, ap);
    va_end(ap);
    exit(1);
}
