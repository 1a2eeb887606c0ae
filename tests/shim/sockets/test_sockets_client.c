/*
 * Tests of the socket layer through its hooks, linked into this program (as
 * if preloaded), on real loopback sockets in a private network namespace:
 * the client side: connects through the pool (blocking, non-blocking,
 * epoll, UDP), black-holed candidates and timeouts, pool addresses that
 * must never leave as IPv4.
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

/* These tests are about the lazy model (each socket starts as a real
 * AF_INET one): forget the pool connects earlier tests made, which would
 * turn the adaptive model early (upgrade.h; test_sockets_eager.c). */
static int lazy_model(void **state)
{
    (void)state;
    upgrade_eager_reset();
    return 0;
}


/* ---- client side ---- */

static void test_blocking_connect_to_pool_address_reaches_ipv6_only_server(void **state)
{
    V6TEST_REQUIRE_IPV6();
    struct v6test_server srv;
    assert_int_equal(v6test_server_start(&srv, "::1", SOCK_STREAM, V6TEST_SAY_PEER), 0);
    static const char *const a[] = {"::1"};
    struct in_addr p = map_name("v6only.v6kit.test", a, 1);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1, tos = 0x20;
    assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one), 0);
    assert_int_equal(setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one), 0);
    assert_int_equal(setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof tos), 0);
    struct sockaddr_in dst = sin_of(p, srv.port);
    assert_int_equal(connect(fd, (struct sockaddr *)&dst, sizeof dst), 0);
    assert_int_equal(v6test_raw_domain(fd), AF_INET6);
    /* Same fd number, flags and options. */
    assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
    assert_false(fcntl(fd, F_GETFL) & O_NONBLOCK);
    assert_int_equal(raw_int_opt(fd, SOL_SOCKET, SO_KEEPALIVE), 1);
    assert_int_equal(raw_int_opt(fd, IPPROTO_TCP, TCP_NODELAY), 1);
    assert_int_equal(raw_int_opt(fd, IPPROTO_IPV6, IPV6_TCLASS), 0x20);
    struct sockaddr_in peer;
    socklen_t len = sizeof peer;
    assert_int_equal(getpeername(fd, (struct sockaddr *)&peer, &len), 0);
    assert_int_equal(peer.sin_addr.s_addr, p.s_addr);
    assert_int_equal(ntohs(peer.sin_port), srv.port);
    char buf[64] = {0};
    assert_int_equal(read(fd, buf, sizeof buf - 1), 4);
    assert_string_equal(buf, "::1\n");
    /* A second connect: the kernel's EISCONN. */
    errno = 0;
    assert_int_equal(connect(fd, (struct sockaddr *)&dst, sizeof dst), -1);
    assert_int_equal(errno, EISCONN);
    close(fd);
    v6test_server_stop(&srv);
}

static void test_blocking_connect_to_dual_name_with_refusing_ipv6_uses_ipv4(void **state)
{
    V6TEST_REQUIRE_IPV6();
    struct v6test_server srv;
    assert_int_equal(v6test_server_start(&srv, "127.0.0.1", SOCK_STREAM, V6TEST_SAY_PEER), 0);
    static const char *const a[] = {"::1", "127.0.0.1"};
    struct in_addr p = map_name("dual.v6kit.test", a, 2);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in dst = sin_of(p, srv.port);
    assert_int_equal(connect(fd, (struct sockaddr *)&dst, sizeof dst), 0);
    assert_int_equal(v6test_raw_domain(fd), AF_INET);
    char buf[64] = {0};
    assert_int_equal(read(fd, buf, sizeof buf - 1), 10);
    assert_string_equal(buf, "127.0.0.1\n");
    struct sockaddr_in peer;
    socklen_t len = sizeof peer;
    assert_int_equal(getpeername(fd, (struct sockaddr *)&peer, &len), 0);
    assert_int_equal(peer.sin_addr.s_addr, p.s_addr); /* what the app connected to */
    close(fd);
    v6test_server_stop(&srv);
}

