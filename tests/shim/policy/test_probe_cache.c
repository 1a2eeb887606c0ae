/* Tests of shim/probe_cache: source probes kept PROBE_CACHE_TTL_MS per
 * destination, with real probes on loopback (NETNS) through socket calls
 * that count themselves, on an explicit clock (no timing). */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "policy_test_addr.h"
#include "probe_cache.h"
#include "v6test.h"

static unsigned n_socket, n_connect; /* connects to a destination, not AF_UNSPEC resets */
static bool fail_sockets;

static int count_socket(int d, int t, int p)
{
    n_socket++;
    if (fail_sockets) {
        errno = EMFILE;
        return -1;
    }
    return socket(d, t, p);
}

static int count_connect(int fd, const struct sockaddr *a, socklen_t l)
{
    if (a->sa_family != AF_UNSPEC)
        n_connect++;
    return connect(fd, a, l);
}

static const struct policy_sockops counting = {
    .socket = count_socket,
    .connect = count_connect,
};

static int setup(void **state)
{
    n_socket = n_connect = 0;
    fail_sockets = false;
    return 0;
}

static struct policy_cand dest(const char *dst, size_t index)
{
    struct policy_cand c;
    memset(&c, 0, sizeof c);
    c.dst.sin6_family = AF_INET6;
    c.dst.sin6_addr = addr(dst);
    c.index = index;
    return c;
}

static void test_second_probe_within_the_ttl_makes_no_system_call(void **state)
{
    V6TEST_REQUIRE_IPV6();
    struct probe_cache pc = {0};
    struct policy_cand a[2] = {dest("::1", 0), dest("127.0.0.1", 1)};
    assert_int_equal(probe_cache_sources(&pc, &counting, a, 2, 5000), 0);
    assert_true(a[0].src_ok && a[1].src_ok);
    assert_int_equal(n_connect, 2);
    assert_true(n_socket >= 2); /* a UDP socket per family, and the netlink dumps */
    assert_int_equal(pc.misses, 2);

    struct policy_cand b[2] = {dest("::1", 0), dest("127.0.0.1", 1)};
    n_socket = n_connect = 0;
    assert_int_equal(probe_cache_sources(&pc, &counting, b, 2, 5000 + PROBE_CACHE_TTL_MS - 1), 0);
    assert_int_equal(n_socket, 0);
    assert_int_equal(n_connect, 0);
    assert_int_equal(pc.hits, 2);
    for (int i = 0; i < 2; i++) { /* the very same answer */
        assert_memory_equal(&b[i].src, &a[i].src, sizeof a[i].src);
        assert_int_equal(b[i].src_ok, a[i].src_ok);
        assert_int_equal(b[i].src_flags, a[i].src_flags);
        assert_int_equal(b[i].src_prefixlen, a[i].src_prefixlen);
    }
}

static void test_probe_at_the_ttl_asks_the_kernel_again(void **state)
{
    V6TEST_REQUIRE_IPV6();
    struct probe_cache pc = {0};
    struct policy_cand a[1] = {dest("::1", 0)};
    assert_int_equal(probe_cache_sources(&pc, &counting, a, 1, 100), 0);
    n_connect = 0;
    assert_int_equal(probe_cache_sources(&pc, &counting, a, 1, 100 + PROBE_CACHE_TTL_MS), 0);
    assert_int_equal(n_connect, 1);
    assert_int_equal(pc.misses, 2);
}

static void test_only_the_new_destination_is_probed(void **state)
{
    V6TEST_REQUIRE_IPV6();
    struct probe_cache pc = {0};
    struct policy_cand a[1] = {dest("127.0.0.1", 0)};
    assert_int_equal(probe_cache_sources(&pc, &counting, a, 1, 0 + 1), 0);
    struct policy_cand b[3] = {dest("::1", 0), dest("127.0.0.1", 1), dest("2001:db8::1", 2)};
    n_connect = 0;
    assert_int_equal(probe_cache_sources(&pc, &counting, b, 3, 2), 0);
    assert_int_equal(n_connect, 2); /* ::1 and 2001:db8::1; 127.0.0.1 from the cache */
    assert_true(b[0].src_ok);
    assert_true(b[1].src_ok);
    assert_false(b[2].src_ok); /* no route in the namespace: rule 1, cached too */
    n_connect = 0;
    assert_int_equal(probe_cache_sources(&pc, &counting, b, 3, 3), 0);
    assert_int_equal(n_connect, 0);
    assert_false(b[2].src_ok);
}

static void test_scope_is_part_of_the_key(void **state)
{
    V6TEST_REQUIRE_IPV6();
    struct probe_cache pc = {0};
    struct policy_cand a[1] = {dest("::1", 0)};
    assert_int_equal(probe_cache_sources(&pc, &counting, a, 1, 1), 0);
    a[0].dst.sin6_scope_id = 1; /* the same address in another zone is another key */
    n_connect = 0;
    probe_cache_sources(&pc, &counting, a, 1, 2);
    assert_int_equal(n_connect, 1);
}

static void test_failed_probe_is_not_remembered(void **state)
{
    struct probe_cache pc = {0};
    struct policy_cand a[1] = {dest("127.0.0.1", 0)};
    fail_sockets = true;
    assert_int_equal(probe_cache_sources(&pc, &counting, a, 1, 1), -EMFILE);
    assert_false(a[0].src_ok);
    fail_sockets = false;
    n_connect = 0;
    assert_int_equal(probe_cache_sources(&pc, &counting, a, 1, 2), 0);
    assert_int_equal(n_connect, 1); /* asked again, not answered "no source" from memory */
    assert_true(a[0].src_ok);
}

static void test_more_destinations_than_slots_keep_the_newest(void **state)
{
    struct probe_cache pc = {0};
    /* 2001:db8::1 .. ::20 have no route: cheap probes, each its own key */
    for (unsigned i = 1; i <= PROBE_CACHE_SLOTS + 4; i++) {
        char txt[32];
        snprintf(txt, sizeof txt, "2001:db8::%x", i);
        struct policy_cand c[1] = {dest(txt, 0)};
        assert_int_equal(probe_cache_sources(&pc, &counting, c, 1, i), 0);
    }
    n_connect = 0;
    struct policy_cand newest[1] = {dest("2001:db8::14", 0)}, oldest[1] = {dest("2001:db8::1", 0)};
    probe_cache_sources(&pc, &counting, newest, 1, 30);
    assert_int_equal(n_connect, 0);
    probe_cache_sources(&pc, &counting, oldest, 1, 30);
    assert_int_equal(n_connect, 1);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup(f, setup)
    const struct CMUnitTest tests[] = {
        T(test_second_probe_within_the_ttl_makes_no_system_call),
        T(test_probe_at_the_ttl_asks_the_kernel_again),
        T(test_only_the_new_destination_is_probed),
        T(test_scope_is_part_of_the_key),
        T(test_failed_probe_is_not_remembered),
        T(test_more_destinations_than_slots_keep_the_newest),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
