/*
 * pool_share — the pool seen across exec (docs/internals/pool.md,
 * "Sharing with children").
 *
 * A process whose pool publishes (the *owner*) mirrors every entry of its
 * table into a shared table that only it can write, and keeps a second,
 * small array where its descendants record their uses of its addresses
 * (*holds*). Both are memfds:
 *   - the table is sealed F_SEAL_FUTURE_WRITE | SHRINK | GROW | SEAL right
 *     after the owner mapped it writable: no other process (nor the owner
 *     through a new mapping) can ever write it, truncate it or grow it, so a
 *     reader never takes SIGBUS and a hostile child cannot change an entry;
 *   - the holds are writable by every reader (sealed SHRINK | GROW | SEAL):
 *     a child's use raises "keep this entry until T" to now + the entry's
 *     TTL. The owner keeps an entry live while its hold lies in the future,
 *     whatever the value: a child can keep an entry alive (a hostile one
 *     forever, denying the owner new addresses), never make it name
 *     anything else. A hostile child can also lower its siblings' holds:
 *     against one, a sibling is promised only the owner's own TTL.
 * The owner never reads its shared table back: its own routing is its
 * private table's, so nothing a child writes can misroute or crash it.
 *
 * Both descriptors keep FD_CLOEXEC: they never cross an exec, so they leak
 * into no program. A child reaches them through the owner's
 * /proc/PID/fd/N, named in the environment (POOL_SHARE_ENV, set by init):
 *     PID:FD:HFD:BASE:CAP:TOKEN[;PID:FD:HFD:BASE:CAP:TOKEN...]
 * one element per ancestor, oldest first; TOKEN is 128 random bits the
 * table's header must repeat (a reused pid or fd number names something
 * else). This needs the owner alive, the same user and a dumpable owner
 * (proc(5): PTRACE_MODE_READ); otherwise the child runs with its own table.
 *
 * Address space: the owner's entries are the pool indices [BASE, BASE+CAP);
 * a child allocates its own after every ancestor's slice (pool.c), so an
 * address a child hands out is never an ancestor's.
 *
 * Threads: the writer calls (put, state, hold) run under the caller's
 * pool lock. The reader side is set up by pool_share_attach (start-up,
 * no concurrent pool call, as pool_setup) and read lock-free afterwards;
 * pool_share_use is lock-free and async-signal-safe.
 */
/* NOLINTBEGIN(v6-sockaddr-in-decl): the pool hands out synthetic IPv4 addresses by design (v6scan self-scan). */
#ifndef V6SHIM_POOL_SHARE_H
#define V6SHIM_POOL_SHARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <netinet/in.h>

#include "pool.h"

#define POOL_SHARE_ENV "V6SHIM_POOL_SHM"
#define POOL_SHARE_DEPTH 4      /* ancestors a process reads (more are ignored) */
#define POOL_SHARE_SPEC_MAX 512 /* room for the variable's value */

/* Entry flags in the shared table. */
#define POOL_SHARE_USED 1u
#define POOL_SHARE_PEER 2u
#define POOL_SHARE_PINNED 4u

/*
 * Writer. Create the shared table and holds for CAP entries owning the pool
 * indices [BASE, BASE + CAP) of NET/PREFIX (host order), and append this
 * process's element to SPEC (which holds the ancestors' elements, or "").
 * Returns 0, -ENOSYS (no memfd or seals on this kernel), -ENOMEM, -ENOSPC
 * (SPEC has no room), or another -errno of memfd_create/ftruncate/mmap.
 */
int pool_share_publish(uint32_t net, unsigned prefix, size_t base, size_t cap, char *spec,
                       size_t speclen);

/* True when this process owns a published table (not in a fork child). */
bool pool_share_owner(void);

/* Mirror own entry I (0..CAP): flags, key, answer, expiry and TTL; a new key
 * also clears the entry's hold. Under the pool lock. */
void pool_share_put(size_t i, unsigned flags, const char *key, const struct pool_cand *c, size_t n,
                    uint64_t expires_ms, uint64_t ttl_ms, bool new_key);

/* Mirror only the flags and expiry of own entry I. Under the pool lock. */
void pool_share_state(size_t i, unsigned flags, uint64_t expires_ms);

/* True when the children's hold keeps own entry I live at NOW (the hold
 * lies after NOW). */
bool pool_share_held(size_t i, uint64_t now);

/* In a fork child: stop owning (the parent still does), unmap the writable
 * view. Async-signal-safe. */
void pool_share_forked(void);

/*
 * Reader. Parse SPEC (POOL_SHARE_ENV's value; NULL or "" is no ancestor)
 * and map each ancestor's table read-only and holds writable, checking
 * everything a bad or hostile table could get wrong: the token, magic,
 * version, header and entry sizes, the file's size against the header's
 * count, the seals, that its range is NET/PREFIX and its slice lies in the
 * range. An element that fails is skipped (logged by the caller through
 * *SKIPPED). *NEXT_BASE: the first pool index after every element's slice,
 * valid or not (a child's own addresses never collide with any of them).
 * *KEPT: the elements that mapped, as SPEC text, for the child's own
 * children. Returns the number of ancestors mapped, or -EINVAL when SPEC
 * is malformed (nothing mapped, *NEXT_BASE 0).
 */
int pool_share_attach(const char *spec, uint32_t net, unsigned prefix, size_t *next_base,
                      char *kept, size_t keptlen, unsigned *skipped);

/*
 * Copy the live ancestor entry at pool index IDX into *OUT (V4 is left to
 * the caller) and, with USE, record a use in its holds (now + its TTL).
 * An entry is live when its owner pins it or NOW is before its expiry or
 * its hold. Returns 0, -ENOENT (no ancestor owns IDX, unused, expired,
 * or the entry failed validation: bad flags, count, family, an unterminated
 * key), -EAGAIN (the owner kept it under update through every retry).
 */
int pool_share_find(size_t idx, uint64_t now, bool use, struct pool_view *out);

/*
 * The pool index of the live ancestor entry for IPv6 peer A%SCOPE_ID into
 * *IDX, and with USE a use of it, so a child shows a peer its parent
 * accepted (an inherited socket's getpeername) as the parent's address.
 * A linear scan of every ancestor's table. Returns 0 or -ENOENT (none, or
 * that entry was under update at that instant).
 */
int pool_share_find_peer(const struct in6_addr *a, uint32_t scope_id, uint64_t now, bool use,
                         size_t *idx);

/* Record a use of ancestor index IDX at NOW (a pin, an unpin): lock-free,
 * async-signal-safe. False when no ancestor owns IDX. */
bool pool_share_use(size_t idx, uint64_t now);

/* True when an ancestor's slice holds pool index IDX. Lock-free. */
bool pool_share_ancestor_owns(size_t idx);

/* Unmap and close everything (both roles); for pool_setup and tests. */
void pool_share_reset(void);

#endif
/* NOLINTEND(v6-sockaddr-in-decl) */
