/* server.c - HTTP: the token, the cookie, cross-site checks, files, API, stream. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <microhttpd.h>

#include "server.h"

#define BODY_MAX 65536              /* the largest request body taken */
#define KEEPALIVE_MS 15000          /* a comment on an idle stream, to find closed ones */

struct server {
    struct console *console;
    struct feed *feed;
    char *webdir;
    struct MHD_Daemon *daemon;
    uint16_t port;
    pthread_mutex_t lock;
    int token_spent;                /* the token was exchanged for the cookie */
    char token[49];                 /* 24 random bytes, hex */
    char session[65];               /* the cookie's value: 32 random bytes, hex */
    char cookie_name[32];           /* svcconsole-PORT: cookies do not tell ports apart */
    char url[128];
    char hosts[2][48];              /* the Host values this console answers to */
};

/* One request being read. */
struct request {
    char *body;
    size_t len;
    int too_big;
};

static int random_hex(char *out, size_t bytes)
{
    unsigned char b[64];

    if (bytes > sizeof b || getrandom(b, bytes, 0) != (ssize_t)bytes)
        return -EIO;
    for (size_t i = 0; i < bytes; i++)
        sprintf(out + 2 * i, "%02x", b[i]);
    return 0;
}

/* Compares without stopping at the first difference, so the time taken
 * says nothing about how much of a guess was right. */
static int same_secret(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    unsigned char d = la != lb;

    for (size_t i = 0; i < la && i < lb; i++)
        d |= (unsigned char)(a[i] ^ b[i]);
    return d == 0;
}

/* ---- Responses ------------------------------------------------------ */

static void common_headers(struct MHD_Response *r)
{
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
                            "base-uri 'none'; form-action 'self'");
}

static enum MHD_Result send_buffer(struct MHD_Connection *conn, unsigned status, const char *type,
                                   void *data, size_t len, enum MHD_ResponseMemoryMode mode,
                                   int no_store)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(len, data, mode);
    enum MHD_Result ret;

    if (r == NULL)
        return MHD_NO;
    common_headers(r);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    if (no_store)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    ret = MHD_queue_response(conn, status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result send_json(struct MHD_Connection *conn, unsigned status, json_t *body)
{
    char *s = json_dumps(body, JSON_COMPACT);

    json_decref(body);
    if (s == NULL)
        return MHD_NO;
    return send_buffer(conn, status, "application/json", s, strlen(s), MHD_RESPMEM_MUST_FREE, 1);
}

static enum MHD_Result send_error(struct MHD_Connection *conn, unsigned status, DWORD code,
                                  const char *text)
{
    return send_json(conn, status, api_error_body(code, text));
}

/* "401 and nothing else": no page, no data, no hint of what is served. */
static enum MHD_Result send_unauthorized(struct MHD_Connection *conn)
{
    static char text[] = "401 Unauthorized: open the URL that svcconsole printed.\n";

    return send_buffer(conn, 401, "text/plain; charset=utf-8", text, sizeof text - 1,
                       MHD_RESPMEM_PERSISTENT, 1);
}

/* ---- Checks --------------------------------------------------------- */

static int known_host(const struct server *s, const char *host)
{
    return host && (strcmp(host, s->hosts[0]) == 0 || strcmp(host, s->hosts[1]) == 0);
}

/* The session cookie is there and right. */
static int has_session(struct server *s, struct MHD_Connection *conn)
{
    const char *v = MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, s->cookie_name);

    return v && same_secret(v, s->session);
}

/*
 * A request from another site: a Host this console is not (a DNS name
 * rebound to 127.0.0.1), an Origin other than its own, a browser's
 * Sec-Fetch-Site other than same-origin, and, for a method that changes
 * something, no X-Svcconsole header (which no form and no simple
 * cross-origin request can carry).  NULL when none, else why.
 */
