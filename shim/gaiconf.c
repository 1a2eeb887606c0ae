/*
 * gaiconf — the gai.conf parser. Reads with textfile_read (no stdio, never
 * blocks: this runs inside the preloaded library too) and parses with
 * inet_pton.
 */
#include "gaiconf.h"
#include "addr.h"
#include "textfile.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Rows gathered per column while parsing. */
struct gaiconf_list {
    struct policy_row *v;
    size_t n, cap;
};

struct gaiconf_state {
    const char *name;
    unsigned line;
    char *err;
    size_t errlen;
    struct gaiconf_list col[3]; /* by enum policy_column */
};

__attribute__((format(printf, 2, 3))) static int gaiconf_fail(struct gaiconf_state *s,
                                                              const char *fmt, ...)
{
    if (s->errlen > 0) {
        int k = snprintf(s->err, s->errlen, "%s:%u: ", s->name, s->line);
        if (k >= 0 && (size_t)k < s->errlen) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(s->err + k, s->errlen - (size_t)k, fmt, ap);
            va_end(ap);
        }
    }
    return -EINVAL;
}

static int gaiconf_push(struct gaiconf_list *l, const struct policy_row *r)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 8;
        struct policy_row *v = reallocarray(l->v, cap, sizeof(*v));
        if (v == NULL)
            return -ENOMEM;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = *r;
    return 0;
}

/* Decimal digits only, value <= MAX. */
static bool gaiconf_number(const char *s, unsigned long max, unsigned long *out)
{
    if (*s == '\0')
        return false;
    unsigned long v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
        v = v * 10 + (unsigned long)(*s - '0');
        if (v > max)
            return false;
    }
    *out = v;
    return true;
}

static int gaiconf_value(struct gaiconf_state *s, const char *kw, const char *tok, int *out)
{
    unsigned long v;
    if (tok == NULL)
        return gaiconf_fail(s, "%s: missing value", kw);
    if (!gaiconf_number(tok, INT_MAX, &v))
        return gaiconf_fail(s, "%s: value \"%s\" is not a number 0..%d", kw, tok, INT_MAX);
    *out = (int)v;
    return 0;
}

/* label / precedence PREFIX[/BITS] VALUE */
static int gaiconf_prefix_line(struct gaiconf_state *s, enum policy_column col, const char *kw,
                               char **tok)
{
    struct policy_row r = {.bits = 128};
    if (tok[0] == NULL)
        return gaiconf_fail(s, "%s: missing prefix", kw);
    char *slash = strchr(tok[0], '/');
    if (slash != NULL)
        *slash = '\0';
    if (inet_pton(AF_INET6, tok[0], &r.prefix) != 1)
        return gaiconf_fail(s, "%s: \"%s\" is not an IPv6 address", kw, tok[0]);
    unsigned long bits;
    if (slash != NULL) {
        if (!gaiconf_number(slash + 1, 128, &bits))
            return gaiconf_fail(s, "%s: prefix length \"%s\" is not 0..128", kw, slash + 1);
        r.bits = (unsigned)bits;
    }
    int rc = gaiconf_value(s, kw, tok[1], &r.value);
    if (rc < 0)
        return rc;
    return gaiconf_push(&s->col[col], &r);
}

/* scopev4 ADDR[/BITS] VALUE, ADDR IPv4 (BITS 0..32) or ::ffff: (96..128) */
static int gaiconf_scope_line(struct gaiconf_state *s, char **tok)
{
    static const char kw[] = "scopev4";
    struct policy_row r = {.bits = 128};
    if (tok[0] == NULL)
        return gaiconf_fail(s, "%s: missing address", kw);
    char *slash = strchr(tok[0], '/');
    if (slash != NULL)
        *slash = '\0';
    struct in_addr v4;
    unsigned long bits, lo, hi;
    if (inet_pton(AF_INET, tok[0], &v4) == 1) {
        addr_mapped(v4, &r.prefix);
        lo = 0, hi = 32;
    } else if (inet_pton(AF_INET6, tok[0], &r.prefix) == 1 && IN6_IS_ADDR_V4MAPPED(&r.prefix)) {
        lo = 96, hi = 128;
    } else {
        return gaiconf_fail(s, "%s: \"%s\" is not an IPv4 or ::ffff:a.b.c.d address", kw, tok[0]);
    }
    bits = hi;
    if (slash != NULL && (!gaiconf_number(slash + 1, hi, &bits) || bits < lo))
        return gaiconf_fail(s, "%s: prefix length \"%s\" is not %lu..%lu", kw, slash + 1, lo, hi);
    r.bits = (unsigned)(hi == 32 ? bits + 96 : bits);
    int rc = gaiconf_value(s, kw, tok[1], &r.value);
    if (rc < 0)
        return rc;
    return gaiconf_push(&s->col[POLICY_COL_SCOPEV4], &r);
}

