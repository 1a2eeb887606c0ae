/*
 * json_check — a strict RFC 8259 JSON parser for the fuzz targets (and the
 * tests) that check what v6kit writes: report-mode lines now, the
 * scanner's JSON and SARIF later.
 *
 * Strict means: exactly one value, surrounded by optional whitespace
 * (space, tab, CR, LF); strings are valid UTF-8 (no overlong forms, no
 * encoded surrogates, nothing past U+10FFFF), have no raw control
 * characters, use only the escapes of RFC 8259 §7, and a \u escape of a
 * surrogate must be a high-low pair; numbers follow §6 exactly; an object
 * repeats no key; nesting is at most JSON_MAX_DEPTH deep. No extensions
 * (no comments, no trailing commas, no NaN).
 */
#ifndef V6TEST_JSON_CHECK_H
#define V6TEST_JSON_CHECK_H

#include <stddef.h>

#define JSON_MAX_DEPTH 64

enum json_type {
    JSON_NULL,
    JSON_FALSE,
    JSON_TRUE,
    JSON_NUMBER,
    JSON_STRING,
    JSON_ARRAY,
    JSON_OBJECT
};

struct json_value {
    enum json_type type;
    char *str;                /* STRING: decoded UTF-8 (NUL-terminated, may hold NULs);
                                 NUMBER: the literal as written */
    size_t len;               /* bytes in str */
    size_t n;                 /* ARRAY, OBJECT: number of members */
    struct json_value *items; /* ARRAY, OBJECT: the values, in order */
    struct json_value *keys;  /* OBJECT: the keys (STRING values), in order */
};

/*
 * Parse TEXT[0..LEN). Returns 0 with *OUT (free with json_free), or -EINVAL
 * with ERR = "offset N: problem", or -ENOMEM.
 */
int json_parse(const char *text, size_t len, struct json_value **out, char *err, size_t errlen);

/* Length of the well-formed UTF-8 sequence at S[0..N) (1..4), or 0 when S
 * does not start one (a stray or cut byte, an overlong form, a surrogate,
 * a code point past U+10FFFF). */
size_t json_utf8_len(const unsigned char *s, size_t n);

/* Free V and everything in it. NULL is a no-op. */
void json_free(struct json_value *v);

/* The member KEY of object V, or NULL (also when V is not an object). */
const struct json_value *json_get(const struct json_value *v, const char *key);

#endif
