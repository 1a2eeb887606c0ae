/* Unit tests of v6scan's text modules: UTF-8 recognition, the JSON string
 * writers and the bounded, field-checking JSON reader. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "json_read.h"
#include "json_write.h"
#include "utf8.h"

static char *capture(void (*write)(FILE *, const char *), const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	write(f, s);
	fclose(f);
	return buf;
}

static void test_utf8_seq_len_follows_rfc3629_table(void **state)
{
	static const struct {
		const char *s;
		size_t len;
	} cases[] = {
		{ "a", 1 },
		{ "\x7f", 1 },
		{ "\xc3\xa9", 2 },
		{ "\xe2\x82\xac", 3 },
		{ "\xf0\x9f\x98\x80", 4 },
		{ "\xf4\x8f\xbf\xbf", 4 }, /* U+10FFFF */
		{ "\x80", 0 },
		{ "\xbf", 0 }, /* stray continuation bytes */
		{ "\xc0\xaf", 0 },
		{ "\xc1\xbf", 0 },         /* overlong 2-byte forms */
		{ "\xe0\x80\xaf", 0 },     /* overlong 3-byte form */
		{ "\xed\xa0\x80", 0 },     /* U+D800, a surrogate */
		{ "\xf0\x80\x80\xaf", 0 }, /* overlong 4-byte form */
		{ "\xf4\x90\x80\x80", 0 }, /* above U+10FFFF */
		{ "\xf5\x80\x80\x80", 0 },
		{ "\xff", 0 },
		{ "\xfe", 0 },
		{ "\xc3", 0 },
		{ "\xe2\x82", 0 },     /* cut short by the NUL */
		{ "\xe2\x28\xa1", 0 }, /* bad continuation */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(utf8_seq_len(cases[i].s), cases[i].len);
	assert_true(utf8_valid("plain/\xc3\xa9t\xc3\xa9.c"));
	assert_false(utf8_valid("bad\xff.c"));
}

static void test_json_write_string_escapes_controls_and_replaces_bad_utf8(void **state)
{
	char *out = capture(json_write_string, "a\"b\\c\n\t\x01\x7f\xc3\xa9");

	assert_string_equal(out, "\"a\\\"b\\\\c\\n\\t\\u0001\\u007f\xc3\xa9\"");
	free(out);
	/* each byte outside well-formed UTF-8 becomes U+FFFD */
	out = capture(json_write_string,
		      "x\xff"
		      "y\xc3"
		      "z\xed\xa0\x80");
	assert_string_equal(out, "\"x\xef\xbf\xbdy\xef\xbf\xbdz\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");
	assert_true(utf8_valid(out));
	free(out);
}

static void test_json_write_lossless_round_trips_any_bytes(void **state)
{
	static const char *const cases[] = { "plain",        "100%",      "%25 literal", "bad\xff\xfe name",
					     "\xc3\xa9\xc3", "a\"b\\c\nd" };

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *lit = capture(json_write_lossless, cases[i]), *back = NULL;
		json_t *v = NULL;
		char doc[256], err[160];
		assert_true(utf8_valid(lit));
		snprintf(doc, sizeof(doc), "[%s]", lit);
		assert_int_equal(json_read_buffer(doc, strlen(doc), &v, err, sizeof(err)), 0);
		assert_int_equal(json_read_unescape(json_string_value(json_array_get(v, 0)), &back), 0);
		assert_string_equal(back, cases[i]);
		free(back);
		free(lit);
		json_decref(v);
	}
	char *bad = NULL;
	assert_int_equal(json_read_unescape("50%", &bad), -EINVAL);
	assert_int_equal(json_read_unescape("%4g", &bad), -EINVAL);
	assert_int_equal(json_read_unescape("nul%00", &bad), -EINVAL);
}

static void test_json_write_uri_percent_encodes_a_relative_reference(void **state)
{
	char *out = capture(json_write_uri, "src/a b/x:y\xff%~!.c");

	assert_string_equal(out, "\"src/a%20b/x%3Ay%FF%25~!.c\"");
	free(out);
	out = capture(json_write_uri, "d\xc3\xa9j\xc3\xa0.c");
	assert_string_equal(out, "\"d%C3%A9j%C3%A0.c\"");
	free(out);
}

static void test_json_read_buffer_reports_line_and_column(void **state)
{
	static const char *const bad[] = {
		"",
		"{",
		"[1,]",
		"{\"a\" 1}",
		"{\"a\": 1,}",
		"\"unterminated",
		"[tru]",
		"[1] x",
		"[\"\\ud800\"]",
		"[\"\\x\"]",
		"[\"a\nb\"]",
		"{1: 2}",
		"[-]",
		"[1e999]",
		"[\"\xff\"]",
		"{\"a\": 1, \"a\": 2}",
		"[\"nul\\u0000\"]",
		"[99999999999999999999]",
	};
	char err[160];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_t *v = NULL;
		err[0] = '\0';
		assert_int_equal(json_read_buffer(bad[i], strlen(bad[i]), &v, err, sizeof(err)), -EINVAL);
		assert_null(v);
		assert_memory_equal(err, "line ", 5);
		assert_non_null(strstr(err, ", column "));
	}
	/* a byte order mark is skipped */
	json_t *v = NULL;
	assert_int_equal(json_read_buffer("\xef\xbb\xbf[1]", 6, &v, err, sizeof(err)), 0);
	json_decref(v);
}

