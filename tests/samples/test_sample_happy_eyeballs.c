/*
 * Sample pair 3: the RFC 8305 Happy Eyeballs client and its sequential
 * legacy twin, against loopback servers where one family refuses or never
 * answers.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sample_proc.h"
#include "v6test.h"

#define BLACKHOLE_FILL 3

/*
 * Make [::1]:PORT a black hole: a listener with backlog 0 whose accept queue
 * is filled by connections nobody accepts, so the kernel drops further SYNs
 * and a connect() to it stays pending. FDS receives the listener and the
 * fillers (BLACKHOLE_FILL + 1 fds).
 */
static void blackhole_ipv6(uint16_t port, int fds[BLACKHOLE_FILL + 1])
{
    struct sockaddr_in6 sin6 = {
        .sin6_family = AF_INET6, .sin6_port = htons(port), .sin6_addr = IN6ADDR_LOOPBACK_INIT};
    fds[0] = socket(AF_INET6, SOCK_STREAM, 0);
    assert_true(fds[0] >= 0);
    assert_int_equal(bind(fds[0], (struct sockaddr *)&sin6, sizeof sin6), 0);
    assert_int_equal(listen(fds[0], 0), 0);
    for (int i = 1; i <= BLACKHOLE_FILL; i++) {
        fds[i] = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0);
        assert_true(fds[i] >= 0);
        int rc = connect(fds[i], (struct sockaddr *)&sin6, sizeof sin6);
        assert_true(rc == 0 || errno == EINPROGRESS);
    }
    /* The first filler completes (queue of one); wait until it has. */
    struct pollfd p = {.fd = fds[1], .events = POLLOUT};
    assert_int_equal(poll(&p, 1, SAMPLE_PROC_WAIT_MS), 1);
}

static void test_race_reaches_ipv4_when_ipv6_refuses(void **state)
{
    V6TEST_REQUIRE_IPV6();
    struct v6test_server srv;
    assert_int_equal(v6test_server_start(&srv, "127.0.0.1", SOCK_STREAM, V6TEST_ECHO), 0);
    struct sample_proc cli;
    const char *argv[] = {"ported_happy_eyeballs", V6TEST_NAME_DUAL, sample_port_str(srv.port, 0),
                          "race", NULL};
    assert_int_equal(sample_run(&cli, argv), 0);
    v6test_server_stop(&srv);
    assert_string_equal(cli.out, "race");
    /* A refused attempt lets the next one start at once (RFC 8305 section 5). */
    char want[512];
    snprintf(want, sizeof want,
             "trying ::1 port %1$u\n::1 port %1$u: Connection refused\n"
             "trying 127.0.0.1 port %1$u\nconnected to 127.0.0.1 port %1$u\n",
             srv.port);
    assert_string_equal(cli.err, want);
}

static void test_race_reaches_ipv4_while_ipv6_attempt_hangs(void **state)
{
    V6TEST_REQUIRE_IPV6();
    struct v6test_server srv;
    assert_int_equal(v6test_server_start(&srv, "127.0.0.1", SOCK_STREAM, V6TEST_ECHO), 0);
    int hole[BLACKHOLE_FILL + 1];
    blackhole_ipv6(srv.port, hole);
    struct sample_proc cli;
    /* -t 60: a sequential client would sit in the IPv6 attempt for a minute. */
    const char *argv[] = {"ported_happy_eyeballs",      "-d",   "50", "-t", "60", V6TEST_NAME_DUAL,
                          sample_port_str(srv.port, 0), "hang", NULL};
    assert_int_equal(sample_run(&cli, argv), 0);
    v6test_server_stop(&srv);
    for (int i = 0; i <= BLACKHOLE_FILL; i++)
        close(hole[i]);
    assert_string_equal(cli.out, "hang");
    /* The IPv6 attempt neither failed nor won: no line for it after "trying". */
    char want[512];
    snprintf(want, sizeof want,
             "trying ::1 port %1$u\ntrying 127.0.0.1 port %1$u\nconnected to 127.0.0.1 port %1$u\n",
             srv.port);
    assert_string_equal(cli.err, want);
}

static void test_race_prefers_ipv6_when_both_answer(void **state)
{
    V6TEST_REQUIRE_IPV6();
    struct v6test_server srv;
    assert_int_equal(v6test_server_start(&srv, "::", SOCK_STREAM, V6TEST_SAY_PEER), 0);
    struct sample_proc cli;
    const char *argv[] = {"ported_happy_eyeballs", V6TEST_NAME_DUAL, sample_port_str(srv.port, 0),
                          "both", NULL};
    assert_int_equal(sample_run(&cli, argv), 0);
    v6test_server_stop(&srv);
    assert_string_equal(cli.out, "::1\nboth");
    char want[256];
    snprintf(want, sizeof want, "trying ::1 port %1$u\nconnected to ::1 port %1$u\n", srv.port);
    assert_string_equal(cli.err, want);
}

