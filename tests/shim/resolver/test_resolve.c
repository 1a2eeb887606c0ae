/*
 * Tests of shim/resolve linked directly (no preload of the shim): lookups by
 * name (gethostbyname and _r, the pool addresses IPv6 answers get, their
 * order, hostent building, h_errno), against glibc + libnss-wrapper
 * (preloaded, names from tests/data/resolver-hosts) in a private network
 * namespace. The plain libc calls in this file are "without the shim";
 * resolve_* are "with it". By address and getaddrinfo/getnameinfo:
 * test_resolve_gai.c.
 */
/* NOLINTBEGIN(v6-*): tests that call the IPv4-only resolver API on purpose (v6scan self-scan). */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "hostent.h"
#include "pool.h"
#include "resolve.h"
#include "v6test.h"
#include "resolve_test_util.h"

static void test_ipv6_only_name_gets_the_first_pool_address(void **state)
{
    V6TEST_REQUIRE_IPV6();
    struct resolve_answer a;
    char buf[INET6_ADDRSTRLEN];
    assert_int_equal(resolve_lookup("v6only.v6kit.test", &a), 0);
    assert_string_equal(a.name, "v6only.v6kit.test");
    assert_int_equal(a.n, 1);
    assert_string_equal(cand_ntop(&a.cand[0], buf), "::1");
    assert_true(a.has_v6);
    assert_true(a.pool_ok);
    assert_int_equal(a.naddr, 1);
    assert_string_equal(ntoa(&a.addr[0], buf), "198.18.0.1");
    struct pool_view v;
    assert_int_equal(pool_lookup(a.pool, &v), 0);
    assert_string_equal(v.name, "v6only.v6kit.test");
    assert_int_equal(v.ncand, 1);
    assert_int_equal(v.cand[0].family, AF_INET6);
    assert_true(IN6_IS_ADDR_LOOPBACK(&v.cand[0].addr.v6));
}

static void test_ipv6_loopback_sorts_before_ipv4_loopback_by_precedence(void **state)
{
    V6TEST_REQUIRE_IPV6();
    /* the hosts file lists 127.0.0.1 first: the order below is the sort's */
    struct resolve_answer a;
    char buf[INET6_ADDRSTRLEN];
    assert_int_equal(resolve_lookup("dualrev.v6kit.test", &a), 0);
    assert_int_equal(a.n, 2);
    assert_string_equal(cand_ntop(&a.cand[0], buf), "::1");
    assert_string_equal(cand_ntop(&a.cand[1], buf), "127.0.0.1");
    assert_int_equal(a.rule[0], 6);
    assert_int_equal(a.naddr, 2);
    assert_string_equal(ntoa(&a.addr[0], buf), "198.18.0.1");
    assert_string_equal(ntoa(&a.addr[1], buf), "127.0.0.1");
    /* the pool entry keeps both families, in order, for the socket layer */
    struct pool_view v;
    assert_int_equal(pool_lookup(a.pool, &v), 0);
    assert_int_equal(v.ncand, 2);
    assert_int_equal(v.cand[0].family, AF_INET6);
    assert_int_equal(v.cand[1].family, AF_INET);
    assert_int_equal(v.cand[1].addr.v4.s_addr, ip4("127.0.0.1").s_addr);
}

static void test_unreachable_ipv6_sorts_last_and_shares_the_pool_address(void **state)
{
    V6TEST_REQUIRE_IPV6();
    /* hosts order: 2001:db8::1 (no route in the namespace), 127.0.0.1, ::1 */
    struct resolve_answer a;
    char buf[INET6_ADDRSTRLEN];
    assert_int_equal(resolve_lookup("multi.v6kit.test", &a), 0);
    assert_int_equal(a.n, 3);
    assert_string_equal(cand_ntop(&a.cand[0], buf), "::1");
    assert_string_equal(cand_ntop(&a.cand[1], buf), "127.0.0.1");
    assert_string_equal(cand_ntop(&a.cand[2], buf), "2001:db8::1");
    assert_int_equal(a.rule[0], 6);
    assert_int_equal(a.rule[1], 1);
    assert_int_equal(a.naddr, 2); /* one pool address for both IPv6 answers */
    assert_string_equal(ntoa(&a.addr[0], buf), "198.18.0.1");
    assert_string_equal(ntoa(&a.addr[1], buf), "127.0.0.1");
}

