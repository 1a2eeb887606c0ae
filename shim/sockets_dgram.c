/* sockets — datagrams: sendto/sendmsg to pool addresses, sources of
 * recvfrom/recvmsg. See sockets.h (contract) and sockets_int.h (internals). */
/* NOLINTBEGIN(v6-family-switch-no-v6,v6-sockaddr-in-decl): the socket layer speaks the application's IPv4 API on purpose (v6scan self-scan). */
#define _GNU_SOURCE
#include "sockets.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/syslog.h>

#include "addr.h"
#include "fdtable.h"
#include "log.h"
#include "pool.h"
#include "sockets_int.h"
#include "symbols.h"
#include "upgrade.h"

/* ---- datagrams ---- */

/*
 * Where a datagram for the application's IPv4 destination SIN goes on FD:
 * a pool address becomes its first IPv6 candidate (an unbound IPv4 socket
 * is upgraded in place first), a plain IPv4 address on a socket that is
 * now IPv6 becomes IPv4-mapped. Returns 1 with OUT and OUTLEN set, 0 when the
 * call should go through unchanged, or -errno.
 */
static int sockets_dgram_dst(int fd, struct fdtab_sock *s, const struct sockaddr_in *sin,
                             struct sockaddr_storage *out, socklen_t *outlen)
{
    struct fdtab_snap snap;
    fdtab_snapshot(s, &snap);
    enum fdtab_real real = snap.real;
    int type = snap.type;
    if (type != SOCK_DGRAM) {
        if (real == FDTAB_REAL_EAGER) /* (sendto(MSG_FASTOPEN) to an IPv4 address) */
            upgrade_settle(fd, s);
        return 0; /* stream sockets ignore the address once connected */
    }
    struct pool_view v;
    bool in_pool = pool_contains(sin->sin_addr);
    bool pooled = in_pool && pool_lookup(sin->sin_addr, &v) == 0;
    if (in_pool && !pooled)
        return -EHOSTUNREACH; /* a pool address never goes out as IPv4 */
    if (real == FDTAB_REAL_INET) {
        if (!pooled)
            return 0;
        struct sockaddr_in local;
        socklen_t llen = sizeof local;
        bool bound =
            real_getsockname(fd, (struct sockaddr *)&local, &llen) == 0 && local.sin_port != 0;
        int up = -EPERM;
        if (!bound && upgrade_allowed(fd, s))
            up = upgrade_to_inet6(fd, s, NULL, -1, NULL);
        if (up < 0) {
            /* Stays IPv4 (bound to an IPv4 address, connected, shared…):
             * the entry's first IPv4 candidate, if it has one. */
            struct sockaddr_storage dst[POOL_MAX_CAND];
            size_t n = addr_candidates(&v, sin->sin_port, dst, POOL_MAX_CAND);
            int rc = addr_pick(dst, n, AF_INET, out);
            /* No descriptor left for the IPv6 socket: sendto(2)'s ENOBUFS
             * (as connect says), not the ENETUNREACH of an IPv4 socket. */
            if (rc < 0 && (up == -EMFILE || up == -ENFILE))
                return -ENOBUFS;
            if (rc < 0)
                return rc;
            *outlen = sizeof(struct sockaddr_in);
            return 1;
        }
    }
    struct sockaddr_in6 *m = (struct sockaddr_in6 *)out;
    memset(out, 0, sizeof *out);
    if (pooled) {
        struct sockaddr_storage dst[POOL_MAX_CAND];
        size_t n = addr_candidates(&v, sin->sin_port, dst, POOL_MAX_CAND);
        if (n == 0 || addr_pick(dst, n, AF_INET6, out) < 0)
            return -EHOSTUNREACH;
        fdtab_mark_dgram(s, sin, m);
    } else {
        addr_sin6_mapped(sin->sin_addr, sin->sin_port, m);
    }
    *outlen = sizeof *m;
    return 1;
}

/* Does REAL equal the sockaddr_in6 or sockaddr_in WANT (address and port)? */
static bool sockets_same(const struct sockaddr_storage *real, socklen_t rlen,
                         const struct sockaddr_storage *want)
{
    if (real->ss_family != want->ss_family)
        return false;
    if (real->ss_family == AF_INET6 && rlen >= sizeof(struct sockaddr_in6)) {
        const struct sockaddr_in6 *a = (const void *)real, *b = (const void *)want;
        return a->sin6_port == b->sin6_port && IN6_ARE_ADDR_EQUAL(&a->sin6_addr, &b->sin6_addr);
    }
    if (real->ss_family == AF_INET && rlen >= sizeof(struct sockaddr_in)) {
        const struct sockaddr_in *a = (const void *)real, *b = (const void *)want;
        return a->sin_port == b->sin_port && a->sin_addr.s_addr == b->sin_addr.s_addr;
    }
    return false;
}

