/* v6test — shared cmocka test harness; see v6test.h for the contracts. */
#define _GNU_SOURCE
#include "v6test.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static pthread_once_t have_ipv6_once = PTHREAD_ONCE_INIT;
static bool have_ipv6; /* written once under have_ipv6_once */

static void probe_ipv6(void)
{
    struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
    int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return;
    have_ipv6 = bind(fd, (struct sockaddr *)&sin6, sizeof sin6) == 0;
    close(fd);
}

bool v6test_have_ipv6(void)
{
    pthread_once(&have_ipv6_once, probe_ipv6);
    return have_ipv6;
}

const char *v6test_hosts_file(void)
{
    return getenv("NSS_WRAPPER_HOSTS");
}

const char *v6test_ntop(const struct sockaddr *sa, char *buf, size_t len)
{
    const void *a = sa->sa_family == AF_INET6
                        ? (const void *)&((const struct sockaddr_in6 *)sa)->sin6_addr
                        : (const void *)&((const struct sockaddr_in *)sa)->sin_addr;
    if (!inet_ntop(sa->sa_family, a, buf, (socklen_t)len))
        strncpy(buf, "?", len);
    return buf;
}

/* Parse a numeric address with port into SS; returns its length or 0. */
static socklen_t make_sockaddr(const char *addr, uint16_t port, struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof *ss);
    struct sockaddr_in *sin = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
    if (inet_pton(AF_INET, addr, &sin->sin_addr) == 1) {
        sin->sin_family = AF_INET;
        sin->sin_port = htons(port);
        return sizeof *sin;
    }
    if (inet_pton(AF_INET6, addr, &sin6->sin6_addr) == 1) {
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons(port);
        return sizeof *sin6;
    }
    return 0;
}

/* The child's serving loop; never returns. */
static void serve(int lfd, int socktype, enum v6test_mode mode)
{
    char buf[4096];
    for (;;) {
        struct sockaddr_storage peer;
        socklen_t plen = sizeof peer;
        if (socktype == SOCK_DGRAM) {
            ssize_t n = recvfrom(lfd, buf, sizeof buf, 0, (struct sockaddr *)&peer, &plen);
            if (n < 0)
                continue;
            if (mode == V6TEST_SAY_PEER) {
                char txt[INET6_ADDRSTRLEN + 1];
                v6test_ntop((struct sockaddr *)&peer, txt, sizeof txt);
                sendto(lfd, txt, strlen(txt), 0, (struct sockaddr *)&peer, plen);
            } else {
                sendto(lfd, buf, (size_t)n, 0, (struct sockaddr *)&peer, plen);
            }
            continue;
        }
        int c = accept(lfd, (struct sockaddr *)&peer, &plen);
        if (c < 0)
            continue;
        if (mode == V6TEST_SAY_PEER) {
            char txt[INET6_ADDRSTRLEN + 2];
            v6test_ntop((struct sockaddr *)&peer, txt, sizeof txt - 1);
            strcat(txt, "\n");
            (void)!write(c, txt, strlen(txt));
        }
        ssize_t n;
        while ((n = read(c, buf, sizeof buf)) > 0)
            if (write(c, buf, (size_t)n) != n)
                break;
        close(c);
    }
}

int v6test_server_start(struct v6test_server *srv, const char *addr, int socktype,
                        enum v6test_mode mode)
{
    struct sockaddr_storage ss;
    socklen_t len = make_sockaddr(addr, 0, &ss);
    memset(srv, 0, sizeof *srv);
    if (len == 0)
        return -EINVAL;
    int fd = socket(ss.ss_family, socktype | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    int one = 1, zero = 0;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (ss.ss_family == AF_INET6) {
        struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
        int v6only = IN6_IS_ADDR_UNSPECIFIED(&sin6->sin6_addr) ? zero : one;
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only);
    }
    if (bind(fd, (struct sockaddr *)&ss, len) < 0 ||
        (socktype == SOCK_STREAM && listen(fd, 64) < 0) ||
        getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
        int e = errno;
        close(fd);
        return -e;
    }
    srv->family = ss.ss_family;
    srv->socktype = socktype;
    srv->port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                               : ((struct sockaddr_in *)&ss)->sin_port);
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        close(fd);
        return -e;
    }
    if (pid == 0) {
        signal(SIGPIPE, SIG_IGN);
        serve(fd, socktype, mode);
        _exit(0);
    }
    close(fd); /* the child owns the listening socket now */
    srv->pid = pid;
    return 0;
}

