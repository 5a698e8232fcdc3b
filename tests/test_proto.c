/*
 * test_proto.c - the wire protocol codec: header, payload fields, config
 * and host records, whole frames over a socketpair, and the incremental
 * frame accumulator.
 */
#include "proto.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <svchost/winsvc.h>

#include "testutil.h"

/* ---- Helpers ---------------------------------------------------------- */

static void put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static void valid_header(uint8_t out[SVC_PROTO_HEADER_SIZE], uint16_t type, uint32_t id,
                         uint32_t length)
{
    struct svc_frame_header h = {.type = type, .id = id, .length = length};

    svc_header_pack(out, &h);
}

/* A config with every field set and non-trivial lists. */
static char *deps[] = {"RpcSs", "Tcpip", NULL};
static char *groups[] = {"NetworkProvider", NULL};
static char *params[] = {"Port=8080", "Verbose=", NULL};
static struct svc_msg_action actions[] = {
    {SC_ACTION_RESTART, 60000}, {SC_ACTION_RUN_COMMAND, 1000}, {SC_ACTION_NONE, 0xFFFFFFFFu},
};

static char *triggers_words[] = { "1:1:-", "20:2:{01234567-89AB-CDEF-0123-456789ABCDEF}:2=4869", NULL };
static char *privileges[] = { "SeBackupPrivilege", "SvchostBindServicePrivilege", NULL };

static struct svc_msg_config full_config(void)
{
    struct svc_msg_config c = {
        .mask = SVC_CFG_ALL,
        .name = "Echo",
        .display_name = "Echo service",
        .description = "Answers what it hears",
        .type = SERVICE_WIN32_SHARE_PROCESS,
        .start = SERVICE_AUTO_START,
        .error_control = SERVICE_ERROR_NORMAL,
        .image_path = "/usr/bin/svchost -k demo",
        .load_order_group = "Net",
        .depend_on_service = deps,
        .depend_on_group = groups,
        .object_name = "LocalSystem",
        .service_dll = "/usr/lib/svchost/plugins/echo.so",
        .service_main = "ServiceMain",
        .params = params,
        .failure_reset_s = 86400,
        .failure_actions = actions,
        .n_failure_actions = 3,
        .failure_command = "/usr/bin/logger %1%",
        .reboot_message = "Echo failed",
        .failure_non_crash = 1,
        .preshutdown_timeout_ms = 180000,
        .delayed_autostart = 1,
        .preferred_node = 3,
        .launch_protected = 2,
        .triggers = triggers_words,
        .required_privileges = privileges,
        .sid_type = SERVICE_SID_TYPE_RESTRICTED,
    };
    return c;
}

static void assert_strv_eq(char **got, char **want)
{
    size_t i;

    ck_assert_ptr_nonnull(got);
    for (i = 0; want[i] != NULL; i++) {
        ck_assert_ptr_nonnull(got[i]);
        ck_assert_str_eq(got[i], want[i]);
    }
    ck_assert_ptr_null(got[i]);
}

/* ---- Header ------------------------------------------------------------ */

START_TEST(header_round_trip)
{
    static const uint8_t want[SVC_PROTO_HEADER_SIZE] = {
        'S', 'V', SVC_PROTO_VERSION, 0, 0x12, 0x00, 0, 0, 0x78, 0x56, 0x34, 0x12, 0x10, 0, 0, 0,
    };
    struct svc_frame_header h = {.type = 0x12, .id = 0x12345678, .length = 16}, back;
    uint8_t b[SVC_PROTO_HEADER_SIZE];

    svc_header_pack(b, &h);
    ck_assert_mem_eq(b, want, sizeof b);
    ck_assert_int_eq(svc_header_unpack(b, &back), 0);
    ck_assert_uint_eq(back.type, h.type);
    ck_assert_uint_eq(back.id, h.id);
    ck_assert_uint_eq(back.length, h.length);

    /* The largest payload is allowed. */
    valid_header(b, SVC_MSG_REPLY, 0xFFFFFFFF, SVC_PROTO_MAX_PAYLOAD);
    ck_assert_int_eq(svc_header_unpack(b, &back), 0);
    ck_assert_uint_eq(back.length, SVC_PROTO_MAX_PAYLOAD);
    ck_assert_uint_eq(back.id, 0xFFFFFFFF);
}
END_TEST

START_TEST(header_rejects)
{
    struct svc_frame_header h;
    uint8_t b[SVC_PROTO_HEADER_SIZE];
    /* Every byte of magic, version, flags and reserved is checked. */
    static const int bad_at[] = {0, 1, 2, 3, 6, 7};

    for (size_t i = 0; i < sizeof bad_at / sizeof bad_at[0]; i++) {
        valid_header(b, SVC_MSG_QUERY_STATUS, 1, 0);
        b[bad_at[i]] ^= 0x01;
        ck_assert_msg(svc_header_unpack(b, &h) == -EPROTO, "byte %d", bad_at[i]);
    }
    /* Another version is refused, older or newer. */
    valid_header(b, SVC_MSG_QUERY_STATUS, 1, 0);
    b[2] = SVC_PROTO_VERSION + 1;
    ck_assert_int_eq(svc_header_unpack(b, &h), -EPROTO);
    b[2] = 0;
    ck_assert_int_eq(svc_header_unpack(b, &h), -EPROTO);
    /* Magic in the other byte order. */
    valid_header(b, SVC_MSG_QUERY_STATUS, 1, 0);
    b[0] = 'V';
    b[1] = 'S';
    ck_assert_int_eq(svc_header_unpack(b, &h), -EPROTO);

    valid_header(b, SVC_MSG_QUERY_STATUS, 1, SVC_PROTO_MAX_PAYLOAD + 1);
    ck_assert_int_eq(svc_header_unpack(b, &h), -EMSGSIZE);
    valid_header(b, SVC_MSG_QUERY_STATUS, 1, 0xFFFFFFFF);
    ck_assert_int_eq(svc_header_unpack(b, &h), -EMSGSIZE);
}
END_TEST

/* ---- Payload fields ------------------------------------------------------ */

START_TEST(u32_round_trip)
{
    static const uint32_t vals[] = {0, 1, 0x80, 0x12345678, 0xFFFFFFFF};
    struct svc_wbuf w;
    struct svc_rbuf r;

    svc_wbuf_init(&w);
    for (size_t i = 0; i < 5; i++)
        svc_put_u32(&w, vals[i]);
    ck_assert_int_eq(w.err, 0);
    ck_assert_uint_eq(w.len, 20);
    /* Little-endian on the wire. */
    ck_assert_uint_eq(w.data[12], 0x78);
    ck_assert_uint_eq(w.data[15], 0x12);
    svc_rbuf_init(&r, w.data, w.len);
    for (size_t i = 0; i < 5; i++)
        ck_assert_uint_eq(svc_get_u32(&r), vals[i]);
    ck_assert_int_eq(svc_rbuf_end(&r), 0);
    /* One more read fails and stays failed. */
    ck_assert_uint_eq(svc_get_u32(&r), 0);
    ck_assert_int_eq(r.err, -EPROTO);
    ck_assert_int_eq(svc_rbuf_end(&r), -EPROTO);
    svc_wbuf_free(&w);
    ck_assert_uint_eq(w.len, 0);
    /* Past the buffer's own bytes, on the heap: what came first stays. */
    for (uint32_t i = 0; i < SVC_WBUF_SMALL; i++)
        svc_put_u32(&w, i);
    ck_assert_int_eq(w.err, 0);
    ck_assert_uint_eq(w.len, 4 * SVC_WBUF_SMALL);
    svc_rbuf_init(&r, w.data, w.len);
    for (uint32_t i = 0; i < SVC_WBUF_SMALL; i++)
        ck_assert_uint_eq(svc_get_u32(&r), i);
    svc_wbuf_free(&w);
}
END_TEST

START_TEST(str_round_trip)
{
    char *longest = malloc(SVC_PROTO_MAX_STRING + 1);
    struct svc_wbuf w;
    struct svc_rbuf r;
    char *s;

    memset(longest, 'x', SVC_PROTO_MAX_STRING);
    longest[SVC_PROTO_MAX_STRING] = '\0';
    svc_wbuf_init(&w);
    svc_put_str(&w, "");
    svc_put_str(&w, "Echo");
    svc_put_str(&w, NULL);
    svc_put_str(&w, "caf\xc3\xa9");
    svc_put_str(&w, longest);
    ck_assert_int_eq(w.err, 0);

    svc_rbuf_init(&r, w.data, w.len);
    s = svc_get_str(&r);
    ck_assert_str_eq(s, "");
    free(s);
    s = svc_get_str(&r);
    ck_assert_str_eq(s, "Echo");
    free(s);
    /* Absent is NULL without an error. */
    ck_assert_ptr_null(svc_get_str(&r));
    ck_assert_int_eq(r.err, 0);
    s = svc_get_str(&r);
    ck_assert_str_eq(s, "caf\xc3\xa9");
    free(s);
    s = svc_get_str(&r);
    ck_assert_str_eq(s, longest);
    free(s);
    ck_assert_int_eq(svc_rbuf_end(&r), 0);
    svc_wbuf_free(&w);
    free(longest);
}
END_TEST

START_TEST(str_absent_encoding)
{
    static const uint8_t absent[] = {0xFF, 0xFF, 0xFF, 0xFF};
    struct svc_wbuf w;
    struct svc_rbuf r;

    svc_wbuf_init(&w);
    svc_put_str(&w, NULL);
    ck_assert_uint_eq(w.len, 4);
    ck_assert_mem_eq(w.data, absent, 4);
    svc_wbuf_free(&w);

    svc_rbuf_init(&r, absent, sizeof absent);
    ck_assert_ptr_null(svc_get_str(&r));
    ck_assert_int_eq(svc_rbuf_end(&r), 0);
}
END_TEST

START_TEST(str_too_long)
{
    char *s = malloc(SVC_PROTO_MAX_STRING + 2);
    uint8_t *b = calloc(1, 4 + SVC_PROTO_MAX_STRING + 1);
    struct svc_wbuf w;
    struct svc_rbuf r;

    memset(s, 'x', SVC_PROTO_MAX_STRING + 1);
    s[SVC_PROTO_MAX_STRING + 1] = '\0';
    svc_wbuf_init(&w);
    svc_put_str(&w, s);
    ck_assert_int_eq(w.err, -EMSGSIZE);
    /* Later puts do nothing. */
    svc_put_u32(&w, 7);
    ck_assert_uint_eq(w.len, 0);
    ck_assert_int_eq(w.err, -EMSGSIZE);
    svc_wbuf_free(&w);

    /* On receipt, too long even when the bytes are there. */
    put_le32(b, SVC_PROTO_MAX_STRING + 1);
    memset(b + 4, 'x', SVC_PROTO_MAX_STRING + 1);
    svc_rbuf_init(&r, b, 4 + SVC_PROTO_MAX_STRING + 1);
    ck_assert_ptr_null(svc_get_str(&r));
    ck_assert_int_eq(r.err, -EPROTO);
    free(b);
    free(s);
}
END_TEST

