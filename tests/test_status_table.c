/*
 * test_status_table.c - the shared status table (lib/status_table.h):
 * a writer in another process changing a slot as fast as it can while
 * readers copy it never yields half of one status and half of another;
 * a slot given to another service, or not published, is not read; a
 * table that grew is read after mapping it again; an enumeration reads
 * the names file of the current generation only, filters as scmd does,
 * and refuses a file that lies about its records; readers learn that
 * the table's scmd closed it or was killed, even after it grew.
 */
#include "status_table.h"
#include "proto.h"
#include "testutil.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char tmp_root[4096];
static char *table_path;

static void setup(void)
{
    test_state_dir(tmp_root, sizeof tmp_root, "test_status_table", 0700);
    table_path = fmt("%s/status", tmp_root);
}

static void teardown(void)
{
    free(table_path);
    test_remove_tree(tmp_root);
}

/* A status whose every word is k: a torn copy has two values. */
static SERVICE_STATUS_PROCESS status_of(uint32_t k)
{
    SERVICE_STATUS_PROCESS st;
    uint32_t *w = (uint32_t *)(void *)&st;

    for (int i = 0; i < SVC_TABLE_STATUS_WORDS; i++)
        w[i] = k;
    return st;
}

START_TEST(test_round_trip)
{
    struct svc_table w, r;
    SERVICE_STATUS_PROCESS st = status_of(7), got;

    ck_assert_int_eq(svc_table_create(table_path, 4, &w), 0);
    ck_assert_int_eq(svc_table_map(table_path, &r), 0);
    svc_table_write(&w, 2, 5, 1, &st);
    ck_assert_int_eq(svc_table_read(&r, 2, 5, &got), 0);
    ck_assert_mem_eq(&got, &st, sizeof st);
    /* Another service's slot now, or one not published: ask scmd. */
    ck_assert_int_eq(svc_table_read(&r, 2, 4, &got), -ENOENT);
    svc_table_write(&w, 2, 5, 0, &st);
    ck_assert_int_eq(svc_table_read(&r, 2, 5, &got), -ENOENT);
    ck_assert_int_eq(svc_table_read(&r, 1, 0, &got), -ENOENT);   /* never used */
    /* Beyond the mapping, until mapped again after the table grew. */
    ck_assert_int_eq(svc_table_read(&r, 100, 1, &got), -ERANGE);
    ck_assert_int_eq(svc_table_reserve(&w, 101), 0);
    st = status_of(9);
    svc_table_write(&w, 100, 1, 1, &st);
    ck_assert_int_eq(svc_table_read(&r, 100, 1, &got), -ERANGE);
    svc_table_close(&r);
    ck_assert_int_eq(svc_table_map(table_path, &r), 0);
    ck_assert_int_eq(svc_table_read(&r, 100, 1, &got), 0);
    ck_assert_mem_eq(&got, &st, sizeof st);
    /* What was written before the growth is still there. */
    ck_assert_int_eq(svc_table_read(&r, 2, 5, &got), -ENOENT);
    svc_table_close(&r);
    svc_table_close(&w);
}
END_TEST

/* A writer in a child process that makes the table, grows it far enough
 * for the mapping to move, says so on the pipe and waits to be killed. */
static pid_t writer_child(const char *path, int *ready)
{
    int fds[2];
    pid_t pid;

    ck_assert_int_eq(pipe(fds), 0);
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        struct svc_table w;
        close(fds[0]);
        if (svc_table_create(path, 1, &w) != 0 || svc_table_reserve(&w, 100000) != 0)
            _exit(1);
        if (write(fds[1], "x", 1) != 1)
            _exit(1);
        for (;;)
            pause();
    }
    close(fds[1]);
    *ready = fds[0];
    return pid;
}

