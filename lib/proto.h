/*
 * proto.h - the wire protocol between clients, scmd and host processes.
 *
 * Every message is one frame: a 16-byte header, then `length` bytes of
 * payload.  All integers are little-endian; nothing is sent as a raw
 * struct.
 *
 *   offset size field
 *   0      2    magic     0x5653 ("SV" on the wire: 'S' 0x53, 'V' 0x56)
 *   2      1    version   SVC_PROTO_VERSION
 *   3      1    flags     0 (reserved; non-zero is a protocol error)
 *   4      2    type      enum svc_msg_type
 *   6      2    reserved  0
 *   8      4    id        request id; a reply carries its request's id
 *   12     4    length    payload bytes, at most SVC_PROTO_MAX_PAYLOAD
 *
 * Payload fields, in the order each message lists them:
 *   u32     4 bytes
 *   str     u32 length L, then L bytes of UTF-8 without NUL; the length
 *           0xFFFFFFFF encodes "absent" (NULL).  L <= SVC_PROTO_MAX_STRING
 *   strv    u32 count N (<= SVC_PROTO_MAX_LIST), then N non-absent str
 *   status  9 u32: SERVICE_STATUS_PROCESS in field order
 *   config  see struct svc_msg_config
 *   n x (f) u32 count n (<= SVC_PROTO_MAX_LIST, as for strv), then n
 *           times the fields f, in order
 *
 * A frame whose header is bad, whose type is unknown on its channel, or
 * whose payload does not decode exactly (short, trailing bytes, a string
 * with a NUL, a list too long) closes that connection and nothing else.
 *
 * Functions return 0 or a negative errno: -EPROTO malformed input,
 * -EMSGSIZE a frame over the limits, -ENOMEM, -EPIPE/-ECONNRESET peer
 * gone, or the errno of a failed read/write.
 */
#ifndef SVC_PROTO_H
#define SVC_PROTO_H

#include <stddef.h>
#include <stdint.h>
#include <svchost/winsvc.h>

#define SVC_PROTO_MAGIC 0x5653u
#define SVC_PROTO_VERSION 5
#define SVC_PROTO_HEADER_SIZE 16
#define SVC_PROTO_MAX_PAYLOAD (1024u * 1024u)
#define SVC_PROTO_MAX_STRING 65535u
#define SVC_PROTO_MAX_LIST 65536u
#define SVC_PROTO_ABSENT 0xFFFFFFFFu

/*
 * Message types.  Client channel (run/scm.sock): each request gets one
 * SVC_MSG_REPLY whose payload starts with a u32 Win32 error; the fields
 * after it (listed after "->") are present only when the error is 0.
 * Host channel (the socketpair scmd gives each host it spawns): see the
 * SVC_MSG_HOST_* comments.
 */
enum svc_msg_type {
    SVC_MSG_REPLY = 1,              /* u32 error, then per request */

    /* ---- client -> scmd ---- */
    SVC_MSG_OPEN_MANAGER = 16,      /* u32 access -> [u64 status table instance] */
    SVC_MSG_CREATE_SERVICE,         /* u32 access, config -> (nothing) */
    SVC_MSG_OPEN_SERVICE,           /* str name, u32 access -> str key name */
    SVC_MSG_START_SERVICE,          /* str name, strv args -> (nothing) */
    SVC_MSG_CONTROL_SERVICE,        /* str name, u32 control -> status */
    SVC_MSG_QUERY_STATUS,           /* str name -> status */
    SVC_MSG_QUERY_CONFIG,           /* str name -> config (every field) */
    SVC_MSG_CHANGE_CONFIG,          /* config (mask says which fields) -> (nothing) */
    SVC_MSG_DELETE_SERVICE,         /* str name -> (nothing) */
    SVC_MSG_ENUM_SERVICES,          /* u32 type, u32 state, str group (absent: all)
                                       -> u32 n, n x (str name, str display, status) */
    SVC_MSG_ENUM_DEPENDENTS,        /* str name, u32 state
                                       -> u32 n, n x (str name, str display, status) */
    SVC_MSG_GET_DISPLAY_NAME,       /* str key name -> str display name */
    SVC_MSG_GET_KEY_NAME,           /* str display name -> str key name */
    SVC_MSG_ENUM_HOSTS,             /* (nothing) -> u32 n, n x host */
    SVC_MSG_ENUM_USAGE,             /* (nothing) -> u32 n, n x usage: per host
                                       process one row without a service (the
                                       whole process) and one per service */
    SVC_MSG_CLOSE_SERVICE,          /* str name -> (nothing): the connection's
                                       handle on the service is closed */
    SVC_MSG_QUERY_SECURITY,         /* str name (absent: the SCM), u32 security
                                       information (SVC_SI_* of sddl.h) -> str sddl:
                                       the parts asked for, canonical */
    SVC_MSG_SET_SECURITY,           /* str name (absent: the SCM), u32 security
                                       information, str sddl -> (nothing): the
                                       parts named replace the object's */
    SVC_MSG_CLIENT_LAST = SVC_MSG_SET_SECURITY,

