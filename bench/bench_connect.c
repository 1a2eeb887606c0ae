/*
 * bench_connect — the connect cost of a legacy client against a ported one.
 *
 *   bench_connect legacy NAME PORT N   gethostbyname(NAME) once, then N times
 *                                      socket(AF_INET) + connect(h_addr:PORT)
 *                                      + close (the legacy way)
 *   bench_connect native NAME PORT N   getaddrinfo(NAME, AF_UNSPEC) once, then
 *                                      N times socket(ai_family) + connect(the
 *                                      first result) + close (the ported way)
 *   bench_connect legacy NAME,NAME2 PORT N   the same, connects alternating
 *                                      between the two names' addresses
 *   bench_connect native NAME,NAME2 PORT N   likewise, the ported way
 *   bench_connect serve PORT           accept-and-close on [::]:PORT, IPv4 too
 *
 * Prints "<mode> <N> <total ns> <ns per connect> <CPU ns per connect>" (the
 * client's own user + system time: less disturbed by a busy machine). bench/connect-bench.sh
 * runs the legacy client with and without the shim and the native one, in
 * interleaved rounds, and reports the connect-rate ratios. The resolve is
 * outside the timed loop: this measures the connect path only.
 */
/* NOLINTBEGIN(v6-*): the legacy half is IPv4-only on purpose: it is what the shim carries. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* CPU time (user + system) this process has used, in ns: the scheduler's
 * own count (CLOCK_PROCESS_CPUTIME_ID), not getrusage's, whose user/system
 * split is sampled at the tick (4 ms here: 8 % of a 2,000-connect round). */
static long long cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static long parse_num(const char *s, long max)
{
    char *end;
    long n = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || n <= 0 || n > max) {
        fprintf(stderr, "bench_connect: bad number '%s'\n", s);
        exit(2);
    }
    return n;
}

static int usage(void)
{
    fprintf(stderr, "usage: bench_connect legacy|native NAME PORT N | serve PORT\n");
    return 2;
}

/* Where to connect: one or two destinations, taken in turn. */
struct dests {
    int n;
    int family[2];
    struct sockaddr_storage sa[2];
    socklen_t len[2];
};

/* N connects to D's destinations in turn; total ns, or -1; *CPU: the CPU
 * time they took. */
static long long connect_loop(const struct dests *d, long n, long long *cpu)
{
    long long c0 = cpu_ns();
    long long t0 = now_ns();
    for (long i = 0; i < n; i++) {
        int k = (int)(i % d->n);
        int fd = socket(d->family[k], SOCK_STREAM, 0);
        if (fd < 0 || connect(fd, (const struct sockaddr *)&d->sa[k], d->len[k]) != 0) {
            perror("bench_connect: connect");
            return -1;
        }
        close(fd);
    }
    long long t = now_ns() - t0;
    *cpu = cpu_ns() - c0;
    return t;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "serve") == 0) {
        struct sockaddr_in6 any = {.sin6_family = AF_INET6,
                                   .sin6_addr = IN6ADDR_ANY_INIT,
                                   .sin6_port = htons((unsigned short)parse_num(argv[2], 65535))};
        int one = 1, zero = 0, lfd = socket(AF_INET6, SOCK_STREAM, 0);
        setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        setsockopt(lfd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
        if (lfd < 0 || bind(lfd, (struct sockaddr *)&any, sizeof any) < 0 ||
            listen(lfd, 4096) < 0) {
            perror("bench_connect: serve");
            return 1;
        }
        for (;;) {
            int c = accept(lfd, NULL, NULL);
            if (c >= 0)
                close(c);
        }
    }
    if (argc != 5)
        return usage();
    char names[512];
    snprintf(names, sizeof names, "%s", argv[2]);
    unsigned short port = (unsigned short)parse_num(argv[3], 65535);
    long n = parse_num(argv[4], 100000000);
    long long total, cpu = 0;
    bool legacy = strcmp(argv[1], "legacy") == 0;
    if (!legacy && strcmp(argv[1], "native") != 0)
        return usage();
    struct dests d = {.n = 0};
    for (char *save = NULL, *name = strtok_r(names, ",", &save); name && d.n < 2;
         name = strtok_r(NULL, ",", &save)) {
        int k = d.n++;
        memset(&d.sa[k], 0, sizeof d.sa[k]);
        if (legacy) {
            struct hostent *h = gethostbyname(name);
            if (!h || h->h_addrtype != AF_INET) {
                fprintf(stderr, "bench_connect: gethostbyname(%s) failed: h_errno %d\n", name,
                        h_errno);
                return 1;
            }
            struct sockaddr_in *sin = (struct sockaddr_in *)&d.sa[k];
            sin->sin_family = AF_INET;
            sin->sin_port = htons(port);
            memcpy(&sin->sin_addr, h->h_addr_list[0], sizeof sin->sin_addr);
            d.family[k] = AF_INET;
            d.len[k] = sizeof *sin;
        } else {
            struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res;
            int rc = getaddrinfo(name, argv[3], &hints, &res);
            if (rc != 0) {
                fprintf(stderr, "bench_connect: getaddrinfo(%s): %s\n", name, gai_strerror(rc));
                return 1;
            }
            d.family[k] = res->ai_family;
            d.len[k] = res->ai_addrlen;
            memcpy(&d.sa[k], res->ai_addr, res->ai_addrlen);
            freeaddrinfo(res);
        }
    }
    if (d.n == 0)
        return usage();
    total = connect_loop(&d, n, &cpu);
    if (total < 0)
        return 1;
    printf("%s %ld %lld %.1f %.1f\n", argv[1], n, total, (double)total / (double)n,
           (double)cpu / (double)n);
    return 0;
}
/* NOLINTEND(v6-*) */