START_TEST(test_owner_kept)
{
    struct svc_table w, r;
    SERVICE_STATUS_PROCESS st = status_of(3), got;
    int ready, status;
    char c;
    pid_t pid;

    /* Closed by its maker: no longer kept. */
    ck_assert_int_eq(svc_table_create(table_path, 1, &w), 0);
    ck_assert_int_eq(svc_table_map(table_path, &r), 0);
    ck_assert_int_eq(svc_table_kept(&r), 1);
    ck_assert_int_eq(svc_table_reserve(&w, 100000), 0);
    svc_table_write(&w, 0, 1, 1, &st);
    ck_assert_int_eq(svc_table_read(&r, 0, 1, &got), 0);
    ck_assert_int_eq(svc_table_kept(&r), 1);
    svc_table_close(&w);
    ck_assert_int_eq(svc_table_kept(&r), 0);
    svc_table_close(&r);

    /* Killed while it held it, after the table grew and moved. */
    pid = writer_child(table_path, &ready);
    ck_assert_int_eq(read(ready, &c, 1), 1);
    ck_assert_int_eq(svc_table_map(table_path, &r), 0);
    ck_assert_int_eq(r.capacity, 131072);
    ck_assert_int_eq(svc_table_kept(&r), 1);
    ck_assert_int_eq(kill(pid, SIGKILL), 0);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFSIGNALED(status));
    ck_assert_int_eq(svc_table_kept(&r), 0);
    close(ready);
    svc_table_close(&r);
}
END_TEST

START_TEST(test_not_a_table)
{
    struct svc_table r;
    FILE *f = fopen(table_path, "w");

    ck_assert_ptr_nonnull(f);
    fputs("this is not a status table, only some text that is long enough for a header...", f);
    fclose(f);
    ck_assert_int_eq(svc_table_map(table_path, &r), -EPROTO);
    unlink(table_path);
    ck_assert_int_eq(svc_table_map(table_path, &r), -ENOENT);
}
END_TEST

struct reader {
    const struct svc_table *t;
    _Atomic int *stop;
    int raw;            /* 1: copies the slot without the sequence lock */
    _Atomic unsigned long reads, torn, seen_values;
};

/* The slot's words as they are, the way a reader without the lock would. */
static void raw_copy(const struct svc_table *t, SERVICE_STATUS_PROCESS *out)
{
    const struct svc_table_slot *s =
        (const struct svc_table_slot *)((const char *)t->base + sizeof(struct svc_table_header));
    uint32_t *w = (uint32_t *)(void *)out;

    for (int i = 0; i < SVC_TABLE_STATUS_WORDS; i++)
        w[i] = atomic_load_explicit(&s->status[i], memory_order_relaxed);
}

static void *read_loop(void *arg)
{
    struct reader *r = arg;
    uint32_t last = 0;

    while (!*r->stop) {
        SERVICE_STATUS_PROCESS got;
        const uint32_t *w = (const uint32_t *)(const void *)&got;

        if (r->raw)
            raw_copy(r->t, &got);
        else if (svc_table_read(r->t, 0, 1, &got) != 0)
            continue;
        r->reads++;
        for (int i = 1; i < SVC_TABLE_STATUS_WORDS; i++)
            if (w[i] != w[0])
                r->torn++;
        if (w[0] != last)
            r->seen_values++;
        last = w[0];
    }
    return NULL;
}

START_TEST(test_no_torn_read)
{
    struct svc_table w, t;
    SERVICE_STATUS_PROCESS st = status_of(1);
    struct reader rd[3];
    pthread_t th[3];
    _Atomic int stop = 0;
    pid_t writer;
    int status;

    ck_assert_int_eq(svc_table_create(table_path, 1, &w), 0);
    svc_table_write(&w, 0, 1, 1, &st);
    writer = fork();
    ck_assert_int_ge(writer, 0);
    if (writer == 0) {
        /* Another process, as scmd is: writes until killed, with a
         * breath between writes (scmd does other things too). */
        for (uint32_t k = 2;; k++) {
            st = status_of(k);
            svc_table_write(&w, 0, 1, 1, &st);
            for (volatile int spin = 0; spin < 200; spin++)
                ;
        }
    }
    ck_assert_int_eq(svc_table_map(table_path, &t), 0);
    /* Two readers through the lock, and one without it (rd[2]), which
     * shows that this test sees a torn copy when there is one. */
    for (int i = 0; i < 3; i++) {
        rd[i] = (struct reader){ .t = &t, .stop = &stop, .raw = i == 2 };
        ck_assert_int_eq(pthread_create(&th[i], NULL, read_loop, &rd[i]), 0);
    }
    /* Until each has seen enough (at most 10 s on a loaded machine). */
    for (int waited = 0; waited < 200 && (waited < 10 || rd[2].torn == 0 ||
                                          rd[0].seen_values <= 100 || rd[1].seen_values <= 100);
         waited++)
        usleep(50 * 1000);
    stop = 1;
    for (int i = 0; i < 3; i++)
        pthread_join(th[i], NULL);
    ck_assert_msg(rd[2].torn > 0, "a reader without the lock saw no torn copy in %lu reads",
                  rd[2].reads);
    kill(writer, SIGKILL);
    waitpid(writer, &status, 0);
    for (int i = 0; i < 2; i++) {
        /* The readers did read while the values changed under them. */
        ck_assert_uint_gt(rd[i].reads, 1000);
        ck_assert_uint_gt(rd[i].seen_values, 100);
        ck_assert_uint_eq(rd[i].torn, 0);
    }
    svc_table_close(&t);
    svc_table_close(&w);
}
END_TEST

