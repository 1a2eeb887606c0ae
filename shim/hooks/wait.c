/*
 * Exported wait hooks: poll, __poll_chk, ppoll, __ppoll_chk, select,
 * pselect, epoll_wait, epoll_pwait (__poll_chk and __ppoll_chk are what
 * -D_FORTIFY_SOURCE=2 builds call).
 *
 * Decision table: no fd has a pending fail-over (nbconnect_any(), one
 * atomic load) → libc untouched. Otherwise shim/nbconnect.c, which makes the
 * same call and hides the events of attempts that failed over to the next
 * candidate (nbconnect.h). A fortified call whose buffer is too small goes
 * to libc, which reports it and aborts.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/select.h>

#include "nbconnect.h"
#include "hook.h"
#include "symbols.h"


/* glibc's fortified poll and ppoll; not declared by its headers. */
int __poll_chk(struct pollfd *fds, nfds_t n, int timeout, size_t fdslen);
int __ppoll_chk(struct pollfd *fds, nfds_t n, const struct timespec *ts, const sigset_t *mask,
                size_t fdslen);

SOCK_EXPORT int poll(struct pollfd *fds, nfds_t n, int timeout)
{
    if (!nbconnect_any())
        return real_poll(fds, n, timeout);
    int saved = errno;
    return hook_ret(nbconnect_poll(fds, n, timeout, NULL, NULL, false), saved);
}

SOCK_EXPORT int __poll_chk(struct pollfd *fds, nfds_t n, int timeout, size_t fdslen)
{
    if (!nbconnect_any() || fdslen / sizeof *fds < n)
        return real___poll_chk(fds, n, timeout, fdslen);
    int saved = errno;
    return hook_ret(nbconnect_poll(fds, n, timeout, NULL, NULL, false), saved);
}

SOCK_EXPORT int ppoll(struct pollfd *fds, nfds_t n, const struct timespec *ts, const sigset_t *mask)
{
    if (!nbconnect_any())
        return real_ppoll(fds, n, ts, mask);
    int saved = errno;
    return hook_ret(nbconnect_poll(fds, n, -1, ts, mask, true), saved);
}

SOCK_EXPORT int __ppoll_chk(struct pollfd *fds, nfds_t n, const struct timespec *ts,
                            const sigset_t *mask, size_t fdslen)
{
    if (!nbconnect_any() || fdslen / sizeof *fds < n)
        return real___ppoll_chk(fds, n, ts, mask, fdslen);
    int saved = errno;
    return hook_ret(nbconnect_poll(fds, n, -1, ts, mask, true), saved);
}

SOCK_EXPORT int select(int nfds, fd_set *r, fd_set *w, fd_set *e, struct timeval *tv)
{
    if (!nbconnect_any())
        return real_select(nfds, r, w, e, tv);
    int saved = errno;
    return hook_ret(nbconnect_select(nfds, r, w, e, tv, NULL, NULL, false), saved);
}

SOCK_EXPORT int pselect(int nfds, fd_set *r, fd_set *w, fd_set *e, const struct timespec *ts,
                        const sigset_t *mask)
{
    if (!nbconnect_any())
        return real_pselect(nfds, r, w, e, ts, mask);
    int saved = errno;
    return hook_ret(nbconnect_select(nfds, r, w, e, NULL, ts, mask, true), saved);
}

SOCK_EXPORT int epoll_wait(int epfd, struct epoll_event *ev, int maxevents, int timeout)
{
    if (!nbconnect_any())
        return real_epoll_wait(epfd, ev, maxevents, timeout);
    int saved = errno;
    return hook_ret(nbconnect_epoll(epfd, ev, maxevents, timeout, NULL, false), saved);
}

SOCK_EXPORT int epoll_pwait(int epfd, struct epoll_event *ev, int maxevents, int timeout,
                            const sigset_t *mask)
{
    if (!nbconnect_any())
        return real_epoll_pwait(epfd, ev, maxevents, timeout, mask);
    int saved = errno;
    return hook_ret(nbconnect_epoll(epfd, ev, maxevents, timeout, mask, true), saved);
}
