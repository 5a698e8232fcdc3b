/*
 * sddl.c - SDDL text and self-relative security descriptors (see sddl.h).
 *
 * The grammar, as Microsoft's "Security Descriptor String Format" and
 * "ACE Strings" define it, of the part kept here:
 *
 *   sd      = *( "O:" sid / "G:" sid / "D:" dacl )   each part at most once
 *   dacl    = *( "P" / "AI" / "AR" ) *( "(" ace ")" ) / "NO_ACCESS_CONTROL"
 *   ace     = type ";" flags ";" rights ";" guid ";" guid ";" sid
 *   type    = "A" / "D"
 *   flags   = *( "OI" / "CI" / "NP" / "IO" / "ID" )
 *   rights  = 1*( two-letter right ) / "0x" hex / decimal
 *   guid    = ""                                   object ACEs are not kept
 *   sid     = two-letter alias / "S-1-" authority *( "-" subauthority )
 */
#include "sddl.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Tables ------------------------------------------------------------------ */

static const struct alias {
    const char *name;
    uint64_t authority;
    uint8_t n_sub;
    uint32_t sub[2];
} aliases[] = {
    /* Those that scmd gives a meaning to first (docs/security.md). */
    { "SY", 5, 1, { 18 } },           /* LocalSystem */
    { "BA", 5, 2, { 32, 544 } },      /* BUILTIN\Administrators */
    { "AU", 5, 1, { 11 } },           /* Authenticated Users */
    { "IU", 5, 1, { 4 } },            /* Interactive */
    { "SU", 5, 1, { 6 } },            /* Service */
    { "WD", 1, 1, { 0 } },            /* Everyone */
    { "LS", 5, 1, { 19 } },           /* LocalService */
    { "NS", 5, 1, { 20 } },           /* NetworkService */
    { "BU", 5, 2, { 32, 545 } },      /* BUILTIN\Users */
    { "OW", 3, 1, { 4 } },            /* Owner Rights */
    /* Well-known SIDs that parse and print, and match nobody here. */
    { "AN", 5, 1, { 7 } },            /* Anonymous */
    { "AO", 5, 2, { 32, 548 } },      /* Account Operators */
    { "BG", 5, 2, { 32, 546 } },      /* BUILTIN\Guests */
    { "BO", 5, 2, { 32, 551 } },      /* Backup Operators */
    { "CG", 3, 1, { 1 } },            /* Creator Group */
    { "CO", 3, 1, { 0 } },            /* Creator Owner */
    { "NU", 5, 1, { 2 } },            /* Network */
    { "PS", 5, 1, { 10 } },           /* Principal Self */
    { "PU", 5, 2, { 32, 547 } },      /* Power Users */
    { "RC", 5, 1, { 12 } },           /* Restricted Code */
    { "RD", 5, 2, { 32, 555 } },      /* Remote Desktop Users */
    { "SO", 5, 2, { 32, 549 } },      /* Server Operators */
    { "AC", 15, 2, { 2, 1 } },        /* All Application Packages */
};

/* The two-letter rights, in the order they are printed: bit order. */
static const struct right {
    const char *name;
    uint32_t mask;
} rights[] = {
    { "CC", 0x00000001 }, { "DC", 0x00000002 }, { "LC", 0x00000004 }, { "SW", 0x00000008 },
    { "RP", 0x00000010 }, { "WP", 0x00000020 }, { "DT", 0x00000040 }, { "LO", 0x00000080 },
    { "CR", 0x00000100 }, { "SD", 0x00010000 }, { "RC", 0x00020000 }, { "WD", 0x00040000 },
    { "WO", 0x00080000 }, { "GA", 0x10000000 }, { "GX", 0x20000000 }, { "GW", 0x40000000 },
    { "GR", 0x80000000 },
};

/* Rights that stand for a whole mask; printed when the mask is exactly
 * one of them (KA is SC_MANAGER_ALL_ACCESS, as sc sdshow scmanager shows). */
