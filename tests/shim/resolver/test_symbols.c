/* Tests of shim/symbols: one binding per hooks.def line, each the next
 * definition after the caller (here: libc's). */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <string.h>

#include "symbols.h"
#include "v6test.h"

static void test_every_hook_is_bound_to_the_next_definition(void **state)
{
    symbols_bind();
    symbols_bind(); /* idempotent */
    assert_int_equal(symbols_count(), sizeof(struct v6shim_real) / sizeof(void (*)(void)));
    void *const *slot = (void *const *)(const void *)&v6shim_real;
    for (size_t i = 0; i < symbols_count(); i++) {
        const char *name = symbols_name(i);
        assert_non_null(name);
        assert_non_null(slot[i]);
        assert_ptr_equal(slot[i], dlsym(RTLD_NEXT, name));
    }
    assert_null(symbols_name(symbols_count()));
}

static void test_forwarders_reach_libc(void **state)
{
    assert_ptr_equal((void *)v6shim_real.getaddrinfo, dlsym(RTLD_DEFAULT, "getaddrinfo"));
    // NOLINTNEXTLINE(v6-*): the forwarder is tested with an IPv4 literal (v6scan self-scan)
    struct addrinfo hints = {.ai_family = AF_INET, .ai_flags = AI_NUMERICHOST}, *res = NULL;
    assert_int_equal(real_getaddrinfo("192.0.2.1", NULL, &hints, &res), 0);
    assert_int_equal(res->ai_family, AF_INET);
    real_freeaddrinfo(res);
}

static void test_resolver_names_come_first_in_list_order(void **state)
{
    static const char *const want[] = {"gethostbyname",    "gethostbyname_r", "gethostbyname2",
                                       "gethostbyname2_r", "gethostbyaddr",   "gethostbyaddr_r",
                                       "getaddrinfo",      "freeaddrinfo",    "getnameinfo"};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        assert_string_equal(symbols_name(i), want[i]);
}


static void test_fallbacks_cover_only_the_late_glibc_symbols(void **state)
{
    assert_null(symbols_fallback("getaddrinfo"));
    assert_null(symbols_fallback("connect"));
    assert_ptr_equal(symbols_fallback("fcntl64"), dlsym(RTLD_NEXT, "fcntl"));
    int (*cr)(unsigned int, unsigned int, int) =
        (int (*)(unsigned int, unsigned int, int))symbols_fallback("close_range");
    assert_non_null(cr);
    int p[2];
    assert_int_equal(pipe(p), 0);
    int lo = p[0] < p[1] ? p[0] : p[1], hi = p[0] < p[1] ? p[1] : p[0];
    assert_int_equal(cr((unsigned)lo, (unsigned)hi, 0), 0); /* the system call closes both */
    assert_int_equal(fcntl(p[0], F_GETFD), -1);
    assert_int_equal(errno, EBADF);
    assert_int_equal(fcntl(p[1], F_GETFD), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_hook_is_bound_to_the_next_definition),
        cmocka_unit_test(test_forwarders_reach_libc),
        cmocka_unit_test(test_resolver_names_come_first_in_list_order),
        cmocka_unit_test(test_fallbacks_cover_only_the_late_glibc_symbols),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
