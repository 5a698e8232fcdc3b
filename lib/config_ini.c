/*
 * config_ini.c - the INI reader under the configuration files, and the
 * diagnostics it and the schemas report through (config_ini.h).
 *
 * A file is read in two passes.  The first (here) turns it into sections
 * of key/value entries, each remembering its lines; inih splits the
 * lines, and our own line reader in front of it checks what inih cannot
 * report (lines past its buffer, which it would silently cut in two) and
 * classifies each line the way inih is about to, so that the handler
 * knows whether a call continues the previous value and the sections
 * keep their header lines.  The second pass (config_service.c,
 * config_groups.c, config_scm.c) checks the entries and fills the public
 * structures, so that a problem found late (a missing key, a duplicate)
 * can still point at both places.
 */
#include "config_ini.h"
#include "paths.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ini.h>

/* ---- Diagnostics ---------------------------------------------------------- */

static void diag_vadd(struct svc_diag *d, int is_error, const char *file,
                      unsigned line, const char *fmt, va_list ap)
    __attribute__((format(printf, 5, 0)));

static void diag_vadd(struct svc_diag *d, int is_error, const char *file,
                      unsigned line, const char *fmt, va_list ap)
{
    char *text, *msg, at[32] = "";
    char **lines;
    int rc;

    if (d == NULL)
        return;
    if (vasprintf(&text, fmt, ap) < 0)
        return;
    if (line != 0)
        snprintf(at, sizeof at, ":%u", line);
    if (file != NULL)
        rc = asprintf(&msg, "%s%s: %s: %s", file, at,
                      is_error ? "error" : "warning", text);
    else
        rc = asprintf(&msg, "%s: %s", is_error ? "error" : "warning", text);
    free(text);
    if (rc < 0)
        return;
    lines = realloc(d->lines, (d->n + 1) * sizeof(*lines));
    if (lines == NULL) {
        free(msg);
        return;
    }
    d->lines = lines;
    d->lines[d->n++] = msg;
    if (is_error)
        d->errors++;
    else
        d->warnings++;
}

void svc_diag_add(struct svc_diag *d, int is_error, const char *file,
                  unsigned line, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    diag_vadd(d, is_error, file, line, fmt, ap);
    va_end(ap);
}

void svc_diag_free(struct svc_diag *d)
{
    if (d == NULL)
        return;
    for (size_t i = 0; i < d->n; i++)
        free(d->lines[i]);
    free(d->lines);
    d->lines = NULL;
    d->n = d->errors = d->warnings = 0;
}

void svc_where_begin(struct svc_where *w, struct svc_diag *diag, const char *path)
{
    w->diag = diag;
    w->path = path;
    w->errors = 0;
    w->first = diag ? diag->n : 0;
}

static unsigned diag_line_of(const struct svc_where *w, const char *msg)
{
    size_t len = strlen(w->path);
    unsigned long line;

    if (strncmp(msg, w->path, len) != 0 || msg[len] != ':' ||
        !isdigit((unsigned char)msg[len + 1]))
        return UINT_MAX;        /* about the whole file: after its lines */
    line = strtoul(msg + len + 1, NULL, 10);
    return line > UINT_MAX ? UINT_MAX : (unsigned)line;
}

/* Puts the file's messages in line order, as a compiler's are: the checks
 * run in two passes, and a message of the second may be about an earlier
 * line.  Stable, and the lists are short. */
void svc_where_end(struct svc_where *w)
{
    struct svc_diag *d = w->diag;

    if (d == NULL)
        return;
    for (size_t i = w->first + 1; i < d->n; i++) {
        char *msg = d->lines[i];
        unsigned line = diag_line_of(w, msg);
        size_t j = i;

        for (; j > w->first && diag_line_of(w, d->lines[j - 1]) > line; j--)
            d->lines[j] = d->lines[j - 1];
        d->lines[j] = msg;
    }
}

