/*
 * literal — IPv6 address literals handed to IPv4-only parsers.
 *
 * A legacy program takes an address from its user and gives it to
 * inet_addr, inet_aton, inet_network, gethostbyname or an AF_INET
 * getaddrinfo. Given "::1", "[::1]", "2001:db8::1" or "fe80::1%eth0" those
 * fail (glibc: INADDR_NONE, 0, "Unknown host"), although the program could
 * reach the address through the pool like any IPv6-only name. A literal
 * needs no DNS: it maps to a pool address keyed by its canonical text (the
 * form inet_ntop writes, plus "%SCOPE-NUMBER" when it has a zone), with the
 * one IPv6 candidate, so `v6run --resolve ::1`, inet_aton("[::1]") and
 * gethostbyname("0:0::1") give the same address. An IPv4-mapped literal
 * (::ffff:a.b.c.d) stands for an IPv4 host and gives a.b.c.d itself.
 *
 * What counts as an IPv6 literal (literal_parse): the whole text is an
 * address inet_pton(AF_INET6) accepts, optionally inside one pair of
 * brackets, optionally followed (inside the brackets) by "%" and a zone: a
 * decimal interface index or an interface name (if_nametoindex). Anything
 * else, every IPv4 form included, is not ours: callers hand it to libc
 * untouched, so its answer stays glibc's byte for byte.
 */
/* NOLINTBEGIN(v6-sockaddr-in-decl): this module answers IPv4-only parsers on purpose (v6scan self-scan). */
#ifndef V6SHIM_LITERAL_H
#define V6SHIM_LITERAL_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest canonical text: an IPv6 address, "%" and a 32-bit zone. */
#define LITERAL_KEY_MAX (INET6_ADDRSTRLEN + 11)

/*
 * Parse TEXT as described above. Returns true with *ADDR, *SCOPE (0: none)
 * and, when KEY is not NULL, the canonical text in KEY[0..LITERAL_KEY_MAX);
 * false (outputs untouched) for anything else, NULL included.
 */
bool literal_parse(const char *text, struct in6_addr *addr, uint32_t *scope, char *key);

/* Cheap pre-check for hooks: could TEXT be an IPv6 literal (it has a ':')?
 * False means literal_parse is false too. */
static inline bool literal_maybe(const char *text)
{
    if (!text)
        return false;
    for (; *text; text++)
        if (*text == ':')
            return true;
    return false;
}

/*
 * The IPv4 address a legacy program gets for the IPv6 literal TEXT: the
 * embedded address of an IPv4-mapped one, else the pool address of its
 * canonical text (pool_map_name, TTL_S seconds), the entry holding the one
 * AF_INET6 candidate. Returns 0 with *OUT (network order), -EINVAL when TEXT
 * is not an IPv6 literal, -ENOSPC when the pool is full (every entry live).
 */
int literal_map(const char *text, uint32_t ttl_s, struct in_addr *out);

struct resolve_answer;

/*
 * resolve_lookup's answer for the IPv6 literal NAME (resolve.h): one
 * candidate, name = the canonical text, literal = true, and the address of
 * literal_map in addr[0] (naddr 0 when the pool is full). Returns 0, or -1
 * (OUT untouched) when NAME is not an IPv6 literal.
 */
int literal_answer(const char *name, uint32_t ttl_s, struct resolve_answer *out);

#endif
/* NOLINTEND(v6-sockaddr-in-decl) */