static void test_blocking_connect_when_every_candidate_refuses_gives_econnrefused(void **state)
{
    V6TEST_REQUIRE_IPV6();
    struct v6test_server srv; /* borrow a port, then free it */
    assert_int_equal(v6test_server_start(&srv, "::1", SOCK_STREAM, V6TEST_ECHO), 0);
    uint16_t port = srv.port;
    v6test_server_stop(&srv);
    static const char *const a[] = {"::1", "127.0.0.1"};
    struct in_addr p = map_name("refuse.v6kit.test", a, 2);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in dst = sin_of(p, port);
    errno = 0;
    assert_int_equal(connect(fd, (struct sockaddr *)&dst, sizeof dst), -1);
    assert_int_equal(errno, ECONNREFUSED);
    assert_int_equal(v6test_raw_domain(fd), AF_INET); /* left as it was */
    close(fd);
}

static void test_nonblocking_connect_keeps_einprogress_poll_and_so_error(void **state)
{
    V6TEST_REQUIRE_IPV6();
    struct v6test_server srv;
    assert_int_equal(v6test_server_start(&srv, "::1", SOCK_STREAM, V6TEST_ECHO), 0);
    static const char *const a[] = {"::1"};
    struct in_addr p = map_name("v6only.v6kit.test", a, 1);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in dst = sin_of(p, srv.port);
    int rc = connect(fd, (struct sockaddr *)&dst, sizeof dst);
    /* Loopback may finish at once; otherwise the kernel's EINPROGRESS. */
    assert_true(rc == 0 || (rc == -1 && errno == EINPROGRESS));
    assert_true(fcntl(fd, F_GETFL) & O_NONBLOCK);
    struct pollfd pfd = {fd, POLLOUT, 0};
    assert_int_equal(poll(&pfd, 1, 5000), 1);
    assert_true(pfd.revents & POLLOUT);
    int err = -1;
    socklen_t len = sizeof err;
    assert_int_equal(getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len), 0);
    assert_int_equal(err, 0);
    /* As the kernel does after an asynchronous connect completed: the next
     * connect says 0 (and settles the socket), the one after EISCONN. */
    assert_int_equal(connect(fd, (struct sockaddr *)&dst, sizeof dst), 0);
    errno = 0;
    assert_int_equal(connect(fd, (struct sockaddr *)&dst, sizeof dst), -1);
    assert_int_equal(errno, EISCONN);
    close(fd);
    v6test_server_stop(&srv);
}

/* The same failing non-blocking connect, with the shim over a pool address
 * and directly on an AF_INET6 socket: same errno, poll events and SO_ERROR. */
static void test_nonblocking_refused_connect_matches_the_kernel_exactly(void **state)
{
    V6TEST_REQUIRE_IPV6();
    struct v6test_server srv;
    assert_int_equal(v6test_server_start(&srv, "::1", SOCK_STREAM, V6TEST_ECHO), 0);
    uint16_t port = srv.port;
    v6test_server_stop(&srv);
    static const char *const a[] = {"::1"};
    struct in_addr p = map_name("v6only.v6kit.test", a, 1);
    int rcs[2], errs[2], revents[2], soerr[2], again[2];
    for (int k = 0; k < 2; k++) {
        int fd;
        struct sockaddr_storage dst = {0};
        socklen_t dlen;
        if (k == 0) {
            fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
            *(struct sockaddr_in *)&dst = sin_of(p, port);
            dlen = sizeof(struct sockaddr_in);
        } else {
            fd = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0);
            struct sockaddr_in6 *d = (struct sockaddr_in6 *)&dst;
            d->sin6_family = AF_INET6;
            d->sin6_port = htons(port);
            d->sin6_addr = in6addr_loopback;
            dlen = sizeof *d;
        }
        errno = 0;
        rcs[k] = connect(fd, (struct sockaddr *)&dst, dlen);
        errs[k] = errno;
        struct pollfd pfd = {fd, POLLOUT, 0};
        assert_int_equal(poll(&pfd, 1, 5000), 1);
        revents[k] = pfd.revents;
        socklen_t len = sizeof soerr[k];
        assert_int_equal(getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr[k], &len), 0);
        errno = 0;
        connect(fd, (struct sockaddr *)&dst, dlen);
        again[k] = errno;
        close(fd);
    }
    assert_int_equal(rcs[0], rcs[1]);
    assert_int_equal(errs[0], errs[1]);
    assert_int_equal(revents[0], revents[1]);
    assert_int_equal(soerr[0], ECONNREFUSED);
    assert_int_equal(soerr[0], soerr[1]);
    assert_int_equal(again[0], again[1]);
}

