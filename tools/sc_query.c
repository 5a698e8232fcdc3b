/*
 * sc_query.c - status reading commands: query and queryex (one service,
 * or an enumeration), EnumDepend, and the hosts extension.
 */
#include "sc.h"
#include "procstat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"

/* ---- query / queryex ------------------------------------------------------ */

struct enum_args {
    SC_HANDLE scm;
    DWORD type, state;
    const char *group;      /* NULL: every group */
    DWORD resume_from;      /* ri= */
    DWORD resume;           /* where the last call stopped */
    DWORD count;
};

static BOOL fill_enum(void *arg, LPBYTE buf, DWORD size, LPDWORD needed)
{
    struct enum_args *a = arg;

    /* Every round starts again from ri=, so a retry with the size the
     * first call asked for gets the whole list. */
    a->resume = a->resume_from;
    a->count = 0;
    return EnumServicesStatusExA(a->scm, SC_ENUM_PROCESS_INFO, a->type, a->state, buf, size,
                                 needed, &a->count, &a->resume, a->group);
}

static void print_enum(const BYTE *buf, DWORD count, int ex)
{
    const ENUM_SERVICE_STATUS_PROCESSA *e = (const ENUM_SERVICE_STATUS_PROCESSA *)buf;

    for (DWORD i = 0; i < count; i++)
        sc_print_status(e[i].lpServiceName, e[i].lpDisplayName != NULL ? e[i].lpDisplayName : "",
                        &e[i].ServiceStatusProcess, ex);
}

/* type= takes a class (service, driver, all, userservice) or a kind (own,
 * share, kernel, ..., interact); kinds given replace the class. */
static DWORD parse_enum_type(const char *v, DWORD *cls, DWORD *kinds)
{
    uint32_t t;

    if (strcasecmp(v, "service") == 0)
        *cls = SERVICE_WIN32;
    else if (strcasecmp(v, "driver") == 0)
        *cls = SERVICE_DRIVER;
    else if (strcasecmp(v, "all") == 0)
        *cls = SERVICE_WIN32 | SERVICE_DRIVER;
    else if (strcasecmp(v, "userservice") == 0)
        *cls = SERVICE_USER_SERVICE;
    else if (strcasecmp(v, "interact") == 0)
        *kinds |= SERVICE_INTERACTIVE_PROCESS;
    else if (svc_parse_type(v, &t) == 0)
        *kinds |= t;
    else
        return sc_usage_error("type= %s is not a service type", v);
    return NO_ERROR;
}

static DWORD query_enum(struct sc_ctx *ctx, int argc, char **argv, int ex)
{
    struct enum_args a = { .type = 0, .state = SERVICE_ACTIVE };
    DWORD cls = SERVICE_WIN32, kinds = 0, bufsize = 0, err, needed;
    struct sc_opt *opts = NULL;
    size_t n = 0;
    BYTE *buf = NULL;

    err = sc_parse_options(argc, argv, &opts, &n);
    if (err != NO_ERROR)
        return err;
    for (size_t i = 0; i < n && err == NO_ERROR; i++) {
        const char *v = opts[i].value;

        if (sc_opt_is(&opts[i], "type")) {
            err = parse_enum_type(v, &cls, &kinds);
        } else if (sc_opt_is(&opts[i], "state")) {
            if (strcasecmp(v, "active") == 0)
                a.state = SERVICE_ACTIVE;
            else if (strcasecmp(v, "inactive") == 0)
                a.state = SERVICE_INACTIVE;
            else if (strcasecmp(v, "all") == 0)
                a.state = SERVICE_STATE_ALL;
            else
                err = sc_usage_error("state= %s: use active, inactive or all", v);
        } else if (sc_opt_is(&opts[i], "bufsize")) {
            if (sc_parse_number(v, &bufsize) < 0 || bufsize == 0)
                err = sc_usage_error("bufsize= %s is not a size", v);
        } else if (sc_opt_is(&opts[i], "ri")) {
            if (sc_parse_number(v, &a.resume_from) < 0)
                err = sc_usage_error("ri= %s is not an index", v);
        } else if (sc_opt_is(&opts[i], "group")) {
            a.group = v;
        } else {
            err = sc_usage_error("unknown option %s=", opts[i].name);
        }
    }
    free(opts);
    if (err != NO_ERROR)
        return err;
    if (kinds == SERVICE_INTERACTIVE_PROCESS)
        return sc_usage_error("type= interact needs type= own or type= share");
    a.type = kinds != 0 ? kinds : cls;

    err = sc_open(ctx, SC_MANAGER_ENUMERATE_SERVICE, NULL, 0, NULL);
    if (err != NO_ERROR)
        return err;
    a.scm = ctx->scm;

    if (bufsize == 0) {
        err = sc_fetch(fill_enum, &a, 0, 0, &buf, &needed);
        if (err != NO_ERROR)
            return sc_fail("EnumServicesStatusEx", err);
        print_enum(buf, a.count, ex);
        free(buf);
        return NO_ERROR;
    }

    /* With bufsize= the caller pages through the list with ri=, as with
     * sc.exe: print what fits and say where to resume. */
    if ((buf = calloc(1, bufsize)) == NULL)
        return sc_fail("EnumServicesStatusEx", ERROR_NOT_ENOUGH_MEMORY);
    needed = 0;
    if (fill_enum(&a, buf, bufsize, &needed)) {
        print_enum(buf, a.count, ex);
        free(buf);
        return NO_ERROR;
    }
    err = GetLastError();
    if (err != ERROR_MORE_DATA) {
        free(buf);
        return sc_fail("EnumServicesStatusEx", err);
    }
    print_enum(buf, a.count, ex);
    free(buf);
    printf("\n[SC] EnumServicesStatusEx: more data, need %lu bytes start resume at index %lu\n",
           (unsigned long)needed, (unsigned long)a.resume);
    return ERROR_MORE_DATA;
}

