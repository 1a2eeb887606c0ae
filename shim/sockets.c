/* sockets — IPv4 view over IPv6 sockets, in-place upgrade; see sockets.h. */
/* NOLINTBEGIN(v6-family-switch-no-v6): the socket layer speaks the application's IPv4 API on purpose (v6scan self-scan). */
#define _GNU_SOURCE
#include "sockets.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/syslog.h>
#include <sys/time.h>

#include "addr.h"
#include "config.h"
#include "eyeballs.h"
#include "fdtable.h"
#include "log.h"
#include "nbconnect.h"
#include "pool.h"
#include "report.h"
#include "sockets_int.h"
#include "sockopt.h"
#include "symbols.h"
#include "upgrade.h"

static const struct eyeballs_ops sockets_real_ops = {
    .socket = real_socket,
    .connect = real_connect,
    .getsockopt = real_getsockopt,
    .close = real_close,
};

static bool sockets_enabled(void)
{
    return config_get()->enabled;
}

/* ---- socket, bind ---- */

int sockets_socket(int domain, int type, int protocol)
{
    int base = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
    /* The adaptive model (upgrade.h): a TCP socket made early as AF_INET6
     * while this process's recent TCP sockets went to pool addresses. */
    if (domain == AF_INET && base == SOCK_STREAM && (protocol == 0 || protocol == IPPROTO_TCP) &&
        upgrade_eager_wanted() && sockets_enabled()) {
        int efd = upgrade_eager_socket(type, base, protocol);
        if (efd >= 0)
            return efd;
        v6log(LOG_DEBUG, "early IPv6 socket refused (%s): AF_INET", strerror(-efd));
    }
    int fd = real_socket(domain, type, protocol);
    if (fd < 0)
        return -errno;
    if (domain != AF_INET || (base != SOCK_STREAM && base != SOCK_DGRAM) || !sockets_enabled())
        return fd;
    if (fdtab_register(fd, base, protocol, FDTAB_REAL_INET) < 0)
        v6log(LOG_WARNING, "fd %d: not tracked (fd table full)", fd);
    return fd;
}

int sockets_bind(int fd, const struct sockaddr *addr, socklen_t len)
{
    struct fdtab_sock *s = fdtab_acquire(fd);
    if (s)
        upgrade_settle(fd, s); /* an early socket binds as the AF_INET one it stands for */
    struct sockaddr_in in;
    const struct sockaddr_in *sin = sockets_as_in(addr, len, &in);
    int rc;
    if (!s || !sin) {
        rc = real_bind(fd, addr, len);
        goto out_errno;
    }
    if (fdtab_real_family(s) == FDTAB_REAL_INET6) {
        /* Already IPv6 (a second bind): let the kernel answer for the mapped address. */
        struct sockaddr_in6 m;
        addr_sin6_mapped(sin->sin_addr, sin->sin_port, &m);
        rc = real_bind(fd, (struct sockaddr *)&m, sizeof m);
        goto out_errno;
    }
    if (sin->sin_addr.s_addr != htonl(INADDR_ANY) || !config_get()->listen_dualstack ||
        !upgrade_allowed(fd, s)) {
        rc = real_bind(fd, addr, len); /* specific IPv4 binds stay IPv4 */
        goto out_errno;
    }
    struct sockaddr_in6 any = {
        .sin6_family = AF_INET6, .sin6_port = sin->sin_port, .sin6_addr = IN6ADDR_ANY_INIT};
    int berr;
    if (upgrade_to_inet6(fd, s, &any, -1, &berr) == 0) {
        v6log(LOG_DEBUG, "fd %d: 0.0.0.0:%u bound as [::]:%u", fd, ntohs(sin->sin_port),
              ntohs(sin->sin_port));
        fdtab_release(s);
        return 0;
    }
    if (berr)
        v6log(LOG_INFO, "fd %d: [::]:%u refused (errno %d), binding IPv4", fd, ntohs(sin->sin_port),
              berr);
    rc = real_bind(fd, addr, len);
out_errno:
    rc = rc < 0 ? -errno : rc;
    fdtab_release(s);
    return rc;
}

