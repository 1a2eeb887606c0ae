/*
 * The URL parser and Host header builder of ported/http_get.c (RFC 3986
 * brackets, RFC 6874 zone ids, RFC 7230 Host), compiled in with main
 * renamed. Documentation addresses only; nothing is resolved.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

int http_get_main(int argc, char **argv);
#define main http_get_main
#include "http_get.c"
#undef main

static void test_url_parse_splits_every_host_form(void **state)
{
    static const struct {
        const char *url, *host, *port, *path, *host_header;
        bool literal;
    } cases[] = {
        {"http://[2001:db8::1]:8080/a/b?c=d", "2001:db8::1", "8080", "/a/b?c=d",
         "[2001:db8::1]:8080", true},
        {"http://[2001:db8::1]/", "2001:db8::1", "80", "/", "[2001:db8::1]", true},
        {"http://[2001:db8::1]", "2001:db8::1", "80", "/", "[2001:db8::1]", true},
        {"http://[2001:db8::1]:/x", "2001:db8::1", "80", "/x", "[2001:db8::1]", true},
        {"http://[fe80::1%25eth0]:8080/", "fe80::1%eth0", "8080", "/", "[fe80::1]:8080", true},
        {"http://[fe80::1%eth0]/", "fe80::1%eth0", "80", "/", "[fe80::1]", true},
        {"http://[::ffff:192.0.2.1]:81/", "::ffff:192.0.2.1", "81", "/", "[::ffff:192.0.2.1]:81",
         true},
        {"http://192.0.2.1:8080/x", "192.0.2.1", "8080", "/x", "192.0.2.1:8080", false},
        {"http://192.0.2.1:0000000080/", "192.0.2.1", "80", "/", "192.0.2.1", false},
        {"HTTP://www.example.org?q", "www.example.org", "80", "/?q", "www.example.org", false},
        {"http://www.example.org:080#f", "www.example.org", "80", "/#f", "www.example.org", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct url u;
        const char *why = NULL;
        char hh[NI_MAXHOST + 8];
        assert_int_equal(url_parse(cases[i].url, &u, &why), 0);
        assert_string_equal(u.host, cases[i].host);
        assert_string_equal(u.port, cases[i].port);
        assert_string_equal(u.path, cases[i].path);
        assert_int_equal(u.ipv6_literal, cases[i].literal);
        assert_int_equal(url_host_header(&u, hh, sizeof hh), (int)strlen(cases[i].host_header));
        assert_string_equal(hh, cases[i].host_header);
    }
}

static void test_url_parse_names_what_is_wrong(void **state)
{
    static const struct {
        const char *url, *why;
    } cases[] = {
        {"2001:db8::1", "only http:// URLs are supported"},
        {"http://2001:db8::1/",
         "IPv6 addresses in URLs must be in brackets, e.g. http://[2001:db8::1]:8080/"},
        {"http://2001:db8::1:8080/",
         "IPv6 addresses in URLs must be in brackets, e.g. http://[2001:db8::1]:8080/"},
        {"http://[2001:db8::1", "'[' without ']'"},
        {"http://[2001:db8::1/]", "'[' without ']'"},
        {"http://[]/", "bad IPv6 literal"},
        {"http://[192.0.2.1]/", "bad IPv6 literal"},
        {"http://[2001:db8::1]x/", "junk after ']'"},
        {"http://[fe80::1%]/", "bad zone id"},
        {"http://[fe80::1%25]/", "bad zone id"},
        {"http://[fe80::1%25abcdefghijklmnop]/", "bad zone id"}, /* 16 > IF_NAMESIZE - 1 */
        {"http://192.0.2.1:http/", "bad port"},
        {"http://192.0.2.1:65536/", "bad port"},
        {"http://192.0.2.1:0/", "bad port"},
        {"http://192.0.2.1:+80/", "bad port"}, /* strtonum takes a sign; a URL port does not */
        {"http://192.0.2.1: 80/", "bad port"},
        {"http://192.0.2.1:000065536/", "bad port"},
        {"http://u:p@192.0.2.1/", "user information in URLs is not supported"},
        {"http://", "bad host"},
        {"http://a]b/", "bad host"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct url u;
        const char *why = NULL;
        assert_int_equal(url_parse(cases[i].url, &u, &why), -EINVAL);
        assert_non_null(why);
        assert_string_equal(why, cases[i].why);
    }
}

static void test_host_header_reports_small_buffer(void **state)
{
    struct url u;
    const char *why;
    char small[8];
    assert_int_equal(url_parse("http://[2001:db8::1]:8080/", &u, &why), 0);
    assert_int_equal(url_host_header(&u, small, sizeof small), -ENOSPC);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_url_parse_splits_every_host_form),
        cmocka_unit_test(test_url_parse_names_what_is_wrong),
        cmocka_unit_test(test_host_header_reports_small_buffer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
