/*
 * fuzz_frame_acc.c - svc_frame_acc_feed on any byte stream, split into
 * chunks of random sizes.
 *
 * Input: 4 bytes seeding the chunk sizes, then the stream.  The stream is
 * fed once in chunks (each copied to a buffer of exactly its size, so a
 * read past a chunk is caught) and once whole; both must deliver the same
 * frames and end the same way, whatever the split.
 */
#include "proto.h"

#include <stdlib.h>
#include <string.h>

struct digest {
    size_t frames;
    uint64_t hash;
};

static void mix(struct digest *d, const void *p, size_t n)
{
    const uint8_t *b = p;

    for (size_t i = 0; i < n; i++)
        d->hash = (d->hash ^ b[i]) * 1099511628211u; /* FNV-1a */
}

/* Type 0xFFFF makes the callback stop the feed, exercising that path. */
#define STOP_TYPE 0xFFFFu

static int on_frame(void *ctx, const struct svc_frame_header *h, const uint8_t *payload)
{
    struct digest *d = ctx;

    /* proto.h: NULL exactly when the payload is empty. */
    if ((payload == NULL) != (h->length == 0) || h->length > SVC_PROTO_MAX_PAYLOAD)
        abort();
    d->frames++;
    mix(d, &h->type, sizeof h->type);
    mix(d, &h->id, sizeof h->id);
    mix(d, &h->length, sizeof h->length);
    if (h->length != 0)
        mix(d, payload, h->length);
    return h->type == STOP_TYPE ? 1 : 0;
}

static uint32_t xorshift32(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct svc_frame_acc a;
    struct digest chunked = {0, 14695981039346656037u}, whole = chunked;
    uint32_t seed;
    int rc_chunked = 0, rc_whole;

    if (size < 4)
        return 0;
    seed = (uint32_t)data[0] | (uint32_t)data[1] << 8 | (uint32_t)data[2] << 16 |
           (uint32_t)data[3] << 24;
    if (seed == 0)
        seed = 1;
    data += 4;
    size -= 4;

    svc_frame_acc_init(&a);
    for (size_t off = 0; off < size && rc_chunked == 0;) {
        uint32_t rnd = xorshift32(&seed);
        /* Mostly small chunks, so headers split everywhere; some large. */
        size_t n = rnd % 8 == 0 ? rnd % 4096 : rnd % 24;
        uint8_t *chunk;

        if (n > size - off)
            n = size - off;
        chunk = malloc(n != 0 ? n : 1);
        if (chunk == NULL)
            abort();
        if (n != 0)
            memcpy(chunk, data + off, n);
        rc_chunked = svc_frame_acc_feed(&a, n != 0 ? chunk : NULL, n, on_frame, &chunked);
        free(chunk);
        off += n;
    }
    svc_frame_acc_free(&a);

    svc_frame_acc_init(&a);
    rc_whole = svc_frame_acc_feed(&a, size != 0 ? data : NULL, size, on_frame, &whole);
    svc_frame_acc_free(&a);

    if (rc_chunked != rc_whole || chunked.frames != whole.frames || chunked.hash != whole.hash)
        abort();
    return 0;
}
