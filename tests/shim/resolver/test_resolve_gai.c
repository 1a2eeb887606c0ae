/*
 * Tests of shim/resolve linked directly (no preload of the shim): lookups by
 * address (gethostbyaddr), getaddrinfo(AF_INET) and getnameinfo on pool
 * addresses, against glibc + libnss-wrapper (preloaded, names from
 * tests/data/resolver-hosts) in a private network namespace. The plain libc
 * calls are "without the shim"; resolve_* are "with it". Lookups by name:
 * test_resolve.c.
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

static void test_gethostbyaddr_on_pool_address_answers_with_the_name(void **state)
{
    V6TEST_REQUIRE_IPV6();
    struct resolve_answer a;
    assert_int_equal(resolve_lookup("v6only.v6kit.test", &a), 0);
    struct hostent he, *res = NULL;
    char buf[512];
    int herr = 99;
    assert_int_equal(
        resolve_gethostbyaddr_r(&a.pool, 4, AF_INET, &he, buf, sizeof buf, &res, &herr), 0);
    assert_ptr_equal(res, &he);
    assert_int_equal(herr, NETDB_SUCCESS);
    assert_string_equal(he.h_name, "v6only.v6kit.test");
    assert_memory_equal(he.h_addr_list[0], &a.pool, 4);
    assert_null(he.h_addr_list[1]);
    assert_inside(&he, buf, sizeof buf);
    /* too small */
    assert_int_equal(resolve_gethostbyaddr_r(&a.pool, 4, AF_INET, &he, buf, 8, &res, &herr),
                     ERANGE);
    assert_null(res);
    assert_int_equal(herr, NETDB_INTERNAL);
    /* a pool address nobody has */
    struct in_addr none = ip4("198.18.0.200");
    assert_int_equal(resolve_gethostbyaddr_r(&none, 4, AF_INET, &he, buf, sizeof buf, &res, &herr),
                     0);
    assert_null(res);
    assert_int_equal(herr, HOST_NOT_FOUND);
    /* non-TLS form */
    struct hostent *h = resolve_gethostbyaddr(&a.pool, 4, AF_INET);
    assert_non_null(h);
    assert_string_equal(h->h_name, "v6only.v6kit.test");
}

static void test_gethostbyaddr_on_a_learnt_peer_gives_its_reverse_name(void **state)
{
    V6TEST_REQUIRE_IPV6();
    struct in_addr p;
    assert_int_equal(pool_map_peer(&in6addr_loopback, 0, 60, false, &p), 0);
    struct hostent *h = resolve_gethostbyaddr(&p, 4, AF_INET);
    assert_non_null(h);
    assert_string_equal(h->h_name, "v6only.v6kit.test"); /* first ::1 line of the hosts file */
}

static void test_gethostbyaddr_outside_the_pool_is_libc(void **state)
{
    struct in_addr lo = ip4("127.0.0.1");
    struct hostent he1, he2, *r1 = NULL, *r2 = NULL;
    char b1[1024], b2[1024];
    int h1 = 5, h2 = 5;
    int rc1 = resolve_gethostbyaddr_r(&lo, 4, AF_INET, &he1, b1, sizeof b1, &r1, &h1);
    int rc2 = gethostbyaddr_r(&lo, 4, AF_INET, &he2, b2, sizeof b2, &r2, &h2);
    assert_int_equal(rc1, rc2);
    assert_int_equal(h1, h2);
    assert_non_null(r1);
    assert_non_null(r2);
    assert_same_hostent(r1, r2);
}

/* The two lists are equal node by node. */
static void assert_same_ai(const struct addrinfo *a, const struct addrinfo *b)
{
    for (; a && b; a = a->ai_next, b = b->ai_next) {
        assert_int_equal(a->ai_flags, b->ai_flags);
        assert_int_equal(a->ai_family, b->ai_family);
        assert_int_equal(a->ai_socktype, b->ai_socktype);
        assert_int_equal(a->ai_protocol, b->ai_protocol);
        assert_int_equal(a->ai_addrlen, b->ai_addrlen);
        assert_memory_equal(a->ai_addr, b->ai_addr, a->ai_addrlen);
        assert_int_equal(a->ai_canonname == NULL, b->ai_canonname == NULL);
        if (a->ai_canonname)
            assert_string_equal(a->ai_canonname, b->ai_canonname);
    }
    assert_null(a);
    assert_null(b);
}

