/*
 * svcconsole - the services console in the browser (docs/console.md).
 *
 * svcconsole [--port N] [--machine HOST]... [--root DIR] [--web DIR]
 *            [--interval MS]
 *
 * Serves the page and the JSON API on 127.0.0.1 and prints the URL to
 * open, with a one-time token.  It is a client like sc: every change goes
 * through the Win32 API with the rights of the user who started it.
 *
 * Exit status: 0 after SIGINT or SIGTERM; 1 when it cannot listen or
 * find its page; 2 for a usage error.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "api.h"
#include "feed.h"
#include "paths.h"
#include "server.h"

static void usage(FILE *to)
{
    fputs("usage: svcconsole [--port N] [--machine HOST]... [--root DIR] [--web DIR]\n"
          "                  [--interval MS]\n"
          "  --port N        listen on 127.0.0.1:N (default 0: a free port)\n"
          "  --machine HOST  show HOST's services (\\\\HOST, as sc); repeat for more;\n"
          "                  \".\" is this machine (the default, shown as localhost)\n"
          "  --root DIR      the state directory, as sc --root (default $SVCHOST_ROOT)\n"
          "  --web DIR       serve the page from DIR instead of the installed one\n"
          "  --interval MS   how often the live view polls (default 300)\n",
          to);
}

static void usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void usage_error(const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "svcconsole: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    usage(stderr);
    exit(2);
}

static unsigned long number(const char *opt, const char *s, unsigned long max)
{
    char *end;
    unsigned long v;

    errno = 0;
    v = strtoul(s, &end, 10);
    if (*s == '\0' || *s == '-' || *end != '\0' || errno != 0 || v > max)
        usage_error("%s needs a number in range", opt);
    return v;
}

/* The installed page: SVCCONSOLE_WEBDIR_REL from the program's directory
 * (share/svchost/console beside bin/, in the build tree as installed). */
static char *default_webdir(void)
{
    char *exe = svc_exe_dir(), *dir = NULL;

    if (exe && asprintf(&dir, "%s/%s", exe, SVCCONSOLE_WEBDIR_REL) < 0)
        dir = NULL;
    free(exe);
    return dir;
}

int main(int argc, char **argv)
{
    const char **names = calloc((size_t)argc + 1, sizeof *names);
    unsigned long port = 0, interval = 300;
    char *webdir = NULL, *index = NULL;
    struct console console = { 0 };
    struct server *server = NULL;
    struct feed feed;
    size_t n = 0;
    sigset_t sigs;
    int sig, rc;

    if (names == NULL)
        return 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;

        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            free(names);
            free(webdir);
            return 0;
        } else if (strcmp(a, "--version") == 0) {
            printf("svcconsole (svchost) %s\n", SVCHOST_VERSION);
            free(names);
            free(webdir);
            return 0;
        } else if (strcmp(a, "--port") == 0 || strcmp(a, "--machine") == 0 ||
                   strcmp(a, "--root") == 0 || strcmp(a, "--web") == 0 ||
                   strcmp(a, "--interval") == 0) {
            if (v == NULL || *v == '\0')
                usage_error("%s needs a value", a);
            i++;
            if (strcmp(a, "--port") == 0)
                port = number(a, v, 65535);
            else if (strcmp(a, "--interval") == 0)
                interval = number(a, v, 60000);
            else if (strcmp(a, "--machine") == 0)
                names[n++] = v;
            else if (strcmp(a, "--root") == 0)
                setenv("SVCHOST_ROOT", v, 1);
            else {
                free(webdir);
                webdir = strdup(v);
            }
            if (strcmp(a, "--interval") == 0 && interval < 50)
                usage_error("%s needs at least 50 milliseconds", a);
        } else {
            usage_error("unknown argument %s", a);
        }
    }
    if (n == 0)
        names[n++] = ".";

    if (webdir == NULL)
        webdir = default_webdir();
    if (webdir == NULL || asprintf(&index, "%s/index.html", webdir) < 0 ||
        access(index, R_OK) != 0) {
        fprintf(stderr, "svcconsole: no page in %s (give the directory with --web DIR)\n",
                webdir ? webdir : "(unknown)");
        free(index);
        free(webdir);
        free(names);
        return 1;
    }
    free(index);

    console.machines = calloc(n, sizeof *console.machines);
    if (console.machines == NULL)
        return 1;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < console.n_machines; j++) {
            struct machine probe;

            if (machine_init(&probe, names[i]) != 0)
                return 1;
            if (strcasecmp(probe.name, console.machines[j].name) == 0)
                usage_error("--machine %s given twice", probe.name);
            machine_destroy(&probe);
        }
        if (machine_init(&console.machines[console.n_machines], names[i]) != 0)
            return 1;
        console.n_machines++;
    }
    free(names);

    /* Every thread started from here on leaves these to sigwait below. */
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);

    rc = 1;
    if (feed_start(&feed, &console, (unsigned)interval) != 0) {
        fprintf(stderr, "svcconsole: cannot start the live view\n");
        goto out;
    }
    int err = server_start(&server, &console, &feed, webdir, (uint16_t)port);
    if (err != 0) {
        fprintf(stderr, "svcconsole: cannot listen on 127.0.0.1:%lu: %s\n", port, strerror(-err));
        feed_stop(&feed);
        feed_destroy(&feed);
        goto out;
    }
    printf("svcconsole: serving on 127.0.0.1:%u; open this URL once (its token is spent then):\n"
           "    %s\n",
           server_port(server), server_url(server));
    fflush(stdout);

    sigwait(&sigs, &sig);
    feed_stop(&feed);
    server_stop(server);
    feed_destroy(&feed);
    rc = 0;
out:
    for (size_t i = 0; i < console.n_machines; i++)
        machine_destroy(&console.machines[i]);
    free(console.machines);
    free(webdir);
    return rc;
}