static const struct right combined[] = {
    { "KA", 0x000F003F }, { "KR", 0x00020019 }, { "KW", 0x00020006 }, { "KX", 0x00020019 },
    { "FA", 0x001F01FF }, { "FR", 0x00120089 }, { "FW", 0x00120116 }, { "FX", 0x001200A0 },
};

static const struct flag {
    const char *name;
    uint8_t bit;
} ace_flags[] = {
    { "OI", SVC_ACE_OI }, { "CI", SVC_ACE_CI }, { "NP", SVC_ACE_NP },
    { "IO", SVC_ACE_IO }, { "ID", SVC_ACE_ID },
};

static const struct dacl_flag {
    const char *name;
    uint16_t bit;
} dacl_flags[] = {
    { "P", SVC_SE_DACL_PROTECTED }, { "AR", SVC_SE_DACL_AUTO_INHERIT_REQ },
    { "AI", SVC_SE_DACL_AUTO_INHERITED },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Whether s starts with the two letters of name (rights, flags and SID
 * aliases are two letters; strncmp costs more than the rest of a parse). */
static int two(const char *s, const char *name)
{
    return s[0] == name[0] && s[0] != '\0' && s[1] == name[1];
}

/* ---- SIDs ----------------------------------------------------------------------- */

static struct svc_sid sid_of_alias(const struct alias *a)
{
    struct svc_sid s = { .authority = a->authority, .n_sub = a->n_sub };
    memcpy(s.sub, a->sub, a->n_sub * sizeof s.sub[0]);
    return s;
}

int svc_sid_well_known(const char *alias, struct svc_sid *sid)
{
    if (alias[0] == '\0' || alias[1] == '\0' || alias[2] != '\0')
        return -EINVAL;
    for (size_t i = 0; i < N(aliases); i++)
        if (two(alias, aliases[i].name)) {
            *sid = sid_of_alias(&aliases[i]);
            return 0;
        }
    return -EINVAL;
}

int svc_sid_equal(const struct svc_sid *a, const struct svc_sid *b)
{
    return a->authority == b->authority && a->n_sub == b->n_sub &&
           memcmp(a->sub, b->sub, a->n_sub * sizeof a->sub[0]) == 0;
}

struct svc_sid svc_sid_unix_user(uid_t uid)
{
    return (struct svc_sid){ .authority = 22, .n_sub = 2, .sub = { 1, (uint32_t)uid } };
}

struct svc_sid svc_sid_unix_group(gid_t gid)
{
    return (struct svc_sid){ .authority = 22, .n_sub = 2, .sub = { 2, (uint32_t)gid } };
}

/* A decimal number of at most max, its digits only: 0 or -EINVAL. */
static int parse_number(const char *s, size_t len, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;

    if (len == 0 || len > 20)
        return -EINVAL;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -EINVAL;
        if (v > (max - (uint64_t)(s[i] - '0')) / 10)
            return -EINVAL;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    *out = v;
    return 0;
}

/* "S-1-A-S1-S2..." of len bytes, or an alias. */
static int parse_sid(const char *s, size_t len, struct svc_sid *sid)
{
    uint64_t v;
    size_t i, start;

    memset(sid, 0, sizeof *sid);
    if (len == 2) {
        char a[3] = { s[0], s[1], '\0' };
        return svc_sid_well_known(a, sid);
    }
    if (len < 5 || (s[0] != 'S' && s[0] != 's') || strncmp(s + 1, "-1-", 3) != 0)
        return -EINVAL;
    i = start = 4;
    /* The authority: 48 bits, decimal (Windows also takes 0x hex). */
    while (i < len && s[i] != '-')
        i++;
    if (i - start > 2 && s[start] == '0' && (s[start + 1] == 'x' || s[start + 1] == 'X')) {
        v = 0;
        for (size_t k = start + 2; k < i; k++) {
            char c = s[k];
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
                  : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
            if (d < 0 || k - start - 2 >= 12)
                return -EINVAL;
            v = v * 16 + (uint64_t)d;
        }
    } else if (parse_number(s + start, i - start, 0xFFFFFFFFFFFFull, &v) < 0) {
        return -EINVAL;
    }
    sid->authority = v;
    while (i < len) {
        i++;    /* the '-' */
        start = i;
        while (i < len && s[i] != '-')
            i++;
        if (sid->n_sub >= SVC_SID_MAX_SUB || parse_number(s + start, i - start, 0xFFFFFFFFu, &v) < 0)
            return -EINVAL;
        sid->sub[sid->n_sub++] = (uint32_t)v;
    }
    return 0;
}

int svc_sid_parse(const char *text, struct svc_sid *sid)
{
    return text ? parse_sid(text, strlen(text), sid) : -EINVAL;
}

/* ---- Output ------------------------------------------------------------------------ */

struct out {
    char *p;
    size_t len, cap;
    int err;
};

static void out_add(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void out_add(struct out *o, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (o->err)
        return;
    for (;;) {
        size_t room = o->cap - o->len;
        va_start(ap, fmt);
        n = vsnprintf(o->p ? o->p + o->len : NULL, room, fmt, ap);
        va_end(ap);
        if (n < 0) {
            o->err = -EINVAL;
            return;
        }
        if ((size_t)n < room) {
            o->len += (size_t)n;
            return;
        }
        size_t cap = (o->cap ? o->cap * 2 : 128) + (size_t)n;
        char *p = realloc(o->p, cap);
        if (p == NULL) {
            o->err = -ENOMEM;
            return;
        }
        o->p = p;
        o->cap = cap;
    }
}

static void out_sid(struct out *o, const struct svc_sid *sid)
{
    for (size_t i = 0; i < N(aliases); i++) {
        struct svc_sid a = sid_of_alias(&aliases[i]);
        if (svc_sid_equal(&a, sid)) {
            out_add(o, "%s", aliases[i].name);
            return;
        }
    }
    if (sid->authority >> 32)
        out_add(o, "S-1-0x%" PRIx64, sid->authority);
    else
        out_add(o, "S-1-%" PRIu64, sid->authority);
    for (unsigned i = 0; i < sid->n_sub; i++)
        out_add(o, "-%" PRIu32, sid->sub[i]);
}

static void out_rights(struct out *o, uint32_t mask)
{
    uint32_t known = 0;

    for (size_t i = 0; i < N(combined); i++)
        if (mask == combined[i].mask) {
            out_add(o, "%s", combined[i].name);
            return;
        }
    for (size_t i = 0; i < N(rights); i++)
        known |= rights[i].mask;
    if (mask == 0 || (mask & ~known)) {
        out_add(o, "0x%" PRIx32, mask);
        return;
    }
    for (size_t i = 0; i < N(rights); i++)
        if (mask & rights[i].mask)
            out_add(o, "%s", rights[i].name);
}

int svc_sddl_format(const struct svc_sd *sd, uint32_t info, char **out)
{
    struct out o = { 0 };

    out_add(&o, "%s", "");
    if ((info & SVC_SI_OWNER) && sd->has_owner) {
        out_add(&o, "O:");
        out_sid(&o, &sd->owner);
    }
    if ((info & SVC_SI_GROUP) && sd->has_group) {
        out_add(&o, "G:");
        out_sid(&o, &sd->group);
    }
    if ((info & SVC_SI_DACL) && (sd->control & SVC_SE_DACL_PRESENT)) {
        out_add(&o, "D:");
        for (size_t i = 0; i < N(dacl_flags); i++)
            if (sd->control & dacl_flags[i].bit)
                out_add(&o, "%s", dacl_flags[i].name);
        if (sd->dacl_null)
            out_add(&o, "NO_ACCESS_CONTROL");
        for (size_t i = 0; !sd->dacl_null && i < sd->n_aces; i++) {
            const struct svc_ace *a = &sd->aces[i];
            out_add(&o, "(%s;", a->type == SVC_ACE_DENY ? "D" : "A");
            for (size_t k = 0; k < N(ace_flags); k++)
                if (a->flags & ace_flags[k].bit)
                    out_add(&o, "%s", ace_flags[k].name);
            out_add(&o, ";");
            out_rights(&o, a->mask);
            out_add(&o, ";;;");
            out_sid(&o, &a->sid);
            out_add(&o, ")");
        }
    }
    if (o.err) {
        free(o.p);
        *out = NULL;
        return o.err;
    }
    *out = o.p;
    return 0;
}

/* ---- Parsing -------------------------------------------------------------------------- */

struct parse {
    const char *s;          /* the whole text */
    char *why;
    size_t why_len;
};

static int bad(struct parse *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int bad(struct parse *p, const char *fmt, ...)
{
    va_list ap;

    if (p->why != NULL && p->why_len > 0) {
        va_start(ap, fmt);
        vsnprintf(p->why, p->why_len, fmt, ap);
        va_end(ap);
    }
    return -EINVAL;
}

/* Where the part starting at s ends: the next "O:", "G:", "D:" or "S:"
 * outside parentheses, or the end.  -1 for an unbalanced parenthesis. */
static long part_end(const char *s)
{
    int depth = 0;

    for (long i = 0; s[i]; i++) {
        if (s[i] == '(') {
            if (depth++)
                return -1;
        } else if (s[i] == ')') {
            if (--depth < 0)
                return -1;
        } else if (depth == 0 && s[i + 1] == ':' && strchr("OGDS", s[i])) {
            return i;
        }
    }
    return depth ? -1 : (long)strlen(s);
}

static int parse_rights(struct parse *p, const char *s, size_t len, uint32_t *mask)
{
    uint64_t v = 0;

    *mask = 0;
    if (len == 0)
        return bad(p, "an ACE has no rights");
    if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        if (len > 10)
            return bad(p, "rights '%.*s' do not fit in 32 bits", (int)len, s);
        for (size_t i = 2; i < len; i++) {
            char c = s[i];
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
                  : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
            if (d < 0)
                return bad(p, "rights '%.*s': not a hex number", (int)len, s);
            v = v * 16 + (uint64_t)d;
        }
        *mask = (uint32_t)v;
        return 0;
    }
    if (s[0] >= '0' && s[0] <= '9') {
        if (parse_number(s, len, 0xFFFFFFFFu, &v) < 0)
            return bad(p, "rights '%.*s': not a 32-bit number", (int)len, s);
        *mask = (uint32_t)v;
        return 0;
    }
    if (len % 2)
        return bad(p, "rights '%.*s': rights are two letters each (CC LC SW RP WP DT LO CR "
                      "SD RC WD WO GA GR GW GX ...) or a number", (int)len, s);
    for (size_t i = 0; i < len; i += 2) {
        int found = 0;
        for (size_t k = 0; k < N(rights) && !found; k++)
            if (two(s + i, rights[k].name)) {
                *mask |= rights[k].mask;
                found = 1;
            }
        for (size_t k = 0; k < N(combined) && !found; k++)
            if (two(s + i, combined[k].name)) {
                *mask |= combined[k].mask;
                found = 1;
            }
        if (!found)
            return bad(p, "unknown right '%.2s' (known: CC DC LC SW RP WP DT LO CR SD RC WD WO "
                          "GA GR GW GX KA KR KW KX FA FR FW FX, or a number)", s + i);
    }
    return 0;
}

/* One ACE: s points after '(' and len runs to before ')'. */
static int parse_ace(struct parse *p, const char *s, size_t len, struct svc_ace *ace)
{
    const char *f[7];
    size_t flen[7], n = 0, start = 0;

    memset(ace, 0, sizeof *ace);
    for (size_t i = 0; i <= len; i++)
        if (i == len || s[i] == ';') {
            if (n == 7)
                return bad(p, "ACE '(%.*s)' has more than 6 fields", (int)len, s);
            f[n] = s + start;
            flen[n++] = i - start;
            start = i + 1;
        }
    if (n != 6)
        return bad(p, "ACE '(%.*s)' has %zu fields; it needs 6: "
                      "type;flags;rights;object;inherited object;SID", (int)len, s, n);
    if (flen[0] == 1 && f[0][0] == 'A')
        ace->type = SVC_ACE_ALLOW;
    else if (flen[0] == 1 && f[0][0] == 'D')
        ace->type = SVC_ACE_DENY;
    else
        return bad(p, "ACE type '%.*s' is not supported: only A (allow) and D (deny)",
                   (int)flen[0], f[0]);
    if (flen[1] % 2)
        return bad(p, "ACE flags '%.*s': flags are two letters each (OI CI NP IO ID)",
                   (int)flen[1], f[1]);
    for (size_t i = 0; i < flen[1]; i += 2) {
        int found = 0;
        for (size_t k = 0; k < N(ace_flags) && !found; k++)
            if (two(f[1] + i, ace_flags[k].name)) {
                ace->flags |= ace_flags[k].bit;
                found = 1;
            }
        if (!found)
            return bad(p, "unknown ACE flag '%.2s' (known: OI CI NP IO ID)", f[1] + i);
    }
    int rc = parse_rights(p, f[2], flen[2], &ace->mask);
    if (rc < 0)
        return rc;
    if (flen[3] || flen[4])
        return bad(p, "ACE '(%.*s)': object GUIDs are for object ACEs (OA, OD), "
                      "which are not supported", (int)len, s);
    if (flen[5] == 0)
        return bad(p, "ACE '(%.*s)' has no SID", (int)len, s);
    if (parse_sid(f[5], flen[5], &ace->sid) < 0)
        return bad(p, "bad SID '%.*s' (a two-letter alias such as SY, BA, AU, or S-1-...)",
                   (int)flen[5], f[5]);
    return 0;
}

static int parse_dacl(struct parse *p, const char *s, size_t len, struct svc_sd *sd)
{
    size_t i = 0, cap = 0;

    sd->control |= SVC_SE_DACL_PRESENT;
    /* The flags, up to the first ACE. */
    while (i < len && s[i] != '(') {
        int found = 0;
        if (len - i >= 17 && strncmp(s + i, "NO_ACCESS_CONTROL", 17) == 0) {
            sd->dacl_null = 1;
            i += 17;
            continue;
        }
        for (size_t k = 0; k < N(dacl_flags) && !found; k++) {
            size_t n = strlen(dacl_flags[k].name);
            if (len - i >= n && strncmp(s + i, dacl_flags[k].name, n) == 0) {
                sd->control |= dacl_flags[k].bit;
                i += n;
                found = 1;
            }
        }
        if (!found)
            return bad(p, "unknown DACL flag at '%.*s' (known: P AI AR NO_ACCESS_CONTROL)",
                       (int)(len - i), s + i);
    }
    while (i < len) {
        const char *close;
        int rc;

        if (s[i] != '(')
            return bad(p, "'%.*s': an ACE must be in parentheses", (int)(len - i), s + i);
        close = memchr(s + i, ')', len - i);
        if (close == NULL)
            return bad(p, "unbalanced parentheses");
        if (sd->dacl_null)
            return bad(p, "NO_ACCESS_CONTROL (a NULL DACL) cannot have ACEs");
        if (sd->n_aces >= SVC_SDDL_MAX_ACES)
            return bad(p, "more than %d ACEs", SVC_SDDL_MAX_ACES);
        if (sd->n_aces == cap) {
            size_t ncap = cap ? cap * 2 : 8;
            struct svc_ace *v = realloc(sd->aces, ncap * sizeof *v);
            if (v == NULL)
                return -ENOMEM;
            sd->aces = v;
            cap = ncap;
        }
        rc = parse_ace(p, s + i + 1, (size_t)(close - s - i - 1), &sd->aces[sd->n_aces]);
        if (rc < 0)
            return rc;
        sd->n_aces++;
        i = (size_t)(close - s) + 1;
    }
    return 0;
}

int svc_sddl_parse(const char *text, struct svc_sd *sd, char *why, size_t why_len)
{
    struct parse p = { text, why, why_len };
    const char *s = text;
    int seen_o = 0, seen_g = 0, seen_d = 0, rc = 0;

    memset(sd, 0, sizeof *sd);
    if (why && why_len)
        why[0] = '\0';
    if (text == NULL)
        return bad(&p, "no security descriptor");
    while (*s && rc == 0) {
        long end;
        char part = s[0];

        if (s[0] == '\0' || s[1] != ':' || !strchr("OGDS", s[0]))
            return bad(&p, "'%.20s': expected O:, G: or D:", s);
        s += 2;
        end = part_end(s);
        if (end < 0)
            return bad(&p, "unbalanced parentheses");
        switch (part) {
        case 'O':
        case 'G': {
            int *seen = part == 'O' ? &seen_o : &seen_g;
            if (*seen)
                return bad(&p, "%c: appears twice", part);
            *seen = 1;
            if (parse_sid(s, (size_t)end, part == 'O' ? &sd->owner : &sd->group) < 0)
                return bad(&p, "bad %s SID '%.*s'", part == 'O' ? "owner" : "group", (int)end, s);
            if (part == 'O')
                sd->has_owner = 1;
            else
                sd->has_group = 1;
            break;
        }
        case 'D':
            if (seen_d)
                return bad(&p, "D: appears twice");
            seen_d = 1;
            rc = parse_dacl(&p, s, (size_t)end, sd);
            break;
        default:
            return bad(&p, "S: (a SACL) is not supported");
        }
        s += end;
    }
    return rc;
}

int svc_sddl_canonical(const char *text, char **out, char *why, size_t why_len)
{
    struct svc_sd sd;
    int rc = svc_sddl_parse(text, &sd, why, why_len);

    *out = NULL;
    if (rc == 0)
        rc = svc_sddl_format(&sd, SVC_SI_OWNER | SVC_SI_GROUP | SVC_SI_DACL, out);
    svc_sd_free(&sd);
    return rc;
}

void svc_sd_free(struct svc_sd *sd)
{
    if (sd == NULL)
        return;
    free(sd->aces);
    sd->aces = NULL;
    sd->n_aces = 0;
}

/* ---- Binary: SECURITY_DESCRIPTOR_RELATIVE, ACL, ACE, SID (winnt.h) -------------------- */

#define SD_HEADER 20u           /* Revision, Sbz1, Control, Owner, Group, Sacl, Dacl */
#define ACL_HEADER 8u           /* AclRevision, Sbz1, AclSize, AceCount, Sbz2 */
#define ACE_HEADER 8u           /* AceType, AceFlags, AceSize, Mask */
#define ACL_REVISION 2u
#define ACL_REVISION_DS 4u
#define SE_SACL_PRESENT 0x0010u

static size_t sid_size(const struct svc_sid *s)
{
    return 8u + 4u * s->n_sub;
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static size_t put_sid(uint8_t *p, const struct svc_sid *s)
{
    p[0] = 1;
    p[1] = s->n_sub;
    for (int i = 0; i < 6; i++)     /* the authority is big-endian */
        p[2 + i] = (uint8_t)(s->authority >> (8 * (5 - i)));
    for (unsigned i = 0; i < s->n_sub; i++)
        put32(p + 8 + 4 * i, s->sub[i]);
    return sid_size(s);
}

int svc_sd_to_binary(const struct svc_sd *sd, uint32_t info, uint8_t **out, size_t *len)
{
    int dacl = (info & SVC_SI_DACL) && (sd->control & SVC_SE_DACL_PRESENT);
    int owner = (info & SVC_SI_OWNER) && sd->has_owner;
    int group = (info & SVC_SI_GROUP) && sd->has_group;
    size_t acl_len = ACL_HEADER, total = SD_HEADER, off;
    uint16_t control = SVC_SE_SELF_RELATIVE;
    uint8_t *b;

    for (size_t i = 0; dacl && !sd->dacl_null && i < sd->n_aces; i++)
        acl_len += ACE_HEADER + sid_size(&sd->aces[i].sid);
    if (dacl && !sd->dacl_null)
        total += acl_len;
    if (owner)
        total += sid_size(&sd->owner);
    if (group)
        total += sid_size(&sd->group);
    if (acl_len > 0xFFFF)
        return -EINVAL;
    b = calloc(1, total);
    if (b == NULL)
        return -ENOMEM;
    if (dacl)
        control |= sd->control & (SVC_SE_DACL_PRESENT | SVC_SE_DACL_PROTECTED |
                                  SVC_SE_DACL_AUTO_INHERITED | SVC_SE_DACL_AUTO_INHERIT_REQ);
    b[0] = 1;
    put16(b + 2, control);
    off = SD_HEADER;
    /* The order RtlMakeSelfRelativeSD uses: (SACL), DACL, owner, group. */
    if (dacl && !sd->dacl_null) {
        uint8_t *a = b + off;
        size_t at = ACL_HEADER;
        put32(b + 16, (uint32_t)off);
        a[0] = ACL_REVISION;
        put16(a + 2, (uint16_t)acl_len);
        put16(a + 4, (uint16_t)sd->n_aces);
        for (size_t i = 0; i < sd->n_aces; i++) {
            const struct svc_ace *e = &sd->aces[i];
            a[at] = e->type;
            a[at + 1] = e->flags;
            put16(a + at + 2, (uint16_t)(ACE_HEADER + sid_size(&e->sid)));
            put32(a + at + 4, e->mask);
            at += ACE_HEADER + put_sid(a + at + ACE_HEADER, &e->sid);
        }
        off += acl_len;
    }
    if (owner) {
        put32(b + 4, (uint32_t)off);
        off += put_sid(b + off, &sd->owner);
    }
    if (group) {
        put32(b + 8, (uint32_t)off);
        off += put_sid(b + off, &sd->group);
    }
    *out = b;
    *len = total;
    return 0;
}

int svc_sd_binary_length(const void *buf, size_t *len)
{
    const uint8_t *b = buf;
    size_t end = SD_HEADER;
    uint16_t control;

    if (b == NULL || b[0] != 1)
        return -EINVAL;
    control = get16(b + 2);
    if (!(control & SVC_SE_SELF_RELATIVE))
        return -EINVAL;
    for (int i = 0; i < 2; i++) {       /* owner, group: SIDs */
        uint32_t off = get32(b + 4 + 4 * i);
        if (off != 0 && off + 8u + 4u * b[off + 1] > end)
            end = off + 8u + 4u * b[off + 1];
    }
    for (int i = 0; i < 2; i++) {       /* SACL, DACL: ACLs with their size */
        uint32_t off = get32(b + 12 + 4 * i);
        if (off != 0 && off + (size_t)get16(b + off + 2) > end)
            end = off + get16(b + off + 2);
    }
    *len = end;
    return 0;
}

/* The SID at p, at most room bytes: its size, or 0 when malformed. */
static size_t get_sid(const uint8_t *p, size_t room, struct svc_sid *s)
{
    memset(s, 0, sizeof *s);
    if (room < 8 || p[0] != 1 || p[1] > SVC_SID_MAX_SUB || room < 8u + 4u * p[1])
        return 0;
    s->n_sub = p[1];
    for (int i = 0; i < 6; i++)
        s->authority = s->authority << 8 | p[2 + i];
    for (unsigned i = 0; i < s->n_sub; i++)
        s->sub[i] = get32(p + 8 + 4 * i);
    return sid_size(s);
}

int svc_sd_from_binary(const void *buf, size_t len, struct svc_sd *sd, char *why, size_t why_len)
{
    struct parse p = { NULL, why, why_len };
    const uint8_t *b = buf;
    uint32_t o_off, g_off, s_off, d_off;
    uint16_t control;

    memset(sd, 0, sizeof *sd);
    if (why && why_len)
        why[0] = '\0';
    if (b == NULL || len < SD_HEADER)
        return bad(&p, "a security descriptor is at least %u bytes", SD_HEADER);
    control = get16(b + 2);
    if (b[0] != 1)
        return bad(&p, "security descriptor revision %u (only 1 exists)", b[0]);
    if (!(control & SVC_SE_SELF_RELATIVE))
        return bad(&p, "not a self-relative security descriptor (SE_SELF_RELATIVE unset)");
    o_off = get32(b + 4);
    g_off = get32(b + 8);
    s_off = get32(b + 12);
    d_off = get32(b + 16);
    if ((control & SE_SACL_PRESENT) || s_off != 0)
        return bad(&p, "the descriptor has a SACL, which is not supported");
    if (o_off) {
        if (o_off >= len || get_sid(b + o_off, len - o_off, &sd->owner) == 0)
            return bad(&p, "the owner SID is outside the buffer or malformed");
        sd->has_owner = 1;
    }
    if (g_off) {
        if (g_off >= len || get_sid(b + g_off, len - g_off, &sd->group) == 0)
            return bad(&p, "the group SID is outside the buffer or malformed");
        sd->has_group = 1;
    }
    if (!(control & SVC_SE_DACL_PRESENT))
        return 0;
    sd->control = control & (SVC_SE_DACL_PRESENT | SVC_SE_DACL_PROTECTED |
                             SVC_SE_DACL_AUTO_INHERITED | SVC_SE_DACL_AUTO_INHERIT_REQ);
    if (d_off == 0) {
        sd->dacl_null = 1;
        return 0;
    }
    if (d_off >= len || len - d_off < ACL_HEADER)
        return bad(&p, "the DACL is outside the buffer");
    const uint8_t *a = b + d_off;
    size_t acl_len = get16(a + 2), count = get16(a + 4), at = ACL_HEADER;
    if (a[0] != ACL_REVISION && a[0] != ACL_REVISION_DS)
        return bad(&p, "ACL revision %u (2 or 4 expected)", a[0]);
    if (acl_len < ACL_HEADER || acl_len > len - d_off)
        return bad(&p, "the DACL's size (%zu) is outside the buffer", acl_len);
    if (count > SVC_SDDL_MAX_ACES)
        return bad(&p, "more than %d ACEs", SVC_SDDL_MAX_ACES);
    sd->aces = calloc(count ? count : 1, sizeof *sd->aces);
    if (sd->aces == NULL)
        return -ENOMEM;
    for (size_t i = 0; i < count; i++) {
        struct svc_ace *e = &sd->aces[i];
        size_t ace_len;

        if (acl_len - at < ACE_HEADER) {
            svc_sd_free(sd);
            return bad(&p, "ACE %zu is outside the DACL", i);
        }
        ace_len = get16(a + at + 2);
        if (a[at] != SVC_ACE_ALLOW && a[at] != SVC_ACE_DENY) {
            svc_sd_free(sd);
            return bad(&p, "ACE %zu has type %u: only allow (0) and deny (1) are supported",
                       i, a[at]);
        }
        if (ace_len < ACE_HEADER + 8 || ace_len > acl_len - at ||
            get_sid(a + at + ACE_HEADER, ace_len - ACE_HEADER, &e->sid) == 0) {
            svc_sd_free(sd);
            return bad(&p, "ACE %zu is malformed (its size or SID)", i);
        }
        e->type = a[at];
        e->flags = a[at + 1] & (SVC_ACE_OI | SVC_ACE_CI | SVC_ACE_NP | SVC_ACE_IO | SVC_ACE_ID);
        e->mask = get32(a + at + 4);
        sd->n_aces++;
        at += ace_len;
    }
    return 0;
}
