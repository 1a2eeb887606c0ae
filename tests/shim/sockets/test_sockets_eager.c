/*
 * Tests of the adaptive socket model (shim/upgrade.h,
 * docs/internals/fdtable.md) through the hooks linked into this program, on
 * real loopback sockets in a private network namespace: once the process's
 * TCP sockets have reached pool addresses, socket(AF_INET, SOCK_STREAM) is
 * an AF_INET6 socket at once ("early"); a connect to a pool address uses it
 * as it is, and every IPv4 use makes it a real AF_INET socket again, in
 * place, with its options and flags. Each test starts from a process that
 * has just made one real connect through the pool (early_model).
 * Helpers: sockets_test_util.h, eager_test_util.h; the settle of an early
 * socket by IPv4 options, ioctls, the fd limit, dup and fork:
 * test_sockets_settle.c.
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
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <net/if.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pool.h"
#include "sockets_test_util.h"
#include "upgrade.h"
#include "v6test.h"
#include "eager_test_util.h"

static void
test_evidence_counter_turns_early_at_a_pool_connect_and_lazy_after_two_ipv4_uses(void **state)
{
    (void)state;
    static const struct {
        char note;  /* 'p' a pool connect, '4' an IPv4 use */
        bool early; /* wanted afterwards */
    } steps[] = {
        {'4', false}, {'4', false},               /* no evidence: nothing to take off */
        {'p', true},  {'4', true},  {'4', false}, /* 3, 2, 1 */
        {'p', true},  {'p', true},  {'4', true},  /* saturates at 3 */
        {'p', true},  {'4', true},  {'p', true},  {'4', true}, /* alternating stays early */
        {'4', false}, {'4', false}, {'4', false}, {'p', true}, /* floor 0, back at once */
    };
    upgrade_eager_reset();
    assert_false(upgrade_eager_wanted());
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        if (steps[i].note == 'p')
            upgrade_eager_note_pool();
        else
            upgrade_eager_note_ipv4();
        if (upgrade_eager_wanted() != steps[i].early)
            fail_msg("step %zu (%c): wanted %d", i, steps[i].note, !steps[i].early);
    }
    upgrade_eager_reset();
}

static void test_process_that_never_reached_the_pool_makes_real_af_inet_sockets(void **state)
{
    (void)state;
    upgrade_eager_reset();
    assert_false(upgrade_eager_wanted());
    uint16_t port;
    int l = legacy_listener("127.0.0.1", &port);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_int_equal(v6test_raw_domain(fd), AF_INET);
    struct sockaddr_in dst = sin_str("127.0.0.1", port);
    assert_int_equal(connect(fd, (struct sockaddr *)&dst, sizeof dst), 0);
    assert_int_equal(v6test_raw_domain(fd), AF_INET);
    close(fd);
    fd = socket(AF_INET, SOCK_STREAM, 0); /* an IPv4 connect is no evidence */
    assert_int_equal(v6test_raw_domain(fd), AF_INET);
    close(fd);
    close(l);
}

static void test_early_socket_connects_to_pool_address_on_its_own_fd(void **state)
{
    (void)state;
    V6TEST_REQUIRE_IPV6();
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    assert_int_equal(v6test_raw_domain(fd), AF_INET6); /* made early */
    int dom = 0;
    socklen_t dl = sizeof dom;
    assert_int_equal(getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &dom, &dl), 0);
    assert_int_equal(dom, AF_INET);
    struct sockaddr_in me;
    socklen_t ml = sizeof me;
    assert_int_equal(getsockname(fd, (struct sockaddr *)&me, &ml), 0);
    assert_int_equal(ml, sizeof me);
    assert_int_equal(me.sin_family, AF_INET); /* [::]:0 shown as 0.0.0.0:0 */
    assert_int_equal(me.sin_addr.s_addr, htonl(INADDR_ANY));
    assert_int_equal(me.sin_port, 0);
    int tos = 0x20;
    assert_int_equal(setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof tos), 0);
    struct sockaddr_in dst = sin_of(eager_pool6, eager_srv6.port);
    assert_int_equal(connect(fd, (struct sockaddr *)&dst, sizeof dst), 0);
    assert_int_equal(v6test_raw_domain(fd), AF_INET6);
    assert_int_equal(raw_int_opt(fd, IPPROTO_IPV6, IPV6_TCLASS), 0x20);
    assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
    dl = sizeof dom;
    assert_int_equal(getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &dom, &dl), 0);
    assert_int_equal(dom, AF_INET);
    struct sockaddr_in peer;
    socklen_t len = sizeof peer;
    assert_int_equal(getpeername(fd, (struct sockaddr *)&peer, &len), 0);
    assert_int_equal(len, sizeof peer);
    assert_int_equal(peer.sin_family, AF_INET);
    assert_int_equal(peer.sin_addr.s_addr, eager_pool6.s_addr); /* exactly what it connected to */
    assert_int_equal(ntohs(peer.sin_port), eager_srv6.port);
    eager_expect_greeting(fd, "::1");
    errno = 0;
    assert_int_equal(connect(fd, (struct sockaddr *)&dst, sizeof dst), -1);
    assert_int_equal(errno, EISCONN);
    close(fd);
    assert_true(upgrade_eager_wanted());
}

