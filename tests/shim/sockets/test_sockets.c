/*
 * Tests of the socket layer through its hooks, linked into this program (as
 * if preloaded), on real loopback sockets in a private network namespace.
 * Pool entries are made with pool_map_name()/pool_map_peer(), as the
 * resolver hooks would.
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
#include "v6test.h"

/* The socket's real family, asked of the kernel without the hooks. */
static int raw_domain(int fd)
{
    int d = -1;
    socklen_t len = sizeof d;
    if (syscall(SYS_getsockopt, fd, SOL_SOCKET, SO_DOMAIN, &d, &len) != 0)
        return -errno;
    return d;
}

static int raw_int_opt(int fd, int level, int name)
{
    int v = -1;
    socklen_t len = sizeof v;
    if (syscall(SYS_getsockopt, fd, level, name, &v, &len) != 0)
        return -errno;
    return v;
}

/* A pool address for NAME whose candidates are the numeric ADDRS. */
static struct in_addr map_name(const char *name, const char *const *addrs, size_t n)
{
    struct pool_cand c[POOL_MAX_CAND];
    memset(c, 0, sizeof c);
    for (size_t i = 0; i < n; i++) {
        if (inet_pton(AF_INET6, addrs[i], &c[i].addr.v6) == 1) {
            c[i].family = AF_INET6;
        } else {
            assert_int_equal(inet_pton(AF_INET, addrs[i], &c[i].addr.v4), 1);
            c[i].family = AF_INET;
        }
    }
    struct in_addr a;
    assert_int_equal(pool_map_name(name, c, n, 300, &a), 0);
    assert_true(pool_contains(a));
    return a;
}

static struct sockaddr_in sin_of(struct in_addr a, uint16_t port)
{
    struct sockaddr_in s = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr = a};
    return s;
}

static struct sockaddr_in sin_str(const char *a, uint16_t port)
{
    struct in_addr x;
    assert_int_equal(inet_pton(AF_INET, a, &x), 1);
    return sin_of(x, port);
}

static const char *ntoa(struct in_addr a)
{
    static char buf[INET_ADDRSTRLEN];
    return inet_ntop(AF_INET, &a, buf, sizeof buf);
}

/* A legacy listener: AF_INET, SO_REUSEADDR, bound to ADDR:0, listening. */
static int legacy_listener(const char *addr, uint16_t *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    int one = 1;
    assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one), 0);
    struct sockaddr_in s = sin_str(addr, 0);
    assert_int_equal(bind(fd, (struct sockaddr *)&s, sizeof s), 0);
    assert_int_equal(listen(fd, 8), 0);
    socklen_t len = sizeof s;
    assert_int_equal(getsockname(fd, (struct sockaddr *)&s, &len), 0);
    assert_int_equal(len, sizeof s);
    assert_int_equal(s.sin_family, AF_INET);
    *port = ntohs(s.sin_port);
    return fd;
}

/* A client of family FAMILY connecting to the loopback of that family:PORT,
 * through the raw syscall so the hooks play no part in the client. */
