/*
 * Exported datagram hooks: sendto, sendmsg, sendmmsg, recvfrom,
 * __recvfrom_chk (what -D_FORTIFY_SOURCE=2 builds call instead of
 * recvfrom), recvmsg, recvmmsg.
 *
 * Decision table: untracked fd (and, on receive, no address wanted or a
 * buffer big enough for a sockaddr_in6) → libc untouched. Otherwise
 * shim/sockets.c. read/write/send/recv are never hooked.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "fdtable.h"
#include "report.h"
#include "sockets.h"
#include "hook.h"
#include "symbols.h"


/* glibc's fortified recvfrom; not declared by its headers. */
ssize_t __recvfrom_chk(int fd, void *buf, size_t n, size_t buflen, int flags, struct sockaddr *addr,
                       socklen_t *alen);

static inline bool hook_plain_recv(int fd, const struct sockaddr *addr, const socklen_t *len)
{
    return !fdtab_tracked(fd) && (!addr || !len || *len >= sizeof(struct sockaddr_in6));
}

SOCK_EXPORT ssize_t sendto(int fd, const void *buf, size_t n, int flags,
                           const struct sockaddr *addr, socklen_t alen)
{
    if (addr && report_on())
        report_note_dns(fd, addr, alen, "sendto", __builtin_return_address(0));
    if (!addr || !fdtab_tracked(fd))
        return real_sendto(fd, buf, n, flags, addr, alen);
    int saved = errno;
    return hook_ret(sockets_sendto(fd, buf, n, flags, addr, alen), saved);
}

SOCK_EXPORT ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
    if (msg && msg->msg_name && report_on())
        report_note_dns(fd, msg->msg_name, msg->msg_namelen, "sendmsg",
                        __builtin_return_address(0));
    if (!msg || !msg->msg_name || !fdtab_tracked(fd))
        return real_sendmsg(fd, msg, flags);
    int saved = errno;
    return hook_ret(sockets_sendmsg(fd, msg, flags), saved);
}

SOCK_EXPORT ssize_t recvfrom(int fd, void *buf, size_t n, int flags, struct sockaddr *addr,
                             socklen_t *alen)
{
    if (hook_plain_recv(fd, addr, alen))
        return real_recvfrom(fd, buf, n, flags, addr, alen);
    int saved = errno;
    ssize_t rc = hook_ret(sockets_recvfrom(fd, buf, n, flags, addr, alen), saved);
    hook_report_peer("recvfrom", __builtin_return_address(0));
    return rc;
}

SOCK_EXPORT ssize_t __recvfrom_chk(int fd, void *buf, size_t n, size_t buflen, int flags,
                                   struct sockaddr *addr, socklen_t *alen)
{
    /* An overflowing call goes to libc, which reports it and aborts. */
    if (n > buflen || hook_plain_recv(fd, addr, alen))
        return real___recvfrom_chk(fd, buf, n, buflen, flags, addr, alen);
    int saved = errno;
    ssize_t rc = hook_ret(sockets_recvfrom(fd, buf, n, flags, addr, alen), saved);
    hook_report_peer("__recvfrom_chk", __builtin_return_address(0));
    return rc;
}

SOCK_EXPORT ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
    if (!msg || hook_plain_recv(fd, msg->msg_name, &msg->msg_namelen))
        return real_recvmsg(fd, msg, flags);
    int saved = errno;
    ssize_t rc = hook_ret(sockets_recvmsg(fd, msg, flags), saved);
    hook_report_peer("recvmsg", __builtin_return_address(0));
    return rc;
}

SOCK_EXPORT int sendmmsg(int fd, struct mmsghdr *vec, unsigned int vlen, int flags)
{
    if (!fdtab_tracked(fd))
        return real_sendmmsg(fd, vec, vlen, flags);
    int saved = errno;
    return (int)hook_ret(sockets_sendmmsg(fd, vec, vlen, flags), saved);
}

SOCK_EXPORT int recvmmsg(int fd, struct mmsghdr *vec, unsigned int vlen, int flags,
                         struct timespec *timeout)
{
    if (!fdtab_tracked(fd)) {
        bool small = false;
        for (unsigned i = 0; vec && i < vlen && !small; i++)
            small = !hook_plain_recv(fd, vec[i].msg_hdr.msg_name, &vec[i].msg_hdr.msg_namelen);
        if (!small)
            return real_recvmmsg(fd, vec, vlen, flags, timeout);
    }
    int saved = errno;
    int rc = (int)hook_ret(sockets_recvmmsg(fd, vec, vlen, flags, timeout), saved);
    hook_report_peer("recvmmsg", __builtin_return_address(0));
    return rc;
}
