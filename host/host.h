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
 * given) and installs the stop hook.  0 or -errno. */
int host_init(const char *root, const char *group, char *const *members, size_t n);

/* The ServiceMain every dispatch-table entry points at.  argv[0] names the
 * service; it loads that service's plugin (first start only), hands it the
 * host globals and calls the plugin's entry point.  A plugin that cannot
 * be loaded stops its service with ERROR_MOD_NOT_FOUND, a missing entry
 * point with ERROR_PROC_NOT_FOUND. */
VOID WINAPI host_service_main(DWORD argc, LPSTR *argv);

/* Makes a service installed in the group after the host started a
 * member (globals work for it).  0 or -ENOMEM. */
int host_add_member(const char *name);
/* Lets the dispatcher take services added to the group later. */
void host_plugin_init(void);

/* The SVCHOST_GLOBALS table given to plugins. */
const SVCHOST_GLOBALS *host_globals(void);

#endif