/* Split LINE (NUL-terminated, comment already cut) into at most MAX
 * whitespace-separated tokens; returns the count, MAX+1 if there are more. */
static size_t gaiconf_split(char *line, char **tok, size_t max)
{
    size_t n = 0;
    char *p = line;
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\f' || *p == '\v')
            p++;
        if (*p == '\0')
            return n;
        if (n == max)
            return max + 1;
        tok[n++] = p;
        while (*p && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\f' && *p != '\v')
            p++;
        if (*p)
            *p++ = '\0';
    }
}

static int gaiconf_line(struct gaiconf_state *s, char *line)
{
    char *hash = strchr(line, '#');
    if (hash != NULL)
        *hash = '\0';
    char *tok[4] = {NULL, NULL, NULL, NULL};
    size_t n = gaiconf_split(line, tok, 3);
    if (n == 0)
        return 0;
    const char *kw = tok[0];
    if (n > 3)
        return gaiconf_fail(s, "%s: unexpected text after the value", kw);
    if (strcmp(kw, "label") == 0)
        return gaiconf_prefix_line(s, POLICY_COL_LABEL, kw, tok + 1);
    if (strcmp(kw, "precedence") == 0)
        return gaiconf_prefix_line(s, POLICY_COL_PRECEDENCE, kw, tok + 1);
    if (strcmp(kw, "scopev4") == 0)
        return gaiconf_scope_line(s, tok + 1);
    if (strcmp(kw, "reload") == 0) {
        if (tok[1] == NULL || (strcmp(tok[1], "yes") != 0 && strcmp(tok[1], "no") != 0))
            return gaiconf_fail(s, "reload: value must be yes or no");
        if (tok[2] != NULL)
            return gaiconf_fail(s, "%s: unexpected text after the value", kw);
        return 0; /* the table is read once; see docs/internals/policy.md */
    }
    return gaiconf_fail(s, "unknown keyword \"%s\"", kw);
}

int gaiconf_apply(struct policy_table *t, const char *name, const char *text, size_t len, char *err,
                  size_t errlen)
{
    struct gaiconf_state s = {.name = name, .err = err, .errlen = errlen};
    struct policy_table *c = NULL;
    char *line = NULL;
    int rc = 0;
    if (errlen > 0)
        err[0] = '\0';

    size_t pos = 0;
    while (pos < len && rc == 0) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl != NULL ? (size_t)(nl - text) : len;
        s.line++;
        char *copy = realloc(line, end - pos + 1);
        if (copy == NULL) {
            rc = -ENOMEM;
            break;
        }
        line = copy;
        memcpy(line, text + pos, end - pos);
        line[end - pos] = '\0';
        if (strlen(line) != end - pos)
            rc = gaiconf_fail(&s, "NUL byte in line");
        else
            rc = gaiconf_line(&s, line);
        pos = end + 1;
    }
    if (rc < 0)
        goto out;

    /* Commit every column or none. */
    rc = policy_table_clone(t, &c);
    for (int col = 0; rc == 0 && col < 3; col++)
        if (s.col[col].n > 0)
            rc = policy_table_replace(c, (enum policy_column)col, s.col[col].v, s.col[col].n);
    if (rc == 0)
        policy_table_swap(t, c);
out:
    if (rc == -ENOMEM && errlen > 0)
        snprintf(err, errlen, "%s: out of memory", name);
    policy_table_free(c);
    free(line);
    for (int col = 0; col < 3; col++)
        free(s.col[col].v);
    return rc;
}

int policy_table_load_gaiconf(struct policy_table *t, const char *path, char *err, size_t errlen)
{
    char *buf, problem[128];
    size_t len;
    int rc = textfile_read(path, GAICONF_MAX_SIZE, &buf, &len, problem, sizeof problem);
    if (rc < 0) {
        if (errlen > 0)
            snprintf(err, errlen, "%s: %s", path, problem);
        return rc;
    }
    rc = gaiconf_apply(t, path, buf, len, err, errlen);
    free(buf);
    return rc;
}
