/*
 * v6peer — the IPv6 side of the command tests (it is not under test; AF_INET6
 * sockets pass through the shim untouched).
 *
 *   v6peer listen ADDR        listen on ADDR (numeric IPv6) port 0, print
 *                             "port N", accept one client, send "hello from v6\n",
 *                             copy what the client sends to stdout until EOF
 *   v6peer connect ADDR PORT MSG
 *                             connect, send MSG + "\n", shut down writing,
 *                             copy the reply to stdout
 *   v6peer freeport           print a TCP port free on both :: and 0.0.0.0
 * Exit 0 on success, 1 with a message on stderr.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int fail(const char *what)
{
    fprintf(stderr, "v6peer: %s: %s\n", what, strerror(errno));
    return 1;
}

static int copy_out(int fd)
{
    char buf[4096];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0)
        if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n)
            return 1;
    fflush(stdout);
    return n < 0 ? fail("read") : 0;
}

int main(int argc, char **argv)
{
    struct sockaddr_in6 sa = {.sin6_family = AF_INET6};
    socklen_t len = sizeof sa;
    if (argc == 2 && strcmp(argv[1], "freeport") == 0) {
        int fd = socket(AF_INET6, SOCK_STREAM, 0);
        int zero = 0;
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
        if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
            getsockname(fd, (struct sockaddr *)&sa, &len) != 0)
            return fail("bind");
        printf("%u\n", ntohs(sa.sin6_port));
        close(fd); /* free again: a small window, fine in a private namespace */
        return 0;
    }
    if (argc < 3 || inet_pton(AF_INET6, argv[2], &sa.sin6_addr) != 1) {
        fprintf(stderr, "usage: v6peer listen ADDR | connect ADDR PORT MSG | freeport\n");
        return 2;
    }
    int fd = socket(AF_INET6, SOCK_STREAM, 0);
    if (strcmp(argv[1], "listen") == 0) {
        int one = 1;
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
        if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 1) != 0 ||
            getsockname(fd, (struct sockaddr *)&sa, &len) != 0)
            return fail("listen");
        printf("port %u\n", ntohs(sa.sin6_port));
        fflush(stdout);
        int c = accept(fd, NULL, NULL);
        if (c < 0)
            return fail("accept");
        static const char hello[] = "hello from v6\n";
        if (write(c, hello, sizeof hello - 1) != (ssize_t)sizeof hello - 1)
            return fail("write");
        return copy_out(c);
    }
    if (strcmp(argv[1], "connect") == 0 && argc == 5) {
        sa.sin6_port = htons((uint16_t)atoi(argv[3]));
        if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0)
            return fail("connect");
        char msg[1024];
        int n = snprintf(msg, sizeof msg, "%s\n", argv[4]);
        if (write(fd, msg, (size_t)n) != n)
            return fail("write");
        shutdown(fd, SHUT_WR);
        return copy_out(fd);
    }
    fprintf(stderr, "v6peer: bad arguments\n");
    return 2;
}