static DWORD query(struct sc_ctx *ctx, int argc, char **argv, int ex)
{
    SERVICE_STATUS_PROCESS st;
    DWORD needed = 0, err;

    if (argc == 0 || sc_is_option_word(argv[0]))
        return query_enum(ctx, argc, argv, ex);
    if (argc > 1)
        return sc_usage_error("a query of one service takes no options");

    /* sc.exe names the enumeration routine it runs even for one service. */
    err = sc_open(ctx, SC_MANAGER_CONNECT, argv[0], SERVICE_QUERY_STATUS,
                  "EnumQueryServicesStatus:");
    if (err != NO_ERROR)
        return err;
    if (!QueryServiceStatusEx(ctx->svc, SC_STATUS_PROCESS_INFO, (LPBYTE)&st, sizeof st, &needed))
        return sc_fail("QueryServiceStatusEx", GetLastError());
    sc_print_status(argv[0], NULL, &st, ex);
    return NO_ERROR;
}

DWORD sc_cmd_query(struct sc_ctx *ctx, int argc, char **argv)
{
    return query(ctx, argc, argv, 0);
}

DWORD sc_cmd_queryex(struct sc_ctx *ctx, int argc, char **argv)
{
    return query(ctx, argc, argv, 1);
}

/* ---- EnumDepend ----------------------------------------------------------- */

struct depend_args {
    SC_HANDLE svc;
    DWORD count;
};

static BOOL fill_depend(void *arg, LPBYTE buf, DWORD size, LPDWORD needed)
{
    struct depend_args *a = arg;

    a->count = 0;
    return EnumDependentServicesA(a->svc, SERVICE_STATE_ALL, (LPENUM_SERVICE_STATUSA)buf,
                                  size, needed, &a->count);
}

DWORD sc_cmd_enumdepend(struct sc_ctx *ctx, int argc, char **argv)
{
    struct depend_args a = { 0 };
    DWORD bufsize = 0, needed, err;
    BYTE *buf;

    if (argc > 2)
        return SC_USAGE;
    if (argc == 2 && (sc_parse_number(argv[1], &bufsize) < 0 || bufsize == 0))
        return sc_usage_error("%s is not a buffer size", argv[1]);
    err = sc_connect(ctx, argv[0]);
    if (err != NO_ERROR)
        return err;
    a.svc = ctx->svc;

    err = sc_fetch(fill_depend, &a, bufsize, bufsize != 0, &buf, &needed);
    if (err == ERROR_MORE_DATA && bufsize != 0) {
        printf("[SC] EnumDependentServices: more data, need %lu bytes\n", (unsigned long)needed);
        return err;
    }
    if (err != NO_ERROR)
        return sc_fail("EnumDependentServices", err);

    const ENUM_SERVICE_STATUSA *e = (const ENUM_SERVICE_STATUSA *)buf;

    printf("Enum: entriesRead = %lu\n", (unsigned long)a.count);
    for (DWORD i = 0; i < a.count; i++)
        sc_print_service_status(e[i].lpServiceName,
                                e[i].lpDisplayName != NULL ? e[i].lpDisplayName : "",
                                &e[i].ServiceStatus);
    free(buf);
    return NO_ERROR;
}

/* ---- hosts (extension) ---------------------------------------------------- */

struct hosts_args {
    SC_HANDLE scm;
    DWORD count;
};

static BOOL fill_hosts(void *arg, LPBYTE buf, DWORD size, LPDWORD needed)
{
    struct hosts_args *a = arg;

    a->count = 0;
    return SvchostEnumHosts(a->scm, buf, size, needed, &a->count);
}

/* Like `tasklist /svc`: one line per host process, its group ("-" for an
 * own-process executable) and the services running in it. */
/* "own" for an own-process program, "split" for `svchost -k G -s S`,
 * else "shared": read from the process's command line. */
static const char *instance_kind(const SVCHOST_HOST_INFO *h)
{
    if (h->lpGroup == NULL || *h->lpGroup == '\0')
        return "own";
    return svc_proc_cmdline_has((pid_t)h->dwProcessId, "-s", NULL) ? "split" : "shared";
}

