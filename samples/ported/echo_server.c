/*
 * ported/echo_server.c — the TCP echo server, address-family independent.
 *
 * What it teaches: ask getaddrinfo(NULL, port, AI_PASSIVE) which wildcard
 * addresses to listen on (on a dual-stack host: 0.0.0.0 and ::), open one
 * socket per result, say IPV6_V6ONLY explicitly on the IPv6 one, and serve
 * every listening and client socket from a single poll() loop. Peers are
 * printed with getnameinfo(NI_NUMERICHOST), never by poking at sockaddr_in.
 * This is the seed talk's makelisten() done right: it walks the list with
 * ai_next, bounds its array, skips families the kernel lacks, frees the list,
 * and reports getaddrinfo errors with gai_strerror (EAI_SYSTEM: errno).
 *
 * Why one socket per family and IPV6_V6ONLY=1: on Linux an AF_INET6 socket
 * bound to [::] also accepts IPv4 unless IPV6_V6ONLY is set, and the default
 * comes from the sysctl net.ipv6.bindv6only (0 on most distributions, 1 on
 * some, and always "v6only" on OpenBSD). With the default 0, binding [::]:P
 * after 0.0.0.0:P fails with EADDRINUSE and the server silently stays
 * IPv4-only. Setting the option makes the behaviour the same everywhere.
 *
 * The alternative is a single AF_INET6 socket with IPV6_V6ONLY=0: IPv4
 * clients then arrive as IPv4-mapped addresses (::ffff:192.0.2.1), which
 * every log line, ACL and database has to normalise; ported/peer_acl.c shows
 * that style. It does not work where the OS has no mapped addresses.
 *
 * Usage: ported_echo_server -p PORT [-n MAXCLIENTS]
 * Prints "listening on ADDR port PORT" per socket, then "client ADDR port P"
 * per connection (stdout). Exits 0 after MAXCLIENTS clients have been served
 * (never without -n), 1 when no socket could listen, 2 on bad arguments.
 */
#define _GNU_SOURCE
#include <bsd/stdlib.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_LISTEN 8  /* getaddrinfo gives 2 on a dual-stack host */
#define MAX_FDS 64    /* listening + client sockets in the poll set */

static void usage(void)
{
    fprintf(stderr, "usage: ported_echo_server -p PORT [-n MAXCLIENTS]\n");
    exit(2);
}

/* Parse a decimal number in [lo, hi]; exit 2 with a message otherwise. */
static long parse_number(const char *what, const char *text, long lo, long hi)
{
    const char *why;
    long long v = strtonum(text, lo, hi, &why); /* libbsd, as OpenBSD's nc */
    if (why != NULL) {
        fprintf(stderr, "ported_echo_server: bad %s '%s' (want %ld..%ld)\n", what, text, lo, hi);
        exit(2);
    }
    return (long)v;
}

/* Print "WHAT ADDR port PORT" to OUT for any family, through getnameinfo. */
static void print_addr(FILE *out, const char *what, const struct sockaddr *sa, socklen_t len)
{
    char host[NI_MAXHOST], serv[NI_MAXSERV];
    int rc = getnameinfo(sa, len, host, sizeof host, serv, sizeof serv,
                         NI_NUMERICHOST | NI_NUMERICSERV);
    if (rc != 0)
        fprintf(out, "%s (unprintable address: %s)\n", what, gai_strerror(rc));
    else
        fprintf(out, "%s %s port %s\n", what, host, serv);
    fflush(out);
}

/*
 * Open a listening socket for every passive address of PORT into FDS (at
 * most MAX). Returns how many were opened; 0 means none, with the reason
 * already printed.
 */
