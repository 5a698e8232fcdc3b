/*
 * fuzz_host_message.c - every message on a host channel, and every
 * SVC_MSG_REPLY payload, decoded with its unpack function and encoded
 * again with its pack function (proto.h lists the pairs).
 *
 * Input: one byte choosing what the payload is, then the payload.  The
 * byte (modulo the number of cases) picks one of: the host-channel types
 * SVC_MSG_HOST_HELLO .. SVC_MSG_HOST_LAST; a reply to HOST_START or
 * HOST_CONTROL (host -> scmd); a reply to each client request type
 * (scmd -> client); last, HOST_QUERY's whole reply as scmd reads it.  A reply does not name its request on the wire: the
 * receiver knows it from the id, so the selector stands in for that.
 */
#include "transcode.h"

static void transcode_rejoin(struct svc_rbuf *r, struct svc_wbuf *w)
{
    struct svc_msg_rejoin_service *v;
    char *secret, **table;
    uint32_t pid;
    size_t n;

    if (tc_result(r, svc_msg_host_rejoin_unpack(r, &pid, &secret, &table, &v, &n)) != 0) {
        tc_empty(secret);
        tc_empty(table);
        tc_empty(v);
        return;
    }
    svc_msg_host_rejoin_pack(w, pid, secret, table, v, n);
    free(secret);
    svc_strv_free(table);
    svc_msg_rejoin_free(v, n);
}

/* Host-channel messages, both directions. */
static void transcode_host(uint16_t type, struct svc_rbuf *r, struct svc_wbuf *w)
{
    char *name = NULL, **v = NULL, *text = NULL;
    struct svc_start_plugin *plugin = NULL;
    uint32_t pid, level;
    DWORD control;
    SERVICE_STATUS st;

    switch (type) {
    case SVC_MSG_HOST_HELLO:
        if (tc_result(r, svc_msg_host_hello_unpack(r, &pid, &v)) == 0)
            svc_msg_host_hello_pack(w, pid, v);
        else
            tc_empty(v);
        break;
    case SVC_MSG_HOST_START:
        if (tc_result(r, svc_msg_host_start_unpack(r, &name, &v, &plugin)) == 0)
            svc_msg_host_start_pack(w, name, v, plugin);
        else
            tc_empty(v);
        svc_start_plugin_free(plugin);
        break;
    case SVC_MSG_HOST_CONTROL:
        if (tc_result(r, svc_msg_host_control_unpack(r, &name, &control)) == 0)
            svc_msg_host_control_pack(w, name, control);
        break;
    case SVC_MSG_HOST_STATUS:
        if (tc_result(r, svc_msg_host_status_unpack(r, &name, &st)) == 0)
            svc_msg_host_status_pack(w, name, &st);
        break;
    case SVC_MSG_HOST_EXIT:
    case SVC_MSG_HOST_QUERY:
        tc_result(r, svc_msg_empty_unpack(r));
        break;
    case SVC_MSG_HOST_REJOIN:
        transcode_rejoin(r, w);
        break;
    case SVC_MSG_HOST_LOG:
        if (tc_result(r, svc_msg_host_log_unpack(r, &name, &level, &text)) == 0)
            svc_msg_host_log_pack(w, name, level, text);
        else
            tc_empty(text);
        free(text);
        break;
    default:
        abort();
    }
    if (r->err != 0)
        tc_empty(name);
    free(name);
    svc_strv_free(v);
}

