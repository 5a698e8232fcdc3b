/*
 * journal.c - the journal a restarted scmd reads (see journal.h).
 */
#include "journal.h"
#include "log.h"
#include "paths.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* Names are written as one word: blanks and '%' as %XX (a service name
 * may hold spaces), and "-" for none, which no name encodes to. */
static char *word(const char *s)
{
    return s && s[0] ? svc_percent_encode(s, "", "-") : strdup("-");
}

static char *from_word(const char *s)
{
    return strcmp(s, "-") == 0 ? NULL : svc_percent_decode(s);
}

/*
 * Records are gathered and written once a turn of the loop (core.c calls
 * scm_journal_flush after each), as whole records: 1,000 services
 * starting made 4,000 writes, a tenth of scmd's time.  A SIGKILL can
 * lose the statuses recorded in the turn it lands in (the hosts that
 * rejoin report their services' anyway), never a host: its records are
 * written at once.
 */
#define JOURNAL_BUF_SIZE 65536

static void write_all(struct scm *scm, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(scm->journal_fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            log_warn("journal");
            return;
        }
        p += w;
        n -= (size_t)w;
    }
}

void scm_journal_flush(struct scm *scm)
{
    if (scm->journal_open && scm->journal_buf_len > 0)
        write_all(scm, scm->journal_buf, scm->journal_buf_len);
    scm->journal_buf_len = 0;
}

static void append(struct scm *scm, const char *line, int n)
{
    if (!scm->journal_open || n <= 0)
        return;
    if (scm->journal_buf == NULL && (scm->journal_buf = malloc(JOURNAL_BUF_SIZE)) == NULL) {
        write_all(scm, line, (size_t)n);    /* unbuffered, then */
    } else {
        if (scm->journal_buf_len + (size_t)n > JOURNAL_BUF_SIZE)
            scm_journal_flush(scm);
        if ((size_t)n > JOURNAL_BUF_SIZE) {
            write_all(scm, line, (size_t)n);
        } else {
            memcpy(scm->journal_buf + scm->journal_buf_len, line, (size_t)n);
            scm->journal_buf_len += (size_t)n;
        }
    }
    scm->journal_bytes += (size_t)n;
}

static int format_host(char *buf, size_t len, const struct scm_journal_host *h)
{
    char *g = word(h->group), *o = word(h->own_service), *sp = word(h->split_service);
    int n = g && o && sp ? snprintf(buf, len, "H %d %llu %s %s %s %s\n", (int)h->pid, h->start_time,
                                    h->secret, g, o, sp)
                         : -1;
    free(g);
    free(o);
    free(sp);
    return n;
}

static int format_service(char *buf, size_t len, const char *name, const SERVICE_STATUS_PROCESS *st,
                          unsigned crashes)
{
    char *w = word(name);
    int n;

    if (w == NULL)
        return -1;
    n = snprintf(buf, len, "S %s %u %u %u %u %u %u %u %u %u\n", w,
                    (unsigned)st->dwCurrentState, (unsigned)st->dwServiceType,
                    (unsigned)st->dwControlsAccepted, (unsigned)st->dwWin32ExitCode,
                    (unsigned)st->dwServiceSpecificExitCode, (unsigned)st->dwCheckPoint,
                    (unsigned)st->dwWaitHint, (unsigned)st->dwProcessId, crashes);
    free(w);
    return n;
}

void scm_journal_host(struct scm *scm, const struct scm_journal_host *h)
{
    char line[4096];
    int n = format_host(line, sizeof line, h);
    if (n > 0 && (size_t)n < sizeof line)
        append(scm, line, n);
    /* At once: a host the next scmd does not know could not rejoin it. */
    scm_journal_flush(scm);
}

void scm_journal_host_gone(struct scm *scm, pid_t pid)
{
    char line[32];
    append(scm, line, snprintf(line, sizeof line, "X %d\n", (int)pid));
    scm_journal_flush(scm);
}

void scm_journal_service(struct scm *scm, const char *name, const SERVICE_STATUS_PROCESS *st,
                         unsigned crashes)
{
    char line[2048];
    int n;

    if (!scm->journal_open)
        return;     /* loading: the journal is rewritten after */
    n = format_service(line, sizeof line, name, st, crashes);
    if (n > 0 && (size_t)n < sizeof line)
        append(scm, line, n);
}

size_t scm_journal_size(const struct scm *scm)
{
    return scm->journal_bytes;
}

/* ---- reading ---------------------------------------------------------------- */

static struct scm_journal_host *find_host(struct scm_journal *j, pid_t pid)
{
    for (size_t i = 0; i < j->n_hosts; i++)
        if (j->hosts[i].pid == pid)
            return &j->hosts[i];
    return NULL;
}

