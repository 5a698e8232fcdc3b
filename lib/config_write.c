/*
 * config_write.c - the SCM's writes to the service database, each an
 * atomic file replacement so that a crash never leaves a torn service.
 *
 * Whatever is written must read back through the readers exactly as it was
 * given.  So the whole text is built and checked in memory first, against
 * the reader's rules and inih's (where a line is cut, what starts a
 * comment, what continues a value), and a value that would read back
 * differently is -EINVAL before anything touches the disk.
 */
#include "config.h"
#include "paths.h"
#include "privileges.h"
#include "sddl.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <svchost/winsvc.h>

/* Debian's inih reads lines into a 200-byte buffer: content, newline and
 * NUL must fit (config_ini.c reports longer lines as errors). */
#define MAX_LINE_CONTENT 198
/* Lists wrap onto continuation lines past this width, for the people who
 * read the files; only MAX_LINE_CONTENT is a hard limit. */
#define WRAP_WIDTH 78

int svc_config_value_ok(const char *v)
{
    size_t n;

    if (v == NULL)
        return 1;
    n = strlen(v);
    if (n == 0)
        return 1;
    /* "K = v" is the shortest line a value can go on. */
    if (n > MAX_LINE_CONTENT - 4)
        return 0;
    /* inih trims values, and the value follows "= ": a ';' there, as after
     * any blank, starts a comment. */
    if (v[0] == ' ' || v[0] == '\t' || v[0] == ';' ||
        v[n - 1] == ' ' || v[n - 1] == '\t')
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)v[i];
        if (c < 0x20 && c != '\t')
            return 0;
        if (c == ';' && i > 0 && (v[i - 1] == ' ' || v[i - 1] == '\t'))
            return 0;
    }
    return 1;
}

/* ---- Building the text ---------------------------------------------------- */

struct text {
    char *buf;
    size_t len, cap;
    int err;            /* the first failure: -EINVAL or -ENOMEM */
};

static void text_fail(struct text *t, int err)
{
    if (t->err == 0)
        t->err = err;
}

static void text_append(struct text *t, const char *s, size_t n)
{
    if (t->err)
        return;
    if (t->len + n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 256;
        char *grown;

        while (t->len + n + 1 > cap)
            cap *= 2;
        grown = realloc(t->buf, cap);
        if (grown == NULL) {
            text_fail(t, -ENOMEM);
            return;
        }
        t->buf = grown;
        t->cap = cap;
    }
    memcpy(t->buf + t->len, s, n);
    t->len += n;
    t->buf[t->len] = '\0';
}

static void text_str(struct text *t, const char *s)
{
    text_append(t, s, strlen(s));
}

