/*
 * test_client.c - the SCM client API (client.c, sc_handle.c) against a
 * fake scmd: a thread in the test that listens on ROOT/run/scm.sock in a
 * temporary state directory (SVCHOST_ROOT), records every request and
 * answers with canned SVC_MSG_REPLY frames built with proto.h.
 *
 * The tests check what goes on the wire, the Win32 buffer and error
 * conventions of each call, and what happens when the connection breaks
 * or a reply is malformed.  Assertions run only on the test's own thread:
 * the server thread records, the test asserts.
 */
#include "client.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <svchost/svcctl.h>
#include <svchost/winsvc.h>

#include "proto.h"
#include "testutil.h"

/* ---- The fake scmd ------------------------------------------------------ */

struct fake_req {
    uint16_t type;
    uint32_t id;
    uint8_t *payload;
    size_t len;
};

enum fake_action {
    FAKE_REPLY,       /* send the reply built in w */
    FAKE_CLOSE,       /* close the connection without answering */
    FAKE_WRONG_ID,    /* reply with another request's id */
    FAKE_WRONG_TYPE,  /* answer with a frame that is not a reply */
};

/* Builds the answer to one request; r reads the request's payload. */
typedef enum fake_action (*fake_fn)(const struct fake_req *req, struct svc_rbuf *r,
                                    struct svc_wbuf *w);

#define MAX_CONNS 16

static struct {
    char root[64];
    int lfd;
    int wake[2];
    pthread_t thread;
    pthread_mutex_t lock;
    fake_fn handler;
    struct fake_req *reqs;
    size_t n_reqs, cap_reqs;
    int accepted, closed;
} F;

/* What the handlers of some tests answer; reset before each test. */
static struct {
    DWORD open_error;               /* deny_manager */
    DWORD control_error;            /* control_reply */
    int config_variant;             /* config_reply: 1 = nothing optional set */
    enum fake_action status_action; /* bad_status */
    int status_trailing;            /* bad_status */
} G;

static SERVICE_STATUS_PROCESS mkstatus(DWORD state, DWORD pid)
{
    SERVICE_STATUS_PROCESS st = {
        .dwServiceType = SERVICE_WIN32_SHARE_PROCESS,
        .dwCurrentState = state,
        .dwControlsAccepted = state == SERVICE_RUNNING ? SERVICE_ACCEPT_STOP : 0,
        .dwWin32ExitCode = 0,
        .dwServiceSpecificExitCode = 0,
        .dwCheckPoint = 0,
        .dwWaitHint = 0,
        .dwProcessId = pid,
        .dwServiceFlags = 0,
    };
    return st;
}

/* What scmd answers when a test does not say otherwise. */
/* An OPEN_SERVICE reply's slot for a service not in any status table. */
static const struct svc_msg_slot no_slot = { UINT32_MAX, 0, 0 };

static enum fake_action standard_reply(const struct fake_req *req, struct svc_rbuf *r,
                                       struct svc_wbuf *w)
{
    switch (req->type) {
    case SVC_MSG_OPEN_MANAGER:
        svc_put_u32(w, NO_ERROR);
        return FAKE_REPLY;
    case SVC_MSG_OPEN_SERVICE: {
        char *name = svc_get_str(r);

        svc_msg_open_service_reply_pack(w, name, &no_slot);
        free(name);
        return FAKE_REPLY;
    }
    case SVC_MSG_QUERY_STATUS: {
        SERVICE_STATUS_PROCESS st = mkstatus(SERVICE_RUNNING, 4242);

        svc_put_u32(w, NO_ERROR);
        svc_put_status(w, &st);
        return FAKE_REPLY;
    }
    case SVC_MSG_CREATE_SERVICE: {
        struct svc_msg_config c;

        svc_get_u32(r);   /* access */
        svc_get_config(r, &c);
        svc_msg_open_service_reply_pack(w, c.name ? c.name : "", &no_slot);
        svc_msg_config_free(&c);
        return FAKE_REPLY;
    }
    case SVC_MSG_START_SERVICE:
    case SVC_MSG_CHANGE_CONFIG:
    case SVC_MSG_DELETE_SERVICE:
        svc_put_u32(w, NO_ERROR);
        return FAKE_REPLY;
    default:
        svc_put_u32(w, ERROR_CALL_NOT_IMPLEMENTED);
        return FAKE_REPLY;
    }
}

static void set_handler(fake_fn fn)
{
    pthread_mutex_lock(&F.lock);
    F.handler = fn;
    pthread_mutex_unlock(&F.lock);
}

/* Reads one request from fd and answers it; -1 when the connection is
 * to be closed. */
static int serve_one(int fd)
{
    struct svc_frame_header h;
    struct fake_req req;
    struct svc_rbuf r;
    struct svc_wbuf w;
    enum fake_action act;
    uint8_t *payload;
    fake_fn fn;
    int rc = 0;

    if (svc_frame_recv(fd, &h, &payload) < 0)
        return -1;
    req.type = h.type;
    req.id = h.id;
    req.len = h.length;
    req.payload = malloc(h.length + 1);
    if (h.length != 0)
        memcpy(req.payload, payload, h.length);

    pthread_mutex_lock(&F.lock);
    if (F.n_reqs == F.cap_reqs) {
        F.cap_reqs = F.cap_reqs != 0 ? 2 * F.cap_reqs : 64;
        F.reqs = realloc(F.reqs, F.cap_reqs * sizeof *F.reqs);
    }
    F.reqs[F.n_reqs++] = req;
    fn = F.handler != NULL ? F.handler : standard_reply;
    pthread_mutex_unlock(&F.lock);

    svc_rbuf_init(&r, payload, h.length);
    svc_wbuf_init(&w);
    act = fn(&req, &r, &w);
    switch (act) {
    case FAKE_REPLY:
        rc = svc_frame_send(fd, SVC_MSG_REPLY, h.id, &w) < 0 ? -1 : 0;
        break;
    case FAKE_CLOSE:
        rc = -1;
        break;
    case FAKE_WRONG_ID:
        rc = svc_frame_send(fd, SVC_MSG_REPLY, h.id + 1000, &w) < 0 ? -1 : 0;
        break;
    case FAKE_WRONG_TYPE:
        rc = svc_frame_send(fd, SVC_MSG_OPEN_MANAGER, h.id, &w) < 0 ? -1 : 0;
        break;
    }
    svc_wbuf_free(&w);
    free(payload);
    return rc;
}

static void *fake_main(void *arg)
{
    struct pollfd pfd[2 + MAX_CONNS];
    int conns[MAX_CONNS];
    int nc = 0;

    (void)arg;
    for (;;) {
        int n = nc;

        pfd[0] = (struct pollfd){.fd = F.wake[0], .events = POLLIN};
        pfd[1] = (struct pollfd){.fd = F.lfd, .events = POLLIN};
        for (int i = 0; i < n; i++)
            pfd[2 + i] = (struct pollfd){.fd = conns[i], .events = POLLIN};
        if (poll(pfd, (nfds_t)(2 + n), -1) < 0)
            continue;
        if (pfd[0].revents != 0)
            break;
        /* Backwards, so that moving the last connection into a closed
         * one's slot only touches slots already handled. */
        for (int i = n - 1; i >= 0; i--) {
            if (pfd[2 + i].revents == 0)
                continue;
            if (serve_one(conns[i]) < 0) {
                close(conns[i]);
                conns[i] = conns[--nc];
                pthread_mutex_lock(&F.lock);
                F.closed++;
                pthread_mutex_unlock(&F.lock);
            }
        }
        if ((pfd[1].revents & POLLIN) && nc < MAX_CONNS) {
            int fd = accept4(F.lfd, NULL, NULL, SOCK_CLOEXEC);

            if (fd >= 0) {
                conns[nc++] = fd;
                pthread_mutex_lock(&F.lock);
                F.accepted++;
                pthread_mutex_unlock(&F.lock);
            }
        }
    }
    for (int i = 0; i < nc; i++)
        close(conns[i]);
    return NULL;
}

static char *sock_path(void)
{
    char *p;

    ck_assert_int_ge(asprintf(&p, "%s/run/scm.sock", F.root), 0);
    return p;
}

/* A state directory of our own as SVCHOST_ROOT, without a server. */
static void root_setup(void)
{
    const char *tmp;
    char *run;

    memset(&F, 0, sizeof F);
    memset(&G, 0, sizeof G);
    F.lfd = -1;
    F.wake[0] = F.wake[1] = -1;
    pthread_mutex_init(&F.lock, NULL);
    /* A socket path must fit in sun_path: a long TMPDIR is not used. */
    tmp = getenv("TMPDIR");
    if (tmp == NULL || tmp[0] == '\0' || strlen(tmp) > 40)
        tmp = "/tmp";
    snprintf(F.root, sizeof F.root, "%s/svc-client.XXXXXX", tmp);
    ck_assert_ptr_nonnull(mkdtemp(F.root));
    ck_assert_int_ge(asprintf(&run, "%s/run", F.root), 0);
    ck_assert_int_eq(mkdir(run, 0700), 0);
    free(run);
    ck_assert_int_eq(setenv("SVCHOST_ROOT", F.root, 1), 0);
}

static void root_teardown(void)
{
    char *path = sock_path(), *run;

    unlink(path);
    free(path);
    ck_assert_int_ge(asprintf(&run, "%s/run", F.root), 0);
    rmdir(run);
    free(run);
    rmdir(F.root);
    for (size_t i = 0; i < F.n_reqs; i++)
        free(F.reqs[i].payload);
    free(F.reqs);
}

static void server_setup(void)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    char *path;

    root_setup();
    path = sock_path();
    ck_assert_uint_lt(strlen(path), sizeof sa.sun_path);
    strcpy(sa.sun_path, path);
    free(path);
    F.lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ck_assert_int_ge(F.lfd, 0);
    ck_assert_int_eq(bind(F.lfd, (struct sockaddr *)&sa, sizeof sa), 0);
    ck_assert_int_eq(listen(F.lfd, 16), 0);
    ck_assert_int_eq(pipe2(F.wake, O_CLOEXEC), 0);
    ck_assert_int_eq(pthread_create(&F.thread, NULL, fake_main, NULL), 0);
}

static void server_teardown(void)
{
    ck_assert_int_eq(write(F.wake[1], "x", 1), 1);
    pthread_join(F.thread, NULL);
    close(F.wake[0]);
    close(F.wake[1]);
    close(F.lfd);
    root_teardown();
}

/* ---- Looking at what the server received ------------------------------- */

static size_t n_reqs(void)
{
    size_t n;

    pthread_mutex_lock(&F.lock);
    n = F.n_reqs;
    pthread_mutex_unlock(&F.lock);
    return n;
}

static size_t count_type(uint16_t type)
{
    size_t n = 0;

    pthread_mutex_lock(&F.lock);
    for (size_t i = 0; i < F.n_reqs; i++)
        n += F.reqs[i].type == type;
    pthread_mutex_unlock(&F.lock);
    return n;
}

/* A reader over the payload of the last request of that type. */
static struct svc_rbuf last_req(uint16_t type)
{
    struct svc_rbuf r;
    int found = 0;

    pthread_mutex_lock(&F.lock);
    for (size_t i = F.n_reqs; i-- > 0;)
        if (F.reqs[i].type == type) {
            svc_rbuf_init(&r, F.reqs[i].payload, F.reqs[i].len);
            found = 1;
            break;
        }
    pthread_mutex_unlock(&F.lock);
    ck_assert_msg(found, "no request of type %u", type);
    return r;
}

static void expect_str(struct svc_rbuf *r, const char *want)
{
    char *s = svc_get_str(r);

    ck_assert_int_eq(r->err, 0);
    if (want == NULL) {
        ck_assert_ptr_null(s);
    } else {
        ck_assert_ptr_nonnull(s);
        ck_assert_str_eq(s, want);
    }
    free(s);
}

/* Asserts that v holds exactly the strings given (NULL-terminated). */
static void expect_strv(char **v, ...)
{
    va_list ap;
    size_t i = 0;
    const char *want;

    ck_assert_ptr_nonnull(v);
    va_start(ap, v);
    while ((want = va_arg(ap, const char *)) != NULL) {
        ck_assert_ptr_nonnull(v[i]);
        ck_assert_str_eq(v[i], want);
        i++;
    }
    va_end(ap);
    ck_assert_ptr_null(v[i]);
}

static void wait_closed(int want)
{
    for (int i = 0; i < 5000; i++) {
        int closed;

        pthread_mutex_lock(&F.lock);
        closed = F.closed;
        pthread_mutex_unlock(&F.lock);
        if (closed >= want)
            break;
        usleep(1000);
    }
    pthread_mutex_lock(&F.lock);
    ck_assert_int_eq(F.closed, want);
    pthread_mutex_unlock(&F.lock);
}