START_TEST(str_truncated)
{
    uint8_t b[8];
    struct svc_rbuf r;

    put_le32(b, 5);
    memcpy(b + 4, "abcd", 4);
    for (size_t cut = 0; cut < sizeof b; cut++) {
        svc_rbuf_init(&r, b, cut);
        ck_assert_ptr_null(svc_get_str(&r));
        ck_assert_int_eq(r.err, -EPROTO);
        ck_assert_int_eq(svc_rbuf_end(&r), -EPROTO);
    }
}
END_TEST

START_TEST(str_embedded_nul)
{
    static const uint8_t b[] = {3, 0, 0, 0, 'a', '\0', 'b'};
    static const uint8_t tail[] = {1, 0, 0, 0, '\0'};
    struct svc_rbuf r;

    svc_rbuf_init(&r, b, sizeof b);
    ck_assert_ptr_null(svc_get_str(&r));
    ck_assert_int_eq(r.err, -EPROTO);
    ck_assert_int_eq(svc_rbuf_end(&r), -EPROTO);

    svc_rbuf_init(&r, tail, sizeof tail);
    ck_assert_ptr_null(svc_get_str(&r));
    ck_assert_int_eq(r.err, -EPROTO);

    /* Inside a list too. */
    {
        static const uint8_t l[] = {1, 0, 0, 0, 2, 0, 0, 0, 'a', '\0'};

        svc_rbuf_init(&r, l, sizeof l);
        ck_assert_ptr_null(svc_get_strv(&r));
        ck_assert_int_eq(r.err, -EPROTO);
    }
}
END_TEST

START_TEST(strv_round_trip)
{
    char *three[] = {"a", "", "ccc", NULL};
    char *none[] = {NULL};
    struct svc_wbuf w;
    struct svc_rbuf r;
    char **v;

    svc_wbuf_init(&w);
    svc_put_strv(&w, three);
    svc_put_strv(&w, NULL);
    svc_put_strv(&w, none);
    ck_assert_int_eq(w.err, 0);
    ck_assert_uint_eq(w.len, 4 + 4 + 1 + 4 + 4 + 3 + 4 + 4);

    svc_rbuf_init(&r, w.data, w.len);
    v = svc_get_strv(&r);
    assert_strv_eq(v, three);
    svc_strv_free(v);
    /* An empty list is an empty vector, not NULL (NULL means error). */
    v = svc_get_strv(&r);
    assert_strv_eq(v, none);
    svc_strv_free(v);
    v = svc_get_strv(&r);
    assert_strv_eq(v, none);
    svc_strv_free(v);
    ck_assert_int_eq(svc_rbuf_end(&r), 0);
    svc_wbuf_free(&w);
    svc_strv_free(NULL);
}
END_TEST

START_TEST(strv_absent_element)
{
    static const uint8_t b[] = {2, 0, 0, 0, 1, 0, 0, 0, 'a', 0xFF, 0xFF, 0xFF, 0xFF};
    struct svc_rbuf r;

    svc_rbuf_init(&r, b, sizeof b);
    ck_assert_ptr_null(svc_get_strv(&r));
    ck_assert_int_eq(r.err, -EPROTO);
}
END_TEST

START_TEST(strv_count_over_limit)
{
    uint8_t b[4 + 4 * 16];
    struct svc_rbuf r;

    memset(b, 0, sizeof b);
    /* Counts that would ask for gigabytes fail before any allocation:
     * an implementation that tried would get -ENOMEM or abort. */
    put_le32(b, 0xFFFFFFF0);
    svc_rbuf_init(&r, b, sizeof b);
    ck_assert_ptr_null(svc_get_strv(&r));
    ck_assert_int_eq(r.err, -EPROTO);

    put_le32(b, SVC_PROTO_MAX_LIST + 1);
    svc_rbuf_init(&r, b, sizeof b);
    ck_assert_ptr_null(svc_get_strv(&r));
    ck_assert_int_eq(r.err, -EPROTO);

    /* Within the limit but more than the bytes could hold. */
    put_le32(b, 17);
    svc_rbuf_init(&r, b, sizeof b);
    ck_assert_ptr_null(svc_get_strv(&r));
    ck_assert_int_eq(r.err, -EPROTO);

    /* Sixteen empty strings fit exactly. */
    put_le32(b, 16);
    svc_rbuf_init(&r, b, sizeof b);
    {
        char **v = svc_get_strv(&r);

        ck_assert_ptr_nonnull(v);
        ck_assert_str_eq(v[15], "");
        ck_assert_ptr_null(v[16]);
        svc_strv_free(v);
    }
    ck_assert_int_eq(svc_rbuf_end(&r), 0);
}
END_TEST

START_TEST(strv_at_limit)
{
    char **v = calloc(SVC_PROTO_MAX_LIST + 2, sizeof *v);
    struct svc_wbuf w;
    struct svc_rbuf r;
    char **back;

    for (size_t i = 0; i < SVC_PROTO_MAX_LIST; i++)
        v[i] = "";
    svc_wbuf_init(&w);
    svc_put_strv(&w, v);
    ck_assert_int_eq(w.err, 0);
    svc_rbuf_init(&r, w.data, w.len);
    back = svc_get_strv(&r);
    ck_assert_ptr_nonnull(back);
    ck_assert_ptr_null(back[SVC_PROTO_MAX_LIST]);
    ck_assert_int_eq(svc_rbuf_end(&r), 0);
    svc_strv_free(back);
    svc_wbuf_free(&w);

    v[SVC_PROTO_MAX_LIST] = "";
    svc_wbuf_init(&w);
    svc_put_strv(&w, v);
    ck_assert_int_eq(w.err, -EMSGSIZE);
    svc_wbuf_free(&w);
    free(v);
}
END_TEST

START_TEST(payload_limit)
{
    char *s = malloc(SVC_PROTO_MAX_STRING + 1);
    struct svc_wbuf w;
    size_t puts = 0;

    memset(s, 'x', SVC_PROTO_MAX_STRING);
    s[SVC_PROTO_MAX_STRING] = '\0';
    svc_wbuf_init(&w);
    while (w.err == 0) {
        svc_put_str(&w, s);
        puts++;
    }
    ck_assert_int_eq(w.err, -EMSGSIZE);
    ck_assert_uint_le(w.len, SVC_PROTO_MAX_PAYLOAD);
    ck_assert_uint_eq(puts, SVC_PROTO_MAX_PAYLOAD / (4 + SVC_PROTO_MAX_STRING) + 1);
    svc_wbuf_free(&w);

    /* A payload of exactly the limit is fine. */
    svc_wbuf_init(&w);
    for (size_t i = 0; i < SVC_PROTO_MAX_PAYLOAD / 4; i++)
        svc_put_u32(&w, (uint32_t)i);
    ck_assert_int_eq(w.err, 0);
    ck_assert_uint_eq(w.len, SVC_PROTO_MAX_PAYLOAD);
    svc_put_u32(&w, 0);
    ck_assert_int_eq(w.err, -EMSGSIZE);
    svc_wbuf_free(&w);
    free(s);
}
END_TEST

START_TEST(status_round_trip)
{
    SERVICE_STATUS_PROCESS sp = {1, 2, 3, 4, 5, 6, 7, 8, 9}, sp2;
    SERVICE_STATUS ss = {10, 11, 12, 13, 14, 15, 16}, ss2;
    struct svc_wbuf w;
    struct svc_rbuf r;

    svc_wbuf_init(&w);
    svc_put_status(&w, &sp);
    svc_put_service_status(&w, &ss);
    ck_assert_int_eq(w.err, 0);
    ck_assert_uint_eq(w.len, 9 * 4 + 7 * 4);
    /* Field order: dwServiceType first, dwServiceFlags last. */
    ck_assert_uint_eq(w.data[0], 1);
    ck_assert_uint_eq(w.data[32], 9);
    ck_assert_uint_eq(w.data[36], 10);

    svc_rbuf_init(&r, w.data, w.len);
    svc_get_status(&r, &sp2);
    svc_get_service_status(&r, &ss2);
    ck_assert_int_eq(svc_rbuf_end(&r), 0);
    ck_assert_uint_eq(sp2.dwServiceType, 1);
    ck_assert_uint_eq(sp2.dwCurrentState, 2);
    ck_assert_uint_eq(sp2.dwControlsAccepted, 3);
    ck_assert_uint_eq(sp2.dwWin32ExitCode, 4);
    ck_assert_uint_eq(sp2.dwServiceSpecificExitCode, 5);
    ck_assert_uint_eq(sp2.dwCheckPoint, 6);
    ck_assert_uint_eq(sp2.dwWaitHint, 7);
    ck_assert_uint_eq(sp2.dwProcessId, 8);
    ck_assert_uint_eq(sp2.dwServiceFlags, 9);
    ck_assert_uint_eq(ss2.dwServiceType, 10);
    ck_assert_uint_eq(ss2.dwCurrentState, 11);
    ck_assert_uint_eq(ss2.dwControlsAccepted, 12);
    ck_assert_uint_eq(ss2.dwWin32ExitCode, 13);
    ck_assert_uint_eq(ss2.dwServiceSpecificExitCode, 14);
    ck_assert_uint_eq(ss2.dwCheckPoint, 15);
    ck_assert_uint_eq(ss2.dwWaitHint, 16);

    /* One byte short. */
    svc_rbuf_init(&r, w.data, 9 * 4 - 1);
    svc_get_status(&r, &sp2);
    ck_assert_int_eq(svc_rbuf_end(&r), -EPROTO);
    svc_wbuf_free(&w);
}
END_TEST

START_TEST(trailing_bytes)
{
    static const uint8_t b[] = {1, 0, 0, 0, 0};
    struct svc_rbuf r;

    svc_rbuf_init(&r, b, sizeof b);
    ck_assert_uint_eq(svc_get_u32(&r), 1);
    ck_assert_int_eq(r.err, 0);
    ck_assert_int_eq(svc_rbuf_end(&r), -EPROTO);

    /* An empty payload is fully consumed by reading nothing. */
    svc_rbuf_init(&r, NULL, 0);
    ck_assert_int_eq(svc_rbuf_end(&r), 0);
}
END_TEST

/* ---- Config and host records ----------------------------------------------- */

