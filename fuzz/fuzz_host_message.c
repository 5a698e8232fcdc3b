/*
 * fuzz_host_message.c - every message on a host channel, and every
 * SVC_MSG_REPLY payload, decoded the way its receiver decodes it.
 *
 * Input: one byte choosing what the payload is, then the payload.  The
 * byte (modulo the number of cases) picks one of: the host-channel types
 * SVC_MSG_HOST_HELLO .. SVC_MSG_HOST_EXIT; a reply to HOST_START or
 * HOST_CONTROL (host -> scmd); a reply to each client request type
 * (scmd -> client).  A reply does not name its request on the wire: the
 * receiver knows it from the id, so the selector stands in for that.
 */
#include "transcode.h"

/* Host-channel messages, both directions. */
static void transcode_host(uint16_t type, struct svc_rbuf *r, struct svc_wbuf *w)
{
    switch (type) {
    case SVC_MSG_HOST_HELLO:    /* u32 pid, strv table names */
        tc_u32(r, w);
        tc_strv(r, w);
        break;
    case SVC_MSG_HOST_START:    /* str name, strv args */
        tc_str(r, w);
        tc_strv(r, w);
        break;
    case SVC_MSG_HOST_CONTROL:  /* str name, u32 control */
        tc_str(r, w);
        tc_u32(r, w);
        break;
    case SVC_MSG_HOST_STATUS:   /* str name, 7 x u32 SERVICE_STATUS */
        tc_str(r, w);
        tc_service_status(r, w);
        break;
    case SVC_MSG_HOST_EXIT:     /* (nothing) */
    case SVC_MSG_HOST_QUERY:    /* (nothing) */
        break;
    default:
        abort();
    }
}

/* The fields of a reply to request type req after a zero error. */
static void transcode_reply_body(uint16_t req, struct svc_rbuf *r, struct svc_wbuf *w)
{
    switch (req) {
    case SVC_MSG_OPEN_MANAGER:
    case SVC_MSG_CREATE_SERVICE:
    case SVC_MSG_START_SERVICE:
    case SVC_MSG_CHANGE_CONFIG:
    case SVC_MSG_DELETE_SERVICE:
    case SVC_MSG_HOST_START:
    case SVC_MSG_HOST_CONTROL:
        break;
    case SVC_MSG_OPEN_SERVICE:      /* str key name */
    case SVC_MSG_GET_DISPLAY_NAME:  /* str display name */
    case SVC_MSG_GET_KEY_NAME:      /* str key name */
        tc_str(r, w);
        break;
    case SVC_MSG_CONTROL_SERVICE:   /* status */
    case SVC_MSG_QUERY_STATUS:
        tc_status(r, w);
        break;
    case SVC_MSG_QUERY_CONFIG:      /* config */
        tc_config(r, w);
        break;
    case SVC_MSG_ENUM_SERVICES:     /* u32 n, n x (str name, str display, status) */
    case SVC_MSG_ENUM_DEPENDENTS:
        tc_enum_services(r, w);
        break;
    case SVC_MSG_ENUM_HOSTS:        /* u32 n, n x host */
        tc_enum_hosts(r, w);
        break;
    case SVC_MSG_ENUM_USAGE:        /* u32 n, n x usage */
    case SVC_MSG_HOST_QUERY:
        tc_enum_usage(r, w);
        break;
    default:
        abort();
    }
}

static void transcode_reply(uint16_t req, struct svc_rbuf *r, struct svc_wbuf *w)
{
    uint32_t error = svc_get_u32(r);

    if (r->err != 0)
        return;
    svc_put_u32(w, error);
    /* The fields after the error are present only when it is 0. */
    if (error == 0)
        transcode_reply_body(req, r, w);
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
    sel = data[0] % (nhost + 2 + nclient);
    svc_rbuf_init(&r, data + 1, size - 1);
    svc_wbuf_init(&w);
    if (sel < nhost)
        transcode_host((uint16_t)(SVC_MSG_HOST_HELLO + sel), &r, &w);
    else if (sel == nhost)
        transcode_reply(SVC_MSG_HOST_START, &r, &w);
    else if (sel == nhost + 1)
        transcode_reply(SVC_MSG_HOST_CONTROL, &r, &w);
    else
        transcode_reply((uint16_t)(SVC_MSG_OPEN_MANAGER + sel - nhost - 2), &r, &w);
    check_transcoded(&r, &w);
    return 0;
}
