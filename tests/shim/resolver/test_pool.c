/* Tests of shim/pool: allocation order, keys, LRU, pins, TTL, exhaustion,
 * range checks. Runs in a private network namespace (the overlap cases add
 * documentation addresses and routes to its loopback). */
/* NOLINTBEGIN(v6-*): tests of the IPv4 pool (v6scan self-scan). */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pool.h"
#include "v6test.h"

static uint64_t fake_now;
static uint64_t fake_clock(void)
{
    return fake_now;
}

static struct in_addr ip4(const char *s)
{
    struct in_addr a;
    assert_int_equal(inet_pton(AF_INET, s, &a), 1);
    return a;
}

static const char *ntoa(struct in_addr a, char *buf)
{
    return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

static struct pool_cand v6cand(const char *s)
{
    struct pool_cand c = {.family = AF_INET6};
    assert_int_equal(inet_pton(AF_INET6, s, &c.addr.v6), 1);
    return c;
}

/* Fresh 198.18.0.0/15 pool with CAP entries and the fake clock at 0. */
static int setup_cap(size_t cap)
{
    fake_now = 0;
    pool_set_clock(fake_clock);
    return pool_setup(ip4("198.18.0.0"), 15, cap);
}

static int setup4(void **state)
{
    return setup_cap(4);
}

static void map_name(const char *name, const char *expect)
{
    struct pool_cand c = v6cand("2001:db8::1");
    struct in_addr out;
    char buf[INET_ADDRSTRLEN];
    assert_int_equal(pool_map_name(name, &c, 1, 60, &out), 0);
    assert_string_equal(ntoa(out, buf), expect);
}

static void test_addresses_are_given_in_order_from_the_first_usable(void **state)
{
    map_name("a.example", "198.18.0.1");
    map_name("b.example", "198.18.0.2");
    map_name("c.example", "198.18.0.3");
}

static void test_same_name_keeps_its_address_and_gets_the_new_answer(void **state)
{
    map_name("a.example", "198.18.0.1");
    map_name("b.example", "198.18.0.2");
    struct pool_cand c[2] = {v6cand("2001:db8::2"),
                             {.family = AF_INET, .addr.v4 = ip4("192.0.2.9")}};
    struct in_addr out;
    assert_int_equal(pool_map_name("a.example", c, 2, 60, &out), 0);
    assert_int_equal(out.s_addr, ip4("198.18.0.1").s_addr);
    struct pool_view v;
    assert_int_equal(pool_lookup(out, &v), 0);
    assert_string_equal(v.name, "a.example");
    assert_int_equal(v.ncand, 2);
    assert_int_equal(v.cand[0].family, AF_INET6);
    assert_memory_equal(&v.cand[0].addr.v6, &c[0].addr.v6, 16);
    assert_int_equal(v.cand[1].family, AF_INET);
    assert_int_equal(v.cand[1].addr.v4.s_addr, ip4("192.0.2.9").s_addr);
    assert_int_equal(v.v4.s_addr, out.s_addr);
}

static void test_peer_gets_an_address_and_an_empty_name(void **state)
{
    struct in6_addr a;
    inet_pton(AF_INET6, "2001:db8::77", &a);
    struct in_addr out, again;
    assert_int_equal(pool_map_peer(&a, 0, 60, false, &out), 0);
    assert_int_equal(out.s_addr, ip4("198.18.0.1").s_addr);
    assert_int_equal(pool_map_peer(&a, 0, 60, false, &again), 0);
    assert_int_equal(again.s_addr, out.s_addr);
    assert_int_equal(pool_map_peer(&a, 3, 60, false, &again), 0); /* another zone: another peer */
    assert_int_equal(again.s_addr, ip4("198.18.0.2").s_addr);
    struct pool_view v;
    assert_int_equal(pool_lookup(out, &v), 0);
    assert_string_equal(v.name, "");
    assert_int_equal(v.ncand, 1);
    assert_memory_equal(&v.cand[0].addr.v6, &a, 16);
    /* a name equal to the peer's key is a different entry */
    map_name("2001:db8::77%0", "198.18.0.3");
}

static void test_lookup_of_unmapped_or_foreign_address_is_enoent(void **state)
{
    struct pool_view v;
    assert_int_equal(pool_lookup(ip4("198.18.0.1"), &v), -ENOENT);
    assert_int_equal(pool_lookup(ip4("198.18.0.0"), &v), -ENOENT);
    assert_int_equal(pool_lookup(ip4("192.0.2.1"), &v), -ENOENT);
    assert_int_equal(pool_pin(ip4("198.18.0.1")), -ENOENT);
    assert_int_equal(pool_unpin(ip4("198.18.0.1")), -ENOENT);
}

static void test_contains_covers_exactly_the_range(void **state)
{
    assert_true(pool_contains(ip4("198.18.0.0")));
    assert_true(pool_contains(ip4("198.19.255.255")));
    assert_false(pool_contains(ip4("198.17.255.255")));
    assert_false(pool_contains(ip4("198.20.0.0")));
    assert_false(pool_contains(ip4("127.0.0.1")));
}

static void test_bad_arguments_are_einval(void **state)
{
    struct pool_cand c = v6cand("2001:db8::1");
    struct in_addr out;
    assert_int_equal(pool_map_name("", &c, 1, 60, &out), -EINVAL);
    assert_int_equal(pool_map_name(NULL, &c, 1, 60, &out), -EINVAL);
    assert_int_equal(pool_map_name("x", &c, 0, 60, &out), -EINVAL);
    char longname[1100];
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    assert_int_equal(pool_map_name(longname, &c, 1, 60, &out), -EINVAL);
    assert_int_equal(pool_setup(ip4("198.18.0.1"), 15, 4), -EINVAL); /* host bits */
    assert_int_equal(pool_setup(ip4("198.18.0.0"), 31, 4), -EINVAL);
    assert_int_equal(pool_setup(ip4("198.18.0.0"), 15, 0), -EINVAL);
}

static void test_more_than_max_candidates_are_cut(void **state)
{
    struct pool_cand c[POOL_MAX_CAND + 3];
    for (size_t i = 0; i < POOL_MAX_CAND + 3; i++) {
        c[i] = v6cand("2001:db8::1");
        c[i].addr.v6.s6_addr[15] = (uint8_t)i;
    }
    struct in_addr out;
    assert_int_equal(pool_map_name("many", c, POOL_MAX_CAND + 3, 60, &out), 0);
    struct pool_view v;
    assert_int_equal(pool_lookup(out, &v), 0);
    assert_int_equal(v.ncand, POOL_MAX_CAND);
    assert_int_equal(v.cand[POOL_MAX_CAND - 1].addr.v6.s6_addr[15], POOL_MAX_CAND - 1);
}

static void map_fails(const char *name, int err)
{
    struct pool_cand c = v6cand("2001:db8::1");
    struct in_addr out;
    assert_int_equal(pool_map_name(name, &c, 1, 60, &out), err);
}

static void expect_name(const char *addr, const char *name)
{
    struct pool_view v;
    assert_int_equal(pool_lookup(ip4(addr), &v), 0);
    assert_string_equal(v.name, name);
}

static void test_full_pool_never_reassigns_an_address_inside_its_ttl(void **state)
{
    map_name("a", "198.18.0.1");
    map_name("b", "198.18.0.2");
    map_name("c", "198.18.0.3");
    map_name("d", "198.18.0.4");
    fake_now = 59999; /* every entry handed out less than a TTL ago */
    map_fails("e", -ENOSPC);
    expect_name("198.18.0.1", "a");
    expect_name("198.18.0.2", "b");
    expect_name("198.18.0.3", "c");
    expect_name("198.18.0.4", "d");
    map_name("c", "198.18.0.3"); /* a name already there still maps */
}

static void test_full_pool_reuses_the_least_recently_used_expired_entry(void **state)
{
    map_name("a", "198.18.0.1");
    map_name("b", "198.18.0.2");
    map_name("c", "198.18.0.3");
    map_name("d", "198.18.0.4");
    fake_now = 30000;
    map_name("b", "198.18.0.2"); /* b used again: alive until 90 s */
    fake_now = 60000;            /* a, c, d expired; a is the oldest */
    map_name("e", "198.18.0.1");
    expect_name("198.18.0.1", "e");
    map_name("f", "198.18.0.3");
    map_name("g", "198.18.0.4");
    map_fails("h", -ENOSPC); /* b, e, f, g are live */
    expect_name("198.18.0.2", "b");
}

static void test_each_use_keeps_the_address_one_more_ttl(void **state)
{
    map_name("a", "198.18.0.1"); /* ttl 60 s */
    struct pool_view v;
    fake_now = 50000;
    assert_int_equal(pool_lookup(ip4("198.18.0.1"), &v), 0); /* a connect: a use */
    fake_now = 109999;
    assert_int_equal(pool_lookup(ip4("198.18.0.1"), &v), 0);
    fake_now = 169999;
    assert_int_equal(pool_lookup(ip4("198.18.0.1"), &v), -ENOENT); /* 60 s unused */
    map_name("a", "198.18.0.1"); /* resolved again: its old address, alive again */
    fake_now += 59999;
    assert_int_equal(pool_lookup(ip4("198.18.0.1"), &v), 0);
}

static void test_pinned_entry_is_never_reassigned(void **state)
{
    map_name("a", "198.18.0.1");
    map_name("b", "198.18.0.2");
    map_name("c", "198.18.0.3");
    map_name("d", "198.18.0.4");
    assert_int_equal(pool_pin(ip4("198.18.0.1")), 0);
    fake_now = 1000000; /* all expired; a is the oldest but pinned */
    map_name("e", "198.18.0.2");
    expect_name("198.18.0.1", "a");
    assert_int_equal(pool_unpin(ip4("198.18.0.1")), 0);
    assert_int_equal(pool_unpin(ip4("198.18.0.1")), -EINVAL); /* not pinned any more */
    /* The last unpin counts as a use: a stays a's for one more TTL. */
    map_name("f", "198.18.0.3");
    map_name("g", "198.18.0.4");
    map_fails("h", -ENOSPC);
    fake_now += 60000; /* all expired now; e was used least recently */
    map_name("h", "198.18.0.2");
}

static void test_every_entry_pinned_is_enospc(void **state)
{
    const char *names[] = {"a", "b", "c", "d"};
    for (int i = 0; i < 4; i++) {
        char want[INET_ADDRSTRLEN];
        snprintf(want, sizeof want, "198.18.0.%d", i + 1);
        map_name(names[i], want);
        assert_int_equal(pool_pin(ip4(want)), 0);
    }
    fake_now = 1000000; /* long expired, but pinned */
    map_fails("e", -ENOSPC);
    struct in6_addr p;
    inet_pton(AF_INET6, "2001:db8::5", &p);
    struct in_addr out;
    assert_int_equal(pool_map_peer(&p, 0, 60, false, &out), -ENOSPC);
    map_name("c", "198.18.0.3"); /* an existing name still maps */
    assert_int_equal(pool_unpin(ip4("198.18.0.4")), 0);
    fake_now += 60000;
    map_name("e", "198.18.0.4");
}

static void test_acquire_pins_what_it_looked_up(void **state)
{
    map_name("a", "198.18.0.1");
    map_name("b", "198.18.0.2");
    map_name("c", "198.18.0.3");
    map_name("d", "198.18.0.4");
    struct pool_view v;
    assert_int_equal(pool_acquire(ip4("198.18.0.2"), &v), 0);
    assert_string_equal(v.name, "b");
    fake_now = 1000000;
    map_name("e", "198.18.0.1");
    map_name("f", "198.18.0.3");
    map_name("g", "198.18.0.4");
    map_fails("h", -ENOSPC); /* b is held */
    assert_int_equal(pool_acquire(ip4("198.18.0.9"), &v), -ENOENT);
    assert_int_equal(pool_unpin(ip4("198.18.0.2")), 0);
}

static void test_async_unpin_releases_and_counts_as_a_use(void **state)
{
    map_name("a", "198.18.0.1");
    assert_int_equal(pool_pin(ip4("198.18.0.1")), 0);
    assert_int_equal(pool_pin(ip4("198.18.0.1")), 0);
    fake_now = 100000;
    pool_unpin_async(ip4("198.18.0.1"));
    struct pool_view v;
    assert_int_equal(pool_lookup(ip4("198.18.0.1"), &v), 0); /* one pin left */
    fake_now = 500000;
    pool_unpin_async(ip4("198.18.0.1"));
    pool_unpin_async(ip4("198.18.0.1")); /* one too many: ignored */
    pool_unpin_async(ip4("10.0.0.1"));   /* not a pool address: ignored */
    assert_int_equal(pool_unpin(ip4("198.18.0.1")), -EINVAL);
    assert_int_equal(pool_lookup(ip4("198.18.0.1"), &v), 0); /* used at 500 s */
    fake_now = 500000 + 60000;
    assert_int_equal(pool_lookup(ip4("198.18.0.1"), &v), -ENOENT);
}

static void test_over_long_name_is_refused_not_cut(void **state)
{
    char name[POOL_NAME_MAX + 2];
    memset(name, 'x', sizeof name - 1);
    name[sizeof name - 1] = '\0'; /* POOL_NAME_MAX + 1 bytes */
    map_fails(name, -EINVAL);
    name[POOL_NAME_MAX] = '\0'; /* exactly POOL_NAME_MAX: kept whole */
    map_name(name, "198.18.0.1");
    struct pool_view v;
    assert_int_equal(pool_lookup(ip4("198.18.0.1"), &v), 0);
    assert_int_equal(strlen(v.name), POOL_NAME_MAX);
}

static void test_capacity_is_bounded_by_the_range(void **state)
{
    assert_int_equal(pool_setup(ip4("198.18.0.0"), 30, 100), 0); /* 2 usable addresses */
    map_name("a", "198.18.0.1");
    map_name("b", "198.18.0.2");
    map_fails("c", -ENOSPC); /* the range is full, and both are live */
    fake_now = 60000;
    map_name("c", "198.18.0.1"); /* both expired: a (the oldest) is reused */
}

static void test_range_check_refuses_reserved_ranges(void **state)
{
    char err[256];
    assert_int_equal(pool_range_check(ip4("127.0.0.0"), 8, err, sizeof err), -EINVAL);
    assert_string_equal(err, "pool_range 127.0.0.0/8 overlaps 127.0.0.0/8 (loopback)");
    assert_int_equal(pool_range_check(ip4("100.64.0.0"), 16, err, sizeof err), -EINVAL);
    assert_string_equal(
        err, "pool_range 100.64.0.0/16 overlaps 100.64.0.0/10 (carrier-grade NAT, overlay VPNs)");
    assert_int_equal(pool_range_check(ip4("224.1.0.0"), 16, err, sizeof err), -EINVAL);
    assert_int_equal(pool_range_check(ip4("0.0.0.0"), 8, err, sizeof err), -EINVAL);
    assert_int_equal(pool_range_check(ip4("198.18.0.0"), 15, err, sizeof err), 0);
}

static void test_range_check_refuses_a_local_address(void **state)
{
    if (system("ip addr add 192.0.2.1/32 dev lo 2>/dev/null") != 0)
        skip();
    char err[256];
    assert_int_equal(pool_range_check(ip4("192.0.2.0"), 24, err, sizeof err), -EADDRINUSE);
    assert_string_equal(err, "pool_range 192.0.2.0/24 overlaps local address 192.0.2.1 on lo");
    assert_int_equal(system("ip addr del 192.0.2.1/32 dev lo"), 0);
    assert_int_equal(pool_range_check(ip4("192.0.2.0"), 24, err, sizeof err), 0);
}

static void test_range_check_refuses_a_local_route(void **state)
{
    if (system("ip route add 203.0.113.0/24 dev lo 2>/dev/null") != 0)
        skip();
    char err[256];
    assert_int_equal(pool_range_check(ip4("203.0.113.128"), 25, err, sizeof err), -EADDRINUSE);
    assert_string_equal(err,
                        "pool_range 203.0.113.128/25 overlaps local route 203.0.113.0/24 via lo");
    assert_int_equal(pool_range_check(ip4("203.0.112.0"), 24, err, sizeof err), 0);
    assert_int_equal(system("ip route del 203.0.113.0/24 dev lo"), 0);
}


#define HAMMER_THREADS 6
#define HAMMER_ROUNDS 2000

/* A clock that moves 1 ms each time anyone reads it, so entries expire and
 * slots are reused while the threads run. */
static _Atomic uint64_t tick_now;
static uint64_t tick_clock(void)
{
    return atomic_fetch_add(&tick_now, 1);
}

#define HAMMER_TTL_S 2

/* Map a name, then use its address as a program would: whenever the use
 * comes less than a TTL after the mapping, it must find the same name (a
 * different one is a misroute). Pinned, it must keep it. */
static void *hammer(void *arg)
{
    int id = (int)(intptr_t)arg;
    struct pool_cand c = v6cand("2001:db8::1");
    for (int r = 0; r < HAMMER_ROUNDS; r++) {
        char name[32];
        snprintf(name, sizeof name, "h%d-%d", id, r % 50);
        struct in_addr out;
        uint64_t t0 = atomic_load(&tick_now);
        int rc = pool_map_name(name, &c, 1, HAMMER_TTL_S, &out);
        if (rc == -ENOSPC)
            continue; /* every slot live: refused, never misrouted */
        if (rc != 0)
            return (void *)1;
        sched_yield();
        struct pool_view v1, v2;
        rc = pool_acquire(out, &v1);
        uint64_t t1 = atomic_load(&tick_now);
        if (rc == 0 && strcmp(v1.name, name) != 0 && t1 - t0 < HAMMER_TTL_S * 1000u)
            return (void *)2; /* reassigned inside its TTL */
        if (rc != 0 && t1 - t0 < HAMMER_TTL_S * 1000u)
            return (void *)3; /* lost inside its TTL */
        if (rc == 0) {
            sched_yield();
            if (pool_lookup(out, &v2) != 0 || strcmp(v1.name, v2.name) != 0)
                return (void *)4; /* a pinned entry changed */
            if (pool_unpin(out) != 0)
                return (void *)5;
        }
    }
    return NULL;
}

static int setup_ticking(size_t cap)
{
    atomic_store(&tick_now, 0);
    pool_set_clock(tick_clock);
    return pool_setup(ip4("198.18.0.0"), 15, cap);
}

static void test_concurrent_map_pin_lookup_keeps_pinned_entries_consistent(void **state)
{
    assert_int_equal(setup_ticking(64), 0); /* fewer slots than names: reuse races */
    pthread_t t[HAMMER_THREADS];
    for (intptr_t i = 0; i < HAMMER_THREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, hammer, (void *)i), 0);
    for (int i = 0; i < HAMMER_THREADS; i++) {
        void *rc;
        assert_int_equal(pthread_join(t[i], &rc), 0);
        assert_int_equal((intptr_t)rc, 0);
    }
}

