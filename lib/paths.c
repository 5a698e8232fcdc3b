/* paths.c - every path under the state directory (paths.h). */
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

/* ROOT joined with a relative part, by the rule in paths.h. */
static char *under_root(const char *root, const char *part)
{
    size_t len;
    char *path;

    if (root == NULL)
        return NULL;
    len = strlen(root);
    while (len > 0 && root[len - 1] == '/')
        len--;
    if (asprintf(&path, "%.*s/%s", (int)len, root, part) < 0)
        return NULL;
    return path;
}

char *svc_path_config_dir(const char *root)
{
    return under_root(root, "config");
}

char *svc_path_services_dir(const char *root)
{
    return under_root(root, "config/services");
}

char *svc_path_service_file(const char *root, const char *name)
{
    char *part, *path;

    if (name == NULL || asprintf(&part, "config/services/%s.ini", name) < 0)
        return NULL;
    path = under_root(root, part);
    free(part);
    return path;
}

char *svc_path_groups_file(const char *root)
{
    return under_root(root, "config/svchost.ini");
}

char *svc_path_scm_ini(const char *root)
{
    return under_root(root, "config/scm.ini");
}

char *svc_path_run_dir(const char *root)
{
    return under_root(root, "run");
}

char *svc_path_lock_file(const char *root)
{
    return under_root(root, "run/scmd.lock");
}

char *svc_path_log_dir(const char *root)
{
    return under_root(root, "log");
}

char *svc_path_events_log(const char *root)
{
    return under_root(root, "log/events.log");
}

char *svc_path_failures_file(const char *root)
{
    return under_root(root, "run/failures");
}

char *svc_path_journal(const char *root)
{
    return under_root(root, "run/journal");
}

static char *socket_path(const char *root, const char *part)
{
    struct sockaddr_un sa;
    char *path = under_root(root, part);

    if (path == NULL)
        return NULL;
    if (strlen(path) >= sizeof sa.sun_path) {
        free(path);
        return NULL;
    }
    return path;
}

char *svc_scm_socket_path(const char *root)
{
    return socket_path(root, "run/scm.sock");
}

char *svc_host_socket_path(const char *root)
{
    return socket_path(root, "run/host.sock");
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
