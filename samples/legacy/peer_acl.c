/*
 * legacy/peer_acl.c — a TCP server that logs each peer and checks it against
 * an access list, written the IPv4 way: the ACL is a list of 32-bit network
 * and mask pairs, the peer is a struct sockaddr_in, its text comes from
 * inet_ntoa() into a char[16] (the size of "255.255.255.255"), and the log
 * column is padded to 15 characters — the same width the old database column
 * had. None of that can hold an IPv6 address. Compare with ported/peer_acl.c.
 *
 * Usage: legacy_peer_acl -p PORT [-n MAXCLIENTS] [-a NET/LEN]...
 * Without -a every peer is allowed. Each client gets "hello ADDR\n" or
 * "denied\n"; stdout gets one log line per client.
 * Exit: 0 after MAXCLIENTS clients, 1 on a socket error, 2 on bad arguments.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct acl {
    unsigned long net;
    unsigned long mask;
};

static struct acl acls[32];
static int nacls;

static int allowed(struct in_addr a)
{
    int i;
    if (nacls == 0)
        return 1;
    for (i = 0; i < nacls; i++)
        if ((ntohl(a.s_addr) & acls[i].mask) == acls[i].net)
            return 1;
    return 0;
}

int main(int argc, char **argv)
{
    struct sockaddr_in sin, peer;
    socklen_t len;
    char ip[16], line[64], *slash;
    int s, c, opt, port = 0, maxclients = 0, served = 0, bits, on = 1;

    while ((opt = getopt(argc, argv, "p:n:a:")) != -1) {
        switch (opt) {
        case 'p':
            port = atoi(optarg);
            break;
        case 'n':
            maxclients = atoi(optarg);
            break;
        case 'a':
            if (nacls == 32)
                goto usage;
            slash = strchr(optarg, '/');
            bits = slash ? atoi(slash + 1) : 32;
            if (slash)
                *slash = '\0';
            acls[nacls].mask = bits ? 0xffffffffUL << (32 - bits) & 0xffffffffUL : 0;
            acls[nacls].net = ntohl(inet_addr(optarg)) & acls[nacls].mask;
            nacls++;
            break;
        default:
            goto usage;
        }
    }
    if (port <= 0 || port > 65535 || optind != argc)
        goto usage;

    s = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, (char *)&on, sizeof(on));
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_port = htons(port);
    if (bind(s, (struct sockaddr *)&sin, sizeof(sin)) < 0 || listen(s, 5) < 0) {
        perror("bind");
        exit(1);
    }
    printf("listening on 0.0.0.0 port %d\n", port);
    fflush(stdout);
    for (;;) {
        len = sizeof(peer);
        c = accept(s, (struct sockaddr *)&peer, &len);
        if (c < 0)
            continue;
        strcpy(ip, inet_ntoa(peer.sin_addr));
        if (allowed(peer.sin_addr)) {
            printf("%-15s %5d allowed\n", ip, ntohs(peer.sin_port));
            sprintf(line, "hello %s\n", ip);
        } else {
            printf("%-15s %5d denied\n", ip, ntohs(peer.sin_port));
            strcpy(line, "denied\n");
        }
        fflush(stdout);
        if (write(c, line, strlen(line)) < 0) perror("write");
        close(c);
        if (maxclients && ++served >= maxclients)
            break;
    }
    return 0;
usage:
    fprintf(stderr, "usage: legacy_peer_acl -p PORT [-n MAXCLIENTS] [-a NET/LEN]...\n");
    exit(2);
}
