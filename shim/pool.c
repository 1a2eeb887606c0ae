/*
 * pool — synthetic IPv4 addresses for IPv6 answers (see pool.h).
 *
 * Layout: entry i owns address first + i, so allocation order is the
 * address order and a lookup by address is an index. A chained hash on
 * (kind, key) finds an entry by name or peer. Lock: pool_lock guards every
 * field of struct pool_state; the range (pool_first/pool_mask/pool_net) is
 * also published in atomics so pool_contains stays lock-free.
 * Lock nesting: pool_lock is a leaf (nothing else is taken while it is held).
 */
/* NOLINTBEGIN(v6-addr-in-uint32,v6-addrlen-assume,v6-family-switch-no-v6,v6-inet-pton-ntop-v4,v6-ipv4-range-math,v6-sockaddr-in-decl): the pool hands out synthetic IPv4 addresses by design (v6scan self-scan). */
#define _GNU_SOURCE
#include "pool.h"
#include "pool_share.h"

#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>


#define POOL_KEY_MAX (POOL_NAME_MAX + 1)

struct pool_entry {
    bool used;
    bool peer;              /* keyed by an IPv6 peer address, name "" */
    char key[POOL_KEY_MAX]; /* the name, or "ADDR%SCOPE" for a peer */
    size_t ncand;
    struct pool_cand cand[POOL_MAX_CAND];
    uint64_t expires_ms;       /* not reassigned before this, even unpinned */
    uint64_t ttl_ms;           /* each use keeps the entry at least this long */
    uint64_t last_use;         /* pool_state.tick at the last map/lookup */
    _Atomic unsigned pins;     /* atomic: pool_unpin_async runs without the lock */
    _Atomic uint64_t released; /* clock + 1 when the last pin was dropped, 0 none;
                                * counted as a use at the next locked call */
    int32_t hnext;             /* next entry in the hash chain, -1 end */
};

/* Everything below is guarded by pool_lock. */
static struct pool_state {
    struct pool_entry *entries;
    size_t capacity;
    size_t next_unused; /* entries [0, next_unused) have been handed out */
    uint64_t tick;
    int32_t *buckets; /* nbuckets heads, -1 empty */
    size_t nbuckets;
} pool_state;

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;

/* pool_state.entries/capacity published for pool_unpin_async (lock-free);
 * written under pool_lock at setup only. */
static _Atomic(struct pool_entry *) pool_pub_entries;
static _Atomic size_t pool_pub_capacity;

/* The range, host order; written under pool_lock, read lock-free. */
static _Atomic uint32_t pool_net;
static _Atomic uint32_t pool_mask = 0xffffffffu; /* before setup nothing matches */
/* The pool index of entry 0: after every ancestor's slice (pool_share.h);
 * 0 without ancestors. Written under pool_lock, read lock-free. */
static _Atomic uint32_t pool_base;
/* This process is a fork child of a table's owner (set in the atfork child
 * handler, read under pool_lock): its first new key withdraws the
 * inherited POOL_SHARE_ENV (pool_withdraw). */
static bool pool_forked_owner;

static pthread_once_t pool_once = PTHREAD_ONCE_INIT;

static uint64_t pool_monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* The clock; atomic so pool_unpin_async can read it without the lock. */
static uint64_t (*_Atomic pool_clock)(void) = pool_monotonic_ms;

static void pool_atfork_prepare(void)
{
    pthread_mutex_lock(&pool_lock);
}

static void pool_atfork_release(void)
{
    pthread_mutex_unlock(&pool_lock);
}

/* The child runs on its private copy; the parent goes on owning the
 * shared table (pool_share_forked). */
static void pool_atfork_child(void)
{
    if (pool_share_owner()) {
        pool_share_forked();
        pool_forked_owner = true;
    }
    pthread_mutex_unlock(&pool_lock);
}

static uint32_t pool_hash(bool peer, const char *key)
{
    uint32_t h = peer ? 0x9e3779b9u : 2166136261u; /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)key; *p; p++)
        h = (h ^ *p) * 16777619u;
    return h;
}

