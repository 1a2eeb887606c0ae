/*
 * ported/happy_eyeballs.c — a TCP client that races its candidates, the way
 * RFC 8305 ("Happy Eyeballs Version 2") describes.
 *
 * What it teaches: when a name has IPv6 and IPv4 addresses, trying them one
 * by one (legacy/happy_eyeballs.c, or even a correct sequential loop with
 * timeouts) makes users wait whenever the preferred family is broken. Here
 * the getaddrinfo answer (already in RFC 6724 order) is interleaved by
 * family (RFC 8305 section 4: first the preferred family, then alternate),
 * a non-blocking connect is started on the first candidate, and each further
 * candidate is started when the previous has not won within the Connection
 * Attempt Delay (section 5: 250 ms by default, never below 10 ms) or as soon
 * as an attempt fails. All attempts stay in flight in one poll() set; the
 * first to connect wins and the others are closed.
 *
 * Left out on purpose: section 3's asynchronous AAAA/A queries. getaddrinfo
 * returns only when both answers are in; a client that must not wait for a
 * slow A or AAAA query needs an asynchronous resolver (getaddrinfo_a, c-ares).
 *
 * Usage: ported_happy_eyeballs [-d DELAY_MS] [-t SECONDS] HOST PORT MESSAGE
 * -d: the Connection Attempt Delay, 10..60000 ms (default 250).
 * -t: how long attempts may stay pending once the last one has started, and
 *     how long each read may wait, 1..3600 s (default 5).
 * stderr: "trying ADDR port P" per attempt started, "ADDR port P: reason"
 * per failed attempt, "connected to ADDR port P" for the winner.
 * stdout: what the server sends back after MESSAGE.
 * Exit: 0 on success, 1 when nothing connects, 2 on bad arguments.
 */
#define _GNU_SOURCE
#include <bsd/stdlib.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define MAX_CANDIDATES 32

struct attempt {
    const struct addrinfo *ai;
    int fd;                               /* -1: not started or finished */
    char text[NI_MAXHOST + NI_MAXSERV + 8]; /* "ADDR port P" for messages */
};

static void usage(void)
{
    fprintf(stderr, "usage: ported_happy_eyeballs [-d DELAY_MS] [-t SECONDS] HOST PORT MESSAGE\n");
    exit(2);
}

static long parse_number(const char *what, const char *text, long lo, long hi)
{
    const char *why;
    long long v = strtonum(text, lo, hi, &why); /* libbsd, as OpenBSD's nc */
    if (why != NULL) {
        fprintf(stderr, "ported_happy_eyeballs: bad %s '%s' (want %ld..%ld)\n", what, text, lo, hi);
        exit(2);
    }
    return (long)v;
}

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/*
 * Order RES into OUT (at most MAX) by RFC 8305 section 4: keep getaddrinfo's
 * order within each family, start with the family of the first answer and
 * alternate families while both have candidates left. Returns the count.
 */
static int interleave(const struct addrinfo *res, struct attempt *out, int max)
{
    const struct addrinfo *first[2] = {res, NULL}; /* [0]: preferred family */
    int fam0 = res->ai_family, n = 0;
    for (const struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next)
        if (ai->ai_family != fam0) {
            first[1] = ai;
            break;
        }
    int turn = 0;
    while (n < max && (first[0] != NULL || first[1] != NULL)) {
        if (first[turn] == NULL)
            turn = !turn;
        const struct addrinfo *ai = first[turn];
        out[n].ai = ai;
        out[n].fd = -1;
        n++;
        /* Advance this family's cursor to its next member. */
        int fam = ai->ai_family;
        for (ai = ai->ai_next; ai != NULL; ai = ai->ai_next)
            if (turn == 0 ? ai->ai_family == fam : ai->ai_family != fam0)
                break;
        first[turn] = ai;
        turn = !turn;
    }
    return n;
}

/*
 * Start a non-blocking connect for A. Returns 0 when in flight (A->fd set),
 * 1 when it connected at once (A->fd set), or -errno (A->fd stays -1).
 */
static int attempt_start(struct attempt *a)
{
    const struct addrinfo *ai = a->ai;
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                    ai->ai_protocol);
    if (fd < 0)
        return -errno;
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
        a->fd = fd;
        return 1;
    }
    if (errno != EINPROGRESS) {
        int e = errno;
        close(fd);
        return -e;
    }
    a->fd = fd;
    return 0;
}

/*
 * Race the candidates in A[0..N). Returns the connected fd (blocking again)
 * or -1 after printing why each attempt failed.
 */