static int accepted(void)
{
    int n;

    pthread_mutex_lock(&F.lock);
    n = F.accepted;
    pthread_mutex_unlock(&F.lock);
    return n;
}

static SC_HANDLE open_manager(DWORD access)
{
    SC_HANDLE m = OpenSCManagerA(NULL, NULL, access);

    ck_assert_msg(m != NULL, "OpenSCManagerA: %u", (unsigned)GetLastError());
    return m;
}

static SC_HANDLE open_service(SC_HANDLE m, const char *name, DWORD access)
{
    SC_HANDLE s = OpenServiceA(m, name, access);

    ck_assert_msg(s != NULL, "OpenServiceA: %u", (unsigned)GetLastError());
    return s;
}

#define expect_fail(call, err)                                          \
    do {                                                                \
        SetLastError(0xdeadbeef);                                       \
        ck_assert_int_eq((call) ? 1 : 0, 0);                            \
        ck_assert_uint_eq(GetLastError(), (err));                       \
    } while (0)

/* ---- OpenSCManager --------------------------------------------------------- */

START_TEST(no_server)
{
    SetLastError(0);
    ck_assert_ptr_null(OpenSCManagerA(NULL, NULL, SC_MANAGER_CONNECT));
    ck_assert_uint_eq(GetLastError(), RPC_S_SERVER_UNAVAILABLE);
}
END_TEST

START_TEST(manager_names)
{
    char host[256], unc[260];
    SC_HANDLE m;

    expect_fail(OpenSCManagerA("elsewhere", NULL, SC_MANAGER_CONNECT),
                RPC_S_SERVER_UNAVAILABLE);
    expect_fail(OpenSCManagerA("\\\\elsewhere", NULL, SC_MANAGER_CONNECT),
                RPC_S_SERVER_UNAVAILABLE);
    /* As on Windows: an unknown database name is not a name at all, the
     * failed-services database does not exist. */
    expect_fail(OpenSCManagerA(NULL, "DoesNotExist", SC_MANAGER_CONNECT), ERROR_INVALID_NAME);
    expect_fail(OpenSCManagerA(NULL, "ServicesFailed", SC_MANAGER_CONNECT),
                ERROR_DATABASE_DOES_NOT_EXIST);
    ck_assert_int_eq(accepted(), 0);

    ck_assert_int_eq(gethostname(host, sizeof host), 0);
    host[sizeof host - 1] = '\0';
    snprintf(unc, sizeof unc, "\\\\%s", host);
    const char *local[] = {"", "localhost", "LOCALHOST", "\\\\localhost", host, unc};
    for (size_t i = 0; i < sizeof local / sizeof local[0]; i++) {
        m = OpenSCManagerA(local[i], "servicesactive", SC_MANAGER_CONNECT);
        ck_assert_msg(m != NULL, "machine \"%s\": %u", local[i], (unsigned)GetLastError());
        ck_assert(CloseServiceHandle(m));
    }
}
END_TEST

static enum fake_action deny_manager(const struct fake_req *req, struct svc_rbuf *r,
                                     struct svc_wbuf *w)
{
    if (req->type == SVC_MSG_OPEN_MANAGER) {
        svc_put_u32(w, G.open_error);
        return FAKE_REPLY;
    }
    return standard_reply(req, r, w);
}

START_TEST(manager_access)
{
    struct svc_rbuf r;
    SC_HANDLE m;

    /* GENERIC_READ goes out mapped, with the implied CONNECT. */
    m = open_manager(GENERIC_READ);
    r = last_req(SVC_MSG_OPEN_MANAGER);
    ck_assert_uint_eq(svc_get_u32(&r), READ_CONTROL | SC_MANAGER_ENUMERATE_SERVICE |
                                           SC_MANAGER_QUERY_LOCK_STATUS | SC_MANAGER_CONNECT);
    ck_assert_int_eq(svc_rbuf_end(&r), 0);
    ck_assert(CloseServiceHandle(m));

    m = open_manager(0);
    r = last_req(SVC_MSG_OPEN_MANAGER);
    ck_assert_uint_eq(svc_get_u32(&r), SC_MANAGER_CONNECT);
    ck_assert(CloseServiceHandle(m));
    wait_closed(2);

    /* The server's refusal is the caller's error; its connection closes. */
    G.open_error = ERROR_ACCESS_DENIED;
    set_handler(deny_manager);
    expect_fail(OpenSCManagerA(NULL, NULL, SC_MANAGER_ALL_ACCESS), ERROR_ACCESS_DENIED);
    r = last_req(SVC_MSG_OPEN_MANAGER);
    ck_assert_uint_eq(svc_get_u32(&r), SC_MANAGER_ALL_ACCESS);
    wait_closed(3);
}
END_TEST

/* ---- Handles ---------------------------------------------------------------- */

