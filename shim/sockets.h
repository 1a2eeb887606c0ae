/*
 * sockets — the socket layer of the shim: an application's AF_INET socket
 * reaches IPv6 peers and accepts IPv6 clients while the application only
 * ever sees IPv4 addresses (the "IPv4 view").
 *
 * Model (adaptive; docs/internals/fdtable.md gives the reasons): lazy, and
 * early while the process's TCP sockets go to pool addresses (upgrade.h:
 * then socket(AF_INET, SOCK_STREAM) is an AF_INET6 socket at once, which
 * connects to a pool address as it is and is settled back to a real
 * AF_INET socket in place by any other use). Lazy: socket(AF_INET)
 * makes the real AF_INET socket and only notes the fd. The socket is
 * replaced IN PLACE (same fd number, via dup3) by an AF_INET6 one only when
 * IPv6 is needed:
 *   - bind(0.0.0.0:P) → [::]:P with IPV6_V6ONLY=0 (falls back to the
 *     original bind when that fails; specific IPv4 binds stay IPv4), and
 *     listen() on a never-bound socket likewise;
 *   - connect(pool address) → the pool entry's candidates (RFC 8305 race
 *     when blocking, first usable candidate when non-blocking or UDP; a
 *     non-blocking stream connect then fails over, nbconnect.h);
 *   - connect(127.0.0.0/8) refused, with loopback_fallback → [::1];
 *   - sendto/sendmsg(pool address) on an unbound UDP socket.
 * On replacement the fd keeps O_NONBLOCK, FD_CLOEXEC, the recorded socket
 * options (IPv4-level ones mirrored, see sockopt.h) and its epoll
 * registrations. A socket that never meets IPv6 stays a real AF_INET socket.
 *
 * Views: on translated sockets, accept/accept4/getpeername/getsockname/
 * recvfrom/recvmsg give AF_INET addresses: an IPv4-mapped address becomes
 * its IPv4 address, a native IPv6 one its pool address (pool_map_peer), `::`
 * becomes 0.0.0.0; getpeername after a pool connect gives the pool address
 * the application connected to. The same view is given on UNTRACKED AF_INET6
 * sockets when the caller's buffer is too small for a sockaddr_in6 (fds
 * inherited across exec, inetd-style). Buffers are filled as the kernel does:
 * min(*len, sizeof(struct sockaddr_in)) bytes copied, *len set to the full size.
 *
 * Every function returns the libc call's result (>= 0) or -errno; the hooks
 * turn that into -1/errno. Each first decides whether the call concerns the
 * shim and otherwise makes the real call untouched.
 */
/* NOLINTBEGIN(v6-sockaddr-in-decl): the socket layer speaks the application's IPv4 API on purpose (v6scan self-scan). */
#ifndef V6SHIM_SOCKETS_H
#define V6SHIM_SOCKETS_H

#include <stdbool.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>

int sockets_socket(int domain, int type, int protocol);
int sockets_bind(int fd, const struct sockaddr *addr, socklen_t len);
/* listen on a never-bound socket: made [::]:0 dual-stack first, as bind(0.0.0.0:0). */
int sockets_listen(int fd, int backlog);
int sockets_connect(int fd, const struct sockaddr *addr, socklen_t len);
/* Report mode: CALLER is the program's return address of this thread's
 * next sockets_connect (the loopback fallback is counted there). */
void sockets_report_caller(const void *caller);
/* ACCEPT4: the caller was accept4 (FLAGS used) rather than accept. */
int sockets_accept(int fd, struct sockaddr *addr, socklen_t *len, int flags, bool accept4);
int sockets_getpeername(int fd, struct sockaddr *addr, socklen_t *len);
int sockets_getsockname(int fd, struct sockaddr *addr, socklen_t *len);
int sockets_getsockopt(int fd, int level, int name, void *val, socklen_t *len);
int sockets_setsockopt(int fd, int level, int name, const void *val, socklen_t len);
ssize_t sockets_sendto(int fd, const void *buf, size_t n, int flags, const struct sockaddr *addr,
                       socklen_t alen);
ssize_t sockets_sendmsg(int fd, const struct msghdr *msg, int flags);
ssize_t sockets_recvfrom(int fd, void *buf, size_t n, int flags, struct sockaddr *addr,
                         socklen_t *alen);
ssize_t sockets_recvmsg(int fd, struct msghdr *msg, int flags);
/* Each message as recvmsg/sendmsg; when translating, at most 64 per call. */
int sockets_recvmmsg(int fd, struct mmsghdr *vec, unsigned vlen, int flags,
                     struct timespec *timeout);
int sockets_sendmmsg(int fd, struct mmsghdr *vec, unsigned vlen, int flags);
/* Before ioctl(FD, REQUEST) on a tracked fd: a SIOC* request (0x89xx:
 * interface addresses, routes, ARP), which an AF_INET6 socket may refuse
 * (SIOCGIFADDR: ENOTTY), settles an early socket to AF_INET first. */
void sockets_ioctl_prepare(int fd, unsigned long request);
/* Records registrations of not-yet-upgraded sockets, then makes the call. */
int sockets_epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev);

/*
 * The IPv4 view of a real address (any family) into *OUT: AF_INET copied,
 * IPv4-mapped unwrapped, `::` → 0.0.0.0, other IPv6 → pool address (0.0.0.0
 * when the pool cannot map it). Port kept. Returns 0 or -EAFNOSUPPORT for a
 * family that has no IPv4 view (the caller then passes the address through).
 */
int sockets_view(const struct sockaddr *real, socklen_t len, struct sockaddr_in *out);

/* True (once) if a view given in this thread since the last call showed a
 * native IPv6 address as an IPv4 one; for report mode's hooks. */
bool sockets_take_peer_flag(void);

#endif
/* NOLINTEND(v6-sockaddr-in-decl) */
