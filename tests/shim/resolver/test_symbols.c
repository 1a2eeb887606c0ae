/* Tests of shim/symbols: one binding per hooks.def line, each the next
 * definition after the caller (here: libc's). */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <dlfcn.h>
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
    struct addrinfo hints = {.ai_family = AF_INET, .ai_flags = AI_NUMERICHOST}, *res = NULL;
    assert_int_equal(real_getaddrinfo("192.0.2.1", NULL, &hints, &res), 0);
    assert_int_equal(res->ai_family, AF_INET);
    real_freeaddrinfo(res);
}

static void test_resolver_names_come_first_in_list_order(void **state)
{
    static const char *const want[] = {"gethostbyname", "gethostbyname_r", "gethostbyname2",
                                       "gethostbyname2_r", "gethostbyaddr", "gethostbyaddr_r",
                                       "getaddrinfo", "freeaddrinfo", "getnameinfo"};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        assert_string_equal(symbols_name(i), want[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_hook_is_bound_to_the_next_definition),
        cmocka_unit_test(test_forwarders_reach_libc),
        cmocka_unit_test(test_resolver_names_come_first_in_list_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