    /* ---- host channel ---- */
    SVC_MSG_HOST_HELLO = 64,        /* host -> scmd, id 0: u32 pid, strv table names */
    SVC_MSG_HOST_START,             /* scmd -> host: str name, strv args, and optionally
                                       str service_dll, str service_main, u32 flags;
                                       host answers SVC_MSG_REPLY: u32 error */
    SVC_MSG_HOST_CONTROL,           /* scmd -> host: str name, u32 control;
                                       host answers SVC_MSG_REPLY: u32 handler result,
                                       once the handler has returned */
    SVC_MSG_HOST_STATUS,            /* host -> scmd, id 0: str name, 7 x u32 SERVICE_STATUS */
    SVC_MSG_HOST_EXIT,              /* scmd -> host, id 0: (nothing); the host exits */
    SVC_MSG_HOST_QUERY,             /* scmd -> host: (nothing); host answers
                                       SVC_MSG_REPLY: u32 error, u32 n, n x usage
                                       (one per service of its table) */
    SVC_MSG_HOST_REJOIN,            /* host -> scmd on ROOT/run/host.sock, id 0, first
                                       and only then: u32 pid, str secret, strv table
                                       names, u32 n, n x (str name, 7 x u32
                                       SERVICE_STATUS); scmd answers SVC_MSG_REPLY
                                       (u32 error) and the connection is the host's
                                       channel from then on */
    SVC_MSG_HOST_LOG,               /* host -> scmd, id 0: str name, u32 level (0 error,
                                       1 warning, 2 information), str text (at most
                                       SVC_MSG_HOST_LOG_MAX_TEXT bytes): a plugin's
                                       Log() line; no answer */
    SVC_MSG_HOST_LAST = SVC_MSG_HOST_LOG,
};

/* ---- Header ------------------------------------------------------------ */

struct svc_frame_header {
    uint16_t type;
    uint32_t id;
    uint32_t length;
};

/* Packs magic, version, type, id and length into out. */
void svc_header_pack(uint8_t out[SVC_PROTO_HEADER_SIZE], const struct svc_frame_header *h);
/* 0; -EPROTO bad magic, version, flags or reserved; -EMSGSIZE length over
 * SVC_PROTO_MAX_PAYLOAD. */
int svc_header_unpack(const uint8_t in[SVC_PROTO_HEADER_SIZE], struct svc_frame_header *h);

/* ---- Writing payloads ---------------------------------------------------- */

/* A growing buffer.  The first failure sets err and makes later puts do
 * nothing: -ENOMEM; -EMSGSIZE for a string or list over its limit or a
 * payload that would pass SVC_PROTO_MAX_PAYLOAD; -EINVAL for a config
 * that cannot be encoded (see svc_put_config).  A payload of up to
 * SVC_WBUF_SMALL bytes (most requests and replies) stays in the buffer
 * itself, with no allocation: a wbuf is not copied by value once
 * initialised (data may point into it). */
#define SVC_WBUF_SMALL 128
struct svc_wbuf {
    uint8_t *data;
    size_t len, cap;
    int err;
    uint8_t small[SVC_WBUF_SMALL];
};

void svc_wbuf_init(struct svc_wbuf *w);
void svc_wbuf_free(struct svc_wbuf *w);
void svc_put_u32(struct svc_wbuf *w, uint32_t v);
void svc_put_u64(struct svc_wbuf *w, uint64_t v);             /* two u32: low, high */
void svc_put_str(struct svc_wbuf *w, const char *s);         /* NULL: absent */
void svc_put_strv(struct svc_wbuf *w, char *const *v);        /* NULL-terminated; NULL: empty */
void svc_put_status(struct svc_wbuf *w, const SERVICE_STATUS_PROCESS *st);
void svc_put_service_status(struct svc_wbuf *w, const SERVICE_STATUS *st); /* 7 x u32 */

/* ---- Reading payloads ---------------------------------------------------- */

/* A cursor over a received payload.  The first failure sets err; later
 * gets return zero/NULL.  Strings and lists returned are malloc'd. */
struct svc_rbuf {
    const uint8_t *p;
    size_t len, off;
    int err;
};

void svc_rbuf_init(struct svc_rbuf *r, const void *p, size_t len);
uint32_t svc_get_u32(struct svc_rbuf *r);
uint64_t svc_get_u64(struct svc_rbuf *r);
char *svc_get_str(struct svc_rbuf *r);     /* NULL if absent or on error */
char **svc_get_strv(struct svc_rbuf *r);   /* NULL-terminated; NULL on error */
void svc_get_status(struct svc_rbuf *r, SERVICE_STATUS_PROCESS *st);
void svc_get_service_status(struct svc_rbuf *r, SERVICE_STATUS *st);
/* 0 if nothing failed and every byte was consumed; else the first get's
 * error (-EPROTO malformed, -ENOMEM), or -EPROTO for trailing bytes. */
int svc_rbuf_end(const struct svc_rbuf *r);
void svc_strv_free(char **v);
/* A deep copy of a NULL-terminated list (NULL: an empty list); NULL when
 * out of memory. */
char **svc_strv_dup(char *const *v);

/* ---- A service's configuration on the wire -------------------------------- */

/* Bits of svc_msg_config.mask: which fields the message carries a value
 * for.  QUERY_CONFIG carries all of them (SVC_CFG_ALL), CREATE_SERVICE
 * all of them or all but SVC_CFG_CONFIG2, CHANGE_CONFIG only those to
 * change. */
