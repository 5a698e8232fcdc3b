/*
 * tasklist [--root DIR] [/SVC] [/FO TABLE|LIST|CSV] [/NH] [/FI filter]...
 * tasklist --help | --version
 *
 * Windows' tasklist.exe for the processes that host services: every host
 * the SCM runs (SvchostEnumHosts), with tasklist's columns and formats.
 * /SVC shows the services in each; without it, the session and memory
 * columns.  Filters are "NAME OP VALUE", ANDed:
 *   SERVICES  eq, ne         a service name (case-insensitive; * at the end
 *                            matches any rest), true if any service matches
 *   IMAGENAME eq, ne         the image name, likewise
 *   PID       eq, ne, gt, lt, ge, le
 * Switches are case-insensitive and may start with / or -.  The image
 * name is that of the program (svchost), without Windows' ".exe"; ".exe"
 * in a filter value is ignored.
 *
 * Exit codes (tasklist.exe's): 0 success, also when no process matches
 * ("INFO: No tasks are running which match the specified criteria.");
 * 1 an invalid switch or filter ("ERROR: ..." on standard error) or a
 * failed call to the SCM; 2 for --x options it does not know (as every
 * program here).
 */
#include <svchost/svcctl.h>
#include <svchost/winsvc.h>

#include "win32.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>

enum format { FMT_TABLE, FMT_LIST, FMT_CSV };
enum field { F_IMAGENAME, F_PID, F_SERVICES };
enum op { OP_EQ, OP_NE, OP_GT, OP_LT, OP_GE, OP_LE };

struct filter {
    enum field field;
    enum op op;
    const char *value;
    unsigned long pid;
};

#define MAX_FILTERS 16

struct opts {
    int svc, nh;
    enum format fmt;
    struct filter fi[MAX_FILTERS];
    size_t nfi;
};

static int invalid(const char *what)
{
    fprintf(stderr, "ERROR: Invalid argument/option - '%s'.\nType \"TASKLIST /?\" for usage.\n", what);
    return 1;
}

static int bad_filter(void)
{
    fprintf(stderr, "ERROR: The search filter cannot be recognized.\n");
    return 1;
}

static void usage(FILE *f)
{
    fputs("usage: tasklist [--root DIR] [/SVC] [/FO TABLE|LIST|CSV] [/NH] [/FI filter]...\n"
          "       tasklist --help | --version\n"
          "  Lists the processes that host services.\n"
          "  /SVC        the services in each process\n"
          "  /FO format  TABLE (default), LIST or CSV\n"
          "  /NH         no column header (TABLE and CSV)\n"
          "  /FI filter  \"SERVICES eq|ne NAME\", \"IMAGENAME eq|ne NAME\",\n"
          "              \"PID eq|ne|gt|lt|ge|le N\"; * ends a wildcard\n"
          "  --root DIR  the SCM of the state directory DIR (default $SVCHOST_ROOT,\n"
          "              else the system one)\n",
          f);
}

/* ---- filters ------------------------------------------------------------ */

static int parse_filter(const char *s, struct filter *f)
{
    static const char *const ops[] = { "eq", "ne", "gt", "lt", "ge", "le" };
    char name[32], op[8];
    int n = 0;

    while (isspace((unsigned char)*s))
        s++;
    if (sscanf(s, "%31s %7s %n", name, op, &n) < 2 || n == 0 || s[n] == '\0')
        return -1;
    if (strcasecmp(name, "imagename") == 0)
        f->field = F_IMAGENAME;
    else if (strcasecmp(name, "pid") == 0)
        f->field = F_PID;
    else if (strcasecmp(name, "services") == 0)
        f->field = F_SERVICES;
    else
        return -1;
    f->op = (enum op)-1;
    for (int i = 0; i < 6; i++)
        if (strcasecmp(op, ops[i]) == 0)
            f->op = (enum op)i;
    if ((int)f->op < 0 || (f->field != F_PID && f->op != OP_EQ && f->op != OP_NE))
        return -1;
    f->value = s + n;
    if (f->field == F_PID) {
        char *end;
        errno = 0;
        f->pid = strtoul(f->value, &end, 10);
        while (isspace((unsigned char)*end))
            end++;
        if (end == f->value || *end != '\0' || errno != 0)
            return -1;
    }
    return 0;
}

