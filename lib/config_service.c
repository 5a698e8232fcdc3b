/*
 * config_service.c - the schema of ROOT/config/services/NAME.ini: one
 * service, its [Service] keys and its [Parameters] values.
 */
#include "config_service.h"
#include "config_ini.h"
#include "paths.h"
#include "privileges.h"
#include "proto.h"
#include "sddl.h"

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <svchost/winsvc.h>

/* ---- Services --------------------------------------------------------- */

void svc_service_config_free(struct svc_service_config *c)
{
    if (c == NULL)
        return;
    free(c->name);
    free(c->path);
    free(c->display_name);
    free(c->description);
    free(c->image_path);
    free(c->object_name);
    free(c->load_order_group);
    for (char **p = c->depend_on_service; p && *p; p++)
        free(*p);
    free(c->depend_on_service);
    for (char **p = c->depend_on_group; p && *p; p++)
        free(*p);
    free(c->depend_on_group);
    free(c->security);
    free(c->failure_command);
    free(c->reboot_message);
    for (char **p = c->triggers; p && *p; p++)
        free(*p);
    free(c->triggers);
    for (char **p = c->profiles; p && *p; p++)
        free(*p);
    free(c->profiles);
    for (char **p = c->required_privileges; p && *p; p++)
        free(*p);
    free(c->required_privileges);
    free(c->failure_actions);
    free(c->service_dll);
    free(c->service_main);
    for (size_t i = 0; i < c->n_params; i++) {
        free(c->params[i].key);
        free(c->params[i].value);
    }
    free(c->params);
    free(c);
}

const char *svc_service_config_param(const struct svc_service_config *c, const char *key)
{
    if (c == NULL || key == NULL)
        return NULL;
    for (size_t i = 0; i < c->n_params; i++)
        if (strcasecmp(c->params[i].key, key) == 0)
            return c->params[i].value;
    return NULL;
}

int svc_start_plugin_from_config(const struct svc_service_config *c, struct svc_start_plugin *p,
                                 const char **bad_unload)
{
    const char *v = svc_service_config_param(c, "ServiceDllUnloadOnStop");
    uint32_t n = 0;

    *bad_unload = NULL;
    if (v != NULL && v[0] != '\0' && svc_parse_dword(v, &n) < 0) {
        *bad_unload = v;
        n = 0;
    }
    p->flags = (n != 0 ? SVC_START_UNLOAD_ON_STOP : 0) |
               (svc_privilege_held(c->required_privileges, c->object_name, "SeImpersonatePrivilege")
                    ? SVC_START_IMPERSONATE : 0);
    p->service_dll = c->service_dll != NULL && c->service_dll[0] != '\0'
                         ? svc_resolve_service_dll(c->service_dll) : strdup("");
    p->service_main = strdup(c->service_main != NULL ? c->service_main : "ServiceMain");
    if (p->service_dll == NULL || p->service_main == NULL) {
        free(p->service_dll);
        free(p->service_main);
        p->service_dll = p->service_main = NULL;
        return -ENOMEM;
    }
    return 0;
}

enum service_key {
    K_DISPLAY_NAME, K_DESCRIPTION, K_TYPE, K_START, K_ERROR_CONTROL,
    K_IMAGE_PATH, K_OBJECT_NAME, K_GROUP, K_DEPEND_ON_SERVICE,
    K_DEPEND_ON_GROUP, K_START_TIMEOUT_MS, K_SVCHOST_SPLIT_DISABLE,
    K_FAILURE_RESET_PERIOD, K_FAILURE_ACTIONS, K_FAILURE_COMMAND, K_REBOOT_MESSAGE,
    K_FAILURE_NON_CRASH, K_PRESHUTDOWN_TIMEOUT_MS, K_DELAYED_AUTOSTART,
    K_PREFERRED_NODE, K_LAUNCH_PROTECTED, K_TRIGGERS, K_PROFILES, K_REQUIRED_PRIVILEGES,
    K_SERVICE_SID_TYPE, K_SECURITY, K_COUNT
};