START_TEST(config_round_trip)
{
    struct svc_msg_config c = full_config(), back;
    struct svc_wbuf w;
    struct svc_rbuf r;

    svc_wbuf_init(&w);
    svc_put_config(&w, &c);
    ck_assert_int_eq(w.err, 0);
    svc_rbuf_init(&r, w.data, w.len);
    ck_assert_int_eq(svc_get_config(&r, &back), 0);
    ck_assert_int_eq(svc_rbuf_end(&r), 0);
    ck_assert_uint_eq(back.mask, SVC_CFG_ALL);
    ck_assert_str_eq(back.name, c.name);
    ck_assert_str_eq(back.display_name, c.display_name);
    ck_assert_str_eq(back.description, c.description);
    ck_assert_uint_eq(back.type, c.type);
    ck_assert_uint_eq(back.start, c.start);
    ck_assert_uint_eq(back.error_control, c.error_control);
    ck_assert_str_eq(back.image_path, c.image_path);
    ck_assert_str_eq(back.load_order_group, c.load_order_group);
    assert_strv_eq(back.depend_on_service, deps);
    assert_strv_eq(back.depend_on_group, groups);
    ck_assert_str_eq(back.object_name, c.object_name);
    ck_assert_str_eq(back.service_dll, c.service_dll);
    ck_assert_str_eq(back.service_main, c.service_main);
    assert_strv_eq(back.params, params);
    ck_assert_uint_eq(back.failure_reset_s, 86400);
    ck_assert_uint_eq(back.n_failure_actions, 3);
    for (size_t i = 0; i < 3; i++) {
        ck_assert_uint_eq(back.failure_actions[i].type, actions[i].type);
        ck_assert_uint_eq(back.failure_actions[i].delay_ms, actions[i].delay_ms);
    }
    ck_assert_str_eq(back.failure_command, c.failure_command);
    ck_assert_str_eq(back.reboot_message, c.reboot_message);
    ck_assert_uint_eq(back.failure_non_crash, 1);
    ck_assert_uint_eq(back.preshutdown_timeout_ms, 180000);
    ck_assert_uint_eq(back.delayed_autostart, 1);
    ck_assert_uint_eq(back.preferred_node, 3);
    ck_assert_uint_eq(back.launch_protected, 2);
    assert_strv_eq(back.triggers, triggers_words);
    assert_strv_eq(back.required_privileges, privileges);
    ck_assert_uint_eq(back.sid_type, SERVICE_SID_TYPE_RESTRICTED);
    svc_msg_config_free(&back);
    ck_assert_ptr_null(back.name);
    ck_assert_ptr_null(back.failure_actions);
    svc_wbuf_free(&w);
}
END_TEST

/* Every proper prefix of a config fails cleanly, leaving c empty
 * (a leak here is caught by the sanitizer build). */
START_TEST(config_truncated_everywhere)
{
    struct svc_msg_config c = full_config(), back;
    struct svc_wbuf w;

    svc_wbuf_init(&w);
    svc_put_config(&w, &c);
    ck_assert_int_eq(w.err, 0);
    for (size_t cut = 0; cut < w.len; cut++) {
        /* A copy of exactly cut bytes, so reading past it is an ASan error. */
        uint8_t *p = malloc(cut != 0 ? cut : 1);
        struct svc_rbuf r;

        memcpy(p, w.data, cut);
        svc_rbuf_init(&r, p, cut);
        ck_assert_msg(svc_get_config(&r, &back) == -EPROTO, "cut at %zu", cut);
        ck_assert_int_eq(svc_rbuf_end(&r), -EPROTO);
        ck_assert_ptr_null(back.name);
        ck_assert_ptr_null(back.params);
        ck_assert_ptr_null(back.depend_on_service);
        ck_assert_ptr_null(back.failure_actions);
        ck_assert_ptr_null(back.failure_command);
        free(p);
    }
    svc_wbuf_free(&w);
}
END_TEST

START_TEST(config_partial_mask)
{
    struct svc_msg_config c = full_config(), back;
    struct svc_wbuf w, w2;
    struct svc_rbuf r;

    /* Only the fields whose bit is set go out; the others are
     * absent/0/empty whatever the struct holds. */
    c.mask = SVC_CFG_START | SVC_CFG_PARAMS;
    svc_wbuf_init(&w);
    svc_put_config(&w, &c);
    ck_assert_int_eq(w.err, 0);
    svc_rbuf_init(&r, w.data, w.len);
    ck_assert_int_eq(svc_get_config(&r, &back), 0);
    ck_assert_int_eq(svc_rbuf_end(&r), 0);
    ck_assert_uint_eq(back.mask, SVC_CFG_START | SVC_CFG_PARAMS);
    ck_assert_str_eq(back.name, "Echo");
    ck_assert_ptr_null(back.display_name);
    ck_assert_ptr_null(back.description);
    ck_assert_uint_eq(back.type, 0);
    ck_assert_uint_eq(back.start, SERVICE_AUTO_START);
    ck_assert_ptr_null(back.image_path);
    ck_assert_ptr_null(back.depend_on_service);
    ck_assert_ptr_null(back.depend_on_group);
    ck_assert_ptr_null(back.service_dll);
    assert_strv_eq(back.params, params);
    ck_assert_uint_eq(back.failure_reset_s, 0);
    ck_assert_uint_eq(back.n_failure_actions, 0);
    ck_assert_ptr_null(back.failure_actions);
    ck_assert_ptr_null(back.failure_command);
    ck_assert_ptr_null(back.reboot_message);
    ck_assert_uint_eq(back.failure_non_crash, 0);
    ck_assert_uint_eq(back.preshutdown_timeout_ms, 0);
    ck_assert_uint_eq(back.delayed_autostart, 0);
    ck_assert_uint_eq(back.preferred_node, 0);
    ck_assert_uint_eq(back.launch_protected, 0);
    ck_assert_ptr_null(back.triggers);
    ck_assert_ptr_null(back.required_privileges);
    ck_assert_uint_eq(back.sid_type, 0);
    svc_msg_config_free(&back);

    /* The Config2 fields alone, each with its bit. */
    c.mask = SVC_CFG_CONFIG2;
    svc_wbuf_init(&w2);
    svc_put_config(&w2, &c);
    ck_assert_int_eq(w2.err, 0);
    svc_rbuf_init(&r, w2.data, w2.len);
    ck_assert_int_eq(svc_get_config(&r, &back), 0);
    ck_assert_int_eq(svc_rbuf_end(&r), 0);
    ck_assert_ptr_null(back.params);
    ck_assert_uint_eq(back.start, 0);
    ck_assert_uint_eq(back.n_failure_actions, 3);
    ck_assert_uint_eq(back.failure_actions[2].delay_ms, 0xFFFFFFFFu);
    ck_assert_str_eq(back.reboot_message, "Echo failed");
    ck_assert_uint_eq(back.preshutdown_timeout_ms, 180000);
    assert_strv_eq(back.required_privileges, privileges);
    ck_assert_uint_eq(back.sid_type, SERVICE_SID_TYPE_RESTRICTED);
    svc_msg_config_free(&back);
    svc_wbuf_free(&w2);
    /* An empty privilege list is carried as such (it removes the list),
     * and a clear bit reads back as no list at all. */
    {
        char *none[] = { NULL };

        c.mask = SVC_CFG_REQUIRED_PRIVILEGES;
        c.required_privileges = none;
        svc_wbuf_init(&w2);
        svc_put_config(&w2, &c);
        svc_rbuf_init(&r, w2.data, w2.len);
        ck_assert_int_eq(svc_get_config(&r, &back), 0);
        ck_assert_uint_eq(back.mask, SVC_CFG_REQUIRED_PRIVILEGES);
        ck_assert_ptr_nonnull(back.required_privileges);
        ck_assert_ptr_null(back.required_privileges[0]);
        ck_assert_uint_eq(back.sid_type, 0);
        svc_msg_config_free(&back);
        svc_wbuf_free(&w2);
        c.required_privileges = privileges;
    }
    /* An empty action list is carried as such (it deletes the actions). */
    c.n_failure_actions = 0;
    c.failure_actions = NULL;
    c.mask = SVC_CFG_FAILURE_ACTIONS;
    svc_wbuf_init(&w2);
    svc_put_config(&w2, &c);
    svc_rbuf_init(&r, w2.data, w2.len);
    ck_assert_int_eq(svc_get_config(&r, &back), 0);
    ck_assert_uint_eq(back.mask, SVC_CFG_FAILURE_ACTIONS);
    ck_assert_uint_eq(back.failure_reset_s, 86400);
    ck_assert_uint_eq(back.n_failure_actions, 0);
    svc_msg_config_free(&back);
    svc_wbuf_free(&w2);
    /* A count with no actions behind it is refused by the writer. */
    c.n_failure_actions = 2;
    svc_wbuf_init(&w2);
    svc_put_config(&w2, &c);
    ck_assert_int_eq(w2.err, -EINVAL);
    svc_wbuf_free(&w2);
    c = full_config();
    c.mask = SVC_CFG_START | SVC_CFG_PARAMS;

    /* The layout does not depend on the mask: same length as a config
     * with the same bits set and the other fields empty. */
    {
        struct svc_msg_config empty = {.mask = c.mask, .name = "Echo",
                                       .start = SERVICE_AUTO_START, .params = params};

        svc_wbuf_init(&w2);
        svc_put_config(&w2, &empty);
        ck_assert_uint_eq(w2.len, w.len);
        ck_assert_mem_eq(w2.data, w.data, w.len);
        svc_wbuf_free(&w2);
    }
    svc_wbuf_free(&w);
}
END_TEST

/* Byte offset of the u32 type field in an encoded config whose name is
 * "Echo" and whose display name and description are absent. */
#define TYPE_OFF (4 + 4 + 4 + 4 + 4)

