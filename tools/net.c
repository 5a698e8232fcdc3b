/*
 * net [--root DIR] START [service] | STOP service | PAUSE service
 *     | CONTINUE service | HELPMSG message#
 * net --help | --version
 *
 * The service commands of Windows' net.exe, with its messages, over
 * libsvc's Win32 client API.  A service is named by its name or its
 * display name.  "net start" alone lists the started services by display
 * name.  Command words and options are case-insensitive, as in net.exe.
 *
 * What succeeds is printed on standard output; errors on standard error,
 * as net.exe does, with "More help is available by typing NET HELPMSG n."
 * for net's own messages and "System error n has occurred." for a Win32
 * error.
 *
 * Exit codes (net.exe's): 0 success; 2 a command that failed; 1 a syntax
 * error (the syntax is printed); 2 also for --x options it does not know
 * (as every program here).
 */
#include "win32.h"

#include <svchost/winsvc.h>

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define NET_OK     0
#define NET_SYNTAX 1
#define NET_FAILED 2

/* net.exe's own messages (netmsg.dll, NERR_* and APE_*), by number, for
 * the errors and for NET HELPMSG. */
static const struct {
    DWORD id;
    const char *text;
} net_messages[] = {
    { 2182, "The requested service has already been started." },
    { 2184, "The service has not been started." },
    { 2185, "The service name is invalid." },
    { 2191, "The requested pause, continue, or stop is not valid for this service." },
    { 3506, "The syntax of this command is:" },
    { 3521, "The service is not started." },
    { 3534, "The service did not report an error." },
    { 3547, "A service specific error occurred: ***." },
};

static const char *net_message(DWORD id)
{
    for (size_t i = 0; i < sizeof net_messages / sizeof net_messages[0]; i++)
        if (net_messages[i].id == id)
            return net_messages[i].text;
    return NULL;
}

/* "TEXT", a blank line, the HELPMSG line, a blank line. */
static int net_error(DWORD id, const char *text)
{
    fprintf(stderr, "%s\n\nMore help is available by typing NET HELPMSG %lu.\n\n",
            text != NULL ? text : net_message(id), (unsigned long)id);
    return NET_FAILED;
}

/* A Win32 error as net.exe reports one. */
static int system_error(DWORD err)
{
    fprintf(stderr, "System error %lu has occurred.\n\n%s\n\n", (unsigned long)err,
            svc_win32_message(err));
    return NET_FAILED;
}

static const char *const syntax_net =
    "NET\n"
    "    [ CONTINUE | HELPMSG | PAUSE | START | STOP ]\n";

static const char *syntax_of(const char *verb)
{
    if (verb == NULL)
        return syntax_net;
    if (strcasecmp(verb, "start") == 0)
        return "NET START\n[service]\n";
    if (strcasecmp(verb, "stop") == 0)
        return "NET STOP\nservice [/YES]\n";
    if (strcasecmp(verb, "pause") == 0)
        return "NET PAUSE\nservice\n";
    if (strcasecmp(verb, "continue") == 0)
        return "NET CONTINUE\nservice\n";
    if (strcasecmp(verb, "helpmsg") == 0)
        return "NET HELPMSG\nmessage#\n";
    return syntax_net;
}

/* net.exe prints the syntax on standard output and exits 1. */
static int syntax(const char *verb)
{
    printf("The syntax of this command is:\n\n%s\n", syntax_of(verb));
    return NET_SYNTAX;
}

static void usage(FILE *f)
{
    fputs("usage: net [--root DIR] START [service]\n"
          "       net [--root DIR] STOP service [/YES]\n"
          "       net [--root DIR] PAUSE service\n"
          "       net [--root DIR] CONTINUE service\n"
          "       net HELPMSG message#\n"
          "       net --help | --version\n"
          "  service is a service name or display name, quoted if it has spaces.\n"
          "  --root DIR  the SCM of the state directory DIR (default $SVCHOST_ROOT,\n"
          "              else the system one)\n",
          f);
}

/* ---- the SCM ----------------------------------------------------------- */

static SC_HANDLE open_scm(void)
{
    return OpenSCManagerA(NULL, NULL, SC_MANAGER_CONNECT | SC_MANAGER_ENUMERATE_SERVICE);
}

/* Opens a service by name, else by display name (as net.exe does).
 * NULL with GetLastError() on failure. */
