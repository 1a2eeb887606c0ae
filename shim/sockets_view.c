/* sockets — IPv4 views of real addresses; accept, getpeername, getsockname.
 * See sockets.h (contract) and sockets_int.h (internals). */
/* NOLINTBEGIN(v6-addrlen-assume,v6-family-switch-no-v6,v6-sockaddr-in-decl): this file builds the IPv4 views legacy callers asked for (v6scan self-scan). */
#define _GNU_SOURCE
#include "sockets.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/syslog.h>

#include "addr.h"
#include "config.h"
#include "fdtable.h"
#include "log.h"
#include "pool.h"
#include "sockets_int.h"
#include "symbols.h"

/* ---- address views ---- */

/* Set when sockets_view showed a native IPv6 address as IPv4 (report mode). */
static __thread bool sockets_peer_viewed;

bool sockets_take_peer_flag(void)
{
    bool f = sockets_peer_viewed;
    sockets_peer_viewed = false;
    return f;
}

/* sockets_view; with PIN, a native IPv6 address's pool entry is also pinned
 * (*POOLED tells whether OUT is such a pinned pool address). */
static int sockets_view_pin(const struct sockaddr *real, socklen_t len, struct sockaddr_in *out,
                            bool pin, bool *pooled)
{
    *pooled = false;
    memset(out, 0, sizeof *out);
    out->sin_family = AF_INET;
    if (real->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
        memcpy(out, real, sizeof *out);
        return 0;
    }
    if (real->sa_family != AF_INET6 || len < sizeof(struct sockaddr_in6))
        return -EAFNOSUPPORT;
    struct sockaddr_in6 s6;
    memcpy(&s6, real, sizeof s6);
    out->sin_port = s6.sin6_port;
    if (addr_unmap(&s6.sin6_addr, &out->sin_addr)) {
        /* an IPv4 client of a dual-stack socket: its own address */
    } else if (IN6_IS_ADDR_UNSPECIFIED(&s6.sin6_addr)) {
        out->sin_addr.s_addr = htonl(INADDR_ANY);
    } else {
        sockets_peer_viewed = true;
        /* Never another peer's address: when the pool has no free entry
         * (every one live), the peer is shown as 0.0.0.0. */
        if (pool_map_peer(&s6.sin6_addr, s6.sin6_scope_id, config_get()->pool_ttl_s, pin,
                          &out->sin_addr) < 0) {
            v6log(LOG_WARNING, "no pool address for an IPv6 peer (pool full): shown as 0.0.0.0");
            out->sin_addr.s_addr = htonl(INADDR_ANY);
        } else {
            *pooled = pin;
        }
    }
    return 0;
}

int sockets_view(const struct sockaddr *real, socklen_t len, struct sockaddr_in *out)
{
    bool pooled;
    return sockets_view_pin(real, len, out, false, &pooled);
}

void sockets_hold(struct fdtab_sock *s, const struct sockaddr_in *view,
                  const struct sockaddr_storage *real, bool learnt)
{
    struct in_addr old = fdtab_mark_peer(s, view, real, learnt);
    if (old.s_addr)
        pool_unpin(old);
}

/* Copy VIEW out as the kernel would: truncated to *LEN, *LEN = full size. */
void sockets_copy_out(const struct sockaddr_in *view, struct sockaddr *addr, socklen_t *len)
{
    if (!addr || !len)
        return;
    socklen_t n = *len < sizeof *view ? *len : (socklen_t)sizeof *view;
    memcpy(addr, view, n);
    *len = sizeof *view;
}

/* Copy a real address REAL/RLEN out unchanged, kernel-style. */
static void sockets_copy_raw(const struct sockaddr_storage *real, socklen_t rlen,
                             struct sockaddr *addr, socklen_t *len)
{
    if (!addr || !len)
        return;
    socklen_t n = *len < rlen ? *len : rlen;
    memcpy(addr, real, n);
    *len = rlen;
}

/* Give the view of REAL to the caller, or REAL itself if it has none. */
void sockets_give(const struct sockaddr_storage *real, socklen_t rlen, struct sockaddr *addr,
                  socklen_t *len)
{
    struct sockaddr_in view;
    if (rlen > 0 && sockets_view((const struct sockaddr *)real, rlen, &view) == 0)
        sockets_copy_out(&view, addr, len);
    else
        sockets_copy_raw(real, rlen, addr, len);
}

/* The application's sockaddr_in, if ADDR/LEN is one. */
const struct sockaddr_in *sockets_as_in(const struct sockaddr *addr, socklen_t len,
                                        struct sockaddr_in *buf)
{
    if (!addr || len < sizeof *buf || addr->sa_family != AF_INET)
        return NULL;
    memcpy(buf, addr, sizeof *buf);
    return buf;
}

/* May an untracked fd need the view? Only when translation is on and the
 * caller's buffer cannot hold a sockaddr_in6 (whether the socket really is
 * AF_INET6 is seen from the address the kernel returns). */
bool sockets_small_buffer(const socklen_t *len)
{
    return len && *len < sizeof(struct sockaddr_in6) && config_get()->enabled;
}

