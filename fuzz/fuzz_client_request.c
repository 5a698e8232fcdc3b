/*
 * fuzz_client_request.c - every request a client may send on run/scm.sock,
 * decoded with the unpack function scmd uses and encoded again with the
 * pack function clients use.
 *
 * Input: one byte choosing the message type (SVC_MSG_OPEN_MANAGER plus
 * the byte modulo the number of client types), then the payload.
 */
#include "transcode.h"

/* "str name, u32 v" requests share their checks. */
typedef int (*name_u32_unpack)(struct svc_rbuf *, char **, DWORD *);
typedef int (*name_u32_pack)(struct svc_wbuf *, const char *, DWORD);

static void tc_name_u32(struct svc_rbuf *r, struct svc_wbuf *w, name_u32_unpack un,
                        name_u32_pack pk)
{
    char *name;
    DWORD v;

    if (tc_result(r, un(r, &name, &v)) == 0)
        pk(w, name, v);
    else
        tc_empty(name);
    free(name);
}

static void tc_config_request(struct svc_rbuf *r, struct svc_wbuf *w, int create)
{
    struct svc_msg_config c;
    DWORD access = 0;
    int rc = create ? svc_msg_create_service_unpack(r, &access, &c)
                    : svc_msg_change_config_unpack(r, &c);

    if (tc_result(r, rc) == 0) {
        if (create)
            svc_msg_create_service_pack(w, access, &c);
        else
            svc_msg_change_config_pack(w, &c);
    } else {
        tc_config_empty(&c);
    }
    svc_msg_config_free(&c);
}

/* Decodes the payload of a client request of the given type into w. */
static void transcode_request(uint16_t type, struct svc_rbuf *r, struct svc_wbuf *w)
{
    char *name = NULL, **args = NULL;
    DWORD a = 0, b = 0;

    switch (type) {
    case SVC_MSG_OPEN_MANAGER:
        if (tc_result(r, svc_msg_open_manager_unpack(r, &a)) == 0)
            svc_msg_open_manager_pack(w, a);
        break;
    case SVC_MSG_CREATE_SERVICE:
        tc_config_request(r, w, 1);
        break;
    case SVC_MSG_CHANGE_CONFIG:
        tc_config_request(r, w, 0);
        break;
    case SVC_MSG_OPEN_SERVICE:
        tc_name_u32(r, w, svc_msg_open_service_unpack, svc_msg_open_service_pack);
        break;
    case SVC_MSG_CONTROL_SERVICE:
        tc_name_u32(r, w, svc_msg_control_service_unpack, svc_msg_control_service_pack);
        break;
    case SVC_MSG_ENUM_DEPENDENTS:
        tc_name_u32(r, w, svc_msg_enum_dependents_unpack, svc_msg_enum_dependents_pack);
        break;
    case SVC_MSG_START_SERVICE:
        if (tc_result(r, svc_msg_start_service_unpack(r, &name, &args)) == 0) {
            svc_msg_start_service_pack(w, name, args);
        } else {
            tc_empty(name);
            tc_empty(args);
        }
        break;
    case SVC_MSG_QUERY_STATUS:
    case SVC_MSG_QUERY_CONFIG:
    case SVC_MSG_DELETE_SERVICE:
    case SVC_MSG_GET_DISPLAY_NAME:
    case SVC_MSG_GET_KEY_NAME:
    case SVC_MSG_CLOSE_SERVICE:
        if (tc_result(r, svc_msg_name_unpack(r, &name)) == 0)
            svc_msg_name_pack(w, name);
        else
            tc_empty(name);
        break;
    case SVC_MSG_ENUM_SERVICES:
        if (tc_result(r, svc_msg_enum_services_unpack(r, &a, &b, &name)) == 0)
            svc_msg_enum_services_pack(w, a, b, name);
        else
            tc_empty(name);
        break;
    case SVC_MSG_ENUM_HOSTS:
    case SVC_MSG_ENUM_USAGE:
        tc_result(r, svc_msg_empty_unpack(r));
        break;
    case SVC_MSG_QUERY_SECURITY:
        if (tc_result(r, svc_msg_query_security_unpack(r, &name, &a)) == 0)
            svc_msg_query_security_pack(w, name, a);
        else
            tc_empty(name);
        break;
    case SVC_MSG_SET_SECURITY: {
        char *sddl = NULL;

        if (tc_result(r, svc_msg_set_security_unpack(r, &name, &a, &sddl)) == 0) {
            svc_msg_set_security_pack(w, name, a, sddl);
        } else {
            tc_empty(name);
            tc_empty(sddl);
        }
        free(sddl);
        break;
    }
    default:
        abort();
    }
    free(name);
    svc_strv_free(args);
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
