/*
 * fuzz_report — report mode's JSON lines (report_format and
 * report_format_site, shim/report.h) from arbitrary program names, object
 * paths, symbol names, counts, addresses, offsets and buffer sizes.
 *
 * Input: buffer size (u32), pid (u32), start (2 x u32), dropped (u32), end
 * and note choice (u8), the program name, then per site: check (u8), count
 * (u32), flags (u8), object, symbol and offsets. Strings are arbitrary bytes (no NUL): paths and symbols are
 * whatever the system holds.
 * Properties: report_format returns -ENOBUFS or the length of one line
 * that ends in its only newline and is one strict JSON object (json_check.h)
 * holding exactly the fields documented in report.h (format 2), every
 * string equal to the one given (with U+FFFD for each byte that is not
 * UTF-8), sites in order, and sites written + dropped = sites given
 * + dropped given; nothing is written past the buffer. The site line of
 * each site, in a buffer of the same size: -ENOBUFS or one strict JSON
 * object with exactly its documented fields.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_input.h"
#include "json_check.h"
#include "report.h"

#define MAX_SITES 64
#define MAX_STR PATH_MAX

struct fuzz_site {
    struct report_entry e;
    char object[MAX_STR], symbol[MAX_STR];
};

static struct fuzz_site sites[MAX_SITES];

static void describe(size_t i, struct report_entry *e, void *ctx)
{
    *e = sites[i].e;
}

/* A string: up to 255 bytes from the input, or now and then a run of one
 * byte up to PATH_MAX - 1 long (a control character takes 6 bytes in JSON,
 * so a few such paths fill report_write's buffer). */
static void site_str(struct fuzz_input *in, char *out)
{
    uint8_t how = fuzz_u8(in);
    if (how >= 0xf0) {
        size_t n = (size_t)(how - 0xf0 + 1) * 255;
        memset(out, (char)(fuzz_u8(in) | 1), n);
        out[n] = '\0';
        return;
    }
    fuzz_str(in, out, MAX_STR, '?');
}

/* What GIVEN reads back as: every byte that does not start well-formed
 * UTF-8 becomes U+FFFD (report.h). Into OUT, at least 3 * strlen + 1. */
static void as_utf8(const char *given, char *out)
{
    const unsigned char *p = (const unsigned char *)given;
    size_t n = strlen(given);
    while (n > 0) {
        size_t k = json_utf8_len(p, n);
        if (k == 0) {
            memcpy(out, "\xef\xbf\xbd", 3);
            out += 3;
            k = 1;
        } else {
            memcpy(out, p, k);
            out += k;
        }
        p += k;
        n -= k;
    }
    *out = '\0';
}

static void check_string(const struct json_value *v, const char *given)
{
    static char want[3 * MAX_STR + 1];
    if (given == NULL) {
        FUZZ_CHECK(v != NULL && v->type == JSON_NULL);
        return;
    }
    as_utf8(given, want);
    FUZZ_CHECK(v != NULL && v->type == JSON_STRING);
    FUZZ_CHECK(v->len == strlen(want) && memcmp(v->str, want, v->len) == 0);
}

static void check_hex(const struct json_value *v, bool present, unsigned long long want)
{
    if (!present) {
        FUZZ_CHECK(v != NULL && v->type == JSON_NULL);
        return;
    }
    char buf[32];
    snprintf(buf, sizeof buf, "0x%llx", want);
    check_string(v, buf);
}

static unsigned long long number(const struct json_value *v)
{
    FUZZ_CHECK(v != NULL && v->type == JSON_NUMBER);
    char *end;
    errno = 0;
    unsigned long long n = strtoull(v->str, &end, 10);
    FUZZ_CHECK(errno == 0 && *end == '\0' && v->str[0] != '-');
    return n;
}