START_TEST(config_rejects)
{
    struct svc_msg_config c = {.mask = SVC_CFG_START, .name = "Echo", .start = 3}, back;
    struct svc_wbuf w;
    struct svc_rbuf r;

    /* The writer refuses a config the reader would refuse. */
    c.name = NULL;
    svc_wbuf_init(&w);
    svc_put_config(&w, &c);
    ck_assert_int_eq(w.err, -EINVAL);
    svc_wbuf_free(&w);
    c.name = "Echo";
    c.mask = SVC_CFG_ALL + 1;
    svc_wbuf_init(&w);
    svc_put_config(&w, &c);
    ck_assert_int_eq(w.err, -EINVAL);
    svc_wbuf_free(&w);
    c.mask = SVC_CFG_START;

    svc_wbuf_init(&w);
    svc_put_config(&w, &c);
    ck_assert_int_eq(w.err, 0);
    ck_assert_uint_eq(w.data[TYPE_OFF + 4], 3);

    /* A field whose bit is clear carries a value. */
    w.data[TYPE_OFF] = 1;
    svc_rbuf_init(&r, w.data, w.len);
    ck_assert_int_eq(svc_get_config(&r, &back), -EPROTO);
    ck_assert_ptr_null(back.name);
    w.data[TYPE_OFF] = 0;

    /* An unknown mask bit. */
    put_le32(w.data, SVC_CFG_START | (SVC_CFG_ALL + 1));
    svc_rbuf_init(&r, w.data, w.len);
    ck_assert_int_eq(svc_get_config(&r, &back), -EPROTO);
    put_le32(w.data, SVC_CFG_START);

    /* An absent name. */
    {
        struct svc_wbuf w2;

        svc_wbuf_init(&w2);
        svc_put_u32(&w2, SVC_CFG_START);
        svc_put_str(&w2, NULL);
        svc_put_str(&w2, NULL);
        svc_put_str(&w2, NULL);
        svc_put_u32(&w2, 0);
        svc_put_u32(&w2, 3);
        svc_put_u32(&w2, 0);
        svc_put_str(&w2, NULL);
        svc_put_str(&w2, NULL);
        svc_put_strv(&w2, NULL);
        svc_put_strv(&w2, NULL);
        svc_put_str(&w2, NULL);
        svc_put_str(&w2, NULL);
        svc_put_str(&w2, NULL);
        svc_put_strv(&w2, NULL);
        svc_put_u32(&w2, 0);                /* reset period */
        svc_put_u32(&w2, 0);                /* no actions */
        svc_put_str(&w2, NULL);
        svc_put_str(&w2, NULL);
        svc_put_u32(&w2, 0);
        svc_put_u32(&w2, 0);
        svc_put_u32(&w2, 0);
        svc_put_u32(&w2, 0);                /* preferred node */
        svc_put_u32(&w2, 0);                /* launch protected */
        svc_put_strv(&w2, NULL);            /* triggers */
        svc_put_strv(&w2, NULL);            /* profiles */
        svc_put_strv(&w2, NULL);            /* required privileges */
        svc_put_u32(&w2, 0);                /* SID type */
        ck_assert_uint_eq(w2.len, w.len - 4);
        svc_rbuf_init(&r, w2.data, w2.len);
        ck_assert_int_eq(svc_get_config(&r, &back), -EPROTO);
        svc_wbuf_free(&w2);
    }

    /* A Config2 field whose bit is clear carries a value: the SID type
     * (the last u32), launch_protected (before the empty trigger,
     * profile and privilege lists), a privilege list, then the action
     * count. */
    w.data[w.len - 4] = 1;
    svc_rbuf_init(&r, w.data, w.len);
    ck_assert_int_eq(svc_get_config(&r, &back), -EPROTO);
    w.data[w.len - 4] = 0;
    w.data[w.len - 20] = 1;
    svc_rbuf_init(&r, w.data, w.len);
    ck_assert_int_eq(svc_get_config(&r, &back), -EPROTO);
    w.data[w.len - 20] = 0;
    {
        struct svc_msg_config p = {.mask = SVC_CFG_START | SVC_CFG_REQUIRED_PRIVILEGES,
                                   .name = "Echo", .start = 3, .required_privileges = privileges};
        struct svc_wbuf w3;

        svc_wbuf_init(&w3);
        svc_put_config(&w3, &p);
        put_le32(w3.data, SVC_CFG_START);
        svc_rbuf_init(&r, w3.data, w3.len);
        ck_assert_int_eq(svc_get_config(&r, &back), -EPROTO);
        ck_assert_ptr_null(back.required_privileges);
        put_le32(w3.data, SVC_CFG_START | SVC_CFG_REQUIRED_PRIVILEGES);
        svc_rbuf_init(&r, w3.data, w3.len);
        ck_assert_int_eq(svc_get_config(&r, &back), 0);
        assert_strv_eq(back.required_privileges, privileges);
        svc_msg_config_free(&back);
        svc_wbuf_free(&w3);
    }
    put_le32(w.data + w.len - 48, 1);
    svc_rbuf_init(&r, w.data, w.len);
    ck_assert_int_eq(svc_get_config(&r, &back), -EPROTO);
    ck_assert_ptr_null(back.failure_actions);
    put_le32(w.data, SVC_CFG_START | SVC_CFG_FAILURE_ACTIONS);
    svc_rbuf_init(&r, w.data, w.len);
    ck_assert_int_eq(svc_get_config(&r, &back), -EPROTO);  /* 1 action, 8 bytes short */
    put_le32(w.data + w.len - 48, 0xFFFFFFFFu);
    svc_rbuf_init(&r, w.data, w.len);
    ck_assert_int_eq(svc_get_config(&r, &back), -EPROTO);  /* a count past any limit */
    put_le32(w.data + w.len - 48, 0);
    put_le32(w.data, SVC_CFG_START);

    /* Still decodes once repaired. */
    svc_rbuf_init(&r, w.data, w.len);
    ck_assert_int_eq(svc_get_config(&r, &back), 0);
    ck_assert_int_eq(svc_rbuf_end(&r), 0);
    svc_msg_config_free(&back);
    svc_wbuf_free(&w);
}
END_TEST

START_TEST(host_round_trip)
{
    char *svcs[] = {"Echo", "Heartbeat", NULL};
    struct svc_msg_host h = {.pid = 4242, .group = "demo", .services = svcs};
    struct svc_msg_host own = {.pid = 7, .group = NULL, .services = NULL};
    struct svc_msg_host back;
    struct svc_wbuf w;
    struct svc_rbuf r;
    size_t first;

    svc_wbuf_init(&w);
    svc_put_host(&w, &h);
    first = w.len;
    svc_put_host(&w, &own);
    ck_assert_int_eq(w.err, 0);

    svc_rbuf_init(&r, w.data, w.len);
    ck_assert_int_eq(svc_get_host(&r, &back), 0);
    ck_assert_uint_eq(back.pid, 4242);
    ck_assert_str_eq(back.group, "demo");
    assert_strv_eq(back.services, svcs);
    svc_msg_host_free(&back);
    ck_assert_int_eq(svc_get_host(&r, &back), 0);
    ck_assert_uint_eq(back.pid, 7);
    ck_assert_ptr_null(back.group);
    ck_assert_ptr_null(back.services[0]);
    svc_msg_host_free(&back);
    ck_assert_int_eq(svc_rbuf_end(&r), 0);

    for (size_t cut = 0; cut < first; cut++) {
        svc_rbuf_init(&r, w.data, cut);
        ck_assert_int_eq(svc_get_host(&r, &back), -EPROTO);
        ck_assert_ptr_null(back.group);
        ck_assert_ptr_null(back.services);
    }
    svc_wbuf_free(&w);
}
END_TEST

/* ---- Whole frames over a socketpair ------------------------------------------ */

static int sp[2];

static void pair_setup(void)
{
    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sp), 0);
}

static void pair_teardown(void)
{
    if (sp[0] >= 0)
        close(sp[0]);
    if (sp[1] >= 0)
        close(sp[1]);
}

static void pair_close(int i)
{
    close(sp[i]);
    sp[i] = -1;
}

static void write_all(int fd, const void *p, size_t n)
{
    ck_assert_int_eq(write(fd, p, n), (ssize_t)n);
}

START_TEST(frame_send_recv)
{
    struct svc_frame_header h;
    struct svc_wbuf w;
    uint8_t *p;
    char *s;

    svc_wbuf_init(&w);
    svc_put_str(&w, "Echo");
    svc_put_u32(&w, SERVICE_CONTROL_STOP);
    ck_assert_int_eq(svc_frame_send(sp[0], SVC_MSG_CONTROL_SERVICE, 77, &w), 0);
    ck_assert_int_eq(svc_frame_send(sp[0], SVC_MSG_HOST_EXIT, 0, NULL), 0);

    ck_assert_int_eq(svc_frame_recv(sp[1], &h, &p), 0);
    ck_assert_uint_eq(h.type, SVC_MSG_CONTROL_SERVICE);
    ck_assert_uint_eq(h.id, 77);
    ck_assert_uint_eq(h.length, w.len);
    ck_assert_mem_eq(p, w.data, w.len);
    {
        struct svc_rbuf r;

        svc_rbuf_init(&r, p, h.length);
        s = svc_get_str(&r);
        ck_assert_str_eq(s, "Echo");
        ck_assert_uint_eq(svc_get_u32(&r), SERVICE_CONTROL_STOP);
        ck_assert_int_eq(svc_rbuf_end(&r), 0);
        free(s);
    }
    free(p);

    ck_assert_int_eq(svc_frame_recv(sp[1], &h, &p), 0);
    ck_assert_uint_eq(h.type, SVC_MSG_HOST_EXIT);
    ck_assert_uint_eq(h.length, 0);
    ck_assert_ptr_null(p);

    /* The peer closes between frames. */
    pair_close(0);
    ck_assert_int_eq(svc_frame_recv(sp[1], &h, &p), -ECONNRESET);
    ck_assert_ptr_null(p);
    svc_wbuf_free(&w);
}
END_TEST

/* The reading-ahead reader: frames that came in one read are handed out
 * one by one, a payload longer than its buffer is read on into the
 * payload, and the peer's close is told apart between frames and
 * inside one. */
START_TEST(frame_reader)
{
    struct svc_frame_reader in;
    struct svc_frame_header h;
    struct svc_wbuf small, big;
    uint8_t hdr[SVC_PROTO_HEADER_SIZE];
    uint8_t *p;

    svc_wbuf_init(&small);
    svc_put_str(&small, "Echo");
    svc_wbuf_init(&big);
    for (uint32_t i = 0; i < 3000; i++)     /* 12,000 bytes: three buffers' worth */
        svc_put_u32(&big, i);
    ck_assert_int_eq(svc_frame_send(sp[0], SVC_MSG_CONTROL_SERVICE, 1, &small), 0);
    ck_assert_int_eq(svc_frame_send(sp[0], SVC_MSG_REPLY, 2, &big), 0);
    ck_assert_int_eq(svc_frame_send(sp[0], SVC_MSG_HOST_EXIT, 3, NULL), 0);
    pair_close(0);

    svc_frame_reader_init(&in, sp[1]);
    ck_assert_int_eq(svc_frame_reader_next(&in, &h, &p), 0);
    ck_assert_uint_eq(h.type, SVC_MSG_CONTROL_SERVICE);
    ck_assert_uint_eq(h.id, 1);
    ck_assert_uint_eq(h.length, small.len);
    ck_assert_mem_eq(p, small.data, small.len);
    free(p);
    ck_assert_int_eq(svc_frame_reader_next(&in, &h, &p), 0);
    ck_assert_uint_eq(h.id, 2);
    ck_assert_uint_eq(h.length, big.len);
    ck_assert_mem_eq(p, big.data, big.len);
    free(p);
    ck_assert_int_eq(svc_frame_reader_next(&in, &h, &p), 0);
    ck_assert_uint_eq(h.type, SVC_MSG_HOST_EXIT);
    ck_assert_uint_eq(h.id, 3);
    ck_assert_ptr_null(p);
    /* Closed between frames. */
    ck_assert_int_eq(svc_frame_reader_next(&in, &h, &p), -ECONNRESET);
    ck_assert_ptr_null(p);
    pair_teardown();

    /* Closed inside a payload. */
    pair_setup();
    valid_header(hdr, SVC_MSG_REPLY, 4, 8);
    write_all(sp[0], hdr, sizeof hdr);
    write_all(sp[0], "abc", 3);
    pair_close(0);
    svc_frame_reader_init(&in, sp[1]);
    ck_assert_int_eq(svc_frame_reader_next(&in, &h, &p), -EPROTO);
    ck_assert_ptr_null(p);
    svc_wbuf_free(&small);
    svc_wbuf_free(&big);
}
END_TEST

