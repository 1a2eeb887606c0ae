/*
 * ported/echo_client.c — the TCP echo client, address-family independent.
 *
 * What it teaches: resolve with getaddrinfo(AF_UNSPEC), then try every
 * result in the order getaddrinfo returns them (RFC 6724 destination
 * selection, tunable in /etc/gai.conf) until one connects, giving each
 * attempt a timeout so a dead first address cannot stall the client for the
 * kernel's two-minute SYN timeout. This is the seed talk's makeconnect()
 * done right: the loop advances with ai_next, the list is freed on every
 * path, the error of the last attempt is kept and reported, and
 * getaddrinfo's own error codes go through gai_strerror (errno only for
 * EAI_SYSTEM). Numeric literals ("::1", "127.0.0.1") need no special case.
 *
 * Usage: ported_echo_client [-t SECONDS] HOST PORT MESSAGE
 * -t: the timeout of each connect attempt and of each read, 1..3600 s
 *     (default 5).
 * Sends MESSAGE, half-closes, prints what comes back on stdout. On stderr:
 * "trying ADDR port P", a reason per failed attempt, "connected to ADDR port P".
 * Exit: 0 on success, 1 when the name does not resolve or no address
 * connects, 2 on bad arguments.
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
#include <unistd.h>

static void usage(void)
{
    fprintf(stderr, "usage: ported_echo_client [-t SECONDS] HOST PORT MESSAGE\n");
    exit(2);
}

/* "ADDR port PORT" for SA into BUF (numeric, any family). */
static const char *addr_text(const struct sockaddr *sa, socklen_t len, char *buf, size_t size)
{
    char host[NI_MAXHOST], serv[NI_MAXSERV];
    if (getnameinfo(sa, len, host, sizeof host, serv, sizeof serv,
                    NI_NUMERICHOST | NI_NUMERICSERV) != 0)
        snprintf(buf, size, "(unprintable address)");
    else
        snprintf(buf, size, "%s port %s", host, serv);
    return buf;
}

/*
 * connect() with a timeout: non-blocking connect, poll for writability, then
 * read the outcome from SO_ERROR. Leaves FD blocking again. Returns 0 or
 * -errno (-ETIMEDOUT when TIMEOUT_MS passed).
 */
static int connect_timeout(int fd, const struct sockaddr *sa, socklen_t len, int timeout_ms)
{
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
        return -errno;
    int err = 0;
    if (connect(fd, sa, len) < 0) {
        if (errno != EINPROGRESS)
            return -errno;
        struct pollfd p = {.fd = fd, .events = POLLOUT};
        int rc;
        while ((rc = poll(&p, 1, timeout_ms)) < 0 && errno == EINTR)
            ;
        if (rc < 0)
            return -errno;
        if (rc == 0)
            return -ETIMEDOUT;
        socklen_t elen = sizeof err;
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0)
            return -errno;
    }
    if (err == 0 && fcntl(fd, F_SETFL, flags) < 0)
        return -errno;
    return -err;
}

/*
 * Connect to HOST:PORT over TCP, trying every address in order. Returns the
 * connected fd, or -1 with the reason printed.
 */
static int connect_any(const char *host, const char *port, int timeout_ms)
{
    struct addrinfo hints, *res, *ai;
    char text[NI_MAXHOST + NI_MAXSERV + 8];
    int fd = -1, last_err = 0;

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    int rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0) {
        fprintf(stderr, "ported_echo_client: %s port %s: %s\n", host, port,
                rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
        return -1;
    }
    for (ai = res; ai != NULL; ai = ai->ai_next) {
        addr_text(ai->ai_addr, ai->ai_addrlen, text, sizeof text);
        fprintf(stderr, "trying %s\n", text);
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            last_err = errno; /* e.g. EAFNOSUPPORT: no IPv6 in this kernel */
            fprintf(stderr, "%s: %s\n", text, strerror(last_err));
            continue;
        }
        int e = connect_timeout(fd, ai->ai_addr, ai->ai_addrlen, timeout_ms);
        if (e == 0) {
            fprintf(stderr, "connected to %s\n", text);
            break;
        }
        last_err = -e;
        fprintf(stderr, "%s: %s\n", text, strerror(last_err));
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0)
        fprintf(stderr, "ported_echo_client: cannot connect to %s port %s: %s\n", host, port,
                strerror(last_err));
    return fd;
}

int main(int argc, char **argv)
{
    int timeout_s = 5, opt;
    while ((opt = getopt(argc, argv, "t:")) != -1) {
        if (opt != 't')
            usage();
        const char *why;
        long long v = strtonum(optarg, 1, 3600, &why); /* libbsd, as OpenBSD's nc */
        if (why != NULL) {
            fprintf(stderr, "ported_echo_client: bad timeout '%s' (want 1..3600 seconds)\n", optarg);
            return 2;
        }
        timeout_s = (int)v;
    }
    if (argc - optind != 3)
        usage();
    const char *host = argv[optind], *port = argv[optind + 1], *msg = argv[optind + 2];

    int fd = connect_any(host, port, timeout_s * 1000);
    if (fd < 0)
        return 1;
    /* The same timeout bounds every read, so a silent server cannot hang us. */
    struct timeval tv = {.tv_sec = timeout_s};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);

    size_t len = strlen(msg);
    for (size_t off = 0; off < len;) {
        ssize_t w = write(fd, msg + off, len - off);
        if (w < 0) {
            perror("ported_echo_client: write");
            close(fd);
            return 1;
        }
        off += (size_t)w;
    }
    shutdown(fd, SHUT_WR); /* tell the server we are done sending */
    char buf[4096];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0)
        fwrite(buf, 1, (size_t)n, stdout);
    int status = 0;
    if (n < 0) {
        perror("ported_echo_client: read");
        status = 1;
    }
    close(fd);
    return status;
}
