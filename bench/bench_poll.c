/*
 * bench_poll — what a wait call costs a program under the shim.
 *
 *   bench_poll idle N              N times poll(one readable pipe, 0 ms)
 *   bench_poll pending NAME N      the same while a non-blocking connect to
 *                                  NAME (::1 first, another address second)
 *                                  waits on a full [::1] accept queue, so
 *                                  the shim holds a fail-over record and its
 *                                  wait hooks take the slow path
 *
 * Prints "<mode> <N> <total ns> <ns per poll> <CPU ns per poll>". Run
 * without the shim, then under v6run (bench/poll-bench.sh): idle under the
 * shim is the common case (one atomic load on top of libc), pending the
 * price of the fail-over's bookkeeping on every wait while it lasts.
 */
/* NOLINTBEGIN(v6-*): the pending case is a legacy IPv4 client on purpose: it is what the shim carries. */
#define _GNU_SOURCE
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static long long cpu_ns(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ((long long)ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000LL +
           ((long long)ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000LL;
}

/* A non-blocking connect to NAME at a [::1] port whose accept queue is
 * full, so it stays in progress; returns its fd. */
static int pending_connect(const char *name)
{
    int l = socket(AF_INET6, SOCK_STREAM, 0);
    struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
    socklen_t len = sizeof a;
    if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof a) != 0 || listen(l, 0) != 0 ||
        getsockname(l, (struct sockaddr *)&a, &len) != 0) {
        perror("bench_poll: listener");
        exit(1);
    }
    for (int i = 0; i < 2; i++) { /* fill the queue */
        int f = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0);
        connect(f, (struct sockaddr *)&a, sizeof a);
    }
    usleep(100000);
    struct hostent *h = gethostbyname(name);
    if (!h) {
        fprintf(stderr, "bench_poll: %s does not resolve\n", name);
        exit(1);
    }
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = a.sin6_port};
    memcpy(&sin.sin_addr, h->h_addr_list[0], sizeof sin.sin_addr);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    connect(fd, (struct sockaddr *)&sin, sizeof sin);
    return fd;
}

int main(int argc, char **argv)
{
    int pending = argc == 4 && strcmp(argv[1], "pending") == 0;
    if (!pending && !(argc == 3 && strcmp(argv[1], "idle") == 0)) {
        fprintf(stderr, "usage: bench_poll idle N | pending NAME N\n");
        return 2;
    }
    long n = atol(argv[argc - 1]);
    if (n <= 0) {
        fprintf(stderr, "bench_poll: bad count\n");
        return 2;
    }
    if (pending)
        pending_connect(argv[2]);
    int p[2];
    if (pipe(p) != 0 || write(p[1], "x", 1) != 1) {
        perror("bench_poll: pipe");
        return 1;
    }
    struct pollfd pfd = {p[0], POLLIN, 0};
    long long t0 = now_ns(), c0 = cpu_ns();
    for (long i = 0; i < n; i++) {
        if (poll(&pfd, 1, 0) != 1) {
            fprintf(stderr, "bench_poll: poll did not see the pipe\n");
            return 1;
        }
    }
    long long t = now_ns() - t0, c = cpu_ns() - c0;
    printf("%s %ld %lld %lld %lld\n", argv[1], n, t, t / n, c / n);
    return 0;
}
/* NOLINTEND(v6-*) */
