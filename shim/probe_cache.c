/*
 * probe_cache — source probes kept PROBE_CACHE_TTL_MS (see probe_cache.h).
 */
#include "probe_cache.h"

#include <string.h>

/* The fresh entry for C's destination, or NULL. */
static struct probe_cache_entry *probe_cache_find(struct probe_cache *pc,
                                                  const struct policy_cand *c, uint64_t now_ms)
{
    for (size_t i = 0; i < PROBE_CACHE_SLOTS; i++) {
        struct probe_cache_entry *e = &pc->slot[i];
        if (e->expires_ms > now_ms && e->scope_id == c->dst.sin6_scope_id &&
            IN6_ARE_ADDR_EQUAL(&e->dst, &c->dst.sin6_addr))
            return e;
    }
    return NULL;
}

/* Keep C's probe result: in its destination's old slot, else the slot that
 * expires first (an empty one first of all). */
static void probe_cache_store(struct probe_cache *pc, const struct policy_cand *c, uint64_t now_ms)
{
    struct probe_cache_entry *e = &pc->slot[0];
    for (size_t i = 0; i < PROBE_CACHE_SLOTS; i++) {
        struct probe_cache_entry *s = &pc->slot[i];
        if (s->scope_id == c->dst.sin6_scope_id && IN6_ARE_ADDR_EQUAL(&s->dst, &c->dst.sin6_addr)) {
            e = s;
            break;
        }
        if (s->expires_ms < e->expires_ms)
            e = s;
    }
    e->dst = c->dst.sin6_addr;
    e->scope_id = c->dst.sin6_scope_id;
    e->expires_ms = now_ms + PROBE_CACHE_TTL_MS;
    e->src = c->src;
    e->src_ok = c->src_ok;
    e->src_flags = c->src_flags;
    e->src_prefixlen = c->src_prefixlen;
}

int probe_cache_sources(struct probe_cache *pc, const struct policy_sockops *ops,
                        struct policy_cand *c, size_t n, uint64_t now_ms)
{
    struct policy_cand miss[PROBE_CACHE_SLOTS];
    size_t where[PROBE_CACHE_SLOTS], nmiss = 0;
    if (n > PROBE_CACHE_SLOTS) /* more than the cache holds: probe them all */
        return policy_probe_sources_ops(ops, c, n);
    for (size_t i = 0; i < n; i++) {
        const struct probe_cache_entry *e = probe_cache_find(pc, &c[i], now_ms);
        if (e == NULL) {
            miss[nmiss] = c[i];
            where[nmiss++] = i;
            continue;
        }
        c[i].src = e->src;
        c[i].src_ok = e->src_ok;
        c[i].src_flags = e->src_flags;
        c[i].src_prefixlen = e->src_prefixlen;
        pc->hits++;
    }
    if (nmiss == 0)
        return 0;
    pc->misses += nmiss;
    int rc = policy_probe_sources_ops(ops, miss, nmiss);
    for (size_t k = 0; k < nmiss; k++) {
        struct policy_cand *d = &c[where[k]];
        d->src = miss[k].src;
        d->src_ok = miss[k].src_ok;
        d->src_flags = miss[k].src_flags;
        d->src_prefixlen = miss[k].src_prefixlen;
        if (rc == 0)
            probe_cache_store(pc, d, now_ms);
    }
    return rc;
}
