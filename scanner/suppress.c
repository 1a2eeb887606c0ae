/* suppress — see suppress.h. */
#include "suppress.h"

#include "source.h"

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Does the glob list in [list, end) name check id? */
static int suppress_list_matches(const char *list, const char *end, const char *id)
{
	const char *p = list;

	while (p < end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *stop = comma ? comma : end;
		char glob[128];
		while (p < stop && isspace((unsigned char)*p))
			p++;
		size_t n = (size_t)(stop - p);
		while (n && isspace((unsigned char)p[n - 1]))
			n--;
		if (n && n < sizeof(glob)) {
			memcpy(glob, p, n);
			glob[n] = '\0';
			if (fnmatch(glob, id, 0) == 0)
				return 1;
		}
		p = stop + 1;
	}
	return 0;
}

/* 1 when s[0..n) holds nothing but blanks and comments (block comments,
 * and a line comment to the end). */
static int suppress_blank(const char *s, size_t n)
{
	const char *end = s + n;

	while (s < end) {
		if (isspace((unsigned char)*s)) {
			s++;
		} else if (end - s >= 2 && s[0] == '/' && s[1] == '/') {
			return 1;
		} else if (end - s >= 2 && s[0] == '/' && s[1] == '*') {
			const char *close = NULL;
			for (const char *p = s + 2; p + 1 < end && !close; p++)
				if (p[0] == '*' && p[1] == '/')
					close = p;
			if (!close)
				return 1; /* the comment goes on past the line */
			s = close + 2;
		} else {
			return 0;
		}
	}
	return 1;
}

/* 1 when the comment holding line[at] is alone on its line: no code before
 * its opening nor after its end (other comments do not count). A marker
 * with no opening on its line is inside a block comment begun above. */
static int suppress_alone(const char *line, const char *at)
{
	const char *open = NULL;

	for (const char *p = line; p + 1 <= at; p++)
		if (p[0] == '/' && (p[1] == '/' || p[1] == '*'))
			open = p;
	if (open && !suppress_blank(line, (size_t)(open - line)))
		return 0;
	if (open && open[1] == '/')
		return 1;
	const char *close = strstr(at, "*/");
	return !close || suppress_blank(close + 2, strlen(close + 2));
}

/* Finds marker `word` (NOLINT, NOLINTNEXTLINE, NOLINTBEGIN, NOLINTEND) as a
 * whole word in line; returns 1 when it applies to id (*at: where). */
static int suppress_marker_at(const char *line, const char *word, const char *id, const char **at)
{
	size_t wl = strlen(word);

	for (const char *p = strstr(line, word); p; p = strstr(p + 1, word)) {
		const char *after = p + wl;
		if (isalnum((unsigned char)*after) || *after == '_')
			continue; /* NOLINT inside NOLINTNEXTLINE etc. */
		if (p > line && (isalnum((unsigned char)p[-1]) || p[-1] == '_'))
			continue;
		*at = p;
		if (*after != '(')
			return 1;
		const char *close = strchr(after, ')');
		if (!close)
			continue; /* "NOLINT(list" unclosed: names nothing; a later marker still counts */
		if (suppress_list_matches(after + 1, close, id))
			return 1;
	}
	return 0;
}

static int suppress_marker(const char *line, const char *word, const char *id)
{
	const char *at;

	return suppress_marker_at(line, word, id, &at);
}

/* Looks for "v6scan: ignore[list] reason" on line. Returns 1 when present
 * and it names id; sets *reason (malloc'd, may be "") and *at. */
static int suppress_ignore(const char *line, const char *id, char **reason, const char **at)
{
	const char *p = strstr(line, "v6scan:");

	if (!p)
		return 0;
	*at = p;
	p += 7;
	while (*p == ' ' || *p == '\t')
		p++;
	if (strncmp(p, "ignore[", 7) != 0)
		return 0;
	p += 7;
	const char *close = strchr(p, ']');
	if (!close || !suppress_list_matches(p, close, id))
		return 0;
	const char *r = close + 1;
	while (*r == ' ' || *r == '\t')
		r++;
	const char *end = strstr(r, "*/");
	if (!end)
		end = r + strlen(r);
	while (end > r && isspace((unsigned char)end[-1]))
		end--;
	*reason = strndup(r, (size_t)(end - r));
	return *reason ? 1 : -ENOMEM;
}

/* A finding of id on line L is covered by a comment on L, or by one alone
 * on line L-1 (a comment that shares L-1 with code is about L-1 only). */
static int suppress_one(struct finding *f, const struct source_file *sf, const char *path, int *rejected)
{
	const char *id = f->check->id, *at;
	size_t L = f->line;

	if (L == 0 || L > sf->count)
		return 0;
	/* v6scan: ignore, on the line or alone on the line above */
	for (size_t l = L; l >= 1 && l + 1 >= L; l--) {
		char *reason = NULL;
		int rc = suppress_ignore(sf->lines[l - 1], id, &reason, &at);
		if (rc < 0)
			return rc;
		if (rc == 1 && l < L && !suppress_alone(sf->lines[l - 1], at)) {
			free(reason);
			rc = 0;
		}
		if (rc == 1) {
			if (reason[0] == '\0') {
				fprintf(stderr,
					"v6scan: %s:%zu: 'v6scan: ignore[...]' needs a reason after the "
					"closing bracket; suppression not applied\n",
					path, l);
				(*rejected)++;
				free(reason);
				break; /* not applied; a NOLINT form may still cover L */
			}
			f->suppressed = 1;
			free(f->justification);
			f->justification = reason;
			return 0;
		}
	}
	int hit = suppress_marker(sf->lines[L - 1], "NOLINT", id) ||
		(L >= 2 && suppress_marker(sf->lines[L - 2], "NOLINTNEXTLINE", id)) ||
		(L >= 2 && suppress_marker_at(sf->lines[L - 2], "NOLINT", id, &at) &&
		 suppress_alone(sf->lines[L - 2], at));
	if (!hit) {
		int depth = 0;
		for (size_t l = 1; l <= L; l++) {
			if (suppress_marker(sf->lines[l - 1], "NOLINTBEGIN", id))
				depth++;
			if (l < L && depth > 0 && suppress_marker(sf->lines[l - 1], "NOLINTEND", id))
				depth--;
		}
		hit = depth > 0;
	}
	if (hit) {
		f->suppressed = 1;
		free(f->justification);
		f->justification = strdup("");
		if (!f->justification)
			return -ENOMEM;
	}
	return 0;
}

int suppress_apply(struct findings *fs, const char *root)
{
	struct source_file sf = { 0 };
	const char *loaded = NULL;
	int rejected = 0, rc = 0;

	for (size_t i = 0; i < fs->count && rc == 0; i++) {
		struct finding *f = &fs->items[i];
		if (!loaded || strcmp(loaded, f->path) != 0) {
			source_free(&sf);
			rc = source_load(&sf, root, f->path);
			loaded = f->path;
		}
		if (rc == 0)
			rc = suppress_one(f, &sf, f->path, &rejected);
	}
	source_free(&sf);
	return rc < 0 ? rc : rejected;
}
