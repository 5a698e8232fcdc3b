/*
 * plugin.c - loading a service's plugin when the service starts.
 *
 * Like Windows svchost, every entry of the dispatch table points at one
 * function; it learns which service it runs from argv[0], reads that
 * service's configuration fresh (so `sc config` changes take effect at the
 * next start), loads the ServiceDll (modules.c) and calls its entry
 * point.  A failure stops that one service with a Win32 error; the group
 * runs on.
 */
#include "host.h"
#include "config.h"
#include "dispatcher.h"
#include "impersonate.h"
#include "log.h"
#include "privileges.h"
#include "proto.h"
#include "threads.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <strings.h>

static DWORD WINAPI failed_handler(DWORD control, DWORD type, LPVOID data, LPVOID ctx)
{
    return control == SERVICE_CONTROL_INTERROGATE ? NO_ERROR : ERROR_CALL_NOT_IMPLEMENTED;
}

/* Reports the service STOPPED with err, as the SCM shows it. */
static void fail_service(const char *name, DWORD err)
{
    SERVICE_STATUS_HANDLE h = RegisterServiceCtrlHandlerExA(name, failed_handler, NULL);
    SERVICE_STATUS st = {
        .dwServiceType = SERVICE_WIN32_SHARE_PROCESS,
        .dwCurrentState = SERVICE_STOPPED,
        .dwWin32ExitCode = err,
    };
    if (h != NULL)
        SetServiceStatus(h, &st);
}

/* Services installed in this host's group after it started: accepted if
 * their file says they run in this group. */
static LPSERVICE_MAIN_FUNCTIONA resolve_new_member(const char *name)
{
    struct svc_service_config *cfg = NULL;
    struct svc_diag diag = { 0 };
    char *group = NULL;
    int ok = 0;

    if (svc_config_load_service(host_root, name, &cfg, &diag) == 0 &&
        svc_imagepath_group(cfg->image_path, &group) == 1 && strcasecmp(group, host_group) == 0)
        ok = 1;
    free(group);
    svc_diag_free(&diag);
    svc_service_config_free(cfg);
    if (ok)
        host_add_member(name);
    return ok ? host_service_main : NULL;
}

void host_plugin_init(void)
{
    svc_dispatcher_set_resolver(resolve_new_member);
}

/* What the SCM sends with each start, read from the service's file
 * instead (a START without it).  0, or the Win32 error to stop with. */
static DWORD plugin_from_file(const char *name, struct svc_start_plugin *p)
{
    struct svc_service_config *cfg = NULL;
    struct svc_diag diag = { 0 };
    const char *bad;
    DWORD err = NO_ERROR;
    int rc;

    rc = svc_config_load_service(host_root, name, &cfg, &diag);
    for (size_t i = 0; i < diag.n; i++)
        log_msg(SVC_LOG_WARNING, name, "%s", diag.lines[i]);
    svc_diag_free(&diag);
    if (rc < 0)
        return rc == -ENOENT ? ERROR_FILE_NOT_FOUND : ERROR_INVALID_DATA;
    if (svc_start_plugin_from_config(cfg, p, &bad) < 0)
        err = ERROR_NOT_ENOUGH_MEMORY;
    else if (bad != NULL)
        log_msg(SVC_LOG_WARNING, name, "%s: [Parameters] ServiceDllUnloadOnStop = %s is not a number; the plugin stays loaded",
                cfg->path, bad);
    svc_service_config_free(cfg);
    return err;
}

VOID WINAPI host_service_main(DWORD argc, LPSTR *argv)
{
    const char *name = argv[0];
    const struct svc_start_plugin *plugin = svc_dispatch_plugin();
    struct svc_start_plugin read = { 0 };
    struct host_module *mod;
    const char *err;
    LPSERVICE_MAIN_FUNCTIONA entry;
    LPSVCHOST_PUSH_SERVICE_GLOBALS push;
    DWORD fail;

    /* scmd sends the plugin with the start, as its trust check saw it;
     * else the file is read (Windows svchost reads the registry). */
    if (plugin == NULL) {
        if ((fail = plugin_from_file(name, &read)) != NO_ERROR) {
            fail_service(name, fail);
            goto out;
        }
        plugin = &read;
    }
    if (plugin->service_dll[0] == '\0') {
        log_msg(SVC_LOG_ERROR, name, "%s: [Parameters] ServiceDll is not set", name);
        fail_service(name, ERROR_MOD_NOT_FOUND);
        goto out;
    }
    /* A file loaded already (by this service's earlier run or another
     * service) is not mapped again: the same code runs. */
    mod = host_module_load(name, plugin->service_dll, &err);
    if (mod == NULL) {
        log_msg(SVC_LOG_ERROR, name, "cannot load %s: %s", plugin->service_dll, err);
        fail_service(name, ERROR_MOD_NOT_FOUND);
        goto out;
    }
    svc_thread_owner_set_image(svc_thread_owner_current(), plugin->service_dll);
    /* Decided at each start, as Windows applies RequiredPrivileges. */
    svc_impersonation_allow(svc_thread_owner_current(), (plugin->flags & SVC_START_IMPERSONATE) != 0);
    entry = (LPSERVICE_MAIN_FUNCTIONA)host_module_symbol(mod, plugin->service_main);
    if (entry == NULL) {
        log_msg(SVC_LOG_ERROR, name, "%s does not export %s", plugin->service_dll, plugin->service_main);
        host_module_release(mod);
        fail_service(name, ERROR_PROC_NOT_FOUND);
        goto out;
    }
    push = (LPSVCHOST_PUSH_SERVICE_GLOBALS)host_module_symbol(mod, "SvchostPushServiceGlobals");
    /* Before the entry runs, so that its stop (even from within it) hands
     * this reference to the unload. */
    host_module_keep(name, mod, (plugin->flags & SVC_START_UNLOAD_ON_STOP) != 0);
    free(read.service_dll);
    free(read.service_main);
    if (push != NULL)
        push(host_globals());

    /* Without ServiceDllUnloadOnStop the plugin stays loaded after its
     * service stops: threads it started may outlive ServiceMain, and
     * Windows svchost keeps such a DLL too. */
    entry(argc, argv);
    return;

out:
    free(read.service_dll);
    free(read.service_main);
}
