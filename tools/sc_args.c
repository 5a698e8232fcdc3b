/*
 * sc_args.c - sc.exe's command-line forms: "name= value" options and
 * slash-separated dependency lists.
 */
#include "sc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"

DWORD sc_usage_error(const char *fmt, ...)
{
    va_list ap;

    fputs("sc: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return SC_USAGE;
}

int sc_is_option_word(const char *word)
{
    const char *eq = strchr(word, '=');

    return eq != NULL && eq != word;
}

/*
 * sc.exe's option syntax puts the '=' in the option word and the value in
 * the next argument ("binPath= /usr/bin/x"), so a value may itself hold
 * '=' or be empty ("param= KEY=", "group= ").  "name=value" in one word is
 * accepted as well.  The words are split in place.
 */
DWORD sc_parse_options(int argc, char **argv, struct sc_opt **opts, size_t *n)
{
    struct sc_opt *o = calloc((size_t)argc + 1, sizeof *o);
    size_t k = 0;

    if (o == NULL) {
        fprintf(stderr, "sc: out of memory\n");
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    for (int i = 0; i < argc; i++) {
        char *w = argv[i];
        char *eq = strchr(w, '=');

        if (eq == NULL || eq == w) {
            free(o);
            return sc_usage_error("unexpected argument '%s' (options are written 'name= value')", w);
        }
        *eq = '\0';
        o[k].name = w;
        if (eq[1] != '\0') {
            o[k].value = eq + 1;
        } else if (i + 1 < argc) {
            o[k].value = argv[++i];
        } else {
            free(o);
            return sc_usage_error("option %s= needs a value", w);
        }
        k++;
    }
    *opts = o;
    *n = k;
    return NO_ERROR;
}

int sc_opt_is(const struct sc_opt *o, const char *name)
{
    return strcasecmp(o->name, name) == 0;
}

char *sc_depend_list(const char *slashed)
{
    size_t len = strlen(slashed);
    char *out = malloc(len + 2), *p = out;
    const char *s = slashed;

    if (out == NULL)
        return NULL;
    while (*s != '\0') {
        size_t n = strcspn(s, "/");

        /* Empty entries ("A//B", "/") name nothing: "depend= /" is how
         * sc.exe clears the list. */
        if (n > 0) {
            memcpy(p, s, n);
            p += n;
            *p++ = '\0';
        }
        s += n;
        if (*s == '/')
            s++;
    }
    *p++ = '\0';
    if (p == out + 1)
        *p = '\0';  /* an empty list is still double-NUL terminated */
    return out;
}

int sc_parse_number(const char *s, DWORD *out)
{
    uint32_t v;

    if (svc_parse_dword(s, &v) < 0)
        return -1;
    *out = v;
    return 0;
}
