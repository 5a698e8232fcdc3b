/*
 * scm_channel.c - the dispatcher's controller in a process scmd started:
 * the service side of the host channel (see docs/protocol.md).
 *
 * scmd passes one end of a socketpair as the descriptor named in
 * SVCHOST_SCM_FD.  The thread that called StartServiceCtrlDispatcher reads
 * START, CONTROL and EXIT requests from it; service threads write STATUS
 * frames and control replies, one frame at a time under send_lock.
 */
#include "dispatcher.h"
#include "log.h"
#include "proto.h"
#include "scm_channel.h"
#include "threads.h"
#include "win32.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAIN_GRACE_MS 2000

static struct {
    int fd;
    struct svc_dispatcher *d;
    char **scm_names;       /* per entry: the name the SCM started it as */
    size_t n_names;
    pthread_mutex_t send_lock;
} chan = { .fd = -1, .send_lock = PTHREAD_MUTEX_INITIALIZER };

static void send_locked(uint16_t type, uint32_t id, struct svc_wbuf *w)
{
    pthread_mutex_lock(&chan.send_lock);
    if (!w->err && svc_frame_send(chan.fd, type, id, w) < 0)
        log_warnx("lost the channel to the SCM");
    pthread_mutex_unlock(&chan.send_lock);
}

static void send_status(const char *name, const SERVICE_STATUS *st)
{
    struct svc_wbuf w;
    svc_wbuf_init(&w);
    svc_put_str(&w, name);
    svc_put_service_status(&w, st);
    send_locked(SVC_MSG_HOST_STATUS, 0, &w);
    svc_wbuf_free(&w);
}

static void send_reply(uint32_t id, DWORD err)
{
    struct svc_wbuf w;
    svc_wbuf_init(&w);
    svc_put_u32(&w, err);
    send_locked(SVC_MSG_REPLY, id, &w);
    svc_wbuf_free(&w);
}

static void on_status(void *arg, size_t i, const SERVICE_STATUS *st)
{
    pthread_mutex_lock(&chan.send_lock);
    const char *name = i < chan.n_names && chan.scm_names[i] ? chan.scm_names[i]
                                                              : svc_dispatch_name(chan.d, i);
    pthread_mutex_unlock(&chan.send_lock);
    send_status(name, st);
}

static void on_control_done(void *arg, size_t i, DWORD control, DWORD result, uint64_t tag)
{
    send_reply((uint32_t)tag, result);
}

static const struct svc_dispatch_ops channel_ops = {
    .status = on_status,
    .control_done = on_control_done,
};

/* The table index for a START: the entry of that name; else a new entry
 * if the host accepts the service (one installed in its group since it
 * started); else, for a program with a single entry, that entry, since
 * Windows ignores the name for own-process services. */
static long find_or_add(const char *name)
{
    long i = svc_dispatch_find(chan.d, name);
    LPSERVICE_MAIN_FUNCTIONA main;

    if (i >= 0)
        return i;
    if ((main = svc_dispatcher_resolve(name)) != NULL) {
        i = svc_dispatch_add(chan.d, name, main);
        if (i < 0)
            return -1;
        pthread_mutex_lock(&chan.send_lock);
        if ((size_t)i >= chan.n_names) {
            char **grown = realloc(chan.scm_names, ((size_t)i + 1) * sizeof *grown);
            if (grown == NULL) {
                pthread_mutex_unlock(&chan.send_lock);
                return -1;
            }
            for (size_t k = chan.n_names; k <= (size_t)i; k++)
                grown[k] = NULL;
            chan.scm_names = grown;
            chan.n_names = (size_t)i + 1;
        }
        pthread_mutex_unlock(&chan.send_lock);
        return i;
    }
    return svc_dispatch_count(chan.d) == 1 ? 0 : -1;
}

static void do_start(uint32_t id, struct svc_rbuf *r)
{
    char *name = svc_get_str(r);
    char **args = svc_get_strv(r);
    long i = -1;
    int argc = 0;

    if (svc_rbuf_end(r) == 0 && name != NULL)
        i = find_or_add(name);
    if (i < 0) {
        send_reply(id, ERROR_SERVICE_NOT_IN_EXE);
    } else {
        SERVICE_STATUS st;
        svc_dispatch_status(chan.d, (size_t)i, &st);
        if (st.dwCurrentState != SERVICE_STOPPED) {
            send_reply(id, ERROR_SERVICE_ALREADY_RUNNING);
        } else {
            while (args && args[argc])
                argc++;
            pthread_mutex_lock(&chan.send_lock);
            /* A process serves the services of one SCM: the first name an
             * entry is started as is the one it keeps. */
            if (chan.scm_names[i] == NULL)
                chan.scm_names[i] = strdup(name);
            pthread_mutex_unlock(&chan.send_lock);
            /* The answer goes first: the SCM sees the start accepted
             * before any status the new ServiceMain reports. */
            send_reply(id, NO_ERROR);
            int rc = svc_dispatch_start(chan.d, (size_t)i, argc, (const char *const *)args);
            if (rc < 0) {
                memset(&st, 0, sizeof st);
                st.dwServiceType = SERVICE_WIN32_SHARE_PROCESS;
                st.dwCurrentState = SERVICE_STOPPED;
                st.dwWin32ExitCode = rc == -EAGAIN ? ERROR_SERVICE_NO_THREAD : svc_errno_to_win32(rc);
                send_status(name, &st);
            }
        }
    }
    free(name);
    svc_strv_free(args);
}

