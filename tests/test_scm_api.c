/*
 * test_scm_api.c - the Win32 client API against the real scmd and svchost
 * in a temporary state directory: each SCM error through the C API, one
 * PID per group, and ten clients hammering query, start and stop at once.
 */
#include <svchost/svcctl.h>
#include <svchost/winsvc.h>

#include "proto.h"
#include "testutil.h"

#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char root[256];
static pid_t scmd_pid;
static SC_HANDLE scm;

static void run(const char *cmd)
{
    ck_assert_int_eq(system(cmd), 0);
}

static void start_scmd(void)
{
    char sock[300];

    snprintf(root, sizeof root, "%s/scmapi.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(root));
    chmod(root, 0755);   /* other users reach run/scm.sock through it */
    setenv("SVCHOST_ROOT", root, 1);
    scmd_pid = fork();
    ck_assert_int_ge(scmd_pid, 0);
    if (scmd_pid == 0) {
        char log[300];
        snprintf(log, sizeof log, "%s.log", root);
        freopen(log, "w", stderr);
        execl(TEST_BINARY_DIR "/bin/scmd", "scmd", "--root", root, "--control-timeout", "1500",
              "--stop-timeout", "2000", "--start-timeout", "2000", (char *)NULL);
        _exit(127);
    }
    snprintf(sock, sizeof sock, "%s/run/scm.sock", root);
    for (int i = 0; i < 400; i++) {
        scm = OpenSCManagerA(NULL, NULL, SC_MANAGER_ALL_ACCESS);
        if (scm != NULL)
            return;
        usleep(10000);
    }
    ck_abort_msg("scmd did not come up");
}

static void stop_scmd(void)
{
    int status;
    char cmd[300];

    if (scm)
        CloseServiceHandle(scm);
    scm = NULL;
    kill(scmd_pid, SIGTERM);
    ck_assert_int_eq(waitpid(scmd_pid, &status, 0), scmd_pid);
    ck_assert(WIFEXITED(status));
    ck_assert_int_eq(WEXITSTATUS(status), 0);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    run(cmd);
}

/* Creates a share service of GROUP running the test plugin PLUGIN. */
static SC_HANDLE create(const char *name, const char *group, const char *plugin, const char *deps)
{
    char image[128], dll[512];
    SVCHOST_SERVICE_DLL_INFO info = { dll, NULL };
    SC_HANDLE h;

    snprintf(image, sizeof image, "svchost -k %s", group);
    snprintf(dll, sizeof dll, TEST_BINARY_DIR "/tests/plugins/%s.so", plugin);
    h = CreateServiceA(scm, name, NULL, SERVICE_ALL_ACCESS, SERVICE_WIN32_SHARE_PROCESS,
                       SERVICE_DEMAND_START, SERVICE_ERROR_NORMAL, image, NULL, NULL, deps, NULL, NULL);
    ck_assert_msg(h != NULL, "CreateService %s: %u", name, GetLastError());
    ck_assert(ChangeServiceConfig2A(h, SVCHOST_CONFIG_SERVICE_DLL, &info));
    return h;
}

static DWORD state_of(SC_HANDLE h, SERVICE_STATUS_PROCESS *out)
{
    SERVICE_STATUS_PROCESS st;
    DWORD need;
    ck_assert(QueryServiceStatusEx(h, SC_STATUS_PROCESS_INFO, (LPBYTE)&st, sizeof st, &need));
    if (out)
        *out = st;
    return st.dwCurrentState;
}

static void wait_state(SC_HANDLE h, DWORD want)
{
    for (int i = 0; i < 400; i++) {
        if (state_of(h, NULL) == want)
            return;
        usleep(10000);
    }
    ck_abort_msg("state %u never reached (is %u)", want, state_of(h, NULL));
}

#define EXPECT_FAIL(call, err)                                                        \
    do {                                                                              \
        SetLastError(0);                                                              \
        ck_assert_msg(!(call), #call " succeeded");                                   \
        ck_assert_msg(GetLastError() == (DWORD)(err), #call ": %u, expected %u",      \
                      GetLastError(), (DWORD)(err));                                  \
    } while (0)

START_TEST(one_pid_per_group)
{
    SERVICE_STATUS_PROCESS a, b;
    SC_HANDLE s1 = create("One", "shared", "simple", NULL);
    SC_HANDLE s2 = create("Two", "shared", "simple", NULL);

    ck_assert(StartServiceA(s1, 0, NULL));
    ck_assert(StartServiceA(s2, 0, NULL));
    wait_state(s1, SERVICE_RUNNING);
    wait_state(s2, SERVICE_RUNNING);
    state_of(s1, &a);
    state_of(s2, &b);
    ck_assert_uint_gt(a.dwProcessId, 0);
    ck_assert_uint_eq(a.dwProcessId, b.dwProcessId);

    BYTE buf[4096];
    DWORD need, n;
    ck_assert(SvchostEnumHosts(scm, buf, sizeof buf, &need, &n));
    ck_assert_uint_eq(n, 1);
    SVCHOST_HOST_INFO *hi = (SVCHOST_HOST_INFO *)buf;
    ck_assert_uint_eq(hi->dwProcessId, a.dwProcessId);
    ck_assert_str_eq(hi->lpGroup, "shared");

    SERVICE_STATUS st;
    ck_assert(ControlService(s1, SERVICE_CONTROL_STOP, &st));
    ck_assert(ControlService(s2, SERVICE_CONTROL_STOP, &st));
    wait_state(s1, SERVICE_STOPPED);
    wait_state(s2, SERVICE_STOPPED);
    CloseServiceHandle(s1);
    CloseServiceHandle(s2);
}
END_TEST

START_TEST(errors)
{
    SERVICE_STATUS st;
    SC_HANDLE a = create("A", "g", "simple", NULL);
    SC_HANDLE hang = create("Hang", "g", "hang", NULL);

    EXPECT_FAIL(OpenServiceA(scm, "Nope", SERVICE_ALL_ACCESS), ERROR_SERVICE_DOES_NOT_EXIST);
    EXPECT_FAIL(CreateServiceA(scm, "A", NULL, SERVICE_ALL_ACCESS, SERVICE_WIN32_SHARE_PROCESS,
                               SERVICE_DEMAND_START, SERVICE_ERROR_NORMAL, "svchost -k g", NULL, NULL,
                               NULL, NULL, NULL),
                ERROR_SERVICE_EXISTS);
    EXPECT_FAIL(ControlService(a, SERVICE_CONTROL_STOP, &st), ERROR_SERVICE_NOT_ACTIVE);
    ck_assert(StartServiceA(a, 0, NULL));
    EXPECT_FAIL(StartServiceA(a, 0, NULL), ERROR_SERVICE_ALREADY_RUNNING);
    wait_state(a, SERVICE_RUNNING);

    ck_assert(StartServiceA(hang, 0, NULL));
    wait_state(hang, SERVICE_RUNNING);
    EXPECT_FAIL(ControlService(hang, SERVICE_CONTROL_PAUSE, &st), ERROR_INVALID_SERVICE_CONTROL);
    EXPECT_FAIL(ControlService(hang, 200, &st), ERROR_SERVICE_REQUEST_TIMEOUT);
    ck_assert(ControlService(a, SERVICE_CONTROL_INTERROGATE, &st));

    ck_assert(ChangeServiceConfigA(a, SERVICE_NO_CHANGE, SERVICE_DISABLED, SERVICE_NO_CHANGE, NULL,
                                   NULL, NULL, NULL, NULL, NULL, NULL));
    ck_assert(ControlService(a, SERVICE_CONTROL_STOP, &st));
    wait_state(a, SERVICE_STOPPED);
    EXPECT_FAIL(StartServiceA(a, 0, NULL), ERROR_SERVICE_DISABLED);

    SC_HANDLE ghost = create("NeedsGhost", "g", "simple", "Ghost\0");
    EXPECT_FAIL(StartServiceA(ghost, 0, NULL), ERROR_SERVICE_DEPENDENCY_DELETED);
    SC_HANDLE broken = create("Broken", "g2", "noentry", NULL);
    SC_HANDLE nb = create("NeedsBroken", "g2", "simple", "Broken\0");
    EXPECT_FAIL(StartServiceA(nb, 0, NULL), ERROR_SERVICE_DEPENDENCY_FAIL);

    SC_HANDLE base = create("Base", "g3", "simple", NULL);
    SC_HANDLE top = create("Top", "g3", "simple", "Base\0");
    ck_assert(StartServiceA(top, 0, NULL));
    wait_state(top, SERVICE_RUNNING);
    ck_assert_uint_eq(state_of(base, NULL), SERVICE_RUNNING);
    EXPECT_FAIL(ControlService(base, SERVICE_CONTROL_STOP, &st), ERROR_DEPENDENT_SERVICES_RUNNING);

    BYTE buf[4096];
    DWORD need, n;
    ck_assert(EnumDependentServicesA(base, SERVICE_STATE_ALL, (LPENUM_SERVICE_STATUSA)buf, sizeof buf,
                                     &need, &n));
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(((LPENUM_SERVICE_STATUSA)buf)->lpServiceName, "Top");

    ck_assert(DeleteService(top));
    EXPECT_FAIL(StartServiceA(top, 0, NULL), ERROR_SERVICE_MARKED_FOR_DELETE);
    EXPECT_FAIL(DeleteService(top), ERROR_SERVICE_MARKED_FOR_DELETE);
    ck_assert(ControlService(top, SERVICE_CONTROL_STOP, &st));

    char display[64];
    DWORD cch = sizeof display;
    ck_assert(GetServiceDisplayNameA(scm, "Base", display, &cch));
    ck_assert_str_eq(display, "Base");
    cch = sizeof display;
    EXPECT_FAIL(GetServiceKeyNameA(scm, "No such display", display, &cch), ERROR_SERVICE_DOES_NOT_EXIST);

    CloseServiceHandle(a);
    CloseServiceHandle(hang);
    CloseServiceHandle(ghost);
    CloseServiceHandle(broken);
    CloseServiceHandle(nb);
    CloseServiceHandle(base);
    CloseServiceHandle(top);
}
END_TEST

START_TEST(config_round_trip)
{
    SC_HANDLE h = create("Cfg", "g", "simple", "Other\0+SomeGroup\0");
    SERVICE_DESCRIPTIONA d = { (LPSTR) "A service for the test" };
    BYTE buf[4096];
    DWORD need;

    ck_assert(ChangeServiceConfig2A(h, SERVICE_CONFIG_DESCRIPTION, &d));
    ck_assert(QueryServiceConfigA(h, (LPQUERY_SERVICE_CONFIGA)buf, sizeof buf, &need));
    LPQUERY_SERVICE_CONFIGA c = (LPQUERY_SERVICE_CONFIGA)buf;
    ck_assert_uint_eq(c->dwServiceType, SERVICE_WIN32_SHARE_PROCESS);
    ck_assert_uint_eq(c->dwStartType, SERVICE_DEMAND_START);
    ck_assert_str_eq(c->lpBinaryPathName, "svchost -k g");
    ck_assert_str_eq(c->lpDependencies, "Other");
    ck_assert_str_eq(c->lpDependencies + 6, "+SomeGroup");
    ck_assert(QueryServiceConfig2A(h, SERVICE_CONFIG_DESCRIPTION, buf, sizeof buf, &need));
    ck_assert_str_eq(((LPSERVICE_DESCRIPTIONA)buf)->lpDescription, "A service for the test");
    CloseServiceHandle(h);

    /* The database survives a restart of scmd. */
    int status;
    CloseServiceHandle(scm);
    kill(scmd_pid, SIGTERM);
    waitpid(scmd_pid, &status, 0);
    scmd_pid = fork();
    if (scmd_pid == 0) {
        freopen("/dev/null", "w", stderr);
        execl(TEST_BINARY_DIR "/bin/scmd", "scmd", "--root", root, (char *)NULL);
        _exit(127);
    }
    scm = NULL;
    for (int i = 0; i < 400 && scm == NULL; i++) {
        scm = OpenSCManagerA(NULL, NULL, SC_MANAGER_ALL_ACCESS);
        if (scm == NULL)
            usleep(10000);
    }
    ck_assert_ptr_nonnull(scm);
    h = OpenServiceA(scm, "Cfg", SERVICE_QUERY_CONFIG);
    ck_assert_ptr_nonnull(h);
    ck_assert(QueryServiceConfig2A(h, SERVICE_CONFIG_DESCRIPTION, buf, sizeof buf, &need));
    ck_assert_str_eq(((LPSERVICE_DESCRIPTIONA)buf)->lpDescription, "A service for the test");
    CloseServiceHandle(h);
}
END_TEST

/* SvchostCreateService: the plugin, its parameters and the delayed start
 * in the one request; a parameter the file cannot hold installs nothing. */
START_TEST(create_in_one_step)
{
    char dll[512];
    LPCSTR params[] = { "Port=7007", "Banner=hello there", NULL };
    SVCHOST_CREATE_INFO info = { dll, "NotServiceMain", params, TRUE };
    LPCSTR bad[] = { "Port=1", "[NoKey=2", NULL };
    SVCHOST_CREATE_INFO bad_info = { dll, NULL, bad, FALSE };
    LPCSTR noeq[] = { "JustAKey", NULL };
    SVCHOST_CREATE_INFO noeq_info = { dll, NULL, noeq, FALSE };
    BYTE buf[4096];
    DWORD need;
    SC_HANDLE h;

    snprintf(dll, sizeof dll, TEST_BINARY_DIR "/tests/plugins/noentry.so");
    h = SvchostCreateService(scm, "Whole", NULL, SERVICE_ALL_ACCESS, SERVICE_WIN32_SHARE_PROCESS,
                             SERVICE_AUTO_START, SERVICE_ERROR_NORMAL, "svchost -k g", NULL, NULL,
                             NULL, NULL, NULL, &info);
    ck_assert_msg(h != NULL, "SvchostCreateService: %u", GetLastError());
    ck_assert(QueryServiceConfig2A(h, SVCHOST_CONFIG_SERVICE_DLL, buf, sizeof buf, &need));
    ck_assert_str_eq(((SVCHOST_SERVICE_DLL_INFO *)buf)->lpServiceDll, dll);
    ck_assert_str_eq(((SVCHOST_SERVICE_DLL_INFO *)buf)->lpServiceMain, "NotServiceMain");
    ck_assert(QueryServiceConfig2A(h, SVCHOST_CONFIG_PARAMETERS, buf, sizeof buf, &need));
    {
        const char *p = ((SVCHOST_PARAMETERS_INFO *)buf)->lpParameters;
        ck_assert_str_eq(p, "Port=7007");
        ck_assert_str_eq(p + strlen(p) + 1, "Banner=hello there");
    }
    ck_assert(QueryServiceConfig2A(h, SERVICE_CONFIG_DELAYED_AUTO_START_INFO, buf, sizeof buf, &need));
    ck_assert(((SERVICE_DELAYED_AUTO_START_INFO *)buf)->fDelayedAutostart);
    /* It runs: the entry point and the plugin came with the create. */
    ck_assert(StartServiceA(h, 0, NULL));
    wait_state(h, SERVICE_RUNNING);
    ck_assert(ControlService(h, SERVICE_CONTROL_STOP, (LPSERVICE_STATUS)buf));
    wait_state(h, SERVICE_STOPPED);
    CloseServiceHandle(h);

    SetLastError(0);
    ck_assert_ptr_null(SvchostCreateService(scm, "Torn", NULL, SERVICE_ALL_ACCESS,
                                            SERVICE_WIN32_SHARE_PROCESS, SERVICE_DEMAND_START,
                                            SERVICE_ERROR_NORMAL, "svchost -k g", NULL, NULL, NULL,
                                            NULL, NULL, &bad_info));
    ck_assert_uint_eq(GetLastError(), ERROR_INVALID_PARAMETER);
    SetLastError(0);
    ck_assert_ptr_null(SvchostCreateService(scm, "Torn", NULL, SERVICE_ALL_ACCESS,
                                            SERVICE_WIN32_SHARE_PROCESS, SERVICE_DEMAND_START,
                                            SERVICE_ERROR_NORMAL, "svchost -k g", NULL, NULL, NULL,
                                            NULL, NULL, &noeq_info));
    ck_assert_uint_eq(GetLastError(), ERROR_INVALID_PARAMETER);
    EXPECT_FAIL(OpenServiceA(scm, "Torn", SERVICE_QUERY_STATUS), ERROR_SERVICE_DOES_NOT_EXIST);
}
END_TEST

/* The Config2 levels kept without effect yet: TRIGGER_INFO,
 * PREFERRED_NODE and LAUNCH_PROTECTED stored in the service's file;
 * Windows' buffer rules (122 and the size needed) for each; the reserved
 * levels 10 and 11 are still 124. */
START_TEST(config2_other_levels)
{
    SC_HANDLE h = create("Levels", "gl", "simple", NULL);
    SERVICE_PREFERRED_NODE_INFO node = { 2, FALSE };
    SERVICE_LAUNCH_PROTECTED_INFO lp = { SERVICE_LAUNCH_PROTECTED_WINDOWS_LIGHT };
    GUID sub = { 0x1ce20aba, 0x9851, 0x4421, { 0x94, 0x30, 0x1d, 0xde, 0xb7, 0x66, 0xe8, 0x09 } };
    BYTE port[] = { 'T', 'C', 'P', 0, '8', '0', 0 };
    SERVICE_TRIGGER_SPECIFIC_DATA_ITEM items[] = { { 2, sizeof port, port }, { 1, 0, NULL } };
    SERVICE_TRIGGER triggers[] = { { 4, 1, &sub, 2, items }, { 3, 2, NULL, 0, NULL } };
    SERVICE_TRIGGER bad = { 8, 1, NULL, 0, NULL };
    SERVICE_TRIGGER_INFO none = { 0, NULL, NULL }, two = { 2, triggers, NULL };
    SERVICE_TRIGGER_INFO wrong = { 1, &bad, NULL }, null_array = { 1, NULL, NULL };
    BYTE big[1024];
    BYTE buf[256];
    DWORD need = 0;
    char path[600], text[4096];
    FILE *f;
    size_t n;

    /* Nothing set yet. */
    ck_assert(QueryServiceConfig2A(h, SERVICE_CONFIG_PREFERRED_NODE, buf, sizeof buf, &need));
    ck_assert_uint_eq(need, sizeof(SERVICE_PREFERRED_NODE_INFO));
    ck_assert(((SERVICE_PREFERRED_NODE_INFO *)buf)->fDelete);
    ck_assert(QueryServiceConfig2A(h, SERVICE_CONFIG_LAUNCH_PROTECTED, buf, sizeof buf, &need));
    ck_assert_uint_eq(((SERVICE_LAUNCH_PROTECTED_INFO *)buf)->dwLaunchProtected, SERVICE_LAUNCH_PROTECTED_NONE);
    ck_assert(QueryServiceConfig2A(h, SERVICE_CONFIG_TRIGGER_INFO, buf, sizeof buf, &need));
    ck_assert_uint_eq(need, sizeof(SERVICE_TRIGGER_INFO));
    ck_assert_uint_eq(((SERVICE_TRIGGER_INFO *)buf)->cTriggers, 0);

    ck_assert(ChangeServiceConfig2A(h, SERVICE_CONFIG_PREFERRED_NODE, &node));
    ck_assert(ChangeServiceConfig2A(h, SERVICE_CONFIG_LAUNCH_PROTECTED, &lp));
    ck_assert(ChangeServiceConfig2A(h, SERVICE_CONFIG_TRIGGER_INFO, &none));
    ck_assert(ChangeServiceConfig2A(h, SERVICE_CONFIG_TRIGGER_INFO, &two));
    EXPECT_FAIL(ChangeServiceConfig2A(h, SERVICE_CONFIG_TRIGGER_INFO, &wrong), ERROR_INVALID_PARAMETER);
    EXPECT_FAIL(ChangeServiceConfig2A(h, SERVICE_CONFIG_TRIGGER_INFO, &null_array),
                ERROR_INVALID_PARAMETER);
    /* Read back as Windows lays it out: the structures, then what they
     * point to, all inside the buffer. */
    need = 0;
    EXPECT_FAIL(QueryServiceConfig2A(h, SERVICE_CONFIG_TRIGGER_INFO, big, sizeof(SERVICE_TRIGGER_INFO),
                                     &need),
                ERROR_INSUFFICIENT_BUFFER);
    ck_assert_uint_eq(need, sizeof(SERVICE_TRIGGER_INFO) + 2 * sizeof(SERVICE_TRIGGER) +
                                2 * sizeof(SERVICE_TRIGGER_SPECIFIC_DATA_ITEM) + sizeof(GUID) +
                                sizeof port);
    ck_assert(QueryServiceConfig2A(h, SERVICE_CONFIG_TRIGGER_INFO, big, need, &need));
    {
        SERVICE_TRIGGER_INFO *ti = (SERVICE_TRIGGER_INFO *)big;
        SERVICE_TRIGGER *t0 = &ti->pTriggers[0], *t1 = &ti->pTriggers[1];

        ck_assert_uint_eq(ti->cTriggers, 2);
        ck_assert_ptr_null(ti->pReserved);
        ck_assert_uint_eq(t0->dwTriggerType, 4);
        ck_assert_uint_eq(t0->dwAction, 1);
        ck_assert_ptr_nonnull(t0->pTriggerSubtype);
        ck_assert_int_eq(memcmp(t0->pTriggerSubtype, &sub, sizeof sub), 0);
        ck_assert_uint_eq(t0->cDataItems, 2);
        ck_assert_uint_eq(t0->pDataItems[0].dwDataType, 2);
        ck_assert_uint_eq(t0->pDataItems[0].cbData, sizeof port);
        ck_assert_int_eq(memcmp(t0->pDataItems[0].pData, port, sizeof port), 0);
        ck_assert_uint_eq(t0->pDataItems[1].cbData, 0);
        ck_assert_ptr_null(t0->pDataItems[1].pData);
        ck_assert_uint_eq(t1->dwTriggerType, 3);
        ck_assert_uint_eq(t1->dwAction, 2);
        ck_assert_ptr_null(t1->pTriggerSubtype);
        ck_assert_ptr_null(t1->pDataItems);
        ck_assert((BYTE *)t0->pDataItems[0].pData + sizeof port <= big + need);
    }
    lp.dwLaunchProtected = 4;
    EXPECT_FAIL(ChangeServiceConfig2A(h, SERVICE_CONFIG_LAUNCH_PROTECTED, &lp), ERROR_INVALID_PARAMETER);
    EXPECT_FAIL(ChangeServiceConfig2A(h, 10, &none), ERROR_INVALID_LEVEL);
    EXPECT_FAIL(QueryServiceConfig2A(h, 11, buf, sizeof buf, &need), ERROR_INVALID_LEVEL);

    ck_assert(QueryServiceConfig2A(h, SERVICE_CONFIG_PREFERRED_NODE, buf, sizeof buf, &need));
    ck_assert_uint_eq(((SERVICE_PREFERRED_NODE_INFO *)buf)->usPreferredNode, 2);
    ck_assert(!((SERVICE_PREFERRED_NODE_INFO *)buf)->fDelete);
    ck_assert(QueryServiceConfig2A(h, SERVICE_CONFIG_LAUNCH_PROTECTED, buf, sizeof buf, &need));
    ck_assert_uint_eq(((SERVICE_LAUNCH_PROTECTED_INFO *)buf)->dwLaunchProtected,
                      SERVICE_LAUNCH_PROTECTED_WINDOWS_LIGHT);
    /* Buffer rules: too small is 122 with the size needed. */
    need = 0;
    EXPECT_FAIL(QueryServiceConfig2A(h, SERVICE_CONFIG_PREFERRED_NODE, buf, 1, &need),
                ERROR_INSUFFICIENT_BUFFER);
    ck_assert_uint_eq(need, sizeof(SERVICE_PREFERRED_NODE_INFO));
    EXPECT_FAIL(QueryServiceConfig2A(h, SERVICE_CONFIG_LAUNCH_PROTECTED, NULL, 0, &need),
                ERROR_INSUFFICIENT_BUFFER);
    ck_assert_uint_eq(need, sizeof(SERVICE_LAUNCH_PROTECTED_INFO));

    /* Kept in the service's file. */
    snprintf(path, sizeof path, "%s/config/services/Levels.ini", root);
    f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    ck_assert_ptr_nonnull(strstr(text, "\nPreferredNode = 2\n"));
    ck_assert_ptr_nonnull(strstr(text, "\nLaunchProtected = 2\n"));
    /* One word a trigger, wrapped as lists are. */
    ck_assert_ptr_nonnull(strstr(text, "\nTriggers = 4:1:{1CE20ABA-9851-4421-9430-1DDEB766E809}:"
                                       "2=54435000383000:1=,\n           3:2:-\n"));
    /* cTriggers 0 removes them. */
    ck_assert(ChangeServiceConfig2A(h, SERVICE_CONFIG_TRIGGER_INFO, &none));
    ck_assert(QueryServiceConfig2A(h, SERVICE_CONFIG_TRIGGER_INFO, buf, sizeof buf, &need));
    ck_assert_uint_eq(((SERVICE_TRIGGER_INFO *)buf)->cTriggers, 0);
    ck_assert_ptr_null(((SERVICE_TRIGGER_INFO *)buf)->pTriggers);
    /* fDelete removes the preferred node. */
    node.fDelete = TRUE;
    ck_assert(ChangeServiceConfig2A(h, SERVICE_CONFIG_PREFERRED_NODE, &node));
    ck_assert(QueryServiceConfig2A(h, SERVICE_CONFIG_PREFERRED_NODE, buf, sizeof buf, &need));
    ck_assert(((SERVICE_PREFERRED_NODE_INFO *)buf)->fDelete);
    ck_assert(DeleteService(h));
    CloseServiceHandle(h);
}
END_TEST

/* 1 once OpenService of name fails with 1060, within about 4 s. */
static int gone_soon(const char *name)
{
    for (int i = 0; i < 400; i++) {
        SC_HANDLE h = OpenServiceA(scm, name, SERVICE_QUERY_STATUS);
        if (h == NULL)
            return GetLastError() == ERROR_SERVICE_DOES_NOT_EXIST;
        CloseServiceHandle(h);
        usleep(10000);
    }
    return 0;
}

/* DeleteService as Windows has it: the service stays, queryable, while a
 * handle to it is open; StartService and CreateService of its name fail
 * with 1072; it goes when the last handle closes and it is stopped. */
START_TEST(delete_waits_for_handles)
{
    SC_HANDLE h1 = create("Doomed", "gd", "simple", NULL);
    SC_HANDLE h2 = OpenServiceA(scm, "Doomed", SERVICE_ALL_ACCESS), h3;
    SERVICE_STATUS st;
    BYTE buf[4096];
    DWORD need;
    char path[600];

    ck_assert_ptr_nonnull(h2);
    ck_assert(DeleteService(h1));
    /* Still there: its status and configuration, on either handle. */
    ck_assert(QueryServiceStatus(h2, &st));
    ck_assert_uint_eq(st.dwCurrentState, SERVICE_STOPPED);
    ck_assert(QueryServiceConfigA(h1, (LPQUERY_SERVICE_CONFIGA)buf, sizeof buf, &need));
    ck_assert_str_eq(((LPQUERY_SERVICE_CONFIGA)buf)->lpBinaryPathName, "svchost -k gd");
    EXPECT_FAIL(StartServiceA(h2, 0, NULL), ERROR_SERVICE_MARKED_FOR_DELETE);
    EXPECT_FAIL(DeleteService(h2), ERROR_SERVICE_MARKED_FOR_DELETE);
    EXPECT_FAIL(CreateServiceA(scm, "Doomed", NULL, SERVICE_ALL_ACCESS, SERVICE_WIN32_OWN_PROCESS,
                               SERVICE_DEMAND_START, SERVICE_ERROR_NORMAL, "/bin/true", NULL, NULL,
                               NULL, NULL, NULL),
                ERROR_SERVICE_MARKED_FOR_DELETE);
    /* Opening it is still allowed, as on Windows. */
    h3 = OpenServiceA(scm, "doomed", SERVICE_QUERY_STATUS);
    ck_assert_ptr_nonnull(h3);
    ck_assert(CloseServiceHandle(h3));
    ck_assert(CloseServiceHandle(h1));
    ck_assert(QueryServiceStatus(h2, &st));
    snprintf(path, sizeof path, "%s/config/services/Doomed.ini", root);
    ck_assert_int_eq(access(path, F_OK), 0);
    /* The last handle: gone, file and all; the name is free again. */
    ck_assert(CloseServiceHandle(h2));
    EXPECT_FAIL(OpenServiceA(scm, "Doomed", SERVICE_QUERY_STATUS), ERROR_SERVICE_DOES_NOT_EXIST);
    ck_assert_int_ne(access(path, F_OK), 0);
    h1 = create("Doomed", "gd", "simple", NULL);
    ck_assert(DeleteService(h1));
    ck_assert(CloseServiceHandle(h1));

    /* Running: it stays after its last handle closed, until it stops. */
    h1 = create("Busy", "gd", "simple", NULL);
    ck_assert(StartServiceA(h1, 0, NULL));
    wait_state(h1, SERVICE_RUNNING);
    ck_assert(DeleteService(h1));
    ck_assert(CloseServiceHandle(h1));
    h2 = OpenServiceA(scm, "Busy", SERVICE_ALL_ACCESS);
    ck_assert_ptr_nonnull(h2);
    ck_assert_uint_eq(state_of(h2, NULL), SERVICE_RUNNING);
    ck_assert(ControlService(h2, SERVICE_CONTROL_STOP, &st));
    wait_state(h2, SERVICE_STOPPED);
    /* Stopped, but h2 is open. */
    ck_assert(QueryServiceStatus(h2, &st));
    ck_assert(CloseServiceHandle(h2));
    ck_assert(gone_soon("Busy"));
}
END_TEST

/* A client that ends without closing its handles: its connection's
 * handles are released, and a service deleted meanwhile goes. */
START_TEST(delete_after_client_exits)
{
    SC_HANDLE h = create("Held", "gh", "simple", NULL);
    int to_child[2], to_parent[2];
    char c = 0;
    pid_t pid;

    ck_assert_int_eq(pipe(to_child), 0);
    ck_assert_int_eq(pipe(to_parent), 0);
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        SC_HANDLE m = OpenSCManagerA(NULL, NULL, SC_MANAGER_CONNECT);
        SC_HANDLE held = m ? OpenServiceA(m, "Held", SERVICE_QUERY_STATUS) : NULL;

        c = held != NULL ? 'y' : 'n';
        if (write(to_parent[1], &c, 1) != 1 || read(to_child[0], &c, 1) != 1)
            _exit(2);
        _exit(0);       /* without CloseServiceHandle */
    }
    ck_assert_int_eq(read(to_parent[0], &c, 1), 1);
    ck_assert_int_eq(c, 'y');
    ck_assert(DeleteService(h));
    ck_assert(CloseServiceHandle(h));
    /* The child's handle keeps it. */
    usleep(100000);
    h = OpenServiceA(scm, "Held", SERVICE_QUERY_STATUS);
    ck_assert_msg(h != NULL, "Held went while a handle was open: %u", GetLastError());
    ck_assert(CloseServiceHandle(h));
    ck_assert_int_eq(write(to_child[1], &c, 1), 1);
    ck_assert_int_eq(waitpid(pid, NULL, 0), pid);
    ck_assert(gone_soon("Held"));
    close(to_child[0]);
    close(to_child[1]);
    close(to_parent[0]);
    close(to_parent[1]);
}
END_TEST

static void query_failure(SC_HANDLE h, BYTE *buf, DWORD size)
{
    DWORD need;

    ck_assert_msg(QueryServiceConfig2A(h, SERVICE_CONFIG_FAILURE_ACTIONS, buf, size, &need),
                  "QueryServiceConfig2 FAILURE_ACTIONS: %u", GetLastError());
}

/* The Config2 levels of recovery, delayed start and preshutdown through
 * the real scmd: defaults, each change, what is kept, what is refused,
 * and the service file they are stored in. */
START_TEST(failure_actions_stored)
{
    SC_HANDLE h = create("Fail", "g", "simple", NULL);
    SC_ACTION acts[9] = {{SC_ACTION_RESTART, 60000}, {SC_ACTION_RUN_COMMAND, 1000},
                         {SC_ACTION_REBOOT, 0}, {SC_ACTION_NONE, 5}};
    SERVICE_FAILURE_ACTIONSA fa = {86400, "Fail failed", "/bin/echo %1%", 4, acts}, *got;
    SERVICE_FAILURE_ACTIONS_FLAG ff = {TRUE};
    SERVICE_PRESHUTDOWN_INFO ps = {180000};
    SERVICE_DELAYED_AUTO_START_INFO da = {TRUE};
    BYTE buf[1024];
    DWORD need;
    char path[400], *text = NULL;
    size_t len = 0;
    FILE *f;

    /* The defaults: no actions, reset 0, Windows' 10 s preshutdown. */
    got = (LPSERVICE_FAILURE_ACTIONSA)buf;
    query_failure(h, buf, sizeof buf);
    ck_assert_uint_eq(got->dwResetPeriod, 0);
    ck_assert_uint_eq(got->cActions, 0);
    ck_assert_ptr_null(got->lpsaActions);
    ck_assert_ptr_null(got->lpCommand);
    ck_assert_ptr_null(got->lpRebootMsg);
    ck_assert(QueryServiceConfig2A(h, SERVICE_CONFIG_PRESHUTDOWN_INFO, buf, sizeof buf, &need));
    ck_assert_uint_eq(((LPSERVICE_PRESHUTDOWN_INFO)buf)->dwPreshutdownTimeout, 10000);
    ck_assert(QueryServiceConfig2A(h, SERVICE_CONFIG_DELAYED_AUTO_START_INFO, buf, sizeof buf,
                                   &need));
    ck_assert_int_eq(((LPSERVICE_DELAYED_AUTO_START_INFO)buf)->fDelayedAutostart, FALSE);
    ck_assert(QueryServiceConfig2A(h, SERVICE_CONFIG_FAILURE_ACTIONS_FLAG, buf, sizeof buf, &need));
    ck_assert_int_eq(((LPSERVICE_FAILURE_ACTIONS_FLAG)buf)->fFailureActionsOnNonCrashFailures,
                     FALSE);

    ck_assert(ChangeServiceConfig2A(h, SERVICE_CONFIG_FAILURE_ACTIONS, &fa));
    ck_assert(ChangeServiceConfig2A(h, SERVICE_CONFIG_FAILURE_ACTIONS_FLAG, &ff));
    ck_assert(ChangeServiceConfig2A(h, SERVICE_CONFIG_PRESHUTDOWN_INFO, &ps));
    ck_assert(ChangeServiceConfig2A(h, SERVICE_CONFIG_DELAYED_AUTO_START_INFO, &da));
    /* A ChangeServiceConfig of something else keeps them all. */
    ck_assert(ChangeServiceConfigA(h, SERVICE_NO_CHANGE, SERVICE_AUTO_START, SERVICE_NO_CHANGE,
                                   NULL, NULL, NULL, NULL, NULL, NULL, NULL));
    query_failure(h, buf, sizeof buf);
    ck_assert_uint_eq(got->dwResetPeriod, 86400);
    ck_assert_str_eq(got->lpRebootMsg, "Fail failed");
    ck_assert_str_eq(got->lpCommand, "/bin/echo %1%");
    ck_assert_uint_eq(got->cActions, 4);
    for (int i = 0; i < 4; i++) {
        ck_assert_int_eq(got->lpsaActions[i].Type, acts[i].Type);
        ck_assert_uint_eq(got->lpsaActions[i].Delay, acts[i].Delay);
    }
    ck_assert(QueryServiceConfig2A(h, SERVICE_CONFIG_PRESHUTDOWN_INFO, buf, sizeof buf, &need));
    ck_assert_uint_eq(((LPSERVICE_PRESHUTDOWN_INFO)buf)->dwPreshutdownTimeout, 180000);
    ck_assert(QueryServiceConfig2A(h, SERVICE_CONFIG_DELAYED_AUTO_START_INFO, buf, sizeof buf,
                                   &need));
    ck_assert_int_eq(((LPSERVICE_DELAYED_AUTO_START_INFO)buf)->fDelayedAutostart, TRUE);
    ck_assert(QueryServiceConfig2A(h, SERVICE_CONFIG_FAILURE_ACTIONS_FLAG, buf, sizeof buf, &need));
    ck_assert_int_eq(((LPSERVICE_FAILURE_ACTIONS_FLAG)buf)->fFailureActionsOnNonCrashFailures,
                     TRUE);

    /* Stored in the service's file, as its keys. */
    snprintf(path, sizeof path, "%s/config/services/Fail.ini", root);
    f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_gt(getdelim(&text, &len, '\0', f), 0);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(text, "\nFailureResetPeriod = 86400\n"
                                       "FailureActions = restart/60000/run/1000/reboot/0/none/5\n"
                                       "FailureCommand = /bin/echo %1%\n"
                                       "RebootMessage = Fail failed\n"
                                       "FailureActionsOnNonCrashFailures = 1\n"
                                       "PreshutdownTimeoutMs = 180000\n"
                                       "DelayedAutostart = 1\n"));

    /* Refused, and nothing changes: an action type of 4, nine actions
     * (a service file holds eight), a command inih would cut at ';'. */
    acts[1].Type = (SC_ACTION_TYPE)4;
    EXPECT_FAIL(ChangeServiceConfig2A(h, SERVICE_CONFIG_FAILURE_ACTIONS, &fa),
                ERROR_INVALID_PARAMETER);
    acts[1].Type = SC_ACTION_RUN_COMMAND;
    fa.cActions = 9;
    EXPECT_FAIL(ChangeServiceConfig2A(h, SERVICE_CONFIG_FAILURE_ACTIONS, &fa),
                ERROR_INVALID_PARAMETER);
    fa.cActions = 4;
    fa.lpCommand = "/bin/echo a ; reboot";
    EXPECT_FAIL(ChangeServiceConfig2A(h, SERVICE_CONFIG_FAILURE_ACTIONS, &fa),
                ERROR_INVALID_PARAMETER);
    query_failure(h, buf, sizeof buf);
    ck_assert_uint_eq(got->cActions, 4);
    ck_assert_int_eq(got->lpsaActions[1].Type, SC_ACTION_RUN_COMMAND);
    ck_assert_str_eq(got->lpCommand, "/bin/echo %1%");

    /* A restart action on a handle without SERVICE_START: 5. */
    {
        SC_HANDLE nostart = OpenServiceA(scm, "Fail", SERVICE_CHANGE_CONFIG | SERVICE_QUERY_CONFIG);

        ck_assert_ptr_nonnull(nostart);
        fa.lpCommand = NULL;
        EXPECT_FAIL(ChangeServiceConfig2A(nostart, SERVICE_CONFIG_FAILURE_ACTIONS, &fa),
                    ERROR_ACCESS_DENIED);
        CloseServiceHandle(nostart);
    }

    /* NULL keeps, "" deletes; cActions 0 deletes the actions and the reset. */
    fa.lpsaActions = NULL;
    fa.lpRebootMsg = "";
    fa.lpCommand = NULL;
    ck_assert(ChangeServiceConfig2A(h, SERVICE_CONFIG_FAILURE_ACTIONS, &fa));
    query_failure(h, buf, sizeof buf);
    ck_assert_uint_eq(got->cActions, 4);
    ck_assert_uint_eq(got->dwResetPeriod, 86400);
    ck_assert_ptr_null(got->lpRebootMsg);
    ck_assert_str_eq(got->lpCommand, "/bin/echo %1%");
    fa.lpsaActions = acts;
    fa.cActions = 0;
    fa.lpCommand = "";
    ck_assert(ChangeServiceConfig2A(h, SERVICE_CONFIG_FAILURE_ACTIONS, &fa));
    query_failure(h, buf, sizeof buf);
    ck_assert_uint_eq(got->cActions, 0);
    ck_assert_ptr_null(got->lpsaActions);
    ck_assert_uint_eq(got->dwResetPeriod, 0);
    ck_assert_ptr_null(got->lpCommand);
    free(text);
    CloseServiceHandle(h);
}
END_TEST