START_TEST(frame_send_failed_wbuf)
{
    struct svc_wbuf w;
    char buf[1];

    svc_wbuf_init(&w);
    w.err = -EMSGSIZE;
    ck_assert_int_eq(svc_frame_send(sp[0], SVC_MSG_REPLY, 1, &w), -EMSGSIZE);
    /* Nothing was written. */
    pair_close(0);
    ck_assert_int_eq(read(sp[1], buf, 1), 0);
}
END_TEST

START_TEST(frame_send_peer_gone)
{
    struct svc_wbuf w;

    /* No SIGPIPE: the test process would die of it. */
    svc_wbuf_init(&w);
    svc_put_u32(&w, 0);
    pair_close(1);
    ck_assert_int_eq(svc_frame_send(sp[0], SVC_MSG_REPLY, 1, &w), -EPIPE);
    svc_wbuf_free(&w);
}
END_TEST

START_TEST(frame_recv_eof_mid_frame)
{
    struct svc_frame_header h;
    uint8_t hdr[SVC_PROTO_HEADER_SIZE];
    uint8_t *p = (uint8_t *)1;

    /* Mid-header. */
    valid_header(hdr, SVC_MSG_REPLY, 1, 8);
    write_all(sp[0], hdr, 5);
    pair_close(0);
    ck_assert_int_eq(svc_frame_recv(sp[1], &h, &p), -EPROTO);
    ck_assert_ptr_null(p);
    pair_teardown();

    /* Mid-payload. */
    pair_setup();
    write_all(sp[0], hdr, sizeof hdr);
    write_all(sp[0], "abc", 3);
    pair_close(0);
    ck_assert_int_eq(svc_frame_recv(sp[1], &h, &p), -EPROTO);
    ck_assert_ptr_null(p);
}
END_TEST

START_TEST(frame_recv_bad_header)
{
    struct svc_frame_header h;
    uint8_t hdr[SVC_PROTO_HEADER_SIZE];
    uint8_t *p;

    valid_header(hdr, SVC_MSG_REPLY, 1, 0);
    hdr[3] = 1;
    write_all(sp[0], hdr, sizeof hdr);
    ck_assert_int_eq(svc_frame_recv(sp[1], &h, &p), -EPROTO);
    ck_assert_ptr_null(p);

    valid_header(hdr, SVC_MSG_REPLY, 1, SVC_PROTO_MAX_PAYLOAD + 1);
    write_all(sp[0], hdr, sizeof hdr);
    ck_assert_int_eq(svc_frame_recv(sp[1], &h, &p), -EMSGSIZE);
    ck_assert_ptr_null(p);
}
END_TEST

/* A frame far larger than the socket buffer needs a concurrent reader;
 * with a non-blocking sender it also exercises the wait for POLLOUT. */
struct big_reader {
    int fd;
    int rc;
    struct svc_frame_header h;
    uint8_t *payload;
};

static void *big_read(void *arg)
{
    struct big_reader *br = arg;

    br->rc = svc_frame_recv(br->fd, &br->h, &br->payload);
    return NULL;
}

static void big_frame(int nonblocking)
{
    struct big_reader br = {.fd = sp[1]};
    struct svc_wbuf w;
    pthread_t t;

    if (nonblocking) {
        ck_assert_int_eq(fcntl(sp[0], F_SETFL, O_NONBLOCK), 0);
        ck_assert_int_eq(fcntl(sp[1], F_SETFL, O_NONBLOCK), 0);
    }
    svc_wbuf_init(&w);
    for (uint32_t i = 0; i < SVC_PROTO_MAX_PAYLOAD / 4; i++)
        svc_put_u32(&w, i * 2654435761u);
    ck_assert_int_eq(w.err, 0);
    ck_assert_int_eq(pthread_create(&t, NULL, big_read, &br), 0);
    ck_assert_int_eq(svc_frame_send(sp[0], SVC_MSG_REPLY, 9, &w), 0);
    ck_assert_int_eq(pthread_join(t, NULL), 0);
    ck_assert_int_eq(br.rc, 0);
    ck_assert_uint_eq(br.h.id, 9);
    ck_assert_uint_eq(br.h.length, SVC_PROTO_MAX_PAYLOAD);
    ck_assert_mem_eq(br.payload, w.data, w.len);
    free(br.payload);
    svc_wbuf_free(&w);
}

START_TEST(frame_big_blocking)
{
    big_frame(0);
}
END_TEST

START_TEST(frame_big_nonblocking)
{
    big_frame(1);
}
END_TEST

/* ---- Incremental receive ------------------------------------------------------ */

struct seen {
    int n;
    uint16_t type[8];
    uint32_t id[8];
    uint32_t len[8];
    uint8_t data[8][64];
    int null_payload[8];
    int stop_after;       /* return 42 after this many frames; 0: never */
};

static int record(void *ctx, const struct svc_frame_header *h, const uint8_t *payload)
{
    struct seen *s = ctx;

    ck_assert_int_lt(s->n, 8);
    ck_assert_uint_le(h->length, sizeof s->data[0]);
    s->type[s->n] = h->type;
    s->id[s->n] = h->id;
    s->len[s->n] = h->length;
    s->null_payload[s->n] = payload == NULL;
    if (h->length != 0) {
        ck_assert_ptr_nonnull(payload);
        memcpy(s->data[s->n], payload, h->length);
    }
    s->n++;
    return s->stop_after != 0 && s->n == s->stop_after ? 42 : 0;
}

/* Three frames back to back: a 5-byte payload, an empty one, a 12-byte one. */
static size_t three_frames(uint8_t *out)
{
    size_t n = 0;

    valid_header(out + n, SVC_MSG_QUERY_STATUS, 1, 5);
    n += SVC_PROTO_HEADER_SIZE;
    memcpy(out + n, "hello", 5);
    n += 5;
    valid_header(out + n, SVC_MSG_ENUM_HOSTS, 2, 0);
    n += SVC_PROTO_HEADER_SIZE;
    valid_header(out + n, SVC_MSG_REPLY, 3, 12);
    n += SVC_PROTO_HEADER_SIZE;
    memcpy(out + n, "0123456789ab", 12);
    n += 12;
    return n;
}

static void check_three(const struct seen *s)
{
    ck_assert_int_eq(s->n, 3);
    ck_assert_uint_eq(s->type[0], SVC_MSG_QUERY_STATUS);
    ck_assert_uint_eq(s->id[0], 1);
    ck_assert_uint_eq(s->len[0], 5);
    ck_assert_mem_eq(s->data[0], "hello", 5);
    ck_assert_uint_eq(s->type[1], SVC_MSG_ENUM_HOSTS);
    ck_assert_uint_eq(s->len[1], 0);
    ck_assert_int_eq(s->null_payload[1], 1);
    ck_assert_uint_eq(s->type[2], SVC_MSG_REPLY);
    ck_assert_uint_eq(s->id[2], 3);
    ck_assert_mem_eq(s->data[2], "0123456789ab", 12);
}

START_TEST(acc_multi_frame_buffer)
{
    struct svc_frame_acc a;
    struct seen s = {0};
    uint8_t buf[128];
    size_t n = three_frames(buf);

    svc_frame_acc_init(&a);
    ck_assert_int_eq(svc_frame_acc_feed(&a, buf, n, record, &s), 0);
    check_three(&s);
    /* Nothing left over. */
    ck_assert_uint_eq(a.hdr_have, 0);
    ck_assert_ptr_null(a.payload);
    ck_assert_int_eq(svc_frame_acc_feed(&a, NULL, 0, record, &s), 0);
    ck_assert_int_eq(s.n, 3);
    svc_frame_acc_free(&a);
}
END_TEST

START_TEST(acc_byte_by_byte)
{
    struct svc_frame_acc a;
    struct seen s = {0};
    uint8_t buf[128];
    size_t n = three_frames(buf);

    svc_frame_acc_init(&a);
    for (size_t i = 0; i < n; i++) {
        /* A heap copy of one byte, so any read beyond it is caught. */
        uint8_t *one = malloc(1);

        *one = buf[i];
        ck_assert_int_eq(svc_frame_acc_feed(&a, one, 1, record, &s), 0);
        free(one);
    }
    check_three(&s);
    svc_frame_acc_free(&a);
}
END_TEST

START_TEST(acc_split_everywhere)
{
    uint8_t buf[128];
    size_t n = three_frames(buf);

    for (size_t cut = 0; cut <= n; cut++) {
        struct svc_frame_acc a;
        struct seen s = {0};

        svc_frame_acc_init(&a);
        ck_assert_int_eq(svc_frame_acc_feed(&a, buf, cut, record, &s), 0);
        ck_assert_int_eq(svc_frame_acc_feed(&a, buf + cut, n - cut, record, &s), 0);
        check_three(&s);
        svc_frame_acc_free(&a);
    }
}
END_TEST

START_TEST(acc_bad_header)
{
    struct svc_frame_acc a;
    struct seen s = {0};
    uint8_t buf[128];
    size_t n = three_frames(buf);

    /* The second frame's magic is wrong: the first is still delivered. */
    buf[SVC_PROTO_HEADER_SIZE + 5] = 'X';
    svc_frame_acc_init(&a);
    ck_assert_int_eq(svc_frame_acc_feed(&a, buf, n, record, &s), -EPROTO);
    ck_assert_int_eq(s.n, 1);
    /* And the stream stays refused. */
    ck_assert_int_eq(svc_frame_acc_feed(&a, buf, n, record, &s), -EPROTO);
    ck_assert_int_eq(s.n, 1);
    svc_frame_acc_free(&a);

    /* An oversized length, fed one byte at a time. */
    valid_header(buf, SVC_MSG_REPLY, 1, SVC_PROTO_MAX_PAYLOAD + 1);
    svc_frame_acc_init(&a);
    for (size_t i = 0; i + 1 < SVC_PROTO_HEADER_SIZE; i++)
        ck_assert_int_eq(svc_frame_acc_feed(&a, buf + i, 1, record, &s), 0);
    ck_assert_int_eq(svc_frame_acc_feed(&a, buf + SVC_PROTO_HEADER_SIZE - 1, 1, record, &s),
                     -EMSGSIZE);
    svc_frame_acc_free(&a);
}
END_TEST

