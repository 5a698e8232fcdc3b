/*
 * console.c - the in-process controller behind `svchost --console`.
 *
 * One thread (the one that called StartServiceCtrlDispatcher) runs a poll
 * loop over three inputs: a self-pipe written by the signal handlers, a
 * wake pipe written whenever a service reports a status, and stdin for
 * commands.  Everything that acts happens in the loop; the signal handler
 * only writes the signal number.
 */
#include "console.h"
#include "dispatcher.h"
#include "log.h"
#include "win32.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define MAIN_GRACE_MS 2000
#define TAG_AUTO 0     /* a control the console sent by itself */
#define TAG_COMMAND 1  /* a control typed on stdin */

struct shown {
    DWORD state, checkpoint, wait_hint;
};

static struct {
    struct svc_dispatcher *d;
    pthread_mutex_t lock;          /* stdout and shown[] */
    struct shown *shown;
    unsigned char *stop_wanted;    /* stop once it leaves START_PENDING */
    int sig_pipe[2];
    int wake_pipe[2];
    int exit_status;
} con = { .lock = PTHREAD_MUTEX_INITIALIZER, .sig_pipe = { -1, -1 }, .wake_pipe = { -1, -1 } };

int svc_console_exit_status(void)
{
    return con.exit_status;
}

static int is_pending(DWORD state)
{
    return state == SERVICE_START_PENDING || state == SERVICE_STOP_PENDING ||
           state == SERVICE_PAUSE_PENDING || state == SERVICE_CONTINUE_PENDING;
}

/* Prints "NAME STATE" and the details a reader needs; con.lock held. */
static void print_status_locked(const char *name, const SERVICE_STATUS *st)
{
    const char *state = svc_state_name(st->dwCurrentState);

    printf("%s %s", name, state ? state : "UNKNOWN");
    if (is_pending(st->dwCurrentState) && (st->dwCheckPoint || st->dwWaitHint))
        printf(" checkpoint=%u wait_hint=%u", st->dwCheckPoint, st->dwWaitHint);
    if (st->dwCurrentState == SERVICE_STOPPED && st->dwWin32ExitCode != NO_ERROR) {
        printf(" win32_exit_code=%u", st->dwWin32ExitCode);
        if (st->dwWin32ExitCode == ERROR_SERVICE_SPECIFIC_ERROR)
            printf(" service_specific_exit_code=%u", st->dwServiceSpecificExitCode);
        printf(" (%s)", svc_win32_message(st->dwWin32ExitCode));
    }
    putchar('\n');
    fflush(stdout);
}

static void wake(void)
{
    char c = 0;
    ssize_t r = write(con.wake_pipe[1], &c, 1);
    (void)r; /* a full pipe already holds a wake-up */
}

static void on_status(void *arg, size_t i, const SERVICE_STATUS *st)
{
    struct shown *sh;

    pthread_mutex_lock(&con.lock);
    sh = &con.shown[i];
    if (sh->state != st->dwCurrentState ||
        (is_pending(st->dwCurrentState) &&
         (sh->checkpoint != st->dwCheckPoint || sh->wait_hint != st->dwWaitHint))) {
        print_status_locked(svc_dispatch_name(con.d, i), st);
        sh->state = st->dwCurrentState;
        sh->checkpoint = st->dwCheckPoint;
        sh->wait_hint = st->dwWaitHint;
    }
    pthread_mutex_unlock(&con.lock);
    wake();
}

static void print_control_name(DWORD control)
{
    const char *cname = svc_control_name(control);
    if (cname)
        printf("%s", cname);
    else
        printf("%u", control);
}

static void on_control_done(void *arg, size_t i, DWORD control, DWORD result, uint64_t tag)
{
    if (tag == TAG_AUTO && result == NO_ERROR)
        return;
    pthread_mutex_lock(&con.lock);
    printf("%s control=", svc_dispatch_name(con.d, i));
    print_control_name(control);
    printf(" result=%u", result);
    if (result != NO_ERROR)
        printf(" (%s)", svc_win32_message(result));
    putchar('\n');
    fflush(stdout);
    pthread_mutex_unlock(&con.lock);
}

static const struct svc_dispatch_ops console_ops = {
    .status = on_status,
    .control_done = on_control_done,
};

static void on_signal(int sig)
{
    int saved = errno;
    unsigned char c = (unsigned char)sig;
    ssize_t r = write(con.sig_pipe[1], &c, 1);
    (void)r;
    errno = saved;
}

