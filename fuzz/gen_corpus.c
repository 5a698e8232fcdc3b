/*
 * gen_corpus.c - writes the seed corpus of each fuzz target: valid
 * encoded headers, payloads and frame streams, built with each message's
 * pack function (proto.h) so they follow the layouts the targets decode.
 *
 * Usage: fuzz_gen_corpus DIR   (writes DIR/<target>/<name>; DIR is
 * normally fuzz/corpus).  The input layout of each target is described
 * at the top of its source file.
 */
#include "proto.h"
#include "sddl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *outdir;

static void write_file(const char *target, const char *name, const void *p, size_t n)
{
    char path[4096];
    FILE *f;

    snprintf(path, sizeof path, "%s/%s", outdir, target);
    if (mkdir(path, 0755) < 0 && errno != EEXIST) {
        perror(path);
        exit(1);
    }
    snprintf(path, sizeof path, "%s/%s/%s", outdir, target, name);
    f = fopen(path, "wb");
    if (f == NULL || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
        perror(path);
        exit(1);
    }
}

/* Writes selector byte + payload, the input of the payload targets. */
static void write_payload(const char *target, const char *name, uint8_t sel, struct svc_wbuf *w)
{
    uint8_t *b;

    if (w->err != 0) {
        fprintf(stderr, "%s/%s: encoding failed (%d)\n", target, name, w->err);
        exit(1);
    }
    b = malloc(w->len + 1);
    if (b == NULL)
        exit(1);
    b[0] = sel;
    if (w->len != 0)
        memcpy(b + 1, w->data, w->len);
    write_file(target, name, b, w->len + 1);
    free(b);
    svc_wbuf_free(w);
}

static char *deps[] = {"RpcSs", NULL};
static char *params[] = {"Port=7", "Verbose=", NULL};
static char *args[] = {"Echo", "-v", NULL};
static char *table[] = {"Echo", "Heartbeat", NULL};

static char *privs[] = {"SeImpersonatePrivilege", "SvchostBindServicePrivilege", NULL};

static struct svc_msg_action actions[] = {
    {SC_ACTION_RESTART, 60000}, {SC_ACTION_RUN_COMMAND, 1000}, {SC_ACTION_REBOOT, 0},
};

static const struct svc_msg_config config = {
    .mask = SVC_CFG_ALL,
    .name = "Echo",
    .display_name = "Echo service",
    .description = "Answers what it hears",
    .type = SERVICE_WIN32_SHARE_PROCESS,
    .start = SERVICE_DEMAND_START,
    .error_control = SERVICE_ERROR_NORMAL,
    .image_path = "svchost -k demo",
    .load_order_group = NULL,
    .depend_on_service = deps,
    .depend_on_group = NULL,
    .object_name = "LocalSystem",
    .service_dll = "echo.so",
    .service_main = "ServiceMain",
    .params = params,
    .failure_reset_s = 86400,
    .failure_actions = actions,
    .n_failure_actions = 3,
    .failure_command = "/usr/bin/logger %1%",
    .reboot_message = NULL,
    .failure_non_crash = 1,
    .preshutdown_timeout_ms = 10000,
    .delayed_autostart = 1,
    .required_privileges = privs,
    .sid_type = SERVICE_SID_TYPE_UNRESTRICTED,
};

static const SERVICE_STATUS_PROCESS running = {
    SERVICE_WIN32_SHARE_PROCESS, SERVICE_RUNNING, SERVICE_ACCEPT_STOP, 0, 0, 0, 0, 4242, 0,
};

