/*
 * fuzz_suppress — v6scan's suppression comments (scanner/suppress.h) in
 * any file text.
 *
 * The input is a source file. Findings of two checks (v6-gethostbyname,
 * v6-inet-ntoa) are placed on line 0, on each of the first lines, on the
 * last line and one past it; suppress_apply marks them. Properties (the
 * contract in suppress.h):
 *  - the result is the number of `v6scan: ignore` comments rejected, and
 *    exactly that many messages are printed, each naming a line of the file;
 *  - line 0 and lines past the end are never suppressed;
 *  - a suppressed finding has a justification, "" or text taken from its
 *    own line or the line above (what is parsed lies within the input);
 *  - nothing but a marker suppresses: with no "NOLINT" on lines 1..L and no
 *    "v6scan:" on lines L-1..L, line L is not suppressed;
 *  - locality: with no NOLINTBEGIN in the file, line L's state depends on
 *    lines L-1 and L only (the same two lines alone give the same answer);
 *  - "// NOLINT" added at the end of line L suppresses L; a line L-1 that
 *    is only "// NOLINT" suppresses L; a comment sharing line L-1 with code
 *    ("x; // NOLINT") covers L-1 only: L's state is that with "x;" there;
 *    "// v6scan: ignore[v6-*] fuzz reason" at the end of a line L without
 *    "v6scan:" suppresses L with the justification "fuzz reason".
 * Lines are what source.h reads: up to the first NUL byte, split where
 * clang ends a line ("\n", "\r\n" or a lone "\r").
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/registry.h"
#include "findings.h"
#include "fuzz_file.h"
#include "fuzz_input.h"
#include "suppress.h"

#define FIRST_LINES 24 /* lines given findings (and the last ones) */
#define NCHECKS 2

static struct fuzz_file file;
static const struct v6scan_check *checks[NCHECKS];

/* The text split as source_load splits it. */
struct lines {
    char **v;
    size_t n;
};

static void lines_split(struct lines *ls, const char *data, size_t size)
{
    size_t len = strnlen(data, size), start = 0;

    ls->v = calloc(len + 2, sizeof(*ls->v));
    ls->n = 0;
    FUZZ_CHECK(ls->v != NULL);
    for (size_t i = 0; i <= len; i++) {
        if (i < len && data[i] != '\n' && data[i] != '\r')
            continue;
        if (i == len && start == len)
            break; /* nothing after the last line end */
        ls->v[ls->n] = strndup(data + start, i - start);
        FUZZ_CHECK(ls->v[ls->n] != NULL);
        ls->n++;
        if (i < len && data[i] == '\r' && i + 1 < len && data[i + 1] == '\n')
            i++;
        start = i + 1;
    }
}

static void lines_free(struct lines *ls)
{
    for (size_t i = 0; i < ls->n; i++)
        free(ls->v[i]);
    free(ls->v);
}

/* Outcome at one line, per check. */
struct state {
    int suppressed[NCHECKS];
    char *why[NCHECKS];
};

static void state_free(struct state *s)
{
    for (int c = 0; c < NCHECKS; c++)
        free(s->why[c]);
}

/* Runs suppress_apply on data[0..size) with findings on the lines in
 * want[0..nwant); fills out[i] for want[i]. Returns suppress_apply's
 * result; *msgs gets the messages printed (free them). */