enum {
    SVC_CFG_DISPLAY_NAME = 1u << 0,
    SVC_CFG_DESCRIPTION = 1u << 1,
    SVC_CFG_TYPE = 1u << 2,
    SVC_CFG_START = 1u << 3,
    SVC_CFG_ERROR_CONTROL = 1u << 4,
    SVC_CFG_IMAGE_PATH = 1u << 5,
    SVC_CFG_LOAD_ORDER_GROUP = 1u << 6,
    SVC_CFG_DEPENDENCIES = 1u << 7,    /* both lists together */
    SVC_CFG_OBJECT_NAME = 1u << 8,
    SVC_CFG_SERVICE_DLL = 1u << 9,
    SVC_CFG_SERVICE_MAIN = 1u << 10,
    SVC_CFG_PARAMS = 1u << 11,         /* params: KEY=VALUE to set; KEY= with
                                          nothing after '=' removes KEY */
    SVC_CFG_FAILURE_ACTIONS = 1u << 12,/* failure_reset_s and the action list
                                          together, as lpsaActions carries them */
    SVC_CFG_FAILURE_COMMAND = 1u << 13,/* absent or "": none */
    SVC_CFG_REBOOT_MESSAGE = 1u << 14, /* absent or "": none */
    SVC_CFG_FAILURE_FLAG = 1u << 15,   /* failure_non_crash */
    SVC_CFG_PRESHUTDOWN = 1u << 16,    /* preshutdown_timeout_ms */
    SVC_CFG_DELAYED_AUTOSTART = 1u << 17,
    SVC_CFG_PREFERRED_NODE = 1u << 18, /* preferred_node */
    SVC_CFG_LAUNCH_PROTECTED = 1u << 19,/* launch_protected */
    SVC_CFG_TRIGGERS = 1u << 20,       /* triggers (the whole list) */
    SVC_CFG_PROFILES = 1u << 21,       /* profiles (the whole list) */
    SVC_CFG_REQUIRED_PRIVILEGES = 1u << 22, /* required_privileges (the whole
                                          list; empty: no list) */
    SVC_CFG_SID_TYPE = 1u << 23,       /* sid_type */
    SVC_CFG_ALL = (1u << 24) - 1,
    /* The fields only ChangeServiceConfig2 sets: a CREATE_SERVICE without
     * their bits gives the service their defaults. */
    SVC_CFG_CONFIG2 = SVC_CFG_FAILURE_ACTIONS | SVC_CFG_FAILURE_COMMAND |
                      SVC_CFG_REBOOT_MESSAGE | SVC_CFG_FAILURE_FLAG |
                      SVC_CFG_PRESHUTDOWN | SVC_CFG_DELAYED_AUTOSTART |
                      SVC_CFG_PREFERRED_NODE | SVC_CFG_LAUNCH_PROTECTED | SVC_CFG_TRIGGERS |
                      SVC_CFG_PROFILES | SVC_CFG_REQUIRED_PRIVILEGES | SVC_CFG_SID_TYPE,
};

/* One failure action: SC_ACTION's Type (0..3) and Delay in milliseconds. */
struct svc_msg_action {
    uint32_t type;
    uint32_t delay_ms;
};

/*
 * Encoded as: u32 mask, str name, str display_name, str description,
 * u32 type, u32 start, u32 error_control, str image_path,
 * str load_order_group, strv depend_on_service, strv depend_on_group,
 * str object_name, str service_dll, str service_main, strv params,
 * u32 failure_reset_s, n x (u32 type, u32 delay_ms) failure actions,
 * str failure_command, str reboot_message, u32 failure_non_crash,
 * u32 preshutdown_timeout_ms, u32 delayed_autostart, u32 preferred_node,
 * u32 launch_protected, strv triggers, strv profiles,
 * strv required_privileges, u32 sid_type.
 * Every field is always encoded (absent/0/empty when its bit is clear),
 * so the layout does not depend on the mask.
 */
struct svc_msg_config {
    uint32_t mask;
    char *name;
    char *display_name;
    char *description;
    uint32_t type;
    uint32_t start;
    uint32_t error_control;
    char *image_path;
    char *load_order_group;
    char **depend_on_service;   /* NULL-terminated (NULL: empty) */
    char **depend_on_group;
    char *object_name;
    char *service_dll;
    char *service_main;
    char **params;              /* "KEY=VALUE" */
    uint32_t failure_reset_s;   /* seconds; INFINITE: never reset */
    struct svc_msg_action *failure_actions;  /* n_failure_actions of them */
    uint32_t n_failure_actions;
    char *failure_command;
    char *reboot_message;
    uint32_t failure_non_crash; /* 0 or 1 (the receiver checks) */
    uint32_t preshutdown_timeout_ms;
    uint32_t delayed_autostart; /* 0 or 1 (the receiver checks) */
    uint32_t preferred_node;    /* SERVICE_CONFIG_PREFERRED_NODE: the node + 1; 0 none */
    uint32_t launch_protected;  /* SERVICE_CONFIG_LAUNCH_PROTECTED: 0..3 (the receiver checks) */
    char **triggers;            /* SERVICE_CONFIG_TRIGGER_INFO: svc_parse_trigger words
                                   (config.h; the receiver checks) */
    char **profiles;            /* Profiles: the hardware profiles it is enabled in
                                   (empty: all) */
    char **required_privileges; /* SERVICE_CONFIG_REQUIRED_PRIVILEGES_INFO: privilege
                                   names (privileges.h; the receiver checks);
                                   empty: no list */
    uint32_t sid_type;          /* SERVICE_CONFIG_SERVICE_SID_INFO: 0, 1 or 3 (the
                                   receiver checks) */
};

