/*
 * config_values.c - the values in service files: symbolic and numeric
 * Type/Start/ErrorControl, names, svchost command lines, where a
 * ServiceDll is looked up, and whether a service is split out of its
 * group's host.
 */
#include "config.h"
#include "paths.h"
#include "proto.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <svchost/winsvc.h>

#ifndef SVCHOST_PLUGINDIR_INSTALLED
/* CMake defines it for libsvc; other builds of this file get the default
 * prefix's directory. */
#define SVCHOST_PLUGINDIR_INSTALLED "/usr/local/lib/svchost/plugins"
#endif
#ifndef SVCHOST_PLUGINDIR_REL
/* The installed plugin directory relative to the programs' directory
 * (CMake: from BINDIR to LIBDIR/svchost/plugins). */
#define SVCHOST_PLUGINDIR_REL "../lib/svchost/plugins"
#endif

/*
 * One table per enum, holding every name a value has: `word`, the name
 * in service files and sc's options ("demand"; the first of a value is
 * the one written back), and `display`, the name sc prints after the
 * number ("DEMAND_START", as sc.exe).  A NULL word: no file name.
 */
struct value_name {
    uint32_t value;
    const char *word;
    const char *display;
};

static const struct value_name type_names[] = {
    { SERVICE_WIN32_OWN_PROCESS,   "own",       "WIN32_OWN_PROCESS" },
    { SERVICE_WIN32_SHARE_PROCESS, "share",     "WIN32_SHARE_PROCESS" },
    { SERVICE_KERNEL_DRIVER,       "kernel",    "KERNEL_DRIVER" },
    { SERVICE_FILE_SYSTEM_DRIVER,  "filesys",   "FILE_SYSTEM_DRIVER" },
    { SERVICE_RECOGNIZER_DRIVER,   "rec",       "RECOGNIZER_DRIVER" },
    { SERVICE_ADAPTER,             "adapt",     "ADAPTER" },
    { SERVICE_USER_OWN_PROCESS,    "userown",   "USER_OWN_PROCESS" },
    { SERVICE_USER_SHARE_PROCESS,  "usershare", "USER_SHARE_PROCESS" },
    { SERVICE_WIN32,               NULL,        "WIN32" },
};

/* Indexed by value: the start types and error controls are 0..N. */
static const struct value_name start_names[] = {
    [SERVICE_BOOT_START]   = { SERVICE_BOOT_START,   "boot",     "BOOT_START" },
    [SERVICE_SYSTEM_START] = { SERVICE_SYSTEM_START, "system",   "SYSTEM_START" },
    [SERVICE_AUTO_START]   = { SERVICE_AUTO_START,   "auto",     "AUTO_START" },
    [SERVICE_DEMAND_START] = { SERVICE_DEMAND_START, "demand",   "DEMAND_START" },
    [SERVICE_DISABLED]     = { SERVICE_DISABLED,     "disabled", "DISABLED" },
};

static const struct value_name error_control_names[] = {
    [SERVICE_ERROR_IGNORE]   = { SERVICE_ERROR_IGNORE,   "ignore",   "IGNORE" },
    [SERVICE_ERROR_NORMAL]   = { SERVICE_ERROR_NORMAL,   "normal",   "NORMAL" },
    [SERVICE_ERROR_SEVERE]   = { SERVICE_ERROR_SEVERE,   "severe",   "SEVERE" },
    [SERVICE_ERROR_CRITICAL] = { SERVICE_ERROR_CRITICAL, "critical", "CRITICAL" },
};

static const char *const split_names[] = {
    [SVC_SPLIT_AUTO] = "auto",
    [SVC_SPLIT_ALWAYS] = "always",
    [SVC_SPLIT_NEVER] = "never",
};

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

_Static_assert(N_ELEMS(start_names) == SERVICE_DISABLED + 1,
               "start_names out of step with the SERVICE_*_START values");
_Static_assert(N_ELEMS(error_control_names) == SERVICE_ERROR_CRITICAL + 1,
               "error_control_names out of step with the SERVICE_ERROR_* values");
/* The types are bits, not an index: eight named types, and SERVICE_WIN32
 * (own | share) as sc prints it. */
