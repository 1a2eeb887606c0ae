/* sockets_test_util — see sockets_test_util.h. */
/* NOLINTBEGIN(v6-*): test helpers that speak the IPv4-only API on purpose (v6scan self-scan). */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fdtable.h"
#include "pool.h"
#include "sockets_test_util.h"
#include "v6test.h"

/* The socket's real family, asked of the kernel without the hooks. */
int raw_int_opt(int fd, int level, int name)
{
    int v = -1;
    socklen_t len = sizeof v;
    if (syscall(SYS_getsockopt, fd, level, name, &v, &len) != 0)
        return -errno;
    return v;
}

/* A pool address for NAME whose candidates are the numeric ADDRS. */
struct in_addr map_name(const char *name, const char *const *addrs, size_t n)
{
    struct pool_cand c[POOL_MAX_CAND];
    memset(c, 0, sizeof c);
    for (size_t i = 0; i < n; i++) {
        if (inet_pton(AF_INET6, addrs[i], &c[i].addr.v6) == 1) {
            c[i].family = AF_INET6;
        } else {
            assert_int_equal(inet_pton(AF_INET, addrs[i], &c[i].addr.v4), 1);
            c[i].family = AF_INET;
        }
    }
    struct in_addr a;
    assert_int_equal(pool_map_name(name, c, n, 300, &a), 0);
    assert_true(pool_contains(a));
    return a;
}

struct sockaddr_in sin_of(struct in_addr a, uint16_t port)
{
    struct sockaddr_in s = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr = a};
    return s;
}

struct sockaddr_in sin_str(const char *a, uint16_t port)
{
    struct in_addr x;
    assert_int_equal(inet_pton(AF_INET, a, &x), 1);
    return sin_of(x, port);
}

const char *ntoa(struct in_addr a)
{
    static char buf[INET_ADDRSTRLEN];
    return inet_ntop(AF_INET, &a, buf, sizeof buf);
}

/* A legacy listener: AF_INET, SO_REUSEADDR, bound to ADDR:0, listening. */
int legacy_listener(const char *addr, uint16_t *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    int one = 1;
    assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one), 0);
    struct sockaddr_in s = sin_str(addr, 0);
    assert_int_equal(bind(fd, (struct sockaddr *)&s, sizeof s), 0);
    assert_int_equal(listen(fd, 8), 0);
    socklen_t len = sizeof s;
    assert_int_equal(getsockname(fd, (struct sockaddr *)&s, &len), 0);
    assert_int_equal(len, sizeof s);
    assert_int_equal(s.sin_family, AF_INET);
    *port = ntohs(s.sin_port);
    return fd;
}

/* A client of family FAMILY connecting to the loopback of that family:PORT,
 * through the raw syscall so the hooks play no part in the client. */
int raw_client(int family, uint16_t port)
{
    int fd = (int)syscall(SYS_socket, family, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_storage ss = {0};
    socklen_t len;
    if (family == AF_INET6) {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons(port);
        s6->sin6_addr = in6addr_loopback;
        len = sizeof *s6;
    } else {
        struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
        *s4 = sin_str("127.0.0.1", port);
        len = sizeof *s4;
    }
    assert_int_equal(syscall(SYS_connect, fd, &ss, len), 0);
    return fd;
}

/* NOLINTEND(v6-*) */