/* Writes the fields whose mask bit is set and absent/0/empty for the
 * others, whatever c holds there.  A NULL name or a mask bit outside
 * SVC_CFG_ALL sets w->err to -EINVAL. */
void svc_put_config(struct svc_wbuf *w, const struct svc_msg_config *c);
/* Fills c (zeroed first); on failure frees what it read.  0 or -EPROTO
 * (besides malformed fields: an absent name, a mask bit outside
 * SVC_CFG_ALL, or a field whose bit is clear that is not absent/0/empty)
 * or -ENOMEM.  A list whose bit is clear reads back as NULL. */
int svc_get_config(struct svc_rbuf *r, struct svc_msg_config *c);
void svc_msg_config_free(struct svc_msg_config *c);

/* One element of an ENUM_HOSTS reply: u32 pid, str group, strv services. */
struct svc_msg_host {
    uint32_t pid;
    char *group;       /* absent for an own-process service's executable */
    char **services;
};
void svc_put_host(struct svc_wbuf *w, const struct svc_msg_host *h);
int svc_get_host(struct svc_rbuf *r, struct svc_msg_host *h);
void svc_msg_host_free(struct svc_msg_host *h);

/*
 * Resource usage of a service, or of a whole host process when service is
 * absent: u32 pid, str service, u32 threads, u64 cpu_us, u32 stack_kib,
 * u32 image_kib, u32 rss_kib, u32 pss_kib.  Services fill threads (their
 * live threads, those they created included), cpu_us (every thread they
 * ever ran), stack_kib (resident stacks of their live threads) and
 * image_kib (proportional resident size of their plugin's mappings);
 * a process row fills threads, cpu_us, rss_kib and pss_kib.
 */
struct svc_msg_usage {
    uint32_t pid;
    char *service;
    uint32_t threads;
    uint64_t cpu_us;
    uint32_t stack_kib, image_kib, rss_kib, pss_kib;
};
void svc_put_usage(struct svc_wbuf *w, const struct svc_msg_usage *u);
/* 0 or the error; on error nothing is left allocated. */
int svc_get_usage(struct svc_rbuf *r, struct svc_msg_usage *u);

/* One element of an ENUM_SERVICES or ENUM_DEPENDENTS reply: str name,
 * str display, status.  Both strings are required (never absent). */
struct svc_msg_service {
    char *name;
    char *display;
    SERVICE_STATUS_PROCESS status;
};
void svc_put_service(struct svc_wbuf *w, const struct svc_msg_service *e);
/* 0 or the error (an absent string is -EPROTO); on error nothing is left
 * allocated. */
int svc_get_service(struct svc_rbuf *r, struct svc_msg_service *e);
void svc_msg_service_free(struct svc_msg_service *e);

/* Reads the u32 count of an "n x (...)" list and checks it against
 * SVC_PROTO_MAX_LIST and against the bytes left, each element taking at
 * least min_elem bytes (> 0), before anything is allocated for it.  The
 * count, or 0 with r->err set (-EPROTO) when it cannot be right. */
uint32_t svc_get_count(struct svc_rbuf *r, size_t min_elem);

/* ---- Wire sizes ------------------------------------------------------------ */

/*
 * The smallest encoding of each field and list element: a receiver bounds
 * a count by the bytes left divided by its element's minimum before it
 * allocates (docs/protocol.md, "Limits"), and a dispatch table refuses a
 * payload shorter than its message's minimum before any handler runs.
 */
#define SVC_WIRE_U32 4u
#define SVC_WIRE_U64 8u                                   /* two u32 */
#define SVC_WIRE_STR_MIN 4u                               /* length only: absent or "" */
#define SVC_WIRE_STRV_MIN 4u                              /* count only: empty */
#define SVC_WIRE_SERVICE_STATUS (7u * SVC_WIRE_U32)       /* SERVICE_STATUS */
#define SVC_WIRE_STATUS (9u * SVC_WIRE_U32)               /* SERVICE_STATUS_PROCESS */
/* config: 4 u32 (mask, type, start, error control), 8 str, 3 strv (the
 * two dependency lists, params), then 4 u32 (reset period, flag,
 * preshutdown, delayed), the action count, 2 str (command, reboot
 * message), 2 u32 (preferred node, launch protected), 3 strv (triggers,
 * profiles, required privileges) and a u32 (SID type); see struct
 * svc_msg_config. */
#define SVC_WIRE_CONFIG_MIN (12u * SVC_WIRE_U32 + 10u * SVC_WIRE_STR_MIN + 6u * SVC_WIRE_STRV_MIN)
#define SVC_WIRE_ACTION (2u * SVC_WIRE_U32)
/* List elements. */
#define SVC_WIRE_SERVICE_MIN (2u * SVC_WIRE_STR_MIN + SVC_WIRE_STATUS)
#define SVC_WIRE_HOST_MIN (SVC_WIRE_U32 + SVC_WIRE_STR_MIN + SVC_WIRE_STRV_MIN)
#define SVC_WIRE_USAGE_MIN                                                                 \
    (SVC_WIRE_U32 + SVC_WIRE_STR_MIN + SVC_WIRE_U32 + SVC_WIRE_U64 + 4u * SVC_WIRE_U32)

