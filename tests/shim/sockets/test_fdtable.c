/* Tests of shim/fdtable: per-socket state across dup, close, reuse and fork. */
/* NOLINTBEGIN(v6-*): these tests drive the shim through the IPv4-only API on purpose (v6scan self-scan). */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fdtable.h"
#include "pool.h"

static int tcp4(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    return fd;
}

static void test_register_then_acquire_gives_the_recorded_type(void **state)
{
    int fd = tcp4();
    assert_false(fdtab_tracked(fd));
    assert_null(fdtab_acquire(fd));
    assert_int_equal(fdtab_register(fd, SOCK_STREAM, IPPROTO_TCP, FDTAB_REAL_INET), 0);
    assert_true(fdtab_tracked(fd));
    struct fdtab_sock *s = fdtab_acquire(fd);
    assert_non_null(s);
    struct fdtab_snap snap;
    fdtab_snapshot(s, &snap);
    assert_int_equal(snap.type, SOCK_STREAM);
    assert_int_equal(snap.protocol, IPPROTO_TCP);
    assert_int_equal(snap.real, FDTAB_REAL_INET);
    assert_false(snap.opts_lost);
    assert_false(snap.via_pool);
    struct fdtab_opt opts[FDTAB_MAX_OPTS];
    assert_int_equal(fdtab_opts(s, opts), 0);
    assert_int_equal(fdtab_fd_count(s), 1);
    assert_int_equal(fdtab_ref_count(s), 2); /* the slot + our reference */
    fdtab_release(s);
    fdtab_close(fd);
    assert_false(fdtab_tracked(fd));
    assert_int_equal(fdtab_ref_count(s), 0);
    close(fd);
}

static void test_register_bad_fds_fails_with_ebadf(void **state)
{
    assert_int_equal(fdtab_register(-1, SOCK_STREAM, 0, FDTAB_REAL_INET), -EBADF);
    assert_int_equal(fdtab_register(FDTAB_MAX_FD, SOCK_STREAM, 0, FDTAB_REAL_INET), -EBADF);
    int fd = tcp4();
    close(fd);
    /* A socket the shim makes itself is identified at once… */
    assert_int_equal(fdtab_register(fd, SOCK_STREAM, 0, FDTAB_REAL_EAGER), -EBADF);
    assert_int_equal(fdtab_register(fd, SOCK_STREAM, 0, FDTAB_REAL_INET6), -EBADF);
    assert_false(fdtab_tracked(fd));
    /* …the application's AF_INET one (just returned by socket()) when the
     * shim first acts on it: a closed fd is found out then and dropped. */
    assert_int_equal(fdtab_register(fd, SOCK_STREAM, 0, FDTAB_REAL_INET), 0);
    struct fdtab_sock *s = fdtab_acquire(fd);
    assert_non_null(s);
    assert_int_equal(fdtab_verify(fd, s), -ESTALE);
    assert_false(fdtab_tracked(fd));
    fdtab_release(s);
    assert_false(fdtab_tracked(-5));
    assert_false(fdtab_tracked(FDTAB_MAX_FD + 3));
}

static void test_dup_shares_the_entry_and_close_keeps_the_other(void **state)
{
    int fd = tcp4();
    assert_int_equal(fdtab_register(fd, SOCK_STREAM, 0, FDTAB_REAL_INET), 0);
    int fd2 = dup(fd);
    fdtab_dup(fd, fd2);
    int fd3 = fcntl(fd, F_DUPFD_CLOEXEC, 700);
    assert_int_equal(fd3, 700);
    fdtab_dup(fd, fd3);
    struct fdtab_sock *a = fdtab_acquire(fd), *b = fdtab_acquire(fd2), *c = fdtab_acquire(fd3);
    assert_non_null(a);
    assert_ptr_equal(a, b);
    assert_ptr_equal(a, c);
    assert_int_equal(fdtab_fd_count(a), 3);
    fdtab_release(b);
    fdtab_release(c);
    close(fd);
    fdtab_close(fd);
    assert_false(fdtab_tracked(fd));
    assert_true(fdtab_tracked(fd2));
    assert_int_equal(fdtab_fd_count(a), 2);
    b = fdtab_acquire(fd2);
    assert_ptr_equal(a, b);
    fdtab_release(b);
    close(fd2);
    fdtab_close(fd2);
    close(fd3);
    fdtab_close(fd3);
    assert_int_equal(fdtab_ref_count(a), 1); /* only ours */
    fdtab_release(a);
    assert_int_equal(fdtab_ref_count(a), 0);
}

