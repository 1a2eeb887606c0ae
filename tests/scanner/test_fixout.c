/* fixout: applying fix-its in place (--fix) and exporting them
 * (--export-fixes), on real files in a temporary directory. */
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

#include "checks/registry.h"
#include "findings.h"
#include "fixout.h"

static char root[64];
/* the scan started "now": files written by the tests are older */
static struct timespec far_future = { .tv_sec = 4102444800 }; /* 2100-01-01 */

static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/v6fixout.XXXXXX");
	return mkdtemp(root) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

static void write_file(const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static char *read_file(const char *name)
{
	static char buf[4096];
	char path[256];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", root, name);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Adds a finding of v6-hints-family-inet at line 1 of path with one
 * replacement (offset, length, text). */
static void add_fix(struct findings *fs, const char *path, unsigned off, unsigned len, const char *text)
{
	struct finding_repl r = {
		.path = (char *)path, .offset = off, .length = len, .line = 1, .column = off + 1, .text = (char *)text
	};
	struct finding f = { .check = registry_find("v6-hints-family-inet"),
			     .level = V6SCAN_ERROR,
			     .path = (char *)path,
			     .line = 1,
			     .column = off + 1,
			     .message = "m",
			     .fix_desc = "d.",
			     .fix = &r,
			     .nfix = 1 };
	assert_int_equal(findings_add(fs, &f), 0);
}

static void test_fixout_apply_rewrites_and_applies_identical_edits_once(void **state)
{
	struct findings fs;
	struct fixout_result res;

	(void)state;
	findings_init(&fs);
	write_file("a.c", "int f = AF_INET; int g = AF_INET;\n");
	/* the same edit from two translation units, and a second one */
	add_fix(&fs, "a.c", 8, 7, "AF_UNSPEC");
	add_fix(&fs, "a.c", 8, 7, "AF_UNSPEC");
	add_fix(&fs, "a.c", 25, 7, "AF_UNSPEC");
	assert_int_equal(fixout_apply(&fs, root, &far_future, &res), 0);
	assert_string_equal(read_file("a.c"), "int f = AF_UNSPEC; int g = AF_UNSPEC;\n");
	assert_int_equal(res.fixes, 3);
	assert_int_equal(res.files, 1);
	assert_int_equal(res.refused, 0);
	findings_free(&fs);
}

static void test_fixout_apply_refuses_overlaps_and_leaves_the_file(void **state)
{
	struct findings fs;
	struct fixout_result res;

	(void)state;
	findings_init(&fs);
	write_file("b.c", "int f = AF_INET;\n");
	add_fix(&fs, "b.c", 8, 7, "AF_UNSPEC");
	add_fix(&fs, "b.c", 11, 4, "INET6"); /* inside the first */
	assert_int_equal(fixout_apply(&fs, root, &far_future, &res), 0);
	assert_string_equal(read_file("b.c"), "int f = AF_INET;\n");
	assert_int_equal(res.refused, 1);
	assert_int_equal(res.files, 0);
	assert_int_equal(res.fixes, 0);
	findings_free(&fs);

	/* two different insertions at one offset: which goes first is not known */
	findings_init(&fs);
	add_fix(&fs, "b.c", 8, 0, "(a)");
	add_fix(&fs, "b.c", 8, 0, "(b)");
	assert_int_equal(fixout_apply(&fs, root, &far_future, &res), 0);
	assert_string_equal(read_file("b.c"), "int f = AF_INET;\n");
	assert_int_equal(res.refused, 1);
	findings_free(&fs);
}

static void test_fixout_apply_refuses_outside_root_stale_and_suppressed(void **state)
{
	struct findings fs;
	struct fixout_result res;
	char link[256], outside[96];

	(void)state;
	/* a symbolic link below the root to a file outside it */
	snprintf(outside, sizeof(outside), "%s.out", root);
	FILE *f = fopen(outside, "w");
	assert_non_null(f);
	fputs("int f = AF_INET;\n", f);
	fclose(f);
	snprintf(link, sizeof(link), "%s/l.c", root);
	assert_int_equal(symlink(outside, link), 0);
	findings_init(&fs);
	add_fix(&fs, "l.c", 8, 7, "AF_UNSPEC");
	assert_int_equal(fixout_apply(&fs, root, &far_future, &res), 0);
	assert_int_equal(res.refused, 1);
	assert_string_equal(read_file("l.c"), "int f = AF_INET;\n");
	unlink(outside);
	findings_free(&fs);

	/* an edit past the end: the file changed since the scan */
	findings_init(&fs);
	write_file("c.c", "int f;\n");
	add_fix(&fs, "c.c", 8, 7, "AF_UNSPEC");
	assert_int_equal(fixout_apply(&fs, root, &far_future, &res), 0);
	assert_int_equal(res.refused, 1);
	assert_string_equal(read_file("c.c"), "int f;\n");
	findings_free(&fs);

	/* a file modified after the scan started: its offsets are stale */
	findings_init(&fs);
	write_file("m.c", "int f = AF_INET;\n");
	add_fix(&fs, "m.c", 8, 7, "AF_UNSPEC");
	struct timespec past = { .tv_sec = 1 };
	assert_int_equal(fixout_apply(&fs, root, &past, &res), 0);
	assert_int_equal(res.refused, 1);
	assert_string_equal(read_file("m.c"), "int f = AF_INET;\n");
	findings_free(&fs);

	/* suppressed and baselined findings are not applied */
	findings_init(&fs);
	write_file("d.c", "int f = AF_INET;\n");
	add_fix(&fs, "d.c", 8, 7, "AF_UNSPEC");
	add_fix(&fs, "d.c", 8, 7, "AF_UNSPEC");
	fs.items[0].suppressed = 1;
	fs.items[1].baselined = 1;
	assert_int_equal(fixout_apply(&fs, root, &far_future, &res), 0);
	assert_int_equal(res.files + res.refused + res.fixes, 0);
	assert_string_equal(read_file("d.c"), "int f = AF_INET;\n");
	findings_free(&fs);
}

static void test_fixout_export_writes_clang_tidy_yaml(void **state)
{
	struct findings fs;
	char *buf = NULL;
	size_t len = 0;
	FILE *mem;

	(void)state;
	findings_init(&fs);
	write_file("e.c", "int f;\nint g = AF_INET;\n");
	add_fix(&fs, "e.c", 15, 7, "it's");
	fs.items[0].line = 2;
	fs.items[0].column = 9;
	mem = open_memstream(&buf, &len);
	assert_non_null(mem);
	assert_int_equal(fixout_export(mem, &fs, root), 0);
	fclose(mem);
	char want[2048];
	snprintf(want, sizeof(want),
		 "---\n"
		 "MainSourceFile:  '%s/e.c'\n"
		 "Diagnostics:\n"
		 "  - DiagnosticName:  v6-hints-family-inet\n"
		 "    DiagnosticMessage:\n"
		 "      Message:         'm'\n"
		 "      FilePath:        '%s/e.c'\n"
		 "      FileOffset:      15\n"
		 "      Replacements:\n"
		 "        - FilePath:        '%s/e.c'\n"
		 "          Offset:          15\n"
		 "          Length:          7\n"
		 "          ReplacementText: 'it''s'\n"
		 "    Level:           Error\n"
		 "    BuildDirectory:  '%s'\n"
		 "...\n",
		 root, root, root, root);
	assert_string_equal(buf, want);
	free(buf);
	findings_free(&fs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixout_apply_rewrites_and_applies_identical_edits_once),
		cmocka_unit_test(test_fixout_apply_refuses_overlaps_and_leaves_the_file),
		cmocka_unit_test(test_fixout_apply_refuses_outside_root_stale_and_suppressed),
		cmocka_unit_test(test_fixout_export_writes_clang_tidy_yaml),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