static const char *const service_keys[] = {
    [K_DISPLAY_NAME] = "DisplayName",
    [K_DESCRIPTION] = "Description",
    [K_TYPE] = "Type",
    [K_START] = "Start",
    [K_ERROR_CONTROL] = "ErrorControl",
    [K_IMAGE_PATH] = "ImagePath",
    [K_OBJECT_NAME] = "ObjectName",
    [K_GROUP] = "Group",
    [K_DEPEND_ON_SERVICE] = "DependOnService",
    [K_DEPEND_ON_GROUP] = "DependOnGroup",
    [K_START_TIMEOUT_MS] = "StartTimeoutMs",
    [K_SVCHOST_SPLIT_DISABLE] = "SvcHostSplitDisable",
    [K_FAILURE_RESET_PERIOD] = "FailureResetPeriod",
    [K_FAILURE_ACTIONS] = "FailureActions",
    [K_FAILURE_COMMAND] = "FailureCommand",
    [K_REBOOT_MESSAGE] = "RebootMessage",
    [K_FAILURE_NON_CRASH] = "FailureActionsOnNonCrashFailures",
    [K_PRESHUTDOWN_TIMEOUT_MS] = "PreshutdownTimeoutMs",
    [K_DELAYED_AUTOSTART] = "DelayedAutostart",
    [K_PREFERRED_NODE] = "PreferredNode",
    [K_LAUNCH_PROTECTED] = "LaunchProtected",
    [K_TRIGGERS] = "Triggers",
    [K_PROFILES] = "Profiles",
    [K_REQUIRED_PRIVILEGES] = "RequiredPrivileges",
    [K_SERVICE_SID_TYPE] = "ServiceSidType",
    [K_SECURITY] = "Security",
};
_Static_assert(sizeof(service_keys) / sizeof(service_keys[0]) == K_COUNT,
               "service_keys out of step with enum service_key");

/* A service being read: the public result plus what only the checks need. */
struct service_load {
    struct svc_where w;
    struct svc_service_config *c;
    int have_type;
    int have_image_path;        /* even if its value could not be read */
    unsigned image_path_line;
};

/* Stores a string value; an empty one is the same as no value. */
static int set_string(char **field, const char *value)
{
    if (*value == '\0')
        return 0;
    free(*field);
    *field = strdup(value);
    return *field ? 0 : -ENOMEM;
}

/* Triggers (SERVICE_CONFIG_TRIGGER_INFO): a list of words in the form of
 * svc_parse_trigger, one a trigger; stored, no effect yet. */
static int set_triggers(struct service_load *l, const struct svc_ini_entry *e)
{
    struct svc_service_config *c = l->c;
    struct svc_ini_item *items;
    size_t n, kept = 0;
    char **list;

    if (svc_ini_split_list(e, &items, &n) < 0)
        return -ENOMEM;
    list = calloc(n + 1, sizeof *list);
    if (list == NULL) {
        svc_ini_items_free(items, n);
        return -ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        struct svc_trigger t;
        int prc = svc_parse_trigger(items[i].name, &t);

        if (prc == -ENOMEM) {
            svc_ini_items_free(items, n);
            for (size_t j = 0; j < kept; j++)
                free(list[j]);
            free(list);
            return prc;
        }
        if (prc == 0 && kept >= SVC_TRIGGERS_MAX)
            svc_trigger_free(&t);
        if (prc < 0 || kept >= SVC_TRIGGERS_MAX) {
            svc_error_at(&l->w, items[i].line, "bad trigger '%s'; accepted: TYPE:ACTION:"
                         "{GUID}|-[:DATATYPE=HEX]..., at most %d", items[i].name,
                         SVC_TRIGGERS_MAX);
            free(items[i].name);
        } else {
            svc_trigger_free(&t);
            list[kept++] = items[i].name;
        }
        items[i].name = NULL;
    }
    svc_ini_items_free(items, n);
    for (char **p = c->triggers; p && *p; p++)
        free(*p);
    free(c->triggers);
    c->triggers = list;
    return 0;
}

/* RequiredPrivileges: names of privileges.h's table, kept in the table's
 * spelling, each once.  An empty value is no list (NULL), as if the key
 * were not there. */
