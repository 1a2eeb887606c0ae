/*
 * Tests of the socket layer through its hooks, linked into this program (as
 * if preloaded), on real loopback sockets in a private network namespace:
 * fd lifecycle through the hooks: dup family, close_range, fds closed
 * behind the shim's back, fclose of an fdopen'd socket, inherited IPv6
 * sockets, errors passed through.
 * Pool entries are made with pool_map_name()/pool_map_peer(), as the
 * resolver hooks would. Helpers: sockets_test_util.h.
 */
/* NOLINTBEGIN(v6-*): these tests drive the shim through the IPv4-only API on purpose (v6scan self-scan). */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fdtable.h"
#include "pool.h"
#include "sockets_test_util.h"
#include "upgrade.h"
#include "v6test.h"


/* ---- fd lifecycle through the hooks ---- */

static void test_dup_family_and_close_range_keep_the_view(void **state)
{
    V6TEST_REQUIRE_IPV6();
    uint16_t port;
    int l = legacy_listener("0.0.0.0", &port);
    int d1 = dup(l);
    int d2 = fcntl(l, F_DUPFD_CLOEXEC, 500);
    assert_int_equal(d2, 500);
    int d3 = dup3(l, 600, O_CLOEXEC);
    assert_int_equal(d3, 600);
    int d4 = dup2(l, 601);
    assert_int_equal(d4, 601);
    int fds[4] = {d1, d2, d3, d4};
    for (int i = 0; i < 4; i++) {
        struct sockaddr_in me;
        socklen_t len = sizeof me;
        assert_int_equal(getsockname(fds[i], (struct sockaddr *)&me, &len), 0);
        assert_int_equal(me.sin_family, AF_INET);
        assert_int_equal(ntohs(me.sin_port), port);
    }
    assert_int_equal(close_range(600, 601, 0), 0);
    errno = 0;
    assert_int_equal(fcntl(600, F_GETFD), -1);
    assert_int_equal(errno, EBADF);
    /* 600 reused by an untracked IPv6 socket: its own family, not a stale view. */
    int v6 = socket(AF_INET6, SOCK_STREAM, 0);
    assert_int_equal(dup2(v6, 600), 600);
    int dom = 0;
    socklen_t len = sizeof dom;
    assert_int_equal(getsockopt(600, SOL_SOCKET, SO_DOMAIN, &dom, &len), 0);
    assert_int_equal(dom, AF_INET6);
    close(600);
    close(v6);
    /* closefrom forgets every number it closes. */
    assert_int_equal(dup2(l, 900), 900);
    assert_int_equal(dup2(l, 950), 950);
    assert_true(fdtab_tracked(900) && fdtab_tracked(950));
    closefrom(900);
    assert_false(fdtab_tracked(900));
    assert_false(fdtab_tracked(950));
    errno = 0;
    assert_int_equal(fcntl(950, F_GETFD), -1);
    assert_int_equal(errno, EBADF);
    v6 = socket(AF_INET6, SOCK_STREAM, 0);
    assert_int_equal(dup2(v6, 950), 950);
    dom = 0;
    len = sizeof dom;
    assert_int_equal(getsockopt(950, SOL_SOCKET, SO_DOMAIN, &dom, &len), 0);
    assert_int_equal(dom, AF_INET6);
    close(950);
    close(v6);
    close(d1);
    close(d2);
    close(l);
}

static void test_fd_closed_by_raw_syscall_and_reused_is_not_translated(void **state)
{
    uint16_t port;
    int l = legacy_listener("0.0.0.0", &port);
    assert_int_equal(syscall(SYS_close, l), 0); /* behind the shim's back */
    int v6 = (int)syscall(SYS_socket, AF_INET6, SOCK_STREAM, 0);
    assert_int_equal(v6, l);
    int dom = 0;
    socklen_t len = sizeof dom;
    assert_int_equal(getsockopt(v6, SOL_SOCKET, SO_DOMAIN, &dom, &len), 0);
    assert_int_equal(dom, AF_INET6);
    struct sockaddr_in6 me;
    len = sizeof me;
    assert_int_equal(getsockname(v6, (struct sockaddr *)&me, &len), 0);
    assert_int_equal(len, sizeof me);
    assert_int_equal(me.sin6_family, AF_INET6);
    close(v6);
}

/* The application's TCP socket, closed behind the shim's back, its number
 * taken by syscall(SYS_socket, FAMILY, TYPE) before the shim acted on it. */
static int plain_socket_reused_as(int family, int type)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_int_equal(syscall(SYS_close, fd), 0);
    int again = (int)syscall(SYS_socket, family, type, 0);
    assert_int_equal(again, fd);
    return again;
}

static void test_plain_socket_closed_behind_the_shims_back_and_reused_is_left_alone(void **state)
{
    V6TEST_REQUIRE_IPV6();
    upgrade_eager_reset(); /* the application's own AF_INET socket, as made */
    struct v6test_server srv;
    assert_int_equal(v6test_server_start(&srv, "::1", SOCK_STREAM, V6TEST_ECHO), 0);
    const char *six[] = {"::1"};
    struct sockaddr_in dst = sin_of(map_name("reused.example", six, 1), srv.port);
    /* Never acted on, so never identified: reused by an IPv6 socket... */
    int v6 = plain_socket_reused_as(AF_INET6, SOCK_STREAM);
    int one = 1;
    assert_int_equal(syscall(SYS_setsockopt, v6, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one), 0);
    errno = 0;
    assert_int_equal(connect(v6, (struct sockaddr *)&dst, sizeof dst), -1);
    assert_int_equal(errno, ENETUNREACH);              /* a pool address never goes out as IPv4 */
    assert_int_equal(v6test_raw_domain(v6), AF_INET6); /* not replaced… */
    assert_int_equal(raw_int_opt(v6, IPPROTO_IPV6, IPV6_V6ONLY), 1); /* …nor changed */
    int dom = 0;
    socklen_t len = sizeof dom;
    assert_int_equal(getsockopt(v6, SOL_SOCKET, SO_DOMAIN, &dom, &len), 0);
    assert_int_equal(dom, AF_INET6);
    close(v6);
    /* ...or by a UDP socket: the same. */
    int udp = plain_socket_reused_as(AF_INET, SOCK_DGRAM);
    errno = 0;
    assert_int_equal(connect(udp, (struct sockaddr *)&dst, sizeof dst), -1);
    assert_int_equal(errno, ENETUNREACH);
    assert_int_equal(raw_int_opt(udp, SOL_SOCKET, SO_TYPE), SOCK_DGRAM);
    assert_false(fdtab_tracked(udp));
    close(udp);
    v6test_server_stop(&srv);
}

