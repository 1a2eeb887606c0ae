/* Tests of the test harness: servers, hosts file and namespace it relies on. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "v6test.h"

static void echo_roundtrip(const char *addr)
{
    struct v6test_server srv;
    assert_int_equal(v6test_server_start(&srv, addr, SOCK_STREAM, V6TEST_ECHO), 0);
    assert_true(srv.port > 0);
    char out[64];
    assert_int_equal(v6test_tcp_roundtrip(addr, srv.port, "hello", out, sizeof out), 5);
    assert_string_equal(out, "hello");
    v6test_server_stop(&srv);
    v6test_server_stop(&srv); /* second stop is a no-op */
}

static void test_tcp_echo_server_on_ipv4_loopback_echoes(void **state)
{
    echo_roundtrip("127.0.0.1");
}

static void test_tcp_echo_server_on_ipv6_loopback_echoes(void **state)
{
    V6TEST_REQUIRE_IPV6();
    echo_roundtrip("::1");
}

static void test_dual_stack_server_sees_mapped_ipv4_and_native_ipv6_peers(void **state)
{
    V6TEST_REQUIRE_IPV6();
    struct v6test_server srv;
    assert_int_equal(v6test_server_start(&srv, "::", SOCK_STREAM, V6TEST_SAY_PEER), 0);
    char out[128];
    assert_true(v6test_tcp_roundtrip("127.0.0.1", srv.port, "x", out, sizeof out) > 0);
    assert_string_equal(out, "::ffff:127.0.0.1\nx");
    assert_true(v6test_tcp_roundtrip("::1", srv.port, "y", out, sizeof out) > 0);
    assert_string_equal(out, "::1\ny");
    v6test_server_stop(&srv);
}

static void udp_echo(const char *addr, int family)
{
    struct v6test_server srv;
    assert_int_equal(v6test_server_start(&srv, addr, SOCK_DGRAM, V6TEST_ECHO), 0);
    struct addrinfo hints = {.ai_family = family,
                             .ai_socktype = SOCK_DGRAM,
                             .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV};
    struct addrinfo *res;
    char port[8];
    snprintf(port, sizeof port, "%u", srv.port);
    assert_int_equal(getaddrinfo(addr, port, &hints, &res), 0);
    int fd = socket(res->ai_family, SOCK_DGRAM, 0);
    assert_true(fd >= 0);
    assert_int_equal(connect(fd, res->ai_addr, res->ai_addrlen), 0);
    freeaddrinfo(res);
    assert_int_equal(send(fd, "ping", 4, 0), 4);
    char buf[16] = {0};
    assert_int_equal(recv(fd, buf, sizeof buf, 0), 4);
    assert_memory_equal(buf, "ping", 4);
    close(fd);
    v6test_server_stop(&srv);
}

static void test_udp_echo_server_on_ipv4_loopback_echoes(void **state)
{
    udp_echo("127.0.0.1", AF_INET);
}

static void test_udp_echo_server_on_ipv6_loopback_echoes(void **state)
{
    V6TEST_REQUIRE_IPV6();
    udp_echo("::1", AF_INET6);
}

static void test_server_start_rejects_non_numeric_address(void **state)
{
    struct v6test_server srv;
    assert_int_equal(v6test_server_start(&srv, "localhost", SOCK_STREAM, V6TEST_ECHO), -EINVAL);
    assert_int_equal(srv.pid, 0);
}

/* Collect the numeric addresses getaddrinfo gives for NAME, in order. */
static int resolve_all(const char *name, char out[][INET6_ADDRSTRLEN], int max)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    struct addrinfo *res;
    int rc = getaddrinfo(name, NULL, &hints, &res);
    if (rc != 0)
        return -1;
    int n = 0;
    for (struct addrinfo *ai = res; ai && n < max; ai = ai->ai_next)
        v6test_ntop(ai->ai_addr, out[n++], INET6_ADDRSTRLEN);
    freeaddrinfo(res);
    return n;
}

static void test_hosts_file_gives_ipv6_only_name_one_ipv6_address(void **state)
{
    assert_non_null(v6test_hosts_file());
    char a[4][INET6_ADDRSTRLEN];
    assert_int_equal(resolve_all(V6TEST_NAME_V6ONLY, a, 4), 1);
    assert_string_equal(a[0], "::1");
}

static void test_hosts_file_gives_dual_name_both_families(void **state)
{
    char a[4][INET6_ADDRSTRLEN];
    assert_int_equal(resolve_all(V6TEST_NAME_DUAL, a, 4), 2);
    /* Order is the resolver's business; membership is the harness's. */
    assert_true((!strcmp(a[0], "::1") && !strcmp(a[1], "127.0.0.1")) ||
                (!strcmp(a[0], "127.0.0.1") && !strcmp(a[1], "::1")));
}

static void test_hosts_file_gives_ipv4_only_name_one_ipv4_address(void **state)
{
    char a[4][INET6_ADDRSTRLEN];
    assert_int_equal(resolve_all(V6TEST_NAME_V4ONLY, a, 4), 1);
    assert_string_equal(a[0], "127.0.0.1");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tcp_echo_server_on_ipv4_loopback_echoes),
        cmocka_unit_test(test_tcp_echo_server_on_ipv6_loopback_echoes),
        cmocka_unit_test(test_dual_stack_server_sees_mapped_ipv4_and_native_ipv6_peers),
        cmocka_unit_test(test_udp_echo_server_on_ipv4_loopback_echoes),
        cmocka_unit_test(test_udp_echo_server_on_ipv6_loopback_echoes),
        cmocka_unit_test(test_server_start_rejects_non_numeric_address),
        cmocka_unit_test(test_hosts_file_gives_ipv6_only_name_one_ipv6_address),
        cmocka_unit_test(test_hosts_file_gives_dual_name_both_families),
        cmocka_unit_test(test_hosts_file_gives_ipv4_only_name_one_ipv4_address),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