int sockets_listen(int fd, int backlog)
{
    struct fdtab_sock *s = fdtab_acquire(fd);
    if (s)
        upgrade_settle(fd, s);
    if (s && config_get()->listen_dualstack && upgrade_allowed(fd, s)) {
        int type, protocol;
        fdtab_kind(s, &type, &protocol);
        struct sockaddr_in local;
        socklen_t llen = sizeof local;
        /* Never bound: the kernel would pick 0.0.0.0:port; make that [::]:port. */
        if (type == SOCK_STREAM && real_getsockname(fd, (struct sockaddr *)&local, &llen) == 0 &&
            local.sin_port == 0) {
            struct sockaddr_in6 any = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_ANY_INIT};
            upgrade_to_inet6(fd, s, &any, -1, NULL); /* else listen as IPv4 */
        }
    }
    fdtab_release(s);
    return real_listen(fd, backlog) == 0 ? 0 : -errno;
}

/* ---- connect ---- */

/* Race budget: he_budget_ms, cut by SO_SNDTIMEO (connect(2): EINPROGRESS
 * when that runs out). */
static void sockets_budget(int fd, unsigned *budget, int *timeout_err)
{
    *budget = config_get()->he_budget_ms;
    *timeout_err = ETIMEDOUT;
    struct timeval tv;
    socklen_t len = sizeof tv;
    if (real_getsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, &len) == 0 &&
        (tv.tv_sec > 0 || tv.tv_usec > 0)) {
        unsigned long ms = (unsigned long)tv.tv_sec * 1000u + (unsigned long)tv.tv_usec / 1000u;
        if (ms == 0)
            ms = 1;
        if (ms < *budget) {
            *budget = (unsigned)ms;
            *timeout_err = EINPROGRESS;
        }
    }
}

/*
 * A pool entry with one destination DST needs no race: FD (described by S,
 * O_* flags FL) becomes a socket of DST's family in place first, then the
 * application's own fd connects, so every answer is the kernel's own —
 * blocking or not, EINTR, SO_SNDTIMEO, SO_ERROR (RFC 8305 races only when
 * there is a choice). An IPv4 destination on an IPv4 socket needs no
 * upgrade at all. Returns 0, -EINPROGRESS, -EINTR or -errno; *USED = DST.
 * On failure the fd stays upgraded (in the state the failed connect left).
 */
static int sockets_connect_one(int fd, struct fdtab_sock *s, const struct sockaddr_storage *dst,
                               int fl, struct sockaddr_storage *used)
{
    *used = *dst;
    if (dst->ss_family == AF_INET6) {
        int rc = upgrade_to_inet6(fd, s, NULL, fl, NULL);
        if (rc < 0)
            return rc;
    } else if (upgrade_settle(fd, s) == FDTAB_REAL_INET6) {
        /* An early socket that could not become AF_INET again. */
        const struct sockaddr_in *d4 = (const struct sockaddr_in *)dst;
        struct sockaddr_in6 m;
        addr_sin6_mapped(d4->sin_addr, d4->sin_port, &m);
        return real_connect(fd, (struct sockaddr *)&m, sizeof m) == 0 ? 0 : -errno;
    }
    return real_connect(fd, (const struct sockaddr *)dst, addr_len(dst)) == 0 ? 0 : -errno;
}

/* A non-blocking connect that may fail over later (nbconnect.h): the
 * candidates and the one running on the fd. */
struct sockets_pending {
    struct sockaddr_storage dst[POOL_MAX_CAND];
    size_t n, cur;
    bool failover;
};

/*
 * Connect FD (described by S, REAL: still AF_INET or EAGER) to
 * pool entry V at SIN's port. An early socket and one IPv6 candidate: the
 * program's own fd connects, nothing is replaced.
 * Blocking stream sockets race every candidate (RFC 8305); non-blocking and
 * datagram sockets take the first candidate that does not fail at once, so
 * EINPROGRESS/poll/SO_ERROR stay the kernel's; a non-blocking stream
 * connect in progress with candidates left sets P->failover (the caller
 * hands P to nbconnect_begin). Returns 0, -EINPROGRESS or -errno (FD left
 * unchanged on failure).
 */
