/*
 * Tests of the adaptive socket model (shim/upgrade.h,
 * docs/internals/fdtable.md) through the hooks linked into this program, on
 * real loopback sockets in a private network namespace: once the process's
 * TCP sockets have reached pool addresses, socket(AF_INET, SOCK_STREAM) is
 * an AF_INET6 socket at once ("early"); a connect to a pool address uses it
 * as it is, and every IPv4 use makes it a real AF_INET socket again, in
 * place, with its options and flags. Each test starts from a process that
 * has just made one real connect through the pool (early_model).
 * Helpers: sockets_test_util.h.
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

/* The IPv6-only server the early sockets reach ("::1", says the peer). */
static struct v6test_server srv6;
static struct in_addr pool6; /* v6only.v6kit.test's pool address */

static int start(void **state)
{
    (void)state;
    if (!v6test_have_ipv6())
        return 0; /* every test skips */
    if (v6test_server_start(&srv6, "::1", SOCK_STREAM, V6TEST_SAY_PEER) != 0)
        return -1;
    return 0;
}

static int stop(void **state)
{
    (void)state;
    v6test_server_stop(&srv6);
    return 0;
}

/* A listener on 127.0.0.1:*PORT made with raw syscalls, so that making it
 * is no IPv4 use that the model counts (a legacy bind would be one). */
