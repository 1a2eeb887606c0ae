/*
 * The legacy samples over IPv6 under v6run: unmodified IPv4-only binaries
 * reach IPv6-only servers by name and accept IPv6 clients, through
 * libv6shim.so. Registered only when v6run and the shim are built.
 *
 * Which synthetic address an IPv6 peer gets is the shim's choice; lines
 * that show one are checked to hold an address of the default pool,
 * 198.18.0.0/15 (v6shim.conf(5)); everything else is exact.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "http_once.h"
#include "sample_proc.h"
#include "v6test.h"

/* argv for "v6run -- <sample> args...": V6RUN_PATH is absolute, the sample resolved here. */
#define UNDER_V6RUN(sample, ...)                                 \
    {                                                            \
        V6RUN_PATH, "--", sample_path(sample), __VA_ARGS__, NULL \
    }

/* TEXT starts with a dotted quad inside 198.18.0.0/15, followed by STOP. */
static void assert_pool_address(const char *text, char stop)
{
    unsigned a, b, c, d;
    char next;
    assert_int_equal(sscanf(text, "%3u.%3u.%3u.%3u%c", &a, &b, &c, &d, &next), 5);
    assert_int_equal(next, stop);
    assert_int_equal(a, 198);
    assert_int_equal(b & ~1u, 18); /* 198.18.x.x or 198.19.x.x */
    assert_true(c <= 255 && d <= 255);
}

static void test_legacy_client_reaches_ipv6_only_server_by_name(void **state)
{
    V6TEST_REQUIRE_IPV6();
    struct v6test_server srv;
    assert_int_equal(v6test_server_start(&srv, "::1", SOCK_STREAM, V6TEST_ECHO), 0);
    struct sample_proc cli;
    const char *argv[] = UNDER_V6RUN("legacy_echo_client", V6TEST_NAME_V6ONLY,
                                     sample_port_str(srv.port, 0), "via shim");
    assert_int_equal(sample_run(&cli, argv), 0);
    v6test_server_stop(&srv);
    assert_string_equal(cli.out, "via shim");
    /* The legacy program printed inet_ntoa() of the pool address it was given. */
    assert_memory_equal(cli.err, "connected to ", 13);
    assert_pool_address(cli.err + 13, ' ');
    char tail[32];
    snprintf(tail, sizeof tail, " port %u\n", srv.port);
    assert_string_equal(strchr(cli.err + 13, ' '), tail);
}

static void test_legacy_server_accepts_ipv6_and_ipv4_clients_on_one_port(void **state)
{
    V6TEST_REQUIRE_IPV6();
    uint16_t port = sample_free_port(SOCK_STREAM);
    struct sample_proc srv, cli;
    const char *sargv[] =
        UNDER_V6RUN("legacy_echo_server", "-p", sample_port_str(port, 0), "-n", "2");
    assert_int_equal(sample_start(&srv, sargv), 0);
    char line[256], want[64];
    assert_true(sample_read_line(&srv, line, sizeof line) > 0);
    snprintf(want, sizeof want, "listening on 0.0.0.0 port %u", port);
    assert_string_equal(line, want);
    const char *c6[] = {"ported_echo_client", "::1", sample_port_str(port, 1), "six", NULL};
    assert_int_equal(sample_run(&cli, c6), 0);
    assert_string_equal(cli.out, "six");
    assert_true(sample_read_line(&srv, line, sizeof line) > 0);
    assert_memory_equal(line, "client ", 7); /* the IPv6 peer, as a pool address */
    assert_pool_address(line + 7, ' ');
    const char *c4[] = {"ported_echo_client", "127.0.0.1", sample_port_str(port, 1), "four", NULL};
    assert_int_equal(sample_run(&cli, c4), 0);
    assert_string_equal(cli.out, "four");
    assert_true(sample_read_line(&srv, line, sizeof line) > 0);
    assert_memory_equal(line, "client 127.0.0.1 port ", 22); /* mapped peer shown as IPv4 */
    assert_int_equal(sample_finish(&srv), 0);
}

static void test_legacy_udp_client_reaches_ipv6_only_server_by_name(void **state)
{
    V6TEST_REQUIRE_IPV6();
    uint16_t port = sample_free_port(SOCK_DGRAM);
    struct sample_proc srv, cli;
    const char *sargv[] = {"ported_udp_server", "-p", sample_port_str(port, 0), "-n", "1", NULL};
    assert_int_equal(sample_start(&srv, sargv), 0);
    char line[128];
    assert_true(sample_read_line(&srv, line, sizeof line) > 0);
    assert_true(sample_read_line(&srv, line, sizeof line) > 0);
    const char *argv[] =
        UNDER_V6RUN("legacy_udp_client", V6TEST_NAME_V6ONLY, sample_port_str(port, 1), "ping");
    assert_int_equal(sample_run(&cli, argv), 0);
    assert_string_equal(cli.out, "::1 ping\n"); /* the server saw a real IPv6 peer */
    assert_int_equal(sample_finish(&srv), 0);
}