static int set_privileges(struct service_load *l, const struct svc_ini_entry *e)
{
    struct svc_service_config *c = l->c;
    struct svc_ini_item *items;
    size_t n, kept = 0;
    char **list;

    if (svc_ini_split_list(e, &items, &n) < 0)
        return -ENOMEM;
    list = calloc(n + 1, sizeof *list);
    if (list == NULL) {
        svc_ini_items_free(items, n);
        return -ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        const struct svc_privilege *p = svc_privilege_find(items[i].name);
        size_t j;

        if (p == NULL) {
            svc_error_at(&l->w, items[i].line, "RequiredPrivileges: unknown privilege '%s' "
                         "(e.g. SeBackupPrivilege, SvchostBindServicePrivilege; the list is "
                         "in docs/security.md)", items[i].name);
            continue;
        }
        for (j = 0; j < kept && strcmp(list[j], p->name) != 0; j++)
            ;
        if (j < kept)
            continue;
        if ((list[kept] = strdup(p->name)) == NULL) {
            svc_ini_items_free(items, n);
            for (j = 0; j < kept; j++)
                free(list[j]);
            free(list);
            return -ENOMEM;
        }
        kept++;
    }
    svc_ini_items_free(items, n);
    for (char **p = c->required_privileges; p && *p; p++)
        free(*p);
    free(c->required_privileges);
    c->required_privileges = NULL;
    if (kept == 0)
        free(list);
    else
        c->required_privileges = list;
    return 0;
}

/* Security: SDDL, which the writer spreads over lines (one ACE a line,
 * config_write.c); SDDL has no blanks, so the lines are joined without. */
static int set_security(struct service_load *l, const struct svc_ini_entry *e)
{
    char *joined = malloc(strlen(e->value) + 1), *canon, why[200];
    size_t n = 0;
    int rc;

    if (joined == NULL)
        return -ENOMEM;
    for (const char *p = e->value; *p; p++)
        if (*p != '\n' && *p != ' ' && *p != '\t')
            joined[n++] = *p;
    joined[n] = '\0';
    rc = svc_sddl_canonical(joined, &canon, why, sizeof why);
    free(joined);
    if (rc == -ENOMEM)
        return rc;
    if (rc < 0 || canon[0] == '\0') {
        svc_error_at(&l->w, e->lines[0], "bad Security: %s", rc < 0 ? why :
                     "an empty security descriptor (e.g. 'Security = D:(A;;GA;;;SY)')");
        free(canon);
        return 0;
    }
    free(l->c->security);
    l->c->security = canon;
    return 0;
}

/* A DependOn* list; `self` is the name the list must not hold. */
static int set_name_list(struct service_load *l, const struct svc_ini_entry *e,
                         const char *what, const char *self, char ***field)
{
    struct svc_ini_item *items;
    size_t n, kept = 0;
    char **list;

    if (svc_ini_split_list(e, &items, &n) < 0)
        return -ENOMEM;
    list = calloc(n + 1, sizeof(*list));
    if (list == NULL) {
        svc_ini_items_free(items, n);
        return -ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        if (!svc_name_valid(items[i].name)) {
            svc_error_at(&l->w, items[i].line, "%s: '%s' is not a valid %s name",
                     e->key, items[i].name, what);
        } else if (self != NULL && strcasecmp(items[i].name, self) == 0) {
            svc_error_at(&l->w, items[i].line, "%s: the service cannot depend on itself",
                     e->key);
        } else {
            list[kept++] = items[i].name;
            items[i].name = NULL;
        }
    }
    svc_ini_items_free(items, n);
    *field = list;
    return 0;
}

