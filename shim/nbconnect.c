/* nbconnect — fail-over of non-blocking connects; see nbconnect.h and
 * docs/internals/nbconnect.md. */
/* NOLINTBEGIN(v6-sockaddr-in-decl,v6-family-switch-no-v6): the record keeps the IPv4 view the application connected to (v6scan self-scan). */
#define _GNU_SOURCE
#include "nbconnect.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/syslog.h>

#include "compat.h"
#include "log.h"
#include "pool.h"
#include "report.h"
#include "symbols.h"
#include "upgrade.h"

union nbc_addr {
    struct sockaddr sa;
    struct sockaddr_in in;
    struct sockaddr_in6 in6;
};

/* One non-blocking connect that may still fail over. */
struct nbc_rec {
    uint64_t token; /* 0: free; else the mark on the fd table entry */
    int fd;
    struct sockaddr_in view; /* what the program connected to */
    size_t ndst, cur;        /* candidates; the one running on fd */
    bool refused_only;       /* fail over on ECONNREFUSED only (loopback fallback) */
    const void *caller;      /* the program's connect, for report mode (loopback fallback) */
    int stash;               /* an error read from the socket the program has not seen (0 none) */
    union nbc_addr dst[POOL_MAX_CAND];
};

/* nbc_mu guards nbc_recs and nbc_last_token. Taken before the fd table's
 * and the pool's locks (upgrade_*, fdtab_*, pool_unpin run under it). */
static pthread_mutex_t nbc_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t nbc_once = PTHREAD_ONCE_INIT;
static struct nbc_rec nbc_recs[NBCONNECT_MAX];
static uint64_t nbc_last_token;

_Atomic unsigned v6shim_nbconnect_live;

enum nbc_verdict { NBC_PASS, NBC_HIDE };

static void nbc_atfork_prepare(void)
{
    pthread_mutex_lock(&nbc_mu);
}

static void nbc_atfork_parent(void)
{
    pthread_mutex_unlock(&nbc_mu);
}

static void nbc_atfork_child(void)
{
    pthread_mutex_init(&nbc_mu, NULL);
}

static void nbc_init(void)
{
    pthread_atfork(nbc_atfork_prepare, nbc_atfork_parent, nbc_atfork_child);
}

/* (V6_TSAN_*: the wait hooks lock inside ThreadSanitizer's blocking
 * interceptors, where it does not see pthread calls; compat.h) */
static void nbc_lock(void)
{
    pthread_once(&nbc_once, nbc_init);
    pthread_mutex_lock(&nbc_mu);
    V6_TSAN_ACQUIRE(&nbc_mu);
}

static void nbc_unlock(void)
{
    V6_TSAN_RELEASE(&nbc_mu);
    pthread_mutex_unlock(&nbc_mu);
}