static int listen_all(const char *port, struct pollfd *fds, int max)
{
    struct addrinfo hints, *res, *ai;
    int n = 0, rc;

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;     /* every family the host offers */
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;     /* wildcard addresses, for bind() */
    rc = getaddrinfo(NULL, port, &hints, &res);
    if (rc != 0) {
        /* getaddrinfo returns its own codes; only EAI_SYSTEM means errno. */
        fprintf(stderr, "ported_echo_server: port %s: %s\n", port,
                rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
        return 0;
    }
    for (ai = res; ai != NULL && n < max; ai = ai->ai_next) {
        int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            /* EAFNOSUPPORT: a kernel without IPv6 (or IPv4); not fatal. */
            print_addr(stderr, "ported_echo_server: no socket for", ai->ai_addr, ai->ai_addrlen);
            continue;
        }
        int on = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
        if (ai->ai_family == AF_INET6 &&
            setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on) < 0) {
            perror("ported_echo_server: IPV6_V6ONLY");
            close(fd);
            continue;
        }
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, SOMAXCONN) < 0) {
            int e = errno;
            char host[NI_MAXHOST] = "?";
            getnameinfo(ai->ai_addr, ai->ai_addrlen, host, sizeof host, NULL, 0, NI_NUMERICHOST);
            fprintf(stderr, "ported_echo_server: %s port %s: %s\n", host, port, strerror(e));
            close(fd);
            continue;
        }
        print_addr(stdout, "listening on", ai->ai_addr, ai->ai_addrlen);
        fds[n].fd = fd;
        fds[n].events = POLLIN;
        n++;
    }
    freeaddrinfo(res);
    return n;
}

/* Echo what is readable on FD. Returns 0 while the client stays, -1 at EOF. */
static int echo_once(int fd)
{
    char buf[4096];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0)
        return -1;
    /* A blocking write keeps the sample short; a production server would
     * queue the rest and wait for POLLOUT instead of stalling the loop. */
    for (ssize_t off = 0; off < n;) {
        ssize_t w = write(fd, buf + off, (size_t)(n - off));
        if (w < 0)
            return -1;
        off += w;
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *port = NULL;
    long maxclients = 0, served = 0;
    int opt;

    while ((opt = getopt(argc, argv, "p:n:")) != -1) {
        if (opt == 'p')
            port = optarg;
        else if (opt == 'n')
            maxclients = parse_number("client count", optarg, 1, INT_MAX);
        else
            usage();
    }
    if (port == NULL || optind != argc)
        usage();
    parse_number("port", port, 1, 65535);
    signal(SIGPIPE, SIG_IGN); /* a client that vanishes must not kill us */

    struct pollfd fds[MAX_FDS];
    int nlisten = listen_all(port, fds, MAX_LISTEN);
    if (nlisten == 0) {
        fprintf(stderr, "ported_echo_server: could not listen on any address\n");
        return 1;
    }
    int nfds = nlisten;

    while (maxclients == 0 || served < maxclients) {
        if (poll(fds, (nfds_t)nfds, -1) < 0) {
            if (errno == EINTR)
                continue;
            perror("ported_echo_server: poll");
            return 1;
        }
        for (int i = 0; i < nfds; i++) {
            if (fds[i].revents == 0)
                continue;
            if (i < nlisten) {
                struct sockaddr_storage peer; /* big enough for any family */
                socklen_t plen = sizeof peer;
                int c = accept4(fds[i].fd, (struct sockaddr *)&peer, &plen, SOCK_CLOEXEC);
                if (c < 0)
                    continue;
                if (nfds == MAX_FDS) {
                    close(c); /* full: refuse rather than overflow */
                    continue;
                }
                print_addr(stdout, "client", (struct sockaddr *)&peer, plen);
                fds[nfds].fd = c;
                fds[nfds].events = POLLIN;
                fds[nfds].revents = 0;
                nfds++;
            } else if (echo_once(fds[i].fd) < 0) {
                close(fds[i].fd);
                fds[i] = fds[--nfds]; /* the moved entry is looked at next */
                i--;
                served++;
            }
        }
    }
    for (int i = 0; i < nfds; i++)
        close(fds[i].fd);
    return 0;
}
