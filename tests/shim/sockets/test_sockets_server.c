/*
 * Tests of the socket layer through its hooks, linked into this program (as
 * if preloaded), on real loopback sockets in a private network namespace:
 * the server side: dual-stack wildcard binds and listens, IPv4 views of
 * IPv6 peers, UDP servers, many threads, recvmmsg/sendmmsg.
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
#include "v6test.h"


/* ---- transparency: IPv4 to IPv4 changes nothing ---- */

static void test_ipv4_only_sockets_stay_real_af_inet(void **state)
{
    uint16_t port;
    int l = legacy_listener("127.0.0.1", &port); /* specific IPv4 bind stays IPv4 */
    assert_int_equal(v6test_raw_domain(l), AF_INET);
    int c = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in dst = sin_str("127.0.0.1", port);
    assert_int_equal(connect(c, (struct sockaddr *)&dst, sizeof dst), 0);
    assert_int_equal(v6test_raw_domain(c), AF_INET);
    struct sockaddr_in peer;
    socklen_t len = sizeof peer;
    int a = accept(l, (struct sockaddr *)&peer, &len);
    assert_true(a >= 0);
    assert_int_equal(len, sizeof peer);
    assert_string_equal(ntoa(peer.sin_addr), "127.0.0.1");
    assert_int_equal(v6test_raw_domain(a), AF_INET);
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
    assert_int_equal(v6test_raw_domain(l), AF_INET6);
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

/* The kernel's own answer to an IPv4 bind of 0.0.0.0:port, bypassing the
 * shim: 0, or the errno. */
static int raw_ipv4_bind_errno(uint16_t port)
{
    int r = (int)syscall(SYS_socket, AF_INET, SOCK_STREAM, 0);
    assert_true(r >= 0);
    struct sockaddr_in any = sin_str("0.0.0.0", port);
    int e = syscall(SYS_bind, r, (struct sockaddr *)&any, sizeof any) == 0 ? 0 : errno;
    close(r);
    return e;
}

static void test_wildcard_bind_falls_back_to_ipv4_when_ipv6_port_is_taken(void **state)
{
    V6TEST_REQUIRE_IPV6();
    /* Someone holds [::]:P IPv6-only; 0.0.0.0:P is still free for IPv4.
     * The kernel picks P without looking at IPv4 sockets, so P may be
     * taken on the IPv4 side too (a TIME_WAIT left by an earlier test):
     * then the kernel itself refuses the IPv4 bind, and the case is tried
     * on another port. The shim failing where the kernel succeeds fails. */
    for (int attempt = 0;; attempt++) {
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
        if (bind(fd, (struct sockaddr *)&any, sizeof any) != 0) {
            int e = errno;
            int kernel = raw_ipv4_bind_errno(port);
            close(fd);
            close(v6);
            assert_int_equal(e, EADDRINUSE);
            assert_int_equal(kernel, EADDRINUSE); /* else the shim is wrong */
            assert_true(attempt < 20);
            continue;
        }
        assert_int_equal(v6test_raw_domain(fd), AF_INET);
        /* And a taken IPv4 port gives the kernel's own EADDRINUSE. */
        int fd2 = socket(AF_INET, SOCK_STREAM, 0);
        errno = 0;
        assert_int_equal(bind(fd2, (struct sockaddr *)&any, sizeof any), -1);
        assert_int_equal(errno, EADDRINUSE);
        assert_int_equal(v6test_raw_domain(fd2), AF_INET);
        close(fd2);
        close(fd);
        close(v6);
        return;
    }
}

static void test_udp_wildcard_server_answers_ipv6_and_ipv4_peers_with_views(void **state)
{
    V6TEST_REQUIRE_IPV6();
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in any = sin_str("0.0.0.0", 0);
    assert_int_equal(bind(s, (struct sockaddr *)&any, sizeof any), 0);
    assert_int_equal(v6test_raw_domain(s), AF_INET6);
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
        struct msghdr mh = {
            .msg_name = &from2, .msg_namelen = sizeof from2, .msg_iov = &iov, .msg_iovlen = 1};
        assert_int_equal(recvmsg(s, &mh, 0), 5);
        assert_int_equal(mh.msg_namelen, sizeof from2);
        assert_int_equal(from2.sin_addr.s_addr, from.sin_addr.s_addr);
        assert_int_equal(from2.sin_port, from.sin_port);
        close(c);
    }
    close(s);
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
    struct sockaddr_in6 d6 = {
        .sin6_family = AF_INET6, .sin6_port = any.sin_port, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
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
        mv[i].msg_hdr = (struct msghdr){.msg_name = &from[i],
                                        .msg_namelen = sizeof from[i],
                                        .msg_iov = &iov[i],
                                        .msg_iovlen = 1};
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
        mv[i].msg_hdr = (struct msghdr){
            .msg_name = &dst, .msg_namelen = sizeof dst, .msg_iov = &iov[i], .msg_iovlen = 1};
    }
    assert_int_equal(sendmmsg(fd, mv, 2, 0), 2);
    assert_int_equal(mv[0].msg_len, 3);
    assert_int_equal(mv[1].msg_len, 3);
    assert_int_equal(v6test_raw_domain(fd), AF_INET6);
    for (int k = 0; k < 2; k++) {
        len = sizeof from[0];
        assert_int_equal(recvfrom(fd, buf[0], sizeof buf[0], 0, (struct sockaddr *)&from[0], &len),
                         3);
        assert_int_equal(from[0].sin_addr.s_addr, p.s_addr);
    }
    close(fd);
    v6test_server_stop(&srv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ipv4_only_sockets_stay_real_af_inet),
        cmocka_unit_test(test_wildcard_bind_becomes_dual_stack_and_shows_ipv4_views),
        cmocka_unit_test(test_wildcard_bind_falls_back_to_ipv4_when_ipv6_port_is_taken),
        cmocka_unit_test(test_udp_wildcard_server_answers_ipv6_and_ipv4_peers_with_views),
        cmocka_unit_test(test_threads_connecting_through_the_pool_and_accepting_concurrently),
        cmocka_unit_test(test_recvmmsg_and_sendmmsg_translate_every_message),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
/* NOLINTEND(v6-*) */