/* Under pool_lock. */
static int pool_reset_locked(struct in_addr net, unsigned prefix, size_t capacity, size_t base)
{
    if (prefix < 8 || prefix > 30 || capacity == 0)
        return -EINVAL;
    uint32_t mask = 0xffffffffu << (32 - prefix);
    uint32_t n = ntohl(net.s_addr);
    if (n & ~mask)
        return -EINVAL;
    size_t usable = ((size_t)1 << (32 - prefix)) - 2; /* not the range's first and last */
    if (base >= usable)
        return -EINVAL;
    if (capacity > usable - base)
        capacity = usable - base;
    size_t nb = 16;
    while (nb < capacity * 2)
        nb *= 2;
    struct pool_entry *e = calloc(capacity, sizeof *e);
    int32_t *b = malloc(nb * sizeof *b);
    if (!e || !b) {
        free(e);
        free(b);
        return -ENOMEM;
    }
    for (size_t i = 0; i < nb; i++)
        b[i] = -1;
    atomic_store(&pool_pub_capacity, 0);
    free(pool_state.entries);
    free(pool_state.buckets);
    pool_state.entries = e;
    pool_state.capacity = capacity;
    pool_state.next_unused = 0;
    pool_state.buckets = b;
    pool_state.nbuckets = nb;
    atomic_store(&pool_pub_capacity, capacity);
    atomic_store(&pool_pub_entries, e);
    atomic_store(&pool_base, (uint32_t)base);
    atomic_store(&pool_mask, mask);
    atomic_store(&pool_net, n);
    return 0;
}

/* The default pool (pool.h), until pool_setup gives the configured one. */
static void pool_first_init(void)
{
    pthread_atfork(pool_atfork_prepare, pool_atfork_release, pool_atfork_child);
    pthread_mutex_lock(&pool_lock);
    atomic_store(&pool_clock, pool_monotonic_ms);
    struct in_addr def = {htonl(POOL_DEFAULT_NET)};
    pool_reset_locked(def, POOL_DEFAULT_PREFIX, POOL_DEFAULT_CAPACITY, 0);
    pthread_mutex_unlock(&pool_lock);
}

static void pool_ensure(void)
{
    pthread_once(&pool_once, pool_first_init);
}

int pool_setup(struct in_addr net, unsigned prefix, size_t capacity)
{
    pool_ensure();
    pthread_mutex_lock(&pool_lock);
    pool_share_reset();
    pool_forked_owner = false;
    int rc = pool_reset_locked(net, prefix, capacity, 0);
    pthread_mutex_unlock(&pool_lock);
    return rc;
}

int pool_share_start(const char *inherited, char *spec, size_t speclen, unsigned *skipped)
{
    pool_ensure();
    if (speclen)
        spec[0] = '\0';
    pthread_mutex_lock(&pool_lock);
    pool_share_reset();
    pool_forked_owner = false;
    uint32_t net = atomic_load(&pool_net), mask = atomic_load(&pool_mask);
    unsigned prefix = 32u - (unsigned)__builtin_ctz(mask);
    size_t usable = ((size_t)1 << (32 - prefix)) - 2, base = 0;
    int rc = pool_share_attach(inherited, net, prefix, &base, spec, speclen, skipped);
    if (rc >= 0 && base >= usable) {
        rc = -ENOSPC; /* no room left after the ancestors' slices */
        pool_share_reset();
        base = 0;
        if (speclen)
            spec[0] = '\0';
    }
    size_t cap = pool_state.capacity;
    struct in_addr a = {htonl(net)};
    int r2 = pool_reset_locked(a, prefix, cap, rc < 0 ? 0 : base);
    if (rc >= 0 && r2 < 0)
        rc = r2;
    if (rc >= 0) {
        int n = rc;
        rc = pool_share_publish(net, prefix, base, pool_state.capacity, spec, speclen);
        if (rc == 0)
            rc = n;
    }
    pthread_mutex_unlock(&pool_lock);
    return rc;
}

void pool_set_clock(uint64_t (*now_ms)(void))
{
    pool_ensure();
    pthread_mutex_lock(&pool_lock);
    atomic_store(&pool_clock, now_ms ? now_ms : pool_monotonic_ms);
    pthread_mutex_unlock(&pool_lock);
}

bool pool_contains(struct in_addr a)
{
    pool_ensure();
    uint32_t m = atomic_load_explicit(&pool_mask, memory_order_acquire);
    return (ntohl(a.s_addr) & m) == atomic_load_explicit(&pool_net, memory_order_relaxed);
}