static void test_epoll_registration_before_connect_survives_the_upgrade(void **state)
{
    V6TEST_REQUIRE_IPV6();
    struct v6test_server srv;
    assert_int_equal(v6test_server_start(&srv, "::1", SOCK_STREAM, V6TEST_SAY_PEER), 0);
    static const char *const a[] = {"::1"};
    struct in_addr p = map_name("v6only.v6kit.test", a, 1);
    int ep = epoll_create1(EPOLL_CLOEXEC);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 0xfeed};
    assert_int_equal(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev), 0);
    struct sockaddr_in dst = sin_of(p, srv.port);
    int rc = connect(fd, (struct sockaddr *)&dst, sizeof dst);
    assert_true(rc == 0 || errno == EINPROGRESS);
    assert_int_equal(v6test_raw_domain(fd), AF_INET6);
    /* The server speaks first: the event must reach the registration. */
    struct epoll_event out;
    assert_int_equal(epoll_wait(ep, &out, 1, 5000), 1);
    assert_true(out.events & EPOLLIN);
    assert_true(out.data.u64 == 0xfeed);
    /* A MOD after the upgrade works on the new socket (it is registered). */
    ev.events = EPOLLIN | EPOLLOUT;
    assert_int_equal(epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev), 0);
    close(fd);
    close(ep);
    v6test_server_stop(&srv);
}

static void test_udp_sendto_pool_address_reaches_ipv6_server_and_reply_has_its_view(void **state)
{
    V6TEST_REQUIRE_IPV6();
    struct v6test_server srv;
    assert_int_equal(v6test_server_start(&srv, "::1", SOCK_DGRAM, V6TEST_ECHO), 0);
    static const char *const a[] = {"::1"};
    struct in_addr p = map_name("v6only.v6kit.test", a, 1);
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in dst = sin_of(p, srv.port);
    assert_int_equal(sendto(fd, "hello", 5, 0, (struct sockaddr *)&dst, sizeof dst), 5);
    assert_int_equal(v6test_raw_domain(fd), AF_INET6);
    char buf[16];
    struct sockaddr_in from;
    socklen_t len = sizeof from;
    assert_int_equal(recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &len), 5);
    assert_memory_equal(buf, "hello", 5);
    assert_int_equal(len, sizeof from);
    assert_int_equal(from.sin_family, AF_INET);
    assert_true(pool_contains(from.sin_addr));
    assert_int_equal(ntohs(from.sin_port), srv.port);
    /* The reply comes from where the datagram went: it shows the pool
     * address the program sent to, which leads back to ::1. */
    assert_int_equal(from.sin_addr.s_addr, p.s_addr);
    struct pool_view v;
    assert_int_equal(pool_lookup(from.sin_addr, &v), 0);
    assert_memory_equal(&v.cand[0].addr.v6, &in6addr_loopback, 16);
    close(fd);

    /* A connected UDP socket: connect + send/recv, getpeername = pool address. */
    fd = socket(AF_INET, SOCK_DGRAM, 0);
    assert_int_equal(connect(fd, (struct sockaddr *)&dst, sizeof dst), 0);
    assert_int_equal(send(fd, "abc", 3, 0), 3);
    assert_int_equal(recv(fd, buf, sizeof buf, 0), 3);
    len = sizeof from;
    assert_int_equal(getpeername(fd, (struct sockaddr *)&from, &len), 0);
    assert_int_equal(from.sin_addr.s_addr, p.s_addr);
    close(fd);
    v6test_server_stop(&srv);
}

/* ---- black holes: a route to 2001:db8:dead::/48 over lo inside this
 * test's own namespace; SYNs to it are dropped, never answered ---- */

static bool blackhole_route(void)
{
    static int have = -1;
    if (have < 0)
        have = system("ip -6 route replace 2001:db8:dead::/48 dev lo 2>/dev/null") == 0;
    return have == 1;
}

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void test_blocking_connect_past_a_black_holed_ipv6_candidate_uses_ipv4(void **state)
{
    V6TEST_REQUIRE_IPV6();
    if (!blackhole_route())
        skip();
    struct v6test_server srv;
    assert_int_equal(v6test_server_start(&srv, "127.0.0.1", SOCK_STREAM, V6TEST_SAY_PEER), 0);
    static const char *const a[] = {"2001:db8:dead::1", "127.0.0.1"};
    struct in_addr p = map_name("blackhole.v6kit.test", a, 2);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in dst = sin_of(p, srv.port);
    uint64_t t0 = now_ms();
    assert_int_equal(connect(fd, (struct sockaddr *)&dst, sizeof dst), 0);
    uint64_t took = now_ms() - t0;
    assert_int_equal(v6test_raw_domain(fd), AF_INET); /* the IPv4 candidate won */
    char buf[32] = {0};
    assert_int_equal(read(fd, buf, sizeof buf - 1), 10);
    assert_string_equal(buf, "127.0.0.1\n");
    /* IPv6 went first and IPv4 waited for the attempt delay (250 ms); a
     * generous upper bound shows the black hole did not hold it up. */
    assert_true(took >= 250);
    assert_true(took < 5000);
    close(fd);
    v6test_server_stop(&srv);
}

