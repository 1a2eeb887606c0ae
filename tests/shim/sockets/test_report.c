/* Tests of shim/report's JSON line (report_format): bounded by its buffer
 * whatever the strings, and always one strict JSON object. Regression
 * tests for what fuzz_report found (tests/fuzz/report/). */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "json_check.h"
#include "report.h"

#define CANARY 0xa5
#define CANARY_LEN 4096
#define REAL_LEN (REPORT_MAX_SITES * 512 + 4 * PATH_MAX) /* report_write's buffer */

static char long_object[PATH_MAX];

/* Every site: a 4095-byte path of control characters (6 bytes each in
 * JSON), as a directory name may hold. */
static void describe_long(size_t i, struct report_entry *e, void *ctx)
{
    *e = (struct report_entry){.check = "v6-inet-ntoa", .call = "inet_ntoa", .count = i + 1,
                               .object = long_object, .object_offset = 0x1234,
                               .symbol = "main", .symbol_offset = 0x10};
}

/* A buffer of LEN bytes followed by a canary. */
static char *canaried(size_t len)
{
    char *b = malloc(len + CANARY_LEN);
    assert_non_null(b);
    memset(b, CANARY, len + CANARY_LEN);
    return b;
}

static void assert_canary(const char *b, size_t len)
{
    for (size_t i = 0; i < CANARY_LEN; i++)
        assert_int_equal((unsigned char)b[len + i], CANARY);
}

/* One report with 64 sites whose object is OBJLEN control characters. */
static void check_long_paths(size_t objlen)
{
    memset(long_object, 0x01, objlen);
    long_object[objlen] = '\0';
    char *line = canaried(REAL_LEN);
    ssize_t k = report_format(line, REAL_LEN, 42, "/usr/bin/prog", 64, 0, describe_long, NULL);
    assert_canary(line, REAL_LEN);
    assert_true(k > 0 && (size_t)k < REAL_LEN);
    assert_int_equal(line[k - 1], '\n');
    struct json_value *v;
    char err[128] = "";
    assert_int_equal(json_parse(line, (size_t)k, &v, err, sizeof err), 0);
    const struct json_value *sites = json_get(v, "sites"), *dropped = json_get(v, "dropped");
    assert_non_null(sites);
    assert_non_null(dropped);
    /* Whole sites only; the rest counted as dropped. */
    assert_true(sites->n > 0 && sites->n < 64);
    assert_int_equal(strtoul(dropped->str, NULL, 10), 64 - sites->n);
    for (size_t i = 0; i < sites->n; i++) {
        const struct json_value *obj = json_get(&sites->items[i], "object");
        assert_non_null(obj);
        assert_int_equal(obj->len, objlen);
        assert_non_null(json_get(&sites->items[i], "object_offset"));
    }
    json_free(v);
    free(line);
}

/* Wherever the last site that starts ends up, it never runs past the
 * buffer (the old per-site reserve of 9 kB was less than such a site). */
static void test_report_format_long_escaped_paths_stay_inside_the_buffer(void **state)
{
    for (size_t objlen = 2048; objlen < PATH_MAX; objlen += 61)
        check_long_paths(objlen);
}

static void test_report_format_small_buffers_give_enobufs_or_a_whole_line_never_past_them(
    void **state)
{
    for (size_t len = 0; len < 160; len++) {
        char *line = canaried(len);
        ssize_t k = report_format(line, len, 1, "/p", 1, 0, describe_long, NULL);
        assert_canary(line, len);
        if (k != -ENOBUFS) {
            assert_true(k > 0 && (size_t)k < len);
            assert_string_equal(line, "{\"v6shim_report\":1,\"pid\":1,\"program\":\"/p\","
                                      "\"sites\":[],\"dropped\":1}\n");
        }
        free(line);
    }
}

static void test_report_format_without_room_for_a_site_drops_it(void **state)
{
    /* Room for the header and the end, not for a 24 kB site. */
    char *line = canaried(200);
    ssize_t k = report_format(line, 200, 7, "/p", 3, 2, describe_long, NULL);
    assert_canary(line, 200);
    assert_true(k > 0);
    assert_string_equal(line, "{\"v6shim_report\":1,\"pid\":7,\"program\":\"/p\",\"sites\":[],"
                              "\"dropped\":5}\n");
    free(line);
}

static void describe_bytes(size_t i, struct report_entry *e, void *ctx)
{
    *e = (struct report_entry){.check = "v6-socket-af-inet", .call = "socket", .count = 1,
                               .object = ctx, .symbol = ctx};
}

/* Each string: what the report holds for it once parsed. */
static void assert_reads_back(const char *given, const char *want)
{
    char line[4096];
    ssize_t k = report_format(line, sizeof line, 1, given, 1, 0, describe_bytes, (void *)given);
    assert_true(k > 0);
    struct json_value *v;
    char err[128] = "";
    int rc = json_parse(line, (size_t)k, &v, err, sizeof err);
    if (rc != 0)
        print_message("not JSON (%s): %s", err, line);
    assert_int_equal(rc, 0);
    const struct json_value *sites = json_get(v, "sites");
    assert_non_null(sites);
    assert_int_equal(sites->n, 1);
    const struct json_value *got[] = {json_get(v, "program"),
                                      json_get(&sites->items[0], "object"),
                                      json_get(&sites->items[0], "symbol")};
    for (size_t i = 0; i < 3; i++) {
        assert_non_null(got[i]);
        assert_int_equal(got[i]->len, strlen(want));
        assert_memory_equal(got[i]->str, want, strlen(want));
    }
    json_free(v);
}

static void test_report_format_writes_bytes_that_are_not_utf8_as_replacement_characters(
    void **state)
{
    /* Latin-1 e-acute, then a real UTF-8 one. */
    assert_reads_back("/tmp/caf\xe9/caf\xc3\xa9", "/tmp/caf\xef\xbf\xbd/caf\xc3\xa9");
    /* Overlong '/', an encoded surrogate, past U+10FFFF, a cut sequence. */
    assert_reads_back("a\xc0\xaf" "b", "a\xef\xbf\xbd\xef\xbf\xbd" "b");
    assert_reads_back("\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
    assert_reads_back("\xf4\x90\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
    assert_reads_back("x\xe4\xb8", "x\xef\xbf\xbd\xef\xbf\xbd");
    /* Valid 2-, 3- and 4-byte forms and escapes pass as they are. */
    assert_reads_back("\xc2\xa0\xe4\xb8\xad\xf0\x9f\x98\x80\"\\\x01\x7f",
                      "\xc2\xa0\xe4\xb8\xad\xf0\x9f\x98\x80\"\\\x01\x7f");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report_format_long_escaped_paths_stay_inside_the_buffer),
        cmocka_unit_test(test_report_format_small_buffers_give_enobufs_or_a_whole_line_never_past_them),
        cmocka_unit_test(test_report_format_without_room_for_a_site_drops_it),
        cmocka_unit_test(test_report_format_writes_bytes_that_are_not_utf8_as_replacement_characters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
