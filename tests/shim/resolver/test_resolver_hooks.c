/*
 * Tests of the exported resolver hooks: this program runs with
 * libv6shim.so preloaded ahead of libnss-wrapper (names from
 * tests/data/resolver-hosts) in a private network namespace, and calls the
 * plain libc names. "Without the shim" is libnss-wrapper's own function,
 * taken from its handle with dlsym.
 */
/* NOLINTBEGIN(v6-*): tests that call the IPv4-only resolver API on purpose (v6scan self-scan). */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "v6test.h"
#include "v6test_hostent.h"

#define NTHREADS 16
#define ROUNDS 40

static void *nssw(const char *sym)
{
    void *h = dlopen(NSS_WRAPPER_LIBRARY, RTLD_NOLOAD | RTLD_LAZY);
    assert_non_null(h);
    void *f = dlsym(h, sym);
    assert_non_null(f);
    return f;
}

static const char *ntoa(const void *a, char *buf)
{
    return inet_ntop(AF_INET, a, buf, INET_ADDRSTRLEN);
}

/* Runs first: the process's pool is still empty. */
static void test_legacy_gethostbyname_of_ipv6_only_name_gets_198_18_0_1(void **state)
{
    V6TEST_REQUIRE_IPV6();
    struct hostent *h = gethostbyname("v6only.v6kit.test");
    assert_non_null(h);
    assert_int_equal(h->h_addrtype, AF_INET);
    assert_int_equal(h->h_length, 4);
    assert_string_equal(inet_ntoa(*(struct in_addr *)h->h_addr), "198.18.0.1");
    assert_string_equal(h->h_name, "v6only.v6kit.test");
    /* the same name again: the same address */
    h = gethostbyname2("v6only.v6kit.test", AF_INET);
    assert_non_null(h);
    assert_string_equal(inet_ntoa(*(struct in_addr *)h->h_addr), "198.18.0.1");
}

static void test_gethostbyname2_inet6_passes_through(void **state)
{
    V6TEST_REQUIRE_IPV6();
    struct hostent *h = gethostbyname2("v6only.v6kit.test", AF_INET6);
    assert_non_null(h);
    assert_int_equal(h->h_addrtype, AF_INET6);
    assert_int_equal(h->h_length, 16);
    assert_memory_equal(h->h_addr_list[0], &in6addr_loopback, 16);
    assert_null(h->h_addr_list[1]);
}

static void test_dual_name_lists_pool_address_then_ipv4(void **state)
{
    V6TEST_REQUIRE_IPV6();
    struct hostent he, *res = NULL;
    char buf[1024];
    int herr = 0;
    assert_int_equal(gethostbyname_r("dual.v6kit.test", &he, buf, sizeof buf, &res, &herr), 0);
    assert_non_null(res);
    char a[INET_ADDRSTRLEN];
    assert_string_equal(ntoa(he.h_addr_list[0], a), "198.18.0.2");
    assert_string_equal(ntoa(he.h_addr_list[1], a), "127.0.0.1");
    assert_null(he.h_addr_list[2]);
    /* gethostbyaddr on it: the name */
    struct hostent *h = gethostbyaddr(he.h_addr_list[0], 4, AF_INET);
    assert_non_null(h);
    assert_string_equal(h->h_name, "dual.v6kit.test");
}

static void test_ipv4_only_name_is_identical_with_and_without_the_shim(void **state)
{
    int (*plain)(const char *, struct hostent *, char *, size_t, struct hostent **, int *) =
        nssw("gethostbyname_r");
    const char *names[] = {"v4only.v6kit.test", "alias.v6kit.test", "aliastwo", "127.0.0.1"};
    for (size_t n = 0; n < sizeof names / sizeof names[0]; n++) {
        struct hostent *h = gethostbyname(names[n]);
        struct hostent he, *r = NULL;
        char buf[2048];
        int herr = 0;
        assert_int_equal(plain(names[n], &he, buf, sizeof buf, &r, &herr), 0);
        assert_non_null(h);
        assert_non_null(r);
        assert_same_hostent(h, r);
    }
}

static void test_unknown_name_sets_host_not_found(void **state)
{
    h_errno = 0;
    assert_null(gethostbyname("nosuch.v6kit.test"));
    assert_int_equal(h_errno, HOST_NOT_FOUND);
}