static void test_getaddrinfo_inet_gives_pool_address_with_libcs_socktypes(void **state)
{
    V6TEST_REQUIRE_IPV6();
    struct addrinfo hints = {.ai_family = AF_INET, .ai_flags = AI_CANONNAME}, *res = NULL;
    assert_int_equal(resolve_getaddrinfo("v6only.v6kit.test", "80", &hints, &res), 0);
    /* libc's answer for a numeric address with the same service and hints */
    struct addrinfo nh = {.ai_family = AF_INET, .ai_flags = AI_NUMERICHOST}, *ref = NULL;
    assert_int_equal(getaddrinfo("198.18.0.1", "80", &nh, &ref), 0);
    const struct addrinfo *a = res, *b = ref;
    for (; a && b; a = a->ai_next, b = b->ai_next) {
        assert_int_equal(a->ai_family, AF_INET);
        assert_int_equal(a->ai_flags, AI_CANONNAME);
        assert_int_equal(a->ai_socktype, b->ai_socktype);
        assert_int_equal(a->ai_protocol, b->ai_protocol);
        assert_int_equal(a->ai_addrlen, sizeof(struct sockaddr_in));
        assert_memory_equal(a->ai_addr, b->ai_addr, sizeof(struct sockaddr_in));
    }
    assert_null(a);
    assert_null(b);
    assert_string_equal(res->ai_canonname, "v6only.v6kit.test");
    assert_null(res->ai_next->ai_canonname);
    freeaddrinfo(ref);
    resolve_freeaddrinfo(res);
}

static void test_getaddrinfo_inet_orders_pool_before_ipv4(void **state)
{
    V6TEST_REQUIRE_IPV6();
    struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *res = NULL;
    assert_int_equal(resolve_getaddrinfo("dualrev.v6kit.test", "7", &hints, &res), 0);
    char a[INET_ADDRSTRLEN];
    const struct sockaddr_in *s = (const void *)res->ai_addr;
    assert_string_equal(ntoa(&s->sin_addr, a), "198.18.0.1");
    assert_int_equal(ntohs(s->sin_port), 7);
    s = (const void *)res->ai_next->ai_addr;
    assert_string_equal(ntoa(&s->sin_addr, a), "127.0.0.1");
    assert_null(res->ai_next->ai_next);
    assert_null(res->ai_canonname);
    resolve_freeaddrinfo(res);
}


static void test_getaddrinfo_inet_with_addrconfig_still_answers(void **state)
{
    V6TEST_REQUIRE_IPV6();
    /* the namespace has only loopback: no IPv4 address "configured" */
    struct addrinfo hints = {.ai_family = AF_INET,
                             .ai_flags = AI_ADDRCONFIG,
                             .ai_socktype = SOCK_STREAM},
                    *res = NULL;
    assert_int_equal(resolve_getaddrinfo("v6only.v6kit.test", "80", &hints, &res), 0);
    char a[INET_ADDRSTRLEN];
    const struct sockaddr_in *s = (const void *)res->ai_addr;
    assert_string_equal(ntoa(&s->sin_addr, a), "198.18.0.1");
    assert_int_equal(res->ai_flags, AI_ADDRCONFIG);
    resolve_freeaddrinfo(res);
}