/* The body of a reply to request type req, after a zero error. */
static void transcode_reply_body(uint16_t req, struct svc_rbuf *r, struct svc_wbuf *w)
{
    char *name = NULL;
    SERVICE_STATUS_PROCESS st;
    struct svc_msg_config c;
    struct svc_msg_service *e;
    struct svc_msg_host *h;
    struct svc_msg_usage *u;
    size_t n;

    struct svc_msg_slot slot;

    switch (req) {
    case SVC_MSG_OPEN_SERVICE:
    case SVC_MSG_CREATE_SERVICE:
        if (tc_result(r, svc_msg_open_service_reply_unpack(r, &name, &slot)) == 0)
            svc_msg_open_service_reply_pack(w, name, &slot);
        else
            tc_empty(name);
        free(name);
        break;
    case SVC_MSG_GET_DISPLAY_NAME:
    case SVC_MSG_GET_KEY_NAME:
    case SVC_MSG_QUERY_SECURITY:
        if (tc_result(r, svc_msg_name_reply_unpack(r, &name)) == 0)
            svc_msg_name_reply_pack(w, name);
        else
            tc_empty(name);
        free(name);
        break;
    case SVC_MSG_CONTROL_SERVICE:
    case SVC_MSG_QUERY_STATUS:
        if (tc_result(r, svc_msg_status_reply_unpack(r, &st)) == 0)
            svc_msg_status_reply_pack(w, &st);
        break;
    case SVC_MSG_QUERY_CONFIG:
        if (tc_result(r, svc_msg_config_reply_unpack(r, &c)) == 0)
            svc_msg_config_reply_pack(w, &c);
        else
            tc_config_empty(&c);
        svc_msg_config_free(&c);
        break;
    case SVC_MSG_ENUM_SERVICES:
    case SVC_MSG_ENUM_DEPENDENTS:
        if (tc_result(r, svc_msg_services_reply_unpack(r, &e, &n)) == 0)
            svc_msg_services_reply_pack(w, e, n);
        else
            tc_empty(e);
        svc_msg_services_free(e, n);
        break;
    case SVC_MSG_ENUM_HOSTS:
        if (tc_result(r, svc_msg_hosts_reply_unpack(r, &h, &n)) == 0)
            svc_msg_hosts_reply_pack(w, h, n);
        else
            tc_empty(h);
        svc_msg_hosts_free(h, n);
        break;
    case SVC_MSG_ENUM_USAGE:
    case SVC_MSG_HOST_QUERY:
        if (tc_result(r, svc_msg_usage_reply_unpack(r, &u, &n)) == 0)
            svc_msg_usage_reply_pack(w, u, n);
        else
            tc_empty(u);
        svc_msg_usage_free(u, n);
        break;
    default:
        abort();
    }
}

/* Whether the reply to req carries a body after a zero error. */
static int reply_has_body(uint16_t req)
{
    switch (req) {
    case SVC_MSG_OPEN_MANAGER:
    case SVC_MSG_START_SERVICE:
    case SVC_MSG_CHANGE_CONFIG:
    case SVC_MSG_DELETE_SERVICE:
    case SVC_MSG_CLOSE_SERVICE:
    case SVC_MSG_SET_SECURITY:
    case SVC_MSG_HOST_START:
    case SVC_MSG_HOST_CONTROL:
        return 0;
    default:
        return 1;
    }
}

static void transcode_reply(uint16_t req, struct svc_rbuf *r, struct svc_wbuf *w)
{
    DWORD error;

    if (!reply_has_body(req)) {
        if (tc_result(r, svc_msg_reply_unpack(r, &error)) == 0)
            svc_msg_reply_pack(w, error);
        return;
    }
    if (tc_result(r, svc_msg_reply_head_unpack(r, &error)) != 0)
        return;
    /* The fields after the error are present only when it is 0; the body
     * packs write the NO_ERROR themselves. */
    if (error != 0) {
        if (tc_result(r, svc_msg_empty_unpack(r)) == 0)
            svc_msg_reply_pack(w, error);
        return;
    }
    transcode_reply_body(req, r, w);
}

/* HOST_QUERY's reply as scmd decodes it: error and rows in one call. */
static void transcode_host_query_reply(struct svc_rbuf *r, struct svc_wbuf *w)
{
    struct svc_msg_usage *u;
    size_t n;

    if (tc_result(r, svc_msg_host_query_reply_unpack(r, &u, &n)) != 0) {
        tc_empty(u);
        return;
    }
    /* An error reply decodes as no rows and comes back as that error. */
    if (u == NULL) {
        DWORD err;
        struct svc_rbuf again;

        svc_rbuf_init(&again, r->p, r->len);
        if (svc_msg_reply_unpack(&again, &err) != 0 || err == NO_ERROR)
            abort();
        svc_msg_reply_pack(w, err);
        return;
    }
    svc_msg_host_query_reply_pack(w, u, n);
    svc_msg_usage_free(u, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const unsigned nhost = SVC_MSG_HOST_LAST - SVC_MSG_HOST_HELLO + 1;
    const unsigned nclient = SVC_MSG_CLIENT_LAST - SVC_MSG_OPEN_MANAGER + 1;
    unsigned sel;
    struct svc_rbuf r;
    struct svc_wbuf w;

    if (size < 1)
        return 0;
    sel = data[0] % (nhost + 3 + nclient);
    svc_rbuf_init(&r, data + 1, size - 1);
    svc_wbuf_init(&w);
    if (sel < nhost)
        transcode_host((uint16_t)(SVC_MSG_HOST_HELLO + sel), &r, &w);
    else if (sel == nhost)
        transcode_reply(SVC_MSG_HOST_START, &r, &w);
    else if (sel == nhost + 1)
        transcode_reply(SVC_MSG_HOST_CONTROL, &r, &w);
    else if (sel < nhost + 2 + nclient)
        transcode_reply((uint16_t)(SVC_MSG_OPEN_MANAGER + sel - nhost - 2), &r, &w);
    else
        transcode_host_query_reply(&r, &w);
    check_transcoded(&r, &w);
    return 0;
}
