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
#define REAL_LEN REPORT_LINE_MAX /* report_write's buffer */

static const struct report_proc proc42 = {
    .pid = 42, .start = 123456789, .program = "/usr/bin/prog", .end = "exit"};

static char long_object[PATH_MAX];

/* Every site: a 4095-byte path of control characters (6 bytes each in
 * JSON), as a directory name may hold. */
static void describe_long(size_t i, struct report_entry *e, void *ctx)
{
    *e = (struct report_entry){.check = "v6-inet-ntoa",
                               .call = "inet_ntoa",
                               .count = i + 1,
                               .object = long_object,
                               .address = 0x1234,
                               .symbol = "main",
                               .symbol_offset = 0x10};
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
    ssize_t k = report_format(line, REAL_LEN, &proc42, 64, 0, describe_long, NULL);
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
        assert_non_null(json_get(&sites->items[i], "address"));
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

static void
test_report_format_small_buffers_give_enobufs_or_a_whole_line_never_past_them(void **state)
{
    static const struct report_proc p1 = {.pid = 1, .program = "/p", .end = "_exit"};
    for (size_t len = 0; len < 200; len++) {
        char *line = canaried(len);
        ssize_t k = report_format(line, len, &p1, 1, 0, describe_long, NULL);
        assert_canary(line, len);
        if (k != -ENOBUFS) {
            assert_true(k > 0 && (size_t)k < len);
            assert_string_equal(line, "{\"v6shim_report\":2,\"kind\":\"exit\",\"pid\":1,"
                                      "\"start\":0,\"program\":\"/p\",\"end\":\"_exit\","
                                      "\"sites\":[],\"dropped\":1}\n");
        }
        free(line);
    }
}

static void test_report_format_without_room_for_a_site_drops_it(void **state)
{
    /* Room for the header and the end, not for a 24 kB site. */
    static const struct report_proc p7 = {
        .pid = 7, .start = 99, .program = "/p", .end = "SIGTERM", .note = "own-dns-client"};
    char *line = canaried(300);
    ssize_t k = report_format(line, 300, &p7, 3, 2, describe_long, NULL);
    assert_canary(line, 300);
    assert_true(k > 0);
    assert_string_equal(line, "{\"v6shim_report\":2,\"kind\":\"exit\",\"pid\":7,\"start\":99,"
                              "\"program\":\"/p\",\"end\":\"SIGTERM\",\"sites\":[],"
                              "\"dropped\":5,\"notes\":[\"own-dns-client\"]}\n");
    free(line);
}

static void describe_bytes(size_t i, struct report_entry *e, void *ctx)
{
    *e = (struct report_entry){
        .check = "v6-socket-af-inet", .call = "socket", .count = 1, .object = ctx, .symbol = ctx};
}

/* Each string: what the report holds for it once parsed. */
static void assert_reads_back(const char *given, const char *want)
{
    char line[4096];
    struct report_proc p = {.pid = 1, .program = given, .end = "exit"};
    ssize_t k = report_format(line, sizeof line, &p, 1, 0, describe_bytes, (void *)given);
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
    const struct json_value *got[] = {json_get(v, "program"), json_get(&sites->items[0], "object"),
                                      json_get(&sites->items[0], "symbol")};
    for (size_t i = 0; i < 3; i++) {
        assert_non_null(got[i]);
        assert_int_equal(got[i]->len, strlen(want));
        assert_memory_equal(got[i]->str, want, strlen(want));
    }
    json_free(v);
}

static void
test_report_format_writes_bytes_that_are_not_utf8_as_replacement_characters(void **state)
{
    /* Latin-1 e-acute, then a real UTF-8 one. */
    assert_reads_back("/tmp/caf\xe9/caf\xc3\xa9", "/tmp/caf\xef\xbf\xbd/caf\xc3\xa9");
    /* Overlong '/', an encoded surrogate, past U+10FFFF, a cut sequence. */
    assert_reads_back("a\xc0\xaf"
                      "b",
                      "a\xef\xbf\xbd\xef\xbf\xbd"
                      "b");
    assert_reads_back("\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
    assert_reads_back("\xf4\x90\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
    assert_reads_back("x\xe4\xb8", "x\xef\xbf\xbd\xef\xbf\xbd");
    /* Valid 2-, 3- and 4-byte forms and escapes pass as they are. */
    assert_reads_back("\xc2\xa0\xe4\xb8\xad\xf0\x9f\x98\x80\"\\\x01\x7f",
                      "\xc2\xa0\xe4\xb8\xad\xf0\x9f\x98\x80\"\\\x01\x7f");
}

/* A whole line with one site: every member, numbers in decimal, the
 * address and offset in hex, nulls where nothing is known. */
static void describe_two(size_t i, struct report_entry *e, void *ctx)
{
    if (i == 0)
        *e = (struct report_entry){.check = "v6-inet-ntoa",
                                   .call = "inet_ntoa",
                                   .count = 4294967296UL,
                                   .object = "/usr/bin/x",
                                   .address = 0x401a2b,
                                   .symbol = "main",
                                   .symbol_offset = 0x2f};
    else
        *e = (struct report_entry){.check = "v6-socket-af-inet", .call = "socket", .count = 1};
}

static void test_report_format_writes_exactly_the_documented_exit_line(void **state)
{
    static const struct report_proc p = {.pid = 2147483647,
                                         .start = 18446744073709551615ULL,
                                         .program = "/usr/bin/x",
                                         .end = "exit"};
    char line[1024];
    ssize_t k = report_format(line, sizeof line, &p, 2, 0, describe_two, NULL);
    assert_int_equal(k, (ssize_t)strlen(line));
    assert_string_equal(
        line, "{\"v6shim_report\":2,\"kind\":\"exit\",\"pid\":2147483647,"
              "\"start\":18446744073709551615,\"program\":\"/usr/bin/x\",\"end\":\"exit\","
              "\"sites\":[{\"check\":\"v6-inet-ntoa\",\"call\":\"inet_ntoa\",\"count\":4294967296,"
              "\"object\":\"/usr/bin/x\",\"address\":\"0x401a2b\",\"symbol\":\"main\","
              "\"symbol_offset\":\"0x2f\"},{\"check\":\"v6-socket-af-inet\",\"call\":\"socket\","
              "\"count\":1,\"object\":null,\"address\":null,\"symbol\":null,"
              "\"symbol_offset\":null}],\"dropped\":0}\n");
    /* A note that would need escaping is refused, not written. */
    struct report_proc bad = p;
    bad.note = "a\"b";
    assert_int_equal(report_format(line, sizeof line, &bad, 2, 0, describe_two, NULL), -ENOBUFS);
}

static void test_report_format_site_writes_one_short_line_or_enobufs(void **state)
{
    static const struct report_proc p = {.pid = 12, .start = 34};
    struct report_entry e;
    describe_two(0, &e, NULL);
    char line[512];
    ssize_t k = report_format_site(line, sizeof line, &p, &e);
    assert_string_equal(
        line, "{\"v6shim_report\":2,\"kind\":\"site\",\"pid\":12,\"start\":34,"
              "\"check\":\"v6-inet-ntoa\",\"call\":\"inet_ntoa\",\"object\":\"/usr/bin/x\","
              "\"address\":\"0x401a2b\",\"symbol\":\"main\",\"symbol_offset\":\"0x2f\"}\n");
    assert_int_equal(k, (ssize_t)strlen(line));
    /* Every shorter buffer: -ENOBUFS, nothing past it. */
    for (size_t len = 0; len <= (size_t)k; len++) {
        char *b = canaried(len);
        assert_int_equal(report_format_site(b, len, &p, &e), -ENOBUFS);
        assert_canary(b, len);
        free(b);
    }
    /* A 4095-byte object of control characters still fits a site line. */
    memset(long_object, 0x1f, PATH_MAX - 1);
    long_object[PATH_MAX - 1] = '\0';
    e.object = long_object;
    static char big[REPORT_SITE_LINE_MAX];
    assert_true(report_format_site(big, sizeof big, &p, &e) > 6 * (PATH_MAX - 1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report_format_long_escaped_paths_stay_inside_the_buffer),
        cmocka_unit_test(
            test_report_format_small_buffers_give_enobufs_or_a_whole_line_never_past_them),
        cmocka_unit_test(test_report_format_without_room_for_a_site_drops_it),
        cmocka_unit_test(
            test_report_format_writes_bytes_that_are_not_utf8_as_replacement_characters),
        cmocka_unit_test(test_report_format_writes_exactly_the_documented_exit_line),
        cmocka_unit_test(test_report_format_site_writes_one_short_line_or_enobufs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
