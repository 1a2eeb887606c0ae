/*
 * resolve — gethostbyname*, gethostbyaddr*, getaddrinfo (AF_INET hints),
 * freeaddrinfo and getnameinfo answered through getaddrinfo(AF_UNSPEC),
 * RFC 6724 order and the pool (see resolve.h).
 *
 * Locks: resolve_ai_lock guards the list of addrinfo lists this module
 * allocated (resolve_ai_head); it is a leaf lock. The policy table is
 * shim_policy()'s, built once on the start-up path (init.h).
 */
/* NOLINTBEGIN(v6-addr-in-uint32,v6-family-switch-no-v6,v6-hints-family-inet,v6-sin-family-inet,v6-sockaddr-compare,v6-sockaddr-in-decl): this module answers the IPv4-only resolver API on purpose (v6scan self-scan). */
#define _GNU_SOURCE
#include "resolve.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "hostent.h"
#include "init.h"
#include "literal.h"
#include "log.h"
#include "pool.h"
#include "resolve_tls.h"
#include "symbols.h"

/* An addrinfo node the shim allocated: one block per node, as glibc does.
 * The list head also sits on the registry list (reg_prev/reg_next). */
struct resolve_ai {
    struct addrinfo ai; /* first: the app's pointer is &node->ai */
    struct sockaddr_in sin;
    struct resolve_ai *reg_prev, *reg_next;
};

static pthread_mutex_t resolve_ai_lock = PTHREAD_MUTEX_INITIALIZER;
static struct resolve_ai *resolve_ai_head; /* guarded by resolve_ai_lock */

static void resolve_atfork_prepare(void)
{
    pthread_mutex_lock(&resolve_ai_lock);
}

static void resolve_atfork_release(void)
{
    pthread_mutex_unlock(&resolve_ai_lock);
}

/* The atfork handlers are registered before resolve_ai_lock is first taken. */
static pthread_once_t resolve_fork_once = PTHREAD_ONCE_INIT;

static void resolve_fork_init(void)
{
    pthread_atfork(resolve_atfork_prepare, resolve_atfork_release, resolve_atfork_release);
}

static void resolve_ai_lock_take(void)
{
    pthread_once(&resolve_fork_once, resolve_fork_init);
    pthread_mutex_lock(&resolve_ai_lock);
}

static const struct policy_sockops resolve_sockops = {
    .socket = real_socket,
    .connect = real_connect,
    .getsockname = real_getsockname,
    .close = real_close,
};

bool resolve_is_literal(const char *name)
{
    /* One pass: a ':' is IPv6; inet_aton reads only digits, dots and hex
     * ("0x7f.1"), so anything else is a name without asking it. */
    bool digits = *name != '\0';
    for (const char *p = name; *p; p++) {
        unsigned char ch = (unsigned char)*p;
        if (isdigit(ch) || ch == '.')
            continue;
        digits = false;
        if (!isxdigit(ch) && ch != 'x' && ch != 'X')
            return strchr(p, ':') != NULL;
    }
    if (digits)
        return true;
    /* real_: the exported inet_aton hook would count this as the program's
     * own IPv4-only call in report mode. */
    struct in_addr a;
    return real_inet_aton(name, &a) != 0;
}


/* Add one getaddrinfo answer to OUT unless its address is already there. */
static void resolve_add(struct resolve_answer *out, const struct sockaddr *sa)
{
    struct sockaddr_in6 d = {.sin6_family = AF_INET6};
    if (sa->sa_family == AF_INET) {
        struct sockaddr_in sin;
        memcpy(&sin, sa, sizeof sin);
        addr_mapped(sin.sin_addr, &d.sin6_addr);
    } else if (sa->sa_family == AF_INET6) {
        struct sockaddr_in6 s6;
        memcpy(&s6, sa, sizeof s6);
        d.sin6_addr = s6.sin6_addr;
        d.sin6_scope_id = s6.sin6_scope_id;
    } else {
        return;
    }
    for (size_t i = 0; i < out->n; i++) {
        if (!memcmp(&out->cand[i].dst.sin6_addr, &d.sin6_addr, sizeof d.sin6_addr) &&
            out->cand[i].dst.sin6_scope_id == d.sin6_scope_id)
            return;
    }
    if (out->n == RESOLVE_MAX_ANSWERS)
        return;
    struct policy_cand *c = &out->cand[out->n];
    memset(c, 0, sizeof *c);
    c->dst = d;
    c->index = out->n++;
    if (sa->sa_family == AF_INET6 && !IN6_IS_ADDR_V4MAPPED(&d.sin6_addr))
        out->has_v6 = true; /* a mapped IPv4 answer is IPv4 */
}