static int raw_listener(uint16_t *port)
{
    int fd = (int)syscall(SYS_socket, AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in me = sin_str("127.0.0.1", 0);
    assert_int_equal(syscall(SYS_bind, fd, &me, sizeof me), 0);
    assert_int_equal(syscall(SYS_listen, fd, 8), 0);
    socklen_t len = sizeof me;
    assert_int_equal(syscall(SYS_getsockname, fd, &me, &len), 0);
    *port = ntohs(me.sin_port);
    return fd;
}

/* The program's socket FD connects to the pool address and gets the
 * server's greeting: the peer the server saw. */
static void expect_greeting(int fd, const char *peer)
{
    char buf[64] = {0};
    size_t want = strlen(peer) + 1;
    assert_int_equal(read(fd, buf, sizeof buf - 1), (ssize_t)want);
    assert_memory_equal(buf, peer, want - 1);
}

/* Per test: a fresh model, then one lazy socket connected through the pool
 * (the evidence that turns the model early). */
static int early_model(void **state)
{
    (void)state;
    upgrade_eager_reset();
    if (!v6test_have_ipv6())
        return 0;
    int fd = socket(AF_INET, SOCK_STREAM, 0); /* (the shim starts here, and sets the pool up) */
    static const char *const a[] = {"::1"};
    pool6 = map_name("v6only.v6kit.test", a, 1);
    if (fd < 0 || v6test_raw_domain(fd) != AF_INET)
        return -1; /* lazy until then */
    struct sockaddr_in dst = sin_of(pool6, srv6.port);
    int rc = connect(fd, (struct sockaddr *)&dst, sizeof dst);
    if (rc != 0)
        print_message("early_model: connect: %s\n", strerror(errno));
    close(fd);
    return rc == 0 && upgrade_eager_wanted() ? 0 : -1;
}

static void test_evidence_counter_turns_early_at_a_pool_connect_and_lazy_after_two_ipv4_uses(void **state)
{
    (void)state;
    static const struct {
        char note;  /* 'p' a pool connect, '4' an IPv4 use */
        bool early; /* wanted afterwards */
    } steps[] = {
        {'4', false}, {'4', false}, /* no evidence: nothing to take off */
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
    struct sockaddr_in dst = sin_of(pool6, srv6.port);
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
    assert_int_equal(peer.sin_addr.s_addr, pool6.s_addr); /* exactly what it connected to */
    assert_int_equal(ntohs(peer.sin_port), srv6.port);
    expect_greeting(fd, "::1");
    errno = 0;
    assert_int_equal(connect(fd, (struct sockaddr *)&dst, sizeof dst), -1);
    assert_int_equal(errno, EISCONN);
    close(fd);
    assert_true(upgrade_eager_wanted());
}

static void test_early_socket_connecting_to_127_0_0_1_becomes_real_af_inet_with_its_options(void **state)
{
    (void)state;
    V6TEST_REQUIRE_IPV6();
    uint16_t port;
    int l = raw_listener(&port);
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
    int l = raw_listener(&port);
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
    int l = raw_listener(&port);
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
    struct sockaddr_in dst = sin_of(pool6, srv6.port);
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
    assert_int_equal(peer.sin_addr.s_addr, pool6.s_addr);
    assert_int_equal(ntohs(peer.sin_port), srv6.port);
    p.events = POLLIN;
    assert_int_equal(poll(&p, 1, 5000), 1);
    expect_greeting(fd, "::1");
    close(fd);
}

/* The kernel's answer for option LEVEL/NAME on a fresh AF_INET TCP socket
 * (raw syscalls): 0 or -errno. */
static int af_inet_answer(int level, int name, const void *val, socklen_t len)
{
    int fd = (int)syscall(SYS_socket, AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    int rc = syscall(SYS_setsockopt, fd, level, name, val, len) == 0 ? 0 : -errno;
    close(fd);
    return rc;
}

static void test_ipv4_only_and_ipv6_options_settle_the_early_socket_with_af_inets_answer(void **state)
{
    (void)state;
    V6TEST_REQUIRE_IPV6();
    struct ip_mreq m;
    memset(&m, 0, sizeof m);
    assert_int_equal(inet_pton(AF_INET, "239.1.2.3", &m.imr_multiaddr), 1);
    int want = af_inet_answer(IPPROTO_IP, IP_ADD_MEMBERSHIP, &m, sizeof m);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_int_equal(v6test_raw_domain(fd), AF_INET6);
    errno = 0;
    int rc = setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &m, sizeof m);
    assert_int_equal(rc == 0 ? 0 : -errno, want);
    assert_int_equal(v6test_raw_domain(fd), AF_INET);
    close(fd);
    int zero = 0;
    want = af_inet_answer(IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
    assert_int_equal(want, -ENOPROTOOPT); /* an IPv6 option on an IPv4 socket */
    fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_int_equal(v6test_raw_domain(fd), AF_INET6);
    errno = 0;
    assert_int_equal(setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero), -1);
    assert_int_equal(errno, ENOPROTOOPT);
    assert_int_equal(v6test_raw_domain(fd), AF_INET);
    close(fd);
}

static void test_option_the_early_socket_refuses_is_made_again_on_af_inet(void **state)
{
    (void)state;
    V6TEST_REQUIRE_IPV6();
    /* A TCP-level option an AF_INET6 socket refuses: a TCP_MD5SIG key for
     * a sockaddr_in (EINVAL there). */
    struct tcp_md5sig md5;
    memset(&md5, 0, sizeof md5);
    struct sockaddr_in peer = sin_str("127.0.0.1", 0);
    memcpy(&md5.tcpm_addr, &peer, sizeof peer);
    md5.tcpm_keylen = 4;
    memcpy(md5.tcpm_key, "v6kt", 4);
    int want = af_inet_answer(IPPROTO_TCP, TCP_MD5SIG, &md5, sizeof md5);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_int_equal(v6test_raw_domain(fd), AF_INET6);
    errno = 0;
    int rc = setsockopt(fd, IPPROTO_TCP, TCP_MD5SIG, &md5, sizeof md5);
    assert_int_equal(rc == 0 ? 0 : -errno, want);
    assert_int_equal(v6test_raw_domain(fd), AF_INET);
    close(fd);
}

static void test_interface_ioctl_settles_the_early_socket_and_fionbio_does_not(void **state)
{
    (void)state;
    V6TEST_REQUIRE_IPV6();
    /* FIONBIO works on either family: the socket stays early and fast. */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int on = 1;
    assert_int_equal(ioctl(fd, FIONBIO, &on), 0);
    assert_int_equal(v6test_raw_domain(fd), AF_INET6);
    assert_true(fcntl(fd, F_GETFL) & O_NONBLOCK);
    struct sockaddr_in dst = sin_of(pool6, srv6.port);
    int rc = connect(fd, (struct sockaddr *)&dst, sizeof dst);
    assert_true(rc == 0 || errno == EINPROGRESS);
    struct pollfd p = {.fd = fd, .events = POLLIN};
    assert_int_equal(poll(&p, 1, 5000), 1);
    expect_greeting(fd, "::1");
    close(fd);
    /* SIOCGIFADDR, which an AF_INET6 socket refuses (ENOTTY): the AF_INET
     * socket the program asked for answers. */
    fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_int_equal(v6test_raw_domain(fd), AF_INET6);
    struct ifreq r;
    memset(&r, 0, sizeof r);
    strcpy(r.ifr_name, "lo");
    errno = 0;
    assert_int_equal(ioctl(fd, SIOCGIFADDR, &r), 0);
    assert_int_equal(r.ifr_addr.sa_family, AF_INET);
    struct sockaddr_in a;
    memcpy(&a, &r.ifr_addr, sizeof a);
    assert_string_equal(ntoa(a.sin_addr), "127.0.0.1");
    assert_int_equal(v6test_raw_domain(fd), AF_INET);
    close(fd);
}

static void test_early_sockets_at_the_fd_limit(void **state)
{
    (void)state;
    V6TEST_REQUIRE_IPV6();
    uint16_t port;
    int l = raw_listener(&port);
    struct rlimit old, low;
    assert_int_equal(getrlimit(RLIMIT_NOFILE, &old), 0);
    low = old;
    low.rlim_cur = 64;
    assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
    int fill[64], n = 0, d;
    while (n < 64 && (d = dup(0)) >= 0)
        fill[n++] = d;
    assert_int_equal(errno, EMFILE);
    close(fill[--n]);
    /* The last descriptor, early: a pool connect needs no second one (a
     * lazy socket here says ENOBUFS: test_pool_exhaustion). */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_int_equal(v6test_raw_domain(fd), AF_INET6);
    struct sockaddr_in dst = sin_of(pool6, srv6.port);
    assert_int_equal(connect(fd, (struct sockaddr *)&dst, sizeof dst), 0);
    expect_greeting(fd, "::1");
    close(fd);
    /* An IPv4 connect cannot make it AF_INET again (no descriptor for the
     * twin): it connects IPv4-mapped, and the program sees the same. */
    fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_int_equal(v6test_raw_domain(fd), AF_INET6);
    dst = sin_str("127.0.0.1", port);
    assert_int_equal(connect(fd, (struct sockaddr *)&dst, sizeof dst), 0);
    assert_int_equal(v6test_raw_domain(fd), AF_INET6);
    assert_int_equal(raw_int_opt(fd, IPPROTO_IPV6, IPV6_V6ONLY), 0);
    int dom = 0;
    socklen_t dl = sizeof dom;
    assert_int_equal(getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &dom, &dl), 0);
    assert_int_equal(dom, AF_INET);
    struct sockaddr_in peer;
    socklen_t len = sizeof peer;
    assert_int_equal(getpeername(fd, (struct sockaddr *)&peer, &len), 0);
    assert_int_equal(len, sizeof peer);
    assert_string_equal(ntoa(peer.sin_addr), "127.0.0.1");
    assert_int_equal(ntohs(peer.sin_port), port);
    close(fd);
    while (n > 0)
        close(fill[--n]);
    assert_int_equal(setrlimit(RLIMIT_NOFILE, &old), 0);
    close(accept(l, NULL, NULL));
    close(l);
}

static void test_dup_of_early_socket_reaches_both_ipv4_and_the_pool(void **state)
{
    (void)state;
    V6TEST_REQUIRE_IPV6();
    uint16_t port;
    int l = raw_listener(&port);
    /* Shared: the swap cannot change both numbers, so it stays IPv6 and
     * the IPv4 connect goes IPv4-mapped; both fds show the IPv4 view. */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int d = dup(fd);
    assert_true(d >= 0);
    struct sockaddr_in dst = sin_str("127.0.0.1", port);
    assert_int_equal(connect(fd, (struct sockaddr *)&dst, sizeof dst), 0);
    assert_int_equal(v6test_raw_domain(d), AF_INET6);
    assert_int_equal(raw_int_opt(d, IPPROTO_IPV6, IPV6_V6ONLY), 0);
    struct sockaddr_in peer;
    socklen_t len = sizeof peer;
    assert_int_equal(getpeername(d, (struct sockaddr *)&peer, &len), 0);
    assert_int_equal(len, sizeof peer);
    assert_string_equal(ntoa(peer.sin_addr), "127.0.0.1");
    close(d);
    close(fd);
    close(accept(l, NULL, NULL));
    /* Shared and to the pool: the IPv6 socket it already is connects. */
    fd = socket(AF_INET, SOCK_STREAM, 0);
    d = dup(fd);
    dst = sin_of(pool6, srv6.port);
    assert_int_equal(connect(d, (struct sockaddr *)&dst, sizeof dst), 0);
    len = sizeof peer;
    assert_int_equal(getpeername(fd, (struct sockaddr *)&peer, &len), 0);
    assert_int_equal(peer.sin_addr.s_addr, pool6.s_addr);
    expect_greeting(fd, "::1");
    close(d);
    close(fd);
    close(l);
}

static void test_forked_child_settles_its_own_fd_and_the_parents_stays_early(void **state)
{
    (void)state;
    V6TEST_REQUIRE_IPV6();
    uint16_t port;
    int l = raw_listener(&port);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_int_equal(v6test_raw_domain(fd), AF_INET6);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct sockaddr_in dst = sin_str("127.0.0.1", port);
        int ok = connect(fd, (struct sockaddr *)&dst, sizeof dst) == 0 &&
                 v6test_raw_domain(fd) == AF_INET;
        int c = socket(AF_INET, SOCK_STREAM, 0); /* the child inherits the model */
        ok = ok && v6test_raw_domain(c) == AF_INET6;
        _exit(ok ? 0 : 1);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    close(accept(l, NULL, NULL));
    assert_int_equal(v6test_raw_domain(fd), AF_INET6); /* the parent's own fd */
    struct sockaddr_in dst = sin_of(pool6, srv6.port);
    assert_int_equal(connect(fd, (struct sockaddr *)&dst, sizeof dst), 0);
    expect_greeting(fd, "::1");
    close(fd);
    close(l);
}

static void test_early_socket_closed_behind_the_shims_back_and_reused_is_left_alone(void **state)
{
    (void)state;
    V6TEST_REQUIRE_IPV6();
    uint16_t port;
    int l = raw_listener(&port);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_int_equal(v6test_raw_domain(fd), AF_INET6);
    assert_int_equal(syscall(SYS_close, fd), 0); /* the shim never sees it */
    int other = (int)syscall(SYS_socket, AF_INET6, SOCK_STREAM, 0);
    assert_int_equal(other, fd);
    int one = 1;
    assert_int_equal(syscall(SYS_setsockopt, other, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one), 0);
    /* The kernel's answer for that socket, from a twin of it. */
    int twin = (int)syscall(SYS_socket, AF_INET6, SOCK_STREAM, 0);
    struct sockaddr_in dst = sin_str("127.0.0.1", port);
    int want = syscall(SYS_connect, twin, &dst, sizeof dst) == 0 ? 0 : -errno;
    close(twin);
    errno = 0;
    int rc = connect(other, (struct sockaddr *)&dst, sizeof dst);
    assert_int_equal(rc == 0 ? 0 : -errno, want);
    /* Not replaced, not changed. */
    assert_int_equal(v6test_raw_domain(other), AF_INET6);
    assert_int_equal(raw_int_opt(other, IPPROTO_IPV6, IPV6_V6ONLY), 1);
    close(other);
    close(l);
}

/* net.ipv6.bindv6only of this test's namespace: 0/1, or -1 unreadable. */
static int bindv6only(int set)
{
    FILE *f = fopen("/proc/sys/net/ipv6/bindv6only", set < 0 ? "r" : "w");
    if (!f)
        return -1;
    int v = set;
    if (set < 0 && fscanf(f, "%d", &v) != 1)
        v = -1;
    if (set >= 0)
        fprintf(f, "%d\n", set);
    return fclose(f) == 0 ? v : -1;
}

static void test_early_socket_refused_by_the_pool_then_connects_to_ipv4_under_bindv6only(void **state)
{
    (void)state;
    V6TEST_REQUIRE_IPV6();
    int was = bindv6only(-1);
    if (was < 0 || bindv6only(1) != 1) {
        print_message("skipped: net.ipv6.bindv6only not writable here\n");
        skip();
    }
    uint16_t port;
    int l = raw_listener(&port);
    struct v6test_server gone; /* borrow a port, then free it */
    assert_int_equal(v6test_server_start(&gone, "::1", SOCK_STREAM, V6TEST_ECHO), 0);
    uint16_t closed = gone.port;
    v6test_server_stop(&gone);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_int_equal(v6test_raw_domain(fd), AF_INET6);
    struct sockaddr_in dst = sin_of(pool6, closed);
    errno = 0;
    assert_int_equal(connect(fd, (struct sockaddr *)&dst, sizeof dst), -1);
    assert_int_equal(errno, ECONNREFUSED);
    /* The program tries its next address on the same fd, as old code does. */
    dst = sin_str("127.0.0.1", port);
    int rc = connect(fd, (struct sockaddr *)&dst, sizeof dst);
    assert_int_equal(bindv6only(was), was); /* (restored before any assertion can fail) */
    assert_int_equal(rc, 0);
    struct sockaddr_in peer;
    socklen_t len = sizeof peer;
    assert_int_equal(getpeername(fd, (struct sockaddr *)&peer, &len), 0);
    assert_string_equal(ntoa(peer.sin_addr), "127.0.0.1");
    close(fd);
    close(accept(l, NULL, NULL));
    close(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_evidence_counter_turns_early_at_a_pool_connect_and_lazy_after_two_ipv4_uses),
        cmocka_unit_test(test_process_that_never_reached_the_pool_makes_real_af_inet_sockets),
        cmocka_unit_test_setup(test_early_socket_connects_to_pool_address_on_its_own_fd, early_model),
        cmocka_unit_test_setup(test_early_socket_connecting_to_127_0_0_1_becomes_real_af_inet_with_its_options, early_model),
        cmocka_unit_test_setup(test_epoll_registration_of_an_early_socket_survives_its_settle, early_model),
        cmocka_unit_test_setup(test_two_ipv4_connects_turn_the_model_lazy_again, early_model),
        cmocka_unit_test_setup(test_early_socket_bound_to_127_0_0_1_is_real_af_inet, early_model),
        cmocka_unit_test_setup(test_nonblocking_early_socket_connects_to_pool_address, early_model),
        cmocka_unit_test_setup(test_ipv4_only_and_ipv6_options_settle_the_early_socket_with_af_inets_answer, early_model),
        cmocka_unit_test_setup(test_option_the_early_socket_refuses_is_made_again_on_af_inet, early_model),
        cmocka_unit_test_setup(test_interface_ioctl_settles_the_early_socket_and_fionbio_does_not, early_model),
        cmocka_unit_test_setup(test_early_sockets_at_the_fd_limit, early_model),
        cmocka_unit_test_setup(test_dup_of_early_socket_reaches_both_ipv4_and_the_pool, early_model),
        cmocka_unit_test_setup(test_forked_child_settles_its_own_fd_and_the_parents_stays_early, early_model),
        cmocka_unit_test_setup(test_early_socket_refused_by_the_pool_then_connects_to_ipv4_under_bindv6only, early_model),
        cmocka_unit_test_setup(test_early_socket_closed_behind_the_shims_back_and_reused_is_left_alone, early_model),
    };
    return cmocka_run_group_tests(tests, start, stop);
}
/* NOLINTEND(v6-*) */
