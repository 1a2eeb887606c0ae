/*
 * res_query/res_search and getaddrinfo_a through the preloaded shim, ahead
 * of libnss-wrapper (names from tests/data/resolver-hosts), in private
 * network and mount namespaces (private_resolv.sh) whose resolv.conf names
 * 127.0.0.1, where this program runs a fake DNS server: every query gets a
 * NOERROR answer of its own type (A 192.0.2.53, else a 4-byte record), but
 * AAAA only for v6only.* (2001:db8::53; other names have none: an IPv4-only
 * DNS), so a pass-through is seen reaching the name server and a
 * synthesised answer is seen not to. "libc's own" is glibc's function from
 * libc.so.6's handle.
 */
/* NOLINTBEGIN(v6-*): tests of the IPv4-only resolver API on purpose (v6scan self-scan). */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <dlfcn.h>
#include <errno.h>
#include <netdb.h>
#include <resolv.h>
#include <semaphore.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t dns_pid;

/* The fake name server: answers until killed. */
static void fake_dns_serve(int fd)
{
    for (;;) {
        unsigned char q[512], r[600];
        struct sockaddr_storage from;
        socklen_t fl = sizeof from;
        ssize_t n = recvfrom(fd, q, sizeof q, 0, (struct sockaddr *)&from, &fl);
        if (n < 17)
            continue;
        size_t qend = 12;
        while (qend < (size_t)n && q[qend])
            qend += q[qend] + 1u;
        qend += 5; /* root label, type, class */
        if (qend > (size_t)n)
            continue;
        unsigned type = (unsigned)q[qend - 4] << 8 | q[qend - 3];
        memcpy(r, q, qend);
        r[2] = 0x81; /* QR RD */
        r[3] = 0x80; /* RA, NOERROR */
        bool v6name = q[12] == 6 && memcmp(q + 13, "v6only", 6) == 0;
        r[6] = 0, r[7] = type != ns_t_aaaa || v6name, r[8] = r[9] = r[10] = r[11] = 0;
        if (!r[7]) { /* NODATA */
            sendto(fd, r, qend, 0, (struct sockaddr *)&from, fl);
            continue;
        }
        static const unsigned char a[4] = {192, 0, 2, 53};
        static const unsigned char aaaa[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 0x53};
        static const unsigned char other[4] = {3, 'f', 'a', 'k'};
        const unsigned char *rd = type == ns_t_a ? a : type == ns_t_aaaa ? aaaa : other;
        size_t rdl = type == ns_t_aaaa ? 16 : 4;
        unsigned char *p = r + qend;
        *p++ = 0xc0, *p++ = 12;
        *p++ = (unsigned char)(type >> 8), *p++ = (unsigned char)type;
        *p++ = 0, *p++ = 1, *p++ = 0, *p++ = 0, *p++ = 0, *p++ = 60;
        *p++ = 0, *p++ = (unsigned char)rdl;
        memcpy(p, rd, rdl);
        p += rdl;
        sendto(fd, r, (size_t)(p - r), 0, (struct sockaddr *)&from, fl);
    }
}

static int setup(void **state)
{
    (void)state;
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(53)};
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof sin) != 0) {
        fprintf(stderr, "cannot bind 127.0.0.1:53: %s\n", strerror(errno));
        return -1;
    }
    dns_pid = fork();
    if (dns_pid == 0) {
        fake_dns_serve(fd);
        _exit(0);
    }
    close(fd);
    return dns_pid > 0 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    kill(dns_pid, SIGKILL);
    waitpid(dns_pid, NULL, 0);
    return 0;
}

static void *libc_sym(const char *sym)
{
    void *h = dlopen("libc.so.6", RTLD_NOLOAD | RTLD_LAZY);
    assert_non_null(h);
    void *f = dlsym(h, sym);
    assert_non_null(f);
    return f;
}

/* The A records of answer MSG[0..N) as dotted quads, space-separated. */
static void a_records(const unsigned char *msg, int n, char *out, size_t len)
{
    ns_msg h;
    out[0] = '\0';
    assert_int_equal(ns_initparse(msg, n, &h), 0);
    for (int i = 0; i < ns_msg_count(h, ns_s_an); i++) {
        ns_rr rr;
        assert_int_equal(ns_parserr(&h, ns_s_an, i, &rr), 0);
        if (ns_rr_type(rr) != ns_t_a)
            continue;
        char t[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, ns_rr_rdata(rr), t, sizeof t);
        snprintf(out + strlen(out), len - strlen(out), "%s%s", *out ? " " : "", t);
    }
}