static void do_control(uint32_t id, struct svc_rbuf *r)
{
    char *name = svc_get_str(r);
    DWORD control = svc_get_u32(r);
    long i = -1;

    if (svc_rbuf_end(r) == 0 && name != NULL) {
        i = svc_dispatch_find(chan.d, name);
        if (i < 0 && svc_dispatch_count(chan.d) == 1)
            i = 0;
    }
    free(name);
    if (i < 0) {
        send_reply(id, ERROR_SERVICE_NOT_IN_EXE);
        return;
    }
    int rc = svc_dispatch_control(chan.d, (size_t)i, control, id);
    if (rc == -ESRCH)
        send_reply(id, ERROR_SERVICE_CANNOT_ACCEPT_CTRL);
    else if (rc < 0)
        send_reply(id, svc_errno_to_win32(rc));
}

/* Per-service threads, CPU and attributable memory, for `sc hosts /v`. */
static void do_query(uint32_t id)
{
    char *smaps = svc_smaps_read();
    size_t n = svc_dispatch_count(chan.d);
    struct svc_wbuf w;

    svc_wbuf_init(&w);
    svc_put_u32(&w, NO_ERROR);
    svc_put_u32(&w, (uint32_t)n);
    for (size_t i = 0; i < n; i++) {
        struct svc_thread_usage u;
        svc_dispatch_usage(chan.d, i, smaps, &u);
        pthread_mutex_lock(&chan.send_lock);
        const char *name = i < chan.n_names && chan.scm_names[i] ? chan.scm_names[i]
                                                                  : svc_dispatch_name(chan.d, i);
        pthread_mutex_unlock(&chan.send_lock);
        struct svc_msg_usage m = {
            .pid = (uint32_t)getpid(),
            .service = (char *)name,
            .threads = u.threads,
            .cpu_us = u.cpu_ns / 1000,
            .stack_kib = (uint32_t)u.stack_rss_kib,
            .image_kib = (uint32_t)u.image_pss_kib,
        };
        svc_put_usage(&w, &m);
    }
    free(smaps);
    send_locked(SVC_MSG_REPLY, id, &w);
    svc_wbuf_free(&w);
}

DWORD svc_scm_channel_run(const SERVICE_TABLE_ENTRYA *table, int fd)
{
    struct svc_wbuf w;
    char **names;
    size_t n;
    int rc;

    chan.fd = fd;
    /* Plugins' own children must not inherit the SCM's channel. */
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    unsetenv("SVCHOST_SCM_FD");
    rc = svc_dispatcher_create(table, &channel_ops, NULL, &chan.d);
    if (rc < 0)
        return rc == -EBUSY ? ERROR_SERVICE_ALREADY_RUNNING
             : rc == -ENOMEM ? ERROR_NOT_ENOUGH_MEMORY : ERROR_INVALID_DATA;

    n = svc_dispatch_count(chan.d);
    chan.scm_names = calloc(n, sizeof *chan.scm_names);
    chan.n_names = n;
    names = calloc(n + 1, sizeof *names);
    if (chan.scm_names == NULL) {
        free(names);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    if (names == NULL)
        return ERROR_NOT_ENOUGH_MEMORY;
    for (size_t i = 0; i < n; i++)
        names[i] = (char *)svc_dispatch_name(chan.d, i);
    svc_wbuf_init(&w);
    svc_put_u32(&w, (uint32_t)getpid());
    svc_put_strv(&w, names);
    free(names);
    send_locked(SVC_MSG_HOST_HELLO, 0, &w);
    svc_wbuf_free(&w);

    for (;;) {
        struct svc_frame_header h;
        uint8_t *payload = NULL;
        struct svc_rbuf r;

        rc = svc_frame_recv(fd, &h, &payload);
        if (rc < 0) {
            if (rc != -ECONNRESET)
                log_warnx("channel to the SCM: %s", strerror(-rc));
            break;
        }
        svc_rbuf_init(&r, payload, h.length);
        if (h.type == SVC_MSG_HOST_START) {
            do_start(h.id, &r);
        } else if (h.type == SVC_MSG_HOST_CONTROL) {
            do_control(h.id, &r);
        } else if (h.type == SVC_MSG_HOST_QUERY) {
            do_query(h.id);
        } else if (h.type == SVC_MSG_HOST_EXIT) {
            free(payload);
            break;
        } else if (h.type == SVC_MSG_REPLY) {
            DWORD err = svc_get_u32(&r);
            log_warnx("the SCM refused a message: %u (%s)", err, svc_win32_message(err));
        } else {
            log_warnx("channel to the SCM: unknown message %u", h.type);
            free(payload);
            break;
        }
        free(payload);
    }
    svc_dispatch_wait_mains(chan.d, MAIN_GRACE_MS);
    return NO_ERROR;
}
