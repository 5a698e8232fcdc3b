/*
 * status_reader - reads one service's status through the public API, as
 * fast as it can, for tests of the shared status table.
 *
 *   status_reader NAME watch SECONDS
 *       QueryServiceStatusEx in a loop for SECONDS while something else
 *       changes the service's state; every status read must be one scmd
 *       could have set (STOPPED with no process, RUNNING or PAUSED with
 *       one and with the controls it accepts).  Prints the reads, the
 *       changes of state seen and the statuses that were not whole; exit
 *       1 if there was one.
 *   status_reader NAME frozen COUNT GOFILE [enum]
 *       Opens the service, prints "ready", waits (at most 10 s) for the
 *       file GOFILE to exist, then reads the status COUNT times and
 *       prints its state; exit 3 if that takes over 3 seconds (a read
 *       waited for an scmd that does not answer).  With "enum", each read
 *       is an EnumServicesStatusEx of every Win32 service instead, and
 *       the last one is printed, a line a service: "NAME|DISPLAY|STATE|PID".
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <svchost/winsvc.h>

static void timed_out(int sig)
{
    (void)sig;
    static const char msg[] = "status_reader: timed out\n";
    ssize_t n = write(2, msg, sizeof msg - 1);
    (void)n;
    _exit(3);
}

static int query(SC_HANDLE s, SERVICE_STATUS_PROCESS *st)
{
    DWORD needed;
    return QueryServiceStatusEx(s, SC_STATUS_PROCESS_INFO, (LPBYTE)st, sizeof *st, &needed);
}

static BYTE list[1 << 16];
static DWORD listed;

static int enumerate(SC_HANDLE m)
{
    DWORD needed, resume = 0;

    return EnumServicesStatusExA(m, SC_ENUM_PROCESS_INFO, SERVICE_WIN32, SERVICE_STATE_ALL, list,
                                 sizeof list, &needed, &listed, &resume, NULL);
}

static void print_list(void)
{
    const ENUM_SERVICE_STATUS_PROCESSA *e = (const void *)list;

    for (DWORD i = 0; i < listed; i++)
        printf("%s|%s|%lu|%lu\n", e[i].lpServiceName, e[i].lpDisplayName,
               (unsigned long)e[i].ServiceStatusProcess.dwCurrentState,
               (unsigned long)e[i].ServiceStatusProcess.dwProcessId);
}

static int whole(const SERVICE_STATUS_PROCESS *st)
{
    switch (st->dwCurrentState) {
    case SERVICE_STOPPED:
        return st->dwProcessId == 0 && st->dwControlsAccepted == 0;
    case SERVICE_RUNNING:
    case SERVICE_PAUSED:
        return st->dwProcessId != 0 && st->dwControlsAccepted != 0;
    case SERVICE_START_PENDING:
    case SERVICE_STOP_PENDING:
    case SERVICE_CONTINUE_PENDING:
    case SERVICE_PAUSE_PENDING:
        return 1;
    default:
        return 0;
    }
}

int main(int argc, char **argv)
{
    SC_HANDLE m, s;
    SERVICE_STATUS_PROCESS st;

    int by_enum = argc == 6 && strcmp(argv[5], "enum") == 0;

    if (!(argc == 4 && strcmp(argv[2], "watch") == 0) &&
        !((argc == 5 || by_enum) && strcmp(argv[2], "frozen") == 0)) {
        fprintf(stderr, "usage: status_reader NAME watch SECONDS | NAME frozen COUNT GOFILE [enum]\n");
        return 2;
    }
    m = OpenSCManagerA(NULL, NULL, SC_MANAGER_CONNECT | SC_MANAGER_ENUMERATE_SERVICE);
    s = m ? OpenServiceA(m, argv[1], SERVICE_QUERY_STATUS) : NULL;
    if (s == NULL) {
        fprintf(stderr, "status_reader: cannot open %s: %lu\n", argv[1],
                (unsigned long)GetLastError());
        return 1;
    }
    if (strcmp(argv[2], "frozen") == 0) {
        long n = atol(argv[3]);

        printf("ready\n");
        fflush(stdout);
        for (int waited = 0; access(argv[4], F_OK) != 0; waited++) {
            if (waited >= 10000) {
                fprintf(stderr, "status_reader: no %s\n", argv[4]);
                return 1;
            }
            usleep(1000);
        }
        signal(SIGALRM, timed_out);
        alarm(3);
        for (long i = 0; i < n; i++)
            if (by_enum ? !enumerate(m) : !query(s, &st)) {
                fprintf(stderr, "status_reader: %s: %lu\n", by_enum ? "enumerate" : "query",
                        (unsigned long)GetLastError());
                return 1;
            }
        if (by_enum)
            print_list();
        else
            printf("state %lu\n", (unsigned long)st.dwCurrentState);
        return 0;
    }

    time_t end = time(NULL) + atol(argv[3]);
    unsigned long reads = 0, changes = 0, torn = 0;
    DWORD last = 0;

    while (time(NULL) < end) {
        if (!query(s, &st)) {
            fprintf(stderr, "status_reader: query: %lu\n", (unsigned long)GetLastError());
            return 1;
        }
        reads++;
        if (!whole(&st)) {
            if (torn++ < 5)
                fprintf(stderr, "status_reader: not a whole status: state %lu pid %lu "
                        "controls %#lx\n", (unsigned long)st.dwCurrentState,
                        (unsigned long)st.dwProcessId, (unsigned long)st.dwControlsAccepted);
        }
        if (st.dwCurrentState != last)
            changes++;
        last = st.dwCurrentState;
    }
    printf("reads %lu changes %lu torn %lu\n", reads, changes, torn);
    CloseServiceHandle(s);
    CloseServiceHandle(m);
    return torn ? 1 : 0;
}
