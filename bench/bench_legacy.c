/*
 * bench_legacy — the calls a legacy program makes, in a loop, timed.
 *
 *   bench_legacy resolve NAME N      gethostbyname(NAME) N times
 *   bench_legacy socket N            socket(AF_INET, SOCK_STREAM) + close, N times
 *   bench_legacy connect ADDR PORT N socket + connect(ADDR:PORT) + close, N times
 *   bench_legacy sendto ADDR PORT N  one UDP socket, N sendto(ADDR:PORT) of 64 bytes
 *   bench_legacy serve PORT          accept-and-close on 127.0.0.1:PORT forever
 *                                    (the peer for "connect"; run it unshimmed)
 *
 * Prints one line: "<mode> <N> <total ns> <ns per op>". bench/shim-bench.sh
 * runs it with and without the shim and reports the ratio; the program itself
 * knows nothing of the shim. Written the legacy way on purpose (sockaddr_in,
 * gethostbyname): it is what the shim is for.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
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

static long parse_count(const char *s)
{
    char *end;
    long n = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || n <= 0) {
        fprintf(stderr, "bench_legacy: bad count '%s'\n", s);
        exit(2);
    }
    return n;
}

/* ADDR:PORT as the legacy program writes it; -1 (said on stderr) if ADDR is bad. */
static int parse_sin(const char *addr, const char *port, struct sockaddr_in *sin)
{
    memset(sin, 0, sizeof *sin);
    sin->sin_family = AF_INET;
    sin->sin_port = htons((unsigned short)atoi(port));
    sin->sin_addr.s_addr = inet_addr(addr);
    if (sin->sin_addr.s_addr == INADDR_NONE) {
        fprintf(stderr, "bench_legacy: bad IPv4 address '%s'\n", addr);
        return -1;
    }
    return 0;
}

static int usage(void)
{
    fprintf(
        stderr,
        "usage: bench_legacy resolve NAME N | socket N | connect ADDR PORT N | sendto ADDR PORT N"
        " | serve PORT\n");
    return 2;
}

int main(int argc, char **argv)
{
    if (argc < 3)
        return usage();
    const char *mode = argv[1];
    long n;
    long long t0;
    if (strcmp(mode, "resolve") == 0 && argc == 4) {
        n = parse_count(argv[3]);
        t0 = now_ns();
        for (long i = 0; i < n; i++) {
            struct hostent *h = gethostbyname(argv[2]);
            if (h == NULL) {
                fprintf(stderr, "bench_legacy: gethostbyname(%s) failed: h_errno %d\n", argv[2],
                        h_errno);
                return 1;
            }
        }
    } else if (strcmp(mode, "socket") == 0 && argc == 3) {
        n = parse_count(argv[2]);
        t0 = now_ns();
        for (long i = 0; i < n; i++) {
            int fd = socket(AF_INET, SOCK_STREAM, 0);
            if (fd < 0) {
                perror("bench_legacy: socket");
                return 1;
            }
            close(fd);
        }
    } else if (strcmp(mode, "connect") == 0 && argc == 5) {
        struct sockaddr_in sin;
        if (parse_sin(argv[2], argv[3], &sin) < 0)
            return 2;
        n = parse_count(argv[4]);
        t0 = now_ns();
        for (long i = 0; i < n; i++) {
            int fd = socket(AF_INET, SOCK_STREAM, 0);
            if (fd < 0 || connect(fd, (struct sockaddr *)&sin, sizeof sin) < 0) {
                perror("bench_legacy: connect");
                return 1;
            }
            close(fd);
        }
    } else if (strcmp(mode, "sendto") == 0 && argc == 5) {
        struct sockaddr_in sin;
        if (parse_sin(argv[2], argv[3], &sin) < 0)
            return 2;
        n = parse_count(argv[4]);
        int fd = socket(AF_INET, SOCK_DGRAM, 0);
        if (fd < 0) {
            perror("bench_legacy: socket");
            return 1;
        }
        char msg[64];
        memset(msg, 'x', sizeof msg);
        t0 = now_ns();
        for (long i = 0; i < n; i++) {
            if (sendto(fd, msg, sizeof msg, 0, (struct sockaddr *)&sin, sizeof sin) < 0) {
                perror("bench_legacy: sendto");
                return 1;
            }
        }
        close(fd);
    } else if (strcmp(mode, "serve") == 0 && argc == 3) {
        struct sockaddr_in sin;
        memset(&sin, 0, sizeof sin);
        sin.sin_family = AF_INET;
        sin.sin_port = htons((unsigned short)atoi(argv[2]));
        sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        int one = 1, lfd = socket(AF_INET, SOCK_STREAM, 0);
        setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (lfd < 0 || bind(lfd, (struct sockaddr *)&sin, sizeof sin) < 0 || listen(lfd, 512) < 0) {
            perror("bench_legacy: serve");
            return 1;
        }
        for (;;) {
            int c = accept(lfd, NULL, NULL);
            if (c >= 0)
                close(c);
        }
    } else {
        return usage();
    }
    long long total = now_ns() - t0;
    printf("%s %ld %lld %.1f\n", mode, n, total, (double)total / (double)n);
    return 0;
}
