/* json — the small JSON reader and writer v6scan needs for its own files:
 * reports (JSON and SARIF) read back by `v6scan merge` and by the parent of
 * the -j workers, and baseline files.
 *
 * The reader accepts RFC 8259 JSON (UTF-8; \uXXXX escapes, surrogate pairs
 * included, are decoded to UTF-8). Numbers are kept as doubles, which is exact
 * for the line and column numbers we store.
 */
#ifndef V6SCAN_JSON_H
#define V6SCAN_JSON_H

#include <stddef.h>
#include <stdio.h>

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

struct json_value {
	enum json_type type;
	int boolean;                 /* JSON_BOOL */
	double number;               /* JSON_NUMBER */
	char *string;                /* JSON_STRING, NUL-terminated */
	size_t count;                /* JSON_ARRAY / JSON_OBJECT: number of items */
	struct json_value **items;   /* JSON_ARRAY / JSON_OBJECT values */
	char **keys;                 /* JSON_OBJECT keys, parallel to items */
};

/* Parses text[0..len). On success returns 0 and sets *out (free with
 * json_free). On a syntax error returns -EINVAL and writes "offset N: what" to
 * err; -ENOMEM when out of memory. Nesting deeper than 64 levels is -EINVAL. */
int json_parse(const char *text, size_t len, struct json_value **out, char *err, size_t errlen);

/* Reads and parses a whole file; errors as json_parse, plus -errno from
 * opening or reading the file. */
int json_parse_file(const char *path, struct json_value **out, char *err, size_t errlen);

void json_free(struct json_value *v);

/* Member `key` of an object, or NULL (also when obj is not an object). */
const struct json_value *json_get(const struct json_value *obj, const char *key);
/* The string of v, or NULL when v is absent or not a string. */
const char *json_str(const struct json_value *v);
/* The number of v as a long, or def when v is absent or not a number. */
long json_long(const struct json_value *v, long def);

/* Writes s as a JSON string literal (quotes included), escaping control
 * characters, quotes and backslashes; bytes >= 0x80 pass through (UTF-8). */
void json_write_string(FILE *f, const char *s);

#endif