/* Case-insensitive, with "*" at the end of the pattern matching any rest
 * and a ".exe" on the pattern ignored (Windows' image names have it). */
static int name_matches(const char *pattern, const char *name)
{
    size_t n = strlen(pattern);
    const char *star = strchr(pattern, '*');

    if (star != NULL)
        return strncasecmp(pattern, name, (size_t)(star - pattern)) == 0;
    if (n > 4 && strcasecmp(pattern + n - 4, ".exe") == 0 && strlen(name) == n - 4)
        return strncasecmp(pattern, name, n - 4) == 0;
    return strcasecmp(pattern, name) == 0;
}

static int cmp_pid(enum op op, unsigned long a, unsigned long b)
{
    switch (op) {
    case OP_EQ: return a == b;
    case OP_NE: return a != b;
    case OP_GT: return a > b;
    case OP_LT: return a < b;
    case OP_GE: return a >= b;
    case OP_LE: return a <= b;
    }
    return 0;
}

struct proc {
    unsigned long pid;
    char image[256];
    const char *services;     /* "A\0B\0\0" */
    unsigned long mem_kib;
};

static int matches(const struct opts *o, const struct proc *p)
{
    for (size_t i = 0; i < o->nfi; i++) {
        const struct filter *f = &o->fi[i];
        int hit = 0;

        switch (f->field) {
        case F_PID:
            if (!cmp_pid(f->op, p->pid, f->pid))
                return 0;
            continue;
        case F_IMAGENAME:
            hit = name_matches(f->value, p->image);
            break;
        case F_SERVICES:
            for (const char *s = p->services; s != NULL && *s; s += strlen(s) + 1)
                hit |= name_matches(f->value, s);
            break;
        }
        if (hit != (f->op == OP_EQ))
            return 0;
    }
    return 1;
}

/* ---- what /proc says ---------------------------------------------------- */

/* The program's name: the last part of argv[0] (readable for any
 * process, unlike /proc/PID/exe). */
static void image_name(unsigned long pid, char *out, size_t size)
{
    char path[64], buf[512];
    FILE *f;
    size_t n = 0;

    snprintf(out, size, "?");
    snprintf(path, sizeof path, "/proc/%lu/cmdline", pid);
    if ((f = fopen(path, "r")) == NULL)
        return;
    n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    if (n == 0)
        return;
    const char *slash = strrchr(buf, '/'), *base = slash != NULL ? slash + 1 : buf;
    size_t len = strlen(base) < size - 1 ? strlen(base) : size - 1;
    memcpy(out, base, len);
    out[len] = '\0';
}

static unsigned long rss_kib(unsigned long pid)
{
    char path[64], line[256];
    unsigned long kib = 0;
    FILE *f;

    snprintf(path, sizeof path, "/proc/%lu/status", pid);
    if ((f = fopen(path, "r")) == NULL)
        return 0;
    while (fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, "VmRSS: %lu", &kib) == 1)
            break;
    fclose(f);
    return kib;
}

/* "12,345 K", as tasklist shows Mem Usage. */
static void format_mem(unsigned long kib, char *out, size_t size)
{
    char digits[32], grouped[48];
    size_t m;
    int n = snprintf(digits, sizeof digits, "%lu", kib), k = 0;

    for (int i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            grouped[k++] = ',';
        grouped[k++] = digits[i];
    }
    grouped[k] = '\0';
    m = strlen(grouped);
    if (m + 3 > size)
        m = size - 3;
    memcpy(out, grouped, m);
    memcpy(out + m, " K", 3);
}

/* ---- output ------------------------------------------------------------- */

static void csv_field(const char *s, int last)
{
    putchar('"');
    for (; *s; s++) {
        if (*s == '"')
            putchar('"');
        putchar(*s);
    }
    fputs(last ? "\"\n" : "\",", stdout);
}

/* The Services column of the table: "A, B, C" wrapped at 44 columns, the
 * following lines under the column (tasklist.exe's layout). */