static void test_json_read_fields_check_type_range_and_presence(void **state)
{
	const char *text = "{\"s\": \"x\", \"n\": -5, \"big\": 7, \"r\": 1.5, \"b\": true, \"a\": [], \"o\": {}, "
			   "\"z\": null}";
	json_t *v = NULL, *arr = NULL, *obj = NULL;
	const char *str = NULL;
	json_int_t n = 42;
	int b = 0;
	char err[160];

	assert_int_equal(json_read_buffer(text, strlen(text), &v, err, sizeof(err)), 0);
	assert_int_equal(json_read_str(v, "", "s", 1, &str, err, sizeof(err)), 0);
	assert_string_equal(str, "x");
	assert_int_equal(json_read_int(v, "doc", "n", 1, -10, 10, &n, err, sizeof(err)), 0);
	assert_int_equal(n, -5);
	assert_int_equal(json_read_int(v, "doc", "n", 1, 0, 10, &n, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "doc.n: must be an integer from 0 to 10 (got -5)");
	assert_int_equal(json_read_int(v, "", "r", 1, 0, 10, &n, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "r: must be an integer from 0 to 10 (got 1.5)");
	assert_int_equal(json_read_int(v, "", "big", 1, 0, 5, &n, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "big: must be an integer from 0 to 5 (got 7)");
	assert_int_equal(json_read_str(v, "x[2]", "z", 1, &str, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "x[2].z: must be a string (got null)");
	assert_int_equal(json_read_bool(v, "", "b", 1, &b, err, sizeof(err)), 0);
	assert_int_equal(b, 1);
	assert_int_equal(json_read_bool(v, "", "s", 1, &b, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "s: must be true or false (got a string)");
	assert_int_equal(json_read_array(v, "", "a", 1, &arr, err, sizeof(err)), 0);
	assert_non_null(arr);
	assert_int_equal(json_read_object(v, "", "a", 1, &obj, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "a: must be an object (got an array)");
	/* absent: an error only when required; *out untouched otherwise */
	n = 42;
	assert_int_equal(json_read_int(v, "", "missing", 0, 0, 1, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 42);
	assert_int_equal(json_read_int(v, "summary", "missing", 1, 0, 1, &n, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "summary.missing: missing");
	json_decref(v);
}

static void test_json_read_file_refuses_special_and_oversized_files(void **state)
{
	char dir[] = "/tmp/v6scan-jsonread-XXXXXX", path[200], err[160];
	json_t *v = NULL;

	assert_int_equal(json_read_file("/dev/zero", JSON_READ_MAX_REPORT, &v, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "a character device, not a regular file");
	assert_non_null(mkdtemp(dir));
	assert_int_equal(json_read_file(dir, JSON_READ_MAX_REPORT, &v, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "a directory, not a regular file");
	/* a FIFO without a writer: refused at once, not waited on */
	snprintf(path, sizeof(path), "%s/fifo", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(json_read_file(path, JSON_READ_MAX_REPORT, &v, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "a FIFO, not a regular file");
	unlink(path);
	/* one byte over the limit */
	snprintf(path, sizeof(path), "%s/big.json", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("[1]", f);
	assert_int_equal(fseek(f, (long)(1 << 20) - 3, SEEK_CUR), 0);
	fputc(' ', f);
	fclose(f);
	assert_int_equal(json_read_file(path, (size_t)1 << 20, &v, err, sizeof(err)), -EFBIG);
	assert_string_equal(err, "larger than 1 MiB, the limit for this file");
	assert_int_equal(truncate(path, 1 << 20), 0);
	assert_int_equal(json_read_file(path, (size_t)1 << 20, &v, err, sizeof(err)), -EINVAL); /* NULs */
	unlink(path);
	snprintf(path, sizeof(path), "%s/none.json", dir);
	assert_int_equal(json_read_file(path, JSON_READ_MAX_REPORT, &v, err, sizeof(err)), -ENOENT);
	assert_string_equal(err, "No such file or directory");
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_seq_len_follows_rfc3629_table),
		cmocka_unit_test(test_json_write_string_escapes_controls_and_replaces_bad_utf8),
		cmocka_unit_test(test_json_write_lossless_round_trips_any_bytes),
		cmocka_unit_test(test_json_write_uri_percent_encodes_a_relative_reference),
		cmocka_unit_test(test_json_read_buffer_reports_line_and_column),
		cmocka_unit_test(test_json_read_fields_check_type_range_and_presence),
		cmocka_unit_test(test_json_read_file_refuses_special_and_oversized_files),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
