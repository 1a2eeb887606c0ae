/*
 * pool — synthetic IPv4 addresses standing for IPv6 destinations (RFC 6535
 * Bump-in-the-Host idea). A legacy program is given a pool address where
 * the real answer is IPv6; the socket layer looks the address up at
 * connect() and reaches the real candidates.
 *
 * Entries are keyed by name (or, for a learnt IPv6 peer, by its address)
 * and keep the name's whole answer in RFC 6724 order, both families.
 * Addresses are handed out in order from the first usable address of the
 * range (198.18.0.1 for the default 198.18.0.0/15, see
 * docs/internals/pool.md), one per entry; an entry keeps its address while
 * it lives, so the same name maps to the same address again.
 *
 * Never misroutes: an entry is *live* while a socket pins it or until its
 * expiry, TTL seconds after its last use (mapped, looked up, or unpinned
 * by the last socket using it). A live entry is never given to another key,
 * so an address the program was handed within its TTL reaches the name it
 * was handed for. Bounded: at most `capacity` entries; a new key takes a
 * never-used slot, else the least recently used entry that is no longer
 * live; when every entry is live, mapping fails with -ENOSPC (the resolver
 * answers TRY_AGAIN / EAI_AGAIN; a peer is shown as 0.0.0.0). An expired
 * entry is no longer found by pool_lookup.
 *
 * Thread-safe: one mutex guards the table; pool_contains and
 * pool_unpin_async are lock-free. pool_setup must not run concurrently with
 * any other pool call (start-up and tests only).
 * Fork-safe: pthread_atfork handlers hold the mutex across fork.
 * Shared across exec (pool_share.h, pool_share_start): an exec'd child
 * reads its ancestors' tables (their addresses are found by pool_lookup
 * and pool_acquire; its uses hold them) and hands out its own addresses
 * after their slices, so the first address is not 198.18.0.1 then.
 *
 * Configuration: the pool never reads the configuration. The start-up path
 * (init.h) calls pool_setup() once with the configured range and size,
 * before any hook uses the pool. Until then (a unit test, a program linking
 * the module directly) every function works on the default pool:
 * POOL_DEFAULT_NET/POOL_DEFAULT_PREFIX (198.18.0.0/15, RFC 2544's benchmark
 * range: docs/internals/pool.md) with POOL_DEFAULT_CAPACITY entries, the
 * same values config.def gives as defaults.
 */
/* NOLINTBEGIN(v6-sockaddr-in-decl): the pool hands out synthetic IPv4 addresses by design (v6scan self-scan). */
#ifndef V6SHIM_POOL_H
#define V6SHIM_POOL_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define POOL_MAX_CAND 16

#define POOL_DEFAULT_NET 0xc6120000u /* 198.18.0.0, host order */
#define POOL_DEFAULT_PREFIX 15
#define POOL_DEFAULT_CAPACITY 1024

struct pool_cand {
    int family; /* AF_INET or AF_INET6 */
    union {
        struct in_addr v4;
        struct in6_addr v6;
    } addr;
    uint32_t scope_id; /* IPv6 zone (link-local), else 0 */
};

struct pool_view {     /* a copy, taken under the pool lock */
    struct in_addr v4; /* the pool address */
    char name[1025];   /* the resolved name; "" for a learnt peer */
    size_t ncand;
    struct pool_cand cand[POOL_MAX_CAND]; /* the name's full answer in RFC 6724 order */
};

/* True when A lies in the configured pool range. Lock-free. */
bool pool_contains(struct in_addr a);

/* Longest key (name) the pool holds, in bytes. Longer names are refused
 * (-EINVAL), never cut: two names must never share an entry. */
#define POOL_NAME_MAX 1024

/*
 * Map NAME (1..POOL_NAME_MAX bytes) with its ordered answer C[0..N) (N <= POOL_MAX_CAND
 * is kept; more are cut) to a pool address, valid for TTL_S seconds from now.
 * A name already mapped keeps its address; its answer and expiry are
 * replaced. Returns 0 with *OUT, -EINVAL (bad name, N == 0), -ENOSPC (every
 * entry pinned).
 */