static void test_fork_while_other_threads_use_the_pool_leaves_a_usable_pool(void **state)
{
    assert_int_equal(setup_ticking(64), 0);
    pthread_t t[2];
    for (intptr_t i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&t[i], NULL, hammer, (void *)i), 0);
    for (int k = 0; k < 20; k++) {
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            /* the child's only thread: the pool lock must be free */
            struct pool_cand c = v6cand("2001:db8::2");
            struct in_addr out;
            struct pool_view v;
            int rc = pool_map_name("child", &c, 1, 60, &out);
            int ok = rc == -ENOSPC || /* the copied pool may be all live */
                     (rc == 0 && pool_lookup(out, &v) == 0 && strcmp(v.name, "child") == 0);
            /* Leave by exec, as a forked server child does: the threads the
             * parent had do not exist here, and a sanitizer or valgrind would
             * report them (or their allocations) at an _exit. */
            char *const noenv[] = {NULL};
            execle("/bin/sh", "sh", "-c", ok ? "exit 0" : "exit 1", (char *)NULL, noenv);
            _exit(2);
        }
        int st;
        assert_int_equal(waitpid(pid, &st, 0), pid);
        assert_true(WIFEXITED(st));
        assert_int_equal(WEXITSTATUS(st), 0);
    }
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_join(t[i], NULL), 0);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup(f, setup4)
    const struct CMUnitTest tests[] = {
        T(test_addresses_are_given_in_order_from_the_first_usable),
        T(test_same_name_keeps_its_address_and_gets_the_new_answer),
        T(test_peer_gets_an_address_and_an_empty_name),
        T(test_lookup_of_unmapped_or_foreign_address_is_enoent),
        T(test_contains_covers_exactly_the_range),
        T(test_bad_arguments_are_einval),
        T(test_more_than_max_candidates_are_cut),
        T(test_full_pool_never_reassigns_an_address_inside_its_ttl),
        T(test_full_pool_reuses_the_least_recently_used_expired_entry),
        T(test_each_use_keeps_the_address_one_more_ttl),
        T(test_pinned_entry_is_never_reassigned),
        T(test_every_entry_pinned_is_enospc),
        T(test_acquire_pins_what_it_looked_up),
        T(test_async_unpin_releases_and_counts_as_a_use),
        T(test_over_long_name_is_refused_not_cut),
        T(test_capacity_is_bounded_by_the_range),
        T(test_range_check_refuses_reserved_ranges),
        T(test_range_check_refuses_a_local_address),
        T(test_range_check_refuses_a_local_route),
        T(test_concurrent_map_pin_lookup_keeps_pinned_entries_consistent),
        T(test_fork_while_other_threads_use_the_pool_leaves_a_usable_pool),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
/* NOLINTEND(v6-*) */