struct usage_args {
    SC_HANDLE scm;
    DWORD count;
};

static BOOL fill_usage(void *arg, LPBYTE buf, DWORD size, LPDWORD needed)
{
    struct usage_args *a = arg;
    return SvchostEnumUsage(a->scm, buf, size, needed, &a->count);
}

static void print_kib(DWORD v, int show)
{
    if (show)
        printf(" %10lu", (unsigned long)v);
    else
        printf(" %10s", "-");
}

/* sc hosts /v: per host its totals, then each service's share. */
static DWORD hosts_verbose(struct sc_ctx *ctx, const SVCHOST_HOST_INFO *h, DWORD nh)
{
    struct usage_args a = { ctx->scm, 0 };
    DWORD needed, err;
    BYTE *buf;

    err = sc_fetch(fill_usage, &a, 0, 0, &buf, &needed);
    if (err != NO_ERROR)
        return sc_fail("SvchostEnumUsage", err);
    const SVCHOST_USAGE_INFO *u = (const SVCHOST_USAGE_INFO *)buf;

    printf("%-8s %-22s %7s %9s %10s %10s %10s %10s\n", "PID", "GROUP / SERVICE", "THREADS", "CPU_MS",
           "STACK_KIB", "IMAGE_KIB", "RSS_KIB", "PSS_KIB");
    for (DWORD i = 0; i < a.count; i++) {
        if (u[i].lpServiceName == NULL) {
            const char *group = "-";
            for (DWORD k = 0; k < nh; k++)
                if (h[k].dwProcessId == u[i].dwProcessId && h[k].lpGroup && *h[k].lpGroup)
                    group = h[k].lpGroup;
            DWORD threads = u[i].dwThreads;
            ULONGLONG cpu = u[i].ullCpuMicroseconds;
            /* What no service accounts for: the dispatcher's own threads. */
            for (DWORD k = i + 1; k < a.count && u[k].lpServiceName != NULL; k++) {
                threads -= threads >= u[k].dwThreads ? u[k].dwThreads : threads;
                cpu -= cpu >= u[k].ullCpuMicroseconds ? u[k].ullCpuMicroseconds : cpu;
            }
            printf("%-8lu %-22s %7lu %9llu", (unsigned long)u[i].dwProcessId, group,
                   (unsigned long)u[i].dwThreads, (unsigned long long)(u[i].ullCpuMicroseconds / 1000));
            print_kib(0, 0);
            print_kib(0, 0);
            print_kib(u[i].dwRssKiB, 1);
            print_kib(u[i].dwPssKiB, 1);
            printf("\n%-8s   %-20s %7lu %9llu\n", "", "(host)", (unsigned long)threads,
                   (unsigned long long)(cpu / 1000));
        } else {
            printf("%-8s   %-20s %7lu %9llu", "", u[i].lpServiceName, (unsigned long)u[i].dwThreads,
                   (unsigned long long)(u[i].ullCpuMicroseconds / 1000));
            print_kib(u[i].dwStackKiB, 1);
            print_kib(u[i].dwImageKiB, 1);
            print_kib(0, 0);
            print_kib(0, 0);
            putchar('\n');
        }
    }
    free(buf);
    return NO_ERROR;
}

DWORD sc_cmd_hosts(struct sc_ctx *ctx, int argc, char **argv)
{
    struct hosts_args a = { 0 };
    DWORD needed, err;
    BYTE *buf;
    int verbose = 0;

    if (argc == 1 && (strcmp(argv[0], "/v") == 0 || strcmp(argv[0], "-v") == 0))
        verbose = 1;
    else if (argc != 0)
        return SC_USAGE;
    err = sc_connect(ctx, NULL);
    if (err != NO_ERROR)
        return err;
    a.scm = ctx->scm;
    err = sc_fetch(fill_hosts, &a, 0, 0, &buf, &needed);
    if (err != NO_ERROR)
        return sc_fail("SvchostEnumHosts", err);

    const SVCHOST_HOST_INFO *h = (const SVCHOST_HOST_INFO *)buf;

    if (verbose) {
        err = hosts_verbose(ctx, h, a.count);
        free(buf);
        return err;
    }
    printf("%-8s %-12s %-8s %s\n", "PID", "GROUP", "INSTANCE", "SERVICES");
    for (DWORD i = 0; i < a.count; i++) {
        const char *s = h[i].lpServices;

        printf("%-8lu %-12s %-8s ", (unsigned long)h[i].dwProcessId,
               h[i].lpGroup != NULL && *h[i].lpGroup != '\0' ? h[i].lpGroup : "-", instance_kind(&h[i]));
        if (s == NULL || *s == '\0')
            fputs("-", stdout);
        for (int first = 1; s != NULL && *s != '\0'; s += strlen(s) + 1, first = 0)
            printf("%s%s", first ? "" : ", ", s);
        putchar('\n');
    }
    free(buf);
    return NO_ERROR;
}