/* A's pool index (0 for the range's first usable address) into *OFF;
 * false when A is not a usable address of the range. Lock-free. */
static bool pool_offset(struct in_addr a, size_t *off)
{
    uint32_t h = ntohl(a.s_addr);
    uint32_t net = atomic_load_explicit(&pool_net, memory_order_acquire);
    uint32_t m = atomic_load_explicit(&pool_mask, memory_order_acquire);
    if ((h & m) != net || h == net || h == (net | ~m))
        return false;
    *off = (size_t)(h - net - 1);
    return true;
}

/* Index of the entry for A in this process's own slice, or -1. Under pool_lock. */
static ssize_t pool_index_of(struct in_addr a)
{
    size_t off;
    if (!pool_offset(a, &off) || off < atomic_load_explicit(&pool_base, memory_order_relaxed))
        return -1;
    size_t i = off - atomic_load_explicit(&pool_base, memory_order_relaxed);
    if (i >= pool_state.next_unused || !pool_state.entries[i].used)
        return -1;
    return (ssize_t)i;
}

static struct in_addr pool_addr_of(size_t i)
{
    struct in_addr a = {htonl(atomic_load_explicit(&pool_net, memory_order_relaxed) +
                              atomic_load_explicit(&pool_base, memory_order_relaxed) + (uint32_t)i +
                              1u)};
    return a;
}

static uint64_t pool_now(void)
{
    return atomic_load(&pool_clock)();
}

/* The program used E's address at NOW: it keeps it for at least a TTL. */
static void pool_touch(struct pool_entry *e, uint64_t now)
{
    if (e->expires_ms < now + e->ttl_ms)
        e->expires_ms = now + e->ttl_ms;
    e->last_use = ++pool_state.tick;
}

/* E's flags for the shared table (pool_share.h). */
static unsigned pool_share_flags(const struct pool_entry *e)
{
    return (e->used ? POOL_SHARE_USED : 0u) | (e->peer ? POOL_SHARE_PEER : 0u) |
           (atomic_load(&e->pins) > 0 ? POOL_SHARE_PINNED : 0u);
}

/* Mirror E's pins and expiry into the shared table (a no-op unless this
 * process owns one). Under pool_lock. */
static void pool_mirror(const struct pool_entry *e)
{
    pool_share_state((size_t)(e - pool_state.entries), pool_share_flags(e), e->expires_ms);
}

/* Is E live at NOW (pinned, not yet expired, or held by a child's use:
 * pool_share.h)? Applies the use an async unpin left pending first. Under
 * pool_lock. */
static bool pool_live(struct pool_entry *e, uint64_t now)
{
    if (!e->used)
        return false;
    uint64_t released = atomic_exchange(&e->released, 0);
    if (released) { /* the close was its last use */
        if (e->expires_ms < released - 1 + e->ttl_ms)
            e->expires_ms = released - 1 + e->ttl_ms;
        e->last_use = ++pool_state.tick;
        pool_mirror(e);
    }
    return atomic_load(&e->pins) > 0 || now < e->expires_ms ||
           pool_share_held((size_t)(e - pool_state.entries), now);
}

/* Under pool_lock. */
static ssize_t pool_find(bool peer, const char *key)
{
    size_t b = pool_hash(peer, key) & (pool_state.nbuckets - 1);
    for (int32_t i = pool_state.buckets[b]; i >= 0; i = pool_state.entries[i].hnext) {
        const struct pool_entry *e = &pool_state.entries[i];
        if (e->peer == peer && strcmp(e->key, key) == 0)
            return i;
    }
    return -1;
}

static void pool_unlink(size_t idx)
{
    struct pool_entry *e = &pool_state.entries[idx];
    size_t b = pool_hash(e->peer, e->key) & (pool_state.nbuckets - 1);
    for (int32_t *p = &pool_state.buckets[b]; *p >= 0; p = &pool_state.entries[*p].hnext) {
        if ((size_t)*p == idx) {
            *p = e->hnext;
            break;
        }
    }
    e->used = false;
}

/* A slot for a new entry: a never-used one first, else the least recently
 * used entry that is no longer live (unpinned and past its expiry). A live
 * entry is never taken: the program may still hold its address, and its next
 * connect() must reach the name it resolved. -1 when every entry is live.
 * Under pool_lock. */
