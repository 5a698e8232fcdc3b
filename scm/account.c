/*
 * account.c - ObjectName to Unix identity (see account.h).
 */
#include "account.h"
#include "win32.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static const char NT_AUTHORITY[] = "NT AUTHORITY\\";

enum scm_account_kind scm_account_kind(const struct scm *scm, const char *object_name,
                                       char *user, size_t n)
{
    const char *name = object_name != NULL ? object_name : "";
    const char *who = NULL;
    enum scm_account_kind kind = SCM_ACCOUNT_USER;

    if (n > 0)
        user[0] = '\0';
    if (strncmp(name, ".\\", 2) == 0)
        name += 2;
    if (*name == '\0' || strcasecmp(name, "LocalSystem") == 0)
        return SCM_ACCOUNT_SYSTEM;
    if (strncasecmp(name, NT_AUTHORITY, sizeof NT_AUTHORITY - 1) == 0) {
        const char *rest = name + sizeof NT_AUTHORITY - 1;
        if (strcasecmp(rest, "SYSTEM") == 0)
            return SCM_ACCOUNT_SYSTEM;
        if (strcasecmp(rest, "LocalService") == 0) {
            kind = SCM_ACCOUNT_LOCAL;
            who = scm->set.local_service_account;
        } else if (strcasecmp(rest, "NetworkService") == 0) {
            kind = SCM_ACCOUNT_NETWORK;
            who = scm->set.network_service_account;
        } else {
            return SCM_ACCOUNT_INVALID;
        }
        if (who == NULL || *who == '\0')
            return SCM_ACCOUNT_INVALID;
    } else if (strchr(name, '\\') != NULL) {
        return SCM_ACCOUNT_INVALID;   /* a domain that is not this machine */
    } else {
        who = name;
    }
    if (strlen(who) >= n)
        return SCM_ACCOUNT_INVALID;
    memcpy(user, who, strlen(who) + 1);
    return kind;
}

void scm_account_free(struct scm_account *a)
{
    free(a->groups);
    free(a->user);
    free(a->home);
    free(a->shell);
    memset(a, 0, sizeof *a);
}

/* The user's supplementary groups (getgrouplist), its primary one first. */
static int user_groups(const char *user, gid_t gid, gid_t **out, int *n_out)
{
    int n = 16;

    for (int tries = 0; tries < 8; tries++) {
        gid_t *g = malloc((size_t)n * sizeof *g);
        int got = n;

        if (g == NULL)
            return -ENOMEM;
        if (getgrouplist(user, gid, g, &got) >= 0) {
            *out = g;
            *n_out = got;
            return 0;
        }
        free(g);
        n = got > n ? got : n * 2;
    }
    return -ENOMEM;
}

DWORD scm_account_lookup(const struct scm *scm, const char *object_name, struct scm_account *a)
{
    char user[256];
    struct passwd pw, *res = NULL;
    char buf[4096];

    memset(a, 0, sizeof *a);
    a->kind = scm_account_kind(scm, object_name, user, sizeof user);
    if (a->kind == SCM_ACCOUNT_INVALID)
        return ERROR_INVALID_SERVICE_ACCOUNT;
    if (a->kind == SCM_ACCOUNT_SYSTEM) {
        a->uid = 0;
        a->gid = 0;
        return (a->user = strdup("root")) != NULL ? NO_ERROR : ERROR_NOT_ENOUGH_MEMORY;
    }
    if (getpwnam_r(user, &pw, buf, sizeof buf, &res) != 0 || res == NULL)
        return ERROR_INVALID_SERVICE_ACCOUNT;
    a->uid = pw.pw_uid;
    a->gid = pw.pw_gid;
    a->user = strdup(pw.pw_name);
    a->home = strdup(pw.pw_dir && *pw.pw_dir ? pw.pw_dir : "/");
    a->shell = strdup(pw.pw_shell && *pw.pw_shell ? pw.pw_shell : "/bin/sh");
    if (a->user == NULL || a->home == NULL || a->shell == NULL ||
        user_groups(pw.pw_name, pw.pw_gid, &a->groups, &a->n_groups) < 0)
        return ERROR_NOT_ENOUGH_MEMORY;
    return NO_ERROR;
}

int scm_account_same(const struct scm *scm, const char *a, const char *b)
{
    char ua[256], ub[256];
    enum scm_account_kind ka = scm_account_kind(scm, a, ua, sizeof ua);
    enum scm_account_kind kb = scm_account_kind(scm, b, ub, sizeof ub);
    struct passwd *pa, *pb;
    uid_t uida;

    if (ka == SCM_ACCOUNT_SYSTEM || kb == SCM_ACCOUNT_SYSTEM)
        return ka == kb;
    if (ka == SCM_ACCOUNT_INVALID || kb == SCM_ACCOUNT_INVALID)
        return ka == kb && strcasecmp(a ? a : "", b ? b : "") == 0;
    if (strcmp(ua, ub) == 0)
        return 1;
    /* Two names of one uid are one account. */
    if ((pa = getpwnam(ua)) == NULL)
        return 0;
    uida = pa->pw_uid;
    return (pb = getpwnam(ub)) != NULL && pb->pw_uid == uida;
}

const char *scm_account_name(const char *object_name)
{
    return object_name != NULL && *object_name ? object_name : "LocalSystem";
}