static int set_service_key(struct service_load *l, enum service_key k,
                           const struct svc_ini_entry *e)
{
    struct svc_service_config *c = l->c;
    const char *v = e->value;
    uint32_t num;
    int rc;

    if (k == K_IMAGE_PATH) {
        l->have_image_path = 1;
        l->image_path_line = e->lines[0];
    }
    if (v == NULL)
        return 0;       /* its too-long line is already an error */
    switch (k) {
    case K_DESCRIPTION:
        return set_string(&c->description, v);
    case K_DEPEND_ON_SERVICE:
        return set_name_list(l, e, "service", c->name, &c->depend_on_service);
    case K_DEPEND_ON_GROUP:
        return set_name_list(l, e, "group", NULL, &c->depend_on_group);
    case K_TRIGGERS:
        return set_triggers(l, e);
    case K_PROFILES:
        return set_name_list(l, e, "profile", NULL, &c->profiles);
    case K_REQUIRED_PRIVILEGES:
        return set_privileges(l, e);
    case K_SECURITY:
        return set_security(l, e);
    default:
        break;
    }
    if (!svc_ini_single_line(&l->w, e))
        return 0;
    switch (k) {
    case K_DISPLAY_NAME:
        return set_string(&c->display_name, v);
    case K_OBJECT_NAME:
        return set_string(&c->object_name, v);
    case K_IMAGE_PATH:
        if (*v == '\0')
            svc_error_at(&l->w, e->lines[0], "ImagePath is empty; it is required "
                     "(e.g. 'ImagePath = svchost -k GROUP')");
        return set_string(&c->image_path, v);
    case K_GROUP:
        if (*v != '\0' && !svc_name_valid(v)) {
            svc_error_at(&l->w, e->lines[0], "Group: '%s' is not a valid group name", v);
            return 0;
        }
        return set_string(&c->load_order_group, v);
    case K_TYPE:
        if (svc_parse_type(v, &c->type) < 0)
            svc_error_at(&l->w, e->lines[0], "bad Type '%s'; accepted: own, share, "
                     "kernel, filesys, rec, adapt, userown, usershare, or a "
                     "number (e.g. 0x20)", v);
        else
            l->have_type = 1;
        return 0;
    case K_START:
        if (svc_parse_start(v, &c->start) < 0)
            svc_error_at(&l->w, e->lines[0], "bad Start '%s'; accepted: boot, system, "
                     "auto, demand, disabled, or 0 to 4", v);
        return 0;
    case K_ERROR_CONTROL:
        if (svc_parse_error_control(v, &c->error_control) < 0)
            svc_error_at(&l->w, e->lines[0], "bad ErrorControl '%s'; accepted: ignore, "
                     "normal, severe, critical, or 0 to 3", v);
        return 0;
    case K_START_TIMEOUT_MS:
        rc = svc_parse_dword(v, &num);
        if (rc < 0)
            svc_error_at(&l->w, e->lines[0], "bad StartTimeoutMs '%s'; accepted: "
                     "milliseconds from 0 (the SCM's default) to 4294967295, "
                     "decimal or 0x hex%s", v, rc == -ERANGE ? " (too large)" : "");
        else
            c->wait_hint_ms = num;
        return 0;
    case K_SVCHOST_SPLIT_DISABLE:
        /* A DWORD on Windows too, but only 0 and 1 mean anything. */
        if (*v == '\0')
            return 0;
        if (svc_parse_dword(v, &num) < 0 || num > 1)
            svc_error_at(&l->w, e->lines[0], "bad SvcHostSplitDisable '%s'; accepted: "
                     "0 (may run in its own host) or 1 (always in the group's "
                     "shared host)", v);
        else
            c->split_disable = num;
        return 0;
    case K_FAILURE_NON_CRASH:
    case K_DELAYED_AUTOSTART:
        /* BOOLs of SERVICE_FAILURE_ACTIONS_FLAG and _DELAYED_AUTO_START_INFO. */
        if (*v == '\0')
            return 0;
        if (svc_parse_dword(v, &num) < 0 || num > 1)
            svc_error_at(&l->w, e->lines[0], "bad %s '%s'; accepted: 0 or 1", e->key, v);
        else if (k == K_FAILURE_NON_CRASH)
            c->failure_non_crash = num;
        else
            c->delayed_autostart = num;
        return 0;
    case K_FAILURE_RESET_PERIOD:
    case K_PRESHUTDOWN_TIMEOUT_MS:
        if (*v == '\0')
            return 0;
        rc = svc_parse_dword(v, &num);
        if (rc < 0)
            svc_error_at(&l->w, e->lines[0], "bad %s '%s'; accepted: %s from 0 to "
                         "4294967295, decimal or 0x hex%s", e->key, v,
                         k == K_FAILURE_RESET_PERIOD ? "seconds (4294967295: never reset)"
                                                     : "milliseconds",
                         rc == -ERANGE ? " (too large)" : "");
        else if (k == K_FAILURE_RESET_PERIOD)
            c->failure_reset_s = num;
        else
            c->preshutdown_timeout_ms = num;
        return 0;
    case K_PREFERRED_NODE:
        /* SERVICE_PREFERRED_NODE_INFO's USHORT; stored, no effect yet. */
        if (*v == '\0')
            return 0;
        if (svc_parse_dword(v, &num) < 0 || num > 0xFFFF)
            svc_error_at(&l->w, e->lines[0], "bad PreferredNode '%s'; accepted: a NUMA node "
                         "number from 0 to 65535", v);
        else
            c->preferred_node = num + 1;
        return 0;
    case K_LAUNCH_PROTECTED:
        /* SERVICE_LAUNCH_PROTECTED_NONE .. _ANTIMALWARE_LIGHT; stored, no effect yet. */
        if (*v == '\0')
            return 0;
        if (svc_parse_dword(v, &num) < 0 || num > SERVICE_LAUNCH_PROTECTED_ANTIMALWARE_LIGHT)
            svc_error_at(&l->w, e->lines[0], "bad LaunchProtected '%s'; accepted: 0 (none), "
                         "1 (windows), 2 (windows light), 3 (antimalware light)", v);
        else
            c->launch_protected = num;
        return 0;
    case K_SERVICE_SID_TYPE:
        /* SERVICE_SID_INFO's dwServiceSidType: Windows defines 0, 1 and 3. */
        if (*v == '\0')
            return 0;
        if (svc_parse_sid_type(v, &num) < 0)
            svc_error_at(&l->w, e->lines[0], "bad ServiceSidType '%s'; accepted: 0 (none), "
                         "1 (unrestricted), 3 (restricted), or those names", v);
        else
            c->sid_type = num;
        return 0;
    case K_FAILURE_COMMAND:
        return set_string(&c->failure_command, v);
    case K_REBOOT_MESSAGE:
        return set_string(&c->reboot_message, v);
    case K_FAILURE_ACTIONS: {
        struct svc_failure_action *a;
        size_t n;

        rc = svc_parse_failure_actions(v, &a, &n);
        if (rc == -ENOMEM)
            return rc;
        if (rc == -ERANGE) {
            svc_error_at(&l->w, e->lines[0], "FailureActions: more than %d actions",
                         SVC_FAILURE_ACTIONS_MAX);
        } else if (rc < 0) {
            svc_error_at(&l->w, e->lines[0], "bad FailureActions '%s'; accepted: "
                         "ACTION/MS pairs separated by '/', ACTION one of restart, run, "
                         "reboot, none, MS the delay in milliseconds (e.g. "
                         "restart/60000/run/1000/none/0)", v);
        } else {
            free(c->failure_actions);
            c->failure_actions = a;
            c->n_failure_actions = n;
        }
        return 0;
    }
    default:
        return 0;
    }
}