/* Prints "NAME: WHAT FAILED N: message", the console's form of sc's
 * "[SC] ControlService FAILED N:". */
static void print_failure(const char *name, const char *what, DWORD err)
{
    pthread_mutex_lock(&con.lock);
    printf("%s: %s FAILED %u: %s\n", name, what, err, svc_win32_message(err));
    fflush(stdout);
    pthread_mutex_unlock(&con.lock);
}

static void start_service(size_t i, int argc, const char *const *argv)
{
    const char *name = svc_dispatch_name(con.d, i);
    SERVICE_STATUS st;
    int rc;

    svc_dispatch_status(con.d, i, &st);
    if (st.dwCurrentState != SERVICE_STOPPED) {
        print_failure(name, "start", ERROR_SERVICE_ALREADY_RUNNING);
        return;
    }
    pthread_mutex_lock(&con.lock);
    memset(&st, 0, sizeof st);
    st.dwCurrentState = SERVICE_START_PENDING;
    print_status_locked(name, &st);
    con.shown[i] = (struct shown){ SERVICE_START_PENDING, 0, 0 };
    pthread_mutex_unlock(&con.lock);

    rc = svc_dispatch_start(con.d, i, argc, argv);
    if (rc < 0) {
        DWORD err = svc_dispatch_error(rc);
        pthread_mutex_lock(&con.lock);
        st.dwCurrentState = SERVICE_STOPPED;
        st.dwWin32ExitCode = err;
        print_status_locked(name, &st);
        con.shown[i] = (struct shown){ SERVICE_STOPPED, 0, 0 };
        pthread_mutex_unlock(&con.lock);
        if (con.exit_status == 0)
            con.exit_status = 1;
    }
}

/* Sends a control the way ControlService would, with its checks.
 * Returns the Win32 result of sending (not of the handler). */
static DWORD send_control(size_t i, DWORD control, uint64_t tag)
{
    SERVICE_STATUS st;
    DWORD err;
    int rc;

    svc_dispatch_status(con.d, i, &st);
    err = svc_control_check(&st, control);
    if (err != NO_ERROR)
        return err;
    rc = svc_dispatch_control(con.d, i, control, tag);
    return rc < 0 ? svc_dispatch_error(rc) : NO_ERROR;
}

static void stop_all(void)
{
    size_t n = svc_dispatch_count(con.d);

    /* Reverse start order: services started later may rely on earlier ones. */
    for (size_t k = n; k-- > 0;) {
        SERVICE_STATUS st;
        svc_dispatch_status(con.d, k, &st);
        if (st.dwCurrentState == SERVICE_STOPPED || st.dwCurrentState == SERVICE_STOP_PENDING)
            continue;
        if (st.dwCurrentState == SERVICE_START_PENDING) {
            con.stop_wanted[k] = 1;
            continue;
        }
        DWORD err = send_control(k, SERVICE_CONTROL_STOP, TAG_AUTO);
        if (err != NO_ERROR)
            print_failure(svc_dispatch_name(con.d, k), "stop", err);
    }
}

/* Services that were asked to stop while starting get STOP once they
 * have left START_PENDING. */
static void stop_deferred(void)
{
    for (size_t k = svc_dispatch_count(con.d); k-- > 0;) {
        SERVICE_STATUS st;
        if (!con.stop_wanted[k])
            continue;
        svc_dispatch_status(con.d, k, &st);
        if (st.dwCurrentState == SERVICE_START_PENDING)
            continue;
        con.stop_wanted[k] = 0;
        if (st.dwCurrentState == SERVICE_STOPPED || st.dwCurrentState == SERVICE_STOP_PENDING)
            continue;
        DWORD err = send_control(k, SERVICE_CONTROL_STOP, TAG_AUTO);
        if (err != NO_ERROR)
            print_failure(svc_dispatch_name(con.d, k), "stop", err);
    }
}

static void paramchange_all(void)
{
    for (size_t k = 0; k < svc_dispatch_count(con.d); k++) {
        SERVICE_STATUS st;
        svc_dispatch_status(con.d, k, &st);
        if (st.dwCurrentState == SERVICE_STOPPED)
            continue;
        if (svc_control_check(&st, SERVICE_CONTROL_PARAMCHANGE) == NO_ERROR)
            send_control(k, SERVICE_CONTROL_PARAMCHANGE, TAG_AUTO);
    }
}

