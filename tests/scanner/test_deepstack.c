/* deepstack: a function run on a thread with a large stack, and a stack
 * that runs out even so (scanner/deepstack.h). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "deepstack.h"

static int answer(void *arg)
{
	assert_int_equal(deepstack_active(), 1);
	assert_int_equal(deepstack_overflowed(), 0);
	return *(int *)arg;
}

static void test_runs_fn_and_returns_its_result(void **state)
{
	int v = 42, ret = -1;

	(void)state;
	assert_int_equal(deepstack_active(), 0);
	assert_int_equal(deepstack_run(answer, &v, &ret), 0);
	assert_int_equal(ret, 42);
	assert_int_equal(deepstack_active(), 0);
}

/* n levels of recursion, each with a frame of about 2 KiB the compiler
 * cannot drop; the levels reached are counted in *reached. (Levels, not
 * frame size, are what ThreadSanitizer limits: its shadow call stack holds
 * 65,536 frames.) */
static __attribute__((noinline)) int recurse(long n, long *reached)
{
	volatile char frame[2048];

	frame[0] = (char)n;
	*reached = n;
	if (n == 0)
		return frame[0];
	return recurse(n - 1, reached) + frame[0] - (char)n + 1;
}

struct depth {
	long n, reached;
};

static int deep(void *arg)
{
	struct depth *d = arg;
	return recurse(d->n, &d->reached);
}

/* 50,000 levels of 2 KiB: about 100 MiB, 12 times the 8 MiB a thread
 * (and libclang's parse thread) gets by default. */
static void test_a_recursion_of_100_mib_completes(void **state)
{
	struct depth d = { 50000, -1 };
	int ret = -1;

	(void)state;
	assert_true(deepstack_size() >= ((size_t)256 << 20));
	assert_int_equal(deepstack_run(deep, &d, &ret), 0);
	assert_int_equal(ret, 50000);
	assert_int_equal(d.reached, 0);
}

/* With a 1 MiB stack, 50,000 levels run out: -EOVERFLOW, the process
 * lives, and the next run works. */
#ifndef V6_UNDER_MEMCHECK
static void test_a_stack_that_runs_out_is_eoverflow(void **state)
{
	struct depth d = { 50000, -1 };
	int ret = -7, v = 5;

	(void)state;
	assert_int_equal(setenv("V6SCAN_STACK_SIZE", "1048576", 1), 0);
	assert_int_equal(deepstack_size(), (size_t)1 << 20);
	assert_int_equal(deepstack_run(deep, &d, &ret), -EOVERFLOW);
	assert_int_equal(ret, -7);            /* fn never returned */
	assert_true(d.reached > 0);           /* it was abandoned on its way down */
	assert_true(d.reached < 50000 - 100); /* after more than 100 levels */
	assert_int_equal(deepstack_run(answer, &v, &ret), 0);
	assert_int_equal(ret, 5);
	d = (struct depth){ 100, -1 }; /* 200 KiB fits in 1 MiB */
	assert_int_equal(deepstack_run(deep, &d, &ret), 0);
	assert_int_equal(ret, 100);
	assert_int_equal(unsetenv("V6SCAN_STACK_SIZE"), 0);
}
#endif

static void test_stack_size_hook_refuses_nonsense(void **state)
{
	const char *bad[] = { "", "12abc", "1000", "-1", "99999999999999999999" };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(setenv("V6SCAN_STACK_SIZE", bad[i], 1), 0);
		assert_int_equal(deepstack_size(), DEEPSTACK_SIZE);
	}
	assert_int_equal(setenv("V6SCAN_STACK_SIZE", "2097152", 1), 0);
	assert_int_equal(deepstack_size(), (size_t)2 << 20);
	assert_int_equal(unsetenv("V6SCAN_STACK_SIZE"), 0);
	assert_int_equal(deepstack_size(), DEEPSTACK_SIZE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_runs_fn_and_returns_its_result),
		cmocka_unit_test(test_a_recursion_of_100_mib_completes),
#ifndef V6_UNDER_MEMCHECK /* (see tests/scanner/CMakeLists.txt) */
		cmocka_unit_test(test_a_stack_that_runs_out_is_eoverflow),
#endif
		cmocka_unit_test(test_stack_size_hook_refuses_nonsense),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
