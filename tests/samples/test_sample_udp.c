/* Sample pair 4: the UDP request/response server and client. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "sample_proc.h"
#include "v6test.h"

static uint16_t start_server(struct sample_proc *srv, const char *count)
{
    uint16_t port = sample_free_port(SOCK_DGRAM);
    assert_true(port > 0);
    const char *argv[] = {"ported_udp_server", "-p", sample_port_str(port, 0), "-n", count, NULL};
    assert_int_equal(sample_start(srv, argv), 0);
    char line[128], want[128];
    assert_true(sample_read_line(srv, line, sizeof line) > 0);
    snprintf(want, sizeof want, "listening on 0.0.0.0 port %u", port);
    assert_string_equal(line, want);
    assert_true(sample_read_line(srv, line, sizeof line) > 0);
    snprintf(want, sizeof want, "listening on :: port %u", port);
    assert_string_equal(line, want);
    return port;
}

/* One request through ported_udp_client; the reply names the family seen. */
static void ask(const char *host, uint16_t port, const char *want_peer, struct sample_proc *srv)
{
    struct sample_proc cli;
    const char *argv[] = {"ported_udp_client", host, sample_port_str(port, 1), "ping", NULL};
    assert_int_equal(sample_run(&cli, argv), 0);
    char want[256];
    snprintf(want, sizeof want, "%s ping\n", want_peer);
    assert_string_equal(cli.out, want);
    snprintf(want, sizeof want, "trying %1$s port %2$u\nreply from %1$s port %2$u\n", want_peer,
             port);
    assert_string_equal(cli.err, want);
    char line[256];
    assert_true(sample_read_line(srv, line, sizeof line) > 0);
    snprintf(want, sizeof want, "request from %s port ", want_peer);
    assert_memory_equal(line, want, strlen(want));
}

static void test_udp_request_over_ipv6_gets_reply_in_ipv6(void **state)
{
    V6TEST_REQUIRE_IPV6();
    struct sample_proc srv;
    uint16_t port = start_server(&srv, "1");
    ask("::1", port, "::1", &srv);
    assert_int_equal(sample_finish(&srv), 0);
}

static void test_udp_request_over_ipv4_gets_reply_in_ipv4(void **state)
{
    struct sample_proc srv;
    uint16_t port = start_server(&srv, "1");
    ask("127.0.0.1", port, "127.0.0.1", &srv);
    assert_int_equal(sample_finish(&srv), 0);
}

static void test_udp_names_of_every_family(void **state)
{
    V6TEST_REQUIRE_IPV6();
    struct sample_proc srv;
    uint16_t port = start_server(&srv, "3");
    ask(V6TEST_NAME_DUAL, port, "::1", &srv);
    ask(V6TEST_NAME_V6ONLY, port, "::1", &srv);
    ask(V6TEST_NAME_V4ONLY, port, "127.0.0.1", &srv);
    assert_int_equal(sample_finish(&srv), 0);
}

static void test_udp_client_moves_on_when_ipv6_port_is_unreachable(void **state)
{
    V6TEST_REQUIRE_IPV6();
    struct v6test_server srv; /* IPv4 echo only: ::1 answers ICMPv6 port unreachable */
    assert_int_equal(v6test_server_start(&srv, "127.0.0.1", SOCK_DGRAM, V6TEST_ECHO), 0);
    struct sample_proc cli;
    const char *argv[] = {"ported_udp_client", V6TEST_NAME_DUAL, sample_port_str(srv.port, 0),
                          "hello", NULL};
    assert_int_equal(sample_run(&cli, argv), 0);
    v6test_server_stop(&srv);
    assert_string_equal(cli.out, "hello\n");
    char want[512];
    snprintf(want, sizeof want,
             "trying ::1 port %1$u\n::1 port %1$u: Connection refused\n"
             "trying 127.0.0.1 port %1$u\nreply from 127.0.0.1 port %1$u\n",
             srv.port);
    assert_string_equal(cli.err, want);
}

static void test_udp_client_exits_1_when_nobody_answers(void **state)
{
    uint16_t port = sample_free_port(SOCK_DGRAM);
    struct sample_proc cli;
    /* A name, not the literal: nss_wrapper answers a numeric IPv4 host with
     * SOCK_DGRAM twice, where glibc answers once. */
    const char *argv[] = {"ported_udp_client", V6TEST_NAME_V4ONLY, sample_port_str(port, 0), "x",
                          NULL};
    assert_int_equal(sample_run(&cli, argv), 1);
    char want[256];
    snprintf(want, sizeof want,
             "trying 127.0.0.1 port %1$u\n127.0.0.1 port %1$u: Connection refused\n"
             "ported_udp_client: no reply from %2$s port %1$u\n",
             port, V6TEST_NAME_V4ONLY);
    assert_string_equal(cli.err, want);
}

static void test_udp_server_rejects_bad_request_count(void **state)
{
    struct sample_proc srv;
    const char *argv[] = {"ported_udp_server", "-p", "9", "-n", "0", NULL};
    assert_int_equal(sample_run(&srv, argv), 2);
    assert_string_equal(srv.err, "ported_udp_server: bad request count '0' (want 1..2147483647)\n");
}

static void test_legacy_udp_pair_works_over_ipv4_only(void **state)
{
    uint16_t port = sample_free_port(SOCK_DGRAM);
    struct sample_proc srv, cli;
    const char *sargv[] = {"legacy_udp_server", "-p", sample_port_str(port, 0), "-n", "1", NULL};
    assert_int_equal(sample_start(&srv, sargv), 0);
    char line[128];
    assert_true(sample_read_line(&srv, line, sizeof line) > 0);
    const char *cargv[] = {"legacy_udp_client", V6TEST_NAME_DUAL, sample_port_str(port, 1), "old",
                           NULL};
    assert_int_equal(sample_run(&cli, cargv), 0);
    assert_string_equal(cli.out, "127.0.0.1 old\n"); /* gethostbyname: IPv4 only */
    assert_int_equal(sample_finish(&srv), 0);
    const char *v6[] = {"legacy_udp_client", "::1", "9", "x", NULL};
    assert_int_equal(sample_run(&cli, v6), 1);
    assert_string_equal(cli.err, "legacy_udp_client: ::1: unknown host\n");
}

int main(void)
{
    sample_cleanup_at_exit();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_udp_request_over_ipv6_gets_reply_in_ipv6),
        cmocka_unit_test(test_udp_request_over_ipv4_gets_reply_in_ipv4),
        cmocka_unit_test(test_udp_names_of_every_family),
        cmocka_unit_test(test_udp_client_moves_on_when_ipv6_port_is_unreachable),
        cmocka_unit_test(test_udp_client_exits_1_when_nobody_answers),
        cmocka_unit_test(test_udp_server_rejects_bad_request_count),
        cmocka_unit_test(test_legacy_udp_pair_works_over_ipv4_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