void svc_error_at(struct svc_where *w, unsigned line, const char *fmt, ...)
{
    va_list ap;

    w->errors++;
    va_start(ap, fmt);
    diag_vadd(w->diag, 1, w->path, line, fmt, ap);
    va_end(ap);
}

void svc_warning_at(struct svc_where *w, unsigned line, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    diag_vadd(w->diag, 0, w->path, line, fmt, ap);
    va_end(ap);
}

/* ---- First pass: lines into sections of entries -------------------------- */

void svc_ini_doc_free(struct svc_ini_doc *doc)
{
    for (size_t i = 0; i < doc->n; i++) {
        struct svc_ini_section *s = &doc->sections[i];

        for (size_t j = 0; j < s->n; j++) {
            free(s->entries[j].key);
            free(s->entries[j].value);
            free(s->entries[j].lines);
        }
        free(s->entries);
        free(s->name);
    }
    free(doc->sections);
    doc->sections = NULL;
    doc->n = 0;
}

enum line_kind { LINE_OTHER, LINE_KEY, LINE_CONTINUATION };

struct ini_parser {
    FILE *fp;
    struct svc_where *w;
    struct svc_ini_doc *doc;
    char *buf;
    size_t cap;
    unsigned lineno;
    enum line_kind kind;    /* of the line inih is handling */
    const char *subst;      /* what inih gets in place of a too-long line */
    size_t cur;             /* current section; SIZE_MAX before any */
    int have_last;          /* an indented line continues cur's last entry */
    size_t last_len, last_cap;  /* that entry's value: its length, its buffer's size */
    size_t last_lines_cap;      /* and the room in its lines[] */
    unsigned first_syntax_error;
    int read_errno;
    int nomem;
};

/* inih's own definitions of whitespace and of where a comment starts:
 * the classification below must agree with inih line by line. */
static char *skip_space(const char *s)
{
    while (*s != '\0' && isspace((unsigned char)*s))
        s++;
    return (char *)s;
}

static char *find_chars_or_comment(const char *s, const char *chars)
{
    int was_space = 0;

    while (*s != '\0' && (chars == NULL || strchr(chars, *s) == NULL) &&
           !(was_space && strchr(INI_INLINE_COMMENT_PREFIXES, *s) != NULL)) {
        was_space = isspace((unsigned char)*s);
        s++;
    }
    return (char *)s;
}

static char *dup_trimmed(const char *begin, const char *end)
{
    begin = skip_space(begin);
    while (end > begin && isspace((unsigned char)end[-1]))
        end--;
    return strndup(begin, (size_t)(end - begin));
}

static struct svc_ini_section *cur_section(struct ini_parser *p)
{
    return &p->doc->sections[p->cur];
}

static int add_section(struct ini_parser *p, char *name, unsigned line)
{
    struct svc_ini_doc *doc = p->doc;
    struct svc_ini_section *s;

    for (size_t i = 0; i < doc->n; i++) {
        if (strcasecmp(doc->sections[i].name, name) == 0) {
            if (line != 0 && doc->sections[i].line != 0)
                svc_warning_at(p->w, line, "section [%s] repeats the one on line %u; "
                           "their keys are merged", name, doc->sections[i].line);
            free(name);
            p->cur = i;
            return 0;
        }
    }
    s = realloc(doc->sections, (doc->n + 1) * sizeof(*s));
    if (s == NULL) {
        free(name);
        return -ENOMEM;
    }
    doc->sections = s;
    s = &doc->sections[doc->n];
    memset(s, 0, sizeof(*s));
    s->name = name;
    s->line = line;
    p->cur = doc->n++;
    return 0;
}