/* Runs first: the pool is empty. */
static void test_res_query_a_of_ipv6_only_name_is_synthesised_with_the_pool_address(void **state)
{
    (void)state;
    unsigned char ans[512];
    char got[256];
    int n = res_query("v6only.v6kit.test", ns_c_in, ns_t_a, ans, sizeof ans);
    assert_true(n > 0);
    a_records(ans, n, got, sizeof got);
    assert_string_equal(got, "198.18.0.1");
    /* the same address gethostbyname gives */
    struct hostent *he = gethostbyname("v6only.v6kit.test");
    assert_non_null(he);
    assert_memory_equal(he->h_addr, "\xc6\x12\x00\x01", 4);
    n = res_search("dual.v6kit.test", ns_c_in, ns_t_a, ans, sizeof ans);
    assert_true(n > 0);
    a_records(ans, n, got, sizeof got);
    assert_string_equal(got, "198.18.0.2 127.0.0.1");
}

static void test_res_query_other_types_and_ipv4_only_names_reach_the_name_server(void **state)
{
    (void)state;
    int (*libc_query)(const char *, int, int, unsigned char *, int) = libc_sym("res_query");
    static const struct {
        const char *name;
        int type;
    } cases[] = {
        {"v6only.v6kit.test", ns_t_aaaa},
        {"v6only.v6kit.test", ns_t_mx},
        {"v4only.v6kit.test", ns_t_a},
        {"dnsonly.v6kit.test", ns_t_a},
        {"::1", ns_t_a},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        unsigned char mine[512], theirs[512];
        int nm = res_query(cases[i].name, ns_c_in, cases[i].type, mine, sizeof mine);
        int nt = libc_query(cases[i].name, ns_c_in, cases[i].type, theirs, sizeof theirs);
        print_message("%s type %d: %d / %d\n", cases[i].name, cases[i].type, nm, nt);
        assert_true(nm > 12);
        assert_int_equal(nm, nt);
        assert_memory_equal(mine + 2, theirs + 2, (size_t)nm - 2); /* all but the id */
    }
    unsigned char ans[512];
    char got[256];
    int n = res_query("v4only.v6kit.test", ns_c_in, ns_t_a, ans, sizeof ans);
    a_records(ans, n, got, sizeof got);
    assert_string_equal(got, "192.0.2.53"); /* the server's, not the hosts file's */
    /* class CHAOS: passed through too */
    n = res_query("v6only.v6kit.test", ns_c_chaos, ns_t_a, ans, sizeof ans);
    assert_true(n > 0);
    a_records(ans, n, got, sizeof got);
    assert_string_equal(got, "192.0.2.53");
}

static void test_res_query_into_a_short_buffer_is_truncated_with_tc(void **state)
{
    (void)state;
    unsigned char ans[512], small[20];
    int full = res_query("dual.v6kit.test", ns_c_in, ns_t_a, ans, sizeof ans);
    assert_true(full > (int)sizeof small);
    memset(small, 0xee, sizeof small);
    assert_int_equal(res_query("dual.v6kit.test", ns_c_in, ns_t_a, small, sizeof small), full);
    assert_true(small[2] & 0x02); /* TC */
    assert_memory_equal(small + 3, ans + 3, sizeof small - 3);
}

