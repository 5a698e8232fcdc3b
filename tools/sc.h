/*
 * sc.h - the pieces of the sc tool: the command table, argument parsing,
 * the connection to the SCM and the sc.exe output layouts.
 *
 * Every command handler returns a Win32 error (NO_ERROR on success), which
 * it has already reported in sc.exe's "[SC] Call FAILED n:" form, or
 * SC_USAGE when the command line is wrong (main then prints the command's
 * usage text).
 */
#ifndef SC_H
#define SC_H

#include <stddef.h>

#include <svchost/svcctl.h>
#include <svchost/winsvc.h>

#include "log.h"

/* Not a Win32 error: the handler found the command line wrong. */
#define SC_USAGE ((DWORD)0xFFFFFFFFu)

struct sc_ctx;

struct sc_command {
    const char *name;               /* matched case-insensitively */
    DWORD (*run)(struct sc_ctx *ctx, int argc, char **argv);
    DWORD scm_access;               /* what sc_connect asks OpenSCManager for */
    DWORD svc_access;               /* what sc_connect asks OpenService for */
    int needs_name;                 /* argv[0] must be a service name */
    const char *summary;            /* one line for the general help */
    const char *usage;              /* the command's own help text */
};

struct sc_ctx {
    const struct sc_command *cmd;
    const char *server;             /* "\\name" as given, or NULL */
    SC_HANDLE scm;
    SC_HANDLE svc;
};

/* ---- sc_commands.c ------------------------------------------------------ */

const struct sc_command *sc_find_command(const char *name);
void sc_print_help(void);
void sc_print_usage(const struct sc_command *cmd);

/* ---- sc_connect.c ------------------------------------------------------- */

/* Records the "\\server" argument, handed to OpenSCManagerA as given:
 * libsvc tells this machine's names from others (docs/remote.md). */
void sc_set_server(struct sc_ctx *ctx, const char *server);
/* Opens the SCM with `access`, then, if name is not NULL, the service
 * with `svc_access`.  Failures are printed ("[SC] OpenSCManager FAILED",
 * "[SC] <prefix>OpenService FAILED"); open_prefix is what sc.exe puts in
 * front of OpenService for this command ("" or "StartService: "). */
DWORD sc_open(struct sc_ctx *ctx, DWORD access, const char *name, DWORD svc_access,
              const char *open_prefix);
/* sc_open with the command table's access masks. */
DWORD sc_connect(struct sc_ctx *ctx, const char *name);
void sc_disconnect(struct sc_ctx *ctx);

/*
 * The two-call buffer pattern of the Win32 query functions: call with
 * `initial` bytes (0: NULL and 0, to learn the size), and while the call
 * fails with ERROR_INSUFFICIENT_BUFFER or ERROR_MORE_DATA and fixed is 0,
 * allocate what *needed says and call again.  On success *out holds the
 * buffer (caller frees).  On failure returns the Win32 error, *out is
 * NULL and *needed is the size the call asked for.
 */
typedef BOOL (*sc_fill_fn)(void *arg, LPBYTE buf, DWORD size, LPDWORD needed);
DWORD sc_fetch(sc_fill_fn fill, void *arg, DWORD initial, int fixed,
               BYTE **out, DWORD *needed);

/* ---- sc_args.c ---------------------------------------------------------- */

/* One "name= value" (or "name=value") option; name excludes the '='. */
struct sc_opt {
    const char *name;
    char *value;
};

/* Splits argv into options.  Any other word is a usage error (reported
 * on stderr, returns SC_USAGE).  *opts is allocated (caller frees). */
DWORD sc_parse_options(int argc, char **argv, struct sc_opt **opts, size_t *n);
int sc_opt_is(const struct sc_opt *o, const char *name);
/* Whether a word has the option form ("name=" or "name=value"). */
int sc_is_option_word(const char *word);
/* "A/B/+Group" to the double-NUL list "A\0B\0+Group\0\0" (caller frees);
 * NULL when out of memory. */
char *sc_depend_list(const char *slashed);
/* A decimal or 0x-hex DWORD; 0 or -1. */
int sc_parse_number(const char *s, DWORD *out);
/* Prints "sc: <message>" on stderr and returns SC_USAGE. */
DWORD sc_usage_error(const char *fmt, ...) SVC_PRINTF(1, 2);

