/*
 * Report mode's "own DNS client" note (report.h: report_note_dns): this
 * program links the core directly with V6SHIM_REPORT set, plays the socket
 * layer's hooks, and reads its own report line (report_write).
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "report.h"

static void line_of(char *buf, size_t len)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_int_equal(report_write(fileno(f), "exit"), 0);
    rewind(f);
    size_t n = fread(buf, 1, len - 1, f);
    buf[n] = '\0';
    fclose(f);
}

static int count(const char *s, const char *what)
{
    int n = 0;
    for (const char *p = s; (p = strstr(p, what)); p++)
        n++;
    return n;
}

/* Runs first: no resolver call has been noted in this process. */
static void test_udp_to_port_53_without_resolver_calls_is_an_own_dns_client(void **state)
{
    (void)state;
    assert_true(report_on());
    int udp = socket(AF_INET6, SOCK_DGRAM, 0), tcp = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(udp >= 0 && tcp >= 0);
    struct sockaddr_in6 d6 = {
        .sin6_family = AF_INET6, .sin6_port = htons(53), .sin6_addr = IN6ADDR_LOOPBACK_INIT};
    struct sockaddr_in d4 = {.sin_family = AF_INET, .sin_port = htons(53)};
    struct sockaddr_in other = {.sin_family = AF_INET, .sin_port = htons(54)};
    errno = 777;
    report_note_dns(udp, &d6, sizeof d6, "sendto",
                    (void *)test_udp_to_port_53_without_resolver_calls_is_an_own_dns_client);
    assert_int_equal(errno, 777);
    report_note_dns(udp, &d6, sizeof d6, "sendto",
                    (void *)test_udp_to_port_53_without_resolver_calls_is_an_own_dns_client);
    report_note_dns(tcp, &d4, sizeof d4, "connect", (void *)line_of);       /* TCP: not counted */
    report_note_dns(udp, &other, sizeof other, "connect", (void *)line_of); /* port 54 */
    report_note_dns(udp, &d4, sizeof d4 - 1, "connect", (void *)line_of);   /* short address */
    report_note_dns(udp, NULL, 0, "sendto", (void *)line_of);
    static char buf[65536];
    line_of(buf, sizeof buf);
    print_message("%s", buf);
    assert_int_equal(
        count(buf, "{\"check\":\"v6-own-dns-client\",\"call\":\"sendto\",\"count\":2,"), 1);
    assert_int_equal(count(buf, "{\"check\":"), 1);
    assert_non_null(strstr(buf, "],\"dropped\":0,\"notes\":[\"own-dns-client\"]}\n"));
    close(udp);
    close(tcp);
}

static void test_a_resolver_call_removes_the_note_but_keeps_the_site(void **state)
{
    (void)state;
    report_note_resolver();
    static char buf[65536];
    line_of(buf, sizeof buf);
    assert_int_equal(count(buf, "\"check\":\"v6-own-dns-client\""), 1);
    assert_non_null(strstr(buf, "],\"dropped\":0}\n"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_udp_to_port_53_without_resolver_calls_is_an_own_dns_client),
        cmocka_unit_test(test_a_resolver_call_removes_the_note_but_keeps_the_site),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