START_TEST(more_errors)
{
    SERVICE_STATUS st;
    SC_HANDLE slow = create("Slow", "s", "slowstart", NULL);
    SVCHOST_PARAMETER_INFO p1 = { (LPSTR) "StepMs", (LPSTR) "300" };

    ck_assert(ChangeServiceConfig2A(slow, SVCHOST_CONFIG_PARAMETER, &p1));
    ck_assert(StartServiceA(slow, 0, NULL));
    EXPECT_FAIL(ControlService(slow, SERVICE_CONTROL_STOP, &st), ERROR_SERVICE_CANNOT_ACCEPT_CTRL);
    wait_state(slow, SERVICE_RUNNING);

    /* A -> B -> A would be a cycle. */
    SC_HANDLE a = create("CycA", "s", "simple", NULL);
    SC_HANDLE b = create("CycB", "s", "simple", "CycA\0");
    EXPECT_FAIL(ChangeServiceConfigA(a, SERVICE_NO_CHANGE, SERVICE_NO_CHANGE, SERVICE_NO_CHANGE, NULL,
                                     NULL, NULL, "CycB\0", NULL, NULL, NULL),
                ERROR_CIRCULAR_DEPENDENCY);

    /* A program that never connects: StartService times out (7009). */
    SC_HANDLE sleeper = CreateServiceA(scm, "Sleeper", NULL, SERVICE_ALL_ACCESS,
                                       SERVICE_WIN32_OWN_PROCESS, SERVICE_DEMAND_START,
                                       SERVICE_ERROR_NORMAL, "/bin/sleep 30", NULL, NULL, NULL,
                                       NULL, NULL);
    ck_assert_ptr_nonnull(sleeper);
    EXPECT_FAIL(StartServiceA(sleeper, 0, NULL), ERROR_SERVICE_REQUEST_TIMEOUT);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "grep -q ' 7009 Sleeper ' '%s/log/events.log'", root);
    run(cmd);

    /* Any other user may query but not control. */
    pid_t child = fork();
    if (child == 0) {
        int ok = setgid(65534) == 0 && setuid(65534) == 0;
        SC_HANDLE m = ok ? OpenSCManagerA(NULL, NULL, SC_MANAGER_CONNECT) : NULL;
        SC_HANDLE h = m ? OpenServiceA(m, "Slow", SERVICE_QUERY_STATUS) : NULL;
        SERVICE_STATUS s2;
        if (h == NULL || !QueryServiceStatus(h, &s2) || s2.dwCurrentState != SERVICE_RUNNING)
            _exit(2);
        if (OpenServiceA(m, "Slow", SERVICE_STOP) != NULL || GetLastError() != ERROR_ACCESS_DENIED)
            _exit(3);
        if (OpenSCManagerA(NULL, NULL, SC_MANAGER_CREATE_SERVICE) != NULL ||
            GetLastError() != ERROR_ACCESS_DENIED)
            _exit(4);
        _exit(0);
    }
    int status;
    waitpid(child, &status, 0);
    ck_assert_int_eq(WEXITSTATUS(status), 0);

    CloseServiceHandle(slow);
    CloseServiceHandle(a);
    CloseServiceHandle(b);
    CloseServiceHandle(sleeper);
}
END_TEST

