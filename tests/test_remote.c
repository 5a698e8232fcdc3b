/*
 * test_remote.c - remote.c, the ssh transport of a client connection:
 * which names are this machine, what a failed ssh means (5 or 1722), and
 * that the child is reaped and its descriptors closed, through the public
 * OpenSCManagerA and CloseServiceHandle.
 *
 * $SVCHOST_SSH names stand-in scripts written by the tests: one that acts
 * as ssh does when it fails (its messages, exit status 255), and one that
 * runs the real svc-remote of the build against a small fake scmd on a
 * temporary state directory.  tests/ssh/ does the same with a real sshd.
 */
#include <errno.h>
#include <dirent.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <svchost/winsvc.h>

#include "paths.h"
#include "proto.h"
#include "remote.h"
#include "testutil.h"

static char root[256];

static void setup(void)
{
    char *run;

    test_state_dir(root, sizeof root, "svchost-remote", 0700);
    run = fmt("%s/run", root);
    ck_assert_int_eq(mkdir(run, 0700), 0);
    free(run);
    setenv("SVCHOST_ROOT", root, 1);
    unsetenv(SVC_SSH_ENV);
}

static void teardown(void)
{
    test_remove_tree(root);
}

/* An executable script ROOT/NAME with body; returns its path. */
static char *script(const char *name, const char *body)
{
    char *path = fmt("%s/%s", root, name);
    char *text = fmt("#!/bin/sh\n%s\n", body);

    test_write_text(path, text);
    ck_assert_int_eq(chmod(path, 0755), 0);
    free(text);
    return path;
}

static int count_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    int n = 0;

    ck_assert_ptr_nonnull(d);
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n - 1;
}

/* 1 when this process has no child at all, running or zombie. */
/* count_fds() once it is down to want, or after 2 s: the fake scmd's
 * thread closes its end of a connection when it sees the other end
 * gone, a moment after the client closed it. */
static int count_fds_settled(int want)
{
    int n = count_fds();

    for (int i = 0; i < 200 && n > want; i++) {
        usleep(10000);
        n = count_fds();
    }
    return n;
}

static int no_children(void)
{
    return waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD;
}

/* ---- A fake scmd: answers OPEN_MANAGER and QUERY... with NO_ERROR ------ */

static int server_fd = -1;

static void *serve(void *arg)
{
    (void)arg;
    for (;;) {
        int c = accept(server_fd, NULL, NULL);

        if (c < 0)
            return NULL;
        for (;;) {
            struct svc_frame_header h;
            struct svc_wbuf w;
            uint8_t *p = NULL;

            if (svc_frame_recv(c, &h, &p) != 0)
                break;
            free(p);
            svc_wbuf_init(&w);
            svc_put_u32(&w, h.type == SVC_MSG_OPEN_MANAGER ? 0 : ERROR_INVALID_FUNCTION);
            svc_frame_send(c, SVC_MSG_REPLY, h.id, &w);
            svc_wbuf_free(&w);
        }
        close(c);
    }
}

static void start_server(void)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    char *path = svc_scm_socket_path(root);
    pthread_t t;

    ck_assert_ptr_nonnull(path);
    strcpy(sa.sun_path, path);
    free(path);
    server_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ck_assert_int_ge(server_fd, 0);
    ck_assert_int_eq(bind(server_fd, (struct sockaddr *)&sa, sizeof sa), 0);
    ck_assert_int_eq(listen(server_fd, 8), 0);
    ck_assert_int_eq(pthread_create(&t, NULL, serve, NULL), 0);
    pthread_detach(t);
}

/* $SVCHOST_SSH: a stand-in that runs the build's svc-remote here, after
 * `before` (shell code) and followed by `after`. */
static void ssh_runs_proxy(const char *before, const char *after)
{
    char *body = fmt("%s\n\"%s/bin/svc-remote\"\n%s", before, TEST_BINARY_DIR, after);
    char *path = script("ssh-proxy", body);

    setenv(SVC_SSH_ENV, path, 1);
    free(path);
    free(body);
}

/* ---- Which names are this machine ------------------------------------------ */

