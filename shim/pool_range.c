/*
 * pool_range — pool_range_check (pool.h): refuse a pool range that could be
 * a real destination (docs/internals/pool.md, "Refusing a range that could
 * be real"). Stateless; the start-up path calls it once.
 */
/* NOLINTBEGIN(v6-addr-in-uint32,v6-addrlen-assume,v6-family-switch-no-v6,v6-inet-pton-ntop-v4,v6-ipv4-range-math,v6-sockaddr-in-decl): the pool range is an IPv4 prefix by design (v6scan self-scan). */
#define _GNU_SOURCE
#include "pool.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <stdio.h>
#include <string.h>

/* True when A/AP and B/BP share addresses (host order). */
static bool pool_overlaps(uint32_t a, unsigned ap, uint32_t b, unsigned bp)
{
    unsigned p = ap < bp ? ap : bp;
    uint32_t m = p == 0 ? 0 : 0xffffffffu << (32 - p);
    return (a & m) == (b & m);
}

static unsigned pool_prefix_of_mask(uint32_t m)
{
    unsigned p = 0;
    while (p < 32 && (m & (0x80000000u >> p)))
        p++;
    return p;
}

int pool_range_check(struct in_addr net, unsigned prefix, char *err, size_t errlen)
{
    static const struct {
        uint32_t net;
        unsigned prefix;
        const char *why;
    } reserved[] = {
        {0x00000000u, 8, "0.0.0.0/8 (this network)"},
        {0x7f000000u, 8, "127.0.0.0/8 (loopback)"},
        {0x64400000u, 10, "100.64.0.0/10 (carrier-grade NAT, overlay VPNs)"},
        {0xa9fe0000u, 16, "169.254.0.0/16 (link-local)"},
        {0xe0000000u, 4, "224.0.0.0/4 (multicast)"},
        {0xf0000000u, 4, "240.0.0.0/4 (reserved, broadcast)"},
    };
    char txt[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &net, txt, sizeof txt);
    uint32_t n = ntohl(net.s_addr);
    for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++) {
        if (pool_overlaps(n, prefix, reserved[i].net, reserved[i].prefix)) {
            snprintf(err, errlen, "pool_range %s/%u overlaps %s", txt, prefix, reserved[i].why);
            return -EINVAL;
        }
    }
    struct ifaddrs *ifa = NULL;
    if (getifaddrs(&ifa) == 0) {
        for (struct ifaddrs *p = ifa; p; p = p->ifa_next) {
            if (!p->ifa_addr || p->ifa_addr->sa_family != AF_INET)
                continue;
            struct sockaddr_in sin;
            memcpy(&sin, p->ifa_addr, sizeof sin);
            if (pool_overlaps(n, prefix, ntohl(sin.sin_addr.s_addr), 32)) {
                char a[INET_ADDRSTRLEN];
                inet_ntop(AF_INET, &sin.sin_addr, a, sizeof a);
                snprintf(err, errlen, "pool_range %s/%u overlaps local address %s on %s", txt,
                         prefix, a, p->ifa_name);
                freeifaddrs(ifa);
                return -EADDRINUSE;
            }
        }
        freeifaddrs(ifa);
    }
    FILE *f = fopen("/proc/net/route", "re");
    if (!f)
        return 0;
    char line[256];
    int rc = 0;
    while (fgets(line, sizeof line, f)) {
        char ifname[64];
        unsigned long dst, gw, mask;
        unsigned flags;
        if (sscanf(line, "%63s %lx %lx %x %*d %*d %*d %lx", ifname, &dst, &gw, &flags, &mask) != 5)
            continue; /* the header line */
        /* /proc prints the network-order word as a host integer. */
        struct in_addr d = {(in_addr_t)dst}, m = {(in_addr_t)mask};
        unsigned mp = pool_prefix_of_mask(ntohl(m.s_addr));
        if (mp == 0)
            continue; /* the default route covers everything: not a conflict */
        if (pool_overlaps(n, prefix, ntohl(d.s_addr), mp)) {
            char a[INET_ADDRSTRLEN];
            inet_ntop(AF_INET, &d, a, sizeof a);
            snprintf(err, errlen, "pool_range %s/%u overlaps local route %s/%u via %s", txt, prefix,
                     a, mp, ifname);
            rc = -EADDRINUSE;
            break;
        }
    }
    fclose(f);
    return rc;
}
/* NOLINTEND(v6-addr-in-uint32,v6-addrlen-assume,v6-family-switch-no-v6,v6-inet-pton-ntop-v4,v6-ipv4-range-math,v6-sockaddr-in-decl) */