static int sockets_connect_pool(int fd, struct fdtab_sock *s, enum fdtab_real real,
                                const struct sockaddr_in *sin, const struct pool_view *v,
                                struct sockaddr_storage *used, struct sockets_pending *p)
{
    struct sockaddr_storage *dst = p->dst;
    size_t n = addr_candidates(v, sin->sin_port, dst, POOL_MAX_CAND);
    p->n = n;
    if (n == 0)
        return -EHOSTUNREACH;
    if (n == 1 && real == FDTAB_REAL_EAGER && dst[0].ss_family == AF_INET6) {
        /* Made for this: the program's own fd connects, nothing replaced. */
        fdtab_mark_real(s, FDTAB_REAL_INET6);
        *used = dst[0];
        int rc = real_connect(fd, (struct sockaddr *)&dst[0], addr_len(&dst[0])) == 0 ? 0 : -errno;
        if (rc != 0 && rc != -EINPROGRESS && rc != -EINTR)
            upgrade_dual(fd, s); /* failed: the fd may be used again, for IPv4 too */
        return rc;
    }
    int type, protocol;
    fdtab_kind(s, &type, &protocol);
    int fl = real_fcntl(fd, F_GETFL, NULL);
    if (fl < 0)
        return -errno;
    if (n == 1)
        return sockets_connect_one(fd, s, &dst[0], fl, used);
    int nfd = -1, rc = -EHOSTUNREACH;
    size_t win = 0;
    if (type == SOCK_STREAM && !(fl & O_NONBLOCK)) {
        unsigned budget;
        int terr;
        sockets_budget(fd, &budget, &terr);
        nfd =
            eyeballs_race(&sockets_real_ops, dst, n, type, protocol,
                          config_get()->he_attempt_delay_ms, budget, terr, upgrade_replay, s, &win);
        rc = nfd < 0 ? nfd : 0;
        /* The race connected it without blocking; one more connect moves it
         * to the state a blocking connect leaves (the next one says EISCONN). */
        if (nfd >= 0)
            real_connect(nfd, (struct sockaddr *)&dst[win], addr_len(&dst[win]));
    } else {
        for (size_t i = 0; i < n; i++) {
            nfd = upgrade_twin(s, dst[i].ss_family, fl & O_NONBLOCK ? SOCK_NONBLOCK : 0);
            if (nfd < 0) {
                rc = nfd;
                continue;
            }
            rc = real_connect(nfd, (struct sockaddr *)&dst[i], addr_len(&dst[i])) == 0 ? 0 : -errno;
            if (rc == 0 || rc == -EINPROGRESS) {
                win = i;
                break;
            }
            real_close(nfd);
            nfd = -1;
        }
    }
    if (nfd < 0)
        return rc;
    int src = upgrade_swap(fd, s, nfd, -1);
    if (src < 0)
        return src;
    *used = dst[win];
    p->cur = win;
    p->failover = type == SOCK_STREAM && (fl & O_NONBLOCK) && rc == -EINPROGRESS && win + 1 < n;
    fdtab_mark_real(s, dst[win].ss_family == AF_INET6 ? FDTAB_REAL_INET6 : FDTAB_REAL_INET);
    v6log(LOG_DEBUG, "fd %d: connect to pool address via candidate %zu (%s)", fd, win,
          dst[win].ss_family == AF_INET6 ? "IPv6" : "IPv4");
    return rc;
}

/*
 * Connect FD, already connected through the pool or already IPv6, to pool
 * entry V (a UDP socket re-connecting; a TCP one gets the kernel's EISCONN):
 * an IPv6 socket takes the first IPv6 candidate (else the first IPv4 one,
 * mapped), an IPv4 socket the first IPv4 candidate. -ENETUNREACH when the
 * socket's family has none.
 */