static bool resolve_is_v4(const struct policy_cand *c)
{
    return IN6_IS_ADDR_V4MAPPED(&c->dst.sin6_addr);
}

static void resolve_push(struct resolve_answer *out, struct in_addr a)
{
    for (size_t i = 0; i < out->naddr; i++)
        if (out->addr[i].s_addr == a.s_addr)
            return;
    out->addr[out->naddr++] = a;
}

/* Order OUT's candidates by RFC 6724 with T, sorting each answer once
 * (resolve_tls.h: orders and probes are remembered for a short time). */
static void resolve_order(const struct policy_table *t, struct resolve_answer *out)
{
    struct resolve_tls *tls = resolve_tls_get();
    if (!tls) {
        policy_probe_sources_ops(&resolve_sockops, out->cand, out->n);
        policy_sort_rules(t, out->cand, out->n, out->rule);
        return;
    }
    if (resolve_tls_sorted(tls, t, out->cand, out->n, out->rule))
        return;
    struct sockaddr_in6 in[RESOLVE_TLS_ORDER_MAX];
    for (size_t i = 0; i < out->n && i < RESOLVE_TLS_ORDER_MAX; i++)
        in[i] = out->cand[i].dst;
    probe_cache_sources(&tls->probes, &resolve_sockops, out->cand, out->n, resolve_tls_now_ms());
    policy_sort_rules(t, out->cand, out->n, out->rule);
    resolve_tls_note_sorted(tls, t, in, out->cand, out->n, out->rule);
}

bool resolve_passthrough(const char *name)
{
    if (!name)
        return true;
    if (resolve_is_literal(name)) /* an IPv6 literal is ours (literal.h) */
        return !literal_maybe(name) ||
               !literal_parse(name, &(struct in6_addr){0}, &(uint32_t){0}, NULL);
    return strnlen(name, POOL_NAME_MAX + 1) > POOL_NAME_MAX;
}

