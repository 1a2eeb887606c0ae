/*
 * legacy_client — an IPv4-only client written the way old code is:
 * gethostbyname, h_addr, struct sockaddr_in, inet_ntoa.
 *
 *   legacy_client [-u] HOST PORT MESSAGE
 *
 * TCP: connect to the first address, send MESSAGE, print "peer A.B.C.D"
 * (getpeername) and "reply: <what came back>". UDP (-u): sendto, recvfrom,
 * print "from A.B.C.D" and the reply. Exit 1 with "connect: <error>" etc.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int bufsize = 512; /* global, as old programs keep it (fortify checks it at run time) */

int main(int argc, char **argv)
{
    int udp = 0, i = 1;
    struct hostent *hp;
    struct sockaddr_in sin, peer;
    socklen_t len;
    char buf[512];
    int s, n;

    if (argc > 1 && strcmp(argv[1], "-u") == 0) {
        udp = 1;
        i++;
    }
    if (argc - i < 3) {
        fprintf(stderr, "usage: legacy_client [-u] host port message\n");
        exit(2);
    }
    hp = gethostbyname(argv[i]);
    if (hp == NULL) {
        printf("unknown host %s\n", argv[i]);
        exit(1);
    }
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    memcpy(&sin.sin_addr, hp->h_addr, hp->h_length);
    sin.sin_port = htons(atoi(argv[i + 1]));
    s = socket(AF_INET, udp ? SOCK_DGRAM : SOCK_STREAM, 0);
    if (udp) {
        sendto(s, argv[i + 2], strlen(argv[i + 2]), 0, (struct sockaddr *)&sin, sizeof(sin));
        len = sizeof(peer);
        n = recvfrom(s, buf, bufsize - 1, 0, (struct sockaddr *)&peer, &len);
        if (n < 0) {
            perror("recvfrom");
            exit(1);
        }
        buf[n] = 0;
        printf("from %s\n", inet_ntoa(peer.sin_addr));
        printf("same as sent to: %s\n", peer.sin_addr.s_addr == sin.sin_addr.s_addr ? "yes" : "no");
        printf("reply: %s\n", buf);
        return 0;
    }
    if (connect(s, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
        perror("connect");
        exit(1);
    }
    len = sizeof(peer);
    getpeername(s, (struct sockaddr *)&peer, &len);
    printf("peer %s\n", inet_ntoa(peer.sin_addr));
    write(s, argv[i + 2], strlen(argv[i + 2]));
    shutdown(s, SHUT_WR);
    n = 0;
    int r;
    while ((r = read(s, buf + n, sizeof(buf) - 1 - n)) > 0)
        n += r;
    buf[n] = 0;
    printf("reply: %s\n", buf);
    close(s);
    return 0;
}
