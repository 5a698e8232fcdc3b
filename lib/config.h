/*
 * config.h - the service database on disk (the registry's place).
 *
 * ROOT/config/svchost.ini       the groups, one section per group:
 *                                   [demo]
 *                                   Services = Echo, Heartbeat
 * ROOT/config/services/NAME.ini one service: [Service] and [Parameters]
 * ROOT/config/scm.ini           the SCM's own settings: [SCM]
 *
 * (paths.h builds these paths.)  The readers are in config_ini.c (the
 * INI reader and diagnostics), config_service.c, config_groups.c and
 * config_scm.c, one per file kind; the writers in config_write.c.
 *
 * Parsed with inih.  Every problem is reported as one diagnostic line
 * "FILE:LINE: message" (LINE omitted when the problem is not on a line),
 * collected in a struct svc_diag for the caller to print.  Functions
 * return 0 on success or a negative errno:
 *   -ENOENT   the file does not exist (a diagnostic names it);
 *   -EINVAL   the file is malformed (diagnostics say where and why);
 *   -ENOMEM   out of memory;
 *   other     the errno of a failed read.
 */
#ifndef SVC_CONFIG_H
#define SVC_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* ---- Diagnostics ------------------------------------------------------ */

struct svc_diag {
    char **lines;       /* "FILE:LINE: error: ..." / "FILE:LINE: warning: ..." */
    size_t n;
    size_t errors;      /* how many of the lines are errors */
    size_t warnings;
};

void svc_diag_free(struct svc_diag *d);
/* Appends a line; is_error selects "error" or "warning".  line 0 means
 * the problem is not on one line. */