static int read_service_section(struct service_load *l, const struct svc_ini_section *s)
{
    char *dup = malloc(s->n ? s->n : 1);
    int rc = 0;

    if (dup == NULL)
        return -ENOMEM;
    svc_ini_check_duplicates(&l->w, s, dup);
    for (size_t i = 0; i < s->n && rc == 0; i++) {
        const struct svc_ini_entry *e = &s->entries[i];
        size_t k;

        if (dup[i])
            continue;
        for (k = 0; k < K_COUNT; k++)
            if (strcasecmp(e->key, service_keys[k]) == 0)
                break;
        if (k == K_COUNT)
            svc_warning_at(&l->w, e->lines[0], "unknown key '%s' in [Service]; ignored",
                       e->key);
        else
            rc = set_service_key(l, (enum service_key)k, e);
    }
    free(dup);
    return rc;
}

static int valid_symbol(const char *s)
{
    if (!isalpha((unsigned char)*s) && *s != '_')
        return 0;
    for (; *s != '\0'; s++)
        if (!isalnum((unsigned char)*s) && *s != '_')
            return 0;
    return 1;
}

/* [Parameters] belongs to the plugin: every value is kept as written, and
 * only the two the host itself uses are checked. */
static int read_parameters_section(struct service_load *l, const struct svc_ini_section *s)
{
    struct svc_service_config *c = l->c;
    char *dup = malloc(s->n ? s->n : 1);
    int rc = -ENOMEM;

    if (dup == NULL)
        return -ENOMEM;
    svc_ini_check_duplicates(&l->w, s, dup);
    c->params = calloc(s->n ? s->n : 1, sizeof(*c->params));
    if (c->params == NULL)
        goto out;
    for (size_t i = 0; i < s->n; i++) {
        const struct svc_ini_entry *e = &s->entries[i];
        struct svc_kv *kv = &c->params[c->n_params];

        if (dup[i] || e->value == NULL)
            continue;
        kv->key = strdup(e->key);
        kv->value = strdup(e->value);
        if (kv->key == NULL || kv->value == NULL) {
            free(kv->key);
            free(kv->value);
            goto out;
        }
        c->n_params++;
        if (strcasecmp(e->key, "ServiceDll") == 0) {
            if (svc_ini_single_line(&l->w, e) && set_string(&c->service_dll, e->value) < 0)
                goto out;
        } else if (strcasecmp(e->key, "ServiceMain") == 0) {
            if (!svc_ini_single_line(&l->w, e))
                continue;
            if (*e->value != '\0' && !valid_symbol(e->value))
                svc_error_at(&l->w, e->lines[0], "bad ServiceMain '%s'; it must be the "
                         "name of a function exported by the ServiceDll", e->value);
            else if (set_string(&c->service_main, e->value) < 0)
                goto out;
        }
    }
    rc = 0;
out:
    free(dup);
    return rc;
}

