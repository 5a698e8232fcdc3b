#include "paths.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

const char *svc_default_root(void)
{
    const char *env = getenv("SVCHOST_ROOT");
    return env != NULL && env[0] != '\0' ? env : SVCHOST_SYSTEM_ROOT;
}

char *svc_scm_socket_path(const char *root)
{
    struct sockaddr_un sa;
    char *path;

    if (asprintf(&path, "%s/run/scm.sock", root) < 0)
        return NULL;
    if (strlen(path) >= sizeof sa.sun_path) {
        free(path);
        return NULL;
    }
    return path;
}

char *svc_exe_dir(void)
{
    char *exe = NULL, *slash;
    size_t cap = 256;

    for (;;) {
        char *p = realloc(exe, cap);
        ssize_t len;

        if (p == NULL)
            break;
        exe = p;
        len = readlink("/proc/self/exe", exe, cap);
        if (len < 0)
            break;
        if ((size_t)len < cap) {
            exe[len] = '\0';
            slash = strrchr(exe, '/');
            if (slash == NULL)
                break;
            *slash = '\0';
            return exe;
        }
        cap *= 2;   /* the path may have been cut: try a bigger buffer */
    }
    free(exe);
    return NULL;
}