/* Blocking connect with SO_SNDTIMEO to a black hole only: as connect(2) does
 * on a timeout, -1/EINPROGRESS; the same as a plain AF_INET6 socket says. */
static void test_blocking_connect_to_black_holes_honours_so_sndtimeo(void **state)
{
    V6TEST_REQUIRE_IPV6();
    uint16_t port;
    int fill[2];
    /* a black hole that lasts: the lo route above answers only at the
     * first SYN retransmission (~1 s), the full queue never */
    int l = v6test_full_listener(&port, fill);
    assert_true(l >= 0);
    static const char *const a[] = {"::1"};
    struct in_addr p = map_name("full.v6kit.test", a, 1);
    struct timeval tv = {0, 300000};
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv), 0);
    struct sockaddr_in dst = sin_of(p, port);
    uint64_t t0 = now_ms();
    errno = 0;
    assert_int_equal(connect(fd, (struct sockaddr *)&dst, sizeof dst), -1);
    int shim_errno = errno;
    assert_true(now_ms() - t0 >= 300);
    /* One candidate: the application's own fd was upgraded and made the
     * connect, so the timeout (and the connect going on after it) is the
     * kernel's own. */
    assert_int_equal(v6test_raw_domain(fd), AF_INET6);
    close(fd);

    int k = socket(AF_INET6, SOCK_STREAM, 0);
    assert_int_equal(setsockopt(k, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv), 0);
    struct sockaddr_in6 d6 = {
        .sin6_family = AF_INET6, .sin6_port = htons(port), .sin6_addr = IN6ADDR_LOOPBACK_INIT};
    errno = 0;
    assert_int_equal(connect(k, (struct sockaddr *)&d6, sizeof d6), -1);
    assert_int_equal(errno, EINPROGRESS);
    assert_int_equal(shim_errno, errno);
    close(k);
    close(fill[0]);
    close(fill[1]);
    close(l);
}

/* Without SO_SNDTIMEO the global budget (V6SHIM_HE_BUDGET_MS=1500 for this
 * test program) ends the race with ETIMEDOUT. */
static void test_blocking_connect_to_black_holes_stops_at_the_budget(void **state)
{
    V6TEST_REQUIRE_IPV6();
    uint16_t port;
    int fill[2];
    int l = v6test_full_listener(&port, fill);
    assert_true(l >= 0);
    static const char *const a[] = {"::1", "::1"};
    struct in_addr p = map_name("full2.v6kit.test", a, 2);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in dst = sin_of(p, port);
    uint64_t t0 = now_ms();
    errno = 0;
    assert_int_equal(connect(fd, (struct sockaddr *)&dst, sizeof dst), -1);
    assert_int_equal(errno, ETIMEDOUT);
    assert_true(now_ms() - t0 >= 1500);
    assert_int_equal(v6test_raw_domain(fd), AF_INET);
    close(fd);
    close(fill[0]);
    close(fill[1]);
    close(l);
}

/* An IPv4 option set after the upgrade also sets its IPv6 twin. */
static void test_ipv4_options_after_upgrade_are_mirrored_to_ipv6(void **state)
{
    V6TEST_REQUIRE_IPV6();
    uint16_t port;
    int l = legacy_listener("0.0.0.0", &port);
    int ttl = 33, tos = 0x28;
    assert_int_equal(setsockopt(l, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl), 0);
    assert_int_equal(setsockopt(l, IPPROTO_IP, IP_TOS, &tos, sizeof tos), 0);
    assert_int_equal(raw_int_opt(l, IPPROTO_IPV6, IPV6_UNICAST_HOPS), 33);
    assert_int_equal(raw_int_opt(l, IPPROTO_IPV6, IPV6_TCLASS), 0x28);
    unsigned char mttl = 7; /* ip(7): a single byte is accepted too */
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in any = sin_str("0.0.0.0", 0);
    assert_int_equal(bind(s, (struct sockaddr *)&any, sizeof any), 0);
    assert_int_equal(setsockopt(s, IPPROTO_IP, IP_MULTICAST_TTL, &mttl, 1), 0);
    assert_int_equal(raw_int_opt(s, IPPROTO_IPV6, IPV6_MULTICAST_HOPS), 7);
    /* An option with no twin is left to the kernel, whose answer stands. */
    int one = 1;
    assert_int_equal(setsockopt(s, IPPROTO_IP, IP_FREEBIND, &one, sizeof one), 0);
    close(s);
    close(l);
}