static const char *cross_site(struct server *s, struct MHD_Connection *conn, int changes,
                              char *why, size_t size)
{
    const char *host = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Host");
    const char *origin = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Origin");
    const char *site = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Sec-Fetch-Site");

    if (!known_host(s, host)) {
        snprintf(why, size, "cross-site request refused: Host %s is not this console's",
                 host ? host : "(none)");
        return why;
    }
    if (origin && !(strncmp(origin, "http://", 7) == 0 && strcmp(origin + 7, host) == 0)) {
        snprintf(why, size, "cross-site request refused: Origin %s is not this console's",
                 origin);
        return why;
    }
    if (site && strcmp(site, "same-origin") != 0 && strcmp(site, "none") != 0) {
        snprintf(why, size, "cross-site request refused: Sec-Fetch-Site is %s", site);
        return why;
    }
    if (changes && MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Svcconsole") == NULL) {
        snprintf(why, size, "cross-site request refused: a %s needs the X-Svcconsole header",
                 "change");
        return why;
    }
    return NULL;
}

/* ---- The page ------------------------------------------------------- */

static const char *content_type(const char *name)
{
    const char *dot = strrchr(name, '.');

    if (dot == NULL)
        return "application/octet-stream";
    if (strcmp(dot, ".html") == 0)
        return "text/html; charset=utf-8";
    if (strcmp(dot, ".js") == 0)
        return "text/javascript; charset=utf-8";
    if (strcmp(dot, ".css") == 0)
        return "text/css; charset=utf-8";
    if (strcmp(dot, ".svg") == 0)
        return "image/svg+xml";
    if (strcmp(dot, ".png") == 0)
        return "image/png";
    return "application/octet-stream";
}

/* A file of the page directory, by a plain name (no directories). */
static enum MHD_Result send_file(struct server *s, struct MHD_Connection *conn, const char *url)
{
    const char *name = strcmp(url, "/") == 0 ? "index.html" : url + 1;
    char path[4096], *data;
    struct stat st;
    ssize_t got;
    int fd;

    if (name[0] == '.' || name[strspn(name, "abcdefghijklmnopqrstuvwxyz"
                                           "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")] != '\0')
        return send_error(conn, 404, 1168, "no such file");
    snprintf(path, sizeof path, "%s/%s", s->webdir, name);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > (16 << 20)) {
        if (fd >= 0)
            close(fd);
        return send_error(conn, 404, 1168, "no such file");
    }
    data = malloc((size_t)st.st_size + 1);
    got = data ? read(fd, data, (size_t)st.st_size) : -1;
    close(fd);
    if (got != st.st_size) {
        free(data);
        return send_error(conn, 500, ERROR_GEN_FAILURE, "the page's file cannot be read");
    }
    return send_buffer(conn, 200, content_type(name), data, (size_t)got, MHD_RESPMEM_MUST_FREE, 0);
}

/* ---- The stream ----------------------------------------------------- */

struct stream {
    struct server *server;
    uint64_t pos;
    char *pending;              /* what is left of the frame being sent */
    size_t off, len;
};

static ssize_t stream_read(void *cls, uint64_t at, char *buf, size_t max)
{
    struct stream *st = cls;
    size_t n;
    int stopped;

    if (st->pending == NULL) {
        st->pending = feed_next(st->server->feed, &st->pos, KEEPALIVE_MS, &stopped);
        if (st->pending == NULL && stopped)
            return MHD_CONTENT_READER_END_OF_STREAM;
        if (st->pending == NULL)
            st->pending = strdup(": keepalive\n\n");
        if (st->pending == NULL)
            return MHD_CONTENT_READER_END_WITH_ERROR;
        st->off = 0;
        st->len = strlen(st->pending);
    }
    n = st->len - st->off < max ? st->len - st->off : max;
    memcpy(buf, st->pending + st->off, n);
    st->off += n;
    if (st->off == st->len) {
        free(st->pending);
        st->pending = NULL;
    }
    return (ssize_t)n;
}

