/* Unit tests of v6scan modules that do not need a parse: the JSON reader,
 * the check registry and its selection globs, compile-command sanitising,
 * job ordering/sharding, findings normalisation and fingerprints. */
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

#include "baseline.h"
#include "checks/registry.h"
#include "compdb.h"
#include "findings.h"
#include "jobs.h"
#include "json.h"
#include "resdir.h"

static void test_json_parses_nested_document_with_escapes(void **state)
{
	const char *text = "{\"a\": [1, 2.5, -3e2], \"s\": \"q\\\"\\\\\\n\\u00e9\\ud83d\\ude00\", "
			   "\"t\": true, \"f\": false, \"n\": null, \"o\": {}}";
	struct json_value *v = NULL;
	char err[128];

	assert_int_equal(json_parse(text, strlen(text), &v, err, sizeof(err)), 0);
	const struct json_value *a = json_get(v, "a");
	assert_non_null(a);
	assert_int_equal(a->type, JSON_ARRAY);
	assert_int_equal(a->count, 3);
	assert_int_equal(json_long(a->items[0], 0), 1);
	assert_true(a->items[1]->number == 2.5);
	assert_int_equal(json_long(a->items[2], 0), -300);
	assert_string_equal(json_str(json_get(v, "s")), "q\"\\\n\xc3\xa9\xf0\x9f\x98\x80");
	assert_int_equal(json_get(v, "t")->boolean, 1);
	assert_int_equal(json_get(v, "f")->boolean, 0);
	assert_int_equal(json_get(v, "n")->type, JSON_NULL);
	assert_int_equal(json_get(v, "o")->count, 0);
	assert_null(json_get(v, "missing"));
	assert_null(json_str(json_get(v, "t")));
	assert_int_equal(json_long(json_get(v, "s"), 42), 42);
	json_free(v);
}

static void test_json_rejects_malformed_input_with_offset(void **state)
{
	static const char *const bad[] = {
		"", "{", "[1,]", "{\"a\" 1}", "{\"a\": 1,}", "\"unterminated", "tru", "[1] x",
		"\"\\ud800\"", "\"\\x\"", "\"a\nb\"", "{1: 2}", "-", "[01.]x",
	};
	char err[128];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct json_value *v = NULL;
		err[0] = '\0';
		assert_int_equal(json_parse(bad[i], strlen(bad[i]), &v, err, sizeof(err)), -EINVAL);
		assert_null(v);
		assert_memory_equal(err, "offset ", 7);
	}
	/* 65 nested arrays exceed the depth limit of 64 */
	char deep[140];
	memset(deep, '[', 65);
	memset(deep + 65, ']', 65);
	struct json_value *v = NULL;
	assert_int_equal(json_parse(deep, 130, &v, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "nesting too deep"));
}

static void test_json_write_string_escapes_controls(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	json_write_string(f, "a\"b\\c\n\t\x01\xc3\xa9");
	fclose(f);
	assert_string_equal(buf, "\"a\\\"b\\\\c\\n\\t\\u0001\xc3\xa9\"");
	free(buf);
}

static void test_registry_is_sorted_and_complete(void **state)
{
	size_t n;
	const struct v6scan_check *const *all = registry_all(&n);

	/* one registered check per row of the list (check-consistency.sh
	 * cross-checks the rows against files, pages and fixtures) */
	size_t rows = 0;
#define V6SCAN_CHECK(stem, id, level, confidence, summary) rows++;
#include "checks/checks.def"
#undef V6SCAN_CHECK
	assert_int_equal(n, rows);
	for (size_t i = 0; i < n; i++) {
		assert_memory_equal(all[i]->id, "v6-", 3);
		assert_true(all[i]->confidence == V6SCAN_CONF_HIGH || all[i]->confidence == V6SCAN_CONF_MEDIUM ||
			    all[i]->confidence == V6SCAN_CONF_LOW);
		assert_non_null(all[i]->match);
		assert_non_null(all[i]->summary);
		assert_non_null(all[i]->why);
		assert_non_null(all[i]->fix);
		assert_int_not_equal(all[i]->kinds[0], 0);
		assert_ptr_equal(registry_find(all[i]->id), all[i]);
		assert_int_equal(registry_index(all[i]), (int)i);
		if (i > 0)
			assert_true(strcmp(all[i - 1]->id, all[i]->id) < 0);
	}
	assert_null(registry_find("v6-nope"));
}

