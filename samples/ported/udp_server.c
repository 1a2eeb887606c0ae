/*
 * ported/udp_server.c — the UDP request/response server, address-family
 * independent.
 *
 * What it teaches: one socket per family from getaddrinfo(AI_PASSIVE),
 * IPV6_V6ONLY set explicitly, one poll() loop; recvfrom() into a struct
 * sockaddr_storage (big enough for any family), the sender printed with
 * getnameinfo(NI_NUMERICHOST | NI_NUMERICSERV | NI_DGRAM), and the reply sent
 * on the socket the request came in on, to the address and length recvfrom
 * filled in, so it goes back in the sender's own family. Every reply is
 * "SENDER MESSAGE", which lets a client (and the tests) see which family the
 * server saw.
 *
 * Limit worth knowing: a socket bound to a wildcard address answers from
 * whatever source address the routing table picks. On a host with several
 * addresses per family, a reply can come from an address the client never
 * asked, and a connected UDP client drops it; IPV6_RECVPKTINFO / IP_PKTINFO
 * with sendmsg() answer from the address that was asked. Loopback has one
 * address per family, so this sample leaves that out.
 *
 * Usage: ported_udp_server -p PORT [-n REQUESTS]
 * stdout: "listening on ADDR port P" per socket, then "request from ADDR
 * port P" per datagram. Exit: 0 after REQUESTS requests (never without -n),
 * 1 when no socket could be bound, 2 on bad arguments.
 */
#define _GNU_SOURCE
#include <bsd/stdlib.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_SOCKETS 8

static void usage(void)
{
    fprintf(stderr, "usage: ported_udp_server -p PORT [-n REQUESTS]\n");
    exit(2);
}

static long parse_number(const char *what, const char *text, long lo, long hi)
{
    const char *why;
    long long v = strtonum(text, lo, hi, &why); /* libbsd, as OpenBSD's nc */
    if (why != NULL) {
        fprintf(stderr, "ported_udp_server: bad %s '%s' (want %ld..%ld)\n", what, text, lo, hi);
        exit(2);
    }
    return (long)v;
}

/* Bind a datagram socket for every passive address of PORT into FDS. */
static int bind_all(const char *port, struct pollfd *fds, int max)
{
    struct addrinfo hints, *res, *ai;
    int n = 0;

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_flags = AI_PASSIVE;
    int rc = getaddrinfo(NULL, port, &hints, &res);
    if (rc != 0) {
        fprintf(stderr, "ported_udp_server: port %s: %s\n", port,
                rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
        return 0;
    }
    for (ai = res; ai != NULL && n < max; ai = ai->ai_next) {
        char host[NI_MAXHOST], serv[NI_MAXSERV];
        if (getnameinfo(ai->ai_addr, ai->ai_addrlen, host, sizeof host, serv, sizeof serv,
                        NI_NUMERICHOST | NI_NUMERICSERV | NI_DGRAM) != 0)
            strcpy(host, "?");
        int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            fprintf(stderr, "ported_udp_server: %s: %s\n", host, strerror(errno));
            continue;
        }
        int on = 1;
        if ((ai->ai_family == AF_INET6 &&
             setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on) < 0) ||
            bind(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
            fprintf(stderr, "ported_udp_server: %s port %s: %s\n", host, port, strerror(errno));
            close(fd);
            continue;
        }
        printf("listening on %s port %s\n", host, serv);
        fds[n].fd = fd;
        fds[n].events = POLLIN;
        n++;
    }
    fflush(stdout);
    freeaddrinfo(res);
    return n;
}

/* Answer one datagram waiting on FD. Returns 0, or -1 if nothing was read. */
static int answer(int fd)
{
    struct sockaddr_storage from; /* not sockaddr_in: an IPv6 sender is 28 bytes */
    socklen_t fromlen = sizeof from;
    char msg[512], host[NI_MAXHOST], serv[NI_MAXSERV], reply[NI_MAXHOST + sizeof msg + 1];

    ssize_t n = recvfrom(fd, msg, sizeof msg - 1, 0, (struct sockaddr *)&from, &fromlen);
    if (n < 0)
        return -1;
    msg[n] = '\0';
    int rc = getnameinfo((struct sockaddr *)&from, fromlen, host, sizeof host, serv, sizeof serv,
                         NI_NUMERICHOST | NI_NUMERICSERV | NI_DGRAM);
    if (rc != 0) {
        fprintf(stderr, "ported_udp_server: getnameinfo: %s\n", gai_strerror(rc));
        return 0;
    }
    printf("request from %s port %s\n", host, serv);
    fflush(stdout);
    int len = snprintf(reply, sizeof reply, "%s %s", host, msg);
    /* Same socket, the sender's own address and length: the reply keeps its family. */
    if (sendto(fd, reply, (size_t)len, 0, (struct sockaddr *)&from, fromlen) < 0)
        fprintf(stderr, "ported_udp_server: sendto %s: %s\n", host, strerror(errno));
    return 0;
}

int main(int argc, char **argv)
{
    const char *port = NULL;
    long count = 0, handled = 0;
    int opt;

    while ((opt = getopt(argc, argv, "p:n:")) != -1) {
        if (opt == 'p')
            port = optarg;
        else if (opt == 'n')
            count = parse_number("request count", optarg, 1, INT_MAX);
        else
            usage();
    }
    if (port == NULL || optind != argc)
        usage();
    parse_number("port", port, 1, 65535);

    struct pollfd fds[MAX_SOCKETS];
    int nfds = bind_all(port, fds, MAX_SOCKETS);
    if (nfds == 0) {
        fprintf(stderr, "ported_udp_server: could not bind any address\n");
        return 1;
    }
    while (count == 0 || handled < count) {
        if (poll(fds, (nfds_t)nfds, -1) < 0) {
            if (errno == EINTR)
                continue;
            perror("ported_udp_server: poll");
            return 1;
        }
        for (int i = 0; i < nfds; i++)
            if (fds[i].revents != 0 && answer(fds[i].fd) == 0)
                handled++;
    }
    for (int i = 0; i < nfds; i++)
        close(fds[i].fd);
    return 0;
}