START_TEST(acc_cb_stops)
{
    struct svc_frame_acc a;
    struct seen s = {.stop_after = 1};
    uint8_t buf[128];
    size_t n = three_frames(buf);

    svc_frame_acc_init(&a);
    ck_assert_int_eq(svc_frame_acc_feed(&a, buf, n, record, &s), 42);
    ck_assert_int_eq(s.n, 1);
    svc_frame_acc_free(&a);
}
END_TEST

START_TEST(acc_free_mid_payload)
{
    struct svc_frame_acc a;
    struct seen s = {0};
    uint8_t buf[128];

    /* Freed with half a payload buffered: nothing leaks. */
    three_frames(buf);
    svc_frame_acc_init(&a);
    ck_assert_int_eq(svc_frame_acc_feed(&a, buf, SVC_PROTO_HEADER_SIZE + 2, record, &s), 0);
    ck_assert_ptr_nonnull(a.payload);
    svc_frame_acc_free(&a);
    ck_assert_ptr_null(a.payload);
    ck_assert_int_eq(s.n, 0);
}
END_TEST

/* ---- Suite -------------------------------------------------------------- */

/* ---- Messages -------------------------------------------------------- */

/* Copies a built payload into a reader (the writer is freed). */
static uint8_t *to_reader(struct svc_wbuf *w, struct svc_rbuf *r)
{
    uint8_t *copy = malloc(w->len + 1);

    ck_assert_ptr_nonnull(copy);
    memcpy(copy, w->data, w->len);
    svc_rbuf_init(r, copy, w->len);
    svc_wbuf_free(w);
    return copy;
}

START_TEST(msg_host_start_round_trip)
{
    char *args[] = {"a", "b c", NULL};
    struct svc_start_plugin sent = { "/x/echo.so", "EchoMain", SVC_START_IMPERSONATE }, *plugin;
    struct svc_wbuf w;
    struct svc_rbuf r;
    char *name, **got;
    uint8_t *buf;

    svc_wbuf_init(&w);
    ck_assert_int_eq(svc_msg_host_start_pack(&w, "Echo", args, NULL), 0);
    ck_assert_uint_ge(w.len, SVC_MSG_HOST_START_MIN);
    buf = to_reader(&w, &r);
    ck_assert_int_eq(svc_msg_host_start_unpack(&r, &name, &got, &plugin), 0);
    ck_assert_str_eq(name, "Echo");
    ck_assert_str_eq(got[0], "a");
    ck_assert_str_eq(got[1], "b c");
    ck_assert_ptr_null(got[2]);
    ck_assert_ptr_null(plugin);
    free(name);
    svc_strv_free(got);
    free(buf);

    /* No arguments: an empty list, not NULL. */
    svc_wbuf_init(&w);
    ck_assert_int_eq(svc_msg_host_start_pack(&w, "Echo", NULL, NULL), 0);
    ck_assert_uint_eq(w.len, SVC_MSG_HOST_START_MIN + 4);
    buf = to_reader(&w, &r);
    ck_assert_int_eq(svc_msg_host_start_unpack(&r, &name, &got, &plugin), 0);
    ck_assert_ptr_nonnull(got);
    ck_assert_ptr_null(got[0]);
    free(name);
    svc_strv_free(got);
    free(buf);

    /* With the plugin: every field back, and a cut one refused. */
    svc_wbuf_init(&w);
    ck_assert_int_eq(svc_msg_host_start_pack(&w, "Echo", args, &sent), 0);
    buf = to_reader(&w, &r);
    ck_assert_int_eq(svc_msg_host_start_unpack(&r, &name, &got, &plugin), 0);
    ck_assert_ptr_nonnull(plugin);
    ck_assert_str_eq(plugin->service_dll, "/x/echo.so");
    ck_assert_str_eq(plugin->service_main, "EchoMain");
    ck_assert_uint_eq(plugin->flags, SVC_START_IMPERSONATE);
    free(name);
    svc_strv_free(got);
    svc_start_plugin_free(plugin);
    svc_rbuf_init(&r, buf, r.len - 1);
    ck_assert_int_lt(svc_msg_host_start_unpack(&r, &name, &got, &plugin), 0);
    ck_assert_ptr_null(plugin);
    ck_assert_ptr_null(name);
    free(buf);
}
END_TEST

START_TEST(msg_required_name)
{
    struct svc_wbuf w;
    struct svc_rbuf r;
    char *name = (char *)"x";
    DWORD control = 7;
    uint8_t *buf;

    /* A sender cannot leave the name out ... */
    svc_wbuf_init(&w);
    ck_assert_int_eq(svc_msg_host_control_pack(&w, NULL, 1), -EINVAL);
    svc_wbuf_free(&w);
    /* ... and a receiver refuses one that is absent, leaving no output. */
    svc_wbuf_init(&w);
    svc_put_str(&w, NULL);
    svc_put_u32(&w, 1);
    buf = to_reader(&w, &r);
    ck_assert_int_eq(svc_msg_host_control_unpack(&r, &name, &control), -EPROTO);
    ck_assert_int_eq(r.err, -EPROTO);
    ck_assert_ptr_null(name);
    ck_assert_uint_eq(control, 0);
    free(buf);
}
END_TEST

START_TEST(msg_trailing_and_short)
{
    SERVICE_STATUS st = {.dwCurrentState = SERVICE_RUNNING, .dwWaitHint = 5};
    struct svc_wbuf w;
    struct svc_rbuf r;
    char *name;
    SERVICE_STATUS got;
    uint8_t *buf;
    size_t len;

    svc_wbuf_init(&w);
    ck_assert_int_eq(svc_msg_host_status_pack(&w, "S", &st), 0);
    svc_put_u32(&w, 0); /* one field too many */
    len = w.len;
    buf = to_reader(&w, &r);
    ck_assert_int_eq(svc_msg_host_status_unpack(&r, &name, &got), -EPROTO);
    ck_assert_ptr_null(name);
    /* Cut anywhere short of the end. */
    for (size_t cut = 0; cut < len - 4; cut++) {
        svc_rbuf_init(&r, buf, cut);
        ck_assert_int_eq(svc_msg_host_status_unpack(&r, &name, &got), -EPROTO);
        ck_assert_ptr_null(name);
    }
    svc_rbuf_init(&r, buf, len - 4);
    ck_assert_int_eq(svc_msg_host_status_unpack(&r, &name, &got), 0);
    ck_assert_str_eq(name, "S");
    ck_assert_uint_eq(got.dwWaitHint, 5);
    free(name);
    free(buf);
}
END_TEST

START_TEST(msg_hello_and_replies)
{
    char *names[] = {"A", "B", NULL};
    SERVICE_STATUS_PROCESS st = {.dwCurrentState = SERVICE_PAUSED, .dwProcessId = 42};
    SERVICE_STATUS_PROCESS got_st;
    struct svc_wbuf w;
    struct svc_rbuf r;
    char **got, *name;
    uint32_t pid;
    DWORD err;
    uint8_t *buf;

    svc_wbuf_init(&w);
    ck_assert_int_eq(svc_msg_host_hello_pack(&w, 99, names), 0);
    buf = to_reader(&w, &r);
    ck_assert_int_eq(svc_msg_host_hello_unpack(&r, &pid, &got), 0);
    ck_assert_uint_eq(pid, 99);
    ck_assert_str_eq(got[1], "B");
    svc_strv_free(got);
    free(buf);

    /* A failed request: its error and nothing after it. */
    svc_wbuf_init(&w);
    ck_assert_int_eq(svc_msg_reply_pack(&w, ERROR_SERVICE_NOT_IN_EXE), 0);
    ck_assert_uint_eq(w.len, SVC_MSG_REPLY_MIN);
    buf = to_reader(&w, &r);
    ck_assert_int_eq(svc_msg_reply_unpack(&r, &err), 0);
    ck_assert_uint_eq(err, ERROR_SERVICE_NOT_IN_EXE);
    free(buf);

    /* A reply with a body: the head, then the body. */
    svc_wbuf_init(&w);
    ck_assert_int_eq(svc_msg_status_reply_pack(&w, &st), 0);
    ck_assert_uint_eq(w.len, SVC_WIRE_U32 + SVC_WIRE_STATUS);
    buf = to_reader(&w, &r);
    ck_assert_int_eq(svc_msg_reply_head_unpack(&r, &err), 0);
    ck_assert_uint_eq(err, NO_ERROR);
    ck_assert_int_eq(svc_msg_status_reply_unpack(&r, &got_st), 0);
    ck_assert_uint_eq(got_st.dwProcessId, 42);
    ck_assert_uint_eq(got_st.dwCurrentState, SERVICE_PAUSED);
    free(buf);

    svc_wbuf_init(&w);
    ck_assert_int_eq(svc_msg_name_reply_pack(&w, "Key"), 0);
    buf = to_reader(&w, &r);
    ck_assert_int_eq(svc_msg_reply_head_unpack(&r, &err), 0);
    ck_assert_int_eq(svc_msg_name_reply_unpack(&r, &name), 0);
    ck_assert_str_eq(name, "Key");
    free(name);
    free(buf);
}
END_TEST