void svc_diag_add(struct svc_diag *d, int is_error, const char *file,
                  unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* ---- One service -------------------------------------------------------- */

struct svc_kv {
    char *key;
    char *value;
};

/* One recovery action of FailureActions: type is SC_ACTION_NONE,
 * SC_ACTION_RESTART, SC_ACTION_REBOOT or SC_ACTION_RUN_COMMAND (0..3,
 * winsvc.h), delay_ms how long to wait before taking it. */
struct svc_failure_action {
    uint32_t type;
    uint32_t delay_ms;
};

/* FailureActions holds at most this many actions: as many as fit on one
 * line of the file at their longest ("restart/4294967295"). */
#define SVC_FAILURE_ACTIONS_MAX 8
/* PreshutdownTimeoutMs when the file has none: Windows' default since
 * build 15063 (SERVICE_PRESHUTDOWN_INFO; 180000 before). */
#define SVC_PRESHUTDOWN_TIMEOUT_DEFAULT_MS 10000u

struct svc_service_config {
    char *name;            /* from the file name: services/NAME.ini */
    char *path;            /* the file it was read from */
    /* [Service] */
    char *display_name;    /* DisplayName (defaults to name) */
    char *description;     /* Description (may be NULL) */
    uint32_t type;         /* Type: SERVICE_WIN32_SHARE_PROCESS ... */
    uint32_t start;        /* Start: SERVICE_AUTO_START ... */
    uint32_t error_control;/* ErrorControl */
    char *image_path;      /* ImagePath, e.g. "svchost -k demo" (required) */
    char *object_name;     /* ObjectName (defaults to "LocalSystem") */
    char *load_order_group;/* Group (may be NULL) */
    char **depend_on_service; /* DependOnService, NULL-terminated list */
    char **depend_on_group;   /* DependOnGroup, NULL-terminated list */
    uint32_t wait_hint_ms; /* StartTimeoutMs (0 = the SCM default) */
    uint32_t split_disable;/* SvcHostSplitDisable: 1 = never split out of the
                              group's shared host; 0 (default) */
    /* Recovery (SERVICE_CONFIG_FAILURE_ACTIONS, _FLAG) */
    uint32_t failure_reset_s;  /* FailureResetPeriod: seconds without a failure
                                  after which the failure count is reset;
                                  INFINITE (0xFFFFFFFF) = never; default 0 */
    char *failure_command;     /* FailureCommand, run by SC_ACTION_RUN_COMMAND
                                  (NULL: none) */
    char *reboot_message;      /* RebootMessage, logged before SC_ACTION_REBOOT
                                  (NULL: none) */
    struct svc_failure_action *failure_actions; /* FailureActions, in order:
                                  the Nth failure takes the Nth action, the
                                  last one repeats; NULL when none */
    size_t n_failure_actions;
    uint32_t failure_non_crash;/* FailureActionsOnNonCrashFailures: 1 = a stop
                                  by itself with a non-zero exit code is a
                                  failure too; 0 (default) */
    /* Shutdown (SERVICE_CONFIG_PRESHUTDOWN_INFO) */
    uint32_t preshutdown_timeout_ms; /* PreshutdownTimeoutMs, default
                                  SVC_PRESHUTDOWN_TIMEOUT_DEFAULT_MS */
    /* Start (SERVICE_CONFIG_DELAYED_AUTO_START_INFO) */
    uint32_t delayed_autostart;/* DelayedAutostart: 1 = an auto-start service
                                  started after the others, after the SCM's
                                  DelayedAutoStartDelayMs; 0 (default) */
    /* Stored for Windows' sake, with no effect yet */
    uint32_t preferred_node;   /* PreferredNode + 1 (SERVICE_CONFIG_PREFERRED_NODE);
                                  0 (default): none */
    uint32_t launch_protected; /* LaunchProtected (SERVICE_CONFIG_LAUNCH_PROTECTED):
                                  0 (default) to 3 */
    char **triggers;           /* Triggers (SERVICE_CONFIG_TRIGGER_INFO): words of
                                  svc_parse_trigger's form, NULL-terminated;
                                  NULL: none */
    /* Hardware profiles (scm.ini [Profile NAME]); shown by sc qc (the
     * SVCHOST_CONFIG_PROFILES level) */
    char **profiles;           /* Profiles: enabled only while one of these is
                                  scmd's active profile, NULL-terminated;
                                  NULL: in every profile and in none */
    /* Security (SERVICE_CONFIG_REQUIRED_PRIVILEGES_INFO, _SERVICE_SID_INFO) */
    char **required_privileges;/* RequiredPrivileges: privilege names of
                                  privileges.h (the table's spelling),
                                  NULL-terminated; NULL: no list (the service
                                  holds every privilege of its account) and
                                  never an empty list */
    uint32_t sid_type;         /* ServiceSidType: SERVICE_SID_TYPE_NONE (0,
                                  default), _UNRESTRICTED (1) or _RESTRICTED (3) */
    /* Access (SetServiceObjectSecurity, sc sdset; docs/security.md) */
    char *security;            /* Security: the security descriptor in canonical
                                  SDDL (sddl.h); NULL: Windows' default */
    /* [Parameters] */
    char *service_dll;     /* ServiceDll as written (may be NULL for own process) */
    char *service_main;    /* ServiceMain (defaults to "ServiceMain") */
    struct svc_kv *params; /* every [Parameters] value, in file order */
    size_t n_params;
};

/* Reads ROOT/config/services/NAME.ini.  Unknown keys in [Service] and
 * unknown sections warn; a duplicate key, a bad value, a missing
 * ImagePath or a line longer than inih's limit is an error. */
int svc_config_load_service(const char *root, const char *name,
                            struct svc_service_config **out, struct svc_diag *diag);
void svc_service_config_free(struct svc_service_config *c);

/* The [Parameters] value `key` of c, or NULL. */
const char *svc_service_config_param(const struct svc_service_config *c, const char *key);

struct svc_start_plugin;   /* proto.h */
/* What a start of a share service sends its host (proto.h), from its
 * configuration: ServiceDll resolved, ServiceMain, ServiceDllUnloadOnStop
 * and whether it holds SeImpersonatePrivilege.  0 or -ENOMEM.
 * *bad_unload is the ServiceDllUnloadOnStop text when it is not a number
 * (it then counts as 0), else NULL. */
int svc_start_plugin_from_config(const struct svc_service_config *c, struct svc_start_plugin *p,
                                 const char **bad_unload);

/* ---- Groups ------------------------------------------------------------- */

/* A group's Split: whether its services share one host or each get their
 * own instance ("svchost -k GROUP -s SERVICE"). */
enum svc_split {
    SVC_SPLIT_AUTO = 0,    /* split above the SCM's SplitThresholdKB */
    SVC_SPLIT_ALWAYS,      /* one host per service */
    SVC_SPLIT_NEVER,       /* one host for the group */
};

struct svc_group_config {
    char *name;
    char **services;       /* NULL-terminated, in file order */
    size_t n_services;
    int split;             /* Split: enum svc_split (default SVC_SPLIT_AUTO) */
};

struct svc_groups {
    char *path;                      /* ROOT/config/svchost.ini */
    struct svc_group_config *groups;
    size_t n;
};

/* Reads ROOT/config/svchost.ini.  A service named twice (in one group or
 * in two groups) or a bad Split is an error; other keys warn. */
int svc_config_load_groups(const char *root, struct svc_groups **out, struct svc_diag *diag);
void svc_groups_free(struct svc_groups *g);
const struct svc_group_config *svc_groups_find(const struct svc_groups *g, const char *name);

/*
 * Everything a host needs to run GROUP: the group's list, and each member's
 * service file.  Errors (each a diagnostic):
 *   the group does not exist in svchost.ini                     -ENOENT
 *   a member has no services/NAME.ini                           -EINVAL
 *   a member's ImagePath is not "svchost -k GROUP" for this group -EINVAL
 *   a member's file is malformed                                -EINVAL
 * On success *out holds n services in the group's order.
 */
struct svc_group_members {
    char *group;
    struct svc_service_config **services;
    size_t n;
};
int svc_config_load_group(const char *root, const char *group,
                          struct svc_group_members **out, struct svc_diag *diag);
void svc_group_members_free(struct svc_group_members *m);
/* As svc_config_load_group for the one member NAME (a split instance):
 * *out holds just that service.  A group that does not list NAME is
 * -ENOENT with a diagnostic. */
int svc_config_load_group_member(const char *root, const char *group, const char *name,
                                 struct svc_group_members **out, struct svc_diag *diag);

/* ---- The SCM's settings ------------------------------------------------ */

#define SVC_SCM_TIMEOUT_DEFAULT_MS 30000
#define SVC_SCM_CLIENT_QUEUE_LIMIT_DEFAULT_KB 1024
#define SVC_SCM_HOST_QUEUE_LIMIT_DEFAULT_KB 4096
#define SVC_SCM_MAX_CONNECTIONS_DEFAULT 1024
#define SVC_SCM_MAX_CONNECTIONS_PER_USER_DEFAULT 64
#define SVC_SCM_FRAME_TIMEOUT_DEFAULT_MS 5000
#define SVC_SCM_SHUTDOWN_TIMEOUT_DEFAULT_MS 20000
#define SVC_SCM_DELAYED_AUTOSTART_DELAY_DEFAULT_MS 120000
#define SVC_SCM_REBOOT_COMMAND_DEFAULT "systemctl reboot"
#define SVC_SCM_LOCAL_SERVICE_ACCOUNT_DEFAULT "svchost-local"
#define SVC_SCM_NETWORK_SERVICE_ACCOUNT_DEFAULT "svchost-network"

/* A section [Profile NAME] of scm.ini.  Its conditions all hold when each
 * one given does: WhenPathExists (an absolute path) exists, and
 * WhenInterfaceExists (a network interface) is in /sys/class/net. */
struct svc_scm_profile {
    char *name;
    char *when_path_exists;      /* NULL: no such condition */
    char *when_interface_exists; /* NULL: no such condition */
};

struct svc_scm_config {
    uint32_t split_threshold_kb;  /* SplitThresholdKB: split share services on
                                     machines with more RAM; 0 = never (default) */
    uint32_t start_timeout_ms;    /* StartTimeoutMs, default 30000 */
    uint32_t control_timeout_ms;  /* ControlTimeoutMs, default 30000 */
    uint32_t stop_timeout_ms;     /* StopTimeoutMs, default 30000 */
    /* Peer limits, each at least 1. */
    uint32_t client_queue_limit_kb;   /* ClientQueueLimitKB, default 1024: KiB of
                                         replies queued to one client before it
                                         is disconnected */
    uint32_t host_queue_limit_kb;     /* HostQueueLimitKB, default 4096: KiB queued
                                         to one host before it is treated as hung */
    uint32_t max_connections;         /* MaxConnections, default 1024: client
                                         connections in total */
    uint32_t max_connections_per_user;/* MaxConnectionsPerUser, default 64: client
                                         connections of one uid; root's and scmd's
                                         own uid are held to MaxConnections only */
    uint32_t frame_timeout_ms;        /* FrameTimeoutMs, default 5000: a client
                                         connection mid-frame (a header or payload
                                         partly received) longer than this is closed */
    /* Recovery, shutdown and delayed start. */
    uint32_t allow_reboot;            /* AllowReboot: 1 = SC_ACTION_REBOOT runs
                                         RebootCommand; 0 (default) = refused
                                         and logged */
    uint32_t shutdown_timeout_ms;     /* ShutdownTimeoutMs, default 20000: the
                                         whole shutdown's bound, after which
                                         hosts are killed */
    uint32_t delayed_autostart_delay_ms; /* DelayedAutoStartDelayMs, default
                                         120000: after the auto-start services,
                                         the delayed ones start this much later */
    /* The strings, each owned (svc_scm_config_free). */
    char *reboot_command;             /* RebootCommand, default "systemctl reboot" */
    char *local_service_account;      /* LocalServiceAccount: the user that
                                         NT AUTHORITY\LocalService runs as,
                                         default "svchost-local" */
    char *network_service_account;    /* NetworkServiceAccount: the user of
                                         NT AUTHORITY\NetworkService, default
                                         "svchost-network" */
    char *admin_group;                /* AdminGroup: the Unix group whose members
                                         are BUILTIN\Administrators (BA) besides
                                         root; default "" (root alone) */
    /* Hardware profiles: the [Profile NAME] sections, in file order. */
    struct svc_scm_profile *profiles; /* owned (svc_scm_config_free) */
    size_t n_profiles;
};

/* The defaults of every [SCM] key (what svc_config_load_scm starts from).
 * Returns 0, or -ENOMEM (reboot_command is then NULL). */
int svc_scm_config_defaults(struct svc_scm_config *c);
/* Frees what c owns (reboot_command) and sets it to NULL; c itself is
 * the caller's. */
void svc_scm_config_free(struct svc_scm_config *c);

/*
 * Reads ROOT/config/scm.ini, section [SCM].  A missing file is not an
 * error: *out gets the defaults and 0 is returned, with no diagnostic.
 * Unknown keys and sections warn; a duplicate key, a bad value (a
 * timeout of 0 included), an indented continuation line or a line
 * longer than inih's limit is an error (-EINVAL); so is a peer limit of 0.
 * An empty value means
 * the default.  *out is always filled: on any failure, with the defaults
 * (reboot_command NULL only after -ENOMEM); release it with
 * svc_scm_config_free whatever the result.  AllowReboot is 0 or 1;
 * DelayedAutoStartDelayMs may be 0; RebootCommand is any one-line text.
 * Each [Profile NAME] section (NAME a valid name, unique in any case)
 * may hold WhenPathExists and WhenInterfaceExists; unknown keys warn.
 */
int svc_config_load_scm(const char *root, struct svc_scm_config *out, struct svc_diag *diag);

/* The profile of c named `name` (case-insensitive), or NULL. */
const struct svc_scm_profile *svc_scm_profile_find(const struct svc_scm_config *c,
                                                   const char *name);
/* 1 when every condition of p holds now (a profile without any holds). */
int svc_scm_profile_holds(const struct svc_scm_profile *p);
/* The first profile of c, in file order, whose conditions hold; NULL. */
const struct svc_scm_profile *svc_scm_profile_pick(const struct svc_scm_config *c);

/* ---- Values -------------------------------------------------------------- */

/* Parse the symbolic or numeric forms (as sc.exe and the registry take
 * them): Type share|own|0x20|32..., Start boot|system|auto|demand|disabled|N,
 * ErrorControl ignore|normal|severe|critical|N.  Return 0 or -EINVAL. */
int svc_parse_type(const char *s, uint32_t *out);
int svc_parse_start(const char *s, uint32_t *out);
int svc_parse_error_control(const char *s, uint32_t *out);
/* A DWORD, decimal or 0x-hex, the whole string: 0 or -EINVAL/-ERANGE. */
int svc_parse_dword(const char *s, uint32_t *out);
/* Split auto|always|never (case-insensitive) into an enum svc_split:
 * 0 or -EINVAL.  svc_split_name is the name, or NULL for another value. */
int svc_parse_split(const char *s, int *out);
const char *svc_split_name(int split);

/*
 * Whether a share service runs in its own host instance (split hosting,
 * as Windows 10 does it), rather than in its group's shared host.  In
 * order: service_split_disable (SvcHostSplitDisable) non-zero -> 0; the
 * group's Split never -> 0, always -> 1; auto (or any other value) -> 1
 * when threshold_kb is not 0 and mem_total_kb > threshold_kb, else 0.
 */
int svc_split_decide(uint32_t threshold_kb, uint64_t mem_total_kb, int group_split,
                     uint32_t service_split_disable);
/* This machine's RAM in KiB: MemTotal of /proc/meminfo, or 0 if it
 * cannot be read. */
uint64_t svc_mem_total_kb(void);
/* The same from a file in /proc/meminfo's format ("MemTotal: N kB"):
 * N, or 0 if the file cannot be read, has no such line, or N is not a
 * number of kB that fits in 64 bits. */
uint64_t svc_meminfo_total_kb(const char *path);

/*
 * FailureActions as written in a service file and given to sc's actions=:
 * "ACTION/MS/ACTION/MS...", ACTION one of restart, run, reboot, none
 * (case-insensitive; an empty ACTION, sc.exe's "", is none too), MS a
 * DWORD of milliseconds.  "" is no action.  On success *out holds *n
 * actions (NULL when 0; the caller frees it).  Returns 0, -EINVAL for a
 * malformed list, -ERANGE for more than SVC_FAILURE_ACTIONS_MAX actions,
 * -ENOMEM.
 */
int svc_parse_failure_actions(const char *s, struct svc_failure_action **out, size_t *n);
/* The list back in that form ("" for none); NULL with errno EINVAL for a
 * type outside 0..3, or ENOMEM.  The caller frees it. */
char *svc_format_failure_actions(const struct svc_failure_action *a, size_t n);
/* "none", "restart", "reboot", "run", or NULL for another type. */
const char *svc_failure_action_name(uint32_t type);

/*
 * One trigger of SERVICE_CONFIG_TRIGGER_INFO, kept (no effect yet) as a
 * word of the Triggers list in a service file and on the wire:
 *   TYPE:ACTION:SUBTYPE[:DATATYPE=HEX]...
 * TYPE a SERVICE_TRIGGER_TYPE_* (1 to 7, or 20), ACTION 1 (start) or 2
 * (stop), SUBTYPE the GUID as {XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX} or
 * "-" for none, then each data item's SERVICE_TRIGGER_DATA_TYPE_* (1 to
 * 5) and its bytes in hex (nothing after '=' for none).
 */
#define SVC_TRIGGERS_MAX 64
struct svc_trigger_item {
    uint32_t type;
    size_t len;
    uint8_t *data;
};
struct svc_trigger {
    uint32_t type, action;
    int has_subtype;
    uint32_t d1;                /* the GUID's fields */
    uint16_t d2, d3;
    uint8_t d4[8];
    size_t n_items;
    struct svc_trigger_item *items;
};
/* 1 if the trigger's type, action and data types are Windows' values. */
int svc_trigger_valid(const struct svc_trigger *t);
/* Parses one word; 0, -EINVAL (malformed or not svc_trigger_valid),
 * -ENOMEM.  On failure *t holds nothing to free. */
int svc_parse_trigger(const char *s, struct svc_trigger *t);
/* The word for t; NULL with errno EINVAL (not valid) or ENOMEM. */
char *svc_format_trigger(const struct svc_trigger *t);
void svc_trigger_free(struct svc_trigger *t);

/* ServiceSidType none|unrestricted|restricted (case-insensitive) or 0, 1,
 * 3: 0 or -EINVAL.  svc_sid_type_name is the word for 0, 1 or 3, else
 * NULL. */
int svc_parse_sid_type(const char *s, uint32_t *out);
const char *svc_sid_type_name(uint32_t sid_type);

/* Names as written to files and shown by sc ("share", "own", "auto", ...);
 * for numbers without a name, NULL. */
const char *svc_type_name(uint32_t type);
const char *svc_start_name(uint32_t start);
const char *svc_error_control_name(uint32_t ec);
/* The names sc prints after the number, as sc.exe ("WIN32_SHARE_PROCESS",
 * "DEMAND_START", "NORMAL"); NULL for numbers without a name.  The type
 * is looked up as given (mask SERVICE_INTERACTIVE_PROCESS first). */
const char *svc_type_display_name(uint32_t type);
const char *svc_start_display_name(uint32_t start);
const char *svc_error_control_display_name(uint32_t ec);

/* If image_path runs the shared host ("svchost -k GROUP", argv[0] being
 * "svchost" or a path ending in "/svchost"), copies GROUP into a new
 * string and returns 1; returns 0 if it does not; -ENOMEM. */
int svc_imagepath_group(const char *image_path, char **group);

/* Splits a command line (an ImagePath) into words: blanks separate them,
 * double quotes may enclose blanks within one.  Returns the number of
 * words (*argv NULL-terminated; free with svc_strv_free, proto.h), -EINVAL
 * for an unterminated quote, -ENOMEM. */
int svc_split_command_line(const char *s, char ***argv);

/* A service or group name: 1..256 bytes, no '/', '\\', control characters
 * or leading '.', as the registry key names they stand for.  1 or 0. */
int svc_name_valid(const char *name);

/*
 * The directory plugins are looked up in when ServiceDll is a bare file
 * name: $SVCHOST_PLUGIN_DIR if set; else the build tree's plugins/
 * directory when the running executable is build/bin/X of a build tree
 * (one holding CMakeCache.txt); else the installed plugin directory,
 * found from the executable's directory (BINDIR/../LIBDIR/svchost/plugins
 * of the tree it is installed in, wherever that was put).
 * Returns a new string or NULL (out of memory).
 */
char *svc_plugin_dir(void);
/* The full path of a ServiceDll value (caller frees). */
char *svc_resolve_service_dll(const char *service_dll);


/* ---- Writing (the SCM) ------------------------------------------------------ */

/*
 * Writers replace a file atomically: a temporary file in the same
 * directory, fsync, rename over the old one, fsync of the directory.  A
 * crash leaves the old file or the new one, never a torn one.  Values must
 * survive a read back: no line breaks, no leading or trailing blanks, no
 * ';' after a blank (inih would take it for a comment), and every line
 * within inih's limit; otherwise -EINVAL and nothing is written.
 * Return 0 or a negative errno.
 */

/* Writes ROOT/config/services/NAME.ini from c (c->name names the file).
 * [Parameters] holds ServiceDll and ServiceMain when set, then every other
 * value of c->params in order. */
int svc_config_write_service(const char *root, const struct svc_service_config *c);
/* Removes ROOT/config/services/NAME.ini (0 if it did not exist). */
int svc_config_remove_service(const char *root, const char *name);
/* Makes `name` a member of `group` only (NULL: of no group), keeping the
 * other groups, their order and their Split, and rewrites svchost.ini if
 * that changes anything.  A group left empty is removed, unless its Split
 * is not auto (the setting would be lost with it). */
int svc_config_set_group_membership(const char *root, const char *name, const char *group);
/* The same change made to g in memory (what svc_config_load_groups
 * read), for a caller that keeps svchost.ini parsed: 1 if g changed (then
 * write it with svc_config_write_groups), 0 if it was so already,
 * -EINVAL for a bad name, -ENOMEM (g is then as it was, but for a new
 * empty group). */
int svc_groups_set_membership(struct svc_groups *g, const char *name, const char *group);
/* Writes g as ROOT/config/svchost.ini, atomically: each group's name,
 * Services and Split.  0, -EINVAL (a name or Split that would not read
 * back), or the negative errno of the write. */
int svc_config_write_groups(const char *root, const struct svc_groups *g);
/* 1 if value can be written and read back unchanged, else 0. */
int svc_config_value_ok(const char *value);
/* A new temporary file beside path (path.tmp.XXXXXX, same directory, so
 * it can be renamed over path) with mode, O_CLOEXEC: its descriptor with
 * *tmp its name (free it), or a negative errno. */
int svc_temp_beside(const char *path, mode_t mode, char **tmp);
/* Replaces the file at path with len bytes of data by the same steps
 * (temporary file beside it, fsync, rename, fsync of the directory), for
 * the SCM's other state files.  0 or a negative errno; path is then as
 * it was.  The old file's mode is kept (0644 for a new one). */
int svc_write_file_atomic(const char *path, const char *data, size_t len);
/* The same without the syncs: a reader sees the old file or the new one
 * whole, but a crash may leave either, for what a restart makes anew. */
int svc_write_file_replace(const char *path, const char *data, size_t len);
/* Removes the temporary files those writes leave when the process dies
 * between creating and renaming one (NAME.tmp.XXXXXX in the configuration
 * directory, services/ and run/): for scmd's start, when no write can be
 * under way.  How many it removed, or the first negative errno. */
int svc_config_remove_temporaries(const char *root);

#endif