static void stream_free(void *cls)
{
    struct stream *st = cls;

    feed_reader(st->server->feed, -1);
    free(st->pending);
    free(st);
}

static enum MHD_Result send_stream(struct server *s, struct MHD_Connection *conn)
{
    struct stream *st = calloc(1, sizeof *st);
    struct MHD_Response *r;
    enum MHD_Result ret;
    json_t *hello;
    char *json;

    if (st == NULL)
        return MHD_NO;
    st->server = s;
    st->pos = feed_reader(s->feed, +1);
    /* The first frame says the stream is live: a page that reconnects
     * reloads its data then, since it may have missed changes. */
    hello = json_pack("{s:I}", "position", (json_int_t)st->pos);
    json = json_dumps(hello, JSON_COMPACT);
    json_decref(hello);
    if (json == NULL || asprintf(&st->pending, "retry: 1000\nevent: hello\ndata: %s\n\n", json) < 0)
        st->pending = NULL;
    free(json);
    st->len = st->pending ? strlen(st->pending) : 0;
    r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, stream_read, st, stream_free);
    if (r == NULL) {
        stream_free(st);
        return MHD_NO;
    }
    common_headers(r);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/event-stream");
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    ret = MHD_queue_response(conn, 200, r);
    MHD_destroy_response(r);
    return ret;
}

/* ---- Requests ------------------------------------------------------- */

static const char *query_arg(void *ctx, const char *key)
{
    return MHD_lookup_connection_value(ctx, MHD_GET_ARGUMENT_KIND, key);
}

/* The token, spent: the session cookie is set and the browser sent back
 * to the same path without the token in its address. */
static enum MHD_Result exchange_token(struct server *s, struct MHD_Connection *conn,
                                      const char *url)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
    char cookie[160];
    enum MHD_Result ret;

    if (r == NULL)
        return MHD_NO;
    snprintf(cookie, sizeof cookie, "%s=%s; Path=/; HttpOnly; SameSite=Strict", s->cookie_name,
             s->session);
    common_headers(r);
    MHD_add_response_header(r, MHD_HTTP_HEADER_SET_COOKIE, cookie);
    MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, url);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    ret = MHD_queue_response(conn, 303, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **ctx)
{
    struct server *s = cls;
    struct request *rq = *ctx;
    int get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
    const char *token, *why;
    char whybuf[300];
    enum MHD_Result ret;

    if (rq == NULL) {
        rq = calloc(1, sizeof *rq);
        if (rq == NULL)
            return MHD_NO;
        *ctx = rq;
        /* The headers decide before any body is read. */
        if (!has_session(s, conn)) {
            token = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "token");
            if (get && token &&
                known_host(s, MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Host"))) {
                int ok;

                pthread_mutex_lock(&s->lock);
                ok = !s->token_spent && same_secret(token, s->token);
                if (ok)
                    s->token_spent = 1;
                pthread_mutex_unlock(&s->lock);
                if (ok)
                    return exchange_token(s, conn, url);
            }
            return send_unauthorized(conn);
        }
        why = cross_site(s, conn, !get, whybuf, sizeof whybuf);
        if (why)
            return send_error(conn, 403, ERROR_ACCESS_DENIED, why);
        return MHD_YES;
    }
    if (*upload_size != 0) {
        /* The body, kept whole up to BODY_MAX and then only counted. */
        if (!rq->too_big && rq->len + *upload_size <= BODY_MAX) {
            char *nb = realloc(rq->body, rq->len + *upload_size);

            if (nb == NULL)
                return MHD_NO;
            memcpy(nb + rq->len, upload, *upload_size);
            rq->body = nb;
            rq->len += *upload_size;
        } else {
            rq->too_big = 1;
        }
        *upload_size = 0;
        return MHD_YES;
    }

    if (strncmp(url, "/api/", 5) == 0 || strcmp(url, "/api") == 0) {
        struct api_request ar = {
            .method = method,
            .path = url[4] ? url + 5 : "",
            .body = rq->body,
            .body_len = rq->len,
            .arg = query_arg,
            .arg_ctx = conn,
        };
        struct api_reply rp;

        if (rq->too_big)
            return send_error(conn, 413, ERROR_INVALID_PARAMETER, "the body is over 65536 bytes");
        if (strcmp(ar.path, "stream") == 0 && get)
            return send_stream(s, conn);
        if (strcmp(method, "HEAD") == 0)
            ar.method = "GET";
        api_call(s->console, &ar, &rp);
        return send_json(conn, rp.status, rp.body);
    }
    if (!get)
        return send_error(conn, 405, ERROR_INVALID_FUNCTION, "the page's files are only read");
    ret = send_file(s, conn, url);
    return ret;
}

