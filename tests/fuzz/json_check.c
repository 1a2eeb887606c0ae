/* json_check — strict RFC 8259 parser (see json_check.h). */
#include "json_check.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct json_parser {
    const unsigned char *s;
    size_t len, pos;
    char *err;
    size_t errlen;
    int rc;
};

static int json_fail(struct json_parser *p, const char *what)
{
    if (p->rc == 0) {
        p->rc = -EINVAL;
        if (p->errlen > 0)
            snprintf(p->err, p->errlen, "offset %zu: %s", p->pos, what);
    }
    return p->rc;
}

static int json_nomem(struct json_parser *p)
{
    if (p->rc == 0) {
        p->rc = -ENOMEM;
        if (p->errlen > 0)
            snprintf(p->err, p->errlen, "out of memory");
    }
    return p->rc;
}

static void json_ws(struct json_parser *p)
{
    while (p->pos < p->len && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' ||
                               p->s[p->pos] == '\n' || p->s[p->pos] == '\r'))
        p->pos++;
}

/* A growing byte buffer for decoded strings. */
struct json_buf {
    char *v;
    size_t n, cap;
};

static bool json_put(struct json_buf *b, const void *bytes, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 16;
        while (cap < b->n + n + 1)
            cap *= 2;
        char *v = realloc(b->v, cap);
        if (v == NULL)
            return false;
        b->v = v;
        b->cap = cap;
    }
    memcpy(b->v + b->n, bytes, n);
    b->n += n;
    b->v[b->n] = '\0';
    return true;
}