static int run(const char *data, size_t size, const size_t *want, size_t nwant, struct state *out,
               char **msgs)
{
    struct findings fs;
    const char *path = fuzz_file_set(&file, data, size);
    size_t msglen = 0;

    findings_init(&fs);
    for (size_t i = 0; i < nwant; i++)
        for (int c = 0; c < NCHECKS; c++) {
            struct finding f = {.check = checks[c],
                                .level = checks[c]->level,
                                .path = (char *)path,
                                .line = (unsigned)want[i],
                                .column = 1,
                                .message = "m",
                                .scope = "",
                                .subject = "s"};
            FUZZ_CHECK(findings_add(&fs, &f) == 0);
        }
    /* the messages go to a buffer: counted and checked, not printed */
    FILE *saved = stderr, *mem = open_memstream(msgs, &msglen);
    FUZZ_CHECK(mem != NULL);
    stderr = mem;
    int rc = suppress_apply(&fs, "");
    stderr = saved;
    FUZZ_CHECK(fclose(mem) == 0);
    for (size_t i = 0; i < fs.count; i++) {
        const struct finding *f = &fs.items[i];
        size_t k = i / NCHECKS;
        int c = (int)(i % NCHECKS);
        FUZZ_CHECK(f->line == want[k] && f->check == checks[c]);
        out[k].suppressed[c] = f->suppressed;
        out[k].why[c] = NULL;
        if (f->suppressed) {
            FUZZ_CHECK(f->justification != NULL);
            out[k].why[c] = strdup(f->justification);
            FUZZ_CHECK(out[k].why[c] != NULL);
        }
    }
    findings_free(&fs);
    return rc;
}

/* The lines joined, each ending in '\n'; line `at` (0-based) replaced by
 * `repl` when repl is not NULL, and `append` added to line `at`. */
static char *join(const struct lines *ls, size_t at, const char *repl, const char *append,
                  size_t *len)
{
    char *buf = NULL;
    FILE *m = open_memstream(&buf, len);

    FUZZ_CHECK(m != NULL);
    for (size_t i = 0; i < ls->n; i++) {
        fputs(i == at && repl ? repl : ls->v[i], m);
        if (i == at && append)
            fputs(append, m);
        fputc('\n', m);
    }
    FUZZ_CHECK(fclose(m) == 0);
    return buf;
}

/* The state of line L (1-based) of ls changed as join() describes. */
static void run_variant(const struct lines *ls, size_t L, size_t at, const char *repl,
                        const char *append, struct state *st)
{
    size_t len;
    char *text = join(ls, at, repl, append, &len), *msgs = NULL;

    FUZZ_CHECK(run(text, len, &L, 1, st, &msgs) >= 0);
    free(msgs);
    free(text);
}

static int same(const struct state *a, const struct state *b)
{
    for (int c = 0; c < NCHECKS; c++) {
        if (a->suppressed[c] != b->suppressed[c])
            return 0;
        if (a->suppressed[c] && strcmp(a->why[c], b->why[c]) != 0)
            return 0;
    }
    return 1;
}

/* Every message is "v6scan: PATH:N: 'v6scan: ignore[...]' needs a reason
 * ..." with N a line of the file; returns how many. */