START_TEST(local_names)
{
    char host[256], unc[300], shorthost[256];
    const char *always[] = {"", ".", "\\\\.", "\\\\"};
    const char *usually[] = {"localhost", "LocalHost", "\\\\localhost", "127.0.0.1",
                             "\\\\127.0.0.1", "::1", host, unc, shorthost};

    ck_assert_int_eq(gethostname(host, sizeof host), 0);
    host[sizeof host - 1] = '\0';
    snprintf(unc, sizeof unc, "\\\\%s", host);
    snprintf(shorthost, sizeof shorthost, "%.*s", (int)strcspn(host, "."), host);

    ck_assert_int_eq(svc_machine_is_local(NULL), 1);
    for (size_t i = 0; i < sizeof always / sizeof always[0]; i++)
        ck_assert_msg(svc_machine_is_local(always[i]) == 1, "\"%s\"", always[i]);
    for (size_t i = 0; i < sizeof usually / sizeof usually[0]; i++)
        ck_assert_msg(svc_machine_is_local(usually[i]) == 1, "\"%s\"", usually[i]);
    ck_assert_int_eq(svc_machine_is_local("elsewhere"), 0);
    ck_assert_int_eq(svc_machine_is_local("\\\\elsewhere"), 0);
    ck_assert_int_eq(svc_machine_is_local("localhost.example"), 0);

    /* With SVCHOST_SSH, only the names that never mean a host stay. */
    setenv(SVC_SSH_ENV, "ssh -F /dev/null", 1);
    ck_assert_int_eq(svc_machine_is_local(NULL), 1);
    for (size_t i = 0; i < sizeof always / sizeof always[0]; i++)
        ck_assert_msg(svc_machine_is_local(always[i]) == 1, "\"%s\"", always[i]);
    for (size_t i = 0; i < sizeof usually / sizeof usually[0]; i++)
        ck_assert_msg(svc_machine_is_local(usually[i]) == 0, "\"%s\" with SVCHOST_SSH", usually[i]);
    /* Set but empty is not set. */
    setenv(SVC_SSH_ENV, "", 1);
    ck_assert_int_eq(svc_machine_is_local("localhost"), 1);
}
END_TEST

/* ---- What a failed ssh answers ------------------------------------------------ */

/* OpenSCManagerA(machine) must fail with err and leave no child and no
 * descriptor behind. */
static void expect_open_fails(const char *machine, DWORD err)
{
    int fds = count_fds();

    SetLastError(0xdeadbeef);
    ck_assert_ptr_null(OpenSCManagerA(machine, NULL, SC_MANAGER_CONNECT));
    ck_assert_uint_eq(GetLastError(), err);
    ck_assert_msg(no_children(), "a child is left after a failed open");
    ck_assert_int_eq(count_fds(), fds);
}

START_TEST(refused_login_is_access_denied)
{
    char *ssh = script("ssh", "echo \"op@$5: Permission denied (publickey).\" >&2\nexit 255");

    setenv(SVC_SSH_ENV, ssh, 1);
    expect_open_fails("\\\\web1", ERROR_ACCESS_DENIED);
    free(ssh);
    ssh = script("ssh", "echo 'Received disconnect from 10.0.0.1 port 22:2: Too many authentication "
                        "failures' >&2\nexit 255");
    expect_open_fails("web1", ERROR_ACCESS_DENIED);
    free(ssh);
}
END_TEST

