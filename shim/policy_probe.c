/*
 * policy_probe — source addresses for the RFC 6724 sort, found the way
 * glibc's getaddrinfo finds them: connect a UDP socket to each destination
 * (UDP connect only picks a route and a source; nothing is sent), read the
 * source back with getsockname, and reset the socket with an AF_UNSPEC
 * connect before the next candidate. Address flags (deprecated, home,
 * temporary) and prefix lengths come from one netlink RTM_GETADDR dump,
 * interface types (tunnel or not) from one RTM_GETLINK dump.
 *
 * IPv4 destinations are probed on an AF_INET socket, not as mapped
 * addresses on the AF_INET6 one: that is what glibc does (so both see the
 * same sources), and it still works where AF_INET6 sockets cannot be made
 * (kernel booted with ipv6.disable=1, seccomp) or are IPv6-only
 * (net.ipv6.bindv6only=1 makes a mapped connect fail).
 */
#define _GNU_SOURCE
#include "policy.h"

#include <errno.h>
#include <linux/if_addr.h>
#include <linux/if_arp.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* One interface address from RTM_GETADDR. */
struct probe_addr {
    struct in6_addr addr; /* IPv4 as mapped */
    unsigned prefixlen;   /* IPv4: 0..32 */
    uint32_t ifa_flags;   /* IFA_F_* */
    int ifindex;
};

/* What the two dumps found. */
struct probe_dump {
    struct probe_addr *addr;
    size_t naddr, capaddr;
    int *encap_if; /* interface indexes of tunnel devices */
    size_t nencap, capencap;
};

#define PROBE_NL_BUF 32768

static void probe_fill_ops(struct policy_sockops *o, const struct policy_sockops *in)
{
    static const struct policy_sockops libc_ops = {
        socket, connect, getsockname, close, send, recv,
    };
    *o = libc_ops;
    if (in == NULL)
        return;
    if (in->socket)
        o->socket = in->socket;
    if (in->connect)
        o->connect = in->connect;
    if (in->getsockname)
        o->getsockname = in->getsockname;
    if (in->close)
        o->close = in->close;
    if (in->send)
        o->send = in->send;
    if (in->recv)
        o->recv = in->recv;
}

static void probe_map4(struct in6_addr *out, const void *v4)
{
    memset(out, 0, sizeof(*out));
    out->s6_addr[10] = out->s6_addr[11] = 0xff;
    memcpy(&out->s6_addr[12], v4, 4);
}

static int probe_push_addr(struct probe_dump *d, const struct probe_addr *a)
{
    if (d->naddr == d->capaddr) {
        size_t cap = d->capaddr ? 2 * d->capaddr : 16;
        struct probe_addr *v = reallocarray(d->addr, cap, sizeof(*v));
        if (v == NULL)
            return -ENOMEM;
        d->addr = v;
        d->capaddr = cap;
    }
    d->addr[d->naddr++] = *a;
    return 0;
}

static int probe_push_encap(struct probe_dump *d, int ifindex)
{
    if (d->nencap == d->capencap) {
        size_t cap = d->capencap ? 2 * d->capencap : 8;
        int *v = reallocarray(d->encap_if, cap, sizeof(*v));
        if (v == NULL)
            return -ENOMEM;
        d->encap_if = v;
        d->capencap = cap;
    }
    d->encap_if[d->nencap++] = ifindex;
    return 0;
}

