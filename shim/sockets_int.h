/*
 * sockets_int — internals shared by the three files of the sockets module
 * (sockets.c: socket/bind/connect/options/epoll; sockets_view.c:
 * address views, accept and names; sockets_dgram.c: datagrams). Not for
 * other modules: their contract is sockets.h. The in-place upgrade all three
 * use is its own module (upgrade.h).
 */
/* NOLINTBEGIN(v6-sockaddr-in-decl): the socket layer speaks the application's IPv4 API on purpose (v6scan self-scan). */
#ifndef V6SHIM_SOCKETS_INT_H
#define V6SHIM_SOCKETS_INT_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "fdtable.h"
#include "pool.h"

/* ---- sockets_view.c ---- */

/* Copy VIEW out as the kernel would: min(*LEN, 16) bytes, *LEN = 16. No-op
 * when ADDR or LEN is NULL. */
void sockets_copy_out(const struct sockaddr_in *view, struct sockaddr *addr, socklen_t *len);

/* Give the caller the IPv4 view of REAL/RLEN (sockets_view), or REAL itself,
 * kernel-style, when its family has no view. */
void sockets_give(const struct sockaddr_storage *real, socklen_t rlen, struct sockaddr *addr,
                  socklen_t *len);

/* The application's sockaddr_in copied into BUF, if ADDR/LEN is one; else NULL. */
const struct sockaddr_in *sockets_as_in(const struct sockaddr *addr, socklen_t len,
                                        struct sockaddr_in *buf);

/* True when translation is on and a caller's address buffer of *LEN cannot
 * hold a sockaddr_in6 (an untracked fd may then need the view). */
bool sockets_small_buffer(const socklen_t *len);

/* S is now connected to (or accepted from) pool address VIEW, really REAL:
 * records both (getpeername shows VIEW) and makes S the holder of one pin
 * on VIEW's entry that the caller took (pool_acquire / pool_map_peer with
 * PIN); a pin S held before is released. LEARNT: VIEW stands for an accepted
 * IPv6 client (report mode counts showing it as a peer view). The last close of S releases it. */
void sockets_hold(struct fdtab_sock *s, const struct sockaddr_in *view,
                  const struct sockaddr_storage *real, bool learnt);

#endif
/* NOLINTEND(v6-sockaddr-in-decl) */
