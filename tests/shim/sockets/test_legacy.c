/*
 * Legacy IPv4-only programs (tests/shim/sockets/legacy, each built plain and
 * with -O2 -D_FORTIFY_SOURCE=2) run under v6run (V6SOCK_V6RUN), talked to over
 * real loopback sockets in a private network namespace, with the test names
 * from nss_wrapper (V6SOCK_NSS_WRAPPER). This driver itself is not preloaded.
 * Servers and clients; report mode: test_legacy_report.c.
 */
/* NOLINTBEGIN(v6-*): these tests drive legacy IPv4-only programs on purpose (v6scan self-scan). */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "v6test.h"
#include "legacy_test_util.h"

static void tcp_server_sees_views(const char *prog)
{
    V6TEST_REQUIRE_IPV6();
    struct child c;
    spawn(&c, true, prog, "2", (char *)NULL);
    uint16_t port = read_port(&c);
    char line[128], greet[128];

    int fd = client(AF_INET6, SOCK_STREAM, port);
    assert_true(fd >= 0);
    read_all(fd, greet, sizeof greet);
    close(fd);
    read_line(&c, line, sizeof line);
    assert_true(strncmp(line, "peer ", 5) == 0);
    assert_true(in_pool(line + 5));
    char want[160];
    snprintf(want, sizeof want, "hello %s\n", line + 5);
    assert_string_equal(greet, want);

    fd = client(AF_INET, SOCK_STREAM, port);
    if (fd < 0) {
        char rest[512];
        int st = finish(&c, rest, sizeof rest);
        print_message("ipv4 client: %s; server exit %d, said: %s\n", strerror(-fd), st, rest);
    }
    assert_true(fd >= 0);
    read_all(fd, greet, sizeof greet);
    close(fd);
    read_line(&c, line, sizeof line);
    assert_string_equal(line, "peer 127.0.0.1");
    assert_string_equal(greet, "hello 127.0.0.1\n");
    assert_int_equal(finish(&c, line, sizeof line), 0);
}

static void test_legacy_tcp_server_accepts_ipv6_and_ipv4_clients_on_one_port(void **state)
{
    tcp_server_sees_views("legacy_server");
}

static void test_fortified_legacy_tcp_server_accepts_ipv6_and_ipv4_clients(void **state)
{
    tcp_server_sees_views("legacy_server_fortify");
}

static void test_legacy_tcp_server_without_shim_refuses_ipv6(void **state)
{
    V6TEST_REQUIRE_IPV6();
    struct child c;
    spawn(&c, false, "legacy_server", "1", (char *)NULL);
    uint16_t port = read_port(&c);
    assert_int_equal(client(AF_INET6, SOCK_STREAM, port), -ECONNREFUSED);
    int fd = client(AF_INET, SOCK_STREAM, port);
    assert_true(fd >= 0);
    close(fd);
    char rest[256];
    assert_int_equal(finish(&c, rest, sizeof rest), 0);
    assert_string_equal(rest, "peer 127.0.0.1\n");
}

static void udp_server_sees_views(const char *prog)
{
    V6TEST_REQUIRE_IPV6();
    struct child c;
    spawn(&c, true, prog, "-u", "2", (char *)NULL);
    uint16_t port = read_port(&c);
    const int fams[2] = {AF_INET6, AF_INET};
    for (int i = 0; i < 2; i++) {
        int fd = client(fams[i], SOCK_DGRAM, port);
        assert_true(fd >= 0);
        assert_int_equal(send(fd, "datagram", 8, 0), 8);
        char buf[32] = {0};
        struct pollfd pfd = {fd, POLLIN, 0};
        assert_int_equal(poll(&pfd, 1, 20000), 1);
        assert_int_equal(recv(fd, buf, sizeof buf, 0), 8);
        assert_string_equal(buf, "datagram");
        close(fd);
        char line[64];
        read_line(&c, line, sizeof line);
        assert_true(strncmp(line, "peer ", 5) == 0);
        if (fams[i] == AF_INET6)
            assert_true(in_pool(line + 5));
        else
            assert_string_equal(line, "peer 127.0.0.1");
    }
    char rest[64];
    assert_int_equal(finish(&c, rest, sizeof rest), 0);
}

static void test_legacy_udp_server_answers_ipv6_and_ipv4_clients(void **state)
{
    udp_server_sees_views("legacy_server");
}

static void test_fortified_legacy_udp_server_answers_ipv6_and_ipv4_clients(void **state)
{
    udp_server_sees_views("legacy_server_fortify"); /* recvfrom is __recvfrom_chk here */
}

