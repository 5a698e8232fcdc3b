/*
 * paths.h - where the state directory and its parts are.
 *
 * ROOT/config/  the service database (see config.h)
 * ROOT/run/     scm.sock, the client socket of scmd
 * ROOT/log/     events.log
 *
 * ROOT is --root DIR where a program takes it, else $SVCHOST_ROOT, else
 * the system state directory SVCHOST_SYSTEM_ROOT (/var/lib/svchost).
 */
#ifndef SVC_PATHS_H
#define SVC_PATHS_H

#ifndef SVCHOST_SYSTEM_ROOT
#define SVCHOST_SYSTEM_ROOT "/var/lib/svchost"
/* The directory of the running executable (readlink /proc/self/exe),
 * new string; NULL if it cannot be read or out of memory.  Programs find
 * their companions there (scmd's svchost, svchost-bench's scmd) and the
 * build tree's plugins beside it. */
char *svc_exe_dir(void);

#endif

/* The state directory when no --root is given: $SVCHOST_ROOT if set and
 * non-empty, else SVCHOST_SYSTEM_ROOT.  Never NULL; not to be freed. */
const char *svc_default_root(void);

/* ROOT/run/scm.sock (caller frees; NULL when out of memory or too long
 * for a socket address). */
char *svc_scm_socket_path(const char *root);

/* The directory of the running executable (readlink /proc/self/exe),
 * new string; NULL if it cannot be read or out of memory.  Programs find
 * their companions there (scmd's svchost, svchost-bench's scmd) and the
 * build tree's plugins beside it. */
char *svc_exe_dir(void);

#endif
