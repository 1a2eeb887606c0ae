/* Tests of the gai.conf parser (shim/gaiconf.c): good files, replacement
 * semantics, scopev4, and every kind of bad line with its exact message. */
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
#include <sys/stat.h>
#include <unistd.h>

#include "gaiconf.h"
#include "policy.h"
#include "policy_test_addr.h"

#define DATA(f) GAICONF_DATA_DIR "/" f


/* The RFC 6724 default rows, to show a table is unchanged. */
static const struct row_text rfc_prec[] = {
    {"::1", 128, 50},  {"::ffff:0:0", 96, 35}, {"::", 96, 1},
    {"2001::", 32, 5}, {"2002::", 16, 30},     {"3ffe::", 16, 1},
    {"fec0::", 10, 1}, {"fc00::", 7, 3},       {"::", 0, 40},
};
static const struct row_text rfc_label[] = {
    {"::1", 128, 0},    {"::ffff:0:0", 96, 4}, {"::", 96, 3},
    {"2001::", 32, 5},  {"2002::", 16, 2},     {"3ffe::", 16, 12},
    {"fec0::", 10, 11}, {"fc00::", 7, 13},     {"::", 0, 1},
};
static const struct row_text default_scopev4[] = {
    {"::ffff:169.254.0.0", 112, 2}, {"::ffff:127.0.0.0", 104, 2}, {"::ffff:0:0", 96, 14}};

static void check_unchanged(const struct policy_table *t)
{
    check_column(t, POLICY_COL_LABEL, rfc_label, 9);
    check_column(t, POLICY_COL_PRECEDENCE, rfc_prec, 9);
    check_column(t, POLICY_COL_SCOPEV4, default_scopev4, 3);
}

static void test_good_file_replaces_all_three_columns(void **state)
{
    struct policy_table *t = table(POLICY_RFC6724);
    char err[256] = "untouched";
    assert_int_equal(policy_table_load_gaiconf(t, DATA("gai-good.conf"), err, sizeof(err)), 0);
    assert_string_equal(err, "");
    static const struct row_text label[] = {
        {"::1", 128, 0},   {"::", 96, 3},    {"::ffff:0:0", 96, 4},
        {"2002::", 16, 2}, {"fc00::", 7, 6}, {"::", 0, 1},
    };
    static const struct row_text prec[] = {
        {"::1", 128, 50}, {"::ffff:0:0", 96, 100}, {"::", 0, 40}};
    static const struct row_text scope[] = {
        {"::ffff:127.0.0.1", 128, 2},
        {"::ffff:169.254.0.0", 112, 2},
        {"::ffff:10.0.0.0", 104, 5},
        {"::ffff:0:0", 96, 14}, /* glibc's catch-all, appended */
    };
    check_column(t, POLICY_COL_LABEL, label, 6);
    check_column(t, POLICY_COL_PRECEDENCE, prec, 3);
    check_column(t, POLICY_COL_SCOPEV4, scope, 4);

    struct in6_addr a = addr("10.1.2.3");
    assert_int_equal(policy_scope(t, &a), 5);
    a = addr("127.0.0.1");
    assert_int_equal(policy_scope(t, &a), 2);
    a = addr("127.0.0.2"); /* 127/8 went with the replaced default */
    assert_int_equal(policy_scope(t, &a), 14);
    a = addr("198.51.100.1");
    assert_int_equal(policy_precedence(t, &a), 100);
    policy_table_free(t);
}

static void test_one_precedence_line_drops_every_other_default_row(void **state)
{
    /* The classic "prefer IPv4" line: ::1 and 2002::/16 lose their rows. */
    struct policy_table *t = table(POLICY_RFC3484_GLIBC);
    static const char text[] = "precedence ::ffff:0:0/96  100\n";
    char err[128];
    assert_int_equal(gaiconf_apply(t, "gai.conf", text, strlen(text), err, sizeof(err)), 0);
    static const struct row_text prec[] = {{"::ffff:0:0", 96, 100}, {"::", 0, 40}};
    check_column(t, POLICY_COL_PRECEDENCE, prec, 2);
    struct in6_addr a = addr("::1");
    assert_int_equal(policy_precedence(t, &a), 40);
    a = addr("2002:c633:6401::1");
    assert_int_equal(policy_precedence(t, &a), 40);
    a = addr("fec0::1"); /* labels untouched: glibc's site-local label stays */
    assert_int_equal(policy_label(t, &a), 5);

    /* ...and IPv4 now sorts before ::1. */
    struct policy_cand v6 = {.src_ok = true, .index = 0};
    struct policy_cand v4 = {.src_ok = true, .index = 1};
    v6.dst.sin6_addr = v6.src.sin6_addr = addr("::1");
    v4.dst.sin6_addr = v4.src.sin6_addr = addr("127.0.0.1");
    int rule = 0;
    assert_true(policy_compare(t, &v4, &v6, &rule) < 0);
    assert_int_equal(rule, 6);
    policy_table_free(t);
}

