/*
 * spawn.c - creating host processes (see spawn.h).
 */
#include "spawn.h"
#include "host_chan.h"
#include "config.h"
#include "log.h"
#include "proto.h"
#include "win32.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

extern char **environ;

struct proc {
    uv_process_t handle;
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
    scm_host_process_exited(p->host, status, sig);
    uv_close((uv_handle_t *)handle, proc_closed);
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
    uv_process_options_t opt;
    uv_stdio_container_t stdio[4];
    char **argv = host_argv(scm, image_path, group != NULL, split_service);
    char **env = host_env(scm);
    int sv[2] = { -1, -1 }, rc;

    *err = ERROR_NOT_ENOUGH_MEMORY;
    if (p == NULL || argv == NULL || env == NULL)
        goto fail;
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
        *err = svc_errno_to_win32(-errno);
        goto fail;
    }
    memset(&opt, 0, sizeof opt);
    memset(stdio, 0, sizeof stdio);
    stdio[0].flags = UV_IGNORE;
    stdio[1].flags = UV_INHERIT_FD;
    stdio[1].data.fd = 1;
    stdio[2].flags = UV_INHERIT_FD;
    stdio[2].data.fd = 2;
    stdio[3].flags = UV_INHERIT_FD;
    stdio[3].data.fd = sv[1];
    opt.file = argv[0];
    opt.args = argv;
    opt.env = env;
    opt.stdio = stdio;
    opt.stdio_count = 4;
    opt.exit_cb = on_process_exit;
    p->handle.data = p;
    rc = uv_spawn(scm->loop, &p->handle, &opt);
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
    p->host = scm_host_new(scm, p->handle.pid, sv[0], group, group ? NULL : own_service,
                           split_service);
    svc_strv_free(argv);
    svc_strv_free(env);
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