/* The smallest payload of each message (for a dispatch table). */
#define SVC_MSG_REPLY_MIN SVC_WIRE_U32
#define SVC_MSG_OPEN_MANAGER_MIN SVC_WIRE_U32
#define SVC_MSG_CREATE_SERVICE_MIN (SVC_WIRE_U32 + SVC_WIRE_CONFIG_MIN)
#define SVC_MSG_OPEN_SERVICE_MIN (SVC_WIRE_STR_MIN + SVC_WIRE_U32)
#define SVC_MSG_START_SERVICE_MIN (SVC_WIRE_STR_MIN + SVC_WIRE_STRV_MIN)
#define SVC_MSG_CONTROL_SERVICE_MIN (SVC_WIRE_STR_MIN + SVC_WIRE_U32)
#define SVC_MSG_NAME_MIN SVC_WIRE_STR_MIN       /* QUERY_STATUS, QUERY_CONFIG, DELETE_SERVICE,
                                                   GET_DISPLAY_NAME, GET_KEY_NAME,
                                                   CLOSE_SERVICE */
#define SVC_MSG_CHANGE_CONFIG_MIN SVC_WIRE_CONFIG_MIN
#define SVC_MSG_ENUM_SERVICES_MIN (2u * SVC_WIRE_U32 + SVC_WIRE_STR_MIN)
#define SVC_MSG_ENUM_DEPENDENTS_MIN (SVC_WIRE_STR_MIN + SVC_WIRE_U32)
#define SVC_MSG_QUERY_SECURITY_MIN (SVC_WIRE_STR_MIN + SVC_WIRE_U32)
#define SVC_MSG_SET_SECURITY_MIN (SVC_WIRE_STR_MIN + SVC_WIRE_U32 + SVC_WIRE_STR_MIN)
#define SVC_MSG_EMPTY_MIN 0u                    /* ENUM_HOSTS, ENUM_USAGE, HOST_EXIT, HOST_QUERY */
#define SVC_MSG_HOST_HELLO_MIN (SVC_WIRE_U32 + SVC_WIRE_STRV_MIN)
#define SVC_MSG_HOST_START_MIN (SVC_WIRE_STR_MIN + SVC_WIRE_STRV_MIN)
#define SVC_MSG_HOST_CONTROL_MIN (SVC_WIRE_STR_MIN + SVC_WIRE_U32)
#define SVC_MSG_HOST_STATUS_MIN (SVC_WIRE_STR_MIN + SVC_WIRE_SERVICE_STATUS)
#define SVC_WIRE_REJOIN_SERVICE_MIN (SVC_WIRE_STR_MIN + SVC_WIRE_SERVICE_STATUS)
#define SVC_MSG_HOST_REJOIN_MIN (SVC_WIRE_U32 + SVC_WIRE_STR_MIN + SVC_WIRE_STRV_MIN + SVC_WIRE_U32)
#define SVC_MSG_HOST_LOG_MIN (SVC_WIRE_STR_MIN + SVC_WIRE_U32 + SVC_WIRE_STR_MIN)
/* HOST_LOG: the longest text, in bytes (the sender cuts a longer one). */
#define SVC_MSG_HOST_LOG_MAX_TEXT 1024u
#define SVC_MSG_HOST_LOG_MAX_LEVEL 2u

/* ---- Messages: one pack/unpack pair per message ------------------------------ */