static void test_catch_all_line_present_means_none_appended(void **state)
{
    struct policy_table *t = table(POLICY_RFC6724);
    static const char text[] = "precedence ::/0 7\nscopev4 ::ffff:0.0.0.0/96 9\n";
    char err[128];
    assert_int_equal(gaiconf_apply(t, "x", text, strlen(text), err, sizeof(err)), 0);
    static const struct row_text prec[] = {{"::", 0, 7}};
    static const struct row_text scope[] = {{"::ffff:0:0", 96, 9}};
    check_column(t, POLICY_COL_PRECEDENCE, prec, 1);
    check_column(t, POLICY_COL_SCOPEV4, scope, 1);
    check_column(t, POLICY_COL_LABEL, rfc_label, 9);
    policy_table_free(t);
}

static void test_scopev4_ipv4_and_mapped_forms_are_the_same_rows(void **state)
{
    static const char text[] = "scopev4 192.0.2.0/24 3\n"
                               "scopev4 ::ffff:198.51.100.0/120 4\n"
                               "scopev4 0.0.0.0/0 12\n"
                               "scopev4 203.0.113.7 1\n";
    struct policy_table *t = table(POLICY_RFC6724);
    char err[128];
    assert_int_equal(gaiconf_apply(t, "x", text, strlen(text), err, sizeof(err)), 0);
    static const struct row_text scope[] = {
        {"::ffff:203.0.113.7", 128, 1},
        {"::ffff:192.0.2.0", 120, 3},
        {"::ffff:198.51.100.0", 120, 4},
        {"::ffff:0:0", 96, 12},
    };
    check_column(t, POLICY_COL_SCOPEV4, scope, 4);
    struct in6_addr a = addr("169.254.1.1");
    assert_int_equal(policy_scope(t, &a), 12);
    policy_table_free(t);
}

static void test_commented_file_and_last_line_without_newline(void **state)
{
    struct policy_table *t = table(POLICY_RFC6724);
    char err[256];
    assert_int_equal(policy_table_load_gaiconf(t, DATA("gai-commented.conf"), err, sizeof(err)), 0);
    check_unchanged(t);
    assert_int_equal(
        policy_table_load_gaiconf(t, DATA("gai-no-final-newline.conf"), err, sizeof(err)), 0);
    static const struct row_text label[] = {{"fc00::", 7, 6}, {"::", 0, 1}};
    check_column(t, POLICY_COL_LABEL, label, 2);
    policy_table_free(t);
}

struct bad_case {
    const char *text;
    const char *message;
};

