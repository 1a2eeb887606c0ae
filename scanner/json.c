/* json — see json.h. A recursive-descent reader over a byte buffer. */
#include "json.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct json_parser {
	const char *s;
	size_t len;
	size_t pos;
	int depth;
	char *err;
	size_t errlen;
};

static int json_fail(struct json_parser *p, const char *what)
{
	if (p->err && p->errlen)
		snprintf(p->err, p->errlen, "offset %zu: %s", p->pos, what);
	return -EINVAL;
}

static void json_skip_ws(struct json_parser *p)
{
	while (p->pos < p->len && strchr(" \t\r\n", p->s[p->pos]) && p->s[p->pos])
		p->pos++;
}

static struct json_value *json_new(enum json_type t)
{
	struct json_value *v = calloc(1, sizeof(*v));

	if (v)
		v->type = t;
	return v;
}

/* Appends the UTF-8 encoding of cp to buf (room for 4 bytes is guaranteed by
 * the caller). Returns the number of bytes written. */
static size_t json_put_utf8(char *buf, uint32_t cp)
{
	if (cp < 0x80) {
		buf[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		buf[0] = (char)(0xc0 | (cp >> 6));
		buf[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		buf[0] = (char)(0xe0 | (cp >> 12));
		buf[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		buf[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	buf[0] = (char)(0xf0 | (cp >> 18));
	buf[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	buf[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	buf[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

static int json_hex4(struct json_parser *p, uint32_t *out)
{
	uint32_t v = 0;

	if (p->len - p->pos < 4)
		return json_fail(p, "short \\u escape");
	for (int i = 0; i < 4; i++) {
		char c = p->s[p->pos++];
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

/* Parses a string literal at p->pos (which is at the opening quote). */
static int json_string(struct json_parser *p, char **out)
{
	size_t cap = 16, n = 0;
	char *buf = malloc(cap);
	int rc;

	if (!buf)
		return -ENOMEM;
	p->pos++;
	for (;;) {
		if (p->pos >= p->len) {
			rc = json_fail(p, "unterminated string");
			goto fail;
		}
		if (cap - n < 8) {
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				rc = -ENOMEM;
				goto fail;
			}
			buf = nb;
			cap *= 2;
		}
		unsigned char c = (unsigned char)p->s[p->pos++];
		if (c == '"')
			break;
		if (c < 0x20) {
			rc = json_fail(p, "control character in string");
			goto fail;
		}
		if (c != '\\') {
			buf[n++] = (char)c;
			continue;
		}
		if (p->pos >= p->len) {
			rc = json_fail(p, "unterminated escape");
			goto fail;
		}
		c = (unsigned char)p->s[p->pos++];
		switch (c) {
		case '"': buf[n++] = '"'; break;
		case '\\': buf[n++] = '\\'; break;
		case '/': buf[n++] = '/'; break;
		case 'b': buf[n++] = '\b'; break;
		case 'f': buf[n++] = '\f'; break;
		case 'n': buf[n++] = '\n'; break;
		case 'r': buf[n++] = '\r'; break;
		case 't': buf[n++] = '\t'; break;
		case 'u': {
			uint32_t cp, lo;
			rc = json_hex4(p, &cp);
			if (rc)
				goto fail;
			if (cp >= 0xd800 && cp < 0xdc00) {
				if (p->len - p->pos < 6 || p->s[p->pos] != '\\' || p->s[p->pos + 1] != 'u') {
					rc = json_fail(p, "lone high surrogate");
					goto fail;
				}
				p->pos += 2;
				rc = json_hex4(p, &lo);
				if (rc)
					goto fail;
				if (lo < 0xdc00 || lo > 0xdfff) {
					rc = json_fail(p, "bad low surrogate");
					goto fail;
				}
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			} else if (cp >= 0xdc00 && cp <= 0xdfff) {
				rc = json_fail(p, "lone low surrogate");
				goto fail;
			}
			if (cp == 0) {
				rc = json_fail(p, "NUL in string");
				goto fail;
			}
			n += json_put_utf8(buf + n, cp);
			break;
		}
		default:
			rc = json_fail(p, "bad escape");
			goto fail;
		}
	}
	buf[n] = '\0';
	*out = buf;
	return 0;
fail:
	free(buf);
	return rc;
}

static int json_value_at(struct json_parser *p, struct json_value **out);

static int json_push(struct json_value *v, struct json_value *item, char *key)
{
	struct json_value **ni = reallocarray(v->items, v->count + 1, sizeof(*ni));

	if (!ni)
		return -ENOMEM;
	v->items = ni;
	if (v->type == JSON_OBJECT) {
		char **nk = reallocarray(v->keys, v->count + 1, sizeof(*nk));
		if (!nk)
			return -ENOMEM;
		v->keys = nk;
		nk[v->count] = key;
	}
	ni[v->count++] = item;
	return 0;
}

static int json_container(struct json_parser *p, struct json_value *v, char close)
{
	int rc;

	p->pos++;
	json_skip_ws(p);
	if (p->pos < p->len && p->s[p->pos] == close) {
		p->pos++;
		return 0;
	}
	for (;;) {
		char *key = NULL;
		struct json_value *item = NULL;

		json_skip_ws(p);
		if (v->type == JSON_OBJECT) {
			if (p->pos >= p->len || p->s[p->pos] != '"')
				return json_fail(p, "expected a member name");
			rc = json_string(p, &key);
			if (rc)
				return rc;
			json_skip_ws(p);
			if (p->pos >= p->len || p->s[p->pos] != ':') {
				free(key);
				return json_fail(p, "expected ':'");
			}
			p->pos++;
		}
		rc = json_value_at(p, &item);
		if (rc == 0)
			rc = json_push(v, item, key);
		if (rc) {
			free(key);
			json_free(item);
			return rc;
		}
		json_skip_ws(p);
		if (p->pos < p->len && p->s[p->pos] == ',') {
			p->pos++;
			continue;
		}
		if (p->pos < p->len && p->s[p->pos] == close) {
			p->pos++;
			return 0;
		}
		return json_fail(p, close == ']' ? "expected ',' or ']'" : "expected ',' or '}'");
	}
}

static int json_literal(struct json_parser *p, const char *word)
{
	size_t n = strlen(word);

	if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n) != 0)
		return json_fail(p, "unexpected character");
	p->pos += n;
	return 0;
}

static int json_value_at(struct json_parser *p, struct json_value **out)
{
	struct json_value *v = NULL;
	int rc = 0;

	json_skip_ws(p);
	if (p->pos >= p->len)
		return json_fail(p, "unexpected end of input");
	if (++p->depth > 64)
		return json_fail(p, "nesting too deep");
	char c = p->s[p->pos];
	switch (c) {
	case '{':
	case '[':
		v = json_new(c == '{' ? JSON_OBJECT : JSON_ARRAY);
		if (!v)
			return -ENOMEM;
		rc = json_container(p, v, c == '{' ? '}' : ']');
		break;
	case '"':
		v = json_new(JSON_STRING);
		if (!v)
			return -ENOMEM;
		rc = json_string(p, &v->string);
		break;
	case 't':
	case 'f':
		v = json_new(JSON_BOOL);
		if (!v)
			return -ENOMEM;
		v->boolean = c == 't';
		rc = json_literal(p, c == 't' ? "true" : "false");
		break;
	case 'n':
		v = json_new(JSON_NULL);
		if (!v)
			return -ENOMEM;
		rc = json_literal(p, "null");
		break;
	default: {
		char buf[64];
		size_t n = 0;
		char *end;
		while (p->pos + n < p->len && n < sizeof(buf) - 1 &&
		       strchr("+-0123456789.eE", p->s[p->pos + n]) && p->s[p->pos + n])
			n++;
		if (n == 0 || n == sizeof(buf) - 1)
			return json_fail(p, "unexpected character");
		memcpy(buf, p->s + p->pos, n);
		buf[n] = '\0';
		v = json_new(JSON_NUMBER);
		if (!v)
			return -ENOMEM;
		v->number = strtod(buf, &end);
		if (*end != '\0')
			rc = json_fail(p, "bad number");
		p->pos += n;
	}
	}
	p->depth--;
	if (rc) {
		json_free(v);
		return rc;
	}
	*out = v;
	return 0;
}

int json_parse(const char *text, size_t len, struct json_value **out, char *err, size_t errlen)
{
	struct json_parser p = { .s = text, .len = len, .err = err, .errlen = errlen };
	struct json_value *v = NULL;
	int rc;

	/* A UTF-8 byte order mark is tolerated (some editors add one). */
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		p.pos = 3;
	rc = json_value_at(&p, &v);
	if (rc)
		return rc;
	json_skip_ws(&p);
	if (p.pos != p.len) {
		json_free(v);
		return json_fail(&p, "trailing characters after the value");
	}
	*out = v;
	return 0;
}

int json_parse_file(const char *path, struct json_value **out, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0;
	int rc;

	if (!f) {
		rc = -errno;
		snprintf(err, errlen, "%s", strerror(errno));
		return rc;
	}
	for (;;) {
		if (cap - n < 65536) {
			char *nb = realloc(buf, cap + 65536 * 4);
			if (!nb) {
				rc = -ENOMEM;
				goto out;
			}
			buf = nb;
			cap += 65536 * 4;
		}
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		rc = -EIO;
		snprintf(err, errlen, "read error");
		goto out;
	}
	rc = json_parse(buf ? buf : "", n, out, err, errlen);
out:
	free(buf);
	fclose(f);
	return rc;
}

void json_free(struct json_value *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->count; i++) {
		json_free(v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->string);
	free(v);
}

const struct json_value *json_get(const struct json_value *obj, const char *key)
{
	if (!obj || obj->type != JSON_OBJECT)
		return NULL;
	for (size_t i = 0; i < obj->count; i++)
		if (strcmp(obj->keys[i], key) == 0)
			return obj->items[i];
	return NULL;
}

const char *json_str(const struct json_value *v)
{
	return v && v->type == JSON_STRING ? v->string : NULL;
}

long json_long(const struct json_value *v, long def)
{
	return v && v->type == JSON_NUMBER ? (long)v->number : def;
}

void json_write_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		switch (*c) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		default:
			if (*c < 0x20)
				fprintf(f, "\\u%04x", *c);
			else
				fputc(*c, f);
		}
	}
	fputc('"', f);
}