/* A table in ROOT/run/status with three published services and their
 * names file, for the process's own enumerations. */
static void names_fixture(struct svc_table *w, char **names_path)
{
    char *run = fmt("%s/run", tmp_root), *status = fmt("%s/run/status", tmp_root);
    SERVICE_STATUS_PROCESS running = { .dwServiceType = SERVICE_WIN32_SHARE_PROCESS,
                                       .dwCurrentState = SERVICE_RUNNING, .dwProcessId = 42 };
    SERVICE_STATUS_PROCESS stopped = { .dwServiceType = SERVICE_WIN32_OWN_PROCESS,
                                       .dwCurrentState = SERVICE_STOPPED };
    const struct svc_names_entry e[] = {
        { 0, 1, SERVICE_WIN32_SHARE_PROCESS, "Alpha", "The first" },
        { 5, 3, SERVICE_WIN32_OWN_PROCESS, "beta", "beta" },
        { 2, 1, SERVICE_WIN32_SHARE_PROCESS, "Gamma", "" },
    };

    ck_assert_int_eq(mkdir(run, 0755), 0);
    ck_assert_int_eq(setenv("SVCHOST_ROOT", tmp_root, 1), 0);
    ck_assert_int_eq(svc_table_create(status, 8, w), 0);
    svc_table_write(w, 0, 1, 1, &running);
    svc_table_write(w, 5, 3, 1, &stopped);
    svc_table_write(w, 2, 1, 1, &running);
    *names_path = fmt("%s/run/names", tmp_root);
    svc_table_names_stale(w);
    ck_assert_int_eq(svc_table_names_write(w, *names_path, e, 3), 0);
    free(run);
    free(status);
}