/* Appends one line; a longer one than inih's limit would not read back. */
static void text_line(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void text_line(struct text *t, const char *fmt, ...)
{
    va_list ap;
    char *line;
    int n;

    if (t->err)
        return;
    va_start(ap, fmt);
    n = vasprintf(&line, fmt, ap);
    va_end(ap);
    if (n < 0) {
        text_fail(t, -ENOMEM);
        return;
    }
    if ((size_t)n > MAX_LINE_CONTENT)
        text_fail(t, -EINVAL);
    text_append(t, line, (size_t)n);
    text_append(t, "\n", 1);
    free(line);
}

/* "Key = value"; NULL writes nothing, "" writes "Key =". */
static void text_kv(struct text *t, const char *key, const char *value)
{
    if (value == NULL)
        return;
    if (*value == '\0')
        text_line(t, "%s =", key);
    else if (!svc_config_value_ok(value))
        text_fail(t, -EINVAL);
    else
        text_line(t, "%s = %s", key, value);
}

/* A [Service] string.  The reader takes an empty value for "not set", so
 * only NULL may say that: "" would not read back as "". */
static void text_service_string(struct text *t, const char *key, const char *value)
{
    if (value != NULL && *value == '\0')
        text_fail(t, -EINVAL);
    else
        text_kv(t, key, value);
}

static void text_list(struct text *t, const char *key, char *const *list, const char *self);

/* The failure actions, preshutdown timeout and delayed start, each only
 * when it is not the default, so a file without them reads back the same. */
static void text_recovery(struct text *t, const struct svc_service_config *c)
{
    if (c->failure_reset_s != 0)
        text_line(t, "FailureResetPeriod = %" PRIu32, c->failure_reset_s);
    if (c->n_failure_actions > SVC_FAILURE_ACTIONS_MAX ||
        (c->n_failure_actions > 0 && c->failure_actions == NULL)) {
        text_fail(t, -EINVAL);
    } else if (c->n_failure_actions > 0) {
        char *list = svc_format_failure_actions(c->failure_actions, c->n_failure_actions);

        if (list == NULL)
            text_fail(t, errno == ENOMEM ? -ENOMEM : -EINVAL);
        else
            text_kv(t, "FailureActions", list);
        free(list);
    }
    text_service_string(t, "FailureCommand", c->failure_command);
    text_service_string(t, "RebootMessage", c->reboot_message);
    if (c->failure_non_crash > 1 || c->delayed_autostart > 1)
        text_fail(t, -EINVAL);
    if (c->failure_non_crash)
        text_line(t, "FailureActionsOnNonCrashFailures = 1");
    if (c->preshutdown_timeout_ms != SVC_PRESHUTDOWN_TIMEOUT_DEFAULT_MS)
        text_line(t, "PreshutdownTimeoutMs = %" PRIu32, c->preshutdown_timeout_ms);
    if (c->delayed_autostart)
        text_line(t, "DelayedAutostart = 1");
    if (c->preferred_node > 0x10000 ||
        c->launch_protected > SERVICE_LAUNCH_PROTECTED_ANTIMALWARE_LIGHT)
        text_fail(t, -EINVAL);
    if (c->preferred_node != 0)
        text_line(t, "PreferredNode = %" PRIu32, c->preferred_node - 1);
    if (c->launch_protected != 0)
        text_line(t, "LaunchProtected = %" PRIu32, c->launch_protected);
    for (size_t i = 0; c->triggers && c->triggers[i]; i++) {
        struct svc_trigger tr;
        int rc = i < SVC_TRIGGERS_MAX ? svc_parse_trigger(c->triggers[i], &tr) : -EINVAL;

        if (rc < 0) {
            text_fail(t, rc);
            return;
        }
        svc_trigger_free(&tr);
    }
    text_list(t, "Triggers", c->triggers, NULL);
    text_list(t, "Profiles", c->profiles, NULL);
    /* Only the table's names read back; an empty list would read as none. */
    for (size_t i = 0; c->required_privileges && c->required_privileges[i]; i++)
        if (svc_privilege_find(c->required_privileges[i]) == NULL)
            text_fail(t, -EINVAL);
    text_list(t, "RequiredPrivileges", c->required_privileges, NULL);
    if (c->sid_type != SERVICE_SID_TYPE_NONE) {
        if (svc_sid_type_name(c->sid_type) == NULL)
            text_fail(t, -EINVAL);
        else
            text_line(t, "ServiceSidType = %" PRIu32, c->sid_type);
    }
}

/* Type, Start, ErrorControl: the name when there is one, else the number
 * (Type in hex, as sc shows it), and only if the reader parses it back to
 * v (it refuses Type 0 and values past the Win32 ranges). */
static void text_enum(struct text *t, const char *key, uint32_t v, const char *name,
                      int hex, int (*parse)(const char *, uint32_t *))
{
    char num[16];
    uint32_t back;

    if (name == NULL) {
        snprintf(num, sizeof num, hex ? "0x%" PRIx32 : "%" PRIu32, v);
        name = num;
    }
    if (parse(name, &back) < 0 || back != v)
        text_fail(t, -EINVAL);
    else
        text_kv(t, key, name);
}

/* A name inside a list. */
static int list_name_ok(const char *s)
{
    return svc_name_valid(s);
}

/* A name as a list holds it.  The reader splits lists at commas and
 * blanks; a ';' after ", " starts a comment, and so does a '#' or ';' at
 * the start of a continuation line, where a wrapped list may put any
 * name.  So those bytes, and '%', are written %XX, which the reader
 * decodes (svc_ini_split_list): "My Service, v2" is My%20Service%2C%20v2.
 * Whether the byte at p of name is one of them: */
static int list_byte_escaped(const char *name, const char *p)
{
    return *p == '%' || *p == ',' || isspace((unsigned char)*p) ||
           (p == name && (*p == ';' || *p == '#'));
}

/* Ends the line that began at start, as text_line does: one longer than
 * inih's limit would not read back. */
static void text_end_line(struct text *t, size_t start)
{
    if (t->err == 0 && t->len - start > MAX_LINE_CONTENT)
        text_fail(t, -EINVAL);
    text_append(t, "\n", 1);
}

/*
 * "Key = a, b, c" for a NULL-terminated list (nothing for an empty one,
 * which reads back as empty), wrapped onto indented continuation lines,
 * which the reader joins back into one list.  `self` is a name the list
 * may not hold (a service cannot depend on itself).  Written straight
 * into t, a name without a byte to escape in one copy: svchost.ini's
 * list of a group of 10,000 is rewritten at each CreateService.
 */
static void text_list(struct text *t, const char *key, char *const *list, const char *self)
{
    size_t indent = strlen(key) + 3, start = t->len;

    if (list == NULL || list[0] == NULL)
        return;
    for (size_t i = 0; list[i] != NULL; i++) {
        if (!list_name_ok(list[i]) || (self != NULL && strcasecmp(list[i], self) == 0)) {
            text_fail(t, -EINVAL);
            return;
        }
    }
    text_str(t, key);
    text_str(t, " = ");
    for (size_t i = 0; list[i] != NULL && t->err == 0; i++) {
        const char *name = list[i], *p;
        size_t escaped = 0, len = strlen(name);

        /* isspace() of the C locale, '%' and ','; ';' and '#' first. */
        if (name[strcspn(name, "%, \t\n\v\f\r")] != '\0' || name[0] == ';' || name[0] == '#')
            for (p = name; *p != '\0'; p++)
                escaped += (size_t)list_byte_escaped(name, p);
        if (i > 0) {
            size_t need = 2 + len + 2 * escaped + (list[i + 1] != NULL);

            if (t->len - start + need <= WRAP_WIDTH) {
                text_append(t, ", ", 2);
            } else {
                text_append(t, ",", 1);
                text_end_line(t, start);
                start = t->len;
                for (size_t k = 0; k < indent; k++)
                    text_append(t, " ", 1);
            }
        }
        if (escaped == 0) {
            text_append(t, name, len);
            continue;
        }
        for (p = name; *p != '\0'; p++) {
            char hex[4];

            if (!list_byte_escaped(name, p)) {
                text_append(t, p, 1);
                continue;
            }
            snprintf(hex, sizeof hex, "%%%02X", (unsigned char)*p);
            text_append(t, hex, 3);
        }
    }
    text_end_line(t, start);
}

/* ---- Files ------------------------------------------------------------------- */

/* fsync of the directory holding path, so that a rename, unlink or mkdir
 * in it is durable.  Failures are not reported: the change is already
 * made and visible, and the caller could not undo it. */
static void sync_parent(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir;
    int fd;

    if (slash == NULL)
        dir = strdup(".");
    else if (slash == path)
        dir = strdup("/");
    else
        dir = strndup(path, (size_t)(slash - path));
    if (dir == NULL)
        return;
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    free(dir);
}

/* ROOT/config and, with `services`, ROOT/config/services, made on the
 * first write to a fresh state directory.  ROOT itself must exist. */
static int make_config_dirs(const char *root, int services)
{
    char *dirs[2] = { svc_path_config_dir(root), services ? svc_path_services_dir(root) : NULL };
    int rc = 0;

    if (dirs[0] == NULL || (services && dirs[1] == NULL))
        rc = -ENOMEM;
    for (int i = 0; i < 2 && rc == 0 && dirs[i] != NULL; i++) {
        if (mkdir(dirs[i], 0755) == 0)
            sync_parent(dirs[i]);
        else if (errno != EEXIST)
            rc = -errno;
    }
    free(dirs[0]);
    free(dirs[1]);
    return rc;
}

/*
 * Replaces path with data: a temporary file beside it (same directory,
 * so the rename cannot cross file systems), fsync, rename over path,
 * fsync of the directory.  On any failure the temporary file is removed
 * and path is as it was.
 */
int svc_temp_beside(const char *path, mode_t mode, char **tmp)
{
    int fd, rc;

    if (asprintf(tmp, "%s.tmp.XXXXXX", path) < 0) {
        *tmp = NULL;
        return -ENOMEM;
    }
    /* A unique name: two writers of one file must not share a temporary. */
    fd = mkostemp(*tmp, O_CLOEXEC);
    /* mkostemp makes the file 0600. */
    if (fd >= 0 && fchmod(fd, mode) == 0)
        return fd;
    rc = -errno;
    if (fd >= 0) {
        close(fd);
        unlink(*tmp);
    }
    free(*tmp);
    *tmp = NULL;
    return rc;
}

/* durable: the file and its directory synced, for the database; else
 * only replaced whole, for state a restart makes anew. */
static int write_replace(const char *path, const char *data, size_t len, int durable)
{
    struct stat st;
    char *tmp;
    int fd, rc = 0;

    /* The old file's mode is kept. */
    fd = svc_temp_beside(path, stat(path, &st) == 0 ? st.st_mode & 07777 : 0644, &tmp);
    if (fd < 0)
        return fd;
    for (size_t off = 0; rc == 0 && off < len;) {
        ssize_t w = write(fd, data + off, len - off);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            rc = w < 0 ? -errno : -EIO;
        else
            off += (size_t)w;
    }
    if (rc == 0 && durable && fsync(fd) < 0)
        rc = -errno;
    if (close(fd) < 0 && rc == 0)
        rc = -errno;
    if (rc == 0 && rename(tmp, path) < 0)
        rc = -errno;
    if (rc < 0)
        unlink(tmp);
    else if (durable)
        sync_parent(path);
    free(tmp);
    return rc;
}

static int write_atomic(const char *path, const char *data, size_t len)
{
    return write_replace(path, data, len, 1);
}

int svc_write_file_atomic(const char *path, const char *data, size_t len)
{
    return write_atomic(path, data, len);
}

int svc_write_file_replace(const char *path, const char *data, size_t len)
{
    return write_replace(path, data, len, 0);
}

/* 1 if a directory entry is a temporary of write_atomic: NAME.tmp. and
 * mkostemp's six characters. */
static int is_temporary(const char *name)
{
    size_t n = strlen(name);

    return n > 11 && memcmp(name + n - 11, ".tmp.", 5) == 0 && strchr(name + n - 6, '/') == NULL;
}

/* Removes the temporaries in dir; how many, or a negative errno. */
static int remove_temporaries_in(const char *dir, int depth)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;

    if (d == NULL)
        return errno == ENOENT ? 0 : -errno;
    while ((e = readdir(d)) != NULL) {
        struct stat st;

        if (is_temporary(e->d_name)) {
            if (unlinkat(dirfd(d), e->d_name, 0) == 0)
                n++;
        } else if (depth > 0 && e->d_name[0] != '.' &&
                   /* The entry's type, when the file system gives it,
                    * spares a stat of each of 10,000 service files. */
                   (e->d_type == DT_DIR ||
                    (e->d_type == DT_UNKNOWN &&
                     fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
                     S_ISDIR(st.st_mode)))) {
            /* The pieces of a long name (svc_path_service_file). */
            char *sub;
            if (asprintf(&sub, "%s/%s", dir, e->d_name) >= 0) {
                int k = remove_temporaries_in(sub, depth - 1);
                n += k > 0 ? k : 0;
                free(sub);
            }
        }
    }
    closedir(d);
    return n;
}