/* ---- accept, names ---- */

/* FD, an AF_INET6 socket the shim never saw (inherited across exec from a
 * translating parent), was just shown in the IPv4 view: track it as a
 * translated socket, so every later call (SO_DOMAIN, names, accept) gives the
 * same view. */
static void sockets_adopt(int fd)
{
    int type = 0;
    socklen_t tl = sizeof type;
    if (real_getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl) != 0)
        return;
    if (fdtab_register(fd, type, 0, FDTAB_REAL_INET6) == 0)
        v6log(LOG_DEBUG, "fd %d: inherited IPv6 socket adopted (shown as IPv4)", fd);
}

int sockets_accept(int fd, struct sockaddr *addr, socklen_t *len, int flags, bool accept4)
{
    struct fdtab_sock *s = fdtab_acquire(fd);
    bool translated = false;
    int type = 0, protocol = 0;
    if (s) {
        translated = fdtab_real_family(s) != FDTAB_REAL_INET; /* (or EAGER) */
        fdtab_kind(s, &type, &protocol);
    }
    int rc;
    if (!translated && !(addr && sockets_small_buffer(len))) {
        rc = accept4 ? real_accept4(fd, addr, len, flags) : real_accept(fd, addr, len);
        rc = rc < 0 ? -errno : rc;
        goto out;
    }
    struct sockaddr_storage peer;
    socklen_t plen = sizeof peer;
    rc = accept4 ? real_accept4(fd, (struct sockaddr *)&peer, &plen, flags)
                 : real_accept(fd, (struct sockaddr *)&peer, &plen);
    if (rc < 0) {
        rc = -errno;
        goto out;
    }
    int nfd = rc;
    struct sockaddr_in view;
    bool pooled = false;
    int vrc = sockets_view_pin((struct sockaddr *)&peer, plen, &view, true, &pooled);
    /* A live connection holds its peer's pool address: the entry is never
     * given to another peer while this socket is open, so ACLs, logs and
     * replies keep naming this client. An untracked listener (inherited
     * across exec) that got a pool peer has its socket tracked for this. */
    bool track = translated || pooled;
    if (track && fdtab_register(nfd, translated ? type : SOCK_STREAM, translated ? protocol : 0,
                                FDTAB_REAL_INET6) < 0)
        v6log(LOG_WARNING, "fd %d: accepted socket not tracked", nfd);
    if (pooled) {
        struct fdtab_sock *ns = fdtab_acquire(nfd);
        if (ns)
            sockets_hold(ns, &view, &peer, true);
        else
            pool_unpin(view.sin_addr);
        fdtab_release(ns);
    }
    if (addr && len) {
        if (vrc == 0)
            sockets_copy_out(&view, addr, len);
        else
            sockets_give(&peer, plen, addr, len);
    } else {
        sockets_peer_viewed = false; /* the view was made, not shown (report mode) */
    }
out:
    fdtab_release(s);
    return rc;
}

/* getpeername or getsockname (PEER) for FD. */
static int sockets_name(int fd, struct sockaddr *addr, socklen_t *len, bool peer)
{
    int (*call)(int, struct sockaddr *, socklen_t *) = peer ? real_getpeername : real_getsockname;
    struct fdtab_sock *s = fdtab_acquire(fd);
    bool translated = false, via_pool = false, learnt = false;
    struct sockaddr_in pool_peer;
    if (s) {
        struct fdtab_snap snap;
        fdtab_snapshot(s, &snap);
        translated = snap.real != FDTAB_REAL_INET; /* an early socket too: [::]:0 is 0.0.0.0:0 */
        via_pool = peer && snap.via_pool;
        learnt = snap.peer_learnt;
        pool_peer = snap.peer;
    }
    int rc;
    if (!translated && !via_pool && !(s == NULL && addr && sockets_small_buffer(len))) {
        rc = call(fd, addr, len) == 0 ? 0 : -errno;
        goto out;
    }
    struct sockaddr_storage real;
    socklen_t rlen = sizeof real;
    if (call(fd, (struct sockaddr *)&real, &rlen) != 0) {
        rc = -errno; /* ENOTCONN while a non-blocking connect is pending, as the kernel says */
        goto out;
    }
    rc = 0;
    if (!addr || !len) {
        rc = -EFAULT;
        goto out;
    }
    if (via_pool) {
        /* What the application connected to, or its client's held address. */
        sockets_copy_out(&pool_peer, addr, len);
        sockets_peer_viewed = learnt;
    } else {
        sockets_give(&real, rlen, addr, len);
    }
    if (!s && real.ss_family == AF_INET6)
        sockets_adopt(fd);
out:
    fdtab_release(s);
    return rc;
}

int sockets_getpeername(int fd, struct sockaddr *addr, socklen_t *len)
{
    return sockets_name(fd, addr, len, true);
}

int sockets_getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
    return sockets_name(fd, addr, len, false);
}
/* NOLINTEND(v6-addrlen-assume,v6-family-switch-no-v6,v6-sockaddr-in-decl) */