static void table_services(const char *services)
{
    size_t col = 0;
    const char *s = services;

    if (s == NULL || *s == '\0') {
        puts("N/A");
        return;
    }
    for (; *s; s += strlen(s) + 1) {
        size_t len = strlen(s) + (s[strlen(s) + 1] != '\0' ? 1 : 0);   /* with its comma */
        if (col > 0 && col + 1 + len > 44) {
            printf("\n%35s", "");
            col = 0;
        } else if (col > 0) {
            putchar(' ');
            col++;
        }
        fputs(s, stdout);
        if (s[strlen(s) + 1] != '\0')
            putchar(',');
        col += len;
    }
    putchar('\n');
}

static void print_header(const struct opts *o)
{
    if (o->fmt == FMT_CSV) {
        if (o->svc)
            puts("\"Image Name\",\"PID\",\"Services\"");
        else
            puts("\"Image Name\",\"PID\",\"Session Name\",\"Session#\",\"Mem Usage\"");
    } else if (o->fmt == FMT_TABLE) {
        if (o->svc)
            printf("%-25s %8s %s\n%s %s %s\n", "Image Name", "PID", "Services",
                   "=========================", "========",
                   "============================================");
        else
            printf("%-25s %8s %-16s %11s %12s\n%s %s %s %s %s\n", "Image Name", "PID", "Session Name",
                   "Session#", "Mem Usage", "=========================", "========",
                   "================", "===========", "============");
    }
}

static void print_proc(const struct opts *o, const struct proc *p)
{
    char pid[24], mem[48];

    snprintf(pid, sizeof pid, "%lu", p->pid);
    format_mem(p->mem_kib, mem, sizeof mem);
    switch (o->fmt) {
    case FMT_TABLE:
        printf("%-25.25s %8lu ", p->image, p->pid);
        if (o->svc)
            table_services(p->services);
        else
            printf("%-16s %11s %12s\n", "Services", "0", mem);
        break;
    case FMT_LIST:
        printf("\n%-14s%s\n%-14s%lu\n", "Image Name:", p->image, "PID:", p->pid);
        if (o->svc) {
            const char *s = p->services;
            if (s == NULL || *s == '\0')
                printf("%-14sN/A\n", "Services:");
            for (int first = 1; s != NULL && *s; s += strlen(s) + 1, first = 0)
                printf("%-14s%s\n", first ? "Services:" : "", s);
        } else {
            printf("%-14s%s\n%-14s%s\n%-14s%s\n", "Session Name:", "Services", "Session#:", "0",
                   "Mem Usage:", mem);
        }
        break;
    case FMT_CSV: {
        csv_field(p->image, 0);
        csv_field(pid, 0);
        if (o->svc) {
            char joined[4096] = "";
            size_t k = 0;
            for (const char *s = p->services; s != NULL && *s; s += strlen(s) + 1)
                k += (size_t)snprintf(joined + k, k < sizeof joined ? sizeof joined - k : 0, "%s%s",
                                      k ? "," : "", s);
            csv_field(p->services != NULL && *p->services ? joined : "N/A", 1);
        } else {
            csv_field("Services", 0);
            csv_field("0", 0);
            csv_field(mem, 1);
        }
        break;
    }
    }
}

/* ---- main --------------------------------------------------------------- */

static int is_switch(const char *arg, const char *name)
{
    return (arg[0] == '/' || arg[0] == '-') && strcasecmp(arg + 1, name) == 0;
}

static int parse(int argc, char **argv, struct opts *o)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];

        if (is_switch(a, "svc")) {
            o->svc = 1;
        } else if (is_switch(a, "nh")) {
            o->nh = 1;
        } else if (is_switch(a, "fo")) {
            if (++i >= argc)
                return invalid(a);
            if (strcasecmp(argv[i], "table") == 0)
                o->fmt = FMT_TABLE;
            else if (strcasecmp(argv[i], "list") == 0)
                o->fmt = FMT_LIST;
            else if (strcasecmp(argv[i], "csv") == 0)
                o->fmt = FMT_CSV;
            else
                return invalid(argv[i]);
        } else if (is_switch(a, "fi")) {
            if (++i >= argc)
                return invalid(a);
            if (o->nfi >= MAX_FILTERS || parse_filter(argv[i], &o->fi[o->nfi]) < 0)
                return bad_filter();
            o->nfi++;
        } else {
            return invalid(a);
        }
    }
    if (o->nh && o->fmt == FMT_LIST) {
        fprintf(stderr, "ERROR: Invalid syntax. /NH option is valid only for \"TABLE\" and \"CSV\" formats.\n"
                        "Type \"TASKLIST /?\" for usage.\n");
        return 1;
    }
    return 0;
}