int resolve_lookup(const char *name, struct resolve_answer *out)
{
    /* not a memset of the whole ~4 KiB: resolve_add fills each candidate */
    out->name[0] = '\0';
    out->n = out->naddr = 0;
    out->has_v6 = out->pool_ok = out->literal = false;
    out->pool.s_addr = 0;
    memset(out->rule, 0, sizeof out->rule);
    if (literal_maybe(name) && literal_answer(name, shim_init()->pool_ttl_s, out) == 0)
        return 0;
    if (strnlen(name, POOL_NAME_MAX + 1) > POOL_NAME_MAX)
        return EAI_NONAME; /* a pool key is never cut: two names would share it */
    struct addrinfo hints = {
        .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_CANONNAME};
    struct addrinfo *res = NULL;
    int rc = real_getaddrinfo(name, NULL, &hints, &res);
    if (rc != 0)
        return rc;
    const char *canon = res->ai_canonname ? res->ai_canonname : name;
    size_t clen = strnlen(canon, sizeof out->name - 1); /* cut as snprintf would */
    memcpy(out->name, canon, clen);
    out->name[clen] = '\0';
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next)
        if (ai->ai_addr)
            resolve_add(out, ai->ai_addr);
    real_freeaddrinfo(res);
    if (out->n == 0)
        return EAI_NODATA;

    const struct policy_table *t = shim_policy();
    if (t && out->n > 1) /* one answer: nothing to sort, nothing to probe */
        resolve_order(t, out);
    if (out->has_v6) {
        struct pool_cand pc[POOL_MAX_CAND];
        size_t np = 0;
        for (size_t i = 0; i < out->n && np < POOL_MAX_CAND; i++, np++) {
            const struct policy_cand *c = &out->cand[i];
            memset(&pc[np], 0, sizeof pc[np]);
            if (resolve_is_v4(c)) {
                pc[np].family = AF_INET;
                addr_unmap(&c->dst.sin6_addr, &pc[np].addr.v4);
            } else {
                pc[np].family = AF_INET6;
                pc[np].addr.v6 = c->dst.sin6_addr;
                pc[np].scope_id = c->dst.sin6_scope_id;
            }
        }
        char key[POOL_NAME_MAX + 1]; /* resolve_lookup refused longer names */
        size_t k = 0;
        for (; name[k]; k++)
            key[k] = (char)tolower((unsigned char)name[k]); /* names are case-blind */
        key[k] = '\0';
        int prc = pool_map_name(key, pc, np, shim_init()->pool_ttl_s, &out->pool);
        out->pool_ok = prc == 0;
        if (prc < 0)
            v6log(LOG_WARNING, "%s: no pool address (%s): IPv6 answers left out", name,
                  strerror(-prc));
    }
    for (size_t i = 0; i < out->n; i++) {
        const struct policy_cand *c = &out->cand[i];
        if (resolve_is_v4(c)) {
            struct in_addr a;
            addr_unmap(&c->dst.sin6_addr, &a);
            resolve_push(out, a);
        } else if (out->pool_ok) {
            resolve_push(out, out->pool);
        }
    }
    if (out->pool_ok && log_on(LOG_DEBUG)) {
        char p[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, &out->pool, p, sizeof p);
        v6log(LOG_DEBUG, "%s: %zu answer(s), pool address %s, %zu for legacy callers", name, out->n,
              p, out->naddr);
    }
    return 0;
}

/* Finish a gethostbyname_r-style call. */
static int resolve_r_result(int herr, int err, struct hostent **result, int *h_errnop)
{
    *result = NULL;
    *h_errnop = herr;
    if (err)
        errno = err;
    return err;
}

int resolve_gai_to_herrno(int eai, int *err)
{
    switch (eai) {
    case EAI_NONAME: *err = 0; return HOST_NOT_FOUND;
    case EAI_NODATA:
    case EAI_ADDRFAMILY: *err = 0; return NO_DATA;
    case EAI_AGAIN: *err = EAGAIN; return TRY_AGAIN;
    case EAI_MEMORY: *err = ENOMEM; return NETDB_INTERNAL;
    case EAI_SYSTEM: *err = errno ? errno : EIO; return NETDB_INTERNAL;
    default: /* EAI_FAIL and anything unexpected */ *err = EIO; return NO_RECOVERY;
    }
}

static int resolve_gai_failure(int eai, int saved, struct hostent **result, int *h_errnop)
{
    int err;
    int herr = resolve_gai_to_herrno(eai, &err);
    if (err == 0)
        errno = saved;
    return resolve_r_result(herr, err, result, h_errnop);
}

_Static_assert(sizeof(struct resolve_answer) <= RESOLVE_TLS_ANSWER_BYTES,
               "resolve_tls.h: RESOLVE_TLS_ANSWER_BYTES too small");

/* An answer to fill: this thread's scratch one, or (no TLS, or a lookup
 * inside a lookup: an NSS module that calls gethostbyname) a new one. */
static struct resolve_answer *resolve_answer_take(struct resolve_tls *tls)
{
    if (tls && !tls->answer_busy) {
        tls->answer_busy = true;
        return (struct resolve_answer *)(void *)tls->answer;
    }
    return malloc(sizeof(struct resolve_answer));
}

static void resolve_answer_give(struct resolve_tls *tls, struct resolve_answer *a)
{
    if (tls && a == (struct resolve_answer *)(void *)tls->answer)
        tls->answer_busy = false;
    else
        free(a);
}

/* resolve_gethostbyname_r for a NAME that is not passed through at once
 * (TLS: this thread's state, or NULL). */