static int all_stopped(void)
{
    for (size_t k = 0; k < svc_dispatch_count(con.d); k++) {
        SERVICE_STATUS st;
        svc_dispatch_status(con.d, k, &st);
        if (st.dwCurrentState != SERVICE_STOPPED)
            return 0;
    }
    return 1;
}

static void print_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void print_line(const char *fmt, ...)
{
    va_list ap;
    pthread_mutex_lock(&con.lock);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    fflush(stdout);
    pthread_mutex_unlock(&con.lock);
}

static void command_status(void)
{
    for (size_t k = 0; k < svc_dispatch_count(con.d); k++) {
        SERVICE_STATUS st;
        svc_dispatch_status(con.d, k, &st);
        pthread_mutex_lock(&con.lock);
        print_status_locked(svc_dispatch_name(con.d, k), &st);
        pthread_mutex_unlock(&con.lock);
    }
}

/* The controls that are commands of their own, named as svc_control_name
 * names them (in any case: "stop", "pause", ...). */
static const DWORD command_controls[] = {
    SERVICE_CONTROL_STOP,
    SERVICE_CONTROL_PAUSE,
    SERVICE_CONTROL_CONTINUE,
    SERVICE_CONTROL_INTERROGATE,
    SERVICE_CONTROL_PARAMCHANGE,
};

/* One command line from stdin; see docs/debug-console.md. */
static void command(char *line)
{
    char *argv[64];
    int argc = 0;
    char *save = NULL;

    for (char *w = strtok_r(line, " \t\r", &save); w && argc < 64; w = strtok_r(NULL, " \t\r", &save))
        argv[argc++] = w;
    if (argc == 0 || argv[0][0] == '#')
        return;
    if (strcmp(argv[0], "help") == 0) {
        print_line("commands: start NAME [ARGS...] | stop|pause|continue|interrogate|paramchange NAME"
                   " | control NAME CODE | status");
        return;
    }
    if (strcmp(argv[0], "status") == 0) {
        command_status();
        return;
    }
    if (argc < 2) {
        print_line("console: '%s' needs a service name (try 'help')", argv[0]);
        return;
    }
    long i = svc_dispatch_find(con.d, argv[1]);
    if (i < 0) {
        print_failure(argv[1], argv[0], ERROR_SERVICE_DOES_NOT_EXIST);
        return;
    }
    if (strcmp(argv[0], "start") == 0) {
        start_service((size_t)i, argc - 2, (const char *const *)argv + 2);
        return;
    }
    DWORD control = 0;
    int known = 0;
    for (size_t k = 0; k < sizeof command_controls / sizeof command_controls[0]; k++) {
        if (strcasecmp(argv[0], svc_control_name(command_controls[k])) == 0) {
            control = command_controls[k];
            known = 1;
        }
    }
    if (strcmp(argv[0], "control") == 0) {
        char *end;
        if (argc < 3) {
            print_line("console: usage: control NAME CODE");
            return;
        }
        unsigned long v = strtoul(argv[2], &end, 0);
        if (*end == '\0' && end != argv[2] && v <= 0xFFFFFFFFul)
            control = (DWORD)v;
        else if (svc_control_parse(argv[2], &control) != 0) {
            print_line("console: unknown control '%s'", argv[2]);
            return;
        }
        known = 1;
    }
    if (!known) {
        print_line("console: unknown command '%s' (try 'help')", argv[0]);
        return;
    }
    DWORD err = send_control((size_t)i, control, TAG_COMMAND);
    if (err != NO_ERROR)
        print_failure(svc_dispatch_name(con.d, (size_t)i), argv[0], err);
}

/* Splits what stdin gave into lines; keeps a partial last line. */
static int read_commands(int fd, char *buf, size_t *len, size_t cap)
{
    ssize_t r = read(fd, buf + *len, cap - 1 - *len);
    if (r <= 0)
        return r == 0 || (errno != EINTR && errno != EAGAIN) ? -1 : 0;
    *len += (size_t)r;
    for (;;) {
        char *nl = memchr(buf, '\n', *len);
        if (nl == NULL)
            break;
        *nl = '\0';
        command(buf);
        size_t used = (size_t)(nl - buf) + 1;
        memmove(buf, nl + 1, *len - used);
        *len -= used;
    }
    if (*len == cap - 1) {
        print_line("console: command line too long");
        *len = 0;
    }
    return 0;
}

