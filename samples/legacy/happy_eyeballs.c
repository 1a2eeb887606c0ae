/*
 * legacy/happy_eyeballs.c — the "careful" pre-IPv6 client that the Happy
 * Eyeballs port replaces: it walks every address gethostbyname() returns and
 * tries them one after another with blocking connect() calls. That is better
 * than using only the first address, but each dead address costs the full
 * kernel SYN timeout (about two minutes on Linux) before the next is tried,
 * and gethostbyname() never returns IPv6 addresses at all. Compare with
 * ported/happy_eyeballs.c (RFC 8305).
 *
 * Usage: legacy_happy_eyeballs HOST PORT MESSAGE
 * Exit: 0 on success, 1 on a lookup or connect failure, 2 on bad arguments.
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
    char **ap;
    int s = -1, n, port;

    if (argc != 4) {
        fprintf(stderr, "usage: legacy_happy_eyeballs HOST PORT MESSAGE\n");
        exit(2);
    }
    port = atoi(argv[2]);
    if (port <= 0 || port > 65535) {
        fprintf(stderr, "legacy_happy_eyeballs: bad port %s\n", argv[2]);
        exit(2);
    }
    if ((hp = gethostbyname(argv[1])) == NULL) {
        fprintf(stderr, "legacy_happy_eyeballs: %s: %s\n", argv[1], hstrerror(h_errno));
        exit(1);
    }
    for (ap = hp->h_addr_list; *ap != NULL; ap++) {
        memset(&sin, 0, sizeof(sin));
        sin.sin_family = AF_INET;
        sin.sin_port = htons(port);
        memcpy(&sin.sin_addr, *ap, sizeof(sin.sin_addr));
        fprintf(stderr, "trying %s port %d\n", inet_ntoa(sin.sin_addr), port);
        s = socket(AF_INET, SOCK_STREAM, 0);
        if (s < 0) {
            perror("socket");
            exit(1);
        }
        if (connect(s, (struct sockaddr *)&sin, sizeof(sin)) == 0)
            break;
        perror(inet_ntoa(sin.sin_addr));
        close(s);
        s = -1;
    }
    if (s < 0) {
        fprintf(stderr, "legacy_happy_eyeballs: cannot connect to %s\n", argv[1]);
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