/* Appends an entry to the current section; value NULL marks it unusable. */
static int add_entry(struct ini_parser *p, const char *key, const char *value)
{
    struct svc_ini_section *s;
    struct svc_ini_entry *e;
    char *name;

    if (p->cur == SIZE_MAX) {
        name = strdup("");
        if (name == NULL || add_section(p, name, 0) < 0)
            return -ENOMEM;
    }
    s = cur_section(p);
    e = realloc(s->entries, (s->n + 1) * sizeof(*e));
    if (e == NULL)
        return -ENOMEM;
    s->entries = e;
    e = &s->entries[s->n];
    memset(e, 0, sizeof(*e));
    e->key = strdup(key);
    e->value = value ? strdup(value) : NULL;
    e->lines = malloc(sizeof(*e->lines));
    if (e->key == NULL || (value != NULL && e->value == NULL) || e->lines == NULL) {
        free(e->key);
        free(e->value);
        free(e->lines);
        return -ENOMEM;
    }
    e->lines[0] = p->lineno;
    e->n_lines = 1;
    s->n++;
    p->have_last = 1;
    p->last_len = value ? strlen(value) : 0;
    p->last_cap = value ? p->last_len + 1 : 0;
    p->last_lines_cap = 1;
    return 0;
}

/* Adds a continuation line to the current section's last entry.  The
 * parts are joined with '\n', as Python's configparser does.  The value
 * and the line numbers grow by doubling: a Services list of 10,000
 * members, one a line, is read in linear time. */
static int continue_entry(struct ini_parser *p, const char *value)
{
    struct svc_ini_section *s = cur_section(p);
    struct svc_ini_entry *e = &s->entries[s->n - 1];

    if (e->n_lines == p->last_lines_cap) {
        size_t cap = p->last_lines_cap * 2;
        unsigned *lines = realloc(e->lines, cap * sizeof(*lines));
        if (lines == NULL)
            return -ENOMEM;
        e->lines = lines;
        p->last_lines_cap = cap;
    }
    e->lines[e->n_lines++] = p->lineno;
    if (value == NULL) {
        free(e->value);
        e->value = NULL;
    } else if (e->value != NULL) {
        size_t add = strlen(value), need = p->last_len + 1 + add + 1;

        if (need > p->last_cap) {
            size_t cap = p->last_cap * 2 > need ? p->last_cap * 2 : need;
            char *grown = realloc(e->value, cap);
            if (grown == NULL)
                return -ENOMEM;
            e->value = grown;
            p->last_cap = cap;
        }
        e->value[p->last_len] = '\n';
        memcpy(e->value + p->last_len + 1, value, add + 1);
        p->last_len += 1 + add;
    }
    return 0;
}

/* An error on the current line; `inih_sees_it` for the errors inih also
 * finds on the lines it gets, to match the line number it returns. */