/* One RTM_NEWADDR message into D. */
static int probe_on_addr(struct probe_dump *d, const struct nlmsghdr *nh)
{
    const struct ifaddrmsg *ifa = NLMSG_DATA(nh);
    if (nh->nlmsg_len < NLMSG_LENGTH(sizeof(*ifa)))
        return 0;
    if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)
        return 0;
    size_t alen = ifa->ifa_family == AF_INET ? 4 : 16;
    const void *local = NULL, *address = NULL;
    struct probe_addr a = {.prefixlen = ifa->ifa_prefixlen,
                           .ifa_flags = ifa->ifa_flags,
                           .ifindex = (int)ifa->ifa_index};
    int len = (int)IFA_PAYLOAD(nh);
    for (const struct rtattr *rta = IFA_RTA(ifa); RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
        if (rta->rta_type == IFA_LOCAL && RTA_PAYLOAD(rta) >= alen)
            local = RTA_DATA(rta);
        else if (rta->rta_type == IFA_ADDRESS && RTA_PAYLOAD(rta) >= alen)
            address = RTA_DATA(rta);
        else if (rta->rta_type == IFA_FLAGS && RTA_PAYLOAD(rta) >= sizeof(uint32_t))
            memcpy(&a.ifa_flags, RTA_DATA(rta), sizeof(uint32_t)); /* the full 32 bits */
    }
    /* IFA_LOCAL is the local address where both exist (point-to-point). */
    const void *own = local != NULL ? local : address;
    if (own == NULL)
        return 0;
    if (alen == 4)
        probe_map4(&a.addr, own);
    else
        memcpy(&a.addr, own, 16);
    return probe_push_addr(d, &a);
}

/* One RTM_NEWLINK message into D: note tunnel devices. */
static int probe_on_link(struct probe_dump *d, const struct nlmsghdr *nh)
{
    const struct ifinfomsg *ifi = NLMSG_DATA(nh);
    if (nh->nlmsg_len < NLMSG_LENGTH(sizeof(*ifi)))
        return 0;
    switch (ifi->ifi_type) {
    case ARPHRD_TUNNEL:
    case ARPHRD_TUNNEL6:
    case ARPHRD_SIT:
    case ARPHRD_IPGRE:
    case ARPHRD_IP6GRE: return probe_push_encap(d, ifi->ifi_index);
    default: return 0;
    }
}

/* Run one netlink dump of TYPE (RTM_GETADDR or RTM_GETLINK) into D. */
static int probe_dump_run(const struct policy_sockops *o, int type, struct probe_dump *d)
{
    struct {
        struct nlmsghdr nh;
        union {
            struct ifaddrmsg ifa;
            struct ifinfomsg ifi;
        } body;
    } req;
    memset(&req, 0, sizeof(req));
    req.nh.nlmsg_len =
        NLMSG_LENGTH(type == RTM_GETADDR ? sizeof(req.body.ifa) : sizeof(req.body.ifi));
    req.nh.nlmsg_type = (uint16_t)type;
    req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    req.nh.nlmsg_seq = 1;

    int rc = 0;
    char *buf = malloc(PROBE_NL_BUF);
    if (buf == NULL)
        return -ENOMEM;
    int fd = o->socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd < 0) {
        rc = -errno;
        goto out;
    }
    if (o->send(fd, &req, req.nh.nlmsg_len, 0) < 0) {
        rc = -errno;
        goto out;
    }
    for (bool done = false; !done && rc == 0;) {
        ssize_t k = o->recv(fd, buf, PROBE_NL_BUF, 0);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            rc = k < 0 ? -errno : -EIO;
            break;
        }
        int len = (int)k;
        for (const struct nlmsghdr *nh = (const struct nlmsghdr *)buf; rc == 0 && NLMSG_OK(nh, len);
             nh = NLMSG_NEXT(nh, len)) {
            if (nh->nlmsg_seq != 1)
                continue;
            if (nh->nlmsg_type == NLMSG_DONE) {
                done = true;
                break;
            }
            if (nh->nlmsg_type == NLMSG_ERROR) {
                const struct nlmsgerr *e = NLMSG_DATA(nh);
                rc = e->error < 0 ? e->error : -EIO;
            } else if (nh->nlmsg_type == RTM_NEWADDR) {
                rc = probe_on_addr(d, nh);
            } else if (nh->nlmsg_type == RTM_NEWLINK) {
                rc = probe_on_link(d, nh);
            }
        }
    }
