/*
 * nbconnect — fail-over of a non-blocking connect to a name with several
 * addresses, driven by the program's own calls.
 *
 * A non-blocking connect(pool address) starts the first candidate that does
 * not fail at once on the program's fd and returns EINPROGRESS (sockets.c).
 * When more candidates are left, the fd is given a fail-over record here.
 * From then on, whenever poll/ppoll, select/pselect or epoll_wait/
 * epoll_pwait reports the fd ready, or the program asks SO_ERROR or calls
 * connect again, the fd is checked: if its attempt failed (POLLERR/POLLHUP
 * with a connect error in SO_ERROR), the next candidate is started on a twin
 * socket and put onto the same fd number (upgrade_swap: flags, options,
 * epoll registrations), the event is hidden from the caller and the wait
 * goes on within the caller's remaining timeout. The program only sees a
 * slower connect. docs/internals/nbconnect.md has the state machine.
 *
 * Once the last candidate runs on the fd the record is dropped: from there
 * every answer (poll events, SO_ERROR, EALREADY/EISCONN, the final error) is
 * the kernel's own. A fd whose name has one candidate never gets a record,
 * so its EINPROGRESS/poll/SO_ERROR are the kernel's exactly.
 *
 * The same machinery carries the loopback fallback (config loopback_fallback):
 * a connect to 127.0.0.0/8 that is refused moves on to [::1] at the same
 * port (REFUSED_ONLY: only ECONNREFUSED fails over).
 *
 * Cost: the wait hooks first call nbconnect_any(), one atomic load; only
 * while some fd has a record do they take the slow path. At most
 * NBCONNECT_MAX fds have a record at once (more connect as before, one
 * candidate, logged).
 *
 * Threads: one mutex (nbc_mu in nbconnect.c) guards the records; it is taken
 * before the fd table's and the pool's locks, never inside them. fork(): the
 * child keeps the records (its fds are the same); an atfork handler keeps the
 * lock usable. Every function returns >= 0 or -errno, errno is not kept.
 */
/* NOLINTBEGIN(v6-sockaddr-in-decl): the record keeps the IPv4 view the application connected to (v6scan self-scan). */
#ifndef V6SHIM_NBCONNECT_H
#define V6SHIM_NBCONNECT_H

#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <time.h>

#include "fdtable.h"

#define NBCONNECT_MAX 64

/* Records in use; written under nbc_mu, read lock-free by nbconnect_any. */
extern _Atomic unsigned v6shim_nbconnect_live;

/* Does any fd have a fail-over record? One atomic load (the wait hooks'
 * fast path). */
static inline bool nbconnect_any(void)
{
    return atomic_load_explicit(&v6shim_nbconnect_live, memory_order_acquire) != 0;
}

/*
 * FD (entry S, the only fd of its socket) has attempt CUR of DST[0..N)
 * running, and connect returned EINPROGRESS; the program connected to VIEW.
 * Gives FD a fail-over record when candidates are left after CUR.
 * REFUSED_ONLY (the loopback fallback): fail over on ECONNREFUSED only, and
 * count it in report mode at CALLER (the program's connect; NULL: none).
 * Returns 0, or -ENOSPC when NBCONNECT_MAX records exist (nothing recorded).
 */
int nbconnect_begin(int fd, struct fdtab_sock *s, const struct sockaddr_in *view,
                    const struct sockaddr_storage *dst, size_t n, size_t cur, bool refused_only,
                    const void *caller);

/* Check FD now (a poll with no wait) and fail over if its attempt failed;
 * nothing when FD has no record. For getsockopt(SO_ERROR) and connect. */
void nbconnect_poke(int fd);

/*
 * An error the shim read from FD's socket (SO_ERROR reads clear it) that
 * the program has not seen yet: every candidate failed and the last one to
 * fail could not be handed over with its error intact. True with *ERR set
 * (the record is dropped: the program sees it once, as from the kernel);
 * false when there is none.
 */
bool nbconnect_take_error(int fd, int *err);

/*
 * The wait calls with fail-over: the real call (ppoll when PPOLL, with
 * TIMEOUT/MASK; else poll with TIMEOUT_MS), events of fds whose attempt
 * failed and whose next candidate started are removed, and the wait goes on
 * until an event is left or the caller's timeout has passed (then 0).
 * EINTR and every other error come back at once, as the kernel's.
 */
int nbconnect_poll(struct pollfd *fds, nfds_t n, int timeout_ms, const struct timespec *timeout,
                   const sigset_t *mask, bool ppoll);

/* select (TV: the remaining time is written back, as Linux does) or pselect
 * (PSELECT: TS and MASK). NFDS above FD_SETSIZE is passed through as is. */
int nbconnect_select(int nfds, fd_set *r, fd_set *w, fd_set *e, struct timeval *tv,
                     const struct timespec *ts, const sigset_t *mask, bool pselect);

/* epoll_wait (MASK NULL, PWAIT false) or epoll_pwait. An event is matched
 * to its fd by the registration data recorded for EPFD (fdtab_epolls). */
int nbconnect_epoll(int epfd, struct epoll_event *ev, int maxevents, int timeout_ms,
                    const sigset_t *mask, bool pwait);

#endif
/* NOLINTEND(v6-sockaddr-in-decl) */