int pool_map_name(const char *name, const struct pool_cand *c, size_t n, uint32_t ttl_s,
                  struct in_addr *out);

/* Map a real IPv6 peer (an accepted client, a datagram's source) to a pool
 * address; same rules, keyed by (address, scope), name "", kept TTL_S
 * seconds after its last use. PIN: pin the entry in the same step (an
 * accepted socket holds its peer's address while it lives; release with
 * pool_unpin). The port is not part of the key: one host is one address to
 * the program (ACLs, logs), and the port travels in the sockaddr. */
int pool_map_peer(const struct in6_addr *a, uint32_t scope_id, uint32_t ttl_s, bool pin,
                  struct in_addr *out);

/* Copy the live entry of A into *OUT and count it as a use (its expiry moves
 * to a TTL from now). -ENOENT when A is unmapped or expired (a pinned entry
 * never expires). */
int pool_lookup(struct in_addr a, struct pool_view *out);

/* pool_lookup and pool_pin in one step, so the entry cannot change between
 * them (a connect pins what it looked up). Release with pool_unpin. */
int pool_acquire(struct in_addr a, struct pool_view *out);

/* A live socket uses A: never evict it until the matching pool_unpin.
 * Pins nest. -ENOENT when A is not mapped. */
int pool_pin(struct in_addr a);
/* The last unpin counts as a use: the entry lives one more TTL, since the
 * program may still hold the address. -ENOENT when A is not mapped, -EINVAL
 * when it was not pinned. */
int pool_unpin(struct in_addr a);

/* pool_unpin for the close() path: lock-free and async-signal-safe (no
 * allocation, no lock); the use it counts is applied at the pool's next
 * locked call. Ignores an address that is not pinned. */
void pool_unpin_async(struct in_addr a);

/*
 * (Re)initialise the pool on NET/PREFIX (8..30) with room for CAPACITY
 * entries (also bounded by the range's usable addresses), dropping every
 * entry. The start-up path calls it once; tests call it directly.
 * Returns 0, -EINVAL, -ENOMEM.
 */
int pool_setup(struct in_addr net, unsigned prefix, size_t capacity);

/*
 * Share the table with exec'd children (pool_share.h), right after
 * pool_setup and before any entry is made. INHERITED: POOL_SHARE_ENV's
 * value from the parent (NULL or "": none). Maps the ancestors' tables
 * read-only, moves this process's own addresses after every ancestor's
 * slice (capacity trimmed to what the range has left), publishes its own
 * table, and writes into SPEC the value its children must inherit (the
 * ancestors that mapped, then its own element). *SKIPPED: ancestors that
 * could not be mapped (gone, another user, failed validation).
 * Returns the number of ancestors mapped; or, with no ancestor kept and
 * nothing published (own table from index 0, as without sharing): -EINVAL
 * (INHERITED malformed), -ENOSPC (the ancestors' slices fill the range);
 * or -ENOSYS (no sealed memfd on this kernel: ancestors kept, own table
 * not published) and other -errno of the publication. SPEC is "" unless something can be
 * passed on. Lookups of an ancestor's address count as its uses; pins and
 * unpins of one are uses too (a child cannot pin another process's entry).
 */
int pool_share_start(const char *inherited, char *spec, size_t speclen, unsigned *skipped);

/* Clock in milliseconds used for TTLs (NULL: CLOCK_MONOTONIC). For tests. */
void pool_set_clock(uint64_t (*now_ms)(void));

/*
 * Refuse a range that cannot be a pool: one overlapping 0/8, 127/8,
 * 224/4, 240/4 or 100.64/10, or an address or route of this host (getifaddrs
 * and /proc/net/route; the default route is not an overlap). Returns 0, or
 * -EINVAL / -EADDRINUSE with ERR = "pool_range A.B.C.D/N overlaps ...".
 */
int pool_range_check(struct in_addr net, unsigned prefix, char *err, size_t errlen);

#endif
/* NOLINTEND(v6-sockaddr-in-decl) */
