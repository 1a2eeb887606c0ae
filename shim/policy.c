/*
 * policy — the RFC 6724 policy table and destination sort. Pure: no system
 * calls here (source probing lives in policy_probe.c, gai.conf in gaiconf.c).
 */
#include "policy.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* One column: rows kept longest prefix first, no two with the same
 * prefix/length, so the first match is the longest match. */
struct policy_rows {
    struct policy_row *v;
    size_t n;
};

struct policy_table {
    struct policy_rows col[3]; /* indexed by enum policy_column */
};

/* Address literals for the preset tables. */
#define A6(...)                    \
    {                              \
        .s6_addr = { __VA_ARGS__ } \
    }
#define LOOPBACK A6([15] = 1)
#define ANY A6(0)
#define MAPPED A6([10] = 0xff, [11] = 0xff)
#define MAPPED4(a, b) A6([10] = 0xff, [11] = 0xff, [12] = (a), [13] = (b))

/* RFC 6724 §2.1. */
static const struct policy_row rfc6724_label[] = {
    {LOOPBACK, 128, 0},       {ANY, 0, 1},       {MAPPED, 96, 4}, {A6(0x20, 0x02), 16, 2},
    {A6(0x20, 0x01), 32, 5},  {A6(0xfc), 7, 13}, {ANY, 96, 3},    {A6(0xfe, 0xc0), 10, 11},
    {A6(0x3f, 0xfe), 16, 12},
};
static const struct policy_row rfc6724_precedence[] = {
    {LOOPBACK, 128, 50},     {ANY, 0, 40},     {MAPPED, 96, 35}, {A6(0x20, 0x02), 16, 30},
    {A6(0x20, 0x01), 32, 5}, {A6(0xfc), 7, 3}, {ANY, 96, 1},     {A6(0xfe, 0xc0), 10, 1},
    {A6(0x3f, 0xfe), 16, 1},
};

/* draft-ietf-6man-rfc6724-update §5.1: IPv4 20, 6to4 5, ULA 30. */
static const struct policy_row ula_update_precedence[] = {
    {LOOPBACK, 128, 50},     {ANY, 0, 40},      {MAPPED, 96, 20}, {A6(0x20, 0x02), 16, 5},
    {A6(0x20, 0x01), 32, 5}, {A6(0xfc), 7, 30}, {ANY, 96, 1},     {A6(0xfe, 0xc0), 10, 1},
    {A6(0x3f, 0xfe), 16, 1},
};

/* glibc's default_labels / default_precedence (RFC 3484 plus its own
 * site-local, ULA and Teredo labels). */
static const struct policy_row glibc_label[] = {
    {LOOPBACK, 128, 0},
    {A6(0x20, 0x02), 16, 2},
    {ANY, 96, 3},
    {MAPPED, 96, 4},
    {A6(0xfe, 0xc0), 10, 5},
    {A6(0xfc), 7, 6},
    {A6(0x20, 0x01), 32, 7},
    {ANY, 0, 1},
};
static const struct policy_row glibc_precedence[] = {
    {LOOPBACK, 128, 50}, {A6(0x20, 0x02), 16, 30}, {ANY, 96, 20}, {MAPPED, 96, 10}, {ANY, 0, 40},
};

/* RFC 6724 §3.2 (and glibc's default_scopes): IPv4 loopback and
 * link-local are link-local scope, every other IPv4 address global. */
static const struct policy_row default_scopev4[] = {
    {MAPPED4(169, 254), 112, 2},
    {MAPPED4(127, 0), 104, 2},
    {MAPPED, 96, 14},
};

