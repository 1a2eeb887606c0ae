/*
 * bench_bulk — the data path: how fast bytes move once a connection is up.
 *
 *   bench_bulk serve-legacy PORT MIB   AF_INET socket on 0.0.0.0:PORT (the
 *                                      legacy way); to each client in turn,
 *                                      MIB MiB in 64 KiB write()s, then close
 *   bench_bulk serve-native PORT MIB   the same on [::]:PORT, IPV6_V6ONLY=0
 *   bench_bulk fetch-native NAME PORT  getaddrinfo(NAME, AF_UNSPEC), connect
 *                                      to the first answer, read() to EOF
 *   bench_bulk fetch-legacy NAME PORT  gethostbyname(NAME), AF_INET socket,
 *                                      connect to h_addr, read() to EOF
 *
 * A fetch prints "<mode> <bytes> <ns> <MB/s>" (wall time from before the
 * connect to EOF; the lookup is outside it). bench/datapath-bench.sh runs the
 * servers with and without the shim and behind 6tunnel, in interleaved
 * rounds, and reports the throughput ratios.
 */
/* NOLINTBEGIN(v6-*): the legacy half is IPv4-only on purpose: it is what the shim carries. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define CHUNK (64 * 1024)

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* A decimal in [1, MAX], or -1. */
static long parse_num(const char *s, long max)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < 1 || v > max)
        return -1;
    return v;
}

static int serve(int lfd, long mib)
{
    static char buf[CHUNK];
    memset(buf, 'v', sizeof buf);
    signal(SIGPIPE, SIG_IGN);
    if (listen(lfd, 16) < 0) {
        perror("bench_bulk: listen");
        return 1;
    }
    for (;;) {
        int c = accept(lfd, NULL, NULL);
        if (c < 0)
            continue;
        for (long i = 0; i < mib * (1024 * 1024 / CHUNK); i++) {
            size_t off = 0;
            while (off < sizeof buf) {
                ssize_t w = write(c, buf + off, sizeof buf - off);
                if (w <= 0)
                    goto next;
                off += (size_t)w;
            }
        }
    next:
        close(c);
    }
}

static int fetch(const char *mode, int fd, const struct sockaddr *sa, socklen_t len)
{
    static char buf[CHUNK];
    long long t0 = now_ns(), bytes = 0;
    if (connect(fd, sa, len) < 0) {
        perror("bench_bulk: connect");
        return 1;
    }
    for (;;) {
        ssize_t r = read(fd, buf, sizeof buf);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            perror("bench_bulk: read");
            return 1;
        }
        if (r == 0)
            break;
        bytes += r;
    }
    long long ns = now_ns() - t0;
    close(fd);
    printf("%s %lld %lld %.1f\n", mode, bytes, ns, (double)bytes * 1e3 / (double)ns);
    return bytes > 0 ? 0 : 1;
}

static int usage(void)
{
    fprintf(stderr, "usage: bench_bulk serve-legacy PORT MIB | serve-native PORT MIB |"
                    " fetch-native NAME PORT | fetch-legacy NAME PORT\n");
    return 2;
}

int main(int argc, char **argv)
{
    if (argc != 4)
        return usage();
    const char *mode = argv[1];
    long port = parse_num(argv[strncmp(mode, "serve", 5) == 0 ? 2 : 3], 65535);
    if (port < 0)
        return usage();
    if (strcmp(mode, "serve-legacy") == 0 || strcmp(mode, "serve-native") == 0) {
        long mib = parse_num(argv[3], 1 << 20);
        if (mib < 0)
            return usage();
        int native = strcmp(mode, "serve-native") == 0, one = 1, zero = 0;
        int lfd = socket(native ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
        if (lfd < 0) {
            perror("bench_bulk: socket");
            return 1;
        }
        setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        int rc;
        if (native) {
            setsockopt(lfd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
            struct sockaddr_in6 a = {.sin6_family = AF_INET6,
                                     .sin6_port = htons((uint16_t)port),
                                     .sin6_addr = IN6ADDR_ANY_INIT};
            rc = bind(lfd, (struct sockaddr *)&a, sizeof a);
        } else {
            struct sockaddr_in a;
            memset(&a, 0, sizeof a);
            a.sin_family = AF_INET;
            a.sin_port = htons((uint16_t)port);
            a.sin_addr.s_addr = htonl(INADDR_ANY);
            rc = bind(lfd, (struct sockaddr *)&a, sizeof a);
        }
        if (rc < 0) {
            perror("bench_bulk: bind");
            return 1;
        }
        return serve(lfd, mib);
    }
    if (strcmp(mode, "fetch-native") == 0) {
        struct addrinfo hints, *res;
        memset(&hints, 0, sizeof hints);
        hints.ai_family = AF_UNSPEC;
        hints.ai_socktype = SOCK_STREAM;
        int g = getaddrinfo(argv[2], argv[3], &hints, &res);
        if (g != 0) {
            fprintf(stderr, "bench_bulk: %s: %s\n", argv[2], gai_strerror(g));
            return 1;
        }
        int fd = socket(res->ai_family, res->ai_socktype, res->ai_protocol);
        int rc = fd < 0 ? 1 : fetch(mode, fd, res->ai_addr, res->ai_addrlen);
        freeaddrinfo(res);
        return rc;
    }
    if (strcmp(mode, "fetch-legacy") == 0) {
        struct hostent *h = gethostbyname(argv[2]);
        if (!h || h->h_addrtype != AF_INET) {
            fprintf(stderr, "bench_bulk: gethostbyname(%s) failed\n", argv[2]);
            return 1;
        }
        struct sockaddr_in a;
        memset(&a, 0, sizeof a);
        a.sin_family = AF_INET;
        a.sin_port = htons((uint16_t)port);
        memcpy(&a.sin_addr, h->h_addr_list[0], sizeof a.sin_addr);
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        return fd < 0 ? 1 : fetch(mode, fd, (struct sockaddr *)&a, sizeof a);
    }
    return usage();
}
/* NOLINTEND(v6-*) */
