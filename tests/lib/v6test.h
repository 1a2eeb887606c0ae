/*
 * v6test — the shared pieces of v6kit's cmocka tests.
 *
 * Loopback servers that run in a forked child (so the process under test,
 * possibly preloaded with the shim, keeps its own state), the test hosts file
 * (tests/data/hosts, read through libnss-wrapper) and skip-not-fail helpers
 * for hosts without IPv6. Include after <cmocka.h>'s prerequisites.
 */
#ifndef V6TEST_H
#define V6TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/types.h>

/* Names in tests/data/hosts. */
#define V6TEST_NAME_V6ONLY "v6only.v6kit.test" /* ::1 only */
#define V6TEST_NAME_DUAL "dual.v6kit.test"     /* ::1 and 127.0.0.1 */
#define V6TEST_NAME_V4ONLY "v4only.v6kit.test" /* 127.0.0.1 only */

/* True when an AF_INET6 socket can bind ::1 (checked once per process). */
bool v6test_have_ipv6(void);

/* Skip the current cmocka test (not fail) when the host has no IPv6. */
#define V6TEST_REQUIRE_IPV6()                                           \
    do {                                                                \
        if (!v6test_have_ipv6()) {                                      \
            print_message("skipped: this host has no IPv6 loopback\n"); \
            skip();                                                     \
        }                                                               \
    } while (0)

enum v6test_mode {
    V6TEST_ECHO,     /* echo every byte (TCP) or datagram (UDP) back */
    V6TEST_SAY_PEER, /* first send "<numeric peer address>\n", then echo */
};

struct v6test_server {
    pid_t pid;     /* the child serving; 0 when stopped */
    int family;    /* AF_INET or AF_INET6 */
    int socktype;  /* SOCK_STREAM or SOCK_DGRAM */
    uint16_t port; /* bound port, host order */
};

/*
 * Start a server on a free port of the numeric address ADDR ("127.0.0.1",
 * "::1", "::" …). For "::" V6ONLY is cleared so IPv4 clients are served too.
 * Returns 0, or -errno (the child is not started).
 */
int v6test_server_start(struct v6test_server *srv, const char *addr, int socktype,
                        enum v6test_mode mode);

/* Stop the server and reap its child. Safe to call twice. */
void v6test_server_stop(struct v6test_server *srv);

/*
 * Connect a TCP client to ADDR:PORT (numeric), send MSG, read back up to
 * OUTLEN-1 bytes until MSG's length has arrived or the peer closed; OUT is
 * NUL-terminated. Returns bytes read or -errno.
 */
ssize_t v6test_tcp_roundtrip(const char *addr, uint16_t port, const char *msg, char *out,
                             size_t outlen);

/* Path of the test hosts file in use (NSS_WRAPPER_HOSTS), or NULL. */
const char *v6test_hosts_file(void);

/* Format a sockaddr as "addr" (numeric, no port) into BUF. Returns BUF. */
const char *v6test_ntop(const struct sockaddr *sa, char *buf, size_t len);

/* FD's real family (SO_DOMAIN), asked of the kernel with the raw syscall,
 * past any preloaded shim. Returns it, or -errno. */
int v6test_raw_domain(int fd);

/*
 * A black hole on loopback: [::1]:*PORT (IPv6-only) listening with a full
 * accept queue, so further SYNs are dropped without an answer and a
 * connect to it stays in progress. FILL receives the two connections that
 * fill it (the first is established before this returns). Returns the
 * listener, or -errno.
 */
int v6test_full_listener(uint16_t *port, int fill[2]);

/*
 * The descriptor limit reached: RLIMIT_NOFILE lowered to
 * V6TEST_FD_LIMIT and every descriptor below it taken by dup(0) but one,
 * so the next open gets the last free number and the one after EMFILE.
 * v6test_fd_limit_free_one gives back one more; v6test_fd_limit_end
 * closes them all and restores the limit. Return 0 or -errno.
 */
#define V6TEST_FD_LIMIT 64
struct v6test_fd_limit {
    struct rlimit old;
    int fill[V6TEST_FD_LIMIT];
    int n;
};
int v6test_fd_limit_start(struct v6test_fd_limit *l);
void v6test_fd_limit_free_one(struct v6test_fd_limit *l);
int v6test_fd_limit_end(struct v6test_fd_limit *l);

#endif
