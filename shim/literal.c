/* literal — IPv6 literals for IPv4-only parsers; see literal.h. */
#define _GNU_SOURCE
#include "literal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pool.h"
#include "resolve.h"

/* A zone: decimal digits (an interface index, no sign, no leading '+'),
 * else an interface name this host has. Returns 0 for none of those. */
static uint32_t literal_zone(const char *z)
{
    if (*z == '\0')
        return 0;
    if (z[0] >= '0' && z[0] <= '9') {
        char *end;
        errno = 0;
        unsigned long v = strtoul(z, &end, 10);
        return *end == '\0' && errno == 0 && v > 0 && v <= UINT32_MAX ? (uint32_t)v : 0;
    }
    /* glibc's if_nametoindex uses its own internal socket, never a hook */
    return if_nametoindex(z);
}

bool literal_parse(const char *text, struct in6_addr *addr, uint32_t *scope, char *key)
{
    if (!literal_maybe(text))
        return false;
    size_t len = strlen(text);
    if (text[0] == '[') {
        if (len < 3 || text[len - 1] != ']')
            return false;
        text++;
        len -= 2;
    }
    /* "addr" or "addr%zone"; the longest address text is INET6_ADDRSTRLEN - 1 */
    char buf[INET6_ADDRSTRLEN + IF_NAMESIZE + 2];
    if (len >= sizeof buf)
        return false;
    memcpy(buf, text, len);
    buf[len] = '\0';
    if (memchr(buf, ']', len) || memchr(buf, '[', len))
        return false;
    uint32_t zone = 0;
    char *pct = strchr(buf, '%');
    if (pct) {
        *pct = '\0';
        if ((zone = literal_zone(pct + 1)) == 0)
            return false;
    }
    struct in6_addr a;
    if (inet_pton(AF_INET6, buf, &a) != 1)
        return false;
    *addr = a;
    *scope = zone;
    if (key) {
        char t[INET6_ADDRSTRLEN];
        inet_ntop(AF_INET6, &a, t, sizeof t);
        if (zone)
            snprintf(key, LITERAL_KEY_MAX, "%s%%%u", t, zone);
        else
            snprintf(key, LITERAL_KEY_MAX, "%s", t);
    }
    return true;
}

int literal_map(const char *text, uint32_t ttl_s, struct in_addr *out)
{
    struct in6_addr a;
    uint32_t scope;
    char key[LITERAL_KEY_MAX];
    if (!literal_parse(text, &a, &scope, key))
        return -EINVAL;
    if (IN6_IS_ADDR_V4MAPPED(&a)) {
        memcpy(&out->s_addr, &a.s6_addr[12], 4);
        return 0;
    }
    struct pool_cand c = {.family = AF_INET6, .addr.v6 = a, .scope_id = scope};
    return pool_map_name(key, &c, 1, ttl_s, out);
}

int literal_answer(const char *name, uint32_t ttl_s, struct resolve_answer *out)
{
    struct in6_addr a;
    uint32_t scope;
    char key[LITERAL_KEY_MAX];
    if (!literal_parse(name, &a, &scope, key))
        return -1;
    snprintf(out->name, sizeof out->name, "%s", key);
    struct policy_cand *c = &out->cand[0];
    memset(c, 0, sizeof *c);
    c->dst.sin6_family = AF_INET6;
    c->dst.sin6_addr = a;
    c->dst.sin6_scope_id = scope;
    out->n = 1;
    out->literal = true;
    out->has_v6 = !IN6_IS_ADDR_V4MAPPED(&a);
    struct in_addr v4;
    if (literal_map(name, ttl_s, &v4) == 0) {
        out->pool_ok = out->has_v6;
        if (out->pool_ok)
            out->pool = v4;
        out->addr[out->naddr++] = v4;
    }
    return 0;
}