static void test_race_over_single_family_literals(void **state)
{
    V6TEST_REQUIRE_IPV6();
    const char *addrs[] = {"::1", "127.0.0.1"};
    for (int i = 0; i < 2; i++) {
        struct v6test_server srv;
        assert_int_equal(v6test_server_start(&srv, addrs[i], SOCK_STREAM, V6TEST_ECHO), 0);
        struct sample_proc cli;
        const char *argv[] = {"ported_happy_eyeballs", addrs[i], sample_port_str(srv.port, 0),
                              "lit", NULL};
        assert_int_equal(sample_run(&cli, argv), 0);
        v6test_server_stop(&srv);
        assert_string_equal(cli.out, "lit");
    }
}

static void test_race_fails_with_exit_1_when_every_attempt_is_refused(void **state)
{
    V6TEST_REQUIRE_IPV6();
    uint16_t port = sample_free_port(SOCK_STREAM);
    struct sample_proc cli;
    const char *argv[] = {"ported_happy_eyeballs", V6TEST_NAME_DUAL, sample_port_str(port, 0), "x",
                          NULL};
    assert_int_equal(sample_run(&cli, argv), 1);
    char want[512];
    snprintf(want, sizeof want,
             "trying ::1 port %1$u\n::1 port %1$u: Connection refused\n"
             "trying 127.0.0.1 port %1$u\n127.0.0.1 port %1$u: Connection refused\n"
             "ported_happy_eyeballs: cannot connect to %2$s port %1$u\n",
             port, V6TEST_NAME_DUAL);
    assert_string_equal(cli.err, want);
}

static void test_race_rejects_delay_below_rfc_minimum(void **state)
{
    struct sample_proc cli;
    const char *argv[] = {"ported_happy_eyeballs", "-d", "5", "::1", "7", "x", NULL};
    assert_int_equal(sample_run(&cli, argv), 2);
    assert_string_equal(cli.err, "ported_happy_eyeballs: bad delay '5' (want 10..60000)\n");
}

static void test_legacy_sequential_client_sees_only_ipv4_of_dual_name(void **state)
{
    struct v6test_server srv;
    assert_int_equal(v6test_server_start(&srv, "127.0.0.1", SOCK_STREAM, V6TEST_ECHO), 0);
    struct sample_proc cli;
    const char *argv[] = {"legacy_happy_eyeballs", V6TEST_NAME_DUAL, sample_port_str(srv.port, 0),
                          "seq", NULL};
    assert_int_equal(sample_run(&cli, argv), 0);
    v6test_server_stop(&srv);
    assert_string_equal(cli.out, "seq");
    char want[256];
    snprintf(want, sizeof want, "trying 127.0.0.1 port %1$u\nconnected to 127.0.0.1 port %1$u\n",
             srv.port);
    assert_string_equal(cli.err, want);
}

static void test_legacy_sequential_client_fails_on_ipv6_only_name(void **state)
{
    struct sample_proc cli;
    const char *argv[] = {"legacy_happy_eyeballs", V6TEST_NAME_V6ONLY, "7", "x", NULL};
    assert_int_equal(sample_run(&cli, argv), 1);
    assert_memory_equal(cli.err, "legacy_happy_eyeballs: " V6TEST_NAME_V6ONLY ": ",
                        strlen("legacy_happy_eyeballs: " V6TEST_NAME_V6ONLY ": "));
}

int main(void)
{
    sample_cleanup_at_exit();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_race_reaches_ipv4_when_ipv6_refuses),
        cmocka_unit_test(test_race_reaches_ipv4_while_ipv6_attempt_hangs),
        cmocka_unit_test(test_race_prefers_ipv6_when_both_answer),
        cmocka_unit_test(test_race_over_single_family_literals),
        cmocka_unit_test(test_race_fails_with_exit_1_when_every_attempt_is_refused),
        cmocka_unit_test(test_race_rejects_delay_below_rfc_minimum),
        cmocka_unit_test(test_legacy_sequential_client_sees_only_ipv4_of_dual_name),
        cmocka_unit_test(test_legacy_sequential_client_fails_on_ipv6_only_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