static int sockets_reconnect_pool(int fd, enum fdtab_real real, const struct sockaddr_in *sin,
                                  const struct pool_view *v, struct sockaddr_storage *used)
{
    struct sockaddr_storage dst[POOL_MAX_CAND], to;
    size_t n = addr_candidates(v, sin->sin_port, dst, POOL_MAX_CAND);
    int rc = addr_pick(dst, n, real == FDTAB_REAL_INET6 ? AF_INET6 : AF_INET, &to);
    if (rc < 0)
        return rc;
    *used = to;
    return real_connect(fd, (struct sockaddr *)&to, addr_len(&to)) == 0 ? 0 : -errno;
}

/* NOLINTBEGIN(v6-sockaddr-in-decl,v6-ipv4-range-math): the loopback fallback acts on the IPv4 loopback the program hard-coded (v6scan self-scan). */
/* The program's return address in the connect being made (report mode). */
static _Thread_local const void *sockets_caller;

void sockets_report_caller(const void *caller)
{
    sockets_caller = caller;
}

/* Is the loopback fallback to be tried for a connect of FD (entry S) to
 * SIN? Stream socket, still the program's own AF_INET one, 127.0.0.0/8,
 * the option on, not bound by the program (a twin could not keep that). */
static bool sockets_fallback_applies(int fd, struct fdtab_sock *s, const struct sockaddr_in *sin)
{
    if (!config_get()->loopback_fallback || (ntohl(sin->sin_addr.s_addr) >> 24) != 127)
        return false;
    int type, protocol;
    fdtab_kind(s, &type, &protocol);
    if (type != SOCK_STREAM || !upgrade_allowed(fd, s))
        return false;
    struct sockaddr_in me;
    socklen_t mlen = sizeof me;
    return real_getsockname(fd, (struct sockaddr *)&me, &mlen) == 0 && me.sin_family == AF_INET &&
           me.sin_port == 0;
}

/* [::1] at SIN's port. */
static void sockets_fallback_dst(const struct sockaddr_in *sin, struct sockaddr_storage *out)
{
    memset(out, 0, sizeof *out);
    struct sockaddr_in6 *d = (struct sockaddr_in6 *)out;
    d->sin6_family = AF_INET6;
    d->sin6_port = sin->sin_port;
    d->sin6_addr = in6addr_loopback;
}

/*
 * The loopback fallback, now: SIN (127.0.0.0/8) refused FD's connect at
 * once; try [::1] at the same port on a twin. Returns the twin's result
 * (0, -EINPROGRESS: then it is on FD, which shows SIN as its peer), or
 * -ECONNREFUSED with FD unchanged when [::1] fails too.
 */
static int sockets_fallback_now(int fd, struct fdtab_sock *s, const struct sockaddr_in *sin)
{
    struct sockaddr_storage six;
    sockets_fallback_dst(sin, &six);
    int fl = real_fcntl(fd, F_GETFL, NULL);
    if (fl < 0)
        return -ECONNREFUSED;
    int nfd = upgrade_twin(s, AF_INET6, fl & O_NONBLOCK ? SOCK_NONBLOCK : 0);
    if (nfd < 0)
        return -ECONNREFUSED;
    int rc =
        real_connect(nfd, (struct sockaddr *)&six, sizeof(struct sockaddr_in6)) == 0 ? 0 : -errno;
    if ((rc != 0 && rc != -EINPROGRESS) || upgrade_swap(fd, s, nfd, -1) < 0) {
        if (rc != 0 && rc != -EINPROGRESS)
            real_close(nfd); /* (upgrade_swap closes it itself) */
        v6log(LOG_INFO, "fd %d: 127.x:%u refused, [::1]:%u too: %s", fd, ntohs(sin->sin_port),
              ntohs(sin->sin_port), strerror(rc ? -rc : EBADF));
        return -ECONNREFUSED;
    }
    fdtab_mark_real(s, FDTAB_REAL_INET6);
    sockets_hold(s, sin, &six, false); /* the program's view: the address it asked for */
    v6log(LOG_INFO, "fd %d: 127.x:%u refused, connecting to [::1]:%u instead", fd,
          ntohs(sin->sin_port), ntohs(sin->sin_port));
    report_record(REPORT_LOOPBACK_FALLBACK, "connect", sockets_caller);
    return rc;
}

