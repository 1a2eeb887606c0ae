/*
 * fuzz_gaiconf — gai.conf text through gaiconf_apply (shim/gaiconf.h) on
 * each of the three preset tables (chosen by the first byte).
 *
 * Properties: the result is 0, -EINVAL or -ENOMEM; on failure the table is
 * unchanged (all or nothing) and the message is one line
 * "fuzz.gai.conf:LINE: problem"; on success every column is a valid
 * policy column (longest prefix first, no bits set past a row's length, no
 * repeated prefix, a catch-all row, IPv4 scope rows inside ::ffff:0:0/96),
 * and applying the same text again changes nothing.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_input.h"
#include "gaiconf.h"
#include "policy.h"

#define MAX_ROWS 4096

struct snapshot {
    size_t n[3];
    struct policy_row rows[3][MAX_ROWS];
};

static void take(const struct policy_table *t, struct snapshot *s)
{
    memset(s, 0, sizeof *s);
    for (int col = 0; col < 3; col++) {
        s->n[col] = policy_table_rows(t, (enum policy_column)col, s->rows[col], MAX_ROWS);
        FUZZ_CHECK(s->n[col] <= MAX_ROWS);
    }
}

static bool same(const struct snapshot *a, const struct snapshot *b)
{
    for (int col = 0; col < 3; col++) {
        if (a->n[col] != b->n[col])
            return false;
        for (size_t i = 0; i < a->n[col]; i++) {
            const struct policy_row *x = &a->rows[col][i], *y = &b->rows[col][i];
            if (x->bits != y->bits || x->value != y->value ||
                memcmp(&x->prefix, &y->prefix, sizeof x->prefix) != 0)
                return false;
        }
    }
    return true;
}

static bool bits_clear_past(const struct in6_addr *a, unsigned bits)
{
    for (unsigned b = bits; b < 128; b++)
        if (a->s6_addr[b / 8] & (0x80u >> (b % 8)))
            return false;
    return true;
}

static void check_column(const struct snapshot *s, int col)
{
    static const struct in6_addr mapped = {{{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff}}};
    bool catch_all = false;
    FUZZ_CHECK(s->n[col] > 0);
    for (size_t i = 0; i < s->n[col]; i++) {
        const struct policy_row *r = &s->rows[col][i];
        FUZZ_CHECK(r->bits <= 128);
        FUZZ_CHECK(bits_clear_past(&r->prefix, r->bits));
        FUZZ_CHECK(r->value >= 0);
        if (i > 0)
            FUZZ_CHECK(s->rows[col][i - 1].bits >= r->bits);
        for (size_t j = 0; j < i; j++)
            FUZZ_CHECK(s->rows[col][j].bits != r->bits ||
                       memcmp(&s->rows[col][j].prefix, &r->prefix, sizeof r->prefix) != 0);
        if (col == POLICY_COL_SCOPEV4) {
            FUZZ_CHECK(r->bits >= 96);
            FUZZ_CHECK(memcmp(&r->prefix, &mapped, 12) == 0);
            catch_all |= r->bits == 96;
        } else {
            catch_all |= r->bits == 0;
        }
    }
    FUZZ_CHECK(catch_all);
}

static void check_error(const char *err)
{
    static const char prefix[] = "fuzz.gai.conf:";
    FUZZ_CHECK(strncmp(err, prefix, sizeof prefix - 1) == 0);
    FUZZ_CHECK(strchr(err, '\n') == NULL);
    const char *p = err + sizeof prefix - 1;
    FUZZ_CHECK(*p >= '1' && *p <= '9');
    while (*p >= '0' && *p <= '9')
        p++;
    FUZZ_CHECK(p[0] == ':' && p[1] == ' ' && p[2] != '\0');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct snapshot before, after, again;
    static const enum policy_preset presets[] = {POLICY_RFC6724, POLICY_RFC3484_GLIBC,
                                                 POLICY_RFC6724_ULA_UPDATE};
    struct fuzz_input in = {data, size};
    enum policy_preset preset = presets[fuzz_u8(&in) % 3];
    struct policy_table *t;
    FUZZ_CHECK(policy_table_new(preset, &t) == 0);
    take(t, &before);
    char err[512] = "";
    int rc = gaiconf_apply(t, "fuzz.gai.conf", (const char *)in.p, in.n, err, sizeof err);
    FUZZ_CHECK(rc == 0 || rc == -EINVAL || rc == -ENOMEM);
    take(t, &after);
    if (rc < 0) {
        FUZZ_CHECK(same(&before, &after));
        if (rc == -EINVAL)
            check_error(err);
    } else {
        FUZZ_CHECK(err[0] == '\0');
        for (int col = 0; col < 3; col++)
            check_column(&after, col);
        FUZZ_CHECK(gaiconf_apply(t, "fuzz.gai.conf", (const char *)in.p, in.n, err, sizeof err) ==
                   0);
        take(t, &again);
        FUZZ_CHECK(same(&after, &again));
    }
    policy_table_free(t);
    return 0;
}