static void test_dup2_over_a_tracked_fd_drops_its_old_entry(void **state)
{
    int x = tcp4(), y = tcp4();
    assert_int_equal(fdtab_register(x, SOCK_STREAM, 0, FDTAB_REAL_INET), 0);
    assert_int_equal(fdtab_register(y, SOCK_DGRAM, 0, FDTAB_REAL_INET), 0);
    struct fdtab_sock *old_y = fdtab_acquire(y);
    assert_non_null(old_y);
    assert_int_equal(dup2(x, y), y);
    fdtab_dup(x, y);
    assert_int_equal(fdtab_ref_count(old_y), 1); /* only our reference left */
    assert_int_equal(fdtab_fd_count(old_y), 0);
    fdtab_release(old_y);
    struct fdtab_sock *s = fdtab_acquire(y);
    assert_non_null(s);
    int type, protocol;
    fdtab_kind(s, &type, &protocol);
    assert_int_equal(type, SOCK_STREAM);
    fdtab_release(s);
    /* dup2 of an untracked fd over a tracked one leaves it untracked. */
    int u = tcp4();
    assert_int_equal(dup2(u, y), y);
    fdtab_dup(u, y);
    assert_false(fdtab_tracked(y));
    /* dup2(fd, fd) changes nothing. */
    fdtab_dup(x, x);
    assert_true(fdtab_tracked(x));
    close(u);
    close(x);
    fdtab_close(x);
    close(y);
    fdtab_close(y);
}

/* FD registered as the application's TCP socket and identified, as the
 * shim's first act on it does. */
static int tcp4_identified(void)
{
    int fd = tcp4();
    assert_int_equal(fdtab_register(fd, SOCK_STREAM, 0, FDTAB_REAL_INET), 0);
    struct fdtab_sock *s = fdtab_acquire(fd);
    assert_non_null(s);
    assert_int_equal(fdtab_verify(fd, s), 0);
    fdtab_release(s);
    return fd;
}

/* FD, an identified entry, closed behind the shim's back and its number
 * taken by a pipe: the identity check drops the entry. */
static void pipe_in_place_of_identified(int fd)
{
    assert_int_equal(syscall(SYS_close, fd), 0);
    int p[2];
    assert_int_equal(pipe(p), 0);
    assert_int_equal(p[0], fd);
    assert_null(fdtab_acquire(fd));
    assert_false(fdtab_tracked(fd));
    close(p[0]);
    close(p[1]);
}

static void test_fd_reused_behind_the_shims_back_is_not_taken_for_the_old_socket(void **state)
{
    int fd = tcp4_identified();
    /* A raw close the shim never sees, then the number is reused, by a
     * socket of the same family and type. */
    assert_int_equal(syscall(SYS_close, fd), 0);
    int again = socket(AF_INET, SOCK_STREAM, 0);
    assert_int_equal(again, fd);
    assert_true(fdtab_tracked(fd));  /* the fast path cannot know… */
    assert_null(fdtab_acquire(fd));  /* …the identity check does */
    assert_false(fdtab_tracked(fd)); /* and the stale entry is gone */
    close(again);
}

/* An application TCP socket registered (not identified), closed behind the
 * shim's back and its number taken by syscall(SYS_socket, FAMILY, TYPE). */
