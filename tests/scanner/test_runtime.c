/* Tests of scanner/runtime.c: reading v6run's report format 2, merging
 * sites over processes, placing them with addr2line on this program's own
 * DWARF line table (the program is built with -g), and matching findings.
 * The call sites are real return addresses of calls in this file. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "runtime.h"

/* The link-time return address of the call to here, as the shim records
 * it: the runtime address minus the object's load base. */
__attribute__((noinline)) static unsigned long long site_here(void)
{
	void *ra = __builtin_extract_return_addr(__builtin_return_address(0));
	Dl_info info;
	assert_true(dladdr(ra, &info) != 0);
	return (unsigned long long)((uintptr_t)ra - (uintptr_t)info.dli_fbase);
}

static char report[64];
static char self[PATH_MAX];
static char source[PATH_MAX];

static int setup(void **state)
{
	(void)state;
	strcpy(report, "/tmp/v6scan-runtime-XXXXXX");
	int fd = mkstemp(report);
	if (fd < 0)
		return -1;
	close(fd);
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return -1;
	self[n] = '\0';
	return realpath(__FILE__, source) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	unlink(report);
	return 0;
}

static void write_report(const char *text)
{
	FILE *f = fopen(report, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static struct runtime *load_ok(void)
{
	struct runtime *rt = NULL;
	char err[256] = "";
	assert_int_equal(runtime_load(report, &rt, err, sizeof(err)), 0);
	assert_non_null(rt);
	return rt;
}

static void test_sites_of_every_process_are_summed_and_placed_at_their_line(void **state)
{
	(void)state;
	/* each line number names the line below it, the call site's */
	int line_a = __LINE__ + 1;
	unsigned long long a = site_here();
	int line_b = __LINE__ + 1;
	unsigned long long b = site_here();
	char *text;
	/* Process 1 ended (counts 3 and 1); process 2 ended (count 4 for A);
	 * process 3 was killed after recording A: at least 1 more. */
	assert_true(
		asprintf(
			&text,
			"{\"v6shim_report\":2,\"kind\":\"site\",\"pid\":10,\"start\":5,\"check\":\"v6-gethostbyname\",\"call\":\"gethostbyname\",\"object\":\"%1$s\",\"address\":\"0x%2$llx\",\"symbol\":null,\"symbol_offset\":null}\n"
			"{\"v6shim_report\":2,\"kind\":\"exit\",\"pid\":10,\"start\":5,\"program\":\"%1$s\",\"end\":\"exit\",\"sites\":["
			"{\"check\":\"v6-gethostbyname\",\"call\":\"gethostbyname\",\"count\":3,\"object\":\"%1$s\",\"address\":\"0x%2$llx\",\"symbol\":null,\"symbol_offset\":null},"
			"{\"check\":\"v6-inet-ntoa\",\"call\":\"inet_ntoa\",\"count\":1,\"object\":\"%1$s\",\"address\":\"0x%3$llx\",\"symbol\":null,\"symbol_offset\":null}],\"dropped\":0}\n"
			"{\"v6shim_report\":2,\"kind\":\"exit\",\"pid\":11,\"start\":6,\"program\":\"%1$s\",\"end\":\"SIGTERM\",\"sites\":["
			"{\"check\":\"v6-gethostbyname\",\"call\":\"gethostbyname\",\"count\":4,\"object\":\"%1$s\",\"address\":\"0x%2$llx\",\"symbol\":null,\"symbol_offset\":null}],\"dropped\":0}\n"
			"{\"v6shim_report\":2,\"kind\":\"site\",\"pid\":12,\"start\":7,\"check\":\"v6-gethostbyname\",\"call\":\"gethostbyname\",\"object\":\"%1$s\",\"address\":\"0x%2$llx\",\"symbol\":null,\"symbol_offset\":null}\n",
			self, a, b) > 0);
	write_report(text);
	free(text);
	struct runtime *rt = load_ok();
	assert_int_equal(rt->processes, 3);
	assert_int_equal(rt->calling, 3);
	assert_int_equal(rt->unfinished, 1);
	assert_int_equal(rt->bad_lines, 0);
	assert_int_equal(rt->count, 2);
	assert_int_equal(runtime_symbolise(rt, NULL), 2);
	/* The finding at line A of this file, same check: 3 + 4 + 1. */
	assert_int_equal(runtime_match(rt, "v6-gethostbyname", source, (unsigned)line_a, NULL), 8);
	assert_int_equal(runtime_match(rt, "v6-inet-ntoa", source, (unsigned)line_b, NULL), 1);
	/* Another check at the same line, another line, another file: no. */
	assert_int_equal(runtime_match(rt, "v6-inet-ntoa", source, (unsigned)line_a, NULL), 0);
	assert_int_equal(runtime_match(rt, "v6-gethostbyname", source, (unsigned)line_a + 1, NULL), 0);
	assert_int_equal(runtime_match(rt, "v6-gethostbyname", "/elsewhere/x.c", (unsigned)line_a, NULL), 0);
	for (size_t i = 0; i < rt->count; i++) {
		assert_int_equal(rt->sites[i].how, RUNTIME_BY_LINE);
		assert_string_equal(rt->sites[i].file, source);
		assert_true(rt->sites[i].matched);
		assert_string_equal(rt->sites[i].function,
				    "test_sites_of_every_process_are_summed_and_placed_at_their_line");
	}
	runtime_free(rt);
}

static void test_without_an_object_a_site_is_matched_by_its_symbol(void **state)
{
	(void)state;
	write_report(
		"{\"v6shim_report\":2,\"kind\":\"exit\",\"pid\":1,\"start\":1,\"program\":\"p\",\"end\":\"exit\",\"sites\":["
		"{\"check\":\"v6-inet-addr\",\"call\":\"inet_addr\",\"count\":2,\"object\":\"/nonexistent/obj\",\"address\":\"0x1234\",\"symbol\":\"parse_peer\",\"symbol_offset\":12},"
		"{\"check\":\"v6-inet-addr\",\"call\":\"inet_addr\",\"count\":5,\"object\":null,\"address\":\"0x99\",\"symbol\":null,\"symbol_offset\":null}],\"dropped\":0}\n");
	struct runtime *rt = load_ok();
	assert_int_equal(rt->count, 2);
	assert_int_equal(runtime_symbolise(rt, NULL), 0);
	assert_int_equal(rt->sites[0].how, RUNTIME_BY_FUNCTION);
	assert_int_equal(rt->sites[1].how, RUNTIME_UNPLACED);
	assert_int_equal(runtime_match(rt, "v6-inet-addr", "/src/a.c", 40, "parse_peer"), 2);
	assert_int_equal(runtime_match(rt, "v6-inet-addr", "/src/a.c", 40, "main"), 0);
	assert_int_equal(runtime_match(rt, "v6-inet-addr", "/src/a.c", 40, NULL), 0);
	runtime_free(rt);
}

static void test_torn_and_foreign_lines_are_skipped_and_counted(void **state)
{
	(void)state;
	write_report(
		"not json\n"
		"{\"v6shim_report\":1,\"kind\":\"exit\",\"pid\":1,\"start\":1,\"sites\":[]}\n"
		"{\"v6shim_report\":2,\"kind\":\"bogus\",\"pid\":1,\"start\":1}\n"
		"{\"v6shim_report\":2,\"kind\":\"site\",\"pid\":1,\"start\":1,\"check\":\"v6-inet-ntoa\",\"address\":\"12\"}\n"
		"{\"v6shim_report\":2,\"kind\":\"site\",\"pid\":2,\"start\":1,\"check\":\"v6-inet-ntoa\",\"call\":\"inet_ntoa\",\"object\":null,\"address\":\"0x10\",\"symbol\":null,\"symbol_offset\":null}\n"
		"{\"v6shim_report\":2,\"kind\":\"exit\",\"pid\":2,\"sta");
	struct runtime *rt = load_ok();
	assert_int_equal(rt->bad_lines, 5);
	assert_int_equal(rt->processes, 1);
	assert_int_equal(rt->unfinished, 1);
	assert_int_equal(rt->count, 1);
	assert_int_equal(rt->sites[0].hits, 1);
	runtime_free(rt);
}

static void test_a_file_with_no_report_line_is_an_error(void **state)
{
	(void)state;
	struct runtime *rt = NULL;
	char err[256] = "";
	write_report("");
	assert_int_equal(runtime_load(report, &rt, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "no report line (format 2) among its 0 line(s)");
	write_report("[1, 2]\n{}\n");
	assert_int_equal(runtime_load(report, &rt, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "no report line (format 2) among its 2 line(s)");
	assert_int_equal(runtime_load("/nonexistent/report.json", &rt, err, sizeof(err)), -ENOENT);
	assert_string_equal(err, "No such file or directory");
	assert_int_equal(runtime_load("/tmp", &rt, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "not a regular file");
	assert_null(rt);
}

static void test_a_tool_that_cannot_run_leaves_sites_by_symbol(void **state)
{
	(void)state;
	unsigned long long a = site_here();
	char *text;
	assert_true(
		asprintf(
			&text,
			"{\"v6shim_report\":2,\"kind\":\"site\",\"pid\":1,\"start\":1,\"check\":\"v6-gethostbyname\",\"call\":\"gethostbyname\",\"object\":\"%s\",\"address\":\"0x%llx\",\"symbol\":\"main\",\"symbol_offset\":7}\n",
			self, a) > 0);
	write_report(text);
	free(text);
	struct runtime *rt = load_ok();
	assert_int_equal(runtime_symbolise(rt, "/nonexistent/addr2line"), 0);
	assert_int_equal(rt->sites[0].how, RUNTIME_BY_FUNCTION);
	assert_string_equal(rt->sites[0].function, "main");
	runtime_free(rt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sites_of_every_process_are_summed_and_placed_at_their_line),
		cmocka_unit_test(test_without_an_object_a_site_is_matched_by_its_symbol),
		cmocka_unit_test(test_torn_and_foreign_lines_are_skipped_and_counted),
		cmocka_unit_test(test_a_file_with_no_report_line_is_an_error),
		cmocka_unit_test(test_a_tool_that_cannot_run_leaves_sites_by_symbol),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