/* The site line of E for P in LINE[0..LEN): -ENOBUFS, or exactly its fields. */
static void check_site_line(char *line, size_t len, const struct report_proc *p,
                            const struct report_entry *e)
{
    ssize_t k = report_format_site(line, len, p, e);
    if (k < 0) {
        FUZZ_CHECK(k == -ENOBUFS);
        return;
    }
    FUZZ_CHECK((size_t)k < len);
    FUZZ_CHECK(k > 0 && line[k - 1] == '\n' && memchr(line, '\n', (size_t)k - 1) == NULL);
    struct json_value *v;
    char err[128];
    int rc = json_parse(line, (size_t)k - 1, &v, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "site line is not JSON (%s): %.*s\n", err, (int)k, line);
    FUZZ_CHECK(rc == 0);
    FUZZ_CHECK(v->type == JSON_OBJECT && v->n == 10);
    FUZZ_CHECK(number(json_get(v, "v6shim_report")) == 2);
    check_string(json_get(v, "kind"), "site");
    FUZZ_CHECK(number(json_get(v, "pid")) == (unsigned long long)p->pid);
    FUZZ_CHECK(number(json_get(v, "start")) == p->start);
    check_string(json_get(v, "check"), e->check);
    check_string(json_get(v, "call"), e->call);
    check_string(json_get(v, "object"), e->object);
    check_hex(json_get(v, "address"), e->object != NULL, e->address);
    check_string(json_get(v, "symbol"), e->symbol);
    check_hex(json_get(v, "symbol_offset"), e->symbol != NULL, e->symbol_offset);
    json_free(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const checks[] = {"v6-socket-af-inet", "v6-inet-addr", "v6-inet-ntoa",
                                         "v6-gethostbyname"};
    static const char *const calls[] = {"socket", "inet_addr", "inet_ntoa", "gethostbyname"};
    static const char *const ends[] = {"exit", "_exit", "SIGTERM", "SIGINT", "SIGHUP"};
    static char program[PATH_MAX];
    struct fuzz_input in = {data, size};
    size_t len = fuzz_u32(&in) % (REPORT_LINE_MAX + 1); /* up to report_write's */
    struct report_proc p = {.pid = (int)(fuzz_u32(&in) & 0x7fffffff)};
    p.start = (unsigned long long)fuzz_u32(&in) << 32;
    p.start |= fuzz_u32(&in);
    unsigned long dropped = fuzz_u32(&in);
    uint8_t how = fuzz_u8(&in);
    p.end = ends[how % 5];
    p.note = how & 0x80 ? "own-dns-client" : NULL;
    site_str(&in, program);
    p.program = program;
    size_t n = 0;
    while (in.n > 0 && n < MAX_SITES) {
        struct fuzz_site *s = &sites[n++];
        uint8_t c = fuzz_u8(&in);
        s->e = (struct report_entry){
            .check = checks[c % 4], .call = calls[c % 4], .count = fuzz_u32(&in)};
        uint8_t flags = fuzz_u8(&in);
        site_str(&in, s->object);
        site_str(&in, s->symbol);
        if (flags & 1) {
            s->e.object = s->object;
            s->e.address = fuzz_u32(&in);
        }
        if (flags & 2) {
            s->e.symbol = s->symbol;
            s->e.symbol_offset = fuzz_u32(&in);
        }
    }

    /* The buffer ends where the static array does, so ASan sees a write past
     * it (a fresh malloc of up to 278 kB per input is slow under ASan). */
    static char space[REPORT_LINE_MAX];
    char *line = space + sizeof space - len;
    for (size_t i = 0; i < n; i++)
        check_site_line(line, len, &p, &sites[i].e);
    ssize_t k = report_format(line, len, &p, n, dropped, describe, NULL);
    if (k < 0) {
        FUZZ_CHECK(k == -ENOBUFS);
        return 0;
    }
    FUZZ_CHECK((size_t)k < len);
    FUZZ_CHECK(k > 0 && line[k - 1] == '\n' && memchr(line, '\n', (size_t)k - 1) == NULL);

    struct json_value *v;
    char err[128];
    int rc = json_parse(line, (size_t)k - 1, &v, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "report line is not JSON (%s): %.*s\n", err, (int)k, line);
    FUZZ_CHECK(rc == 0);
    FUZZ_CHECK(v->type == JSON_OBJECT && v->n == (p.note ? 9 : 8));
    FUZZ_CHECK(number(json_get(v, "v6shim_report")) == 2);
    check_string(json_get(v, "kind"), "exit");
    FUZZ_CHECK(number(json_get(v, "pid")) == (unsigned long long)p.pid);
    FUZZ_CHECK(number(json_get(v, "start")) == p.start);
    check_string(json_get(v, "program"), program);
    check_string(json_get(v, "end"), p.end);
    if (p.note) {
        const struct json_value *notes = json_get(v, "notes");
        FUZZ_CHECK(notes != NULL && notes->type == JSON_ARRAY && notes->n == 1);
        check_string(&notes->items[0], p.note);
    }
    const struct json_value *arr = json_get(v, "sites");
    FUZZ_CHECK(arr != NULL && arr->type == JSON_ARRAY && arr->n <= n);
    for (size_t i = 0; i < arr->n; i++) {
        const struct json_value *o = &arr->items[i];
        const struct report_entry *e = &sites[i].e;
        FUZZ_CHECK(o->type == JSON_OBJECT && o->n == 7);
        check_string(json_get(o, "check"), e->check);
        check_string(json_get(o, "call"), e->call);
        FUZZ_CHECK(number(json_get(o, "count")) == e->count);
        check_string(json_get(o, "object"), e->object);
        check_string(json_get(o, "symbol"), e->symbol);
        check_hex(json_get(o, "symbol_offset"), e->symbol != NULL, e->symbol_offset);
        check_hex(json_get(o, "address"), e->object != NULL, e->address);
    }
    FUZZ_CHECK(number(json_get(v, "dropped")) == dropped + (n - arr->n));
    json_free(v);
    return 0;
}