static void drop_host(struct scm_journal *j, struct scm_journal_host *h)
{
    free(h->group);
    free(h->own_service);
    free(h->split_service);
    *h = j->hosts[--j->n_hosts];
}

static int read_host(struct scm_journal *j, const char *rest)
{
    char secret[SCM_SECRET_LEN + 2], group[1024], own[1024], split[1024];
    struct scm_journal_host h = { 0 }, *old;
    int pid;

    if (sscanf(rest, "%d %llu %33s %1023s %1023s %1023s", &pid, &h.start_time, secret, group, own,
               split) != 6 || pid <= 0 || strlen(secret) != SCM_SECRET_LEN)
        return -EINVAL;
    h.pid = pid;
    memcpy(h.secret, secret, sizeof h.secret);
    h.group = from_word(group);
    h.own_service = from_word(own);
    h.split_service = from_word(split);
    if ((old = find_host(j, h.pid)) != NULL)
        drop_host(j, old);
    struct scm_journal_host *grown = realloc(j->hosts, (j->n_hosts + 1) * sizeof *grown);
    if (grown == NULL) {
        free(h.group);
        free(h.own_service);
        free(h.split_service);
        return -ENOMEM;
    }
    j->hosts = grown;
    j->hosts[j->n_hosts++] = h;
    return 0;
}

/* Appends the record; the last record of each service wins, which
 * finish_services() picks once every line is read (a search per line
 * made reading a journal of n services quadratic). */
static int read_service(struct scm_journal *j, size_t *cap, const char *rest)
{
    char word_[1024], *name;
    unsigned v[10];
    struct scm_journal_service *e;

    if (sscanf(rest, "%1023s %u %u %u %u %u %u %u %u %u", word_, &v[0], &v[1], &v[2], &v[3], &v[4],
               &v[5], &v[6], &v[7], &v[8]) != 10 || v[0] < SERVICE_STOPPED || v[0] > SERVICE_PAUSED)
        return -EINVAL;
    if ((name = from_word(word_)) == NULL)
        return -ENOMEM;
    if (j->n_services == *cap) {
        size_t more = *cap ? *cap * 2 : 64;
        struct scm_journal_service *grown = realloc(j->services, more * sizeof *grown);
        if (grown == NULL) {
            free(name);
            return -ENOMEM;
        }
        j->services = grown;
        *cap = more;
    }
    e = &j->services[j->n_services++];
    memset(e, 0, sizeof *e);
    e->name = name;
    e->status.dwCurrentState = v[0];
    e->status.dwServiceType = v[1];
    e->status.dwControlsAccepted = v[2];
    e->status.dwWin32ExitCode = v[3];
    e->status.dwServiceSpecificExitCode = v[4];
    e->status.dwCheckPoint = v[5];
    e->status.dwWaitHint = v[6];
    e->status.dwProcessId = v[7];
    e->crashes = v[8];
    return 0;
}

/* Sorting keeps records of one name in the order they were read: the
 * position breaks ties (qsort is not stable). */
struct ordered {
    struct scm_journal_service *e;
    size_t at;
};

static int ordered_cmp(const void *a, const void *b)
{
    const struct ordered *x = a, *y = b;
    int c = strcasecmp(x->e->name, y->e->name);
    return c != 0 ? c : (x->at > y->at) - (x->at < y->at);
}

/* Keeps the last record of each service (names compared as Windows
 * does, case-insensitively), in name order.  0 or -ENOMEM. */
static int finish_services(struct scm_journal *j)
{
    struct ordered *o;
    struct scm_journal_service *out;
    size_t n = 0;

    if (j->n_services < 2)
        return 0;
    o = malloc(j->n_services * sizeof *o);
    out = malloc(j->n_services * sizeof *out);
    if (o == NULL || out == NULL) {
        free(o);
        free(out);
        return -ENOMEM;
    }
    for (size_t i = 0; i < j->n_services; i++)
        o[i] = (struct ordered){ &j->services[i], i };
    qsort(o, j->n_services, sizeof *o, ordered_cmp);
    for (size_t i = 0; i < j->n_services; i++) {
        if (i + 1 < j->n_services && strcasecmp(o[i].e->name, o[i + 1].e->name) == 0) {
            free(o[i].e->name);     /* a later record follows */
            continue;
        }
        out[n++] = *o[i].e;
    }
    free(o);
    free(j->services);
    j->services = out;
    j->n_services = n;
    return 0;
}

