#include "paths.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

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
