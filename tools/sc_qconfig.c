/*
 * sc_qconfig.c - configuration reading commands: qc (with the ServiceDll
 * and parameter extension lines), qdescription, GetDisplayName and
 * GetKeyName.
 */
#include "sc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct config2_args {
    SC_HANDLE svc;
    DWORD level;
};

static BOOL fill_config(void *arg, LPBYTE buf, DWORD size, LPDWORD needed)
{
    struct config2_args *a = arg;

    return QueryServiceConfigA(a->svc, (LPQUERY_SERVICE_CONFIGA)buf, size, needed);
}

static BOOL fill_config2(void *arg, LPBYTE buf, DWORD size, LPDWORD needed)
{
    struct config2_args *a = arg;

    return QueryServiceConfig2A(a->svc, a->level, buf, size, needed);
}

/* An optional trailing buffer size, as sc.exe's qc and qdescription take. */
static DWORD parse_bufsize(int argc, char **argv, DWORD *bufsize)
{
    *bufsize = 0;
    if (argc > 2)
        return SC_USAGE;
    if (argc == 2 && (sc_parse_number(argv[1], bufsize) < 0 || *bufsize == 0))
        return sc_usage_error("%s is not a buffer size", argv[1]);
    return NO_ERROR;
}

/* Errors that only mean "this SCM keeps no such information". */
static int is_absent(DWORD err)
{
    return err == ERROR_INVALID_LEVEL || err == ERROR_NOT_SUPPORTED ||
           err == ERROR_CALL_NOT_IMPLEMENTED || err == ERROR_FILE_NOT_FOUND;
}

/* One extension level of svc in *buf, or NULL where the SCM keeps none. */
static DWORD fetch_extension(SC_HANDLE svc, DWORD level, BYTE **buf)
{
    struct config2_args a = { svc, level };
    DWORD needed, err = sc_fetch(fill_config2, &a, 0, 0, buf, &needed);

    if (err == NO_ERROR)
        return NO_ERROR;
    *buf = NULL;
    return is_absent(err) ? NO_ERROR : sc_fail("QueryServiceConfig2", err);
}

/*
 * The extension lines of qc: ServiceDll, ServiceMain and the plugin's own
 * [Parameters] values, for services that have them.  ServiceDll and
 * ServiceMain are [Parameters] keys too; they are shown once, on their
 * own lines.
 */
static DWORD print_config_extensions(SC_HANDLE svc)
{
    DWORD err;
    BYTE *buf;

    if ((err = fetch_extension(svc, SVCHOST_CONFIG_SERVICE_DLL, &buf)) != NO_ERROR)
        return err;
    if (buf != NULL) {
        const SVCHOST_SERVICE_DLL_INFO *d = (const SVCHOST_SERVICE_DLL_INFO *)buf;

        if (d->lpServiceDll != NULL && *d->lpServiceDll != '\0') {
            sc_print_field("SERVICE_DLL", "%s", d->lpServiceDll);
            if (d->lpServiceMain != NULL && *d->lpServiceMain != '\0')
                sc_print_field("SERVICE_MAIN", "%s", d->lpServiceMain);
        }
        free(buf);
    }

    if ((err = fetch_extension(svc, SVCHOST_CONFIG_PROFILES, &buf)) != NO_ERROR)
        return err;
    if (buf != NULL) {
        const SVCHOST_PROFILES_INFO *p = (const SVCHOST_PROFILES_INFO *)buf;
        char line[1024];
        size_t off = 0;

        line[0] = '\0';
        for (const char *n = p->lpProfiles; n != NULL && *n != '\0' && off < sizeof line;
             n += strlen(n) + 1)
            off += (size_t)snprintf(line + off, sizeof line - off, "%s%s", off ? ", " : "", n);
        if (line[0] != '\0')
            sc_print_field("PROFILES", "%s", line);
        free(buf);
    }

    if ((err = fetch_extension(svc, SVCHOST_CONFIG_PARAMETERS, &buf)) != NO_ERROR)
        return err;
    if (buf != NULL) {
        const SVCHOST_PARAMETERS_INFO *p = (const SVCHOST_PARAMETERS_INFO *)buf;

        for (const char *kv = p->lpParameters; kv != NULL && *kv != '\0'; kv += strlen(kv) + 1) {
            if (strncasecmp(kv, "ServiceDll=", 11) != 0 && strncasecmp(kv, "ServiceMain=", 12) != 0)
                sc_print_field("PARAMETER", "%s", kv);
        }
        free(buf);
    }
    return NO_ERROR;
}

/*
 * What qc and qdescription share: the optional buffer size, the service,
 * and one fetch into *buf; a failure is reported under call's name, with
 * the size needed (as getter's) when the given buffer was too small.
 */
