/*
 * config_scm.c - the schema of ROOT/config/scm.ini: the SCM's own
 * settings, section [SCM], and the hardware profiles, [Profile NAME].
 */
#include "config.h"
#include "config_ini.h"
#include "paths.h"

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* ---- The SCM's settings --------------------------------------------------- */

/* The DWORD keys of [SCM], each a uint32_t of struct svc_scm_config.  A
 * timeout of 0 would make every start or control fail at once (1053), and
 * a peer limit of 0 would refuse or drop every client, so the least either
 * may be is 1.  AllowReboot is a flag: 0 or 1. */
static const struct {
    const char *key;
    size_t offset;
    uint32_t min, max;
    uint32_t def;
    const char *meaning;    /* for the message about a bad value */
} scm_keys[] = {
    { "SplitThresholdKB", offsetof(struct svc_scm_config, split_threshold_kb), 0, UINT32_MAX,
      0, "KiB of RAM from 0 (never split)" },
    { "StartTimeoutMs", offsetof(struct svc_scm_config, start_timeout_ms), 1, UINT32_MAX,
      SVC_SCM_TIMEOUT_DEFAULT_MS, "milliseconds from 1" },
    { "ControlTimeoutMs", offsetof(struct svc_scm_config, control_timeout_ms), 1, UINT32_MAX,
      SVC_SCM_TIMEOUT_DEFAULT_MS, "milliseconds from 1" },
    { "StopTimeoutMs", offsetof(struct svc_scm_config, stop_timeout_ms), 1, UINT32_MAX,
      SVC_SCM_TIMEOUT_DEFAULT_MS, "milliseconds from 1" },
    { "ClientQueueLimitKB", offsetof(struct svc_scm_config, client_queue_limit_kb), 1,
      UINT32_MAX, SVC_SCM_CLIENT_QUEUE_LIMIT_DEFAULT_KB, "KiB from 1" },
    { "HostQueueLimitKB", offsetof(struct svc_scm_config, host_queue_limit_kb), 1,
      UINT32_MAX, SVC_SCM_HOST_QUEUE_LIMIT_DEFAULT_KB, "KiB from 1" },
    { "MaxConnections", offsetof(struct svc_scm_config, max_connections), 1, UINT32_MAX,
      SVC_SCM_MAX_CONNECTIONS_DEFAULT, "a count from 1" },
    { "MaxConnectionsPerUser", offsetof(struct svc_scm_config, max_connections_per_user), 1,
      UINT32_MAX, SVC_SCM_MAX_CONNECTIONS_PER_USER_DEFAULT, "a count from 1" },
    { "FrameTimeoutMs", offsetof(struct svc_scm_config, frame_timeout_ms), 1, UINT32_MAX,
      SVC_SCM_FRAME_TIMEOUT_DEFAULT_MS, "milliseconds from 1" },
    { "AllowReboot", offsetof(struct svc_scm_config, allow_reboot), 0, 1, 0, "0 or 1" },
    { "ShutdownTimeoutMs", offsetof(struct svc_scm_config, shutdown_timeout_ms), 1,
      UINT32_MAX, SVC_SCM_SHUTDOWN_TIMEOUT_DEFAULT_MS, "milliseconds from 1" },
    { "DelayedAutoStartDelayMs", offsetof(struct svc_scm_config, delayed_autostart_delay_ms),
      0, UINT32_MAX, SVC_SCM_DELAYED_AUTOSTART_DELAY_DEFAULT_MS, "milliseconds from 0" },
};
#define N_SCM_KEYS (sizeof scm_keys / sizeof scm_keys[0])
/* The string keys of [SCM], each a char * of struct svc_scm_config after
 * the DWORDs: any one-line text; empty means the default. */
