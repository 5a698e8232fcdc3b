/* paths.c - every path under the state directory (paths.h). */
#include "paths.h"

#include <ctype.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

/* $SVCHOST_SYSTEM_PREFIX and the system state directory, read once: a
 * process keeps one layout for its life. */
static char system_prefix_buf[PATH_MAX / 2];
static char system_root[PATH_MAX];
static pthread_once_t system_once = PTHREAD_ONCE_INIT;

static void system_init(void)
{
    const char *p = getenv("SVCHOST_SYSTEM_PREFIX");

    if (p != NULL && strlen(p) < sizeof system_prefix_buf)
        strcpy(system_prefix_buf, p);
    snprintf(system_root, sizeof system_root, "%s%s", system_prefix_buf, SVCHOST_SYSTEM_ROOT);
}

static const char *system_prefix(void)
{
    pthread_once(&system_once, system_init);
    return system_prefix_buf;
}

const char *svc_system_root(void)
{
    pthread_once(&system_once, system_init);
    return system_root;
}

const char *svc_default_root(void)
{
    const char *env = getenv("SVCHOST_ROOT");
    return env != NULL && env[0] != '\0' ? env : svc_system_root();
}

/* ROOT's length without its trailing slashes. */
static size_t root_len(const char *root)
{
    size_t len = strlen(root);
    while (len > 0 && root[len - 1] == '/')
        len--;
    return len;
}

int svc_root_is_system(const char *root)
{
    const char *sys = svc_system_root();
    size_t len;

    if (root == NULL)
        return 0;
    len = root_len(root);
    return len == root_len(sys) && strncmp(root, sys, len) == 0;
}

/* The system layout (paths.h): the first word of a part names the FHS
 * directory it moves to. */
static const struct {
    const char *word;
    const char *dir;
} system_dirs[] = {
    { "config", SVCHOST_SYSTEM_CONFIG_DIR },
    { "run", SVCHOST_SYSTEM_RUN_DIR },
    { "log", SVCHOST_SYSTEM_LOG_DIR },
};

/* ROOT joined with a relative part, by the rules in paths.h. */
static char *under_root(const char *root, const char *part)
{
    char *path;

    if (root == NULL)
        return NULL;
    if (svc_root_is_system(root))
        for (size_t i = 0; i < sizeof system_dirs / sizeof system_dirs[0]; i++) {
            size_t w = strlen(system_dirs[i].word);
            if (strncmp(part, system_dirs[i].word, w) == 0 && (part[w] == '\0' || part[w] == '/')) {
                if (asprintf(&path, "%s%s%s", system_prefix(), system_dirs[i].dir, part + w) < 0)
                    return NULL;
                return path;
            }
        }
    if (asprintf(&path, "%.*s/%s", (int)root_len(root), root, part) < 0)
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

static int hex_value(char c)
{
    return c >= '0' && c <= '9' ? c - '0'
         : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

char *svc_percent_decode(const char *s)
{
    char *out = malloc(strlen(s) + 1), *o = out;

    if (out == NULL)
        return NULL;
    while (*s != '\0') {
        int hi, lo;
        if (s[0] == '%' && (hi = hex_value(s[1])) >= 0 && (lo = hex_value(s[2])) >= 0) {
            *o++ = (char)(hi * 16 + lo);
            s += 3;
        } else {
            *o++ = *s++;
        }
    }
    *o = '\0';
    return out;
}

/* Where a long file name may be cut: not inside a %XX, not inside a UTF-8
 * sequence, not before a '.' (a piece "." or ".." would name a directory
 * that already exists). */
static int cut_ok(const char *e, size_t at)
{
    return (at < 1 || e[at - 1] != '%') && (at < 2 || e[at - 2] != '%') &&
           ((unsigned char)e[at] & 0xC0) != 0x80 && e[at] != '.';
}

char *svc_path_service_file(const char *root, const char *name)
{
    size_t n = 0, len;
    char *enc, *part, *path;

    if (name == NULL)
        return NULL;
    for (const char *p = name; *p; p++)
        n += *p == '%' ? 3 : 1;
    /* Each piece may gain a '/', at most one per SVC_NAME_CHUNK / 2 bytes. */
    enc = malloc(n + n / (SVC_NAME_CHUNK / 2) + 8);
    if (enc == NULL)
        return NULL;
    len = 0;
    for (const char *p = name; *p; p++) {
        if (*p == '%') {
            memcpy(enc + len, "%25", 3);
            len += 3;
        } else {
            enc[len++] = *p;
        }
    }
    enc[len] = '\0';
    if (len + 4 > 255) {
        /* Cut into pieces of at most SVC_NAME_CHUNK bytes. */
        char *cut = malloc(len + len / (SVC_NAME_CHUNK / 2) + 8);
        size_t from = 0, o = 0;

        if (cut == NULL) {
            free(enc);
            return NULL;
        }
        while (len - from + 4 > SVC_NAME_CHUNK) {
            size_t at = from + SVC_NAME_CHUNK;
            while (at > from + SVC_NAME_CHUNK / 2 && !cut_ok(enc, at))
                at--;
            memcpy(cut + o, enc + from, at - from);
            o += at - from;
            cut[o++] = '/';
            from = at;
        }
        memcpy(cut + o, enc + from, len - from + 1);
        free(enc);
        enc = cut;
    }
    if (asprintf(&part, "config/services/%s.ini", enc) < 0) {
        free(enc);
        return NULL;
    }
    free(enc);
    path = under_root(root, part);
    free(part);
    return path;
}

char *svc_service_name_from_file(const char *rel)
{
    size_t n = strlen(rel);
    char *joined, *name, *o;

    if (n <= 4 || strcmp(rel + n - 4, ".ini") != 0)
        return NULL;
    joined = malloc(n + 1);
    if (joined == NULL)
        return NULL;
    o = joined;
    for (size_t i = 0; i < n - 4; i++)
        if (rel[i] != '/')
            *o++ = rel[i];
    *o = '\0';
    name = svc_percent_decode(joined);
    free(joined);
    return name;
}

char *svc_path_groups_file(const char *root)
{
    return under_root(root, "config/svchost.ini");
}

char *svc_path_scm_ini(const char *root)
{
    return under_root(root, "config/scm.ini");
}

char *svc_path_scm_security(const char *root)
{
    return under_root(root, "config/scm.sddl");
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

char *svc_path_status_table(const char *root)
{
    return under_root(root, "run/status");
}

char *svc_path_names_file(const char *root)
{
    return under_root(root, "run/names");
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

char *svc_percent_encode(const char *s, const char *chars, const char *first)
{
    char *out = malloc(strlen(s) * 3 + 1), *o = out;

    if (out == NULL)
        return NULL;
    for (const char *p = s; *p != '\0'; p++) {
        if (*p == '%' || isspace((unsigned char)*p) || strchr(chars, *p) != NULL ||
            (p == s && strchr(first, *p) != NULL))
            o += sprintf(o, "%%%02X", (unsigned char)*p);
        else
            *o++ = *p;
    }
    *o = '\0';
    return out;
}