START_TEST(test_names_enum)
{
    struct svc_table w;
    struct svc_msg_service *v;
    char *names;
    size_t n;

    names_fixture(&w, &names);
    ck_assert_int_eq(svc_table_client_enum(w.instance, SERVICE_WIN32, SERVICE_STATE_ALL, &v, &n), 0);
    ck_assert_uint_eq(n, 3);
    ck_assert_str_eq(v[0].name, "Alpha");
    ck_assert_str_eq(v[0].display, "The first");
    ck_assert_uint_eq(v[0].status.dwProcessId, 42);
    ck_assert_str_eq(v[1].name, "beta");
    ck_assert_uint_eq(v[1].status.dwCurrentState, SERVICE_STOPPED);
    ck_assert_str_eq(v[2].name, "Gamma");
    ck_assert_str_eq(v[2].display, "");
    svc_msg_services_free(v, n);
    /* Filtered by state and by configured type, as scmd filters. */
    ck_assert_int_eq(svc_table_client_enum(w.instance, SERVICE_WIN32, SERVICE_ACTIVE, &v, &n), 0);
    ck_assert_uint_eq(n, 2);
    svc_msg_services_free(v, n);
    ck_assert_int_eq(svc_table_client_enum(w.instance, SERVICE_WIN32_OWN_PROCESS,
                                           SERVICE_STATE_ALL, &v, &n), 0);
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(v[0].name, "beta");
    svc_msg_services_free(v, n);
    /* Another table's instance: ask scmd. */
    ck_assert_int_eq(svc_table_client_enum(w.instance + 1, SERVICE_WIN32, SERVICE_STATE_ALL, &v, &n),
                     -ENOENT);
    /* The services changed: the file is not current until written again. */
    svc_table_names_stale(&w);
    ck_assert_int_eq(svc_table_client_enum(w.instance, SERVICE_WIN32, SERVICE_STATE_ALL, &v, &n),
                     -ENOENT);
    ck_assert_int_eq(svc_table_names_write(&w, names, (const struct svc_names_entry[]){
                         { 0, 1, SERVICE_WIN32_SHARE_PROCESS, "Alpha", "A" } }, 1), 0);
    ck_assert_int_eq(svc_table_client_enum(w.instance, SERVICE_WIN32, SERVICE_STATE_ALL, &v, &n), 0);
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(v[0].display, "A");
    svc_msg_services_free(v, n);
    /* A service listed but not published (or its slot another's): ask scmd. */
    svc_table_write(&w, 0, 1, 0, NULL);
    ck_assert_int_eq(svc_table_client_enum(w.instance, SERVICE_WIN32, SERVICE_STATE_ALL, &v, &n),
                     -ENOENT);
    svc_table_close(&w);
    free(names);
}
END_TEST

START_TEST(test_names_lies)
{
    struct svc_table w;
    struct svc_msg_service *v;
    struct svc_names_header h;
    struct svc_names_record rec;
    char *names;
    size_t n;
    int fd;

    names_fixture(&w, &names);
    fd = open(names, O_RDWR);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(pread(fd, &h, sizeof h, 0), (ssize_t)sizeof h);
    ck_assert_int_eq(pread(fd, &rec, sizeof rec, sizeof h), (ssize_t)sizeof rec);
    /* A name that runs past the end of the file. */
    rec.name_len = 60000;
    ck_assert_int_eq(pwrite(fd, &rec, sizeof rec, sizeof h), (ssize_t)sizeof rec);
    ck_assert_int_eq(svc_table_client_enum(w.instance, SERVICE_WIN32, SERVICE_STATE_ALL, &v, &n),
                     -EPROTO);
    ck_assert_ptr_null(v);
    /* More records than the file could hold. */
    rec.name_len = 5;
    ck_assert_int_eq(pwrite(fd, &rec, sizeof rec, sizeof h), (ssize_t)sizeof rec);
    h.count = 1000000;
    ck_assert_int_eq(pwrite(fd, &h, sizeof h, 0), (ssize_t)sizeof h);
    ck_assert_int_eq(svc_table_client_enum(w.instance, SERVICE_WIN32, SERVICE_STATE_ALL, &v, &n),
                     -EPROTO);
    /* A size that is not the file's. */
    h.count = 3;
    h.size += 4;
    ck_assert_int_eq(pwrite(fd, &h, sizeof h, 0), (ssize_t)sizeof h);
    ck_assert_int_eq(svc_table_client_enum(w.instance, SERVICE_WIN32, SERVICE_STATE_ALL, &v, &n),
                     -ENOENT);
    /* And whole again. */
    h.size -= 4;
    ck_assert_int_eq(pwrite(fd, &h, sizeof h, 0), (ssize_t)sizeof h);
    close(fd);
    ck_assert_int_eq(svc_table_client_enum(w.instance, SERVICE_WIN32, SERVICE_STATE_ALL, &v, &n), 0);
    ck_assert_uint_eq(n, 3);
    svc_msg_services_free(v, n);
    svc_table_close(&w);
    free(names);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("status_table");
    TCase *tc = tcase_create("status_table");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_round_trip);
    tcase_add_test(tc, test_not_a_table);
    tcase_add_test(tc, test_owner_kept);
    tcase_add_test(tc, test_no_torn_read);
    tcase_add_test(tc, test_names_enum);
    tcase_add_test(tc, test_names_lies);
    suite_add_tcase(s, tc);
    return test_run_suite(s);
}