/* The catch-all glibc appends to a replaced column that lacks one. */
static const struct policy_row catch_all[] = {
    [POLICY_COL_LABEL] = {ANY, 0, 1},
    [POLICY_COL_PRECEDENCE] = {ANY, 0, 40},
    [POLICY_COL_SCOPEV4] = {MAPPED, 96, 14},
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static bool prefix_match(const struct in6_addr *a, const struct in6_addr *p, unsigned bits)
{
    unsigned full = bits / 8, rest = bits % 8;
    if (memcmp(a->s6_addr, p->s6_addr, full) != 0)
        return false;
    if (rest == 0)
        return true;
    uint8_t mask = (uint8_t)(0xff00u >> rest);
    return (a->s6_addr[full] & mask) == (p->s6_addr[full] & mask);
}

static void clear_host_bits(struct in6_addr *a, unsigned bits)
{
    for (unsigned i = 0; i < 16; i++) {
        if (bits >= 8 * (i + 1))
            continue;
        if (bits <= 8 * i)
            a->s6_addr[i] = 0;
        else
            a->s6_addr[i] &= (uint8_t)(0xff00u >> (bits - 8 * i));
    }
}

static bool row_valid(enum policy_column col, const struct policy_row *r)
{
    if (r->bits > 128)
        return false;
    if (col == POLICY_COL_SCOPEV4)
        return r->bits >= 96 && IN6_IS_ADDR_V4MAPPED(&r->prefix);
    return true;
}

/*
 * Build a column from ROWS[0..N) (+ CATCH when not NULL): host bits
 * cleared, duplicates collapsed (the later row wins), longest first
 * (insertion sort keeps the input order among equal lengths).
 */
static int rows_build(struct policy_rows *out, const struct policy_row *rows, size_t n,
                      const struct policy_row *catch)
{
    size_t cap = n + (catch != NULL);
    struct policy_row *v = calloc(cap, sizeof(*v));
    if (v == NULL)
        return -ENOMEM;
    size_t m = 0;
    for (size_t i = 0; i < cap; i++) {
        struct policy_row r = i < n ? rows[i] : *catch;
        clear_host_bits(&r.prefix, r.bits);
        size_t j;
        for (j = 0; j < m; j++)
            if (v[j].bits == r.bits && IN6_ARE_ADDR_EQUAL(&v[j].prefix, &r.prefix))
                break;
        if (j < m) {
            if (i < n) /* a later row replaces; the catch-all never does */
                v[j].value = r.value;
            continue;
        }
        size_t k = m++;
        while (k > 0 && v[k - 1].bits < r.bits) {
            v[k] = v[k - 1];
            k--;
        }
        v[k] = r;
    }
    out->v = v;
    out->n = m;
    return 0;
}

static bool rows_cover_all(enum policy_column col, const struct policy_row *rows, size_t n)
{
    unsigned all = col == POLICY_COL_SCOPEV4 ? 96 : 0;
    for (size_t i = 0; i < n; i++)
        if (rows[i].bits == all && (all == 0 || IN6_IS_ADDR_V4MAPPED(&rows[i].prefix)))
            return true;
    return false;
}

int policy_table_new(enum policy_preset preset, struct policy_table **out)
{
    const struct policy_row *label, *prec;
    size_t nlabel, nprec;
    switch (preset) {
    case POLICY_RFC6724:
        label = rfc6724_label, nlabel = NELEM(rfc6724_label);
        prec = rfc6724_precedence, nprec = NELEM(rfc6724_precedence);
        break;
    case POLICY_RFC3484_GLIBC:
        label = glibc_label, nlabel = NELEM(glibc_label);
        prec = glibc_precedence, nprec = NELEM(glibc_precedence);
        break;
    case POLICY_RFC6724_ULA_UPDATE:
        label = rfc6724_label, nlabel = NELEM(rfc6724_label);
        prec = ula_update_precedence, nprec = NELEM(ula_update_precedence);
        break;
    default: return -EINVAL;
    }
    struct policy_table *t = calloc(1, sizeof(*t));
    if (t == NULL)
        return -ENOMEM;
    if (rows_build(&t->col[POLICY_COL_LABEL], label, nlabel, NULL) < 0 ||
        rows_build(&t->col[POLICY_COL_PRECEDENCE], prec, nprec, NULL) < 0 ||
        rows_build(&t->col[POLICY_COL_SCOPEV4], default_scopev4, NELEM(default_scopev4), NULL) <
            0) {
        policy_table_free(t);
        return -ENOMEM;
    }
    *out = t;
    return 0;
}

void policy_table_free(struct policy_table *t)
{
    if (t == NULL)
        return;
    for (size_t i = 0; i < NELEM(t->col); i++)
        free(t->col[i].v);
    free(t);
}

int policy_table_clone(const struct policy_table *t, struct policy_table **out)
{
    struct policy_table *c = calloc(1, sizeof(*c));
    if (c == NULL)
        return -ENOMEM;
    for (size_t i = 0; i < NELEM(t->col); i++) {
        if (rows_build(&c->col[i], t->col[i].v, t->col[i].n, NULL) < 0) {
            policy_table_free(c);
            return -ENOMEM;
        }
    }
    *out = c;
    return 0;
}

void policy_table_swap(struct policy_table *a, struct policy_table *b)
{
    struct policy_table tmp = *a;
    *a = *b;
    *b = tmp;
}

int policy_table_replace(struct policy_table *t, enum policy_column col,
                         const struct policy_row *rows, size_t n)
{
    if ((unsigned)col >= NELEM(t->col) || n == 0)
        return -EINVAL;
    for (size_t i = 0; i < n; i++)
        if (!row_valid(col, &rows[i]))
            return -EINVAL;
    struct policy_rows fresh;
    int rc = rows_build(&fresh, rows, n, rows_cover_all(col, rows, n) ? NULL : &catch_all[col]);
    if (rc < 0)
        return rc;
    free(t->col[col].v);
    t->col[col] = fresh;
    return 0;
}

size_t policy_table_rows(const struct policy_table *t, enum policy_column col,
                         struct policy_row *out, size_t max)
{
    if ((unsigned)col >= NELEM(t->col))
        return 0;
    const struct policy_rows *c = &t->col[col];
    for (size_t i = 0; i < c->n && i < max; i++)
        out[i] = c->v[i];
    return c->n;
}

/* Insert or update one row of column COL, keeping the column's order. */
static int rows_put(struct policy_rows *c, const struct policy_row *r)
{
    struct policy_rows fresh;
    struct policy_row *all = malloc((c->n + 1) * sizeof(*all));
    if (all == NULL)
        return -ENOMEM;
    memcpy(all, c->v, c->n * sizeof(*all));
    all[c->n] = *r;
    int rc = rows_build(&fresh, all, c->n + 1, NULL);
    free(all);
    if (rc < 0)
        return rc;
    free(c->v);
    *c = fresh;
    return 0;
}

int policy_table_add_known_local(struct policy_table *t, const struct in6_addr *prefix,
                                 unsigned bits)
{
    if (bits < 8 || bits > 128 || prefix->s6_addr[0] != 0xfd)
        return -EINVAL;
    struct policy_row label = {*prefix, bits, POLICY_KNOWN_LOCAL_LABEL};
    struct policy_row prec = {*prefix, bits, POLICY_KNOWN_LOCAL_PRECEDENCE};
    struct policy_table *c;
    int rc = policy_table_clone(t, &c); /* both columns or neither */
    if (rc < 0)
        return rc;
    if ((rc = rows_put(&c->col[POLICY_COL_LABEL], &label)) == 0 &&
        (rc = rows_put(&c->col[POLICY_COL_PRECEDENCE], &prec)) == 0)
        policy_table_swap(t, c);
    policy_table_free(c);
    return rc;
}

/* Value of the longest row of C matching A; rows always include a
 * catch-all, so FALLBACK only guards an empty column. */
static int rows_lookup(const struct policy_rows *c, const struct in6_addr *a, int fallback)
{
    for (size_t i = 0; i < c->n; i++)
        if (prefix_match(a, &c->v[i].prefix, c->v[i].bits))
            return c->v[i].value;
    return fallback;
}

int policy_precedence(const struct policy_table *t, const struct in6_addr *a)
{
    return rows_lookup(&t->col[POLICY_COL_PRECEDENCE], a, 0);
}

int policy_label(const struct policy_table *t, const struct in6_addr *a)
{
    return rows_lookup(&t->col[POLICY_COL_LABEL], a, 1);
}

int policy_scope(const struct policy_table *t, const struct in6_addr *a)
{
    if (IN6_IS_ADDR_V4MAPPED(a))
        return rows_lookup(&t->col[POLICY_COL_SCOPEV4], a, 14);
    if (IN6_IS_ADDR_MULTICAST(a))
        return a->s6_addr[1] & 0x0f; /* RFC 4291 §2.7 scop field */
    if (IN6_IS_ADDR_LINKLOCAL(a) || IN6_IS_ADDR_LOOPBACK(a))
        return 2; /* RFC 6724 §3.1: loopback is link-local scope */
    if (IN6_IS_ADDR_SITELOCAL(a))
        return 5;
    return 14; /* global, including ULA (RFC 6724 §3.1) */
}

unsigned policy_common_prefix_len(const struct in6_addr *s, const struct in6_addr *d,
                                  unsigned src_prefixlen)
{
    bool s4 = IN6_IS_ADDR_V4MAPPED(s), d4 = IN6_IS_ADDR_V4MAPPED(d);
    if (s4 != d4)
        return 0;
    unsigned cap;
    if (s4)
        cap = 96 + (src_prefixlen == 0 || src_prefixlen > 32 ? 32 : src_prefixlen);
    else
        cap = src_prefixlen == 0 || src_prefixlen > 128 ? 64 : src_prefixlen;
    unsigned n = 0;
    for (unsigned i = 0; i < 16 && n < cap; i++) {
        uint8_t x = s->s6_addr[i] ^ d->s6_addr[i];
        if (x == 0) {
            n += 8;
            continue;
        }
        while (!(x & 0x80)) {
            n++;
            x = (uint8_t)(x << 1);
        }
        break;
    }
    return n < cap ? n : cap;
}

static int decided(int *rule, int which, int order)
{
    if (rule != NULL)
        *rule = which;
    return order;
}

/* -1 when only A has the property, 1 when only B has it, 0 otherwise. */
static int prefer(bool a, bool b)
{
    return a == b ? 0 : a ? -1 : 1;
}

/* What the rules need of one candidate, looked up once per candidate so a
 * sort does n table lookups rather than n^2. */
struct policy_key {
    const struct policy_cand *c;
    int scope_dst;
    bool scope_match; /* rule 2 */
    bool label_match; /* rule 5 */
    int precedence;   /* rule 6 */
    bool mapped;      /* rule 9: address family */
    unsigned cpl;     /* rule 9 */
};

static void policy_key_of(const struct policy_table *t, const struct policy_cand *c,
                          struct policy_key *k)
{
    const struct in6_addr *d = &c->dst.sin6_addr, *s = &c->src.sin6_addr;
    k->c = c;
    k->scope_dst = policy_scope(t, d);
    k->precedence = policy_precedence(t, d);
    k->mapped = IN6_IS_ADDR_V4MAPPED(d);
    k->scope_match = c->src_ok && k->scope_dst == policy_scope(t, s);
    k->label_match = c->src_ok && policy_label(t, d) == policy_label(t, s);
    k->cpl = c->src_ok ? policy_common_prefix_len(s, d, c->src_prefixlen) : 0;
}

static int policy_key_compare(const struct policy_key *ka, const struct policy_key *kb, int *rule)
{
    const struct policy_cand *a = ka->c, *b = kb->c;
    int o;

    /* Rule 1: avoid unusable destinations. */
    if ((o = prefer(a->src_ok, b->src_ok)) != 0)
        return decided(rule, 1, o);
    /* From here both have a source or neither has; the source rules
     * (2, 3, 4, 5, 7, 9) only apply when both have one. */
    bool src = a->src_ok;
    /* Rule 2: prefer matching scope. */
    if (src && (o = prefer(ka->scope_match, kb->scope_match)) != 0)
        return decided(rule, 2, o);
    /* Rule 3: avoid deprecated addresses. */
    if (src && (o = prefer(!(a->src_flags & POLICY_SRC_DEPRECATED),
                           !(b->src_flags & POLICY_SRC_DEPRECATED))) != 0)
        return decided(rule, 3, o);
    /* Rule 4: prefer home addresses. */
    if (src && (o = prefer(a->src_flags & POLICY_SRC_HOME, b->src_flags & POLICY_SRC_HOME)) != 0)
        return decided(rule, 4, o);
    /* Rule 5: prefer matching label. */
    if (src && (o = prefer(ka->label_match, kb->label_match)) != 0)
        return decided(rule, 5, o);
    /* Rule 6: prefer higher precedence. */
    if (ka->precedence != kb->precedence)
        return decided(rule, 6, ka->precedence > kb->precedence ? -1 : 1);
    /* Rule 7: prefer native transport (unknown counts as native). */
    if (src &&
        (o = prefer(!(a->src_flags & POLICY_SRC_ENCAP), !(b->src_flags & POLICY_SRC_ENCAP))) != 0)
        return decided(rule, 7, o);
    /* Rule 8: prefer smaller scope. */
    if (ka->scope_dst != kb->scope_dst)
        return decided(rule, 8, ka->scope_dst < kb->scope_dst ? -1 : 1);
    /* Rule 9: longest matching prefix, within one address family. */
    if (src && ka->mapped == kb->mapped && ka->cpl != kb->cpl)
        return decided(rule, 9, ka->cpl > kb->cpl ? -1 : 1);
    /* Rule 10: otherwise leave the order unchanged. */
    if (a->index != b->index)
        return decided(rule, 10, a->index < b->index ? -1 : 1);
    return decided(rule, 0, 0);
}

int policy_compare(const struct policy_table *t, const struct policy_cand *a,
                   const struct policy_cand *b, int *rule)
{
    struct policy_key ka, kb;
    policy_key_of(t, a, &ka);
    policy_key_of(t, b, &kb);
    return policy_key_compare(&ka, &kb, rule);
}

/* Lists up to this long are sorted on keys on the stack; longer ones
 * compare pairwise (no allocation, same result). */
#define POLICY_SORT_KEYS 32

void policy_sort(const struct policy_table *t, struct policy_cand *c, size_t n)
{
    policy_sort_rules(t, c, n, NULL);
}

void policy_sort_rules(const struct policy_table *t, struct policy_cand *c, size_t n, int *rule)
{
    if (n < 2)
        return;
    if (n > POLICY_SORT_KEYS) {
        for (size_t i = 1; i < n; i++) {
            struct policy_cand x = c[i];
            size_t j = i;
            while (j > 0 && policy_compare(t, &x, &c[j - 1], NULL) < 0) {
                c[j] = c[j - 1];
                j--;
            }
            c[j] = x;
        }
        for (size_t i = 0; rule && i + 1 < n; i++)
            policy_compare(t, &c[i], &c[i + 1], &rule[i]);
        return;
    }
    /* Insertion sort of keys: stable, and well defined even where the
     * pairwise rules are not transitive; answers are short lists. */
    struct policy_key key[POLICY_SORT_KEYS];
    struct policy_cand copy[POLICY_SORT_KEYS];
    memcpy(copy, c, n * sizeof(*c));
    for (size_t i = 0; i < n; i++)
        policy_key_of(t, &copy[i], &key[i]);
    for (size_t i = 1; i < n; i++) {
        struct policy_key x = key[i];
        size_t j = i;
        while (j > 0 && policy_key_compare(&x, &key[j - 1], NULL) < 0) {
            key[j] = key[j - 1];
            j--;
        }
        key[j] = x;
    }
    for (size_t i = 0; rule && i + 1 < n; i++)
        policy_key_compare(&key[i], &key[i + 1], &rule[i]);
    for (size_t i = 0; i < n; i++)
        c[i] = *key[i].c;
}

const char *policy_rule_name(int rule)
{
    static const char *const names[] = {
        [1] = "rule 1 (avoid unusable destinations)", [2] = "rule 2 (prefer matching scope)",
        [3] = "rule 3 (avoid deprecated addresses)",  [4] = "rule 4 (prefer home addresses)",
        [5] = "rule 5 (prefer matching label)",       [6] = "rule 6 (prefer higher precedence)",
        [7] = "rule 7 (prefer native transport)",     [8] = "rule 8 (prefer smaller scope)",
        [9] = "rule 9 (use longest matching prefix)", [10] = "rule 10 (keep the resolver's order)",
    };
    if (rule < 1 || rule > 10)
        return "no rule";
    return names[rule];
}
