/*
 * sockets_test_util — helpers shared by the socket-layer tests
 * (test_sockets_*.c): raw kernel queries that bypass the hooks, pool
 * entries made as the resolver would, IPv4 socket addresses, a legacy
 * listener and a raw client. Failures are cmocka assertions.
 */
/* NOLINTBEGIN(v6-*): test helpers that speak the IPv4-only API on purpose (v6scan self-scan). */
#ifndef SOCKETS_TEST_UTIL_H
#define SOCKETS_TEST_UTIL_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

/* An int socket option asked of the kernel without the hooks, or -errno. */
int raw_int_opt(int fd, int level, int name);
/* A pool address for NAME whose candidates are the numeric ADDRS[0..N). */
struct in_addr map_name(const char *name, const char *const *addrs, size_t n);
struct sockaddr_in sin_of(struct in_addr a, uint16_t port);
struct sockaddr_in sin_str(const char *a, uint16_t port);
/* A static buffer: valid until the next call. */
const char *ntoa(struct in_addr a);
/* A legacy listener: AF_INET, SO_REUSEADDR, bound to ADDR:0, listening. */
int legacy_listener(const char *addr, uint16_t *port);
/* A client of FAMILY connected to that family's loopback:PORT through raw
 * syscalls, so the hooks play no part in it. */
int raw_client(int family, uint16_t port);

#endif
/* NOLINTEND(v6-*) */
