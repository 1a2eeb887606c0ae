/* json_write — see json_write.h. */
#include "json_write.h"

#include <string.h>

#include "utf8.h"

/* Writes the one ASCII byte c (< 0x80) as JSON string content. */
static void json_write_ascii(FILE *f, unsigned char c)
{
	switch (c) {
	case '"': fputs("\\\"", f); break;
	case '\\': fputs("\\\\", f); break;
	case '\n': fputs("\\n", f); break;
	case '\r': fputs("\\r", f); break;
	case '\t': fputs("\\t", f); break;
	default:
		if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
}

/* The body of both string writers: with pct, malformed bytes and '%' are
 * written as %XX; without, a malformed byte becomes U+FFFD. */
static void json_write_body(FILE *f, const char *s, int pct)
{
	fputc('"', f);
	while (*s) {
		unsigned char c = (unsigned char)*s;
		size_t n = utf8_seq_len(s);
		if (n == 0) {
			if (pct)
				fprintf(f, "%%%02X", c);
			else
				fputs(UTF8_REPLACEMENT, f);
			s++;
		} else if (n > 1) {
			fwrite(s, 1, n, f);
			s += n;
		} else {
			if (pct && c == '%')
				fputs("%25", f);
			else
				json_write_ascii(f, c);
			s++;
		}
	}
	fputc('"', f);
}

void json_write_string(FILE *f, const char *s)
{
	json_write_body(f, s, 0);
}

void json_write_lossless(FILE *f, const char *s)
{
	json_write_body(f, s, 1);
}

void json_write_uri(FILE *f, const char *path)
{
	static const char keep[] = "-._~!$&'()*+,;=@/";

	fputc('"', f);
	for (const unsigned char *c = (const unsigned char *)path; *c; c++) {
		if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
		    strchr(keep, *c))
			fputc(*c, f);
		else
			fprintf(f, "%%%02X", *c);
	}
	fputc('"', f);
}
