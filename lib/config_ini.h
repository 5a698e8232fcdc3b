/*
 * config_ini.h - internals of the configuration readers: the INI reader
 * (config_ini.c) and the file:line diagnostics every schema reports with.
 * Not installed; the public side is config.h.
 *
 * The reader keeps inih's limits, which are fixed at compile time: a line
 * is read into INI_MAX_LINE (200) bytes with its line break and NUL, so
 * 198 characters of content at most; a longer one is an error naming
 * its length and the limit, never silently cut.
 */
#ifndef SVC_CONFIG_INI_H
#define SVC_CONFIG_INI_H

#include <stddef.h>

#include "config.h"

/*
 * One file being reported on.  Errors are counted here rather than read
 * back from the svc_diag, which the caller may share between loads (and
 * which drops lines when out of memory).
 */
struct svc_where {
    struct svc_diag *diag;
    const char *path;
    size_t errors;
    size_t first;       /* the diag's first line about this file */
};

void svc_where_begin(struct svc_where *w, struct svc_diag *diag, const char *path);
/* Puts the file's messages in line order (see config_ini.c). */
void svc_where_end(struct svc_where *w);
/* Adds "PATH:LINE: error: ..." (counted in w->errors) or a warning. */
void svc_error_at(struct svc_where *w, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void svc_warning_at(struct svc_where *w, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- A file as sections of entries ---------------------------------------- */

struct svc_ini_entry {
    char *key;
    char *value;        /* NULL when one of its lines was too long */
    unsigned *lines;    /* lines[i] holds the i-th line of the value */
    size_t n_lines;
};

struct svc_ini_section {
    char *name;         /* "" for keys before the first header */
    unsigned line;      /* of the header; 0 for "" */
    struct svc_ini_entry *entries;
    size_t n;
};

struct svc_ini_doc {
    struct svc_ini_section *sections;
    size_t n;
};

void svc_ini_doc_free(struct svc_ini_doc *doc);

/*
 * Reads `w->path` into `doc`.  Returns 0 (syntax problems are counted in
 * w->errors and the document holds what could be read), -ENOENT or the
 * errno of a failed open or read (with a diagnostic), or -ENOMEM.
 * `quiet_enoent` leaves the diagnostic for a missing file to the caller.
 */
int svc_ini_read(struct svc_where *w, struct svc_ini_doc *doc, int quiet_enoent);

/* Reports every later entry of s whose key repeats an earlier one's (keys
 * are case-insensitive, as registry value names) and marks it in `dup`,
 * which has s->n slots. */
void svc_ini_check_duplicates(struct svc_where *w, const struct svc_ini_section *s, char *dup);

/* 1 if e's value is on one line; else 0, with an error at its second. */
int svc_ini_single_line(struct svc_where *w, const struct svc_ini_entry *e);

/* A list value split on commas and whitespace, each name with its line. */
struct svc_ini_item {
    char *name;
    unsigned line;
};

int svc_ini_split_list(const struct svc_ini_entry *e, struct svc_ini_item **out, size_t *n_out);
void svc_ini_items_free(struct svc_ini_item *items, size_t n);

#endif
