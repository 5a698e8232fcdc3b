/*
 * svchost -k GROUP [-s SERVICE] [--root DIR] [--console] [--verbose]
 * svchost --help | --version
 *
 * The shared service host.  Builds ONE dispatch table holding every
 * service of GROUP and hands it to StartServiceCtrlDispatcher.  With
 * -s SERVICE it is a split instance, as on Windows 10: the table holds
 * that one member of GROUP.
 *
 * Exit codes: 0 every service stopped cleanly; 1 a runtime failure (bad
 * configuration, no service controller to connect to) or, with --console,
 * a service that stopped with an error; 2 usage.
 */
#include "config.h"
#include "dispatcher.h"
#include "host.h"
#include "log.h"
#include "paths.h"
#include "console.h"
#include "threads.h"
#include "win32.h"

#include <getopt.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void usage(FILE *f)
{
    fprintf(f,
            "usage: svchost -k GROUP [-s SERVICE] [--root DIR] [--console] [--verbose]\n"
            "       svchost --help | --version\n"
            "  -k GROUP      run the services of GROUP (config/svchost.ini)\n"
            "  -s SERVICE    run only SERVICE of GROUP (a split instance)\n"
            "  --root DIR    state directory (default $SVCHOST_ROOT, else %s)\n"
            "  --console     no SCM: start every service of the group in this process,\n"
            "                print state changes, stop on SIGINT/SIGTERM, take commands on stdin\n"
            "  --verbose     debug logging\n"
            "  --help        print this help and exit\n"
            "  --version     print the version and exit\n"
            "Exit: 0 every service stopped cleanly, 1 failure, 2 usage.\n",
            SVCHOST_SYSTEM_ROOT);
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "root", required_argument, NULL, 'r' },
        { "console", no_argument, NULL, 'c' },
        { "verbose", no_argument, NULL, 'v' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    const char *group = NULL, *only = NULL, *root = svc_default_root();
    int console = 0, verbose = 0, c;
    struct svc_group_members *m = NULL;
    struct svc_diag diag = { 0 };
    SERVICE_TABLE_ENTRYA *table;
    char **names;

    while ((c = getopt_long(argc, argv, "k:s:r:cvh", opts, NULL)) != -1) {
        switch (c) {
        case 'k': group = optarg; break;
        case 's': only = optarg; break;
        case 'r': root = optarg; break;
        case 'c': console = 1; break;
        case 'v': verbose = 1; break;
        case 'h': usage(stdout); return 0;
        case 'V': printf("svchost (svchost) %s\n", SVCHOST_VERSION); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (group == NULL || optind != argc) {
        usage(stderr);
        return 2;
    }
    log_init("svchost", verbose ? SVC_LOG_DEBUG : SVC_LOG_INFO);
    /* One malloc arena per CPU rather than glibc's eight: a thread per
     * service would otherwise spread a host's small allocations over up to
     * 8 x CPUs arenas, each with pages of its own (64-170 KiB apiece with
     * 100 idle services), where Windows' svchost has one process heap.
     * The threads' caches still serve most allocations without a lock.
     * MALLOC_ARENA_MAX in the environment decides instead. */
    if (getenv("MALLOC_ARENA_MAX") == NULL)
        mallopt(M_ARENA_MAX, (int)svc_cpu_count());
    /* A plugin writing to a closed socket must get EPIPE, not kill the
     * whole host. */
    signal(SIGPIPE, SIG_IGN);

    int rc = only ? svc_config_load_group_member(root, group, only, &m, &diag)
                  : svc_config_load_group(root, group, &m, &diag);
    for (size_t i = 0; i < diag.n; i++)
        fprintf(stderr, "%s\n", diag.lines[i]);
    svc_diag_free(&diag);
    if (rc < 0) {
        fprintf(stderr, "svchost: cannot run group '%s'\n", group);
        return 1;
    }

    table = calloc(m->n + 1, sizeof *table);
    names = calloc(m->n + 1, sizeof *names);
    if (table == NULL || names == NULL)
        fatalx("out of memory");
    size_t n = 0;
    for (size_t i = 0; i < m->n; i++) {
        if (only != NULL && strcasecmp(m->services[i]->name, only) != 0)
            continue;
        names[n] = m->services[i]->name;
        table[n].lpServiceName = names[n];
        table[n].lpServiceProc = host_service_main;
        n++;
    }
    if (n == 0) {
        fprintf(stderr, "svchost: group '%s' has no service '%s'\n", group, only);
        svc_group_members_free(m);
        free(table);
        free(names);
        return 1;
    }
    if (host_init(root, group, names, n) < 0)
        fatalx("out of memory");

    /* A split instance runs its one service only; a shared host takes
     * members installed in its group after it started. */
    if (only == NULL)
        host_plugin_init();
    if (console)
        svc_dispatcher_use_console(1);
    /* The dispatcher and host_init keep copies of the names. */
    if (!StartServiceCtrlDispatcherA(table)) {
        DWORD err = GetLastError();
        fprintf(stderr, "svchost: StartServiceCtrlDispatcher FAILED %u: %s\n", err,
                svc_win32_message(err));
        rc = 1;
    } else {
        rc = console ? svc_console_exit_status() : 0;
    }
    svc_group_members_free(m);
    free(table);
    free(names);
    return rc;
}
