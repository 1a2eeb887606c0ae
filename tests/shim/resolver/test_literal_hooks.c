/*
 * IPv6 literals handed to the IPv4-only parsers (shim/literal.h), through
 * the exported hooks: this program runs with libv6shim.so preloaded in a
 * private network namespace and calls the plain libc names. "libc's own
 * answer" is glibc's function, taken from libc.so.6's handle with dlsym.
 * The pool of this process starts empty: the first literal gets 198.18.0.1.
 */
/* NOLINTBEGIN(v6-*): tests that call the IPv4-only parsers on purpose (v6scan self-scan). */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <net/if.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *libc_sym(const char *sym)
{
    void *h = dlopen("libc.so.6", RTLD_NOLOAD | RTLD_LAZY);
    assert_non_null(h);
    void *f = dlsym(h, sym);
    assert_non_null(f);
    return f;
}

static const char *ntoa(struct in_addr a, char *buf)
{
    return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

/* Runs first. Every form of ::1 is one literal with one pool address. */
static void test_every_form_of_loopback_gets_the_same_first_pool_address(void **state)
{
    (void)state;
    static const char *const forms[] = {"::1", "[::1]", "0:0:0:0:0:0:0:1", "0::1", "::0001"};
    char buf[INET_ADDRSTRLEN];
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        struct in_addr a = {0};
        errno = 1234;
        assert_int_equal(inet_aton(forms[i], &a), 1);
        assert_int_equal(errno, 1234); /* untouched, as glibc leaves it */
        assert_string_equal(ntoa(a, buf), "198.18.0.1");
        assert_int_equal(inet_addr(forms[i]), a.s_addr);
        assert_int_equal(inet_network(forms[i]), ntohl(a.s_addr));
        assert_int_equal(inet_aton(forms[i], NULL), 1);
    }
}

static void test_other_literals_get_their_own_pool_addresses(void **state)
{
    (void)state;
    char buf[INET_ADDRSTRLEN];
    struct in_addr a, b, c;
    assert_int_equal(inet_aton("2001:db8::1", &a), 1);
    assert_int_equal(inet_aton("[2001:DB8:0::1]", &b), 1);
    assert_int_equal(a.s_addr, b.s_addr);
    assert_string_equal(ntoa(a, buf), "198.18.0.2");
    /* a zone makes another destination; by name or by index, the same one */
    assert_int_equal(inet_aton("fe80::1%lo", &a), 1);
    char idx[32];
    snprintf(idx, sizeof idx, "[fe80::1%%%u]", if_nametoindex("lo"));
    assert_int_equal(inet_aton(idx, &b), 1);
    assert_int_equal(a.s_addr, b.s_addr);
    assert_int_equal(inet_aton("fe80::1", &c), 1);
    assert_int_not_equal(a.s_addr, c.s_addr);
}

static void test_ipv4_mapped_literal_gives_the_ipv4_address_itself(void **state)
{
    (void)state;
    char buf[INET_ADDRSTRLEN];
    struct in_addr a;
    assert_int_equal(inet_aton("::ffff:192.0.2.7", &a), 1);
    assert_string_equal(ntoa(a, buf), "192.0.2.7");
    assert_string_equal(ntoa((struct in_addr){inet_addr("[::ffff:c000:207]")}, buf), "192.0.2.7");
}

/* Every text that is not an IPv6 literal, the odd IPv4 forms first, gets
 * glibc's own answer: same return value, same address, errno untouched. */
static void test_ipv4_forms_and_non_literals_get_glibcs_own_answers(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "127.0.0.1",
        "127.1",
        "0x7f.1",
        "017700000001",
        "1.2.3",
        "4294967295",
        "255.255.255.255",
        "1.2.3.4 trailing",
        "1.2.3.4\tx",
        "256.1.1.1",
        "",
        " ",
        "1.2.3.4.5",
        "0x",
        "::1::2",
        ":::",
        "[::1",
        "::1]",
        "[[::1]]",
        "[]",
        "[1.2.3.4]",
        "fe80::1%",
        "fe80::1%nosuchif0",
        "fe80::1%0",
        "fe80::1%-1",
        "::1 ",
        " ::1",
        "::1%lo%lo",
        "g::1",
        "12345::",
        "localhost",
        "a:b",
    };
    int (*aton)(const char *, struct in_addr *) = libc_sym("inet_aton");
    in_addr_t (*addr)(const char *) = libc_sym("inet_addr");
    in_addr_t (*network)(const char *) = libc_sym("inet_network");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct in_addr mine = {0x5a5a5a5a}, theirs = {0x5a5a5a5a};
        errno = 4321;
        int rm = inet_aton(cases[i], &mine);
        assert_int_equal(errno, 4321);
        int rt = aton(cases[i], &theirs);
        print_message("%-20s aton %d/%d\n", cases[i], rm, rt);
        assert_int_equal(rm, rt);
        assert_int_equal(mine.s_addr, theirs.s_addr);
        assert_int_equal(inet_addr(cases[i]), addr(cases[i]));
        assert_int_equal(inet_network(cases[i]), network(cases[i]));
    }
}