static void test_getaddrinfo_inet_gets_pool_address_and_freeaddrinfo_frees_it(void **state)
{
    V6TEST_REQUIRE_IPV6();
    struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *res = NULL;
    assert_int_equal(getaddrinfo("v6only.v6kit.test", "443", &hints, &res), 0);
    assert_int_equal(res->ai_family, AF_INET);
    const struct sockaddr_in *s = (const void *)res->ai_addr;
    char a[INET_ADDRSTRLEN];
    assert_string_equal(ntoa(&s->sin_addr, a), "198.18.0.1");
    assert_int_equal(ntohs(s->sin_port), 443);
    assert_null(res->ai_next);
    char host[NI_MAXHOST];
    assert_int_equal(
        getnameinfo(res->ai_addr, res->ai_addrlen, host, sizeof host, NULL, 0, NI_NAMEREQD), 0);
    assert_string_equal(host, "v6only.v6kit.test");
    freeaddrinfo(res); /* the shim's list: the shim frees it (ASan checks) */
}

static void test_getaddrinfo_unspec_is_untouched(void **state)
{
    int (*plain)(const char *, const char *, const struct addrinfo *, struct addrinfo **) =
        nssw("getaddrinfo");
    void (*plain_free)(struct addrinfo *) = nssw("freeaddrinfo");
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    struct addrinfo *r1 = NULL, *r2 = NULL;
    assert_int_equal(getaddrinfo("dual.v6kit.test", "80", &hints, &r1), 0);
    assert_int_equal(plain("dual.v6kit.test", "80", &hints, &r2), 0);
    const struct addrinfo *a = r1, *b = r2;
    for (; a && b; a = a->ai_next, b = b->ai_next) {
        assert_int_equal(a->ai_family, b->ai_family);
        assert_int_equal(a->ai_addrlen, b->ai_addrlen);
        assert_memory_equal(a->ai_addr, b->ai_addr, a->ai_addrlen);
    }
    assert_true(!a && !b);
    freeaddrinfo(r1); /* not the shim's: handed on */
    plain_free(r2);
}


static void test_reentrant_forms_answer_for_pool_addresses(void **state)
{
    V6TEST_REQUIRE_IPV6();
    struct hostent he, *res = NULL;
    char buf[512];
    int herr = 0;
    assert_int_equal(
        gethostbyname2_r("v6only.v6kit.test", AF_INET, &he, buf, sizeof buf, &res, &herr), 0);
    assert_non_null(res);
    char a[INET_ADDRSTRLEN];
    assert_string_equal(ntoa(he.h_addr_list[0], a), "198.18.0.1");
    struct in_addr pool;
    memcpy(&pool, he.h_addr_list[0], 4);
    res = NULL;
    assert_int_equal(gethostbyaddr_r(&pool, 4, AF_INET, &he, buf, sizeof buf, &res, &herr), 0);
    assert_non_null(res);
    assert_string_equal(he.h_name, "v6only.v6kit.test");
    /* AF_INET6 through gethostbyname2_r is libc's */
    assert_int_equal(
        gethostbyname2_r("v6only.v6kit.test", AF_INET6, &he, buf, sizeof buf, &res, &herr), 0);
    assert_non_null(res);
    assert_int_equal(he.h_addrtype, AF_INET6);
}

struct worker {
    int idx;
    char name[32];
    struct in_addr addr;
    int failures;
    struct hostent *tls;
};

/* All workers stay alive until each has finished, so no thread's
 * storage can be reused by another while pointers are compared. */
static pthread_barrier_t workers_done;

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    for (int r = 0; r < ROUNDS; r++) {
        struct hostent *h = gethostbyname(w->name);
        if (!h || strcmp(h->h_name, w->name) != 0) {
            w->failures++;
            continue;
        }
        struct in_addr a;
        memcpy(&a, h->h_addr_list[0], 4);
        if (r == 0) {
            w->addr = a;
            w->tls = h;
        } else if (a.s_addr != w->addr.s_addr || h != w->tls) {
            w->failures++;
        }
        struct hostent he, *res = NULL;
        char buf[512];
        int herr;
        if (gethostbyname_r(w->name, &he, buf, sizeof buf, &res, &herr) != 0 || !res ||
            memcmp(he.h_addr_list[0], &w->addr, 4) != 0)
            w->failures++;
        struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *ai = NULL;
        if (getaddrinfo(w->name, "80", &hints, &ai) != 0) {
            w->failures++;
        } else {
            const struct sockaddr_in *s = (const void *)ai->ai_addr;
            if (s->sin_addr.s_addr != w->addr.s_addr)
                w->failures++;
            freeaddrinfo(ai);
        }
        struct hostent *back = gethostbyaddr(&w->addr, 4, AF_INET);
        if (!back || strcmp(back->h_name, w->name) != 0)
            w->failures++;
    }
    pthread_barrier_wait(&workers_done);
    return NULL;
}