static void test_names_get_pool_addresses_in_lookup_order_case_blind(void **state)
{
    V6TEST_REQUIRE_IPV6();
    struct resolve_answer a;
    char buf[INET_ADDRSTRLEN];
    assert_int_equal(resolve_lookup("t00.v6kit.test", &a), 0);
    assert_string_equal(ntoa(&a.pool, buf), "198.18.0.1");
    assert_int_equal(resolve_lookup("t01.v6kit.test", &a), 0);
    assert_string_equal(ntoa(&a.pool, buf), "198.18.0.2");
    assert_int_equal(resolve_lookup("T00.V6KIT.TEST", &a), 0);
    assert_string_equal(ntoa(&a.pool, buf), "198.18.0.1");
}

static void test_ipv4_only_name_has_no_ipv6_and_no_pool_entry(void **state)
{
    struct resolve_answer a;
    assert_int_equal(resolve_lookup("v4only.v6kit.test", &a), 0);
    assert_false(a.has_v6);
    assert_false(a.pool_ok);
    assert_int_equal(a.naddr, 1);
    assert_int_equal(a.addr[0].s_addr, ip4("127.0.0.1").s_addr);
    struct pool_view v;
    assert_int_equal(pool_lookup(ip4("198.18.0.1"), &v), -ENOENT);
}

static void test_unknown_name_is_eai_noname(void **state)
{
    struct resolve_answer a;
    assert_int_equal(resolve_lookup("nosuch.v6kit.test", &a), EAI_NONAME);
}


static void test_gethostbyname_r_builds_everything_in_the_callers_buffer(void **state)
{
    V6TEST_REQUIRE_IPV6();
    struct hostent he, *res = NULL;
    char buf[512];
    int herr = 12345;
    assert_int_equal(
        resolve_gethostbyname_r("dualrev.v6kit.test", &he, buf, sizeof buf, &res, &herr), 0);
    assert_ptr_equal(res, &he);
    assert_int_equal(herr, NETDB_SUCCESS);
    assert_string_equal(he.h_name, "dualrev.v6kit.test");
    assert_null(he.h_aliases[0]);
    assert_int_equal(he.h_addrtype, AF_INET);
    assert_int_equal(he.h_length, 4);
    char a[INET_ADDRSTRLEN];
    assert_string_equal(ntoa(he.h_addr_list[0], a), "198.18.0.1");
    assert_string_equal(ntoa(he.h_addr_list[1], a), "127.0.0.1");
    assert_null(he.h_addr_list[2]);
    assert_inside(&he, buf, sizeof buf);
}

static void test_gethostbyname_r_too_small_buffer_is_erange(void **state)
{
    V6TEST_REQUIRE_IPV6();
    char buf[256];
    /* the exact size works, one byte less does not */
    size_t need = hostent_size(buf, "v6only.v6kit.test", 1);
    struct hostent he, *res = &he;
    int herr = 0;
    errno = 0;
    assert_int_equal(resolve_gethostbyname_r("v6only.v6kit.test", &he, buf, need - 1, &res, &herr),
                     ERANGE);
    assert_null(res);
    assert_int_equal(herr, NETDB_INTERNAL);
    assert_int_equal(errno, ERANGE);
    assert_int_equal(resolve_gethostbyname_r("v6only.v6kit.test", &he, buf, need, &res, &herr), 0);
    assert_ptr_equal(res, &he);
    assert_inside(&he, buf, need);
}


static void test_gethostbyname_r_every_short_buffer_is_erange(void **state)
{
    V6TEST_REQUIRE_IPV6();
    /* a heap buffer of exactly LEN bytes: ASan/valgrind see any write past it */
    _Alignas(8) char probe[8];
    size_t need = hostent_size(probe, "dualrev.v6kit.test", 2);
    for (size_t len = 0; len <= need; len++) {
        char *buf = malloc(len ? len : 1); /* malloc memory is pointer-aligned */
        assert_non_null(buf);
        struct hostent he, *res = &he;
        int herr = 0;
        int rc = resolve_gethostbyname_r("dualrev.v6kit.test", &he, buf, len, &res, &herr);
        if (len < need) {
            assert_int_equal(rc, ERANGE);
            assert_null(res);
            assert_int_equal(herr, NETDB_INTERNAL);
        } else {
            assert_int_equal(rc, 0);
            assert_ptr_equal(res, &he);
            assert_inside(&he, buf, len);
            assert_string_equal(he.h_name, "dualrev.v6kit.test");
        }
        free(buf);
    }
}


static void compare_with_libc(const char *name, size_t buflen)
{
    struct hostent he1, he2, *r1 = NULL, *r2 = NULL;
    char b1[4096], b2[4096];
    int h1 = 777, h2 = 777;
    int rc1 = resolve_gethostbyname_r(name, &he1, b1, buflen, &r1, &h1);
    int e1 = errno;
    int rc2 = gethostbyname_r(name, &he2, b2, buflen, &r2, &h2);
    int e2 = errno;
    assert_int_equal(rc1, rc2);
    assert_int_equal(h1, h2);
    assert_int_equal(r1 == NULL, r2 == NULL);
    if (r1)
        assert_same_hostent(r1, r2);
    else
        assert_int_equal(e1, e2);
}

