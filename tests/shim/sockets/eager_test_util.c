/* eager_test_util — see eager_test_util.h. */
/* NOLINTBEGIN(v6-*): these helpers drive the shim through the IPv4-only API on purpose (v6scan self-scan). */
/* NOLINTBEGIN(v6-*): these tests drive the shim through the IPv4-only API on purpose (v6scan self-scan). */
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
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <net/if.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pool.h"
#include "sockets_test_util.h"
#include "upgrade.h"
#include "v6test.h"
#include "eager_test_util.h"

/* The IPv6-only server the early sockets reach ("::1", says the peer). */
struct v6test_server eager_srv6;
struct in_addr eager_pool6; /* v6only.v6kit.test's pool address */

int eager_start(void **state)
{
    (void)state;
    if (!v6test_have_ipv6())
        return 0; /* every test skips */
    if (v6test_server_start(&eager_srv6, "::1", SOCK_STREAM, V6TEST_SAY_PEER) != 0)
        return -1;
    return 0;
}

int eager_stop(void **state)
{
    (void)state;
    v6test_server_stop(&eager_srv6);
    return 0;
}

/* A listener on 127.0.0.1:*PORT made with raw syscalls, so that making it
 * is no IPv4 use that the model counts (a legacy bind would be one). */
int eager_raw_listener(uint16_t *port)
{
    int fd = (int)syscall(SYS_socket, AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in me = sin_str("127.0.0.1", 0);
    assert_int_equal(syscall(SYS_bind, fd, &me, sizeof me), 0);
    assert_int_equal(syscall(SYS_listen, fd, 8), 0);
    socklen_t len = sizeof me;
    assert_int_equal(syscall(SYS_getsockname, fd, &me, &len), 0);
    *port = ntohs(me.sin_port);
    return fd;
}

/* The program's socket FD connects to the pool address and gets the
 * server's greeting: the peer the server saw. */
void eager_expect_greeting(int fd, const char *peer)
{
    char buf[64] = {0};
    size_t want = strlen(peer) + 1;
    assert_int_equal(read(fd, buf, sizeof buf - 1), (ssize_t)want);
    assert_memory_equal(buf, peer, want - 1);
}

/* Per test: a fresh model, then one lazy socket connected through the pool
 * (the evidence that turns the model early). */
int eager_model(void **state)
{
    (void)state;
    upgrade_eager_reset();
    if (!v6test_have_ipv6())
        return 0;
    int fd = socket(AF_INET, SOCK_STREAM, 0); /* (the shim starts here, and sets the pool up) */
    static const char *const a[] = {"::1"};
    eager_pool6 = map_name("v6only.v6kit.test", a, 1);
    if (fd < 0 || v6test_raw_domain(fd) != AF_INET)
        return -1; /* lazy until then */
    struct sockaddr_in dst = sin_of(eager_pool6, eager_srv6.port);
    int rc = connect(fd, (struct sockaddr *)&dst, sizeof dst);
    if (rc != 0)
        print_message("eager_model: connect: %s\n", strerror(errno));
    close(fd);
    return rc == 0 && upgrade_eager_wanted() ? 0 : -1;
}
/* NOLINTEND(v6-*) */
