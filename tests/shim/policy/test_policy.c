/* Tests of the RFC 6724 destination sort (shim/policy.c) with injected
 * source addresses: every rule, the published examples, presets compared,
 * many threads on one table. No network. The tables themselves:
 * test_policy_table.c. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "policy.h"
#include "policy_test_addr.h"

/* One ordering case: FIRST must sort before SECOND, decided by RULE. */
struct pair_case {
    const char *what;
    const char *first, *first_src;
    unsigned first_flags;
    const char *second, *second_src;
    unsigned second_flags;
    int rule;
};

/* Check a case both ways round: compare() both directions, and a sort of
 * the list given in the wrong order. */
static void check_pair(const struct policy_table *t, const struct pair_case *pc)
{
    struct policy_cand a = cand(pc->first, pc->first_src, pc->first_flags, 0, 1);
    struct policy_cand b = cand(pc->second, pc->second_src, pc->second_flags, 0, 0);
    int rule = -1;
    char b1[64], b2[64];
    print_message("  %s: %s before %s by %s\n", pc->what, pc->first, pc->second,
                  policy_rule_name(pc->rule));
    assert_true(policy_compare(t, &a, &b, &rule) < 0);
    assert_int_equal(rule, pc->rule);
    rule = -1;
    assert_true(policy_compare(t, &b, &a, &rule) > 0);
    assert_int_equal(rule, pc->rule);
    struct policy_cand list[2] = {b, a}; /* wrong order: index 0 is SECOND */
    policy_sort(t, list, 2);
    assert_string_equal(addr_text(&list[0].dst.sin6_addr, b1, sizeof(b1)),
                        addr_text(&a.dst.sin6_addr, b2, sizeof(b2)));
    assert_string_equal(addr_text(&list[1].dst.sin6_addr, b1, sizeof(b1)),
                        addr_text(&b.dst.sin6_addr, b2, sizeof(b2)));
}

#define DEPR POLICY_SRC_DEPRECATED
#define HOME POLICY_SRC_HOME

/* RFC 6724 §10.2, all nine destination address selection examples, with
 * the source address the RFC's example selects for each destination. */
static const struct pair_case rfc6724_examples[] = {
    {"10.2 #1", "2001:db8:1::1", "2001:db8:1::2", 0, "198.51.100.121", "169.254.13.78", 0, 2},
    {"10.2 #2", "198.51.100.121", "198.51.100.117", 0, "2001:db8:1::1", "fe80::1", 0, 2},
    {"10.2 #3", "2001:db8:1::1", "2001:db8:1::2", 0, "10.1.2.3", "10.1.2.4", 0, 6},
    {"10.2 #4", "fe80::1", "fe80::2", 0, "2001:db8:1::1", "2001:db8:1::2", 0, 8},
    {"10.2 #5", "2001:db8:1::1", "2001:db8:3::1", HOME, "fe80::1", "fe80::2", 0, 4},
    {"10.2 #6", "2001:db8:1::1", "2001:db8:1::2", 0, "fe80::1", "fe80::2", DEPR, 3},
    {"10.2 #7", "2001:db8:1::1", "2001:db8:1::2", 0, "2001:db8:3ffe::1", "2001:db8:3f44::2", 0, 9},
    {"10.2 #8", "2002:c633:6401::1", "2002:c633:6401::2", 0, "2001:db8:1::1", "2002:c633:6401::2",
     0, 5},
    {"10.2 #9", "2001:db8:1::1", "2001:db8:1::2", 0, "2002:c633:6401::1", "2002:c633:6401::2", 0,
     6},
};

static void test_rfc6724_section_10_2_examples_sort_as_the_rfc_says(void **state)
{
    struct policy_table *t = table(POLICY_RFC6724);
    for (size_t i = 0; i < sizeof(rfc6724_examples) / sizeof(rfc6724_examples[0]); i++)
        check_pair(t, &rfc6724_examples[i]);
    policy_table_free(t);
}

