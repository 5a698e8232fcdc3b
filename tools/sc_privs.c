/*
 * sc_privs.c - the security settings of a service: privs and qprivs
 * (SERVICE_CONFIG_REQUIRED_PRIVILEGES_INFO), sidtype and qsidtype
 * (SERVICE_CONFIG_SERVICE_SID_INFO).
 */
#include "sc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

static BOOL fill_level(void *arg, LPBYTE buf, DWORD size, LPDWORD needed)
{
    const struct sc_ctx *ctx = arg;
    DWORD level = ctx->cmd->run == sc_cmd_qprivs ? SERVICE_CONFIG_REQUIRED_PRIVILEGES_INFO
                                                 : SERVICE_CONFIG_SERVICE_SID_INFO;

    return QueryServiceConfig2A(ctx->svc, level, buf, size, needed);
}

/* qprivs [bufsize] and qsidtype: the query and sc.exe's failure lines. */
static DWORD query(struct sc_ctx *ctx, int argc, char **argv, int takes_size, BYTE **buf)
{
    DWORD bufsize = 0, needed, err;

    if (argc > (takes_size ? 2 : 1))
        return SC_USAGE;
    if (argc == 2 && (sc_parse_number(argv[1], &bufsize) < 0 || bufsize == 0))
        return sc_usage_error("%s is not a buffer size", argv[1]);
    if ((err = sc_connect(ctx, argv[0])) != NO_ERROR)
        return err;
    err = sc_fetch(fill_level, ctx, bufsize, bufsize != 0, buf, &needed);
    if (err != NO_ERROR) {
        sc_fail("QueryServiceConfig2", err);
        if (err == ERROR_INSUFFICIENT_BUFFER)
            printf("[SC] GetServiceConfig2 needs %lu bytes\n", (unsigned long)needed);
    }
    return err;
}

/* One PRIVILEGES line per privilege, the later ones under the first, as
 * qc prints DEPENDENCIES; none leaves the line ending in ": ". */
DWORD sc_cmd_qprivs(struct sc_ctx *ctx, int argc, char **argv)
{
    const char *p;
    BYTE *buf;
    DWORD err = query(ctx, argc, argv, 1, &buf);

    if (err != NO_ERROR)
        return err;
    p = ((const SERVICE_REQUIRED_PRIVILEGES_INFOA *)buf)->pmszRequiredPrivileges;
    printf("[SC] QueryServiceConfig2 SUCCESS\n\nSERVICE_NAME: %s\n", argv[0]);
    if (p == NULL || *p == '\0')
        sc_print_field("PRIVILEGES", "%s", "");
    for (int first = 1; p != NULL && *p != '\0'; p += strlen(p) + 1, first = 0)
        sc_print_field(first ? "PRIVILEGES" : "", "%s", p);
    free(buf);
    return NO_ERROR;
}

DWORD sc_cmd_qsidtype(struct sc_ctx *ctx, int argc, char **argv)
{
    DWORD type;
    BYTE *buf;
    DWORD err = query(ctx, argc, argv, 0, &buf);

    if (err != NO_ERROR)
        return err;
    type = ((const SERVICE_SID_INFO *)buf)->dwServiceSidType;
    printf("[SC] QueryServiceConfig2 SUCCESS\n\nSERVICE_NAME: %s\n", argv[0]);
    if (svc_sid_type_name(type) != NULL) {
        printf("SERVICE_SID_TYPE:  ");
        for (const char *s = svc_sid_type_name(type); *s; s++)
            putchar(*s >= 'a' && *s <= 'z' ? *s - 'a' + 'A' : *s);
        putchar('\n');
    } else {
        printf("SERVICE_SID_TYPE:  %lu\n", (unsigned long)type);
    }
    free(buf);
    return NO_ERROR;
}

/* sc privs NAME A/B/C: the list replaces the old one; "" removes it.
 * scmd checks the names (87 for one it does not know, and nothing
 * changes). */
DWORD sc_cmd_privs(struct sc_ctx *ctx, int argc, char **argv)
{
    SERVICE_REQUIRED_PRIVILEGES_INFOA info;
    char *list;
    DWORD err;

    if (argc != 2)
        return SC_USAGE;
    list = sc_depend_list(argv[1]);
    if (list == NULL)
        return sc_fail("ChangeServiceConfig2", ERROR_NOT_ENOUGH_MEMORY);
    err = sc_connect(ctx, argv[0]);
    if (err == NO_ERROR) {
        info.pmszRequiredPrivileges = list;
        if (ChangeServiceConfig2A(ctx->svc, SERVICE_CONFIG_REQUIRED_PRIVILEGES_INFO, &info))
            printf("[SC] ChangeServiceConfig2 SUCCESS\n");
        else
            err = sc_fail("ChangeServiceConfig2", GetLastError());
    }
    free(list);
    return err;
}

/* sc sidtype NAME none|unrestricted|restricted */
DWORD sc_cmd_sidtype(struct sc_ctx *ctx, int argc, char **argv)
{
    SERVICE_SID_INFO info;
    uint32_t type;
    DWORD err;

    if (argc != 2)
        return SC_USAGE;
    if (svc_parse_sid_type(argv[1], &type) < 0)
        return sc_usage_error("%s: the type is none, unrestricted or restricted", argv[1]);
    if ((err = sc_connect(ctx, argv[0])) != NO_ERROR)
        return err;
    info.dwServiceSidType = type;
    if (!ChangeServiceConfig2A(ctx->svc, SERVICE_CONFIG_SERVICE_SID_INFO, &info))
        return sc_fail("ChangeServiceConfig2", GetLastError());
    printf("[SC] ChangeServiceConfig2 SUCCESS\n");
    return NO_ERROR;
}
