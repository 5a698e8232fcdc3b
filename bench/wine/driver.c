/*
 * driver.c - svchost-bench --versus wine's Windows side: the benchmark's
 * scenario through the Win32 service API of whatever SCM runs it (Wine's
 * services.exe here; Windows' would do).  Built by mingw-w64.
 *
 * versus-driver.exe DLL N
 *
 * Installs N share-process services BenchW0000... in the svchost group
 * BenchWine (CreateServiceA, then the registry values svchost.exe reads:
 * the group's member list and each service's Parameters\ServiceDll),
 * starts them all, times QueryServiceStatusEx and
 * ControlService(INTERROGATE) on the first, stops them all and deletes
 * them.  Prints one "key value" line per figure on stdout; when every
 * service runs it prints "running" and waits for a line on stdin, so
 * that the caller can measure the host processes meanwhile.
 *
 * Exit codes: 0 done; 1 a call failed ("error: ..." on stdout, and what
 * was installed removed); 2 usage.
 */
#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GROUP "BenchWine"
#define QUERY_WARMUP 200
#define QUERY_CALLS 2000
#define INTERROGATE_WARMUP 200
#define INTERROGATE_CALLS 1000

static LARGE_INTEGER freq;
static SC_HANDLE scm;
static SC_HANDLE *svc;
static unsigned n;

static double now_us(void)
{
    LARGE_INTEGER t;
    QueryPerformanceCounter(&t);
    return (double)t.QuadPart * 1e6 / (double)freq.QuadPart;
}

static void name_of(char *buf, size_t size, unsigned i)
{
    snprintf(buf, size, "BenchW%04u", i);
}

/* Stops and deletes whatever was installed; best effort. */
static void cleanup(void)
{
    SERVICE_STATUS ss;
    HKEY k;

    for (unsigned i = 0; svc != NULL && i < n; i++) {
        if (svc[i] == NULL)
            continue;
        ControlService(svc[i], SERVICE_CONTROL_STOP, &ss);
        DeleteService(svc[i]);
        CloseServiceHandle(svc[i]);
        svc[i] = NULL;
    }
    if (RegOpenKeyExA(HKEY_LOCAL_MACHINE, "SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Svchost",
                      0, KEY_SET_VALUE, &k) == ERROR_SUCCESS) {
        RegDeleteValueA(k, GROUP);
        RegCloseKey(k);
    }
}