/*
 * The view of a datagram's source REAL on S: a reply from where the socket
 * sent to (or is connected to) through a pool address shows that pool
 * address, as a legacy client checking "is this from whom I asked?"
 * expects; anything else gets the usual view.
 */
static void sockets_give_source(struct fdtab_sock *s, const struct sockaddr_storage *real,
                                socklen_t rlen, struct sockaddr *addr, socklen_t *len)
{
    if (s) {
        struct sockaddr_storage want[2];
        struct sockaddr_in view[2];
        memset(want, 0, sizeof want);
        struct fdtab_snap snap;
        fdtab_snapshot(s, &snap);
        view[0] = snap.peer;
        want[0] = snap.real_dst;
        view[1] = snap.dgram_view;
        memcpy(&want[1], &snap.dgram_real, sizeof snap.dgram_real);
        for (int i = 0; i < 2; i++) {
            if (view[i].sin_family == AF_INET && sockets_same(real, rlen, &want[i])) {
                sockets_copy_out(&view[i], addr, len);
                return;
            }
        }
    }
    sockets_give(real, rlen, addr, len);
}

ssize_t sockets_sendto(int fd, const void *buf, size_t n, int flags, const struct sockaddr *addr,
                       socklen_t alen)
{
    struct fdtab_sock *s = fdtab_acquire(fd);
    struct sockaddr_in in;
    const struct sockaddr_in *sin = sockets_as_in(addr, alen, &in);
    struct sockaddr_storage dst;
    socklen_t dlen;
    ssize_t rc;
    int how = s && sin ? sockets_dgram_dst(fd, s, sin, &dst, &dlen) : 0;
    if (how < 0)
        rc = how;
    else if (how == 1)
        rc = real_sendto(fd, buf, n, flags, (struct sockaddr *)&dst, dlen);
    else
        rc = real_sendto(fd, buf, n, flags, addr, alen);
    if (rc < 0 && how >= 0)
        rc = -errno;
    fdtab_release(s);
    return rc;
}

ssize_t sockets_sendmsg(int fd, const struct msghdr *msg, int flags)
{
    struct fdtab_sock *s = fdtab_acquire(fd);
    struct sockaddr_in in;
    const struct sockaddr_in *sin =
        msg ? sockets_as_in(msg->msg_name, msg->msg_namelen, &in) : NULL;
    struct sockaddr_storage dst;
    socklen_t dlen;
    ssize_t rc;
    int how = s && sin ? sockets_dgram_dst(fd, s, sin, &dst, &dlen) : 0;
    if (how < 0) {
        rc = how;
    } else if (how == 1) {
        struct msghdr m = *msg;
        m.msg_name = &dst;
        m.msg_namelen = dlen;
        rc = real_sendmsg(fd, &m, flags);
    } else {
        rc = real_sendmsg(fd, msg, flags);
    }
    if (rc < 0 && how >= 0)
        rc = -errno;
    fdtab_release(s);
    return rc;
}

/*
 * The entry of FD when a receive on it needs its source translated (a
 * tracked socket that is now IPv6 or connected through the pool), else NULL
 * with *UNTRACKED_VIEW telling whether an untracked fd with a short buffer
 * still needs the view.
 */
static struct fdtab_sock *sockets_recv_entry(int fd, const socklen_t *alen, bool *untracked_view)
{
    struct fdtab_sock *s = fdtab_acquire(fd);
    *untracked_view = false;
    if (!s) {
        *untracked_view = sockets_small_buffer(alen);
        return NULL;
    }
    struct fdtab_snap snap;
    fdtab_snapshot(s, &snap);
    bool t = snap.real != FDTAB_REAL_INET || snap.via_pool;
    if (!t) {
        fdtab_release(s);
        return NULL;
    }
    return s;
}

ssize_t sockets_recvfrom(int fd, void *buf, size_t n, int flags, struct sockaddr *addr,
                         socklen_t *alen)
{
    bool untracked_view = false;
    struct fdtab_sock *s = addr && alen ? sockets_recv_entry(fd, alen, &untracked_view) : NULL;
    if (!s && !untracked_view) {
        ssize_t rc = real_recvfrom(fd, buf, n, flags, addr, alen);
        return rc < 0 ? -errno : rc;
    }
    struct sockaddr_storage real;
    socklen_t rlen = sizeof real;
    ssize_t rc = real_recvfrom(fd, buf, n, flags, (struct sockaddr *)&real, &rlen);
    if (rc < 0)
        rc = -errno;
    else if (rlen == 0)
        *alen = 0; /* connected stream: no address, as the kernel says */
    else
        sockets_give_source(s, &real, rlen, addr, alen);
    fdtab_release(s);
    return rc;
}