static int resolve_byname_r(struct resolve_tls *tls, const char *name, struct hostent *ret,
                            char *buf, size_t buflen, struct hostent **result, int *h_errnop)
{
    int saved = errno;
    struct resolve_answer *a = resolve_answer_take(tls);
    if (!a)
        return resolve_r_result(NETDB_INTERNAL, ENOMEM, result, h_errnop);
    int rc = resolve_lookup(name, a);
    if (rc != 0) {
        resolve_answer_give(tls, a);
        return resolve_gai_failure(rc, saved, result, h_errnop);
    }
    if (!a->has_v6 && !a->literal) {
        resolve_answer_give(tls, a);
        if (tls)
            resolve_tls_note_v4only(tls, name);
        errno = saved;
        return real_gethostbyname_r(name, ret, buf, buflen, result, h_errnop);
    }
    if (a->naddr == 0) { /* only IPv6 answers and no pool address for them */
        resolve_answer_give(tls, a);
        return resolve_r_result(TRY_AGAIN, EAGAIN, result, h_errnop);
    }
    rc = hostent_build(ret, buf, buflen, a->name, a->addr, a->naddr);
    resolve_answer_give(tls, a);
    if (rc < 0)
        return resolve_r_result(NETDB_INTERNAL, ERANGE, result, h_errnop);
    *result = ret;
    *h_errnop = NETDB_SUCCESS;
    errno = saved;
    return 0;
}

int resolve_gethostbyname_r(const char *name, struct hostent *ret, char *buf, size_t buflen,
                            struct hostent **result, int *h_errnop)
{
    struct resolve_tls *tls;
    if (resolve_passthrough(name) || ((tls = resolve_tls_get()) && resolve_tls_v4only(tls, name)))
        return real_gethostbyname_r(name, ret, buf, buflen, result, h_errnop);
    return resolve_byname_r(tls, name, ret, buf, buflen, result, h_errnop);
}

struct hostent *resolve_gethostbyname(const char *name)
{
    struct resolve_tls *t = resolve_tls_get();
    if (!t)
        return real_gethostbyname(name);
    struct hostent *res = NULL;
    int herr = 0;
    /* Always this thread's storage, as glibc's one buffer per call site:
     * the answer of a literal or a name just seen without IPv6
     * (resolve_tls.h) is glibc's own, copied there by its _r call. */
    int rc = resolve_passthrough(name) || resolve_tls_v4only(t, name)
                 ? real_gethostbyname_r(name, &t->he, t->buf, sizeof t->buf, &res, &herr)
                 : resolve_byname_r(t, name, &t->he, t->buf, sizeof t->buf, &res, &herr);
    if (rc == ERANGE && herr == NETDB_INTERNAL)
        return real_gethostbyname(name); /* a glibc answer larger than 8 KiB */
    if (!res && herr != 0)
        h_errno = herr;
    return res;
}

int resolve_gethostbyaddr_r(const void *addr, socklen_t len, int type, struct hostent *ret,
                            char *buf, size_t buflen, struct hostent **result, int *h_errnop)
{
    struct in_addr a;
    if (!addr || type != AF_INET || len != sizeof a)
        return real_gethostbyaddr_r(addr, len, type, ret, buf, buflen, result, h_errnop);
    memcpy(&a, addr, sizeof a);
    if (!pool_contains(a))
        return real_gethostbyaddr_r(addr, len, type, ret, buf, buflen, result, h_errnop);
    int saved = errno;
    struct pool_view *v = malloc(sizeof *v);
    if (!v)
        return resolve_r_result(NETDB_INTERNAL, ENOMEM, result, h_errnop);
    if (pool_lookup(a, v) < 0) {
        free(v);
        return resolve_r_result(HOST_NOT_FOUND, 0, result, h_errnop);
    }
    if (v->name[0] == '\0' && v->ncand > 0 && v->cand[0].family == AF_INET6) {
        /* A learnt peer: its name is the reverse of its IPv6 address. */
        struct hostent he6, *r6 = NULL;
        char tmp[2048];
        int herr = 0;
        real_gethostbyaddr_r(&v->cand[0].addr.v6, sizeof(struct in6_addr), AF_INET6, &he6, tmp,
                             sizeof tmp, &r6, &herr);
        if (!r6 || !r6->h_name) {
            free(v);
            return resolve_r_result(herr > 0 ? herr : HOST_NOT_FOUND, 0, result, h_errnop);
        }
        snprintf(v->name, sizeof v->name, "%s", r6->h_name);
    }
    int rc = hostent_build(ret, buf, buflen, v->name, &a, 1);
    free(v);
    if (rc < 0)
        return resolve_r_result(NETDB_INTERNAL, ERANGE, result, h_errnop);
    *result = ret;
    *h_errnop = NETDB_SUCCESS;
    errno = saved;
    return 0;
}