static void test_getaddrinfo_passes_through_what_is_not_ours(void **state)
{
    struct {
        const char *node, *service;
        int family, flags;
    } cases[] = {
        {"v4only.v6kit.test", "80", AF_INET, AI_CANONNAME}, /* no IPv6 answer */
        {"v6only.v6kit.test", "80", AF_UNSPEC, 0},          /* not AF_INET */
        {"v6only.v6kit.test", "80", AF_INET6, 0},
        {"127.0.0.1", "80", AF_INET, 0},   /* literal */
        {NULL, "80", AF_INET, AI_PASSIVE}, /* no node */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct addrinfo hints = {
            .ai_family = cases[i].family, .ai_flags = cases[i].flags, .ai_socktype = SOCK_STREAM};
        struct addrinfo *r1 = NULL, *r2 = NULL;
        int rc1 = resolve_getaddrinfo(cases[i].node, cases[i].service, &hints, &r1);
        int rc2 = getaddrinfo(cases[i].node, cases[i].service, &hints, &r2);
        assert_int_equal(rc1, rc2);
        assert_int_equal(rc1, 0);
        assert_same_ai(r1, r2);
        resolve_freeaddrinfo(r1); /* libc's list: handed to the real freeaddrinfo */
        freeaddrinfo(r2);
    }
}


/* Every combination of service, socket type and flags: names without IPv6
 * answers give exactly libc's list or error; an IPv6-only name gives what
 * libc gives for the numeric pool address with the same service and hints
 * (plus the canonical name when asked). */
static void test_getaddrinfo_inet_matches_libc_for_every_hint_combination(void **state)
{
    V6TEST_REQUIRE_IPV6();
    static const char *const names[] = {"v4only.v6kit.test", "alias.v6kit.test", "127.0.0.1",
                                        "nosuch.v6kit.test"};
    static const char *const services[] = {NULL, "80", "http", "no-such-service"};
    static const int socktypes[] = {0, SOCK_STREAM, SOCK_DGRAM};
    static const int flagbits[] = {AI_CANONNAME, AI_PASSIVE, AI_NUMERICSERV, AI_ADDRCONFIG};
    size_t compared = 0;
    for (size_t s = 0; s < 4; s++) {
        for (size_t t = 0; t < 3; t++) {
            for (int f = 0; f < 16; f++) {
                int flags = 0;
                for (int b = 0; b < 4; b++)
                    if (f & (1 << b))
                        flags |= flagbits[b];
                struct addrinfo hints = {
                    .ai_family = AF_INET, .ai_socktype = socktypes[t], .ai_flags = flags};
                for (size_t n = 0; n < 4; n++) {
                    struct addrinfo *r1 = NULL, *r2 = NULL;
                    int rc1 = resolve_getaddrinfo(names[n], services[s], &hints, &r1);
                    int rc2 = getaddrinfo(names[n], services[s], &hints, &r2);
                    assert_int_equal(rc1, rc2);
                    if (rc1 == 0)
                        assert_same_ai(r1, r2);
                    resolve_freeaddrinfo(r1);
                    if (r2)
                        freeaddrinfo(r2);
                    compared++;
                }
                /* the IPv6-only name against libc's numeric answer */
                struct addrinfo *r1 = NULL, *r2 = NULL;
                struct addrinfo nh = hints;
                nh.ai_flags = (flags & ~(AI_CANONNAME | AI_ADDRCONFIG)) | AI_NUMERICHOST;
                int rc1 = resolve_getaddrinfo("v6only.v6kit.test", services[s], &hints, &r1);
                int rc2 = getaddrinfo("198.18.0.1", services[s], &nh, &r2);
                assert_int_equal(rc1, rc2);
                const struct addrinfo *a = r1, *b = r2;
                for (; a && b; a = a->ai_next, b = b->ai_next) {
                    assert_int_equal(a->ai_flags, flags);
                    assert_int_equal(a->ai_socktype, b->ai_socktype);
                    assert_int_equal(a->ai_protocol, b->ai_protocol);
                    assert_memory_equal(a->ai_addr, b->ai_addr, sizeof(struct sockaddr_in));
                }
                assert_true(!a && !b);
                if (rc1 == 0 && (flags & AI_CANONNAME))
                    assert_string_equal(r1->ai_canonname, "v6only.v6kit.test");
                resolve_freeaddrinfo(r1);
                if (r2)
                    freeaddrinfo(r2);
            }
        }
    }
    assert_int_equal(compared, 4 * 3 * 16 * 4);
}