static void test_ipv4_only_names_and_literals_are_identical_to_libc(void **state)
{
    compare_with_libc("v4only.v6kit.test", 4096);
    compare_with_libc("alias.v6kit.test", 4096); /* two addresses, two aliases */
    compare_with_libc("aliastwo", 4096);         /* found by its alias */
    compare_with_libc("127.0.0.1", 4096);
    compare_with_libc("127.1", 4096);           /* inet_aton form */
    compare_with_libc("v4only.v6kit.test", 16); /* libc's own ERANGE */
}

static void test_unknown_name_is_host_not_found(void **state)
{
    struct hostent he, *res = &he;
    char buf[1024];
    int herr = 0;
    assert_int_equal(
        resolve_gethostbyname_r("nosuch.v6kit.test", &he, buf, sizeof buf, &res, &herr), 0);
    assert_null(res);
    assert_int_equal(herr, HOST_NOT_FOUND);
    h_errno = 0;
    assert_null(resolve_gethostbyname("nosuch.v6kit.test"));
    assert_int_equal(h_errno, HOST_NOT_FOUND);
}

static void test_full_pool_leaves_ipv6_out_or_fails_with_try_again(void **state)
{
    V6TEST_REQUIRE_IPV6();
    assert_int_equal(pool_setup(ip4("198.18.0.0"), 15, 1), 0);
    struct resolve_answer a;
    assert_int_equal(resolve_lookup("t00.v6kit.test", &a), 0);
    struct in_addr held = a.pool;
    assert_int_equal(pool_pin(held), 0);
    /* a name with an IPv4 answer keeps it */
    assert_int_equal(resolve_lookup("dualrev.v6kit.test", &a), 0);
    assert_false(a.pool_ok);
    assert_int_equal(a.naddr, 1);
    assert_int_equal(a.addr[0].s_addr, ip4("127.0.0.1").s_addr);
    /* an IPv6-only name has nothing left */
    struct hostent he, *res = &he;
    char buf[1024];
    int herr = 0;
    assert_int_equal(resolve_gethostbyname_r("t01.v6kit.test", &he, buf, sizeof buf, &res, &herr),
                     EAGAIN);
    assert_null(res);
    assert_int_equal(herr, TRY_AGAIN);
    h_errno = 0;
    assert_null(resolve_gethostbyname("t01.v6kit.test"));
    assert_int_equal(h_errno, TRY_AGAIN);
    /* getaddrinfo(AF_INET) says "try again" too, not libc's permanent
     * EAI_ADDRFAMILY for a name without IPv4 answers. */
    struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *ai = NULL;
    assert_int_equal(resolve_getaddrinfo("t01.v6kit.test", "80", &hints, &ai), EAI_AGAIN);
    assert_null(ai);
    /* Unpinned but used just now: still live, still refused. */
    assert_int_equal(pool_unpin(held), 0);
    assert_int_equal(resolve_getaddrinfo("t01.v6kit.test", "80", &hints, &ai), EAI_AGAIN);
}

static void test_over_long_name_passes_through_uncut(void **state)
{
    /* Two names that agree on their first 1,024 bytes must never share a
     * pool entry: longer names get none and go to libc as they are. */
    static char name[POOL_NAME_MAX + 16];
    memset(name, 'a', POOL_NAME_MAX + 8);
    name[POOL_NAME_MAX + 8] = '\0';
    assert_true(resolve_passthrough(name));
    struct resolve_answer a;
    assert_int_equal(resolve_lookup(name, &a), EAI_NONAME);
    name[POOL_NAME_MAX] = '\0';
    assert_false(resolve_passthrough(name));
    assert_true(resolve_passthrough("192.0.2.1"));
    /* an IPv6 literal is answered by the shim (literal.h); text with a ':'
     * that is not one still goes to libc */
    assert_false(resolve_passthrough("2001:db8::1"));
    assert_false(resolve_passthrough("[::1]"));
    assert_true(resolve_passthrough("2001:db8::1::2"));
    assert_true(resolve_passthrough(NULL));
}

