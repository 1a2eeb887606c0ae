/*
 * Stress through the real preloaded shim (issue 14): 64 threads, each
 * running thousands of cycles of resolve-by-name + connect + echo + close,
 * over IPv4-only, IPv6-only and dual names of tests/data/stress-hosts, by
 * the legacy API (gethostbyname_r, AF_INET sockets: pool addresses, the
 * Happy Eyeballs race) and the modern one (getaddrinfo AF_UNSPEC and
 * AF_INET). Every cycle must succeed and read back exactly what it sent;
 * after a warm-up (every thread's first cycles: the shim's lazy state, the
 * allocator's arenas, nss_wrapper's cache) the number of open descriptors
 * and VmRSS are noted, and at the end the descriptors must be the same and
 * VmRSS within V6_STRESS_RSS_KB of the noted value.
 *
 * Environment (tests/shim/stress/CMakeLists.txt sets them per build):
 *   V6_STRESS_CYCLES   cycles per thread after the warm-up (default 1000)
 *   V6_STRESS_WARMUP   warm-up cycles per thread (default 20)
 *   V6_STRESS_RSS_KB   allowed VmRSS growth (KiB) from warm-up to the end
 * Runs preloaded (libv6shim.so + nss_wrapper) in a private network namespace.
 */
/* NOLINTBEGIN(v6-*): legacy IPv4 clients driven through the shim on purpose (v6scan self-scan). */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define THREADS 64
#define SERVERS 8 /* accepting threads, one listener */

static const char *const names[] = {
    "v4.stress.v6kit.test",   /* 127.0.0.1 */
    "v6.stress.v6kit.test",   /* ::1 */
    "v6b.stress.v6kit.test",  /* ::1, a second pool entry */
    "dual.stress.v6kit.test", /* both */
};
#define NNAMES (sizeof names / sizeof names[0])

enum way { WAY_GETHOSTBYNAME, WAY_GAI_UNSPEC, WAY_GAI_INET, WAYS };

static unsigned long env_ul(const char *name, unsigned long dflt)
{
    const char *v = getenv(name);
    if (!v || !*v)
        return dflt;
    char *end;
    unsigned long n = strtoul(v, &end, 10);
    return *end ? dflt : n;
}

static int listener;
static uint16_t port;

/* Whether FD is a connection the echo servers accepted (local port = the
 * listener's): those come and go with the servers' threads and are not the
 * clients' to leak. A descriptor closed meanwhile is not counted either. */
static bool server_side(int fd)
{
    struct sockaddr_storage ss;
    socklen_t l = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &l) != 0)
        return errno == EBADF;
    if (fd == listener)
        return false;
    if (ss.ss_family == AF_INET6)
        return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port) == port;
    if (ss.ss_family == AF_INET)
        return ntohs(((struct sockaddr_in *)&ss)->sin_port) == port;
    return false;
}

/* Open descriptors (/proc/self/fd), without opendir's own and the servers'
 * accepted connections. */
static int count_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    assert_non_null(d);
    int n = 0, own = dirfd(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        int fd = atoi(e->d_name);
        n += fd != own && !server_side(fd);
    }
    closedir(d);
    return n;
}

static long vm_rss_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    assert_non_null(f);
    char line[256];
    long kb = -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
            break;
    fclose(f);
    assert_true(kb > 0);
    return kb;
}

/* ---- the echo servers ---- */

static atomic_int server_errors;

/* Reads a line ("...\n") from C and writes it back; 1 for the stop line. */
static int serve_one(int c)
{
    char buf[128];
    size_t n = 0;
    while (n < sizeof buf) {
        ssize_t m = recv(c, buf + n, sizeof buf - n, 0);
        if (m <= 0)
            return 0; /* the losing attempt of a race, closed unused: EOF */
        n += (size_t)m;
        if (buf[n - 1] == '\n')
            break;
    }
    if (n == 5 && memcmp(buf, "stop\n", 5) == 0)
        return 1;
    if (send(c, buf, n, MSG_NOSIGNAL) != (ssize_t)n) {
        print_message("server: send: %s\n", strerror(errno));
        atomic_fetch_add(&server_errors, 1);
    }
    return 0;
}