_Static_assert(N_ELEMS(type_names) == 9, "type_names out of step with the SERVICE_* types");
_Static_assert(N_ELEMS(split_names) == SVC_SPLIT_NEVER + 1,
               "split_names out of step with enum svc_split");

int svc_parse_dword(const char *s, uint32_t *out)
{
    unsigned base = 10;
    uint64_t v = 0;

    if (s == NULL || *s == '\0')
        return -EINVAL;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
        if (*s == '\0')
            return -EINVAL;
    }
    for (; *s != '\0'; s++) {
        unsigned d;

        if (*s >= '0' && *s <= '9')
            d = (unsigned)(*s - '0');
        else if (base == 16 && *s >= 'a' && *s <= 'f')
            d = (unsigned)(*s - 'a' + 10);
        else if (base == 16 && *s >= 'A' && *s <= 'F')
            d = (unsigned)(*s - 'A' + 10);
        else
            return -EINVAL;
        v = v * base + d;
        /* Keep scanning after an overflow so that "99999999999x" is
         * -EINVAL (not a number) rather than -ERANGE. */
        if (v > UINT32_MAX)
            v = (uint64_t)UINT32_MAX + 1;
    }
    if (v > UINT32_MAX)
        return -ERANGE;
    *out = (uint32_t)v;
    return 0;
}

static int parse_named(const struct value_name *names, size_t n, const char *s,
                       uint32_t max, uint32_t *out)
{
    uint32_t v;

    if (s == NULL)
        return -EINVAL;
    for (size_t i = 0; i < n; i++) {
        if (names[i].word != NULL && strcasecmp(s, names[i].word) == 0) {
            *out = names[i].value;
            return 0;
        }
    }
    if (svc_parse_dword(s, &v) < 0 || v > max)
        return -EINVAL;
    *out = v;
    return 0;
}

static const struct value_name *row_of(const struct value_name *names, size_t n, uint32_t v)
{
    for (size_t i = 0; i < n; i++)
        if (names[i].value == v)
            return &names[i];
    return NULL;
}

static const char *name_of(const struct value_name *names, size_t n, uint32_t v)
{
    const struct value_name *row = row_of(names, n, v);

    return row != NULL ? row->word : NULL;
}

static const char *display_of(const struct value_name *names, size_t n, uint32_t v)
{
    const struct value_name *row = row_of(names, n, v);

    return row != NULL ? row->display : NULL;
}

int svc_parse_type(const char *s, uint32_t *out)
{
    uint32_t v;

    if (parse_named(type_names, N_ELEMS(type_names), s, SERVICE_TYPE_ALL, &v) < 0)
        return -EINVAL;
    if (v == 0)
        return -EINVAL;
    *out = v;
    return 0;
}

int svc_parse_start(const char *s, uint32_t *out)
{
    return parse_named(start_names, N_ELEMS(start_names), s, SERVICE_DISABLED, out);
}

int svc_parse_error_control(const char *s, uint32_t *out)
{
    return parse_named(error_control_names, N_ELEMS(error_control_names), s,
                       SERVICE_ERROR_CRITICAL, out);
}

const char *svc_type_name(uint32_t type)
{
    return name_of(type_names, N_ELEMS(type_names), type);
}

const char *svc_start_name(uint32_t start)
{
    return name_of(start_names, N_ELEMS(start_names), start);
}

const char *svc_error_control_name(uint32_t ec)
{
    return name_of(error_control_names, N_ELEMS(error_control_names), ec);
}

const char *svc_type_display_name(uint32_t type)
{
    return display_of(type_names, N_ELEMS(type_names), type);
}

const char *svc_start_display_name(uint32_t start)
{
    return display_of(start_names, N_ELEMS(start_names), start);
}

const char *svc_error_control_display_name(uint32_t ec)
{
    return display_of(error_control_names, N_ELEMS(error_control_names), ec);
}

int svc_parse_split(const char *s, int *out)
{
    if (s == NULL)
        return -EINVAL;
    for (size_t i = 0; i < N_ELEMS(split_names); i++) {
        if (strcasecmp(s, split_names[i]) == 0) {
            *out = (int)i;
            return 0;
        }
    }
    return -EINVAL;
}

const char *svc_split_name(int split)
{
    if (split < 0 || (size_t)split >= N_ELEMS(split_names))
        return NULL;
    return split_names[split];
}

