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
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "benchsvc.h"

#define BUSY_BUFFER_SIZE (64 * 1024)

struct busy {
    struct benchsvc svc;          /* the handler's context */
    int listener;
    unsigned char *buffer;
};

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
    struct busy s = { .listener = -1 };
    SERVICE_STATUS final;
    int err = 0;

    (void)argc;
    if (!benchsvc_register(&s.svc, argv[0]))
        return;

    s.listener = open_listener();
    if (s.listener < 0)
        err = -s.listener;
    else if ((s.buffer = malloc(BUSY_BUFFER_SIZE)) == NULL)
        err = ENOMEM;
    else
        memset(s.buffer, 0xa5, BUSY_BUFFER_SIZE);

    final = benchsvc_run(&s.svc, err == 0);
    if (s.listener >= 0)
        close(s.listener);
    free(s.buffer);
    benchsvc_stopped(&s.svc, final, err);
}