static void test_gethostbyname_of_a_literal_answers_with_its_pool_address(void **state)
{
    (void)state;
    char buf[INET_ADDRSTRLEN];
    struct hostent *h = gethostbyname("[::1]");
    assert_non_null(h);
    assert_string_equal(h->h_name, "::1"); /* the canonical text */
    assert_int_equal(h->h_addrtype, AF_INET);
    assert_null(h->h_addr_list[1]);
    assert_string_equal(ntoa(*(struct in_addr *)h->h_addr, buf), "198.18.0.1");
    h = gethostbyname2("2001:db8::1", AF_INET);
    assert_non_null(h);
    assert_string_equal(ntoa(*(struct in_addr *)h->h_addr, buf), "198.18.0.2");
    /* reverse: the pool address answers with the literal */
    struct in_addr p;
    inet_pton(AF_INET, "198.18.0.2", &p);
    h = gethostbyaddr(&p, sizeof p, AF_INET);
    assert_non_null(h);
    assert_string_equal(h->h_name, "2001:db8::1");
    h = gethostbyname("::ffff:127.0.0.1");
    assert_non_null(h);
    assert_string_equal(ntoa(*(struct in_addr *)h->h_addr, buf), "127.0.0.1");
    /* not a literal: glibc's answer ("Unknown host") */
    h_errno = 0;
    assert_null(gethostbyname("::1::2"));
    assert_int_equal(h_errno, HOST_NOT_FOUND);
    /* IPv6 callers are not touched */
    h = gethostbyname2("::1", AF_INET6);
    assert_non_null(h);
    assert_int_equal(h->h_addrtype, AF_INET6);
}

static void test_getaddrinfo_inet_of_a_literal_even_numerichost_gets_its_pool_address(void **state)
{
    (void)state;
    char buf[INET_ADDRSTRLEN];
    struct addrinfo hints = {.ai_family = AF_INET,
                             .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_NUMERICHOST | AI_CANONNAME};
    struct addrinfo *res = NULL;
    assert_int_equal(getaddrinfo("[::1]", "80", &hints, &res), 0);
    assert_non_null(res);
    assert_int_equal(res->ai_family, AF_INET);
    const struct sockaddr_in *sin = (const void *)res->ai_addr;
    assert_string_equal(ntoa(sin->sin_addr, buf), "198.18.0.1");
    assert_int_equal(ntohs(sin->sin_port), 80);
    assert_string_equal(res->ai_canonname, "::1");
    assert_null(res->ai_next);
    freeaddrinfo(res);
    /* AF_UNSPEC: glibc's own IPv6 answer */
    hints.ai_family = AF_UNSPEC;
    hints.ai_flags = AI_NUMERICHOST;
    assert_int_equal(getaddrinfo("::1", "80", &hints, &res), 0);
    assert_int_equal(res->ai_family, AF_INET6);
    freeaddrinfo(res);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_form_of_loopback_gets_the_same_first_pool_address),
        cmocka_unit_test(test_other_literals_get_their_own_pool_addresses),
        cmocka_unit_test(test_ipv4_mapped_literal_gives_the_ipv4_address_itself),
        cmocka_unit_test(test_ipv4_forms_and_non_literals_get_glibcs_own_answers),
        cmocka_unit_test(test_gethostbyname_of_a_literal_answers_with_its_pool_address),
        cmocka_unit_test(test_getaddrinfo_inet_of_a_literal_even_numerichost_gets_its_pool_address),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
/* NOLINTEND(v6-*) */