static void test_fclose_of_an_fdopened_socket_forgets_it_and_releases_its_pin(void **state)
{
    V6TEST_REQUIRE_IPV6();
    struct v6test_server srv;
    assert_int_equal(v6test_server_start(&srv, "::1", SOCK_STREAM, V6TEST_ECHO), 0);
    const char *six[] = {"::1"};
    struct in_addr a = map_name("stdio.example", six, 1);
    struct sockaddr_in dst = sin_of(a, srv.port);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_int_equal(connect(fd, (struct sockaddr *)&dst, sizeof dst), 0);
    assert_true(fdtab_tracked(fd));
    /* A legacy server's stdio on its connection. */
    FILE *f = fdopen(fd, "r+");
    assert_non_null(f);
    assert_true(fputs("hello\n", f) >= 0);
    assert_int_equal(fflush(f), 0);
    char line[16];
    assert_non_null(fgets(line, sizeof line, f));
    assert_string_equal(line, "hello\n");
    errno = 4321;
    assert_int_equal(fclose(f), 0);
    assert_int_equal(errno, 4321); /* success leaves errno alone */
    assert_false(fdtab_tracked(fd));
    /* The socket's pin went with it (else the entry could never be reused). */
    assert_int_equal(pool_unpin(a), -EINVAL);
    /* A stream with no fd passes through. */
    char buf[8] = "x";
    FILE *m = fmemopen(buf, sizeof buf, "r");
    assert_non_null(m);
    assert_int_equal(fclose(m), 0);
    v6test_server_stop(&srv);
}

static void test_untracked_ipv6_socket_shown_as_ipv4_is_adopted_and_stays_ipv4(void **state)
{
    V6TEST_REQUIRE_IPV6();
    struct v6test_server srv;
    assert_int_equal(v6test_server_start(&srv, "::1", SOCK_STREAM, V6TEST_ECHO), 0);
    /* As an inetd child sees fd 0: an AF_INET6 socket it never made. */
    int fd = (int)syscall(SYS_socket, AF_INET6, SOCK_STREAM, 0);
    struct sockaddr_in6 d = {
        .sin6_family = AF_INET6, .sin6_port = htons(srv.port), .sin6_addr = IN6ADDR_LOOPBACK_INIT};
    assert_int_equal(syscall(SYS_connect, fd, &d, sizeof d), 0);
    struct sockaddr_in peer;
    socklen_t len = sizeof peer;
    assert_int_equal(getpeername(fd, (struct sockaddr *)&peer, &len), 0);
    assert_int_equal(len, sizeof peer);
    assert_int_equal(peer.sin_family, AF_INET);
    assert_true(pool_contains(peer.sin_addr));
    assert_int_equal(ntohs(peer.sin_port), srv.port);
    /* Shown as IPv4 once, the socket is adopted: every later call gives the
     * same view, whatever the buffer, and SO_DOMAIN agrees with it. */
    struct sockaddr_in6 p6;
    len = sizeof p6;
    assert_int_equal(getpeername(fd, (struct sockaddr *)&p6, &len), 0);
    assert_int_equal(len, sizeof peer);
    assert_int_equal(p6.sin6_family, AF_INET);
    assert_memory_equal(&p6, &peer, sizeof peer);
    int dom = 0;
    socklen_t dl = sizeof dom;
    assert_int_equal(getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &dom, &dl), 0);
    assert_int_equal(dom, AF_INET);
    close(fd);
    v6test_server_stop(&srv);
}

static void test_errors_pass_through_unchanged(void **state)
{
    errno = 0;
    assert_int_equal(connect(-1, NULL, 0), -1);
    assert_int_equal(errno, EBADF);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in bad = sin_str("127.0.0.1", 1);
    errno = 0;
    assert_int_equal(bind(fd, (struct sockaddr *)&bad, 3), -1);
    assert_int_equal(errno, EINVAL);
    errno = 0;
    assert_int_equal(getsockname(fd, NULL, NULL), -1);
    assert_int_equal(errno, EFAULT);
    close(fd);
    errno = 1234;
    fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_int_equal(errno, 1234); /* success leaves errno alone */
    close(fd);
    errno = 0;
    assert_int_equal(close(fd), -1);
    assert_int_equal(errno, EBADF);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dup_family_and_close_range_keep_the_view),
        cmocka_unit_test(test_fd_closed_by_raw_syscall_and_reused_is_not_translated),
        cmocka_unit_test(test_plain_socket_closed_behind_the_shims_back_and_reused_is_left_alone),
        cmocka_unit_test(test_fclose_of_an_fdopened_socket_forgets_it_and_releases_its_pin),
        cmocka_unit_test(test_untracked_ipv6_socket_shown_as_ipv4_is_adopted_and_stays_ipv4),
        cmocka_unit_test(test_errors_pass_through_unchanged),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
/* NOLINTEND(v6-*) */