static int set_defaults(struct service_load *l)
{
    struct svc_service_config *c = l->c;
    char *group = NULL;
    int rc;

    if (!l->have_image_path)
        svc_error_at(&l->w, 0, "[Service] has no ImagePath; it is required "
                 "(e.g. 'ImagePath = svchost -k GROUP')");
    if (!l->have_type) {
        rc = svc_imagepath_group(c->image_path, &group);
        if (rc < 0)
            return rc;
        c->type = rc == 1 ? SERVICE_WIN32_SHARE_PROCESS : SERVICE_WIN32_OWN_PROCESS;
        free(group);
    }
    if (c->display_name == NULL && (c->display_name = strdup(c->name)) == NULL)
        return -ENOMEM;
    if (c->object_name == NULL && (c->object_name = strdup("LocalSystem")) == NULL)
        return -ENOMEM;
    if (c->service_main == NULL && (c->service_main = strdup("ServiceMain")) == NULL)
        return -ENOMEM;
    if (c->depend_on_service == NULL &&
        (c->depend_on_service = calloc(1, sizeof(char *))) == NULL)
        return -ENOMEM;
    if (c->depend_on_group == NULL &&
        (c->depend_on_group = calloc(1, sizeof(char *))) == NULL)
        return -ENOMEM;
    if (c->params == NULL && (c->params = calloc(1, sizeof(*c->params))) == NULL)
        return -ENOMEM;
    return 0;
}

int svc_service_load(const char *root, const char *name, int quiet_enoent,
                      struct svc_service_config **out, unsigned *image_path_line,
                      struct svc_diag *diag, size_t *errors)
{
    struct service_load l = { 0 };
    struct svc_ini_doc doc = { 0 };
    int rc;

    *out = NULL;
    if (!svc_name_valid(name)) {
        svc_diag_add(diag, 1, NULL, 0, "'%s' is not a valid service name", name);
        (*errors)++;
        return -EINVAL;
    }
    l.c = calloc(1, sizeof(*l.c));
    if (l.c == NULL)
        return -ENOMEM;
    l.c->start = SERVICE_DEMAND_START;
    l.c->error_control = SERVICE_ERROR_NORMAL;
    l.c->preshutdown_timeout_ms = SVC_PRESHUTDOWN_TIMEOUT_DEFAULT_MS;
    l.c->name = strdup(name);
    l.c->path = svc_path_service_file(root, name);
    if (l.c->name == NULL || l.c->path == NULL) {
        rc = -ENOMEM;
        goto out;
    }
    svc_where_begin(&l.w, diag, l.c->path);
    rc = svc_ini_read(&l.w, &doc, quiet_enoent);
    if (rc < 0)
        goto out;
    for (size_t i = 0; i < doc.n && rc == 0; i++) {
        const struct svc_ini_section *s = &doc.sections[i];

        if (strcasecmp(s->name, "Service") == 0) {
            rc = read_service_section(&l, s);
        } else if (strcasecmp(s->name, "Parameters") == 0) {
            rc = read_parameters_section(&l, s);
        } else if (s->name[0] == '\0') {
            for (size_t j = 0; j < s->n; j++)
                svc_warning_at(&l.w, s->entries[j].lines[0], "key '%s' is outside "
                           "[Service] and [Parameters]; ignored", s->entries[j].key);
        } else {
            svc_warning_at(&l.w, s->line, "unknown section [%s]; ignored "
                       "(known: [Service], [Parameters])", s->name);
        }
    }
    if (rc == 0)
        rc = set_defaults(&l);
    if (rc == 0 && l.w.errors > 0)
        rc = -EINVAL;
out:
    svc_ini_doc_free(&doc);
    if (l.w.path != NULL)
        svc_where_end(&l.w);
    *errors += l.w.errors;
    if (rc < 0) {
        svc_service_config_free(l.c);
        return rc;
    }
    if (image_path_line != NULL)
        *image_path_line = l.image_path_line;
    *out = l.c;
    return 0;
}

int svc_config_load_service(const char *root, const char *name,
                            struct svc_service_config **out, struct svc_diag *diag)
{
    size_t errors = 0;

    return svc_service_load(root, name, 0, out, NULL, diag, &errors);
}
