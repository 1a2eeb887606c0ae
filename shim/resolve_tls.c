/*
 * resolve_tls — the resolver's per-thread state (see resolve_tls.h).
 */
#define _GNU_SOURCE
#include "resolve_tls.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static pthread_key_t resolve_tls_key;
static pthread_once_t resolve_tls_once = PTHREAD_ONCE_INIT;
static bool resolve_tls_ok; /* written once under resolve_tls_once */

/* The coarse clock: a tick's resolution (a few ms) is plenty for a 1 s TTL,
 * and it costs no counter read (clock_gettime(2)). */
static uint64_t resolve_tls_monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Atomic: a test may swap it while other threads read it. */
static uint64_t (*_Atomic resolve_tls_clock)(void) = resolve_tls_monotonic_ms;

uint64_t resolve_tls_now_ms(void)
{
    return atomic_load_explicit(&resolve_tls_clock, memory_order_relaxed)();
}

void resolve_tls_set_clock(uint64_t (*now_ms)(void))
{
    atomic_store(&resolve_tls_clock, now_ms ? now_ms : resolve_tls_monotonic_ms);
}

static void resolve_tls_init(void)
{
    resolve_tls_ok = pthread_key_create(&resolve_tls_key, free) == 0;
}

struct resolve_tls *resolve_tls_get(void)
{
    pthread_once(&resolve_tls_once, resolve_tls_init);
    if (!resolve_tls_ok)
        return NULL;
    struct resolve_tls *t = pthread_getspecific(resolve_tls_key);
    if (!t) {
        t = calloc(1, sizeof *t); /* zero: empty caches */
        if (t && pthread_setspecific(resolve_tls_key, t) != 0) {
            free(t);
            t = NULL;
        }
    }
    return t;
}

bool resolve_tls_v4only(struct resolve_tls *t, const char *name)
{
    for (size_t i = 0; i < RESOLVE_TLS_V4ONLY_SLOTS; i++) /* the clock only on a match */
        if (t->v4only[i].expires_ms && !strcasecmp(t->v4only[i].name, name))
            return t->v4only[i].expires_ms > resolve_tls_now_ms();
    return false;
}

void resolve_tls_note_v4only(struct resolve_tls *t, const char *name)
{
    size_t len = strlen(name);
    if (len >= RESOLVE_TLS_V4ONLY_NAME)
        return;
    size_t i = 0;
    while (i < RESOLVE_TLS_V4ONLY_SLOTS && strcasecmp(t->v4only[i].name, name) != 0)
        i++;
    if (i == RESOLVE_TLS_V4ONLY_SLOTS)
        i = t->v4only_next++ % RESOLVE_TLS_V4ONLY_SLOTS;
    memcpy(t->v4only[i].name, name, len + 1);
    t->v4only[i].expires_ms = resolve_tls_now_ms() + RESOLVE_TLS_V4ONLY_TTL_MS;
}

static bool resolve_tls_same_dst(const struct sockaddr_in6 *a, const struct sockaddr_in6 *b)
{
    return a->sin6_scope_id == b->sin6_scope_id && IN6_ARE_ADDR_EQUAL(&a->sin6_addr, &b->sin6_addr);
}

bool resolve_tls_sorted(struct resolve_tls *t, const struct policy_table *table,
                        struct policy_cand *c, size_t n, int *rule)
{
    if (n > RESOLVE_TLS_ORDER_MAX)
        return false;
    for (size_t s = 0; s < RESOLVE_TLS_ORDER_SLOTS; s++) {
        struct resolve_tls_order *o = &t->order[s];
        if (!o->expires_ms || o->table != table || o->n != n)
            continue;
        size_t i = 0;
        while (i < n && resolve_tls_same_dst(&o->in[i], &c[i].dst))
            i++;
        if (i < n)
            continue;
        if (o->expires_ms <= resolve_tls_now_ms())
            return false;
        memcpy(c, o->out, n * sizeof *c);
        memcpy(rule, o->rule, (n - 1) * sizeof *rule);
        t->order_hits++;
        return true;
    }
    return false;
}

void resolve_tls_note_sorted(struct resolve_tls *t, const struct policy_table *table,
                             const struct sockaddr_in6 *in, const struct policy_cand *c, size_t n,
                             const int *rule)
{
    if (n > RESOLVE_TLS_ORDER_MAX || n < 2)
        return;
    struct resolve_tls_order *o = &t->order[t->order_next++ % RESOLVE_TLS_ORDER_SLOTS];
    o->table = table;
    o->n = n;
    memcpy(o->in, in, n * sizeof *in);
    memcpy(o->out, c, n * sizeof *c);
    memcpy(o->rule, rule, (n - 1) * sizeof *rule);
    o->expires_ms = resolve_tls_now_ms() + PROBE_CACHE_TTL_MS;
}

void resolve_tls_forget(struct resolve_tls *t)
{
    memset(&t->probes, 0, sizeof t->probes);
    memset(t->v4only, 0, sizeof t->v4only);
    t->v4only_next = 0;
    memset(t->order, 0, sizeof t->order);
    t->order_next = 0;
    t->order_hits = 0;
}