static void test_registry_select_applies_globs_in_order(void **state)
{
	size_t n;
	const struct v6scan_check *const *all = registry_all(&n);
	int on[64];
	const char *bad = NULL;

	assert_int_equal(registry_select("-*,v6-inet-*", on, &bad), 0);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(on[i], strncmp(all[i]->id, "v6-inet-", 8) == 0);
	assert_int_equal(registry_select("v6-*, -v6-sockaddr-*", on, &bad), 0);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(on[i], strncmp(all[i]->id, "v6-sockaddr-", 12) != 0);
	assert_int_equal(registry_select("-*,v6-typo", on, &bad), -EINVAL);
	assert_string_equal(bad, "v6-typo");
	assert_int_equal(registry_select("-*,,v6-inet-ntoa", on, &bad), -EINVAL);
	assert_string_equal(bad, ",v6-inet-ntoa");
}

static void test_compdb_sanitise_keeps_ast_flags_only(void **state)
{
	char *argv[] = {
		"/usr/bin/gcc", "-DX=1", "-I", "inc", "-Iinc2", "-std=gnu99", "-include", "cfg.h", "-MD", "-MF",
		"out.d", "-MT", "t.o", "-MMD", "-Wall", "-Werror=format", "-O2", "-g3", "-fconserve-stack",
		"-mindirect-branch=thunk", "-include-pch", "pch.h.pch", "-Winvalid-pch", "-c", "-o", "x.o",
		"src/x.c", "-fPIC", "-U", "Y",
	};
	static const char *const want[] = { "-DX=1", "-I", "inc", "-Iinc2", "-std=gnu99", "-include", "cfg.h",
					     "-fPIC", "-U", "Y" };
	char **out = NULL;
	size_t n = 0;

	assert_int_equal(compdb_sanitise(argv, sizeof(argv) / sizeof(argv[0]), "src/x.c", &out, &n), 0);
	assert_int_equal(n, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(out[i], want[i]);
		free(out[i]);
	}
	free(out);
}

static void test_jobs_finish_sorts_dedupes_excludes_and_shards(void **state)
{
	static const char *const files[] = { "/r/b.c", "/r/a.c", "/r/sub/c.c", "/r/a.c", "/r/skip/d.c", "/o/e.c" };
	char *args[] = { "-DA" };
	struct joblist all = { 0 };
	char *excl[] = { "skip/*" };

	for (size_t i = 0; i < 6; i++)
		assert_int_equal(jobs_add(&all, files[i], "/r", args, 1, i != 3, 0), 0);
	assert_int_equal(jobs_finish(&all, "/r", excl, 1, 0, 0), 0);
	assert_int_equal(all.count, 4);
	assert_string_equal(all.items[0].relpath, "/o/e.c"); /* outside the root: absolute */
	assert_string_equal(all.items[1].relpath, "a.c");
	assert_int_equal(all.items[1].from_db, 1);        /* the database entry won */
	assert_string_equal(all.items[2].relpath, "b.c");
	assert_string_equal(all.items[3].relpath, "sub/c.c");

	/* shards partition the files, deterministically */
	size_t total = 0;
	for (unsigned k = 1; k <= 3; k++) {
		struct joblist part = { 0 };
		for (size_t i = 0; i < 6; i++)
			assert_int_equal(jobs_add(&part, files[i], "/r", args, 1, 1, 0), 0);
		assert_int_equal(jobs_finish(&part, "/r", excl, 1, k, 3), 0);
		for (size_t i = 0; i < part.count; i++)
			for (size_t j = 0; j < all.count; j++)
				if (strcmp(part.items[i].relpath, all.items[j].relpath) == 0)
					total++;
		jobs_free(&part);
	}
	assert_int_equal(total, 4);
	jobs_free(&all);
}

