/*
 * trust.c - who could have written the code a host loads (see trust.h).
 */
#include "trust.h"
#include "config.h"
#include "win32.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* One path component's verdict: 0 if trusted, else writes why. */
static int untrusted(const char *path, const struct stat *st, uid_t uid, char *reason, size_t n)
{
    if (st->st_uid != 0 && st->st_uid != uid) {
        snprintf(reason, n, "%s is owned by uid %u, neither root nor the host's account (uid %u)",
                 path, (unsigned)st->st_uid, (unsigned)uid);
        return 1;
    }
    if ((st->st_mode & (S_IWGRP | S_IWOTH)) && !(S_ISDIR(st->st_mode) && (st->st_mode & S_ISVTX))) {
        snprintf(reason, n, "%s is writable by %s (mode %04o)", path,
                 (st->st_mode & S_IWOTH) ? "others" : "its group",
                 (unsigned)(st->st_mode & 07777));
        return 1;
    }
    return 0;
}

DWORD scm_trust_file(const char *path, uid_t uid, char *reason, size_t n)
{
    char *real = realpath(path, NULL);
    struct stat st;
    DWORD err = NO_ERROR;

    if (real == NULL)
        return errno == ENOMEM ? ERROR_NOT_ENOUGH_MEMORY : NO_ERROR;
    /* The file, then each directory up to "/": realpath left no link
     * and no "..", so these are the directories the loader goes through. */
    for (;;) {
        char *slash;

        if (stat(real, &st) < 0) {
            snprintf(reason, n, "%s cannot be examined: %s", real, strerror(errno));
            err = ERROR_ACCESS_DENIED;
            break;
        }
        if (untrusted(real, &st, uid, reason, n)) {
            err = ERROR_ACCESS_DENIED;
            break;
        }
        if (strcmp(real, "/") == 0 || (slash = strrchr(real, '/')) == NULL)
            break;
        if (slash == real)
            slash[1] = '\0';
        else
            *slash = '\0';
    }
    free(real);
    return err;
}

DWORD scm_trust_service_dll(const char *service_dll, uid_t uid, char *reason, size_t n)
{
    char *path, *dir, *real_path, *real_dir;
    DWORD err;

    if (service_dll == NULL || *service_dll == '\0')
        return NO_ERROR;
    if ((path = svc_resolve_service_dll(service_dll)) == NULL)
        return ERROR_NOT_ENOUGH_MEMORY;
    if (service_dll[0] != '/') {
        dir = svc_plugin_dir();
        real_dir = dir != NULL ? realpath(dir, NULL) : NULL;
        real_path = realpath(path, NULL);
        if (real_path != NULL && real_dir != NULL) {
            size_t len = strlen(real_dir);
            int inside = strncmp(real_path, real_dir, len) == 0 &&
                         (real_path[len] == '/' || strcmp(real_dir, "/") == 0);
            if (!inside) {
                snprintf(reason, n, "ServiceDll %s resolves to %s, outside the plugin "
                         "directory %s", service_dll, real_path, real_dir);
                free(real_path);
                free(real_dir);
                free(dir);
                free(path);
                return ERROR_ACCESS_DENIED;
            }
        }
        free(real_path);
        free(real_dir);
        free(dir);
    }
    err = scm_trust_file(path, uid, reason, n);
    free(path);
    return err;
}
