/*
 * Exported socket hooks: socket, bind, listen, connect, accept, accept4,
 * getpeername, getsockname, getsockopt, setsockopt, epoll_ctl, ioctl.
 *
 * Decision table (every hook): an fd the fd table does not know (and, for
 * the address-returning calls, a caller buffer big enough for a
 * sockaddr_in6) goes straight to libc, untouched, errno and all. Anything
 * else goes to shim/sockets.c, whose -errno comes back as -1/errno; on
 * success errno is left as the caller had it. In report mode (report.h)
 * socket(AF_INET), wildcard binds and IPv6 peers shown as IPv4 are recorded
 * with the caller's address first; that changes nothing else.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <sys/ioctl.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "fdtable.h"
#include "report.h"
#include "sockets.h"
#include "hook.h"
#include "symbols.h"


static inline bool hook_big_buffer(const struct sockaddr *addr, const socklen_t *len)
{
    return !addr || !len || *len >= sizeof(struct sockaddr_in6);
}

SOCK_EXPORT int socket(int domain, int type, int protocol)
{
    /* NOLINTBEGIN(v6-addrlen-assume,v6-family-switch-no-v6,v6-inaddr-constant,v6-sockaddr-in-decl): only AF_INET sockets are the shim's; others pass through (v6scan self-scan). */
    if (domain == AF_INET && report_on())
        report_record(REPORT_SOCKET_AF_INET, "socket", __builtin_return_address(0));
    if (domain != AF_INET)
        return real_socket(domain, type, protocol);
    /* NOLINTEND(v6-addrlen-assume,v6-family-switch-no-v6,v6-inaddr-constant,v6-sockaddr-in-decl) */
    int saved = errno;
    return hook_ret(sockets_socket(domain, type, protocol), saved);
}

SOCK_EXPORT int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
    /* NOLINTBEGIN(v6-addrlen-assume,v6-family-switch-no-v6,v6-inaddr-constant,v6-sockaddr-in-decl): report mode records the legacy IPv4 wildcard bind itself (v6scan self-scan). */
    if (report_on() && addr && len >= sizeof(struct sockaddr_in) && addr->sa_family == AF_INET &&
        ((const struct sockaddr_in *)addr)->sin_addr.s_addr == htonl(INADDR_ANY))
        report_record(REPORT_WILDCARD_LISTEN, "bind", __builtin_return_address(0));
    /* NOLINTEND(v6-addrlen-assume,v6-family-switch-no-v6,v6-inaddr-constant,v6-sockaddr-in-decl) */
    if (!fdtab_tracked(fd))
        return real_bind(fd, addr, len);
    int saved = errno;
    return hook_ret(sockets_bind(fd, addr, len), saved);
}

SOCK_EXPORT int listen(int fd, int backlog)
{
    if (!fdtab_tracked(fd))
        return real_listen(fd, backlog);
    int saved = errno;
    return hook_ret(sockets_listen(fd, backlog), saved);
}

SOCK_EXPORT int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
    if (addr && report_on())
        report_note_dns(fd, addr, len, "connect", __builtin_return_address(0));
    if (!fdtab_tracked(fd))
        return real_connect(fd, addr, len);
    int saved = errno;
    if (report_on())
        sockets_report_caller(__builtin_return_address(0));
    return hook_ret(sockets_connect(fd, addr, len), saved);
}

SOCK_EXPORT int accept(int fd, struct sockaddr *addr, socklen_t *len)
{
    if (!fdtab_tracked(fd) && hook_big_buffer(addr, len))
        return real_accept(fd, addr, len);
    int saved = errno;
    int rc = hook_ret(sockets_accept(fd, addr, len, 0, false), saved);
    hook_report_peer("accept", __builtin_return_address(0));
    return rc;
}

SOCK_EXPORT int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
    if (!fdtab_tracked(fd) && hook_big_buffer(addr, len))
        return real_accept4(fd, addr, len, flags);
    int saved = errno;
    int rc = hook_ret(sockets_accept(fd, addr, len, flags, true), saved);
    hook_report_peer("accept4", __builtin_return_address(0));
    return rc;
}

SOCK_EXPORT int getpeername(int fd, struct sockaddr *addr, socklen_t *len)
{
    if (!fdtab_tracked(fd) && hook_big_buffer(addr, len))
        return real_getpeername(fd, addr, len);
    int saved = errno;
    int rc = hook_ret(sockets_getpeername(fd, addr, len), saved);
    hook_report_peer("getpeername", __builtin_return_address(0));
    return rc;
}

SOCK_EXPORT int getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
    if (!fdtab_tracked(fd) && hook_big_buffer(addr, len))
        return real_getsockname(fd, addr, len);
    int saved = errno;
    int rc = hook_ret(sockets_getsockname(fd, addr, len), saved);
    hook_report_peer("getsockname", __builtin_return_address(0));
    return rc;
}

SOCK_EXPORT int getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
    if (!fdtab_tracked(fd))
        return real_getsockopt(fd, level, name, val, len);
    int saved = errno;
    return hook_ret(sockets_getsockopt(fd, level, name, val, len), saved);
}

SOCK_EXPORT int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
    if (!fdtab_tracked(fd))
        return real_setsockopt(fd, level, name, val, len);
    int saved = errno;
    return hook_ret(sockets_setsockopt(fd, level, name, val, len), saved);
}

SOCK_EXPORT int epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev)
{
    if (!fdtab_tracked(fd))
        return real_epoll_ctl(epfd, op, fd, ev);
    int saved = errno;
    return hook_ret(sockets_epoll_ctl(epfd, op, fd, ev), saved);
}

/* Untracked fds (terminals, files: most ioctls) go straight to libc; a
 * tracked one may first be settled (sockets_ioctl_prepare), then the real
 * call answers. */
SOCK_EXPORT int ioctl(int fd, unsigned long request, ...)
{
    va_list ap;
    va_start(ap, request);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    if (fdtab_tracked(fd)) {
        int saved = errno;
        sockets_ioctl_prepare(fd, request);
        errno = saved;
    }
    return real_ioctl(fd, request, arg);
}