static int tcp4_reused_as(int family, int type)
{
    int fd = tcp4();
    assert_int_equal(fdtab_register(fd, SOCK_STREAM, 0, FDTAB_REAL_INET), 0);
    assert_int_equal(syscall(SYS_close, fd), 0);
    int again = (int)syscall(SYS_socket, family, type, 0);
    assert_int_equal(again, fd);
    return again;
}

static void test_unidentified_entry_is_checked_by_kind_before_the_shim_acts(void **state)
{
    int again = tcp4_reused_as(AF_INET, SOCK_DGRAM), fd = again;
    /* Nothing identified it yet: acquire trusts the table… */
    struct fdtab_sock *s = fdtab_acquire(fd);
    assert_non_null(s);
    /* …and the first act's check sees a UDP socket where TCP was made. */
    assert_int_equal(fdtab_verify(fd, s), -ESTALE);
    assert_false(fdtab_tracked(fd));
    fdtab_release(s);
    close(again);

    /* Reused by an AF_INET6 socket of the same type: the family differs. */
    fd = again = tcp4_reused_as(AF_INET6, SOCK_STREAM);
    s = fdtab_acquire(fd);
    assert_int_equal(fdtab_verify(fd, s), -ESTALE);
    fdtab_release(s);
    close(again);

    /* The limit of a first identification: a socket of the same family and
     * type in its place, before the shim ever acted, is taken as the one the
     * application made (docs/internals/fdtable.md, "Identity"); from then on
     * it is that socket's identity that is checked. */
    fd = tcp4_reused_as(AF_INET, SOCK_STREAM);
    s = fdtab_acquire(fd);
    assert_int_equal(fdtab_verify(fd, s), 0);
    fdtab_release(s);
    pipe_in_place_of_identified(fd);
}

static void test_fd_reused_by_a_pipe_or_left_closed_is_dropped(void **state)
{
    int fd = tcp4_identified();
    assert_int_equal(syscall(SYS_close, fd), 0);
    assert_null(fdtab_acquire(fd)); /* closed and not reused: fstat fails */
    assert_false(fdtab_tracked(fd));

    pipe_in_place_of_identified(tcp4_identified());

    /* Not identified yet: a pipe in its place fails the first check. */
    fd = tcp4();
    assert_int_equal(fdtab_register(fd, SOCK_STREAM, 0, FDTAB_REAL_INET), 0);
    assert_int_equal(syscall(SYS_close, fd), 0);
    int p[2];
    assert_int_equal(pipe(p), 0);
    assert_int_equal(p[0], fd);
    struct fdtab_sock *s = fdtab_acquire(fd);
    assert_int_equal(fdtab_verify(fd, s), -ESTALE);
    fdtab_release(s);
    assert_false(fdtab_tracked(fd));
    close(p[0]);
    close(p[1]);
}

static void test_reidentify_accepts_the_socket_put_in_place(void **state)
{
    int fd = tcp4();
    assert_int_equal(fdtab_register(fd, SOCK_STREAM, 0, FDTAB_REAL_INET), 0);
    struct fdtab_sock *s = fdtab_acquire(fd);
    int v6 = socket(AF_INET6, SOCK_STREAM, 0);
    assert_true(v6 >= 0);
    assert_int_equal(dup3(v6, fd, 0), fd); /* what an in-place upgrade does */
    close(v6);
    assert_int_equal(fdtab_reidentify(fd, s), 0);
    fdtab_release(s);
    struct fdtab_sock *t = fdtab_acquire(fd);
    assert_ptr_equal(s, t);
    fdtab_release(t);
    close(fd);
    fdtab_close(fd);
    assert_int_equal(fdtab_reidentify(fd, s), -EBADF);
}