static SC_HANDLE open_service(SC_HANDLE scm, const char *name, DWORD access)
{
    SC_HANDLE s = OpenServiceA(scm, name, access);
    char key[257];
    DWORD len = sizeof key;

    if (s != NULL || GetLastError() != ERROR_SERVICE_DOES_NOT_EXIST)
        return s;
    if (!GetServiceKeyNameA(scm, name, key, &len)) {
        SetLastError(ERROR_SERVICE_DOES_NOT_EXIST);
        return NULL;
    }
    return OpenServiceA(scm, key, access);
}

/* The display name of a service, else its name (new string or NULL). */
static char *display_name(SC_HANDLE svc, const char *fallback)
{
    QUERY_SERVICE_CONFIGA *c = NULL;
    DWORD need = 0;
    char *out = NULL;

    if (!QueryServiceConfigA(svc, NULL, 0, &need) && GetLastError() == ERROR_INSUFFICIENT_BUFFER &&
        (c = malloc(need)) != NULL && QueryServiceConfigA(svc, c, need, &need) &&
        c->lpDisplayName != NULL && *c->lpDisplayName != '\0')
        out = strdup(c->lpDisplayName);
    free(c);
    return out != NULL ? out : strdup(fallback);
}

static void sleep_ms(unsigned ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

/*
 * Waits while the service is in state pending, printing a dot for each
 * wait as net.exe does.  Gives up, as net.exe does, when the checkpoint
 * has not moved for longer than the wait hint (at least 10 s here).
 * Returns 0 with the last status in *st, or a Win32 error.
 */
static DWORD wait_while(SC_HANDLE svc, DWORD pending, SERVICE_STATUS_PROCESS *st)
{
    DWORD need, checkpoint = 0, waited = 0;

    for (;;) {
        if (!QueryServiceStatusEx(svc, SC_STATUS_PROCESS_INFO, (BYTE *)st, sizeof *st, &need))
            return GetLastError();
        if (st->dwCurrentState != pending)
            return NO_ERROR;
        if (st->dwCheckPoint != checkpoint) {
            checkpoint = st->dwCheckPoint;
            waited = 0;
        } else if (waited > (st->dwWaitHint > 10000 ? st->dwWaitHint : 10000)) {
            return NO_ERROR;
        }
        putchar('.');
        fflush(stdout);
        sleep_ms(250);
        waited += 250;
    }
}

/* ---- net start ---------------------------------------------------------- */

static int by_display_name(const void *a, const void *b)
{
    const ENUM_SERVICE_STATUS_PROCESSA *x = a, *y = b;
    const char *p = x->lpDisplayName && *x->lpDisplayName ? x->lpDisplayName : x->lpServiceName;
    const char *q = y->lpDisplayName && *y->lpDisplayName ? y->lpDisplayName : y->lpServiceName;
    return strcasecmp(p, q);
}

/* "These Windows services are started:", each by display name (indented
 * three spaces, in alphabetical order), "The command completed
 * successfully." */
static int list_started(SC_HANDLE scm)
{
    DWORD need = 0, n = 0, resume = 0, size = 0;
    BYTE *buf = NULL;

    for (int round = 0;; round++) {
        if (EnumServicesStatusExA(scm, SC_ENUM_PROCESS_INFO, SERVICE_WIN32, SERVICE_ACTIVE, buf, size,
                                  &need, &n, &resume, NULL))
            break;
        if (GetLastError() != ERROR_MORE_DATA || round >= 8) {
            free(buf);
            return system_error(GetLastError());
        }
        free(buf);
        size = need;
        resume = 0;
        if ((buf = malloc(size)) == NULL)
            return system_error(ERROR_NOT_ENOUGH_MEMORY);
    }
    ENUM_SERVICE_STATUS_PROCESSA *e = (ENUM_SERVICE_STATUS_PROCESSA *)buf;
    if (n > 0)
        qsort(e, n, sizeof *e, by_display_name);
    printf("These Windows services are started:\n\n");
    for (DWORD i = 0; i < n; i++)
        printf("   %s\n", e[i].lpDisplayName && *e[i].lpDisplayName ? e[i].lpDisplayName
                                                                  : e[i].lpServiceName);
    printf("\nThe command completed successfully.\n\n");
    free(buf);
    return NET_OK;
}

/* After a start that ended STOPPED: why, as net.exe tells it. */
static int start_failed(const char *dn, const SERVICE_STATUS_PROCESS *st)
{
    fprintf(stderr, "The %s service could not be started.\n\n", dn);
    if (st->dwWin32ExitCode == ERROR_SERVICE_SPECIFIC_ERROR) {
        char text[80];
        snprintf(text, sizeof text, "A service specific error occurred: %lu.",
                 (unsigned long)st->dwServiceSpecificExitCode);
        return net_error(3547, text);
    }
    if (st->dwWin32ExitCode == NO_ERROR)
        return net_error(3534, NULL);
    fprintf(stderr, "A system error has occurred.\n\n");
    return system_error(st->dwWin32ExitCode);
}

static int start_service(SC_HANDLE scm, const char *name)
{
    SERVICE_STATUS_PROCESS st;
    SC_HANDLE svc = open_service(scm, name, SERVICE_START | SERVICE_QUERY_STATUS | SERVICE_QUERY_CONFIG);
    char *dn;
    DWORD err;
    int rc = NET_OK;

    if (svc == NULL)
        return GetLastError() == ERROR_SERVICE_DOES_NOT_EXIST ? net_error(2185, NULL)
                                                              : system_error(GetLastError());
    if ((dn = display_name(svc, name)) == NULL) {
        CloseServiceHandle(svc);
        return system_error(ERROR_NOT_ENOUGH_MEMORY);
    }
    if (!StartServiceA(svc, 0, NULL)) {
        err = GetLastError();
        rc = err == ERROR_SERVICE_ALREADY_RUNNING ? net_error(2182, NULL) : system_error(err);
    } else {
        printf("The %s service is starting", dn);
        fflush(stdout);
        err = wait_while(svc, SERVICE_START_PENDING, &st);
        printf(".\n");
        if (err != NO_ERROR)
            rc = system_error(err);
        else if (st.dwCurrentState == SERVICE_RUNNING || st.dwCurrentState == SERVICE_PAUSED)
            printf("The %s service was started successfully.\n\n", dn);
        else if (st.dwCurrentState == SERVICE_START_PENDING) {
            /* Still starting after its wait hint: net.exe says so and
             * leaves it to the SCM. */
            fprintf(stderr, "The %s service is starting.\n", dn);
            fprintf(stderr, "The %s service could not be started.\n\n", dn);
            rc = system_error(ERROR_SERVICE_REQUEST_TIMEOUT);
        } else
            rc = start_failed(dn, &st);
    }
    free(dn);
    CloseServiceHandle(svc);
    return rc;
}

/* ---- net stop, pause, continue ------------------------------------------ */

struct verb {
    const char *word;         /* "stop" */
    DWORD control;
    DWORD access;
    DWORD pending;            /* the state while it takes effect */
    DWORD done;               /* the state it ends in */
    const char *ing, *ed;     /* "stopping", "stopped" */
};

static const struct verb verbs[] = {
    { "stop", SERVICE_CONTROL_STOP, SERVICE_STOP, SERVICE_STOP_PENDING, SERVICE_STOPPED,
      "stopping", "stopped" },
    { "pause", SERVICE_CONTROL_PAUSE, SERVICE_PAUSE_CONTINUE, SERVICE_PAUSE_PENDING, SERVICE_PAUSED,
      "pausing", "paused" },
    { "continue", SERVICE_CONTROL_CONTINUE, SERVICE_PAUSE_CONTINUE, SERVICE_CONTINUE_PENDING,
      SERVICE_RUNNING, "continuing", "continued" },
};

/* net stop of a service with running dependents: net.exe lists them and
 * asks (/YES answers yes), then stops them first. */
static int stop_dependents(SC_HANDLE scm, SC_HANDLE svc, const char *dn, int yes)
{
    DWORD need = 0, n = 0;
    ENUM_SERVICE_STATUSA *deps = NULL;
    int rc = NET_OK;

    if (!EnumDependentServicesA(svc, SERVICE_ACTIVE, NULL, 0, &need, &n)) {
        if (GetLastError() != ERROR_MORE_DATA)
            return system_error(GetLastError());
        if ((deps = malloc(need)) == NULL)
            return system_error(ERROR_NOT_ENOUGH_MEMORY);
        if (!EnumDependentServicesA(svc, SERVICE_ACTIVE, deps, need, &need, &n)) {
            free(deps);
            return system_error(GetLastError());
        }
    }
    if (n == 0) {
        free(deps);
        return NET_OK;
    }
    printf("The following services are dependent on the %s service.\n"
           "Stopping the %s service will also stop these services.\n\n", dn, dn);
    for (DWORD i = 0; i < n; i++)
        printf("   %s\n", deps[i].lpDisplayName && *deps[i].lpDisplayName ? deps[i].lpDisplayName
                                                                       : deps[i].lpServiceName);
    printf("\nDo you want to continue this operation? (Y/N) [N]: ");
    if (yes) {
        printf("\n");
    } else {
        char line[64];
        fflush(stdout);
        if (fgets(line, sizeof line, stdin) == NULL || toupper((unsigned char)line[0]) != 'Y') {
            printf("\n");
            free(deps);
            return NET_FAILED;   /* net.exe: no is a failed command */
        }
    }
    /* EnumDependentServices lists them in the order they must stop. */
    for (DWORD i = 0; i < n && rc == NET_OK; i++) {
        SERVICE_STATUS ss;
        SERVICE_STATUS_PROCESS st;
        SC_HANDLE d = OpenServiceA(scm, deps[i].lpServiceName, SERVICE_STOP | SERVICE_QUERY_STATUS);
        const char *ddn = deps[i].lpDisplayName && *deps[i].lpDisplayName ? deps[i].lpDisplayName
                                                                          : deps[i].lpServiceName;
        if (d == NULL) {
            rc = system_error(GetLastError());
            break;
        }
        if (!ControlService(d, SERVICE_CONTROL_STOP, &ss)) {
            if (GetLastError() != ERROR_SERVICE_NOT_ACTIVE)
                rc = system_error(GetLastError());
        } else {
            printf("The %s service is stopping", ddn);
            fflush(stdout);
            DWORD err = wait_while(d, SERVICE_STOP_PENDING, &st);
            printf(".\n");
            if (err != NO_ERROR)
                rc = system_error(err);
            else if (st.dwCurrentState != SERVICE_STOPPED) {
                fprintf(stderr, "The %s service could not be stopped.\n\n", ddn);
                rc = NET_FAILED;
            } else
                printf("The %s service was stopped successfully.\n\n", ddn);
        }
        CloseServiceHandle(d);
    }
    free(deps);
    return rc;
}

static int control_service(SC_HANDLE scm, const struct verb *v, const char *name, int yes)
{
    SERVICE_STATUS ss;
    SERVICE_STATUS_PROCESS st;
    DWORD access = v->access | SERVICE_QUERY_STATUS | SERVICE_QUERY_CONFIG |
                   (v->control == SERVICE_CONTROL_STOP ? SERVICE_ENUMERATE_DEPENDENTS : 0);
    SC_HANDLE svc = open_service(scm, name, access);
    char *dn;
    DWORD err;
    int rc = NET_OK;

    if (svc == NULL)
        return GetLastError() == ERROR_SERVICE_DOES_NOT_EXIST ? net_error(2185, NULL)
                                                              : system_error(GetLastError());
    if ((dn = display_name(svc, name)) == NULL) {
        CloseServiceHandle(svc);
        return system_error(ERROR_NOT_ENOUGH_MEMORY);
    }
    if (v->control == SERVICE_CONTROL_STOP)
        rc = stop_dependents(scm, svc, dn, yes);
    if (rc == NET_OK && !ControlService(svc, v->control, &ss)) {
        err = GetLastError();
        if (err == ERROR_SERVICE_NOT_ACTIVE) {
            char text[512];
            snprintf(text, sizeof text, "The %s service is not started.", dn);
            rc = net_error(3521, text);
        } else if (err == ERROR_INVALID_SERVICE_CONTROL || err == ERROR_SERVICE_CANNOT_ACCEPT_CTRL) {
            rc = net_error(2191, NULL);
        } else {
            rc = system_error(err);
        }
    } else if (rc == NET_OK) {
        if (ss.dwCurrentState == v->pending) {
            printf("The %s service is %s", dn, v->ing);
            fflush(stdout);
            err = wait_while(svc, v->pending, &st);
            printf(".\n");
            if (err != NO_ERROR) {
                rc = system_error(err);
                goto out;
            }
        } else {
            st.dwCurrentState = ss.dwCurrentState;
        }
        if (st.dwCurrentState == v->done) {
            printf("The %s service was %s successfully.\n\n", dn, v->ed);
        } else {
            fprintf(stderr, "The %s service could not be %s.\n\n", dn, v->ed);
            rc = NET_FAILED;
        }
    }
out:
    free(dn);
    CloseServiceHandle(svc);
    return rc;
}

/* ---- net helpmsg -------------------------------------------------------- */

static int helpmsg(const char *num)
{
    char *end;
    unsigned long id;

    errno = 0;
    id = strtoul(num, &end, 10);
    if (*num == '\0' || *end != '\0' || errno != 0 || id > 0xFFFFFFFFul) {
        fprintf(stderr, "%s is not a valid number.\n\n", num);
        return syntax("helpmsg");
    }
    /* A net message, else the system's text of that Win32 code. */
    printf("\n%s\n\n", net_message((DWORD)id) != NULL ? net_message((DWORD)id)
                                                      : svc_win32_message((DWORD)id));
    return NET_OK;
}

/* ---- main --------------------------------------------------------------- */

/* The service name: the words that are not options, joined by spaces
 * (net.exe takes "net start print spooler" as one name). */
static char *join_words(int argc, char **argv)
{
    size_t len = 1;
    char *s;

    for (int i = 0; i < argc; i++)
        len += strlen(argv[i]) + 1;
    if ((s = calloc(1, len)) == NULL)
        return NULL;
    for (int i = 0; i < argc; i++) {
        if (i > 0)
            strcat(s, " ");
        strcat(s, argv[i]);
    }
    return s;
}

/* /Y, /YES (any prefix of YES, as net.exe): 1; another option: -1. */
static int yes_option(const char *s)
{
    size_t n = strlen(s + 1);
    return n >= 1 && n <= 3 && strncasecmp(s + 1, "YES", n) == 0 ? 1 : -1;
}

int main(int argc, char **argv)
{
    const char *verb;
    char **words;
    int i = 1, nwords = 0, yes = 0, rc;
    char *name;
    SC_HANDLE scm;

    signal(SIGPIPE, SIG_IGN);
    while (i < argc && strncmp(argv[i], "--", 2) == 0) {
        if (strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        }
        if (strcmp(argv[i], "--version") == 0) {
            printf("net (svchost) %s\n", SVCHOST_VERSION);
            return 0;
        }
        if (strcmp(argv[i], "--root") == 0 && i + 1 < argc && argv[i + 1][0] != '\0') {
            setenv("SVCHOST_ROOT", argv[i + 1], 1);
            i += 2;
            continue;
        }
        if (strncmp(argv[i], "--root=", 7) == 0 && argv[i][7] != '\0') {
            setenv("SVCHOST_ROOT", argv[i] + 7, 1);
            i++;
            continue;
        }
        fprintf(stderr, "net: unknown option '%s'\n", argv[i]);
        usage(stderr);
        return 2;
    }
    if (i >= argc)
        return syntax(NULL);
    verb = argv[i++];
    if (strcmp(verb, "/?") == 0 || strcasecmp(verb, "help") == 0) {
        syntax(i < argc ? argv[i] : NULL);
        return NET_OK;
    }

    int is_start = strcasecmp(verb, "start") == 0;
    const struct verb *v = NULL;
    for (size_t k = 0; k < sizeof verbs / sizeof verbs[0]; k++)
        if (strcasecmp(verb, verbs[k].word) == 0)
            v = &verbs[k];
    if (!is_start && v == NULL && strcasecmp(verb, "helpmsg") != 0)
        return syntax(NULL);

    /* Options: /? shows the syntax; /YES only for STOP; any other is
     * unknown (NET HELPMSG 3506, exit 1). */
    if ((words = calloc((size_t)argc, sizeof *words)) == NULL)
        return system_error(ERROR_NOT_ENOUGH_MEMORY);
    for (; i < argc; i++) {
        if (argv[i][0] == '/') {
            if (strcmp(argv[i], "/?") == 0) {
                free(words);
                syntax(verb);
                return NET_OK;
            }
            if (v != NULL && v->control == SERVICE_CONTROL_STOP && yes_option(argv[i]) == 1) {
                yes = 1;
                continue;
            }
            for (char *p = argv[i]; *p; p++)
                *p = (char)toupper((unsigned char)*p);
            printf("The option %s is unknown.\n\n", argv[i]);
            syntax(verb);
            printf("More help is available by typing NET HELPMSG 3506.\n\n");
            free(words);
            return NET_SYNTAX;
        }
        words[nwords++] = argv[i];
    }
    if (strcasecmp(verb, "helpmsg") == 0) {
        rc = nwords == 1 ? helpmsg(words[0]) : syntax(verb);
        free(words);
        return rc;
    }
    if (nwords == 0 && !is_start) {
        free(words);
        return syntax(verb);
    }
    name = nwords > 0 ? join_words(nwords, words) : NULL;
    free(words);
    if (nwords > 0 && name == NULL)
        return system_error(ERROR_NOT_ENOUGH_MEMORY);
    if ((scm = open_scm()) == NULL) {
        free(name);
        return system_error(GetLastError());
    }
    if (is_start)
        rc = name == NULL ? list_started(scm) : start_service(scm, name);
    else
        rc = control_service(scm, v, name, yes);
    CloseServiceHandle(scm);
    free(name);
    return rc;
}