int svc_config_remove_temporaries(const char *root)
{
    char *dirs[3] = { svc_path_config_dir(root), svc_path_services_dir(root),
                      svc_path_run_dir(root) };
    int total = 0, rc = 0;

    for (size_t i = 0; i < 3; i++) {
        int n = dirs[i] != NULL ? remove_temporaries_in(dirs[i], i == 1 ? 8 : 0) : -ENOMEM;

        if (n < 0 && rc == 0)
            rc = n;
        else if (n > 0)
            total += n;
        free(dirs[i]);
    }
    return rc < 0 ? rc : total;
}

/* Writes t to path unless building it failed; frees t. */
static int text_commit(struct text *t, const char *path)
{
    int rc = t->err ? t->err : write_atomic(path, t->buf ? t->buf : "", t->len);

    free(t->buf);
    t->buf = NULL;
    return rc;
}

/* ---- One service ------------------------------------------------------------- */

/* As config_service.c: ServiceMain names a C function. */
static int symbol_ok(const char *s)
{
    if (!isalpha((unsigned char)*s) && *s != '_')
        return 0;
    for (; *s != '\0'; s++)
        if (!isalnum((unsigned char)*s) && *s != '_')
            return 0;
    return 1;
}

/* A [Parameters] key: inih ends a key at the first '=' or ':' and trims
 * it, and takes a line starting with '[' for a section header and one
 * starting with ';' or '#' for a comment (svc_config_value_ok refuses
 * the blanks and ';'). */
