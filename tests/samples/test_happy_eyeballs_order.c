/*
 * The candidate order of ported/happy_eyeballs.c (RFC 8305 section 4):
 * families interleaved, starting with the family of the first answer, order
 * kept within each family. Table-driven over documentation addresses; the
 * sample is compiled in with main renamed.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

int happy_eyeballs_main(int argc, char **argv);
#define main happy_eyeballs_main
#include "happy_eyeballs.c"
#undef main

#define MAXN 8

/* Build a getaddrinfo-like list from numeric addresses (AI_NUMERICHOST). */
static struct addrinfo *list_of(const char *const *addrs, int n)
{
    struct addrinfo *head = NULL, **tail = &head;
    for (int i = 0; i < n; i++) {
        struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICHOST}, *one;
        assert_int_equal(getaddrinfo(addrs[i], "80", &hints, &one), 0);
        assert_null(one->ai_next);
        *tail = one;
        tail = &one->ai_next;
    }
    return head;
}

/* Free a list built by list_of (each node came from its own getaddrinfo). */
static void free_list(struct addrinfo *ai)
{
    while (ai != NULL) {
        struct addrinfo *next = ai->ai_next;
        ai->ai_next = NULL;
        freeaddrinfo(ai);
        ai = next;
    }
}

static void check_order(const char *const *in, int n, const char *const *want, int max)
{
    struct addrinfo *res = list_of(in, n);
    struct attempt out[MAXN];
    int got = interleave(res, out, max);
    assert_int_equal(got, n < max ? n : max);
    for (int i = 0; i < got; i++) {
        char host[NI_MAXHOST];
        assert_int_equal(getnameinfo(out[i].ai->ai_addr, out[i].ai->ai_addrlen, host, sizeof host,
                                     NULL, 0, NI_NUMERICHOST),
                         0);
        assert_string_equal(host, want[i]);
        assert_int_equal(out[i].fd, -1);
    }
    free_list(res);
}

static void test_order_alternates_starting_with_ipv6(void **state)
{
    static const char *const in[] = {"2001:db8::1", "2001:db8::2", "2001:db8::3", "192.0.2.1",
                                     "192.0.2.2"};
    static const char *const want[] = {"2001:db8::1", "192.0.2.1", "2001:db8::2", "192.0.2.2",
                                       "2001:db8::3"};
    check_order(in, 5, want, MAXN);
}

static void test_order_starts_with_ipv4_when_it_comes_first(void **state)
{
    static const char *const in[] = {"192.0.2.1", "2001:db8::1", "192.0.2.2", "2001:db8::2"};
    static const char *const want[] = {"192.0.2.1", "2001:db8::1", "192.0.2.2", "2001:db8::2"};
    check_order(in, 4, want, MAXN);
}

static void test_order_keeps_single_family_unchanged(void **state)
{
    static const char *const in[] = {"2001:db8::3", "2001:db8::1", "2001:db8::2"};
    check_order(in, 3, in, MAXN);
    static const char *const v4[] = {"192.0.2.9", "192.0.2.1"};
    check_order(v4, 2, v4, MAXN);
}

static void test_order_interleaves_families_found_late(void **state)
{
    static const char *const in[] = {"192.0.2.1", "192.0.2.2", "192.0.2.3", "2001:db8::1"};
    static const char *const want[] = {"192.0.2.1", "2001:db8::1", "192.0.2.2", "192.0.2.3"};
    check_order(in, 4, want, MAXN);
}

static void test_order_stops_at_the_candidate_limit(void **state)
{
    static const char *const in[] = {"2001:db8::1", "2001:db8::2", "192.0.2.1", "192.0.2.2"};
    static const char *const want[] = {"2001:db8::1", "192.0.2.1", "2001:db8::2"};
    check_order(in, 4, want, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_alternates_starting_with_ipv6),
        cmocka_unit_test(test_order_starts_with_ipv4_when_it_comes_first),
        cmocka_unit_test(test_order_keeps_single_family_unchanged),
        cmocka_unit_test(test_order_interleaves_families_found_late),
        cmocka_unit_test(test_order_stops_at_the_candidate_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