static int64_t nbc_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The deadline NS from now; 0 (always past) for a zero timeout, which
 * needs no clock (the wait hooks' most frequent call). */
static int64_t nbc_deadline(int64_t ns)
{
    return ns > 0 ? nbc_now_ns() + ns : 0;
}

/* Nanoseconds left until DEADLINE (never negative). */
static int64_t nbc_left_ns(int64_t deadline)
{
    if (deadline == 0)
        return 0;
    int64_t left = deadline - nbc_now_ns();
    return left > 0 ? left : 0;
}

/* Milliseconds left until DEADLINE rounded up (poll would spin on a
 * fraction otherwise); -1 when there is no deadline. */
static int nbc_left_ms(int64_t deadline)
{
    if (deadline < 0)
        return -1;
    int64_t ms = (nbc_left_ns(deadline) + 999999) / 1000000;
    return ms > INT32_MAX ? INT32_MAX : (int)ms;
}

static struct timespec nbc_ts(int64_t ns)
{
    return (struct timespec){.tv_sec = ns / 1000000000, .tv_nsec = ns % 1000000000};
}

/* ---- records (nbc_mu held) ---- */

static struct nbc_rec *nbc_find(int fd)
{
    for (size_t i = 0; i < NBCONNECT_MAX; i++)
        if (nbc_recs[i].token && nbc_recs[i].fd == fd)
            return &nbc_recs[i];
    return NULL;
}

/* Drop R; S (its entry, or NULL when it is gone) loses its mark. */
static void nbc_free(struct nbc_rec *r, struct fdtab_sock *s)
{
    if (s)
        fdtab_set_failover(s, 0);
    r->token = 0;
    atomic_fetch_sub(&v6shim_nbconnect_live, 1);
}

/* R's fd with its entry held, or NULL (and R dropped) when the fd is no
 * longer the socket R was made for (closed, reused). */
static struct fdtab_sock *nbc_entry(struct nbc_rec *r)
{
    struct fdtab_sock *s = fdtab_acquire(r->fd);
    if (s && fdtab_failover(s) == r->token)
        return s;
    fdtab_release(s);
    nbc_free(r, NULL);
    return NULL;
}

/*
 * Drop the records of fds closed or reused since, on one wait call in 256:
 * each costs an fstat, and a stale record harms nothing meanwhile (a record
 * is checked again whenever its fd is ready: nbc_entry), it only keeps the
 * wait hooks off their fast path a little longer.
 */
static void nbc_prune(void)
{
    static unsigned calls; /* nbc_mu */
    if (++calls % 256 != 1)
        return;
    for (size_t i = 0; i < NBCONNECT_MAX; i++)
        if (nbc_recs[i].token)
            fdtab_release(nbc_entry(&nbc_recs[i]));
}

/* Does ERR (SO_ERROR) say that the connection attempt failed, so another
 * candidate may be tried? connect(2)'s asynchronous errors; a reset of a
 * connection that was made (ECONNRESET, EPIPE) is the program's to see. */
static bool nbc_attempt_failed(int err, bool refused_only)
{
    if (refused_only)
        return err == ECONNREFUSED;
    switch (err) {
    case ECONNREFUSED:
    case ETIMEDOUT:
    case EHOSTUNREACH:
    case ENETUNREACH:
    case EHOSTDOWN:
    case ENETDOWN:
    case EACCES:
    case EPERM:
    case EADDRNOTAVAIL: return true;
    default: return false;
    }
}

/* Start candidate I of R on a twin of S and put it onto R's fd. 0 (running
 * or connected), or -errno with the fd unchanged. */
static int nbc_start(struct nbc_rec *r, struct fdtab_sock *s, size_t i)
{
    const union nbc_addr *d = &r->dst[i];
    int family = d->sa.sa_family;
    socklen_t len = family == AF_INET6 ? sizeof d->in6 : sizeof d->in;
    int nfd = upgrade_twin(s, family, SOCK_NONBLOCK);
    if (nfd < 0)
        return nfd;
    if (real_connect(nfd, &d->sa, len) != 0 && errno != EINPROGRESS) {
        int e = errno;
        real_close(nfd);
        return -e;
    }
    int rc = upgrade_swap(r->fd, s, nfd, -1); /* closes nfd */
    if (rc < 0)
        return rc;
    fdtab_mark_real(s, family == AF_INET6 ? FDTAB_REAL_INET6 : FDTAB_REAL_INET);
    struct sockaddr_storage real;
    memset(&real, 0, sizeof real);
    memcpy(&real, d, len);
    /* The socket's pin on the view's pool entry carries over to the new
     * destination; any other it held (none so far) is released. */
    struct in_addr old = fdtab_mark_peer(s, &r->view, &real, false);
    if (old.s_addr && old.s_addr != r->view.sin_addr.s_addr)
        pool_unpin(old);
    return 0;
}

/*
 * Events *REV were just seen on R's fd (entry S): fail over when they say
 * the attempt failed. NBC_HIDE: the next candidate runs on the fd now, the
 * events were the old socket's. NBC_PASS: give *REV to the program (R may
 * have been dropped: connected, or the last candidate took over).
 */
static enum nbc_verdict nbc_check(struct nbc_rec *r, struct fdtab_sock *s, short *rev)
{
    if (r->stash) {
        /* Every candidate failed and the shim read the last error: the
         * socket no longer flags it, so the shim does until it is read. */
        if (*rev)
            *rev |= POLLERR;
        return NBC_PASS;
    }
    if (!(*rev & (POLLERR | POLLHUP))) {
        if (*rev) { /* a connecting socket shows nothing else: connected */
            v6log(LOG_DEBUG, "fd %d: candidate %zu connected", r->fd, r->cur);
            nbc_free(r, s);
        }
        return NBC_PASS;
    }
    int err = 0;
    socklen_t len = sizeof err;
    if (real_getsockopt(r->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
        err = errno;
    if (!nbc_attempt_failed(err, r->refused_only)) {
        /* Connected, then reset or shut (or not a connect error): as is. */
        if (err)
            r->stash = err;
        else
            nbc_free(r, s);
        return NBC_PASS;
    }
    int last = err;
    for (size_t i = r->cur + 1; i < r->ndst && fdtab_fd_count(s) == 1; i++) {
        int rc = nbc_start(r, s, i);
        if (rc == 0) {
            if (r->refused_only)
                v6log(LOG_INFO, "fd %d: 127.x:%u refused, connecting to [::1]:%u instead", r->fd,
                      ntohs(r->view.sin_port), ntohs(r->view.sin_port));
            else
                v6log(LOG_INFO, "fd %d: candidate %zu failed (%s), candidate %zu (%s) started",
                      r->fd, r->cur, strerror(err), i,
                      r->dst[i].sa.sa_family == AF_INET6 ? "IPv6" : "IPv4");
            r->cur = i;
            if (r->refused_only)
                report_record(REPORT_LOOPBACK_FALLBACK, "connect", r->caller);
            if (i + 1 == r->ndst)
                nbc_free(r, s); /* the last one: the kernel answers for it from here */
            return NBC_HIDE;
        }
        v6log(LOG_DEBUG, "fd %d: candidate %zu failed at once (%s)", r->fd, i, strerror(-rc));
        if (rc != -EMFILE && rc != -ENFILE && rc != -ENOBUFS && rc != -ENOMEM)
            last = -rc;
        r->cur = i;
    }
    r->stash = last;
    *rev |= POLLERR;
    return NBC_PASS;
}

/* Check R's fd once more, now, failing over as often as attempts fail at
 * once. */
static void nbc_poke(struct nbc_rec *r, struct fdtab_sock *s)
{
    for (size_t k = 0; k < POOL_MAX_CAND; k++) {
        struct pollfd p = {.fd = r->fd, .events = POLLIN | POLLOUT};
        if (real_poll(&p, 1, 0) != 1 || nbc_check(r, s, &p.revents) != NBC_HIDE || !r->token)
            return;
    }
}

/* ---- the calls ---- */

int nbconnect_begin(int fd, struct fdtab_sock *s, const struct sockaddr_in *view,
                    const struct sockaddr_storage *dst, size_t n, size_t cur, bool refused_only,
                    const void *caller)
{
    if (n > POOL_MAX_CAND)
        n = POOL_MAX_CAND;
    if (cur + 1 >= n)
        return 0;
    nbc_lock();
    struct nbc_rec *r = nbc_find(fd); /* an earlier socket's, on this number */
    if (r)
        nbc_free(r, NULL);
    for (size_t i = 0; !r && i < NBCONNECT_MAX; i++)
        if (!nbc_recs[i].token)
            r = &nbc_recs[i];
    if (!r) {
        nbc_unlock();
        v6log(LOG_INFO, "fd %d: %d non-blocking connects wait already: no fail-over for this one",
              fd, NBCONNECT_MAX);
        return -ENOSPC;
    }
    memset(r, 0, sizeof *r);
    r->fd = fd;
    r->view = *view;
    r->ndst = n;
    r->cur = cur;
    r->refused_only = refused_only;
    r->caller = caller;
    for (size_t i = 0; i < n; i++) {
        socklen_t len =
            dst[i].ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
        memcpy(&r->dst[i], &dst[i], len);
    }
    r->token = ++nbc_last_token;
    fdtab_set_failover(s, r->token);
    atomic_fetch_add(&v6shim_nbconnect_live, 1);
    nbc_unlock();
    return 0;
}

void nbconnect_poke(int fd)
{
    if (!nbconnect_any())
        return;
    nbc_lock();
    struct nbc_rec *r = nbc_find(fd);
    struct fdtab_sock *s = r ? nbc_entry(r) : NULL;
    if (s)
        nbc_poke(r, s);
    fdtab_release(s);
    nbc_unlock();
}

bool nbconnect_take_error(int fd, int *err)
{
    if (!nbconnect_any())
        return false;
    nbc_lock();
    struct nbc_rec *r = nbc_find(fd);
    struct fdtab_sock *s = r ? nbc_entry(r) : NULL;
    bool have = s && r->stash;
    if (have) {
        *err = r->stash;
        nbc_free(r, s);
    }
    fdtab_release(s);
    nbc_unlock();
    return have;
}

/* ---- the wait calls ---- */

/* A fd already failed over in this pass (its later events are the old
 * socket's too); NBCONNECT_MAX at most. */
struct nbc_hidden {
    size_t n;
    int fd[NBCONNECT_MAX];
};

static bool nbc_was_hidden(const struct nbc_hidden *h, int fd)
{
    for (size_t i = 0; i < h->n; i++)
        if (h->fd[i] == fd)
            return true;
    return false;
}

/* Check FD's events *REV (nbc_mu held): NBC_HIDE when they are to go. */
static enum nbc_verdict nbc_filter_one(int fd, short *rev, struct nbc_hidden *h)
{
    if (nbc_was_hidden(h, fd))
        return NBC_HIDE;
    struct nbc_rec *r = nbc_find(fd);
    struct fdtab_sock *s = r ? nbc_entry(r) : NULL;
    enum nbc_verdict v = s ? nbc_check(r, s, rev) : NBC_PASS;
    fdtab_release(s);
    if (v == NBC_HIDE && h->n < NBCONNECT_MAX)
        h->fd[h->n++] = fd;
    return v;
}

/* The pollfds in FDS[0..N) with events, after fail-over (READY had them). */
static int nbc_filter_poll(struct pollfd *fds, nfds_t n, int ready)
{
    nbc_lock();
    nbc_prune();
    struct nbc_hidden h = {0};
    for (nfds_t i = 0; i < n && nbconnect_any(); i++) {
        if (fds[i].fd < 0 || !fds[i].revents)
            continue;
        if (nbc_filter_one(fds[i].fd, &fds[i].revents, &h) == NBC_HIDE) {
            fds[i].revents = 0;
            ready--;
        }
    }
    nbc_unlock();
    return ready;
}

int nbconnect_poll(struct pollfd *fds, nfds_t n, int timeout_ms, const struct timespec *timeout,
                   const sigset_t *mask, bool ppoll)
{
    int64_t deadline = -1;
    if (ppoll && timeout && timeout->tv_sec >= 0 && timeout->tv_nsec >= 0 &&
        timeout->tv_nsec < 1000000000)
        deadline = nbc_deadline((int64_t)timeout->tv_sec * 1000000000 + timeout->tv_nsec);
    else if (!ppoll && timeout_ms >= 0)
        deadline = nbc_deadline((int64_t)timeout_ms * 1000000);
    for (bool first = true;; first = false) {
        int rc;
        if (ppoll) {
            /* The first call gets the caller's own timeout (an invalid one
             * is the kernel's to refuse). */
            struct timespec left =
                deadline >= 0 ? nbc_ts(nbc_left_ns(deadline)) : (struct timespec){0};
            rc = real_ppoll(fds, n, first || deadline < 0 ? timeout : &left, mask);
        } else {
            rc = real_poll(fds, n, first ? timeout_ms : nbc_left_ms(deadline));
        }
        if (rc <= 0)
            return rc < 0 ? -errno : 0;
        int kept = nbc_filter_poll(fds, n, rc);
        if (kept > 0)
            return kept;
        if (deadline >= 0 && nbc_left_ns(deadline) == 0)
            return 0;
    }
}

/* Bytes of an fd_set that cover NFDS descriptors (a caller may own no more). */
static size_t nbc_set_bytes(int nfds)
{
    return (size_t)(nfds + NFDBITS - 1) / NFDBITS * sizeof(fd_mask);
}

/* The set bits of FD in R/W/E after fail-over (READY had them). */
static int nbc_filter_select(int nfds, fd_set *r, fd_set *w, fd_set *e, int ready)
{
    nbc_lock();
    nbc_prune();
    struct nbc_hidden h = {0};
    for (size_t i = 0; i < NBCONNECT_MAX && nbconnect_any(); i++) {
        int fd = nbc_recs[i].fd;
        if (!nbc_recs[i].token || fd < 0 || fd >= nfds)
            continue;
        int bits = !!(r && FD_ISSET(fd, r)) + !!(w && FD_ISSET(fd, w)) + !!(e && FD_ISSET(fd, e));
        if (!bits)
            continue;
        /* select says only "ready": ask poll what for. */
        struct pollfd p = {.fd = fd, .events = POLLIN | POLLOUT};
        if (real_poll(&p, 1, 0) != 1)
            continue;
        if (nbc_filter_one(fd, &p.revents, &h) == NBC_HIDE) {
            if (r)
                FD_CLR(fd, r);
            if (w)
                FD_CLR(fd, w);
            if (e)
                FD_CLR(fd, e);
            ready -= bits;
        }
    }
    nbc_unlock();
    return ready;
}

int nbconnect_select(int nfds, fd_set *r, fd_set *w, fd_set *e, struct timeval *tv,
                     const struct timespec *ts, const sigset_t *mask, bool pselect)
{
    bool valid = pselect ? !ts || (ts->tv_sec >= 0 && ts->tv_nsec >= 0 && ts->tv_nsec < 1000000000)
                         : !tv || (tv->tv_sec >= 0 && tv->tv_usec >= 0 && tv->tv_usec < 1000000);
    if (nfds < 0 || nfds > FD_SETSIZE || !valid) /* as it is: the kernel's answer */
        return (pselect ? real_pselect(nfds, r, w, e, ts, mask) : real_select(nfds, r, w, e, tv)) <
                       0
                   ? -errno
                   : 0;
    int64_t deadline = -1;
    if (pselect && ts)
        deadline = nbc_deadline((int64_t)ts->tv_sec * 1000000000 + ts->tv_nsec);
    else if (!pselect && tv)
        deadline = nbc_deadline((int64_t)tv->tv_sec * 1000000000 + (int64_t)tv->tv_usec * 1000);
    size_t bytes = nbc_set_bytes(nfds);
    fd_set r0, w0, e0;
    if (r)
        memcpy(&r0, r, bytes);
    if (w)
        memcpy(&w0, w, bytes);
    if (e)
        memcpy(&e0, e, bytes);
    int rc, err = 0;
    for (bool first = true;; first = false) {
        if (!first) {
            if (r)
                memcpy(r, &r0, bytes);
            if (w)
                memcpy(w, &w0, bytes);
            if (e)
                memcpy(e, &e0, bytes);
        }
        int64_t left = deadline >= 0 ? nbc_left_ns(deadline) : 0;
        if (pselect) {
            struct timespec t = nbc_ts(left);
            rc = real_pselect(nfds, r, w, e, first || !ts ? ts : &t, mask);
        } else {
            struct timeval t = {.tv_sec = left / 1000000000, .tv_usec = left % 1000000000 / 1000};
            if (first && tv)
                t = *tv;
            rc = real_select(nfds, r, w, e, tv ? &t : NULL);
        }
        if (rc < 0)
            err = errno;
        if (rc > 0)
            rc = nbc_filter_select(nfds, r, w, e, rc);
        if (rc != 0 || (deadline >= 0 && nbc_left_ns(deadline) == 0))
            break;
    }
    if (!pselect && tv) { /* Linux select(2): the time not slept */
        int64_t left = nbc_left_ns(deadline);
        *tv = (struct timeval){.tv_sec = left / 1000000000, .tv_usec = left % 1000000000 / 1000};
    }
    return rc < 0 ? -err : rc;
}

/* The fd whose registration in EPFD carries DATA among the records, or -1. */
static int nbc_epoll_fd(int epfd, uint64_t data)
{
    for (size_t i = 0; i < NBCONNECT_MAX; i++) {
        if (!nbc_recs[i].token)
            continue;
        int fd = nbc_recs[i].fd;
        struct fdtab_sock *s = fdtab_acquire_trusted(fd);
        struct fdtab_epoll ep[FDTAB_MAX_EPOLL];
        unsigned n = s ? fdtab_epolls(s, ep) : 0;
        fdtab_release(s);
        for (unsigned k = 0; k < n; k++)
            if (ep[k].epfd == epfd && ep[k].ev.data.u64 == data)
                return fd;
    }
    return -1;
}

/* The events in EV[0..READY) after fail-over, packed. */
static int nbc_filter_epoll(int epfd, struct epoll_event *ev, int ready)
{
    nbc_lock();
    nbc_prune();
    struct nbc_hidden h = {0};
    int kept = 0;
    for (int i = 0; i < ready; i++) {
        struct epoll_event e = ev[i];
        int fd = nbconnect_any() ? nbc_epoll_fd(epfd, e.data.u64) : -1;
        if (fd >= 0) {
            short rev = (short)(e.events & 0xffff); /* EPOLLIN.. have poll's values */
            if (nbc_filter_one(fd, &rev, &h) == NBC_HIDE)
                continue;
            e.events = (e.events & ~0xffffu) | (uint16_t)rev;
        }
        ev[kept++] = e;
    }
    nbc_unlock();
    return kept;
}

int nbconnect_epoll(int epfd, struct epoll_event *ev, int maxevents, int timeout_ms,
                    const sigset_t *mask, bool pwait)
{
    int64_t deadline = timeout_ms >= 0 ? nbc_deadline((int64_t)timeout_ms * 1000000) : -1;
    for (bool first = true;; first = false) {
        int t = first ? timeout_ms : nbc_left_ms(deadline);
        int rc = pwait ? real_epoll_pwait(epfd, ev, maxevents, t, mask)
                       : real_epoll_wait(epfd, ev, maxevents, t);
        if (rc <= 0)
            return rc < 0 ? -errno : 0;
        int kept = nbc_filter_epoll(epfd, ev, rc);
        if (kept > 0)
            return kept;
        if (deadline >= 0 && nbc_left_ns(deadline) == 0)
            return 0;
    }
}
/* NOLINTEND(v6-sockaddr-in-decl,v6-family-switch-no-v6) */