static void inetd_child_sees_views(const char *prog)
{
    V6TEST_REQUIRE_IPV6();
    struct child c;
    spawn(&c, true, prog, "2", (char *)NULL);
    uint16_t port = read_port(&c);
    char buf[128];
    int fd = client(AF_INET6, SOCK_STREAM, port);
    assert_true(fd >= 0);
    read_all(fd, buf, sizeof buf);
    close(fd);
    assert_true(strncmp(buf, "you are ", 8) == 0);
    buf[strcspn(buf, "\n")] = '\0';
    assert_true(in_pool(buf + 8));
    fd = client(AF_INET, SOCK_STREAM, port);
    assert_true(fd >= 0);
    read_all(fd, buf, sizeof buf);
    close(fd);
    assert_string_equal(buf, "you are 127.0.0.1\n");
    assert_int_equal(finish(&c, buf, sizeof buf), 0);
}

static void test_inetd_style_service_sees_ipv4_view_of_inherited_socket(void **state)
{
    inetd_child_sees_views("legacy_inetd");
}

static void test_fortified_inetd_style_service_sees_ipv4_view(void **state)
{
    inetd_child_sees_views("legacy_inetd_fortify");
}

static void differential(const char *prog)
{
    char with[8192], without[8192];
    struct child c;
    spawn(&c, false, prog, (char *)NULL);
    int st_without = finish(&c, without, sizeof without);
    spawn(&c, true, prog, (char *)NULL);
    int st_with = finish(&c, with, sizeof with);
    assert_int_equal(st_without, 0);
    assert_int_equal(st_with, st_without);
    assert_true(strlen(without) > 500); /* it did run the whole scenario */
    assert_string_equal(with, without);
}

static void test_ipv4_only_scenario_is_identical_with_and_without_shim(void **state)
{
    differential("legacy_v4only");
}

static void test_fortified_ipv4_only_scenario_is_identical_with_and_without_shim(void **state)
{
    differential("legacy_v4only_fortify");
}

/* ---- clients, by name (the resolver hooks hand out pool addresses) ---- */

static void tcp_client_by_name(const char *prog, const char *name, const char *server_addr,
                               const char *want_reply)
{
    V6TEST_REQUIRE_IPV6();
    struct v6test_server srv;
    assert_int_equal(v6test_server_start(&srv, server_addr, SOCK_STREAM, V6TEST_SAY_PEER), 0);
    char port[8];
    snprintf(port, sizeof port, "%u", srv.port);
    struct child c;
    spawn(&c, true, prog, name, port, "legacy", (char *)NULL);
    char out[512];
    int st = finish(&c, out, sizeof out);
    v6test_server_stop(&srv);
    print_message("%s", out);
    assert_int_equal(st, 0);
    char peer[64], reply[256];
    assert_int_equal(sscanf(out, "peer %63s\nreply: %255[^\n]", peer, reply), 2);
    assert_true(in_pool(peer));
    assert_string_equal(reply, want_reply);
}

static void test_legacy_client_reaches_ipv6_only_tcp_server_by_name(void **state)
{
    tcp_client_by_name("legacy_client", V6TEST_NAME_V6ONLY, "::1", "::1");
}

static void test_fortified_legacy_client_reaches_ipv6_only_tcp_server_by_name(void **state)
{
    tcp_client_by_name("legacy_client_fortify", V6TEST_NAME_V6ONLY, "::1", "::1");
}

static void test_legacy_client_reaches_dual_name_whose_ipv6_refuses(void **state)
{
    /* Only 127.0.0.1 listens: the IPv6 attempt is refused, Happy Eyeballs
     * goes on to IPv4 although the program only ever tried h_addr. */
    tcp_client_by_name("legacy_client", V6TEST_NAME_DUAL, "127.0.0.1", "127.0.0.1");
}

static void udp_client_by_name(const char *prog)
{
    V6TEST_REQUIRE_IPV6();
    struct v6test_server srv;
    assert_int_equal(v6test_server_start(&srv, "::1", SOCK_DGRAM, V6TEST_ECHO), 0);
    char port[8];
    snprintf(port, sizeof port, "%u", srv.port);
    struct child c;
    spawn(&c, true, prog, "-u", V6TEST_NAME_V6ONLY, port, "udp-legacy", (char *)NULL);
    char out[512];
    int st = finish(&c, out, sizeof out);
    v6test_server_stop(&srv);
    print_message("%s", out);
    assert_int_equal(st, 0);
    char from[64];
    assert_int_equal(sscanf(out, "from %63s\n", from), 1);
    assert_true(in_pool(from));
    assert_non_null(strstr(out, "\nsame as sent to: yes\nreply: udp-legacy\n"));
}