static ssize_t pool_alloc(uint64_t now)
{
    if (pool_state.next_unused < pool_state.capacity)
        return (ssize_t)pool_state.next_unused++;
    ssize_t best = -1;
    for (size_t i = 0; i < pool_state.capacity; i++) {
        struct pool_entry *e = &pool_state.entries[i];
        if (pool_live(e, now))
            continue;
        if (best < 0 || !e->used || e->last_use < pool_state.entries[best].last_use) {
            best = (ssize_t)i;
            if (!e->used)
                break;
        }
    }
    if (best >= 0 && pool_state.entries[best].used)
        pool_unlink((size_t)best);
    return best;
}

/* A fork child of an owner hands out its first address of its own: that
 * address lies in the parent's slice, where the parent's table may name
 * another key, so the child's exec'd children must not read the parent's
 * table for it. Empties POOL_SHARE_ENV in place (no allocation; the
 * variable is this process's copy). */
static void pool_withdraw(void)
{
    char *v = getenv(POOL_SHARE_ENV);
    if (v)
        v[0] = '\0';
}

static int pool_map(bool peer, const char *key, const struct pool_cand *c, size_t n, uint32_t ttl_s,
                    bool pin, struct in_addr *out)
{
    if (!key || !*key || strlen(key) >= POOL_KEY_MAX || !c || n == 0)
        return -EINVAL;
    if (n > POOL_MAX_CAND)
        n = POOL_MAX_CAND;
    pool_ensure();
    pthread_mutex_lock(&pool_lock);
    uint64_t now = pool_now();
    ssize_t i = pool_find(peer, key);
    bool new_key = i < 0, withdraw = false;
    if (i < 0) {
        i = pool_alloc(now);
        if (i < 0) {
            pthread_mutex_unlock(&pool_lock);
            return -ENOSPC;
        }
        withdraw = pool_forked_owner;
        pool_forked_owner = false;
        struct pool_entry *e = &pool_state.entries[i];
        memset(e, 0, sizeof *e);
        e->used = true;
        e->peer = peer;
        strcpy(e->key, key);
        size_t b = pool_hash(peer, key) & (pool_state.nbuckets - 1);
        e->hnext = pool_state.buckets[b];
        pool_state.buckets[b] = (int32_t)i;
    }
    struct pool_entry *e = &pool_state.entries[i];
    memcpy(e->cand, c, n * sizeof *c);
    e->ncand = n;
    e->ttl_ms = (uint64_t)ttl_s * 1000u;
    pool_touch(e, now);
    if (pin)
        e->pins++;
    pool_share_put((size_t)i, pool_share_flags(e), e->key, e->cand, e->ncand, e->expires_ms,
                   e->ttl_ms, new_key);
    *out = pool_addr_of((size_t)i);
    pthread_mutex_unlock(&pool_lock);
    if (withdraw)
        pool_withdraw();
    return 0;
}

int pool_map_name(const char *name, const struct pool_cand *c, size_t n, uint32_t ttl_s,
                  struct in_addr *out)
{
    return pool_map(false, name, c, n, ttl_s, false, out);
}

int pool_map_peer(const struct in6_addr *a, uint32_t scope_id, uint32_t ttl_s, bool pin,
                  struct in_addr *out)
{
    char key[INET6_ADDRSTRLEN + 16];
    inet_ntop(AF_INET6, a, key, INET6_ADDRSTRLEN);
    snprintf(key + strlen(key), 16, "%%%u", scope_id);
    pool_ensure();
    /* A peer an ancestor shows (the client of an inherited socket) keeps
     * the ancestor's address, unless this process has its own for it:
     * one host, one address in the whole process tree. */
    pthread_mutex_lock(&pool_lock);
    bool own = pool_find(true, key) >= 0;
    pthread_mutex_unlock(&pool_lock);
    size_t idx;
    if (!own && pool_share_find_peer(a, scope_id, pool_now(), true, &idx) == 0) {
        out->s_addr = htonl(atomic_load(&pool_net) + (uint32_t)idx + 1u);
        return 0;
    }
    struct pool_cand c = {.family = AF_INET6, .addr.v6 = *a, .scope_id = scope_id};
    return pool_map(true, key, &c, 1, ttl_s, pin, out);
}

