/* report_format — report mode's JSON lines; see report.h. Async-signal-safe:
 * no stdio (snprintf may take locks and read the locale), no allocation;
 * numbers are formatted here. */
#include "report.h"

#include <errno.h>
#include <string.h>

/*
 * A line is built in BUF[0..LEN) at *OFF, which never passes LEN: a piece
 * that does not fit sets *OFF = LEN ("full"), and the caller drops what it
 * was writing.
 */
static void report_put_n(char *buf, size_t len, size_t *off, const char *s, size_t n)
{
    if (*off >= len)
        return;
    if (n >= len - *off) { /* keep room for the NUL */
        *off = len;
        return;
    }
    memcpy(buf + *off, s, n);
    *off += n;
    buf[*off] = '\0';
}

static void report_put(char *buf, size_t len, size_t *off, const char *s)
{
    report_put_n(buf, len, off, s, strlen(s));
}

/* V in base BASE (10 or 16, lower case; "0x" first for 16). */
static void report_put_num(char *buf, size_t len, size_t *off, unsigned long long v, unsigned base)
{
    char digits[24];
    size_t i = sizeof digits;
    do {
        digits[--i] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    if (base == 16)
        report_put_n(buf, len, off, "0x", 2);
    report_put_n(buf, len, off, digits + i, sizeof digits - i);
}

/* Length of the well-formed UTF-8 sequence at S (Unicode, table 3-7: no
 * overlong forms, no surrogates, nothing past U+10FFFF), 0 when S does not
 * start one. S is NUL-terminated, so a cut sequence ends at its NUL. */
static size_t report_utf8_len(const unsigned char *s)
{
    unsigned char lo = 0x80, hi = 0xbf;
    size_t k;
    if (s[0] >= 0xc2 && s[0] <= 0xdf)
        k = 2;
    else if (s[0] >= 0xe0 && s[0] <= 0xef)
        k = 3, lo = s[0] == 0xe0 ? 0xa0 : 0x80, hi = s[0] == 0xed ? 0x9f : 0xbf;
    else if (s[0] >= 0xf0 && s[0] <= 0xf4)
        k = 4, lo = s[0] == 0xf0 ? 0x90 : 0x80, hi = s[0] == 0xf4 ? 0x8f : 0xbf;
    else
        return 0;
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < k; i++)
        if (s[i] < 0x80 || s[i] > 0xbf)
            return 0;
    return k;
}

/* Append S as a JSON string (quoted, escaped), or null when S is NULL.
 * JSON text is UTF-8 (RFC 8259 §8.1) but a path or symbol is any bytes:
 * a byte that does not start a well-formed UTF-8 sequence is written as
 * U+FFFD, so the line always parses. */
static void report_json_str(char *buf, size_t len, size_t *off, const char *s)
{
    if (!s) {
        report_put(buf, len, off, "null");
        return;
    }
    report_put(buf, len, off, "\"");
    for (const unsigned char *p = (const unsigned char *)s; *p && *off < len;) {
        char esc[8];
        const char *out = (const char *)p;
        size_t k = 1, w = 1;
        if (*p == '"' || *p == '\\') {
            esc[0] = '\\', esc[1] = (char)*p, out = esc, w = 2;
        } else if (*p < 0x20) {
            memcpy(esc, "\\u00", 4);
            esc[4] = "0123456789abcdef"[*p >> 4];
            esc[5] = "0123456789abcdef"[*p & 15];
            out = esc, w = 6;
        } else if (*p >= 0x80 && (k = w = report_utf8_len(p)) == 0) {
            out = "\\ufffd", w = 6, k = 1;
        }
        report_put_n(buf, len, off, out, w);
        p += k;
    }
    report_put(buf, len, off, "\"");
}

/* "\"v6shim_report\":2,\"kind\":\"KIND\",\"pid\":N,\"start\":T" after '{'. */
static void report_put_head(char *buf, size_t len, size_t *off, const char *kind,
                            const struct report_proc *p)
{
    report_put(buf, len, off, "{\"v6shim_report\":");
    report_put_num(buf, len, off, REPORT_FORMAT_VERSION, 10);
    report_put(buf, len, off, ",\"kind\":\"");
    report_put(buf, len, off, kind);
    report_put(buf, len, off, "\",\"pid\":");
    report_put_num(buf, len, off, (unsigned long long)(p->pid < 0 ? 0 : p->pid), 10);
    report_put(buf, len, off, ",\"start\":");
    report_put_num(buf, len, off, p->start, 10);
}

