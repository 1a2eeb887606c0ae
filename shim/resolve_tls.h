/*
 * resolve_tls — the resolver's per-thread state: the storage the non-_r
 * calls return, the source-probe cache (probe_cache.h), and the names just
 * seen without IPv6 answers.
 *
 * Per thread, so nothing here takes a lock: allocated on a thread's first
 * lookup, freed when the thread exits (pthread key destructor); a thread
 * that never resolves pays nothing. A forked child keeps its copy, which
 * is still true of the same host.
 *
 * Names without IPv6 (the transparency path, resolve.h): a legacy call for
 * such a name must return glibc's own answer (aliases, order, h_errno), so
 * the shim asks glibc again after its own AF_UNSPEC lookup found no IPv6:
 * two lookups. A name found so is remembered for RESOLVE_TLS_V4ONLY_TTL_MS,
 * and a call within that time goes to glibc at once: one lookup, as
 * without the shim. Only the "no IPv6" fact is kept, never an answer, so
 * the IPv4 answer is always fresh; an IPv6 address added to the name is
 * seen at most that long later.
 *
 * Orders (sort once): the RFC 6724 order of an answer depends only on its
 * addresses, their sources and the table, so a sorted answer is remembered
 * for PROBE_CACHE_TTL_MS, as its sources are, and the same answer again
 * (same addresses in the same order, same table) takes that order and its
 * rules without a probe or a sort.
 */
#ifndef V6SHIM_RESOLVE_TLS_H
#define V6SHIM_RESOLVE_TLS_H

#include <netdb.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "probe_cache.h"

#define RESOLVE_TLS_V4ONLY_SLOTS 8
#define RESOLVE_TLS_V4ONLY_NAME 256 /* longer names are not remembered */
#define RESOLVE_TLS_V4ONLY_TTL_MS 1000u
#define RESOLVE_TLS_ANSWER_BYTES 8192 /* >= sizeof(struct resolve_answer): resolve.c checks */
#define RESOLVE_TLS_ORDER_SLOTS 4
#define RESOLVE_TLS_ORDER_MAX 8 /* answers with more addresses are sorted every time */

struct resolve_tls_order {
    uint64_t expires_ms;              /* 0: empty */
    const struct policy_table *table; /* the table it was sorted with */
    size_t n;
    struct sockaddr_in6 in[RESOLVE_TLS_ORDER_MAX]; /* the destinations, answer order */
    struct policy_cand out[RESOLVE_TLS_ORDER_MAX]; /* sorted, sources filled */
    int rule[RESOLVE_TLS_ORDER_MAX];
};

struct resolve_tls {
    struct hostent he; /* gethostbyname/gethostbyaddr results */
    char buf[8192];
    struct probe_cache probes;
    struct {
        uint64_t expires_ms; /* 0: empty */
        char name[RESOLVE_TLS_V4ONLY_NAME];
    } v4only[RESOLVE_TLS_V4ONLY_SLOTS];
    unsigned v4only_next; /* slot the next name takes (round robin) */
    struct resolve_tls_order order[RESOLVE_TLS_ORDER_SLOTS];
    unsigned order_next;
    uint64_t order_hits; /* answers ordered from memory (tests) */
    bool answer_busy;    /* answer[] is in use by a lookup of this thread */
    _Alignas(max_align_t) unsigned char answer[RESOLVE_TLS_ANSWER_BYTES]; /* resolve.c's scratch */
};

/* This thread's state, or NULL (out of memory). */
struct resolve_tls *resolve_tls_get(void);

/* The clock of every TTL here, in ms (CLOCK_MONOTONIC: a vDSO call, no
 * system call). resolve_tls_set_clock(NULL) restores it; for tests. */
uint64_t resolve_tls_now_ms(void);
void resolve_tls_set_clock(uint64_t (*now_ms)(void));

/* True when NAME (case-blind) was found without IPv6 answers by this
 * thread less than RESOLVE_TLS_V4ONLY_TTL_MS ago. */
bool resolve_tls_v4only(struct resolve_tls *t, const char *name);

/* Remember that NAME had no IPv6 answers just now. */
void resolve_tls_note_v4only(struct resolve_tls *t, const char *name);

/* When C[0..N) (the answer's destinations in answer order) was sorted with
 * TABLE less than PROBE_CACHE_TTL_MS ago: C gets that sorted list, RULE[0..N-1)
 * its rules, and the result is true. Else false, nothing changed. */
bool resolve_tls_sorted(struct resolve_tls *t, const struct policy_table *table,
                        struct policy_cand *c, size_t n, int *rule);

/* Remember that destinations IN[0..N) sort with TABLE to C[0..N), RULE. */
void resolve_tls_note_sorted(struct resolve_tls *t, const struct policy_table *table,
                             const struct sockaddr_in6 *in, const struct policy_cand *c, size_t n,
                             const int *rule);

/* Forget every name, probe and order of this thread (tests). */
void resolve_tls_forget(struct resolve_tls *t);

#endif
