/*
 * config.c - reading the service database: svchost.ini (the groups),
 * services/NAME.ini (one service each) and scm.ini (the SCM's settings),
 * with diagnostics that name the file and line of every problem.
 *
 * A file is read in two passes.  The first turns it into sections of
 * key/value entries, each remembering its lines; inih splits the lines,
 * and our own line reader in front of it checks what inih cannot report
 * (lines past its buffer, which it would silently cut in two) and
 * classifies each line the way inih is about to, so that the handler
 * knows whether a call continues the previous value and the sections
 * keep their header lines.  The second pass checks the entries and fills
 * the public structures, so that a problem found late (a missing key, a
 * duplicate) can still point at both places.
 */
#include "config.h"

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
#include <svchost/winsvc.h>

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

/*
 * One file being reported on.  Errors are counted here rather than read
 * back from the svc_diag, which the caller may share between loads (and
 * which drops lines when out of memory).
 */
struct where {
    struct svc_diag *diag;
    const char *path;
    size_t errors;
    size_t first;       /* the diag's first line about this file */
};

static void where_begin(struct where *w, struct svc_diag *diag, const char *path)
{
    w->diag = diag;
    w->path = path;
    w->errors = 0;
    w->first = diag ? diag->n : 0;
}

static unsigned diag_line_of(const struct where *w, const char *msg)
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
static void where_end(struct where *w)
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

