/*
 * Tests of the adaptive socket model (shim/upgrade.h), part 2: an early
 * socket (AF_INET6 at socket(), shown as AF_INET) settled back to a real
 * AF_INET socket by IPv4-level and IPv6-level options, an option the early
 * socket refuses, interface ioctls, and its behaviour at the fd limit, across
 * dup and fork, when closed behind the shim's back, and under bindv6only.
 * Real loopback sockets in a private network namespace, through the hooks
 * linked into this program. Part 1 and the model: test_sockets_eager.c.
 * Helpers: sockets_test_util.h, eager_test_util.h.
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

static void
test_ipv4_only_and_ipv6_options_settle_the_early_socket_with_af_inets_answer(void **state)
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
    struct sockaddr_in dst = sin_of(eager_pool6, eager_srv6.port);
    int rc = connect(fd, (struct sockaddr *)&dst, sizeof dst);
    assert_true(rc == 0 || errno == EINPROGRESS);
    struct pollfd p = {.fd = fd, .events = POLLIN};
    assert_int_equal(poll(&p, 1, 5000), 1);
    eager_expect_greeting(fd, "::1");
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
    int l = eager_raw_listener(&port);
    struct v6test_fd_limit lim;
    assert_int_equal(v6test_fd_limit_start(&lim), 0);
    /* The last descriptor, early: a pool connect needs no second one (a
     * lazy socket here says ENOBUFS: test_pool_exhaustion). */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_int_equal(v6test_raw_domain(fd), AF_INET6);
    struct sockaddr_in dst = sin_of(eager_pool6, eager_srv6.port);
    assert_int_equal(connect(fd, (struct sockaddr *)&dst, sizeof dst), 0);
    eager_expect_greeting(fd, "::1");
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
    assert_int_equal(v6test_fd_limit_end(&lim), 0);
    close(accept(l, NULL, NULL));
    close(l);
}

static void test_dup_of_early_socket_reaches_both_ipv4_and_the_pool(void **state)
{
    (void)state;
    V6TEST_REQUIRE_IPV6();
    uint16_t port;
    int l = eager_raw_listener(&port);
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
    dst = sin_of(eager_pool6, eager_srv6.port);
    assert_int_equal(connect(d, (struct sockaddr *)&dst, sizeof dst), 0);
    len = sizeof peer;
    assert_int_equal(getpeername(fd, (struct sockaddr *)&peer, &len), 0);
    assert_int_equal(peer.sin_addr.s_addr, eager_pool6.s_addr);
    eager_expect_greeting(fd, "::1");
    close(d);
    close(fd);
    close(l);
}

static void test_forked_child_settles_its_own_fd_and_the_parents_stays_early(void **state)
{
    (void)state;
    V6TEST_REQUIRE_IPV6();
    uint16_t port;
    int l = eager_raw_listener(&port);
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
    struct sockaddr_in dst = sin_of(eager_pool6, eager_srv6.port);
    assert_int_equal(connect(fd, (struct sockaddr *)&dst, sizeof dst), 0);
    eager_expect_greeting(fd, "::1");
    close(fd);
    close(l);
}

static void test_early_socket_closed_behind_the_shims_back_and_reused_is_left_alone(void **state)
{
    (void)state;
    V6TEST_REQUIRE_IPV6();
    uint16_t port;
    int l = eager_raw_listener(&port);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_int_equal(v6test_raw_domain(fd), AF_INET6);
    assert_int_equal(syscall(SYS_close, fd), 0); /* the shim never sees it */
    int other = (int)syscall(SYS_socket, AF_INET6, SOCK_STREAM, 0);
    assert_int_equal(other, fd);
    int one = 1;
    assert_int_equal(syscall(SYS_setsockopt, other, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one),
                     0);
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

static void
test_early_socket_refused_by_the_pool_then_connects_to_ipv4_under_bindv6only(void **state)
{
    (void)state;
    V6TEST_REQUIRE_IPV6();
    int was = bindv6only(-1);
    if (was < 0 || bindv6only(1) != 1) {
        print_message("skipped: net.ipv6.bindv6only not writable here\n");
        skip();
    }
    uint16_t port;
    int l = eager_raw_listener(&port);
    struct v6test_server gone; /* borrow a port, then free it */
    assert_int_equal(v6test_server_start(&gone, "::1", SOCK_STREAM, V6TEST_ECHO), 0);
    uint16_t closed = gone.port;
    v6test_server_stop(&gone);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_int_equal(v6test_raw_domain(fd), AF_INET6);
    struct sockaddr_in dst = sin_of(eager_pool6, closed);
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
        cmocka_unit_test_setup(
            test_ipv4_only_and_ipv6_options_settle_the_early_socket_with_af_inets_answer,
            eager_model),
        cmocka_unit_test_setup(test_option_the_early_socket_refuses_is_made_again_on_af_inet,
                               eager_model),
        cmocka_unit_test_setup(test_interface_ioctl_settles_the_early_socket_and_fionbio_does_not,
                               eager_model),
        cmocka_unit_test_setup(test_early_sockets_at_the_fd_limit, eager_model),
        cmocka_unit_test_setup(test_dup_of_early_socket_reaches_both_ipv4_and_the_pool,
                               eager_model),
        cmocka_unit_test_setup(test_forked_child_settles_its_own_fd_and_the_parents_stays_early,
                               eager_model),
        cmocka_unit_test_setup(
            test_early_socket_refused_by_the_pool_then_connects_to_ipv4_under_bindv6only,
            eager_model),
        cmocka_unit_test_setup(
            test_early_socket_closed_behind_the_shims_back_and_reused_is_left_alone, eager_model),
    };
    return cmocka_run_group_tests(tests, eager_start, eager_stop);
}
/* NOLINTEND(v6-*) */
