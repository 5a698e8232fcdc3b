/*
 * transcode.h - decode a payload with the message's unpack function, as
 * its receiver does, and encode the result again with its pack function.
 *
 * The encoding has exactly one form for every value, so a payload that
 * decodes must re-encode to the very same bytes; check_transcoded()
 * aborts when it does not, which libFuzzer reports as a crash.  A failed
 * unpack must leave its error in r->err and its outputs empty (proto.h).
 * Included by the fuzz targets only.
 */
#ifndef SVC_FUZZ_TRANSCODE_H
#define SVC_FUZZ_TRANSCODE_H

#include "proto.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An unpack's result must be the error it left in r (0 on success). */
static inline int tc_result(const struct svc_rbuf *r, int rc)
{
    if (rc != r->err)
        abort();
    return rc;
}

/* After a failed unpack, every output must be empty. */
static inline void tc_empty(const void *p)
{
    if (p != NULL)
        abort();
}

static inline void tc_config_empty(const struct svc_msg_config *c)
{
    if (c->name != NULL || c->params != NULL || c->depend_on_service != NULL ||
        c->depend_on_group != NULL || c->image_path != NULL)
        abort();
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
