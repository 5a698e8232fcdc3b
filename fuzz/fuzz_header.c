/*
 * fuzz_header.c - svc_header_unpack on any 16 bytes.
 *
 * Input: the first SVC_PROTO_HEADER_SIZE bytes are the header (shorter
 * inputs are ignored).  A header that unpacks must pack back to the same
 * bytes, since magic, version, flags and reserved have one valid value.
 */
#include "proto.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t in[SVC_PROTO_HEADER_SIZE], out[SVC_PROTO_HEADER_SIZE];
    struct svc_frame_header h;
    int rc;

    if (size < SVC_PROTO_HEADER_SIZE)
        return 0;
    memcpy(in, data, sizeof in);
    rc = svc_header_unpack(in, &h);
    if (rc == 0) {
        if (h.length > SVC_PROTO_MAX_PAYLOAD)
            abort();
        svc_header_pack(out, &h);
        if (memcmp(in, out, sizeof in) != 0)
            abort();
    } else if (rc != -EPROTO && rc != -EMSGSIZE) {
        abort();
    }
    return 0;
}