/*
 * Both ends of every message use these, so a layout is written once.
 * Messages with the same layout share a pair (named for the layout);
 * every other message has its own, named for it.
 *
 *   message            request pair                       reply pair
 *   OPEN_MANAGER       svc_msg_open_manager_*             svc_msg_open_manager_reply_*
 *   CREATE_SERVICE     svc_msg_create_service_*           svc_msg_reply_*
 *   OPEN_SERVICE       svc_msg_open_service_*             svc_msg_open_service_reply_*
 *   START_SERVICE      svc_msg_start_service_*            svc_msg_reply_*
 *   CONTROL_SERVICE    svc_msg_control_service_*          svc_msg_status_reply_*
 *   QUERY_STATUS       svc_msg_name_*                     svc_msg_status_reply_*
 *   QUERY_CONFIG       svc_msg_name_*                     svc_msg_config_reply_*
 *   CHANGE_CONFIG      svc_msg_change_config_*            svc_msg_reply_*
 *   DELETE_SERVICE     svc_msg_name_*                     svc_msg_reply_*
 *   ENUM_SERVICES      svc_msg_enum_services_*            svc_msg_services_reply_*
 *   ENUM_DEPENDENTS    svc_msg_enum_dependents_*          svc_msg_services_reply_*
 *   GET_DISPLAY_NAME   svc_msg_name_*                     svc_msg_name_reply_*
 *   GET_KEY_NAME       svc_msg_name_*                     svc_msg_name_reply_*
 *   ENUM_HOSTS         (empty) svc_msg_empty_unpack       svc_msg_hosts_reply_*
 *   ENUM_USAGE         (empty) svc_msg_empty_unpack       svc_msg_usage_reply_*
 *   CLOSE_SERVICE      svc_msg_name_*                     svc_msg_reply_*
 *   QUERY_SECURITY     svc_msg_query_security_*           svc_msg_name_reply_* (the SDDL)
 *   SET_SECURITY       svc_msg_set_security_*             svc_msg_reply_*
 *   HOST_HELLO         svc_msg_host_hello_*               (none)
 *   HOST_START         svc_msg_host_start_*               svc_msg_reply_*
 *   HOST_CONTROL       svc_msg_host_control_*             svc_msg_reply_* (handler result)
 *   HOST_STATUS        svc_msg_host_status_*              (none; scmd may answer
 *                                                          svc_msg_reply_* with id 0)
 *   HOST_EXIT          (empty) svc_msg_empty_unpack       (none)
 *   HOST_QUERY         (empty) svc_msg_empty_unpack       svc_msg_host_query_reply_*
 *                                                         (or svc_msg_usage_reply_*)
 *   HOST_REJOIN        svc_msg_host_rejoin_*              svc_msg_reply_*
 *   HOST_LOG           svc_msg_host_log_*                 (none)
 *
 * An empty message is sent with a NULL payload (svc_frame_send).
 *
 * Return conventions, for every function below:
 *   *_pack(w, ...)    appends the whole payload to w and returns w->err:
 *                     0, or the first failure kept in w (-ENOMEM;
 *                     -EMSGSIZE over a limit; -EINVAL for a NULL where a
 *                     string is required, or a config svc_put_config
 *                     refuses).  A reply's pack writes NO_ERROR first,
 *                     then the body.
 *   *_unpack(r, ...)  decodes the rest of r exactly (svc_rbuf_end) and
 *                     returns 0, -EPROTO (malformed: short, trailing
 *                     bytes, an absent required string, a count the bytes
 *                     cannot hold) or -ENOMEM.  On failure the error is
 *                     also left in r->err, every output is NULL/0, and
 *                     nothing is left allocated.  Strings and lists are
 *                     malloc'd for the caller (free, svc_strv_free, or
 *                     the *_free function named).
 *   A reply's *_reply_unpack decodes the body: r must be positioned after
 *   the error, which svc_msg_reply_head_unpack (or svc_conn_call) has
 *   read and found NO_ERROR.
 * Required strings: every service name in a request, HOST_* names, the
 * name of a name reply, and both strings of a services-list element.
 * The group of ENUM_SERVICES may be absent (all groups).
 */

/* A reply that is its u32 error alone: every failed request; a
 * successful one without a body; the handler result of HOST_CONTROL. */
int svc_msg_reply_pack(struct svc_wbuf *w, DWORD error);
int svc_msg_reply_unpack(struct svc_rbuf *r, DWORD *error);
/* Reads only a reply's leading u32 error; 0 or -EPROTO.  When *error is
 * NO_ERROR the body follows (its *_reply_unpack); otherwise finish with
 * svc_rbuf_end, a failed request carrying nothing after its error. */
int svc_msg_reply_head_unpack(struct svc_rbuf *r, DWORD *error);

/* Empty messages: 0, or -EPROTO if the payload is not empty. */
int svc_msg_empty_unpack(struct svc_rbuf *r);

/* ---- client requests ---- */
int svc_msg_open_manager_pack(struct svc_wbuf *w, DWORD access);
int svc_msg_open_manager_unpack(struct svc_rbuf *r, DWORD *access);
/* The reply: the instance of the SCM's status table (0: none), which an
 * enumeration may then read (status_table.h); absent in the reply of an
 * SCM without one. */
int svc_msg_open_manager_reply_pack(struct svc_wbuf *w, uint64_t table);
int svc_msg_open_manager_reply_unpack(struct svc_rbuf *r, uint64_t *table);
int svc_msg_create_service_pack(struct svc_wbuf *w, DWORD access, const struct svc_msg_config *c);
int svc_msg_create_service_unpack(struct svc_rbuf *r, DWORD *access, struct svc_msg_config *c);
int svc_msg_open_service_pack(struct svc_wbuf *w, const char *name, DWORD access);
int svc_msg_open_service_unpack(struct svc_rbuf *r, char **name, DWORD *access);
/* args: NULL-terminated (NULL: none); unpacks as a non-NULL list. */
int svc_msg_start_service_pack(struct svc_wbuf *w, const char *name, char *const *args);
int svc_msg_start_service_unpack(struct svc_rbuf *r, char **name, char ***args);
int svc_msg_control_service_pack(struct svc_wbuf *w, const char *name, DWORD control);
int svc_msg_control_service_unpack(struct svc_rbuf *r, char **name, DWORD *control);
/* A request that is one service name (see the table above). */
int svc_msg_name_pack(struct svc_wbuf *w, const char *name);
int svc_msg_name_unpack(struct svc_rbuf *r, char **name);
int svc_msg_change_config_pack(struct svc_wbuf *w, const struct svc_msg_config *c);
int svc_msg_change_config_unpack(struct svc_rbuf *r, struct svc_msg_config *c);
/* group: NULL for every group (absent on the wire). */
int svc_msg_enum_services_pack(struct svc_wbuf *w, DWORD type, DWORD state, const char *group);
int svc_msg_enum_services_unpack(struct svc_rbuf *r, DWORD *type, DWORD *state, char **group);
int svc_msg_enum_dependents_pack(struct svc_wbuf *w, const char *name, DWORD state);
int svc_msg_enum_dependents_unpack(struct svc_rbuf *r, char **name, DWORD *state);
/* QUERY_SECURITY, SET_SECURITY: name NULL (absent) for the SCM itself;
 * SET_SECURITY's sddl is required. */
