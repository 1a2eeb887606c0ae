/*
 * dns64 — res_query/res_search answers for A records, synthesised from a
 * name's IPv6 answers as a DNS64 server would (RFC 6147 §5.1), except that
 * the A records hold the shim's pool addresses instead of addresses under a
 * NAT64 prefix: the legacy program gets the same addresses gethostbyname
 * would give it (the pool address where the IPv6 answers sorted, the real
 * IPv4 answers in their places).
 *
 * Decision table (resolve_res_query, for res_query and res_search):
 *   class != C_IN or type != T_A, a literal, a name over 1024 bytes -> libc
 *   the lookup fails, or the name has no IPv6 answer             -> libc
 *   the name has IPv6 answers, the pool full                      -> -1, TRY_AGAIN
 *   the name has IPv6 answers                                     -> the message below
 * "libc" is the real res_query/res_search with the caller's arguments, so
 * its answer (from the name servers) is byte for byte its own.
 */
/* NOLINTBEGIN(v6-sockaddr-in-decl): this module answers IPv4-only DNS queries on purpose (v6scan self-scan). */
#ifndef V6SHIM_DNS64_H
#define V6SHIM_DNS64_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

/* Largest message dns64_build makes: the classic UDP limit (RFC 1035 §2.3.4). */
#define DNS64_MSG_MAX 512

/*
 * Build the response to the query (QNAME, IN, A) with message id ID: header
 * QR, RD, RA, RCODE 0, QDCOUNT 1, ANCOUNT = the records below, NSCOUNT and
 * ARCOUNT 0; the question as asked; when CANON (may be NULL) differs from
 * QNAME (case-blind, trailing dot ignored) one CNAME record QNAME -> CANON;
 * then one A record per ADDRS[0..N) owned by CANON (or QNAME), class IN,
 * TTL_S, all names compressed (RFC 1035 §4.1.4). A records that would pass
 * DNS64_MSG_MAX are left out. Returns the length written to MSG (at least
 * DNS64_MSG_MAX bytes), or -EINVAL for a name that is not a valid domain
 * name (empty label, label over 63 bytes, name over 255 bytes on the wire).
 */
int dns64_build(uint16_t id, const char *qname, const char *canon, const struct in_addr *addrs,
                size_t n, uint32_t ttl_s, unsigned char *msg);

/*
 * What the hooks do (decision table above): returns the response length
 * (which may exceed ANSLEN: then the first ANSLEN bytes are copied with the
 * TC bit set, as res_query reports a truncated answer), or -1 with h_errno.
 * SEARCH: res_search instead of res_query for the pass-through.
 */
int resolve_res_query(int search, const char *dname, int cls, int type, unsigned char *answer,
                      int anslen);

#endif
/* NOLINTEND(v6-sockaddr-in-decl) */