static int make_pipe(int p[2])
{
    if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0)
        return -errno;
    return 0;
}

static void close_pipe(int p[2])
{
    for (int k = 0; k < 2; k++) {
        if (p[k] >= 0)
            close(p[k]);
        p[k] = -1;
    }
}

DWORD svc_console_run(const SERVICE_TABLE_ENTRYA *table)
{
    static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
    struct sigaction sa, old[3];
    char cmdbuf[4096];
    size_t cmdlen = 0;
    int stdin_open = 1, stopping = 0, forced = 0;
    size_t n;
    int rc;

    if (make_pipe(con.sig_pipe) < 0 || make_pipe(con.wake_pipe) < 0) {
        close_pipe(con.sig_pipe);
        close_pipe(con.wake_pipe);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    rc = svc_dispatcher_create(table, &console_ops, NULL, &con.d);
    if (rc < 0) {
        close_pipe(con.sig_pipe);
        close_pipe(con.wake_pipe);
        return svc_dispatch_error(rc);
    }
    n = svc_dispatch_count(con.d);
    con.shown = calloc(n, sizeof *con.shown);
    con.stop_wanted = calloc(n, 1);
    if (con.shown == NULL || con.stop_wanted == NULL) {
        free(con.shown);
        free(con.stop_wanted);
        con.shown = NULL;
        con.stop_wanted = NULL;
        close_pipe(con.sig_pipe);
        close_pipe(con.wake_pipe);
        return ERROR_NOT_ENOUGH_MEMORY;
    }

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (int k = 0; k < 3; k++)
        sigaction(sigs[k], &sa, &old[k]);

    for (size_t k = 0; k < n; k++)
        start_service(k, 0, NULL);

    while (!all_stopped()) {
        struct pollfd pfd[3] = {
            { .fd = con.sig_pipe[0], .events = POLLIN },
            { .fd = con.wake_pipe[0], .events = POLLIN },
            { .fd = stdin_open ? STDIN_FILENO : -1, .events = POLLIN },
        };
        if (poll(pfd, 3, -1) < 0) {
            if (errno == EINTR)
                continue;
            log_warn("console: poll");
            break;
        }
        if (pfd[0].revents & POLLIN) {
            unsigned char sig;
            while (read(con.sig_pipe[0], &sig, 1) == 1) {
                if (sig == SIGHUP) {
                    paramchange_all();
                } else if (!stopping) {
                    stopping = 1;
                    stop_all();
                } else {
                    forced = 1;
                }
            }
        }
        if (forced)
            break;
        if (pfd[1].revents & POLLIN) {
            char drain[256];
            while (read(con.wake_pipe[0], drain, sizeof drain) > 0)
                ;
            stop_deferred();
        }
        if (pfd[2].revents & (POLLIN | POLLHUP | POLLERR)) {
            if (read_commands(STDIN_FILENO, cmdbuf, &cmdlen, sizeof cmdbuf) < 0)
                stdin_open = 0;
        }
        if (pfd[2].revents & POLLNVAL)
            stdin_open = 0;
    }

    for (size_t k = 0; k < n; k++) {
        SERVICE_STATUS st;
        svc_dispatch_status(con.d, k, &st);
        if (st.dwCurrentState != SERVICE_STOPPED) {
            print_line("console: %s still %s; quitting anyway", svc_dispatch_name(con.d, k),
                       svc_state_name(st.dwCurrentState));
            con.exit_status = 1;
        } else if (st.dwWin32ExitCode != NO_ERROR) {
            con.exit_status = 1;
        }
    }
    /* Give ServiceMain functions that reported STOPPED a moment to return
     * and clean up before the process ends. */
    if (!forced && svc_dispatch_wait_mains(con.d, MAIN_GRACE_MS) < 0)
        log_warnx("console: %zu ServiceMain thread(s) did not return", svc_dispatch_mains_running(con.d));

    for (int k = 0; k < 3; k++)
        sigaction(sigs[k], &old[k], NULL);
    return NO_ERROR;
}

/* ---- As a controller ------------------------------------------------------ */

static int console_mode;

void svc_dispatcher_use_console(int enable)
{
    console_mode = enable;
}

static int console_selected(void)
{
    const char *env = getenv("SVCHOST_CONSOLE");

    return console_mode || (env != NULL && strcmp(env, "1") == 0);
}

const struct svc_controller svc_console_controller = {
    .name = "console",
    .selected = console_selected,
    .run = svc_console_run,
};