void v6test_server_stop(struct v6test_server *srv)
{
    if (srv->pid <= 0)
        return;
    kill(srv->pid, SIGKILL);
    while (waitpid(srv->pid, NULL, 0) < 0 && errno == EINTR)
        ;
    srv->pid = 0;
}

ssize_t v6test_tcp_roundtrip(const char *addr, uint16_t port, const char *msg, char *out,
                             size_t outlen)
{
    struct sockaddr_storage ss;
    socklen_t len = make_sockaddr(addr, port, &ss);
    if (len == 0 || outlen == 0)
        return -EINVAL;
    int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    if (connect(fd, (struct sockaddr *)&ss, len) < 0) {
        int e = errno;
        close(fd);
        return -e;
    }
    size_t want = strlen(msg);
    if (write(fd, msg, want) != (ssize_t)want) {
        int e = errno;
        close(fd);
        return -e;
    }
    shutdown(fd, SHUT_WR);
    size_t got = 0;
    for (;;) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (got + 1 >= outlen || poll(&p, 1, 5000) <= 0)
            break;
        ssize_t n = read(fd, out + got, outlen - 1 - got);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    out[got] = '\0';
    close(fd);
    return (ssize_t)got;
}

int v6test_raw_domain(int fd)
{
    int d = -1;
    socklen_t len = sizeof d;
    if (syscall(SYS_getsockopt, fd, SOL_SOCKET, SO_DOMAIN, &d, &len) != 0)
        return -errno;
    return d;
}

int v6test_full_listener(uint16_t *port, int fill[2])
{
    int l = socket(AF_INET6, SOCK_STREAM, 0);
    if (l < 0)
        return -errno;
    int one = 1;
    struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
    socklen_t len = sizeof a;
    if (setsockopt(l, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) != 0 ||
        bind(l, (struct sockaddr *)&a, sizeof a) != 0 ||
        listen(l, 0) != 0 || /* room for one queued connection */
        getsockname(l, (struct sockaddr *)&a, &len) != 0) {
        int e = errno;
        close(l);
        return -e;
    }
    *port = ntohs(a.sin6_port);
    for (int i = 0; i < 2; i++) {
        fill[i] = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0);
        connect(fill[i], (struct sockaddr *)&a, sizeof a);
    }
    /* the queue is full once the first filler is established */
    struct pollfd pfd = {fill[0], POLLOUT, 0};
    if (poll(&pfd, 1, 5000) != 1) {
        close(fill[0]);
        close(fill[1]);
        close(l);
        return -ETIMEDOUT;
    }
    return l;
}

int v6test_fd_limit_start(struct v6test_fd_limit *l)
{
    if (getrlimit(RLIMIT_NOFILE, &l->old) != 0)
        return -errno;
    struct rlimit low = l->old;
    low.rlim_cur = V6TEST_FD_LIMIT;
    if (setrlimit(RLIMIT_NOFILE, &low) != 0)
        return -errno;
    int d;
    l->n = 0;
    while (l->n < V6TEST_FD_LIMIT && (d = dup(0)) >= 0)
        l->fill[l->n++] = d;
    if (l->n == 0 || errno != EMFILE) {
        int e = errno;
        v6test_fd_limit_end(l);
        return -e;
    }
    v6test_fd_limit_free_one(l);
    return 0;
}

void v6test_fd_limit_free_one(struct v6test_fd_limit *l)
{
    if (l->n > 0)
        close(l->fill[--l->n]);
}

int v6test_fd_limit_end(struct v6test_fd_limit *l)
{
    while (l->n > 0)
        close(l->fill[--l->n]);
    return setrlimit(RLIMIT_NOFILE, &l->old) == 0 ? 0 : -errno;
}