/* Client requests: selector = type - SVC_MSG_OPEN_MANAGER. */
static void client_requests(void)
{
    const char *t = "fuzz_client_request";
    struct svc_msg_config change = {.mask = SVC_CFG_START | SVC_CFG_PARAMS, .name = "Echo",
                                     .start = SERVICE_AUTO_START, .params = params};
    struct svc_wbuf w;

#define SEL(type) ((uint8_t)((type) - SVC_MSG_OPEN_MANAGER))
    svc_wbuf_init(&w);
    svc_msg_open_manager_pack(&w, SC_MANAGER_CONNECT);
    write_payload(t, "open_manager", SEL(SVC_MSG_OPEN_MANAGER), &w);

    svc_wbuf_init(&w);
    svc_msg_create_service_pack(&w, SC_MANAGER_CREATE_SERVICE, &config);
    write_payload(t, "create_service", SEL(SVC_MSG_CREATE_SERVICE), &w);

    svc_wbuf_init(&w);
    svc_msg_open_service_pack(&w, "Echo", SERVICE_ALL_ACCESS);
    write_payload(t, "open_service", SEL(SVC_MSG_OPEN_SERVICE), &w);

    svc_wbuf_init(&w);
    svc_msg_start_service_pack(&w, "Echo", args);
    write_payload(t, "start_service", SEL(SVC_MSG_START_SERVICE), &w);

    svc_wbuf_init(&w);
    svc_msg_control_service_pack(&w, "Echo", SERVICE_CONTROL_STOP);
    write_payload(t, "control_service", SEL(SVC_MSG_CONTROL_SERVICE), &w);

    svc_wbuf_init(&w);
    svc_msg_name_pack(&w, "Echo");
    write_payload(t, "query_status", SEL(SVC_MSG_QUERY_STATUS), &w);

    svc_wbuf_init(&w);
    svc_msg_name_pack(&w, "Echo");
    write_payload(t, "close_service", SEL(SVC_MSG_CLOSE_SERVICE), &w);

    svc_wbuf_init(&w);
    svc_msg_query_security_pack(&w, NULL, 4);
    write_payload(t, "query_security", SEL(SVC_MSG_QUERY_SECURITY), &w);

    svc_wbuf_init(&w);
    svc_msg_set_security_pack(&w, "Echo", 4, "D:(A;;CCLCSWRPWPDTLOCRRC;;;SY)(A;;RPWP;;;S-1-22-1-1000)");
    write_payload(t, "set_security", SEL(SVC_MSG_SET_SECURITY), &w);

    svc_wbuf_init(&w);
    svc_msg_change_config_pack(&w, &change);
    write_payload(t, "change_config", SEL(SVC_MSG_CHANGE_CONFIG), &w);

    {
        struct svc_msg_config failure = config;

        failure.mask = SVC_CFG_CONFIG2;
        svc_wbuf_init(&w);
        svc_msg_change_config_pack(&w, &failure);
        write_payload(t, "change_config_failure", SEL(SVC_MSG_CHANGE_CONFIG), &w);
    }

    svc_wbuf_init(&w);
    svc_msg_enum_services_pack(&w, SERVICE_WIN32, SERVICE_STATE_ALL, NULL);
    write_payload(t, "enum_services", SEL(SVC_MSG_ENUM_SERVICES), &w);

    svc_wbuf_init(&w);
    svc_msg_enum_dependents_pack(&w, "RpcSs", SERVICE_ACTIVE);
    write_payload(t, "enum_dependents", SEL(SVC_MSG_ENUM_DEPENDENTS), &w);

    svc_wbuf_init(&w);
    write_payload(t, "enum_hosts", SEL(SVC_MSG_ENUM_HOSTS), &w);
#undef SEL
}

