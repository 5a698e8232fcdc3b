/*
 * sc [--root DIR] [\\server] <command> [service name] <option1> <option2>...
 * sc --help | --version
 *
 * The service controller: Windows sc.exe's commands, syntax and output,
 * over libsvc's Win32 client API.  docs/sc.md describes every command.
 *
 * Everything is printed on standard output, as sc.exe does; usage
 * diagnostics ("sc: ...") go to standard error.
 *
 * Exit codes: 0 success; for a failed call its Win32 error reduced to the
 * 8 bits a POSIX status holds (err & 0xFF, or 1 when that is 0, so that
 * no failure looks like success); 1 for a usage error of a command (as
 * sc.exe); 2 for an option of sc itself that it does not know ("--x").
 */
#include "sc.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* "help" asks for help only in the command's place: after a command it
 * may be a service name. */
static int is_help_flag(const char *s)
{
    return strcmp(s, "/?") == 0 || strcmp(s, "-?") == 0 || strcmp(s, "-h") == 0 ||
           strcmp(s, "--help") == 0;
}

/* Consumes the options that come before the command: --root DIR and
 * \\server.  Returns the index of the command word, or -1 on a usage
 * error (already reported). */
static int parse_global(int argc, char **argv, struct sc_ctx *ctx)
{
    int i = 1;

    while (i < argc) {
        const char *root = NULL;

        if (strcmp(argv[i], "--root") == 0) {
            if (i + 1 >= argc) {
                sc_usage_error("--root needs a directory");
                return -1;
            }
            root = argv[i + 1];
            i += 2;
        } else if (strncmp(argv[i], "--root=", 7) == 0) {
            root = argv[i] + 7;
            i++;
        } else if (argv[i][0] == '\\' && argv[i][1] == '\\') {
            sc_set_server(ctx, argv[i]);
            i++;
            continue;
        } else {
            break;
        }
        if (*root == '\0') {
            sc_usage_error("--root needs a directory");
            return -1;
        }
        /* libsvc finds scmd through $SVCHOST_ROOT/run/scm.sock. */
        if (setenv("SVCHOST_ROOT", root, 1) != 0) {
            fprintf(stderr, "sc: setenv: %s\n", strerror(errno));
            return -1;
        }
    }
    return i;
}

int main(int argc, char **argv)
{
    struct sc_ctx ctx = { 0 };
    const struct sc_command *cmd;
    int i, rc;
    DWORD err;

    /* A dropped SCM connection must come back as an error from the call,
     * not kill the tool. */
    signal(SIGPIPE, SIG_IGN);
    /* libsvc's diagnostics (why a remote machine could not be reached). */
    log_init("sc", SVC_LOG_INFO);

    i = parse_global(argc, argv, &ctx);
    if (i < 0) {
        sc_print_help();
        return 1;
    }
    if (i >= argc) {
        sc_print_help();
        return 1;
    }
    if (is_help_flag(argv[i]) || strcasecmp(argv[i], "help") == 0) {
        sc_print_help();
        return 0;
    }
    if (strcmp(argv[i], "--version") == 0) {
        printf("sc (svchost) %s\n", SVCHOST_VERSION);
        return 0;
    }
    /* "--x" is no sc.exe command word: answer as every program here does
     * for an unknown option. */
    if (strncmp(argv[i], "--", 2) == 0) {
        sc_usage_error("unknown option '%s'", argv[i]);
        fputs("usage: sc [--root DIR] [\\\\server] <command> [service name] <option1> ...\n"
              "       sc --help | --version\n"
              "\"sc help\" lists the commands.\n",
              stderr);
        return 2;
    }
    cmd = sc_find_command(argv[i]);
    if (cmd == NULL) {
        sc_usage_error("unknown command '%s'", argv[i]);
        sc_print_help();
        return 1;
    }
    ctx.cmd = cmd;
    argc -= i + 1;
    argv += i + 1;
    if (argc > 0 && is_help_flag(argv[0])) {
        sc_print_usage(cmd);
        return 0;
    }

    if (cmd->needs_name && argc < 1)
        err = SC_USAGE;
    else
        err = cmd->run(&ctx, argc, argv);
    sc_disconnect(&ctx);

    if (err == SC_USAGE) {
        sc_print_usage(cmd);
        rc = 1;
    } else {
        rc = sc_exit_status(err);
    }
    if (fflush(stdout) != 0 && rc == 0)
        rc = 1;
    return rc;
}