static int raw_client(int family, uint16_t port)
{
    int fd = (int)syscall(SYS_socket, family, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_storage ss = {0};
    socklen_t len;
    if (family == AF_INET6) {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons(port);
        s6->sin6_addr = in6addr_loopback;
        len = sizeof *s6;
    } else {
        struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
        *s4 = sin_str("127.0.0.1", port);
        len = sizeof *s4;
    }
    assert_int_equal(syscall(SYS_connect, fd, &ss, len), 0);
    return fd;
}

/* ---- transparency: IPv4 to IPv4 changes nothing ---- */

static void test_ipv4_only_sockets_stay_real_af_inet(void **state)
{
    uint16_t port;
    int l = legacy_listener("127.0.0.1", &port); /* specific IPv4 bind stays IPv4 */
    assert_int_equal(raw_domain(l), AF_INET);
    int c = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in dst = sin_str("127.0.0.1", port);
    assert_int_equal(connect(c, (struct sockaddr *)&dst, sizeof dst), 0);
    assert_int_equal(raw_domain(c), AF_INET);
    struct sockaddr_in peer;
    socklen_t len = sizeof peer;
    int a = accept(l, (struct sockaddr *)&peer, &len);
    assert_true(a >= 0);
    assert_int_equal(len, sizeof peer);
    assert_string_equal(ntoa(peer.sin_addr), "127.0.0.1");
    assert_int_equal(raw_domain(a), AF_INET);
    close(a);
    close(c);
    close(l);
}

/* ---- server side ---- */

static void test_wildcard_bind_becomes_dual_stack_and_shows_ipv4_views(void **state)
{
    V6TEST_REQUIRE_IPV6();
    uint16_t port;
    int l = legacy_listener("0.0.0.0", &port);
    assert_int_equal(raw_domain(l), AF_INET6);
    assert_int_equal(raw_int_opt(l, IPPROTO_IPV6, IPV6_V6ONLY), 0);
    assert_int_equal(raw_int_opt(l, SOL_SOCKET, SO_REUSEADDR), 1); /* replayed */
    int dom = 0;
    socklen_t len = sizeof dom;
    assert_int_equal(getsockopt(l, SOL_SOCKET, SO_DOMAIN, &dom, &len), 0);
    assert_int_equal(dom, AF_INET);
    struct sockaddr_in me;
    len = sizeof me;
    assert_int_equal(getsockname(l, (struct sockaddr *)&me, &len), 0);
    assert_int_equal(me.sin_family, AF_INET);
    assert_string_equal(ntoa(me.sin_addr), "0.0.0.0");
    assert_int_equal(ntohs(me.sin_port), port);

    /* An IPv6 client: its pool address. */
    int c6 = raw_client(AF_INET6, port);
    struct sockaddr_in peer;
    len = sizeof peer;
    int a6 = accept(l, (struct sockaddr *)&peer, &len);
    assert_true(a6 >= 0);
    assert_int_equal(len, sizeof peer);
    assert_int_equal(peer.sin_family, AF_INET);
    assert_true(pool_contains(peer.sin_addr));
    struct pool_view v;
    assert_int_equal(pool_lookup(peer.sin_addr, &v), 0);
    assert_int_equal(v.ncand, 1);
    assert_int_equal(v.cand[0].family, AF_INET6);
    assert_memory_equal(&v.cand[0].addr.v6, &in6addr_loopback, 16);
    struct sockaddr_in again;
    len = sizeof again;
    assert_int_equal(getpeername(a6, (struct sockaddr *)&again, &len), 0);
    assert_int_equal(again.sin_addr.s_addr, peer.sin_addr.s_addr);
    assert_int_equal(again.sin_port, peer.sin_port);
    dom = 0;
    len = sizeof dom;
    assert_int_equal(getsockopt(a6, SOL_SOCKET, SO_DOMAIN, &dom, &len), 0);
    assert_int_equal(dom, AF_INET);

    /* An IPv4 client: its own address, through accept4 with flags. */
    int c4 = raw_client(AF_INET, port);
    len = sizeof peer;
    int a4 = accept4(l, (struct sockaddr *)&peer, &len, SOCK_CLOEXEC);
    assert_true(a4 >= 0);
    assert_true(fcntl(a4, F_GETFD) & FD_CLOEXEC);
    assert_int_equal(len, sizeof peer);
    assert_string_equal(ntoa(peer.sin_addr), "127.0.0.1");
    len = sizeof me;
    assert_int_equal(getsockname(a4, (struct sockaddr *)&me, &len), 0);
    assert_string_equal(ntoa(me.sin_addr), "127.0.0.1");
    assert_int_equal(ntohs(me.sin_port), port);

    /* A short buffer is filled as the kernel fills one: truncated, full length. */
    char small[4];
    len = sizeof small;
    assert_int_equal(getpeername(a4, (struct sockaddr *)small, &len), 0);
    assert_int_equal(len, sizeof(struct sockaddr_in));
    sa_family_t fam;
    memcpy(&fam, small, sizeof fam);
    assert_int_equal(fam, AF_INET);

    /* Data flows untouched. */
    assert_int_equal(write(c6, "six", 3), 3);
    char buf[8] = {0};
    assert_int_equal(read(a6, buf, sizeof buf), 3);
    assert_string_equal(buf, "six");
    close(a4);
    close(a6);
    close(c4);
    close(c6);
    close(l);
}

static void test_wildcard_bind_falls_back_to_ipv4_when_ipv6_port_is_taken(void **state)
{
    V6TEST_REQUIRE_IPV6();
    /* Someone holds [::]:P IPv6-only; 0.0.0.0:P is still free for IPv4. */
    int v6 = socket(AF_INET6, SOCK_STREAM, 0);
    int one = 1;
    assert_int_equal(setsockopt(v6, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one), 0);
    struct sockaddr_in6 any6 = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_ANY_INIT};
    assert_int_equal(bind(v6, (struct sockaddr *)&any6, sizeof any6), 0);
    socklen_t len = sizeof any6;
    assert_int_equal(getsockname(v6, (struct sockaddr *)&any6, &len), 0);
    assert_int_equal(listen(v6, 1), 0);
    uint16_t port = ntohs(any6.sin6_port);

    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in any = sin_str("0.0.0.0", port);
    assert_int_equal(bind(fd, (struct sockaddr *)&any, sizeof any), 0);
    assert_int_equal(raw_domain(fd), AF_INET);
    /* And a taken IPv4 port gives the kernel's own EADDRINUSE. */
    int fd2 = socket(AF_INET, SOCK_STREAM, 0);
    errno = 0;
    assert_int_equal(bind(fd2, (struct sockaddr *)&any, sizeof any), -1);
    assert_int_equal(errno, EADDRINUSE);
    assert_int_equal(raw_domain(fd2), AF_INET);
    close(fd2);
    close(fd);
    close(v6);
}