static void test_getaddrinfo_a_answers_inet_requests_and_passes_the_rest_to_glibc(void **state)
{
    (void)state;
    struct addrinfo h4 = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM};
    struct addrinfo hu = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    struct gaicb r1 = {.ar_name = "v6only.v6kit.test", .ar_service = "80", .ar_request = &h4};
    struct gaicb r2 = {.ar_name = "localhost", .ar_request = &hu};
    struct gaicb r3 = {.ar_name = "dnsonly.v6kit.test", .ar_request = &h4};
    struct gaicb *list[] = {&r1, NULL, &r2, &r3};
    assert_int_equal(getaddrinfo_a(GAI_WAIT, list, 4, NULL), 0);
    assert_int_equal(gai_error(&r1), 0);
    assert_non_null(r1.ar_result);
    assert_int_equal(r1.ar_result->ai_family, AF_INET);
    const struct sockaddr_in *sin = (const void *)r1.ar_result->ai_addr;
    assert_memory_equal(&sin->sin_addr, "\xc6\x12\x00\x01", 4);
    assert_int_equal(ntohs(sin->sin_port), 80);
    freeaddrinfo(r1.ar_result);
    /* AF_UNSPEC: glibc's own threads, glibc's own answer */
    assert_int_equal(gai_error(&r2), 0);
    struct addrinfo *want = NULL;
    int (*libc_gai)(const char *, const char *, const struct addrinfo *, struct addrinfo **) =
        libc_sym("getaddrinfo");
    assert_int_equal(libc_gai("localhost", NULL, &hu, &want), 0);
    struct addrinfo *x = r2.ar_result, *y = want;
    for (; x && y; x = x->ai_next, y = y->ai_next) {
        assert_int_equal(x->ai_family, y->ai_family);
        assert_int_equal(x->ai_addrlen, y->ai_addrlen);
        assert_memory_equal(x->ai_addr, y->ai_addr, x->ai_addrlen);
    }
    assert_null(x);
    assert_null(y);
    freeaddrinfo(want);
    /* a name only DNS knows, IPv4 only: the shim's getaddrinfo hands it to
     * libc, which asks the name server */
    assert_int_equal(gai_error(&r3), 0);
    sin = (const void *)r3.ar_result->ai_addr;
    assert_memory_equal(&sin->sin_addr, "\xc0\x00\x02\x35", 4);
    assert_null(r3.ar_result->ai_next);
    freeaddrinfo(r3.ar_result);
    /* done requests: suspend and cancel say what they say of a request
     * glibc finished (r2): all done */
    const struct gaicb *wait1[] = {&r1}, *wait2[] = {&r2};
    assert_int_equal(gai_suspend(wait2, 1, NULL), EAI_ALLDONE);
    assert_int_equal(gai_suspend(wait1, 1, NULL), EAI_ALLDONE);
    assert_int_equal(gai_cancel(&r2), EAI_ALLDONE);
    assert_int_equal(gai_cancel(&r1), EAI_ALLDONE);
    freeaddrinfo(r2.ar_result);
}

static sem_t notified;
static void on_done(union sigval v)
{
    (void)v;
    sem_post(&notified);
}

static void test_getaddrinfo_a_nowait_of_only_inet_requests_still_notifies(void **state)
{
    (void)state;
    assert_int_equal(sem_init(&notified, 0, 0), 0);
    struct addrinfo h4 = {.ai_family = AF_INET, .ai_socktype = SOCK_DGRAM};
    struct gaicb r = {.ar_name = "dual.v6kit.test", .ar_request = &h4};
    struct gaicb *list[] = {&r};
    struct sigevent ev = {.sigev_notify = SIGEV_THREAD, .sigev_notify_function = on_done};
    assert_int_equal(getaddrinfo_a(GAI_NOWAIT, list, 1, &ev), 0);
    assert_int_equal(sem_wait(&notified), 0); /* no timeout: ctest's bounds the test */
    assert_int_equal(gai_error(&r), 0);
    const struct sockaddr_in *sin = (const void *)r.ar_result->ai_addr;
    assert_memory_equal(&sin->sin_addr, "\xc6\x12\x00\x02", 4);
    assert_non_null(r.ar_result->ai_next); /* 127.0.0.1 after it */
    freeaddrinfo(r.ar_result);
    /* a bad mode is glibc's error, nothing answered */
    struct gaicb r2 = {.ar_name = "v6only.v6kit.test", .ar_request = &h4};
    struct gaicb *l2[] = {&r2};
    errno = 0;
    assert_int_equal(getaddrinfo_a(7, l2, 1, NULL), EAI_SYSTEM);
    assert_int_equal(errno, EINVAL);
    assert_null(r2.ar_result);
    sem_destroy(&notified);
}

/* glibc 2.36's getaddrinfo_a crashes under ThreadSanitizer with or without
 * the shim (a three-line program built with -fsanitize=thread and calling
 * getaddrinfo_a(GAI_WAIT) segfaults): the TSan build leaves those two cases
 * out; every other build runs them. */
#if defined(__SANITIZE_THREAD__)
#define V6_NO_GAI_A 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define V6_NO_GAI_A 1
#endif
#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_res_query_a_of_ipv6_only_name_is_synthesised_with_the_pool_address),
        cmocka_unit_test(test_res_query_other_types_and_ipv4_only_names_reach_the_name_server),
        cmocka_unit_test(test_res_query_into_a_short_buffer_is_truncated_with_tc),
#ifndef V6_NO_GAI_A
        cmocka_unit_test(test_getaddrinfo_a_answers_inet_requests_and_passes_the_rest_to_glibc),
        cmocka_unit_test(test_getaddrinfo_a_nowait_of_only_inet_requests_still_notifies),
#endif
    };
#ifdef V6_NO_GAI_A
    (void)test_getaddrinfo_a_answers_inet_requests_and_passes_the_rest_to_glibc;
    (void)test_getaddrinfo_a_nowait_of_only_inet_requests_still_notifies;
#endif
    return cmocka_run_group_tests(tests, setup, teardown);
}
/* NOLINTEND(v6-*) */
