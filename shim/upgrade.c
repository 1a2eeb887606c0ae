/* upgrade — the in-place socket upgrade; see upgrade.h. */
#define _GNU_SOURCE
#include "upgrade.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syslog.h>

#include "log.h"
#include "sockopt.h"
#include "symbols.h"

bool upgrade_allowed(int fd, struct fdtab_sock *s)
{
    if (!fdtab_replaceable(s))
        return false;
    if (fdtab_fd_count(s) > 1) {
        v6log(LOG_INFO, "fd %d: socket shared with another fd, left as IPv4", fd);
        return false;
    }
    return true;
}

int upgrade_replay(int fd, int family, void *ctx)
{
    struct fdtab_sock *s = ctx;
    struct fdtab_opt opts[FDTAB_MAX_OPTS];
    unsigned n = fdtab_opts(s, opts);
    for (unsigned i = 0; i < n; i++) {
        const struct fdtab_opt *o = &opts[i];
        int name6, val6;
        if (family == AF_INET6 && o->level == IPPROTO_IP) {
            if (sockopt_v6_twin(o->name, o->val, o->len, &name6, &val6))
                real_setsockopt(fd, IPPROTO_IPV6, name6, &val6, sizeof val6);
        }
        if (real_setsockopt(fd, o->level, o->name, o->val, o->len) != 0)
            v6log(LOG_DEBUG, "replaying option %d/%d on fd %d: errno %d", o->level, o->name, fd,
                  errno);
    }
    if (family == AF_INET6) {
        int zero = 0; /* never rely on net.ipv6.bindv6only */
        if (real_setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero) != 0)
            return -errno;
    }
    return 0;
}

int upgrade_twin(struct fdtab_sock *s, int family, int extra_flags)
{
    int type, protocol;
    fdtab_kind(s, &type, &protocol);
    int nfd = real_socket(family, type | SOCK_CLOEXEC | extra_flags, protocol);
    if (nfd < 0)
        return -errno;
    int rc = upgrade_replay(nfd, family, s);
    if (rc < 0) {
        real_close(nfd);
        return rc;
    }
    return nfd;
}

int upgrade_swap(int fd, struct fdtab_sock *s, int nfd, int fl)
{
    /* The one step that could harm another file: check that FD is still
     * the socket S describes (hot paths acquire S without that check). */
    int rc = fdtab_verify(fd, s);
    if (rc < 0) {
        v6log(LOG_INFO, "fd %d: closed behind the shim's back and reused: left alone", fd);
        goto out;
    }
    int fdfl = real_fcntl(fd, F_GETFD, NULL);
    if (fdfl < 0) {
        rc = -errno;
        goto out;
    }
    if (fl < 0) {
        fl = real_fcntl(fd, F_GETFL, NULL);
        int nfl = real_fcntl(nfd, F_GETFL, NULL);
        if (fl < 0 || nfl < 0 ||
            real_fcntl(nfd, F_SETFL, (void *)(long)((nfl & ~O_NONBLOCK) | (fl & O_NONBLOCK))) < 0) {
            rc = -errno;
            goto out;
        }
    }
    /* Other threads using FD meanwhile must accept the new socket too. */
    fdtab_expect(s, nfd);
    if (real_dup3(nfd, fd, (fdfl & FD_CLOEXEC) ? O_CLOEXEC : 0) < 0) {
        rc = -errno;
        fdtab_expect(s, -1);
        goto out;
    }
    fdtab_reidentify(fd, s);
    struct fdtab_epoll ep[FDTAB_MAX_EPOLL];
    unsigned nep = fdtab_epolls(s, ep);
    /* The old socket left its epoll sets when dup3 closed it (unless another
     * fd still holds it: then the old registration stays and we MOD). */
    for (unsigned i = 0; i < nep; i++) {
        struct epoll_event ev = ep[i].ev;
        if (real_epoll_ctl(ep[i].epfd, EPOLL_CTL_ADD, fd, &ev) != 0 && errno == EEXIST)
            real_epoll_ctl(ep[i].epfd, EPOLL_CTL_MOD, fd, &ev);
    }
out:
    real_close(nfd);
    return rc;
}

