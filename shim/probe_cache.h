/*
 * probe_cache — RFC 6724 source probes remembered for a short time.
 *
 * policy_probe_sources_ops() costs a UDP socket, a connect and a
 * getsockname per candidate plus two netlink dumps (docs/internals/policy.md),
 * about twenty system calls for a dual-stack name: more than the lookup
 * itself. The source the kernel picks for a destination, and that source's
 * flags and prefix length, change only when the host's addresses or routes
 * do, so a probe result is kept for PROBE_CACHE_TTL_MS per destination
 * (address and scope; the port is not part of the key) and reused.
 *
 * Staleness is bounded by the TTL: an address or route change is seen by
 * the next probe at most PROBE_CACHE_TTL_MS later. No netlink listener is
 * kept open for earlier notice: that would be a descriptor in the program
 * that the program never opened (transparency rule, DESIGN.md).
 *
 * A cache is plain memory with no lock: give each thread its own (the
 * resolver keeps one in its per-thread storage). Zero-initialised is empty.
 */
#ifndef V6SHIM_PROBE_CACHE_H
#define V6SHIM_PROBE_CACHE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy.h"

#define PROBE_CACHE_SLOTS 16
#define PROBE_CACHE_TTL_MS 1000u

struct probe_cache_entry {
    struct in6_addr dst;     /* the key: destination (IPv4 as mapped) ... */
    uint32_t scope_id;       /* ... and its zone */
    uint64_t expires_ms;     /* 0: empty slot */
    struct sockaddr_in6 src; /* what the probe found (policy_cand's fields) */
    bool src_ok;
    unsigned src_flags;
    unsigned src_prefixlen;
};

struct probe_cache {
    struct probe_cache_entry slot[PROBE_CACHE_SLOTS];
    uint64_t hits, misses; /* candidates answered from the cache / probed (tests) */
};

/*
 * Fill src, src_ok, src_flags and src_prefixlen of C[0..N) as
 * policy_probe_sources_ops(OPS, ...) would: from PC where an entry for the
 * candidate's destination is younger than PROBE_CACHE_TTL_MS at NOW_MS,
 * else by probing the candidates not found, all in one
 * policy_probe_sources_ops call, and storing their results (the oldest
 * entries make room). Returns 0, or that call's -errno when no probe could
 * run at all (nothing is stored then). NOW_MS: a monotonic clock in ms.
 */
int probe_cache_sources(struct probe_cache *pc, const struct policy_sockops *ops,
                        struct policy_cand *c, size_t n, uint64_t now_ms);

#endif