static void *server(void *arg)
{
    (void)arg;
    for (;;) {
        int c = accept(listener, NULL, NULL);
        if (c < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            print_message("server: accept: %s\n", strerror(errno));
            atomic_fetch_add(&server_errors, 1);
            return NULL;
        }
        /* A bound on waiting (a client that never writes would be a bug
         * the test reports), not a timing check. */
        struct timeval tv = {.tv_sec = 30};
        setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        int stop = serve_one(c);
        close(c);
        if (stop)
            return NULL;
    }
}

/* ---- the clients ---- */

static atomic_int client_errors;
static atomic_long cycles_done;
static unsigned long warmup, cycles;
static pthread_barrier_t noted, measured;

static void client_error(int t, unsigned long i, const char *name, enum way w, const char *what,
                         int err)
{
    if (atomic_fetch_add(&client_errors, 1) < 20)
        print_message("thread %d cycle %lu %s way %d: %s: %s\n", t, i, name, (int)w, what,
                      err ? strerror(err) : "");
}

/* Connects a new socket of FAMILY to SA; returns it, or -1 with errno. */
static int connect_to(int family, const struct sockaddr *sa, socklen_t len)
{
    int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    if (connect(fd, sa, len) == 0)
        return fd;
    int e = errno;
    close(fd);
    errno = e;
    return -1;
}

/* Resolves NAME the way W says and connects: the connected fd, or -1. */
static int resolve_connect(int t, unsigned long i, const char *name, enum way w)
{
    if (w == WAY_GETHOSTBYNAME) {
        struct hostent he, *r = NULL;
        char buf[1024];
        int herr = 0;
        gethostbyname_r(name, &he, buf, sizeof buf, &r, &herr);
        if (!r || r->h_addrtype != AF_INET || !r->h_addr_list[0]) {
            client_error(t, i, name, w, "gethostbyname_r", 0);
            print_message("  h_errno %d\n", herr);
            return -1;
        }
        struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(port)};
        memcpy(&sin.sin_addr, r->h_addr_list[0], sizeof sin.sin_addr);
        int fd = connect_to(AF_INET, (struct sockaddr *)&sin, sizeof sin);
        if (fd < 0)
            client_error(t, i, name, w, "connect", errno);
        return fd;
    }
    struct addrinfo hints = {.ai_family = w == WAY_GAI_INET ? AF_INET : AF_UNSPEC,
                             .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_NUMERICSERV};
    char serv[8];
    snprintf(serv, sizeof serv, "%u", port);
    struct addrinfo *res;
    int g = getaddrinfo(name, serv, &hints, &res);
    if (g != 0) {
        client_error(t, i, name, w, gai_strerror(g), 0);
        return -1;
    }
    int fd = -1, err = 0;
    for (struct addrinfo *a = res; a && fd < 0; a = a->ai_next) {
        fd = connect_to(a->ai_family, a->ai_addr, a->ai_addrlen);
        err = errno;
    }
    freeaddrinfo(res);
    if (fd < 0)
        client_error(t, i, name, w, "connect", err);
    return fd;
}

static void cycle(int t, unsigned long i)
{
    const char *name = names[(t + i) % NNAMES];
    enum way w = (enum way)((t / NNAMES + i) % WAYS);
    int fd = resolve_connect(t, i, name, w);
    if (fd < 0)
        return;
    char msg[64], got[64];
    int n = snprintf(msg, sizeof msg, "%d %lu %s\n", t, i, name);
    if (send(fd, msg, (size_t)n, MSG_NOSIGNAL) != n) {
        client_error(t, i, name, w, "send", errno);
        close(fd);
        return;
    }
    int k = 0;
    ssize_t m;
    while (k < n && (m = recv(fd, got + k, sizeof got - (size_t)k, 0)) > 0)
        k += (int)m;
    if (k != n || memcmp(got, msg, (size_t)n) != 0)
        client_error(t, i, name, w, "echo differs", k < 0 ? errno : 0);
    else
        atomic_fetch_add(&cycles_done, 1);
    if (close(fd) != 0)
        client_error(t, i, name, w, "close", errno);
}