static DWORD fetch_config(struct sc_ctx *ctx, int argc, char **argv, sc_fill_fn fill,
                          struct config2_args *a, const char *call, const char *getter,
                          BYTE **buf)
{
    DWORD bufsize, needed, err;

    if ((err = parse_bufsize(argc, argv, &bufsize)) != NO_ERROR)
        return err;
    if ((err = sc_connect(ctx, argv[0])) != NO_ERROR)
        return err;
    a->svc = ctx->svc;
    err = sc_fetch(fill, a, bufsize, bufsize != 0, buf, &needed);
    if (err != NO_ERROR) {
        sc_fail(call, err);
        if (err == ERROR_INSUFFICIENT_BUFFER)
            printf("[SC] %s needs %lu bytes\n", getter, (unsigned long)needed);
    }
    return err;
}

/* Whether svc is a delayed auto-start service (an SCM that keeps no such
 * setting: no). */
static int is_delayed(SC_HANDLE svc)
{
    SERVICE_DELAYED_AUTO_START_INFO d;
    DWORD needed;

    return QueryServiceConfig2A(svc, SERVICE_CONFIG_DELAYED_AUTO_START_INFO, (LPBYTE)&d,
                                sizeof d, &needed) && d.fDelayedAutostart;
}

DWORD sc_cmd_qc(struct sc_ctx *ctx, int argc, char **argv)
{
    struct config2_args a = { 0 };
    DWORD err;
    BYTE *buf;

    err = fetch_config(ctx, argc, argv, fill_config, &a, "QueryServiceConfig", "GetServiceConfig",
                       &buf);
    if (err != NO_ERROR)
        return err;
    printf("[SC] QueryServiceConfig SUCCESS\n");
    sc_print_config(argv[0], (const QUERY_SERVICE_CONFIGA *)buf, is_delayed(ctx->svc));
    free(buf);
    return print_config_extensions(ctx->svc);
}

DWORD sc_cmd_qdescription(struct sc_ctx *ctx, int argc, char **argv)
{
    struct config2_args a = { 0, SERVICE_CONFIG_DESCRIPTION };
    DWORD err;
    BYTE *buf;

    err = fetch_config(ctx, argc, argv, fill_config2, &a, "QueryServiceConfig2",
                       "GetServiceConfig2", &buf);
    if (err != NO_ERROR)
        return err;

    const SERVICE_DESCRIPTIONA *d = (const SERVICE_DESCRIPTIONA *)buf;

    printf("[SC] QueryServiceConfig2 SUCCESS\n\nSERVICE_NAME: %s\nDESCRIPTION:  %s\n", argv[0],
           d->lpDescription != NULL ? d->lpDescription : "");
    free(buf);
    return NO_ERROR;
}

/* ---- GetDisplayName / GetKeyName ------------------------------------------ */

struct name_args {
    SC_HANDLE scm;
    const char *name;
    BOOL (WINAPI *lookup)(SC_HANDLE, LPCSTR, LPSTR, LPDWORD);
};

/* These two count characters without the NUL, where sc_fetch counts
 * bytes of buffer. */
static BOOL fill_name(void *arg, LPBYTE buf, DWORD size, LPDWORD needed)
{
    struct name_args *a = arg;
    DWORD cch = size;

    if (a->lookup(a->scm, a->name, (LPSTR)buf, &cch))
        return TRUE;
    *needed = cch + 1;
    return FALSE;
}

static DWORD lookup_name(struct sc_ctx *ctx, int argc, char **argv, const char *call,
                         BOOL (WINAPI *lookup)(SC_HANDLE, LPCSTR, LPSTR, LPDWORD))
{
    struct name_args a = { 0, argv[0], lookup };
    DWORD needed, err;
    BYTE *buf;

    if (argc != 1)
        return SC_USAGE;
    if ((err = sc_connect(ctx, NULL)) != NO_ERROR)
        return err;
    a.scm = ctx->scm;
    err = sc_fetch(fill_name, &a, 0, 0, &buf, &needed);
    if (err != NO_ERROR)
        return sc_fail(call, err);
    printf("[SC] %s SUCCESS  Name = %s\n", call, (const char *)buf);
    free(buf);
    return NO_ERROR;
}

DWORD sc_cmd_getdisplayname(struct sc_ctx *ctx, int argc, char **argv)
{
    return lookup_name(ctx, argc, argv, "GetServiceDisplayName", GetServiceDisplayNameA);
}

DWORD sc_cmd_getkeyname(struct sc_ctx *ctx, int argc, char **argv)
{
    return lookup_name(ctx, argc, argv, "GetServiceKeyName", GetServiceKeyNameA);
}
