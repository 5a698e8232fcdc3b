/*
 * busy.c - benchmark plugin: idle.c plus a realistic working set.
 *
 * At start each service opens a TCP socket listening on 127.0.0.1 (an
 * ephemeral port: any number of them can run at once) and allocates a
 * 64 KiB buffer that it touches, so every page of it is resident.  It
 * accepts no connections; the socket and the buffer are there to be
 * counted.  Controls as in idle.c: STOP and INTERROGATE.
 */
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <svchost/svchost.h>

#define BUSY_BUFFER_SIZE (64 * 1024)

struct busy {
    SERVICE_STATUS_HANDLE handle;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    SERVICE_STATUS status;        /* guarded by lock */
    bool stop;
    int listener;
    unsigned char *buffer;
};

static DWORD WINAPI busy_handler(DWORD control, DWORD type, LPVOID data, LPVOID context)
{
    struct busy *s = context;
    DWORD rc = NO_ERROR;

    (void)type;
    (void)data;
    switch (control) {
    case SERVICE_CONTROL_INTERROGATE:
        return NO_ERROR;
    case SERVICE_CONTROL_STOP:
        pthread_mutex_lock(&s->lock);
        if (s->status.dwCurrentState != SERVICE_RUNNING) {
            rc = ERROR_SERVICE_CANNOT_ACCEPT_CTRL;
        } else {
            s->status.dwCurrentState = SERVICE_STOP_PENDING;
            s->status.dwControlsAccepted = 0;
            s->status.dwCheckPoint = 1;
            s->status.dwWaitHint = 2000;
            SetServiceStatus(s->handle, &s->status);
            s->stop = true;
            pthread_cond_signal(&s->cond);
        }
        pthread_mutex_unlock(&s->lock);
        return rc;
    default:
        return ERROR_CALL_NOT_IMPLEMENTED;
    }
}

/* The listening socket: its descriptor, or -errno. */
static int open_listener(void)
{
    struct sockaddr_in sa = { .sin_family = AF_INET };
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

    if (fd < 0)
        return -errno;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sa.sin_port = 0;
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 16) < 0) {
        int err = errno;
        close(fd);
        return -err;
    }
    return fd;
}

SVCHOST_EXPORT VOID WINAPI ServiceMain(DWORD argc, LPSTR *argv)
{
    struct busy s = {
        .lock = PTHREAD_MUTEX_INITIALIZER,
        .cond = PTHREAD_COND_INITIALIZER,
        .status.dwServiceType = SERVICE_WIN32_SHARE_PROCESS,
        .listener = -1,
    };
    SERVICE_STATUS final;
    int err = 0;

    (void)argc;
    s.handle = RegisterServiceCtrlHandlerExA(argv[0], busy_handler, &s);
    if (s.handle == NULL)
        return;

    s.listener = open_listener();
    if (s.listener < 0)
        err = -s.listener;
    else if ((s.buffer = malloc(BUSY_BUFFER_SIZE)) == NULL)
        err = ENOMEM;
    else
        memset(s.buffer, 0xa5, BUSY_BUFFER_SIZE);

    pthread_mutex_lock(&s.lock);
    if (err == 0) {
        s.status.dwCurrentState = SERVICE_RUNNING;
        s.status.dwControlsAccepted = SERVICE_ACCEPT_STOP;
        SetServiceStatus(s.handle, &s.status);
        while (!s.stop)
            pthread_cond_wait(&s.cond, &s.lock);
    }
    final = s.status;
    pthread_mutex_unlock(&s.lock);

    if (s.listener >= 0)
        close(s.listener);
    free(s.buffer);
    final.dwCurrentState = SERVICE_STOPPED;
    final.dwControlsAccepted = 0;
    final.dwCheckPoint = 0;
    final.dwWaitHint = 0;
    if (err != 0) {
        /* A start that fails reports STOPPED straight from START_PENDING. */
        final.dwWin32ExitCode = ERROR_SERVICE_SPECIFIC_ERROR;
        final.dwServiceSpecificExitCode = (DWORD)err;
    }
    SetServiceStatus(s.handle, &final);
    pthread_mutex_lock(&s.lock);
    pthread_mutex_unlock(&s.lock);
    pthread_cond_destroy(&s.cond);
    pthread_mutex_destroy(&s.lock);
}
