/*
 * sc_security.c - sdshow and sdset: a service's security descriptor, or
 * the SCM's when the name is "scmanager", as SDDL (sc.exe's forms).
 */
#include "sc.h"

#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "sddl.h"

/* sc.exe takes "scmanager" for the SCM itself, whatever services exist. */
static int is_scmanager(const char *name)
{
    return strcasecmp(name, "scmanager") == 0;
}

/* Opens the object with `right` on it: ctx->svc, or the SCM's handle. */
static DWORD open_object(struct sc_ctx *ctx, const char *name, DWORD right, SC_HANDLE *h)
{
    DWORD err;

    if (is_scmanager(name))
        err = sc_open(ctx, SC_MANAGER_CONNECT | right, NULL, 0, "");
    else
        err = sc_open(ctx, SC_MANAGER_CONNECT, name, right, "");
    *h = is_scmanager(name) ? ctx->scm : ctx->svc;
    return err;
}

static BOOL fill_security(void *arg, LPBYTE buf, DWORD size, LPDWORD needed)
{
    return QueryServiceObjectSecurity(arg, DACL_SECURITY_INFORMATION, buf, size, needed);
}

DWORD sc_cmd_sdshow(struct sc_ctx *ctx, int argc, char **argv)
{
    SC_HANDLE h;
    BYTE *sd;
    DWORD needed, err;
    LPSTR text;

    if (argc != 1)
        return SC_USAGE;
    err = open_object(ctx, argv[0], READ_CONTROL, &h);
    if (err != NO_ERROR)
        return err;
    err = sc_fetch(fill_security, h, 0, 0, &sd, &needed);
    if (err != NO_ERROR)
        return sc_fail("QueryServiceObjectSecurity", err);
    if (!ConvertSecurityDescriptorToStringSecurityDescriptorA(sd, SDDL_REVISION_1,
                                                              DACL_SECURITY_INFORMATION, &text,
                                                              NULL)) {
        err = GetLastError();
        free(sd);
        return sc_fail("ConvertSecurityDescriptorToStringSecurityDescriptor", err);
    }
    free(sd);
    printf("\n%s\n", text);
    LocalFree(text);
    return NO_ERROR;
}

DWORD sc_cmd_sdset(struct sc_ctx *ctx, int argc, char **argv)
{
    PSECURITY_DESCRIPTOR sd;
    SC_HANDLE h;
    char why[200];
    struct svc_sd parsed;
    DWORD err;

    if (argc != 2)
        return SC_USAGE;
    /* The reason goes to stderr; the call fails as sc.exe's does. */
    if (svc_sddl_parse(argv[1], &parsed, why, sizeof why) != 0)
        fprintf(stderr, "sc: bad security descriptor: %s\n", why);
    svc_sd_free(&parsed);
    if (!ConvertStringSecurityDescriptorToSecurityDescriptorA(argv[1], SDDL_REVISION_1, &sd, NULL))
        return sc_fail("ConvertStringSecurityDescriptorToSecurityDescriptor", GetLastError());
    err = open_object(ctx, argv[0], WRITE_DAC, &h);
    if (err == NO_ERROR && !SetServiceObjectSecurity(h, DACL_SECURITY_INFORMATION, sd))
        err = sc_fail("SetServiceObjectSecurity", GetLastError());
    else if (err == NO_ERROR)
        printf("[SC] SetServiceObjectSecurity SUCCESS\n");
    LocalFree(sd);
    return err;
}
