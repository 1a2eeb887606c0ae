/*
 * bench_resolve — one resolver call in a loop, timed: the lookups the shim's
 * resolver benchmark compares (bench/resolve-bench.sh).
 *
 *   bench_resolve gethostbyname NAME N   the legacy call (under the shim:
 *                                        what the shim makes of it)
 *   bench_resolve getaddrinfo NAME N     getaddrinfo(NAME, AF_UNSPEC,
 *                                        SOCK_STREAM) + freeaddrinfo: what a
 *                                        ported program calls instead
 *
 * Prints one line: "<mode> <N> <total ns> <ns per op>". Exit 1 when a lookup
 * fails, 2 for bad usage. Knows nothing of the shim: the script runs it with
 * and without libv6shim.so preloaded.
 */
#define _GNU_SOURCE
#include <netdb.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

static long long bench_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int bench_usage(void)
{
    fprintf(stderr, "usage: bench_resolve gethostbyname|getaddrinfo NAME N\n");
    return 2;
}

int main(int argc, char **argv)
{
    if (argc != 4)
        return bench_usage();
    char *end;
    long n = strtol(argv[3], &end, 10);
    if (*argv[3] == '\0' || *end != '\0' || n <= 0) {
        fprintf(stderr, "bench_resolve: bad count '%s'\n", argv[3]);
        return 2;
    }
    const char *name = argv[2];
    bool gai = strcmp(argv[1], "getaddrinfo") == 0;
    if (!gai && strcmp(argv[1], "gethostbyname") != 0)
        return bench_usage();
    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    long long t0 = bench_now_ns();
    for (long i = 0; i < n; i++) {
        if (gai) {
            struct addrinfo *res = NULL;
            int rc = getaddrinfo(name, NULL, &hints, &res);
            if (rc != 0) {
                fprintf(stderr, "bench_resolve: getaddrinfo(%s): %s\n", name, gai_strerror(rc));
                return 1;
            }
            freeaddrinfo(res);
            /* NOLINTNEXTLINE(v6-gethostbyname): the legacy call measured */
        } else if (gethostbyname(name) == NULL) {
            fprintf(stderr, "bench_resolve: gethostbyname(%s): h_errno %d\n", name, h_errno);
            return 1;
        }
    }
    long long total = bench_now_ns() - t0;
    printf("%s %ld %lld %.1f\n", argv[1], n, total, (double)total / (double)n);
    return 0;
}