static void line_error(struct ini_parser *p, int inih_sees_it, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void line_error(struct ini_parser *p, int inih_sees_it, const char *fmt, ...)
{
    va_list ap;

    if (inih_sees_it && p->first_syntax_error == 0)
        p->first_syntax_error = p->lineno;
    p->w->errors++;
    va_start(ap, fmt);
    diag_vadd(p->w->diag, 1, p->w->path, p->lineno, fmt, ap);
    va_end(ap);
}

/*
 * Decides what inih will make of `line` (the same order of tests as
 * ini_parse_stream) and does the part that the handler cannot: section
 * headers, which inih does not pass on, and syntax errors, of which inih
 * returns only the first.  `too_long` lines never reach inih; a key on
 * one is still recorded so that it counts as present (no follow-on
 * "missing ImagePath" error) and as a duplicate, and p->subst is the
 * short line inih gets instead, one that leaves inih's idea of which key
 * an indented line continues the same as ours.
 */
static int classify(struct ini_parser *p, char *line, int too_long)
{
    char *start = skip_space(line), *end, *key;
    int rc = 0;

    p->kind = LINE_OTHER;
    p->subst = "";
    if (*start == '\0' || strchr(INI_START_COMMENT_PREFIXES, *start) != NULL)
        return 0;
#if INI_ALLOW_MULTILINE
    if (p->have_last && start > line) {
        p->kind = LINE_CONTINUATION;
        return too_long ? continue_entry(p, NULL) : 0;
    }
#endif
    if (*start == '[') {
        char *name;

        end = find_chars_or_comment(start + 1, "]");
        if (*end != ']') {
            if (!too_long)      /* one error a line is enough */
                line_error(p, 1, "section header has no closing ']'");
            return 0;
        }
        name = dup_trimmed(start + 1, end);
        if (name == NULL)
            return -ENOMEM;
        if (*name == '\0' && !too_long)
            line_error(p, 0, "section name is empty");
        p->have_last = 0;
        p->subst = "[]";
        return add_section(p, name, p->lineno);
    }
    end = find_chars_or_comment(start, "=:");
    if (*end != '=' && *end != ':') {
        if (!too_long)
            line_error(p, 1, "expected '[section]', 'key = value' or a ';' comment");
        return 0;
    }
    key = dup_trimmed(start, end);
    if (key == NULL)
        return -ENOMEM;
    if (*key == '\0') {
        /* inih would pass it on with an empty name that no indented line
         * continues. */
        if (!too_long)
            line_error(p, 0, "missing key name before '%c'", *end);
        p->have_last = 0;
    } else if (too_long) {
        rc = add_entry(p, key, NULL);
        p->subst = "k=";
    } else {
        p->kind = LINE_KEY;
    }
    free(key);
    return rc;
}

/*
 * inih's ini_reader: reads a whole line with getline and hands inih a
 * copy that fits its buffer of `num` bytes, or, for a line that does not
 * fit, a short stand-in (see classify), so that inih's line count stays
 * ours.  A line fits when it and its newline fit in num - 1 characters,
 * which is what fgets with the same buffer (ini_parse) reads in one
 * piece: a file accepted here reads the same with plain ini_parse.
 */
static char *ini_line_reader(char *str, int num, void *stream)
{
    static const char bom[] = "\xEF\xBB\xBF";
    struct ini_parser *p = stream;
    char *line;
    size_t len, term = 0, limit;
    ssize_t got;
    int too_long;

    if (p->nomem || num < 4)
        return NULL;
    errno = 0;
    got = getline(&p->buf, &p->cap, p->fp);
    if (got < 0) {
        if (errno == ENOMEM)
            p->nomem = 1;
        else if (ferror(p->fp))
            p->read_errno = errno ? errno : EIO;
        return NULL;
    }
    p->lineno++;
    line = p->buf;
    len = (size_t)got;
    if (p->lineno == 1 && len >= 3 && memcmp(line, bom, 3) == 0) {
        line += 3;
        len -= 3;
    }
    if (len > 0 && line[len - 1] == '\n')
        term = (len > 1 && line[len - 2] == '\r') ? 2 : 1;
    limit = (size_t)num - 1 - (term == 2 ? 2 : 1);
    too_long = len - term > limit;
    if (too_long)
        line_error(p, 0, "line is %zu characters long; the limit is %zu",
                   len - term, limit);
    if (memchr(line, '\0', len) != NULL) {
        /* inih would cut the line at the NUL: treat it as one too long. */
        line_error(p, 0, "line contains a NUL character");
        for (size_t i = 0; i < len; i++)
            if (line[i] == '\0')
                line[i] = ' ';
        too_long = 1;
    }
    if (classify(p, line, too_long) < 0) {
        p->nomem = 1;
        return NULL;
    }
    if (too_long) {
        strcpy(str, p->subst);
        return str;
    }
    memcpy(str, line, len + 1);
    return str;
}

static int entry_handler(void *user, const char *section, const char *name,
                       const char *value)
{
    struct ini_parser *p = user;
    int rc = 0;

    /* inih's section name (and the key it repeats for a continuation) is
     * cut at 49 characters: the parser's own are used instead. */
    (void)section;
    if (p->nomem)
        return 1;
    if (p->kind == LINE_KEY)
        rc = add_entry(p, name, value);
    else if (p->kind == LINE_CONTINUATION)
        rc = continue_entry(p, value);
    if (rc < 0)
        p->nomem = 1;
    return 1;
}

/*
 * Reads `w->path` into `doc`.  Returns 0 (syntax problems are counted in
 * w->errors and the document holds what could be read), -ENOENT or the
 * errno of a failed open or read (with a diagnostic), or -ENOMEM.
 * `quiet_enoent` leaves the diagnostic for a missing file to the caller.
 */
int svc_ini_read(struct svc_where *w, struct svc_ini_doc *doc, int quiet_enoent)
{
    struct ini_parser p = {
        .w = w, .doc = doc, .cur = SIZE_MAX,
    };
    int rc;

    memset(doc, 0, sizeof(*doc));
    p.fp = fopen(w->path, "re");
    if (p.fp == NULL) {
        rc = -errno;
        if (rc == -ENOMEM)
            return rc;
        if (rc != -ENOENT || !quiet_enoent)
            svc_error_at(w, 0, "cannot open: %s", strerror(-rc));
        return rc;
    }
    rc = ini_parse_stream(ini_line_reader, &p, entry_handler, &p);
    fclose(p.fp);
    free(p.buf);
    if (p.nomem || rc == -2) {
        svc_ini_doc_free(doc);
        return -ENOMEM;
    }
    if (p.read_errno != 0) {
        svc_error_at(w, 0, "cannot read: %s", strerror(p.read_errno));
        svc_ini_doc_free(doc);
        return -p.read_errno;
    }
    /* inih's first error should be one already reported above. */
    if (rc > 0 && (unsigned)rc != p.first_syntax_error)
        svc_error_at(w, (unsigned)rc, "syntax error");
    return 0;
}

/*
 * Reports every later entry of s whose key repeats an earlier one's (keys
 * are case-insensitive, as registry value names) and marks it in `dup`,
 * which has s->n slots.
 */
void svc_ini_check_duplicates(struct svc_where *w, const struct svc_ini_section *s, char *dup)
{
    for (size_t i = 0; i < s->n; i++) {
        dup[i] = 0;
        for (size_t j = 0; j < i; j++) {
            if (!dup[j] && strcasecmp(s->entries[i].key, s->entries[j].key) == 0) {
                svc_error_at(w, s->entries[i].lines[0],
                         "duplicate key '%s' in [%s]; it is already set on line %u",
                         s->entries[i].key, s->name, s->entries[j].lines[0]);
                dup[i] = 1;
                break;
            }
        }
    }
}

/* Values that must stay on one line: an indented line after them is a
 * mistake far more often than a wish to continue. */
int svc_ini_single_line(struct svc_where *w, const struct svc_ini_entry *e)
{
    if (e->n_lines < 2)
        return 1;
    svc_error_at(w, e->lines[1], "'%s' cannot continue on this line (an indented "
             "line continues the value above it); remove the indentation", e->key);
    return 0;
}

void svc_ini_items_free(struct svc_ini_item *items, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(items[i].name);
    free(items);
}

/* Splits a list on commas and whitespace, keeping each name's line. */
int svc_ini_split_list(const struct svc_ini_entry *e, struct svc_ini_item **out, size_t *n_out)
{
    struct svc_ini_item *items = NULL;
    size_t n = 0, part = 0;
    const char *s = e->value;

    while (*s != '\0') {
        const char *begin;
        struct svc_ini_item *grown;

        if (*s == ',' || isspace((unsigned char)*s)) {
            if (*s == '\n' && part + 1 < e->n_lines)
                part++;
            s++;
            continue;
        }
        begin = s;
        while (*s != '\0' && *s != ',' && !isspace((unsigned char)*s))
            s++;
        grown = realloc(items, (n + 1) * sizeof(*items));
        if (grown == NULL)
            goto nomem;
        items = grown;
        /* Names holding blanks, commas or '%' are written %XX in a list
         * (config_write.c); a '%' that starts no such triple is kept. */
        {
            char *raw = strndup(begin, (size_t)(s - begin));
            items[n].name = raw ? svc_percent_decode(raw) : NULL;
            free(raw);
        }
        items[n].line = e->lines[part];
        if (items[n].name == NULL)
            goto nomem;
        n++;
    }
    *out = items;
    *n_out = n;
    return 0;
nomem:
    svc_ini_items_free(items, n);
    return -ENOMEM;
}