static int param_key_ok(const char *k)
{
    return k != NULL && *k != '\0' && svc_config_value_ok(k) &&
           strpbrk(k, "=:") == NULL && *k != '[' && *k != '#';
}

static int same_str(const char *a, const char *b)
{
    return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/*
 * ServiceDll or ServiceMain, whose value is `field` (c->service_dll or
 * c->service_main), with `dflt` what the reader makes of an empty or
 * missing one.  `entry` is the value of its entry in c->params, if it has
 * one: a service read back has one, and when it still says what `field`
 * says it is written as it is (an empty one stays empty).  Otherwise
 * `field` wins: the caller changed it and the entry is stale.  Without
 * an entry the default is not written.
 */
static void text_host_key(struct text *t, const char *key, const char *entry,
                          const char *field, const char *dflt)
{
    const char *now = field != NULL ? field : dflt;
    const char *was = entry != NULL && *entry != '\0' ? entry : dflt;

    if (entry != NULL && same_str(now, was))
        text_kv(t, key, entry);
    else if (field != NULL && (entry != NULL || dflt == NULL || strcmp(field, dflt) != 0))
        text_kv(t, key, field);
}

static void text_parameters(struct text *t, const struct svc_service_config *c)
{
    const char *dll_entry = NULL, *main_entry = NULL;
    int others = 0;

    if (c->service_dll != NULL && *c->service_dll == '\0')
        text_fail(t, -EINVAL);      /* reads back as no ServiceDll */
    if (c->service_main != NULL && !symbol_ok(c->service_main))
        text_fail(t, -EINVAL);      /* the reader refuses it */
    if (c->n_params > 0 && c->params == NULL)
        text_fail(t, -EINVAL);
    for (size_t i = 0; i < c->n_params && t->err == 0; i++) {
        const struct svc_kv *kv = &c->params[i];

        if (kv->key == NULL || kv->value == NULL) {
            text_fail(t, -EINVAL);
            break;
        }
        /* Keys are case-insensitive: a repeated one is an error on reading. */
        for (size_t j = 0; j < i; j++)
            if (strcasecmp(kv->key, c->params[j].key) == 0)
                text_fail(t, -EINVAL);
        if (strcasecmp(kv->key, "ServiceDll") == 0)
            dll_entry = kv->value;
        else if (strcasecmp(kv->key, "ServiceMain") == 0)
            main_entry = kv->value;
        else if (!param_key_ok(kv->key))
            text_fail(t, -EINVAL);
        else
            others = 1;
    }
    if (dll_entry == NULL && c->service_dll == NULL && main_entry == NULL && !others &&
        (c->service_main == NULL || strcmp(c->service_main, "ServiceMain") == 0))
        return;                     /* reads back the same without the section */

    /* c->params' order, so that a service read, changed and written back
     * keeps its file's order; ServiceDll and ServiceMain first when
     * c->params does not place them (the SCM builds params without). */
    text_line(t, "%s", "");
    text_line(t, "[Parameters]");
    if (dll_entry == NULL)
        text_host_key(t, "ServiceDll", NULL, c->service_dll, NULL);
    if (main_entry == NULL)
        text_host_key(t, "ServiceMain", NULL, c->service_main, "ServiceMain");
    for (size_t i = 0; i < c->n_params && t->err == 0; i++) {
        const struct svc_kv *kv = &c->params[i];

        if (strcasecmp(kv->key, "ServiceDll") == 0)
            text_host_key(t, kv->key, dll_entry, c->service_dll, NULL);
        else if (strcasecmp(kv->key, "ServiceMain") == 0)
            text_host_key(t, kv->key, main_entry, c->service_main, "ServiceMain");
        else
            text_kv(t, kv->key, kv->value);
    }
}

/* The directories a long name is cut into (svc_path_service_file), between
 * services/ and the file: made for a write, removed once empty. */
static int make_piece_dirs(const char *root, const char *path)
{
    char *dir = svc_path_services_dir(root), *p;
    size_t base;
    int rc = 0;

    if (dir == NULL)
        return -ENOMEM;
    base = strlen(dir);
    free(dir);
    if ((p = strdup(path)) == NULL)
        return -ENOMEM;
    for (char *slash = strchr(p + base + 1, '/'); slash != NULL && rc == 0;
         slash = strchr(slash + 1, '/')) {
        *slash = '\0';
        if (mkdir(p, 0755) < 0 && errno != EEXIST)
            rc = -errno;
        else
            sync_parent(p);
        *slash = '/';
    }
    free(p);
    return rc;
}

static void remove_piece_dirs(const char *root, const char *path)
{
    char *dir = svc_path_services_dir(root), *p = strdup(path), *slash;
    size_t base = dir ? strlen(dir) : 0;

    free(dir);
    if (p == NULL || base == 0) {
        free(p);
        return;
    }
    while ((slash = strrchr(p, '/')) != NULL && (size_t)(slash - p) > base) {
        *slash = '\0';
        if (rmdir(p) < 0)
            break;
        sync_parent(p);
    }
    free(p);
}

/* Security: the canonical SDDL, the owner, group and DACL flags on the
 * key's line and one ACE a line after it, so that a long descriptor
 * keeps within the reader's line limit. */
static void text_security(struct text *t, const char *sddl)
{
    char *canon;
    const char *p, *q;
    int rc;

    if (sddl == NULL)
        return;
    rc = svc_sddl_canonical(sddl, &canon, NULL, 0);
    if (rc < 0 || canon[0] == '\0') {
        text_fail(t, rc < 0 ? rc : -EINVAL);
        free(canon);
        return;
    }
    p = strchr(canon, '(');
    if (p == NULL)
        p = canon + strlen(canon);
    if (strlen("Security = ") + (size_t)(p - canon) > MAX_LINE_CONTENT)
        text_fail(t, -EINVAL);
    else
        text_line(t, "Security = %.*s", (int)(p - canon), canon);
    for (; *p == '('; p = q + 1) {
        q = strchr(p, ')');
        if (q == NULL || (size_t)(q - p) + 5 > MAX_LINE_CONTENT) {
            text_fail(t, -EINVAL);
            break;
        }
        text_line(t, "    %.*s", (int)(q - p + 1), p);
    }
    free(canon);
}

int svc_config_write_service(const char *root, const struct svc_service_config *c)
{
    struct text t = { 0 };
    char *path;
    int rc;

    if (root == NULL || c == NULL || !svc_name_valid(c->name))
        return -EINVAL;
    text_line(&t, "[Service]");
    /* The reader takes the name for a missing DisplayName: a name too long
     * for a line (up to 256 characters) is then left out of the file. */
    if (c->display_name == NULL || strcmp(c->display_name, c->name) != 0 ||
        strlen(c->display_name) + strlen("DisplayName = ") <= MAX_LINE_CONTENT)
        text_service_string(&t, "DisplayName", c->display_name);
    text_service_string(&t, "Description", c->description);
    text_enum(&t, "Type", c->type, svc_type_name(c->type), 1, svc_parse_type);
    text_enum(&t, "Start", c->start, svc_start_name(c->start), 0, svc_parse_start);
    text_enum(&t, "ErrorControl", c->error_control,
              svc_error_control_name(c->error_control), 0, svc_parse_error_control);
    if (c->image_path == NULL)
        text_fail(&t, -EINVAL);     /* required */
    text_service_string(&t, "ImagePath", c->image_path);
    text_service_string(&t, "ObjectName", c->object_name);
    if (c->load_order_group != NULL && !svc_name_valid(c->load_order_group))
        text_fail(&t, -EINVAL);
    text_service_string(&t, "Group", c->load_order_group);
    text_list(&t, "DependOnService", c->depend_on_service, c->name);
    text_list(&t, "DependOnGroup", c->depend_on_group, NULL);
    if (c->wait_hint_ms != 0)
        text_line(&t, "StartTimeoutMs = %" PRIu32, c->wait_hint_ms);
    /* The reader takes only 0 and 1; 0 is the default and is left out. */
    if (c->split_disable > 1)
        text_fail(&t, -EINVAL);
    else if (c->split_disable != 0)
        text_line(&t, "SvcHostSplitDisable = 1");
    text_recovery(&t, c);
    text_security(&t, c->security);
    text_parameters(&t, c);

    if (t.err == 0 && (rc = make_config_dirs(root, 1)) < 0)
        text_fail(&t, rc);
    path = svc_path_service_file(root, c->name);
    if (path == NULL)
        text_fail(&t, -ENOMEM);
    else if (t.err == 0 && (rc = make_piece_dirs(root, path)) < 0)
        text_fail(&t, rc);
    rc = text_commit(&t, path);
    free(path);
    return rc;
}

int svc_config_remove_service(const char *root, const char *name)
{
    char *path;
    int rc = 0;

    /* The name becomes a path: "../x" must not reach outside services/. */
    if (root == NULL || !svc_name_valid(name))
        return -EINVAL;
    path = svc_path_service_file(root, name);
    if (path == NULL)
        return -ENOMEM;
    if (unlink(path) == 0) {
        sync_parent(path);
        remove_piece_dirs(root, path);
    } else if (errno != ENOENT) {
        rc = -errno;
    }
    free(path);
    return rc;
}

/* ---- Groups ------------------------------------------------------------------ */

/* A group section header "[NAME]": inih ends the name at the first ']'
 * and trims it, and a ';' after a blank starts a comment. */
static int group_name_ok(const char *s)
{
    return svc_name_valid(s) && svc_config_value_ok(s) && strchr(s, ']') == NULL;
}

/*
 * svchost.ini is rewritten from what svc_config_load_groups understood of
 * it, which is each group's name, its Services list and its Split.  What
 * the reader ignores (with a warning) is not kept: comments, unknown
 * keys, keys before the first group.  When groups gain other keys,
 * struct svc_group_config must carry them and this function write them.
 * The file is read, changed and written without a lock: callers
 * serialise (scmd makes every change from its one event loop).
 *
 * A name already listed keeps its spelling and its place; a new member
 * goes at the end of its group, and a new group at the end of the file.
 * Only the group that this change leaves empty is removed, and not even
 * that one when it has a Split other than auto: someone chose it, and
 * the next service added to the group should find it.
 */
int svc_groups_set_membership(struct svc_groups *g, const char *name, const char *group)
{
    size_t from = SIZE_MAX, at = 0, to = SIZE_MAX;

    if (g == NULL || !list_name_ok(name) || (group != NULL && !group_name_ok(group)))
        return -EINVAL;
    for (size_t i = 0; i < g->n; i++) {
        if (group != NULL && to == SIZE_MAX && strcasecmp(g->groups[i].name, group) == 0)
            to = i;
        for (size_t k = 0; from == SIZE_MAX && k < g->groups[i].n_services; k++) {
            if (strcasecmp(g->groups[i].services[k], name) == 0) {
                from = i;
                at = k;
            }
        }
    }
    if (from == SIZE_MAX ? group == NULL : from == to)
        return 0;       /* already so */

    /* The new place first: only it can fail, and then g is as it was. */
    if (group != NULL && to == SIZE_MAX) {
        struct svc_group_config *more = realloc(g->groups, (g->n + 1) * sizeof *more);
        if (more == NULL)
            return -ENOMEM;
        g->groups = more;
        more[g->n] = (struct svc_group_config){ .name = strdup(group),
                                                .services = calloc(1, sizeof(char *)),
                                                .split = SVC_SPLIT_AUTO };
        if (more[g->n].name == NULL || more[g->n].services == NULL) {
            free(more[g->n].name);
            free(more[g->n].services);
            return -ENOMEM;
        }
        to = g->n++;
    }
    if (group != NULL) {
        struct svc_group_config *gc = &g->groups[to];
        char **members = realloc(gc->services, (gc->n_services + 2) * sizeof *members);
        char *copy = strdup(name);

        if (members != NULL)
            gc->services = members;
        if (members == NULL || copy == NULL) {
            free(copy);
            return -ENOMEM;     /* a new group stays, empty: it is written so */
        }
        members[gc->n_services++] = copy;
        members[gc->n_services] = NULL;
    }
    if (from != SIZE_MAX) {
        struct svc_group_config *gc = &g->groups[from];

        free(gc->services[at]);
        memmove(&gc->services[at], &gc->services[at + 1],
                (gc->n_services - at) * sizeof *gc->services);   /* the NULL too */
        gc->n_services--;
        if (gc->n_services == 0 && gc->split == SVC_SPLIT_AUTO) {
            free(gc->services);
            free(gc->name);
            memmove(gc, gc + 1, (g->n - from - 1) * sizeof *gc);
            g->n--;
        }
    }
    return 1;
}

int svc_config_write_groups(const char *root, const struct svc_groups *g)
{
    struct text t = { 0 };
    char *path;
    int rc;

    if (root == NULL || g == NULL)
        return -EINVAL;
    for (size_t i = 0; i < g->n && t.err == 0; i++) {
        const struct svc_group_config *gc = &g->groups[i];

        if (!group_name_ok(gc->name) || svc_split_name(gc->split) == NULL)
            text_fail(&t, -EINVAL);
        if (t.len > 0)
            text_line(&t, "%s", "");
        text_line(&t, "[%s]", gc->name);
        text_list(&t, "Services", gc->services, NULL);
        if (gc->split != SVC_SPLIT_AUTO && t.err == 0)
            text_line(&t, "Split = %s", svc_split_name(gc->split));
    }
    if (t.err == 0 && (rc = make_config_dirs(root, 0)) < 0)
        text_fail(&t, rc);
    path = svc_path_groups_file(root);
    if (path == NULL)
        text_fail(&t, -ENOMEM);
    rc = text_commit(&t, path);
    free(path);
    return rc;
}

int svc_config_set_group_membership(const char *root, const char *name, const char *group)
{
    struct svc_groups *g = NULL;
    struct svc_diag diag = { 0 };
    int rc;

    if (root == NULL || !list_name_ok(name) || (group != NULL && !group_name_ok(group)))
        return -EINVAL;
    rc = svc_config_load_groups(root, &g, &diag);
    svc_diag_free(&diag);
    if (rc == -ENOENT) {
        g = calloc(1, sizeof *g);
        if (g == NULL)
            return -ENOMEM;
    } else if (rc < 0) {
        return rc;      /* a malformed file is left for a person to fix */
    }
    rc = svc_groups_set_membership(g, name, group);
    if (rc > 0)
        rc = svc_config_write_groups(root, g);
    svc_groups_free(g);
    return rc;      /* 0: already so, the file is not touched */
}