/* The members of site E from "object" on, without braces. */
static void report_put_where(char *buf, size_t len, size_t *off, const struct report_entry *e)
{
    report_put(buf, len, off, ",\"object\":");
    report_json_str(buf, len, off, e->object);
    report_put(buf, len, off, ",\"address\":");
    if (e->object) {
        report_put(buf, len, off, "\"");
        report_put_num(buf, len, off, e->address, 16);
        report_put(buf, len, off, "\"");
    } else {
        report_put(buf, len, off, "null");
    }
    report_put(buf, len, off, ",\"symbol\":");
    report_json_str(buf, len, off, e->symbol);
    report_put(buf, len, off, ",\"symbol_offset\":");
    if (e->symbol) {
        report_put(buf, len, off, "\"");
        report_put_num(buf, len, off, e->symbol_offset, 16);
        report_put(buf, len, off, "\"");
    } else {
        report_put(buf, len, off, "null");
    }
}

ssize_t report_format_site(char *line, size_t len, const struct report_proc *p,
                           const struct report_entry *e)
{
    size_t off = 0;
    report_put_head(line, len, &off, "site", p);
    report_put(line, len, &off, ",\"check\":");
    report_json_str(line, len, &off, e->check);
    report_put(line, len, &off, ",\"call\":");
    report_json_str(line, len, &off, e->call);
    report_put_where(line, len, &off, e);
    report_put(line, len, &off, "}\n");
    return off >= len ? -ENOBUFS : (ssize_t)off;
}

/* Room kept for the line's end, "],\"dropped\":N,\"notes\":[\"NOTE\"]}\n",
 * for a NOTE of up to REPORT_NOTE_MAX letters, digits and '-'. */
#define REPORT_NOTE_MAX 20
#define REPORT_TAIL_MAX 72

static int report_note_ok(const char *note)
{
    size_t n = 0;
    for (; note[n]; n++)
        if (!((note[n] >= 'a' && note[n] <= 'z') || (note[n] >= '0' && note[n] <= '9') ||
              note[n] == '-'))
            return 0;
    return n <= REPORT_NOTE_MAX;
}

ssize_t report_format(char *line, size_t len, const struct report_proc *p, size_t n,
                      unsigned long dropped, report_describe_fn *describe, void *ctx)
{
    if (len <= REPORT_TAIL_MAX || (p->note && !report_note_ok(p->note)))
        return -ENOBUFS;
    size_t body = len - REPORT_TAIL_MAX, off = 0;
    report_put_head(line, body, &off, "exit", p);
    report_put(line, body, &off, ",\"program\":");
    report_json_str(line, body, &off, p->program);
    report_put(line, body, &off, ",\"end\":");
    report_json_str(line, body, &off, p->end);
    report_put(line, body, &off, ",\"sites\":[");
    if (off >= body)
        return -ENOBUFS;
    size_t i;
    for (i = 0; i < n; i++) {
        struct report_entry e;
        describe(i, &e, ctx);
        size_t start = off;
        report_put(line, body, &off, i ? ",{\"check\":" : "{\"check\":");
        report_json_str(line, body, &off, e.check);
        report_put(line, body, &off, ",\"call\":");
        report_json_str(line, body, &off, e.call);
        report_put(line, body, &off, ",\"count\":");
        report_put_num(line, body, &off, e.count, 10);
        report_put_where(line, body, &off, &e);
        report_put(line, body, &off, "}");
        if (off >= body) { /* this site does not fit: it and the rest are dropped */
            off = start;
            line[off] = '\0';
            break;
        }
    }
    dropped += n - i;
    report_put(line, len, &off, "],\"dropped\":");
    report_put_num(line, len, &off, dropped, 10);
    if (p->note) {
        report_put(line, len, &off, ",\"notes\":[");
        report_json_str(line, len, &off, p->note);
        report_put(line, len, &off, "]");
    }
    report_put(line, len, &off, "}\n");
    if (off >= len)
        return -ENOBUFS;
    return (ssize_t)off;
}