START_TEST(unreachable_is_1722)
{
    /* ssh's own failures other than authentication. */
    char *ssh = script("ssh", "echo \"ssh: connect to host $5 port 22: Connection refused\" >&2\nexit 255");

    setenv(SVC_SSH_ENV, ssh, 1);
    expect_open_fails("\\\\web1", RPC_S_SERVER_UNAVAILABLE);
    free(ssh);
    ssh = script("ssh", "echo 'Host key verification failed.' >&2\nexit 255");
    expect_open_fails("\\\\web1", RPC_S_SERVER_UNAVAILABLE);
    free(ssh);
    /* "Permission denied" from the remote command, not from ssh: its
     * status is the command's (126 for a file it may not run). */
    ssh = script("ssh", "echo 'sh: 1: svc-remote: Permission denied' >&2\nexit 126");
    expect_open_fails("\\\\web1", RPC_S_SERVER_UNAVAILABLE);
    free(ssh);
    /* Nothing said at all. */
    setenv(SVC_SSH_ENV, "false", 1);
    expect_open_fails("\\\\web1", RPC_S_SERVER_UNAVAILABLE);
    /* An ssh command that does not exist. */
    setenv(SVC_SSH_ENV, "/nonexistent/ssh", 1);
    expect_open_fails("\\\\web1", RPC_S_SERVER_UNAVAILABLE);
}
END_TEST

START_TEST(no_scmd_there_is_1722)
{
    /* The real svc-remote, on a root where nothing listens: the same
     * answer as the local API without scmd. */
    ssh_runs_proxy("", "");
    expect_open_fails("\\\\web1", RPC_S_SERVER_UNAVAILABLE);
    unsetenv(SVC_SSH_ENV);
    expect_open_fails(NULL, RPC_S_SERVER_UNAVAILABLE);
}
END_TEST

START_TEST(not_the_protocol_is_1722)
{
    char *log = fmt("%s/stderr", root);
    char text[4096] = "";
    FILE *f;
    int saved;

    /* A login script that greets on the session's output garbles the
     * stream before svc-remote's first byte. */
    start_server();
    ssh_runs_proxy("echo 'Welcome to web1, have a nice day'", "");
    fflush(stderr);
    saved = dup(STDERR_FILENO);
    ck_assert_ptr_nonnull(freopen(log, "w", stderr));
    expect_open_fails("\\\\web1", RPC_S_SERVER_UNAVAILABLE);
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    f = fopen(log, "r");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_gt(fread(text, 1, sizeof text - 1, f), 0);
    fclose(f);
    ck_assert_msg(strstr(text, "\\\\web1: the answer is not scmd's protocol") != NULL, "%s", text);
    free(log);
}
END_TEST

/* ---- What ssh is given ---------------------------------------------------------- */

START_TEST(ssh_arguments)
{
    char *out = fmt("%s/args", root);
    char *body = fmt("printf '%%s\\n' \"$@\" >\"%s\"\nexit 1", out);
    char *ssh = script("ssh", body);
    char *cmd = fmt("'%s' -F '/a file'", ssh);
    FILE *f;
    char line[256], all[1024] = "";

    /* $SVCHOST_SSH is a shell command line: its quotes hold. */
    setenv(SVC_SSH_ENV, cmd, 1);
    expect_open_fails("\\\\-oProxyCommand=x", RPC_S_SERVER_UNAVAILABLE);
    f = fopen(out, "r");
    ck_assert_ptr_nonnull(f);
    while (fgets(line, sizeof line, f) != NULL)
        strncat(all, line, sizeof all - strlen(all) - 1);
    fclose(f);
    /* The host comes after "--", so a name that looks like an option is
     * a host name to ssh. */
    ck_assert_str_eq(all, "-F\n/a file\n-T\n-o\nBatchMode=yes\n--\n-oProxyCommand=x\nsvc-remote\n");
    free(out);
    free(body);
    free(ssh);
    free(cmd);
}
END_TEST

START_TEST(ssh_gets_only_stdio)
{
    char *out = fmt("%s/fds", root);
    char *body = fmt("ls -l /proc/$$/fd/ >\"%s\"\nexit 1", out);
    char *ssh = script("ssh", body);
    char *text, *want;
    struct stat st;
    int p[2];
    FILE *f;
    long n;

    /* A descriptor of the application without close-on-exec. */
    ck_assert_int_eq(pipe(p), 0);
    ck_assert_int_eq(fstat(p[1], &st), 0);
    setenv(SVC_SSH_ENV, ssh, 1);
    expect_open_fails("\\\\web1", RPC_S_SERVER_UNAVAILABLE);
    f = fopen(out, "r");
    ck_assert_ptr_nonnull(f);
    text = calloc(1, 65536);
    ck_assert_ptr_nonnull(text);
    n = (long)fread(text, 1, 65535, f);
    fclose(f);
    ck_assert_int_gt(n, 0);
    /* The shell's own listing shows its standard descriptors... */
    ck_assert_msg(strstr(text, " 0 -> ") != NULL && strstr(text, " 2 -> ") != NULL, "%s", text);
    /* ...and not the application's pipe. */
    want = fmt("pipe:[%lu]", (unsigned long)st.st_ino);
    ck_assert_msg(strstr(text, want) == NULL, "ssh inherited %s:\n%s", want, text);
    close(p[0]);
    close(p[1]);
    free(want);
    free(text);
    free(out);
    free(body);
    free(ssh);
}
END_TEST