static void
test_early_socket_connecting_to_127_0_0_1_becomes_real_af_inet_with_its_options(void **state)
{
    (void)state;
    V6TEST_REQUIRE_IPV6();
    uint16_t port;
    int l = eager_raw_listener(&port);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_int_equal(v6test_raw_domain(fd), AF_INET6);
    int one = 1, tos = 0x48;
    assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one), 0);
    assert_int_equal(setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof tos), 0);
    assert_int_equal(fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK), 0);
    assert_int_equal(fcntl(fd, F_SETFD, FD_CLOEXEC), 0);
    struct sockaddr_in dst = sin_str("127.0.0.1", port);
    int rc = connect(fd, (struct sockaddr *)&dst, sizeof dst);
    assert_true(rc == 0 || errno == EINPROGRESS);
    struct pollfd p = {.fd = fd, .events = POLLOUT};
    assert_int_equal(poll(&p, 1, 5000), 1);
    int err = -1;
    socklen_t el = sizeof err;
    assert_int_equal(getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el), 0);
    assert_int_equal(err, 0);
    /* The same fd, a real AF_INET socket, everything the program set kept. */
    assert_int_equal(v6test_raw_domain(fd), AF_INET);
    assert_int_equal(raw_int_opt(fd, SOL_SOCKET, SO_REUSEADDR), 1);
    assert_int_equal(raw_int_opt(fd, IPPROTO_IP, IP_TOS), 0x48);
    assert_true(fcntl(fd, F_GETFL) & O_NONBLOCK);
    assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
    struct sockaddr_in peer;
    socklen_t len = sizeof peer;
    assert_int_equal(getpeername(fd, (struct sockaddr *)&peer, &len), 0);
    assert_string_equal(ntoa(peer.sin_addr), "127.0.0.1");
    assert_int_equal(ntohs(peer.sin_port), port);
    len = sizeof peer;
    int a = accept(l, (struct sockaddr *)&peer, &len);
    assert_true(a >= 0);
    assert_string_equal(ntoa(peer.sin_addr), "127.0.0.1"); /* not ::ffff: on the wire */
    close(a);
    close(fd);
    close(l);
}

static void test_epoll_registration_of_an_early_socket_survives_its_settle(void **state)
{
    (void)state;
    V6TEST_REQUIRE_IPV6();
    uint16_t port;
    int l = eager_raw_listener(&port);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    assert_int_equal(v6test_raw_domain(fd), AF_INET6);
    int ep = epoll_create1(EPOLL_CLOEXEC);
    assert_true(ep >= 0);
    struct epoll_event ev = {.events = EPOLLOUT, .data.u64 = 0x600d};
    assert_int_equal(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev), 0);
    struct sockaddr_in dst = sin_str("127.0.0.1", port);
    int rc = connect(fd, (struct sockaddr *)&dst, sizeof dst);
    assert_true(rc == 0 || errno == EINPROGRESS);
    assert_int_equal(v6test_raw_domain(fd), AF_INET); /* replaced under the registration */
    struct epoll_event got = {0};
    assert_int_equal(epoll_wait(ep, &got, 1, 5000), 1);
    assert_true(got.events & EPOLLOUT);
    assert_int_equal(got.data.u64, 0x600d);
    close(ep);
    close(fd);
    close(accept(l, NULL, NULL));
    close(l);
}

