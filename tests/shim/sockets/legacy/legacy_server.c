/*
 * legacy_server — an IPv4-only server written the way old code is: one
 * AF_INET socket on INADDR_ANY, inet_ntoa of every peer.
 *
 *   legacy_server [-u] COUNT
 *
 * Binds 0.0.0.0 on an ephemeral port and prints "port N". TCP: accepts COUNT
 * clients, prints "peer A.B.C.D" for each (from accept, checked against
 * getpeername) and sends "hello A.B.C.D\n". UDP (-u): answers COUNT
 * datagrams, printing "peer A.B.C.D" (recvfrom's source) and echoing them.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* A global length, as old programs keep their settings: unknown to the
 * compiler, so the fortified build calls __recvfrom_chk. */
int bufsize = 512;

int main(int argc, char **argv)
{
    int udp = argc > 1 && strcmp(argv[1], "-u") == 0;
    int count = atoi(argv[argc - 1]);
    int s = socket(AF_INET, udp ? SOCK_DGRAM : SOCK_STREAM, 0);
    int on = 1;
    struct sockaddr_in sin;
    socklen_t len;

    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, (char *)&on, sizeof(on));
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = INADDR_ANY;
    sin.sin_port = 0;
    if (bind(s, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
        perror("bind");
        exit(1);
    }
    len = sizeof(sin);
    getsockname(s, (struct sockaddr *)&sin, &len);
    if (!udp)
        listen(s, 5);
    printf("port %d\n", ntohs(sin.sin_port));
    fflush(stdout);
    while (count-- > 0) {
        struct sockaddr_in peer, again;
        char buf[512];
        len = sizeof(peer);
        if (udp) {
            int n = recvfrom(s, buf, bufsize, 0, (struct sockaddr *)&peer, &len);
            if (n < 0) {
                perror("recvfrom");
                exit(1);
            }
            printf("peer %s\n", inet_ntoa(peer.sin_addr));
            fflush(stdout);
            sendto(s, buf, n, 0, (struct sockaddr *)&peer, sizeof(peer));
            continue;
        }
        int c = accept(s, (struct sockaddr *)&peer, &len);
        if (c < 0) {
            perror("accept");
            exit(1);
        }
        len = sizeof(again);
        getpeername(c, (struct sockaddr *)&again, &len);
        if (again.sin_addr.s_addr != peer.sin_addr.s_addr || len != sizeof(again)) {
            printf("getpeername disagrees\n");
            exit(1);
        }
        printf("peer %s\n", inet_ntoa(peer.sin_addr)); /* tcp peer */
        fflush(stdout);
        sprintf(buf, "hello %s\n", inet_ntoa(peer.sin_addr));
        write(c, buf, strlen(buf));
        close(c);
    }
    close(s);
    return 0;
}
