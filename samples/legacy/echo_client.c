/*
 * legacy/echo_client.c — a TCP client written the way clients were written
 * before IPv6: gethostbyname(), the first address of h_addr_list copied into
 * a struct sockaddr_in, one blocking connect() and no timeout. A name with
 * only IPv6 addresses does not resolve at all, a literal like "::1" is
 * rejected, and if the first address is down the client gives up even when
 * the name has others. Compare with ported/echo_client.c.
 *
 * Usage: legacy_echo_client HOST PORT MESSAGE
 * Sends MESSAGE, prints what the server echoes back.
 * Exit: 0 on success, 1 on a lookup or socket error, 2 on bad arguments.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    struct hostent *hp;
    struct sockaddr_in sin;
    char buf[1024];
    int s, n, port;

    if (argc != 4) {
        fprintf(stderr, "usage: legacy_echo_client HOST PORT MESSAGE\n");
        exit(2);
    }
    port = atoi(argv[2]);
    if (port <= 0 || port > 65535) {
        fprintf(stderr, "legacy_echo_client: bad port %s\n", argv[2]);
        exit(2);
    }
    hp = gethostbyname(argv[1]);
    if (hp == NULL) {
        fprintf(stderr, "legacy_echo_client: %s: unknown host\n", argv[1]);
        exit(1);
    }
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_port = htons(port);
    memcpy(&sin.sin_addr, hp->h_addr, hp->h_length);

    s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0) {
        perror("socket");
        exit(1);
    }
    if (connect(s, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
        perror("connect");
        exit(1);
    }
    fprintf(stderr, "connected to %s port %d\n", inet_ntoa(sin.sin_addr), port);
    if (write(s, argv[3], strlen(argv[3])) < 0) perror("write");
    shutdown(s, SHUT_WR);
    while ((n = read(s, buf, sizeof(buf))) > 0)
        fwrite(buf, 1, n, stdout);
    close(s);
    return 0;
}
