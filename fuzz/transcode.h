/*
 * transcode.h - decode a payload field by field, as scmd and the client
 * library do, and write each decoded field straight back out.
 *
 * The encoding has exactly one form for every value, so a payload that
 * decodes (svc_rbuf_end() == 0) must re-encode to the very same bytes;
 * check_transcoded() aborts when it does not, which libFuzzer reports as
 * a crash.  Included by the fuzz targets only.
 */
#ifndef SVC_FUZZ_TRANSCODE_H
#define SVC_FUZZ_TRANSCODE_H

#include "proto.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline void tc_u32(struct svc_rbuf *r, struct svc_wbuf *w)
{
    uint32_t v = svc_get_u32(r);

    if (r->err == 0)
        svc_put_u32(w, v);
}

static inline void tc_str(struct svc_rbuf *r, struct svc_wbuf *w)
{
    char *s = svc_get_str(r);

    if (r->err == 0)
        svc_put_str(w, s);
    free(s);
}

static inline void tc_strv(struct svc_rbuf *r, struct svc_wbuf *w)
{
    char **v = svc_get_strv(r);

    if (r->err == 0) {
        if (v == NULL)
            abort(); /* NULL is reserved for errors */
        svc_put_strv(w, v);
    }
    svc_strv_free(v);
}

static inline void tc_status(struct svc_rbuf *r, struct svc_wbuf *w)
{
    SERVICE_STATUS_PROCESS st;

    svc_get_status(r, &st);
    if (r->err == 0)
        svc_put_status(w, &st);
}

static inline void tc_service_status(struct svc_rbuf *r, struct svc_wbuf *w)
{
    SERVICE_STATUS st;

    svc_get_service_status(r, &st);
    if (r->err == 0)
        svc_put_service_status(w, &st);
}

static inline void tc_config(struct svc_rbuf *r, struct svc_wbuf *w)
{
    struct svc_msg_config c;
    int rc = svc_get_config(r, &c);

    if (rc != r->err)
        abort();
    if (rc == 0)
        svc_put_config(w, &c);
    else if (c.name != NULL || c.params != NULL || c.depend_on_service != NULL)
        abort(); /* a failed decode must leave c empty */
    svc_msg_config_free(&c);
}

static inline void tc_host(struct svc_rbuf *r, struct svc_wbuf *w)
{
    struct svc_msg_host h;
    int rc = svc_get_host(r, &h);

    if (rc != r->err)
        abort();
    if (rc == 0)
        svc_put_host(w, &h);
    svc_msg_host_free(&h);
}

/* "u32 n, n x (...)": the count is checked against the limit and against
 * the bytes left (each element takes at least min_size) before the loop,
 * as a receiver must before allocating n elements. */
static inline uint32_t tc_count(struct svc_rbuf *r, struct svc_wbuf *w, size_t min_size)
{
    uint32_t n = svc_get_u32(r);

    if (r->err != 0)
        return 0;
    if (n > SVC_PROTO_MAX_LIST || n > (r->len - r->off) / min_size) {
        r->err = -EPROTO;
        return 0;
    }
    svc_put_u32(w, n);
    return n;
}

/* n x (str name, str display, status) */
static inline void tc_enum_services(struct svc_rbuf *r, struct svc_wbuf *w)
{
    uint32_t n = tc_count(r, w, 4 + 4 + 9 * 4);

    for (uint32_t i = 0; i < n && r->err == 0; i++) {
        tc_str(r, w);
        tc_str(r, w);
        tc_status(r, w);
    }
}

/* n x host */
static inline void tc_enum_hosts(struct svc_rbuf *r, struct svc_wbuf *w)
{
    uint32_t n = tc_count(r, w, 4 + 4 + 4);

    for (uint32_t i = 0; i < n && r->err == 0; i++)
        tc_host(r, w);
}

/* n x usage */
static inline void tc_enum_usage(struct svc_rbuf *r, struct svc_wbuf *w)
{
    uint32_t n = tc_count(r, w, 36);

    for (uint32_t i = 0; i < n && r->err == 0; i++) {
        struct svc_msg_usage u;
        if (svc_get_usage(r, &u) == 0) {
            svc_put_usage(w, &u);
            free(u.service);
        }
    }
}

/* Finishes one transcoding: frees w and aborts if an accepted payload did
 * not come back byte for byte. */
static inline void check_transcoded(const struct svc_rbuf *r, struct svc_wbuf *w)
{
    if (svc_rbuf_end(r) == 0) {
        if (w->err != 0 || w->len != r->len || (w->len != 0 && memcmp(w->data, r->p, w->len) != 0)) {
            fprintf(stderr, "accepted payload re-encodes differently (%zu -> %zu bytes, err %d)\n",
                    r->len, w->len, w->err);
            abort();
        }
    }
    svc_wbuf_free(w);
}

#endif
