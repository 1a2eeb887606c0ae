/* Tests of the policy tables of shim/policy.c: the preset tables' rows,
 * address attributes and scopes, replacing a table, rule names, cloning.
 * No network. The destination sort: test_policy.c. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "policy.h"
#include "policy_test_addr.h"

static void test_preset_tables_hold_exactly_the_published_rows(void **state)
{
    static const struct row_text rfc_label[] = {
        {"::1", 128, 0},    {"::ffff:0:0", 96, 4}, {"::", 96, 3},
        {"2001::", 32, 5},  {"2002::", 16, 2},     {"3ffe::", 16, 12},
        {"fec0::", 10, 11}, {"fc00::", 7, 13},     {"::", 0, 1},
    };
    static const struct row_text rfc_prec[] = {
        {"::1", 128, 50},  {"::ffff:0:0", 96, 35}, {"::", 96, 1},
        {"2001::", 32, 5}, {"2002::", 16, 30},     {"3ffe::", 16, 1},
        {"fec0::", 10, 1}, {"fc00::", 7, 3},       {"::", 0, 40},
    };
    static const struct row_text update_prec[] = {
        {"::1", 128, 50},  {"::ffff:0:0", 96, 20}, {"::", 96, 1},
        {"2001::", 32, 5}, {"2002::", 16, 5},      {"3ffe::", 16, 1},
        {"fec0::", 10, 1}, {"fc00::", 7, 30},      {"::", 0, 40},
    };
    static const struct row_text glibc_label[] = {
        {"::1", 128, 0},   {"::", 96, 3},     {"::ffff:0:0", 96, 4}, {"2001::", 32, 7},
        {"2002::", 16, 2}, {"fec0::", 10, 5}, {"fc00::", 7, 6},      {"::", 0, 1},
    };
    static const struct row_text glibc_prec[] = {
        {"::1", 128, 50}, {"::", 96, 20}, {"::ffff:0:0", 96, 10}, {"2002::", 16, 30}, {"::", 0, 40},
    };
    static const struct row_text scopev4[] = {
        {"::ffff:169.254.0.0", 112, 2},
        {"::ffff:127.0.0.0", 104, 2},
        {"::ffff:0:0", 96, 14},
    };
    struct policy_table *t = table(POLICY_RFC6724);
    check_column(t, POLICY_COL_LABEL, rfc_label, 9);
    check_column(t, POLICY_COL_PRECEDENCE, rfc_prec, 9);
    check_column(t, POLICY_COL_SCOPEV4, scopev4, 3);
    policy_table_free(t);
    t = table(POLICY_RFC6724_ULA_UPDATE);
    check_column(t, POLICY_COL_LABEL, rfc_label, 9);
    check_column(t, POLICY_COL_PRECEDENCE, update_prec, 9);
    check_column(t, POLICY_COL_SCOPEV4, scopev4, 3);
    policy_table_free(t);
    t = table(POLICY_RFC3484_GLIBC);
    check_column(t, POLICY_COL_LABEL, glibc_label, 8);
    check_column(t, POLICY_COL_PRECEDENCE, glibc_prec, 5);
    check_column(t, POLICY_COL_SCOPEV4, scopev4, 3);
    policy_table_free(t);
}

static void test_unknown_preset_is_einval(void **state)
{
    struct policy_table *t = NULL;
    assert_int_equal(policy_table_new((enum policy_preset)42, &t), -EINVAL);
    assert_null(t);
}

struct attr_case {
    const char *a;
    int label, precedence, scope;
};

static void test_address_attributes_follow_the_rfc6724_table_and_scopes(void **state)
{
    static const struct attr_case cases[] = {
        {"::1", 0, 50, 2},
        {"127.0.0.1", 4, 35, 2},
        {"127.255.1.2", 4, 35, 2},
        {"169.254.13.78", 4, 35, 2},
        {"10.1.2.3", 4, 35, 14},   /* private IPv4 is global scope (§3.2) */
        {"100.64.0.1", 4, 35, 14}, /* shared address space too */
        {"198.51.100.1", 4, 35, 14},
        {"fe80::1", 1, 40, 2},
        {"fec0::1", 11, 1, 5},
        {"fd00::1", 13, 3, 14}, /* ULA is global scope (§3.1) */
        {"fc00::1", 13, 3, 14},
        {"2002:c633:6401::1", 2, 30, 14},
        {"2001:0:4136:e378::1", 5, 5, 14},
        {"2001:db8::1", 1, 40, 14},
        {"::198.51.100.1", 3, 1, 14},
        {"3ffe::1", 12, 1, 14},
        {"ff02::1", 1, 40, 2}, /* multicast: scope from the scop field */
        {"ff05::1:3", 1, 40, 5},
        {"ff0e::1", 1, 40, 14},
        {"ff01::1", 1, 40, 1},
        /* IPv4-mapped literals are IPv4 to every column. */
        {"::ffff:169.254.1.1", 4, 35, 2},
        {"::ffff:127.0.0.1", 4, 35, 2},
        {"::ffff:198.51.100.1", 4, 35, 14},
    };
    struct policy_table *t = table(POLICY_RFC6724);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct in6_addr a = addr(cases[i].a);
        print_message("  %s\n", cases[i].a);
        assert_int_equal(policy_label(t, &a), cases[i].label);
        assert_int_equal(policy_precedence(t, &a), cases[i].precedence);
        assert_int_equal(policy_scope(t, &a), cases[i].scope);
    }
    policy_table_free(t);
}

