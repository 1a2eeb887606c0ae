/* Stand-in for shim-core's pool.c (see README.md): 198.18.0.0/15, entries
 * 198.18.0.1 upwards, no eviction, one mutex. */
#define _GNU_SOURCE
#include "pool.h"

#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <string.h>

#define POOL_N 1024
static pthread_mutex_t pool_mu = PTHREAD_MUTEX_INITIALIZER;
static struct pool_view pool_entries[POOL_N]; /* pool_mu */
static size_t pool_used;                      /* pool_mu */
static int pool_pins[POOL_N];                 /* pool_mu */

bool pool_contains(struct in_addr a)
{
    return (ntohl(a.s_addr) & 0xfffe0000u) == 0xc6120000u;
}

static int pool_add(const char *name, const struct pool_cand *c, size_t n, struct in_addr *out)
{
    for (size_t i = 0; i < pool_used; i++) {
        struct pool_view *e = &pool_entries[i];
        if (strcmp(e->name, name) == 0 &&
            (name[0] || memcmp(&e->cand[0], &c[0], sizeof c[0]) == 0)) {
            *out = e->v4;
            return 0;
        }
    }
    if (pool_used == POOL_N)
        return -ENOSPC;
    struct pool_view *e = &pool_entries[pool_used];
    e->v4.s_addr = htonl(0xc6120000u + (uint32_t)pool_used + 1);
    strncpy(e->name, name, sizeof e->name - 1);
    e->ncand = n < POOL_MAX_CAND ? n : POOL_MAX_CAND;
    memcpy(e->cand, c, e->ncand * sizeof *c);
    pool_used++;
    *out = e->v4;
    return 0;
}

int pool_map_name(const char *name, const struct pool_cand *c, size_t n, uint32_t ttl_s,
                  struct in_addr *out)
{
    pthread_mutex_lock(&pool_mu);
    int rc = pool_add(name, c, n, out);
    pthread_mutex_unlock(&pool_mu);
    return rc;
}

int pool_map_peer(const struct in6_addr *a, uint32_t scope_id, struct in_addr *out)
{
    struct pool_cand c = {.family = AF_INET6, .addr.v6 = *a, .scope_id = scope_id};
    pthread_mutex_lock(&pool_mu);
    int rc = pool_add("", &c, 1, out);
    pthread_mutex_unlock(&pool_mu);
    return rc;
}

static long pool_index(struct in_addr a)
{
    long i = (long)(ntohl(a.s_addr) - 0xc6120000u) - 1;
    return pool_contains(a) && i >= 0 && (size_t)i < pool_used ? i : -1;
}

int pool_lookup(struct in_addr a, struct pool_view *out)
{
    pthread_mutex_lock(&pool_mu);
    long i = pool_index(a);
    if (i >= 0)
        *out = pool_entries[i];
    pthread_mutex_unlock(&pool_mu);
    return i >= 0 ? 0 : -ENOENT;
}

int pool_pin(struct in_addr a)
{
    pthread_mutex_lock(&pool_mu);
    long i = pool_index(a);
    if (i >= 0)
        pool_pins[i]++;
    pthread_mutex_unlock(&pool_mu);
    return i >= 0 ? 0 : -ENOENT;
}

int pool_unpin(struct in_addr a)
{
    pthread_mutex_lock(&pool_mu);
    long i = pool_index(a);
    if (i >= 0 && pool_pins[i] > 0)
        pool_pins[i]--;
    pthread_mutex_unlock(&pool_mu);
    return i >= 0 ? 0 : -ENOENT;
}
