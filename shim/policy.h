/*
 * policy — RFC 6724 destination address selection for the shim.
 *
 * A policy table (label, precedence and IPv4 scope columns, each a list of
 * prefixes matched longest-first), the ten destination rules of RFC 6724 §6
 * as a comparison and a stable sort, and source probing the way glibc does
 * it (a UDP connect per candidate, no packet sent, plus the address flags of
 * a netlink RTM_GETADDR dump). The table and the sort are pure; only
 * policy_probe_sources*() touch the kernel. docs/internals/policy.md says
 * what differs from glibc and why.
 *
 * Addresses are IPv6 throughout: an IPv4 address is written as its
 * IPv4-mapped form ::ffff:a.b.c.d (RFC 6724 §6: "the IPv4 address MUST be
 * represented as an IPv4-mapped address").
 *
 * Threads: a table is immutable once built; any number of threads may sort
 * with one table at the same time. Building (new, load, replace, add) is
 * the caller's to serialise.
 */
#ifndef V6SHIM_POLICY_H
#define V6SHIM_POLICY_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

enum policy_preset {
    POLICY_RFC6724,            /* RFC 6724 §2.1 default table */
    POLICY_RFC3484_GLIBC,      /* the RFC 3484 tables glibc ships (nss/getaddrinfo.c) */
    POLICY_RFC6724_ULA_UPDATE, /* draft-ietf-6man-rfc6724-update: ULA above IPv4, 6to4 demoted */
};

struct policy_table; /* opaque */

/* A new table holding PRESET's three columns. 0, -EINVAL (unknown preset)
 * or -ENOMEM; *OUT is set only on success. */
int policy_table_new(enum policy_preset preset, struct policy_table **out);

/*
 * Apply the gai.conf file PATH to T (implemented in gaiconf.c; syntax in
 * gaiconf.h). All or nothing: on error T is unchanged, and ERR (if ERRLEN
 * > 0) holds one line "PATH:LINE: problem" ("PATH: problem" when the file
 * as a whole cannot be read).
 * Returns 0, -ENOENT (missing file), -EACCES etc. (cannot read), -EINVAL
 * (bad line) or -ENOMEM.
 */
int policy_table_load_gaiconf(struct policy_table *t, const char *path, char *err, size_t errlen);

/* Free T and its rows. NULL is a no-op. */
void policy_table_free(struct policy_table *t);

/* A deep copy of T in *OUT. 0 or -ENOMEM. */
int policy_table_clone(const struct policy_table *t, struct policy_table **out);

/* Exchange the contents of A and B (to commit a clone). */
void policy_table_swap(struct policy_table *a, struct policy_table *b);

/* The three columns of a table. */
enum policy_column {
    POLICY_COL_LABEL,      /* gai.conf `label` */
    POLICY_COL_PRECEDENCE, /* gai.conf `precedence` */
    POLICY_COL_SCOPEV4,    /* gai.conf `scopev4`: prefixes inside ::ffff:0:0/96 */
};

/* One row: addresses matching PREFIX/BITS get VALUE. */
struct policy_row {
    struct in6_addr prefix; /* bits past BITS are zero */
    unsigned bits;          /* 0..128; SCOPEV4 rows: 96..128 */
    int value;
};

/*
 * Replace column COL of T with ROWS[0..N) (glibc's gai.conf semantics). The
 * prefix bits past BITS are cleared. A row whose prefix and length repeat an
 * earlier one replaces it (the later line wins). When no row covers every
 * address (::/0, or ::ffff:0:0/96 for SCOPEV4), the catch-all is appended:
 * label 1, precedence 40, IPv4 scope 14 — the values glibc appends.
 * Returns 0, -EINVAL (N == 0, bits out of range, SCOPEV4 row outside
 * ::ffff:0:0/96) or -ENOMEM; on error T is unchanged.
 */
int policy_table_replace(struct policy_table *t, enum policy_column col,
                         const struct policy_row *rows, size_t n);

/*
 * Copy up to MAX rows of column COL, longest prefix first, into OUT. Returns
 * the column's row count (which may exceed MAX). For v6run --check-config.
 */
size_t policy_table_rows(const struct policy_table *t, enum policy_column col,
                         struct policy_row *out, size_t max);

/*
 * Add a known-local ULA prefix (draft-ietf-6man-rfc6724-update §5.3): label
 * 14, precedence 45, to both columns. PREFIX must lie inside fd00::/8 and
 * BITS be 8..128. 0, -EINVAL or -ENOMEM.
 */
int policy_table_add_known_local(struct policy_table *t, const struct in6_addr *prefix,
                                 unsigned bits);

struct policy_sockops; /* declared below, with the probe */

/*
 * Learn known-local ULA prefixes from this host's interface addresses
 * (draft-ietf-6man-rfc6724-update §5.3 item 4): every address in fd00::/8
 * that is not tentative or failed DAD adds its /48 with
 * policy_table_add_known_local(). One netlink RTM_GETADDR dump through OPS
 * (NULL, or NULL members: libc's; see policy_probe_sources_ops()). Returns
 * the number of prefixes added (a /48 counts once), or -errno (T unchanged).
 */
