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
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* A host's process, watched through a pidfd: a child of this scmd
 * (reaped here), or one adopted from the journal (not ours to reap).
 * Where the kernel has no pidfd_open (before Linux 5.3, or a sandbox
 * that refuses it), a child is reaped when SIGCHLD comes instead
 * (children below); an adopted host then cannot be watched. */
struct proc {
    uv_poll_t poll;
    int pidfd;                /* -1: on the SIGCHLD list */
    pid_t pid;
    int child;
    struct scm_host *host;
    struct proc *next;        /* on the SIGCHLD list */
};

struct scm_children {
    uv_signal_t sigchld;
    struct proc *list;
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

/* What of scmd's environment a host that changes account keeps: the
 * search path, locale and time zone, the library path, the sanitizers'
 * options and the project's own settings.  The rest (HOME, SSH_*, SUDO_*,
 * ...) is the administrator's, not the service's. */
static int kept_for_account(const char *var)
{
    static const char *const exact[] = { "PATH=", "LANG=", "TZ=", "LD_LIBRARY_PATH=" };
    static const char *const prefix[] = { "LC_", "SVCHOST_" };
    const char *eq = strchr(var, '=');

    for (size_t i = 0; i < sizeof exact / sizeof exact[0]; i++)
        if (strncmp(var, exact[i], strlen(exact[i])) == 0)
            return 1;
    for (size_t i = 0; i < sizeof prefix / sizeof prefix[0]; i++)
        if (strncmp(var, prefix[i], strlen(prefix[i])) == 0)
            return 1;
    /* ASAN_OPTIONS, UBSAN_OPTIONS, TSAN_OPTIONS, LSAN_OPTIONS */
    return eq != NULL && eq - var >= 12 && strncmp(eq - 12, "SAN_OPTIONS=", 12) == 0;
}

/* scmd's environment without what is scmd's own (and, for another
 * account, only what kept_for_account keeps, with the account's HOME,
 * USER, LOGNAME and SHELL), plus the channel and the state directory. */
static char **host_env(const struct scm *scm, const struct scm_identity *id)
{
    static const char *const drop[] = { "SVCHOST_SCM_FD=", "SVCHOST_ROOT=", "NOTIFY_SOCKET=",
                                        "SVCHOST_CONSOLE=", "SVCHOST_HOST_SECRET=" };
    int account = id != NULL && id->change;
    size_t n = 0, k = 0;
    char **env;

    while (environ[n])
        n++;
    env = calloc(n + 7, sizeof *env);
    if (env == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        int keep = !account || kept_for_account(environ[i]);
        for (size_t d = 0; d < sizeof drop / sizeof drop[0]; d++)
            if (strncmp(environ[i], drop[d], strlen(drop[d])) == 0)
                keep = 0;
        if (keep && (env[k++] = strdup(environ[i])) == NULL)
            goto fail;
    }
    if (account && (asprintf(&env[k++], "HOME=%s", id->home) < 0 ||
                    asprintf(&env[k++], "USER=%s", id->user) < 0 ||
                    asprintf(&env[k++], "LOGNAME=%s", id->user) < 0 ||
                    asprintf(&env[k++], "SHELL=%s", id->shell) < 0)) {
        env[k - 1] = NULL;
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
    close(p->pidfd);
    if (p->host != NULL)
        scm_host_process_closed(p->host);
    free(p);
}

/* What a wait status says: the exit code and the signal, as uv_spawn's
 * exit callback gives them. */
static void exited(struct scm *scm, struct proc *p, int ws)
{
    int64_t code = WIFEXITED(ws) ? WEXITSTATUS(ws) : 0;
    int sig = WIFSIGNALED(ws) ? WTERMSIG(ws) : 0;

    scm_journal_host_gone(scm, p->pid);
    if (p->host != NULL) {
        scm_host_process_exited(p->host, code, sig);
        scm_host_process_closed(p->host);
    }
    free(p);
}

static void on_sigchld(uv_signal_t *sig, int signum)
{
    struct scm *scm = uv_loop_get_data(sig->loop);
    struct proc **pp = &scm->children->list;

    (void)signum;
    while (*pp != NULL) {
        struct proc *p = *pp;
        int ws;
        pid_t r = waitpid(p->pid, &ws, WNOHANG);

        if (r == p->pid || (r < 0 && errno == ECHILD)) {
            *pp = p->next;
            exited(scm, p, r == p->pid ? ws : 0);
        } else {
            pp = &p->next;
        }
    }
}

/* Whether children must be reaped on SIGCHLD: the kernel has no
 * pidfd_open for them.  Then SIGCHLD is watched from now on, before the
 * child is made, so that its end cannot come unseen.  1, 0, or -ENOMEM. */
static int reaped_by_signal(struct scm *scm)
{
    struct scm_children *c;
    int fd;

    if (scm->children != NULL)
        return 1;
    fd = (int)syscall(SYS_pidfd_open, getpid(), 0);
    if (fd >= 0) {
        close(fd);
        return 0;
    }
    if ((c = calloc(1, sizeof *c)) == NULL || uv_signal_init(scm->loop, &c->sigchld) != 0) {
        free(c);
        return -ENOMEM;
    }
    uv_signal_start(&c->sigchld, on_sigchld, SIGCHLD);
    scm->children = c;
    log_info("no pidfd_open here: host processes are reaped on SIGCHLD");
    return 1;
}

/* Puts child p on the SIGCHLD list (reaped_by_signal said so). */
static void watch_by_signal(struct scm *scm, struct proc *p)
{
    p->pidfd = -1;
    p->next = scm->children->list;
    scm->children->list = p;
}

/* The process ended: its pidfd is readable.  A child of ours is reaped
 * here, with its status; an adopted one's went to whoever reaped it. */
static void on_process_exit(uv_poll_t *poll, int status, int events)
{
    struct proc *p = poll->data;
    int64_t code = -1;
    int sig = 0, ws;

    (void)status;
    (void)events;
    if (p->child) {
        pid_t r;
        while ((r = waitpid(p->pid, &ws, WNOHANG)) < 0 && errno == EINTR)
            ;
        if (r == 0)
            return;   /* not yet (a spurious wake-up) */
        if (r == p->pid) {
            code = WIFEXITED(ws) ? WEXITSTATUS(ws) : 0;
            sig = WIFSIGNALED(ws) ? WTERMSIG(ws) : 0;
        }
    }
    scm_journal_host_gone(uv_loop_get_data(poll->loop), p->pid);
    uv_poll_stop(poll);
    if (p->host != NULL)
        scm_host_process_exited(p->host, code, sig);
    uv_close((uv_handle_t *)poll, proc_closed);
}

/* Watches p->pid through a pidfd.  0 or a negative errno (p untouched
 * but for pidfd, which is closed again on failure). */
static int watch(struct scm *scm, struct proc *p)
{
    int fd = (int)syscall(SYS_pidfd_open, p->pid, 0);

    if (fd < 0)
        return -errno;
    if (uv_poll_init(scm->loop, &p->poll, fd) != 0) {
        close(fd);
        return -ENOMEM;
    }
    p->pidfd = fd;
    p->poll.data = p;
    uv_poll_start(&p->poll, UV_READABLE, on_process_exit);
    return 0;
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
                         const struct scm_identity *id, uv_exit_cb on_exit_cb)
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
    if (id != NULL && id->change) {
        /* libuv's child drops the supplementary groups, then sets the
         * gid and the uid: a uid other than 0 keeps no capability. */
        opt.flags |= UV_PROCESS_SETUID | UV_PROCESS_SETGID;
        opt.uid = id->uid;
        opt.gid = id->gid;
    }
    return uv_spawn(scm->loop, handle, &opt);
}

/* ---- host processes: fork, take the identity, exec ------------------------ */

/* What the child needs, all made before fork: after it, the child of a
 * process with other threads may only make system calls. */
struct launch {
    char **argv, **env;
    int devnull, channel, report;   /* report: the pipe the child's errno goes to */
    const struct scm_identity *id;
    cap_t caps;                     /* the capability sets to take (limit_caps) */
    int last_cap;
};

/* Why a child could not become the host, sent up the report pipe. */
enum launch_step { STEP_FDS = 1, STEP_BOUND, STEP_IDENTITY, STEP_CAPS, STEP_EXEC };
struct launch_report {
    int step;
    int err;
};

static void child_fail(const struct launch *l, int step)
{
    struct launch_report r = { step, errno };
    ssize_t n = write(l->report, &r, sizeof r);
    (void)n;
    _exit(127);
}

__attribute__((noreturn)) static void child(const struct launch *l)
{
    const struct scm_identity *id = l->id;
    sigset_t all;

    /* scmd's signal handling is not the host's. */
    for (int sig = 1; sig < NSIG; sig++)
        signal(sig, SIG_DFL);
    sigemptyset(&all);
    sigprocmask(SIG_SETMASK, &all, NULL);
    if (dup2(l->devnull, 0) < 0 || dup2(l->channel, 3) < 0 ||
        (l->channel == 3 && fcntl(3, F_SETFD, 0) < 0))
        child_fail(l, STEP_FDS);
    if (id != NULL && id->limit_caps) {
        /* Out of the bounding set first, while CAP_SETPCAP is still held:
         * nothing the host runs can get them back. */
        for (int c = 0; c <= l->last_cap; c++)
            if (!(id->caps & (1ull << c)) && cap_drop_bound((cap_value_t)c) < 0 &&
                errno != EINVAL)
                child_fail(l, STEP_BOUND);
        if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
            child_fail(l, STEP_BOUND);
    }
    if (id != NULL && id->change) {
        /* The raw calls: this child has one thread, and glibc's wrappers
         * would try to reach scmd's others. */
        if (syscall(SYS_setgroups, (size_t)id->n_groups, id->groups) < 0 ||
            syscall(SYS_setresgid, id->gid, id->gid, id->gid) < 0 ||
            syscall(SYS_setresuid, id->uid, id->uid, id->uid) < 0)
            child_fail(l, STEP_IDENTITY);
    }
    if (id != NULL && id->limit_caps) {
        if (cap_set_proc(l->caps) < 0)
            child_fail(l, STEP_CAPS);
        /* Ambient: kept across execve by a program without file
         * capabilities, whatever the uid. */
        if (cap_reset_ambient() < 0)
            child_fail(l, STEP_CAPS);
        for (int c = 0; c <= l->last_cap; c++)
            if ((id->caps & (1ull << c)) && cap_set_ambient((cap_value_t)c, CAP_SET) < 0)
                child_fail(l, STEP_CAPS);
        if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0 ||
            prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
            child_fail(l, STEP_CAPS);
    }
    execve(l->argv[0], l->argv, l->env);
    child_fail(l, STEP_EXEC);
    _exit(127);
}

/* The capability sets a host with id takes: permitted, effective and
 * inheritable are id->caps (inheritable so they can be ambient). */
static cap_t identity_caps(const struct scm_identity *id, int last_cap)
{
    cap_t c = cap_init();

    for (int v = 0; c != NULL && v <= last_cap; v++) {
        cap_value_t one = (cap_value_t)v;
        if (!(id->caps & (1ull << v)))
            continue;
        if (cap_set_flag(c, CAP_PERMITTED, 1, &one, CAP_SET) < 0 ||
            cap_set_flag(c, CAP_EFFECTIVE, 1, &one, CAP_SET) < 0 ||
            cap_set_flag(c, CAP_INHERITABLE, 1, &one, CAP_SET) < 0) {
            cap_free(c);
            return NULL;
        }
    }
    return c;
}

static DWORD launch_error(const struct launch_report *r)
{
    if (r->step == STEP_EXEC)
        return r->err == ENOENT || r->err == ENOTDIR ? ERROR_FILE_NOT_FOUND
             : r->err == EACCES || r->err == EPERM ? ERROR_ACCESS_DENIED
             : r->err == ENOMEM ? ERROR_NOT_ENOUGH_MEMORY : ERROR_BAD_FORMAT;
    return r->step == STEP_FDS ? svc_errno_to_win32(-r->err) : ERROR_SERVICE_LOGON_FAILED;
}

static const char *launch_step_name(int step)
{
    switch (step) {
    case STEP_FDS: return "setting up its descriptors";
    case STEP_BOUND: return "cutting its capability bounding set";
    case STEP_IDENTITY: return "taking its account's groups, gid and uid";
    case STEP_CAPS: return "taking its capabilities";
    default: return "executing";
    }
}

/* Forks and runs the host with l; the child's pid, or -1 with *err. */
static pid_t launch(struct launch *l, DWORD *err)
{
    int rep[2];
    struct launch_report r = { 0, 0 };
    ssize_t got;
    pid_t pid;

    if (pipe2(rep, O_CLOEXEC) < 0) {
        *err = svc_errno_to_win32(-errno);
        return -1;
    }
    l->report = rep[1];
    pid = fork();
    if (pid == 0)
        child(l);
    close(rep[1]);
    if (pid < 0) {
        *err = svc_errno_to_win32(-errno);
        close(rep[0]);
        return -1;
    }
    /* The pipe closes at execve: nothing to read means the host runs. */
    while ((got = read(rep[0], &r, sizeof r)) < 0 && errno == EINTR)
        ;
    close(rep[0]);
    if (got == (ssize_t)sizeof r) {
        int ws;
        while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
            ;
        log_warnx("cannot start %s: %s: %s", l->argv[0], launch_step_name(r.step),
                  strerror(r.err));
        *err = launch_error(&r);
        return -1;
    }
    return pid;
}

struct scm_host *scm_spawn_host(struct scm *scm, const char *image_path, const char *group,
                                const char *own_service, const char *split_service,
                                const struct scm_identity *id, DWORD *err)
{
    struct proc *p = calloc(1, sizeof *p);
    char **argv = host_argv(scm, image_path, group != NULL, split_service);
    char **env = host_env(scm, id);
    struct scm_journal_host jh = { 0 };
    struct launch l = { .devnull = -1, .id = id };
    int sv[2] = { -1, -1 }, rc, by_signal;
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
    l.last_cap = (int)cap_max_bits() - 1;
    if (l.last_cap > 63)
        l.last_cap = 63;
    if (id != NULL && id->limit_caps && (l.caps = identity_caps(id, l.last_cap)) == NULL)
        goto fail;
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0 ||
        (l.devnull = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0) {
        *err = svc_errno_to_win32(-errno);
        goto fail;
    }
    l.argv = argv;
    l.env = env;
    l.channel = sv[1];
    if ((by_signal = reaped_by_signal(scm)) < 0)
        goto fail;
    p->pid = launch(&l, err);
    close(sv[1]);
    sv[1] = -1;
    if (p->pid < 0)
        goto fail;
    p->child = 1;
    if (by_signal)
        watch_by_signal(scm, p);
    else if ((rc = watch(scm, p)) < 0) {
        /* Unwatched, it could never be seen to end: it goes at once. */
        log_warn("pidfd_open %d", (int)p->pid);
        kill(p->pid, SIGKILL);
        while (waitpid(p->pid, NULL, 0) < 0 && errno == EINTR)
            ;
        *err = ERROR_NOT_ENOUGH_MEMORY;
        goto fail;
    }
    /* Journaled before anything is asked of it: a restarted scmd must
     * know every host that may run services. */
    jh.pid = p->pid;
    jh.start_time = process_start_time(p->pid);
    jh.group = (char *)group;
    jh.own_service = group ? NULL : (char *)own_service;
    jh.split_service = (char *)split_service;
    scm_journal_host(scm, &jh);
    p->host = scm_host_new(scm, p->pid, sv[0], group, group ? NULL : own_service,
                           split_service, jh.secret);
    sv[0] = -1;
    svc_strv_free(argv);
    svc_strv_free(env);
    if (l.caps != NULL)
        cap_free(l.caps);
    close(l.devnull);
    if (p->host == NULL) {
        /* Nothing can speak to it: it goes at once (and is reaped when
         * its pidfd says so). */
        kill(p->pid, SIGKILL);
        return NULL;
    }
    scm_host_set_start_time(p->host, jh.start_time);
    log_debug("spawned host %d for %s", (int)p->pid, group ? group : own_service);
    *err = NO_ERROR;
    return p->host;

fail:
    if (sv[0] >= 0)
        close(sv[0]);
    if (sv[1] >= 0)
        close(sv[1]);
    if (l.devnull >= 0)
        close(l.devnull);
    if (l.caps != NULL)
        cap_free(l.caps);
    svc_strv_free(argv);
    svc_strv_free(env);
    free(p);
    return NULL;
}

/* ---- adopting the hosts of an scmd that died ------------------------------------ */

struct scm_host *scm_spawn_adopt(struct scm *scm, const struct scm_journal_host *jh)
{
    struct proc *p;

    if (jh->start_time == 0 || process_start_time(jh->pid) != jh->start_time)
        return NULL;   /* gone, or its pid is another process's now */
    p = calloc(1, sizeof *p);
    if (p == NULL)
        return NULL;
    p->pid = jh->pid;
    if (watch(scm, p) < 0) {
        log_warn("pidfd_open %d", (int)jh->pid);
        free(p);
        return NULL;
    }
    p->host = scm_host_new(scm, jh->pid, -1, jh->group, jh->own_service, jh->split_service,
                           jh->secret);
    if (p->host == NULL) {
        uv_poll_stop(&p->poll);
        uv_close((uv_handle_t *)&p->poll, proc_closed);
        return NULL;
    }
    scm_host_set_start_time(p->host, jh->start_time);
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

int scm_spawn_command(struct scm *scm, const char *cmdline, const struct scm_identity *id,
                      pid_t *pid)
{
    struct command *c = calloc(1, sizeof *c);
    char *argv[] = { "/bin/sh", "-c", NULL, NULL };
    char **env = host_env(scm, id);
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
    rc = start_process(scm, &c->handle, argv, env, -1, id, on_command_exit);
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
