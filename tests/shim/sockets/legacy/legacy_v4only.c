/*
 * legacy_v4only — an IPv4-only scenario whose every result is printed, for
 * the differential test: its output must be byte-identical with and without
 * the shim. Ports are printed only as relations (ephemeral ports differ
 * between runs).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void show(const char *what, int rc)
{
    printf("%s: rc=%d errno=%s\n", what, rc < 0 ? -1 : (rc > 0 ? 1 : 0),
           rc < 0 ? strerror(errno) : "-");
}

static void addr(const char *what, struct sockaddr_in *sin, socklen_t len, unsigned short port)
{
    printf("%s: family=%d len=%d addr=%s port=%s\n", what, sin->sin_family, (int)len,
           inet_ntoa(sin->sin_addr), ntohs(sin->sin_port) == port ? "same" : "other");
}

int main(void)
{
    struct sockaddr_in any, lo, got;
    socklen_t len;
    int on = 1, dom, err;

    memset(&any, 0, sizeof(any));
    any.sin_family = AF_INET;
    any.sin_addr.s_addr = htonl(INADDR_ANY);
    lo = any;
    lo.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

    /* A wildcard TCP listener and a specific one. */
    int l = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
    show("bind any", bind(l, (struct sockaddr *)&any, sizeof(any)));
    show("listen", listen(l, 5));
    len = sizeof(got);
    show("getsockname", getsockname(l, (struct sockaddr *)&got, &len));
    unsigned short port = ntohs(got.sin_port);
    addr("listener", &got, len, port);
    len = sizeof(dom);
    show("SO_DOMAIN", getsockopt(l, SOL_SOCKET, SO_DOMAIN, &dom, &len));
    printf("domain=%d\n", dom);

    /* Same port again: in use. */
    int l2 = socket(AF_INET, SOCK_STREAM, 0);
    lo.sin_port = htons(port);
    show("bind taken", bind(l2, (struct sockaddr *)&lo, sizeof(lo)));
    close(l2);

    /* Blocking client to 127.0.0.1. */
    int c = socket(AF_INET, SOCK_STREAM, 0);
    show("connect", connect(c, (struct sockaddr *)&lo, sizeof(lo)));
    len = sizeof(got);
    show("getpeername", getpeername(c, (struct sockaddr *)&got, &len));
    addr("peer", &got, len, port);
    int a = accept(l, (struct sockaddr *)&got, &len);
    show("accept", a);
    addr("accepted", &got, len, 0);
    show("write", (int)write(c, "x", 1));
    char ch;
    show("read", (int)read(a, &ch, 1));
    show("connect again", connect(c, (struct sockaddr *)&lo, sizeof(lo)));
    close(a);
    close(c);

    /* Non-blocking client to a closed port: EINPROGRESS or refusal, poll, SO_ERROR. */
    close(l);
    c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    show("nb connect closed", connect(c, (struct sockaddr *)&lo, sizeof(lo)));
    struct pollfd pfd = {c, POLLOUT, 0};
    show("poll", poll(&pfd, 1, 5000));
    printf("revents=%#x\n", pfd.revents);
    len = sizeof(err);
    show("SO_ERROR", getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len));
    printf("so_error=%s\n", strerror(err));
    len = sizeof(got);
    show("getpeername unconnected", getpeername(c, (struct sockaddr *)&got, &len));
    close(c);

    /* UDP on the wildcard, talking to itself over 127.0.0.1. */
    int u = socket(AF_INET, SOCK_DGRAM, 0);
    show("udp bind any", bind(u, (struct sockaddr *)&any, sizeof(any)));
    len = sizeof(got);
    getsockname(u, (struct sockaddr *)&got, &len);
    addr("udp local", &got, len, ntohs(got.sin_port));
    lo.sin_port = got.sin_port;
    show("sendto", (int)sendto(u, "ping", 4, 0, (struct sockaddr *)&lo, sizeof(lo)));
    char buf[16];
    len = sizeof(got);
    show("recvfrom", (int)recvfrom(u, buf, sizeof(buf), 0, (struct sockaddr *)&got, &len));
    addr("udp from", &got, len, ntohs(lo.sin_port));
    show("sendto bad", (int)sendto(u, "x", 1, 0, (struct sockaddr *)&lo, 3));

    /* IPv4-level options and broadcast on the wildcard-bound UDP socket. */
    int ttl = 7, got_ttl = 0;
    show("IP_TTL set", setsockopt(u, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl)));
    len = sizeof(got_ttl);
    show("IP_TTL get", getsockopt(u, IPPROTO_IP, IP_TTL, &got_ttl, &len));
    printf("ttl=%d\n", got_ttl);
    struct sockaddr_in bc = lo;
    bc.sin_addr.s_addr = inet_addr("127.255.255.255");
    show("broadcast without SO_BROADCAST", (int)sendto(u, "b", 1, 0, (struct sockaddr *)&bc, sizeof(bc)));
    show("SO_BROADCAST", setsockopt(u, SOL_SOCKET, SO_BROADCAST, &on, sizeof(on)));
    show("broadcast", (int)sendto(u, "b", 1, 0, (struct sockaddr *)&bc, sizeof(bc)));
    struct ip_mreq mreq;
    mreq.imr_multiaddr.s_addr = inet_addr("224.0.0.251");
    mreq.imr_interface.s_addr = htonl(INADDR_LOOPBACK);
    show("IP_ADD_MEMBERSHIP", setsockopt(u, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq, sizeof(mreq)));
    close(u);

    /* fd games. */
    int s = socket(AF_INET, SOCK_STREAM, 0);
    int d = dup(s);
    show("dup", d >= 0);
    show("fcntl dupfd", fcntl(s, F_DUPFD_CLOEXEC, 0) >= 0);
    show("close", close(s));
    show("close twice", close(s));
    show("bad fd connect", connect(s, (struct sockaddr *)&lo, sizeof(lo)));
    show("socket bad family", socket(12345, SOCK_STREAM, 0));
    close(d);
    return 0;
}