/* ---- pool addresses never go out as IPv4 ---- */

/* TCP connection attempts (SYNs sent) in this network namespace so far. */
static long tcp_active_opens(void)
{
    FILE *f = fopen("/proc/net/snmp", "r");
    assert_non_null(f);
    char head[1024], vals[1024];
    long v = -1;
    while (fgets(head, sizeof head, f) && fgets(vals, sizeof vals, f)) {
        if (strncmp(head, "Tcp:", 4) != 0)
            continue;
        /* Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens ... */
        char *save = NULL, *tok = strtok_r(vals, " ", &save);
        for (int i = 0; tok && i < 5; i++)
            tok = strtok_r(NULL, " ", &save);
        v = tok ? atol(tok) : -1;
        break;
    }
    fclose(f);
    assert_true(v >= 0);
    return v;
}

static void test_unknown_or_unreachable_pool_addresses_are_refused_without_sending(void **state)
{
    V6TEST_REQUIRE_IPV6();
    static const char *const a[] = {"::1"};
    struct in_addr p = map_name("v6only.v6kit.test", a, 1);
    struct in_addr unknown;
    assert_int_equal(inet_pton(AF_INET, "198.19.255.254", &unknown), 1);
    assert_true(pool_contains(unknown));
    struct pool_view v;
    assert_int_equal(pool_lookup(unknown, &v), -ENOENT);

    /* Make the pool range routable here (over lo), so that anything sent
     * to it as IPv4 would really leave the socket and be counted. */
    bool routed = system("ip route replace 198.18.0.0/15 dev lo 2>/dev/null") == 0;
    long opens = tcp_active_opens();
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in dst = sin_of(unknown, 80);
    errno = 0;
    assert_int_equal(connect(fd, (struct sockaddr *)&dst, sizeof dst), -1);
    assert_int_equal(errno, EHOSTUNREACH);
    assert_int_equal(v6test_raw_domain(fd), AF_INET);
    /* A socket shared with a dup cannot be replaced: refused, not sent as IPv4. */
    int d = dup(fd);
    dst = sin_of(p, 80);
    errno = 0;
    assert_int_equal(connect(fd, (struct sockaddr *)&dst, sizeof dst), -1);
    assert_int_equal(errno, ENETUNREACH);
    assert_int_equal(v6test_raw_domain(fd), AF_INET);
    assert_int_equal(tcp_active_opens(), opens); /* no SYN left the socket */
    close(d);
    close(fd);

    int u = socket(AF_INET, SOCK_DGRAM, 0);
    dst = sin_of(unknown, 9);
    errno = 0;
    assert_int_equal(sendto(u, "x", 1, 0, (struct sockaddr *)&dst, sizeof dst), -1);
    assert_int_equal(errno, EHOSTUNREACH);
    close(u);
    if (routed)
        assert_int_equal(system("ip route del 198.18.0.0/15 dev lo"), 0);
}

static void test_udp_socket_bound_to_ipv4_sends_to_the_names_ipv4_address(void **state)
{
    V6TEST_REQUIRE_IPV6();
    struct v6test_server srv;
    assert_int_equal(v6test_server_start(&srv, "127.0.0.1", SOCK_DGRAM, V6TEST_ECHO), 0);
    static const char *const dual[] = {"::1", "127.0.0.1"};
    static const char *const six[] = {"::1"};
    struct in_addr p = map_name("dual.v6kit.test", dual, 2);
    struct in_addr p6 = map_name("v6only.v6kit.test", six, 1);
    int u = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in lo = sin_str("127.0.0.1", 0);
    assert_int_equal(bind(u, (struct sockaddr *)&lo, sizeof lo), 0);
    struct sockaddr_in dst = sin_of(p, srv.port);
    assert_int_equal(sendto(u, "v4", 2, 0, (struct sockaddr *)&dst, sizeof dst), 2);
    assert_int_equal(v6test_raw_domain(u), AF_INET); /* a specific IPv4 bind stays IPv4 */
    char buf[8];
    struct sockaddr_in from;
    socklen_t len = sizeof from;
    assert_int_equal(recvfrom(u, buf, sizeof buf, 0, (struct sockaddr *)&from, &len), 2);
    assert_string_equal(ntoa(from.sin_addr), "127.0.0.1");
    /* A name with no IPv4 address cannot be reached from it. */
    dst = sin_of(p6, srv.port);
    errno = 0;
    assert_int_equal(sendto(u, "v6", 2, 0, (struct sockaddr *)&dst, sizeof dst), -1);
    assert_int_equal(errno, ENETUNREACH);
    close(u);
    v6test_server_stop(&srv);
}