static const struct {
    const char *key;
    size_t offset;
    const char *def;
} scm_str_keys[] = {
    { "RebootCommand", offsetof(struct svc_scm_config, reboot_command),
      SVC_SCM_REBOOT_COMMAND_DEFAULT },
    { "LocalServiceAccount", offsetof(struct svc_scm_config, local_service_account),
      SVC_SCM_LOCAL_SERVICE_ACCOUNT_DEFAULT },
    { "NetworkServiceAccount", offsetof(struct svc_scm_config, network_service_account),
      SVC_SCM_NETWORK_SERVICE_ACCOUNT_DEFAULT },
    { "AdminGroup", offsetof(struct svc_scm_config, admin_group), "" },
};
#define N_SCM_STR_KEYS (sizeof scm_str_keys / sizeof scm_str_keys[0])
/* Every field of the struct before the profiles is a key: the DWORDs of
 * the first table, then the strings of the second. */
_Static_assert(N_SCM_KEYS * sizeof(uint32_t) == offsetof(struct svc_scm_config, reboot_command),
               "scm_keys must list every DWORD field of struct svc_scm_config");
_Static_assert(offsetof(struct svc_scm_config, reboot_command) + N_SCM_STR_KEYS * sizeof(char *) ==
               offsetof(struct svc_scm_config, profiles),
               "scm_str_keys must list every string field of struct svc_scm_config");

static char **scm_str_field(struct svc_scm_config *c, size_t k)
{
    return (char **)(void *)((char *)c + scm_str_keys[k].offset);
}

static uint32_t *scm_field(struct svc_scm_config *c, size_t k)
{
    return (uint32_t *)(void *)((char *)c + scm_keys[k].offset);
}

int svc_scm_config_defaults(struct svc_scm_config *c)
{
    memset(c, 0, sizeof *c);
    for (size_t k = 0; k < N_SCM_KEYS; k++)
        *scm_field(c, k) = scm_keys[k].def;
    for (size_t k = 0; k < N_SCM_STR_KEYS; k++)
        if ((*scm_str_field(c, k) = strdup(scm_str_keys[k].def)) == NULL) {
            svc_scm_config_free(c);
            return -ENOMEM;
        }
    return 0;
}

void svc_scm_config_free(struct svc_scm_config *c)
{
    for (size_t k = 0; k < N_SCM_STR_KEYS; k++) {
        free(*scm_str_field(c, k));
        *scm_str_field(c, k) = NULL;
    }
    for (size_t i = 0; i < c->n_profiles; i++) {
        free(c->profiles[i].name);
        free(c->profiles[i].when_path_exists);
        free(c->profiles[i].when_interface_exists);
    }
    free(c->profiles);
    c->profiles = NULL;
    c->n_profiles = 0;
}

/* ---- Hardware profiles ---------------------------------------------------- */

const struct svc_scm_profile *svc_scm_profile_find(const struct svc_scm_config *c,
                                                   const char *name)
{
    for (size_t i = 0; name != NULL && i < c->n_profiles; i++)
        if (strcasecmp(c->profiles[i].name, name) == 0)
            return &c->profiles[i];
    return NULL;
}

int svc_scm_profile_holds(const struct svc_scm_profile *p)
{
    struct stat st;
    char *net;
    int ok;

    if (p->when_path_exists != NULL && stat(p->when_path_exists, &st) < 0)
        return 0;
    if (p->when_interface_exists == NULL)
        return 1;
    if (asprintf(&net, "/sys/class/net/%s", p->when_interface_exists) < 0)
        return 0;
    ok = stat(net, &st) == 0;
    free(net);
    return ok;
}

const struct svc_scm_profile *svc_scm_profile_pick(const struct svc_scm_config *c)
{
    for (size_t i = 0; i < c->n_profiles; i++)
        if (svc_scm_profile_holds(&c->profiles[i]))
            return &c->profiles[i];
    return NULL;
}

/* An interface name as the kernel allows it: 1 to 15 bytes, no '/', no
 * blank, not "." or "..". */