/*
 * connect of FD (entry S, tracked, still AF_INET) to SIN, a plain IPv4
 * destination: the kernel's call, with the loopback fallback when it
 * applies (blocking: at once; non-blocking: through nbconnect).
 */
static int sockets_connect_plain(int fd, struct fdtab_sock *s, const struct sockaddr_in *sin,
                                 const struct sockaddr *addr, socklen_t len)
{
    bool fallback = sockets_fallback_applies(fd, s, sin);
    int rc = real_connect(fd, addr, len) == 0 ? 0 : -errno;
    if (!fallback)
        return rc;
    if (rc == -ECONNREFUSED)
        return sockets_fallback_now(fd, s, sin);
    if (rc == -EINPROGRESS) {
        struct sockaddr_storage dst[2];
        memset(&dst[0], 0, sizeof dst[0]);
        memcpy(&dst[0], sin, sizeof *sin);
        sockets_fallback_dst(sin, &dst[1]);
        nbconnect_begin(fd, s, sin, dst, 2, 0, true, sockets_caller);
    }
    return rc;
}
/* NOLINTEND(v6-sockaddr-in-decl,v6-ipv4-range-math) */

int sockets_connect(int fd, const struct sockaddr *addr, socklen_t len)
{
    struct fdtab_sock *s = fdtab_acquire_trusted(fd); /* sockets_swap verifies */
    struct sockaddr_in in;
    const struct sockaddr_in *sin = sockets_as_in(addr, len, &in);
    int rc;
    if (!s || !sin) {
        if (s && fdtab_real_family(s) == FDTAB_REAL_EAGER)
            upgrade_settle(fd, s); /* (AF_UNSPEC, a sockaddr_in6: the kernel's AF_INET answer) */
        rc = real_connect(fd, addr, len) == 0 ? 0 : -errno;
        goto out;
    }
    if (nbconnect_any()) {
        /* A fail-over may be due first; once every candidate failed, the
         * error the shim read is this connect's answer (the kernel's would
         * be ECONNABORTED then; it resets the socket as the kernel does). */
        nbconnect_poke(fd);
        int err;
        if (nbconnect_take_error(fd, &err)) {
            real_connect(fd, addr, len);
            rc = -err;
            goto out;
        }
    }
    struct fdtab_snap snap;
    fdtab_snapshot(s, &snap);
    enum fdtab_real real = snap.real;
    bool via_pool = snap.via_pool;
    const struct sockaddr_storage *real_dst = &snap.real_dst;
    if (via_pool && snap.peer.sin_addr.s_addr == sin->sin_addr.s_addr &&
        snap.peer.sin_port == sin->sin_port) {
        /* Again, to the same place (after EINPROGRESS): the kernel's answer
         * for the real destination (EALREADY, EISCONN, the error…). */
        rc = real_connect(fd, (const struct sockaddr *)real_dst, addr_len(real_dst)) == 0 ? 0
                                                                                          : -errno;
        goto out;
    }
    if (pool_contains(sin->sin_addr)) {
        /* A pool address is only a name for the real destinations behind
         * it: it never goes to the network as an IPv4 destination. */
        /* Pinned from the lookup on, so the entry cannot be given to
         * another name while the connect is under way. */
        struct pool_view v;
        if (pool_acquire(sin->sin_addr, &v) != 0) {
            v6log(LOG_INFO, "fd %d: connect to an unknown or expired pool address", fd);
            rc = -EHOSTUNREACH;
            goto out;
        }
        /* Unset when no attempt is left on the fd (a race interrupted by a
         * signal closes its attempts): nothing to hold then. */
        struct sockaddr_storage used = {.ss_family = AF_UNSPEC};
        struct sockets_pending pend; /* (not zeroed: 2 KB of candidates, written before read) */
        pend.n = pend.cur = 0;
        pend.failover = false;
        if ((real == FDTAB_REAL_INET || real == FDTAB_REAL_EAGER) && !via_pool &&
            upgrade_allowed(fd, s)) {
            rc = sockets_connect_pool(fd, s, real, sin, &v, &used, &pend);
        } else if (real == FDTAB_REAL_INET && !via_pool) {
            rc = -ENETUNREACH;
        } else if (real == FDTAB_REAL_EAGER && upgrade_dual(fd, s) < 0) {
            rc = -ENETUNREACH; /* closed behind the shim's back and reused: not ours */
        } else {
            /* (an early socket shared with a dup is IPv6 for good now) */
            rc = sockets_reconnect_pool(fd, real == FDTAB_REAL_EAGER ? FDTAB_REAL_INET6 : real, sin,
                                        &v, &used);
        }
        if ((rc == 0 || rc == -EINPROGRESS) && snap.type == SOCK_STREAM)
            upgrade_eager_note_pool();                         /* evidence for the adaptive model */
        if ((rc == 0 || rc == -EINPROGRESS || rc == -EINTR) && /* the last two go on */
            used.ss_family != AF_UNSPEC)
            sockets_hold(s, sin, &used, false); /* the socket keeps the pin */
        else
            pool_unpin(sin->sin_addr);
        if (pend.failover) /* else one candidate, as before (logged) */
            nbconnect_begin(fd, s, sin, pend.dst, pend.n, pend.cur, false, NULL);
        if (rc == -ESTALE) /* upgrade_swap: closed behind the shim's back and reused, left
                            * alone; a pool address never goes out as IPv4 */
            rc = -ENETUNREACH;
        if (rc == -EMFILE || rc == -ENFILE) {
            /* The upgrade needs a second descriptor for a moment, and the
             * process (or system) has none left. connect(2) never says
             * EMFILE: say what it says for a lack of resources (POSIX
             * ENOBUFS); the fd is unchanged. */
            v6log(LOG_WARNING, "fd %d: no descriptor left to reach the IPv6 destination (%s)", fd,
                  strerror(-rc));
            rc = -ENOBUFS;
        }
        goto out;
    }
    if (real == FDTAB_REAL_EAGER)
        real = upgrade_settle(fd, s); /* an IPv4 connection is a real AF_INET socket */
    else if (real == FDTAB_REAL_INET && snap.type == SOCK_STREAM)
        upgrade_eager_note_ipv4();
    if (real == FDTAB_REAL_INET6) {
        /* A plain IPv4 destination on a socket that became IPv6. */
        struct sockaddr_in6 m;
        addr_sin6_mapped(sin->sin_addr, sin->sin_port, &m);
        rc = real_connect(fd, (struct sockaddr *)&m, sizeof m) == 0 ? 0 : -errno;
        if (rc == -ENETUNREACH) {
            /* What a V6ONLY socket says to a mapped address: an early socket
             * whose IPv6 connect failed later, under bindv6only=1. */
            int zero = 0;
            if (real_setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero) == 0)
                rc = real_connect(fd, (struct sockaddr *)&m, sizeof m) == 0 ? 0 : -errno;
        }
        goto out;
    }
    rc = sockets_connect_plain(fd, s, sin, addr, len);
