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

static void append(struct scm *scm, const char *line, int n)
{
    if (!scm->journal_open || n <= 0)
        return;
    /* One write per record with O_APPEND keeps records whole. */
    if (write(scm->journal_fd, line, (size_t)n) != n)
        log_warn("journal");
    else
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
}

void scm_journal_host_gone(struct scm *scm, pid_t pid)
{
    char line[32];
    append(scm, line, snprintf(line, sizeof line, "X %d\n", (int)pid));
}

void scm_journal_service(struct scm *scm, const char *name, const SERVICE_STATUS_PROCESS *st,
                         unsigned crashes)
{
    char line[2048];
    int n = format_service(line, sizeof line, name, st, crashes);
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

static int read_service(struct scm_journal *j, const char *rest)
{
    char word_[1024], *name;
    unsigned v[10];
    struct scm_journal_service *e = NULL;

    if (sscanf(rest, "%1023s %u %u %u %u %u %u %u %u %u", word_, &v[0], &v[1], &v[2], &v[3], &v[4],
               &v[5], &v[6], &v[7], &v[8]) != 10 || v[0] < SERVICE_STOPPED || v[0] > SERVICE_PAUSED)
        return -EINVAL;
    if ((name = from_word(word_)) == NULL)
        return -ENOMEM;
    for (size_t i = 0; i < j->n_services && !e; i++)
        if (strcasecmp(j->services[i].name, name) == 0)
            e = &j->services[i];
    if (e == NULL) {
        struct scm_journal_service *grown =
            realloc(j->services, (j->n_services + 1) * sizeof *grown);
        if (grown == NULL) {
            free(name);
            return -ENOMEM;
        }
        j->services = grown;
        e = &j->services[j->n_services++];
        memset(e, 0, sizeof *e);
        e->name = name;
        name = NULL;
    }
    free(name);
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

int scm_journal_read(const struct scm *scm, struct scm_journal *j)
{
    char *path = svc_path_journal(scm->root), line[8192];
    unsigned lineno = 0;
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
            rc = read_service(j, line + 2);
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

int scm_journal_rewrite(struct scm *scm, const struct scm_journal *j)
{
    char *path = svc_path_journal(scm->root), *tmp = NULL;
    char line[4096];
    int fd = -1, rc = 0;

    if (path == NULL || asprintf(&tmp, "%s.new", path) < 0) {
        free(path);
        return -ENOMEM;
    }
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        rc = -errno;
    for (size_t i = 0; rc == 0 && i < j->n_hosts; i++) {
        int n = format_host(line, sizeof line, &j->hosts[i]);
        if (n > 0 && (size_t)n < sizeof line && write(fd, line, (size_t)n) != n)
            rc = -errno;
    }
    for (size_t i = 0; rc == 0 && i < j->n_services; i++) {
        int n = format_service(line, sizeof line, j->services[i].name, &j->services[i].status,
                               j->services[i].crashes);
        if (n > 0 && (size_t)n < sizeof line && write(fd, line, (size_t)n) != n)
            rc = -errno;
    }
    if (fd >= 0 && close(fd) < 0 && rc == 0)
        rc = -errno;
    if (rc == 0 && rename(tmp, path) < 0)
        rc = -errno;
    if (rc < 0) {
        log_warnx("%s: %s; scmd restarts will not find the hosts", tmp, strerror(-rc));
        unlink(tmp);
    } else {
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
    if (scm->journal_open)
        close(scm->journal_fd);
    scm->journal_open = 0;
    scm->journal_fd = -1;
}
