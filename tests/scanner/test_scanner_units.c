/* Unit tests of v6scan modules that do not need a parse: the check registry
 * and its selection globs, compile-command sanitising, job ordering/sharding,
 * findings normalisation and fingerprints, built-in header discovery. */
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
#include "cli.h"
#include "compdb.h"
#include "findings.h"
#include "jobs.h"
#include "resdir.h"
#include "source.h"

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

/* the checks checks.def marks V6SCAN_CHECK_OFF are off unless a list names
 * them; a list is applied to the default set */
static void test_registry_default_set_leaves_off_checks_out(void **state)
{
	size_t n;
	const struct v6scan_check *const *all = registry_all(&n);
	int on[64];
	const char *bad = NULL;
	int off = registry_index(registry_find("v6-udp-payload-assume"));
	int wire = registry_index(registry_find("v6-wire-format-v4"));
	int plain = registry_index(registry_find("v6-gethostbyname"));

	(void)state;
	assert_true(off >= 0 && wire >= 0 && plain >= 0);
	assert_false(registry_default_on((size_t)off));
	assert_false(registry_default_on((size_t)wire));
	assert_true(registry_default_on((size_t)plain));
	assert_false(registry_default_on(n));
	/* naming one adds it to the default set */
	assert_int_equal(registry_select("v6-udp-payload-assume", on, &bad), 0);
	assert_int_equal(on[off], 1);
	assert_int_equal(on[wire], 0);
	assert_int_equal(on[plain], 1);
	/* "*" is every check */
	assert_int_equal(registry_select("*", on, &bad), 0);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(on[i], 1);
	(void)all;
}

static void test_compdb_sanitise_keeps_ast_flags_only(void **state)
{
	char *argv[] = {
		"/usr/bin/gcc",
		"-DX=1",
		"-I",
		"inc",
		"-Iinc2",
		"-std=gnu99",
		"-include",
		"cfg.h",
		"-MD",
		"-MF",
		"out.d",
		"-MT",
		"t.o",
		"-MMD",
		"-Wall",
		"-Werror=format",
		"-O2",
		"-g3",
		"-fconserve-stack",
		"-mindirect-branch=thunk",
		"-include-pch",
		"pch.h.pch",
		"-Winvalid-pch",
		"-c",
		"-o",
		"x.o",
		"src/x.c",
		"-fPIC",
		"-U",
		"Y",
	};
	static const char *const want[] = { "-DX=1",    "-I",    "inc",   "-Iinc2", "-std=gnu99",
					    "-include", "cfg.h", "-fPIC", "-U",     "Y" };
	char **out = NULL;
	size_t n = 0;

	assert_int_equal(compdb_sanitise(argv, sizeof(argv) / sizeof(argv[0]), "/b", "src/x.c", &out, &n), 0);
	assert_int_equal(n, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(out[i], want[i]);
		free(out[i]);
	}
	free(out);
}

/* The input is found by its resolved path, however the build tool spells it:
 * the command's spelling and the `file` field differ in every row. */
