/*
 * ssh_api_client MACHINE SERVICE [pause]: the C API over a remote
 * connection, as a program sees it (tests/ssh/api.sh).
 *
 * Opens the SCM of MACHINE and SERVICE on it, queries the service, closes
 * the SCM handle first (the service handle keeps working, as on Windows)
 * and then the service handle.  Prints, one a line:
 *   open fds=N children=N child=COMM   after OpenSCManager
 *   state N                            QueryServiceStatus's dwCurrentState
 *   paused                             with "pause": then it waits for a
 *                                      line on stdin, the handles open
 *   state N                            again, after the SCM handle closed
 *   closed fds=N children=N waitpid=R  after the last close; R is
 *                                      waitpid(-1, WNOHANG)'s result and
 *                                      "ECHILD" when no child (running or
 *                                      zombie) is left
 * and "start fds=N" first.  A failed call prints "CALL FAILED ERR" and
 * exits 1; for OpenSCManager followed by " children=N waitpid=R fds=N"
 * as after the last close.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <svchost/winsvc.h>

static int count_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    int n = 0;

    if (d == NULL)
        return -1;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n - 1; /* the directory's own descriptor */
}

/* The children of every thread of this process; the name of the last one
 * in comm (or "-"). */
static int count_children(char *comm, size_t cb)
{
    DIR *d = opendir("/proc/self/task");
    struct dirent *e;
    int n = 0;

    snprintf(comm, cb, "-");
    if (d == NULL)
        return -1;
    while ((e = readdir(d)) != NULL) {
        char path[300];
        FILE *f;
        int pid;

        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "/proc/self/task/%s/children", e->d_name);
        if ((f = fopen(path, "r")) == NULL)
            continue;
        while (fscanf(f, "%d", &pid) == 1) {
            FILE *c;

            n++;
            snprintf(path, sizeof path, "/proc/%d/comm", pid);
            if ((c = fopen(path, "r")) != NULL) {
                if (fgets(comm, (int)cb, c) != NULL)
                    comm[strcspn(comm, "\n")] = '\0';
                fclose(c);
            }
        }
        fclose(f);
    }
    closedir(d);
    return n;
}

static int failed(const char *call)
{
    printf("%s FAILED %lu\n", call, (unsigned long)GetLastError());
    return 1;
}

int main(int argc, char **argv)
{
    SERVICE_STATUS st;
    SC_HANDLE m, s;
    char comm[64];
    int n, w;

    if (argc < 3 || argc > 4 || (argc == 4 && strcmp(argv[3], "pause") != 0)) {
        fprintf(stderr, "usage: ssh_api_client MACHINE SERVICE [pause]\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("start fds=%d\n", count_fds());
    m = OpenSCManagerA(argv[1], NULL, SC_MANAGER_CONNECT);
    if (m == NULL) {
        DWORD err = GetLastError();

        n = count_children(comm, sizeof comm);
        w = waitpid(-1, NULL, WNOHANG);
        printf("OpenSCManager FAILED %lu children=%d waitpid=%s fds=%d\n", (unsigned long)err, n,
               w < 0 && errno == ECHILD ? "ECHILD" : "other", count_fds());
        return 1;
    }
    n = count_children(comm, sizeof comm);
    printf("open fds=%d children=%d child=%s\n", count_fds(), n, comm);
    s = OpenServiceA(m, argv[2], SERVICE_QUERY_STATUS);
    if (s == NULL)
        return failed("OpenService");
    if (!QueryServiceStatus(s, &st))
        return failed("QueryServiceStatus");
    printf("state %lu\n", (unsigned long)st.dwCurrentState);
    if (argc == 4) {
        char line[16];

        printf("paused\n");
        if (fgets(line, sizeof line, stdin) == NULL)
            return 1;
    }
    if (!CloseServiceHandle(m))
        return failed("CloseServiceHandle");
    if (!QueryServiceStatus(s, &st))
        return failed("QueryServiceStatus");
    printf("state %lu\n", (unsigned long)st.dwCurrentState);
    if (!CloseServiceHandle(s))
        return failed("CloseServiceHandle");
    n = count_children(comm, sizeof comm);
    w = waitpid(-1, NULL, WNOHANG);
    if (w < 0 && errno == ECHILD)
        printf("closed fds=%d children=%d waitpid=ECHILD\n", count_fds(), n);
    else
        printf("closed fds=%d children=%d waitpid=%d\n", count_fds(), n, w);
    return 0;
}