/* Special address kinds under the RFC 6724 default table. */
static const struct pair_case rfc6724_kinds[] = {
    {"6to4 below IPv4 (30 < 35)", "198.51.100.1", "198.51.100.2", 0, "2002:c633:6401::1",
     "2002:c633:6401::2", 0, 6},
    {"Teredo below IPv4 (5 < 35)", "198.51.100.1", "198.51.100.2", 0, "2001:0:4136:e378::1",
     "2001:0:4136:e378:8000::2", 0, 6},
    {"native above Teredo (40 > 5)", "2001:db8:1::1", "2001:db8:1::2", 0, "2001:0:4136:e378::1",
     "2001:0:4136:e378:8000::2", 0, 6},
    {"Teredo dst from a native source loses on label", "198.51.100.1", "198.51.100.2", 0,
     "2001:0:4136:e378::1", "2001:db8:1::2", 0, 5},
    {"ULA below IPv4 (3 < 35)", "198.51.100.1", "198.51.100.2", 0, "fd00:1::1", "fd00:1::2", 0, 6},
    {"ULA below private IPv4 too", "10.1.2.3", "10.1.2.4", 0, "fd00:1::1", "fd00:1::2", 0, 6},
    {"global IPv6 above ULA (40 > 3)", "2001:db8:1::1", "2001:db8:1::2", 0, "fd00:1::1",
     "fd00:1::2", 0, 6},
    {"site-local below global (1 < 40)", "2001:db8:1::1", "2001:db8:1::2", 0, "fec0::1", "fec0::2",
     0, 6},
    {"IPv4-compatible below IPv4 (1 < 35)", "198.51.100.1", "198.51.100.2", 0, "::198.51.100.9",
     "::198.51.100.2", 0, 6},
    {"6bone below IPv4", "198.51.100.1", "198.51.100.2", 0, "3ffe::1", "3ffe::2", 0, 6},
    {"::1 before 127.0.0.1 (50 > 35)", "::1", "::1", 0, "127.0.0.1", "127.0.0.1", 0, 6},
    {"::1 before a global IPv6", "::1", "::1", 0, "2001:db8:1::1", "2001:db8:1::2", 0, 6},
    {"127.0.0.1 before a global IPv4 (link scope)", "127.0.0.1", "127.0.0.1", 0, "198.51.100.1",
     "198.51.100.2", 0, 8},
    {"IPv4 link-local before global IPv4", "169.254.1.1", "169.254.1.2", 0, "198.51.100.1",
     "198.51.100.2", 0, 8},
    {"mapped link-local source for a global IPv4 fails rule 2", "198.51.100.1", "198.51.100.2", 0,
     "203.0.113.1", "169.254.1.2", 0, 2},
    {"usable before unusable, whatever the precedence", "198.51.100.1", "198.51.100.2", 0, "::1",
     NULL, 0, 1},
    {"deprecated source loses (IPv4 too)", "198.51.100.1", "198.51.100.2", 0, "198.51.100.7",
     "198.51.100.2", DEPR, 3},
    {"native before encapsulated", "2001:db8:1::1", "2001:db8:1::2", 0, "2001:db8:2::1",
     "2001:db8:2::2", POLICY_SRC_ENCAP, 7},
    {"IPv4 longest matching prefix", "198.51.100.1", "198.51.100.2", 0, "203.0.113.1", "192.0.2.2",
     0, 9},
    {"link-local above site-local (40 > 1)", "fe80::1", "fe80::2", 0, "fec0::1", "fec0::2", 0, 6},
};

static void test_rfc6724_table_orders_special_address_kinds(void **state)
{
    struct policy_table *t = table(POLICY_RFC6724);
    for (size_t i = 0; i < sizeof(rfc6724_kinds) / sizeof(rfc6724_kinds[0]); i++)
        check_pair(t, &rfc6724_kinds[i]);
    policy_table_free(t);
}