int scm_journal_read(const struct scm *scm, struct scm_journal *j)
{
    char *path = svc_path_journal(scm->root), line[8192];
    unsigned lineno = 0;
    size_t cap = 0;
    FILE *f;

    memset(j, 0, sizeof *j);
    if (path == NULL)
        return -ENOMEM;
    f = fopen(path, "re");
    if (f == NULL) {
        int rc = errno == ENOENT ? 0 : -errno;
        free(path);
        return rc;
    }
    while (fgets(line, sizeof line, f) != NULL) {
        int rc = -EINVAL, pid;
        lineno++;
        if (strchr(line, '\n') == NULL)
            rc = -EINVAL;   /* cut short: the last record of a killed scmd */
        else if (line[0] == 'H' && line[1] == ' ')
            rc = read_host(j, line + 2);
        else if (line[0] == 'S' && line[1] == ' ')
            rc = read_service(j, &cap, line + 2);
        else if (sscanf(line, "X %d", &pid) == 1) {
            struct scm_journal_host *h = find_host(j, pid);
            if (h)
                drop_host(j, h);
            rc = 0;
        }
        if (rc == -ENOMEM) {
            fclose(f);
            free(path);
            scm_journal_free(j);
            return rc;
        }
        if (rc < 0)
            log_warnx("%s:%u: not a journal record; skipped", path, lineno);
    }
    fclose(f);
    free(path);
    if (finish_services(j) < 0) {
        scm_journal_free(j);
        return -ENOMEM;
    }
    return 0;
}

void scm_journal_free(struct scm_journal *j)
{
    while (j->n_hosts)
        drop_host(j, &j->hosts[j->n_hosts - 1]);
    free(j->hosts);
    for (size_t i = 0; i < j->n_services; i++)
        free(j->services[i].name);
    free(j->services);
    memset(j, 0, sizeof *j);
}

/* ---- rewriting ----------------------------------------------------------------- */

/* Records gathered into one buffer and written when it is full: one
 * write per record made rewriting a large journal cost a system call a
 * service. */
struct batch {
    int fd, rc;
    size_t len;
    char buf[65536];
};

static void batch_flush(struct batch *b)
{
    size_t off = 0;

    while (b->rc == 0 && off < b->len) {
        ssize_t n = write(b->fd, b->buf + off, b->len - off);
        if (n < 0 && errno != EINTR)
            b->rc = -errno;
        else if (n > 0)
            off += (size_t)n;
    }
    b->len = 0;
}

/* Makes room for a record of up to max bytes; where to format it. */
static char *batch_room(struct batch *b, size_t max)
{
    if (sizeof b->buf - b->len < max)
        batch_flush(b);
    return b->buf + b->len;
}

static void batch_add(struct batch *b, int n, size_t max)
{
    if (n > 0 && (size_t)n < max)
        b->len += (size_t)n;
}

int scm_journal_rewrite(struct scm *scm, const struct scm_journal *j)
{
    char *path = svc_path_journal(scm->root), *tmp = NULL;
    struct batch *b = malloc(sizeof *b);
    int fd = -1, rc = 0;

    if (path == NULL || b == NULL || asprintf(&tmp, "%s.new", path) < 0) {
        free(path);
        free(b);
        return -ENOMEM;
    }
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        rc = -errno;
    *b = (struct batch){ .fd = fd, .rc = rc };
    for (size_t i = 0; b->rc == 0 && i < j->n_hosts; i++) {
        char *at = batch_room(b, 4096);
        batch_add(b, format_host(at, 4096, &j->hosts[i]), 4096);
    }
    for (size_t i = 0; b->rc == 0 && i < j->n_services; i++) {
        char *at = batch_room(b, 2048);
        batch_add(b, format_service(at, 2048, j->services[i].name, &j->services[i].status,
                                    j->services[i].crashes), 2048);
    }
    batch_flush(b);
    rc = b->rc;
    free(b);
    if (fd >= 0 && close(fd) < 0 && rc == 0)
        rc = -errno;
    if (rc == 0 && rename(tmp, path) < 0)
        rc = -errno;
    if (rc < 0) {
        log_warnx("%s: %s; scmd restarts will not find the hosts", tmp, strerror(-rc));
        unlink(tmp);
    } else {
        scm->journal_buf_len = 0;   /* older than what the new file holds */
        scm_journal_close(scm);
        scm->journal_fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
        scm->journal_bytes = 0;
        scm->journal_open = scm->journal_fd >= 0;
        if (scm->journal_fd < 0)
            rc = -errno;
    }
    free(tmp);
    free(path);
    return rc;
}

void scm_journal_close(struct scm *scm)
{
    scm_journal_flush(scm);
    free(scm->journal_buf);
    scm->journal_buf = NULL;
    if (scm->journal_open)
        close(scm->journal_fd);
    scm->journal_open = 0;
    scm->journal_fd = -1;
}