static void test_legacy_client_reaches_ipv6_only_udp_server_by_name(void **state)
{
    udp_client_by_name("legacy_client");
}

static void test_fortified_legacy_client_reaches_ipv6_only_udp_server_by_name(void **state)
{
    udp_client_by_name("legacy_client_fortify");
}

static void test_legacy_client_without_shim_cannot_resolve_ipv6_only_name(void **state)
{
    struct child c;
    spawn(&c, false, "legacy_client", V6TEST_NAME_V6ONLY, "9", "x", (char *)NULL);
    char out[256];
    assert_int_equal(finish(&c, out, sizeof out), 1);
    assert_string_equal(out, "unknown host " V6TEST_NAME_V6ONLY "\n");
}

static void evloop_client(const char *prog)
{
    V6TEST_REQUIRE_IPV6();
    struct v6test_server srv;
    assert_int_equal(v6test_server_start(&srv, "::1", SOCK_STREAM, V6TEST_ECHO), 0);
    char port[8];
    snprintf(port, sizeof port, "%u", srv.port);
    struct child c;
    spawn(&c, true, prog, V6TEST_NAME_V6ONLY, port, "evloop", (char *)NULL);
    char out[512];
    int st = finish(&c, out, sizeof out);
    v6test_server_stop(&srv);
    print_message("%s", out);
    assert_int_equal(st, 0);
    /* Loopback may complete the connect at once; both are the kernel's answers. */
    assert_true(strcmp(out, "connect: in progress\nso_error: none\nreply: evloop\n") == 0 ||
                strcmp(out, "connect: at once\nso_error: none\nreply: evloop\n") == 0);
}

static void test_event_loop_client_connects_nonblocking_to_ipv6_only_name(void **state)
{
    evloop_client("legacy_evloop");
}

static void test_fortified_event_loop_client_connects_to_ipv6_only_name(void **state)
{
    evloop_client("legacy_evloop_fortify");
}

static void test_event_loop_client_sees_refusal_through_so_error(void **state)
{
    V6TEST_REQUIRE_IPV6();
    struct v6test_server srv; /* a port nobody listens on any more */
    assert_int_equal(v6test_server_start(&srv, "::1", SOCK_STREAM, V6TEST_ECHO), 0);
    char port[8];
    snprintf(port, sizeof port, "%u", srv.port);
    v6test_server_stop(&srv);
    struct child c;
    spawn(&c, true, "legacy_evloop", V6TEST_NAME_V6ONLY, port, "x", (char *)NULL);
    char out[512];
    assert_int_equal(finish(&c, out, sizeof out), 1);
    print_message("%s", out);
    assert_true(strcmp(out, "connect: in progress\nso_error: Connection refused\n") == 0 ||
                strcmp(out, "connect: Connection refused\n") == 0);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_legacy_tcp_server_accepts_ipv6_and_ipv4_clients_on_one_port),
        cmocka_unit_test(test_fortified_legacy_tcp_server_accepts_ipv6_and_ipv4_clients),
        cmocka_unit_test(test_legacy_tcp_server_without_shim_refuses_ipv6),
        cmocka_unit_test(test_legacy_udp_server_answers_ipv6_and_ipv4_clients),
        cmocka_unit_test(test_fortified_legacy_udp_server_answers_ipv6_and_ipv4_clients),
        cmocka_unit_test(test_inetd_style_service_sees_ipv4_view_of_inherited_socket),
        cmocka_unit_test(test_fortified_inetd_style_service_sees_ipv4_view),
        cmocka_unit_test(test_ipv4_only_scenario_is_identical_with_and_without_shim),
        cmocka_unit_test(test_fortified_ipv4_only_scenario_is_identical_with_and_without_shim),
        cmocka_unit_test(test_legacy_client_reaches_ipv6_only_tcp_server_by_name),
        cmocka_unit_test(test_fortified_legacy_client_reaches_ipv6_only_tcp_server_by_name),
        cmocka_unit_test(test_legacy_client_reaches_dual_name_whose_ipv6_refuses),
        cmocka_unit_test(test_legacy_client_reaches_ipv6_only_udp_server_by_name),
        cmocka_unit_test(test_fortified_legacy_client_reaches_ipv6_only_udp_server_by_name),
        cmocka_unit_test(test_legacy_client_without_shim_cannot_resolve_ipv6_only_name),
        cmocka_unit_test(test_event_loop_client_connects_nonblocking_to_ipv6_only_name),
        cmocka_unit_test(test_fortified_event_loop_client_connects_to_ipv6_only_name),
        cmocka_unit_test(test_event_loop_client_sees_refusal_through_so_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
/* NOLINTEND(v6-*) */
