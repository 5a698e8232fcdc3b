/*
 * sc_config.c - configuration changing commands: create, config (with the
 * ServiceDll=, ServiceMain= and param= extensions), delete, description.
 */
#include "sc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"

/* What create/config options ask for; SERVICE_NO_CHANGE and NULL mean
 * "not given". */
struct config_args {
    DWORD type, start, error;
    int interact;           /* type= interact, OR-ed into the type */
    char *binpath, *group, *obj, *display;
    char *depend;           /* double-NUL list (allocated) */
    int classic;            /* any option of (Change)ServiceConfig given */
    char *dll, *main;       /* ServiceDll=, ServiceMain= */
    int delayed;            /* start= delayed-auto 1, start= auto 0, else -1 */
    struct sc_opt *params;  /* param= KEY=VALUE, split: name KEY, value VALUE */
    size_t n_params;
};

static void config_args_free(struct config_args *a)
{
    free(a->depend);
    free(a->params);
}

static int has_extensions(const struct config_args *a)
{
    return a->dll != NULL || a->main != NULL || a->n_params > 0 || a->delayed >= 0;
}

static DWORD parse_one(struct config_args *a, const struct sc_opt *o)
{
    char *v = o->value;
    uint32_t n;

    if (sc_opt_is(o, "type")) {
        if (strcasecmp(v, "interact") == 0)
            a->interact = 1;
        else if (svc_parse_type(v, &n) == 0)
            a->type = n;
        else
            return sc_usage_error("type= %s is not a service type", v);
    } else if (sc_opt_is(o, "start")) {
        /* delayed-auto is AUTO_START plus SERVICE_CONFIG_DELAYED_AUTO_START_INFO;
         * auto clears that flag, as sc.exe does. */
        if (strcasecmp(v, "delayed-auto") == 0)
            n = SERVICE_AUTO_START;
        else if (svc_parse_start(v, &n) < 0)
            return sc_usage_error("start= %s is not a start type", v);
        a->start = n;
        a->delayed = strcasecmp(v, "delayed-auto") == 0 ? 1 : n == SERVICE_AUTO_START ? 0 : -1;
    } else if (sc_opt_is(o, "error")) {
        if (svc_parse_error_control(v, &n) < 0)
            return sc_usage_error("error= %s is not an error control", v);
        a->error = n;
    } else if (sc_opt_is(o, "binPath")) {
        a->binpath = v;
    } else if (sc_opt_is(o, "group")) {
        a->group = v;
    } else if (sc_opt_is(o, "obj")) {
        a->obj = v;
    } else if (sc_opt_is(o, "DisplayName")) {
        a->display = v;
    } else if (sc_opt_is(o, "depend")) {
        free(a->depend);
        if ((a->depend = sc_depend_list(v)) == NULL)
            return sc_fail("ChangeServiceConfig", ERROR_NOT_ENOUGH_MEMORY);
    } else if (sc_opt_is(o, "password")) {
        /* Services run under accounts without passwords here. */
        if (*v != '\0')
            return sc_usage_error("password= must be empty");
    } else if (sc_opt_is(o, "tag")) {
        /* Tags order boot drivers; there are none, so yes and no both
         * leave it 0. */
        if (strcasecmp(v, "yes") != 0 && strcasecmp(v, "no") != 0)
            return sc_usage_error("tag= %s: use yes or no", v);
    } else if (sc_opt_is(o, "ServiceDll")) {
        a->dll = v;
        return NO_ERROR;
    } else if (sc_opt_is(o, "ServiceMain")) {
        a->main = v;
        return NO_ERROR;
    } else if (sc_opt_is(o, "param")) {
        char *eq = strchr(v, '=');

        if (eq == NULL || eq == v)
            return sc_usage_error("param= %s: write param= KEY=VALUE (KEY= removes KEY)", v);
        *eq = '\0';
        a->params[a->n_params].name = v;
        a->params[a->n_params].value = eq[1] != '\0' ? eq + 1 : NULL;
        a->n_params++;
        return NO_ERROR;
    } else {
        return sc_usage_error("unknown option %s=", o->name);
    }
    a->classic = 1;
    return NO_ERROR;
}