/* The same destinations under glibc's RFC 3484 table. */
static const struct pair_case glibc_kinds[] = {
    {"ULA above IPv4 (40 > 10)", "fd00:1::1", "fd00:1::2", 0, "198.51.100.1", "198.51.100.2", 0, 6},
    {"ULA above private IPv4", "fd00:1::1", "fd00:1::2", 0, "10.1.2.3", "10.1.2.4", 0, 6},
    {"6to4 above IPv4 (30 > 10)", "2002:c633:6401::1", "2002:c633:6401::2", 0, "198.51.100.1",
     "198.51.100.2", 0, 6},
    {"Teredo above IPv4 (40 > 10)", "2001:0:4136:e378::1", "2001:0:4136:e378:8000::2", 0,
     "198.51.100.1", "198.51.100.2", 0, 6},
    {"site-local before global (same precedence, smaller scope)", "fec0::1", "fec0::2", 0,
     "2001:db8:1::1", "2001:db8:1::2", 0, 8},
    {"IPv4-compatible above IPv4 (20 > 10)", "::198.51.100.9", "::198.51.100.2", 0, "198.51.100.1",
     "198.51.100.2", 0, 6},
    {"::1 before 127.0.0.1 (50 > 10)", "::1", "::1", 0, "127.0.0.1", "127.0.0.1", 0, 6},
    {"ULA dst from a global source loses on label (6 vs 1)", "2001:db8:1::1", "2001:db8:1::2", 0,
     "fd00:1::1", "2001:db8:1::2", 0, 5},
};

static void test_glibc_table_orders_special_address_kinds(void **state)
{
    struct policy_table *t = table(POLICY_RFC3484_GLIBC);
    for (size_t i = 0; i < sizeof(glibc_kinds) / sizeof(glibc_kinds[0]); i++)
        check_pair(t, &glibc_kinds[i]);
    policy_table_free(t);
}

/* Sort LIST (given in answer order) under PRESET and compare with WANT. */
static void check_sorted(enum policy_preset preset, struct policy_cand *list, size_t n,
                         const char *const *want)
{
    struct policy_table *t = table(preset);
    policy_sort(t, list, n);
    for (size_t i = 0; i < n; i++) {
        char buf[64];
        assert_string_equal(addr_text(&list[i].dst.sin6_addr, buf, sizeof(buf)), want[i]);
    }
    policy_table_free(t);
}

static void test_ula_and_ipv4_swap_places_between_rfc6724_and_glibc(void **state)
{
    const char *const rfc6724[] = {"10.1.2.3", "fd00:1::1"};
    const char *const glibc[] = {"fd00:1::1", "10.1.2.3"};
    enum policy_preset presets[] = {POLICY_RFC6724, POLICY_RFC3484_GLIBC,
                                    POLICY_RFC6724_ULA_UPDATE};
    const char *const *want[] = {rfc6724, glibc, glibc};
    for (size_t p = 0; p < 3; p++) {
        /* Both input orders give the same result. */
        struct policy_cand l1[2] = {cand("fd00:1::1", "fd00:1::2", 0, 64, 0),
                                    cand("10.1.2.3", "10.1.2.4", 0, 24, 1)};
        check_sorted(presets[p], l1, 2, want[p]);
        struct policy_cand l2[2] = {cand("10.1.2.3", "10.1.2.4", 0, 24, 0),
                                    cand("fd00:1::1", "fd00:1::2", 0, 64, 1)};
        check_sorted(presets[p], l2, 2, want[p]);
    }
}

static void test_loopback_answer_of_a_dual_name_sorts_v6_first_in_every_preset(void **state)
{
    const char *const want[] = {"::1", "127.0.0.1"};
    enum policy_preset presets[] = {POLICY_RFC6724, POLICY_RFC3484_GLIBC,
                                    POLICY_RFC6724_ULA_UPDATE};
    for (size_t p = 0; p < 3; p++) {
        struct policy_cand l[2] = {cand("127.0.0.1", "127.0.0.1", 0, 8, 0),
                                   cand("::1", "::1", 0, 128, 1)};
        check_sorted(presets[p], l, 2, want);
    }
}