/* Host messages and replies; the selector layout is fuzz_host_message.c's. */
static void host_messages(void)
{
    const char *t = "fuzz_host_message";
    const uint8_t nhost = SVC_MSG_HOST_LAST - SVC_MSG_HOST_HELLO + 1;
    SERVICE_STATUS st = {SERVICE_WIN32_SHARE_PROCESS, SERVICE_START_PENDING, 0, 0, 0, 1, 3000};
    char *svcs[] = {"Echo", NULL};
    struct svc_msg_host h = {.pid = 4242, .group = "demo", .services = svcs};
    struct svc_msg_service entries[2] = {
        {.name = "Echo", .display = "Echo service", .status = running},
        {.name = "Heartbeat", .display = "Heartbeat", .status = running},
    };
    struct svc_msg_usage rows[2] = {
        {.pid = 4242, .service = NULL, .threads = 3, .cpu_us = 1500, .rss_kib = 2048, .pss_kib = 700},
        {.pid = 4242, .service = "Echo", .threads = 2, .cpu_us = 900, .stack_kib = 8, .image_kib = 20},
    };
    struct svc_wbuf w;

#define HOST(type) ((uint8_t)((type) - SVC_MSG_HOST_HELLO))
#define REPLY(type) ((uint8_t)(nhost + 2 + (type) - SVC_MSG_OPEN_MANAGER))
    svc_wbuf_init(&w);
    svc_msg_host_hello_pack(&w, 4242, table);
    write_payload(t, "host_hello", HOST(SVC_MSG_HOST_HELLO), &w);

    svc_wbuf_init(&w);
    svc_msg_host_start_pack(&w, "Echo", args, NULL);
    write_payload(t, "host_start", HOST(SVC_MSG_HOST_START), &w);

    svc_wbuf_init(&w);
    svc_msg_host_start_pack(&w, "Echo", args,
                            &(struct svc_start_plugin){ "/usr/lib/echo.so", "ServiceMain",
                                                        SVC_START_UNLOAD_ON_STOP });
    write_payload(t, "host_start_plugin", HOST(SVC_MSG_HOST_START), &w);

    svc_wbuf_init(&w);
    svc_msg_host_control_pack(&w, "Echo", SERVICE_CONTROL_INTERROGATE);
    write_payload(t, "host_control", HOST(SVC_MSG_HOST_CONTROL), &w);

    svc_wbuf_init(&w);
    svc_msg_host_status_pack(&w, "Echo", &st);
    write_payload(t, "host_status", HOST(SVC_MSG_HOST_STATUS), &w);

    svc_wbuf_init(&w);
    write_payload(t, "host_exit", HOST(SVC_MSG_HOST_EXIT), &w);

    svc_wbuf_init(&w);
    {
        struct svc_msg_rejoin_service v = {.name = "Echo", .status = st};
        svc_msg_host_rejoin_pack(&w, 4242, "c2VjcmV0", table, &v, 1);
    }
    write_payload(t, "host_rejoin", HOST(SVC_MSG_HOST_REJOIN), &w);

    svc_wbuf_init(&w);
    svc_msg_host_log_pack(&w, "Echo", 1, "listening on 127.0.0.1:7007");
    write_payload(t, "host_log", HOST(SVC_MSG_HOST_LOG), &w);

    svc_wbuf_init(&w);
    svc_msg_reply_pack(&w, NO_ERROR);
    write_payload(t, "reply_host_start", nhost, &w);

    svc_wbuf_init(&w);
    svc_msg_reply_pack(&w, ERROR_CALL_NOT_IMPLEMENTED);
    write_payload(t, "reply_host_control", nhost + 1, &w);

    svc_wbuf_init(&w);
    svc_msg_reply_pack(&w, ERROR_SERVICE_DOES_NOT_EXIST);
    write_payload(t, "reply_error", REPLY(SVC_MSG_QUERY_STATUS), &w);

    svc_wbuf_init(&w);
    svc_msg_open_service_reply_pack(&w, "Echo", &(struct svc_msg_slot){ 3, 1, 0x1234abcd5678ef90ull });
    write_payload(t, "reply_open_service", REPLY(SVC_MSG_OPEN_SERVICE), &w);

    svc_wbuf_init(&w);
    svc_msg_open_service_reply_pack(&w, "Echo", &(struct svc_msg_slot){ 0, 1, 42 });
    write_payload(t, "reply_create_service", REPLY(SVC_MSG_CREATE_SERVICE), &w);

    svc_wbuf_init(&w);
    svc_msg_name_reply_pack(&w, "D:(A;;CCLCRPRC;;;AU)(A;;KA;;;SY)(A;;KA;;;BA)");
    write_payload(t, "reply_query_security", REPLY(SVC_MSG_QUERY_SECURITY), &w);

    svc_wbuf_init(&w);
    svc_msg_status_reply_pack(&w, &running);
    write_payload(t, "reply_query_status", REPLY(SVC_MSG_QUERY_STATUS), &w);

    svc_wbuf_init(&w);
    svc_msg_config_reply_pack(&w, &config);
    write_payload(t, "reply_query_config", REPLY(SVC_MSG_QUERY_CONFIG), &w);

    svc_wbuf_init(&w);
    svc_msg_services_reply_pack(&w, entries, 2);
    write_payload(t, "reply_enum_services", REPLY(SVC_MSG_ENUM_SERVICES), &w);

    svc_wbuf_init(&w);
    svc_msg_hosts_reply_pack(&w, &h, 1);
    write_payload(t, "reply_enum_hosts", REPLY(SVC_MSG_ENUM_HOSTS), &w);

    svc_wbuf_init(&w);
    svc_msg_usage_reply_pack(&w, rows, 2);
    write_payload(t, "reply_enum_usage", REPLY(SVC_MSG_ENUM_USAGE), &w);

    svc_wbuf_init(&w);
    svc_msg_host_query_reply_pack(&w, rows + 1, 1);
    write_payload(t, "host_query_reply", REPLY(SVC_MSG_CLIENT_LAST + 1), &w);
#undef HOST
#undef REPLY
}

/* A raw byte stream of whole frames, preceded by the 4 seed bytes that
 * fuzz_frame_acc reads first. */
struct stream {
    uint8_t *p;
    size_t len;
};

static void stream_append(struct stream *s, const void *p, size_t n)
{
    uint8_t *d = realloc(s->p, s->len + n);

    if (d == NULL)
        exit(1);
    if (n != 0)
        memcpy(d + s->len, p, n);
    s->p = d;
    s->len += n;
}

/* Appends one whole frame; frees payload. */
static void put_frame(struct stream *s, uint16_t type, uint32_t id, struct svc_wbuf *payload)
{
    struct svc_frame_header h = {.type = type, .id = id, .length = 0};
    uint8_t hdr[SVC_PROTO_HEADER_SIZE];

    if (payload != NULL)
        h.length = (uint32_t)payload->len;
    svc_header_pack(hdr, &h);
    stream_append(s, hdr, sizeof hdr);
    if (payload != NULL) {
        stream_append(s, payload->data, payload->len);
        svc_wbuf_free(payload);
    }
}