/* ---- sc_print.c --------------------------------------------------------- */

/* The FormatMessage text of err. */
const char *sc_message(DWORD err);
/* "[SC] <call> FAILED <err>:", a blank line, the message, a blank line;
 * returns err. */
DWORD sc_fail(const char *call, DWORD err);
/* The exit status for a Win32 error: err & 0xFF, or 1 where that is 0. */
int sc_exit_status(DWORD err);

/* One status block: a blank line, SERVICE_NAME (and DISPLAY_NAME if not
 * NULL), the SERVICE_STATUS lines, and with ex the PID and FLAGS lines. */
void sc_print_status(const char *name, const char *display,
                     const SERVICE_STATUS_PROCESS *st, int ex);
/* sc_print_status for a plain SERVICE_STATUS (PID and FLAGS not shown). */
void sc_print_service_status(const char *name, const char *display,
                             const SERVICE_STATUS *st);
/* "        LABEL<pad>: value", the column sc.exe uses. */
void sc_print_field(const char *label, const char *fmt, ...) SVC_PRINTF(2, 3);
/* The qc block after "[SC] QueryServiceConfig SUCCESS"; delayed adds
 * "(DELAYED)" to an AUTO_START start type, as sc.exe shows delayed-auto. */
void sc_print_config(const char *name, const QUERY_SERVICE_CONFIGA *c, int delayed);

/* ---- command handlers ---------------------------------------------------- */

/* sc_query.c */
DWORD sc_cmd_query(struct sc_ctx *ctx, int argc, char **argv);
DWORD sc_cmd_queryex(struct sc_ctx *ctx, int argc, char **argv);
DWORD sc_cmd_enumdepend(struct sc_ctx *ctx, int argc, char **argv);
DWORD sc_cmd_hosts(struct sc_ctx *ctx, int argc, char **argv);
/* sc_qconfig.c */
DWORD sc_cmd_qc(struct sc_ctx *ctx, int argc, char **argv);
DWORD sc_cmd_qdescription(struct sc_ctx *ctx, int argc, char **argv);
DWORD sc_cmd_getdisplayname(struct sc_ctx *ctx, int argc, char **argv);
DWORD sc_cmd_getkeyname(struct sc_ctx *ctx, int argc, char **argv);
/* sc_failure.c */
DWORD sc_cmd_failure(struct sc_ctx *ctx, int argc, char **argv);
DWORD sc_cmd_qfailure(struct sc_ctx *ctx, int argc, char **argv);
DWORD sc_cmd_failureflag(struct sc_ctx *ctx, int argc, char **argv);
DWORD sc_cmd_qfailureflag(struct sc_ctx *ctx, int argc, char **argv);
/* sc_security.c */
DWORD sc_cmd_sdshow(struct sc_ctx *ctx, int argc, char **argv);
DWORD sc_cmd_sdset(struct sc_ctx *ctx, int argc, char **argv);
/* sc_control.c */
DWORD sc_cmd_start(struct sc_ctx *ctx, int argc, char **argv);
DWORD sc_cmd_stop(struct sc_ctx *ctx, int argc, char **argv);
DWORD sc_cmd_pause(struct sc_ctx *ctx, int argc, char **argv);
DWORD sc_cmd_continue(struct sc_ctx *ctx, int argc, char **argv);
DWORD sc_cmd_interrogate(struct sc_ctx *ctx, int argc, char **argv);
DWORD sc_cmd_control(struct sc_ctx *ctx, int argc, char **argv);
/* sc_config.c */
DWORD sc_cmd_create(struct sc_ctx *ctx, int argc, char **argv);
DWORD sc_cmd_config(struct sc_ctx *ctx, int argc, char **argv);
DWORD sc_cmd_delete(struct sc_ctx *ctx, int argc, char **argv);
DWORD sc_cmd_description(struct sc_ctx *ctx, int argc, char **argv);
/* sc_privs.c */
DWORD sc_cmd_privs(struct sc_ctx *ctx, int argc, char **argv);
DWORD sc_cmd_qprivs(struct sc_ctx *ctx, int argc, char **argv);
DWORD sc_cmd_sidtype(struct sc_ctx *ctx, int argc, char **argv);
DWORD sc_cmd_qsidtype(struct sc_ctx *ctx, int argc, char **argv);

#endif
