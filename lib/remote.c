/*
 * remote.c - the ssh client as the transport of a client connection (see
 * remote.h).
 *
 * ssh's standard error goes to a memfd rather than a pipe: nobody has to
 * drain it while the session runs, so ssh never blocks on it, and what it
 * said is still there when a connection fails at its first request.
 * OpenSSH has no translations, so its "Permission denied" is a stable
 * text: together with its exit status 255 (ssh's own failures; any other
 * status is the remote command's) it tells a refused login from a host
 * that cannot be reached.
 */
#include "remote.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

extern char **environ;

/* How long ssh gets to end by itself once its input is closed: it sends
 * EOF, svc-remote and scmd close, and the session ends in a few round
 * trips.  After this it is terminated, so a dead network cannot hold up
 * CloseServiceHandle for long. */
#define END_GRACE_MS 3000
#define TERM_GRACE_MS 1000
/* How much of ssh's standard error is reported (its last bytes). */
#define STDERR_TAIL 4096

static const char *strip_unc(const char *m)
{
    return m[0] == '\\' && m[1] == '\\' ? m + 2 : m;
}

int svc_machine_is_local(const char *m)
{
    const char *ssh = getenv(SVC_SSH_ENV);
    char host[256];
    size_t n;

    if (m == NULL)
        return 1;
    m = strip_unc(m);
    if (m[0] == '\0' || strcmp(m, ".") == 0)
        return 1;
    /* Windows sends even its own names over RPC; here they take the local
     * socket (the same caller, the same rights) unless ssh is asked for. */
    if (ssh != NULL && ssh[0] != '\0')
        return 0;
    if (strcasecmp(m, "localhost") == 0 || strcmp(m, "127.0.0.1") == 0 || strcmp(m, "::1") == 0)
        return 1;
    if (gethostname(host, sizeof host) != 0)
        return 0;
    host[sizeof host - 1] = '\0';
    if (strcasecmp(m, host) == 0)
        return 1;
    /* "\\box" for the host "box.example.org", as NetBIOS names go. */
    n = strcspn(host, ".");
    return strlen(m) == n && strncasecmp(m, host, n) == 0;
}

/* fd moved to a number above the standard descriptors (which posix_spawn
 * is about to overwrite), close-on-exec.  The new descriptor, or -errno. */
static int above_stdio(int fd)
{
    int nfd;

    if (fd > STDERR_FILENO)
        return fd;
    nfd = fcntl(fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
    if (nfd < 0)
        nfd = -errno;
    close(fd);
    return nfd;
}

static int spawn_ssh(const char *host, int in_out, int err, pid_t *pid)
{
    const char *ssh = getenv(SVC_SSH_ENV);
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    sigset_t none, dfl;
    char *script = NULL;
    int rc;

    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&at);
    posix_spawn_file_actions_adddup2(&fa, in_out, STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&fa, in_out, STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&fa, err, STDERR_FILENO);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
    /* ssh lives as long as the connection: it must not keep the
     * application's other descriptors (a listening socket, a pipe whose
     * end someone waits for) open that long. */
    posix_spawn_file_actions_addclosefrom_np(&fa, STDERR_FILENO + 1);
#endif
    /* The caller's blocked or ignored signals are not ssh's business. */
    sigemptyset(&none);
    sigemptyset(&dfl);
    sigaddset(&dfl, SIGPIPE);
    sigaddset(&dfl, SIGCHLD);
    posix_spawnattr_setsigmask(&at, &none);
    posix_spawnattr_setsigdefault(&at, &dfl);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

    if (ssh == NULL || ssh[0] == '\0') {
        char *argv[] = {"ssh", "-T", "-o", "BatchMode=yes", "--", (char *)host,
                        SVC_REMOTE_COMMAND, NULL};

        rc = posix_spawnp(pid, "ssh", &fa, &at, argv, environ);
    } else {
        /* The shell splits $SVCHOST_SSH as a command line, quotes and all;
         * the host goes in as "$1", never as code. */
        if (asprintf(&script, "exec %s -T -o BatchMode=yes -- \"$1\" %s", ssh,
                     SVC_REMOTE_COMMAND) < 0) {
            script = NULL;
            rc = ENOMEM;
        } else {
            char *argv[] = {"sh", "-c", script, "sh", (char *)host, NULL};

            rc = posix_spawn(pid, "/bin/sh", &fa, &at, argv, environ);
        }
    }
    free(script);
    posix_spawnattr_destroy(&at);
    posix_spawn_file_actions_destroy(&fa);
    return -rc;
}

