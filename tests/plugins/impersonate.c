/*
 * impersonate.c - test plugin: opens files as its clients
 * (SvchostImpersonateClient, SvchostRevertToSelf).
 *
 * [Parameters]
 *   Socket   the path of the Unix stream socket it listens on (made
 *            connectable by every user); without it (an own-process
 *            service has no [Parameters] to read, tests/tools/
 *            impersonate_own.c), the first start argument.
 *
 * A thread of its own (created with pthread_create, so it works for the
 * service) serves one client at a time.  The client sends a file path and
 * a newline; the service answers, one line each:
 *   impersonate ok | impersonate error N    SvchostImpersonateClient
 * and after "ok":
 *   as UID GID           the thread's effective uid and gid meanwhile
 *   process uid UID      the effective uid of the host's main thread
 *                        meanwhile (/proc/self/status), which must not change
 *   open ok | open errno N    open(PATH, O_RDONLY) as the client
 *   revert ok | revert error N    SvchostRevertToSelf
 * and in every case, last:
 *   uid UID              the thread's effective uid afterwards
 * then closes the connection.
 *
 * Reports RUNNING once it listens; a socket it cannot make stops the
 * service with ERROR_SERVICE_SPECIFIC_ERROR and the errno as its own code
 * (no Socket parameter: ERROR_INVALID_PARAMETER).  STOP ends the serving thread and reports
 * STOPPED (exit code 0).
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>

#include "testplugin.h"

TP_EXPORT_PUSH_GLOBALS

struct imp {
    struct tp_service s;
    int lfd;
    pthread_t thread;
};

/* Writes the whole line (fmt plus a newline) to fd. */
static void answer(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void answer(int fd, const char *fmt, ...)
{
    char line[256];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(line, sizeof line - 1, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n > sizeof line - 2)
        n = (int)sizeof line - 2;
    line[n++] = '\n';
    for (int off = 0; off < n;) {
        ssize_t w = write(fd, line + off, (size_t)(n - off));
        if (w <= 0)
            return;
        off += (int)w;
    }
}

/* The effective uid of the thread group leader (the host's main thread). */
static long process_euid(void)
{
    char line[256];
    long r = -1, e = -1;
    FILE *f = fopen("/proc/self/status", "re");

    if (f == NULL)
        return -1;
    while (fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, "Uid: %ld %ld", &r, &e) == 2)
            break;
    fclose(f);
    return e;
}

static void serve(int cfd)
{
    char path[1024];
    size_t len = 0;
    int fd;

    while (len < sizeof path - 1) {
        ssize_t n = read(cfd, path + len, sizeof path - 1 - len);
        if (n <= 0)
            break;
        len += (size_t)n;
        if (memchr(path, '\n', len) != NULL)
            break;
    }
    path[len] = '\0';
    path[strcspn(path, "\n")] = '\0';

    if (!SvchostImpersonateClient(cfd)) {
        answer(cfd, "impersonate error %lu", (unsigned long)GetLastError());
    } else {
        answer(cfd, "impersonate ok");
        answer(cfd, "as %ld %ld", (long)syscall(SYS_geteuid), (long)syscall(SYS_getegid));
        answer(cfd, "process uid %ld", process_euid());
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
            close(fd);
            answer(cfd, "open ok");
        } else {
            answer(cfd, "open errno %d", errno);
        }
        if (SvchostRevertToSelf())
            answer(cfd, "revert ok");
        else
            answer(cfd, "revert error %lu", (unsigned long)GetLastError());
    }
    answer(cfd, "uid %ld", (long)syscall(SYS_geteuid));
}

static void *server(void *arg)
{
    struct imp *p = arg;

    for (;;) {
        int cfd = accept4(p->lfd, NULL, NULL, SOCK_CLOEXEC);

        if (cfd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            return NULL;    /* shut down by STOP */
        }
        serve(cfd);
        close(cfd);
    }
}

/* Listens on path: 0 or an errno. */
static int listen_on(struct imp *p, const char *path)
{
    struct sockaddr_un a = { .sun_family = AF_UNIX };

    if (strlen(path) >= sizeof a.sun_path)
        return ENAMETOOLONG;
    strcpy(a.sun_path, path);
    unlink(path);
    p->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (p->lfd < 0)
        return errno;
    if (bind(p->lfd, (struct sockaddr *)&a, sizeof a) < 0 || chmod(path, 0666) < 0 ||
        listen(p->lfd, 8) < 0) {
        int e = errno;
        close(p->lfd);
        p->lfd = -1;
        return e;
    }
    return 0;
}

SVCHOST_EXPORT VOID WINAPI ServiceMain(DWORD argc, LPSTR *argv)
{
    struct imp p = { .lfd = -1 };
    char *path;
    int err;

    tp_service_init(&p.s, argv[0], SERVICE_ACCEPT_STOP);
    p.s.handle = RegisterServiceCtrlHandlerExA(p.s.name, tp_stop_handler, &p.s);
    if (p.s.handle == NULL)
        goto out;
    pthread_mutex_lock(&p.s.lock);
    tp_report_locked(&p.s, SERVICE_START_PENDING);
    path = tp_get_string(p.s.name, "Socket");
    if (path == NULL && argc > 1)
        path = strdup(argv[1]);
    err = path == NULL ? -1 : listen_on(&p, path);
    if (err == 0 && (err = pthread_create(&p.thread, NULL, server, &p)) != 0) {
        close(p.lfd);
        p.lfd = -1;
    }
    if (err < 0) {
        tp_mark_stopped_locked(&p.s);
        p.s.status.dwWin32ExitCode = ERROR_INVALID_PARAMETER;
        tp_report_stopped_unlock(&p.s);
        goto out;
    }
    if (err != 0) {
        tp_mark_stopped_locked(&p.s);
        p.s.status.dwWin32ExitCode = ERROR_SERVICE_SPECIFIC_ERROR;
        p.s.status.dwServiceSpecificExitCode = (DWORD)err;
        tp_report_stopped_unlock(&p.s);
        free(path);
        goto out;
    }
    tp_report_locked(&p.s, SERVICE_RUNNING);
    tp_wait_stop_locked(&p.s);
    pthread_mutex_unlock(&p.s.lock);
    shutdown(p.lfd, SHUT_RDWR);
    pthread_join(p.thread, NULL);
    close(p.lfd);
    unlink(path);
    free(path);
    pthread_mutex_lock(&p.s.lock);
    tp_report_stopped_unlock(&p.s);
out:
    tp_service_destroy(&p.s);
}
