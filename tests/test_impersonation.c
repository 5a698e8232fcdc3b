/* test_impersonation.c - SvchostImpersonateClient and SvchostRevertToSelf
 * (lib/impersonate.c): the answers for bad descriptors, who may, the
 * decision from a service's file, and (as root) a thread that becomes an
 * unprivileged client while the others stay root. */
#include "impersonate.h"
#include "threads.h"
#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <svchost/svchost.h>

#define NOBODY 65534u

/* The calling thread works for a service of its own, allowed or not. */
static struct svc_thread_owner *as_service(int allowed)
{
    struct svc_thread_owner *o = svc_thread_owner_new("Imp");

    ck_assert_ptr_nonnull(o);
    svc_thread_attach(o);
    svc_impersonation_allow(o, allowed);
    return o;
}

static void expect_error(int fd, DWORD err)
{
    SetLastError(0);
    ck_assert_int_eq(SvchostImpersonateClient(fd), FALSE);
    ck_assert_uint_eq(GetLastError(), err);
}

START_TEST(test_bad_descriptors)
{
    int p[2], un, in;

    as_service(1);
    expect_error(-1, ERROR_INVALID_HANDLE);
    expect_error(1000, ERROR_INVALID_HANDLE);
    ck_assert_int_eq(pipe(p), 0);
    expect_error(p[0], ERROR_INVALID_PARAMETER);
    un = socket(AF_UNIX, SOCK_STREAM, 0);
    expect_error(un, ERROR_INVALID_PARAMETER);     /* not connected */
    in = socket(AF_INET, SOCK_STREAM, 0);
    expect_error(in, ERROR_INVALID_PARAMETER);
    /* Reverting without impersonating succeeds, as RevertToSelf. */
    ck_assert_int_eq(SvchostRevertToSelf(), TRUE);
}
END_TEST

/* The privilege: refused without an allowance, or with a refusal; a
 * thread of no service is refused while the process runs two. */
START_TEST(test_who_may)
{
    struct svc_thread_owner *o, *other;
    int sv[2];

    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    o = svc_thread_owner_new("Imp");
    svc_thread_attach(o);
    expect_error(sv[0], ERROR_PRIVILEGE_NOT_HELD);  /* never recorded */
    svc_impersonation_allow(o, 0);
    expect_error(sv[0], ERROR_PRIVILEGE_NOT_HELD);
    svc_impersonation_allow(o, 1);
    ck_assert_int_eq(SvchostImpersonateClient(sv[0]), TRUE);
    /* The peer of a socketpair is this process: nothing visible changes. */
    ck_assert_uint_eq((uid_t)syscall(SYS_geteuid), geteuid());
    ck_assert_int_eq(SvchostImpersonateClient(sv[0]), TRUE);  /* again: replaces */
    ck_assert_int_eq(SvchostRevertToSelf(), TRUE);
    ck_assert_int_eq(SvchostRevertToSelf(), TRUE);

    /* A thread of no service: the one service's while there is one. */
    svc_thread_attach(NULL);
    ck_assert_int_eq(SvchostImpersonateClient(sv[0]), TRUE);
    ck_assert_int_eq(SvchostRevertToSelf(), TRUE);
    other = svc_thread_owner_new("Other");
    svc_impersonation_allow(other, 1);
    expect_error(sv[0], ERROR_PRIVILEGE_NOT_HELD);
}
END_TEST

/* A run decides from the service's file when no host did: SeImpersonate
 * named, or LocalSystem without a list; a new run reads it again. */
START_TEST(test_from_file)
{
    char root[256];
    char *file;
    struct svc_thread_owner *o = svc_thread_owner_new("Own");
    int sv[2];

    test_state_dir(root, sizeof root, "imp", 0755);
    setenv("SVCHOST_ROOT", root, 1);
    file = fmt("%s/config/services/Own.ini", root);
    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    svc_thread_attach(o);

    test_write_text(file, "[Service]\nImagePath = /bin/own\nObjectName = .\\\\someone\n"
                          "RequiredPrivileges = SeImpersonatePrivilege\n");
    svc_impersonation_begin(o, "Own");
    ck_assert_int_eq(SvchostImpersonateClient(sv[0]), TRUE);
    ck_assert_int_eq(SvchostRevertToSelf(), TRUE);

    /* The decision holds for the run, whatever the file says meanwhile. */
    test_write_text(file, "[Service]\nImagePath = /bin/own\nRequiredPrivileges = SeBackupPrivilege\n");
    ck_assert_int_eq(SvchostImpersonateClient(sv[0]), TRUE);
    ck_assert_int_eq(SvchostRevertToSelf(), TRUE);
    svc_impersonation_begin(o, "Own");
    expect_error(sv[0], ERROR_PRIVILEGE_NOT_HELD);

    test_write_text(file, "[Service]\nImagePath = /bin/own\n");      /* LocalSystem, no list */
    svc_impersonation_begin(o, "Own");
    ck_assert_int_eq(SvchostImpersonateClient(sv[0]), TRUE);
    ck_assert_int_eq(SvchostRevertToSelf(), TRUE);

    test_write_text(file, "[Service]\nImagePath = /bin/own\nObjectName = .\\\\someone\n");
    svc_impersonation_begin(o, "Own");
    expect_error(sv[0], ERROR_PRIVILEGE_NOT_HELD);

    svc_impersonation_begin(o, "Missing");                       /* no file */
    expect_error(sv[0], ERROR_PRIVILEGE_NOT_HELD);
    free(file);
    test_remove_tree(root);
}
END_TEST

