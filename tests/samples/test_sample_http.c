/*
 * Sample pair 5: the HTTP GET client against a tiny HTTP server run here,
 * which answers every request with the request itself as the body, so the
 * tests see exactly what the client put on the wire (request line, Host
 * header with brackets and no zone id).
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "http_once.h"
#include "sample_proc.h"
#include "v6test.h"

/*
 * GET http://URL_HOST:PORT URL_TAIL from a server on ADDR; check the request
 * on the wire: request line with PATH, Host header "HOST_HEADER:PORT".
 */
static void get_and_check(const char *addr, const char *url_host, const char *url_tail,
                          const char *path, const char *host_header)
{
    struct http_server s;
    assert_int_equal(http_server_start(&s, addr, "200 OK"), 0);
    char url[256], host[128], want[512];
    snprintf(url, sizeof url, "http://%s:%u%s", url_host, s.port, url_tail);
    snprintf(host, sizeof host, "%s:%u", host_header, s.port);
    struct sample_proc cli;
    const char *argv[] = {"ported_http_get", url, NULL};
    int rc = sample_run(&cli, argv);
    http_server_stop(&s);
    if (rc != 0)
        print_message("ported_http_get %s said:\n%s", url, cli.err);
    assert_int_equal(rc, 0);
    snprintf(want, sizeof want,
             "GET %s HTTP/1.0\r\nHost: %s\r\nUser-Agent: v6kit-sample\r\nConnection: close\r\n\r\n",
             path, host);
    assert_string_equal(cli.out, want);
    assert_non_null(strstr(cli.err, "\nHTTP/1.0 200 OK\n"));
}

static void test_http_get_ipv6_literal_sends_bracketed_host_header(void **state)
{
    V6TEST_REQUIRE_IPV6();
    get_and_check("::1", "[::1]", "/path?q=1#frag", "/path?q=1#frag", "[::1]");
}

static void test_http_get_ipv4_literal(void **state)
{
    get_and_check("127.0.0.1", "127.0.0.1", "", "/", "127.0.0.1");
}

static void test_http_get_dual_name_keeps_name_in_host_header(void **state)
{
    V6TEST_REQUIRE_IPV6();
    get_and_check("::1", V6TEST_NAME_DUAL, "/x", "/x", V6TEST_NAME_DUAL);
    get_and_check("127.0.0.1", V6TEST_NAME_V4ONLY, "/y", "/y", V6TEST_NAME_V4ONLY);
}

/*
 * True once TCP to fe80::1%lo works. The kernel adds the local route of a
 * new address from its DAD work queue even with nodad, so for a moment
 * after `ip addr add` the address exists (bind works) but a connect to it
 * fails with ENETUNREACH. Probes a throwaway listener, for up to about two
 * seconds.
 */
static bool link_local_ready(void)
{
    struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6, .sin6_scope_id = if_nametoindex("lo")};
    socklen_t len = sizeof sin6;
    if (sin6.sin6_scope_id == 0 || inet_pton(AF_INET6, "fe80::1", &sin6.sin6_addr) != 1)
        return false;
    int lfd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (lfd < 0 || bind(lfd, (struct sockaddr *)&sin6, sizeof sin6) < 0 || listen(lfd, 8) < 0 ||
        getsockname(lfd, (struct sockaddr *)&sin6, &len) < 0) {
        if (lfd >= 0)
            close(lfd);
        return false;
    }
    bool ok = false;
    for (int i = 0; i < 200 && !ok; i++) {
        int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
            break;
        ok = connect(fd, (struct sockaddr *)&sin6, sizeof sin6) == 0;
        close(fd);
        if (!ok)
            usleep(10000);
    }
    close(lfd);
    return ok;
}

