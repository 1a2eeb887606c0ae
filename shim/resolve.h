/*
 * resolve — the legacy resolver calls answered through getaddrinfo.
 *
 * A name is looked up once with the real getaddrinfo(AF_UNSPEC) (so it
 * composes with NSS preloads such as libnss-wrapper that come after the
 * shim), the answers are ordered by RFC 6724 (policy_probe_sources +
 * policy_sort, shim_policy()'s table: init.h), and when any answer is IPv6
 * the name gets one pool address that stands for all of its answers (see
 * pool.h). The caller then sees: the pool address where the first IPv6
 * answer sorted, and the real IPv4 answers in their places.
 *
 * Transparency: a literal, a failed lookup, or a name without IPv6 answers
 * is handed to the real libc function with the caller's own arguments, so
 * the result, h_errno and EAI_* code are glibc's own.
 *
 * Every resolve_* call below is what the exported hook of the same name does
 * after checking that the shim is enabled; each sets errno/h_errno as the
 * libc function would.
 */
/* NOLINTBEGIN(v6-sockaddr-in-decl): this module answers the IPv4-only resolver API on purpose (v6scan self-scan). */
#ifndef V6SHIM_RESOLVE_H
#define V6SHIM_RESOLVE_H

#include <netdb.h>
#include <stdbool.h>
#include <stddef.h>

#include "compat.h"
#include "policy.h"

#define RESOLVE_MAX_ANSWERS 32

struct resolve_answer {
    char name[V6_MAXHOST]; /* canonical name */
    size_t n;              /* answers, RFC 6724 order */
    struct policy_cand cand[RESOLVE_MAX_ANSWERS];
    int rule[RESOLVE_MAX_ANSWERS];            /* rule putting cand[i] before cand[i+1] */
    bool has_v6;                              /* some kept answer is IPv6 (not ::ffff:) */
    bool literal;                             /* NAME was an IPv6 literal (literal.h) */
    bool pool_ok;                             /* has_v6 and the pool address was given */
    struct in_addr pool;                      /* the name's pool address when pool_ok */
    size_t naddr;                             /* what a legacy caller sees: */
    struct in_addr addr[RESOLVE_MAX_ANSWERS]; /*   pool or real IPv4, in order, unique */
};

/*
 * Look NAME up (AF_UNSPEC, one answer per address), order it and map it as
 * described above; an IPv6 literal is answered without a lookup
 * (literal_answer). Returns 0, or the getaddrinfo EAI_* code (EAI_SYSTEM with
 * errno set); EAI_NONAME for a name longer than POOL_NAME_MAX. A pool that
 * is full (every entry live: pool.h) leaves pool_ok false and the IPv6
 * answers out of addr[].
 */
int resolve_lookup(const char *name, struct resolve_answer *out);

/* True for a name the shim leaves to libc untouched: NULL, an IPv4 literal,
 * text with a ':' that is not an IPv6 literal (literal.h), or a name longer
 * than POOL_NAME_MAX (a pool key is never cut). An IPv6 literal is answered
 * with its pool address (literal.h), like a name with IPv6 answers. */
bool resolve_passthrough(const char *name);

/* True for a name glibc takes as a numeric address: IPv4 digits-and-dots
 * (inet_aton forms) or anything with a ':' (IPv6). Not the same as
 * resolve_passthrough: IPv6 literals are answered by the shim. */
bool resolve_is_literal(const char *name);

/*
 * How glibc's gethostbyname_r reports the outcome getaddrinfo reported as
 * EAI: returns the h_errno value and sets *ERR to the _r return value
 * (0 for "not found"/"no address", which POSIX does not count as errors):
 * EAI_NONAME -> HOST_NOT_FOUND/0, EAI_NODATA and EAI_ADDRFAMILY -> NO_DATA/0,
 * EAI_AGAIN -> TRY_AGAIN/EAGAIN, EAI_MEMORY -> NETDB_INTERNAL/ENOMEM,
 * EAI_SYSTEM -> NETDB_INTERNAL/errno, anything else -> NO_RECOVERY/EIO.
 */
int resolve_gai_to_herrno(int eai, int *err);

/* gethostbyname family; AF must be AF_INET for the *2 forms (callers check). */
int resolve_gethostbyname_r(const char *name, struct hostent *ret, char *buf, size_t buflen,
                            struct hostent **result, int *h_errnop);
/* Per-thread storage: the result stays valid until this thread's next call. */
struct hostent *resolve_gethostbyname(const char *name);

/* gethostbyaddr family: a pool address answers for its name or IPv6 peer;
 * anything else goes to libc. */
int resolve_gethostbyaddr_r(const void *addr, socklen_t len, int type, struct hostent *ret,
                            char *buf, size_t buflen, struct hostent **result, int *h_errnop);
struct hostent *resolve_gethostbyaddr(const void *addr, socklen_t len, int type);

/* getaddrinfo: only AF_INET hints with a host name are answered by the shim. */
int resolve_getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
                        struct addrinfo **res);
/* Frees a list resolve_getaddrinfo made; any other list goes to libc. */
void resolve_freeaddrinfo(struct addrinfo *res);

/* getnameinfo: a pool sockaddr_in answers with its name (or its IPv6 peer's
 * reverse name); anything else goes to libc. */
int resolve_getnameinfo(const struct sockaddr *sa, socklen_t salen, char *host, socklen_t hostlen,
                        char *serv, socklen_t servlen, int flags);

#endif
/* NOLINTEND(v6-sockaddr-in-decl) */
