/*
 * What the policy tests share: addr(), a numeric literal as the in6_addr
 * the policy module works on (IPv4 as ::ffff:a.b.c.d), failing the running
 * cmocka test on a bad literal; addr_text(), the reverse (a v4-mapped
 * address as dotted quad); cand(), a candidate with an injected source;
 * table(), a preset's policy table; check_column(), a column's rows as
 * expected. Include after <cmocka.h>.
 */
#ifndef POLICY_TEST_ADDR_H
#define POLICY_TEST_ADDR_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "policy.h"

static inline struct in6_addr addr(const char *s)
{
    struct in6_addr a;
    struct in_addr v4;
    memset(&a, 0, sizeof(a));
    if (inet_pton(AF_INET, s, &v4) == 1) {
        a.s6_addr[10] = a.s6_addr[11] = 0xff;
        memcpy(&a.s6_addr[12], &v4, 4);
        return a;
    }
    if (inet_pton(AF_INET6, s, &a) != 1)
        fail_msg("bad address literal in test: %s", s);
    return a;
}

/* A as text: dotted quad when v4-mapped, else IPv6. Returns BUF. */
static inline const char *addr_text(const struct in6_addr *a, char *buf, size_t len)
{
    if (IN6_IS_ADDR_V4MAPPED(a))
        return inet_ntop(AF_INET, &a->s6_addr[12], buf, (socklen_t)len);
    return inet_ntop(AF_INET6, a, buf, (socklen_t)len);
}

/* A candidate DST reached from SRC (NULL: no source). */
static inline struct policy_cand cand(const char *dst, const char *src, unsigned flags,
                                      unsigned prefixlen, size_t index)
{
    struct policy_cand c;
    memset(&c, 0, sizeof(c));
    c.dst.sin6_family = AF_INET6;
    c.dst.sin6_addr = addr(dst);
    if (src != NULL) {
        c.src.sin6_family = AF_INET6;
        c.src.sin6_addr = addr(src);
        c.src_ok = true;
    }
    c.src_flags = flags;
    c.src_prefixlen = prefixlen;
    c.index = index;
    return c;
}

/* Preset P's table; fails the test if it cannot be made. */
static inline struct policy_table *table(enum policy_preset p)
{
    struct policy_table *t = NULL;
    assert_int_equal(policy_table_new(p, &t), 0);
    assert_non_null(t);
    return t;
}

/* Expected rows of one column, longest prefix first. */
struct row_text {
    const char *prefix;
    unsigned bits;
    int value;
};

static inline void check_column(const struct policy_table *t, enum policy_column col,
                                const struct row_text *want, size_t n)
{
    struct policy_row rows[32];
    size_t got = policy_table_rows(t, col, rows, 32);
    assert_int_equal(got, n);
    for (size_t i = 0; i < n; i++) {
        struct in6_addr p = addr(want[i].prefix);
        char buf[64];
        inet_ntop(AF_INET6, &rows[i].prefix, buf, sizeof(buf));
        print_message("    %s/%u %d\n", buf, rows[i].bits, rows[i].value);
        assert_memory_equal(&rows[i].prefix, &p, sizeof(p));
        assert_int_equal(rows[i].bits, want[i].bits);
        assert_int_equal(rows[i].value, want[i].value);
    }
}

#endif