static void test_udp_wildcard_server_answers_ipv6_and_ipv4_peers_with_views(void **state)
{
    V6TEST_REQUIRE_IPV6();
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in any = sin_str("0.0.0.0", 0);
    assert_int_equal(bind(s, (struct sockaddr *)&any, sizeof any), 0);
    assert_int_equal(raw_domain(s), AF_INET6);
    socklen_t len = sizeof any;
    assert_int_equal(getsockname(s, (struct sockaddr *)&any, &len), 0);
    uint16_t port = ntohs(any.sin_port);

    const int fams[2] = {AF_INET6, AF_INET};
    for (int i = 0; i < 2; i++) {
        int c = (int)syscall(SYS_socket, fams[i], SOCK_DGRAM, 0);
        struct sockaddr_storage dst = {0};
        socklen_t dlen;
        if (fams[i] == AF_INET6) {
            struct sockaddr_in6 *d = (struct sockaddr_in6 *)&dst;
            d->sin6_family = AF_INET6;
            d->sin6_port = htons(port);
            d->sin6_addr = in6addr_loopback;
            dlen = sizeof *d;
        } else {
            *(struct sockaddr_in *)&dst = sin_str("127.0.0.1", port);
            dlen = sizeof(struct sockaddr_in);
        }
        assert_int_equal(syscall(SYS_sendto, c, "ping", 4, 0, &dst, dlen), 4);
        char buf[16];
        struct sockaddr_in from;
        len = sizeof from;
        assert_int_equal(recvfrom(s, buf, sizeof buf, 0, (struct sockaddr *)&from, &len), 4);
        assert_int_equal(len, sizeof from);
        assert_int_equal(from.sin_family, AF_INET);
        if (fams[i] == AF_INET6)
            assert_true(pool_contains(from.sin_addr));
        else
            assert_string_equal(ntoa(from.sin_addr), "127.0.0.1");
        /* Reply to the view: reaches the real peer. */
        assert_int_equal(sendto(s, "pong", 4, 0, (struct sockaddr *)&from, len), 4);
        assert_int_equal(syscall(SYS_recvfrom, c, buf, sizeof buf, 0, NULL, NULL), 4);
        assert_memory_equal(buf, "pong", 4);
        /* recvmsg gives the same view. */
        assert_int_equal(syscall(SYS_sendto, c, "again", 5, 0, &dst, dlen), 5);
        struct sockaddr_in from2;
        struct iovec iov = {buf, sizeof buf};
        struct msghdr mh = {.msg_name = &from2, .msg_namelen = sizeof from2,
                            .msg_iov = &iov, .msg_iovlen = 1};
        assert_int_equal(recvmsg(s, &mh, 0), 5);
        assert_int_equal(mh.msg_namelen, sizeof from2);
        assert_int_equal(from2.sin_addr.s_addr, from.sin_addr.s_addr);
        assert_int_equal(from2.sin_port, from.sin_port);
        close(c);
    }
    close(s);
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
    assert_int_equal(raw_domain(fd), AF_INET6);
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
    assert_int_equal(raw_domain(fd), AF_INET);
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
    assert_int_equal(raw_domain(fd), AF_INET); /* left as it was */
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
    assert_int_equal(raw_domain(fd), AF_INET6);
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
    assert_int_equal(raw_domain(fd), AF_INET6);
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

static void test_untracked_ipv6_socket_shown_as_ipv4_is_adopted_and_stays_ipv4(void **state)
{
    V6TEST_REQUIRE_IPV6();
    struct v6test_server srv;
    assert_int_equal(v6test_server_start(&srv, "::1", SOCK_STREAM, V6TEST_ECHO), 0);
    /* As an inetd child sees fd 0: an AF_INET6 socket it never made. */
    int fd = (int)syscall(SYS_socket, AF_INET6, SOCK_STREAM, 0);
    struct sockaddr_in6 d = {.sin6_family = AF_INET6, .sin6_port = htons(srv.port),
                             .sin6_addr = IN6ADDR_LOOPBACK_INIT};
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
    assert_int_equal(raw_domain(fd), AF_INET); /* the IPv4 candidate won */
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

/*
 * A black hole that lasts: [::1]:PORT listening with a full accept queue, so
 * further SYNs are dropped without an answer (the lo route above answers
 * with ICMPv6 unreachable at the first SYN retransmission, after ~1 s).
 * Returns the listener; FILL receives the two connections that fill it.
 */
static int full_listener(uint16_t *port, int fill[2])
{
    int l = socket(AF_INET6, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(l, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
    assert_int_equal(bind(l, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(l, 0), 0); /* room for one queued connection */
    socklen_t len = sizeof a;
    assert_int_equal(getsockname(l, (struct sockaddr *)&a, &len), 0);
    *port = ntohs(a.sin6_port);
    for (int i = 0; i < 2; i++) {
        fill[i] = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0);
        connect(fill[i], (struct sockaddr *)&a, sizeof a);
    }
    /* Wait until the queue really is full: the first filler is established. */
    struct pollfd pfd = {fill[0], POLLOUT, 0};
    assert_int_equal(poll(&pfd, 1, 5000), 1);
    return l;
}

/* Blocking connect with SO_SNDTIMEO to a black hole only: as connect(2) does
 * on a timeout, -1/EINPROGRESS; the same as a plain AF_INET6 socket says. */
static void test_blocking_connect_to_black_holes_honours_so_sndtimeo(void **state)
{
    V6TEST_REQUIRE_IPV6();
    uint16_t port;
    int fill[2];
    int l = full_listener(&port, fill);
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
    assert_int_equal(raw_domain(fd), AF_INET6);
    close(fd);

    int k = socket(AF_INET6, SOCK_STREAM, 0);
    assert_int_equal(setsockopt(k, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv), 0);
    struct sockaddr_in6 d6 = {.sin6_family = AF_INET6, .sin6_port = htons(port),
                              .sin6_addr = IN6ADDR_LOOPBACK_INIT};
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
    int l = full_listener(&port, fill);
    static const char *const a[] = {"::1", "::1"};
    struct in_addr p = map_name("full2.v6kit.test", a, 2);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in dst = sin_of(p, port);
    uint64_t t0 = now_ms();
    errno = 0;
    assert_int_equal(connect(fd, (struct sockaddr *)&dst, sizeof dst), -1);
    assert_int_equal(errno, ETIMEDOUT);
    assert_true(now_ms() - t0 >= 1500);
    assert_int_equal(raw_domain(fd), AF_INET);
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

/* ---- threads: clients through the pool and a dual-stack server at once ---- */

enum { T_CLIENTS = 4, T_ROUNDS = 40 };

struct t_server {
    int l;
    int served, views_ok;
};

static void *t_serve(void *arg)
{
    struct t_server *ts = arg;
    for (int i = 0; i < T_CLIENTS * T_ROUNDS; i++) {
        struct sockaddr_in peer, again;
        socklen_t len = sizeof peer;
        int c = accept(ts->l, (struct sockaddr *)&peer, &len);
        if (c < 0)
            break;
        len = sizeof again;
        if (getpeername(c, (struct sockaddr *)&again, &len) == 0 && len == sizeof again &&
            again.sin_family == AF_INET && again.sin_addr.s_addr == peer.sin_addr.s_addr &&
            pool_contains(peer.sin_addr))
            ts->views_ok++;
        (void)!write(c, "k", 1);
        close(c);
        ts->served++;
    }
    return NULL;
}

struct t_client {
    struct sockaddr_in dst;
    int ok;
};

static void *t_connect(void *arg)
{
    struct t_client *tc = arg;
    for (int i = 0; i < T_ROUNDS; i++) {
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        char ch = 0;
        if (fd >= 0 && connect(fd, (struct sockaddr *)&tc->dst, sizeof tc->dst) == 0 &&
            read(fd, &ch, 1) == 1 && ch == 'k')
            tc->ok++;
        int d = dup(fd); /* and some fd churn on the side */
        close(d);
        close(fd);
    }
    return NULL;
}

static void test_threads_connecting_through_the_pool_and_accepting_concurrently(void **state)
{
    V6TEST_REQUIRE_IPV6();
    uint16_t port;
    struct t_server ts = {.l = legacy_listener("0.0.0.0", &port)};
    static const char *const a[] = {"::1"};
    struct in_addr p = map_name("threads.v6kit.test", a, 1);
    pthread_t st, ct[T_CLIENTS];
    struct t_client tc[T_CLIENTS];
    assert_int_equal(pthread_create(&st, NULL, t_serve, &ts), 0);
    for (int i = 0; i < T_CLIENTS; i++) {
        tc[i].dst = sin_of(p, port);
        tc[i].ok = 0;
        assert_int_equal(pthread_create(&ct[i], NULL, t_connect, &tc[i]), 0);
    }
    for (int i = 0; i < T_CLIENTS; i++) {
        pthread_join(ct[i], NULL);
        assert_int_equal(tc[i].ok, T_ROUNDS);
    }
    pthread_join(st, NULL);
    assert_int_equal(ts.served, T_CLIENTS * T_ROUNDS);
    assert_int_equal(ts.views_ok, T_CLIENTS * T_ROUNDS);
    close(ts.l);
}

/* ---- recvmmsg / sendmmsg ---- */

static void test_recvmmsg_and_sendmmsg_translate_every_message(void **state)
{
    V6TEST_REQUIRE_IPV6();
    /* A legacy UDP server on the wildcard, two clients (IPv6, IPv4). */
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in any = sin_str("0.0.0.0", 0);
    assert_int_equal(bind(s, (struct sockaddr *)&any, sizeof any), 0);
    socklen_t len = sizeof any;
    assert_int_equal(getsockname(s, (struct sockaddr *)&any, &len), 0);
    int c6 = (int)syscall(SYS_socket, AF_INET6, SOCK_DGRAM, 0);
    int c4 = (int)syscall(SYS_socket, AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in6 d6 = {.sin6_family = AF_INET6, .sin6_port = any.sin_port,
                              .sin6_addr = IN6ADDR_LOOPBACK_INIT};
    struct sockaddr_in d4 = sin_str("127.0.0.1", ntohs(any.sin_port));
    assert_int_equal(syscall(SYS_sendto, c6, "six", 3, 0, &d6, sizeof d6), 3);
    assert_int_equal(syscall(SYS_sendto, c4, "four", 4, 0, &d4, sizeof d4), 4);
    struct mmsghdr mv[2];
    struct sockaddr_in from[2];
    char buf[2][16];
    struct iovec iov[2];
    memset(mv, 0, sizeof mv);
    for (int i = 0; i < 2; i++) {
        iov[i] = (struct iovec){buf[i], sizeof buf[i]};
        mv[i].msg_hdr = (struct msghdr){.msg_name = &from[i], .msg_namelen = sizeof from[i],
                                        .msg_iov = &iov[i], .msg_iovlen = 1};
    }
    int got = 0;
    while (got < 2) {
        int r = recvmmsg(s, mv + got, 2 - got, 0, NULL);
        assert_true(r > 0);
        got += r;
    }
    assert_int_equal(mv[0].msg_len, 3);
    assert_int_equal(mv[0].msg_hdr.msg_namelen, sizeof from[0]);
    assert_int_equal(from[0].sin_family, AF_INET);
    assert_true(pool_contains(from[0].sin_addr));
    assert_int_equal(mv[1].msg_len, 4);
    assert_int_equal(mv[1].msg_hdr.msg_namelen, sizeof from[1]);
    assert_string_equal(ntoa(from[1].sin_addr), "127.0.0.1");
    /* Replies to both views in one sendmmsg. */
    for (int i = 0; i < 2; i++)
        iov[i].iov_len = mv[i].msg_len;
    assert_int_equal(sendmmsg(s, mv, 2, 0), 2);
    assert_int_equal(syscall(SYS_recvfrom, c6, buf[0], sizeof buf[0], 0, NULL, NULL), 3);
    assert_int_equal(syscall(SYS_recvfrom, c4, buf[1], sizeof buf[1], 0, NULL, NULL), 4);
    close(c6);
    close(c4);
    close(s);

    /* A legacy client: sendmmsg to a pool address upgrades the socket. */
    struct v6test_server srv;
    assert_int_equal(v6test_server_start(&srv, "::1", SOCK_DGRAM, V6TEST_ECHO), 0);
    static const char *const a[] = {"::1"};
    struct in_addr p = map_name("v6only.v6kit.test", a, 1);
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in dst = sin_of(p, srv.port);
    memset(mv, 0, sizeof mv);
    for (int i = 0; i < 2; i++) {
        iov[i] = (struct iovec){(char *)(i ? "two" : "one"), 3};
        mv[i].msg_hdr = (struct msghdr){.msg_name = &dst, .msg_namelen = sizeof dst,
                                        .msg_iov = &iov[i], .msg_iovlen = 1};
    }
    assert_int_equal(sendmmsg(fd, mv, 2, 0), 2);
    assert_int_equal(mv[0].msg_len, 3);
    assert_int_equal(mv[1].msg_len, 3);
    assert_int_equal(raw_domain(fd), AF_INET6);
    for (int k = 0; k < 2; k++) {
        len = sizeof from[0];
        assert_int_equal(recvfrom(fd, buf[0], sizeof buf[0], 0, (struct sockaddr *)&from[0], &len), 3);
        assert_int_equal(from[0].sin_addr.s_addr, p.s_addr);
    }
    close(fd);
    v6test_server_stop(&srv);
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
    assert_int_equal(raw_domain(fd), AF_INET);
    /* A socket shared with a dup cannot be replaced: refused, not sent as IPv4. */
    int d = dup(fd);
    dst = sin_of(p, 80);
    errno = 0;
    assert_int_equal(connect(fd, (struct sockaddr *)&dst, sizeof dst), -1);
    assert_int_equal(errno, ENETUNREACH);
    assert_int_equal(raw_domain(fd), AF_INET);
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
    assert_int_equal(raw_domain(u), AF_INET); /* a specific IPv4 bind stays IPv4 */
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
    assert_int_equal(raw_domain(l), AF_INET6);
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
    assert_int_equal(raw_domain(l), AF_INET6);
    close(c6);
    close(c4);
    close(l);
    /* A socket bound to a specific IPv4 address stays IPv4 when it listens. */
    uint16_t port;
    l = legacy_listener("127.0.0.1", &port);
    assert_int_equal(raw_domain(l), AF_INET);
    close(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ipv4_only_sockets_stay_real_af_inet),
        cmocka_unit_test(test_wildcard_bind_becomes_dual_stack_and_shows_ipv4_views),
        cmocka_unit_test(test_wildcard_bind_falls_back_to_ipv4_when_ipv6_port_is_taken),
        cmocka_unit_test(test_listen_without_bind_is_dual_stack_too),
        cmocka_unit_test(test_udp_wildcard_server_answers_ipv6_and_ipv4_peers_with_views),
        cmocka_unit_test(test_blocking_connect_to_pool_address_reaches_ipv6_only_server),
        cmocka_unit_test(test_blocking_connect_to_dual_name_with_refusing_ipv6_uses_ipv4),
        cmocka_unit_test(test_blocking_connect_when_every_candidate_refuses_gives_econnrefused),
        cmocka_unit_test(test_nonblocking_connect_keeps_einprogress_poll_and_so_error),
        cmocka_unit_test(test_nonblocking_refused_connect_matches_the_kernel_exactly),
        cmocka_unit_test(test_epoll_registration_before_connect_survives_the_upgrade),
        cmocka_unit_test(test_udp_sendto_pool_address_reaches_ipv6_server_and_reply_has_its_view),
        cmocka_unit_test(test_dup_family_and_close_range_keep_the_view),
        cmocka_unit_test(test_fd_closed_by_raw_syscall_and_reused_is_not_translated),
        cmocka_unit_test(test_untracked_ipv6_socket_shown_as_ipv4_is_adopted_and_stays_ipv4),
        cmocka_unit_test(test_errors_pass_through_unchanged),
        cmocka_unit_test(test_blocking_connect_past_a_black_holed_ipv6_candidate_uses_ipv4),
        cmocka_unit_test(test_blocking_connect_to_black_holes_honours_so_sndtimeo),
        cmocka_unit_test(test_blocking_connect_to_black_holes_stops_at_the_budget),
        cmocka_unit_test(test_ipv4_options_after_upgrade_are_mirrored_to_ipv6),
        cmocka_unit_test(test_threads_connecting_through_the_pool_and_accepting_concurrently),
        cmocka_unit_test(test_recvmmsg_and_sendmmsg_translate_every_message),
        cmocka_unit_test(test_unknown_or_unreachable_pool_addresses_are_refused_without_sending),
        cmocka_unit_test(test_udp_socket_bound_to_ipv4_sends_to_the_names_ipv4_address),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
/* NOLINTEND(v6-*) */
