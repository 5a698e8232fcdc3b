/*
 * spawn.c - creating host processes (see spawn.h).
 */
#include "spawn.h"
#include "host_chan.h"
#include "journal.h"
#include "config.h"
#include "log.h"
#include "proto.h"
#include "win32.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

extern char **environ;

/* A host's process: a child of this scmd (handle), or one adopted from
 * the journal, watched through a pidfd (poll). */
struct proc {
    uv_process_t handle;
    uv_poll_t poll;
    int pidfd;
    pid_t pid;
    struct scm_host *host;
};

/* argv for a host: "svchost -k GROUP" runs the svchost beside scmd with
 * --root (and -s SERVICE for a split instance); any other ImagePath runs
 * as written. */
static char **host_argv(const struct scm *scm, const char *image_path, int svchost,
                        const char *split)
{
    char **words = NULL, **argv;
    int n = svc_split_command_line(image_path, &words);

    if (n <= 0) {
        svc_strv_free(words);
        return NULL;
    }
    argv = calloc((size_t)n + 5, sizeof *argv);
    if (argv == NULL) {
        svc_strv_free(words);
        return NULL;
    }
    for (int i = 0; i < n; i++)
        argv[i] = words[i];
    free(words);
    if (svchost) {
        if (strchr(argv[0], '/') == NULL) {
            free(argv[0]);
            argv[0] = strdup(scm->svchost_path);
        }
        argv[n] = strdup("--root");
        argv[n + 1] = strdup(scm->root);
        if (split != NULL) {
            argv[n + 2] = strdup("-s");
            argv[n + 3] = strdup(split);
        }
        for (int i = 0; i < n + (split ? 4 : 2); i++)
            if (argv[i] == NULL) {
                svc_strv_free(argv);
                return NULL;
            }
    }
    return argv;
}

/* scmd's environment without what is scmd's own, plus the channel and
 * the state directory. */
static char **host_env(const struct scm *scm)
{
    static const char *const drop[] = { "SVCHOST_SCM_FD=", "SVCHOST_ROOT=", "NOTIFY_SOCKET=",
                                        "SVCHOST_CONSOLE=" };
    size_t n = 0, k = 0;
    char **env;

    while (environ[n])
        n++;
    env = calloc(n + 3, sizeof *env);
    if (env == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        int keep = 1;
        for (size_t d = 0; d < sizeof drop / sizeof drop[0]; d++)
            if (strncmp(environ[i], drop[d], strlen(drop[d])) == 0)
                keep = 0;
        if (keep && (env[k++] = strdup(environ[i])) == NULL)
            goto fail;
    }
    if ((env[k++] = strdup("SVCHOST_SCM_FD=3")) == NULL ||
        asprintf(&env[k], "SVCHOST_ROOT=%s", scm->root) < 0) {
        env[k] = NULL;
        goto fail;
    }
    return env;
fail:
    svc_strv_free(env);
    return NULL;
}

static void proc_closed(uv_handle_t *handle)
{
    struct proc *p = handle->data;
    if (p->host != NULL)
        scm_host_process_closed(p->host);
    free(p);
}

static void on_process_exit(uv_process_t *handle, int64_t status, int sig)
{
    struct proc *p = handle->data;
    scm_journal_host_gone(uv_loop_get_data(handle->loop), p->pid);
    scm_host_process_exited(p->host, status, sig);
    uv_close((uv_handle_t *)handle, proc_closed);
}

/* The start time of process pid (/proc/PID/stat field 22), 0 if none:
 * with the pid, it names one process for good. */
static unsigned long long process_start_time(pid_t pid)
{
    char path[64], buf[1024], *close_paren;
    unsigned long long start = 0;
    FILE *f;

    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    f = fopen(path, "re");
    if (f == NULL)
        return 0;
    if (fgets(buf, sizeof buf, f) != NULL && (close_paren = strrchr(buf, ')')) != NULL) {
        /* After "pid (comm)": state is field 3, starttime field 22. */
        char *p = close_paren + 1;
        int field = 2;
        for (char *tok = strtok(p, " "); tok; tok = strtok(NULL, " "))
            if (++field == 22) {
                start = strtoull(tok, NULL, 10);
                break;
            }
    }
    fclose(f);
    return start;
}

/* A secret for a new host: SCM_SECRET_LEN hex digits from the kernel's
 * random source.  0 or a negative errno. */
