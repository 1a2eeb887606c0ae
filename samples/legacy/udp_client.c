/*
 * legacy/udp_client.c — the matching old-style UDP client: gethostbyname(),
 * the first address only, sendto() and a recvfrom() bounded by alarm().
 * Names with only IPv6 addresses and IPv6 literals fail to resolve; a dead
 * first address is never retried on another. Compare with ported/udp_client.c.
 *
 * Usage: legacy_udp_client HOST PORT MESSAGE
 * Prints the server's reply. Exit: 0 on a reply, 1 on failure, 2 on bad
 * arguments.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void timeout(int sig)
{
    fprintf(stderr, "legacy_udp_client: no reply\n");
    exit(1);
}

int main(int argc, char **argv)
{
    struct hostent *hp;
    struct sockaddr_in sin;
    char buf[600];
    int s, n, port;

    if (argc != 4) {
        fprintf(stderr, "usage: legacy_udp_client HOST PORT MESSAGE\n");
        exit(2);
    }
    port = atoi(argv[2]);
    if (port <= 0 || port > 65535) {
        fprintf(stderr, "legacy_udp_client: bad port %s\n", argv[2]);
        exit(2);
    }
    if ((hp = gethostbyname(argv[1])) == NULL) {
        fprintf(stderr, "legacy_udp_client: %s: unknown host\n", argv[1]);
        exit(1);
    }
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_port = htons(port);
    sin.sin_addr = *(struct in_addr *)hp->h_addr;

    s = socket(AF_INET, SOCK_DGRAM, 0);
    if (s < 0) {
        perror("socket");
        exit(1);
    }
    if (sendto(s, argv[3], strlen(argv[3]), 0, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
        perror("sendto");
        exit(1);
    }
    signal(SIGALRM, timeout);
    alarm(5);
    n = recvfrom(s, buf, sizeof(buf) - 1, 0, NULL, NULL);
    if (n < 0) {
        perror("recvfrom");
        exit(1);
    }
    buf[n] = '\0';
    printf("%s\n", buf);
    close(s);
    return 0;
}
