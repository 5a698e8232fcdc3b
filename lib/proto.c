/*
 * proto.c - the wire protocol codec: frame header, payload fields, and
 * whole frames over a socket (see proto.h for the format).
 *
 * Every decoder compares a length against the bytes that remain before
 * reading or allocating, so a hostile peer can make us allocate at most
 * what it actually sent (plus one frame buffer of the announced size in
 * the accumulator).
 */
#include "proto.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

/* ---- Little-endian integers ---------------------------------------------- */

static void le16_put(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void le32_put(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static uint16_t le16_get(const uint8_t *p)
{
    return (uint16_t)(p[0] | (uint16_t)p[1] << 8);
}

static uint32_t le32_get(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* ---- Header ------------------------------------------------------------ */

void svc_header_pack(uint8_t out[SVC_PROTO_HEADER_SIZE], const struct svc_frame_header *h)
{
    le16_put(out + 0, SVC_PROTO_MAGIC);
    out[2] = SVC_PROTO_VERSION;
    out[3] = 0;
    le16_put(out + 4, h->type);
    le16_put(out + 6, 0);
    le32_put(out + 8, h->id);
    le32_put(out + 12, h->length);
}

int svc_header_unpack(const uint8_t in[SVC_PROTO_HEADER_SIZE], struct svc_frame_header *h)
{
    /* A peer speaking another version is refused, not translated: the
     * connection closes and the peer sees why in the version byte. */
    if (le16_get(in + 0) != SVC_PROTO_MAGIC || in[2] != SVC_PROTO_VERSION || in[3] != 0 ||
        le16_get(in + 6) != 0)
        return -EPROTO;
    h->type = le16_get(in + 4);
    h->id = le32_get(in + 8);
    h->length = le32_get(in + 12);
    if (h->length > SVC_PROTO_MAX_PAYLOAD)
        return -EMSGSIZE;
    return 0;
}

/* ---- Writing payloads ---------------------------------------------------- */

void svc_wbuf_init(struct svc_wbuf *w)
{
    w->data = w->small;
    w->len = 0;
    w->cap = sizeof w->small;
    w->err = 0;
}

void svc_wbuf_free(struct svc_wbuf *w)
{
    if (w->data != w->small)
        free(w->data);
    svc_wbuf_init(w);
}

static void wbuf_fail(struct svc_wbuf *w, int err)
{
    if (w->err == 0)
        w->err = err;
}

/* Makes room for n more bytes: 0, or -1 with err set.  The buffer never
 * grows past SVC_PROTO_MAX_PAYLOAD, so a payload that could not be sent
 * fails here, where it is built, and no size computation can overflow. */
static int wbuf_grow(struct svc_wbuf *w, size_t n)
{
    size_t cap = w->cap != 0 ? w->cap : 64;
    uint8_t *d;

    if (n > SVC_PROTO_MAX_PAYLOAD - w->len) {
        wbuf_fail(w, -EMSGSIZE);
        return -1;
    }
    while (cap < w->len + n)
        cap *= 2;
    if (cap > SVC_PROTO_MAX_PAYLOAD)
        cap = SVC_PROTO_MAX_PAYLOAD;
    if (w->data == w->small) {
        if ((d = malloc(cap)) != NULL)
            memcpy(d, w->small, w->len);
    } else {
        d = realloc(w->data, cap);
    }
    if (d == NULL) {
        wbuf_fail(w, -ENOMEM);
        return -1;
    }
    w->data = d;
    w->cap = cap;
    return 0;
}

/* Appends n bytes (nothing once the buffer has failed). */
static inline void wbuf_append(struct svc_wbuf *w, const void *p, size_t n)
{
    if (w->err != 0 || (n > w->cap - w->len && wbuf_grow(w, n) < 0))
        return;
    if (n != 0)
        memcpy(w->data + w->len, p, n);
    w->len += n;
}

void svc_put_u32(struct svc_wbuf *w, uint32_t v)
{
    uint8_t b[4];

    le32_put(b, v);
    wbuf_append(w, b, sizeof b);
}

void svc_put_u64(struct svc_wbuf *w, uint64_t v)
{
    svc_put_u32(w, (uint32_t)v);
    svc_put_u32(w, (uint32_t)(v >> 32));
}

void svc_put_str(struct svc_wbuf *w, const char *s)
{
    size_t n;

    if (s == NULL) {
        svc_put_u32(w, SVC_PROTO_ABSENT);
        return;
    }
    n = strlen(s);
    if (n > SVC_PROTO_MAX_STRING) {
        wbuf_fail(w, -EMSGSIZE);
        return;
    }
    svc_put_u32(w, (uint32_t)n);
    wbuf_append(w, s, n);
}

void svc_put_strv(struct svc_wbuf *w, char *const *v)
{
    size_t n = 0;

    if (v != NULL)
        while (v[n] != NULL)
            n++;
    if (n > SVC_PROTO_MAX_LIST) {
        wbuf_fail(w, -EMSGSIZE);
        return;
    }
    svc_put_u32(w, (uint32_t)n);
    for (size_t i = 0; i < n; i++)
        svc_put_str(w, v[i]);
}

/* The fields SERVICE_STATUS shares with SERVICE_STATUS_PROCESS, in wire
 * order; the latter sends its own two after them. */
#define STATUS_FIELDS(X)                                                        \
    X(dwServiceType) X(dwCurrentState) X(dwControlsAccepted) X(dwWin32ExitCode) \
    X(dwServiceSpecificExitCode) X(dwCheckPoint) X(dwWaitHint)
#define PUT_STATUS_FIELD(f) svc_put_u32(w, st->f);
#define GET_STATUS_FIELD(f) st->f = svc_get_u32(r);

void svc_put_service_status(struct svc_wbuf *w, const SERVICE_STATUS *st)
{
    STATUS_FIELDS(PUT_STATUS_FIELD)
}

void svc_put_status(struct svc_wbuf *w, const SERVICE_STATUS_PROCESS *st)
{
    STATUS_FIELDS(PUT_STATUS_FIELD)
    svc_put_u32(w, st->dwProcessId);
    svc_put_u32(w, st->dwServiceFlags);
}

/* ---- Reading payloads ---------------------------------------------------- */

void svc_rbuf_init(struct svc_rbuf *r, const void *p, size_t len)
{
    r->p = p;
    r->len = p != NULL ? len : 0;
    r->off = 0;
    r->err = 0;
}

static void rbuf_fail(struct svc_rbuf *r, int err)
{
    if (r->err == 0)
        r->err = err;
}

static size_t rbuf_left(const struct svc_rbuf *r)
{
    return r->len - r->off;
}

uint32_t svc_get_u32(struct svc_rbuf *r)
{
    uint32_t v;

    if (r->err != 0)
        return 0;
    if (rbuf_left(r) < 4) {
        rbuf_fail(r, -EPROTO);
        return 0;
    }
    v = le32_get(r->p + r->off);
    r->off += 4;
    return v;
}

uint64_t svc_get_u64(struct svc_rbuf *r)
{
    uint64_t lo = svc_get_u32(r);
    uint64_t hi = svc_get_u32(r);
    return lo | hi << 32;
}

/* Reads one str; *absent tells an absent string from an error (both
 * return NULL). */
static char *get_str(struct svc_rbuf *r, int *absent)
{
    uint32_t n = svc_get_u32(r);
    char *s;

    *absent = 0;
    if (r->err != 0)
        return NULL;
    if (n == SVC_PROTO_ABSENT) {
        *absent = 1;
        return NULL;
    }
    if (n > SVC_PROTO_MAX_STRING || n > rbuf_left(r)) {
        rbuf_fail(r, -EPROTO);
        return NULL;
    }
    /* A NUL inside would silently shorten the string the receiver sees. */
    if (memchr(r->p + r->off, '\0', n) != NULL) {
        rbuf_fail(r, -EPROTO);
        return NULL;
    }
    s = malloc((size_t)n + 1);
    if (s == NULL) {
        rbuf_fail(r, -ENOMEM);
        return NULL;
    }
    memcpy(s, r->p + r->off, n);
    s[n] = '\0';
    r->off += n;
    return s;
}

char *svc_get_str(struct svc_rbuf *r)
{
    int absent;

    return get_str(r, &absent);
}

char **svc_get_strv(struct svc_rbuf *r)
{
    uint32_t n = svc_get_u32(r);
    char **v;

    if (r->err != 0)
        return NULL;
    /* Each element takes at least its 4-byte length, so a count the
     * remaining bytes cannot hold is rejected before allocating. */
    if (n > SVC_PROTO_MAX_LIST || n > rbuf_left(r) / 4) {
        rbuf_fail(r, -EPROTO);
        return NULL;
    }
    v = calloc((size_t)n + 1, sizeof *v);
    if (v == NULL) {
        rbuf_fail(r, -ENOMEM);
        return NULL;
    }
    for (uint32_t i = 0; i < n; i++) {
        int absent;

        v[i] = get_str(r, &absent);
        if (absent)
            rbuf_fail(r, -EPROTO);
        if (r->err != 0) {
            svc_strv_free(v);
            return NULL;
        }
    }
    return v;
}

void svc_get_service_status(struct svc_rbuf *r, SERVICE_STATUS *st)
{
    STATUS_FIELDS(GET_STATUS_FIELD)
}

void svc_get_status(struct svc_rbuf *r, SERVICE_STATUS_PROCESS *st)
{
    STATUS_FIELDS(GET_STATUS_FIELD)
    st->dwProcessId = svc_get_u32(r);
    st->dwServiceFlags = svc_get_u32(r);
}

int svc_rbuf_end(const struct svc_rbuf *r)
{
    if (r->err != 0)
        return r->err;
    return r->off == r->len ? 0 : -EPROTO;
}

char **svc_strv_dup(char *const *v)
{
    size_t n = 0;
    char **out;

    while (v != NULL && v[n] != NULL)
        n++;
    out = calloc(n + 1, sizeof *out);
    if (out == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if ((out[i] = strdup(v[i])) == NULL) {
            svc_strv_free(out);
            return NULL;
        }
    }
    return out;
}

void svc_strv_free(char **v)
{
    if (v == NULL)
        return;
    for (size_t i = 0; v[i] != NULL; i++)
        free(v[i]);
    free(v);
}

/* ---- A service's configuration ------------------------------------------ */

void svc_put_config(struct svc_wbuf *w, const struct svc_msg_config *c)
{
    uint32_t m = c->mask;

    /* The name identifies the service in every message that carries a
     * config; unknown mask bits would mean a newer layout. */
    if (c->name == NULL || (m & ~(uint32_t)SVC_CFG_ALL) != 0) {
        wbuf_fail(w, -EINVAL);
        return;
    }
    /* Fields whose bit is clear go out absent/0/empty whatever the struct
     * holds, so what is sent is exactly what the receiver will accept. */
    svc_put_u32(w, m);
    svc_put_str(w, c->name);
    svc_put_str(w, m & SVC_CFG_DISPLAY_NAME ? c->display_name : NULL);
    svc_put_str(w, m & SVC_CFG_DESCRIPTION ? c->description : NULL);
    svc_put_u32(w, m & SVC_CFG_TYPE ? c->type : 0);
    svc_put_u32(w, m & SVC_CFG_START ? c->start : 0);
    svc_put_u32(w, m & SVC_CFG_ERROR_CONTROL ? c->error_control : 0);
    svc_put_str(w, m & SVC_CFG_IMAGE_PATH ? c->image_path : NULL);
    svc_put_str(w, m & SVC_CFG_LOAD_ORDER_GROUP ? c->load_order_group : NULL);
    svc_put_strv(w, m & SVC_CFG_DEPENDENCIES ? c->depend_on_service : NULL);
    svc_put_strv(w, m & SVC_CFG_DEPENDENCIES ? c->depend_on_group : NULL);
    svc_put_str(w, m & SVC_CFG_OBJECT_NAME ? c->object_name : NULL);
    svc_put_str(w, m & SVC_CFG_SERVICE_DLL ? c->service_dll : NULL);
    svc_put_str(w, m & SVC_CFG_SERVICE_MAIN ? c->service_main : NULL);
    svc_put_strv(w, m & SVC_CFG_PARAMS ? c->params : NULL);
    svc_put_u32(w, m & SVC_CFG_FAILURE_ACTIONS ? c->failure_reset_s : 0);
    if (m & SVC_CFG_FAILURE_ACTIONS) {
        if (c->n_failure_actions > 0 && c->failure_actions == NULL) {
            wbuf_fail(w, -EINVAL);
            return;
        }
        svc_put_u32(w, c->n_failure_actions);
        for (uint32_t i = 0; i < c->n_failure_actions; i++) {
            svc_put_u32(w, c->failure_actions[i].type);
            svc_put_u32(w, c->failure_actions[i].delay_ms);
        }
    } else {
        svc_put_u32(w, 0);
    }
    svc_put_str(w, m & SVC_CFG_FAILURE_COMMAND ? c->failure_command : NULL);
    svc_put_str(w, m & SVC_CFG_REBOOT_MESSAGE ? c->reboot_message : NULL);
    svc_put_u32(w, m & SVC_CFG_FAILURE_FLAG ? c->failure_non_crash : 0);
    svc_put_u32(w, m & SVC_CFG_PRESHUTDOWN ? c->preshutdown_timeout_ms : 0);
    svc_put_u32(w, m & SVC_CFG_DELAYED_AUTOSTART ? c->delayed_autostart : 0);
    svc_put_u32(w, m & SVC_CFG_PREFERRED_NODE ? c->preferred_node : 0);
    svc_put_u32(w, m & SVC_CFG_LAUNCH_PROTECTED ? c->launch_protected : 0);
    svc_put_strv(w, m & SVC_CFG_TRIGGERS ? c->triggers : NULL);
    svc_put_strv(w, m & SVC_CFG_PROFILES ? c->profiles : NULL);
    svc_put_strv(w, m & SVC_CFG_REQUIRED_PRIVILEGES ? c->required_privileges : NULL);
    svc_put_u32(w, m & SVC_CFG_SID_TYPE ? c->sid_type : 0);
}

static int strv_empty(char *const *v)
{
    return v == NULL || v[0] == NULL;
}

/* A field whose bit is clear must have been sent absent/0/empty (proto.h);
 * anything else is a sender that disagrees with us about the layout. */
static int config_clear_fields_ok(const struct svc_msg_config *c)
{
    uint32_t m = c->mask;

    return (m & SVC_CFG_DISPLAY_NAME || c->display_name == NULL) &&
           (m & SVC_CFG_DESCRIPTION || c->description == NULL) &&
           (m & SVC_CFG_TYPE || c->type == 0) && (m & SVC_CFG_START || c->start == 0) &&
           (m & SVC_CFG_ERROR_CONTROL || c->error_control == 0) &&
           (m & SVC_CFG_IMAGE_PATH || c->image_path == NULL) &&
           (m & SVC_CFG_LOAD_ORDER_GROUP || c->load_order_group == NULL) &&
           (m & SVC_CFG_DEPENDENCIES ||
            (strv_empty(c->depend_on_service) && strv_empty(c->depend_on_group))) &&
           (m & SVC_CFG_OBJECT_NAME || c->object_name == NULL) &&
           (m & SVC_CFG_SERVICE_DLL || c->service_dll == NULL) &&
           (m & SVC_CFG_SERVICE_MAIN || c->service_main == NULL) &&
           (m & SVC_CFG_PARAMS || strv_empty(c->params)) &&
           (m & SVC_CFG_FAILURE_ACTIONS || (c->failure_reset_s == 0 &&
                                            c->n_failure_actions == 0)) &&
           (m & SVC_CFG_FAILURE_COMMAND || c->failure_command == NULL) &&
           (m & SVC_CFG_REBOOT_MESSAGE || c->reboot_message == NULL) &&
           (m & SVC_CFG_FAILURE_FLAG || c->failure_non_crash == 0) &&
           (m & SVC_CFG_PRESHUTDOWN || c->preshutdown_timeout_ms == 0) &&
           (m & SVC_CFG_DELAYED_AUTOSTART || c->delayed_autostart == 0) &&
           (m & SVC_CFG_PREFERRED_NODE || c->preferred_node == 0) &&
           (m & SVC_CFG_LAUNCH_PROTECTED || c->launch_protected == 0) &&
           (m & SVC_CFG_TRIGGERS || strv_empty(c->triggers)) &&
           (m & SVC_CFG_PROFILES || strv_empty(c->profiles)) &&
           (m & SVC_CFG_REQUIRED_PRIVILEGES || strv_empty(c->required_privileges)) &&
           (m & SVC_CFG_SID_TYPE || c->sid_type == 0);
}

static void strv_clear(char ***v)
{
    svc_strv_free(*v);
    *v = NULL;
}

int svc_get_config(struct svc_rbuf *r, struct svc_msg_config *c)
{
    memset(c, 0, sizeof *c);
    c->mask = svc_get_u32(r);
    c->name = svc_get_str(r);
    c->display_name = svc_get_str(r);
    c->description = svc_get_str(r);
    c->type = svc_get_u32(r);
    c->start = svc_get_u32(r);
    c->error_control = svc_get_u32(r);
    c->image_path = svc_get_str(r);
    c->load_order_group = svc_get_str(r);
    c->depend_on_service = svc_get_strv(r);
    c->depend_on_group = svc_get_strv(r);
    c->object_name = svc_get_str(r);
    c->service_dll = svc_get_str(r);
    c->service_main = svc_get_str(r);
    c->params = svc_get_strv(r);
    c->failure_reset_s = svc_get_u32(r);
    c->n_failure_actions = svc_get_count(r, SVC_WIRE_ACTION);
    if (c->n_failure_actions > 0 &&
        (c->failure_actions = calloc(c->n_failure_actions, sizeof *c->failure_actions)) == NULL) {
        c->n_failure_actions = 0;
        rbuf_fail(r, -ENOMEM);
    }
    for (uint32_t i = 0; i < c->n_failure_actions; i++) {
        c->failure_actions[i].type = svc_get_u32(r);
        c->failure_actions[i].delay_ms = svc_get_u32(r);
    }
    c->failure_command = svc_get_str(r);
    c->reboot_message = svc_get_str(r);
    c->failure_non_crash = svc_get_u32(r);
    c->preshutdown_timeout_ms = svc_get_u32(r);
    c->delayed_autostart = svc_get_u32(r);
    c->preferred_node = svc_get_u32(r);
    c->launch_protected = svc_get_u32(r);
    c->triggers = svc_get_strv(r);
    c->profiles = svc_get_strv(r);
    c->required_privileges = svc_get_strv(r);
    c->sid_type = svc_get_u32(r);
    if (r->err == 0 &&
        ((c->mask & ~(uint32_t)SVC_CFG_ALL) != 0 || c->name == NULL || !config_clear_fields_ok(c)))
        rbuf_fail(r, -EPROTO);
    if (r->err != 0) {
        svc_msg_config_free(c);
        return r->err;
    }
    /* A list whose bit is clear reads back as NULL, so NULL always means
     * "not carried" and a non-NULL list was carried (possibly empty). */
    if (!(c->mask & SVC_CFG_DEPENDENCIES)) {
        strv_clear(&c->depend_on_service);
        strv_clear(&c->depend_on_group);
    }
    if (!(c->mask & SVC_CFG_PARAMS))
        strv_clear(&c->params);
    if (!(c->mask & SVC_CFG_TRIGGERS))
        strv_clear(&c->triggers);
    if (!(c->mask & SVC_CFG_PROFILES))
        strv_clear(&c->profiles);
    if (!(c->mask & SVC_CFG_REQUIRED_PRIVILEGES))
        strv_clear(&c->required_privileges);
    return 0;
}

void svc_msg_config_free(struct svc_msg_config *c)
{
    free(c->name);
    free(c->display_name);
    free(c->description);
    free(c->image_path);
    free(c->load_order_group);
    svc_strv_free(c->depend_on_service);
    svc_strv_free(c->depend_on_group);
    free(c->object_name);
    free(c->service_dll);
    free(c->service_main);
    svc_strv_free(c->params);
    svc_strv_free(c->triggers);
    svc_strv_free(c->profiles);
    svc_strv_free(c->required_privileges);
    free(c->failure_actions);
    free(c->failure_command);
    free(c->reboot_message);
    memset(c, 0, sizeof *c);
}

/* ---- A host process, in an ENUM_HOSTS reply ------------------------------ */

void svc_put_host(struct svc_wbuf *w, const struct svc_msg_host *h)
{
    svc_put_u32(w, h->pid);
    svc_put_str(w, h->group);
    svc_put_strv(w, h->services);
}

int svc_get_host(struct svc_rbuf *r, struct svc_msg_host *h)
{
    memset(h, 0, sizeof *h);
    h->pid = svc_get_u32(r);
    h->group = svc_get_str(r);
    h->services = svc_get_strv(r);
    if (r->err != 0) {
        svc_msg_host_free(h);
        return r->err;
    }
    return 0;
}

void svc_put_usage(struct svc_wbuf *w, const struct svc_msg_usage *u)
{
    svc_put_u32(w, u->pid);
    svc_put_str(w, u->service);
    svc_put_u32(w, u->threads);
    svc_put_u64(w, u->cpu_us);
    svc_put_u32(w, u->stack_kib);
    svc_put_u32(w, u->image_kib);
    svc_put_u32(w, u->rss_kib);
    svc_put_u32(w, u->pss_kib);
}

int svc_get_usage(struct svc_rbuf *r, struct svc_msg_usage *u)
{
    memset(u, 0, sizeof *u);
    u->pid = svc_get_u32(r);
    u->service = svc_get_str(r);
    u->threads = svc_get_u32(r);
    u->cpu_us = svc_get_u64(r);
    u->stack_kib = svc_get_u32(r);
    u->image_kib = svc_get_u32(r);
    u->rss_kib = svc_get_u32(r);
    u->pss_kib = svc_get_u32(r);
    if (r->err != 0) {
        free(u->service);
        u->service = NULL;
        return r->err;
    }
    return 0;
}

void svc_msg_host_free(struct svc_msg_host *h)
{
    free(h->group);
    svc_strv_free(h->services);
    memset(h, 0, sizeof *h);
}

/* ---- A service, in an ENUM_SERVICES or ENUM_DEPENDENTS reply ------------- */

void svc_put_service(struct svc_wbuf *w, const struct svc_msg_service *e)
{
    svc_put_str(w, e->name);
    svc_put_str(w, e->display);
    svc_put_status(w, &e->status);
}

int svc_get_service(struct svc_rbuf *r, struct svc_msg_service *e)
{
    memset(e, 0, sizeof *e);
    e->name = svc_get_str(r);
    e->display = svc_get_str(r);
    svc_get_status(r, &e->status);
    if (r->err == 0 && (e->name == NULL || e->display == NULL))
        rbuf_fail(r, -EPROTO);
    if (r->err != 0) {
        svc_msg_service_free(e);
        return r->err;
    }
    return 0;
}

void svc_msg_service_free(struct svc_msg_service *e)
{
    free(e->name);
    free(e->display);
    memset(e, 0, sizeof *e);
}

uint32_t svc_get_count(struct svc_rbuf *r, size_t min_elem)
{
    uint32_t n = svc_get_u32(r);

    if (r->err != 0)
        return 0;
    if (n > SVC_PROTO_MAX_LIST || n > rbuf_left(r) / min_elem) {
        rbuf_fail(r, -EPROTO);
        return 0;
    }
    return n;
}

/* ---- Messages -------------------------------------------------------------- */

/* The wire sizes in proto.h must match what the encoders write. */
_Static_assert(SVC_WIRE_USAGE_MIN == 36, "usage row: 7 u32, one of them a str length, and a u64");
_Static_assert(SVC_WIRE_SERVICE_MIN == 44, "service entry: two str lengths and a status");
_Static_assert(SVC_WIRE_CONFIG_MIN == 112, "config: 28 fields of 4 bytes at least");

/* Ends every unpack: fails r with -EPROTO unless ok (the decoded fields
 * are acceptable), then requires every byte consumed.  The error, if
 * any, stays in r->err as well, so a caller finishing r later sees it. */
static int unpack_done(struct svc_rbuf *r, int ok)
{
    int rc;

    if (!ok)
        rbuf_fail(r, -EPROTO);
    rc = svc_rbuf_end(r);
    if (rc != 0)
        rbuf_fail(r, rc);
    return rc;
}

/* A string a message cannot do without: NULL is the sender's error. */
static void put_required_str(struct svc_wbuf *w, const char *s)
{
    if (s == NULL)
        wbuf_fail(w, -EINVAL);
    else
        svc_put_str(w, s);
}

static void free_str(char **s)
{
    free(*s);
    *s = NULL;
}

static void free_strv(char ***v)
{
    svc_strv_free(*v);
    *v = NULL;
}

/* "str name, u32 v": OPEN_SERVICE, CONTROL_SERVICE, ENUM_DEPENDENTS,
 * HOST_CONTROL. */
static int pack_name_u32(struct svc_wbuf *w, const char *name, uint32_t v)
{
    put_required_str(w, name);
    svc_put_u32(w, v);
    return w->err;
}

static int unpack_name_u32(struct svc_rbuf *r, char **name, DWORD *v)
{
    *name = svc_get_str(r);
    *v = svc_get_u32(r);
    if (unpack_done(r, *name != NULL) != 0) {
        free_str(name);
        *v = 0;
        return r->err;
    }
    return 0;
}

/* "str name, strv args": START_SERVICE. */
static int pack_name_strv(struct svc_wbuf *w, const char *name, char *const *v)
{
    put_required_str(w, name);
    svc_put_strv(w, v);
    return w->err;
}

static int unpack_name_strv(struct svc_rbuf *r, char **name, char ***v)
{
    *name = svc_get_str(r);
    *v = svc_get_strv(r);
    if (unpack_done(r, *name != NULL && *v != NULL) != 0) {
        free_str(name);
        free_strv(v);
        return r->err;
    }
    return 0;
}

int svc_msg_reply_pack(struct svc_wbuf *w, DWORD error)
{
    svc_put_u32(w, error);
    return w->err;
}

int svc_msg_reply_unpack(struct svc_rbuf *r, DWORD *error)
{
    *error = svc_get_u32(r);
    if (unpack_done(r, 1) != 0) {
        *error = 0;
        return r->err;
    }
    return 0;
}

int svc_msg_reply_head_unpack(struct svc_rbuf *r, DWORD *error)
{
    *error = svc_get_u32(r);
    if (r->err != 0)
        *error = 0;
    return r->err;
}

int svc_msg_empty_unpack(struct svc_rbuf *r)
{
    return unpack_done(r, 1);
}

/* ---- client requests ---- */

int svc_msg_open_manager_pack(struct svc_wbuf *w, DWORD access)
{
    svc_put_u32(w, access);
    return w->err;
}

int svc_msg_open_manager_unpack(struct svc_rbuf *r, DWORD *access)
{
    *access = svc_get_u32(r);
    if (unpack_done(r, 1) != 0) {
        *access = 0;
        return r->err;
    }
    return 0;
}

int svc_msg_open_manager_reply_pack(struct svc_wbuf *w, uint64_t table)
{
    svc_put_u32(w, NO_ERROR);
    svc_put_u64(w, table);
    return w->err;
}

int svc_msg_open_manager_reply_unpack(struct svc_rbuf *r, uint64_t *table)
{
    /* An SCM without a table may answer with the error alone. */
    *table = r->off < r->len ? svc_get_u64(r) : 0;
    if (unpack_done(r, 1) != 0) {
        *table = 0;
        return r->err;
    }
    return 0;
}

int svc_msg_create_service_pack(struct svc_wbuf *w, DWORD access, const struct svc_msg_config *c)
{
    svc_put_u32(w, access);
    svc_put_config(w, c);
    return w->err;
}

int svc_msg_create_service_unpack(struct svc_rbuf *r, DWORD *access, struct svc_msg_config *c)
{
    *access = svc_get_u32(r);
    if (svc_get_config(r, c) != 0 || unpack_done(r, 1) != 0) {
        svc_msg_config_free(c);
        *access = 0;
        return r->err;
    }
    return 0;
}

int svc_msg_open_service_pack(struct svc_wbuf *w, const char *name, DWORD access)
{
    return pack_name_u32(w, name, access);
}

int svc_msg_open_service_unpack(struct svc_rbuf *r, char **name, DWORD *access)
{
    return unpack_name_u32(r, name, access);
}

int svc_msg_start_service_pack(struct svc_wbuf *w, const char *name, char *const *args)
{
    return pack_name_strv(w, name, args);
}

int svc_msg_start_service_unpack(struct svc_rbuf *r, char **name, char ***args)
{
    return unpack_name_strv(r, name, args);
}

int svc_msg_control_service_pack(struct svc_wbuf *w, const char *name, DWORD control)
{
    return pack_name_u32(w, name, control);
}

int svc_msg_control_service_unpack(struct svc_rbuf *r, char **name, DWORD *control)
{
    return unpack_name_u32(r, name, control);
}

int svc_msg_name_pack(struct svc_wbuf *w, const char *name)
{
    put_required_str(w, name);
    return w->err;
}

int svc_msg_name_unpack(struct svc_rbuf *r, char **name)
{
    *name = svc_get_str(r);
    if (unpack_done(r, *name != NULL) != 0) {
        free_str(name);
        return r->err;
    }
    return 0;
}

int svc_msg_change_config_pack(struct svc_wbuf *w, const struct svc_msg_config *c)
{
    svc_put_config(w, c);
    return w->err;
}

int svc_msg_change_config_unpack(struct svc_rbuf *r, struct svc_msg_config *c)
{
    if (svc_get_config(r, c) != 0 || unpack_done(r, 1) != 0) {
        svc_msg_config_free(c);
        return r->err;
    }
    return 0;
}

int svc_msg_enum_services_pack(struct svc_wbuf *w, DWORD type, DWORD state, const char *group)
{
    svc_put_u32(w, type);
    svc_put_u32(w, state);
    svc_put_str(w, group);
    return w->err;
}

int svc_msg_enum_services_unpack(struct svc_rbuf *r, DWORD *type, DWORD *state, char **group)
{
    *type = svc_get_u32(r);
    *state = svc_get_u32(r);
    *group = svc_get_str(r);
    if (unpack_done(r, 1) != 0) {
        free_str(group);
        *type = *state = 0;
        return r->err;
    }
    return 0;
}

int svc_msg_enum_dependents_pack(struct svc_wbuf *w, const char *name, DWORD state)
{
    return pack_name_u32(w, name, state);
}

int svc_msg_enum_dependents_unpack(struct svc_rbuf *r, char **name, DWORD *state)
{
    return unpack_name_u32(r, name, state);
}

int svc_msg_query_security_pack(struct svc_wbuf *w, const char *name, DWORD info)
{
    svc_put_str(w, name);
    svc_put_u32(w, info);
    return w->err;
}

int svc_msg_query_security_unpack(struct svc_rbuf *r, char **name, DWORD *info)
{
    *name = svc_get_str(r);
    *info = svc_get_u32(r);
    if (unpack_done(r, 1) != 0) {
        free_str(name);
        *info = 0;
        return r->err;
    }
    return 0;
}

int svc_msg_set_security_pack(struct svc_wbuf *w, const char *name, DWORD info, const char *sddl)
{
    svc_put_str(w, name);
    svc_put_u32(w, info);
    put_required_str(w, sddl);
    return w->err;
}

int svc_msg_set_security_unpack(struct svc_rbuf *r, char **name, DWORD *info, char **sddl)
{
    *name = svc_get_str(r);
    *info = svc_get_u32(r);
    *sddl = svc_get_str(r);
    if (unpack_done(r, *sddl != NULL) != 0) {
        free_str(name);
        free_str(sddl);
        *info = 0;
        return r->err;
    }
    return 0;
}

/* ---- replies with a body ---- */

int svc_msg_name_reply_pack(struct svc_wbuf *w, const char *name)
{
    svc_put_u32(w, NO_ERROR);
    put_required_str(w, name);
    return w->err;
}

int svc_msg_name_reply_unpack(struct svc_rbuf *r, char **name)
{
    return svc_msg_name_unpack(r, name);
}

int svc_msg_open_service_reply_pack(struct svc_wbuf *w, const char *name,
                                    const struct svc_msg_slot *slot)
{
    svc_put_u32(w, NO_ERROR);
    put_required_str(w, name);
    svc_put_u32(w, slot->slot);
    svc_put_u32(w, slot->gen);
    svc_put_u64(w, slot->table);
    return w->err;
}

int svc_msg_open_service_reply_unpack(struct svc_rbuf *r, char **name, struct svc_msg_slot *slot)
{
    *name = svc_get_str(r);
    slot->slot = svc_get_u32(r);
    slot->gen = svc_get_u32(r);
    slot->table = svc_get_u64(r);
    if (unpack_done(r, *name != NULL) != 0) {
        free_str(name);
        return r->err;
    }
    return 0;
}

int svc_msg_status_reply_pack(struct svc_wbuf *w, const SERVICE_STATUS_PROCESS *st)
{
    svc_put_u32(w, NO_ERROR);
    svc_put_status(w, st);
    return w->err;
}

int svc_msg_status_reply_unpack(struct svc_rbuf *r, SERVICE_STATUS_PROCESS *st)
{
    svc_get_status(r, st);
    if (unpack_done(r, 1) != 0) {
        memset(st, 0, sizeof *st);
        return r->err;
    }
    return 0;
}

int svc_msg_config_reply_pack(struct svc_wbuf *w, const struct svc_msg_config *c)
{
    svc_put_u32(w, NO_ERROR);
    svc_put_config(w, c);
    return w->err;
}

int svc_msg_config_reply_unpack(struct svc_rbuf *r, struct svc_msg_config *c)
{
    return svc_msg_change_config_unpack(r, c);
}

/*
 * The three list replies differ only in their element, so one reader
 * serves them: the count is bounded by the bytes left before the array
 * is allocated, and a failure part way frees the elements already read.
 */
struct list_elem {
    size_t size;                                /* decoded element */
    size_t min_wire;                            /* its smallest encoding */
    int (*get)(struct svc_rbuf *r, void *elem);
    void (*release)(void *elem);
};

static void list_free(const struct list_elem *t, void *elems, size_t n)
{
    for (size_t i = 0; elems != NULL && i < n; i++)
        t->release((char *)elems + i * t->size);
    free(elems);
}

static int list_unpack(struct svc_rbuf *r, const struct list_elem *t, void **out, size_t *count)
{
    uint32_t n = svc_get_count(r, t->min_wire);
    char *elems = NULL;
    size_t got = 0;

    *out = NULL;
    *count = 0;
    if (r->err == 0 && (elems = calloc((size_t)n + 1, t->size)) == NULL)
        rbuf_fail(r, -ENOMEM);
    for (; r->err == 0 && got < n; got++)
        if (t->get(r, elems + got * t->size) != 0)
            break; /* the failed element freed itself */
    if (unpack_done(r, 1) != 0) {
        list_free(t, elems, got);
        return r->err;
    }
    *out = elems;
    *count = n;
    return 0;
}

static void put_count(struct svc_wbuf *w, size_t n)
{
    if (n > SVC_PROTO_MAX_LIST)
        wbuf_fail(w, -EMSGSIZE);
    else
        svc_put_u32(w, (uint32_t)n);
}

static int get_service_elem(struct svc_rbuf *r, void *e)
{
    return svc_get_service(r, e);
}

static void release_service_elem(void *e)
{
    svc_msg_service_free(e);
}

static const struct list_elem service_elem = {
    sizeof(struct svc_msg_service), SVC_WIRE_SERVICE_MIN, get_service_elem, release_service_elem,
};

int svc_msg_services_reply_pack(struct svc_wbuf *w, const struct svc_msg_service *e, size_t n)
{
    svc_put_u32(w, NO_ERROR);
    put_count(w, n);
    for (size_t i = 0; i < n && w->err == 0; i++) {
        if (e[i].name == NULL || e[i].display == NULL)
            wbuf_fail(w, -EINVAL);
        svc_put_service(w, &e[i]);
    }
    return w->err;
}

int svc_msg_services_reply_unpack(struct svc_rbuf *r, struct svc_msg_service **e, size_t *n)
{
    void *out;
    int rc = list_unpack(r, &service_elem, &out, n);

    *e = out;
    return rc;
}

void svc_msg_services_free(struct svc_msg_service *e, size_t n)
{
    list_free(&service_elem, e, n);
}

static int get_host_elem(struct svc_rbuf *r, void *h)
{
    return svc_get_host(r, h);
}

static void release_host_elem(void *h)
{
    svc_msg_host_free(h);
}

static const struct list_elem host_elem = {
    sizeof(struct svc_msg_host), SVC_WIRE_HOST_MIN, get_host_elem, release_host_elem,
};

int svc_msg_hosts_reply_pack(struct svc_wbuf *w, const struct svc_msg_host *h, size_t n)
{
    svc_put_u32(w, NO_ERROR);
    put_count(w, n);
    for (size_t i = 0; i < n && w->err == 0; i++)
        svc_put_host(w, &h[i]);
    return w->err;
}

int svc_msg_hosts_reply_unpack(struct svc_rbuf *r, struct svc_msg_host **h, size_t *n)
{
    void *out;
    int rc = list_unpack(r, &host_elem, &out, n);

    *h = out;
    return rc;
}

void svc_msg_hosts_free(struct svc_msg_host *h, size_t n)
{
    list_free(&host_elem, h, n);
}

static int get_usage_elem(struct svc_rbuf *r, void *u)
{
    return svc_get_usage(r, u);
}

static void release_usage_elem(void *elem)
{
    struct svc_msg_usage *u = elem;

    free(u->service);
    u->service = NULL;
}

static const struct list_elem usage_elem = {
    sizeof(struct svc_msg_usage), SVC_WIRE_USAGE_MIN, get_usage_elem, release_usage_elem,
};

int svc_msg_usage_reply_pack(struct svc_wbuf *w, const struct svc_msg_usage *u, size_t n)
{
    svc_put_u32(w, NO_ERROR);
    put_count(w, n);
    for (size_t i = 0; i < n && w->err == 0; i++)
        svc_put_usage(w, &u[i]);
    return w->err;
}

int svc_msg_usage_reply_unpack(struct svc_rbuf *r, struct svc_msg_usage **u, size_t *n)
{
    void *out;
    int rc = list_unpack(r, &usage_elem, &out, n);

    *u = out;
    return rc;
}

void svc_msg_usage_free(struct svc_msg_usage *u, size_t n)
{
    list_free(&usage_elem, u, n);
}

/* ---- host channel ---- */

int svc_msg_host_hello_pack(struct svc_wbuf *w, uint32_t pid, char *const *names)
{
    svc_put_u32(w, pid);
    svc_put_strv(w, names);
    return w->err;
}

int svc_msg_host_hello_unpack(struct svc_rbuf *r, uint32_t *pid, char ***names)
{
    *pid = svc_get_u32(r);
    *names = svc_get_strv(r);
    if (unpack_done(r, *names != NULL) != 0) {
        free_strv(names);
        *pid = 0;
        return r->err;
    }
    return 0;
}

int svc_msg_host_start_pack(struct svc_wbuf *w, const char *name, char *const *args,
                            const struct svc_start_plugin *plugin)
{
    put_required_str(w, name);
    svc_put_strv(w, args);
    if (plugin != NULL) {
        put_required_str(w, plugin->service_dll);
        put_required_str(w, plugin->service_main);
        svc_put_u32(w, plugin->flags);
    }
    return w->err;
}

void svc_start_plugin_free(struct svc_start_plugin *p)
{
    if (p == NULL)
        return;
    free(p->service_dll);
    free(p->service_main);
    free(p);
}

int svc_msg_host_start_unpack(struct svc_rbuf *r, char **name, char ***args,
                              struct svc_start_plugin **plugin)
{
    struct svc_start_plugin *p = NULL;
    int ok;

    *plugin = NULL;
    *name = svc_get_str(r);
    *args = svc_get_strv(r);
    ok = *name != NULL && *args != NULL;
    if (ok && r->err == 0 && r->off < r->len) {
        p = calloc(1, sizeof *p);
        if (p == NULL)
            rbuf_fail(r, -ENOMEM);
        else {
            p->service_dll = svc_get_str(r);
            p->service_main = svc_get_str(r);
            p->flags = svc_get_u32(r);
            ok = p->service_dll != NULL && p->service_main != NULL && p->service_main[0] != '\0';
        }
    }
    if (unpack_done(r, ok) != 0) {
        free_str(name);
        free_strv(args);
        svc_start_plugin_free(p);
        return r->err;
    }
    *plugin = p;
    return 0;
}

int svc_msg_host_control_pack(struct svc_wbuf *w, const char *name, DWORD control)
{
    return pack_name_u32(w, name, control);
}

int svc_msg_host_control_unpack(struct svc_rbuf *r, char **name, DWORD *control)
{
    return unpack_name_u32(r, name, control);
}

int svc_msg_host_query_reply_pack(struct svc_wbuf *w, const struct svc_msg_usage *u, size_t n)
{
    return svc_msg_usage_reply_pack(w, u, n);
}

int svc_msg_host_query_reply_unpack(struct svc_rbuf *r, struct svc_msg_usage **u, size_t *n)
{
    DWORD err;

    *u = NULL;
    *n = 0;
    if (svc_msg_reply_head_unpack(r, &err) != 0)
        return r->err;
    if (err != NO_ERROR)
        return svc_msg_empty_unpack(r);
    return svc_msg_usage_reply_unpack(r, u, n);
}

int svc_msg_host_status_pack(struct svc_wbuf *w, const char *name, const SERVICE_STATUS *st)
{
    put_required_str(w, name);
    svc_put_service_status(w, st);
    return w->err;
}

int svc_msg_host_status_unpack(struct svc_rbuf *r, char **name, SERVICE_STATUS *st)
{
    *name = svc_get_str(r);
    svc_get_service_status(r, st);
    if (unpack_done(r, *name != NULL) != 0) {
        free_str(name);
        memset(st, 0, sizeof *st);
        return r->err;
    }
    return 0;
}

static int get_rejoin_elem(struct svc_rbuf *r, void *elem)
{
    struct svc_msg_rejoin_service *e = elem;

    e->name = svc_get_str(r);
    svc_get_service_status(r, &e->status);
    if (r->err == 0 && e->name == NULL)
        rbuf_fail(r, -EPROTO);
    if (r->err != 0)
        free_str(&e->name);
    return r->err;
}

static void release_rejoin_elem(void *elem)
{
    free(((struct svc_msg_rejoin_service *)elem)->name);
}

static const struct list_elem rejoin_elem = {
    sizeof(struct svc_msg_rejoin_service), SVC_WIRE_REJOIN_SERVICE_MIN, get_rejoin_elem,
    release_rejoin_elem,
};

int svc_msg_host_rejoin_pack(struct svc_wbuf *w, uint32_t pid, const char *secret,
                             char *const *table, const struct svc_msg_rejoin_service *v, size_t n)
{
    svc_put_u32(w, pid);
    put_required_str(w, secret);
    svc_put_strv(w, table);
    put_count(w, n);
    for (size_t i = 0; i < n && w->err == 0; i++) {
        put_required_str(w, v[i].name);
        svc_put_service_status(w, &v[i].status);
    }
    return w->err;
}

int svc_msg_host_rejoin_unpack(struct svc_rbuf *r, uint32_t *pid, char **secret, char ***table,
                               struct svc_msg_rejoin_service **v, size_t *n)
{
    void *out = NULL;
    int rc;

    *pid = svc_get_u32(r);
    *secret = svc_get_str(r);
    *table = svc_get_strv(r);
    if (r->err == 0 && (*secret == NULL || *table == NULL))
        rbuf_fail(r, -EPROTO);
    rc = r->err ? r->err : list_unpack(r, &rejoin_elem, &out, n);
    if (rc != 0) {
        free_str(secret);
        free_strv(table);
        *pid = 0;
        *v = NULL;
        *n = 0;
        return rc;
    }
    *v = out;
    return 0;
}

void svc_msg_rejoin_free(struct svc_msg_rejoin_service *v, size_t n)
{
    list_free(&rejoin_elem, v, n);
}

int svc_msg_host_log_pack(struct svc_wbuf *w, const char *name, uint32_t level, const char *text)
{
    size_t n;

    put_required_str(w, name);
    if (level > SVC_MSG_HOST_LOG_MAX_LEVEL || text == NULL) {
        wbuf_fail(w, -EINVAL);
        return w->err;
    }
    svc_put_u32(w, level);
    n = strlen(text);
    if (n > SVC_MSG_HOST_LOG_MAX_TEXT) {
        /* Back off over UTF-8 continuation bytes (10xxxxxx) so the cut
         * does not split a character. */
        n = SVC_MSG_HOST_LOG_MAX_TEXT;
        while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80)
            n--;
    }
    svc_put_u32(w, (uint32_t)n);
    wbuf_append(w, text, n);
    return w->err;
}

int svc_msg_host_log_unpack(struct svc_rbuf *r, char **name, uint32_t *level, char **text)
{
    *name = svc_get_str(r);
    *level = svc_get_u32(r);
    *text = svc_get_str(r);
    if (unpack_done(r, *name != NULL && *text != NULL && *level <= SVC_MSG_HOST_LOG_MAX_LEVEL &&
                           strlen(*text) <= SVC_MSG_HOST_LOG_MAX_TEXT) != 0) {
        free_str(name);
        free_str(text);
        *level = 0;
        return r->err;
    }
    return 0;
}

/* ---- Whole frames --------------------------------------------------------- */

/* Waits until fd is ready for events; used when a non-blocking fd says
 * EAGAIN, because giving up halfway through a frame would leave the
 * stream out of step with the peer. */
static int wait_fd(int fd, short events, int timeout_ms)
{
    struct pollfd pfd = {.fd = fd, .events = events};

    for (;;) {
        int n = poll(&pfd, 1, timeout_ms);
        if (n > 0)
            return 0;
        if (n == 0)
            return -ETIMEDOUT;
        if (errno != EINTR)
            return -errno;
    }
}

int svc_frame_send(int fd, uint16_t type, uint32_t id, const struct svc_wbuf *payload)
{
    return svc_frame_send_timeout(fd, type, id, payload, -1);
}

int svc_frame_send_timeout(int fd, uint16_t type, uint32_t id, const struct svc_wbuf *payload,
                           int timeout_ms)
{
    struct svc_frame_header h = {.type = type, .id = id, .length = 0};
    uint8_t hdr[SVC_PROTO_HEADER_SIZE];
    struct iovec iov[2];
    struct msghdr msg;
    size_t done = 0, total;

    if (payload != NULL) {
        if (payload->err != 0)
            return payload->err;
        if (payload->len > SVC_PROTO_MAX_PAYLOAD)
            return -EMSGSIZE;
        h.length = (uint32_t)payload->len;
    }
    svc_header_pack(hdr, &h);
    total = SVC_PROTO_HEADER_SIZE + (size_t)h.length;

    while (done < total) {
        ssize_t n;
        int niov = 0;

        /* Rebuild the vector past what has gone already. */
        if (done < SVC_PROTO_HEADER_SIZE) {
            iov[niov].iov_base = hdr + done;
            iov[niov].iov_len = SVC_PROTO_HEADER_SIZE - done;
            niov++;
        }
        if (h.length != 0) {
            size_t poff = done > SVC_PROTO_HEADER_SIZE ? done - SVC_PROTO_HEADER_SIZE : 0;

            iov[niov].iov_base = payload->data + poff;
            iov[niov].iov_len = h.length - poff;
            niov++;
        }
        memset(&msg, 0, sizeof msg);
        msg.msg_iov = iov;
        msg.msg_iovlen = (size_t)niov;
        /* MSG_NOSIGNAL: a vanished peer is -EPIPE for this connection,
         * not a SIGPIPE that kills the whole daemon. */
        n = sendmsg(fd, &msg, MSG_NOSIGNAL);
        if (n < 0) {
            int rc;

            if (errno == EINTR)
                continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                return -errno;
            /* Each wait is bounded on its own: a peer that reads, however
             * slowly, keeps the frame going. */
            rc = wait_fd(fd, POLLOUT, timeout_ms);
            if (rc < 0)
                return rc;
            continue;
        }
        done += (size_t)n;
    }
    return 0;
}

/* Reads exactly n bytes.  Returns 0, -ECONNRESET on end of file before
 * the first byte when eof_ok, -EPROTO on end of file after it, or -errno. */
/*
 * One read of what has arrived (at most n bytes), waiting for it in
 * poll() rather than in read().  A thread asleep in read() on a Unix
 * stream socket is woken, for nothing, whenever its peer reads what it
 * had sent: the kernel wakes a sender's sleepers to say there is room
 * again, on the queue a reader sleeps on too.  So a host or a client that
 * had sent its frame and blocked in read() was woken once per exchange
 * before its answer came, a context switch and often an idle CPU's
 * wake-up in the middle of the round trip.  poll() for POLLIN is woken by
 * input only.  >0 bytes, 0 at end of stream, or a negative errno.
 */
static ssize_t read_some(int fd, uint8_t *p, size_t n)
{
    int sock = 1;

    for (;;) {
        ssize_t k = sock ? recv(fd, p, n, MSG_DONTWAIT) : read(fd, p, n);

        if (k >= 0)
            return k;
        if (errno == ENOTSOCK && sock) {
            sock = 0;   /* a pipe, say: read() as it is */
        } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
            int rc = wait_fd(fd, POLLIN, -1);

            if (rc < 0)
                return rc;
        } else if (errno != EINTR) {
            return -errno;
        }
    }
}

static int read_full(int fd, uint8_t *p, size_t n, int eof_ok)
{
    size_t done = 0;

    while (done < n) {
        ssize_t k = read_some(fd, p + done, n - done);

        if (k > 0)
            done += (size_t)k;
        else if (k == 0)
            return done == 0 && eof_ok ? -ECONNRESET : -EPROTO;
        else
            return (int)k;
    }
    return 0;
}

int svc_frame_recv(int fd, struct svc_frame_header *h, uint8_t **payload)
{
    uint8_t hdr[SVC_PROTO_HEADER_SIZE];
    uint8_t *p;
    int rc;

    *payload = NULL;
    rc = read_full(fd, hdr, sizeof hdr, 1);
    if (rc < 0)
        return rc;
    rc = svc_header_unpack(hdr, h);
    if (rc < 0)
        return rc;
    if (h->length == 0)
        return 0;
    p = malloc(h->length);
    if (p == NULL)
        return -ENOMEM;
    rc = read_full(fd, p, h->length, 0);
    if (rc < 0) {
        free(p);
        return rc;
    }
    *payload = p;
    return 0;
}

void svc_frame_reader_init(struct svc_frame_reader *r, int fd)
{
    r->fd = fd;
    r->off = r->have = 0;
}

/* Reads more into r (blocking); 0, or as read_full. */
static int reader_fill(struct svc_frame_reader *r, int eof_ok)
{
    if (r->off > 0) {
        memmove(r->buf, r->buf + r->off, r->have - r->off);
        r->have -= r->off;
        r->off = 0;
    }
    ssize_t k = read_some(r->fd, r->buf + r->have, sizeof r->buf - r->have);

    if (k > 0) {
        r->have += (size_t)k;
        return 0;
    }
    if (k == 0)
        return r->have == 0 && eof_ok ? -ECONNRESET : -EPROTO;
    return (int)k;
}

int svc_frame_reader_wait(struct svc_frame_reader *r)
{
    if (r->have - r->off >= SVC_PROTO_HEADER_SIZE)
        return 0;
    return wait_fd(r->fd, POLLIN, -1);
}

int svc_frame_reader_next(struct svc_frame_reader *r, struct svc_frame_header *h,
                          uint8_t **payload)
{
    size_t part;
    uint8_t *p;
    int rc;

    *payload = NULL;
    while (r->have - r->off < SVC_PROTO_HEADER_SIZE)
        if ((rc = reader_fill(r, 1)) < 0)
            return rc;
    rc = svc_header_unpack(r->buf + r->off, h);
    if (rc < 0)
        return rc;
    r->off += SVC_PROTO_HEADER_SIZE;
    if (h->length == 0)
        return 0;
    if ((p = malloc(h->length)) == NULL)
        return -ENOMEM;
    /* What is buffered, then the rest straight into the payload. */
    part = r->have - r->off < h->length ? r->have - r->off : h->length;
    memcpy(p, r->buf + r->off, part);
    r->off += part;
    if (part < h->length && (rc = read_full(r->fd, p + part, h->length - part, 0)) < 0) {
        free(p);
        return rc;
    }
    if (r->off == r->have)
        r->off = r->have = 0;
    *payload = p;
    return 0;
}

void svc_frame_acc_init(struct svc_frame_acc *a)
{
    memset(a, 0, sizeof *a);
}

void svc_frame_acc_free(struct svc_frame_acc *a)
{
    free(a->payload);
    svc_frame_acc_init(a);
}

int svc_frame_acc_partial(const struct svc_frame_acc *a)
{
    return a->hdr_have > 0 || a->payload_have > 0;
}

/*
 * The accumulator is in one of two phases: collecting the 16 header
 * bytes (hdr_have < 16), or collecting h.length payload bytes.  When a
 * whole payload is already in the caller's buffer it is handed to cb in
 * place; only a payload split across feeds is copied.  A bad header
 * leaves hdr_have full, so it is unpacked and refused again on every
 * later feed: the stream cannot resynchronise past it.
 */
int svc_frame_acc_feed(struct svc_frame_acc *a, const uint8_t *data, size_t len, svc_frame_cb cb,
                       void *ctx)
{
    size_t used;
    return svc_frame_acc_feed_some(a, data, len, cb, ctx, &used);
}

int svc_frame_acc_feed_some(struct svc_frame_acc *a, const uint8_t *data, size_t len,
                            svc_frame_cb cb, void *ctx, size_t *used)
{
    const uint8_t *start = data;

    *used = 0;
    for (;;) {
        struct svc_frame_header h;
        const uint8_t *p;
        uint8_t *owned = NULL;
        int rc;

        if (a->hdr_have < SVC_PROTO_HEADER_SIZE) {
            size_t n = SVC_PROTO_HEADER_SIZE - a->hdr_have;

            if (len == 0)
                goto more;
            if (n > len)
                n = len;
            memcpy(a->hdr + a->hdr_have, data, n);
            a->hdr_have += n;
            data += n;
            len -= n;
            if (a->hdr_have < SVC_PROTO_HEADER_SIZE)
                goto more;
        }
        rc = svc_header_unpack(a->hdr, &a->h);
        if (rc < 0)
            return rc;
        h = a->h;

        if (h.length == 0) {
            p = NULL;
        } else if (a->payload_have == 0 && len >= h.length) {
            p = data;
            data += h.length;
            len -= h.length;
        } else {
            size_t n = h.length - a->payload_have;

            if (len == 0)
                goto more;
            if (n > len)
                n = len;
            /* The buffer grows with the bytes that arrived, never to the
             * length a header merely announces: a peer that sends headers
             * and goes silent costs nothing. */
            if (a->payload_have + n > a->payload_cap) {
                size_t cap = a->payload_cap ? a->payload_cap * 2 : 4096;
                uint8_t *grown;
                if (cap < a->payload_have + n)
                    cap = a->payload_have + n;
                if (cap > h.length)
                    cap = h.length;
                grown = realloc(a->payload, cap);
                if (grown == NULL)
                    return -ENOMEM;
                a->payload = grown;
                a->payload_cap = cap;
            }
            memcpy(a->payload + a->payload_have, data, n);
            a->payload_have += n;
            data += n;
            len -= n;
            if (a->payload_have < h.length)
                goto more;
            p = owned = a->payload;
            a->payload = NULL;
            a->payload_cap = 0;
        }

        /* Ready for the next frame before cb runs, so cb may even free
         * the accumulator. */
        a->hdr_have = 0;
        a->payload_have = 0;
        rc = cb(ctx, &h, p);
        free(owned);
        *used = (size_t)(data - start);
        if (rc != 0)
            return rc;
    }
more:
    /* Everything given is consumed; more bytes are needed. */
    *used = (size_t)(data - start);
    return 0;
}