static void test_each_kind_of_bad_line_gives_its_exact_message(void **state)
{
    static const struct bad_case cases[] = {
        {"labl ::1/128 0", "t.conf:1: unknown keyword \"labl\""},
        {"label", "t.conf:1: label: missing prefix"},
        {"label ::1/128", "t.conf:1: label: missing value"},
        {"label ::1/129 0", "t.conf:1: label: prefix length \"129\" is not 0..128"},
        {"label ::1/ 0", "t.conf:1: label: prefix length \"\" is not 0..128"},
        {"label ::1/x 0", "t.conf:1: label: prefix length \"x\" is not 0..128"},
        {"label 192.0.2.1 0", "t.conf:1: label: \"192.0.2.1\" is not an IPv6 address"},
        {"precedence ::1 -5", "t.conf:1: precedence: value \"-5\" is not a number 0..2147483647"},
        {"precedence ::1 2147483648",
         "t.conf:1: precedence: value \"2147483648\" is not a number 0..2147483647"},
        {"precedence ::1 5 extra", "t.conf:1: precedence: unexpected text after the value"},
        {"scopev4 ::1/128 2",
         "t.conf:1: scopev4: \"::1\" is not an IPv4 or ::ffff:a.b.c.d address"},
        {"scopev4", "t.conf:1: scopev4: missing address"},
        {"scopev4 10.0.0.0/33 2", "t.conf:1: scopev4: prefix length \"33\" is not 0..32"},
        {"scopev4 ::ffff:10.0.0.0/95 2", "t.conf:1: scopev4: prefix length \"95\" is not 96..128"},
        {"scopev4 10.0.0.0/8", "t.conf:1: scopev4: missing value"},
        {"reload maybe", "t.conf:1: reload: value must be yes or no"},
        {"reload", "t.conf:1: reload: value must be yes or no"},
        {"reload yes please", "t.conf:1: reload: unexpected text after the value"},
        {"# fine\n\nlabel ::/0 1\n  bogus", "t.conf:4: unknown keyword \"bogus\""},
        {"label ::/0 1\nlabel ::1\0/128 0\n", "t.conf:2: NUL byte in line"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct policy_table *t = table(POLICY_RFC6724);
        char err[256] = "untouched";
        const char *text = cases[i].text;
        size_t len = strlen(text);
        if (strstr(cases[i].message, "NUL") != NULL)
            len = sizeof("label ::/0 1\nlabel ::1\0/128 0\n") - 1;
        print_message("  %s\n", cases[i].message);
        assert_int_equal(gaiconf_apply(t, "t.conf", text, len, err, sizeof(err)), -EINVAL);
        assert_string_equal(err, cases[i].message);
        check_unchanged(t); /* all or nothing */
        policy_table_free(t);
    }
}

static void test_bad_line_in_a_file_names_path_and_line_and_changes_nothing(void **state)
{
    struct policy_table *t = table(POLICY_RFC6724);
    char err[512];
    assert_int_equal(policy_table_load_gaiconf(t, DATA("gai-bad-line3.conf"), err, sizeof(err)),
                     -EINVAL);
    assert_string_equal(err, DATA("gai-bad-line3.conf") ":3: precedence: value \"forty\" is "
                                                        "not a number 0..2147483647");
    check_unchanged(t); /* lines 1 and 2 were good, but nothing was applied */
    policy_table_free(t);
}

static void test_missing_file_is_enoent_with_a_message(void **state)
{
    struct policy_table *t = table(POLICY_RFC6724);
    char err[512];
    assert_int_equal(policy_table_load_gaiconf(t, DATA("no-such.conf"), err, sizeof(err)), -ENOENT);
    assert_string_equal(err, DATA("no-such.conf") ": cannot open: No such file or directory");
    assert_int_equal(policy_table_load_gaiconf(t, GAICONF_DATA_DIR, err, sizeof(err)), -EISDIR);
    assert_string_equal(err, GAICONF_DATA_DIR ": not a regular file (a directory)");
    check_unchanged(t);
    policy_table_free(t);
}

static char tmp_path[64];

static int tmp_setup(void **state)
{
    snprintf(tmp_path, sizeof(tmp_path), "/tmp/v6shim-gai-%ld.conf", (long)getpid());
    unlink(tmp_path);
    return 0;
}

static int tmp_teardown(void **state)
{
    unlink(tmp_path);
    return 0;
}

/* tmp_path holds SIZE bytes: '#' comment lines of 64 bytes, then a last
 * line that moves IPv4 to the top, so a whole read shows in the table. */
static void write_gai_of_size(size_t size)
{
    static const char last[] = "precedence ::ffff:0:0/96 100\n";
    size_t body = size - (sizeof(last) - 1);
    char *text = malloc(size);
    assert_non_null(text);
    memset(text, ' ', body);
    for (size_t i = 0; i < body; i += 64) {
        text[i] = '#';
        text[i + 63 < body ? i + 63 : body - 1] = '\n';
    }
    memcpy(text + body, last, sizeof(last) - 1);
    FILE *f = fopen(tmp_path, "w");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, size, f), size);
    fclose(f);
    free(text);
}