int svc_remote_start(const char *host, struct svc_remote *r, int *fd)
{
    int sv[2], err = -1, rc;

    memset(r, 0, sizeof *r);
    r->errfd = -1;
    *fd = -1;
    host = strip_unc(host);
    if ((r->host = strdup(host)) == NULL)
        return -ENOMEM;
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
        rc = -errno;
        goto fail;
    }
    err = memfd_create("ssh-stderr", MFD_CLOEXEC);
    if (err < 0) {
        rc = -errno;
        close(sv[0]);
        close(sv[1]);
        goto fail;
    }
    sv[1] = above_stdio(sv[1]);
    err = above_stdio(err);
    if (sv[1] < 0 || err < 0) {
        rc = sv[1] < 0 ? sv[1] : err;
    } else {
        rc = spawn_ssh(host, sv[1], err, &r->pid);
    }
    if (sv[1] >= 0)
        close(sv[1]);
    if (rc < 0) {
        close(sv[0]);
        if (err >= 0)
            close(err);
        r->pid = 0;
        goto fail;
    }
    r->errfd = err;
    *fd = sv[0];
    return 0;
fail:
    errno = -rc;
    log_warn("\\\\%s: cannot run %s", host,
             getenv(SVC_SSH_ENV) && *getenv(SVC_SSH_ENV) ? "$" SVC_SSH_ENV : "ssh");
    free(r->host);
    r->host = NULL;
    return rc;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

/* Waits up to ms for the child to exit.  1 and *status when reaped (-1 in
 * *status if it was reaped elsewhere), 0 if it still runs. */
static int wait_child(pid_t pid, long ms, int *status)
{
    long waited = 0, step = 1;

    for (;;) {
        pid_t w = waitpid(pid, status, WNOHANG);

        if (w == pid)
            return 1;
        if (w < 0 && errno != EINTR) {
            /* ECHILD: the application reaps its children itself, or
             * ignores SIGCHLD. */
            *status = -1;
            return 1;
        }
        if (waited >= ms)
            return 0;
        sleep_ms(step);
        waited += step;
        if (step < 50)
            step *= 2;
    }
}

/* Reaps the child, terminating it after the grace period; its status, or
 * -1 when unknown. */
static int reap(struct svc_remote *r)
{
    int status = -1;

    if (r->pid <= 0)
        return -1;
    if (!wait_child(r->pid, END_GRACE_MS, &status)) {
        kill(r->pid, SIGTERM);
        if (!wait_child(r->pid, TERM_GRACE_MS, &status)) {
            kill(r->pid, SIGKILL);
            while (waitpid(r->pid, &status, 0) < 0 && errno == EINTR)
                ;
        }
    }
    r->pid = 0;
    return status;
}

/* The last STDERR_TAIL bytes ssh wrote, as a string (caller frees), or
 * NULL when it wrote nothing or out of memory. */
static char *stderr_tail(int fd)
{
    struct stat st;
    off_t from;
    ssize_t n;
    char *buf;

    if (fd < 0 || fstat(fd, &st) < 0 || st.st_size <= 0)
        return NULL;
    from = st.st_size > STDERR_TAIL ? st.st_size - STDERR_TAIL : 0;
    if ((buf = malloc(STDERR_TAIL + 1)) == NULL)
        return NULL;
    n = pread(fd, buf, STDERR_TAIL, from);
    if (n <= 0) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    return buf;
}

DWORD svc_remote_failed(struct svc_remote *r, int rc)
{
    int status, logged = 0;
    char *text;
    DWORD err = RPC_S_SERVER_UNAVAILABLE;

    if (rc == -EPROTO || rc == -EMSGSIZE) {
        log_warnx("\\\\%s: the answer is not scmd's protocol: does something on the remote "
                  "machine write to the session (a login script, a banner)?", r->host);
        logged = 1;
    }
    status = reap(r);
    text = stderr_tail(r->errfd);

    if (status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 255 && text != NULL &&
        (strstr(text, "Permission denied") != NULL ||
         strstr(text, "Too many authentication failures") != NULL))
        err = ERROR_ACCESS_DENIED;
    if (text != NULL) {
        char *save = NULL;

        for (char *l = strtok_r(text, "\r\n", &save); l != NULL; l = strtok_r(NULL, "\r\n", &save)) {
            log_warnx("\\\\%s: %s", r->host, l);
            logged = 1;
        }
    }
    if (!logged) {
        if (status == -1)
            log_warnx("\\\\%s: the connection ended", r->host);
        else if (WIFEXITED(status))
            log_warnx("\\\\%s: ssh exited with status %d", r->host, WEXITSTATUS(status));
        else if (WIFSIGNALED(status))
            log_warnx("\\\\%s: ssh was killed by signal %d", r->host, WTERMSIG(status));
    }
    free(text);
    return err;
}

void svc_remote_end(struct svc_remote *r)
{
    reap(r);
    if (r->errfd >= 0)
        close(r->errfd);
    r->errfd = -1;
    free(r->host);
    r->host = NULL;
}