static void test_two_ipv4_connects_turn_the_model_lazy_again(void **state)
{
    (void)state;
    V6TEST_REQUIRE_IPV6();
    uint16_t port;
    int l = eager_raw_listener(&port);
    struct sockaddr_in dst = sin_str("127.0.0.1", port);
    for (int i = 0; i < 2; i++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        assert_int_equal(v6test_raw_domain(fd), AF_INET6);
        assert_int_equal(connect(fd, (struct sockaddr *)&dst, sizeof dst), 0);
        assert_int_equal(v6test_raw_domain(fd), AF_INET);
        close(fd);
        close(accept(l, NULL, NULL));
    }
    assert_false(upgrade_eager_wanted());
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_int_equal(v6test_raw_domain(fd), AF_INET); /* made lazy again */
    close(fd);
    close(l);
}

static void test_early_socket_bound_to_127_0_0_1_is_real_af_inet(void **state)
{
    (void)state;
    V6TEST_REQUIRE_IPV6();
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_int_equal(v6test_raw_domain(fd), AF_INET6);
    int one = 1;
    assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one), 0);
    struct sockaddr_in me = sin_str("127.0.0.1", 0);
    assert_int_equal(bind(fd, (struct sockaddr *)&me, sizeof me), 0);
    assert_int_equal(v6test_raw_domain(fd), AF_INET);
    assert_int_equal(raw_int_opt(fd, SOL_SOCKET, SO_REUSEADDR), 1);
    socklen_t len = sizeof me;
    assert_int_equal(getsockname(fd, (struct sockaddr *)&me, &len), 0);
    assert_string_equal(ntoa(me.sin_addr), "127.0.0.1");
    assert_true(ntohs(me.sin_port) != 0);
    close(fd);
    /* A wildcard bind: the dual-stack socket a lazy one becomes. */
    fd = socket(AF_INET, SOCK_STREAM, 0);
    me = sin_str("0.0.0.0", 0);
    assert_int_equal(bind(fd, (struct sockaddr *)&me, sizeof me), 0);
    assert_int_equal(v6test_raw_domain(fd), AF_INET6);
    assert_int_equal(raw_int_opt(fd, IPPROTO_IPV6, IPV6_V6ONLY), 0);
    close(fd);
}

static void test_nonblocking_early_socket_connects_to_pool_address(void **state)
{
    (void)state;
    V6TEST_REQUIRE_IPV6();
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    assert_int_equal(v6test_raw_domain(fd), AF_INET6);
    assert_true(fcntl(fd, F_GETFL) & O_NONBLOCK);
    struct sockaddr_in dst = sin_of(eager_pool6, eager_srv6.port);
    int rc = connect(fd, (struct sockaddr *)&dst, sizeof dst);
    assert_true(rc == 0 || errno == EINPROGRESS);
    struct pollfd p = {.fd = fd, .events = POLLOUT};
    assert_int_equal(poll(&p, 1, 5000), 1);
    int err = -1;
    socklen_t el = sizeof err;
    assert_int_equal(getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el), 0);
    assert_int_equal(err, 0);
    assert_int_equal(v6test_raw_domain(fd), AF_INET6);
    assert_true(fcntl(fd, F_GETFL) & O_NONBLOCK);
    struct sockaddr_in peer;
    socklen_t len = sizeof peer;
    assert_int_equal(getpeername(fd, (struct sockaddr *)&peer, &len), 0);
    assert_int_equal(peer.sin_addr.s_addr, eager_pool6.s_addr);
    assert_int_equal(ntohs(peer.sin_port), eager_srv6.port);
    p.events = POLLIN;
    assert_int_equal(poll(&p, 1, 5000), 1);
    eager_expect_greeting(fd, "::1");
    close(fd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(
            test_evidence_counter_turns_early_at_a_pool_connect_and_lazy_after_two_ipv4_uses),
        cmocka_unit_test(test_process_that_never_reached_the_pool_makes_real_af_inet_sockets),
        cmocka_unit_test_setup(test_early_socket_connects_to_pool_address_on_its_own_fd,
                               eager_model),
        cmocka_unit_test_setup(
            test_early_socket_connecting_to_127_0_0_1_becomes_real_af_inet_with_its_options,
            eager_model),
        cmocka_unit_test_setup(test_epoll_registration_of_an_early_socket_survives_its_settle,
                               eager_model),
        cmocka_unit_test_setup(test_two_ipv4_connects_turn_the_model_lazy_again, eager_model),
        cmocka_unit_test_setup(test_early_socket_bound_to_127_0_0_1_is_real_af_inet, eager_model),
        cmocka_unit_test_setup(test_nonblocking_early_socket_connects_to_pool_address, eager_model),
    };
    return cmocka_run_group_tests(tests, eager_start, eager_stop);
}
/* NOLINTEND(v6-*) */