/* SERVICE_SID_TYPE_NONE, _UNRESTRICTED and _RESTRICTED (0, 1, 3): sc.exe's
 * sidtype words. */
static const struct {
    uint32_t value;
    const char *name;
} sid_type_names[] = {
    { SERVICE_SID_TYPE_NONE, "none" },
    { SERVICE_SID_TYPE_UNRESTRICTED, "unrestricted" },
    { SERVICE_SID_TYPE_RESTRICTED, "restricted" },
};

int svc_parse_sid_type(const char *s, uint32_t *out)
{
    uint32_t v;

    if (s == NULL)
        return -EINVAL;
    for (size_t i = 0; i < N_ELEMS(sid_type_names); i++) {
        if (strcasecmp(s, sid_type_names[i].name) == 0) {
            *out = sid_type_names[i].value;
            return 0;
        }
    }
    if (svc_parse_dword(s, &v) < 0 || svc_sid_type_name(v) == NULL)
        return -EINVAL;
    *out = v;
    return 0;
}

const char *svc_sid_type_name(uint32_t sid_type)
{
    for (size_t i = 0; i < N_ELEMS(sid_type_names); i++)
        if (sid_type_names[i].value == sid_type)
            return sid_type_names[i].name;
    return NULL;
}

/*
 * Windows 10 (1703 and later) runs each share service in its own svchost
 * when the machine has more RAM than SvcHostSplitThresholdInKB, unless
 * the service sets SvcHostSplitDisable.  A group's Split comes between
 * the two here, so that a group can opt in or out as a whole.
 */
int svc_split_decide(uint32_t threshold_kb, uint64_t mem_total_kb, int group_split,
                     uint32_t service_split_disable)
{
    if (service_split_disable != 0)
        return 0;
    if (group_split == SVC_SPLIT_NEVER)
        return 0;
    if (group_split == SVC_SPLIT_ALWAYS)
        return 1;
    return threshold_kb != 0 && mem_total_kb > threshold_kb;
}

uint64_t svc_meminfo_total_kb(const char *path)
{
    static const char key[] = "MemTotal:";
    char line[256];
    uint64_t kb = 0;
    FILE *f = fopen(path, "re");

    if (f == NULL)
        return 0;
    while (fgets(line, sizeof line, f) != NULL) {
        const char *p = line + sizeof key - 1;
        int digits = 0;

        if (strncmp(line, key, sizeof key - 1) != 0)
            continue;
        while (*p == ' ' || *p == '\t')
            p++;
        for (; *p >= '0' && *p <= '9'; p++, digits++) {
            uint64_t d = (uint64_t)(*p - '0');

            if (kb > (UINT64_MAX - d) / 10) {
                kb = 0;
                break;
            }
            kb = kb * 10 + d;
        }
        /* The kernel has written "kB" since 2.6; another unit, or none,
         * is not a format this was written for. */
        while (*p == ' ' || *p == '\t')
            p++;
        if (digits == 0 || strncmp(p, "kB", 2) != 0)
            kb = 0;
        break;
    }
    fclose(f);
    return kb;
}

uint64_t svc_mem_total_kb(void)
{
    return svc_meminfo_total_kb("/proc/meminfo");
}

int svc_name_valid(const char *name)
{
    size_t len;

    if (name == NULL)
        return 0;
    len = strlen(name);
    /* Registry key names are at most 256 characters; a leading '.' would
     * let "." and ".." name directories once the name becomes a file. */
    if (len == 0 || len > 256 || name[0] == '.')
        return 0;
    for (const unsigned char *p = (const unsigned char *)name; *p != '\0'; p++)
        if (*p == '/' || *p == '\\' || *p < 0x20 || *p == 0x7f)
            return 0;
    return 1;
}

static int is_blank(char c)
{
    return c != '\0' && isspace((unsigned char)c);
}

/*
 * Splits a command line into words: runs of whitespace separate them and
 * double quotes may enclose whitespace inside one ("/opt/my dir/svchost").
 * Returns the number of words (argv NULL-terminated, caller frees with
 * svc_strv_free), -EINVAL for an unterminated quote, -ENOMEM.
 */