static int make_secret(char out[SCM_SECRET_LEN + 1])
{
    unsigned char raw[SCM_SECRET_LEN / 2];
    size_t got = 0;

    while (got < sizeof raw) {
        ssize_t n = getrandom(raw + got, sizeof raw - got, 0);
        if (n < 0 && errno != EINTR)
            return -errno;
        if (n > 0)
            got += (size_t)n;
    }
    for (size_t i = 0; i < sizeof raw; i++)
        snprintf(out + 2 * i, 3, "%02x", raw[i]);
    return 0;
}

/* Starts argv[0] with env: stdin ignored, scmd's stdout and stderr, and
 * channel (when not -1) as descriptor 3.  uv_spawn's result. */
static int start_process(struct scm *scm, uv_process_t *handle, char **argv, char **env, int channel,
                         uv_exit_cb on_exit_cb)
{
    uv_process_options_t opt;
    uv_stdio_container_t stdio[4];

    memset(&opt, 0, sizeof opt);
    memset(stdio, 0, sizeof stdio);
    stdio[0].flags = UV_IGNORE;
    stdio[1].flags = UV_INHERIT_FD;
    stdio[1].data.fd = 1;
    stdio[2].flags = UV_INHERIT_FD;
    stdio[2].data.fd = 2;
    stdio[3].flags = UV_INHERIT_FD;
    stdio[3].data.fd = channel;
    opt.file = argv[0];
    opt.args = argv;
    opt.env = env;
    opt.stdio = stdio;
    opt.stdio_count = channel >= 0 ? 4 : 3;
    opt.exit_cb = on_exit_cb;
    return uv_spawn(scm->loop, handle, &opt);
}

static DWORD spawn_error(int rc)
{
    return rc == UV_ENOENT ? ERROR_FILE_NOT_FOUND
         : rc == UV_EACCES ? ERROR_ACCESS_DENIED
         : rc == UV_ENOMEM ? ERROR_NOT_ENOUGH_MEMORY : ERROR_BAD_FORMAT;
}

struct scm_host *scm_spawn_host(struct scm *scm, const char *image_path, const char *group,
                                const char *own_service, const char *split_service, DWORD *err)
{
    struct proc *p = calloc(1, sizeof *p);
    char **argv = host_argv(scm, image_path, group != NULL, split_service);
    char **env = host_env(scm);
    struct scm_journal_host jh = { 0 };
    int sv[2] = { -1, -1 }, rc;
    size_t n_env = 0;

    *err = ERROR_NOT_ENOUGH_MEMORY;
    if (p == NULL || argv == NULL || env == NULL)
        goto fail;
    /* The secret the host proves itself with if it must rejoin another
     * scmd (this one dead); only the host and the journal know it. */
    if (make_secret(jh.secret) < 0)
        goto fail;
    while (env[n_env])
        n_env++;
    char **grown = realloc(env, (n_env + 2) * sizeof *grown);
    if (grown == NULL)
        goto fail;
    env = grown;
    env[n_env + 1] = NULL;
    if (asprintf(&env[n_env], "SVCHOST_HOST_SECRET=%s", jh.secret) < 0) {
        env[n_env] = NULL;
        goto fail;
    }
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
        *err = svc_errno_to_win32(-errno);
        goto fail;
    }
    p->handle.data = p;
    rc = start_process(scm, &p->handle, argv, env, sv[1], on_process_exit);
    close(sv[1]);
    sv[1] = -1;
    if (rc != 0) {
        log_warnx("cannot start %s: %s", argv[0], uv_strerror(rc));
        *err = spawn_error(rc);
        close(sv[0]);
        /* uv_spawn failures still need the handle closed. */
        uv_close((uv_handle_t *)&p->handle, proc_closed);
        svc_strv_free(argv);
        svc_strv_free(env);
        return NULL;
    }
    p->pid = p->handle.pid;
    /* Journaled before anything is asked of it: a restarted scmd must
     * know every host that may run services. */
    jh.pid = p->pid;
    jh.start_time = process_start_time(p->pid);
    jh.group = (char *)group;
    jh.own_service = group ? NULL : (char *)own_service;
    jh.split_service = (char *)split_service;
    scm_journal_host(scm, &jh);
    p->host = scm_host_new(scm, p->handle.pid, sv[0], group, group ? NULL : own_service,
                           split_service, jh.secret);
    svc_strv_free(argv);
    svc_strv_free(env);
    if (p->host != NULL)
        scm_host_set_start_time(p->host, jh.start_time);
    if (p->host == NULL) {
        /* Nothing can speak to it: it goes at once. */
        uv_process_kill(&p->handle, SIGKILL);
        p->handle.exit_cb = NULL;
        uv_close((uv_handle_t *)&p->handle, proc_closed);
        return NULL;
    }
    log_debug("spawned host %d for %s", (int)p->handle.pid, group ? group : own_service);
    *err = NO_ERROR;
    return p->host;

