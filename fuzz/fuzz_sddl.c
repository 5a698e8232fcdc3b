/*
 * fuzz_sddl.c - the security descriptor codecs of lib/sddl.c: SDDL text,
 * and Win32's binary self-relative SECURITY_DESCRIPTOR, which both come
 * from callers (sc sdset, SetServiceObjectSecurity, a service's file).
 *
 * Input: one byte choosing the form (even: SDDL text, odd: binary), then
 * the text or the descriptor.  Whatever is accepted must print
 * canonically, and the canonical text, its binary form and that read back
 * must all agree; anything else aborts.
 */
#include "sddl.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ALL (SVC_SI_OWNER | SVC_SI_GROUP | SVC_SI_DACL)

/* sd is accepted: its canonical text must parse to itself, and survive
 * the binary form. */
static void check_accepted(const struct svc_sd *sd)
{
    struct svc_sd again, back;
    char *text, *text2, *text3;
    uint8_t *bin;
    size_t len, spanned;

    if (svc_sddl_format(sd, ALL, &text) != 0)
        return;   /* out of memory */
    if (svc_sddl_parse(text, &again, NULL, 0) != 0 || svc_sddl_format(&again, ALL, &text2) != 0 ||
        strcmp(text, text2) != 0) {
        fprintf(stderr, "canonical text does not read back: %s\n", text);
        abort();
    }
    if (svc_sd_to_binary(&again, ALL, &bin, &len) == 0) {
        if (svc_sd_binary_length(bin, &spanned) != 0 || spanned != len ||
            svc_sd_from_binary(bin, len, &back, NULL, 0) != 0 ||
            svc_sddl_format(&back, ALL, &text3) != 0 || strcmp(text, text3) != 0) {
            fprintf(stderr, "binary form does not read back: %s\n", text);
            abort();
        }
        free(text3);
        svc_sd_free(&back);
        free(bin);
    }
    free(text2);
    svc_sd_free(&again);
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct svc_sd sd;
    char why[200];

    if (size < 1)
        return 0;
    if (data[0] % 2 == 0) {
        char *text = malloc(size);

        if (text == NULL)
            return 0;
        memcpy(text, data + 1, size - 1);
        text[size - 1] = '\0';
        if (svc_sddl_parse(text, &sd, why, sizeof why) == 0)
            check_accepted(&sd);
        else if (why[0] == '\0')
            abort();      /* a refusal always says why */
        svc_sd_free(&sd);
        free(text);
    } else {
        /* A copy of exactly the given bytes, so ASan sees any read past. */
        uint8_t *bin = malloc(size - 1 ? size - 1 : 1);

        if (bin == NULL)
            return 0;
        memcpy(bin, data + 1, size - 1);
        if (svc_sd_from_binary(bin, size - 1, &sd, why, sizeof why) == 0)
            check_accepted(&sd);
        svc_sd_free(&sd);
        free(bin);
    }
    return 0;
}