static int interface_name_ok(const char *s)
{
    size_t n = strlen(s);

    if (n == 0 || n > 15 || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
        return 0;
    for (; *s != '\0'; s++)
        if (*s == '/' || *s == ':' || isspace((unsigned char)*s))
            return 0;
    return 1;
}

/* [Profile NAME]: the section's name past "Profile". */
static int read_profile_section(struct svc_where *w, const struct svc_ini_section *s,
                                const char *name, struct svc_scm_config *c)
{
    struct svc_scm_profile *p, *grown;
    char *dup;

    if (!svc_name_valid(name)) {
        svc_error_at(w, s->line, "bad profile name '%s' in [%s]; accepted: "
                     "[Profile NAME], NAME a valid name", name, s->name);
        return 0;
    }
    if (svc_scm_profile_find(c, name) != NULL) {
        svc_error_at(w, s->line, "profile '%s' is defined twice", name);
        return 0;
    }
    grown = realloc(c->profiles, (c->n_profiles + 1) * sizeof *grown);
    if (grown == NULL)
        return -ENOMEM;
    c->profiles = grown;
    p = &c->profiles[c->n_profiles];
    memset(p, 0, sizeof *p);
    if ((p->name = strdup(name)) == NULL)
        return -ENOMEM;
    c->n_profiles++;
    if ((dup = malloc(s->n ? s->n : 1)) == NULL)
        return -ENOMEM;
    svc_ini_check_duplicates(w, s, dup);
    for (size_t i = 0; i < s->n; i++) {
        const struct svc_ini_entry *e = &s->entries[i];
        char **field;

        if (dup[i])
            continue;
        if (strcasecmp(e->key, "WhenPathExists") == 0) {
            field = &p->when_path_exists;
        } else if (strcasecmp(e->key, "WhenInterfaceExists") == 0) {
            field = &p->when_interface_exists;
        } else {
            svc_warning_at(w, e->lines[0], "unknown key '%s' in [%s]; ignored (known: "
                           "WhenPathExists, WhenInterfaceExists)", e->key, s->name);
            continue;
        }
        /* NULL: its too-long line is already an error; empty: no condition. */
        if (e->value == NULL || !svc_ini_single_line(w, e) || *e->value == '\0')
            continue;
        if (field == &p->when_path_exists && e->value[0] != '/') {
            svc_error_at(w, e->lines[0], "bad WhenPathExists '%s'; accepted: an absolute path",
                         e->value);
            continue;
        }
        if (field == &p->when_interface_exists && !interface_name_ok(e->value)) {
            svc_error_at(w, e->lines[0], "bad WhenInterfaceExists '%s'; accepted: a network "
                         "interface name (1 to 15 characters, no '/', ':' or blank)", e->value);
            continue;
        }
        if ((*field = strdup(e->value)) == NULL) {
            free(dup);
            return -ENOMEM;
        }
    }
    free(dup);
    return 0;
}

/* "SplitThresholdKB, StartTimeoutMs, ...", for the unknown-key warning. */
static void known_keys(char *text, size_t size)
{
    size_t off = 0;

    text[0] = '\0';
    for (size_t k = 0; k < N_SCM_KEYS && off < size; k++)
        off += (size_t)snprintf(text + off, size - off, "%s%s", k ? ", " : "", scm_keys[k].key);
    for (size_t k = 0; k < N_SCM_STR_KEYS && off < size; k++)
        off += (size_t)snprintf(text + off, size - off, ", %s", scm_str_keys[k].key);
}

static int read_scm_section(struct svc_where *w, const struct svc_ini_section *s,
                            struct svc_scm_config *c)
{
    char *dup = malloc(s->n ? s->n : 1);

    if (dup == NULL)
        return -ENOMEM;
    svc_ini_check_duplicates(w, s, dup);
    for (size_t i = 0; i < s->n; i++) {
        const struct svc_ini_entry *e = &s->entries[i];
        size_t k, n_keys = N_SCM_KEYS;
        uint32_t num;
        int rc;

        if (dup[i])
            continue;
        for (k = 0; k < n_keys; k++)
            if (strcasecmp(e->key, scm_keys[k].key) == 0)
                break;
        for (size_t j = 0; k == n_keys && j < N_SCM_STR_KEYS; j++) {
            char *text, **field = scm_str_field(c, j);

            if (strcasecmp(e->key, scm_str_keys[j].key) != 0)
                continue;
            /* Empty is the default. */
            if (e->value == NULL || !svc_ini_single_line(w, e) || *e->value == '\0')
                goto next;
            if ((text = strdup(e->value)) == NULL) {
                free(dup);
                return -ENOMEM;
            }
            free(*field);
            *field = text;
            goto next;
        }
        if (k == n_keys) {
            char known[512];

            known_keys(known, sizeof known);
            svc_warning_at(w, e->lines[0], "unknown key '%s' in [SCM]; ignored (known: %s)",
                           e->key, known);
            continue;
        }
        /* NULL: its too-long line is already an error; empty: the default. */
        if (e->value == NULL || !svc_ini_single_line(w, e) || *e->value == '\0')
            continue;
        rc = svc_parse_dword(e->value, &num);
        if (scm_keys[k].max != UINT32_MAX && (rc < 0 || num > scm_keys[k].max))
            svc_error_at(w, e->lines[0], "bad %s '%s'; accepted: %s", scm_keys[k].key,
                         e->value, scm_keys[k].meaning);
        else if (rc < 0 || num < scm_keys[k].min)
            svc_error_at(w, e->lines[0], "bad %s '%s'; accepted: %s to 4294967295, "
                     "decimal or 0x hex%s", scm_keys[k].key, e->value,
                     scm_keys[k].meaning, rc == -ERANGE ? " (too large)" : "");
        else
            *scm_field(c, k) = num;
next:;
    }
    free(dup);
    return 0;
}

int svc_config_load_scm(const char *root, struct svc_scm_config *out, struct svc_diag *diag)
{
    struct svc_scm_config c;
    struct svc_ini_doc doc = { 0 };
    struct svc_where w;
    char *path;
    int rc;

    /* *out holds the defaults until c, read from the file, replaces it. */
    if (svc_scm_config_defaults(out) < 0)
        return -ENOMEM;
    if (svc_scm_config_defaults(&c) < 0)
        return -ENOMEM;
    path = svc_path_scm_ini(root);
    if (path == NULL) {
        svc_scm_config_free(&c);
        return -ENOMEM;
    }
    svc_where_begin(&w, diag, path);
    /* Every key has a default, so no file is the same as an empty one. */
    rc = svc_ini_read(&w, &doc, 1);
    if (rc == -ENOENT) {
        rc = 0;
        goto out;
    }
    if (rc < 0)
        goto out;
    for (size_t i = 0; i < doc.n; i++) {
        const struct svc_ini_section *s = &doc.sections[i];

        if (strcasecmp(s->name, "SCM") == 0) {
            rc = read_scm_section(&w, s, &c);
            if (rc < 0)
                goto out;
        } else if (strncasecmp(s->name, "Profile", 7) == 0 &&
                   (s->name[7] == '\0' || isspace((unsigned char)s->name[7]))) {
            const char *name = s->name + 7;

            while (isspace((unsigned char)*name))
                name++;
            rc = read_profile_section(&w, s, name, &c);
            if (rc < 0)
                goto out;
        } else if (s->name[0] == '\0') {
            for (size_t j = 0; j < s->n; j++)
                svc_warning_at(&w, s->entries[j].lines[0], "key '%s' is outside [SCM]; "
                           "ignored", s->entries[j].key);
        } else {
            svc_warning_at(&w, s->line, "unknown section [%s]; ignored (known: [SCM], "
                       "[Profile NAME])",
                       s->name);
        }
    }
    if (w.errors > 0) {
        rc = -EINVAL;
    } else {
        svc_scm_config_free(out);
        *out = c;
        for (size_t k = 0; k < N_SCM_STR_KEYS; k++)
            *scm_str_field(&c, k) = NULL;
        c.profiles = NULL;
        c.n_profiles = 0;
    }
out:
    svc_scm_config_free(&c);
    svc_ini_doc_free(&doc);
    svc_where_end(&w);
    free(path);
    return rc;
}