static void test_http_get_link_local_zone_reaches_server_and_stays_off_the_wire(void **state)
{
    V6TEST_REQUIRE_IPV6();
    /* nss_wrapper's getaddrinfo drops zone ids; literals need no hosts
     * file, so the client runs on glibc's own getaddrinfo here. Unset
     * before system() too: a sanitizer runtime preloaded into sh and ip
     * crashes them. */
    char *preload = getenv("LD_PRELOAD") ? strdup(getenv("LD_PRELOAD")) : NULL;
    unsetenv("LD_PRELOAD");
    /* Our private namespace: give lo a link-local address to talk to. */
    if (system("ip -6 addr add fe80::1/64 dev lo nodad 2>/dev/null") != 0 &&
        system("ip -6 addr show dev lo | grep -q fe80::1/64") != 0) {
        print_message("skipped: cannot add fe80::1 to lo\n");
        if (preload != NULL) {
            setenv("LD_PRELOAD", preload, 1);
            free(preload);
        }
        skip();
    }
    assert_true(link_local_ready());
    get_and_check("fe80::1%lo", "[fe80::1%25lo]", "/z", "/z", "[fe80::1]"); /* RFC 6874 */
    get_and_check("fe80::1%lo", "[fe80::1%lo]", "/z", "/z", "[fe80::1]");   /* as typed */
    if (preload != NULL) {
        setenv("LD_PRELOAD", preload, 1);
        free(preload);
    }
}

static void test_http_get_non_2xx_status_exits_1_with_body(void **state)
{
    struct http_server s;
    assert_int_equal(http_server_start(&s, "127.0.0.1", "404 Not Found"), 0);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%u/missing", s.port);
    struct sample_proc cli;
    const char *argv[] = {"ported_http_get", url, NULL};
    assert_int_equal(sample_run(&cli, argv), 1);
    http_server_stop(&s);
    assert_memory_equal(cli.out, "GET /missing HTTP/1.0\r\n", 23);
    assert_non_null(strstr(cli.err, "\nHTTP/1.0 404 Not Found\n"));
}

static void test_http_get_rejects_bad_urls_with_exit_2(void **state)
{
    static const struct {
        const char *url, *why;
    } cases[] = {
        {"http://2001:db8::1/", "IPv6 addresses in URLs must be in brackets, e.g. "
                                "http://[2001:db8::1]:8080/"},
        {"http://[2001:db8::1/", "'[' without ']'"},
        {"http://[2001:db8::g]/", "bad IPv6 literal"},
        {"http://[192.0.2.1]/", "bad IPv6 literal"},
        {"http://[2001:db8::1]8080/", "junk after ']'"},
        {"http://[fe80::1%25]/", "bad zone id"},
        {"http://192.0.2.1:0/", "bad port"},
        {"http://192.0.2.1:65536/", "bad port"},
        {"http://user@192.0.2.1/", "user information in URLs is not supported"},
        {"https://192.0.2.1/", "only http:// URLs are supported"},
        {"http:///x", "bad host"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct sample_proc cli;
        const char *argv[] = {"ported_http_get", cases[i].url, NULL};
        assert_int_equal(sample_run(&cli, argv), 2);
        char want[256];
        snprintf(want, sizeof want, "ported_http_get: %s: %s\n", cases[i].url, cases[i].why);
        assert_string_equal(cli.err, want);
    }
}

static void test_legacy_http_get_splits_ipv6_literal_at_first_colon(void **state)
{
    struct sample_proc cli;
    const char *argv[] = {"legacy_http_get", "http://[::1]:8080/", NULL};
    assert_int_equal(sample_run(&cli, argv), 1);
    assert_string_equal(cli.err, "legacy_http_get: [: unknown host\n");
}

int main(void)
{
    sample_cleanup_at_exit();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_http_get_ipv6_literal_sends_bracketed_host_header),
        cmocka_unit_test(test_http_get_ipv4_literal),
        cmocka_unit_test(test_http_get_dual_name_keeps_name_in_host_header),
        cmocka_unit_test(test_http_get_link_local_zone_reaches_server_and_stays_off_the_wire),
        cmocka_unit_test(test_http_get_non_2xx_status_exits_1_with_body),
        cmocka_unit_test(test_http_get_rejects_bad_urls_with_exit_2),
        cmocka_unit_test(test_legacy_http_get_splits_ipv6_literal_at_first_colon),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