int svc_msg_query_security_pack(struct svc_wbuf *w, const char *name, DWORD info);
int svc_msg_query_security_unpack(struct svc_rbuf *r, char **name, DWORD *info);
int svc_msg_set_security_pack(struct svc_wbuf *w, const char *name, DWORD info, const char *sddl);
int svc_msg_set_security_unpack(struct svc_rbuf *r, char **name, DWORD *info, char **sddl);

/* ---- replies with a body ---- */
int svc_msg_name_reply_pack(struct svc_wbuf *w, const char *name);
int svc_msg_name_reply_unpack(struct svc_rbuf *r, char **name);
/* OPEN_SERVICE: str key name, u32 slot, u32 generation, u64 table: where
 * the service's status is in the shared status table (status_table.h),
 * and which table that is; slot SVC_TABLE_NO_SLOT (0xffffffff) when it
 * has none. */
struct svc_msg_slot {
    uint32_t slot, gen;
    uint64_t table;
};
int svc_msg_open_service_reply_pack(struct svc_wbuf *w, const char *name,
                                    const struct svc_msg_slot *slot);
int svc_msg_open_service_reply_unpack(struct svc_rbuf *r, char **name, struct svc_msg_slot *slot);
int svc_msg_status_reply_pack(struct svc_wbuf *w, const SERVICE_STATUS_PROCESS *st);
int svc_msg_status_reply_unpack(struct svc_rbuf *r, SERVICE_STATUS_PROCESS *st);
int svc_msg_config_reply_pack(struct svc_wbuf *w, const struct svc_msg_config *c);
int svc_msg_config_reply_unpack(struct svc_rbuf *r, struct svc_msg_config *c);
/* Lists: u32 n, then n elements.  Unpacked into one calloc'd array of n
 * elements (non-NULL even when n is 0), freed with its *_free. */
int svc_msg_services_reply_pack(struct svc_wbuf *w, const struct svc_msg_service *e, size_t n);
int svc_msg_services_reply_unpack(struct svc_rbuf *r, struct svc_msg_service **e, size_t *n);
void svc_msg_services_free(struct svc_msg_service *e, size_t n);
int svc_msg_hosts_reply_pack(struct svc_wbuf *w, const struct svc_msg_host *h, size_t n);
int svc_msg_hosts_reply_unpack(struct svc_rbuf *r, struct svc_msg_host **h, size_t *n);
void svc_msg_hosts_free(struct svc_msg_host *h, size_t n);
int svc_msg_usage_reply_pack(struct svc_wbuf *w, const struct svc_msg_usage *u, size_t n);
int svc_msg_usage_reply_unpack(struct svc_rbuf *r, struct svc_msg_usage **u, size_t *n);
void svc_msg_usage_free(struct svc_msg_usage *u, size_t n);

/* ---- host channel ---- */
/* names: the host's service table, NULL-terminated. */
int svc_msg_host_hello_pack(struct svc_wbuf *w, uint32_t pid, char *const *names);
int svc_msg_host_hello_unpack(struct svc_rbuf *r, uint32_t *pid, char ***names);
/*
 * What a shared host needs to run a service, as scmd has it (and checked
 * it): so a start reads no file in the host, and the host loads exactly
 * the plugin file scmd's trust check passed.  Sent after the args; a
 * START without it (an older scmd) leaves the host to read the service's
 * file.
 */
struct svc_start_plugin {
    char *service_dll;          /* resolved path; "" none set */
    char *service_main;         /* the entry point's name */
    uint32_t flags;             /* SVC_START_* */
};
#define SVC_START_UNLOAD_ON_STOP 0x1u   /* ServiceDllUnloadOnStop nonzero */
#define SVC_START_IMPERSONATE    0x2u   /* holds SeImpersonatePrivilege */

/* plugin may be NULL (an own-process program: nothing to load). */
int svc_msg_host_start_pack(struct svc_wbuf *w, const char *name, char *const *args,
                            const struct svc_start_plugin *plugin);
/* *plugin is NULL when the message has none; free with svc_start_plugin_free. */
int svc_msg_host_start_unpack(struct svc_rbuf *r, char **name, char ***args,
                              struct svc_start_plugin **plugin);
void svc_start_plugin_free(struct svc_start_plugin *p);
int svc_msg_host_control_pack(struct svc_wbuf *w, const char *name, DWORD control);
int svc_msg_host_control_unpack(struct svc_rbuf *r, char **name, DWORD *control);
int svc_msg_host_status_pack(struct svc_wbuf *w, const char *name, const SERVICE_STATUS *st);
int svc_msg_host_status_unpack(struct svc_rbuf *r, char **name, SERVICE_STATUS *st);
/* HOST_REJOIN: a host whose scmd went away rejoins the next one with
 * the secret it was given at spawn and the status of every service it
 * runs.  v: n elements; unpacked into one calloc'd array. */
struct svc_msg_rejoin_service {
    char *name;
    SERVICE_STATUS status;
};
int svc_msg_host_rejoin_pack(struct svc_wbuf *w, uint32_t pid, const char *secret,
                             char *const *table, const struct svc_msg_rejoin_service *v, size_t n);
int svc_msg_host_rejoin_unpack(struct svc_rbuf *r, uint32_t *pid, char **secret, char ***table,
                               struct svc_msg_rejoin_service **v, size_t *n);