/* ---- Lifetime ------------------------------------------------------------------- */

START_TEST(last_close_reaps)
{
    SC_HANDLE m, s;
    int fds;

    start_server();
    ssh_runs_proxy("", "");
    fds = count_fds();
    m = OpenSCManagerA("\\\\web1", NULL, SC_MANAGER_CONNECT);
    ck_assert_msg(m != NULL, "OpenSCManagerA: %u", (unsigned)GetLastError());
    /* The child and its descriptors are there while a handle is open. */
    ck_assert(!no_children());
    ck_assert_int_gt(count_fds(), fds);
    /* The fake answers only OPEN_MANAGER: the next request's error
     * comes back through the same stream. */
    SetLastError(0);
    s = OpenServiceA(m, "Any", SERVICE_QUERY_STATUS);
    ck_assert_ptr_null(s);
    ck_assert_uint_eq(GetLastError(), ERROR_INVALID_FUNCTION);
    ck_assert(CloseServiceHandle(m));
    ck_assert(no_children());
    ck_assert_int_eq(count_fds_settled(fds), fds);
}
END_TEST

START_TEST(stubborn_child_is_killed)
{
    struct timespec t0, t1;
    SC_HANDLE m;
    double secs;

    /* An ssh that outlives the end of its input and ignores SIGTERM. */
    start_server();
    ssh_runs_proxy("trap '' TERM", "exec sleep 60");
    m = OpenSCManagerA("\\\\web1", NULL, SC_MANAGER_CONNECT);
    ck_assert_msg(m != NULL, "OpenSCManagerA: %u", (unsigned)GetLastError());
    ck_assert(!no_children());
    clock_gettime(CLOCK_MONOTONIC, &t0);
    ck_assert(CloseServiceHandle(m));
    clock_gettime(CLOCK_MONOTONIC, &t1);
    ck_assert(no_children());
    /* Not a timing assertion: printed, as the grace periods are. */
    secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("stubborn ssh reaped after %.1f s\n", secs);
}
END_TEST

START_TEST(child_reaped_elsewhere)
{
    SC_HANDLE m;

    /* An application that ignores SIGCHLD: its children are reaped by
     * the kernel, and closing must still work. */
    start_server();
    ssh_runs_proxy("", "");
    signal(SIGCHLD, SIG_IGN);
    m = OpenSCManagerA("\\\\web1", NULL, SC_MANAGER_CONNECT);
    ck_assert_msg(m != NULL, "OpenSCManagerA: %u", (unsigned)GetLastError());
    ck_assert(CloseServiceHandle(m));
    ck_assert(no_children());
    signal(SIGCHLD, SIG_DFL);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("remote");
    TCase *tc = tcase_create("remote");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, local_names);
    tcase_add_test(tc, refused_login_is_access_denied);
    tcase_add_test(tc, unreachable_is_1722);
    tcase_add_test(tc, no_scmd_there_is_1722);
    tcase_add_test(tc, not_the_protocol_is_1722);
    tcase_add_test(tc, ssh_arguments);
    tcase_add_test(tc, ssh_gets_only_stdio);
    tcase_add_test(tc, last_close_reaps);
    tcase_add_test(tc, stubborn_child_is_killed);
    tcase_add_test(tc, child_reaped_elsewhere);
    suite_add_tcase(s, tc);
    return test_run_suite(s);
}