static void test_many_threads_resolving_different_names_get_distinct_stable_addresses(void **state)
{
    V6TEST_REQUIRE_IPV6();
    struct worker w[NTHREADS];
    pthread_t t[NTHREADS];
    assert_int_equal(pthread_barrier_init(&workers_done, NULL, NTHREADS), 0);
    for (int i = 0; i < NTHREADS; i++) {
        memset(&w[i], 0, sizeof w[i]);
        w[i].idx = i;
        snprintf(w[i].name, sizeof w[i].name, "t%02d.v6kit.test", i);
        assert_int_equal(pthread_create(&t[i], NULL, worker_main, &w[i]), 0);
    }
    for (int i = 0; i < NTHREADS; i++)
        assert_int_equal(pthread_join(t[i], NULL), 0);
    pthread_barrier_destroy(&workers_done);
    for (int i = 0; i < NTHREADS; i++) {
        assert_int_equal(w[i].failures, 0);
        uint32_t h = ntohl(w[i].addr.s_addr);
        assert_true(h > 0xc6120000u && h < 0xc6140000u); /* in 198.18.0.0/15 */
        for (int j = 0; j < i; j++) {
            assert_int_not_equal(w[i].addr.s_addr, w[j].addr.s_addr);
            assert_ptr_not_equal(w[i].tls, w[j].tls); /* per-thread storage */
        }
    }
}


static void *gai_loop(void *arg)
{
    atomic_int *stop = arg;
    while (!atomic_load(stop)) {
        struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *ai = NULL;
        if (getaddrinfo("dual.v6kit.test", "80", &hints, &ai) == 0)
            freeaddrinfo(ai);
    }
    return NULL;
}

static void test_forked_child_keeps_mappings_and_a_working_resolver(void **state)
{
    V6TEST_REQUIRE_IPV6();
    struct hostent *h = gethostbyname("v6only.v6kit.test");
    assert_non_null(h);
    struct in_addr pool;
    memcpy(&pool, h->h_addr_list[0], 4);
    atomic_int stop = 0;
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, gai_loop, &stop), 0);
    for (int k = 0; k < 10; k++) {
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            /* the parent's mapping is here; lookups and frees still work */
            struct hostent *b = gethostbyaddr(&pool, 4, AF_INET);
            int ok = b && strcmp(b->h_name, "v6only.v6kit.test") == 0;
            struct addrinfo hints = {.ai_family = AF_INET}, *ai = NULL;
            ok = ok && getaddrinfo("t15.v6kit.test", "80", &hints, &ai) == 0;
            if (ai)
                freeaddrinfo(ai);
            /* Leave by exec, as a forked server child does: the other thread's
             * in-flight allocations were copied but that thread does not exist
             * here, and valgrind would count them as lost at an _exit. */
            char *const noenv[] = {NULL}; /* no preloads into sh */
            execle("/bin/sh", "sh", "-c", ok ? "exit 0" : "exit 1", (char *)NULL, noenv);
            _exit(2);
        }
        int st;
        assert_int_equal(waitpid(pid, &st, 0), pid);
        assert_true(WIFEXITED(st));
        assert_int_equal(WEXITSTATUS(st), 0);
    }
    atomic_store(&stop, 1);
    assert_int_equal(pthread_join(t, NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_legacy_gethostbyname_of_ipv6_only_name_gets_198_18_0_1),
        cmocka_unit_test(test_gethostbyname2_inet6_passes_through),
        cmocka_unit_test(test_dual_name_lists_pool_address_then_ipv4),
        cmocka_unit_test(test_ipv4_only_name_is_identical_with_and_without_the_shim),
        cmocka_unit_test(test_unknown_name_sets_host_not_found),
        cmocka_unit_test(test_getaddrinfo_inet_gets_pool_address_and_freeaddrinfo_frees_it),
        cmocka_unit_test(test_getaddrinfo_unspec_is_untouched),
        cmocka_unit_test(test_reentrant_forms_answer_for_pool_addresses),
        cmocka_unit_test(test_many_threads_resolving_different_names_get_distinct_stable_addresses),
        cmocka_unit_test(test_forked_child_keeps_mappings_and_a_working_resolver),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
/* NOLINTEND(v6-*) */
