/* addr — pure address conversions; see addr.h. */
#include "addr.h"

#include <errno.h>
#include <string.h>

void addr_mapped(struct in_addr a, struct in6_addr *out)
{
    memset(out, 0, sizeof *out);
    out->s6_addr[10] = 0xff;
    out->s6_addr[11] = 0xff;
    memcpy(&out->s6_addr[12], &a, sizeof a);
}

bool addr_unmap(const struct in6_addr *a, struct in_addr *out)
{
    if (!IN6_IS_ADDR_V4MAPPED(a))
        return false;
    memcpy(out, &a->s6_addr[12], sizeof *out);
    return true;
}

void addr_sin6_mapped(struct in_addr a, in_port_t port, struct sockaddr_in6 *out)
{
    memset(out, 0, sizeof *out);
    out->sin6_family = AF_INET6;
    out->sin6_port = port;
    addr_mapped(a, &out->sin6_addr);
}

socklen_t addr_len(const struct sockaddr_storage *ss)
{
    return ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
}

size_t addr_candidates(const struct pool_view *v, in_port_t port, struct sockaddr_storage *dst,
                       size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < v->ncand && n < max; i++) {
        const struct pool_cand *c = &v->cand[i];
        memset(&dst[n], 0, sizeof dst[n]);
        if (c->family == AF_INET6) {
            struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&dst[n];
            s6->sin6_family = AF_INET6;
            s6->sin6_port = port;
            s6->sin6_addr = c->addr.v6;
            s6->sin6_scope_id = c->scope_id;
        } else if (c->family == AF_INET) {
            struct sockaddr_in *s4 = (struct sockaddr_in *)&dst[n];
            s4->sin_family = AF_INET;
            s4->sin_port = port;
            s4->sin_addr = c->addr.v4;
        } else {
            continue;
        }
        n++;
    }
    return n;
}

int addr_pick(const struct sockaddr_storage *dst, size_t n, int family,
              struct sockaddr_storage *out)
{
    for (size_t i = 0; i < n; i++) {
        if (dst[i].ss_family == family) {
            memcpy(out, &dst[i], addr_len(&dst[i]));
            return 0;
        }
    }
    if (family != AF_INET6)
        return -ENETUNREACH;
    for (size_t i = 0; i < n; i++) {
        if (dst[i].ss_family == AF_INET) {
            const struct sockaddr_in *s4 = (const struct sockaddr_in *)&dst[i];
            memset(out, 0, sizeof *out);
            addr_sin6_mapped(s4->sin_addr, s4->sin_port, (struct sockaddr_in6 *)out);
            return 0;
        }
    }
    return -ENETUNREACH;
}