int svc_split_command_line(const char *s, char ***out)
{
    size_t n = 0, cap = 0;
    char **argv = NULL;
    char *word = NULL;
    int rc = -ENOMEM;

    for (;;) {
        size_t len = 0;
        int quoted = 0;

        while (is_blank(*s))
            s++;
        if (*s == '\0')
            break;
        /* A word is never longer than the rest of the line. */
        word = malloc(strlen(s) + 1);
        if (word == NULL)
            goto fail;
        for (; *s != '\0'; s++) {
            if (*s == '"') {
                quoted = !quoted;
                continue;
            }
            if (!quoted && is_blank(*s))
                break;
            word[len++] = *s;
        }
        if (quoted) {
            rc = -EINVAL;
            goto fail;
        }
        word[len] = '\0';
        if (n + 2 > cap) {
            size_t ncap = cap ? cap * 2 : 8;
            char **na = realloc(argv, ncap * sizeof(*na));

            if (na == NULL)
                goto fail;
            argv = na;
            cap = ncap;
        }
        argv[n++] = word;
        argv[n] = NULL;
        word = NULL;
    }
    if (argv == NULL) {
        argv = calloc(1, sizeof(*argv));
        if (argv == NULL)
            return -ENOMEM;
    }
    *out = argv;
    return (int)n;

fail:
    free(word);
    if (argv != NULL) {
        argv[n] = NULL;
        svc_strv_free(argv);
    }
    return rc;
}

int svc_imagepath_group(const char *image_path, char **group)
{
    char **argv = NULL;
    const char *base, *found = NULL;
    int argc, rc = 0;

    *group = NULL;
    if (image_path == NULL)
        return 0;
    argc = svc_split_command_line(image_path, &argv);
    if (argc == -ENOMEM)
        return -ENOMEM;
    if (argc < 2)
        goto out;
    base = strrchr(argv[0], '/');
    base = base ? base + 1 : argv[0];
    if (strcmp(base, "svchost") != 0)
        goto out;
    /* The group is the first "-k GROUP" or "-kGROUP"; other options such
     * as "-s SERVICE" may come before or after it. */
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-k") == 0) {
            if (i + 1 < argc)
                found = argv[i + 1];
            break;
        }
        if (strncmp(argv[i], "-k", 2) == 0) {
            found = argv[i] + 2;
            break;
        }
    }
    if (found == NULL || *found == '\0')
        goto out;
    *group = strdup(found);
    rc = *group ? 1 : -ENOMEM;
out:
    svc_strv_free(argv);
    return rc;
}

/* DIR when the running executable is DIR/bin/X and DIR holds a
 * CMakeCache.txt (a build tree), else NULL. */
static char *build_tree_dir(void)
{
    char *dir = svc_exe_dir(), *slash, *cache = NULL;

    if (dir == NULL)
        return NULL;
    slash = strrchr(dir, '/');
    if (slash == NULL || strcmp(slash + 1, "bin") != 0)
        goto none;
    *slash = '\0';                      /* DIR */
    if (asprintf(&cache, "%s/CMakeCache.txt", dir) < 0) {
        cache = NULL;
        goto none;
    }
    if (access(cache, F_OK) != 0)
        goto none;
    free(cache);
    return dir;
none:
    free(cache);
    free(dir);
    return NULL;
}

char *svc_plugin_dir(void)
{
    const char *env = getenv("SVCHOST_PLUGIN_DIR");
    char *dir, *plugins;

    if (env != NULL && *env != '\0')
        return strdup(env);
    /* Run from the build tree, use the plugins just built there rather
     * than whatever version happens to be installed. */
    dir = build_tree_dir();
    if (dir != NULL) {
        if (asprintf(&plugins, "%s/plugins", dir) < 0)
            plugins = NULL;
        free(dir);
        return plugins;
    }
    /* Installed: found from where the programs are, so that a tree
     * installed with another prefix, or moved, finds its own plugins.  The
     * configured directory only when /proc/self/exe cannot be read. */
    dir = svc_exe_dir();
    if (dir == NULL)
        return strdup(SVCHOST_PLUGINDIR_INSTALLED);
    const char *rel = SVCHOST_PLUGINDIR_REL;
    char *slash;
    /* /proc/self/exe is canonical, so "../" may drop a component. */
    while (strncmp(rel, "../", 3) == 0 && (slash = strrchr(dir, '/')) != NULL && slash != dir) {
        *slash = '\0';
        rel += 3;
    }
    if (asprintf(&plugins, "%s/%s", dir, rel) < 0)
        plugins = NULL;
    free(dir);
    return plugins;
}

