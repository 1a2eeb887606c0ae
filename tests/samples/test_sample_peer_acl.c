/*
 * Sample pair 6: the peer logging / access control server, over one
 * dual-stack socket: IPv4 clients arrive as ::ffff: mapped addresses and
 * must be logged, keyed and judged as IPv4.
 */
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

static uint16_t start_server(struct sample_proc *srv, const char *nclients, const char *acl1,
                             const char *acl2)
{
    uint16_t port = sample_free_port(SOCK_STREAM);
    const char *argv[] = {"ported_peer_acl",
                          "-p",
                          sample_port_str(port, 0),
                          "-n",
                          nclients,
                          "-a",
                          acl1,
                          "-a",
                          acl2,
                          NULL};
    assert_int_equal(sample_start(srv, argv), 0);
    char line[128], want[128];
    assert_true(sample_read_line(srv, line, sizeof line) > 0);
    snprintf(want, sizeof want, "listening on :: port %u", port);
    assert_string_equal(line, want);
    return port;
}

static void expect_line(struct sample_proc *srv, const char *want)
{
    char line[256];
    assert_true(sample_read_line(srv, line, sizeof line) > 0);
    assert_string_equal(line, want);
}

/* "peer ADDR:PORT VERDICT key HEX": check all but the client's own port. */
static void expect_peer(struct sample_proc *srv, const char *addr_colon, const char *tail)
{
    char line[256];
    assert_true(sample_read_line(srv, line, sizeof line) > 0);
    size_t al = strlen(addr_colon), tl = strlen(tail), ll = strlen(line);
    assert_memory_equal(line, "peer ", 5);
    assert_memory_equal(line + 5, addr_colon, al);
    assert_true(ll > 5 + al + tl);
    assert_string_equal(line + ll - tl, tail);
    for (const char *p = line + 5 + al; p < line + ll - tl; p++)
        assert_true(*p >= '0' && *p <= '9'); /* only the port in between */
}

/* Connect with the ported echo client (sends nothing) and return its stdout. */
static void visit(const char *host, uint16_t port, const char *want_reply)
{
    struct sample_proc cli;
    const char *argv[] = {"ported_echo_client", host, sample_port_str(port, 1), "", NULL};
    assert_int_equal(sample_run(&cli, argv), 0);
    assert_string_equal(cli.out, want_reply);
}

static void test_ipv4_peer_is_normalised_before_logging_and_matching(void **state)
{
    V6TEST_REQUIRE_IPV6();
    struct sample_proc srv;
    uint16_t port = start_server(&srv, "1", "127.0.0.0/8", "2001:db8::/32");
    expect_line(&srv, "allow 127.0.0.0/8");
    expect_line(&srv, "allow 2001:db8::/32");
    visit("127.0.0.1", port, "hello 127.0.0.1\n"); /* not ::ffff:127.0.0.1 */
    expect_peer(&srv, "127.0.0.1:", " allowed key 00000000000000000000ffff7f000001");
    assert_int_equal(sample_finish(&srv), 0);
}

static void test_ipv6_peer_is_bracketed_and_judged_by_ipv6_rules(void **state)
{
    V6TEST_REQUIRE_IPV6();
    struct sample_proc srv;
    uint16_t port = start_server(&srv, "2", "127.0.0.0/8", "::1");
    expect_line(&srv, "allow 127.0.0.0/8");
    expect_line(&srv, "allow ::1/128");
    visit("::1", port, "hello ::1\n");
    expect_peer(&srv, "[::1]:", " allowed key 00000000000000000000000000000001");
    visit(V6TEST_NAME_V4ONLY, port, "hello 127.0.0.1\n");
    expect_peer(&srv, "127.0.0.1:", " allowed key 00000000000000000000ffff7f000001");
    assert_int_equal(sample_finish(&srv), 0);
}

static void test_peers_outside_the_list_are_denied_in_both_families(void **state)
{
    V6TEST_REQUIRE_IPV6();
    struct sample_proc srv;
    uint16_t port = start_server(&srv, "2", "192.0.2.0/24", "::ffff:198.51.100.0/120");
    expect_line(&srv, "allow 192.0.2.0/24");
    expect_line(&srv, "allow 198.51.100.0/24"); /* mapped prefix shown as IPv4 */
    visit("127.0.0.1", port, "denied\n");
    expect_peer(&srv, "127.0.0.1:", " denied key 00000000000000000000ffff7f000001");
    visit(V6TEST_NAME_V6ONLY, port, "denied\n");
    expect_peer(&srv, "[::1]:", " denied key 00000000000000000000000000000001");
    assert_int_equal(sample_finish(&srv), 0);
}

static void test_bad_prefix_is_named_with_exit_2(void **state)
{
    struct sample_proc srv;
    const char *argv[] = {"ported_peer_acl", "-p", "9", "-a", "192.0.2.1/24", NULL};
    assert_int_equal(sample_run(&srv, argv), 2);
    assert_string_equal(srv.err, "ported_peer_acl: bad prefix '192.0.2.1/24' (want e.g. "
                                 "192.0.2.0/24 or 2001:db8::/32, at most 64)\n");
}

static void test_legacy_acl_server_logs_ipv4_in_fixed_width(void **state)
{
    uint16_t port = sample_free_port(SOCK_STREAM);
    struct sample_proc srv;
    const char *argv[] = {"legacy_peer_acl", "-p", sample_port_str(port, 0), "-n", "1", "-a",
                          "127.0.0.0/8",     NULL};
    assert_int_equal(sample_start(&srv, argv), 0);
    char line[128];
    assert_true(sample_read_line(&srv, line, sizeof line) > 0);
    visit("127.0.0.1", port, "hello 127.0.0.1\n");
    assert_true(sample_read_line(&srv, line, sizeof line) > 0);
    assert_memory_equal(line, "127.0.0.1       ", 16); /* %-15s: room for IPv4 only */
    assert_string_equal(line + strlen(line) - 8, " allowed");
    assert_int_equal(sample_finish(&srv), 0);
}

int main(void)
{
    sample_cleanup_at_exit();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ipv4_peer_is_normalised_before_logging_and_matching),
        cmocka_unit_test(test_ipv6_peer_is_bracketed_and_judged_by_ipv6_rules),
        cmocka_unit_test(test_peers_outside_the_list_are_denied_in_both_families),
        cmocka_unit_test(test_bad_prefix_is_named_with_exit_2),
        cmocka_unit_test(test_legacy_acl_server_logs_ipv4_in_fixed_width),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