out:
    fdtab_release(s);
    return rc;
}

/* ---- options ---- */

int sockets_getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
    if (level == SOL_SOCKET && name == SO_ERROR && nbconnect_any()) {
        /* A connect that may fail over: its state first (nbconnect.h). */
        nbconnect_poke(fd);
        int err;
        if (val && len && *len >= sizeof(int) && nbconnect_take_error(fd, &err)) {
            memcpy(val, &err, sizeof err);
            *len = sizeof err;
            return 0;
        }
    }
    if (level == IPPROTO_IP || level == IPPROTO_IPV6) {
        /* Asked of an early socket: the AF_INET socket it stands for answers. */
        struct fdtab_sock *s = fdtab_acquire_trusted(fd); /* (upgrade_swap verifies) */
        if (s)
            upgrade_settle(fd, s);
        fdtab_release(s);
    }
    if (level == SOL_SOCKET && name == SO_DOMAIN && val && len && *len >= sizeof(int)) {
        struct fdtab_sock *s = fdtab_acquire(fd);
        if (s && fdtab_real_family(s) == FDTAB_REAL_INET) {
            fdtab_release(s); /* still AF_INET: the kernel says so itself */
            s = NULL;
        }
        if (s) {
            /* The application made an AF_INET socket: so it stays, to it. */
            int inet = AF_INET;
            memcpy(val, &inet, sizeof inet);
            *len = sizeof inet;
            fdtab_release(s);
            return 0;
        }
    }
    return real_getsockopt(fd, level, name, val, len) == 0 ? 0 : -errno;
}