static size_t check_messages(const char *msgs, size_t nlines)
{
    static const char tail[] = ": 'v6scan: ignore[...]' needs a reason after the closing bracket; "
                               "suppression not applied";
    size_t count = 0;
    char prefix[64];

    snprintf(prefix, sizeof prefix, "v6scan: %s:", file.path);
    for (const char *p = msgs; *p;) {
        const char *nl = strchr(p, '\n');
        FUZZ_CHECK(nl != NULL);
        FUZZ_CHECK(strncmp(p, prefix, strlen(prefix)) == 0);
        char *end;
        unsigned long line = strtoul(p + strlen(prefix), &end, 10);
        FUZZ_CHECK(line >= 1 && line <= nlines);
        FUZZ_CHECK((size_t)(nl - end) == sizeof tail - 1 &&
                   memcmp(end, tail, sizeof tail - 1) == 0);
        count++;
        p = nl + 1;
    }
    return count;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_file_init(&file, "fuzz_suppress.c");
    checks[0] = registry_find("v6-gethostbyname");
    checks[1] = registry_find("v6-inet-ntoa");
    FUZZ_CHECK(checks[0] && checks[1]);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!checks[0])
        LLVMFuzzerInitialize(NULL, NULL);
    struct lines ls;
    lines_split(&ls, (const char *)data, size);

    /* the lines looked at: 0, the first ones, the last two, one past */
    size_t want[FIRST_LINES + 4], nwant = 0;
    want[nwant++] = 0;
    for (size_t l = 1; l <= ls.n && l <= FIRST_LINES; l++)
        want[nwant++] = l;
    for (size_t l = ls.n > FIRST_LINES + 1 ? ls.n - 1 : FIRST_LINES + 1; l <= ls.n; l++)
        want[nwant++] = l;
    want[nwant++] = ls.n + 1;

    struct state st[FIRST_LINES + 4];
    char *msgs = NULL;
    int rc = run((const char *)data, size, want, nwant, st, &msgs);
    FUZZ_CHECK(rc >= 0);
    FUZZ_CHECK(check_messages(msgs, ls.n) == (size_t)rc);
    free(msgs);

    int has_begin = 0;
    for (size_t i = 0; i < ls.n; i++)
        has_begin |= strstr(ls.v[i], "NOLINTBEGIN") != NULL;

    int nolint_above = 0; /* "NOLINT" on a line before L */
    for (size_t k = 0; k < nwant; k++) {
        size_t L = want[k];
        const char *line = L >= 1 && L <= ls.n ? ls.v[L - 1] : NULL;
        const char *prev = L >= 2 && L <= ls.n + 1 ? ls.v[L - 2] : NULL;
        if (!line) {
            FUZZ_CHECK(!st[k].suppressed[0] && !st[k].suppressed[1]);
            continue;
        }
        if (k > 0 && want[k - 1] != L - 1) {
            nolint_above = 0; /* a gap: recount */
            for (size_t i = 0; i + 1 < L; i++)
                nolint_above |= strstr(ls.v[i], "NOLINT") != NULL;
        }
        int marker = nolint_above || strstr(line, "NOLINT") || strstr(line, "v6scan:") ||
                     (prev && strstr(prev, "v6scan:"));
        for (int c = 0; c < NCHECKS; c++) {
            if (!marker)
                FUZZ_CHECK(!st[k].suppressed[c]);
            if (st[k].suppressed[c] && st[k].why[c][0])
                FUZZ_CHECK(strstr(line, st[k].why[c]) || (prev && strstr(prev, st[k].why[c])));
        }
        nolint_above |= strstr(line, "NOLINT") != NULL;

        struct state v;
        if (!has_begin) {
            /* lines L-1 and L alone */
            struct lines two = {.v = ls.v + (prev ? L - 2 : L - 1), .n = prev ? 2 : 1};
            run_variant(&two, two.n, (size_t)-1, NULL, NULL, &v);
            FUZZ_CHECK(same(&v, &st[k]));
            state_free(&v);
        }
        if (L > 8)
            continue; /* the constructive cases on the first lines are enough */
        run_variant(&ls, L, L - 1, NULL, " // NOLINT", &v);
        FUZZ_CHECK(v.suppressed[0] && v.suppressed[1]);
        state_free(&v);
        if (!strstr(line, "v6scan:")) {
            run_variant(&ls, L, L - 1, NULL, " // v6scan: ignore[v6-*] fuzz reason", &v);
            FUZZ_CHECK(v.suppressed[0] && v.suppressed[1]);
            FUZZ_CHECK(strcmp(v.why[0], "fuzz reason") == 0 &&
                       strcmp(v.why[1], "fuzz reason") == 0);
            state_free(&v);
        }
        if (prev) {
            run_variant(&ls, L, L - 2, "// NOLINT", NULL, &v);
            FUZZ_CHECK(v.suppressed[0] && v.suppressed[1]);
            state_free(&v);
            struct state w;
            run_variant(&ls, L, L - 2, "x; // NOLINT", NULL, &v);
            run_variant(&ls, L, L - 2, "x;", NULL, &w);
            FUZZ_CHECK(same(&v, &w));
            state_free(&v);
            state_free(&w);
        }
    }
    for (size_t k = 0; k < nwant; k++)
        state_free(&st[k]);
    lines_free(&ls);
    return 0;
}