ssize_t sockets_recvmsg(int fd, struct msghdr *msg, int flags)
{
    bool untracked_view = false;
    struct fdtab_sock *s =
        msg && msg->msg_name ? sockets_recv_entry(fd, &msg->msg_namelen, &untracked_view) : NULL;
    if (!s && !untracked_view) {
        ssize_t rc = real_recvmsg(fd, msg, flags);
        return rc < 0 ? -errno : rc;
    }
    struct sockaddr_storage real;
    void *name = msg->msg_name;
    socklen_t namelen = msg->msg_namelen;
    msg->msg_name = &real;
    msg->msg_namelen = sizeof real;
    ssize_t rc = real_recvmsg(fd, msg, flags);
    int err = errno;
    socklen_t rlen = msg->msg_namelen;
    msg->msg_name = name;
    msg->msg_namelen = namelen;
    if (rc < 0)
        rc = -err;
    else if (rlen == 0)
        msg->msg_namelen = 0;
    else
        sockets_give_source(s, &real, rlen, (struct sockaddr *)name, &msg->msg_namelen);
    fdtab_release(s);
    return rc;
}

/* recvmmsg/sendmmsg handle at most this many messages per call when they
 * translate (fewer than asked is what both calls may return anyway). */
#define SOCKETS_MMSG_MAX 64

int sockets_recvmmsg(int fd, struct mmsghdr *vec, unsigned vlen, int flags,
                     struct timespec *timeout)
{
    socklen_t minlen = (socklen_t)-1; /* the smallest name buffer offered */
    for (unsigned i = 0; vec && i < vlen; i++)
        if (vec[i].msg_hdr.msg_name && vec[i].msg_hdr.msg_namelen < minlen)
            minlen = vec[i].msg_hdr.msg_namelen;
    bool untracked_view = false;
    struct fdtab_sock *s =
        minlen != (socklen_t)-1 ? sockets_recv_entry(fd, &minlen, &untracked_view) : NULL;
    if (!s && !untracked_view) {
        int rc = real_recvmmsg(fd, vec, vlen, flags, timeout);
        return rc < 0 ? -errno : rc;
    }
    if (vlen > SOCKETS_MMSG_MAX)
        vlen = SOCKETS_MMSG_MAX;
    struct sockaddr_storage real[SOCKETS_MMSG_MAX];
    void *names[SOCKETS_MMSG_MAX];
    socklen_t lens[SOCKETS_MMSG_MAX];
    for (unsigned i = 0; i < vlen; i++) {
        struct msghdr *m = &vec[i].msg_hdr;
        names[i] = m->msg_name;
        lens[i] = m->msg_namelen;
        if (names[i]) {
            m->msg_name = &real[i];
            m->msg_namelen = sizeof real[i];
        }
    }
    int rc = real_recvmmsg(fd, vec, vlen, flags, timeout);
    int err = errno;
    for (unsigned i = 0; i < vlen; i++) {
        struct msghdr *m = &vec[i].msg_hdr;
        socklen_t rlen = m->msg_namelen;
        m->msg_name = names[i];
        m->msg_namelen = lens[i];
        if (rc < 0 || i >= (unsigned)rc || !names[i])
            continue;
        if (rlen == 0)
            m->msg_namelen = 0;
        else
            sockets_give_source(s, &real[i], rlen, (struct sockaddr *)names[i], &m->msg_namelen);
    }
    fdtab_release(s);
    return rc < 0 ? -err : rc;
}

int sockets_sendmmsg(int fd, struct mmsghdr *vec, unsigned vlen, int flags)
{
    struct fdtab_sock *s = vec ? fdtab_acquire(fd) : NULL;
    if (!s) {
        int rc = real_sendmmsg(fd, vec, vlen, flags);
        return rc < 0 ? -errno : rc;
    }
    if (vlen > SOCKETS_MMSG_MAX)
        vlen = SOCKETS_MMSG_MAX;
    struct mmsghdr copy[SOCKETS_MMSG_MAX];
    struct sockaddr_storage dst[SOCKETS_MMSG_MAX];
    int rc = 0;
    for (unsigned i = 0; i < vlen; i++) {
        copy[i] = vec[i];
        struct sockaddr_in in;
        const struct sockaddr_in *sin =
            sockets_as_in(copy[i].msg_hdr.msg_name, copy[i].msg_hdr.msg_namelen, &in);
        socklen_t dlen;
        int how = sin ? sockets_dgram_dst(fd, s, sin, &dst[i], &dlen) : 0;
        if (how < 0) {
            /* As the kernel does: an error only if nothing could be sent. */
            if (i == 0)
                rc = how;
            vlen = i;
            break;
        }
        if (how == 1) {
            copy[i].msg_hdr.msg_name = &dst[i];
            copy[i].msg_hdr.msg_namelen = dlen;
        }
    }
    if (rc == 0 && vlen > 0) {
        rc = real_sendmmsg(fd, copy, vlen, flags);
        if (rc < 0)
            rc = -errno;
        for (int i = 0; i < rc; i++)
            vec[i].msg_len = copy[i].msg_len;
    }
    fdtab_release(s);
    return rc;
}
/* NOLINTEND(v6-family-switch-no-v6,v6-sockaddr-in-decl) */