int sockets_setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
    struct fdtab_sock *s = fdtab_acquire(fd);
    enum fdtab_real real = s ? fdtab_real_family(s) : FDTAB_REAL_INET;
    int name6, val6;
    bool twin = level == IPPROTO_IP && sockopt_v6_twin(name, val, len, &name6, &val6);
    /* An early socket meets an option of IPv4 only (no IPv6 twin:
     * IP_ADD_MEMBERSHIP, IP_HDRINCL, IP_OPTIONS…; broadcast) or of IPv6:
     * the AF_INET socket it stands for takes it, and answers for it. */
    if (real == FDTAB_REAL_EAGER && ((level == IPPROTO_IP && !twin) || level == IPPROTO_IPV6 ||
                                     (level == SOL_SOCKET && name == SO_BROADCAST)))
        real = upgrade_settle(fd, s);
    int rc = real_setsockopt(fd, level, name, val, len) == 0 ? 0 : -errno;
    if (rc < 0 && real == FDTAB_REAL_EAGER) {
        /* Refused on the early socket (an IPv4 option it does not take, a
         * TCP_MD5SIG key for a sockaddr_in…): the AF_INET socket answers. */
        real = upgrade_settle(fd, s);
        rc = real_setsockopt(fd, level, name, val, len) == 0 ? 0 : -errno;
    }
    if (!s)
        return rc;
    if (real != FDTAB_REAL_INET6 || fdtab_failover(s)) {
        /* (also while a fail-over may still put a twin onto the fd) */
        if (rc == 0)
            fdtab_record_opt(s, level, name, val, len);
    }
    if (real != FDTAB_REAL_INET && level == IPPROTO_IP && twin) {
        /* IPv4 option on an IPv6 socket: the IPv4 call covers mapped
         * traffic, the twin covers IPv6 peers (sockopt.h). */
        int rc6 = real_setsockopt(fd, IPPROTO_IPV6, name6, &val6, sizeof val6) == 0 ? 0 : -errno;
        if (rc < 0 && rc6 == 0)
            rc = 0;
    }
    fdtab_release(s);
    return rc;
}

/* ---- ioctl ---- */

void sockets_ioctl_prepare(int fd, unsigned long request)
{
    /* Only the socket-configuration requests (SIOCGIFADDR, SIOCSIFADDR,
     * SIOCADDRT…, linux/sockios.h): FIONBIO, FIONREAD and the like work on
     * either family and must not cost an early socket its fast path. */
    if ((request & ~0xffUL) != 0x8900UL)
        return;
    struct fdtab_sock *s = fdtab_acquire_trusted(fd); /* (upgrade_swap verifies) */
    if (s)
        upgrade_settle(fd, s);
    fdtab_release(s);
}

/* ---- epoll ---- */

int sockets_epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev)
{
    int rc = real_epoll_ctl(epfd, op, fd, ev) == 0 ? 0 : -errno;
    struct fdtab_sock *s = rc == 0 ? fdtab_acquire(fd) : NULL;
    if (!s)
        return rc;
    fdtab_record_epoll(s, epfd, op, ev);
    fdtab_release(s);
    return rc;
}
/* NOLINTEND(v6-family-switch-no-v6) */
