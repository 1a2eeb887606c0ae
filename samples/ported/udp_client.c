/*
 * ported/udp_client.c — the UDP request/response client, address-family
 * independent.
 *
 * What it teaches: getaddrinfo(AF_UNSPEC, SOCK_DGRAM) and one attempt per
 * result, in order. UDP has no handshake, so "this address works" means "a
 * reply came back in time": each attempt connect()s its socket (so the kernel
 * drops datagrams from anyone else and reports an ICMP port unreachable as
 * ECONNREFUSED), sends the request and polls for the reply with a timeout
 * before moving on to the next address.
 *
 * Usage: ported_udp_client [-t SECONDS] HOST PORT MESSAGE
 * -t: how long to wait for the reply from each address, 1..3600 s
 *     (default 2).
 * stdout: the reply. stderr: "trying ADDR port P", a reason per failed
 * attempt, "reply from ADDR port P".
 * Exit: 0 on a reply, 1 when no address answered, 2 on bad arguments.
 */
#define _GNU_SOURCE
#include <bsd/stdlib.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void usage(void)
{
    fprintf(stderr, "usage: ported_udp_client [-t SECONDS] HOST PORT MESSAGE\n");
    exit(2);
}

/*
 * One request to AI: returns the reply length (REPLY NUL-terminated) or
 * -errno (-ETIMEDOUT when no reply came within TIMEOUT_MS).
 */
static ssize_t ask(const struct addrinfo *ai, const char *msg, char *reply, size_t size,
                   int timeout_ms)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0)
        return -errno;
    ssize_t n;
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0 || send(fd, msg, strlen(msg), 0) < 0) {
        n = -errno;
        goto out;
    }
    struct pollfd p = {.fd = fd, .events = POLLIN};
    int rc;
    while ((rc = poll(&p, 1, timeout_ms)) < 0 && errno == EINTR)
        ;
    if (rc <= 0) {
        n = rc == 0 ? -ETIMEDOUT : -errno;
        goto out;
    }
    n = recv(fd, reply, size - 1, 0);
    if (n < 0)
        n = -errno; /* ECONNREFUSED: the ICMP error for this address */
    else
        reply[n] = '\0';
out:
    close(fd);
    return n;
}

int main(int argc, char **argv)
{
    int timeout_s = 2, opt;
    while ((opt = getopt(argc, argv, "t:")) != -1) {
        if (opt != 't')
            usage();
        const char *why;
        long long v = strtonum(optarg, 1, 3600, &why); /* libbsd, as OpenBSD's nc */
        if (why != NULL) {
            fprintf(stderr, "ported_udp_client: bad timeout '%s' (want 1..3600 seconds)\n", optarg);
            return 2;
        }
        timeout_s = (int)v;
    }
    if (argc - optind != 3)
        usage();
    const char *host = argv[optind], *port = argv[optind + 1], *msg = argv[optind + 2];

    struct addrinfo hints, *res;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    int rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0) {
        fprintf(stderr, "ported_udp_client: %s port %s: %s\n", host, port,
                rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
        return 1;
    }
    int status = 1;
    for (struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next) {
        char h[NI_MAXHOST], s[NI_MAXSERV], reply[1024];
        if (getnameinfo(ai->ai_addr, ai->ai_addrlen, h, sizeof h, s, sizeof s,
                        NI_NUMERICHOST | NI_NUMERICSERV | NI_DGRAM) != 0) {
            strcpy(h, "?");
            strcpy(s, "?");
        }
        fprintf(stderr, "trying %s port %s\n", h, s);
        ssize_t n = ask(ai, msg, reply, sizeof reply, timeout_s * 1000);
        if (n < 0) {
            fprintf(stderr, "%s port %s: %s\n", h, s, strerror((int)-n));
            continue;
        }
        fprintf(stderr, "reply from %s port %s\n", h, s);
        printf("%s\n", reply);
        status = 0;
        break;
    }
    freeaddrinfo(res);
    if (status != 0)
        fprintf(stderr, "ported_udp_client: no reply from %s port %s\n", host, port);
    return status;
}
