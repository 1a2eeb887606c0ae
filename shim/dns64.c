/* dns64 — A answers synthesised from IPv6 answers; see dns64.h. */
/* NOLINTBEGIN(v6-sockaddr-in-decl): this module answers IPv4-only DNS queries on purpose (v6scan self-scan). */
#define _GNU_SOURCE
#include "dns64.h"

#include <arpa/nameser.h>
#include <errno.h>
#include <netdb.h>
#include <resolv.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "init.h"
#include "literal.h"
#include "resolve.h"
#include "symbols.h"

static void dns64_put16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)(v >> 8);
    p[1] = (unsigned char)v;
}

static void dns64_put32(unsigned char *p, uint32_t v)
{
    dns64_put16(p, v >> 16);
    dns64_put16(p + 2, v & 0xffff);
}

/* NAME in wire format at P (room for 256 bytes). Returns its length or -EINVAL. */
static int dns64_name(const char *name, unsigned char *p)
{
    size_t len = strlen(name), off = 0;
    if (len > 0 && name[len - 1] == '.')
        len--;
    if (len == 0)
        return -EINVAL; /* the root is no host */
    for (size_t i = 0; i < len;) {
        size_t l = 0;
        while (i + l < len && name[i + l] != '.')
            l++;
        if (l == 0 || l > 63 || off + 1 + l + 1 > 255)
            return -EINVAL;
        p[off++] = (unsigned char)l;
        memcpy(p + off, name + i, l);
        off += l;
        i += l + 1;
    }
    p[off++] = 0;
    return (int)off;
}

/* Same name, case-blind, trailing dots ignored. */
static bool dns64_same(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la && a[la - 1] == '.')
        la--;
    if (lb && b[lb - 1] == '.')
        lb--;
    return la == lb && strncasecmp(a, b, la) == 0;
}

int dns64_build(uint16_t id, const char *qname, const char *canon, const struct in_addr *addrs,
                size_t n, uint32_t ttl_s, unsigned char *msg)
{
    memset(msg, 0, NS_HFIXEDSZ);
    dns64_put16(msg, id);
    dns64_put16(msg + 2, 0x8180); /* QR, opcode QUERY, RD, RA, RCODE 0 */
    dns64_put16(msg + 4, 1);
    size_t off = NS_HFIXEDSZ;
    int l = dns64_name(qname, msg + off);
    if (l < 0)
        return l;
    off += (size_t)l;
    dns64_put16(msg + off, ns_t_a);
    dns64_put16(msg + off + 2, ns_c_in);
    off += 4;
    unsigned owner = NS_HFIXEDSZ; /* compression pointer target of the A records */
    unsigned count = 0;
    if (canon && *canon && !dns64_same(qname, canon)) {
        unsigned char cn[256];
        int cl = dns64_name(canon, cn);
        if (cl > 0 && off + 12 + (size_t)cl <= DNS64_MSG_MAX) {
            dns64_put16(msg + off, 0xc000 | NS_HFIXEDSZ);
            dns64_put16(msg + off + 2, ns_t_cname);
            dns64_put16(msg + off + 4, ns_c_in);
            dns64_put32(msg + off + 6, ttl_s);
            dns64_put16(msg + off + 10, (unsigned)cl);
            off += 12;
            owner = (unsigned)off;
            memcpy(msg + off, cn, (size_t)cl);
            off += (size_t)cl;
            count++;
        }
    }
    for (size_t i = 0; i < n && off + 16 <= DNS64_MSG_MAX; i++, count++) {
        dns64_put16(msg + off, 0xc000 | owner);
        dns64_put16(msg + off + 2, ns_t_a);
        dns64_put16(msg + off + 4, ns_c_in);
        dns64_put32(msg + off + 6, ttl_s);
        dns64_put16(msg + off + 10, 4);
        memcpy(msg + off + 12, &addrs[i].s_addr, 4);
        off += 16;
    }
    dns64_put16(msg + 6, count);
    return (int)off;
}

/* Message ids: distinct per process and call, as a real query's would be. */
static atomic_uint dns64_next_id;

/* The shim's answer for DNAME into ANSWER (see resolve_res_query), or -2
 * when the call belongs to libc. */
static int dns64_answer(const char *dname, unsigned char *answer, int anslen)
{
    struct resolve_answer *a = malloc(sizeof *a);
    if (!a)
        return -2;
    if (resolve_lookup(dname, a) != 0 || !a->has_v6) {
        free(a);
        return -2;
    }
    if (a->naddr == 0) { /* only IPv6 answers, no pool address: as gethostbyname */
        free(a);
        h_errno = TRY_AGAIN;
        return -1;
    }
    unsigned char msg[DNS64_MSG_MAX];
    unsigned id = atomic_fetch_add(&dns64_next_id, 1) + (unsigned)getpid() * 2654435761u;
    int len =
        dns64_build((uint16_t)id, dname, a->name, a->addr, a->naddr, shim_init()->pool_ttl_s, msg);
    free(a);
    if (len < 0)
        return -2;
    if (len > anslen) {
        memcpy(answer, msg, (size_t)anslen);
        if (anslen >= 3)
            answer[2] |= 0x02; /* TC */
    } else {
        memcpy(answer, msg, (size_t)len);
    }
    return len;
}

int resolve_res_query(int search, const char *dname, int cls, int type, unsigned char *answer,
                      int anslen)
{
    if (cls == ns_c_in && type == ns_t_a && dname && !literal_maybe(dname) &&
        !resolve_passthrough(dname) && answer && anslen >= 0) {
        int saved = errno;
        int rc = dns64_answer(dname, answer, anslen);
        errno = saved;
        if (rc != -2)
            return rc;
    }
    return search ? real_res_search(dname, cls, type, answer, anslen)
                  : real_res_query(dname, cls, type, answer, anslen);
}
/* NOLINTEND(v6-sockaddr-in-decl) */
