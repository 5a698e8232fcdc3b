/*
 * fuzz_client_request.c - every request a client may send on run/scm.sock,
 * decoded the way scmd decodes it.
 *
 * Input: one byte choosing the message type (SVC_MSG_OPEN_MANAGER plus
 * the byte modulo the number of client types), then the payload.
 */
#include "transcode.h"

/* Decodes the payload of a client request of the given type into w. */
static void transcode_request(uint16_t type, struct svc_rbuf *r, struct svc_wbuf *w)
{
    switch (type) {
    case SVC_MSG_OPEN_MANAGER:      /* u32 access */
        tc_u32(r, w);
        break;
    case SVC_MSG_CREATE_SERVICE:    /* u32 access, config */
        tc_u32(r, w);
        tc_config(r, w);
        break;
    case SVC_MSG_OPEN_SERVICE:      /* str name, u32 access */
        tc_str(r, w);
        tc_u32(r, w);
        break;
    case SVC_MSG_START_SERVICE:     /* str name, strv args */
        tc_str(r, w);
        tc_strv(r, w);
        break;
    case SVC_MSG_CONTROL_SERVICE:   /* str name, u32 control */
        tc_str(r, w);
        tc_u32(r, w);
        break;
    case SVC_MSG_QUERY_STATUS:      /* str name */
    case SVC_MSG_QUERY_CONFIG:
    case SVC_MSG_DELETE_SERVICE:
    case SVC_MSG_GET_DISPLAY_NAME:
    case SVC_MSG_GET_KEY_NAME:
        tc_str(r, w);
        break;
    case SVC_MSG_CHANGE_CONFIG:     /* config */
        tc_config(r, w);
        break;
    case SVC_MSG_ENUM_SERVICES:     /* u32 type, u32 state, str group */
        tc_u32(r, w);
        tc_u32(r, w);
        tc_str(r, w);
        break;
    case SVC_MSG_ENUM_DEPENDENTS:   /* str name, u32 state */
        tc_str(r, w);
        tc_u32(r, w);
        break;
    case SVC_MSG_ENUM_HOSTS:        /* (nothing) */
    case SVC_MSG_ENUM_USAGE:
        break;
    default:
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const unsigned ntypes = SVC_MSG_CLIENT_LAST - SVC_MSG_OPEN_MANAGER + 1;
    struct svc_rbuf r;
    struct svc_wbuf w;
    uint16_t type;

    if (size < 1)
        return 0;
    type = (uint16_t)(SVC_MSG_OPEN_MANAGER + data[0] % ntypes);
    svc_rbuf_init(&r, data + 1, size - 1);
    svc_wbuf_init(&w);
    transcode_request(type, &r, &w);
    check_transcoded(&r, &w);
    return 0;
}