static void request_done(void *cls, struct MHD_Connection *conn, void **ctx,
                         enum MHD_RequestTerminationCode code)
{
    struct request *rq = *ctx;

    if (rq) {
        free(rq->body);
        free(rq);
    }
    *ctx = NULL;
}

/* A socket listening on 127.0.0.1:port (0: a free one), its port in
 * *bound.  The descriptor, or a negative errno. */
static int listen_loopback(uint16_t port, uint16_t *bound)
{
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons(port) };
    socklen_t len = sizeof addr;
    int fd, one = 1, err;

    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(fd, 64) != 0 ||
        getsockname(fd, (struct sockaddr *)&addr, &len) != 0) {
        err = -errno;
        close(fd);
        return err;
    }
    *bound = ntohs(addr.sin_port);
    return fd;
}

int server_start(struct server **out, struct console *c, struct feed *f, const char *webdir,
                 uint16_t port)
{
    struct server *s = calloc(1, sizeof *s);
    int fd;

    if (s == NULL || (s->webdir = strdup(webdir)) == NULL) {
        free(s);
        return -ENOMEM;
    }
    s->console = c;
    s->feed = f;
    pthread_mutex_init(&s->lock, NULL);
    if (random_hex(s->token, 24) != 0 || random_hex(s->session, 32) != 0) {
        server_stop(s);
        return -EIO;
    }
    /* The socket first, so that everything a request reads (the port in
     * the cookie's name and the Host values) is set before the first
     * connection thread exists. */
    fd = listen_loopback(port, &s->port);
    if (fd < 0) {
        server_stop(s);
        return fd;
    }
    snprintf(s->cookie_name, sizeof s->cookie_name, "svcconsole-%u", s->port);
    snprintf(s->hosts[0], sizeof s->hosts[0], "127.0.0.1:%u", s->port);
    snprintf(s->hosts[1], sizeof s->hosts[1], "localhost:%u", s->port);
    snprintf(s->url, sizeof s->url, "http://127.0.0.1:%u/?token=%s", s->port, s->token);
    /* A thread per connection: a live stream blocks in its reader, and
     * a request waits for scmd without holding up the others. */
    s->daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
                                     MHD_USE_POLL | MHD_USE_ERROR_LOG,
                                 0, NULL, NULL, handle, s, MHD_OPTION_LISTEN_SOCKET, fd,
                                 MHD_OPTION_NOTIFY_COMPLETED, request_done, s,
                                 MHD_OPTION_CONNECTION_LIMIT, 64u,
                                 MHD_OPTION_PER_IP_CONNECTION_LIMIT, 48u, MHD_OPTION_END);
    if (s->daemon == NULL) {
        close(fd);
        server_stop(s);
        return -EIO;
    }
    *out = s;
    return 0;
}

uint16_t server_port(const struct server *s)
{
    return s->port;
}

const char *server_url(const struct server *s)
{
    return s->url;
}

void server_stop(struct server *s)
{
    if (s == NULL)
        return;
    if (s->daemon)
        MHD_stop_daemon(s->daemon);
    pthread_mutex_destroy(&s->lock);
    free(s->webdir);
    free(s);
}