static int race(struct attempt *a, int n, int delay_ms, int timeout_ms)
{
    int next = 0, in_flight = 0, winner = -1;
    long deadline = 0;

    while (winner < 0 && (next < n || in_flight > 0)) {
        if (next < n && (in_flight == 0 || deadline == 0 || now_ms() >= deadline)) {
            struct attempt *s = &a[next++];
            fprintf(stderr, "trying %s\n", s->text);
            int rc = attempt_start(s);
            if (rc < 0) {
                fprintf(stderr, "%s: %s\n", s->text, strerror(-rc));
                continue; /* failed at once: start the next now (section 5) */
            }
            if (rc == 1) {
                winner = (int)(s - a);
                break;
            }
            in_flight++;
            deadline = now_ms() + delay_ms;
        }
        /* Wait for the attempts in flight, up to the next start time. */
        struct pollfd p[MAX_CANDIDATES];
        int idx[MAX_CANDIDATES], np = 0;
        for (int i = 0; i < next; i++)
            if (a[i].fd >= 0) {
                p[np].fd = a[i].fd;
                p[np].events = POLLOUT;
                idx[np++] = i;
            }
        int wait_ms = next < n ? (int)(deadline - now_ms()) : timeout_ms;
        if (wait_ms < 0)
            wait_ms = 0;
        int rc = poll(p, (nfds_t)np, wait_ms);
        if (rc < 0 && errno != EINTR) {
            perror("ported_happy_eyeballs: poll");
            break;
        }
        if (rc == 0 && next >= n) {
            for (int k = 0; k < np; k++)
                fprintf(stderr, "%s: %s\n", a[idx[k]].text, strerror(ETIMEDOUT));
            break;
        }
        for (int k = 0; k < np && rc > 0; k++) {
            if (p[k].revents == 0)
                continue;
            struct attempt *s = &a[idx[k]];
            int err = 0;
            socklen_t elen = sizeof err;
            if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0)
                err = errno;
            if (err == 0) {
                winner = idx[k];
                break;
            }
            fprintf(stderr, "%s: %s\n", s->text, strerror(err));
            close(s->fd);
            s->fd = -1;
            in_flight--;
            deadline = 0; /* a failure lets the next attempt start now */
        }
    }
    /* Close every loser still in flight; keep the winner. */
    for (int i = 0; i < next; i++)
        if (a[i].fd >= 0 && i != winner) {
            close(a[i].fd);
            a[i].fd = -1;
        }
    if (winner < 0)
        return -1;
    int fd = a[winner].fd;
    fprintf(stderr, "connected to %s\n", a[winner].text);
    int flags = fcntl(fd, F_GETFL);
    if (flags >= 0)
        fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    return fd;
}

int main(int argc, char **argv)
{
    int delay_ms = 250, timeout_s = 5, opt;
    while ((opt = getopt(argc, argv, "d:t:")) != -1) {
        if (opt == 'd')
            delay_ms = (int)parse_number("delay", optarg, 10, 60000);
        else if (opt == 't')
            timeout_s = (int)parse_number("timeout", optarg, 1, 3600);
        else
            usage();
    }
    if (argc - optind != 3)
        usage();
    const char *host = argv[optind], *port = argv[optind + 1], *msg = argv[optind + 2];

    struct addrinfo hints, *res;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    int rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0) {
        fprintf(stderr, "ported_happy_eyeballs: %s port %s: %s\n", host, port,
                rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
        return 1;
    }
    struct attempt cand[MAX_CANDIDATES];
    int n = interleave(res, cand, MAX_CANDIDATES);
    for (int i = 0; i < n; i++) {
        char host_txt[NI_MAXHOST], serv_txt[NI_MAXSERV];
        if (getnameinfo(cand[i].ai->ai_addr, cand[i].ai->ai_addrlen, host_txt, sizeof host_txt,
                        serv_txt, sizeof serv_txt, NI_NUMERICHOST | NI_NUMERICSERV) != 0)
            snprintf(cand[i].text, sizeof cand[i].text, "(unprintable address)");
        else
            snprintf(cand[i].text, sizeof cand[i].text, "%s port %s", host_txt, serv_txt);
    }
    int fd = race(cand, n, delay_ms, timeout_s * 1000);
    freeaddrinfo(res);
    if (fd < 0) {
        fprintf(stderr, "ported_happy_eyeballs: cannot connect to %s port %s\n", host, port);
        return 1;
    }
    struct timeval tv = {.tv_sec = timeout_s};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    size_t len = strlen(msg);
    for (size_t off = 0; off < len;) {
        ssize_t w = write(fd, msg + off, len - off);
        if (w < 0) {
            perror("ported_happy_eyeballs: write");
            close(fd);
            return 1;
        }
        off += (size_t)w;
    }
    shutdown(fd, SHUT_WR);
    char buf[4096];
    ssize_t got;
    while ((got = read(fd, buf, sizeof buf)) > 0)
        fwrite(buf, 1, (size_t)got, stdout);
    close(fd);
    if (got < 0) {
        perror("ported_happy_eyeballs: read");
        return 1;
    }
    return 0;
}