static void test_close_range_drops_only_the_range(void **state)
{
    int fds[5];
    for (int i = 0; i < 5; i++) {
        fds[i] = fcntl(tcp4(), F_DUPFD, 900 + i);
        assert_int_equal(fds[i], 900 + i);
        assert_int_equal(fdtab_register(fds[i], SOCK_STREAM, 0, FDTAB_REAL_INET), 0);
    }
    fdtab_close_range(901, 903);
    assert_true(fdtab_tracked(900));
    assert_false(fdtab_tracked(901));
    assert_false(fdtab_tracked(902));
    assert_false(fdtab_tracked(903));
    assert_true(fdtab_tracked(904));
    fdtab_close_range(900, ~0U); /* up to "infinity", through absent pages */
    assert_false(fdtab_tracked(900));
    assert_false(fdtab_tracked(904));
    for (int i = 0; i < 5; i++)
        close(fds[i]);
}

static void test_forked_child_sees_the_parents_entries(void **state)
{
    int fd = tcp4();
    assert_int_equal(fdtab_register(fd, SOCK_DGRAM, 17, FDTAB_REAL_INET6), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct fdtab_sock *s = fdtab_acquire(fd); /* also: the lock works in the child */
        struct fdtab_snap snap = {0};
        if (s)
            fdtab_snapshot(s, &snap);
        int ok =
            s && snap.type == SOCK_DGRAM && snap.protocol == 17 && snap.real == FDTAB_REAL_INET6;
        fdtab_release(s);
        _exit(ok ? 0 : 1);
    }
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
    close(fd);
    fdtab_close(fd);
}

static uint64_t fake_ms;
static uint64_t fake_clock(void)
{
    return fake_ms;
}

static void test_last_close_releases_the_sockets_pool_pin_at_once(void **state)
{
    struct in_addr net, out;
    inet_pton(AF_INET, "198.18.0.0", &net);
    fake_ms = 0;
    pool_set_clock(fake_clock);
    assert_int_equal(pool_setup(net, 15, 4), 0);
    struct pool_cand c = {.family = AF_INET6};
    inet_pton(AF_INET6, "2001:db8::7", &c.addr.v6);
    assert_int_equal(pool_map_name("held.example", &c, 1, 1, &out), 0); /* ttl 1 s */
    struct pool_view v;
    assert_int_equal(pool_acquire(out, &v), 0); /* the socket's pin */
    int fd = tcp4();
    assert_int_equal(fdtab_register(fd, SOCK_STREAM, 0, FDTAB_REAL_INET6), 0);
    int fd2 = dup(fd);
    fdtab_dup(fd, fd2);
    struct fdtab_sock *s = fdtab_acquire(fd);
    struct sockaddr_in view = {.sin_family = AF_INET, .sin_addr = out};
    struct sockaddr_storage real = {.ss_family = AF_INET6};
    assert_int_equal(fdtab_mark_peer(s, &view, &real, false).s_addr, 0); /* held no pin before */
    fdtab_release(s);
    fdtab_close(fd);
    close(fd);
    fake_ms = 10000; /* long past the TTL: fd2 still holds the socket, so the pin */
    assert_int_equal(pool_lookup(out, &v), 0);
    fdtab_close(fd2);
    close(fd2);
    /* Released by the close itself (no socket()/connect() needed), and the
     * address stays this name's for one TTL after its last use. */
    assert_int_equal(pool_unpin(out), -EINVAL);
    assert_int_equal(pool_lookup(out, &v), 0);
    fake_ms = 10000 + 2000;
    assert_int_equal(pool_lookup(out, &v), -ENOENT);
    pool_set_clock(NULL);
    assert_int_equal(pool_setup(net, 15, 1024), 0);
}