START_TEST(null_handles)
{
    SERVICE_STATUS st;
    BYTE buf[512];
    DWORD needed, n, cch = sizeof buf;
    SERVICE_DESCRIPTIONA d = {.lpDescription = "x"};

    expect_fail(CloseServiceHandle(NULL), ERROR_INVALID_HANDLE);
    expect_fail(OpenServiceA(NULL, "A", SERVICE_ALL_ACCESS), ERROR_INVALID_HANDLE);
    expect_fail(CreateServiceA(NULL, "A", NULL, 0, SERVICE_WIN32_OWN_PROCESS,
                               SERVICE_DEMAND_START, SERVICE_ERROR_NORMAL, "/bin/a", NULL,
                               NULL, NULL, NULL, NULL),
                ERROR_INVALID_HANDLE);
    expect_fail(StartServiceA(NULL, 0, NULL), ERROR_INVALID_HANDLE);
    expect_fail(ControlService(NULL, SERVICE_CONTROL_STOP, &st), ERROR_INVALID_HANDLE);
    expect_fail(QueryServiceStatus(NULL, &st), ERROR_INVALID_HANDLE);
    expect_fail(QueryServiceStatusEx(NULL, SC_STATUS_PROCESS_INFO, buf, sizeof buf, &needed),
                ERROR_INVALID_HANDLE);
    expect_fail(QueryServiceConfigA(NULL, (LPQUERY_SERVICE_CONFIGA)buf, sizeof buf, &needed),
                ERROR_INVALID_HANDLE);
    expect_fail(QueryServiceConfig2A(NULL, SERVICE_CONFIG_DESCRIPTION, buf, sizeof buf, &needed),
                ERROR_INVALID_HANDLE);
    expect_fail(ChangeServiceConfigA(NULL, SERVICE_NO_CHANGE, SERVICE_NO_CHANGE,
                                     SERVICE_NO_CHANGE, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
                ERROR_INVALID_HANDLE);
    expect_fail(ChangeServiceConfig2A(NULL, SERVICE_CONFIG_DESCRIPTION, &d), ERROR_INVALID_HANDLE);
    expect_fail(DeleteService(NULL), ERROR_INVALID_HANDLE);
    expect_fail(EnumServicesStatusExA(NULL, SC_ENUM_PROCESS_INFO, SERVICE_WIN32, SERVICE_STATE_ALL,
                                      buf, sizeof buf, &needed, &n, NULL, NULL),
                ERROR_INVALID_HANDLE);
    expect_fail(EnumDependentServicesA(NULL, SERVICE_STATE_ALL, (LPENUM_SERVICE_STATUSA)buf,
                                       sizeof buf, &needed, &n),
                ERROR_INVALID_HANDLE);
    expect_fail(GetServiceDisplayNameA(NULL, "A", (LPSTR)buf, &cch), ERROR_INVALID_HANDLE);
    expect_fail(GetServiceKeyNameA(NULL, "A", (LPSTR)buf, &cch), ERROR_INVALID_HANDLE);
    expect_fail(SvchostEnumHosts(NULL, buf, sizeof buf, &needed, &n), ERROR_INVALID_HANDLE);
}
END_TEST

START_TEST(stale_and_foreign_handles)
{
    SERVICE_STATUS st;
    SC_HANDLE m, s, stale_m, stale_s;
    int not_a_handle[16] = {0};

    m = open_manager(SC_MANAGER_ALL_ACCESS);
    s = open_service(m, "Echo", SERVICE_ALL_ACCESS);

    /* A handle of the wrong kind is not a handle for that call. */
    expect_fail(OpenServiceA(s, "Echo", SERVICE_ALL_ACCESS), ERROR_INVALID_HANDLE);
    expect_fail(QueryServiceStatus(m, &st), ERROR_INVALID_HANDLE);
    expect_fail(DeleteService(m), ERROR_INVALID_HANDLE);
    /* Nor is memory that never was one. */
    expect_fail(QueryServiceStatus((SC_HANDLE)(void *)not_a_handle, &st), ERROR_INVALID_HANDLE);
    expect_fail(CloseServiceHandle((SC_HANDLE)(void *)not_a_handle), ERROR_INVALID_HANDLE);

    /* After close the pointer is refused without being read. */
    stale_s = s;
    stale_m = m;
    ck_assert(CloseServiceHandle(s));
    ck_assert(CloseServiceHandle(m));
    expect_fail(CloseServiceHandle(stale_s), ERROR_INVALID_HANDLE);
    expect_fail(CloseServiceHandle(stale_m), ERROR_INVALID_HANDLE);
    expect_fail(QueryServiceStatus(stale_s, &st), ERROR_INVALID_HANDLE);
    expect_fail(OpenServiceA(stale_m, "Echo", SERVICE_ALL_ACCESS), ERROR_INVALID_HANDLE);
}
END_TEST

START_TEST(connection_shared_and_refcounted)
{
    SERVICE_STATUS st;
    SC_HANDLE m, m2, a, b;

    m = open_manager(SC_MANAGER_CONNECT);
    a = open_service(m, "A", SERVICE_QUERY_STATUS);
    b = open_service(m, "B", SERVICE_QUERY_STATUS);
    ck_assert_int_eq(accepted(), 1);

    /* The services outlive their manager and keep its connection. */
    ck_assert(CloseServiceHandle(m));
    ck_assert(QueryServiceStatus(a, &st));
    ck_assert_uint_eq(st.dwCurrentState, SERVICE_RUNNING);
    ck_assert(CloseServiceHandle(a));
    ck_assert(QueryServiceStatus(b, &st));
    usleep(20000);
    pthread_mutex_lock(&F.lock);
    ck_assert_int_eq(F.closed, 0);
    pthread_mutex_unlock(&F.lock);
    ck_assert(CloseServiceHandle(b));
    wait_closed(1);

    /* Each manager has a connection of its own. */
    m = open_manager(SC_MANAGER_CONNECT);
    m2 = open_manager(SC_MANAGER_CONNECT);
    ck_assert_int_eq(accepted(), 3);
    ck_assert(CloseServiceHandle(m2));
    wait_closed(2);
    ck_assert(CloseServiceHandle(m));
    wait_closed(3);
}
END_TEST

/* ---- Access ------------------------------------------------------------------ */

START_TEST(service_access_checked_locally)
{
    SERVICE_STATUS st;
    BYTE buf[1024];
    DWORD needed, n;
    SERVICE_DESCRIPTIONA d = {.lpDescription = "x"};
    SC_HANDLE m, s;
    size_t before;
    struct svc_rbuf r;

    m = open_manager(SC_MANAGER_CONNECT);
    s = open_service(m, "Echo", GENERIC_READ);
    r = last_req(SVC_MSG_OPEN_SERVICE);
    expect_str(&r, "Echo");
    ck_assert_uint_eq(svc_get_u32(&r), READ_CONTROL | SERVICE_QUERY_CONFIG |
                                           SERVICE_QUERY_STATUS | SERVICE_INTERROGATE |
                                           SERVICE_ENUMERATE_DEPENDENTS);

    before = n_reqs();
    expect_fail(StartServiceA(s, 0, NULL), ERROR_ACCESS_DENIED);
    expect_fail(ControlService(s, SERVICE_CONTROL_STOP, &st), ERROR_ACCESS_DENIED);
    expect_fail(ControlService(s, SERVICE_CONTROL_PAUSE, &st), ERROR_ACCESS_DENIED);
    expect_fail(ControlService(s, SERVICE_CONTROL_PARAMCHANGE, &st), ERROR_ACCESS_DENIED);
    expect_fail(ControlService(s, 200, &st), ERROR_ACCESS_DENIED);
    expect_fail(ChangeServiceConfigA(s, SERVICE_NO_CHANGE, SERVICE_DISABLED, SERVICE_NO_CHANGE,
                                     NULL, NULL, NULL, NULL, NULL, NULL, NULL),
                ERROR_ACCESS_DENIED);
    expect_fail(ChangeServiceConfig2A(s, SERVICE_CONFIG_DESCRIPTION, &d), ERROR_ACCESS_DENIED);
    expect_fail(DeleteService(s), ERROR_ACCESS_DENIED);
    ck_assert_uint_eq(n_reqs(), before);
    ck_assert(CloseServiceHandle(s));

    s = open_service(m, "Echo", SERVICE_START);
    expect_fail(QueryServiceStatus(s, &st), ERROR_ACCESS_DENIED);
    expect_fail(QueryServiceStatusEx(s, SC_STATUS_PROCESS_INFO, buf, sizeof buf, &needed),
                ERROR_ACCESS_DENIED);
    expect_fail(QueryServiceConfigA(s, (LPQUERY_SERVICE_CONFIGA)buf, sizeof buf, &needed),
                ERROR_ACCESS_DENIED);
    expect_fail(QueryServiceConfig2A(s, SERVICE_CONFIG_DESCRIPTION, buf, sizeof buf, &needed),
                ERROR_ACCESS_DENIED);
    expect_fail(EnumDependentServicesA(s, SERVICE_ACTIVE, (LPENUM_SERVICE_STATUSA)buf,
                                       sizeof buf, &needed, &n),
                ERROR_ACCESS_DENIED);
    expect_fail(ControlService(s, SERVICE_CONTROL_INTERROGATE, &st), ERROR_ACCESS_DENIED);
    ck_assert(StartServiceA(s, 0, NULL));
    ck_assert(CloseServiceHandle(s));

    /* GENERIC_EXECUTE carries start, stop, pause and user controls. */
    s = open_service(m, "Echo", GENERIC_EXECUTE);
    ck_assert(StartServiceA(s, 0, NULL));
    ck_assert(CloseServiceHandle(s));

    /* Manager rights. */
    needed = n = 77;
    expect_fail(EnumServicesStatusExA(m, SC_ENUM_PROCESS_INFO, SERVICE_WIN32, SERVICE_STATE_ALL,
                                      NULL, 0, &needed, &n, NULL, NULL),
                ERROR_ACCESS_DENIED);
    ck_assert_uint_eq(needed, 0);
    ck_assert_uint_eq(n, 0);
    expect_fail(CreateServiceA(m, "New", NULL, SERVICE_ALL_ACCESS, SERVICE_WIN32_OWN_PROCESS,
                               SERVICE_DEMAND_START, SERVICE_ERROR_NORMAL, "/bin/new", NULL, NULL,
                               NULL, NULL, NULL),
                ERROR_ACCESS_DENIED);
    expect_fail(SvchostEnumHosts(m, buf, sizeof buf, &needed, &n), ERROR_ACCESS_DENIED);
    ck_assert_uint_eq(count_type(SVC_MSG_ENUM_SERVICES), 0);
    ck_assert_uint_eq(count_type(SVC_MSG_CREATE_SERVICE), 0);
    ck_assert_uint_eq(count_type(SVC_MSG_ENUM_HOSTS), 0);
    ck_assert(CloseServiceHandle(m));
}
END_TEST

START_TEST(access_mapping)
{
    ck_assert_uint_eq(svc_map_service_access(GENERIC_ALL), SERVICE_ALL_ACCESS);
    ck_assert_uint_eq(svc_map_service_access(GENERIC_WRITE), READ_CONTROL | SERVICE_CHANGE_CONFIG);
    ck_assert_uint_eq(svc_map_service_access(GENERIC_EXECUTE | DELETE),
                      DELETE | READ_CONTROL | SERVICE_START | SERVICE_STOP |
                          SERVICE_PAUSE_CONTINUE | SERVICE_USER_DEFINED_CONTROL);
    ck_assert_uint_eq(svc_map_manager_access(GENERIC_ALL), SC_MANAGER_ALL_ACCESS);
    ck_assert_uint_eq(svc_map_manager_access(GENERIC_WRITE),
                      READ_CONTROL | SC_MANAGER_CREATE_SERVICE | SC_MANAGER_MODIFY_BOOT_CONFIG);
    ck_assert_uint_eq(svc_map_manager_access(GENERIC_EXECUTE),
                      READ_CONTROL | SC_MANAGER_CONNECT | SC_MANAGER_LOCK);
}
END_TEST

/* ---- OpenService / CreateService ---------------------------------------- */

static enum fake_action canonical_names(const struct fake_req *req, struct svc_rbuf *r,
                                        struct svc_wbuf *w)
{
    if (req->type == SVC_MSG_OPEN_SERVICE) {
        char *name = svc_get_str(r);

        if (strcasecmp(name, "echo") == 0) {
            svc_msg_open_service_reply_pack(w, "Echo", &no_slot);
        } else {
            svc_put_u32(w, ERROR_SERVICE_DOES_NOT_EXIST);
        }
        free(name);
        return FAKE_REPLY;
    }
    return standard_reply(req, r, w);
}

START_TEST(open_service_key_name)
{
    SERVICE_STATUS st;
    SC_HANDLE m, s;
    struct svc_rbuf r;

    set_handler(canonical_names);
    m = open_manager(SC_MANAGER_CONNECT);
    s = open_service(m, "ECHO", SERVICE_QUERY_STATUS);
    ck_assert(QueryServiceStatus(s, &st));
    r = last_req(SVC_MSG_QUERY_STATUS);
    expect_str(&r, "Echo");
    ck_assert_int_eq(svc_rbuf_end(&r), 0);

    expect_fail(OpenServiceA(m, "Nope", SERVICE_QUERY_STATUS), ERROR_SERVICE_DOES_NOT_EXIST);
    ck_assert_uint_eq(count_type(SVC_MSG_OPEN_SERVICE), 2);
    expect_fail(OpenServiceA(m, NULL, SERVICE_QUERY_STATUS), ERROR_INVALID_PARAMETER);
    expect_fail(OpenServiceA(m, "", SERVICE_QUERY_STATUS), ERROR_INVALID_NAME);
    ck_assert_uint_eq(count_type(SVC_MSG_OPEN_SERVICE), 2);
    ck_assert(CloseServiceHandle(s));
    ck_assert(CloseServiceHandle(m));
}
END_TEST

START_TEST(create_service_request)
{
    struct svc_msg_config c;
    struct svc_rbuf r;
    SERVICE_STATUS st;
    DWORD tag = 99;
    SC_HANDLE m, s;

    m = open_manager(SC_MANAGER_CREATE_SERVICE);
    s = CreateServiceA(m, "Svc", "My service", GENERIC_READ, SERVICE_WIN32_SHARE_PROCESS,
                       SERVICE_AUTO_START, SERVICE_ERROR_NORMAL, "svchost -k demo", NULL, NULL,
                       "RpcSs\0+NetGroup\0Tcpip\0", NULL, "");
    ck_assert_msg(s != NULL, "CreateServiceA: %u", (unsigned)GetLastError());

    r = last_req(SVC_MSG_CREATE_SERVICE);
    ck_assert_uint_eq(svc_get_u32(&r), svc_map_service_access(GENERIC_READ));
    ck_assert_int_eq(svc_get_config(&r, &c), 0);
    ck_assert_int_eq(svc_rbuf_end(&r), 0);
    ck_assert_uint_eq(c.mask, SVC_CFG_ALL & ~(uint32_t)SVC_CFG_CONFIG2); /* their defaults */
    ck_assert_str_eq(c.name, "Svc");
    ck_assert_str_eq(c.display_name, "My service");
    ck_assert_ptr_null(c.description);
    ck_assert_uint_eq(c.type, SERVICE_WIN32_SHARE_PROCESS);
    ck_assert_uint_eq(c.start, SERVICE_AUTO_START);
    ck_assert_uint_eq(c.error_control, SERVICE_ERROR_NORMAL);
    ck_assert_str_eq(c.image_path, "svchost -k demo");
    ck_assert_ptr_null(c.load_order_group);
    expect_strv(c.depend_on_service, "RpcSs", "Tcpip", NULL);
    expect_strv(c.depend_on_group, "NetGroup", NULL);
    ck_assert_ptr_null(c.object_name);
    ck_assert_ptr_null(c.service_dll);
    ck_assert_ptr_null(c.service_main);
    expect_strv(c.params, NULL);
    svc_msg_config_free(&c);

    /* The handle names the new service and has the access asked for. */
    ck_assert(QueryServiceStatus(s, &st));
    r = last_req(SVC_MSG_QUERY_STATUS);
    expect_str(&r, "Svc");
    expect_fail(StartServiceA(s, 0, NULL), ERROR_ACCESS_DENIED);
    ck_assert(CloseServiceHandle(s));

    /* Optional strings: a display name, group and account, and a tag. */
    s = CreateServiceA(m, "Own", NULL, 0, SERVICE_WIN32_OWN_PROCESS, SERVICE_DEMAND_START,
                       SERVICE_ERROR_IGNORE, "/usr/bin/own", "Base", &tag, NULL, "nobody", NULL);
    ck_assert_ptr_nonnull(s);
    ck_assert_uint_eq(tag, 0);
    r = last_req(SVC_MSG_CREATE_SERVICE);
    ck_assert_uint_eq(svc_get_u32(&r), 0);
    ck_assert_int_eq(svc_get_config(&r, &c), 0);
    ck_assert_ptr_null(c.display_name);
    ck_assert_str_eq(c.load_order_group, "Base");
    ck_assert_str_eq(c.object_name, "nobody");
    expect_strv(c.depend_on_service, NULL);
    expect_strv(c.depend_on_group, NULL);
    svc_msg_config_free(&c);
    ck_assert(CloseServiceHandle(s));
    ck_assert(CloseServiceHandle(m));
}
END_TEST

static enum fake_action service_exists(const struct fake_req *req, struct svc_rbuf *r,
                                       struct svc_wbuf *w)
{
    if (req->type == SVC_MSG_CREATE_SERVICE) {
        svc_put_u32(w, ERROR_SERVICE_EXISTS);
        return FAKE_REPLY;
    }
    return standard_reply(req, r, w);
}

START_TEST(create_service_errors)
{
    DWORD tag;
    SC_HANDLE m = open_manager(SC_MANAGER_ALL_ACCESS);

#define CREATE(name, path, group, tagp, deps, password)                                       \
    CreateServiceA(m, name, NULL, SERVICE_ALL_ACCESS, SERVICE_WIN32_OWN_PROCESS,              \
                   SERVICE_DEMAND_START, SERVICE_ERROR_NORMAL, path, group, tagp, deps, NULL, \
                   password)
    expect_fail(CREATE(NULL, "/bin/x", NULL, NULL, NULL, NULL), ERROR_INVALID_PARAMETER);
    expect_fail(CREATE("X", NULL, NULL, NULL, NULL, NULL), ERROR_INVALID_PARAMETER);
    expect_fail(CREATE("", "/bin/x", NULL, NULL, NULL, NULL), ERROR_INVALID_NAME);
    expect_fail(CREATE("X", "", NULL, NULL, NULL, NULL), ERROR_INVALID_PARAMETER);
    expect_fail(CREATE("X", "/bin/x", NULL, &tag, NULL, NULL), ERROR_INVALID_PARAMETER);
    expect_fail(CREATE("X", "/bin/x", NULL, NULL, NULL, "secret"), ERROR_INVALID_PARAMETER);
    expect_fail(CREATE("X", "/bin/x", NULL, NULL, "A\0+\0", NULL), ERROR_INVALID_PARAMETER);
    ck_assert_uint_eq(count_type(SVC_MSG_CREATE_SERVICE), 0);

    set_handler(service_exists);
    expect_fail(CREATE("X", "/bin/x", NULL, NULL, NULL, NULL), ERROR_SERVICE_EXISTS);
    ck_assert_uint_eq(count_type(SVC_MSG_CREATE_SERVICE), 1);
#undef CREATE
    ck_assert(CloseServiceHandle(m));
}
END_TEST

/* ---- StartService / ControlService / DeleteService ----------------------- */

static enum fake_action already_running(const struct fake_req *req, struct svc_rbuf *r,
                                        struct svc_wbuf *w)
{
    if (req->type == SVC_MSG_START_SERVICE) {
        svc_put_u32(w, ERROR_SERVICE_ALREADY_RUNNING);
        return FAKE_REPLY;
    }
    return standard_reply(req, r, w);
}

START_TEST(start_service_args)
{
    LPCSTR args[] = {"--port", "80 81"};
    struct svc_rbuf r;
    char **v;
    SC_HANDLE m, s;

    m = open_manager(SC_MANAGER_CONNECT);
    s = open_service(m, "Echo", SERVICE_START);
    ck_assert(StartServiceA(s, 2, args));
    r = last_req(SVC_MSG_START_SERVICE);
    expect_str(&r, "Echo");
    v = svc_get_strv(&r);
    expect_strv(v, "--port", "80 81", NULL);
    svc_strv_free(v);
    ck_assert_int_eq(svc_rbuf_end(&r), 0);

    ck_assert(StartServiceA(s, 0, NULL));
    r = last_req(SVC_MSG_START_SERVICE);
    expect_str(&r, "Echo");
    ck_assert_uint_eq(svc_get_u32(&r), 0);
    ck_assert_int_eq(svc_rbuf_end(&r), 0);

    expect_fail(StartServiceA(s, 1, NULL), ERROR_INVALID_PARAMETER);
    args[1] = NULL;
    expect_fail(StartServiceA(s, 2, args), ERROR_INVALID_PARAMETER);
    ck_assert_uint_eq(count_type(SVC_MSG_START_SERVICE), 2);

    set_handler(already_running);
    expect_fail(StartServiceA(s, 0, NULL), ERROR_SERVICE_ALREADY_RUNNING);
    ck_assert(CloseServiceHandle(s));
    ck_assert(CloseServiceHandle(m));
}
END_TEST

static enum fake_action control_reply(const struct fake_req *req, struct svc_rbuf *r,
                                      struct svc_wbuf *w)
{
    if (req->type == SVC_MSG_CONTROL_SERVICE) {
        SERVICE_STATUS_PROCESS st = mkstatus(SERVICE_STOP_PENDING, 4242);

        st.dwCheckPoint = 1;
        st.dwWaitHint = 3000;
        svc_put_u32(w, G.control_error);
        if (G.control_error == NO_ERROR)
            svc_put_status(w, &st);
        return FAKE_REPLY;
    }
    if (req->type == SVC_MSG_QUERY_STATUS) {
        SERVICE_STATUS_PROCESS st = mkstatus(SERVICE_STOPPED, 0);

        st.dwWin32ExitCode = ERROR_SERVICE_SPECIFIC_ERROR;
        st.dwServiceSpecificExitCode = 7;
        svc_put_u32(w, NO_ERROR);
        svc_put_status(w, &st);
        return FAKE_REPLY;
    }
    return standard_reply(req, r, w);
}

START_TEST(control_service)
{
    SERVICE_STATUS st;
    struct svc_rbuf r;
    SC_HANDLE m, s;

    set_handler(control_reply);
    m = open_manager(SC_MANAGER_CONNECT);
    s = open_service(m, "Echo", SERVICE_ALL_ACCESS);

    memset(&st, 0xff, sizeof st);
    ck_assert(ControlService(s, SERVICE_CONTROL_STOP, &st));
    r = last_req(SVC_MSG_CONTROL_SERVICE);
    expect_str(&r, "Echo");
    ck_assert_uint_eq(svc_get_u32(&r), SERVICE_CONTROL_STOP);
    ck_assert_int_eq(svc_rbuf_end(&r), 0);
    ck_assert_uint_eq(st.dwCurrentState, SERVICE_STOP_PENDING);
    ck_assert_uint_eq(st.dwCheckPoint, 1);
    ck_assert_uint_eq(st.dwWaitHint, 3000);
    ck_assert_uint_eq(st.dwServiceType, SERVICE_WIN32_SHARE_PROCESS);

    ck_assert(ControlService(s, 128, &st));
    r = last_req(SVC_MSG_CONTROL_SERVICE);
    expect_str(&r, "Echo");
    ck_assert_uint_eq(svc_get_u32(&r), 128);

    /* These errors come with the service's status, as on Windows. */
    G.control_error = ERROR_SERVICE_NOT_ACTIVE;
    memset(&st, 0, sizeof st);
    expect_fail(ControlService(s, SERVICE_CONTROL_STOP, &st), ERROR_SERVICE_NOT_ACTIVE);
    ck_assert_uint_eq(st.dwCurrentState, SERVICE_STOPPED);
    ck_assert_uint_eq(st.dwWin32ExitCode, ERROR_SERVICE_SPECIFIC_ERROR);
    ck_assert_uint_eq(st.dwServiceSpecificExitCode, 7);

    G.control_error = ERROR_SERVICE_REQUEST_TIMEOUT;
    memset(&st, 0, sizeof st);
    expect_fail(ControlService(s, SERVICE_CONTROL_PAUSE, &st), ERROR_SERVICE_REQUEST_TIMEOUT);
    ck_assert_uint_eq(st.dwCurrentState, 0);

    /* Codes ControlService does not send, checked before any request. */
    size_t before = n_reqs();
    expect_fail(ControlService(s, SERVICE_CONTROL_SHUTDOWN, &st), ERROR_INVALID_PARAMETER);
    expect_fail(ControlService(s, SERVICE_CONTROL_PRESHUTDOWN, &st), ERROR_INVALID_PARAMETER);
    expect_fail(ControlService(s, 0, &st), ERROR_INVALID_PARAMETER);
    expect_fail(ControlService(s, 256, &st), ERROR_INVALID_PARAMETER);
    expect_fail(ControlService(s, SERVICE_CONTROL_STOP, NULL), ERROR_INVALID_PARAMETER);
    ck_assert_uint_eq(n_reqs(), before);
    ck_assert(CloseServiceHandle(s));
    ck_assert(CloseServiceHandle(m));
}
END_TEST

START_TEST(delete_service)
{
    SERVICE_STATUS st;
    struct svc_rbuf r;
    SC_HANDLE m, s;

    m = open_manager(SC_MANAGER_CONNECT);
    s = open_service(m, "Echo", DELETE | SERVICE_QUERY_STATUS);
    ck_assert(DeleteService(s));
    r = last_req(SVC_MSG_DELETE_SERVICE);
    expect_str(&r, "Echo");
    ck_assert_int_eq(svc_rbuf_end(&r), 0);
    /* The handle stays usable until closed. */
    ck_assert(QueryServiceStatus(s, &st));
    ck_assert(CloseServiceHandle(s));
    ck_assert(CloseServiceHandle(m));
}
END_TEST

/* ---- QueryServiceStatus(Ex) ---------------------------------------------- */

START_TEST(query_status_ex)
{
    SERVICE_STATUS_PROCESS sp;
    SERVICE_STATUS st;
    BYTE buf[64];
    DWORD needed;
    SC_HANDLE m, s;

    /* The level is checked first, then the buffer, then the handle. */
    expect_fail(QueryServiceStatusEx(NULL, (SC_STATUS_TYPE)1, NULL, 0, NULL), ERROR_INVALID_LEVEL);
    needed = 0;
    expect_fail(QueryServiceStatusEx(NULL, SC_STATUS_PROCESS_INFO, NULL, 0, &needed),
                ERROR_INSUFFICIENT_BUFFER);
    ck_assert_uint_eq(needed, sizeof(SERVICE_STATUS_PROCESS));

    m = open_manager(SC_MANAGER_CONNECT);
    s = open_service(m, "Echo", SERVICE_QUERY_STATUS);
    needed = 0;
    expect_fail(QueryServiceStatusEx(s, SC_STATUS_PROCESS_INFO, buf,
                                     sizeof(SERVICE_STATUS_PROCESS) - 1, &needed),
                ERROR_INSUFFICIENT_BUFFER);
    ck_assert_uint_eq(needed, sizeof(SERVICE_STATUS_PROCESS));
    expect_fail(QueryServiceStatusEx(s, SC_STATUS_PROCESS_INFO, buf, sizeof buf, NULL),
                ERROR_INVALID_PARAMETER);
    ck_assert_uint_eq(count_type(SVC_MSG_QUERY_STATUS), 0);

    /* An odd offset: the caller's buffer need not be aligned. */
    ck_assert(QueryServiceStatusEx(s, SC_STATUS_PROCESS_INFO, buf + 1, sizeof buf - 1, &needed));
    memcpy(&sp, buf + 1, sizeof sp);
    ck_assert_uint_eq(sp.dwCurrentState, SERVICE_RUNNING);
    ck_assert_uint_eq(sp.dwProcessId, 4242);
    ck_assert_uint_eq(sp.dwControlsAccepted, SERVICE_ACCEPT_STOP);

    ck_assert(QueryServiceStatus(s, &st));
    ck_assert_uint_eq(st.dwCurrentState, SERVICE_RUNNING);
    ck_assert_uint_eq(st.dwServiceType, SERVICE_WIN32_SHARE_PROCESS);
    expect_fail(QueryServiceStatus(s, NULL), ERROR_INVALID_PARAMETER);
    ck_assert(CloseServiceHandle(s));
    ck_assert(CloseServiceHandle(m));
}
END_TEST

/* ---- QueryServiceConfig(2) ----------------------------------------------- */

static enum fake_action config_reply(const struct fake_req *req, struct svc_rbuf *r,
                                     struct svc_wbuf *w)
{
    static char *deps[] = {"RpcSs", "Tcpip", NULL};
    static char *groups[] = {"NetGroup", NULL};
    static char *params[] = {"Greeting=hello world", "Port=8080", NULL};
    static char *none[] = {NULL};
    static struct svc_msg_action actions[] = {
        {SC_ACTION_RESTART, 60000}, {SC_ACTION_RUN_COMMAND, 1000}, {SC_ACTION_REBOOT, 0},
    };

    if (req->type == SVC_MSG_QUERY_CONFIG) {
        struct svc_msg_config c = {
            .mask = SVC_CFG_ALL,
            .name = "Echo",
            .display_name = "Echo service",
            .description = "Answers what it hears",
            .type = SERVICE_WIN32_SHARE_PROCESS,
            .start = SERVICE_AUTO_START,
            .error_control = SERVICE_ERROR_NORMAL,
            .image_path = "svchost -k demo",
            .load_order_group = NULL,
            .depend_on_service = deps,
            .depend_on_group = groups,
            .object_name = "LocalSystem",
            .service_dll = "/lib/echo.so",
            .service_main = NULL,
            .params = params,
            .failure_reset_s = 86400,
            .failure_actions = actions,
            .n_failure_actions = 3,
            .failure_command = "/bin/notify %1%",
            .reboot_message = "Echo failed",
            .failure_non_crash = 1,
            .preshutdown_timeout_ms = 180000,
            .delayed_autostart = 1,
        };
        if (G.config_variant == 1) {
            /* A bare service: nothing optional set. */
            c.display_name = NULL;
            c.description = NULL;
            c.depend_on_service = none;
            c.depend_on_group = none;
            c.object_name = NULL;
            c.service_dll = NULL;
            c.params = none;
            c.failure_reset_s = 0;
            c.failure_actions = NULL;
            c.n_failure_actions = 0;
            c.failure_command = NULL;
            c.reboot_message = NULL;
            c.failure_non_crash = 0;
            c.preshutdown_timeout_ms = 10000;
            c.delayed_autostart = 0;
        }
        svc_put_u32(w, NO_ERROR);
        svc_put_config(w, &c);
        return FAKE_REPLY;
    }
    return standard_reply(req, r, w);
}

static void expect_in(const void *p, const void *buf, size_t size)
{
    ck_assert((const char *)p >= (const char *)buf &&
              (const char *)p < (const char *)buf + size);
}

START_TEST(query_config)
{
    const char deps[] = "RpcSs\0Tcpip\0+NetGroup\0";
    QUERY_SERVICE_CONFIGA q;
    size_t want;
    DWORD needed;
    char *buf;
    struct svc_rbuf r;
    SC_HANDLE m, s;

    set_handler(config_reply);
    m = open_manager(SC_MANAGER_CONNECT);
    s = open_service(m, "Echo", SERVICE_QUERY_CONFIG);

    want = sizeof(QUERY_SERVICE_CONFIGA) + sizeof "svchost -k demo" + 1 + sizeof deps +
           sizeof "LocalSystem" + sizeof "Echo service";
    needed = 0;
    expect_fail(QueryServiceConfigA(s, NULL, 0, &needed), ERROR_INSUFFICIENT_BUFFER);
    ck_assert_uint_eq(needed, want);
    r = last_req(SVC_MSG_QUERY_CONFIG);
    expect_str(&r, "Echo");
    ck_assert_int_eq(svc_rbuf_end(&r), 0);

    buf = malloc(want);
    expect_fail(QueryServiceConfigA(s, (LPQUERY_SERVICE_CONFIGA)buf, (DWORD)want - 1, &needed),
                ERROR_INSUFFICIENT_BUFFER);
    ck_assert_uint_eq(needed, want);
    needed = 0;
    ck_assert(QueryServiceConfigA(s, (LPQUERY_SERVICE_CONFIGA)buf, (DWORD)want, &needed));
    memcpy(&q, buf, sizeof q);
    ck_assert_uint_eq(q.dwServiceType, SERVICE_WIN32_SHARE_PROCESS);
    ck_assert_uint_eq(q.dwStartType, SERVICE_AUTO_START);
    ck_assert_uint_eq(q.dwErrorControl, SERVICE_ERROR_NORMAL);
    ck_assert_uint_eq(q.dwTagId, 0);
    ck_assert_str_eq(q.lpBinaryPathName, "svchost -k demo");
    ck_assert_str_eq(q.lpLoadOrderGroup, "");
    ck_assert_str_eq(q.lpServiceStartName, "LocalSystem");
    ck_assert_str_eq(q.lpDisplayName, "Echo service");
    ck_assert_mem_eq(q.lpDependencies, deps, sizeof deps);
    expect_in(q.lpBinaryPathName, buf, want);
    expect_in(q.lpLoadOrderGroup, buf, want);
    expect_in(q.lpDependencies + sizeof deps - 1, buf, want);
    expect_in(q.lpServiceStartName, buf, want);
    expect_in(q.lpDisplayName + strlen(q.lpDisplayName), buf, want);
    free(buf);

    /* Nothing optional: empty strings, never NULL; the display name
     * defaults to the key name; an empty list still ends in two NULs. */
    G.config_variant = 1;
    want = sizeof(QUERY_SERVICE_CONFIGA) + sizeof "svchost -k demo" + 1 + 2 + 1 + sizeof "Echo";
    expect_fail(QueryServiceConfigA(s, NULL, 0, &needed), ERROR_INSUFFICIENT_BUFFER);
    ck_assert_uint_eq(needed, want);
    buf = malloc(want);
    ck_assert(QueryServiceConfigA(s, (LPQUERY_SERVICE_CONFIGA)buf, (DWORD)want, &needed));
    memcpy(&q, buf, sizeof q);
    ck_assert_mem_eq(q.lpDependencies, "\0", 2);
    ck_assert_str_eq(q.lpServiceStartName, "");
    ck_assert_str_eq(q.lpDisplayName, "Echo");
    free(buf);

    expect_fail(QueryServiceConfigA(s, NULL, 0, NULL), ERROR_INVALID_PARAMETER);
    expect_fail(QueryServiceConfigA(s, NULL, 100, &needed), ERROR_INVALID_PARAMETER);
    ck_assert(CloseServiceHandle(s));
    ck_assert(CloseServiceHandle(m));
}
END_TEST

START_TEST(query_config2)
{
    SERVICE_DESCRIPTIONA d;
    SVCHOST_SERVICE_DLL_INFO dll;
    SVCHOST_PARAMETERS_INFO pi;
    const char params[] = "Greeting=hello world\0Port=8080\0";
    BYTE buf[512];
    DWORD needed;
    SC_HANDLE m, s;

    set_handler(config_reply);
    m = open_manager(SC_MANAGER_CONNECT);
    s = open_service(m, "Echo", SERVICE_QUERY_CONFIG);

    needed = 0;
    expect_fail(QueryServiceConfig2A(s, SERVICE_CONFIG_DESCRIPTION, NULL, 0, &needed),
                ERROR_INSUFFICIENT_BUFFER);
    ck_assert_uint_eq(needed, sizeof d + sizeof "Answers what it hears");
    expect_fail(QueryServiceConfig2A(s, SERVICE_CONFIG_DESCRIPTION, buf, needed - 1, &needed),
                ERROR_INSUFFICIENT_BUFFER);
    ck_assert(QueryServiceConfig2A(s, SERVICE_CONFIG_DESCRIPTION, buf, needed, &needed));
    memcpy(&d, buf, sizeof d);
    ck_assert_str_eq(d.lpDescription, "Answers what it hears");
    expect_in(d.lpDescription, buf, needed);

    ck_assert(QueryServiceConfig2A(s, SVCHOST_CONFIG_SERVICE_DLL, buf, sizeof buf, &needed));
    ck_assert_uint_eq(needed, sizeof dll + sizeof "/lib/echo.so");
    memcpy(&dll, buf, sizeof dll);
    ck_assert_str_eq(dll.lpServiceDll, "/lib/echo.so");
    ck_assert_ptr_null(dll.lpServiceMain);

    ck_assert(QueryServiceConfig2A(s, SVCHOST_CONFIG_PARAMETERS, buf, sizeof buf, &needed));
    ck_assert_uint_eq(needed, sizeof pi + sizeof params);
    memcpy(&pi, buf, sizeof pi);
    ck_assert_mem_eq(pi.lpParameters, params, sizeof params);

    /* No description: a NULL pointer and just the structure. */
    G.config_variant = 1;
    memset(buf, 0xaa, sizeof buf);
    ck_assert(QueryServiceConfig2A(s, SERVICE_CONFIG_DESCRIPTION, buf, sizeof buf, &needed));
    ck_assert_uint_eq(needed, sizeof d);
    memcpy(&d, buf, sizeof d);
    ck_assert_ptr_null(d.lpDescription);
    ck_assert(QueryServiceConfig2A(s, SVCHOST_CONFIG_PARAMETERS, buf, sizeof buf, &needed));
    ck_assert_uint_eq(needed, sizeof pi + 2);
    memcpy(&pi, buf, sizeof pi);
    ck_assert_mem_eq(pi.lpParameters, "\0", 2);

    expect_fail(QueryServiceConfig2A(s, 0xfff0, buf, sizeof buf, &needed), ERROR_INVALID_LEVEL);
    expect_fail(QueryServiceConfig2A(s, 0xfff0, buf, sizeof buf, NULL), ERROR_INVALID_LEVEL);
    expect_fail(QueryServiceConfig2A(s, SVCHOST_CONFIG_PARAMETER, buf, sizeof buf, &needed),
                ERROR_INVALID_LEVEL);
    expect_fail(QueryServiceConfig2A(s, SERVICE_CONFIG_DESCRIPTION, buf, sizeof buf, NULL),
                ERROR_INVALID_PARAMETER);
    ck_assert(CloseServiceHandle(s));
    ck_assert(CloseServiceHandle(m));
}
END_TEST

/* The Config2 levels of recovery, delayed start and preshutdown, with
 * Win32's buffer rules: the structure, then the SC_ACTION array and the
 * strings in the caller's buffer; 122 with the size needed when short. */
START_TEST(query_config2_failure)
{
    SERVICE_FAILURE_ACTIONSA fa;
    SERVICE_DELAYED_AUTO_START_INFO da;
    SERVICE_FAILURE_ACTIONS_FLAG ff;
    SERVICE_PRESHUTDOWN_INFO ps;
    BYTE buf[512];
    DWORD needed, want;
    SC_HANDLE m, s;

    set_handler(config_reply);
    m = open_manager(SC_MANAGER_CONNECT);
    s = open_service(m, "Echo", SERVICE_QUERY_CONFIG);

    want = sizeof fa + 3 * sizeof(SC_ACTION) + sizeof "Echo failed" + sizeof "/bin/notify %1%";
    needed = 0;
    expect_fail(QueryServiceConfig2A(s, SERVICE_CONFIG_FAILURE_ACTIONS, NULL, 0, &needed),
                ERROR_INSUFFICIENT_BUFFER);
    ck_assert_uint_eq(needed, want);
    memset(buf, 0xaa, sizeof buf);
    expect_fail(QueryServiceConfig2A(s, SERVICE_CONFIG_FAILURE_ACTIONS, buf, want - 1, &needed),
                ERROR_INSUFFICIENT_BUFFER);
    ck_assert_uint_eq(needed, want);
    ck_assert_uint_eq(buf[0], 0xaa);            /* nothing written */
    ck_assert(QueryServiceConfig2A(s, SERVICE_CONFIG_FAILURE_ACTIONS, buf, want, &needed));
    memcpy(&fa, buf, sizeof fa);
    ck_assert_uint_eq(fa.dwResetPeriod, 86400);
    ck_assert_str_eq(fa.lpRebootMsg, "Echo failed");
    ck_assert_str_eq(fa.lpCommand, "/bin/notify %1%");
    ck_assert_uint_eq(fa.cActions, 3);
    ck_assert_ptr_eq(fa.lpsaActions, (void *)(buf + sizeof fa));
    ck_assert_uint_eq((uintptr_t)fa.lpsaActions % _Alignof(SC_ACTION), 0);
    ck_assert_int_eq(fa.lpsaActions[0].Type, SC_ACTION_RESTART);
    ck_assert_uint_eq(fa.lpsaActions[0].Delay, 60000);
    ck_assert_int_eq(fa.lpsaActions[1].Type, SC_ACTION_RUN_COMMAND);
    ck_assert_uint_eq(fa.lpsaActions[1].Delay, 1000);
    ck_assert_int_eq(fa.lpsaActions[2].Type, SC_ACTION_REBOOT);
    expect_in(fa.lpRebootMsg, buf, want);
    expect_in(fa.lpCommand + strlen(fa.lpCommand), buf, want);

    needed = 0;
    expect_fail(QueryServiceConfig2A(s, SERVICE_CONFIG_DELAYED_AUTO_START_INFO, buf, 3, &needed),
                ERROR_INSUFFICIENT_BUFFER);
    ck_assert_uint_eq(needed, sizeof da);
    ck_assert(QueryServiceConfig2A(s, SERVICE_CONFIG_DELAYED_AUTO_START_INFO, buf, sizeof da,
                                   &needed));
    memcpy(&da, buf, sizeof da);
    ck_assert_int_eq(da.fDelayedAutostart, TRUE);
    expect_fail(QueryServiceConfig2A(s, SERVICE_CONFIG_FAILURE_ACTIONS_FLAG, NULL, 0, &needed),
                ERROR_INSUFFICIENT_BUFFER);
    ck_assert_uint_eq(needed, sizeof ff);
    ck_assert(QueryServiceConfig2A(s, SERVICE_CONFIG_FAILURE_ACTIONS_FLAG, buf, sizeof buf,
                                   &needed));
    ck_assert_uint_eq(needed, sizeof ff);
    memcpy(&ff, buf, sizeof ff);
    ck_assert_int_eq(ff.fFailureActionsOnNonCrashFailures, TRUE);
    ck_assert(QueryServiceConfig2A(s, SERVICE_CONFIG_PRESHUTDOWN_INFO, buf, sizeof buf, &needed));
    ck_assert_uint_eq(needed, sizeof ps);
    memcpy(&ps, buf, sizeof ps);
    ck_assert_uint_eq(ps.dwPreshutdownTimeout, 180000);

    /* Nothing set: NULL pointers, no actions, just the structure. */
    G.config_variant = 1;
    memset(buf, 0xaa, sizeof buf);
    ck_assert(QueryServiceConfig2A(s, SERVICE_CONFIG_FAILURE_ACTIONS, buf, sizeof buf, &needed));
    ck_assert_uint_eq(needed, sizeof fa);
    memcpy(&fa, buf, sizeof fa);
    ck_assert_uint_eq(fa.dwResetPeriod, 0);
    ck_assert_ptr_null(fa.lpRebootMsg);
    ck_assert_ptr_null(fa.lpCommand);
    ck_assert_uint_eq(fa.cActions, 0);
    ck_assert_ptr_null(fa.lpsaActions);
    ck_assert(QueryServiceConfig2A(s, SERVICE_CONFIG_DELAYED_AUTO_START_INFO, buf, sizeof buf,
                                   &needed));
    memcpy(&da, buf, sizeof da);
    ck_assert_int_eq(da.fDelayedAutostart, FALSE);
    ck_assert(QueryServiceConfig2A(s, SERVICE_CONFIG_PRESHUTDOWN_INFO, buf, sizeof buf, &needed));
    memcpy(&ps, buf, sizeof ps);
    ck_assert_uint_eq(ps.dwPreshutdownTimeout, 10000);

    /* A buffer pointer of NULL with a size is a parameter error. */
    expect_fail(QueryServiceConfig2A(s, SERVICE_CONFIG_PRESHUTDOWN_INFO, NULL, 4, &needed),
                ERROR_INVALID_PARAMETER);
    ck_assert(CloseServiceHandle(s));
    ck_assert(CloseServiceHandle(m));
}
END_TEST

/* ---- ChangeServiceConfig(2) ---------------------------------------------- */

/* Decodes the last CHANGE_CONFIG request. */
static void last_change(struct svc_msg_config *c)
{
    struct svc_rbuf r = last_req(SVC_MSG_CHANGE_CONFIG);

    ck_assert_int_eq(svc_get_config(&r, c), 0);
    ck_assert_int_eq(svc_rbuf_end(&r), 0);
    ck_assert_str_eq(c->name, "Echo");
}

static enum fake_action marked_for_delete(const struct fake_req *req, struct svc_rbuf *r,
                                          struct svc_wbuf *w)
{
    if (req->type == SVC_MSG_CHANGE_CONFIG) {
        svc_put_u32(w, ERROR_SERVICE_MARKED_FOR_DELETE);
        return FAKE_REPLY;
    }
    return standard_reply(req, r, w);
}

START_TEST(change_config)
{
    struct svc_msg_config c;
    DWORD tag = 5;
    SC_HANDLE m, s;

    m = open_manager(SC_MANAGER_CONNECT);
    s = open_service(m, "Echo", SERVICE_CHANGE_CONFIG);

    ck_assert(ChangeServiceConfigA(s, SERVICE_NO_CHANGE, SERVICE_DEMAND_START, SERVICE_NO_CHANGE,
                                   NULL, NULL, NULL, NULL, NULL, NULL, "New name"));
    last_change(&c);
    ck_assert_uint_eq(c.mask, SVC_CFG_START | SVC_CFG_DISPLAY_NAME);
    ck_assert_uint_eq(c.start, SERVICE_DEMAND_START);
    ck_assert_str_eq(c.display_name, "New name");
    ck_assert_ptr_null(c.image_path);
    ck_assert_ptr_null(c.depend_on_service);
    svc_msg_config_free(&c);

    ck_assert(ChangeServiceConfigA(s, SERVICE_WIN32_OWN_PROCESS, SERVICE_NO_CHANGE,
                                   SERVICE_ERROR_SEVERE, "/bin/echo -x", "", &tag,
                                   "A\0+G\0", "nobody", "", NULL));
    ck_assert_uint_eq(tag, 0);
    last_change(&c);
    ck_assert_uint_eq(c.mask, SVC_CFG_TYPE | SVC_CFG_ERROR_CONTROL | SVC_CFG_IMAGE_PATH |
                                  SVC_CFG_LOAD_ORDER_GROUP | SVC_CFG_DEPENDENCIES |
                                  SVC_CFG_OBJECT_NAME);
    ck_assert_uint_eq(c.type, SERVICE_WIN32_OWN_PROCESS);
    ck_assert_uint_eq(c.error_control, SERVICE_ERROR_SEVERE);
    ck_assert_str_eq(c.image_path, "/bin/echo -x");
    ck_assert_str_eq(c.load_order_group, "");
    expect_strv(c.depend_on_service, "A", NULL);
    expect_strv(c.depend_on_group, "G", NULL);
    ck_assert_str_eq(c.object_name, "nobody");
    svc_msg_config_free(&c);

    /* An empty dependency list clears both lists. */
    ck_assert(ChangeServiceConfigA(s, SERVICE_NO_CHANGE, SERVICE_NO_CHANGE, SERVICE_NO_CHANGE,
                                   NULL, NULL, NULL, "\0", NULL, NULL, NULL));
    last_change(&c);
    ck_assert_uint_eq(c.mask, SVC_CFG_DEPENDENCIES);
    expect_strv(c.depend_on_service, NULL);
    expect_strv(c.depend_on_group, NULL);
    svc_msg_config_free(&c);

    /* Nothing to change still asks: the service must exist. */
    ck_assert(ChangeServiceConfigA(s, SERVICE_NO_CHANGE, SERVICE_NO_CHANGE, SERVICE_NO_CHANGE,
                                   NULL, NULL, NULL, NULL, NULL, NULL, NULL));
    last_change(&c);
    ck_assert_uint_eq(c.mask, 0);
    svc_msg_config_free(&c);

    size_t before = count_type(SVC_MSG_CHANGE_CONFIG);
    expect_fail(ChangeServiceConfigA(s, SERVICE_NO_CHANGE, SERVICE_NO_CHANGE, SERVICE_NO_CHANGE,
                                     NULL, NULL, NULL, NULL, NULL, "secret", NULL),
                ERROR_INVALID_PARAMETER);
    expect_fail(ChangeServiceConfigA(s, SERVICE_NO_CHANGE, SERVICE_NO_CHANGE, SERVICE_NO_CHANGE,
                                     "", NULL, NULL, NULL, NULL, NULL, NULL),
                ERROR_INVALID_PARAMETER);
    ck_assert_uint_eq(count_type(SVC_MSG_CHANGE_CONFIG), before);

    set_handler(marked_for_delete);
    expect_fail(ChangeServiceConfigA(s, SERVICE_NO_CHANGE, SERVICE_DISABLED, SERVICE_NO_CHANGE,
                                     NULL, NULL, NULL, NULL, NULL, NULL, NULL),
                ERROR_SERVICE_MARKED_FOR_DELETE);
    ck_assert(CloseServiceHandle(s));
    ck_assert(CloseServiceHandle(m));
}
END_TEST

START_TEST(change_config2)
{
    struct svc_msg_config c;
    SERVICE_DESCRIPTIONA d;
    SVCHOST_SERVICE_DLL_INFO dll;
    SVCHOST_PARAMETER_INFO p;
    SC_HANDLE m, s;
    size_t before;

    m = open_manager(SC_MANAGER_CONNECT);
    s = open_service(m, "Echo", SERVICE_CHANGE_CONFIG);

    d.lpDescription = "Says it again";
    ck_assert(ChangeServiceConfig2A(s, SERVICE_CONFIG_DESCRIPTION, &d));
    last_change(&c);
    ck_assert_uint_eq(c.mask, SVC_CFG_DESCRIPTION);
    ck_assert_str_eq(c.description, "Says it again");
    svc_msg_config_free(&c);

    d.lpDescription = "";
    ck_assert(ChangeServiceConfig2A(s, SERVICE_CONFIG_DESCRIPTION, &d));
    last_change(&c);
    ck_assert_uint_eq(c.mask, SVC_CFG_DESCRIPTION);
    ck_assert_str_eq(c.description, "");
    svc_msg_config_free(&c);

    dll.lpServiceDll = "/lib/echo2.so";
    dll.lpServiceMain = NULL;
    ck_assert(ChangeServiceConfig2A(s, SVCHOST_CONFIG_SERVICE_DLL, &dll));
    last_change(&c);
    ck_assert_uint_eq(c.mask, SVC_CFG_SERVICE_DLL);
    ck_assert_str_eq(c.service_dll, "/lib/echo2.so");
    ck_assert_ptr_null(c.service_main);
    svc_msg_config_free(&c);

    dll.lpServiceDll = NULL;
    dll.lpServiceMain = "EchoMain";
    ck_assert(ChangeServiceConfig2A(s, SVCHOST_CONFIG_SERVICE_DLL, &dll));
    last_change(&c);
    ck_assert_uint_eq(c.mask, SVC_CFG_SERVICE_MAIN);
    ck_assert_str_eq(c.service_main, "EchoMain");
    svc_msg_config_free(&c);

    p.lpName = "Greeting";
    p.lpValue = "a=b c";
    ck_assert(ChangeServiceConfig2A(s, SVCHOST_CONFIG_PARAMETER, &p));
    last_change(&c);
    ck_assert_uint_eq(c.mask, SVC_CFG_PARAMS);
    expect_strv(c.params, "Greeting=a=b c", NULL);
    svc_msg_config_free(&c);

    p.lpValue = NULL;
    ck_assert(ChangeServiceConfig2A(s, SVCHOST_CONFIG_PARAMETER, &p));
    last_change(&c);
    expect_strv(c.params, "Greeting=", NULL);
    svc_msg_config_free(&c);

    /* Unchanged: nothing to send. */
    before = count_type(SVC_MSG_CHANGE_CONFIG);
    d.lpDescription = NULL;
    ck_assert(ChangeServiceConfig2A(s, SERVICE_CONFIG_DESCRIPTION, &d));
    ck_assert(ChangeServiceConfig2A(s, SERVICE_CONFIG_DESCRIPTION, NULL));
    dll.lpServiceDll = dll.lpServiceMain = NULL;
    ck_assert(ChangeServiceConfig2A(s, SVCHOST_CONFIG_SERVICE_DLL, &dll));

    p.lpName = "a=b";
    expect_fail(ChangeServiceConfig2A(s, SVCHOST_CONFIG_PARAMETER, &p), ERROR_INVALID_PARAMETER);
    p.lpName = "";
    expect_fail(ChangeServiceConfig2A(s, SVCHOST_CONFIG_PARAMETER, &p), ERROR_INVALID_PARAMETER);
    p.lpName = NULL;
    expect_fail(ChangeServiceConfig2A(s, SVCHOST_CONFIG_PARAMETER, &p), ERROR_INVALID_PARAMETER);
    expect_fail(ChangeServiceConfig2A(s, SVCHOST_CONFIG_PARAMETERS, &p), ERROR_INVALID_LEVEL);
    expect_fail(ChangeServiceConfig2A(s, 0xfff0, &p), ERROR_INVALID_LEVEL);
    ck_assert_uint_eq(count_type(SVC_MSG_CHANGE_CONFIG), before);
    ck_assert(CloseServiceHandle(s));
    ck_assert(CloseServiceHandle(m));
}
END_TEST

/* SERVICE_FAILURE_ACTIONS: NULL members keep, "" and cActions 0 delete;
 * a restart action needs SERVICE_START; the BOOL levels send 0 or 1. */
START_TEST(change_config2_failure)
{
    SC_ACTION acts[2] = {{SC_ACTION_RUN_COMMAND, 5000}, {SC_ACTION_RESTART, 0}};
    SERVICE_FAILURE_ACTIONSA fa = {3600, "bye", "/bin/true", 2, acts};
    SERVICE_DELAYED_AUTO_START_INFO da = {5};
    SERVICE_FAILURE_ACTIONS_FLAG ff = {0};
    SERVICE_PRESHUTDOWN_INFO ps = {0xFFFFFFFFu};
    struct svc_msg_config c;
    size_t before;
    SC_HANDLE m, s, nostart;

    m = open_manager(SC_MANAGER_CONNECT);
    s = open_service(m, "Echo", SERVICE_CHANGE_CONFIG | SERVICE_START);
    nostart = open_service(m, "Echo", SERVICE_CHANGE_CONFIG);

    ck_assert(ChangeServiceConfig2A(s, SERVICE_CONFIG_FAILURE_ACTIONS, &fa));
    last_change(&c);
    ck_assert_uint_eq(c.mask, SVC_CFG_FAILURE_ACTIONS | SVC_CFG_REBOOT_MESSAGE |
                                  SVC_CFG_FAILURE_COMMAND);
    ck_assert_uint_eq(c.failure_reset_s, 3600);
    ck_assert_uint_eq(c.n_failure_actions, 2);
    ck_assert_uint_eq(c.failure_actions[0].type, SC_ACTION_RUN_COMMAND);
    ck_assert_uint_eq(c.failure_actions[0].delay_ms, 5000);
    ck_assert_uint_eq(c.failure_actions[1].type, SC_ACTION_RESTART);
    ck_assert_str_eq(c.reboot_message, "bye");
    ck_assert_str_eq(c.failure_command, "/bin/true");
    svc_msg_config_free(&c);

    /* lpsaActions NULL keeps the actions and the reset period. */
    fa.lpsaActions = NULL;
    fa.lpRebootMsg = "";
    fa.lpCommand = NULL;
    ck_assert(ChangeServiceConfig2A(s, SERVICE_CONFIG_FAILURE_ACTIONS, &fa));
    last_change(&c);
    ck_assert_uint_eq(c.mask, SVC_CFG_REBOOT_MESSAGE);
    ck_assert_str_eq(c.reboot_message, "");
    svc_msg_config_free(&c);
    /* cActions 0 with an array deletes both. */
    fa.lpsaActions = acts;
    fa.cActions = 0;
    fa.lpRebootMsg = NULL;
    ck_assert(ChangeServiceConfig2A(nostart, SERVICE_CONFIG_FAILURE_ACTIONS, &fa));
    last_change(&c);
    ck_assert_uint_eq(c.mask, SVC_CFG_FAILURE_ACTIONS);
    ck_assert_uint_eq(c.n_failure_actions, 0);
    ck_assert_uint_eq(c.failure_reset_s, 0);
    svc_msg_config_free(&c);

    /* A restart action without SERVICE_START: 5, nothing sent; the same
     * list without the restart goes through on that handle. */
    before = count_type(SVC_MSG_CHANGE_CONFIG);
    fa.cActions = 2;
    expect_fail(ChangeServiceConfig2A(nostart, SERVICE_CONFIG_FAILURE_ACTIONS, &fa),
                ERROR_ACCESS_DENIED);
    ck_assert_uint_eq(count_type(SVC_MSG_CHANGE_CONFIG), before);
    fa.cActions = 1;
    ck_assert(ChangeServiceConfig2A(nostart, SERVICE_CONFIG_FAILURE_ACTIONS, &fa));
    ck_assert_uint_eq(count_type(SVC_MSG_CHANGE_CONFIG), before + 1);

    /* Nothing to change: nothing sent. */
    fa.lpsaActions = NULL;
    ck_assert(ChangeServiceConfig2A(s, SERVICE_CONFIG_FAILURE_ACTIONS, &fa));
    ck_assert_uint_eq(count_type(SVC_MSG_CHANGE_CONFIG), before + 1);

    ck_assert(ChangeServiceConfig2A(s, SERVICE_CONFIG_DELAYED_AUTO_START_INFO, &da));
    last_change(&c);
    ck_assert_uint_eq(c.mask, SVC_CFG_DELAYED_AUTOSTART);
    ck_assert_uint_eq(c.delayed_autostart, 1);      /* TRUE is any non-zero */
    svc_msg_config_free(&c);
    ck_assert(ChangeServiceConfig2A(s, SERVICE_CONFIG_FAILURE_ACTIONS_FLAG, &ff));
    last_change(&c);
    ck_assert_uint_eq(c.mask, SVC_CFG_FAILURE_FLAG);
    ck_assert_uint_eq(c.failure_non_crash, 0);
    svc_msg_config_free(&c);
    ck_assert(ChangeServiceConfig2A(s, SERVICE_CONFIG_PRESHUTDOWN_INFO, &ps));
    last_change(&c);
    ck_assert_uint_eq(c.mask, SVC_CFG_PRESHUTDOWN);
    ck_assert_uint_eq(c.preshutdown_timeout_ms, 0xFFFFFFFFu);
    svc_msg_config_free(&c);

    /* SERVICE_CHANGE_CONFIG is needed for every level. */
    {
        SC_HANDLE q = open_service(m, "Echo", SERVICE_QUERY_CONFIG | SERVICE_START);

        expect_fail(ChangeServiceConfig2A(q, SERVICE_CONFIG_PRESHUTDOWN_INFO, &ps),
                    ERROR_ACCESS_DENIED);
        ck_assert(CloseServiceHandle(q));
    }
    ck_assert(CloseServiceHandle(nostart));
    ck_assert(CloseServiceHandle(s));
    ck_assert(CloseServiceHandle(m));
}
END_TEST

/* ---- Enumerations ------------------------------------------------------------ */

static const struct {
    const char *name, *display;
    DWORD state, pid;
} g_services[] = {
    {"Alpha", "Alpha service", SERVICE_RUNNING, 10},
    {"Beta", "B", SERVICE_STOPPED, 0},
    {"Gamma", "The gamma service", SERVICE_RUNNING, 11},
};
#define N_SERVICES (sizeof g_services / sizeof g_services[0])

static void put_services(struct svc_wbuf *w)
{
    svc_put_u32(w, NO_ERROR);
    svc_put_u32(w, N_SERVICES);
    for (size_t i = 0; i < N_SERVICES; i++) {
        SERVICE_STATUS_PROCESS st = mkstatus(g_services[i].state, g_services[i].pid);

        svc_put_str(w, g_services[i].name);
        svc_put_str(w, g_services[i].display);
        svc_put_status(w, &st);
    }
}

static enum fake_action services_reply(const struct fake_req *req, struct svc_rbuf *r,
                                       struct svc_wbuf *w)
{
    if (req->type == SVC_MSG_ENUM_SERVICES || req->type == SVC_MSG_ENUM_DEPENDENTS) {
        put_services(w);
        return FAKE_REPLY;
    }
    return standard_reply(req, r, w);
}

static size_t entry_bytes(size_t i, size_t ssz)
{
    return ssz + strlen(g_services[i].name) + 1 + strlen(g_services[i].display) + 1;
}

START_TEST(enum_services)
{
    const size_t ssz = sizeof(ENUM_SERVICE_STATUS_PROCESSA);
    ENUM_SERVICE_STATUS_PROCESSA e;
    DWORD needed, n, resume, total = 0;
    struct svc_rbuf r;
    BYTE *buf;
    SC_HANDLE m;

    for (size_t i = 0; i < N_SERVICES; i++)
        total += (DWORD)entry_bytes(i, ssz);
    set_handler(services_reply);
    m = open_manager(SC_MANAGER_ENUMERATE_SERVICE);

    /* Asking for the size. */
    needed = n = 77;
    expect_fail(EnumServicesStatusExA(m, SC_ENUM_PROCESS_INFO, SERVICE_WIN32, SERVICE_STATE_ALL,
                                      NULL, 0, &needed, &n, NULL, NULL),
                ERROR_MORE_DATA);
    ck_assert_uint_eq(needed, total);
    ck_assert_uint_eq(n, 0);
    r = last_req(SVC_MSG_ENUM_SERVICES);
    ck_assert_uint_eq(svc_get_u32(&r), SERVICE_WIN32);
    ck_assert_uint_eq(svc_get_u32(&r), SERVICE_STATE_ALL);
    expect_str(&r, NULL);
    ck_assert_int_eq(svc_rbuf_end(&r), 0);

    /* Room for the first entry only: the resume handle says where the
     * rest starts, and needed counts only the rest. */
    buf = malloc(total);
    resume = 0;
    expect_fail(EnumServicesStatusExA(m, SC_ENUM_PROCESS_INFO, SERVICE_WIN32, SERVICE_ACTIVE,
                                      buf, (DWORD)entry_bytes(0, ssz) + entry_bytes(1, ssz) - 1,
                                      &needed, &n, &resume, "demo"),
                ERROR_MORE_DATA);
    ck_assert_uint_eq(n, 1);
    ck_assert_uint_eq(resume, 1);
    ck_assert_uint_eq(needed, total - entry_bytes(0, ssz));
    memcpy(&e, buf, sizeof e);
    ck_assert_str_eq(e.lpServiceName, "Alpha");
    ck_assert_str_eq(e.lpDisplayName, "Alpha service");
    ck_assert_uint_eq(e.ServiceStatusProcess.dwProcessId, 10);
    r = last_req(SVC_MSG_ENUM_SERVICES);
    ck_assert_uint_eq(svc_get_u32(&r), SERVICE_WIN32);
    ck_assert_uint_eq(svc_get_u32(&r), SERVICE_ACTIVE);
    expect_str(&r, "demo");

    ck_assert(EnumServicesStatusExA(m, SC_ENUM_PROCESS_INFO, SERVICE_WIN32, SERVICE_ACTIVE, buf,
                                    total, &needed, &n, &resume, "demo"));
    ck_assert_uint_eq(n, 2);
    ck_assert_uint_eq(resume, 0);
    ck_assert_uint_eq(needed, 0);
    memcpy(&e, buf, sizeof e);
    ck_assert_str_eq(e.lpServiceName, "Beta");
    ck_assert_uint_eq(e.ServiceStatusProcess.dwCurrentState, SERVICE_STOPPED);
    memcpy(&e, buf + ssz, sizeof e);
    ck_assert_str_eq(e.lpServiceName, "Gamma");
    ck_assert_str_eq(e.lpDisplayName, "The gamma service");
    expect_in(e.lpDisplayName + strlen(e.lpDisplayName), buf, total);

    /* Everything at once, without a resume handle. */
    ck_assert(EnumServicesStatusExA(m, SC_ENUM_PROCESS_INFO, SERVICE_WIN32, SERVICE_STATE_ALL, buf,
                                    total, &needed, &n, NULL, NULL));
    ck_assert_uint_eq(n, 3);
    free(buf);

    /* Parameter checks, level before handle. */
    expect_fail(EnumServicesStatusExA(NULL, 1, 0, 0, NULL, 0, NULL, NULL, NULL, NULL),
                ERROR_INVALID_LEVEL);
    expect_fail(EnumServicesStatusExA(m, SC_ENUM_PROCESS_INFO, SERVICE_WIN32, SERVICE_STATE_ALL,
                                      NULL, 0, NULL, &n, NULL, NULL),
                ERROR_INVALID_PARAMETER);
    needed = n = 77;
    expect_fail(EnumServicesStatusExA(m, SC_ENUM_PROCESS_INFO, 0, SERVICE_STATE_ALL, NULL, 0,
                                      &needed, &n, NULL, NULL),
                ERROR_INVALID_PARAMETER);
    ck_assert_uint_eq(needed, 0);
    ck_assert_uint_eq(n, 0);
    expect_fail(EnumServicesStatusExA(m, SC_ENUM_PROCESS_INFO, SERVICE_WIN32, 0, NULL, 0, &needed,
                                      &n, NULL, NULL),
                ERROR_INVALID_PARAMETER);
    expect_fail(EnumServicesStatusExA(m, SC_ENUM_PROCESS_INFO, SERVICE_WIN32, 4, NULL, 0, &needed,
                                      &n, NULL, NULL),
                ERROR_INVALID_PARAMETER);
    ck_assert(CloseServiceHandle(m));
}
END_TEST

START_TEST(enum_dependents)
{
    const size_t ssz = sizeof(ENUM_SERVICE_STATUSA);
    ENUM_SERVICE_STATUSA e;
    DWORD needed, n, total = 0;
    struct svc_rbuf r;
    BYTE *buf;
    SC_HANDLE m, s;

    for (size_t i = 0; i < N_SERVICES; i++)
        total += (DWORD)entry_bytes(i, ssz);
    set_handler(services_reply);
    m = open_manager(SC_MANAGER_CONNECT);
    s = open_service(m, "Base", SERVICE_ENUMERATE_DEPENDENTS);

    expect_fail(EnumDependentServicesA(s, SERVICE_ACTIVE, NULL, 0, &needed, &n), ERROR_MORE_DATA);
    ck_assert_uint_eq(needed, total);
    ck_assert_uint_eq(n, 0);
    r = last_req(SVC_MSG_ENUM_DEPENDENTS);
    expect_str(&r, "Base");
    ck_assert_uint_eq(svc_get_u32(&r), SERVICE_ACTIVE);
    ck_assert_int_eq(svc_rbuf_end(&r), 0);

    /* Too small: what fits is returned, needed is for the whole list. */
    buf = malloc(total);
    expect_fail(EnumDependentServicesA(s, SERVICE_STATE_ALL, (LPENUM_SERVICE_STATUSA)buf,
                                       total - 1, &needed, &n),
                ERROR_MORE_DATA);
    ck_assert_uint_eq(needed, total);
    ck_assert_uint_eq(n, 2);

    ck_assert(EnumDependentServicesA(s, SERVICE_STATE_ALL, (LPENUM_SERVICE_STATUSA)buf, total,
                                     &needed, &n));
    ck_assert_uint_eq(n, 3);
    memcpy(&e, buf + 2 * ssz, sizeof e);
    ck_assert_str_eq(e.lpServiceName, "Gamma");
    ck_assert_str_eq(e.lpDisplayName, "The gamma service");
    ck_assert_uint_eq(e.ServiceStatus.dwCurrentState, SERVICE_RUNNING);
    expect_in(e.lpDisplayName + strlen(e.lpDisplayName), buf, total);
    free(buf);

    expect_fail(EnumDependentServicesA(s, 0, NULL, 0, &needed, &n), ERROR_INVALID_PARAMETER);
    expect_fail(EnumDependentServicesA(s, SERVICE_ACTIVE, NULL, 0, &needed, NULL),
                ERROR_INVALID_PARAMETER);
    ck_assert(CloseServiceHandle(s));
    ck_assert(CloseServiceHandle(m));
}
END_TEST

static enum fake_action hosts_reply(const struct fake_req *req, struct svc_rbuf *r,
                                    struct svc_wbuf *w)
{
    static char *demo[] = {"Echo", "Heartbeat", NULL};
    static char *own[] = {"Own", NULL};

    if (req->type == SVC_MSG_ENUM_HOSTS) {
        struct svc_msg_host a = {.pid = 100, .group = "demo", .services = demo};
        struct svc_msg_host b = {.pid = 200, .group = NULL, .services = own};

        svc_put_u32(w, NO_ERROR);
        svc_put_u32(w, 2);
        svc_put_host(w, &a);
        svc_put_host(w, &b);
        return FAKE_REPLY;
    }
    return standard_reply(req, r, w);
}

START_TEST(enum_hosts)
{
    const size_t ssz = sizeof(SVCHOST_HOST_INFO);
    /* Each list ends in an empty string: "Echo\0Heartbeat\0\0". */
    const size_t first = ssz + sizeof "demo" + sizeof "Echo\0Heartbeat\0";
    const size_t total = first + ssz + sizeof "Own\0";
    SVCHOST_HOST_INFO h;
    DWORD needed, n;
    BYTE *buf;
    SC_HANDLE m;

    set_handler(hosts_reply);
    m = open_manager(SC_MANAGER_ENUMERATE_SERVICE);
    expect_fail(SvchostEnumHosts(m, NULL, 0, &needed, &n), ERROR_MORE_DATA);
    ck_assert_uint_eq(needed, total);
    ck_assert_uint_eq(n, 0);
    ck_assert_uint_eq(count_type(SVC_MSG_ENUM_HOSTS), 1);

    buf = malloc(total);
    expect_fail(SvchostEnumHosts(m, buf, (DWORD)total - 1, &needed, &n), ERROR_MORE_DATA);
    ck_assert_uint_eq(needed, total);
    ck_assert_uint_eq(n, 1);

    ck_assert(SvchostEnumHosts(m, buf, (DWORD)total, &needed, &n));
    ck_assert_uint_eq(n, 2);
    memcpy(&h, buf, sizeof h);
    ck_assert_uint_eq(h.dwProcessId, 100);
    ck_assert_str_eq(h.lpGroup, "demo");
    ck_assert_mem_eq(h.lpServices, "Echo\0Heartbeat\0", sizeof "Echo\0Heartbeat\0");
    memcpy(&h, buf + ssz, sizeof h);
    ck_assert_uint_eq(h.dwProcessId, 200);
    ck_assert_ptr_null(h.lpGroup);
    ck_assert_mem_eq(h.lpServices, "Own\0", sizeof "Own\0");
    expect_in(h.lpServices + sizeof "Own\0" - 1, buf, total);
    free(buf);

    expect_fail(SvchostEnumHosts(m, NULL, 0, NULL, &n), ERROR_INVALID_PARAMETER);
    expect_fail(SvchostEnumHosts(m, NULL, 10, &needed, &n), ERROR_INVALID_PARAMETER);
    ck_assert(CloseServiceHandle(m));
}
END_TEST

/* ---- GetServiceDisplayName / GetServiceKeyName ------------------------------ */

static enum fake_action names_reply(const struct fake_req *req, struct svc_rbuf *r,
                                    struct svc_wbuf *w)
{
    if (req->type == SVC_MSG_GET_DISPLAY_NAME || req->type == SVC_MSG_GET_KEY_NAME) {
        char *in = svc_get_str(r);

        if (strcmp(in, "Echo") == 0) {
            svc_put_u32(w, NO_ERROR);
            svc_put_str(w, "Echo service");
        } else if (strcmp(in, "Echo service") == 0) {
            svc_put_u32(w, NO_ERROR);
            svc_put_str(w, "Echo");
        } else {
            svc_put_u32(w, ERROR_SERVICE_DOES_NOT_EXIST);
        }
        free(in);
        return FAKE_REPLY;
    }
    return standard_reply(req, r, w);
}

START_TEST(display_and_key_names)
{
    const DWORD len = sizeof "Echo service" - 1;
    char buf[64];
    DWORD cch;
    struct svc_rbuf r;
    SC_HANDLE m;

    set_handler(names_reply);
    m = open_manager(SC_MANAGER_CONNECT);

    /* Sizes are in characters, without the NUL, on return. */
    cch = 0;
    expect_fail(GetServiceDisplayNameA(m, "Echo", NULL, &cch), ERROR_INSUFFICIENT_BUFFER);
    ck_assert_uint_eq(cch, len);
    r = last_req(SVC_MSG_GET_DISPLAY_NAME);
    expect_str(&r, "Echo");
    ck_assert_int_eq(svc_rbuf_end(&r), 0);

    strcpy(buf, "junk");
    cch = len;
    expect_fail(GetServiceDisplayNameA(m, "Echo", buf, &cch), ERROR_INSUFFICIENT_BUFFER);
    ck_assert_uint_eq(cch, len);
    ck_assert_str_eq(buf, "");

    cch = len + 1;
    ck_assert(GetServiceDisplayNameA(m, "Echo", buf, &cch));
    ck_assert_uint_eq(cch, len);
    ck_assert_str_eq(buf, "Echo service");

    cch = sizeof buf;
    ck_assert(GetServiceKeyNameA(m, "Echo service", buf, &cch));
    ck_assert_uint_eq(cch, 4);
    ck_assert_str_eq(buf, "Echo");
    r = last_req(SVC_MSG_GET_KEY_NAME);
    expect_str(&r, "Echo service");

    /* A failed lookup leaves an empty string where there is room, and
     * the size alone. */
    strcpy(buf, "junk");
    cch = sizeof buf;
    expect_fail(GetServiceKeyNameA(m, "Nope", buf, &cch), ERROR_SERVICE_DOES_NOT_EXIST);
    ck_assert_str_eq(buf, "");
    ck_assert_uint_eq(cch, sizeof buf);
    strcpy(buf, "junk");
    cch = 0;
    expect_fail(GetServiceDisplayNameA(m, "Nope", buf, &cch), ERROR_SERVICE_DOES_NOT_EXIST);
    ck_assert_str_eq(buf, "junk");

    expect_fail(GetServiceDisplayNameA(m, NULL, buf, &cch), ERROR_INVALID_PARAMETER);
    expect_fail(GetServiceDisplayNameA(m, "Echo", buf, NULL), ERROR_INVALID_PARAMETER);
    ck_assert(CloseServiceHandle(m));
}
END_TEST

/* ---- A connection that breaks or lies ------------------------------------ */

static enum fake_action bad_status(const struct fake_req *req, struct svc_rbuf *r,
                                   struct svc_wbuf *w)
{
    if (req->type == SVC_MSG_QUERY_STATUS) {
        SERVICE_STATUS_PROCESS st = mkstatus(SERVICE_RUNNING, 1);

        svc_put_u32(w, NO_ERROR);
        svc_put_status(w, &st);
        if (G.status_trailing)
            svc_put_u32(w, 0);
        return G.status_action;
    }
    return standard_reply(req, r, w);
}

static void expect_bad_reply(enum fake_action act, int trailing, DWORD err)
{
    SERVICE_STATUS st;
    SC_HANDLE m, s, m2, s2;

    G.status_action = act;
    G.status_trailing = trailing;
    set_handler(bad_status);
    m = open_manager(SC_MANAGER_CONNECT);
    s = open_service(m, "Echo", SERVICE_QUERY_STATUS);
    expect_fail(QueryServiceStatus(s, &st), err);
    /* The connection is done for; every later call says so. */
    expect_fail(QueryServiceStatus(s, &st), ERROR_BROKEN_PIPE);
    expect_fail(OpenServiceA(m, "Echo", SERVICE_QUERY_STATUS), ERROR_BROKEN_PIPE);
    ck_assert(CloseServiceHandle(s));
    ck_assert(CloseServiceHandle(m));

    /* A new manager gets a new connection. */
    set_handler(NULL);
    m2 = open_manager(SC_MANAGER_CONNECT);
    s2 = open_service(m2, "Echo", SERVICE_QUERY_STATUS);
    ck_assert(QueryServiceStatus(s2, &st));
    ck_assert(CloseServiceHandle(s2));
    ck_assert(CloseServiceHandle(m2));
}

START_TEST(server_closes)
{
    expect_bad_reply(FAKE_CLOSE, 0, ERROR_BROKEN_PIPE);
}
END_TEST

START_TEST(reply_trailing_bytes)
{
    expect_bad_reply(FAKE_REPLY, 1, ERROR_INVALID_DATA);
}
END_TEST

START_TEST(reply_wrong_id)
{
    expect_bad_reply(FAKE_WRONG_ID, 0, ERROR_INVALID_DATA);
}
END_TEST

START_TEST(reply_wrong_type)
{
    expect_bad_reply(FAKE_WRONG_TYPE, 0, ERROR_INVALID_DATA);
}
END_TEST

static enum fake_action bad_open(const struct fake_req *req, struct svc_rbuf *r,
                                 struct svc_wbuf *w)
{
    if (req->type == SVC_MSG_OPEN_SERVICE) {
        svc_put_u32(w, NO_ERROR);
        svc_put_str(w, NULL); /* the key name is required */
        return FAKE_REPLY;
    }
    if (req->type == SVC_MSG_DELETE_SERVICE) {
        svc_put_u32(w, ERROR_SERVICE_MARKED_FOR_DELETE);
        svc_put_u32(w, 1); /* nothing may follow an error */
        return FAKE_REPLY;
    }
    if (req->type == SVC_MSG_ENUM_SERVICES) {
        svc_put_u32(w, NO_ERROR);
        svc_put_u32(w, 1000000); /* more entries than bytes */
        return FAKE_REPLY;
    }
    return standard_reply(req, r, w);
}

START_TEST(malformed_replies)
{
    DWORD needed, n;
    SC_HANDLE m;

    set_handler(bad_open);
    m = open_manager(SC_MANAGER_ALL_ACCESS);
    expect_fail(OpenServiceA(m, "Echo", SERVICE_ALL_ACCESS), ERROR_INVALID_DATA);
    ck_assert(CloseServiceHandle(m));

    set_handler(NULL);
    m = open_manager(SC_MANAGER_ALL_ACCESS);
    SC_HANDLE s = open_service(m, "Echo", SERVICE_ALL_ACCESS);
    set_handler(bad_open);
    expect_fail(DeleteService(s), ERROR_INVALID_DATA);
    ck_assert(CloseServiceHandle(s));
    ck_assert(CloseServiceHandle(m));

    m = open_manager(SC_MANAGER_ALL_ACCESS);
    expect_fail(EnumServicesStatusExA(m, SC_ENUM_PROCESS_INFO, SERVICE_WIN32, SERVICE_STATE_ALL,
                                      NULL, 0, &needed, &n, NULL, NULL),
                ERROR_INVALID_DATA);
    ck_assert(CloseServiceHandle(m));
}
END_TEST

/* ---- Threads --------------------------------------------------------------------- */

/* Each service's status carries its number, so a reply delivered to the
 * wrong thread would show. */
static enum fake_action numbered_status(const struct fake_req *req, struct svc_rbuf *r,
                                        struct svc_wbuf *w)
{
    if (req->type == SVC_MSG_QUERY_STATUS) {
        char *name = svc_get_str(r);
        SERVICE_STATUS_PROCESS st = mkstatus(SERVICE_RUNNING, 1);

        st.dwCheckPoint = (DWORD)atoi(name + 1);
        free(name);
        svc_put_u32(w, NO_ERROR);
        svc_put_status(w, &st);
        return FAKE_REPLY;
    }
    return standard_reply(req, r, w);
}

#define N_THREADS 4
#define N_CALLS 200

struct worker {
    SC_HANDLE m;
    int index;
    int failures;
};

static void *worker_main(void *arg)
{
    struct worker *wk = arg;
    char name[16];
    SC_HANDLE s;

    snprintf(name, sizeof name, "S%d", wk->index);
    s = OpenServiceA(wk->m, name, SERVICE_QUERY_STATUS);
    if (s == NULL) {
        wk->failures++;
        return NULL;
    }
    for (int i = 0; i < N_CALLS; i++) {
        SERVICE_STATUS st;

        if (!QueryServiceStatus(s, &st) || st.dwCheckPoint != (DWORD)wk->index)
            wk->failures++;
    }
    if (!CloseServiceHandle(s))
        wk->failures++;
    return NULL;
}

START_TEST(threads_share_connection)
{
    pthread_t t[N_THREADS];
    struct worker wk[N_THREADS];
    SC_HANDLE m;

    set_handler(numbered_status);
    m = open_manager(SC_MANAGER_CONNECT);
    for (int i = 0; i < N_THREADS; i++) {
        wk[i] = (struct worker){.m = m, .index = i + 1};
        ck_assert_int_eq(pthread_create(&t[i], NULL, worker_main, &wk[i]), 0);
    }
    for (int i = 0; i < N_THREADS; i++) {
        pthread_join(t[i], NULL);
        ck_assert_int_eq(wk[i].failures, 0);
    }
    ck_assert_uint_eq(count_type(SVC_MSG_QUERY_STATUS), N_THREADS * N_CALLS);
    ck_assert_int_eq(accepted(), 1);
    ck_assert(CloseServiceHandle(m));
    wait_closed(1);
}
END_TEST

/* ---- Suite -------------------------------------------------------------- */

static Suite *client_suite(void)
{
    /* Each tcase: its fixture, then its tests in order, NULL-terminated. */
    const struct {
        const char *name;
        void (*setup)(void);
        void (*teardown)(void);
        const TTest *tests[10];
    } cases[] = {
        {"no_server", root_setup, root_teardown, {
            no_server, NULL,
        }},
        {"handles", server_setup, server_teardown, {
            manager_names, manager_access, null_handles, stale_and_foreign_handles,
            connection_shared_and_refcounted, service_access_checked_locally, access_mapping,
            NULL,
        }},
        {"requests", server_setup, server_teardown, {
            open_service_key_name, create_service_request, create_service_errors,
            start_service_args, control_service, delete_service, change_config, change_config2,
            change_config2_failure, NULL,
        }},
        {"buffers", server_setup, server_teardown, {
            query_status_ex, query_config, query_config2, query_config2_failure, enum_services,
            enum_dependents,
            enum_hosts, display_and_key_names, NULL,
        }},
        {"failures", server_setup, server_teardown, {
            server_closes, reply_trailing_bytes, reply_wrong_id, reply_wrong_type,
            malformed_replies, threads_share_connection, NULL,
        }},
    };
    Suite *s = suite_create("client");

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        TCase *tc = tcase_create(cases[i].name);

        tcase_add_checked_fixture(tc, cases[i].setup, cases[i].teardown);
        for (const TTest *const *t = cases[i].tests; *t != NULL; t++)
            tcase_add_test(tc, *t);
        suite_add_tcase(s, tc);
    }
    return s;
}

int main(void)
{
    return test_run_suite(client_suite());
}