/* Garbage or an oversized frame closes that one connection; scmd and
 * its other clients carry on. */
START_TEST(garbage_closes_one_connection)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    /* The version byte is this build's, so that only what follows it
     * is wrong. */
    const unsigned char junk[][16] = {
        "this is no frame",
        /* a valid header announcing 512 MiB */
        { 0x53, 0x56, SVC_PROTO_VERSION, 0, 16, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0x20 },
        /* a known type with a payload that does not decode */
        { 0x53, 0x56, SVC_PROTO_VERSION, 0, 21, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0 },
    };

    ck_assert_uint_lt(strlen(root) + 13, sizeof sa.sun_path);
    memcpy(sa.sun_path, root, strlen(root));
    memcpy(sa.sun_path + strlen(root), "/run/scm.sock", 14);
    for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++) {
        int fd = socket(AF_UNIX, SOCK_STREAM, 0);
        char buf[64];
        ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
        ck_assert_int_eq(write(fd, junk[i], 16), 16);
        if (i == 2)
            ck_assert_int_eq(write(fd, "\xff\xff", 2), 2);
        /* The connection is closed without a reply. */
        ck_assert_int_eq(read(fd, buf, sizeof buf), 0);
        close(fd);
    }
    SC_HANDLE h = create("StillThere", "x", "simple", NULL);
    SERVICE_STATUS st;
    ck_assert(QueryServiceStatus(h, &st));
    CloseServiceHandle(h);
}
END_TEST

