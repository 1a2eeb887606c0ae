/* Stand-in for shim-core's pool.h (see README.md): same contract. */
#ifndef V6SHIM_POOL_H
#define V6SHIM_POOL_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define POOL_MAX_CAND 16
struct pool_cand {
    int family;
    union {
        struct in_addr v4;
        struct in6_addr v6;
    } addr;
    uint32_t scope_id;
};
struct pool_view {
    struct in_addr v4;
    char name[1025];
    size_t ncand;
    struct pool_cand cand[POOL_MAX_CAND];
};
bool pool_contains(struct in_addr a);
int pool_map_name(const char *name, const struct pool_cand *c, size_t n, uint32_t ttl_s,
                  struct in_addr *out);
int pool_map_peer(const struct in6_addr *a, uint32_t scope_id, struct in_addr *out);
int pool_lookup(struct in_addr a, struct pool_view *out);
int pool_pin(struct in_addr a);
int pool_unpin(struct in_addr a);

#endif