static const struct row_text ipv4_first_prec[] = {{"::ffff:0:0", 96, 100}, {"::", 0, 40}};

static void test_file_at_the_size_limit_is_read_and_one_byte_more_refused(void **state)
{
    char err[512], want[512];
    for (size_t size = GAICONF_MAX_SIZE - 1; size <= GAICONF_MAX_SIZE; size++) {
        struct policy_table *t = table(POLICY_RFC6724);
        write_gai_of_size(size);
        assert_int_equal(policy_table_load_gaiconf(t, tmp_path, err, sizeof(err)), 0);
        check_column(t, POLICY_COL_PRECEDENCE, ipv4_first_prec, 2);
        policy_table_free(t);
    }
    struct policy_table *t = table(POLICY_RFC6724);
    write_gai_of_size(GAICONF_MAX_SIZE + 1);
    assert_int_equal(policy_table_load_gaiconf(t, tmp_path, err, sizeof(err)), -EFBIG);
    snprintf(want, sizeof(want), "%s: larger than %d bytes", tmp_path, GAICONF_MAX_SIZE);
    assert_string_equal(err, want);
    check_unchanged(t);
    policy_table_free(t);
}

static void test_leading_utf8_bom_is_skipped(void **state)
{
    FILE *f = fopen(tmp_path, "w");
    assert_non_null(f);
    fputs("\xef\xbb\xbfprecedence ::ffff:0:0/96 100\n", f);
    fclose(f);
    struct policy_table *t = table(POLICY_RFC6724);
    char err[512] = "untouched";
    assert_int_equal(policy_table_load_gaiconf(t, tmp_path, err, sizeof(err)), 0);
    assert_string_equal(err, "");
    check_column(t, POLICY_COL_PRECEDENCE, ipv4_first_prec, 2);
    policy_table_free(t);
}

/* No writer exists: before the fix the open blocked forever. */
static void test_fifo_is_refused_without_blocking(void **state)
{
    assert_int_equal(mkfifo(tmp_path, 0600), 0);
    struct policy_table *t = table(POLICY_RFC6724);
    char err[512], want[512];
    assert_int_equal(policy_table_load_gaiconf(t, tmp_path, err, sizeof(err)), -EINVAL);
    snprintf(want, sizeof(want), "%s: not a regular file (a FIFO or pipe)", tmp_path);
    assert_string_equal(err, want);
    check_unchanged(t);
    policy_table_free(t);
}

static void test_error_buffer_is_truncated_or_skipped_safely(void **state)
{
    struct policy_table *t = table(POLICY_RFC6724);
    char err[12];
    memset(err, 'x', sizeof(err));
    assert_int_equal(gaiconf_apply(t, "t.conf", "bogus", 5, err, sizeof(err)), -EINVAL);
    assert_string_equal(err, "t.conf:1: u");
    assert_int_equal(gaiconf_apply(t, "t.conf", "bogus", 5, NULL, 0), -EINVAL);
    assert_int_equal(policy_table_load_gaiconf(t, DATA("no-such.conf"), NULL, 0), -ENOENT);
    check_unchanged(t);
    policy_table_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_file_replaces_all_three_columns),
        cmocka_unit_test(test_one_precedence_line_drops_every_other_default_row),
        cmocka_unit_test(test_catch_all_line_present_means_none_appended),
        cmocka_unit_test(test_scopev4_ipv4_and_mapped_forms_are_the_same_rows),
        cmocka_unit_test(test_commented_file_and_last_line_without_newline),
        cmocka_unit_test(test_each_kind_of_bad_line_gives_its_exact_message),
        cmocka_unit_test(test_bad_line_in_a_file_names_path_and_line_and_changes_nothing),
        cmocka_unit_test(test_missing_file_is_enoent_with_a_message),
        cmocka_unit_test(test_error_buffer_is_truncated_or_skipped_safely),
        cmocka_unit_test_setup_teardown(
            test_file_at_the_size_limit_is_read_and_one_byte_more_refused, tmp_setup, tmp_teardown),
        cmocka_unit_test_setup_teardown(test_leading_utf8_bom_is_skipped, tmp_setup, tmp_teardown),
        cmocka_unit_test_setup_teardown(test_fifo_is_refused_without_blocking, tmp_setup,
                                        tmp_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