static void *client(void *arg)
{
    int t = (int)(intptr_t)arg;
    unsigned long i = 0;
    for (; i < warmup; i++)
        cycle(t, i);
    pthread_barrier_wait(&noted); /* main notes fds and RSS */
    pthread_barrier_wait(&measured);
    for (; i < warmup + cycles; i++)
        cycle(t, i);
    return NULL;
}

static void test_stress_resolve_connect_echo_close_leaks_nothing(void **state)
{
    (void)state;
    cycles = env_ul("V6_STRESS_CYCLES", 1000);
    warmup = env_ul("V6_STRESS_WARMUP", 20);
    unsigned long rss_bound = env_ul("V6_STRESS_RSS_KB", 4096);

    listener = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(listener >= 0);
    int zero = 0;
    assert_int_equal(setsockopt(listener, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero), 0);
    struct sockaddr_in6 any = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_ANY_INIT};
    assert_int_equal(bind(listener, (struct sockaddr *)&any, sizeof any), 0);
    assert_int_equal(listen(listener, 4096), 0);
    socklen_t l = sizeof any;
    assert_int_equal(getsockname(listener, (struct sockaddr *)&any, &l), 0);
    port = ntohs(any.sin6_port);

    /* libnss-wrapper reads its hosts file on first use without a lock: 64
     * threads making the first lookup at once see HOST_NOT_FOUND now and
     * then (10 of 300 runs of 64 threads, without the shim). One lookup
     * before the threads start, as a program's start-up would. */
    assert_non_null(gethostbyname(names[0]));

    pthread_t srv[SERVERS], cli[THREADS];
    for (int i = 0; i < SERVERS; i++)
        assert_int_equal(pthread_create(&srv[i], NULL, server, NULL), 0);
    assert_int_equal(pthread_barrier_init(&noted, NULL, THREADS + 1), 0);
    assert_int_equal(pthread_barrier_init(&measured, NULL, THREADS + 1), 0);
    for (intptr_t i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&cli[i], NULL, client, (void *)i), 0);
    pthread_barrier_wait(&noted);
    int fds_before = count_fds();
    long rss_before = vm_rss_kb();
    pthread_barrier_wait(&measured);
    for (int i = 0; i < THREADS; i++)
        pthread_join(cli[i], NULL);
    int fds_after = count_fds();
    long rss_after = vm_rss_kb();

    for (int i = 0; i < SERVERS; i++) { /* one stop line per server thread */
        struct sockaddr_in6 lo = {
            .sin6_family = AF_INET6, .sin6_port = htons(port), .sin6_addr = IN6ADDR_LOOPBACK_INIT};
        int fd = connect_to(AF_INET6, (struct sockaddr *)&lo, sizeof lo);
        assert_true(fd >= 0);
        assert_int_equal(send(fd, "stop\n", 5, MSG_NOSIGNAL), 5);
        close(fd);
    }
    for (int i = 0; i < SERVERS; i++)
        pthread_join(srv[i], NULL);
    close(listener);
    pthread_barrier_destroy(&noted);
    pthread_barrier_destroy(&measured);

    print_message("%d threads x (%lu warm-up + %lu) cycles: %ld echoed, %d client errors, "
                  "%d server errors; fds %d -> %d; VmRSS %ld -> %ld kB (bound +%lu)\n",
                  THREADS, warmup, cycles, atomic_load(&cycles_done), client_errors, server_errors,
                  fds_before, fds_after, rss_before, rss_after, rss_bound);
    assert_int_equal(client_errors, 0);
    assert_int_equal(server_errors, 0);
    assert_int_equal(atomic_load(&cycles_done), (long)(THREADS * (warmup + cycles)));
    assert_int_equal(fds_after, fds_before);
    assert_true(rss_after - rss_before <= (long)rss_bound);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stress_resolve_connect_echo_close_leaks_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
/* NOLINTEND(v6-*) */