void svc_msg_rejoin_free(struct svc_msg_rejoin_service *v, size_t n);
/* HOST_LOG: one Log() line of the plugin of service name.  pack cuts a
 * text over SVC_MSG_HOST_LOG_MAX_TEXT bytes at the last whole UTF-8
 * character that fits, and fails with -EINVAL for a NULL name or text or
 * a level over SVC_MSG_HOST_LOG_MAX_LEVEL; unpack refuses (-EPROTO) such
 * a level, an absent name or text, and a text over the limit. */
int svc_msg_host_log_pack(struct svc_wbuf *w, const char *name, uint32_t level, const char *text);
int svc_msg_host_log_unpack(struct svc_rbuf *r, char **name, uint32_t *level, char **text);
/* HOST_QUERY's reply as a whole, head included, for the SCM's dispatch
 * of host replies: pack writes NO_ERROR and the rows (as
 * svc_msg_usage_reply_pack); unpack reads the error too, and a reply
 * whose error is not 0 (nothing after it) decodes as no rows (*u NULL,
 * *n 0, return 0). */
int svc_msg_host_query_reply_pack(struct svc_wbuf *w, const struct svc_msg_usage *u, size_t n);
int svc_msg_host_query_reply_unpack(struct svc_rbuf *r, struct svc_msg_usage **u, size_t *n);

/* ---- Whole frames --------------------------------------------------------- */

/* Sends one frame (header and payload in one sendmsg, MSG_NOSIGNAL),
 * retrying on EINTR and short writes, and waiting with poll() when a
 * non-blocking fd is full, so a frame is never left half sent.  payload
 * may be NULL (empty).  0; payload->err if a put had failed; -EPIPE or
 * -ECONNRESET peer gone; -errno. */
int svc_frame_send(int fd, uint16_t type, uint32_t id, const struct svc_wbuf *payload);

/* As svc_frame_send, but a peer that takes no bytes for timeout_ms (per
 * wait; -1 waits forever) gets -ETIMEDOUT, with the frame cut short: the
 * caller must close the connection.  scmd uses it so that a client that
 * stops reading cannot stall the event loop. */
int svc_frame_send_timeout(int fd, uint16_t type, uint32_t id, const struct svc_wbuf *payload,
                           int timeout_ms);

/* Blocking receive of one whole frame; *payload is malloc'd (NULL when
 * empty, and on any failure).  0; -ECONNRESET if the peer closed between
 * frames; -EPROTO if it closed mid-frame or the header is bad; -EMSGSIZE
 * length over the limit; -ENOMEM; -errno. */
int svc_frame_recv(int fd, struct svc_frame_header *h, uint8_t **payload);

/*
 * The same, reading ahead: one read() takes in a whole small frame (and
 * the frames behind it), where svc_frame_recv needs two.  For a stream
 * only this reader reads; one thread at a time.
 */
struct svc_frame_reader {
    int fd;
    size_t off, have;           /* buf[off..have) is read and not yet taken */
    uint8_t buf[4096];
};

void svc_frame_reader_init(struct svc_frame_reader *r, int fd);
/* As svc_frame_recv.  It reads whatever has arrived and waits in poll()
 * for more (never in read(): see read_some in proto.c). */
int svc_frame_reader_next(struct svc_frame_reader *r, struct svc_frame_header *h,
                          uint8_t **payload);
/* Waits until a frame's header is buffered or input arrives, for a
 * caller that expects to wait: spares svc_frame_reader_next's first
 * read, which would find nothing.  0 or a negative errno. */
int svc_frame_reader_wait(struct svc_frame_reader *r);

/*
 * Incremental receive for event loops: feed whatever bytes arrived; each
 * complete frame is passed to cb (payload valid only during the call;
 * NULL when h->length is 0, never NULL otherwise).  Frames may be split
 * at any byte, and one feed may hold several.  Returns 0, the first
 * non-zero value cb returned (the bytes after that frame are dropped),
 * -ENOMEM, or -EPROTO/-EMSGSIZE for a bad header (the caller then closes
 * the connection; later feeds keep failing the same way).
 */
struct svc_frame_acc {
    uint8_t hdr[SVC_PROTO_HEADER_SIZE];
    size_t hdr_have;
    struct svc_frame_header h;
    uint8_t *payload;
    size_t payload_have;
    size_t payload_cap;     /* allocated: grows with the bytes received */
};

typedef int (*svc_frame_cb)(void *ctx, const struct svc_frame_header *h, const uint8_t *payload);
void svc_frame_acc_init(struct svc_frame_acc *a);
void svc_frame_acc_free(struct svc_frame_acc *a);
int svc_frame_acc_feed(struct svc_frame_acc *a, const uint8_t *data, size_t len, svc_frame_cb cb,
                       void *ctx);
/* As svc_frame_acc_feed, and *used says how many bytes of data were
 * consumed: all of them, unless cb returned non-zero, when it is the
 * bytes up to the end of that frame (a caller that stops for a while
 * keeps the rest and feeds it later). */
int svc_frame_acc_feed_some(struct svc_frame_acc *a, const uint8_t *data, size_t len,
                            svc_frame_cb cb, void *ctx, size_t *used);
/* 1 while a frame is partly received (some header or payload bytes held),
 * else 0: event loops time out peers that stay mid-frame. */
int svc_frame_acc_partial(const struct svc_frame_acc *a);

#endif