struct hostent *resolve_gethostbyaddr(const void *addr, socklen_t len, int type)
{
    struct resolve_tls *t = resolve_tls_get();
    if (!t)
        return real_gethostbyaddr(addr, len, type);
    struct hostent *res = NULL;
    int herr = 0;
    int rc = resolve_gethostbyaddr_r(addr, len, type, &t->he, t->buf, sizeof t->buf, &res, &herr);
    if (rc == ERANGE && herr == NETDB_INTERNAL)
        return real_gethostbyaddr(addr, len, type);
    if (!res && herr != 0)
        h_errno = herr;
    return res;
}

static void resolve_free_chain(struct addrinfo *ai)
{
    while (ai) {
        struct addrinfo *next = ai->ai_next;
        free(ai->ai_canonname);
        free(ai); /* ai is the first member of its struct resolve_ai block */
        ai = next;
    }
}

int resolve_getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
                        struct addrinfo **res)
{
    struct resolve_tls *tls = NULL;
    bool pass = resolve_passthrough(node);
    bool lit6 = !pass && literal_maybe(node); /* numeric: AI_NUMERICHOST is no reason to pass */
    if (!node || !hints || hints->ai_family != AF_INET || !res ||
        ((hints->ai_flags & AI_NUMERICHOST) && !lit6) || pass ||
        ((tls = resolve_tls_get()) && resolve_tls_v4only(tls, node)))
        return real_getaddrinfo(node, service, hints, res);
    int saved = errno;
    struct resolve_answer *a = malloc(sizeof *a);
    if (!a)
        return EAI_MEMORY;
    int rc = resolve_lookup(node, a);
    if (rc != 0 || (!a->has_v6 && !a->literal)) {
        if (rc == 0 && tls)
            resolve_tls_note_v4only(tls, node);
        free(a);
        errno = saved;
        return real_getaddrinfo(node, service, hints, res);
    }
    if (a->naddr == 0) {
        /* Only IPv6 answers and the pool is full (every entry live): the
         * same "try again" that gethostbyname gives, not libc's permanent
         * EAI_ADDRFAMILY/EAI_NODATA. */
        free(a);
        return EAI_AGAIN;
    }
    /* The (socktype, protocol, port) tuples and the service errors exactly as
     * glibc makes them: ask it for a numeric address with the same service. */
    struct addrinfo th = *hints;
    th.ai_flags = (hints->ai_flags & ~(AI_CANONNAME | AI_ADDRCONFIG)) | AI_NUMERICHOST;
    struct addrinfo *tmpl = NULL;
    rc = real_getaddrinfo("0.0.0.0", service, &th, &tmpl);
    if (rc != 0) {
        free(a);
        return rc;
    }
    struct addrinfo *head = NULL, **tail = &head;
    rc = 0;
    for (size_t i = 0; i < a->naddr && rc == 0; i++) {
        for (struct addrinfo *t = tmpl; t; t = t->ai_next) {
            struct resolve_ai *n = calloc(1, sizeof *n);
            if (!n) {
                rc = EAI_MEMORY;
                break;
            }
            n->ai.ai_flags = hints->ai_flags; /* as glibc: the caller's flags */
            n->ai.ai_family = AF_INET;
            n->ai.ai_socktype = t->ai_socktype;
            n->ai.ai_protocol = t->ai_protocol;
            n->ai.ai_addrlen = sizeof n->sin;
            n->ai.ai_addr = (struct sockaddr *)&n->sin;
            n->sin.sin_family = AF_INET;
            n->sin.sin_port = ((const struct sockaddr_in *)(const void *)t->ai_addr)->sin_port;
            n->sin.sin_addr = a->addr[i];
            *tail = &n->ai;
            tail = &n->ai.ai_next;
        }
    }
    real_freeaddrinfo(tmpl);
    if (rc == 0 && head && (hints->ai_flags & AI_CANONNAME)) {
        head->ai_canonname = strdup(a->name);
        if (!head->ai_canonname)
            rc = EAI_MEMORY;
    }
    free(a);
    if (rc != 0 || !head) {
        resolve_free_chain(head);
        return rc ? rc : EAI_NONAME;
    }
    struct resolve_ai *h = (struct resolve_ai *)(void *)head;
    resolve_ai_lock_take();
    h->reg_next = resolve_ai_head;
    if (resolve_ai_head)
        resolve_ai_head->reg_prev = h;
    resolve_ai_head = h;
    pthread_mutex_unlock(&resolve_ai_lock);
    *res = head;
    errno = saved;
    return 0;
}