struct watcher {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int step;              /* 1: main is impersonating; 2: seen */
    uid_t seen;
};

static void *watch(void *p)
{
    struct watcher *w = p;

    pthread_mutex_lock(&w->lock);
    while (w->step != 1)
        pthread_cond_wait(&w->cond, &w->lock);
    w->seen = (uid_t)syscall(SYS_geteuid);
    w->step = 2;
    pthread_cond_broadcast(&w->cond);
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

/* As root: a client running as nobody.  The impersonating thread is
 * nobody, cannot open a root-only file, may open nobody's; another
 * thread stays root meanwhile; after reverting the thread is root and
 * holds its capabilities again (it can open the root-only file). */
START_TEST(test_as_root)
{
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    struct watcher w = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0 };
    char dir[256], *secret, *theirs;
    int l, c, status, fd;
    pthread_t t;
    pid_t pid;

    if (geteuid() != 0)
        return;     /* the rest of the suite runs unprivileged too */
    as_service(1);
    test_state_dir(dir, sizeof dir, "imp-root", 0755);
    ck_assert_int_eq(chmod(dir, 0755), 0);      /* mkdtemp made it 0700 */
    secret = fmt("%s/secret", dir);
    theirs = fmt("%s/theirs", dir);
    test_write_text(secret, "root only\n");
    ck_assert_int_eq(chmod(secret, 0600), 0);
    test_write_text(theirs, "nobody's\n");
    ck_assert_int_eq(chown(theirs, NOBODY, NOBODY), 0);
    ck_assert_int_eq(chmod(theirs, 0600), 0);

    ck_assert_uint_lt(strlen(dir) + 6, sizeof a.sun_path);
    memcpy(a.sun_path, dir, strlen(dir));
    memcpy(a.sun_path + strlen(dir), "/sock", 6);
    l = socket(AF_UNIX, SOCK_STREAM, 0);
    ck_assert_int_eq(bind(l, (struct sockaddr *)&a, sizeof a), 0);
    ck_assert_int_eq(chmod(a.sun_path, 0666), 0);
    ck_assert_int_eq(listen(l, 1), 0);
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        int s = socket(AF_UNIX, SOCK_STREAM, 0);
        char b;

        if (setgroups(0, NULL) < 0 || setgid(NOBODY) < 0 || setuid(NOBODY) < 0 ||
            connect(s, (struct sockaddr *)&a, sizeof a) < 0)
            _exit(1);
        _exit(read(s, &b, 1) == 0 ? 0 : 2);     /* until the test closes */
    }
    c = accept(l, NULL, NULL);
    ck_assert_int_ge(c, 0);
    ck_assert_int_eq(pthread_create(&t, NULL, watch, &w), 0);

    ck_assert_int_eq(SvchostImpersonateClient(c), TRUE);
    ck_assert_uint_eq((uid_t)syscall(SYS_geteuid), NOBODY);
    ck_assert_uint_eq((gid_t)syscall(SYS_getegid), NOBODY);
    ck_assert_int_eq(open(secret, O_RDONLY), -1);
    ck_assert_int_eq(errno, EACCES);
    fd = open(theirs, O_RDONLY);
    ck_assert_int_ge(fd, 0);
    close(fd);
    pthread_mutex_lock(&w.lock);
    w.step = 1;
    pthread_cond_broadcast(&w.cond);
    while (w.step != 2)
        pthread_cond_wait(&w.cond, &w.lock);
    pthread_mutex_unlock(&w.lock);
    ck_assert_uint_eq(w.seen, 0);

    ck_assert_int_eq(SvchostRevertToSelf(), TRUE);
    ck_assert_uint_eq((uid_t)syscall(SYS_geteuid), 0);
    ck_assert_uint_eq((gid_t)syscall(SYS_getegid), getgid());
    fd = open(secret, O_RDONLY);
    ck_assert_int_ge(fd, 0);
    close(fd);
    pthread_join(t, NULL);
    close(c);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    free(secret);
    free(theirs);
    test_remove_tree(dir);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("impersonation");
    TCase *tc = tcase_create("impersonation");

    tcase_add_test(tc, test_bad_descriptors);
    tcase_add_test(tc, test_who_may);
    tcase_add_test(tc, test_from_file);
    tcase_add_test(tc, test_as_root);
    suite_add_tcase(s, tc);
    return test_run_suite(s);
}