static void test_listen_without_bind_is_dual_stack_too(void **state)
{
    V6TEST_REQUIRE_IPV6();
    int l = socket(AF_INET, SOCK_STREAM, 0);
    assert_int_equal(listen(l, 4), 0);
    assert_int_equal(v6test_raw_domain(l), AF_INET6);
    struct sockaddr_in me;
    socklen_t len = sizeof me;
    assert_int_equal(getsockname(l, (struct sockaddr *)&me, &len), 0);
    assert_int_equal(me.sin_family, AF_INET);
    assert_string_equal(ntoa(me.sin_addr), "0.0.0.0");
    assert_true(ntohs(me.sin_port) > 0);
    int c6 = raw_client(AF_INET6, ntohs(me.sin_port));
    int c4 = raw_client(AF_INET, ntohs(me.sin_port));
    struct sockaddr_in peer;
    len = sizeof peer;
    int a = accept(l, (struct sockaddr *)&peer, &len);
    assert_true(a >= 0 && pool_contains(peer.sin_addr));
    close(a);
    len = sizeof peer;
    a = accept(l, (struct sockaddr *)&peer, &len);
    assert_true(a >= 0);
    assert_string_equal(ntoa(peer.sin_addr), "127.0.0.1");
    close(a);
    /* A second listen (a new backlog) changes nothing else. */
    assert_int_equal(listen(l, 8), 0);
    assert_int_equal(v6test_raw_domain(l), AF_INET6);
    close(c6);
    close(c4);
    close(l);
    /* A socket bound to a specific IPv4 address stays IPv4 when it listens. */
    uint16_t port;
    l = legacy_listener("127.0.0.1", &port);
    assert_int_equal(v6test_raw_domain(l), AF_INET);
    close(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_listen_without_bind_is_dual_stack_too, lazy_model),
        cmocka_unit_test_setup(test_blocking_connect_to_pool_address_reaches_ipv6_only_server,
                               lazy_model),
        cmocka_unit_test_setup(test_blocking_connect_to_dual_name_with_refusing_ipv6_uses_ipv4,
                               lazy_model),
        cmocka_unit_test_setup(
            test_blocking_connect_when_every_candidate_refuses_gives_econnrefused, lazy_model),
        cmocka_unit_test_setup(test_nonblocking_connect_keeps_einprogress_poll_and_so_error,
                               lazy_model),
        cmocka_unit_test_setup(test_nonblocking_refused_connect_matches_the_kernel_exactly,
                               lazy_model),
        cmocka_unit_test_setup(test_epoll_registration_before_connect_survives_the_upgrade,
                               lazy_model),
        cmocka_unit_test_setup(
            test_udp_sendto_pool_address_reaches_ipv6_server_and_reply_has_its_view, lazy_model),
        cmocka_unit_test_setup(test_blocking_connect_past_a_black_holed_ipv6_candidate_uses_ipv4,
                               lazy_model),
        cmocka_unit_test_setup(test_blocking_connect_to_black_holes_honours_so_sndtimeo,
                               lazy_model),
        cmocka_unit_test_setup(test_blocking_connect_to_black_holes_stops_at_the_budget,
                               lazy_model),
        cmocka_unit_test_setup(test_ipv4_options_after_upgrade_are_mirrored_to_ipv6, lazy_model),
        cmocka_unit_test_setup(
            test_unknown_or_unreachable_pool_addresses_are_refused_without_sending, lazy_model),
        cmocka_unit_test_setup(test_udp_socket_bound_to_ipv4_sends_to_the_names_ipv4_address,
                               lazy_model),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
/* NOLINTEND(v6-*) */