START_TEST(msg_usage_list)
{
    struct svc_msg_usage rows[2] = {
        {.pid = 1, .service = "Echo", .threads = 3, .cpu_us = 1ull << 40, .pss_kib = 9},
        {.pid = 1, .service = NULL, .threads = 4},
    };
    struct svc_msg_usage *got;
    struct svc_wbuf w;
    struct svc_rbuf r;
    DWORD err;
    size_t n;
    uint8_t *buf;

    svc_wbuf_init(&w);
    ck_assert_int_eq(svc_msg_usage_reply_pack(&w, rows, 2), 0);
    /* The second row is a minimal one (service absent). */
    ck_assert_uint_eq(w.len, 4 + 4 + SVC_WIRE_USAGE_MIN + 4 + SVC_WIRE_USAGE_MIN);
    buf = to_reader(&w, &r);
    ck_assert_int_eq(svc_msg_reply_head_unpack(&r, &err), 0);
    ck_assert_int_eq(svc_msg_usage_reply_unpack(&r, &got, &n), 0);
    ck_assert_uint_eq(n, 2);
    ck_assert_str_eq(got[0].service, "Echo");
    ck_assert_uint_eq(got[0].cpu_us, 1ull << 40);
    ck_assert_ptr_null(got[1].service);
    ck_assert_uint_eq(got[1].threads, 4);
    svc_msg_usage_free(got, n);
    /* The same payload as HOST_QUERY's whole reply. */
    svc_rbuf_init(&r, buf, 4 + 4 + SVC_WIRE_USAGE_MIN + 4 + SVC_WIRE_USAGE_MIN);
    ck_assert_int_eq(svc_msg_host_query_reply_unpack(&r, &got, &n), 0);
    ck_assert_uint_eq(n, 2);
    svc_msg_usage_free(got, n);

    /* A count the bytes cannot hold is refused before allocating. */
    buf[4] = 3;
    svc_rbuf_init(&r, buf, 4 + 4 + 2 * SVC_WIRE_USAGE_MIN + 4);
    ck_assert_int_eq(svc_msg_reply_head_unpack(&r, &err), 0);
    ck_assert_int_eq(svc_msg_usage_reply_unpack(&r, &got, &n), -EPROTO);
    ck_assert_ptr_null(got);
    ck_assert_uint_eq(n, 0);
    free(buf);
}
END_TEST

START_TEST(msg_services_list)
{
    struct svc_msg_service e[2] = {
        {.name = "A", .display = "Alpha", .status = {.dwCurrentState = SERVICE_RUNNING}},
        {.name = "B", .display = "B", .status = {.dwProcessId = 7}},
    };
    struct svc_msg_service *got;
    struct svc_wbuf w;
    struct svc_rbuf r;
    DWORD err;
    size_t n;
    uint8_t *buf;

    svc_wbuf_init(&w);
    ck_assert_int_eq(svc_msg_services_reply_pack(&w, e, 2), 0);
    buf = to_reader(&w, &r);
    ck_assert_int_eq(svc_msg_reply_head_unpack(&r, &err), 0);
    ck_assert_int_eq(svc_msg_services_reply_unpack(&r, &got, &n), 0);
    ck_assert_uint_eq(n, 2);
    ck_assert_str_eq(got[0].display, "Alpha");
    ck_assert_uint_eq(got[1].status.dwProcessId, 7);
    svc_msg_services_free(got, n);
    free(buf);

    /* Both strings of an entry are required. */
    e[1].display = NULL;
    svc_wbuf_init(&w);
    ck_assert_int_eq(svc_msg_services_reply_pack(&w, e, 2), -EINVAL);
    svc_wbuf_free(&w);
    svc_wbuf_init(&w);
    svc_put_u32(&w, NO_ERROR);
    svc_put_u32(&w, 1);
    svc_put_str(&w, "A");
    svc_put_str(&w, NULL);
    svc_put_status(&w, &e[0].status);
    buf = to_reader(&w, &r);
    ck_assert_int_eq(svc_msg_reply_head_unpack(&r, &err), 0);
    ck_assert_int_eq(svc_msg_services_reply_unpack(&r, &got, &n), -EPROTO);
    ck_assert_ptr_null(got);
    free(buf);
}
END_TEST

START_TEST(msg_client_requests)
{
    struct svc_msg_config c = {.mask = SVC_CFG_START, .name = "S", .start = SERVICE_DEMAND_START};
    struct svc_msg_config gc;
    struct svc_wbuf w;
    struct svc_rbuf r;
    DWORD a, b;
    char *group;
    uint8_t *buf;

    svc_wbuf_init(&w);
    ck_assert_int_eq(svc_msg_create_service_pack(&w, SERVICE_ALL_ACCESS, &c), 0);
    buf = to_reader(&w, &r);
    ck_assert_int_eq(svc_msg_create_service_unpack(&r, &a, &gc), 0);
    ck_assert_uint_eq(a, SERVICE_ALL_ACCESS);
    ck_assert_str_eq(gc.name, "S");
    ck_assert_uint_eq(gc.start, SERVICE_DEMAND_START);
    svc_msg_config_free(&gc);
    free(buf);

    svc_wbuf_init(&w);
    ck_assert_int_eq(svc_msg_change_config_pack(&w, &c), 0);
    ck_assert_uint_eq(w.len, SVC_MSG_CHANGE_CONFIG_MIN + 1); /* the name "S" */
    svc_wbuf_free(&w);

    /* The group of ENUM_SERVICES may be absent. */
    svc_wbuf_init(&w);
    ck_assert_int_eq(svc_msg_enum_services_pack(&w, SERVICE_WIN32, SERVICE_STATE_ALL, NULL), 0);
    ck_assert_uint_eq(w.len, SVC_MSG_ENUM_SERVICES_MIN);
    buf = to_reader(&w, &r);
    ck_assert_int_eq(svc_msg_enum_services_unpack(&r, &a, &b, &group), 0);
    ck_assert_uint_eq(a, SERVICE_WIN32);
    ck_assert_uint_eq(b, SERVICE_STATE_ALL);
    ck_assert_ptr_null(group);
    free(buf);

    /* A HOST_QUERY answered with an error has no rows. */
    {
        struct svc_msg_usage *rows;
        size_t n;

        svc_wbuf_init(&w);
        svc_msg_reply_pack(&w, ERROR_NOT_ENOUGH_MEMORY);
        buf = to_reader(&w, &r);
        ck_assert_int_eq(svc_msg_host_query_reply_unpack(&r, &rows, &n), 0);
        ck_assert_ptr_null(rows);
        ck_assert_uint_eq(n, 0);
        free(buf);
    }

    /* An empty message is empty. */
    svc_rbuf_init(&r, NULL, 0);
    ck_assert_int_eq(svc_msg_empty_unpack(&r), 0);
    svc_rbuf_init(&r, "x", 1);
    ck_assert_int_eq(svc_msg_empty_unpack(&r), -EPROTO);
}
END_TEST

/* CLOSE_SERVICE: the name layout, at the end of the client range. */
START_TEST(msg_close_service)
{
    struct svc_wbuf w;
    struct svc_rbuf r;
    char *name;
    uint8_t *buf;

    ck_assert_int_eq(SVC_MSG_CLOSE_SERVICE, SVC_MSG_ENUM_USAGE + 1);
    ck_assert_int_eq(SVC_MSG_QUERY_SECURITY, SVC_MSG_CLOSE_SERVICE + 1);
    ck_assert_int_lt(SVC_MSG_CLIENT_LAST, SVC_MSG_HOST_HELLO);
    svc_wbuf_init(&w);
    ck_assert_int_eq(svc_msg_name_pack(&w, "My Service, v2"), 0);
    ck_assert_uint_ge(w.len, SVC_MSG_NAME_MIN);
    buf = to_reader(&w, &r);
    ck_assert_int_eq(svc_msg_name_unpack(&r, &name), 0);
    ck_assert_str_eq(name, "My Service, v2");
    free(name);
    free(buf);
    /* The name is required. */
    svc_wbuf_init(&w);
    svc_put_str(&w, NULL);
    buf = to_reader(&w, &r);
    ck_assert_int_eq(svc_msg_name_unpack(&r, &name), -EPROTO);
    ck_assert_ptr_null(name);
    free(buf);
}
END_TEST

/* QUERY_SECURITY and SET_SECURITY: the name may be absent (the SCM); the
 * SDDL of SET_SECURITY may not. */
START_TEST(msg_security)
{
    struct svc_wbuf w;
    struct svc_rbuf r;
    char *name, *sddl;
    DWORD info;
    uint8_t *buf;

    ck_assert_int_eq(SVC_MSG_SET_SECURITY, SVC_MSG_QUERY_SECURITY + 1);
    ck_assert_int_eq(SVC_MSG_CLIENT_LAST, SVC_MSG_SET_SECURITY);
    ck_assert_int_lt(SVC_MSG_CLIENT_LAST, SVC_MSG_HOST_HELLO);
    svc_wbuf_init(&w);
    ck_assert_int_eq(svc_msg_query_security_pack(&w, "Svc", 4), 0);
    ck_assert_uint_eq(w.len, SVC_MSG_QUERY_SECURITY_MIN + 3);
    buf = to_reader(&w, &r);
    ck_assert_int_eq(svc_msg_query_security_unpack(&r, &name, &info), 0);
    ck_assert_str_eq(name, "Svc");
    ck_assert_uint_eq(info, 4);
    free(name);
    free(buf);
    svc_wbuf_init(&w);
    ck_assert_int_eq(svc_msg_query_security_pack(&w, NULL, 7), 0);
    ck_assert_uint_eq(w.len, SVC_MSG_QUERY_SECURITY_MIN);
    buf = to_reader(&w, &r);
    ck_assert_int_eq(svc_msg_query_security_unpack(&r, &name, &info), 0);
    ck_assert_ptr_null(name);
    ck_assert_uint_eq(info, 7);
    free(buf);

    svc_wbuf_init(&w);
    ck_assert_int_eq(svc_msg_set_security_pack(&w, NULL, 4, "D:(A;;GA;;;SY)"), 0);
    buf = to_reader(&w, &r);
    ck_assert_int_eq(svc_msg_set_security_unpack(&r, &name, &info, &sddl), 0);
    ck_assert_ptr_null(name);
    ck_assert_uint_eq(info, 4);
    ck_assert_str_eq(sddl, "D:(A;;GA;;;SY)");
    free(sddl);
    free(buf);
    /* Required SDDL: refused by the packer and by the reader. */
    svc_wbuf_init(&w);
    ck_assert_int_eq(svc_msg_set_security_pack(&w, "Svc", 4, NULL), -EINVAL);
    svc_wbuf_free(&w);
    svc_wbuf_init(&w);
    svc_put_str(&w, "Svc");
    svc_put_u32(&w, 4);
    svc_put_str(&w, NULL);
    ck_assert_uint_eq(w.len, SVC_MSG_SET_SECURITY_MIN + 3);
    buf = to_reader(&w, &r);
    ck_assert_int_eq(svc_msg_set_security_unpack(&r, &name, &info, &sddl), -EPROTO);
    ck_assert_ptr_null(name);
    ck_assert_ptr_null(sddl);
    free(buf);
    /* Short: the info missing. */
    svc_wbuf_init(&w);
    svc_put_str(&w, "Svc");
    buf = to_reader(&w, &r);
    ck_assert_int_eq(svc_msg_query_security_unpack(&r, &name, &info), -EPROTO);
    ck_assert_ptr_null(name);
    free(buf);
}
END_TEST

/* ---- HOST_LOG ------------------------------------------------------------ */

/* A HOST_LOG payload written field by field, past the pack's checks. */
static void raw_host_log(struct svc_wbuf *w, const char *name, uint32_t level, const char *text)
{
    svc_wbuf_init(w);
    svc_put_str(w, name);
    svc_put_u32(w, level);
    svc_put_str(w, text);
}

