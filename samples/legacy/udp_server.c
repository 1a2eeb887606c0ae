/*
 * legacy/udp_server.c — a UDP request/response server in the old style: one
 * AF_INET socket on INADDR_ANY, recvfrom() into a struct sockaddr_in, the
 * sender printed with inet_ntoa(). Every reply is "SENDER MESSAGE". IPv6
 * clients cannot reach it, and the peer buffer could not hold their address
 * anyway. Compare with ported/udp_server.c.
 *
 * Usage: legacy_udp_server -p PORT [-n REQUESTS]
 * Exit: 0 after REQUESTS requests, 1 on a socket error, 2 on bad arguments.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    struct sockaddr_in sin, from;
    socklen_t fromlen;
    char buf[512], reply[600];
    int s, n, opt, port = 0, count = 0, handled = 0;

    while ((opt = getopt(argc, argv, "p:n:")) != -1) {
        if (opt == 'p')
            port = atoi(optarg);
        else if (opt == 'n')
            count = atoi(optarg);
        else
            goto usage;
    }
    if (port <= 0 || port > 65535 || optind != argc)
        goto usage;

    s = socket(AF_INET, SOCK_DGRAM, 0);
    if (s < 0) {
        perror("socket");
        exit(1);
    }
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = INADDR_ANY;
    sin.sin_port = htons(port);
    if (bind(s, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
        perror("bind");
        exit(1);
    }
    printf("listening on %s port %d\n", inet_ntoa(sin.sin_addr), port);
    fflush(stdout);
    for (;;) {
        fromlen = sizeof(from);
        n = recvfrom(s, buf, sizeof(buf) - 1, 0, (struct sockaddr *)&from, &fromlen);
        if (n < 0) {
            perror("recvfrom");
            continue;
        }
        buf[n] = '\0';
        sprintf(reply, "%s %s", inet_ntoa(from.sin_addr), buf);
        sendto(s, reply, strlen(reply), 0, (struct sockaddr *)&from, fromlen);
        if (count && ++handled >= count)
            break;
    }
    close(s);
    return 0;
usage:
    fprintf(stderr, "usage: legacy_udp_server -p PORT [-n REQUESTS]\n");
    exit(2);
}