static void die(const char *call, DWORD err)
{
    printf("error: %s failed: %lu\n", call, (unsigned long)err);
    fflush(stdout);
    cleanup();
    exit(1);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double p50(double *v, size_t k)
{
    qsort(v, k, sizeof *v, cmp_double);
    return v[(k + 1) / 2 - 1];
}

/* How many of ours are in `state`; one EnumServicesStatusExA per call. */
static unsigned count_state(DWORD state, BYTE **buf, DWORD *size)
{
    DWORD needed = 0, returned = 0, resume = 0;
    unsigned k = 0;

    for (;;) {
        BOOL ok = EnumServicesStatusExA(scm, SC_ENUM_PROCESS_INFO, SERVICE_WIN32,
                                        SERVICE_STATE_ALL, *buf, *size, &needed, &returned,
                                        &resume, NULL);
        if (!ok && GetLastError() == ERROR_INSUFFICIENT_BUFFER) {
            /* Wine 8's A function when the wide list fitted in twice the
             * buffer but its names did not fit in the buffer itself (many
             * short names): nothing is filled in and the list starts
             * over; a bigger buffer and the whole list again. */
            *size *= 2;
            if ((*buf = realloc(*buf, *size)) == NULL)
                die("realloc", ERROR_NOT_ENOUGH_MEMORY);
            k = 0;
            resume = 0;
            continue;
        }
        if (!ok && GetLastError() != ERROR_MORE_DATA)
            die("EnumServicesStatusExA", GetLastError());
        ENUM_SERVICE_STATUS_PROCESSA *e = (ENUM_SERVICE_STATUS_PROCESSA *)*buf;
        for (DWORD i = 0; i < returned; i++)
            if (strncmp(e[i].lpServiceName, "BenchW", 6) == 0 &&
                e[i].ServiceStatusProcess.dwCurrentState == state)
                k++;
        if (ok)
            return k;
        if (returned == 0) {
            *size = needed > *size ? needed : *size * 2;
            if ((*buf = realloc(*buf, *size)) == NULL)
                die("realloc", ERROR_NOT_ENOUGH_MEMORY);
        }
    }
}

/* Polls until all n are in `state`: the time since t0, in ms. */
static double wait_all(DWORD state, double t0)
{
    DWORD size = 64 * 1024;
    BYTE *buf = malloc(size);
    double deadline = t0 + 60e6 + 1e6 * n;

    if (buf == NULL)
        die("malloc", ERROR_NOT_ENOUGH_MEMORY);
    while (count_state(state, &buf, &size) < n) {
        if (now_us() > deadline) {
            free(buf);
            die(state == SERVICE_RUNNING ? "waiting for RUNNING" : "waiting for STOPPED",
                WAIT_TIMEOUT);
        }
        Sleep(1);
    }
    free(buf);
    return (now_us() - t0) / 1000;
}

int main(int argc, char **argv)
{
    char name[32], line[64], image[MAX_PATH + 64], sysdir[MAX_PATH];
    const char *dll;
    char *members, *p;
    double t0, *v;
    HKEY k;
    LONG lr;

    if (argc != 3 || (n = (unsigned)strtoul(argv[2], NULL, 10)) < 1 || n > 9999) {
        fprintf(stderr, "usage: versus-driver.exe DLL N (1 to 9999)\n");
        return 2;
    }
    dll = argv[1];
    QueryPerformanceFrequency(&freq);
    setvbuf(stdout, NULL, _IONBF, 0);
    if ((svc = calloc(n, sizeof *svc)) == NULL || (members = malloc((size_t)n * 12 + 2)) == NULL ||
        (v = calloc(QUERY_CALLS, sizeof *v)) == NULL)
        die("calloc", ERROR_NOT_ENOUGH_MEMORY);
    GetSystemDirectoryA(sysdir, sizeof sysdir);
    snprintf(image, sizeof image, "%s\\svchost.exe -k " GROUP, sysdir);
    if ((scm = OpenSCManagerA(NULL, NULL, SC_MANAGER_ALL_ACCESS)) == NULL)
        die("OpenSCManagerA", GetLastError());

    /* Create: the service, its ServiceDll, and the group's member list
     * (svchost.exe reads it to know the group), as sc create and reg add
     * would; the same work as CreateServiceA plus ServiceDll here. */
    p = members;
    for (unsigned i = 0; i < n; i++) {
        name_of(name, sizeof name, i);
        memcpy(p, name, strlen(name) + 1);
        p += strlen(name) + 1;
    }
    *p++ = '\0';
    t0 = now_us();
    for (unsigned i = 0; i < n; i++) {
        char key[128];
        name_of(name, sizeof name, i);
        svc[i] = CreateServiceA(scm, name, NULL, SERVICE_ALL_ACCESS, SERVICE_WIN32_SHARE_PROCESS,
                                SERVICE_DEMAND_START, SERVICE_ERROR_NORMAL, image, NULL, NULL,
                                NULL, NULL, NULL);
        if (svc[i] == NULL)
            die("CreateServiceA", GetLastError());
        snprintf(key, sizeof key, "SYSTEM\\CurrentControlSet\\Services\\%s\\Parameters", name);
        lr = RegCreateKeyExA(HKEY_LOCAL_MACHINE, key, 0, NULL, 0, KEY_SET_VALUE, NULL, &k, NULL);
        if (lr != ERROR_SUCCESS)
            die("RegCreateKeyExA", (DWORD)lr);
        lr = RegSetValueExA(k, "ServiceDll", 0, REG_EXPAND_SZ, (const BYTE *)dll,
                            (DWORD)strlen(dll) + 1);
        RegCloseKey(k);
        if (lr != ERROR_SUCCESS)
            die("RegSetValueExA(ServiceDll)", (DWORD)lr);
    }
    lr = RegCreateKeyExA(HKEY_LOCAL_MACHINE, "SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Svchost",
                         0, NULL, 0, KEY_SET_VALUE, NULL, &k, NULL);
    if (lr != ERROR_SUCCESS)
        die("RegCreateKeyExA(Svchost)", (DWORD)lr);
    lr = RegSetValueExA(k, GROUP, 0, REG_MULTI_SZ, (const BYTE *)members,
                        (DWORD)(p - members));
    RegCloseKey(k);
    if (lr != ERROR_SUCCESS)
        die("RegSetValueExA(" GROUP ")", (DWORD)lr);
    printf("create_ms %.3f\n", (now_us() - t0) / 1000);

    /* Start all, then poll until all run. */
    t0 = now_us();
    for (unsigned i = 0; i < n; i++) {
        /* Right after the prefix is made the SCM may still hold its
         * database lock (ERROR_SERVICE_DATABASE_LOCKED). */
        int tries = 0;
        while (!StartServiceA(svc[i], 0, NULL)) {
            if (GetLastError() != ERROR_SERVICE_DATABASE_LOCKED || ++tries > 600)
                die("StartServiceA", GetLastError());
            Sleep(50);
        }
    }
    printf("start_ms %.3f\n", wait_all(SERVICE_RUNNING, t0));

    /* The caller measures the hosts now. */
    printf("running\n");
    if (fgets(line, sizeof line, stdin) == NULL)
        die("reading stdin", ERROR_BROKEN_PIPE);

    SERVICE_STATUS_PROCESS sp;
    SERVICE_STATUS ss;
    DWORD needed;
    for (int i = 0; i < QUERY_WARMUP + QUERY_CALLS; i++) {
        double t = now_us();
        if (!QueryServiceStatusEx(svc[0], SC_STATUS_PROCESS_INFO, (BYTE *)&sp, sizeof sp, &needed))
            die("QueryServiceStatusEx", GetLastError());
        if (i >= QUERY_WARMUP)
            v[i - QUERY_WARMUP] = now_us() - t;
    }
    printf("query_p50_us %.3f\n", p50(v, QUERY_CALLS));
    for (int i = 0; i < INTERROGATE_WARMUP + INTERROGATE_CALLS; i++) {
        double t = now_us();
        if (!ControlService(svc[0], SERVICE_CONTROL_INTERROGATE, &ss))
            die("ControlService(INTERROGATE)", GetLastError());
        if (i >= INTERROGATE_WARMUP)
            v[i - INTERROGATE_WARMUP] = now_us() - t;
    }
    printf("interrogate_p50_us %.3f\n", p50(v, INTERROGATE_CALLS));

    t0 = now_us();
    for (unsigned i = 0; i < n; i++)
        if (!ControlService(svc[i], SERVICE_CONTROL_STOP, &ss))
            die("ControlService(STOP)", GetLastError());
    printf("stop_ms %.3f\n", wait_all(SERVICE_STOPPED, t0));

    cleanup();
    CloseServiceHandle(scm);
    printf("done\n");
    return 0;
}