static void test_gethostbyname_uses_per_thread_storage(void **state)
{
    V6TEST_REQUIRE_IPV6();
    struct hostent *h1 = resolve_gethostbyname("v6only.v6kit.test");
    assert_non_null(h1);
    char a[INET_ADDRSTRLEN];
    assert_string_equal(ntoa(h1->h_addr_list[0], a), "198.18.0.1");
    struct hostent *h2 = resolve_gethostbyname("v4only.v6kit.test");
    assert_ptr_equal(h1, h2); /* same thread: same storage, as glibc */
    assert_string_equal(ntoa(h2->h_addr_list[0], a), "127.0.0.1");
}


static void test_hostent_is_aligned_in_a_misaligned_buffer(void **state)
{
    _Alignas(8) char raw[300];
    struct in_addr addrs[3] = {ip4("192.0.2.1"), ip4("192.0.2.2"), ip4("192.0.2.3")};
    for (size_t off = 0; off < 8; off++) {
        char *buf = raw + off;
        size_t need = hostent_size(buf, "example.test", 3);
        assert_int_equal(need, ((8 - off) % 8) + 4 * 8 + 1 * 8 + 3 * 4 + 13);
        struct hostent he;
        assert_int_equal(hostent_build(&he, buf, need - 1, "example.test", addrs, 3), -ERANGE);
        assert_int_equal(hostent_build(&he, buf, need, "example.test", addrs, 3), 0);
        assert_int_equal((uintptr_t)he.h_addr_list % _Alignof(char *), 0);
        assert_int_equal((uintptr_t)he.h_aliases % _Alignof(char *), 0);
        assert_string_equal(he.h_name, "example.test");
        for (int i = 0; i < 3; i++)
            assert_memory_equal(he.h_addr_list[i], &addrs[i], 4);
        assert_null(he.h_addr_list[3]);
        assert_null(he.h_aliases[0]);
        assert_inside(&he, buf, need);
    }
}


static void test_getaddrinfo_errors_map_to_h_errno_as_glibc(void **state)
{
    static const struct {
        int eai, herr, err;
    } cases[] = {
        {EAI_NONAME, HOST_NOT_FOUND, 0},      {EAI_NODATA, NO_DATA, 0},
        {EAI_ADDRFAMILY, NO_DATA, 0},         {EAI_AGAIN, TRY_AGAIN, EAGAIN},
        {EAI_MEMORY, NETDB_INTERNAL, ENOMEM}, {EAI_FAIL, NO_RECOVERY, EIO},
        {EAI_SERVICE, NO_RECOVERY, EIO},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int err = -1;
        assert_int_equal(resolve_gai_to_herrno(cases[i].eai, &err), cases[i].herr);
        assert_int_equal(err, cases[i].err);
    }
    errno = EMFILE;
    int err = -1;
    assert_int_equal(resolve_gai_to_herrno(EAI_SYSTEM, &err), NETDB_INTERNAL);
    assert_int_equal(err, EMFILE);
}

static void test_literals_are_recognised(void **state)
{
    assert_true(resolve_is_literal("127.0.0.1"));
    assert_true(resolve_is_literal("127.1"));
    assert_true(resolve_is_literal("0x7f.1"));
    assert_true(resolve_is_literal("::1"));
    assert_true(resolve_is_literal("1.2.3.4.5")); /* digits and dots: glibc's numeric path */
    assert_false(resolve_is_literal("v6only.v6kit.test"));
    assert_false(resolve_is_literal("1x.example"));
    assert_false(resolve_is_literal(""));
}


int main(void)
{
#define T(f) cmocka_unit_test_setup(f, setup)
    const struct CMUnitTest tests[] = {
        T(test_ipv6_only_name_gets_the_first_pool_address),
        T(test_ipv6_loopback_sorts_before_ipv4_loopback_by_precedence),
        T(test_unreachable_ipv6_sorts_last_and_shares_the_pool_address),
        T(test_names_get_pool_addresses_in_lookup_order_case_blind),
        T(test_ipv4_only_name_has_no_ipv6_and_no_pool_entry),
        T(test_unknown_name_is_eai_noname),
        T(test_gethostbyname_r_builds_everything_in_the_callers_buffer),
        T(test_gethostbyname_r_too_small_buffer_is_erange),
        T(test_gethostbyname_r_every_short_buffer_is_erange),
        T(test_ipv4_only_names_and_literals_are_identical_to_libc),
        T(test_unknown_name_is_host_not_found),
        T(test_full_pool_leaves_ipv6_out_or_fails_with_try_again),
        T(test_over_long_name_passes_through_uncut),
        T(test_gethostbyname_uses_per_thread_storage),
        T(test_literals_are_recognised),
        T(test_getaddrinfo_errors_map_to_h_errno_as_glibc),
        T(test_hostent_is_aligned_in_a_misaligned_buffer),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
/* NOLINTEND(v6-*) */