static int by_pid(const void *a, const void *b)
{
    const struct proc *x = a, *y = b;
    return x->pid < y->pid ? -1 : x->pid > y->pid;
}

int main(int argc, char **argv)
{
    struct opts o = { 0 };
    DWORD size = 0, need = 0, n = 0;
    BYTE *buf = NULL;
    SC_HANDLE scm;
    int shown = 0;

    /* Linux-style options come first: --help, --version, --root. */
    while (argc > 1 && strncmp(argv[1], "--", 2) == 0) {
        if (strcmp(argv[1], "--help") == 0) {
            usage(stdout);
            return 0;
        }
        if (strcmp(argv[1], "--version") == 0) {
            printf("tasklist (svchost) %s\n", SVCHOST_VERSION);
            return 0;
        }
        if (strcmp(argv[1], "--root") == 0 && argc > 2 && argv[2][0] != '\0') {
            setenv("SVCHOST_ROOT", argv[2], 1);
            argv[2] = argv[0];
            argc -= 2;
            argv += 2;
            continue;
        }
        fprintf(stderr, "tasklist: unknown option '%s'\n", argv[1]);
        usage(stderr);
        return 2;
    }
    if (argc == 2 && (strcmp(argv[1], "/?") == 0 || strcmp(argv[1], "-?") == 0)) {
        usage(stdout);
        return 0;
    }
    if (parse(argc, argv, &o) != 0)
        return 1;

    if ((scm = OpenSCManagerA(NULL, NULL, SC_MANAGER_CONNECT | SC_MANAGER_ENUMERATE_SERVICE)) == NULL) {
        fprintf(stderr, "ERROR: %s\n", svc_win32_message(GetLastError()));
        return 1;
    }
    for (int round = 0;; round++) {
        if (SvchostEnumHosts(scm, buf, size, &need, &n))
            break;
        if (GetLastError() != ERROR_MORE_DATA || round >= 8) {
            fprintf(stderr, "ERROR: %s\n", svc_win32_message(GetLastError()));
            free(buf);
            CloseServiceHandle(scm);
            return 1;
        }
        free(buf);
        size = need;
        if ((buf = malloc(size)) == NULL) {
            fprintf(stderr, "ERROR: %s\n", svc_win32_message(ERROR_NOT_ENOUGH_MEMORY));
            CloseServiceHandle(scm);
            return 1;
        }
    }
    CloseServiceHandle(scm);

    const SVCHOST_HOST_INFO *h = (const SVCHOST_HOST_INFO *)buf;
    struct proc *procs = calloc(n > 0 ? n : 1, sizeof *procs);
    if (procs == NULL) {
        free(buf);
        fprintf(stderr, "ERROR: %s\n", svc_win32_message(ERROR_NOT_ENOUGH_MEMORY));
        return 1;
    }
    for (DWORD i = 0; i < n; i++) {
        procs[i].pid = h[i].dwProcessId;
        procs[i].services = h[i].lpServices;
        image_name(procs[i].pid, procs[i].image, sizeof procs[i].image);
        procs[i].mem_kib = rss_kib(procs[i].pid);
    }
    qsort(procs, n, sizeof *procs, by_pid);
    for (DWORD i = 0; i < n; i++) {
        if (!matches(&o, &procs[i]))
            continue;
        /* The table starts with a blank line, header or not. */
        if (shown++ == 0) {
            if (o.fmt == FMT_TABLE)
                putchar('\n');
            if (!o.nh)
                print_header(&o);
        }
        print_proc(&o, &procs[i]);
    }
    if (shown == 0)
        puts("INFO: No tasks are running which match the specified criteria.");
    free(procs);
    free(buf);
    return 0;
}
