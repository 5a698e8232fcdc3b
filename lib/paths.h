/*
 * paths.h - where the state directory and its parts are.
 *
 * ROOT/config/                  the service database (see config.h)
 * ROOT/config/services/NAME.ini one service
 * ROOT/config/svchost.ini       the groups
 * ROOT/config/scm.ini           the SCM's settings
 * ROOT/run/                     scm.sock (the client socket of scmd), scmd.lock,
 *                               host.sock (hosts rejoining), journal
 * ROOT/log/                     events.log
 *
 * ROOT is --root DIR where a program takes it, else $SVCHOST_ROOT, else
 * the system state directory SVCHOST_SYSTEM_ROOT (/var/lib/svchost).
 *
 * The system layout.  When ROOT is the system state directory (after the
 * rule below), the parts follow the FHS instead of living under ROOT:
 *
 *   ROOT/config/...  ->  /etc/svchost/...       (SVCHOST_SYSTEM_CONFIG_DIR)
 *   ROOT/run/...     ->  /run/svchost/...       (SVCHOST_SYSTEM_RUN_DIR)
 *   ROOT/log/...     ->  /var/log/svchost/...   (SVCHOST_SYSTEM_LOG_DIR)
 *
 * and ROOT itself, /var/lib/svchost, is the state directory proper.  So a
 * program without --root and without $SVCHOST_ROOT (sc, a host, scmd
 * --system) uses the system layout, and every program that is given the
 * same ROOT finds the same socket whichever layout it is.
 *
 * $SVCHOST_SYSTEM_PREFIX, if set and non-empty, is put in front of the
 * four system directories (tests and packagers, as DESTDIR is for an
 * install): with it, the system state directory is
 * PREFIX/var/lib/svchost and its parts are under PREFIX/etc, PREFIX/run
 * and PREFIX/var/log.
 *
 * Every path under ROOT is built here and only here, with one rule:
 * ROOT's trailing slashes are dropped before a part is added, so "state/"
 * and "state" give the same paths, and "/" gives "/config".  Each
 * svc_path_* function returns a new string (the caller frees it), or NULL
 * when out of memory (or, for a NULL argument, at once).
 */
#ifndef SVC_PATHS_H
#define SVC_PATHS_H

#ifndef SVCHOST_SYSTEM_ROOT
#define SVCHOST_SYSTEM_ROOT "/var/lib/svchost"
#endif
#define SVCHOST_SYSTEM_CONFIG_DIR "/etc/svchost"
#define SVCHOST_SYSTEM_RUN_DIR    "/run/svchost"
#define SVCHOST_SYSTEM_LOG_DIR    "/var/log/svchost"

/* The system state directory: $SVCHOST_SYSTEM_PREFIX followed by
 * SVCHOST_SYSTEM_ROOT, read once per process (a prefix of PATH_MAX/2
 * bytes or more is ignored).  Never NULL; not to be freed. */
const char *svc_system_root(void);

/* 1 if ROOT is the system state directory, so that its parts follow the
 * system layout above; 0 otherwise (and for NULL).  Trailing slashes do
 * not count; the comparison is of strings, so a symbolic link to the
 * system state directory is an ordinary ROOT. */
int svc_root_is_system(const char *root);

/* The state directory when no --root is given: $SVCHOST_ROOT if set and
 * non-empty, else svc_system_root().  Never NULL; not to be freed. */
const char *svc_default_root(void);

char *svc_path_config_dir(const char *root);     /* ROOT/config */
char *svc_path_services_dir(const char *root);   /* ROOT/config/services */
/*
 * ROOT/config/services/FILE.ini, FILE being the service's name with each
 * '%' written "%25" (a name may hold spaces, commas and anything but '/'
 * and '\\', see svc_name_valid in config.h).  A FILE.ini longer than a
 * file name may be (255 bytes) is cut into directories of at most
 * SVC_NAME_CHUNK bytes, the last piece being the file, so a 256-character
 * name stays readable and reversible: services/AAA...A/AA.ini.  NULL when
 * out of memory.
 */
#define SVC_NAME_CHUNK 200
char *svc_path_service_file(const char *root, const char *name);
/* The service name a file under config/services/ stands for, from its
 * path relative to that directory ("My Service, v2.ini", "AAA/AA.ini"):
 * the pieces joined, ".ini" taken off, %XX decoded.  NULL when rel does
 * not end in ".ini" or out of memory.  The caller checks that
 * svc_path_service_file of the name gives the path back. */
char *svc_service_name_from_file(const char *rel);
/* s with each "%XX" (two hex digits) decoded; a '%' that starts no such
 * triple is kept.  NULL when out of memory. */
char *svc_percent_decode(const char *s);
/* s with '%', blanks, every byte of `chars` and a first byte found in
 * `first` written %XX (uppercase hex), so that it is one word that
 * svc_percent_decode gives back.  NULL when out of memory. */
char *svc_percent_encode(const char *s, const char *chars, const char *first);
char *svc_path_groups_file(const char *root);    /* ROOT/config/svchost.ini */
char *svc_path_scm_ini(const char *root);        /* ROOT/config/scm.ini */
/* ROOT/config/scm.sddl: the SCM's own security descriptor (sc sdset
 * scmanager), one line of SDDL. */
char *svc_path_scm_security(const char *root);
char *svc_path_run_dir(const char *root);        /* ROOT/run */
char *svc_path_lock_file(const char *root);      /* ROOT/run/scmd.lock */
char *svc_path_log_dir(const char *root);        /* ROOT/log */
char *svc_path_events_log(const char *root);     /* ROOT/log/events.log */
/* ROOT/run/failures: each service's failure count and when it last
 * failed, kept across restarts of scmd (scm/recovery.c). */
char *svc_path_failures_file(const char *root);

/* ROOT/run/scm.sock; NULL also when the path is too long for a socket
 * address (sun_path). */
char *svc_scm_socket_path(const char *root);
/* ROOT/run/host.sock, where hosts rejoin a restarted scmd; NULL also
 * when too long for a socket address. */
char *svc_host_socket_path(const char *root);
char *svc_path_journal(const char *root);        /* ROOT/run/journal */
char *svc_path_status_table(const char *root);   /* ROOT/run/status (status_table.h) */
char *svc_path_names_file(const char *root);     /* ROOT/run/names (status_table.h) */

/* The directory of the running executable (readlink /proc/self/exe),
 * new string; NULL if it cannot be read or out of memory.  Programs find
 * their companions there (scmd's svchost, svchost-bench's scmd) and the
 * build tree's plugins beside it. */
char *svc_exe_dir(void);

#endif