/* pool_lookup, and with PIN also pool_pin in the same step. An ancestor's
 * address is read from its shared table (a use: pool_share_find). */
static int pool_get(struct in_addr a, struct pool_view *out, bool pin)
{
    pool_ensure();
    size_t off;
    if (pool_offset(a, &off) && pool_share_ancestor_owns(off)) {
        int rc = pool_share_find(off, pool_now(), true, out);
        if (rc == 0)
            out->v4 = a;
        return rc == -EAGAIN ? -ENOENT : rc;
    }
    pthread_mutex_lock(&pool_lock);
    ssize_t i = pool_index_of(a);
    int rc = -ENOENT;
    if (i >= 0 && pool_live(&pool_state.entries[i], pool_now())) {
        struct pool_entry *e = &pool_state.entries[i];
        pool_touch(e, pool_now());
        if (pin)
            atomic_fetch_add(&e->pins, 1);
        pool_mirror(e);
        out->v4 = a;
        if (e->peer)
            out->name[0] = '\0';
        else
            memcpy(out->name, e->key, sizeof out->name);
        out->ncand = e->ncand;
        memcpy(out->cand, e->cand, sizeof out->cand);
        rc = 0;
    }
    pthread_mutex_unlock(&pool_lock);
    return rc;
}

int pool_lookup(struct in_addr a, struct pool_view *out)
{
    return pool_get(a, out, false);
}

int pool_acquire(struct in_addr a, struct pool_view *out)
{
    return pool_get(a, out, true);
}

/* A pin or unpin of an ancestor's address: recorded as a use in its holds
 * (a child cannot pin another process's entry: pool_share.h). */
static bool pool_ancestor_use(struct in_addr a)
{
    size_t off;
    return pool_offset(a, &off) && pool_share_use(off, pool_now());
}

int pool_pin(struct in_addr a)
{
    pool_ensure();
    if (pool_ancestor_use(a))
        return 0;
    pthread_mutex_lock(&pool_lock);
    ssize_t i = pool_index_of(a);
    if (i >= 0) {
        atomic_fetch_add(&pool_state.entries[i].pins, 1);
        pool_mirror(&pool_state.entries[i]);
    }
    pthread_mutex_unlock(&pool_lock);
    return i >= 0 ? 0 : -ENOENT;
}

/* Drop one pin of E; the last one counts as a use (due at the next lock).
 * Lock-free. -EINVAL when E was not pinned. */
static int pool_drop_pin(struct pool_entry *e)
{
    unsigned n = atomic_load(&e->pins);
    do {
        if (n == 0)
            return -EINVAL;
    } while (!atomic_compare_exchange_weak(&e->pins, &n, n - 1));
    /* The socket is gone, but the program may still hold the address (to
     * connect again): it stays this name's for one more TTL. */
    if (n == 1)
        atomic_store(&e->released, pool_now() + 1);
    return 0;
}

int pool_unpin(struct in_addr a)
{
    pool_ensure();
    if (pool_ancestor_use(a))
        return 0;
    pthread_mutex_lock(&pool_lock);
    ssize_t i = pool_index_of(a);
    int rc = i >= 0 ? pool_drop_pin(&pool_state.entries[i]) : -ENOENT;
    if (rc == 0) {
        pool_live(&pool_state.entries[i], pool_now()); /* apply the use now */
        pool_mirror(&pool_state.entries[i]);
    }
    pthread_mutex_unlock(&pool_lock);
    return rc;
}

void pool_unpin_async(struct in_addr a)
{
    /* A pinned entry is never reassigned, so A's index is still its entry. */
    size_t off;
    if (!pool_offset(a, &off) || pool_share_use(off, pool_now()))
        return;
    size_t base = atomic_load_explicit(&pool_base, memory_order_acquire);
    struct pool_entry *entries = atomic_load(&pool_pub_entries);
    size_t cap = atomic_load(&pool_pub_capacity);
    if (off < base || !entries || off - base >= cap)
        return;
    pool_drop_pin(&entries[off - base]);
}

/* NOLINTEND(v6-addr-in-uint32,v6-addrlen-assume,v6-family-switch-no-v6,v6-inet-pton-ntop-v4,v6-ipv4-range-math,v6-sockaddr-in-decl) */