char *svc_resolve_service_dll(const char *service_dll)
{
    char *dir, *path;
    size_t len;

    if (service_dll == NULL || *service_dll == '\0')
        return NULL;
    if (service_dll[0] == '/')
        return strdup(service_dll);
    dir = svc_plugin_dir();
    if (dir == NULL)
        return NULL;
    len = strlen(dir);
    while (len > 1 && dir[len - 1] == '/')
        dir[--len] = '\0';
    if (asprintf(&path, "%s%s%s", dir, strcmp(dir, "/") == 0 ? "" : "/",
                 service_dll) < 0)
        path = NULL;
    free(dir);
    return path;
}

/* ---- Failure actions ---------------------------------------------------- */

static const char *const action_names[] = {
    [SC_ACTION_NONE] = "none",
    [SC_ACTION_RESTART] = "restart",
    [SC_ACTION_REBOOT] = "reboot",
    [SC_ACTION_RUN_COMMAND] = "run",
};

const char *svc_failure_action_name(uint32_t type)
{
    return type < sizeof action_names / sizeof action_names[0] ? action_names[type] : NULL;
}

int svc_parse_failure_actions(const char *s, struct svc_failure_action **out, size_t *n_out)
{
    struct svc_failure_action *a = NULL;
    size_t n = 0;
    const char *p = s;

    *out = NULL;
    *n_out = 0;
    if (s == NULL)
        return -EINVAL;
    if (*s == '\0')
        return 0;
    for (;;) {
        const char *slash = strchr(p, '/');
        char word[16], num[16];
        size_t len;
        uint32_t type = UINT32_MAX;

        /* The action word: sc.exe's "" (here an empty word) is none. */
        if (slash == NULL || (len = (size_t)(slash - p)) >= sizeof word)
            goto bad;
        memcpy(word, p, len);
        word[len] = '\0';
        if (len == 0)
            type = SC_ACTION_NONE;
        for (uint32_t t = 0; len > 0 && t < sizeof action_names / sizeof action_names[0]; t++)
            if (strcasecmp(word, action_names[t]) == 0)
                type = t;
        if (type == UINT32_MAX)
            goto bad;
        /* Its delay in milliseconds. */
        p = slash + 1;
        slash = strchr(p, '/');
        len = slash ? (size_t)(slash - p) : strlen(p);
        if (len >= sizeof num)
            goto bad;
        memcpy(num, p, len);
        num[len] = '\0';
        if (n == SVC_FAILURE_ACTIONS_MAX) {
            free(a);
            return -ERANGE;
        }
        if (n == 0 && (a = calloc(SVC_FAILURE_ACTIONS_MAX, sizeof *a)) == NULL)
            return -ENOMEM;
        a[n].type = type;
        if (svc_parse_dword(num, &a[n].delay_ms) < 0)
            goto bad;
        n++;
        if (slash == NULL)
            break;
        p = slash + 1;
    }
    *out = a;
    *n_out = n;
    return 0;
bad:
    free(a);
    return -EINVAL;
}

/* ---- Triggers (config.h) ----------------------------------------------------------- */

int svc_trigger_valid(const struct svc_trigger *t)
{
    if (!((t->type >= 1 && t->type <= 7) || t->type == 20) || t->action < 1 || t->action > 2)
        return 0;
    for (size_t i = 0; i < t->n_items; i++)
        if (t->items[i].type < 1 || t->items[i].type > 5 ||
            (t->items[i].len > 0 && t->items[i].data == NULL))
            return 0;
    return 1;
}

void svc_trigger_free(struct svc_trigger *t)
{
    for (size_t i = 0; t->items && i < t->n_items; i++)
        free(t->items[i].data);
    free(t->items);
    memset(t, 0, sizeof *t);
}