static void test_getaddrinfo_errors_are_libcs(void **state)
{
    V6TEST_REQUIRE_IPV6();
    struct addrinfo hints = {.ai_family = AF_INET}, *res = NULL;
    assert_int_equal(resolve_getaddrinfo("v6only.v6kit.test", "no-such-service", &hints, &res),
                     getaddrinfo("127.0.0.1", "no-such-service", &hints, &res));
    assert_int_equal(resolve_getaddrinfo("nosuch.v6kit.test", "80", &hints, &res),
                     getaddrinfo("nosuch.v6kit.test", "80", &hints, &res));
}

static void test_getnameinfo_on_pool_address_gives_the_name(void **state)
{
    V6TEST_REQUIRE_IPV6();
    struct resolve_answer a;
    assert_int_equal(resolve_lookup("v6only.v6kit.test", &a), 0);
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(80), .sin_addr = a.pool};
    char host[NI_MAXHOST], serv[32];
    assert_int_equal(resolve_getnameinfo((struct sockaddr *)&sin, sizeof sin, host, sizeof host,
                                         serv, sizeof serv, NI_NUMERICSERV),
                     0);
    assert_string_equal(host, "v6only.v6kit.test");
    assert_string_equal(serv, "80");
    assert_int_equal(resolve_getnameinfo((struct sockaddr *)&sin, sizeof sin, host, 17, NULL, 0, 0),
                     EAI_OVERFLOW);
    assert_int_equal(resolve_getnameinfo((struct sockaddr *)&sin, sizeof sin, host, 18, NULL, 0, 0),
                     0);
    assert_int_equal(resolve_getnameinfo((struct sockaddr *)&sin, sizeof sin, host, sizeof host,
                                         NULL, 0, NI_NUMERICHOST),
                     0);
    assert_string_equal(host, "198.18.0.1");
}

static void test_getnameinfo_on_learnt_peer_and_unknown_pool_address(void **state)
{
    V6TEST_REQUIRE_IPV6();
    struct in_addr p;
    assert_int_equal(pool_map_peer(&in6addr_loopback, 0, 60, false, &p), 0);
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr = p};
    char host[NI_MAXHOST];
    assert_int_equal(resolve_getnameinfo((struct sockaddr *)&sin, sizeof sin, host, sizeof host,
                                         NULL, 0, NI_NAMEREQD),
                     0);
    assert_string_equal(host, "v6only.v6kit.test");
    /* unmapped pool address: libc's answer (numeric, or EAI_NONAME when required) */
    sin.sin_addr = ip4("198.18.0.250");
    char h2[NI_MAXHOST];
    assert_int_equal(
        resolve_getnameinfo((struct sockaddr *)&sin, sizeof sin, host, sizeof host, NULL, 0, 0),
        getnameinfo((struct sockaddr *)&sin, sizeof sin, h2, sizeof h2, NULL, 0, 0));
    assert_string_equal(host, h2);
    assert_int_equal(resolve_getnameinfo((struct sockaddr *)&sin, sizeof sin, host, sizeof host,
                                         NULL, 0, NI_NAMEREQD),
                     EAI_NONAME);
}


int main(void)
{
#define T(f) cmocka_unit_test_setup(f, setup)
    const struct CMUnitTest tests[] = {
        T(test_gethostbyaddr_on_pool_address_answers_with_the_name),
        T(test_gethostbyaddr_on_a_learnt_peer_gives_its_reverse_name),
        T(test_gethostbyaddr_outside_the_pool_is_libc),
        T(test_getaddrinfo_inet_gives_pool_address_with_libcs_socktypes),
        T(test_getaddrinfo_inet_orders_pool_before_ipv4),
        T(test_getaddrinfo_inet_with_addrconfig_still_answers),
        T(test_getaddrinfo_passes_through_what_is_not_ours),
        T(test_getaddrinfo_errors_are_libcs),
        T(test_getaddrinfo_inet_matches_libc_for_every_hint_combination),
        T(test_getnameinfo_on_pool_address_gives_the_name),
        T(test_getnameinfo_on_learnt_peer_and_unknown_pool_address),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
/* NOLINTEND(v6-*) */
