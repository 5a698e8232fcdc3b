/*
 * sc_connect.c - opening the SCM and services for a command, and the
 * two-call buffer pattern of the query functions.
 */
#include "sc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sc_set_server(struct sc_ctx *ctx, const char *server)
{
    ctx->server = server;
}

DWORD sc_open(struct sc_ctx *ctx, DWORD access, const char *name, DWORD svc_access,
              const char *open_prefix)
{
    DWORD err;

    if (ctx->scm == NULL) {
        /* libsvc decides which names are this machine and reaches any
         * other through ssh (docs/remote.md). */
        ctx->scm = OpenSCManagerA(ctx->server, NULL, access);
        if (ctx->scm == NULL)
            return sc_fail("OpenSCManager", GetLastError());
    }
    if (name == NULL)
        return NO_ERROR;
    ctx->svc = OpenServiceA(ctx->scm, name, svc_access);
    if (ctx->svc == NULL) {
        char call[64];

        err = GetLastError();
        snprintf(call, sizeof call, "%sOpenService", open_prefix != NULL ? open_prefix : "");
        return sc_fail(call, err);
    }
    return NO_ERROR;
}

DWORD sc_connect(struct sc_ctx *ctx, const char *name)
{
    return sc_open(ctx, ctx->cmd->scm_access, name, ctx->cmd->svc_access, "");
}

void sc_disconnect(struct sc_ctx *ctx)
{
    if (ctx->svc != NULL)
        CloseServiceHandle(ctx->svc);
    if (ctx->scm != NULL)
        CloseServiceHandle(ctx->scm);
    ctx->svc = NULL;
    ctx->scm = NULL;
}

/* What a successful call with no buffer gets back: zeroed, and larger than
 * any fixed part a caller reads (a count of 0 means nothing else is). */
#define SC_EMPTY_BUFFER 64

DWORD sc_fetch(sc_fill_fn fill, void *arg, DWORD initial, int fixed,
               BYTE **out, DWORD *needed)
{
    DWORD size = initial;

    *out = NULL;
    *needed = 0;
    /* A few rounds: what is needed can grow between the calls (a service
     * created meanwhile), but not forever. */
    for (int round = 0;; round++) {
        BYTE *buf = NULL;
        DWORD need = 0, err;

        if (size > 0 && (buf = calloc(1, size)) == NULL)
            return ERROR_NOT_ENOUGH_MEMORY;
        if (fill(arg, buf, size, &need)) {
            if (buf == NULL && (buf = calloc(1, SC_EMPTY_BUFFER)) == NULL)
                return ERROR_NOT_ENOUGH_MEMORY;
            *out = buf;
            *needed = need;
            return NO_ERROR;
        }
        err = GetLastError();
        free(buf);
        *needed = need;
        if ((err != ERROR_INSUFFICIENT_BUFFER && err != ERROR_MORE_DATA) || fixed ||
            need <= size || round >= 8)
            return err;
        size = need;
    }
}