out:
    if (fd >= 0)
        o->close(fd);
    free(buf);
    return rc;
}

static const struct probe_addr *probe_find(const struct probe_dump *d, const struct in6_addr *a)
{
    for (size_t i = 0; i < d->naddr; i++)
        if (IN6_ARE_ADDR_EQUAL(&d->addr[i].addr, a))
            return &d->addr[i];
    /* glibc's special case: an IPv4 loopback source other than the
     * interface's own address (127.0.0.2 …) is described by lo's entry. */
    if (IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127) {
        struct in6_addr lo;
        const uint8_t one[4] = {127, 0, 0, 1};
        probe_map4(&lo, one);
        if (!IN6_ARE_ADDR_EQUAL(&lo, a))
            return probe_find(d, &lo);
    }
    return NULL;
}

static bool probe_is_encap_if(const struct probe_dump *d, int ifindex)
{
    for (size_t i = 0; i < d->nencap; i++)
        if (d->encap_if[i] == ifindex)
            return true;
    return false;
}

/* Flags and prefix length of C's source from D. */
static void probe_describe(const struct probe_dump *d, bool have_links, struct policy_cand *c)
{
    const struct in6_addr *s = &c->src.sin6_addr;
    /* 6to4 (2002::/16) and Teredo (2001::/32) sources are tunnelled by
     * construction, whatever device carries them. */
    bool encap = (s->s6_addr[0] == 0x20 && s->s6_addr[1] == 0x02) ||
                 (s->s6_addr[0] == 0x20 && s->s6_addr[1] == 0x01 && s->s6_addr[2] == 0 &&
                  s->s6_addr[3] == 0);
    const struct probe_addr *a = probe_find(d, s);
    if (a != NULL) {
        c->src_prefixlen = a->prefixlen;
        if (a->ifa_flags & (IFA_F_DEPRECATED | IFA_F_OPTIMISTIC))
            c->src_flags |= POLICY_SRC_DEPRECATED;
        if (a->ifa_flags & IFA_F_HOMEADDRESS)
            c->src_flags |= POLICY_SRC_HOME;
        if (a->ifa_flags & IFA_F_TEMPORARY && !IN6_IS_ADDR_V4MAPPED(s))
            c->src_flags |= POLICY_SRC_TEMPORARY; /* IPv4 reuses the bit for "secondary" */
        if (have_links)
            encap = encap || probe_is_encap_if(d, a->ifindex);
        if (have_links && !encap)
            c->src_flags |= POLICY_SRC_NATIVE;
    }
    if (encap)
        c->src_flags |= POLICY_SRC_ENCAP;
}

/* Connect FD (made on first use in *FD with FAMILY) to SA and read the
 * source into C. Returns 0 or -errno of the socket call. */
static int probe_one(const struct policy_sockops *o, int *fd, int family, const struct sockaddr *sa,
                     socklen_t salen, struct policy_cand *c)
{
    if (*fd < 0) {
        *fd = o->socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (*fd < 0)
            return -errno;
    } else {
        /* Reset the association left by the previous candidate. */
        struct sockaddr unspec = {.sa_family = AF_UNSPEC};
        o->connect(*fd, &unspec, sizeof(unspec));
    }
    if (o->connect(*fd, sa, salen) != 0)
        return 0; /* no route, no source: src_ok stays false (rule 1) */
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    if (o->getsockname(*fd, (struct sockaddr *)&ss, &sl) != 0)
        return 0;
    if (ss.ss_family == AF_INET6 && sl >= sizeof(struct sockaddr_in6)) {
        memcpy(&c->src, &ss, sizeof(c->src));
    } else if (ss.ss_family == AF_INET && sl >= sizeof(struct sockaddr_in)) {
        const struct sockaddr_in *sin = (const struct sockaddr_in *)&ss;
        memset(&c->src, 0, sizeof(c->src));
        c->src.sin6_family = AF_INET6;
        c->src.sin6_port = sin->sin_port;
        probe_map4(&c->src.sin6_addr, &sin->sin_addr);
    } else {
        return 0;
    }
    c->src_ok = true;
    return 0;
}

