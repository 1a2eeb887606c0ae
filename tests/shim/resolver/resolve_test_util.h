/*
 * resolve_test_util.h — what the resolver's linked-in tests share:
 * IPv4 text <-> struct in_addr, a candidate's address as text, and the
 * per-test setup (an empty pool on 198.18.0.0/15, so addresses are
 * deterministic). Header-only: each test program is one file.
 */
#ifndef V6KIT_RESOLVE_TEST_UTIL_H
#define V6KIT_RESOLVE_TEST_UTIL_H
/* NOLINTBEGIN(v6-*): helpers of tests that drive the IPv4-only resolver API on purpose (v6scan self-scan). */

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <string.h>

#include "pool.h"
#include "resolve.h"
#include "v6test.h"
#include "v6test_hostent.h"

static inline struct in_addr ip4(const char *s)
{
    struct in_addr a;
    assert_int_equal(inet_pton(AF_INET, s, &a), 1);
    return a;
}

static inline const char *ntoa(const void *a, char *buf)
{
    return inet_ntop(AF_INET, a, buf, INET_ADDRSTRLEN);
}

static inline const char *cand_ntop(const struct policy_cand *c, char *buf)
{
    if (IN6_IS_ADDR_V4MAPPED(&c->dst.sin6_addr))
        return inet_ntop(AF_INET, &c->dst.sin6_addr.s6_addr[12], buf, INET6_ADDRSTRLEN);
    return inet_ntop(AF_INET6, &c->dst.sin6_addr, buf, INET6_ADDRSTRLEN);
}

/* Every test starts with an empty pool: addresses are deterministic. */
static inline int setup(void **state)
{
    if (!v6test_have_ipv6())
        return 0;
    pool_set_clock(NULL);
    return pool_setup(ip4("198.18.0.0"), 15, 64);
}

/* All of HE's pointers lie inside BUF[0..LEN). */
static inline void assert_inside(const struct hostent *he, const char *buf, size_t len)
{
    const char *end = buf + len;
    assert_true(he->h_name >= buf && he->h_name < end);
    assert_true((const char *)he->h_aliases >= buf && (const char *)he->h_aliases < end);
    assert_true((const char *)he->h_addr_list >= buf && (const char *)he->h_addr_list < end);
    for (char **p = he->h_addr_list; *p; p++)
        assert_true(*p >= buf && *p + 4 <= end);
}

/* NOLINTEND(v6-*) */
#endif
