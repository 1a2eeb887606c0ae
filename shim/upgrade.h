/*
 * upgrade — the in-place socket upgrade: an application's AF_INET socket
 * becomes an AF_INET6 (or another AF_INET) socket under the same fd number;
 * its mirror, the settle of an early AF_INET6 socket back to AF_INET; and
 * the adaptive choice between the two socket models (lazy and early).
 * A twin socket is made aside with the recorded options replayed, then put
 * onto the fd with dup3, keeping O_NONBLOCK, FD_CLOEXEC and the recorded
 * epoll registrations. Used by bind, listen, connect and the UDP send path
 * (sockets*.c); docs/internals/upgrade.md says when and what is replayed.
 *
 * Every function returns >= 0 or -errno. No lock is held across a call:
 * the entry's records are copied out of the fd table first.
 */
#ifndef V6SHIM_UPGRADE_H
#define V6SHIM_UPGRADE_H

#include <netinet/in.h>
#include <stdbool.h>

#include "fdtable.h"

/* May FD (entry S) be replaced? Not when already IPv6 or connected through
 * the pool, when an option or epoll set could not be recorded, or when
 * another fd shares the socket (logged). */
bool upgrade_allowed(int fd, struct fdtab_sock *s);

/*
 * Replay S's recorded options onto FD, a fresh socket of FAMILY (IPv4-level
 * ones also as their IPv6 twin, sockopt.h), then IPV6_V6ONLY=0 for
 * AF_INET6. CTX is a struct fdtab_sock * (eyeballs' prepare callback
 * signature). A failed replay of one option is logged and skipped; only a
 * failed IPV6_V6ONLY=0 fails (-errno).
 */
int upgrade_replay(int fd, int family, void *ctx);

/* A twin of S: a new socket of FAMILY with S's type and protocol,
 * close-on-exec plus EXTRA_FLAGS (SOCK_NONBLOCK), options replayed.
 * Returns the fd or -errno. */
int upgrade_twin(struct fdtab_sock *s, int family, int extra_flags);

/*
 * Put NFD onto FD (entry S) in place: FD's O_NONBLOCK (unless FL >= 0: FD's
 * status flags, NFD made with the same O_NONBLOCK) and FD_CLOEXEC kept, its
 * recorded epoll registrations re-added. Checks first that FD is still S's
 * socket (-ESTALE otherwise). NFD is closed in every case. Returns 0 or
 * -errno (FD unchanged).
 */
int upgrade_swap(int fd, struct fdtab_sock *s, int nfd, int fl);

/*
 * The whole upgrade to AF_INET6: twin, bound to BIND_TO when not NULL,
 * swapped onto FD, the entry marked IPv6. FL as upgrade_swap (-1: read
 * FD's). Returns 0 or -errno; on failure FD is the AF_INET socket it was,
 * and *BIND_ERRNO (when not NULL) tells a refused bind (errno) from any
 * other failure (0).
 */
int upgrade_to_inet6(int fd, struct fdtab_sock *s, const struct sockaddr_in6 *bind_to, int fl,
                     int *bind_errno);

/* ---- the adaptive socket model (docs/internals/fdtable.md) ----
 *
 * Lazy by default: socket(AF_INET) is a real AF_INET socket, upgraded when
 * IPv6 is needed. Early ("eager") while this process's recent TCP sockets
 * went to pool addresses: socket(AF_INET, SOCK_STREAM) then makes the
 * AF_INET6 socket at once (entry FDTAB_REAL_EAGER), and its first IPv4 use
 * settles it back to a real AF_INET socket in place. The evidence is a
 * saturating counter of 0..3 (atomic, no lock): a stream connect through
 * the pool sets it to 3, an IPv4 use of a stream socket takes one off;
 * early while it is 2 or more. A process that never connects to a pool
 * address never leaves 0, so it never makes an early socket.
 */

/* Should the next socket(AF_INET, SOCK_STREAM) be made early? One atomic load. */
bool upgrade_eager_wanted(void);
/* This process's stream socket reached a pool address. */
void upgrade_eager_note_pool(void);
/* This process's stream socket was used for IPv4 (plain IPv4 connect, an
 * early socket settled). Costs one atomic load when the counter is 0. */
void upgrade_eager_note_ipv4(void);
/* For tests: back to the start (lazy, no evidence). */
void upgrade_eager_reset(void);

/*
 * The early socket: socket(AF_INET6, TYPE, PROTOCOL), registered as FDTAB_REAL_EAGER of type BASE (TYPE without its flags).
 * Returns the fd, or -errno with nothing left open (the caller then makes
 * the plain AF_INET socket).
 */
int upgrade_eager_socket(int type, int base, int protocol);

/*
 * An early socket FD (entry S) is about to be used for something other
 * than a connect to a pool address: make it a real AF_INET socket again,
 * in place (an AF_INET twin with the recorded options replayed, swapped
 * onto FD keeping O_NONBLOCK, FD_CLOEXEC and epoll registrations), and
 * count an IPv4 use. When that cannot be done (FD shared with another fd,
 * a record incomplete, no descriptor left) S becomes FDTAB_REAL_INET6 and
 * the use goes through as on an upgraded socket (IPv4-mapped:
 * upgrade_dual), logged at info. No-op unless S is EAGER. Returns
 * S's real family afterwards; FDTAB_REAL_INET also when FD turns out to
 * have been closed behind the shim's back and reused (the caller then
 * makes the program's call as it is).
 */
enum fdtab_real upgrade_settle(int fd, struct fdtab_sock *s);

/* An early socket FD (entry S) stays IPv6 for good and may meet IPv4
 * addresses (IPv4-mapped): IPV6_V6ONLY=0 (a failure, once bound, is
 * logged at debug), S marked FDTAB_REAL_INET6. Checks first that FD is
 * still S's socket: 0, or -ESTALE (FD left alone, its stale entry dropped). */
int upgrade_dual(int fd, struct fdtab_sock *s);

#endif