int policy_probe_sources_ops(const struct policy_sockops *ops, struct policy_cand *c, size_t n)
{
    struct policy_sockops o;
    probe_fill_ops(&o, ops);
    int fd4 = -1, fd6 = -1, first_err = 0;
    bool ran = false, any_src = false;

    for (size_t i = 0; i < n; i++) {
        memset(&c[i].src, 0, sizeof(c[i].src));
        c[i].src_ok = false;
        c[i].src_flags = 0;
        c[i].src_prefixlen = 0;
    }
    for (size_t i = 0; i < n; i++) {
        const struct sockaddr_in6 *dst = &c[i].dst;
        int rc;
        if (IN6_IS_ADDR_V4MAPPED(&dst->sin6_addr)) {
            struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = dst->sin6_port};
            memcpy(&sin.sin_addr, &dst->sin6_addr.s6_addr[12], 4);
            rc = probe_one(&o, &fd4, AF_INET, (const struct sockaddr *)&sin, sizeof(sin), &c[i]);
        } else {
            struct sockaddr_in6 sin6 = *dst;
            sin6.sin6_family = AF_INET6;
            rc = probe_one(&o, &fd6, AF_INET6, (const struct sockaddr *)&sin6, sizeof(sin6), &c[i]);
        }
        if (rc < 0 && first_err == 0)
            first_err = rc;
        if (rc == 0)
            ran = true;
        any_src = any_src || c[i].src_ok;
    }
    if (fd4 >= 0)
        o.close(fd4);
    if (fd6 >= 0)
        o.close(fd6);

    if (any_src) {
        /* Best effort: without the dumps the flags stay unknown (0). */
        struct probe_dump d = {0};
        if (probe_dump_run(&o, RTM_GETADDR, &d) == 0) {
            bool have_links = probe_dump_run(&o, RTM_GETLINK, &d) == 0;
            for (size_t i = 0; i < n; i++)
                if (c[i].src_ok)
                    probe_describe(&d, have_links, &c[i]);
        }
        free(d.addr);
        free(d.encap_if);
    }
    if (n > 0 && !ran)
        return first_err;
    return 0;
}

/* A ULA address that can name a known-local /48: fd00::/8, usable. */
static bool probe_known_local(const struct probe_addr *a)
{
    return a->addr.s6_addr[0] == 0xfd && !(a->ifa_flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED));
}

static bool probe_same48(const struct in6_addr *a, const struct in6_addr *b)
{
    return memcmp(a->s6_addr, b->s6_addr, 6) == 0;
}

int policy_table_learn_known_local(struct policy_table *t, const struct policy_sockops *ops)
{
    struct policy_sockops o;
    probe_fill_ops(&o, ops);
    struct probe_dump d = {0};
    struct policy_table *c = NULL;
    int added = 0;
    int rc = probe_dump_run(&o, RTM_GETADDR, &d);
    if (rc == 0)
        rc = policy_table_clone(t, &c); /* all prefixes or none */
    for (size_t i = 0; rc == 0 && i < d.naddr; i++) {
        if (!probe_known_local(&d.addr[i]))
            continue;
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = probe_known_local(&d.addr[j]) && probe_same48(&d.addr[i].addr, &d.addr[j].addr);
        if (seen)
            continue;
        struct in6_addr p = d.addr[i].addr;
        memset(&p.s6_addr[6], 0, 10); /* the draft's assumed /48 */
        rc = policy_table_add_known_local(c, &p, 48);
        added++;
    }
    if (rc == 0)
        policy_table_swap(t, c);
    policy_table_free(c);
    free(d.addr);
    free(d.encap_if);
    return rc < 0 ? rc : added;
}

int policy_probe_sources(struct policy_cand *c, size_t n)
{
    return policy_probe_sources_ops(NULL, c, n);
}
