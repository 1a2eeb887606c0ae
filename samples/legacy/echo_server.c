/*
 * legacy/echo_server.c — a TCP echo server written the way servers were
 * written before IPv6: one AF_INET socket bound to INADDR_ANY, a
 * struct sockaddr_in for the peer, inet_ntoa() for logging and one client at
 * a time. It works, for IPv4 only: an IPv6 client gets "connection refused".
 * Compare with ported/echo_server.c, which listens on every address family
 * getaddrinfo(AI_PASSIVE) offers and serves all sockets from one poll loop.
 *
 * Usage: legacy_echo_server -p PORT [-n MAXCLIENTS]
 * Exit: 0 after MAXCLIENTS clients, 1 on a socket error, 2 on bad arguments.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void usage(void)
{
    fprintf(stderr, "usage: legacy_echo_server -p PORT [-n MAXCLIENTS]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    int port = 0, maxclients = 0, served = 0, opt, s, c, on = 1;
    struct sockaddr_in sin, peer;
    socklen_t len;
    char buf[1024];
    int n;

    while ((opt = getopt(argc, argv, "p:n:")) != -1) {
        if (opt == 'p')
            port = atoi(optarg);
        else if (opt == 'n')
            maxclients = atoi(optarg);
        else
            usage();
    }
    if (port <= 0 || port > 65535 || optind != argc)
        usage();

    s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0) {
        perror("socket");
        exit(1);
    }
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, (char *)&on, sizeof(on));
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_ANY);
    sin.sin_port = htons(port);
    if (bind(s, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
        perror("bind");
        exit(1);
    }
    if (listen(s, 5) < 0) {
        perror("listen");
        exit(1);
    }
    printf("listening on %s port %d\n", inet_ntoa(sin.sin_addr), port);
    fflush(stdout);

    for (;;) {
        len = sizeof(peer);
        c = accept(s, (struct sockaddr *)&peer, &len);
        if (c < 0) {
            perror("accept");
            continue;
        }
        printf("client %s port %d\n", inet_ntoa(peer.sin_addr), ntohs(peer.sin_port));
        fflush(stdout);
        while ((n = read(c, buf, sizeof(buf))) > 0)
            if (write(c, buf, n) != n) break;
        close(c);
        if (maxclients && ++served >= maxclients)
            break;
    }
    close(s);
    return 0;
}
