/* http_once — one-request HTTP server for the sample tests; see http_once.h. */
#define _GNU_SOURCE
#include "http_once.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* Serve one request on LFD: reply "HTTP/1.0 STATUS" with the request as body. */
static void serve_one(int lfd, const char *status)
{
    int c = accept(lfd, NULL, NULL);
    if (c < 0)
        _exit(1);
    char req[8192];
    size_t got = 0;
    while (got < sizeof req - 1) {
        ssize_t n = read(c, req + got, sizeof req - 1 - got);
        if (n <= 0)
            break;
        got += (size_t)n;
        req[got] = '\0';
        if (strstr(req, "\r\n\r\n"))
            break;
    }
    char head[128];
    int hl = snprintf(head, sizeof head, "HTTP/1.0 %s\r\nContent-Type: text/plain\r\n\r\n", status);
    if (write(c, head, (size_t)hl) != hl || write(c, req, got) != (ssize_t)got)
        _exit(1);
    close(c);
    _exit(0);
}

int http_server_start(struct http_server *s, const char *addr, const char *status)
{
    struct sockaddr_storage ss;
    struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
    char host[INET6_ADDRSTRLEN];
    socklen_t len;
    memset(&ss, 0, sizeof ss);
    snprintf(host, sizeof host, "%s", addr);
    char *pct = strchr(host, '%');
    if (pct != NULL) {
        *pct = '\0';
        sin6->sin6_scope_id = if_nametoindex(pct + 1);
        if (sin6->sin6_scope_id == 0)
            return -errno;
    }
    if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
        sin->sin_family = AF_INET;
        len = sizeof *sin;
    } else if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
        sin6->sin6_family = AF_INET6;
        len = sizeof *sin6;
    } else {
        return -EINVAL;
    }
    int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, 4) < 0 ||
        getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        return -e;
    }
    s->port = ntohs(ss.ss_family == AF_INET6 ? sin6->sin6_port : sin->sin_port);
    s->pid = fork();
    if (s->pid == 0)
        serve_one(fd, status);
    close(fd);
    return s->pid < 0 ? -errno : 0;
}

void http_server_stop(struct http_server *s)
{
    kill(s->pid, SIGKILL);
    waitpid(s->pid, NULL, 0);
}