static DWORD parse_config_args(int argc, char **argv, struct config_args *a)
{
    struct sc_opt *opts;
    size_t n;
    DWORD err;

    memset(a, 0, sizeof *a);
    a->type = a->start = a->error = SERVICE_NO_CHANGE;
    a->delayed = -1;
    err = sc_parse_options(argc, argv, &opts, &n);
    if (err != NO_ERROR)
        return err;
    a->params = calloc(n + 1, sizeof *a->params);
    if (a->params == NULL) {
        free(opts);
        return sc_fail("ChangeServiceConfig", ERROR_NOT_ENOUGH_MEMORY);
    }
    for (size_t i = 0; i < n && err == NO_ERROR; i++)
        err = parse_one(a, &opts[i]);
    free(opts);
    return err;
}

/* ServiceDll=, ServiceMain= and param= after CreateService or
 * ChangeServiceConfig: Windows keeps these in the registry under
 * Services\NAME\Parameters; here they are ChangeServiceConfig2 levels. */
static DWORD apply_extensions(SC_HANDLE svc, const struct config_args *a)
{
    if (!has_extensions(a))
        return NO_ERROR;
    if (a->delayed >= 0) {
        SERVICE_DELAYED_AUTO_START_INFO info = { a->delayed };

        if (!ChangeServiceConfig2A(svc, SERVICE_CONFIG_DELAYED_AUTO_START_INFO, &info))
            return sc_fail("ChangeServiceConfig2", GetLastError());
        if (a->dll == NULL && a->main == NULL && a->n_params == 0)
            return NO_ERROR;    /* sc.exe prints only its ChangeServiceConfig line */
    }
    if (a->dll != NULL || a->main != NULL) {
        SVCHOST_SERVICE_DLL_INFO info = { a->dll, a->main };

        if (!ChangeServiceConfig2A(svc, SVCHOST_CONFIG_SERVICE_DLL, &info))
            return sc_fail("ChangeServiceConfig2", GetLastError());
    }
    for (size_t i = 0; i < a->n_params; i++) {
        SVCHOST_PARAMETER_INFO info = { (LPSTR)a->params[i].name, a->params[i].value };

        if (!ChangeServiceConfig2A(svc, SVCHOST_CONFIG_PARAMETER, &info))
            return sc_fail("ChangeServiceConfig2", GetLastError());
    }
    printf("[SC] ChangeServiceConfig2 SUCCESS\n");
    return NO_ERROR;
}

/* type= interact goes with type= own or type= share, as in sc.exe. */
static DWORD final_type(const struct config_args *a, DWORD dflt, DWORD *type)
{
    *type = a->type != SERVICE_NO_CHANGE ? a->type : dflt;
    if (!a->interact)
        return NO_ERROR;
    if (*type != SERVICE_WIN32_OWN_PROCESS && *type != SERVICE_WIN32_SHARE_PROCESS)
        return sc_usage_error("type= interact needs type= own or type= share");
    *type |= SERVICE_INTERACTIVE_PROCESS;
    return NO_ERROR;
}