int upgrade_to_inet6(int fd, struct fdtab_sock *s, const struct sockaddr_in6 *bind_to, int fl,
                     int *bind_errno)
{
    if (bind_errno)
        *bind_errno = 0;
    int nfd = upgrade_twin(s, AF_INET6, fl >= 0 && (fl & O_NONBLOCK) ? SOCK_NONBLOCK : 0);
    if (nfd < 0)
        return nfd;
    if (bind_to && real_bind(nfd, (const struct sockaddr *)bind_to, sizeof *bind_to) != 0) {
        int e = errno;
        real_close(nfd);
        if (bind_errno)
            *bind_errno = e;
        return -e;
    }
    int rc = upgrade_swap(fd, s, nfd, fl); /* closes nfd */
    if (rc < 0)
        return rc;
    fdtab_mark_real(s, FDTAB_REAL_INET6);
    return 0;
}

/* ---- the adaptive socket model ---- */

/* The evidence counter (upgrade.h): 0..3, early while >= 2. Atomic, no
 * lock; relaxed, since it only steers a choice either model makes right. */
static _Atomic int upgrade_bias;

bool upgrade_eager_wanted(void)
{
    return atomic_load_explicit(&upgrade_bias, memory_order_relaxed) >= 2;
}

void upgrade_eager_note_pool(void)
{
    if (atomic_load_explicit(&upgrade_bias, memory_order_relaxed) != 3)
        atomic_store_explicit(&upgrade_bias, 3, memory_order_relaxed);
}

void upgrade_eager_note_ipv4(void)
{
    int b = atomic_load_explicit(&upgrade_bias, memory_order_relaxed);
    while (b > 0 && !atomic_compare_exchange_weak_explicit(
                        &upgrade_bias, &b, b - 1, memory_order_relaxed, memory_order_relaxed))
        ;
}

void upgrade_eager_reset(void)
{
    atomic_store(&upgrade_bias, 0);
}

int upgrade_eager_socket(int type, int base, int protocol)
{
    int fd = real_socket(AF_INET6, type, protocol);
    if (fd < 0)
        return -errno;
    /* No IPV6_V6ONLY here: an IPv6 connect does not need it, and every
     * other use either settles to AF_INET or sets it (upgrade_dual). */
    int rc = fdtab_register(fd, base, protocol, FDTAB_REAL_EAGER);
    if (rc < 0) {
        real_close(fd); /* (never registered) */
        return rc;
    }
    return fd;
}

enum fdtab_real upgrade_settle(int fd, struct fdtab_sock *s)
{
    enum fdtab_real real = fdtab_real_family(s);
    if (real != FDTAB_REAL_EAGER)
        return real;
    upgrade_eager_note_ipv4();
    int rc = -EPERM; /* (shared or incomplete: upgrade_allowed logged why) */
    if (upgrade_allowed(fd, s)) {
        int fl = real_fcntl(fd, F_GETFL, NULL);
        int nfd = fl < 0 ? -errno : upgrade_twin(s, AF_INET, fl & O_NONBLOCK ? SOCK_NONBLOCK : 0);
        rc = nfd < 0 ? nfd : upgrade_swap(fd, s, nfd, fl); /* closes nfd */
    }
    if (rc == 0) {
        fdtab_mark_real(s, FDTAB_REAL_INET);
        v6log(LOG_DEBUG, "fd %d: early IPv6 socket used for IPv4: made AF_INET again", fd);
        return FDTAB_REAL_INET;
    }
    /* FD closed behind the shim's back and reused (upgrade_swap's check, or
     * upgrade_dual's): not this socket any more; the caller's call goes to
     * the kernel as the program made it. */
    if (rc == -ESTALE || upgrade_dual(fd, s) < 0)
        return FDTAB_REAL_INET;
    v6log(LOG_INFO, "fd %d: early IPv6 socket used for IPv4 stays IPv6 (IPv4-mapped): %s", fd,
          strerror(-rc));
    return FDTAB_REAL_INET6;
}

int upgrade_dual(int fd, struct fdtab_sock *s)
{
    int rc = fdtab_verify(fd, s); /* (an option on another file would harm it) */
    if (rc < 0)
        return rc;
    int zero = 0; /* never rely on net.ipv6.bindv6only */
    if (real_setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero) != 0)
        v6log(LOG_DEBUG, "fd %d: IPV6_V6ONLY=0: errno %d", fd, errno);
    fdtab_mark_real(s, FDTAB_REAL_INET6);
    return 0;
}