/* Encode code point CP (valid, not a surrogate) as UTF-8 into OUT. */
static size_t json_utf8(uint32_t cp, unsigned char *out)
{
    if (cp < 0x80) {
        out[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (unsigned char)(0xc0 | cp >> 6);
        out[1] = (unsigned char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (unsigned char)(0xe0 | cp >> 12);
        out[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
        out[2] = (unsigned char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (unsigned char)(0xf0 | cp >> 18);
    out[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
    out[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
    out[3] = (unsigned char)(0x80 | (cp & 0x3f));
    return 4;
}

/* Unicode 15, table 3-7. */
size_t json_utf8_len(const unsigned char *s, size_t n)
{
    if (n == 0)
        return 0;
    unsigned char c = s[0];
    if (c < 0x80)
        return 1;
    size_t k;
    unsigned char lo = 0x80, hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf)
        k = 2;
    else if (c >= 0xe0 && c <= 0xef) {
        k = 3;
        if (c == 0xe0)
            lo = 0xa0;
        else if (c == 0xed)
            hi = 0x9f; /* no encoded surrogates */
    } else if (c >= 0xf0 && c <= 0xf4) {
        k = 4;
        if (c == 0xf0)
            lo = 0x90;
        else if (c == 0xf4)
            hi = 0x8f; /* nothing past U+10FFFF */
    } else
        return 0;
    if (n < k || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < k; i++)
        if (s[i] < 0x80 || s[i] > 0xbf)
            return 0;
    return k;
}

static int json_hex4(struct json_parser *p, uint32_t *out)
{
    if (p->len - p->pos < 4)
        return json_fail(p, "short \\u escape");
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        unsigned char c = p->s[p->pos++];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (uint32_t)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (uint32_t)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (uint32_t)(c - 'A' + 10);
        else
            return json_fail(p, "bad hex digit in \\u escape");
    }
    *out = v;
    return 0;
}

/* A string; P->pos is at the opening quote. */
static int json_string(struct json_parser *p, struct json_value *v)
{
    struct json_buf b = {0};
    p->pos++;
    for (;;) {
        if (p->pos >= p->len) {
            json_fail(p, "unterminated string");
            goto fail;
        }
        unsigned char c = p->s[p->pos];
        if (c == '"') {
            p->pos++;
            break;
        }
        if (c < 0x20) {
            json_fail(p, "raw control character in string");
            goto fail;
        }
        if (c == '\\') {
            p->pos++;
            if (p->pos >= p->len) {
                json_fail(p, "unterminated escape");
                goto fail;
            }
            static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
            unsigned char e = p->s[p->pos++];
            const char *k = e ? strchr(from, e) : NULL;
            unsigned char u[4];
            size_t un;
            if (k != NULL) {
                u[0] = (unsigned char)to[k - from];
                un = 1;
            } else if (e == 'u') {
                uint32_t cp, lo;
                if (json_hex4(p, &cp) < 0)
                    goto fail;
                if (cp >= 0xdc00 && cp <= 0xdfff) {
                    json_fail(p, "lone low surrogate escape");
                    goto fail;
                }
                if (cp >= 0xd800 && cp <= 0xdbff) {
                    if (p->len - p->pos < 2 || p->s[p->pos] != '\\' || p->s[p->pos + 1] != 'u') {
                        json_fail(p, "lone high surrogate escape");
                        goto fail;
                    }
                    p->pos += 2;
                    if (json_hex4(p, &lo) < 0)
                        goto fail;
                    if (lo < 0xdc00 || lo > 0xdfff) {
                        json_fail(p, "high surrogate not followed by a low one");
                        goto fail;
                    }
                    cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                }
                un = json_utf8(cp, u);
            } else {
                json_fail(p, "unknown escape");
                goto fail;
            }
            if (!json_put(&b, u, un)) {
                json_nomem(p);
                goto fail;
            }
            continue;
        }
        size_t k = json_utf8_len(p->s + p->pos, p->len - p->pos);
        if (k == 0) {
            json_fail(p, "invalid UTF-8 in string");
            goto fail;
        }
        if (!json_put(&b, p->s + p->pos, k)) {
            json_nomem(p);
            goto fail;
        }
        p->pos += k;
    }
    if (b.v == NULL && !json_put(&b, "", 0)) {
        json_nomem(p);
        goto fail;
    }
    v->type = JSON_STRING;
    v->str = b.v;
    v->len = b.n;
    return 0;
fail:
    free(b.v);
    return p->rc;
}

static bool json_digit(struct json_parser *p)
{
    return p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9';
}

static int json_number(struct json_parser *p, struct json_value *v)
{
    size_t start = p->pos;
    if (p->s[p->pos] == '-')
        p->pos++;
    if (!json_digit(p))
        return json_fail(p, "bad number");
    if (p->s[p->pos] == '0')
        p->pos++;
    else
        while (json_digit(p))
            p->pos++;
    if (p->pos < p->len && p->s[p->pos] == '.') {
        p->pos++;
        if (!json_digit(p))
            return json_fail(p, "bad fraction");
        while (json_digit(p))
            p->pos++;
    }
    if (p->pos < p->len && (p->s[p->pos] == 'e' || p->s[p->pos] == 'E')) {
        p->pos++;
        if (p->pos < p->len && (p->s[p->pos] == '+' || p->s[p->pos] == '-'))
            p->pos++;
        if (!json_digit(p))
            return json_fail(p, "bad exponent");
        while (json_digit(p))
            p->pos++;
    }
    v->str = strndup((const char *)p->s + start, p->pos - start);
    if (v->str == NULL)
        return json_nomem(p);
    v->type = JSON_NUMBER;
    v->len = p->pos - start;
    return 0;
}

static void json_clear(struct json_value *v)
{
    free(v->str);
    for (size_t i = 0; i < v->n; i++) {
        json_clear(&v->items[i]);
        if (v->keys)
            json_clear(&v->keys[i]);
    }
    free(v->items);
    free(v->keys);
    memset(v, 0, sizeof *v);
}

static int json_value(struct json_parser *p, struct json_value *v, int depth);

/* An array or object; P->pos is at '[' or '{'. */
static int json_container(struct json_parser *p, struct json_value *v, int depth)
{
    bool obj = p->s[p->pos] == '{';
    char close = obj ? '}' : ']';
    size_t cap = 0;
    v->type = obj ? JSON_OBJECT : JSON_ARRAY;
    if (depth >= JSON_MAX_DEPTH)
        return json_fail(p, "nested too deeply");
    p->pos++;
    json_ws(p);
    if (p->pos < p->len && p->s[p->pos] == close) {
        p->pos++;
        return 0;
    }
    for (;;) {
        if (v->n == cap) {
            cap = cap ? 2 * cap : 4;
            struct json_value *items = realloc(v->items, cap * sizeof *items);
            if (items == NULL)
                return json_nomem(p);
            v->items = items;
            if (obj) {
                struct json_value *keys = realloc(v->keys, cap * sizeof *keys);
                if (keys == NULL)
                    return json_nomem(p);
                v->keys = keys;
            }
        }
        memset(&v->items[v->n], 0, sizeof v->items[0]);
        if (obj) {
            memset(&v->keys[v->n], 0, sizeof v->keys[0]);
            json_ws(p);
            if (p->pos >= p->len || p->s[p->pos] != '"')
                return json_fail(p, "expected a key");
            v->n++; /* counted now, so json_clear frees a half-built member */
            if (json_string(p, &v->keys[v->n - 1]) < 0)
                return p->rc;
            const struct json_value *k = &v->keys[v->n - 1];
            for (size_t i = 0; i + 1 < v->n; i++)
                if (v->keys[i].len == k->len && memcmp(v->keys[i].str, k->str, k->len) == 0)
                    return json_fail(p, "repeated key");
            json_ws(p);
            if (p->pos >= p->len || p->s[p->pos] != ':')
                return json_fail(p, "expected ':'");
            p->pos++;
        } else {
            v->n++;
        }
        if (json_value(p, &v->items[v->n - 1], depth + 1) < 0)
            return p->rc;
        json_ws(p);
        if (p->pos < p->len && p->s[p->pos] == ',') {
            p->pos++;
            continue;
        }
        if (p->pos < p->len && p->s[p->pos] == close) {
            p->pos++;
            return 0;
        }
        return json_fail(p, obj ? "expected ',' or '}'" : "expected ',' or ']'");
    }
}

static int json_literal(struct json_parser *p, const char *word, enum json_type t,
                        struct json_value *v)
{
    size_t n = strlen(word);
    if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n) != 0)
        return json_fail(p, "unexpected character");
    p->pos += n;
    v->type = t;
    return 0;
}

static int json_value(struct json_parser *p, struct json_value *v, int depth)
{
    json_ws(p);
    if (p->pos >= p->len)
        return json_fail(p, "expected a value");
    unsigned char c = p->s[p->pos];
    switch (c) {
    case '{':
    case '[': return json_container(p, v, depth);
    case '"': return json_string(p, v);
    case 't': return json_literal(p, "true", JSON_TRUE, v);
    case 'f': return json_literal(p, "false", JSON_FALSE, v);
    case 'n': return json_literal(p, "null", JSON_NULL, v);
    default:
        if (c == '-' || (c >= '0' && c <= '9'))
            return json_number(p, v);
        return json_fail(p, "unexpected character");
    }
}

int json_parse(const char *text, size_t len, struct json_value **out, char *err, size_t errlen)
{
    struct json_parser p = {(const unsigned char *)text, len, 0, err, errlen, 0};
    struct json_value *v = calloc(1, sizeof *v);
    if (v == NULL)
        return json_nomem(&p);
    if (json_value(&p, v, 0) == 0) {
        json_ws(&p);
        if (p.pos != p.len)
            json_fail(&p, "text after the value");
    }
    if (p.rc < 0) {
        json_free(v);
        return p.rc;
    }
    *out = v;
    return 0;
}

void json_free(struct json_value *v)
{
    if (v == NULL)
        return;
    json_clear(v);
    free(v);
}

const struct json_value *json_get(const struct json_value *v, const char *key)
{
    if (v == NULL || v->type != JSON_OBJECT)
        return NULL;
    size_t n = strlen(key);
    for (size_t i = 0; i < v->n; i++)
        if (v->keys[i].len == n && memcmp(v->keys[i].str, key, n) == 0)
            return &v->items[i];
    return NULL;
}