static void test_fingerprints_ignore_lines_and_count_occurrences(void **state)
{
	const struct v6scan_check *c = registry_find("v6-gethostbyname");
	struct findings a, b;
	struct finding f = { .check = c, .level = V6SCAN_ERROR, .path = "x.c", .column = 2, .message = "m",
			     .scope = "main", .subject = "gethostbyname" };

	findings_init(&a);
	findings_init(&b);
	f.line = 10;
	assert_int_equal(findings_add(&a, &f), 0);
	f.line = 20;
	assert_int_equal(findings_add(&a, &f), 0);
	f.line = 10; /* same line twice: one finding after normalising */
	assert_int_equal(findings_add(&a, &f), 0);
	findings_normalise(&a);
	assert_int_equal(a.count, 2);
	assert_int_equal(baseline_fingerprint_all(&a), 0);
	assert_string_not_equal(a.items[0].fingerprint, a.items[1].fingerprint);

	/* the same two calls, 50 lines lower: same fingerprints */
	f.line = 70;
	assert_int_equal(findings_add(&b, &f), 0);
	f.line = 60;
	assert_int_equal(findings_add(&b, &f), 0);
	findings_normalise(&b);
	assert_int_equal(baseline_fingerprint_all(&b), 0);
	assert_string_equal(a.items[0].fingerprint, b.items[0].fingerprint);
	assert_string_equal(a.items[1].fingerprint, b.items[1].fingerprint);
	assert_int_equal(strlen(a.items[0].fingerprint), 16);

	struct findings_counts cnt = findings_count(&b);
	assert_int_equal(cnt.active, 2);
	assert_int_equal(cnt.errors, 2);
	findings_free(&a);
	findings_free(&b);
}

static void test_resdir_finds_builtin_headers_and_honours_override(void **state)
{
	char buf[4096], path[4200], tmpl[] = "/tmp/v6scan-resdir-XXXXXX";

	unsetenv("V6SCAN_RESOURCE_DIR");
	assert_non_null(resdir_detect(buf, sizeof(buf)));
	snprintf(path, sizeof(path), "%s/include/stddef.h", buf);
	assert_int_equal(access(path, R_OK), 0);

	/* an override without include/stddef.h is ignored */
	setenv("V6SCAN_RESOURCE_DIR", "/nonexistent", 1);
	char again[4096];
	assert_non_null(resdir_detect(again, sizeof(again)));
	assert_string_equal(again, buf);

	/* a valid override wins */
	assert_non_null(mkdtemp(tmpl));
	snprintf(path, sizeof(path), "%s/include", tmpl);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/include/stddef.h", tmpl);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);
	setenv("V6SCAN_RESOURCE_DIR", tmpl, 1);
	assert_string_equal(resdir_detect(again, sizeof(again)), tmpl);
	unsetenv("V6SCAN_RESOURCE_DIR");
	unlink(path);
	snprintf(path, sizeof(path), "%s/include", tmpl);
	rmdir(path);
	rmdir(tmpl);
	/* too small a buffer: no result rather than a truncated path */
	assert_null(resdir_detect(again, 4));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_parses_nested_document_with_escapes),
		cmocka_unit_test(test_json_rejects_malformed_input_with_offset),
		cmocka_unit_test(test_json_write_string_escapes_controls),
		cmocka_unit_test(test_registry_is_sorted_and_complete),
		cmocka_unit_test(test_registry_select_applies_globs_in_order),
		cmocka_unit_test(test_compdb_sanitise_keeps_ast_flags_only),
		cmocka_unit_test(test_jobs_finish_sorts_dedupes_excludes_and_shards),
		cmocka_unit_test(test_fingerprints_ignore_lines_and_count_occurrences),
		cmocka_unit_test(test_resdir_finds_builtin_headers_and_honours_override),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
