/*
 * plugin.c - loading a service's plugin when the service starts.
 *
 * Like Windows svchost, every entry of the dispatch table points at one
 * function; it learns which service it runs from argv[0], reads that
 * service's configuration fresh (so `sc config` changes take effect at the
 * next start), loads the ServiceDll and calls its entry point.  A failure
 * stops that one service with a Win32 error; the group runs on.
 */
#include "host.h"
#include "config.h"
#include "dispatcher.h"
#include "log.h"
#include "threads.h"

#include <dlfcn.h>
#include <errno.h>
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

VOID WINAPI host_service_main(DWORD argc, LPSTR *argv)
{
    const char *name = argv[0];
    struct svc_service_config *cfg = NULL;
    struct svc_diag diag = { 0 };
    char *path = NULL;
    void *dl;
    LPSERVICE_MAIN_FUNCTIONA entry;
    LPSVCHOST_PUSH_SERVICE_GLOBALS push;
    int rc;

    rc = svc_config_load_service(host_root, name, &cfg, &diag);
    for (size_t i = 0; i < diag.n; i++)
        log_msg(SVC_LOG_WARNING, name, "%s", diag.lines[i]);
    svc_diag_free(&diag);
    if (rc < 0) {
        fail_service(name, rc == -ENOENT ? ERROR_FILE_NOT_FOUND : ERROR_INVALID_DATA);
        return;
    }
    if (cfg->service_dll == NULL || cfg->service_dll[0] == '\0') {
        log_msg(SVC_LOG_ERROR, name, "%s: [Parameters] ServiceDll is not set", cfg->path);
        fail_service(name, ERROR_MOD_NOT_FOUND);
        goto out;
    }
    path = svc_resolve_service_dll(cfg->service_dll);
    if (path == NULL) {
        fail_service(name, ERROR_NOT_ENOUGH_MEMORY);
        goto out;
    }
    /* RTLD_NOW: a plugin with an unresolved symbol fails here, at start,
     * rather than crashing the whole host later.  RTLD_LOCAL: plugins do
     * not see each other's symbols. */
    dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (dl == NULL) {
        log_msg(SVC_LOG_ERROR, name, "cannot load %s: %s", path, dlerror());
        fail_service(name, ERROR_MOD_NOT_FOUND);
        goto out;
    }
    svc_thread_owner_set_image(svc_thread_owner_current(), path);
    entry = (LPSERVICE_MAIN_FUNCTIONA)dlsym(dl, cfg->service_main);
    if (entry == NULL) {
        log_msg(SVC_LOG_ERROR, name, "%s does not export %s", path, cfg->service_main);
        dlclose(dl);
        fail_service(name, ERROR_PROC_NOT_FOUND);
        goto out;
    }
    push = (LPSVCHOST_PUSH_SERVICE_GLOBALS)dlsym(dl, "SvchostPushServiceGlobals");
    svc_service_config_free(cfg);
    cfg = NULL;
    free(path);
    path = NULL;
    if (push != NULL)
        push(host_globals());

    /* The plugin stays loaded after its service stops: threads it started
     * may outlive ServiceMain, and Windows svchost does not unload either. */
    entry(argc, argv);
    return;

out:
    free(path);
    svc_service_config_free(cfg);
}