static void test_glibc_scopes_match_for_ula_site_local_and_ipv4(void **state)
{
    static const struct attr_case cases[] = {
        {"fd00::1", 6, 40, 14},  {"fec0::1", 5, 40, 5},   {"2001:0:4136:e378::1", 7, 40, 14},
        {"127.0.0.1", 4, 10, 2}, {"10.1.2.3", 4, 10, 14}, {"::198.51.100.1", 3, 20, 14},
    };
    struct policy_table *t = table(POLICY_RFC3484_GLIBC);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct in6_addr a = addr(cases[i].a);
        print_message("  %s\n", cases[i].a);
        assert_int_equal(policy_label(t, &a), cases[i].label);
        assert_int_equal(policy_precedence(t, &a), cases[i].precedence);
        assert_int_equal(policy_scope(t, &a), cases[i].scope);
    }
    policy_table_free(t);
}

static void test_replace_appends_catch_all_and_later_duplicate_wins(void **state)
{
    struct policy_table *t = table(POLICY_RFC6724);
    struct policy_row rows[3] = {
        {addr("2001:db8::"), 32, 7},
        {addr("2001:db8:ffff::"), 32, 9}, /* host bits cleared: same prefix, later wins */
        {addr("fd00::"), 8, 60},
    };
    assert_int_equal(policy_table_replace(t, POLICY_COL_PRECEDENCE, rows, 3), 0);
    static const struct row_text want[] = {{"2001:db8::", 32, 9}, {"fd00::", 8, 60}, {"::", 0, 40}};
    check_column(t, POLICY_COL_PRECEDENCE, want, 3);
    struct in6_addr a = addr("::1");
    assert_int_equal(policy_precedence(t, &a), 40); /* the ::1 row went with the table */
    a = addr("127.0.0.1");
    assert_int_equal(policy_precedence(t, &a), 40);

    struct policy_row bad = {addr("10.0.0.0"), 95, 2};
    assert_int_equal(policy_table_replace(t, POLICY_COL_SCOPEV4, &bad, 1), -EINVAL);
    bad.prefix = addr("2001:db8::");
    bad.bits = 112;
    assert_int_equal(policy_table_replace(t, POLICY_COL_SCOPEV4, &bad, 1), -EINVAL);
    bad.bits = 129;
    assert_int_equal(policy_table_replace(t, POLICY_COL_LABEL, &bad, 1), -EINVAL);
    assert_int_equal(policy_table_replace(t, POLICY_COL_LABEL, rows, 0), -EINVAL);
    assert_int_equal(policy_table_replace(t, (enum policy_column)3, rows, 1), -EINVAL);
    check_column(t, POLICY_COL_PRECEDENCE, want, 3); /* unchanged by the failures */
    policy_table_free(t);
}

static void test_rule_names_are_stable_strings(void **state)
{
    assert_string_equal(policy_rule_name(1), "rule 1 (avoid unusable destinations)");
    assert_string_equal(policy_rule_name(2), "rule 2 (prefer matching scope)");
    assert_string_equal(policy_rule_name(6), "rule 6 (prefer higher precedence)");
    assert_string_equal(policy_rule_name(9), "rule 9 (use longest matching prefix)");
    assert_string_equal(policy_rule_name(10), "rule 10 (keep the resolver's order)");
    assert_string_equal(policy_rule_name(0), "no rule");
    assert_string_equal(policy_rule_name(11), "no rule");
    assert_string_equal(policy_rule_name(-1), "no rule");
}

static void test_clone_is_deep_and_free_null_is_a_no_op(void **state)
{
    struct policy_table *t = table(POLICY_RFC6724), *c = NULL;
    assert_int_equal(policy_table_clone(t, &c), 0);
    struct policy_row r = {.bits = 0, .value = 7};
    assert_int_equal(policy_table_replace(c, POLICY_COL_PRECEDENCE, &r, 1), 0);
    struct in6_addr a = addr("::1");
    assert_int_equal(policy_precedence(t, &a), 50);
    assert_int_equal(policy_precedence(c, &a), 7);
    policy_table_free(c);
    policy_table_free(t);
    policy_table_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_preset_tables_hold_exactly_the_published_rows),
        cmocka_unit_test(test_unknown_preset_is_einval),
        cmocka_unit_test(test_address_attributes_follow_the_rfc6724_table_and_scopes),
        cmocka_unit_test(test_glibc_scopes_match_for_ula_site_local_and_ipv4),
        cmocka_unit_test(test_replace_appends_catch_all_and_later_duplicate_wins),
        cmocka_unit_test(test_rule_names_are_stable_strings),
        cmocka_unit_test(test_clone_is_deep_and_free_null_is_a_no_op),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