static int hex_digit(char c)
{
    return c >= '0' && c <= '9' ? c - '0'
         : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

int svc_parse_trigger(const char *s, struct svc_trigger *t)
{
    unsigned type, action, d1, d2, d3, b[8];
    int n = 0;
    const char *p;

    memset(t, 0, sizeof *t);
    if (sscanf(s, "%u:%u:%n", &type, &action, &n) != 2 || n == 0)
        return -EINVAL;
    t->type = type;
    t->action = action;
    p = s + n;
    if (*p == '-') {
        p++;
    } else {
        n = 0;
        if (sscanf(p, "{%8x-%4x-%4x-%2x%2x-%2x%2x%2x%2x%2x%2x}%n", &d1, &d2, &d3, &b[0], &b[1],
                   &b[2], &b[3], &b[4], &b[5], &b[6], &b[7], &n) != 11 || n != 38)
            return -EINVAL;
        t->has_subtype = 1;
        t->d1 = d1;
        t->d2 = (uint16_t)d2;
        t->d3 = (uint16_t)d3;
        for (int i = 0; i < 8; i++)
            t->d4[i] = (uint8_t)b[i];
        p += n;
    }
    while (*p == ':') {
        struct svc_trigger_item *grown, *it;
        char *end;
        unsigned long dt = strtoul(p + 1, &end, 10);
        size_t digits;

        if (end == p + 1 || *end != '=' || t->n_items >= SVC_TRIGGERS_MAX)
            goto bad;
        p = end + 1;
        for (digits = 0; hex_digit(p[digits]) >= 0; digits++)
            ;
        if (digits % 2 != 0)
            goto bad;
        grown = realloc(t->items, (t->n_items + 1) * sizeof *grown);
        if (grown == NULL)
            goto nomem;
        t->items = grown;
        it = &t->items[t->n_items++];
        it->type = (uint32_t)dt;
        it->len = digits / 2;
        it->data = it->len ? malloc(it->len) : NULL;
        if (it->len && it->data == NULL)
            goto nomem;
        for (size_t i = 0; i < it->len; i++)
            it->data[i] = (uint8_t)(hex_digit(p[2 * i]) * 16 + hex_digit(p[2 * i + 1]));
        p += digits;
    }
    if (*p != '\0' || !svc_trigger_valid(t))
        goto bad;
    return 0;
bad:
    svc_trigger_free(t);
    return -EINVAL;
nomem:
    svc_trigger_free(t);
    return -ENOMEM;
}

char *svc_format_trigger(const struct svc_trigger *t)
{
    size_t size = 64, off;
    char *s;

    if (!svc_trigger_valid(t)) {
        errno = EINVAL;
        return NULL;
    }
    for (size_t i = 0; i < t->n_items; i++)
        size += 16 + 2 * t->items[i].len;
    if ((s = malloc(size)) == NULL)
        return NULL;
    off = (size_t)snprintf(s, size, "%" PRIu32 ":%" PRIu32 ":", t->type, t->action);
    if (t->has_subtype)
        off += (size_t)snprintf(s + off, size - off,
                                "{%08" PRIX32 "-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X}",
                                t->d1, t->d2, t->d3, t->d4[0], t->d4[1], t->d4[2], t->d4[3],
                                t->d4[4], t->d4[5], t->d4[6], t->d4[7]);
    else
        off += (size_t)snprintf(s + off, size - off, "-");
    for (size_t i = 0; i < t->n_items; i++) {
        off += (size_t)snprintf(s + off, size - off, ":%" PRIu32 "=", t->items[i].type);
        for (size_t k = 0; k < t->items[i].len; k++)
            off += (size_t)snprintf(s + off, size - off, "%02X", t->items[i].data[k]);
    }
    return s;
}

char *svc_format_failure_actions(const struct svc_failure_action *a, size_t n)
{
    /* "restart/4294967295/" is at most 19 bytes an action. */
    size_t size = n * 24 + 1, off = 0;
    char *s = malloc(size);

    if (s == NULL)
        return NULL;
    s[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        const char *name = svc_failure_action_name(a[i].type);

        if (name == NULL) {
            free(s);
            errno = EINVAL;
            return NULL;
        }
        off += (size_t)snprintf(s + off, size - off, "%s%s/%" PRIu32, i ? "/" : "", name,
                                a[i].delay_ms);
    }
    return s;
}