START_TEST(msg_host_log_round_trip)
{
    struct svc_wbuf w;
    struct svc_rbuf r;
    char *name, *text;
    uint32_t level;
    uint8_t *buf;

    for (uint32_t lv = 0; lv <= SVC_MSG_HOST_LOG_MAX_LEVEL; lv++) {
        svc_wbuf_init(&w);
        ck_assert_int_eq(svc_msg_host_log_pack(&w, "Echo", lv, "listening on 127.0.0.1:7007"), 0);
        ck_assert_uint_eq(w.len, SVC_MSG_HOST_LOG_MIN + 4 + 27);
        buf = to_reader(&w, &r);
        ck_assert_int_eq(svc_msg_host_log_unpack(&r, &name, &level, &text), 0);
        ck_assert_str_eq(name, "Echo");
        ck_assert_uint_eq(level, lv);
        ck_assert_str_eq(text, "listening on 127.0.0.1:7007");
        free(name);
        free(text);
        free(buf);
    }
    /* An empty text is a line too. */
    svc_wbuf_init(&w);
    ck_assert_int_eq(svc_msg_host_log_pack(&w, "Echo", 2, ""), 0);
    ck_assert_uint_eq(w.len, SVC_MSG_HOST_LOG_MIN + 4);
    buf = to_reader(&w, &r);
    ck_assert_int_eq(svc_msg_host_log_unpack(&r, &name, &level, &text), 0);
    ck_assert_str_eq(text, "");
    free(name);
    free(text);
    free(buf);
}
END_TEST

/* A text over the limit is cut at it, or before a character that would
 * not fit whole; the limit itself passes. */
START_TEST(msg_host_log_cut)
{
    char long_text[3000], *name, *text;
    struct svc_wbuf w;
    struct svc_rbuf r;
    uint32_t level;
    uint8_t *buf;

    memset(long_text, 'x', sizeof long_text - 1);
    long_text[sizeof long_text - 1] = '\0';
    svc_wbuf_init(&w);
    ck_assert_int_eq(svc_msg_host_log_pack(&w, "Echo", 1, long_text), 0);
    buf = to_reader(&w, &r);
    ck_assert_int_eq(svc_msg_host_log_unpack(&r, &name, &level, &text), 0);
    ck_assert_uint_eq(strlen(text), SVC_MSG_HOST_LOG_MAX_TEXT);
    free(name);
    free(text);
    free(buf);

    /* "é" (2 bytes) across the limit: cut before it. */
    long_text[SVC_MSG_HOST_LOG_MAX_TEXT - 1] = (char)0xC3;
    long_text[SVC_MSG_HOST_LOG_MAX_TEXT] = (char)0xA9;
    svc_wbuf_init(&w);
    ck_assert_int_eq(svc_msg_host_log_pack(&w, "Echo", 1, long_text), 0);
    buf = to_reader(&w, &r);
    ck_assert_int_eq(svc_msg_host_log_unpack(&r, &name, &level, &text), 0);
    ck_assert_uint_eq(strlen(text), SVC_MSG_HOST_LOG_MAX_TEXT - 1);
    ck_assert_int_eq(text[SVC_MSG_HOST_LOG_MAX_TEXT - 2], 'x');
    free(name);
    free(text);
    free(buf);

    /* Exactly at the limit: whole. */
    long_text[SVC_MSG_HOST_LOG_MAX_TEXT - 1] = 'y';
    long_text[SVC_MSG_HOST_LOG_MAX_TEXT] = '\0';
    svc_wbuf_init(&w);
    ck_assert_int_eq(svc_msg_host_log_pack(&w, "Echo", 1, long_text), 0);
    buf = to_reader(&w, &r);
    ck_assert_int_eq(svc_msg_host_log_unpack(&r, &name, &level, &text), 0);
    ck_assert_str_eq(text, long_text);
    free(name);
    free(text);
    free(buf);
}
END_TEST

START_TEST(msg_host_log_rejects)
{
    struct svc_wbuf w;
    struct svc_rbuf r;
    char *name = (char *)"x", *text = (char *)"y";
    uint32_t level = 9;
    uint8_t *buf;

    /* The sender's errors. */
    svc_wbuf_init(&w);
    ck_assert_int_eq(svc_msg_host_log_pack(&w, NULL, 0, "t"), -EINVAL);
    svc_wbuf_free(&w);
    svc_wbuf_init(&w);
    ck_assert_int_eq(svc_msg_host_log_pack(&w, "Echo", 0, NULL), -EINVAL);
    svc_wbuf_free(&w);
    svc_wbuf_init(&w);
    ck_assert_int_eq(svc_msg_host_log_pack(&w, "Echo", SVC_MSG_HOST_LOG_MAX_LEVEL + 1, "t"), -EINVAL);
    svc_wbuf_free(&w);

    /* A well-formed raw payload decodes: the raw writer is right. */
    raw_host_log(&w, "Echo", 2, "ok");
    buf = to_reader(&w, &r);
    ck_assert_int_eq(svc_msg_host_log_unpack(&r, &name, &level, &text), 0);
    ck_assert_str_eq(text, "ok");
    free(name);
    free(text);
    free(buf);

    /* A level over 2 (DEBUG never goes out), a text over the limit, an
     * absent name or text: malformed, nothing left allocated. */
    raw_host_log(&w, "Echo", 3, "t");
    buf = to_reader(&w, &r);
    ck_assert_int_eq(svc_msg_host_log_unpack(&r, &name, &level, &text), -EPROTO);
    ck_assert_ptr_null(name);
    ck_assert_ptr_null(text);
    ck_assert_uint_eq(level, 0);
    free(buf);

    {
        char over[SVC_MSG_HOST_LOG_MAX_TEXT + 2];

        memset(over, 'x', sizeof over - 1);
        over[sizeof over - 1] = '\0';
        raw_host_log(&w, "Echo", 0, over);
    }
    buf = to_reader(&w, &r);
    ck_assert_int_eq(svc_msg_host_log_unpack(&r, &name, &level, &text), -EPROTO);
    ck_assert_ptr_null(name);
    ck_assert_ptr_null(text);
    free(buf);

    raw_host_log(&w, NULL, 0, "t");
    buf = to_reader(&w, &r);
    ck_assert_int_eq(svc_msg_host_log_unpack(&r, &name, &level, &text), -EPROTO);
    ck_assert_ptr_null(text);
    free(buf);

    raw_host_log(&w, "Echo", 0, NULL);
    buf = to_reader(&w, &r);
    ck_assert_int_eq(svc_msg_host_log_unpack(&r, &name, &level, &text), -EPROTO);
    ck_assert_ptr_null(name);
    free(buf);

    /* Short, and trailing bytes. */
    svc_wbuf_init(&w);
    svc_msg_host_log_pack(&w, "Echo", 0, "t");
    buf = to_reader(&w, &r);
    r.len--;
    ck_assert_int_eq(svc_msg_host_log_unpack(&r, &name, &level, &text), -EPROTO);
    free(buf);
    svc_wbuf_init(&w);
    svc_msg_host_log_pack(&w, "Echo", 0, "t");
    svc_put_u32(&w, 0);
    buf = to_reader(&w, &r);
    ck_assert_int_eq(svc_msg_host_log_unpack(&r, &name, &level, &text), -EPROTO);
    free(buf);

    /* The message sits at the end of the host range. */
    ck_assert_int_eq(SVC_MSG_HOST_LOG, SVC_MSG_HOST_REJOIN + 1);
    ck_assert_int_eq(SVC_MSG_HOST_LAST, SVC_MSG_HOST_LOG);
}
END_TEST

static Suite *proto_suite(void)
{
    Suite *s = suite_create("proto");
    TCase *tc;

    tc = tcase_create("header");
    tcase_add_test(tc, header_round_trip);
    tcase_add_test(tc, header_rejects);
    suite_add_tcase(s, tc);

    tc = tcase_create("fields");
    tcase_add_test(tc, u32_round_trip);
    tcase_add_test(tc, str_round_trip);
    tcase_add_test(tc, str_absent_encoding);
    tcase_add_test(tc, str_too_long);
    tcase_add_test(tc, str_truncated);
    tcase_add_test(tc, str_embedded_nul);
    tcase_add_test(tc, strv_round_trip);
    tcase_add_test(tc, strv_absent_element);
    tcase_add_test(tc, strv_count_over_limit);
    tcase_add_test(tc, strv_at_limit);
    tcase_add_test(tc, payload_limit);
    tcase_add_test(tc, status_round_trip);
    tcase_add_test(tc, trailing_bytes);
    suite_add_tcase(s, tc);

    tc = tcase_create("records");
    tcase_add_test(tc, config_round_trip);
    tcase_add_test(tc, config_truncated_everywhere);
    tcase_add_test(tc, config_partial_mask);
    tcase_add_test(tc, config_rejects);
    tcase_add_test(tc, host_round_trip);
    suite_add_tcase(s, tc);

    tc = tcase_create("messages");
    tcase_add_test(tc, msg_host_start_round_trip);
    tcase_add_test(tc, msg_required_name);
    tcase_add_test(tc, msg_trailing_and_short);
    tcase_add_test(tc, msg_hello_and_replies);
    tcase_add_test(tc, msg_usage_list);
    tcase_add_test(tc, msg_services_list);
    tcase_add_test(tc, msg_client_requests);
    tcase_add_test(tc, msg_close_service);
    tcase_add_test(tc, msg_security);
    tcase_add_test(tc, msg_host_log_round_trip);
    tcase_add_test(tc, msg_host_log_cut);
    tcase_add_test(tc, msg_host_log_rejects);
    suite_add_tcase(s, tc);

    tc = tcase_create("frames");
    tcase_add_checked_fixture(tc, pair_setup, pair_teardown);
    tcase_add_test(tc, frame_send_recv);
    tcase_add_test(tc, frame_reader);
    tcase_add_test(tc, frame_send_failed_wbuf);
    tcase_add_test(tc, frame_send_peer_gone);
    tcase_add_test(tc, frame_recv_eof_mid_frame);
    tcase_add_test(tc, frame_recv_bad_header);
    tcase_add_test(tc, frame_big_blocking);
    tcase_add_test(tc, frame_big_nonblocking);
    suite_add_tcase(s, tc);

    tc = tcase_create("accumulator");
    tcase_add_test(tc, acc_multi_frame_buffer);
    tcase_add_test(tc, acc_byte_by_byte);
    tcase_add_test(tc, acc_split_everywhere);
    tcase_add_test(tc, acc_bad_header);
    tcase_add_test(tc, acc_cb_stops);
    tcase_add_test(tc, acc_free_mid_payload);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_run_suite(proto_suite());
}
