/*
 * Tests of the resolver's short-lived memory (shim/resolve_tls.h): a name
 * without IPv6 goes to glibc at once, a sorted answer is reused with its
 * rules, both for their TTL only. Linked directly against glibc +
 * libnss-wrapper (names from tests/data/resolver-hosts), in a private
 * network namespace, on a test clock (no timing).
 */
/* NOLINTBEGIN(v6-*): tests that call the IPv4-only resolver API on purpose (v6scan self-scan). */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netdb.h>
#include <stdint.h>
#include <string.h>

#include "pool.h"
#include "resolve.h"
#include "resolve_tls.h"
#include "v6test.h"

static uint64_t fake_now = 1000000;

static uint64_t fake_clock(void)
{
    return fake_now;
}

static int setup(void **state)
{
    struct resolve_tls *t = resolve_tls_get();
    assert_non_null(t);
    resolve_tls_forget(t);
    resolve_tls_set_clock(fake_clock);
    struct in_addr net = {htonl(POOL_DEFAULT_NET)};
    return pool_setup(net, POOL_DEFAULT_PREFIX, 64);
}

static int teardown(void **state)
{
    resolve_tls_set_clock(NULL);
    return 0;
}

static void test_name_without_ipv6_is_remembered_for_its_ttl(void **state)
{
    struct resolve_tls *t = resolve_tls_get();
    struct hostent he, *r = NULL;
    char buf[1024];
    int herr;
    assert_false(resolve_tls_v4only(t, "v4only.v6kit.test"));
    assert_int_equal(resolve_gethostbyname_r("v4only.v6kit.test", &he, buf, sizeof buf, &r, &herr),
                     0);
    assert_non_null(r);
    assert_true(resolve_tls_v4only(t, "v4only.v6kit.test"));
    assert_true(resolve_tls_v4only(t, "V4ONLY.v6kit.TEST")); /* names are case-blind */
    assert_false(resolve_tls_v4only(t, "dual.v6kit.test"));
    /* remembered: glibc's own answer, through its own call */
    r = NULL;
    assert_int_equal(resolve_gethostbyname_r("v4only.v6kit.test", &he, buf, sizeof buf, &r, &herr),
                     0);
    assert_non_null(r);
    char a[INET_ADDRSTRLEN];
    assert_string_equal(inet_ntop(AF_INET, r->h_addr_list[0], a, sizeof a), "127.0.0.1");
    fake_now += RESOLVE_TLS_V4ONLY_TTL_MS - 1;
    assert_true(resolve_tls_v4only(t, "v4only.v6kit.test"));
    fake_now += 1;
    assert_false(resolve_tls_v4only(t, "v4only.v6kit.test"));
}

static void test_name_with_ipv6_is_never_remembered_as_without(void **state)
{
    V6TEST_REQUIRE_IPV6();
    struct resolve_tls *t = resolve_tls_get();
    struct hostent he, *r = NULL;
    char buf[1024];
    int herr;
    assert_int_equal(resolve_gethostbyname_r("dual.v6kit.test", &he, buf, sizeof buf, &r, &herr),
                     0);
    assert_false(resolve_tls_v4only(t, "dual.v6kit.test"));
    struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *ai = NULL;
    assert_int_equal(resolve_getaddrinfo("v6only.v6kit.test", "80", &hints, &ai), 0);
    resolve_freeaddrinfo(ai);
    assert_false(resolve_tls_v4only(t, "v6only.v6kit.test"));
    /* getaddrinfo(AF_INET) of a name without IPv6 remembers it too */
    assert_int_equal(resolve_getaddrinfo("v4only.v6kit.test", "80", &hints, &ai), 0);
    freeaddrinfo(ai);
    assert_true(resolve_tls_v4only(t, "v4only.v6kit.test"));
}

static void test_unknown_name_is_not_remembered(void **state)
{
    struct resolve_tls *t = resolve_tls_get();
    struct hostent he, *r = NULL;
    char buf[1024];
    int herr;
    resolve_gethostbyname_r("nosuch.v6kit.test", &he, buf, sizeof buf, &r, &herr);
    assert_null(r);
    assert_false(resolve_tls_v4only(t, "nosuch.v6kit.test"));
}

static void test_sorted_answer_is_reused_with_its_rules_for_the_ttl(void **state)
{
    V6TEST_REQUIRE_IPV6();
    struct resolve_tls *t = resolve_tls_get();
    struct resolve_answer a, b;
    assert_int_equal(resolve_lookup("multi.v6kit.test", &a), 0);
    assert_int_equal(t->order_hits, 0);
    uint64_t probed = t->probes.misses;
    assert_int_equal(probed, 3);
    assert_int_equal(resolve_lookup("multi.v6kit.test", &b), 0);
    assert_int_equal(t->order_hits, 1);
    assert_int_equal(t->probes.misses, probed); /* no probe */
    assert_int_equal(b.n, a.n);
    for (size_t i = 0; i < a.n; i++) {
        assert_memory_equal(&b.cand[i].dst, &a.cand[i].dst, sizeof a.cand[i].dst);
        assert_int_equal(b.cand[i].src_ok, a.cand[i].src_ok);
    }
    assert_int_equal(b.rule[0], 6); /* ::1 before 127.0.0.1 */
    assert_int_equal(b.rule[1], 1); /* 127.0.0.1 before the unreachable 2001:db8::1 */
    /* at the TTL: probed and sorted again */
    fake_now += PROBE_CACHE_TTL_MS;
    assert_int_equal(resolve_lookup("multi.v6kit.test", &b), 0);
    assert_int_equal(t->order_hits, 1);             /* sorted again ... */
    assert_int_equal(t->probes.misses, probed + 3); /* ... on fresh probes */
    assert_int_equal(b.rule[0], 6);
}

static void test_answer_in_another_order_is_sorted_on_its_own(void **state)
{
    V6TEST_REQUIRE_IPV6();
    struct resolve_tls *t = resolve_tls_get();
    struct resolve_answer a, b;
    char x[INET6_ADDRSTRLEN], y[INET6_ADDRSTRLEN];
    assert_int_equal(resolve_lookup("dual.v6kit.test", &a), 0);    /* ::1, 127.0.0.1 */
    assert_int_equal(resolve_lookup("dualrev.v6kit.test", &b), 0); /* 127.0.0.1, ::1 */
    assert_int_equal(t->order_hits, 0);
    assert_int_equal(t->probes.hits, 2); /* the sources were known */
    assert_string_equal(inet_ntop(AF_INET6, &b.cand[0].dst.sin6_addr, x, sizeof x), "::1");
    assert_int_equal(b.cand[0].index, 1); /* its own answer's positions */
    assert_int_equal(a.cand[0].index, 0);
    assert_string_equal(inet_ntop(AF_INET6, &a.cand[0].dst.sin6_addr, y, sizeof y), "::1");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_name_without_ipv6_is_remembered_for_its_ttl),
        T(test_name_with_ipv6_is_never_remembered_as_without),
        T(test_unknown_name_is_not_remembered),
        T(test_sorted_answer_is_reused_with_its_rules_for_the_ttl),
        T(test_answer_in_another_order_is_sorted_on_its_own),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
/* NOLINTEND(v6-*) */
