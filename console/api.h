/*
 * api.h - svcconsole's JSON API (docs/console.md): a request's method,
 * path and body in, an HTTP status and a JSON body out.  Knows nothing of
 * HTTP connections, tokens or cookies (server.c checks those first).
 *
 * Win32 errors become HTTP statuses by one table (api_http_status) and a
 * body {"error": CODE, "message": TEXT}.
 */
#ifndef SVCCONSOLE_API_H
#define SVCCONSOLE_API_H

#include <stddef.h>

#include <jansson.h>

#include "machine.h"

struct console {
    struct machine *machines;
    size_t n_machines;
    /* Told, with m->lock held, of the status an action's reply carries
     * (start, stop, pause, continue, restart), so that the live view
     * publishes it too; NULL: nobody listens. */
    void (*on_status)(void *ctx, struct machine *m, json_t *status);
    void *on_status_ctx;
};

struct api_request {
    const char *method;                 /* "GET", "POST", "PUT", ... */
    const char *path;                   /* from "/api/", decoded */
    const char *body;                   /* NULL or body_len bytes */
    size_t body_len;
    /* A query argument's value, or NULL. */
    const char *(*arg)(void *ctx, const char *key);
    void *arg_ctx;
};

struct api_reply {
    unsigned status;                    /* HTTP status */
    json_t *body;                       /* owned by the caller */
};

/* Answers rq.  Never fails: every failure is a status and an error body. */
void api_call(struct console *c, const struct api_request *rq, struct api_reply *rp);

/* The HTTP status for a Win32 error (NO_ERROR: 200). */
unsigned api_http_status(DWORD err);

/* {"error": code, "message": text or the code's message}. */
json_t *api_error_body(DWORD code, const char *text);

/* The machine called name, or NULL. */
struct machine *api_machine(struct console *c, const char *name);

#endif
