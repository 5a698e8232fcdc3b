/*
 * log.h - logging helpers in the style of OpenBSD's log.h.
 *
 * log_warn()/fatal() append the text of errno; log_warnx()/fatalx() do not.
 * Messages go to stderr, prefixed with the program name set by log_init().
 * The level is checked before anything is formatted.
 */
#ifndef SVC_LOG_H
#define SVC_LOG_H

#include <stdarg.h>

enum svc_log_level {
    SVC_LOG_ERROR = 0,
    SVC_LOG_WARNING = 1,
    SVC_LOG_INFO = 2,
    SVC_LOG_DEBUG = 3,
};

#define SVC_PRINTF(f, a) __attribute__((format(printf, f, a)))

/* Sets the program name printed before each line and the highest level
 * printed (SVC_LOG_INFO by default). */
void log_init(const char *progname, int level);
int log_level(void);

void log_warn(const char *fmt, ...) SVC_PRINTF(1, 2);
void log_warnx(const char *fmt, ...) SVC_PRINTF(1, 2);
void log_info(const char *fmt, ...) SVC_PRINTF(1, 2);
void log_debug(const char *fmt, ...) SVC_PRINTF(1, 2);
/* Writes at `level` with an optional tag ("[tag] message"). */
void log_msg(int level, const char *tag, const char *fmt, ...) SVC_PRINTF(3, 4);
void log_vmsg(int level, const char *tag, const char *fmt, va_list ap) SVC_PRINTF(3, 0);
/* Log and exit(1). */
void fatal(const char *fmt, ...) SVC_PRINTF(1, 2) __attribute__((noreturn));
void fatalx(const char *fmt, ...) SVC_PRINTF(1, 2) __attribute__((noreturn));

#endif