/* scmd tells a service manager it is ready (sd_notify's READY=1) once
 * its socket accepts. */
START_TEST(notifies_ready)
{
    char dir[] = "/tmp/scmnotify.XXXXXX", sock[128], buf[64];
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd, status;
    pid_t pid;

    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(sock, sizeof sock, "%s/notify", dir);
    memcpy(sa.sun_path, sock, strlen(sock) + 1);
    fd = socket(AF_UNIX, SOCK_DGRAM, 0);
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    pid = fork();
    if (pid == 0) {
        freopen("/dev/null", "w", stderr);
        setenv("NOTIFY_SOCKET", sock, 1);
        execl(TEST_BINARY_DIR "/bin/scmd", "scmd", "--root", dir, (char *)NULL);
        _exit(127);
    }
    struct timeval tv = { 10, 0 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ssize_t n = recv(fd, buf, sizeof buf - 1, 0);
    ck_assert_int_gt(n, 0);
    buf[n] = '\0';
    ck_assert_str_eq(buf, "READY=1");
    /* By then the client socket accepts. */
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s/run/scm.sock", dir);
    int c = socket(AF_UNIX, SOCK_STREAM, 0);
    ck_assert_int_eq(connect(c, (struct sockaddr *)&sa, sizeof sa), 0);
    close(c);
    close(fd);
    kill(pid, SIGTERM);
    waitpid(pid, &status, 0);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    snprintf(buf, sizeof buf, "rm -rf %s", dir);
    run(buf);
}
END_TEST

/* ---- ten concurrent clients ---------------------------------------------- */

struct hammer {
    int seed;
    unsigned ops;
    DWORD bad;     /* first error that is not a legitimate state error */
};

static int legitimate(DWORD err)
{
    return err == ERROR_SERVICE_ALREADY_RUNNING || err == ERROR_SERVICE_NOT_ACTIVE ||
           err == ERROR_SERVICE_CANNOT_ACCEPT_CTRL;
}

static void *hammer_thread(void *p)
{
    struct hammer *hm = p;
    static const char *names[] = { "H1", "H2", "H3" };
    unsigned seed = (unsigned)hm->seed;
    SC_HANDLE m = OpenSCManagerA(NULL, NULL, SC_MANAGER_ALL_ACCESS);
    SC_HANDLE s[3];
    struct timespec t0, t;

    if (m == NULL) {
        hm->bad = GetLastError();
        return NULL;
    }
    for (int i = 0; i < 3; i++)
        s[i] = OpenServiceA(m, names[i], SERVICE_ALL_ACCESS);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    do {
        SC_HANDLE h = s[rand_r(&seed) % 3];
        SERVICE_STATUS st;
        SERVICE_STATUS_PROCESS sp;
        DWORD need;
        BOOL ok;
        switch (rand_r(&seed) % 4) {
        case 0: ok = StartServiceA(h, 0, NULL); break;
        case 1: ok = ControlService(h, SERVICE_CONTROL_STOP, &st); break;
        case 2: ok = QueryServiceStatus(h, &st); break;
        default: ok = QueryServiceStatusEx(h, SC_STATUS_PROCESS_INFO, (LPBYTE)&sp, sizeof sp, &need); break;
        }
        if (!ok && !legitimate(GetLastError()) && hm->bad == 0)
            hm->bad = GetLastError();
        hm->ops++;
        clock_gettime(CLOCK_MONOTONIC, &t);
    } while (t.tv_sec - t0.tv_sec < 3);
    for (int i = 0; i < 3; i++)
        CloseServiceHandle(s[i]);
    CloseServiceHandle(m);
    return NULL;
}

START_TEST(ten_clients)
{
    pthread_t th[10];
    struct hammer hm[10];
    unsigned total = 0;

    for (int i = 0; i < 3; i++) {
        char name[8];
        snprintf(name, sizeof name, "H%d", i + 1);
        CloseServiceHandle(create(name, "hammer", "simple", NULL));
    }
    for (int i = 0; i < 10; i++) {
        hm[i] = (struct hammer){ .seed = i + 1 };
        pthread_create(&th[i], NULL, hammer_thread, &hm[i]);
    }
    for (int i = 0; i < 10; i++) {
        pthread_join(th[i], NULL);
        ck_assert_msg(hm[i].bad == 0, "client %d got error %u", i, hm[i].bad);
        total += hm[i].ops;
    }
    ck_assert_uint_gt(total, 100);
    printf("ten clients: %u requests in 3 s\n", total);
}
END_TEST

/* QueryServiceObjectSecurity / SetServiceObjectSecurity on a service and
 * on the SCM, with the SDDL conversions: Windows' buffer rules, the
 * rights the handle needs, SACLs refused, malformed input 87. */
START_TEST(object_security)
{
    static const char grant[] = "D:(A;;CCLCSWRPWPDTLOCRRC;;;SY)(A;;RPWPLC;;;S-1-22-1-4242)";
    SC_HANDLE svc = create("Secured", "gsec", "simple", NULL), ro;
    PSECURITY_DESCRIPTOR sd;
    BYTE small[8], *buf;
    DWORD need = 0;
    ULONG size = 0, len = 0;
    LPSTR text;

    /* The size first: 122 with what is needed, as Windows. */
    EXPECT_FAIL(QueryServiceObjectSecurity(svc, DACL_SECURITY_INFORMATION, small, sizeof small,
                                           &need), ERROR_INSUFFICIENT_BUFFER);
    ck_assert_uint_gt(need, sizeof small);
    buf = malloc(need);
    ck_assert(QueryServiceObjectSecurity(svc, DACL_SECURITY_INFORMATION, buf, need, &need));
    ck_assert(ConvertSecurityDescriptorToStringSecurityDescriptorA(buf, SDDL_REVISION_1,
                                                                   DACL_SECURITY_INFORMATION,
                                                                   &text, &len));
    ck_assert_str_eq(text, "D:(A;;CCLCSWRPWPDTLOCRRC;;;SY)(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;BA)"
                           "(A;;CCLCSWLOCRRC;;;IU)(A;;CCLCSWLOCRRC;;;SU)");
    ck_assert_uint_eq(len, strlen(text) + 1);
    LocalFree(text);
    free(buf);
    /* The owner and group are SYSTEM's. */
    need = 0;
    EXPECT_FAIL(QueryServiceObjectSecurity(svc, OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION,
                                           NULL, 0, &need), ERROR_INSUFFICIENT_BUFFER);
    buf = malloc(need);
    ck_assert(QueryServiceObjectSecurity(svc, OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION,
                                         buf, need, &need));
    ck_assert(ConvertSecurityDescriptorToStringSecurityDescriptorA(
        buf, SDDL_REVISION_1, OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION |
        DACL_SECURITY_INFORMATION, &text, NULL));
    ck_assert_str_eq(text, "O:SYG:SY");
    LocalFree(text);
    free(buf);

    /* Set, read back. */
    ck_assert(ConvertStringSecurityDescriptorToSecurityDescriptorA(grant, SDDL_REVISION_1, &sd, &size));
    ck_assert_uint_gt(size, 20);
    ck_assert(SetServiceObjectSecurity(svc, DACL_SECURITY_INFORMATION, sd));
    need = 0;
    QueryServiceObjectSecurity(svc, DACL_SECURITY_INFORMATION, NULL, 0, &need);
    buf = malloc(need);
    ck_assert(QueryServiceObjectSecurity(svc, DACL_SECURITY_INFORMATION, buf, need, &need));
    ck_assert(ConvertSecurityDescriptorToStringSecurityDescriptorA(buf, SDDL_REVISION_1,
                                                                   DACL_SECURITY_INFORMATION,
                                                                   &text, NULL));
    ck_assert_str_eq(text, "D:(A;;CCLCSWRPWPDTLOCRRC;;;SY)(A;;LCRPWP;;;S-1-22-1-4242)");
    LocalFree(text);
    free(buf);

    /* The information asked for: a SACL is never held; nothing, or an
     * unknown bit, is a bad parameter; a NULL descriptor too. */
    EXPECT_FAIL(QueryServiceObjectSecurity(svc, SACL_SECURITY_INFORMATION, small, sizeof small, &need),
                ERROR_PRIVILEGE_NOT_HELD);
    EXPECT_FAIL(SetServiceObjectSecurity(svc, DACL_SECURITY_INFORMATION | SACL_SECURITY_INFORMATION, sd),
                ERROR_PRIVILEGE_NOT_HELD);
    EXPECT_FAIL(QueryServiceObjectSecurity(svc, 0, small, sizeof small, &need), ERROR_INVALID_PARAMETER);
    EXPECT_FAIL(QueryServiceObjectSecurity(svc, 0x40, small, sizeof small, &need), ERROR_INVALID_PARAMETER);
    EXPECT_FAIL(QueryServiceObjectSecurity(svc, DACL_SECURITY_INFORMATION, small, sizeof small, NULL),
                ERROR_INVALID_PARAMETER);
    EXPECT_FAIL(SetServiceObjectSecurity(svc, DACL_SECURITY_INFORMATION, NULL), ERROR_INVALID_PARAMETER);
    EXPECT_FAIL(QueryServiceObjectSecurity(NULL, DACL_SECURITY_INFORMATION, small, sizeof small, &need),
                ERROR_INVALID_HANDLE);
    /* A descriptor without the part named. */
    LocalFree(sd);
    ck_assert(ConvertStringSecurityDescriptorToSecurityDescriptorA("O:SY", SDDL_REVISION_1, &sd, NULL));
    EXPECT_FAIL(SetServiceObjectSecurity(svc, DACL_SECURITY_INFORMATION, sd), ERROR_INVALID_PARAMETER);
    LocalFree(sd);

    /* The handle's rights: READ_CONTROL to read, WRITE_DAC to write. */
    ro = OpenServiceA(scm, "Secured", SERVICE_QUERY_STATUS);
    ck_assert_ptr_nonnull(ro);
    EXPECT_FAIL(QueryServiceObjectSecurity(ro, DACL_SECURITY_INFORMATION, small, sizeof small, &need),
                ERROR_ACCESS_DENIED);
    CloseServiceHandle(ro);
    ro = OpenServiceA(scm, "Secured", READ_CONTROL);
    ck_assert_ptr_nonnull(ro);
    ck_assert(ConvertStringSecurityDescriptorToSecurityDescriptorA(grant, SDDL_REVISION_1, &sd, NULL));
    EXPECT_FAIL(SetServiceObjectSecurity(ro, DACL_SECURITY_INFORMATION, sd), ERROR_ACCESS_DENIED);
    LocalFree(sd);
    CloseServiceHandle(ro);

    /* The SCM's own, through its handle. */
    need = 0;
    EXPECT_FAIL(QueryServiceObjectSecurity(scm, DACL_SECURITY_INFORMATION, NULL, 0, &need),
                ERROR_INSUFFICIENT_BUFFER);
    buf = malloc(need);
    ck_assert(QueryServiceObjectSecurity(scm, DACL_SECURITY_INFORMATION, buf, need, &need));
    ck_assert(ConvertSecurityDescriptorToStringSecurityDescriptorA(buf, SDDL_REVISION_1,
                                                                   DACL_SECURITY_INFORMATION,
                                                                   &text, NULL));
    ck_assert_str_eq(text, "D:(A;;CCLCRPRC;;;AU)(A;;KA;;;SY)(A;;KA;;;BA)");
    LocalFree(text);
    free(buf);

    /* The conversions' own errors. */
    EXPECT_FAIL(ConvertStringSecurityDescriptorToSecurityDescriptorA("D:(A;;XX;;;SY)", SDDL_REVISION_1,
                                                                     &sd, NULL), ERROR_INVALID_PARAMETER);
    EXPECT_FAIL(ConvertStringSecurityDescriptorToSecurityDescriptorA("D:", 2, &sd, NULL),
                ERROR_UNKNOWN_REVISION);
    EXPECT_FAIL(ConvertStringSecurityDescriptorToSecurityDescriptorA(NULL, SDDL_REVISION_1, &sd, NULL),
                ERROR_INVALID_PARAMETER);
    memset(small, 0, sizeof small);
    EXPECT_FAIL(ConvertSecurityDescriptorToStringSecurityDescriptorA(small, SDDL_REVISION_1,
                                                                     DACL_SECURITY_INFORMATION, &text,
                                                                     NULL), ERROR_INVALID_PARAMETER);
    CloseServiceHandle(svc);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("scm_api");
    TCase *tc = tcase_create("scm");
    tcase_add_checked_fixture(tc, start_scmd, stop_scmd);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, one_pid_per_group);
    tcase_add_test(tc, errors);
    tcase_add_test(tc, config_round_trip);
    tcase_add_test(tc, create_in_one_step);
    tcase_add_test(tc, delete_waits_for_handles);
    tcase_add_test(tc, config2_other_levels);
    tcase_add_test(tc, delete_after_client_exits);
    tcase_add_test(tc, failure_actions_stored);
    tcase_add_test(tc, more_errors);
    tcase_add_test(tc, garbage_closes_one_connection);
    tcase_add_test(tc, ten_clients);
    tcase_add_test(tc, object_security);
    suite_add_tcase(s, tc);
    TCase *plain = tcase_create("notify");
    tcase_set_timeout(plain, 30);
    tcase_add_test(plain, notifies_ready);
    suite_add_tcase(s, plain);
    return s;
}

int main(void)
{
    return test_run_suite(suite());
}