static void test_legacy_udp_server_answers_ipv6_client(void **state)
{
    V6TEST_REQUIRE_IPV6();
    uint16_t port = sample_free_port(SOCK_DGRAM);
    struct sample_proc srv, cli;
    const char *sargv[] =
        UNDER_V6RUN("legacy_udp_server", "-p", sample_port_str(port, 0), "-n", "1");
    assert_int_equal(sample_start(&srv, sargv), 0);
    char line[128];
    assert_true(sample_read_line(&srv, line, sizeof line) > 0);
    const char *argv[] = {"ported_udp_client", "::1", sample_port_str(port, 1), "ping", NULL};
    assert_int_equal(sample_run(&cli, argv), 0);
    size_t n = strlen(cli.out);
    assert_true(n > 6);
    assert_string_equal(cli.out + n - 6, " ping\n"); /* "<pool address> ping" */
    assert_pool_address(cli.out, ' ');
    assert_int_equal(sample_finish(&srv), 0);
}

static void test_legacy_sequential_client_reaches_dual_name_whose_ipv4_refuses(void **state)
{
    V6TEST_REQUIRE_IPV6();
    struct v6test_server srv; /* IPv6 only: 127.0.0.1 refuses */
    assert_int_equal(v6test_server_start(&srv, "::1", SOCK_STREAM, V6TEST_ECHO), 0);
    struct sample_proc cli;
    const char *argv[] = UNDER_V6RUN("legacy_happy_eyeballs", V6TEST_NAME_DUAL,
                                     sample_port_str(srv.port, 0), "dual");
    assert_int_equal(sample_run(&cli, argv), 0);
    v6test_server_stop(&srv);
    assert_string_equal(cli.out, "dual");
}

static void test_legacy_acl_server_denies_ipv6_peer_outside_ipv4_rules(void **state)
{
    V6TEST_REQUIRE_IPV6();
    uint16_t port = sample_free_port(SOCK_STREAM);
    struct sample_proc srv, cli;
    const char *sargv[] = UNDER_V6RUN("legacy_peer_acl", "-p", sample_port_str(port, 0), "-n", "2",
                                      "-a", "127.0.0.0/8");
    assert_int_equal(sample_start(&srv, sargv), 0);
    char line[128];
    assert_true(sample_read_line(&srv, line, sizeof line) > 0);
    const char *c4[] = {"ported_echo_client", "127.0.0.1", sample_port_str(port, 1), "", NULL};
    assert_int_equal(sample_run(&cli, c4), 0);
    assert_string_equal(cli.out, "hello 127.0.0.1\n");
    const char *c6[] = {"ported_echo_client", "::1", sample_port_str(port, 1), "", NULL};
    assert_int_equal(sample_run(&cli, c6), 0);
    assert_string_equal(cli.out, "denied\n"); /* a pool address is not in 127/8 */
    assert_int_equal(sample_finish(&srv), 0);
}

static void test_legacy_http_client_fetches_from_ipv6_only_server_by_name(void **state)
{
    V6TEST_REQUIRE_IPV6();
    struct http_server s;
    assert_int_equal(http_server_start(&s, "::1", "200 OK"), 0);
    char url[96], want[256];
    snprintf(url, sizeof url, "http://%s:%u/index", V6TEST_NAME_V6ONLY, s.port);
    struct sample_proc cli;
    const char *argv[] = UNDER_V6RUN("legacy_http_get", url);
    assert_int_equal(sample_run(&cli, argv), 0);
    http_server_stop(&s);
    /* The body is the request the server received: the name, not the pool address. */
    snprintf(want, sizeof want, "GET /index HTTP/1.0\r\nHost: %s\r\nConnection: close\r\n\r\n",
             V6TEST_NAME_V6ONLY);
    assert_string_equal(cli.out, want);
}

int main(void)
{
    sample_cleanup_at_exit();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_legacy_client_reaches_ipv6_only_server_by_name),
        cmocka_unit_test(test_legacy_server_accepts_ipv6_and_ipv4_clients_on_one_port),
        cmocka_unit_test(test_legacy_udp_client_reaches_ipv6_only_server_by_name),
        cmocka_unit_test(test_legacy_udp_server_answers_ipv6_client),
        cmocka_unit_test(test_legacy_sequential_client_reaches_dual_name_whose_ipv4_refuses),
        cmocka_unit_test(test_legacy_acl_server_denies_ipv6_peer_outside_ipv4_rules),
        cmocka_unit_test(test_legacy_http_client_fetches_from_ipv6_only_server_by_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