void resolve_freeaddrinfo(struct addrinfo *res)
{
    if (!res)
        return;
    struct resolve_ai *found = NULL;
    resolve_ai_lock_take();
    for (struct resolve_ai *p = resolve_ai_head; p; p = p->reg_next) {
        if (&p->ai == res) { /* pointer comparison only: never read a foreign list */
            found = p;
            if (p->reg_prev)
                p->reg_prev->reg_next = p->reg_next;
            else
                resolve_ai_head = p->reg_next;
            if (p->reg_next)
                p->reg_next->reg_prev = p->reg_prev;
            break;
        }
    }
    pthread_mutex_unlock(&resolve_ai_lock);
    if (found)
        resolve_free_chain(res);
    else
        real_freeaddrinfo(res);
}

int resolve_getnameinfo(const struct sockaddr *sa, socklen_t salen, char *host, socklen_t hostlen,
                        char *serv, socklen_t servlen, int flags)
{
    struct sockaddr_in sin;
    if (!sa || salen < sizeof sin || sa->sa_family != AF_INET || !host || hostlen == 0 ||
        (flags & NI_NUMERICHOST))
        return real_getnameinfo(sa, salen, host, hostlen, serv, servlen, flags);
    memcpy(&sin, sa, sizeof sin);
    struct pool_view *v;
    if (!pool_contains(sin.sin_addr) || !(v = malloc(sizeof *v)))
        return real_getnameinfo(sa, salen, host, hostlen, serv, servlen, flags);
    if (pool_lookup(sin.sin_addr, v) < 0) {
        free(v);
        return real_getnameinfo(sa, salen, host, hostlen, serv, servlen, flags);
    }
    int saved = errno;
    int rc = 0;
    char name[V6_MAXHOST];
    snprintf(name, sizeof name, "%s", v->name);
    if (!name[0] && v->ncand > 0 && v->cand[0].family == AF_INET6) {
        struct sockaddr_in6 s6 = {.sin6_family = AF_INET6,
                                  .sin6_addr = v->cand[0].addr.v6,
                                  .sin6_scope_id = v->cand[0].scope_id};
        if (real_getnameinfo((struct sockaddr *)&s6, sizeof s6, name, sizeof name, NULL, 0,
                             (flags & ~NI_NUMERICSERV) | NI_NAMEREQD) != 0) {
            if (flags & NI_NAMEREQD)
                rc = EAI_NONAME;
            else
                inet_ntop(AF_INET, &sin.sin_addr, name, sizeof name);
        }
    }
    free(v);
    if (rc == 0 && serv && servlen)
        rc = real_getnameinfo(sa, salen, NULL, 0, serv, servlen, flags);
    if (rc == 0 && strlen(name) >= hostlen)
        rc = EAI_OVERFLOW;
    if (rc == 0) {
        strcpy(host, name);
        errno = saved;
    }
    return rc;
}
/* NOLINTEND(v6-addr-in-uint32,v6-family-switch-no-v6,v6-hints-family-inet,v6-sin-family-inet,v6-sockaddr-compare,v6-sockaddr-in-decl) */