DWORD sc_cmd_create(struct sc_ctx *ctx, int argc, char **argv)
{
    struct config_args a;
    DWORD type, err;

    err = parse_config_args(argc - 1, argv + 1, &a);
    if (err == NO_ERROR && a.binpath == NULL)
        err = sc_usage_error("create needs binPath=");
    if (err == NO_ERROR)
        err = final_type(&a, SERVICE_WIN32_OWN_PROCESS, &type);
    if (err == NO_ERROR)
        err = sc_connect(ctx, NULL);
    if (err != NO_ERROR) {
        config_args_free(&a);
        return err;
    }

    /* ServiceDll=, ServiceMain=, param= and delayed-auto go in the same
     * request as the rest: the service is installed with all of them or
     * not at all (SvchostCreateService).  KEY= removes nothing from a new
     * service and is left out. */
    const char **params = calloc(a.n_params + 1, sizeof *params);
    char **texts = calloc(a.n_params + 1, sizeof *texts);
    size_t n = 0;

    for (size_t i = 0; params != NULL && texts != NULL && i < a.n_params; i++) {
        if (a.params[i].value == NULL)
            continue;
        if (asprintf(&texts[n], "%s=%s", a.params[i].name, a.params[i].value) < 0)
            break;
        params[n] = texts[n];
        n++;
    }
    if (params == NULL || texts == NULL) {
        err = sc_fail("CreateService", ERROR_NOT_ENOUGH_MEMORY);
    } else {
        SVCHOST_CREATE_INFO info = { a.dll, a.main, params, a.delayed == 1 };

        /* sc.exe's defaults: own process, demand start, normal errors. */
        ctx->svc = SvchostCreateService(ctx->scm, argv[0], a.display, SERVICE_QUERY_STATUS, type,
                                        a.start != SERVICE_NO_CHANGE ? a.start
                                                                     : SERVICE_DEMAND_START,
                                        a.error != SERVICE_NO_CHANGE ? a.error
                                                                     : SERVICE_ERROR_NORMAL,
                                        a.binpath, a.group, NULL, a.depend, a.obj, NULL, &info);
        if (ctx->svc == NULL)
            err = sc_fail("CreateService", GetLastError());
        else
            printf("[SC] CreateService SUCCESS\n");
    }
    for (size_t i = 0; texts != NULL && i < n; i++)
        free(texts[i]);
    free(texts);
    free(params);
    config_args_free(&a);
    return err;
}

DWORD sc_cmd_config(struct sc_ctx *ctx, int argc, char **argv)
{
    struct config_args a;
    DWORD type = SERVICE_NO_CHANGE, err;

    if (argc < 2)
        return SC_USAGE;
    err = parse_config_args(argc - 1, argv + 1, &a);
    if (err == NO_ERROR && (a.type != SERVICE_NO_CHANGE || a.interact)) {
        if (a.interact && a.type == SERVICE_NO_CHANGE)
            err = sc_usage_error("type= interact needs type= own or type= share");
        else
            err = final_type(&a, SERVICE_NO_CHANGE, &type);
    }
    if (err == NO_ERROR)
        err = sc_connect(ctx, argv[0]);
    if (err != NO_ERROR) {
        config_args_free(&a);
        return err;
    }

    if (a.classic) {
        if (!ChangeServiceConfigA(ctx->svc, type, a.start, a.error, a.binpath, a.group, NULL,
                                  a.depend, a.obj, NULL, a.display)) {
            err = sc_fail("ChangeServiceConfig", GetLastError());
            config_args_free(&a);
            return err;
        }
        printf("[SC] ChangeServiceConfig SUCCESS\n");
    }
    err = apply_extensions(ctx->svc, &a);
    config_args_free(&a);
    return err;
}

DWORD sc_cmd_delete(struct sc_ctx *ctx, int argc, char **argv)
{
    DWORD err;

    if (argc != 1)
        return SC_USAGE;
    if ((err = sc_connect(ctx, argv[0])) != NO_ERROR)
        return err;
    if (!DeleteService(ctx->svc))
        return sc_fail("DeleteService", GetLastError());
    printf("[SC] DeleteService SUCCESS\n");
    return NO_ERROR;
}

/* sc description NAME "text": the words after the name are joined with
 * spaces, so an unquoted description works too. */
DWORD sc_cmd_description(struct sc_ctx *ctx, int argc, char **argv)
{
    SERVICE_DESCRIPTIONA d;
    size_t len = 0;
    char *text;
    DWORD err;

    if (argc < 2)
        return SC_USAGE;
    for (int i = 1; i < argc; i++)
        len += strlen(argv[i]) + 1;
    if ((text = calloc(1, len + 1)) == NULL)
        return sc_fail("ChangeServiceConfig2", ERROR_NOT_ENOUGH_MEMORY);
    for (int i = 1; i < argc; i++) {
        if (i > 1)
            strcat(text, " ");
        strcat(text, argv[i]);
    }
    err = sc_connect(ctx, argv[0]);
    if (err == NO_ERROR) {
        d.lpDescription = text;
        if (ChangeServiceConfig2A(ctx->svc, SERVICE_CONFIG_DESCRIPTION, &d))
            printf("[SC] ChangeServiceConfig2 SUCCESS\n");
        else
            err = sc_fail("ChangeServiceConfig2", GetLastError());
    }
    free(text);
    return err;
}
