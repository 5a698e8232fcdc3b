/*
 * server.h - svcconsole's HTTP side (libmicrohttpd): listening on
 * 127.0.0.1, the one-time token and the session cookie, the checks
 * against other sites, the page's files, /api/ (api.c) and the live
 * stream /api/stream (feed.c).  docs/console.md describes what a client
 * sees.
 */
#ifndef SVCCONSOLE_SERVER_H
#define SVCCONSOLE_SERVER_H

#include <stdint.h>

#include "api.h"
#include "feed.h"

struct server;

/* Listens on 127.0.0.1:port (0: a free port) and serves the page from
 * webdir.  0 with *out, or a negative errno (-EADDRINUSE, ...). */
int server_start(struct server **out, struct console *c, struct feed *f, const char *webdir,
                 uint16_t port);
/* The port listened on. */
uint16_t server_port(const struct server *s);
/* The URL to open once: http://127.0.0.1:PORT/?token=TOKEN. */
const char *server_url(const struct server *s);
void server_stop(struct server *s);

#endif