static void test_ula_update_prefers_ula_over_ipv4_but_not_over_global(void **state)
{
    struct policy_table *t = table(POLICY_RFC6724_ULA_UPDATE);
    static const struct pair_case cases[] = {
        {"ULA above IPv4 (30 > 20)", "fd00:1::1", "fd00:1::2", 0, "198.51.100.1", "198.51.100.2", 0,
         6},
        {"global above ULA (40 > 30)", "2001:db8:1::1", "2001:db8:1::2", 0, "fd00:1::1",
         "fd00:1::2", 0, 6},
        {"IPv4 above 6to4 (20 > 5)", "198.51.100.1", "198.51.100.2", 0, "2002:c633:6401::1",
         "2002:c633:6401::2", 0, 6},
    };
    for (size_t i = 0; i < 3; i++)
        check_pair(t, &cases[i]);
    policy_table_free(t);
}

static void test_known_local_ula_goes_above_global_and_needs_fd00_prefix(void **state)
{
    struct policy_table *t = table(POLICY_RFC6724_ULA_UPDATE);
    struct in6_addr p = addr("fd00:1::");
    assert_int_equal(policy_table_add_known_local(t, &p, 48), 0);
    struct in6_addr a = addr("fd00:1:0:5::9");
    assert_int_equal(policy_precedence(t, &a), 45);
    assert_int_equal(policy_label(t, &a), 14);
    a = addr("fd00:2::9"); /* another ULA: still the general ULA row */
    assert_int_equal(policy_precedence(t, &a), 30);
    assert_int_equal(policy_label(t, &a), 13);
    static const struct pair_case known = {"known-local ULA above global (45 > 40)",
                                           "fd00:1::1",
                                           "fd00:1::2",
                                           0,
                                           "2001:db8:1::1",
                                           "2001:db8:1::2",
                                           0,
                                           6};
    check_pair(t, &known);
    /* A ULA source for a non-local ULA destination: labels differ (14 vs 13). */
    static const struct pair_case other = {"non-local ULA from known-local source loses label",
                                           "2001:db8:1::1",
                                           "2001:db8:1::2",
                                           0,
                                           "fd00:2::1",
                                           "fd00:1::2",
                                           0,
                                           5};
    check_pair(t, &other);

    struct in6_addr bad = addr("fc00:1::");
    assert_int_equal(policy_table_add_known_local(t, &bad, 48), -EINVAL);
    bad = addr("2001:db8::");
    assert_int_equal(policy_table_add_known_local(t, &bad, 48), -EINVAL);
    assert_int_equal(policy_table_add_known_local(t, &p, 7), -EINVAL);
    assert_int_equal(policy_table_add_known_local(t, &p, 129), -EINVAL);
    policy_table_free(t);
}

struct cpl_case {
    const char *s, *d;
    unsigned prefixlen, want;
};