static void headers_and_streams(void)
{
    const struct svc_frame_header hs[] = {
        {SVC_MSG_QUERY_STATUS, 1, 8},
        {SVC_MSG_REPLY, 1, 40},
        {SVC_MSG_HOST_HELLO, 0, 0},
        {SVC_MSG_REPLY, 0xFFFFFFFF, SVC_PROTO_MAX_PAYLOAD},
    };
    static const char *names[] = {"query_status", "reply", "host_hello_empty", "max_length"};
    static const uint8_t seed1[4] = {0x2a, 0x17, 0x05, 0x91}, seed2[4] = {0x01, 0, 0, 0};
    struct stream s = {NULL, 0};
    struct svc_wbuf w;

    for (size_t i = 0; i < sizeof hs / sizeof hs[0]; i++) {
        uint8_t b[SVC_PROTO_HEADER_SIZE];

        svc_header_pack(b, &hs[i]);
        write_file("fuzz_header", names[i], b, sizeof b);
    }

    /* A client conversation: request, reply, an empty frame. */
    stream_append(&s, seed1, sizeof seed1);
    svc_wbuf_init(&w);
    svc_msg_name_pack(&w, "Echo");
    put_frame(&s, SVC_MSG_QUERY_STATUS, 1, &w);
    svc_wbuf_init(&w);
    svc_msg_status_reply_pack(&w, &running);
    put_frame(&s, SVC_MSG_REPLY, 1, &w);
    put_frame(&s, SVC_MSG_ENUM_HOSTS, 2, NULL);
    write_file("fuzz_frame_acc", "client_conversation", s.p, s.len);
    free(s.p);

    /* A host channel: hello, then status reports. */
    s.p = NULL;
    s.len = 0;
    stream_append(&s, seed2, sizeof seed2);
    svc_wbuf_init(&w);
    svc_msg_host_hello_pack(&w, 4242, table);
    put_frame(&s, SVC_MSG_HOST_HELLO, 0, &w);
    for (uint32_t i = 0; i < 3; i++) {
        SERVICE_STATUS st = {SERVICE_WIN32_SHARE_PROCESS, SERVICE_START_PENDING, 0, 0, 0, i, 2000};

        svc_wbuf_init(&w);
        svc_msg_host_status_pack(&w, "Echo", &st);
        put_frame(&s, SVC_MSG_HOST_STATUS, 0, &w);
    }
    write_file("fuzz_frame_acc", "host_channel", s.p, s.len);
    free(s.p);
}

/* fuzz_sddl: a byte choosing the form (0 text, 1 binary), then it. */
static void sddl_seeds(void)
{
    static const char *const texts[][2] = {
        { "service_default", "O:SYG:SYD:(A;;CCLCSWRPWPDTLOCRRC;;;SY)(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;BA)"
                             "(A;;CCLCSWLOCRRC;;;IU)(A;;CCLCSWLOCRRC;;;SU)" },
        { "manager_default", "O:SYG:SYD:(A;;CCLCRPRC;;;AU)(A;;KA;;;SY)(A;;KA;;;BA)" },
        { "unix_deny_first", "D:PAI(D;OICI;0x30;;;S-1-22-1-1000)(A;;GA;;;S-1-22-2-50)(A;;RC;;;OW)" },
        { "null_dacl", "O:S-1-5-21-1-2-3-500G:BAD:NO_ACCESS_CONTROL" },
    };
    const char *t = "fuzz_sddl";

    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        size_t n = strlen(texts[i][1]);
        uint8_t *b = malloc(n + 1);
        struct svc_sd sd;
        uint8_t *bin;
        size_t len;
        char name[64];

        if (b == NULL)
            exit(1);
        b[0] = 0;
        memcpy(b + 1, texts[i][1], n);
        write_file(t, texts[i][0], b, n + 1);
        free(b);
        if (svc_sddl_parse(texts[i][1], &sd, NULL, 0) != 0 ||
            svc_sd_to_binary(&sd, SVC_SI_OWNER | SVC_SI_GROUP | SVC_SI_DACL, &bin, &len) != 0) {
            fprintf(stderr, "%s/%s: encoding failed\n", t, texts[i][0]);
            exit(1);
        }
        svc_sd_free(&sd);
        b = malloc(len + 1);
        if (b == NULL)
            exit(1);
        b[0] = 1;
        memcpy(b + 1, bin, len);
        snprintf(name, sizeof name, "%s_binary", texts[i][0]);
        write_file(t, name, b, len + 1);
        free(b);
        free(bin);
    }
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 2;
    }
    outdir = argv[1];
    if (mkdir(outdir, 0755) < 0 && errno != EEXIST) {
        perror(outdir);
        return 1;
    }
    client_requests();
    host_messages();
    sddl_seeds();
    headers_and_streams();
    return 0;
}