static void test_many_sockets_get_distinct_entries_and_are_recycled(void **state)
{
    enum { N = 600 }; /* more than one chunk of entries */
    static int fds[N];
    static struct fdtab_sock *seen[N];
    for (int i = 0; i < N; i++) {
        fds[i] = tcp4();
        assert_int_equal(fdtab_register(fds[i], SOCK_STREAM, 0, FDTAB_REAL_INET), 0);
        seen[i] = fdtab_acquire(fds[i]);
        assert_non_null(seen[i]);
        for (int j = 0; j < i; j++)
            assert_ptr_not_equal(seen[i], seen[j]);
    }
    for (int i = 0; i < N; i++) {
        fdtab_release(seen[i]);
        close(fds[i]);
        fdtab_close(fds[i]);
    }
    /* 10 000 register/close cycles reuse freed entries instead of growing. */
    for (int i = 0; i < 10000; i++) {
        int fd = tcp4();
        assert_int_equal(fdtab_register(fd, SOCK_STREAM, 0, FDTAB_REAL_INET), 0);
        close(fd);
        fdtab_close(fd);
    }
}

struct churn {
    int base;
    int errors;
};

/* One thread's churn: register, dup, acquire, close on its own fds while
 * other threads do the same (TSan checks the lock-free paths). */
static void *churn_thread(void *arg)
{
    struct churn *c = arg;
    for (int i = 0; i < 2000; i++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0 || fdtab_register(fd, SOCK_STREAM, 0, FDTAB_REAL_INET) != 0) {
            c->errors++;
            continue;
        }
        int d = dup(fd);
        fdtab_dup(fd, d);
        struct fdtab_sock *s = fdtab_acquire(d);
        if (!s)
            c->errors++;
        fdtab_close(fd); /* before the real close: the number is not reusable yet */
        close(fd);
        fdtab_release(s);
        fdtab_close(d);
        close(d);
    }
    return NULL;
}

static void test_concurrent_register_dup_close_keep_entries_consistent(void **state)
{
    pthread_t t[4];
    struct churn c[4] = {{0}};
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&t[i], NULL, churn_thread, &c[i]), 0);
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(c[i].errors, 0);
    }
}

static void test_expected_identity_is_accepted_during_an_upgrade_only(void **state)
{
    int fd = tcp4_identified(); /* (an upgrade verifies first) */
    struct fdtab_sock *s = fdtab_acquire(fd);
    int v6 = socket(AF_INET6, SOCK_STREAM, 0);
    assert_int_equal(fdtab_expect(s, v6), 0);
    assert_int_equal(dup3(v6, fd, 0), fd);
    /* Between the dup3 and fdtab_reidentify another thread finds it: */
    struct fdtab_sock *t = fdtab_acquire(fd);
    assert_ptr_equal(t, s);
    fdtab_release(t);
    /* An upgrade that is withdrawn does not leave the new identity accepted. */
    assert_int_equal(fdtab_expect(s, -1), 0);
    assert_null(fdtab_acquire(fd));
    assert_false(fdtab_tracked(fd));
    fdtab_release(s);
    close(v6);
    close(fd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_register_then_acquire_gives_the_recorded_type),
        cmocka_unit_test(test_register_bad_fds_fails_with_ebadf),
        cmocka_unit_test(test_dup_shares_the_entry_and_close_keeps_the_other),
        cmocka_unit_test(test_dup2_over_a_tracked_fd_drops_its_old_entry),
        cmocka_unit_test(test_fd_reused_behind_the_shims_back_is_not_taken_for_the_old_socket),
        cmocka_unit_test(test_unidentified_entry_is_checked_by_kind_before_the_shim_acts),
        cmocka_unit_test(test_fd_reused_by_a_pipe_or_left_closed_is_dropped),
        cmocka_unit_test(test_reidentify_accepts_the_socket_put_in_place),
        cmocka_unit_test(test_expected_identity_is_accepted_during_an_upgrade_only),
        cmocka_unit_test(test_close_range_drops_only_the_range),
        cmocka_unit_test(test_forked_child_sees_the_parents_entries),
        cmocka_unit_test(test_last_close_releases_the_sockets_pool_pin_at_once),
        cmocka_unit_test(test_many_sockets_get_distinct_entries_and_are_recycled),
        cmocka_unit_test(test_concurrent_register_dup_close_keep_entries_consistent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
/* NOLINTEND(v6-*) */
