/*
 * eager_test_util — what the adaptive socket model's tests share
 * (test_sockets_eager.c, test_sockets_settle.c): an IPv6-only server on ::1
 * that greets with the peer it saw, a pool address for it, and the per-test
 * set-up that turns the model early. Built with sockets_test_util.c.
 */
#ifndef V6TEST_EAGER_TEST_UTIL_H
#define V6TEST_EAGER_TEST_UTIL_H

#include <netinet/in.h>
#include <stdint.h>

#include "v6test.h"

extern struct v6test_server eager_srv6; /* the IPv6-only server ("::1") */
/* v6scan: ignore[v6-sockaddr-in-decl] a pool address is IPv4 by design */
extern struct in_addr eager_pool6; /* v6only.v6kit.test's pool address */

/* Group set-up / tear-down: start and stop eager_srv6 (nothing without IPv6). */
int eager_start(void **state);
int eager_stop(void **state);

/* A listener on 127.0.0.1:*PORT made with raw syscalls (no IPv4 use the
 * model counts); returns its fd. */
int eager_raw_listener(uint16_t *port);

/* Read the server's greeting from FD: it must be PEER. */
void eager_expect_greeting(int fd, const char *peer);

/* Per-test set-up: a fresh model, then one lazy socket connected through the
 * pool, so the model is early; -1 if it is not. */
int eager_model(void **state);

#endif