static void error_at(struct where *w, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void warning_at(struct where *w, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void error_at(struct where *w, unsigned line, const char *fmt, ...)
{
    va_list ap;

    w->errors++;
    va_start(ap, fmt);
    diag_vadd(w->diag, 1, w->path, line, fmt, ap);
    va_end(ap);
}

static void warning_at(struct where *w, unsigned line, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    diag_vadd(w->diag, 0, w->path, line, fmt, ap);
    va_end(ap);
}

/* ---- First pass: lines into sections of entries -------------------------- */

struct ini_entry {
    char *key;
    char *value;        /* NULL when one of its lines was too long */
    unsigned *lines;    /* lines[i] holds the i-th line of the value */
    size_t n_lines;
};

struct ini_section {
    char *name;         /* "" for keys before the first header */
    unsigned line;      /* of the header; 0 for "" */
    struct ini_entry *entries;
    size_t n;
};

struct ini_doc {
    struct ini_section *sections;
    size_t n;
};

static void ini_doc_free(struct ini_doc *doc)
{
    for (size_t i = 0; i < doc->n; i++) {
        struct ini_section *s = &doc->sections[i];

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
    struct where *w;
    struct ini_doc *doc;
    char *buf;
    size_t cap;
    unsigned lineno;
    enum line_kind kind;    /* of the line inih is handling */
    const char *subst;      /* what inih gets in place of a too-long line */
    size_t cur;             /* current section; SIZE_MAX before any */
    int have_last;          /* an indented line continues cur's last entry */
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

static struct ini_section *cur_section(struct ini_parser *p)
{
    return &p->doc->sections[p->cur];
}

static int add_section(struct ini_parser *p, char *name, unsigned line)
{
    struct ini_doc *doc = p->doc;
    struct ini_section *s;

    for (size_t i = 0; i < doc->n; i++) {
        if (strcasecmp(doc->sections[i].name, name) == 0) {
            if (line != 0 && doc->sections[i].line != 0)
                warning_at(p->w, line, "section [%s] repeats the one on line %u; "
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
    struct ini_section *s;
    struct ini_entry *e;
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
    return 0;
}

/* Adds a continuation line to the current section's last entry.  The
 * parts are joined with '\n', as Python's configparser does. */
static int continue_entry(struct ini_parser *p, const char *value)
{
    struct ini_section *s = cur_section(p);
    struct ini_entry *e = &s->entries[s->n - 1];
    unsigned *lines;

    lines = realloc(e->lines, (e->n_lines + 1) * sizeof(*lines));
    if (lines == NULL)
        return -ENOMEM;
    e->lines = lines;
    e->lines[e->n_lines++] = p->lineno;
    if (value == NULL) {
        free(e->value);
        e->value = NULL;
    } else if (e->value != NULL) {
        char *joined;

        if (asprintf(&joined, "%s\n%s", e->value, value) < 0)
            return -ENOMEM;
        free(e->value);
        e->value = joined;
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
static int ini_read(struct where *w, struct ini_doc *doc, int quiet_enoent)
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
            error_at(w, 0, "cannot open: %s", strerror(-rc));
        return rc;
    }
    rc = ini_parse_stream(ini_line_reader, &p, entry_handler, &p);
    fclose(p.fp);
    free(p.buf);
    if (p.nomem || rc == -2) {
        ini_doc_free(doc);
        return -ENOMEM;
    }
    if (p.read_errno != 0) {
        error_at(w, 0, "cannot read: %s", strerror(p.read_errno));
        ini_doc_free(doc);
        return -p.read_errno;
    }
    /* inih's first error should be one already reported above. */
    if (rc > 0 && (unsigned)rc != p.first_syntax_error)
        error_at(w, (unsigned)rc, "syntax error");
    return 0;
}

/*
 * Reports every later entry of s whose key repeats an earlier one's (keys
 * are case-insensitive, as registry value names) and marks it in `dup`,
 * which has s->n slots.
 */
static void check_duplicates(struct where *w, const struct ini_section *s, char *dup)
{
    for (size_t i = 0; i < s->n; i++) {
        dup[i] = 0;
        for (size_t j = 0; j < i; j++) {
            if (!dup[j] && strcasecmp(s->entries[i].key, s->entries[j].key) == 0) {
                error_at(w, s->entries[i].lines[0],
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
static int single_line(struct where *w, const struct ini_entry *e)
{
    if (e->n_lines < 2)
        return 1;
    error_at(w, e->lines[1], "'%s' cannot continue on this line (an indented "
             "line continues the value above it); remove the indentation", e->key);
    return 0;
}

struct list_item {
    char *name;
    unsigned line;
};

static void list_free(struct list_item *items, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(items[i].name);
    free(items);
}

/* Splits a list on commas and whitespace, keeping each name's line. */
static int split_list(const struct ini_entry *e, struct list_item **out, size_t *n_out)
{
    struct list_item *items = NULL;
    size_t n = 0, part = 0;
    const char *s = e->value;

    while (*s != '\0') {
        const char *begin;
        struct list_item *grown;

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
        items[n].name = strndup(begin, (size_t)(s - begin));
        items[n].line = e->lines[part];
        if (items[n].name == NULL)
            goto nomem;
        n++;
    }
    *out = items;
    *n_out = n;
    return 0;
nomem:
    list_free(items, n);
    return -ENOMEM;
}

/* ---- Services --------------------------------------------------------- */

/* ROOT/config/... without doubling the slash of "ROOT/". */
static char *config_path(const char *root, const char *tail, const char *name)
{
    size_t len = strlen(root);
    char *path;

    while (len > 0 && root[len - 1] == '/')
        len--;
    if (asprintf(&path, "%.*s/config/%s%s%s", (int)len, root, tail,
                 name ? name : "", name ? ".ini" : "") < 0)
        return NULL;
    return path;
}

char *svc_config_service_path(const char *root, const char *name)
{
    return config_path(root, "services/", name);
}

void svc_service_config_free(struct svc_service_config *c)
{
    if (c == NULL)
        return;
    free(c->name);
    free(c->path);
    free(c->display_name);
    free(c->description);
    free(c->image_path);
    free(c->object_name);
    free(c->load_order_group);
    for (char **p = c->depend_on_service; p && *p; p++)
        free(*p);
    free(c->depend_on_service);
    for (char **p = c->depend_on_group; p && *p; p++)
        free(*p);
    free(c->depend_on_group);
    free(c->service_dll);
    free(c->service_main);
    for (size_t i = 0; i < c->n_params; i++) {
        free(c->params[i].key);
        free(c->params[i].value);
    }
    free(c->params);
    free(c);
}

const char *svc_service_config_param(const struct svc_service_config *c, const char *key)
{
    if (c == NULL || key == NULL)
        return NULL;
    for (size_t i = 0; i < c->n_params; i++)
        if (strcasecmp(c->params[i].key, key) == 0)
            return c->params[i].value;
    return NULL;
}

enum service_key {
    K_DISPLAY_NAME, K_DESCRIPTION, K_TYPE, K_START, K_ERROR_CONTROL,
    K_IMAGE_PATH, K_OBJECT_NAME, K_GROUP, K_DEPEND_ON_SERVICE,
    K_DEPEND_ON_GROUP, K_START_TIMEOUT_MS, K_SVCHOST_SPLIT_DISABLE, K_COUNT
};

static const char *const service_keys[] = {
    [K_DISPLAY_NAME] = "DisplayName",
    [K_DESCRIPTION] = "Description",
    [K_TYPE] = "Type",
    [K_START] = "Start",
    [K_ERROR_CONTROL] = "ErrorControl",
    [K_IMAGE_PATH] = "ImagePath",
    [K_OBJECT_NAME] = "ObjectName",
    [K_GROUP] = "Group",
    [K_DEPEND_ON_SERVICE] = "DependOnService",
    [K_DEPEND_ON_GROUP] = "DependOnGroup",
    [K_START_TIMEOUT_MS] = "StartTimeoutMs",
    [K_SVCHOST_SPLIT_DISABLE] = "SvcHostSplitDisable",
};
_Static_assert(sizeof(service_keys) / sizeof(service_keys[0]) == K_COUNT,
               "service_keys out of step with enum service_key");

/* A service being read: the public result plus what only the checks need. */
struct service_load {
    struct where w;
    struct svc_service_config *c;
    int have_type;
    int have_image_path;        /* even if its value could not be read */
    unsigned image_path_line;
};

/* Stores a string value; an empty one is the same as no value. */
static int set_string(char **field, const char *value)
{
    if (*value == '\0')
        return 0;
    free(*field);
    *field = strdup(value);
    return *field ? 0 : -ENOMEM;
}

/* A DependOn* list; `self` is the name the list must not hold. */
static int set_name_list(struct service_load *l, const struct ini_entry *e,
                         const char *what, const char *self, char ***field)
{
    struct list_item *items;
    size_t n, kept = 0;
    char **list;

    if (split_list(e, &items, &n) < 0)
        return -ENOMEM;
    list = calloc(n + 1, sizeof(*list));
    if (list == NULL) {
        list_free(items, n);
        return -ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        if (!svc_name_valid(items[i].name)) {
            error_at(&l->w, items[i].line, "%s: '%s' is not a valid %s name",
                     e->key, items[i].name, what);
        } else if (self != NULL && strcasecmp(items[i].name, self) == 0) {
            error_at(&l->w, items[i].line, "%s: the service cannot depend on itself",
                     e->key);
        } else {
            list[kept++] = items[i].name;
            items[i].name = NULL;
        }
    }
    list_free(items, n);
    *field = list;
    return 0;
}

static int set_service_key(struct service_load *l, enum service_key k,
                           const struct ini_entry *e)
{
    struct svc_service_config *c = l->c;
    const char *v = e->value;
    uint32_t num;
    int rc;

    if (k == K_IMAGE_PATH) {
        l->have_image_path = 1;
        l->image_path_line = e->lines[0];
    }
    if (v == NULL)
        return 0;       /* its too-long line is already an error */
    switch (k) {
    case K_DESCRIPTION:
        return set_string(&c->description, v);
    case K_DEPEND_ON_SERVICE:
        return set_name_list(l, e, "service", c->name, &c->depend_on_service);
    case K_DEPEND_ON_GROUP:
        return set_name_list(l, e, "group", NULL, &c->depend_on_group);
    default:
        break;
    }
    if (!single_line(&l->w, e))
        return 0;
    switch (k) {
    case K_DISPLAY_NAME:
        return set_string(&c->display_name, v);
    case K_OBJECT_NAME:
        return set_string(&c->object_name, v);
    case K_IMAGE_PATH:
        if (*v == '\0')
            error_at(&l->w, e->lines[0], "ImagePath is empty; it is required "
                     "(e.g. 'ImagePath = svchost -k GROUP')");
        return set_string(&c->image_path, v);
    case K_GROUP:
        if (*v != '\0' && !svc_name_valid(v)) {
            error_at(&l->w, e->lines[0], "Group: '%s' is not a valid group name", v);
            return 0;
        }
        return set_string(&c->load_order_group, v);
    case K_TYPE:
        if (svc_parse_type(v, &c->type) < 0)
            error_at(&l->w, e->lines[0], "bad Type '%s'; accepted: own, share, "
                     "kernel, filesys, rec, adapt, userown, usershare, or a "
                     "number (e.g. 0x20)", v);
        else
            l->have_type = 1;
        return 0;
    case K_START:
        if (svc_parse_start(v, &c->start) < 0)
            error_at(&l->w, e->lines[0], "bad Start '%s'; accepted: boot, system, "
                     "auto, demand, disabled, or 0 to 4", v);
        return 0;
    case K_ERROR_CONTROL:
        if (svc_parse_error_control(v, &c->error_control) < 0)
            error_at(&l->w, e->lines[0], "bad ErrorControl '%s'; accepted: ignore, "
                     "normal, severe, critical, or 0 to 3", v);
        return 0;
    case K_START_TIMEOUT_MS:
        rc = svc_parse_dword(v, &num);
        if (rc < 0)
            error_at(&l->w, e->lines[0], "bad StartTimeoutMs '%s'; accepted: "
                     "milliseconds from 0 (the SCM's default) to 4294967295, "
                     "decimal or 0x hex%s", v, rc == -ERANGE ? " (too large)" : "");
        else
            c->wait_hint_ms = num;
        return 0;
    case K_SVCHOST_SPLIT_DISABLE:
        /* A DWORD on Windows too, but only 0 and 1 mean anything. */
        if (*v == '\0')
            return 0;
        if (svc_parse_dword(v, &num) < 0 || num > 1)
            error_at(&l->w, e->lines[0], "bad SvcHostSplitDisable '%s'; accepted: "
                     "0 (may run in its own host) or 1 (always in the group's "
                     "shared host)", v);
        else
            c->split_disable = num;
        return 0;
    default:
        return 0;
    }
}

static int read_service_section(struct service_load *l, const struct ini_section *s)
{
    char *dup = malloc(s->n ? s->n : 1);
    int rc = 0;

    if (dup == NULL)
        return -ENOMEM;
    check_duplicates(&l->w, s, dup);
    for (size_t i = 0; i < s->n && rc == 0; i++) {
        const struct ini_entry *e = &s->entries[i];
        size_t k;

        if (dup[i])
            continue;
        for (k = 0; k < K_COUNT; k++)
            if (strcasecmp(e->key, service_keys[k]) == 0)
                break;
        if (k == K_COUNT)
            warning_at(&l->w, e->lines[0], "unknown key '%s' in [Service]; ignored",
                       e->key);
        else
            rc = set_service_key(l, (enum service_key)k, e);
    }
    free(dup);
    return rc;
}

static int valid_symbol(const char *s)
{
    if (!isalpha((unsigned char)*s) && *s != '_')
        return 0;
    for (; *s != '\0'; s++)
        if (!isalnum((unsigned char)*s) && *s != '_')
            return 0;
    return 1;
}

/* [Parameters] belongs to the plugin: every value is kept as written, and
 * only the two the host itself uses are checked. */
static int read_parameters_section(struct service_load *l, const struct ini_section *s)
{
    struct svc_service_config *c = l->c;
    char *dup = malloc(s->n ? s->n : 1);
    int rc = -ENOMEM;

    if (dup == NULL)
        return -ENOMEM;
    check_duplicates(&l->w, s, dup);
    c->params = calloc(s->n ? s->n : 1, sizeof(*c->params));
    if (c->params == NULL)
        goto out;
    for (size_t i = 0; i < s->n; i++) {
        const struct ini_entry *e = &s->entries[i];
        struct svc_kv *kv = &c->params[c->n_params];

        if (dup[i] || e->value == NULL)
            continue;
        kv->key = strdup(e->key);
        kv->value = strdup(e->value);
        if (kv->key == NULL || kv->value == NULL) {
            free(kv->key);
            free(kv->value);
            goto out;
        }
        c->n_params++;
        if (strcasecmp(e->key, "ServiceDll") == 0) {
            if (single_line(&l->w, e) && set_string(&c->service_dll, e->value) < 0)
                goto out;
        } else if (strcasecmp(e->key, "ServiceMain") == 0) {
            if (!single_line(&l->w, e))
                continue;
            if (*e->value != '\0' && !valid_symbol(e->value))
                error_at(&l->w, e->lines[0], "bad ServiceMain '%s'; it must be the "
                         "name of a function exported by the ServiceDll", e->value);
            else if (set_string(&c->service_main, e->value) < 0)
                goto out;
        }
    }
    rc = 0;
out:
    free(dup);
    return rc;
}

static int set_defaults(struct service_load *l)
{
    struct svc_service_config *c = l->c;
    char *group = NULL;
    int rc;

    if (!l->have_image_path)
        error_at(&l->w, 0, "[Service] has no ImagePath; it is required "
                 "(e.g. 'ImagePath = svchost -k GROUP')");
    if (!l->have_type) {
        rc = svc_imagepath_group(c->image_path, &group);
        if (rc < 0)
            return rc;
        c->type = rc == 1 ? SERVICE_WIN32_SHARE_PROCESS : SERVICE_WIN32_OWN_PROCESS;
        free(group);
    }
    if (c->display_name == NULL && (c->display_name = strdup(c->name)) == NULL)
        return -ENOMEM;
    if (c->object_name == NULL && (c->object_name = strdup("LocalSystem")) == NULL)
        return -ENOMEM;
    if (c->service_main == NULL && (c->service_main = strdup("ServiceMain")) == NULL)
        return -ENOMEM;
    if (c->depend_on_service == NULL &&
        (c->depend_on_service = calloc(1, sizeof(char *))) == NULL)
        return -ENOMEM;
    if (c->depend_on_group == NULL &&
        (c->depend_on_group = calloc(1, sizeof(char *))) == NULL)
        return -ENOMEM;
    if (c->params == NULL && (c->params = calloc(1, sizeof(*c->params))) == NULL)
        return -ENOMEM;
    return 0;
}

/*
 * The body of svc_config_load_service.  Also returns the ImagePath line,
 * for svc_config_load_group's messages, and counts errors into *errors.
 * With quiet_enoent a missing file is -ENOENT without a diagnostic.
 */
static int load_service(const char *root, const char *name, int quiet_enoent,
                        struct svc_service_config **out, unsigned *image_path_line,
                        struct svc_diag *diag, size_t *errors)
{
    struct service_load l = { 0 };
    struct ini_doc doc = { 0 };
    int rc;

    *out = NULL;
    if (!svc_name_valid(name)) {
        svc_diag_add(diag, 1, NULL, 0, "'%s' is not a valid service name", name);
        (*errors)++;
        return -EINVAL;
    }
    l.c = calloc(1, sizeof(*l.c));
    if (l.c == NULL)
        return -ENOMEM;
    l.c->start = SERVICE_DEMAND_START;
    l.c->error_control = SERVICE_ERROR_NORMAL;
    l.c->name = strdup(name);
    l.c->path = svc_config_service_path(root, name);
    if (l.c->name == NULL || l.c->path == NULL) {
        rc = -ENOMEM;
        goto out;
    }
    where_begin(&l.w, diag, l.c->path);
    rc = ini_read(&l.w, &doc, quiet_enoent);
    if (rc < 0)
        goto out;
    for (size_t i = 0; i < doc.n && rc == 0; i++) {
        const struct ini_section *s = &doc.sections[i];

        if (strcasecmp(s->name, "Service") == 0) {
            rc = read_service_section(&l, s);
        } else if (strcasecmp(s->name, "Parameters") == 0) {
            rc = read_parameters_section(&l, s);
        } else if (s->name[0] == '\0') {
            for (size_t j = 0; j < s->n; j++)
                warning_at(&l.w, s->entries[j].lines[0], "key '%s' is outside "
                           "[Service] and [Parameters]; ignored", s->entries[j].key);
        } else {
            warning_at(&l.w, s->line, "unknown section [%s]; ignored "
                       "(known: [Service], [Parameters])", s->name);
        }
    }
    if (rc == 0)
        rc = set_defaults(&l);
    if (rc == 0 && l.w.errors > 0)
        rc = -EINVAL;
out:
    ini_doc_free(&doc);
    if (l.w.path != NULL)
        where_end(&l.w);
    *errors += l.w.errors;
    if (rc < 0) {
        svc_service_config_free(l.c);
        return rc;
    }
    if (image_path_line != NULL)
        *image_path_line = l.image_path_line;
    *out = l.c;
    return 0;
}

int svc_config_load_service(const char *root, const char *name,
                            struct svc_service_config **out, struct svc_diag *diag)
{
    size_t errors = 0;

    return load_service(root, name, 0, out, NULL, diag, &errors);
}

/* ---- Groups --------------------------------------------------------------- */

void svc_groups_free(struct svc_groups *g)
{
    if (g == NULL)
        return;
    for (size_t i = 0; i < g->n; i++) {
        for (size_t j = 0; j < g->groups[i].n_services; j++)
            free(g->groups[i].services[j]);
        free(g->groups[i].services);
        free(g->groups[i].name);
    }
    free(g->groups);
    free(g->path);
    free(g);
}

const struct svc_group_config *svc_groups_find(const struct svc_groups *g, const char *name)
{
    if (g == NULL || name == NULL)
        return NULL;
    for (size_t i = 0; i < g->n; i++)
        if (strcasecmp(g->groups[i].name, name) == 0)
            return &g->groups[i];
    return NULL;
}

/* svc_groups plus, for each service, the line of svchost.ini naming it:
 * lines[i][j] is where groups[i].services[j] was listed. */
/* The services listed so far, by name (case-insensitive): a hash set,
 * so that checking every member for duplicates stays linear in a large
 * svchost.ini. */
struct seen_name {
    const char *name;      /* owned by the group it is listed in */
    size_t group;
    unsigned line;
};

struct seen_set {
    struct seen_name *slots;
    size_t cap, n;         /* cap is a power of two, at most half full */
};

static size_t name_hash(const char *s)
{
    size_t h = 14695981039346656037u;
    for (; *s; s++)
        h = (h ^ (unsigned char)tolower((unsigned char)*s)) * 1099511628211u;
    return h;
}

static const struct seen_name *seen_find(const struct seen_set *set, const char *name)
{
    if (set->cap == 0)
        return NULL;
    for (size_t i = name_hash(name) & (set->cap - 1);; i = (i + 1) & (set->cap - 1)) {
        if (set->slots[i].name == NULL)
            return NULL;
        if (strcasecmp(set->slots[i].name, name) == 0)
            return &set->slots[i];
    }
}

static int seen_add(struct seen_set *set, const char *name, size_t group, unsigned line)
{
    if (2 * (set->n + 1) > set->cap) {
        struct seen_set bigger = { .cap = set->cap ? set->cap * 2 : 64 };
        bigger.slots = calloc(bigger.cap, sizeof *bigger.slots);
        if (bigger.slots == NULL)
            return -ENOMEM;
        for (size_t i = 0; i < set->cap; i++)
            if (set->slots[i].name != NULL)
                seen_add(&bigger, set->slots[i].name, set->slots[i].group, set->slots[i].line);
        free(set->slots);
        *set = bigger;
    }
    size_t i = name_hash(name) & (set->cap - 1);
    while (set->slots[i].name != NULL)
        i = (i + 1) & (set->cap - 1);
    set->slots[i] = (struct seen_name){ name, group, line };
    set->n++;
    return 0;
}

struct groups_load {
    struct where w;
    struct svc_groups *g;
    unsigned **lines;
    size_t n_lines;
    struct seen_set seen;
};

static void groups_load_free(struct groups_load *gl)
{
    for (size_t i = 0; i < gl->n_lines; i++)
        free(gl->lines[i]);
    free(gl->lines);
    gl->n_lines = 0;
    free(gl->seen.slots);
    gl->seen = (struct seen_set){ 0 };
    svc_groups_free(gl->g);
    gl->g = NULL;
    gl->lines = NULL;
}

/* Adds the names of `e` (a Services value) to group gi, dropping invalid
 * names and names already listed here or in an earlier group. */
static int add_group_services(struct groups_load *gl, size_t gi, const struct ini_entry *e)
{
    struct svc_group_config *grp = &gl->g->groups[gi];
    struct list_item *items;
    size_t n;
    int rc = 0;

    if (split_list(e, &items, &n) < 0)
        return -ENOMEM;
    grp->services = calloc(n + 1, sizeof(*grp->services));
    gl->lines[gi] = calloc(n + 1, sizeof(*gl->lines[gi]));
    if (grp->services == NULL || gl->lines[gi] == NULL) {
        rc = -ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        const char *dup_group = NULL;
        unsigned dup_line = 0;

        if (!svc_name_valid(items[i].name)) {
            error_at(&gl->w, items[i].line, "'%s' in group '%s' is not a valid "
                     "service name", items[i].name, grp->name);
            continue;
        }
        const struct seen_name *dup = seen_find(&gl->seen, items[i].name);
        if (dup != NULL) {
            dup_group = gl->g->groups[dup->group].name;
            dup_line = dup->line;
        }
        if (dup_group == grp->name) {
            error_at(&gl->w, items[i].line, "service '%s' is listed twice in "
                     "group '%s' (first on line %u)", items[i].name, grp->name,
                     dup_line);
            continue;
        }
        if (dup_group != NULL) {
            error_at(&gl->w, items[i].line, "service '%s' is listed twice: here "
                     "in group '%s' and on line %u in group '%s'; a service "
                     "belongs to one group", items[i].name, grp->name, dup_line,
                     dup_group);
            continue;
        }
        if (seen_add(&gl->seen, items[i].name, gi, items[i].line) < 0) {
            rc = -ENOMEM;
            goto out;
        }
        gl->lines[gi][grp->n_services] = items[i].line;
        grp->services[grp->n_services++] = items[i].name;
        items[i].name = NULL;
    }
out:
    list_free(items, n);
    return rc;
}

static int read_group_section(struct groups_load *gl, const struct ini_section *s)
{
    struct svc_groups *g = gl->g;
    struct svc_group_config *grp;
    char *dup;
    size_t errors = gl->w.errors;
    int rc = 0;

    if (!svc_name_valid(s->name)) {
        error_at(&gl->w, s->line, "[%s] is not a valid group name", s->name);
        return 0;
    }
    dup = malloc(s->n ? s->n : 1);
    if (dup == NULL)
        return -ENOMEM;
    grp = &g->groups[g->n];
    grp->name = strdup(s->name);
    if (grp->name == NULL) {
        free(dup);
        return -ENOMEM;
    }
    g->n++;
    check_duplicates(&gl->w, s, dup);
    for (size_t i = 0; i < s->n && rc == 0; i++) {
        const struct ini_entry *e = &s->entries[i];

        if (dup[i])
            continue;
        if (strcasecmp(e->key, "Services") == 0) {
            if (e->value != NULL)
                rc = add_group_services(gl, g->n - 1, e);
        } else if (strcasecmp(e->key, "Split") == 0) {
            /* Empty means not set, as in [Service]: auto. */
            if (e->value == NULL || !single_line(&gl->w, e) || *e->value == '\0')
                continue;
            if (svc_parse_split(e->value, &grp->split) < 0)
                error_at(&gl->w, e->lines[0], "bad Split '%s' in group [%s]; "
                         "accepted: auto, always, never", e->value, s->name);
        } else {
            warning_at(&gl->w, e->lines[0], "unknown key '%s' in group [%s]; "
                       "ignored (known: Services, Split)", e->key, s->name);
        }
    }
    free(dup);
    if (rc == 0 && grp->services == NULL) {
        grp->services = calloc(1, sizeof(*grp->services));
        gl->lines[g->n - 1] = calloc(1, sizeof(*gl->lines[0]));
        if (grp->services == NULL || gl->lines[g->n - 1] == NULL)
            return -ENOMEM;
    }
    if (rc == 0 && grp->n_services == 0 && gl->w.errors == errors)
        warning_at(&gl->w, s->line, "group [%s] lists no services (Services = "
                   "NAME, ...)", s->name);
    return rc;
}

/*
 * Reads svchost.ini into gl.  Returns 0, -EINVAL with gl->g still holding
 * what was understood (so that a host can report on its group's members
 * too), or -ENOENT/-ENOMEM/a read errno with gl->g NULL.
 */
static int load_groups(const char *root, struct groups_load *gl, struct svc_diag *diag)
{
    struct ini_doc doc = { 0 };
    int rc;

    memset(gl, 0, sizeof(*gl));
    where_begin(&gl->w, diag, NULL);
    gl->g = calloc(1, sizeof(*gl->g));
    if (gl->g == NULL)
        return -ENOMEM;
    gl->g->path = config_path(root, "svchost.ini", NULL);
    if (gl->g->path == NULL) {
        rc = -ENOMEM;
        goto fail;
    }
    where_begin(&gl->w, diag, gl->g->path);
    rc = ini_read(&gl->w, &doc, 0);
    if (rc < 0)
        goto fail;
    gl->g->groups = calloc(doc.n ? doc.n : 1, sizeof(*gl->g->groups));
    gl->lines = calloc(doc.n ? doc.n : 1, sizeof(*gl->lines));
    if (gl->g->groups == NULL || gl->lines == NULL) {
        rc = -ENOMEM;
        goto fail;
    }
    gl->n_lines = doc.n;
    for (size_t i = 0; i < doc.n; i++) {
        const struct ini_section *s = &doc.sections[i];

        if (s->name[0] == '\0') {
            for (size_t j = 0; j < s->n; j++)
                warning_at(&gl->w, s->entries[j].lines[0], "key '%s' is outside "
                           "any group section; ignored", s->entries[j].key);
            continue;
        }
        rc = read_group_section(gl, s);
        if (rc < 0)
            goto fail;
    }
    ini_doc_free(&doc);
    where_end(&gl->w);
    return gl->w.errors > 0 ? -EINVAL : 0;
fail:
    ini_doc_free(&doc);
    if (gl->w.path != NULL)
        where_end(&gl->w);
    groups_load_free(gl);
    return rc;
}

int svc_config_load_groups(const char *root, struct svc_groups **out, struct svc_diag *diag)
{
    struct groups_load gl;
    int rc = load_groups(root, &gl, diag);

    *out = NULL;
    if (rc < 0) {
        groups_load_free(&gl);
        return rc;
    }
    *out = gl.g;
    gl.g = NULL;
    groups_load_free(&gl);
    return 0;
}

/* ---- One group with its members --------------------------------------- */

void svc_group_members_free(struct svc_group_members *m)
{
    if (m == NULL)
        return;
    for (size_t i = 0; i < m->n; i++)
        svc_service_config_free(m->services[i]);
    free(m->services);
    free(m->group);
    free(m);
}

/* A member must be started by this group's host, not by another one. */
static int check_member_image(struct where *gw, struct svc_diag *diag, size_t *errors,
                              const struct svc_group_config *grp, unsigned listed_line,
                              const struct svc_service_config *c, unsigned image_line)
{
    struct where mw = { .diag = diag, .path = c->path };
    char *runs = NULL;
    int rc = svc_imagepath_group(c->image_path, &runs);

    if (rc < 0)
        return rc;
    if (rc == 1 && strcasecmp(runs, grp->name) != 0)
        error_at(&mw, image_line, "ImagePath runs group '%s', but '%s' is listed in "
                 "group '%s' (%s:%u); make it 'svchost -k %s'", runs, c->name,
                 grp->name, gw->path, listed_line, grp->name);
    else if (rc == 0)
        error_at(&mw, image_line, "ImagePath '%s' does not run 'svchost -k %s', but "
                 "'%s' is listed in group '%s' (%s:%u)", c->image_path, grp->name,
                 c->name, grp->name, gw->path, listed_line);
    else if (c->service_dll == NULL)
        warning_at(&mw, 0, "[Parameters] has no ServiceDll; group '%s' cannot "
                   "start '%s'", grp->name, c->name);
    free(runs);
    *errors += mw.errors;
    return 0;
}

/* Loads GROUP's members, or only the member `only` when it is not NULL
 * (a split instance needs its one service, not the whole group). */
static int load_group(const char *root, const char *group, const char *only,
                      struct svc_group_members **out, struct svc_diag *diag)
{
    struct groups_load gl;
    int listed = 0;
    struct svc_group_members *m = NULL;
    const struct svc_group_config *grp;
    size_t gi, errors = 0;
    int rc, failed = 0;

    *out = NULL;
    rc = load_groups(root, &gl, diag);
    if (gl.g == NULL)
        return rc;
    if (rc < 0)
        failed = rc;
    grp = svc_groups_find(gl.g, group);
    if (grp == NULL) {
        error_at(&gl.w, 0, "no group '%s'", group);
        rc = -ENOENT;
        goto out;
    }
    gi = (size_t)(grp - gl.g->groups);
    m = calloc(1, sizeof(*m));
    if (m == NULL || (m->group = strdup(grp->name)) == NULL ||
        (m->services = calloc(grp->n_services + 1, sizeof(*m->services))) == NULL) {
        rc = -ENOMEM;
        goto out;
    }
    /* Every member is read even after a failure, so that one run of the
     * host reports everything that is wrong with the group. */
    for (size_t i = 0; i < grp->n_services; i++) {
        struct svc_service_config *c;
        unsigned image_line = 0;

        if (only != NULL && strcasecmp(grp->services[i], only) != 0)
            continue;
        listed = 1;
        rc = load_service(root, grp->services[i], 1, &c, &image_line, diag, &errors);
        if (rc == -ENOENT) {
            char *path = svc_config_service_path(root, grp->services[i]);

            if (path == NULL) {
                rc = -ENOMEM;
                goto out;
            }
            error_at(&gl.w, gl.lines[gi][i], "service '%s' of group '%s' has no "
                     "file %s", grp->services[i], grp->name, path);
            free(path);
            continue;
        }
        if (rc == -ENOMEM)
            goto out;
        if (rc < 0) {
            if (failed == 0 || failed == -EINVAL)
                failed = rc;
            continue;
        }
        m->services[m->n++] = c;
        rc = check_member_image(&gl.w, diag, &errors, grp, gl.lines[gi][i], c,
                                image_line);
        if (rc < 0)
            goto out;
    }
    rc = failed;
    if (only != NULL && !listed) {
        error_at(&gl.w, 0, "group '%s' has no service '%s'", grp->name, only);
        rc = -ENOENT;
    }
    if (rc == 0 && (errors > 0 || gl.w.errors > 0))
        rc = -EINVAL;
out:
    groups_load_free(&gl);
    if (rc < 0) {
        svc_group_members_free(m);
        return rc;
    }
    *out = m;
    return 0;
}

int svc_config_load_group(const char *root, const char *group,
                          struct svc_group_members **out, struct svc_diag *diag)
{
    return load_group(root, group, NULL, out, diag);
}

int svc_config_load_group_member(const char *root, const char *group, const char *name,
                                 struct svc_group_members **out, struct svc_diag *diag)
{
    return load_group(root, group, name, out, diag);
}

/* ---- The SCM's settings --------------------------------------------------- */

/* The keys of [SCM], each a DWORD of struct svc_scm_config.  A timeout of
 * 0 would make every start or control fail at once (1053), so the least
 * a timeout may be is 1. */
static const struct {
    const char *key;
    size_t offset;
    uint32_t min;
    const char *meaning;    /* for the message about a bad value */
} scm_keys[] = {
    { "SplitThresholdKB", offsetof(struct svc_scm_config, split_threshold_kb), 0,
      "KiB of RAM from 0 (never split)" },
    { "StartTimeoutMs", offsetof(struct svc_scm_config, start_timeout_ms), 1,
      "milliseconds from 1" },
    { "ControlTimeoutMs", offsetof(struct svc_scm_config, control_timeout_ms), 1,
      "milliseconds from 1" },
    { "StopTimeoutMs", offsetof(struct svc_scm_config, stop_timeout_ms), 1,
      "milliseconds from 1" },
};

static int read_scm_section(struct where *w, const struct ini_section *s,
                            struct svc_scm_config *c)
{
    char *dup = malloc(s->n ? s->n : 1);

    if (dup == NULL)
        return -ENOMEM;
    check_duplicates(w, s, dup);
    for (size_t i = 0; i < s->n; i++) {
        const struct ini_entry *e = &s->entries[i];
        size_t k, n_keys = sizeof scm_keys / sizeof scm_keys[0];
        uint32_t num;
        int rc;

        if (dup[i])
            continue;
        for (k = 0; k < n_keys; k++)
            if (strcasecmp(e->key, scm_keys[k].key) == 0)
                break;
        if (k == n_keys) {
            warning_at(w, e->lines[0], "unknown key '%s' in [SCM]; ignored "
                       "(known: SplitThresholdKB, StartTimeoutMs, ControlTimeoutMs, "
                       "StopTimeoutMs)", e->key);
            continue;
        }
        /* NULL: its too-long line is already an error; empty: the default. */
        if (e->value == NULL || !single_line(w, e) || *e->value == '\0')
            continue;
        rc = svc_parse_dword(e->value, &num);
        if (rc < 0 || num < scm_keys[k].min)
            error_at(w, e->lines[0], "bad %s '%s'; accepted: %s to 4294967295, "
                     "decimal or 0x hex%s", scm_keys[k].key, e->value,
                     scm_keys[k].meaning, rc == -ERANGE ? " (too large)" : "");
        else
            *(uint32_t *)((char *)c + scm_keys[k].offset) = num;
    }
    free(dup);
    return 0;
}

int svc_config_load_scm(const char *root, struct svc_scm_config *out, struct svc_diag *diag)
{
    static const struct svc_scm_config defaults = {
        .split_threshold_kb = 0,
        .start_timeout_ms = SVC_SCM_TIMEOUT_DEFAULT_MS,
        .control_timeout_ms = SVC_SCM_TIMEOUT_DEFAULT_MS,
        .stop_timeout_ms = SVC_SCM_TIMEOUT_DEFAULT_MS,
    };
    struct svc_scm_config c = defaults;
    struct ini_doc doc = { 0 };
    struct where w;
    char *path;
    int rc;

    *out = defaults;
    path = config_path(root, "scm.ini", NULL);
    if (path == NULL)
        return -ENOMEM;
    where_begin(&w, diag, path);
    /* Every key has a default, so no file is the same as an empty one. */
    rc = ini_read(&w, &doc, 1);
    if (rc == -ENOENT) {
        rc = 0;
        goto out;
    }
    if (rc < 0)
        goto out;
    for (size_t i = 0; i < doc.n; i++) {
        const struct ini_section *s = &doc.sections[i];

        if (strcasecmp(s->name, "SCM") == 0) {
            rc = read_scm_section(&w, s, &c);
            if (rc < 0)
                goto out;
        } else if (s->name[0] == '\0') {
            for (size_t j = 0; j < s->n; j++)
                warning_at(&w, s->entries[j].lines[0], "key '%s' is outside [SCM]; "
                           "ignored", s->entries[j].key);
        } else {
            warning_at(&w, s->line, "unknown section [%s]; ignored (known: [SCM])",
                       s->name);
        }
    }
    if (w.errors > 0)
        rc = -EINVAL;
    else
        *out = c;
out:
    ini_doc_free(&doc);
    where_end(&w);
    free(path);
    return rc;
}
