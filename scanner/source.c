/* source — see source.h. */
#include "source.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void source_free(struct source_file *sf)
{
	free(sf->lines);
	free(sf->buf);
	memset(sf, 0, sizeof(*sf));
}

int source_load(struct source_file *sf, const char *root, const char *path)
{
	char *full = NULL;
	FILE *f, *mem;
	size_t len = 0, cap = 0;
	char chunk[8192];
	size_t got;

	memset(sf, 0, sizeof(*sf));
	if (path[0] == '/')
		full = strdup(path);
	else if (asprintf(&full, "%s/%s", root, path) < 0)
		full = NULL;
	if (!full)
		return -ENOMEM;
	f = fopen(full, "r");
	free(full);
	if (!f)
		return 0;
	mem = open_memstream(&sf->buf, &len);
	if (!mem) {
		fclose(f);
		return -ENOMEM;
	}
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
		fwrite(chunk, 1, got, mem);
	fclose(f);
	if (fclose(mem) != 0)
		return -ENOMEM;
	for (char *p = sf->buf; p && *p;) {
		if (sf->count == cap) {
			cap = cap ? cap * 2 : 256;
			char **nl = reallocarray(sf->lines, cap, sizeof(*nl));
			if (!nl)
				return -ENOMEM;
			sf->lines = nl;
		}
		sf->lines[sf->count++] = p;
		/* a line ends where clang ends it: "\n", "\r\n" or a lone "\r"
		 * (else the lines after a lone '\r' would not be clang's) */
		char *end = strpbrk(p, "\r\n");
		if (!end)
			break;
		p = end + (end[0] == '\r' && end[1] == '\n' ? 2 : 1);
		*end = '\0';
	}
	return 0;
}

const char *source_line(const struct source_file *sf, size_t n)
{
	return n >= 1 && n <= sf->count ? sf->lines[n - 1] : NULL;
}

static int source_ident(int c)
{
	return isalnum(c) || c == '_' || c == '$';
}

unsigned source_token_end(const char *line, unsigned column)
{
	size_t n = strlen(line), i;
	const unsigned char *s = (const unsigned char *)line;

	if (column == 0 || column > n)
		return 0;
	i = column - 1;
	if (isalpha(s[i]) || s[i] == '_') {
		while (i < n && source_ident(s[i]))
			i++;
		/* an encoding prefix: L"x", u8"x" */
		if (i < n && (s[i] == '"' || s[i] == '\'') && i - (column - 1) <= 2)
			return source_token_end(line, (unsigned)i + 1);
	} else if (isdigit(s[i]) || (s[i] == '.' && i + 1 < n && isdigit(s[i + 1]))) {
		/* a pp-number: digits, letters, '.', and a sign after an exponent */
		while (i < n &&
		       (source_ident(s[i]) || s[i] == '.' ||
			((s[i] == '+' || s[i] == '-') && strchr("eEpP", s[i - 1]))))
			i++;
	} else if (s[i] == '"' || s[i] == '\'') {
		unsigned char q = s[i++];
		while (i < n && s[i] != q)
			i += s[i] == '\\' && i + 1 < n ? 2 : 1;
		if (i < n)
			i++;
	} else {
		i++;
	}
	return (unsigned)i + 1;
}

int source_annotate(struct findings *fs, const char *root)
{
	struct source_file sf = { 0 };
	const char *loaded = NULL;
	int rc = 0;

	for (size_t i = 0; i < fs->count && rc == 0; i++) {
		struct finding *f = &fs->items[i];
		if (!loaded || strcmp(loaded, f->path) != 0) {
			source_free(&sf);
			rc = source_load(&sf, root, f->path);
			loaded = f->path;
			if (rc)
				break;
		}
		const char *line = source_line(&sf, f->line);
		if (!line)
			continue;
		size_t n = strnlen(line, SOURCE_MAX_SNIPPET);
		free(f->snippet);
		f->snippet = strndup(line, n);
		if (!f->snippet) {
			rc = -ENOMEM;
			break;
		}
		f->end_column = source_token_end(f->snippet, f->column);
	}
	source_free(&sf);
	return rc;
}

/* Bytes of the UTF-8 sequence at s (1 for a byte that starts none) and its
 * UTF-16 code units (2 above U+FFFF). */
static size_t source_seq(const unsigned char *s, unsigned *units)
{
	size_t n = *s < 0x80 ? 1 : (*s & 0xe0) == 0xc0 ? 2 : (*s & 0xf0) == 0xe0 ? 3 : (*s & 0xf8) == 0xf0 ? 4 : 1;

	for (size_t k = 1; k < n; k++)
		if ((s[k] & 0xc0) != 0x80)
			n = 1;
	*units = n == 4 ? 2 : 1;
	return n;
}

unsigned source_utf16_column(const char *line, unsigned column)
{
	const unsigned char *s = (const unsigned char *)line;
	size_t i = 0, stop = column ? column - 1 : 0;
	unsigned out = 1, u;

	while (i < stop && s[i]) {
		i += source_seq(s + i, &u);
		out += u;
	}
	return out + (unsigned)(stop > i ? stop - i : 0); /* past the text: one per byte */
}

unsigned source_byte_column(const char *line, unsigned column16)
{
	const unsigned char *s = (const unsigned char *)line;
	unsigned col = 1, u;
	size_t i = 0;

	while (col < column16 && s[i]) {
		i += source_seq(s + i, &u);
		col += u;
	}
	return (unsigned)i + 1 + (column16 > col ? column16 - col : 0);
}
