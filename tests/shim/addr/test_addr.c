/* Tests of shim/addr: mapped make/unmap, lengths, pool view -> sockaddrs,
 * and the destination a socket of each family takes. Table-driven, on
 * documentation addresses (192.0.2.0/24, 2001:db8::/32). */
/* NOLINTBEGIN(v6-*): tests of the IPv4 <-> IPv6 conversions (v6scan self-scan). */
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

#include "addr.h"

static struct in_addr v4(const char *s)
{
    struct in_addr a;
    assert_int_equal(inet_pton(AF_INET, s, &a), 1);
    return a;
}

static struct in6_addr v6(const char *s)
{
    struct in6_addr a;
    assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
    return a;
}

static const char *text(const struct sockaddr_storage *ss, char *buf, size_t len)
{
    char a[INET6_ADDRSTRLEN];
    if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;
        inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof a);
        snprintf(buf, len, "[%s%%%u]:%u", a, s6->sin6_scope_id, ntohs(s6->sin6_port));
    } else {
        const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;
        inet_ntop(AF_INET, &s4->sin_addr, a, sizeof a);
        snprintf(buf, len, "%s:%u", a, ntohs(s4->sin_port));
    }
    return buf;
}

static void test_mapped_and_unmapped_round_trip(void **state)
{
    (void)state;
    static const struct {
        const char *in4, *out6;
    } cases[] = {
        {"192.0.2.1", "::ffff:192.0.2.1"},
        {"192.0.2.255", "::ffff:192.0.2.255"},
        {"0.0.0.0", "::ffff:0.0.0.0"},
        {"255.255.255.255", "::ffff:255.255.255.255"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct in6_addr m;
        memset(&m, 0xaa, sizeof m); /* every byte is written */
        addr_mapped(v4(cases[i].in4), &m);
        struct in6_addr want = v6(cases[i].out6);
        assert_memory_equal(&m, &want, sizeof m);
        struct in_addr back;
        assert_true(addr_unmap(&m, &back));
        assert_int_equal(back.s_addr, v4(cases[i].in4).s_addr);
    }
    static const char *const not_mapped[] = {
        "2001:db8::1", "::1", "::", "::192.0.2.1", "::fffe:192.0.2.1", "64:ff9b::192.0.2.1"};
    for (size_t i = 0; i < sizeof not_mapped / sizeof not_mapped[0]; i++) {
        struct in6_addr a = v6(not_mapped[i]);
        struct in_addr untouched = v4("192.0.2.77");
        assert_false(addr_unmap(&a, &untouched));
        assert_int_equal(untouched.s_addr, v4("192.0.2.77").s_addr);
    }
}

static void test_sin6_mapped_sets_family_port_and_nothing_else(void **state)
{
    (void)state;
    struct sockaddr_in6 s;
    memset(&s, 0xaa, sizeof s);
    addr_sin6_mapped(v4("192.0.2.9"), htons(443), &s);
    assert_int_equal(s.sin6_family, AF_INET6);
    assert_int_equal(ntohs(s.sin6_port), 443);
    assert_int_equal(s.sin6_flowinfo, 0);
    assert_int_equal(s.sin6_scope_id, 0);
    struct in6_addr want = v6("::ffff:192.0.2.9");
    assert_memory_equal(&s.sin6_addr, &want, sizeof want);
}

static void test_len_follows_the_family(void **state)
{
    (void)state;
    struct sockaddr_storage ss = {.ss_family = AF_INET6};
    assert_int_equal(addr_len(&ss), sizeof(struct sockaddr_in6));
    ss.ss_family = AF_INET;
    assert_int_equal(addr_len(&ss), sizeof(struct sockaddr_in));
}

static struct pool_view view_of(const char *const *cands, size_t n)
{
    struct pool_view v;
    memset(&v, 0, sizeof v);
    for (size_t i = 0; i < n; i++) {
        struct pool_cand *c = &v.cand[v.ncand++];
        if (strchr(cands[i], ':')) {
            c->family = AF_INET6;
            char a[64];
            snprintf(a, sizeof a, "%s", cands[i]);
            char *pct = strchr(a, '%');
            if (pct) {
                *pct = '\0';
                c->scope_id = (uint32_t)atoi(pct + 1);
            }
            c->addr.v6 = v6(a);
        } else {
            c->family = AF_INET;
            c->addr.v4 = v4(cands[i]);
        }
    }
    return v;
}

static void test_candidates_and_the_pick_for_each_socket_family(void **state)
{
    (void)state;
    static const struct {
        const char *cands[4];
        size_t n;
        const char *all;  /* addr_candidates at port 80, joined by spaces */
        const char *six;  /* addr_pick(AF_INET6), or "-" for -ENETUNREACH */
        const char *four; /* addr_pick(AF_INET) */
    } cases[] = {
        {{"2001:db8::1", "192.0.2.1"},
         2,
         "[2001:db8::1%0]:80 192.0.2.1:80",
         "[2001:db8::1%0]:80",
         "192.0.2.1:80"},
        {{"192.0.2.1", "2001:db8::1"},
         2,
         "192.0.2.1:80 [2001:db8::1%0]:80",
         "[2001:db8::1%0]:80",
         "192.0.2.1:80"},
        {{"192.0.2.1", "192.0.2.2"},
         2,
         "192.0.2.1:80 192.0.2.2:80",
         "[::ffff:192.0.2.1%0]:80",
         "192.0.2.1:80"},
        {{"2001:db8::1", "2001:db8::2"},
         2,
         "[2001:db8::1%0]:80 [2001:db8::2%0]:80",
         "[2001:db8::1%0]:80",
         "-"},
        {{"fe80::1%3"}, 1, "[fe80::1%3]:80", "[fe80::1%3]:80", "-"},
        {{0}, 0, "", "-", "-"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct pool_view v = view_of(cases[i].cands, cases[i].n);
        struct sockaddr_storage dst[POOL_MAX_CAND], out;
        size_t n = addr_candidates(&v, htons(80), dst, POOL_MAX_CAND);
        assert_int_equal(n, cases[i].n);
        char all[256] = "", one[80];
        for (size_t k = 0; k < n; k++) {
            if (k)
                strcat(all, " ");
            strcat(all, text(&dst[k], one, sizeof one));
        }
        assert_string_equal(all, cases[i].all);
        int rc = addr_pick(dst, n, AF_INET6, &out);
        assert_string_equal(rc == 0 ? text(&out, one, sizeof one) : "-", cases[i].six);
        assert_true(rc == 0 || rc == -ENETUNREACH);
        rc = addr_pick(dst, n, AF_INET, &out);
        assert_string_equal(rc == 0 ? text(&out, one, sizeof one) : "-", cases[i].four);
    }
}

static void test_candidates_stop_at_max(void **state)
{
    (void)state;
    static const char *const c[] = {"192.0.2.1", "192.0.2.2", "192.0.2.3"};
    struct pool_view v = view_of(c, 3);
    struct sockaddr_storage dst[2];
    assert_int_equal(addr_candidates(&v, htons(1), dst, 2), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mapped_and_unmapped_round_trip),
        cmocka_unit_test(test_sin6_mapped_sets_family_port_and_nothing_else),
        cmocka_unit_test(test_len_follows_the_family),
        cmocka_unit_test(test_candidates_and_the_pick_for_each_socket_family),
        cmocka_unit_test(test_candidates_stop_at_max),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
/* NOLINTEND(v6-*) */