static void test_compdb_sanitise_drops_the_input_by_resolved_path(void **state)
{
	static const struct {
		const char *dir, *file, *arg;
	} cases[] = {
		{ "/w/build/src", "/w/src/x.c", "../../src/x.c" }, /* autotools VPATH via bear */
		{ "/w/build", "../src/x.c", "/w/src/x.c" },        /* meson: relative file */
		{ "/w", "x.c", "./x.c" },                          /* compiledb */
		{ "/w", "/w/sub/../x.c", "x.c" },
		{ "/w/", "x.c", "/w//./x.c" },
	};

	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		char *argv[] = { "cc", "-DA", "-include", "pre.h", "-c", (char *)cases[c].arg, "-Iinc" };
		static const char *const want[] = { "-DA", "-include", "pre.h", "-Iinc" };
		char **out = NULL;
		size_t n = 0;
		assert_int_equal(compdb_sanitise(argv, 7, cases[c].dir, cases[c].file, &out, &n), 0);
		assert_int_equal(n, 4);
		for (size_t i = 0; i < n; i++) {
			assert_string_equal(out[i], want[i]);
			free(out[i]);
		}
		free(out);
	}
	/* a second source on the command line is not given to libclang either;
	 * an argument that is not a source name stays */
	char *argv[] = { "cc", "-c", "a.c", "b.c", "-target", "x86_64-linux-gnu", "extra.o" };
	char **out = NULL;
	size_t n = 0;
	assert_int_equal(compdb_sanitise(argv, 7, "/w", "a.c", &out, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(out[0], "-target");
	assert_string_equal(out[1], "x86_64-linux-gnu");
	assert_string_equal(out[2], "extra.o");
	for (size_t i = 0; i < n; i++)
		free(out[i]);
	free(out);
	char *r = compdb_resolve("/no/such/dir", "../x/./y/../z.c");
	assert_string_equal(r, "/no/such/x/z.c");
	free(r);
	r = compdb_resolve("/no", "../../..");
	assert_string_equal(r, "/");
	free(r);
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
	assert_int_equal(all.count, 3);
	assert_string_equal(all.items[0].relpath, "a.c");
	assert_int_equal(all.items[0].from_db, 1); /* the database entry won */
	assert_string_equal(all.items[1].relpath, "b.c");
	assert_string_equal(all.items[2].relpath, "sub/c.c");
	/* /o/e.c is outside the root: counted, not scanned */
	assert_int_equal(all.dropped.outside, 1);
	assert_int_equal(all.dropped.excluded, 1);
	assert_int_equal(all.dropped.sharded, 0);

	/* shards partition the files, deterministically */
	size_t total = 0;
	for (unsigned k = 1; k <= 3; k++) {
		struct joblist part = { 0 };
		for (size_t i = 0; i < 6; i++)
			assert_int_equal(jobs_add(&part, files[i], "/r", args, 1, 1, 0), 0);
		assert_int_equal(jobs_finish(&part, "/r", excl, 1, k, 3), 0);
		assert_int_equal(part.count + part.dropped.sharded, 3);
		for (size_t i = 0; i < part.count; i++)
			for (size_t j = 0; j < all.count; j++)
				if (strcmp(part.items[i].relpath, all.items[j].relpath) == 0)
					total++;
		jobs_free(&part);
	}
	assert_int_equal(total, 3);
	jobs_free(&all);

	/* the root "/" is written "" (no trailing '/'): everything is below it */
	struct joblist top = { 0 };
	assert_int_equal(jobs_add(&top, "/o/e.c", "/o", args, 1, 1, 0), 0);
	assert_int_equal(jobs_finish(&top, "", NULL, 0, 0, 0), 0);
	assert_int_equal(top.count, 1);
	assert_string_equal(top.items[0].relpath, "o/e.c");
	jobs_free(&top);
	assert_null(jobs_below("/rx/a.c", "/r"));
	assert_null(jobs_below("/r", "/r"));
	assert_string_equal(jobs_below("/r/a.c", "/r"), "a.c");
}

/* mkdir -p of tmp/rel, with an optional .git directory or file in it */
static void make_dir(const char *tmp, const char *rel, const char *git)
{
	char path[512], cmd[1200];

	snprintf(path, sizeof(path), "%s/%s", tmp, rel);
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", path);
	assert_int_equal(system(cmd), 0);
	if (git && strcmp(git, "dir") == 0) {
		snprintf(cmd, sizeof(cmd), "mkdir '%s/.git'", path);
		assert_int_equal(system(cmd), 0);
	} else if (git) {
		snprintf(cmd, sizeof(cmd), "echo 'gitdir: x' > '%s/.git'", path);
		assert_int_equal(system(cmd), 0);
	}
}

static void test_jobs_default_root_is_repository_top_or_common_dir(void **state)
{
	char tmpl[] = "/tmp/v6scan-root-XXXXXX", *tmp = mkdtemp(tmpl), *root = NULL;
	char a[600], b[600], c[600], cmd[700];

	assert_non_null(tmp);
	make_dir(tmp, "repo", "dir");
	make_dir(tmp, "repo/src/net", NULL);
	make_dir(tmp, "repo/lib/sub", NULL);
	make_dir(tmp, "repo/mod", "file"); /* a submodule: a .git file */
	make_dir(tmp, "plain/a/deep", NULL);
	make_dir(tmp, "plain/ab", NULL);
	make_dir(tmp, "gen", NULL);

	/* files deep in a repository: its top level */
	snprintf(a, sizeof(a), "%s/repo/src/net/x.c", tmp);
	snprintf(b, sizeof(b), "%s/repo/lib/sub/y.c", tmp);
	char *two[] = { a, b };
	assert_int_equal(jobs_default_root(two, 2, &root), 0);
	snprintf(c, sizeof(c), "%s/repo", tmp);
	assert_string_equal(root, c);
	free(root);
	/* a submodule (a .git file) alone: its own top; with its parent: the parent */
	snprintf(a, sizeof(a), "%s/repo/mod/m.c", tmp);
	char *one[] = { a };
	assert_int_equal(jobs_default_root(one, 1, &root), 0);
	snprintf(c, sizeof(c), "%s/repo/mod", tmp);
	assert_string_equal(root, c);
	free(root);
	assert_int_equal(jobs_default_root(two, 2, &root), 0);
	snprintf(c, sizeof(c), "%s/repo", tmp);
	assert_string_equal(root, c);
	free(root);
	/* a generated file outside the repository does not pull the root up */
	snprintf(a, sizeof(a), "%s/repo/src/net/x.c", tmp);
	snprintf(b, sizeof(b), "%s/gen/g.c", tmp);
	assert_int_equal(jobs_default_root(two, 2, &root), 0);
	assert_string_equal(root, c);
	free(root);
	/* no repository: the common directory, split at '/' ("a" and "ab") */
	snprintf(a, sizeof(a), "%s/plain/a/deep/x.c", tmp);
	snprintf(b, sizeof(b), "%s/plain/ab/y.c", tmp);
	assert_int_equal(jobs_default_root(two, 2, &root), 0);
	snprintf(c, sizeof(c), "%s/plain", tmp);
	assert_string_equal(root, c);
	free(root);
	/* a directory stands for itself */
	snprintf(a, sizeof(a), "%s/plain/a", tmp);
	assert_int_equal(jobs_default_root(one, 1, &root), 0);
	assert_string_equal(root, a);
	free(root);
	/* nothing in common but "/" */
	char *far[] = { "/usr/include/stdio.h", a };
	assert_int_equal(jobs_default_root(far, 2, &root), 0);
	assert_string_equal(root, "/");
	free(root);
	assert_int_equal(jobs_default_root(NULL, 0, &root), -EINVAL);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	assert_int_equal(system(cmd), 0);
}

static void test_source_token_end_and_utf16_columns(void **state)
{
	static const struct {
		const char *line;
		unsigned col, end;
	} cases[] = {
		{ "\treturn inet_ntoa(a);", 9, 18 }, /* identifier */
		{ "x = 0x7f000001UL;", 5, 17 },      /* pp-number */
		{ "x = 1e+5;", 5, 9 },               /* exponent sign */
		{ "s = \"127.0.0.1\";", 5, 16 },     /* string literal */
		{ "s = \"a\\\"b\";", 5, 11 },        /* escaped quote */
		{ "s = L\"x\";", 5, 9 },             /* encoding prefix */
		{ "c = '.';", 5, 8 },
		{ "a == b", 3, 4 },      /* punctuation: one character */
		{ "s = \"open", 5, 10 }, /* unterminated: to the end */
		{ "ab", 3, 0 },          /* past the end */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(source_token_end(cases[i].line, cases[i].col), cases[i].end);
	/* "é" is 2 bytes and 1 UTF-16 unit, U+1F600 4 bytes and 2 units */
	const char *line = "\"\xc3\xa9\xf0\x9f\x98\x80\" x";
	assert_int_equal(source_utf16_column(line, 1), 1);
	assert_int_equal(source_utf16_column(line, 2), 2);
	assert_int_equal(source_utf16_column(line, 4), 3);
	assert_int_equal(source_utf16_column(line, 8), 5);
	assert_int_equal(source_utf16_column(line, 10), 7);
	assert_int_equal(source_utf16_column(line, 14), 11); /* past the end: one per byte */
	for (unsigned c = 1; c <= 14; c++)
		if (c != 3 && (c < 5 || c > 7)) /* character boundaries */
			assert_int_equal(source_byte_column(line, source_utf16_column(line, c)), c);
	assert_int_equal(source_utf16_column("a\xff"
					     "b",
					     3),
			 3); /* a stray byte is one unit */
}

static void test_findings_sorted_by_column_and_deduplicated_per_check(void **state)
{
	size_t n;
	const struct v6scan_check *const *all = registry_all(&n);
	struct findings fs;
	/* the same check twice on line 3 (kept: the lower column), a later
	 * check at a lower column, and another check at column 9 */
	const struct {
		size_t check;
		unsigned line, col;
	} in[] = {
		{ 1, 3, 20 }, { 0, 3, 9 }, { 1, 3, 5 }, { 1, 2, 7 }, { 0, 3, 30 },
	};

	assert_true(n >= 2);
	findings_init(&fs);
	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		struct finding f = { .check = all[in[i].check],
				     .level = V6SCAN_WARNING,
				     .path = "a.c",
				     .line = in[i].line,
				     .column = in[i].col,
				     .message = "m" };
		assert_int_equal(findings_add(&fs, &f), 0);
	}
	findings_normalise(&fs);
	assert_int_equal(fs.count, 3);
	assert_int_equal(fs.items[0].line, 2);
	assert_int_equal(fs.items[1].column, 5);
	assert_ptr_equal(fs.items[1].check, all[1]);
	assert_int_equal(fs.items[2].column, 9);
	assert_ptr_equal(fs.items[2].check, all[0]);
	findings_free(&fs);
}

static void test_cli_jobs_default_to_online_cpus(void **state)
{
	char *argv[] = { "v6scan", "x.c", NULL };
	char *argv_j[] = { "v6scan", "-j", "3", "x.c", NULL };
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	struct cli_opts o;

	cli_parse(2, argv, &o);
	assert_int_equal(o.action, CLI_SCAN);
	assert_int_equal(o.jobs, cpus < 1 ? 1 : cpus > CLI_JOBS_MAX ? CLI_JOBS_MAX : cpus);
	cli_free(&o);
	cli_parse(4, argv_j, &o);
	assert_int_equal(o.jobs, 3);
	cli_free(&o);
}

static void test_fingerprints_ignore_lines_and_count_occurrences(void **state)
{
	const struct v6scan_check *c = registry_find("v6-gethostbyname");
	struct findings a, b;
	struct finding f = { .check = c,
			     .level = V6SCAN_ERROR,
			     .path = "x.c",
			     .column = 2,
			     .message = "m",
			     .scope = "main",
			     .subject = "gethostbyname" };

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
		cmocka_unit_test(test_registry_is_sorted_and_complete),
		cmocka_unit_test(test_registry_select_applies_globs_in_order),
		cmocka_unit_test(test_registry_default_set_leaves_off_checks_out),
		cmocka_unit_test(test_compdb_sanitise_keeps_ast_flags_only),
		cmocka_unit_test(test_compdb_sanitise_drops_the_input_by_resolved_path),
		cmocka_unit_test(test_jobs_finish_sorts_dedupes_excludes_and_shards),
		cmocka_unit_test(test_jobs_default_root_is_repository_top_or_common_dir),
		cmocka_unit_test(test_source_token_end_and_utf16_columns),
		cmocka_unit_test(test_findings_sorted_by_column_and_deduplicated_per_check),
		cmocka_unit_test(test_cli_jobs_default_to_online_cpus),
		cmocka_unit_test(test_fingerprints_ignore_lines_and_count_occurrences),
		cmocka_unit_test(test_resdir_finds_builtin_headers_and_honours_override),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