static void test_common_prefix_len_stops_at_the_source_prefix(void **state)
{
    static const struct cpl_case cases[] = {
        {"fe80::1", "fe80::2", 0, 64}, /* RFC 6724 §2.2's example */
        {"2001:db8:3f44::2", "2001:db8:3ffe::1", 0, 40},
        {"2001:db8:1::2", "2001:db8:1::1", 0, 64},
        {"2001:db8:1::2", "2001:db8:1::1", 128, 126},
        {"2001:db8:1::2", "2001:db8:1::1", 48, 48},
        {"10.1.2.4", "10.1.2.7", 0, 126},  /* mapped: 96 + 30 */
        {"10.1.2.4", "10.1.2.7", 24, 120}, /* capped at the /24 */
        {"10.1.2.4", "10.1.2.4", 0, 128},
        {"10.1.2.4", "2001:db8::1", 0, 0}, /* across families: 0 */
        {"2001:db8::1", "10.1.2.4", 0, 0},
        {"8000::", "::", 0, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct in6_addr s = addr(cases[i].s), d = addr(cases[i].d);
        print_message("  %s %s /%u\n", cases[i].s, cases[i].d, cases[i].prefixlen);
        assert_int_equal(policy_common_prefix_len(&s, &d, cases[i].prefixlen), cases[i].want);
    }
}

static void test_equal_candidates_keep_resolver_order_by_rule_10(void **state)
{
    struct policy_table *t = table(POLICY_RFC6724);
    struct policy_cand l[4] = {
        cand("2001:db8:1::4", "2001:db8:1::9", 0, 64, 0),
        cand("2001:db8:1::3", "2001:db8:1::9", 0, 64, 1),
        cand("2001:db8:1::2", "2001:db8:1::9", 0, 64, 2),
        cand("2001:db8:1::1", "2001:db8:1::9", 0, 64, 3),
    };
    int rule = -1;
    assert_true(policy_compare(t, &l[0], &l[1], &rule) < 0);
    assert_int_equal(rule, 10);
    assert_true(policy_compare(t, &l[1], &l[0], &rule) > 0);
    assert_int_equal(rule, 10);
    assert_int_equal(policy_compare(t, &l[2], &l[2], &rule), 0);
    assert_int_equal(rule, 0);
    policy_sort(t, l, 4);
    const char *const want[] = {"2001:db8:1::4", "2001:db8:1::3", "2001:db8:1::2", "2001:db8:1::1"};
    for (size_t i = 0; i < 4; i++) {
        char buf[64];
        assert_string_equal(addr_text(&l[i].dst.sin6_addr, buf, sizeof(buf)), want[i]);
    }
    policy_table_free(t);
}

static void test_mixed_answer_sorts_fully_under_rfc6724(void **state)
{
    /* An answer in resolver order; two destinations have no source. */
    struct policy_cand l[7] = {
        cand("198.51.100.1", "198.51.100.2", 0, 24, 0),
        cand("2001:db8:9::1", NULL, 0, 0, 1),
        cand("fd00:1::1", "fd00:1::2", 0, 64, 2),
        cand("2001:db8:1::1", "2001:db8:1::2", 0, 64, 3),
        cand("127.0.0.1", "127.0.0.1", 0, 8, 4),
        cand("::1", "::1", 0, 128, 5),
        cand("192.0.2.1", NULL, 0, 0, 6),
    };
    const char *const want[] = {"::1",       "2001:db8:1::1", "127.0.0.1", "198.51.100.1",
                                "fd00:1::1", "2001:db8:9::1", "192.0.2.1"};
    check_sorted(POLICY_RFC6724, l, 7, want);
}

static void test_rule_9_is_not_applied_across_families(void **state)
{
    /* One flat precedence and label: only rules 8-10 can decide. */
    struct policy_table *t = table(POLICY_RFC6724);
    struct policy_row flat = {.bits = 0, .value = 40};
    assert_int_equal(policy_table_replace(t, POLICY_COL_PRECEDENCE, &flat, 1), 0);
    flat.value = 1;
    assert_int_equal(policy_table_replace(t, POLICY_COL_LABEL, &flat, 1), 0);
    struct policy_cand v4 = cand("198.51.100.1", "198.51.100.2", 0, 24, 0);
    struct policy_cand v6 = cand("2001:db8:1::1", "2001:db8:1::2", 0, 64, 1);
    int rule = -1;
    assert_true(policy_compare(t, &v4, &v6, &rule) < 0);
    assert_int_equal(rule, 10);
    policy_table_free(t);
}

static void test_long_list_past_the_key_buffer_sorts_the_same_way(void **state)
{
    /* 40 candidates (more than policy_sort keeps keys for on its stack):
     * five kinds repeated, given worst kind first. */
    static const char *const kinds[5][2] = {
        {"fd00:1::1", "fd00:1::2"}, {"10.1.2.3", "10.1.2.4"}, {"2001:db8:1::1", "2001:db8:1::2"},
        {"127.0.0.1", "127.0.0.1"}, {"::1", "::1"},
    };
    struct policy_table *t = table(POLICY_RFC6724);
    for (size_t n = 10; n <= 40; n += 30) {
        struct policy_cand l[40];
        for (size_t i = 0; i < n; i++)
            l[i] = cand(kinds[i * 5 / n][0], kinds[i * 5 / n][1], 0, 0, i);
        policy_sort(t, l, n);
        for (size_t i = 0; i + 1 < n; i++) {
            int rule = 0;
            assert_true(policy_compare(t, &l[i], &l[i + 1], &rule) < 0);
        }
        char buf[64];
        assert_string_equal(addr_text(&l[0].dst.sin6_addr, buf, sizeof(buf)), "::1");
        assert_int_equal(l[0].index, n - n / 5); /* first ::1, resolver order kept */
        assert_string_equal(addr_text(&l[n - 1].dst.sin6_addr, buf, sizeof(buf)), "fd00:1::1");
        assert_int_equal(l[n - 1].index, n / 5 - 1);
    }
    policy_table_free(t);
}

/* Many threads sorting with one shared table: the table is read-only once
 * built (checked under -DV6_SANITIZE=thread). */
#define SORT_THREADS 8
#define SORT_ROUNDS 500

static void *sort_worker(void *arg)
{
    const struct policy_table *t = arg;
    for (int r = 0; r < SORT_ROUNDS; r++) {
        struct policy_cand l[4] = {
            cand("10.1.2.3", "10.1.2.4", 0, 24, 0),
            cand("fd00:1::1", "fd00:1::2", 0, 64, 1),
            cand("127.0.0.1", "127.0.0.1", 0, 8, 2),
            cand("::1", "::1", 0, 128, 3),
        };
        policy_sort(t, l, 4);
        /* ::1, 127.0.0.1, 10.1.2.3 (35), then the ULA (3). */
        if (l[0].index != 3 || l[1].index != 2 || l[2].index != 0 || l[3].index != 1)
            return (void *)1;
    }
    return NULL;
}

static void test_one_table_sorts_in_many_threads_at_once(void **state)
{
    struct policy_table *t = table(POLICY_RFC6724);
    pthread_t th[SORT_THREADS];
    for (int i = 0; i < SORT_THREADS; i++)
        assert_int_equal(pthread_create(&th[i], NULL, sort_worker, t), 0);
    for (int i = 0; i < SORT_THREADS; i++) {
        void *ret = (void *)1;
        assert_int_equal(pthread_join(th[i], &ret), 0);
        assert_null(ret);
    }
    policy_table_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc6724_section_10_2_examples_sort_as_the_rfc_says),
        cmocka_unit_test(test_rfc6724_table_orders_special_address_kinds),
        cmocka_unit_test(test_glibc_table_orders_special_address_kinds),
        cmocka_unit_test(test_ula_and_ipv4_swap_places_between_rfc6724_and_glibc),
        cmocka_unit_test(test_loopback_answer_of_a_dual_name_sorts_v6_first_in_every_preset),
        cmocka_unit_test(test_ula_update_prefers_ula_over_ipv4_but_not_over_global),
        cmocka_unit_test(test_known_local_ula_goes_above_global_and_needs_fd00_prefix),
        cmocka_unit_test(test_common_prefix_len_stops_at_the_source_prefix),
        cmocka_unit_test(test_equal_candidates_keep_resolver_order_by_rule_10),
        cmocka_unit_test(test_mixed_answer_sorts_fully_under_rfc6724),
        cmocka_unit_test(test_rule_9_is_not_applied_across_families),
        cmocka_unit_test(test_one_table_sorts_in_many_threads_at_once),
        cmocka_unit_test(test_long_list_past_the_key_buffer_sorts_the_same_way),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
