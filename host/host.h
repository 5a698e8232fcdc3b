/*
 * host.h - the shared service host: one process running a group's
 * services, each from its plugin, as threads.
 */
#ifndef SVCHOST_HOST_H
#define SVCHOST_HOST_H

#include <svchost/svchost.h>

/* The state directory and the group this host runs (set by host_init). */
extern const char *host_root;
extern const char *host_group;

/* Sets up the host for GROUP under ROOT: records the member names (as
 * given) and installs the stop hook (stop callbacks, then unload on
 * stop).  0 or -errno. */
int host_init(const char *root, const char *group, char *const *members, size_t n);

/* The ServiceMain every dispatch-table entry points at.  argv[0] names the
 * service; it loads that service's plugin (unless it is loaded already),
 * hands it the host globals and calls the plugin's entry point.  A plugin that cannot
 * be loaded stops its service with ERROR_MOD_NOT_FOUND, a missing entry
 * point with ERROR_PROC_NOT_FOUND. */
VOID WINAPI host_service_main(DWORD argc, LPSTR *argv);

/* Makes a service installed in the group after the host started a
 * member (globals work for it).  0 or -ENOMEM. */
int host_add_member(const char *name);
/* Lets the dispatcher take services added to the group later. */
void host_plugin_init(void);

/*
 * The plugin files this host has loaded (modules.c), one dlopen() per
 * file, counted by the services that use it.
 */
struct host_module;
/* Loads the plugin at path for a start of service (on its ServiceMain
 * thread), or takes another reference to it if it is loaded.  Returns the
 * module, or NULL with *err saying why (dlerror()'s text, valid until the
 * thread's next dl* call). */
struct host_module *host_module_load(const char *service, const char *path, const char **err);
/* The address of a symbol of the module, or NULL. */
void *host_module_symbol(struct host_module *m, const char *name);
/* Gives back a reference from host_module_load that no run kept (the
 * entry point was missing): the last one closes the file. */
void host_module_release(struct host_module *m);
/* The reference of the run being started.  unload_on_stop: given back
 * once the service has stopped and every thread of it has ended, and the
 * file closed with its last reference; else the file stays loaded for
 * the life of the host. */
void host_module_keep(const char *service, struct host_module *m, int unload_on_stop);
/* The service has reported STOPPED (the dispatcher's stop hook): starts
 * the unload of what its runs hold, on a thread of its own. */
void host_module_stopped(const char *service);

/* The SVCHOST_GLOBALS table given to plugins. */
const SVCHOST_GLOBALS *host_globals(void);

#endif