fail:
    if (sv[0] >= 0)
        close(sv[0]);
    if (sv[1] >= 0)
        close(sv[1]);
    svc_strv_free(argv);
    svc_strv_free(env);
    free(p);
    return NULL;
}

/* ---- adopting the hosts of an scmd that died ------------------------------------ */

static void adopted_closed(uv_handle_t *handle)
{
    struct proc *p = handle->data;
    close(p->pidfd);
    if (p->host != NULL)
        scm_host_process_closed(p->host);
    free(p);
}

static void on_adopted_exit(uv_poll_t *poll, int status, int events)
{
    struct proc *p = poll->data;
    (void)status;
    (void)events;
    /* Not this scmd's child: its exit status went to whoever reaped it. */
    scm_journal_host_gone(uv_loop_get_data(poll->loop), p->pid);
    uv_poll_stop(poll);
    scm_host_process_exited(p->host, -1, 0);
    uv_close((uv_handle_t *)poll, adopted_closed);
}

struct scm_host *scm_spawn_adopt(struct scm *scm, const struct scm_journal_host *jh)
{
    struct proc *p;
    int fd;

    if (jh->start_time == 0 || process_start_time(jh->pid) != jh->start_time)
        return NULL;   /* gone, or its pid is another process's now */
    fd = (int)syscall(SYS_pidfd_open, jh->pid, 0);
    if (fd < 0) {
        log_warn("pidfd_open %d", (int)jh->pid);
        return NULL;
    }
    p = calloc(1, sizeof *p);
    if (p == NULL || uv_poll_init(scm->loop, &p->poll, fd) != 0) {
        free(p);
        close(fd);
        return NULL;
    }
    p->pidfd = fd;
    p->pid = jh->pid;
    p->poll.data = p;
    p->host = scm_host_new(scm, jh->pid, -1, jh->group, jh->own_service, jh->split_service,
                           jh->secret);
    if (p->host == NULL) {
        uv_close((uv_handle_t *)&p->poll, adopted_closed);
        return NULL;
    }
    scm_host_set_start_time(p->host, jh->start_time);
    uv_poll_start(&p->poll, UV_READABLE, on_adopted_exit);
    /* Journaled again: the journal is rewritten from what is adopted. */
    scm_journal_host(scm, jh);
    return p->host;
}

/* ---- commands ---------------------------------------------------------------- */

struct command {
    uv_process_t handle;
    char *cmdline;
};

static void command_closed(uv_handle_t *handle)
{
    struct command *c = handle->data;
    free(c->cmdline);
    free(c);
}

static void on_command_exit(uv_process_t *handle, int64_t status, int sig)
{
    struct command *c = handle->data;

    if (sig != 0)
        log_warnx("command %d (%s) killed by signal %d", (int)handle->pid, c->cmdline, sig);
    else if (status != 0)
        log_warnx("command %d (%s) exited %lld", (int)handle->pid, c->cmdline, (long long)status);
    else
        log_debug("command %d (%s) exited 0", (int)handle->pid, c->cmdline);
    uv_close((uv_handle_t *)handle, command_closed);
}

int scm_spawn_command(struct scm *scm, const char *cmdline, pid_t *pid)
{
    struct command *c = calloc(1, sizeof *c);
    char *argv[] = { "/bin/sh", "-c", NULL, NULL };
    char **env = host_env(scm);
    int rc;

    if (c == NULL || env == NULL || (c->cmdline = strdup(cmdline)) == NULL) {
        svc_strv_free(env);
        free(c);
        return -ENOMEM;
    }
    /* host_env's channel variable names a descriptor a command does not have. */
    for (size_t i = 0; env[i]; i++)
        if (strncmp(env[i], "SVCHOST_SCM_FD=", 15) == 0) {
            free(env[i]);
            for (size_t k = i; env[k]; k++)
                env[k] = env[k + 1];
            break;
        }
    argv[2] = c->cmdline;
    c->handle.data = c;
    rc = start_process(scm, &c->handle, argv, env, -1, on_command_exit);
    svc_strv_free(env);
    if (rc != 0) {
        log_warnx("cannot run %s: %s", cmdline, uv_strerror(rc));
        uv_close((uv_handle_t *)&c->handle, command_closed);
        return rc;
    }
    log_info("command %d: %s", (int)c->handle.pid, cmdline);
    if (pid != NULL)
        *pid = c->handle.pid;
    return 0;
}