int policy_table_learn_known_local(struct policy_table *t, const struct policy_sockops *ops);

#define POLICY_KNOWN_LOCAL_LABEL 14
#define POLICY_KNOWN_LOCAL_PRECEDENCE 45

/* Source flags (policy_cand.src_flags). */
#define POLICY_SRC_DEPRECATED 0x01u /* rule 3: source is deprecated (or optimistic) */
#define POLICY_SRC_HOME 0x02u       /* rule 4: source is a Mobile IPv6 home address */
#define POLICY_SRC_TEMPORARY 0x04u  /* RFC 4941 temporary address (informational) */
#define POLICY_SRC_NATIVE 0x08u     /* the probe saw the interface: not a tunnel (informational) */
#define POLICY_SRC_ENCAP 0x10u      /* rule 7: reached through an encapsulating interface */

struct policy_cand {
    struct sockaddr_in6 dst; /* IPv4 destinations as ::ffff:a.b.c.d, scope id kept */
    struct sockaddr_in6 src; /* chosen source (probed or injected), IPv4 as mapped */
    bool src_ok;             /* false: no route/source -> rule 1 */
    unsigned src_flags;      /* POLICY_SRC_* */
    unsigned src_prefixlen;  /* prefix length of the source's on-link prefix, 0 unknown;
                                 for an IPv4 source the IPv4 length (0..32) */
    size_t index;            /* position in the resolver's answer: rule 10 */
};

/*
 * Fill src, src_ok, src_flags and src_prefixlen of C[0..N) from the kernel:
 * per candidate one connect of a UDP socket (no packet is sent) and
 * getsockname; IPv6 destinations on an AF_INET6 socket, IPv4 ones (mapped
 * dst) on an AF_INET socket, as glibc does; flags and prefix lengths from
 * one netlink RTM_GETADDR dump and interface types from RTM_GETLINK.
 * A candidate whose connect fails gets src_ok = false. Returns 0, or
 * -errno when no probe could run at all (then every src_ok is false).
 * Calls libc's socket/connect/getsockname/close directly: inside the
 * preloaded library use policy_probe_sources_ops() with the real_*
 * forwarders instead, or the shim's own hooks see these sockets.
 */
int policy_probe_sources(struct policy_cand *c, size_t n);

/* The socket calls policy_probe_sources_ops() makes. */
struct policy_sockops {
    int (*socket)(int domain, int type, int protocol);
    int (*connect)(int fd, const struct sockaddr *addr, socklen_t len);
    int (*getsockname)(int fd, struct sockaddr *addr, socklen_t *len);
    int (*close)(int fd);
    ssize_t (*send)(int fd, const void *buf, size_t len, int flags);
    ssize_t (*recv)(int fd, void *buf, size_t len, int flags);
};

/* policy_probe_sources() through OPS (NULL members: libc's). */
int policy_probe_sources_ops(const struct policy_sockops *ops, struct policy_cand *c, size_t n);

/*
 * Sort C[0..N) in place by RFC 6724 §6 rules 1-10. Stable: rule 10 keeps
 * the order of `index` (set it to the answer position before sorting).
 */
void policy_sort(const struct policy_table *t, struct policy_cand *c, size_t n);

/*
 * policy_sort, and RULE[i] (0 <= i < N-1) = the rule that puts the sorted
 * C[i] before C[i+1], as policy_compare would say, from the same per-
 * candidate lookups as the sort (no second pass over the table).
 */
void policy_sort_rules(const struct policy_table *t, struct policy_cand *c, size_t n, int *rule);

/*
 * Compare two candidates: <0 when A comes first, >0 when B does, 0 only when
 * A and B have the same index. *RULE (if not NULL) is set to the deciding
 * rule 1..10 (0 when equal).
 */
int policy_compare(const struct policy_table *t, const struct policy_cand *a,
                   const struct policy_cand *b, int *rule);

/* "rule 6 (prefer higher precedence)" etc. for RULE 1..10; "no rule" else. */
const char *policy_rule_name(int rule);

/* Attributes of an address under T (IPv4 as mapped). */
int policy_precedence(const struct policy_table *t, const struct in6_addr *a);
int policy_label(const struct policy_table *t, const struct in6_addr *a);
/* RFC 6724 §3 scope: 1 interface, 2 link (also ::1 and IPv4 127/8, 169.254/16
 * by default), 5 site (fec0::/10), 14 global (also ULA); multicast from its
 * scope field; IPv4 from the SCOPEV4 column. */
int policy_scope(const struct policy_table *t, const struct in6_addr *a);

/*
 * CommonPrefixLen(S, D) of RFC 6724 §2.2: leading bits S and D share, at most
 * the length of S's prefix. SRC_PREFIXLEN is the source's on-link prefix
 * length (IPv4: 0..32), 0 unknown: then 64 for IPv6 (the interface ID
 * boundary) and 32 for IPv4. For IPv4 (both mapped) the count covers the
 * whole mapped address, so it is 96 + the IPv4 bits (RFC 6724 erratum 6971).
 * 0 when exactly one of S and D is IPv4-mapped.
 */
unsigned policy_common_prefix_len(const struct in6_addr *s, const struct in6_addr *d,
                                  unsigned src_prefixlen);

#endif
