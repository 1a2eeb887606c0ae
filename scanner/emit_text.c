/* emit_text — compiler-style text output and the summary line; see emit.h. */
#include "emit.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int emit_format_parse(const char *s, enum emit_format *out)
{
	if (strcmp(s, "text") == 0)
		*out = EMIT_TEXT;
	else if (strcmp(s, "json") == 0)
		*out = EMIT_JSON;
	else if (strcmp(s, "sarif") == 0)
		*out = EMIT_SARIF;
	else if (strcmp(s, "html") == 0)
		*out = EMIT_HTML;
	else if (strcmp(s, "codeclimate") == 0)
		*out = EMIT_CODECLIMATE;
	else
		return -EINVAL;
	return 0;
}

/* SGR sequences, as GCC colours its diagnostics (GCC_COLORS defaults). */
#define EMIT_BOLD "\033[1m"
#define EMIT_RESET "\033[m"

static const char *emit_level_color(enum v6scan_level level)
{
	return level == V6SCAN_ERROR ? "\033[1;31m" : level == V6SCAN_WARNING ? "\033[1;35m" : "\033[1;36m";
}

/* "  15 | <line>" then "     | ^~~~" under [column, end_column): a tab in
 * the line stays a tab under it and a UTF-8 sequence is one column, so the
 * caret sits under the token whatever the terminal's tab stops. */
static void emit_source(FILE *f, const struct finding *x, int color)
{
	const char *line = x->snippet;
	size_t n = strlen(line);
	unsigned end = x->end_column > x->column ? x->end_column : x->column + 1;

	fprintf(f, " %4u | %s\n      | ", x->line, line);
	for (size_t i = 0; i + 1 < x->column && i < n; i++) {
		unsigned char c = (unsigned char)line[i];
		if (c == '\t')
			fputc('\t', f);
		else if ((c & 0xc0) != 0x80)
			fputc(' ', f);
	}
	fputs(color ? "\033[1;32m^" : "^", f);
	for (unsigned c = x->column + 1; c < end; c++)
		if (c - 1 >= n || ((unsigned char)line[c - 1] & 0xc0) != 0x80)
			fputc('~', f);
	fputs(color ? EMIT_RESET "\n" : "\n", f);
}

int emit_text(FILE *f, const struct findings *fs, const struct emit_info *info)
{
	int color = info->color;
	const char *file = NULL;
	/* the checks whose advice note was printed for this file */
	const struct v6scan_check **noted = NULL;
	size_t nnoted = 0;

	for (size_t i = 0; i < fs->count; i++) {
		const struct finding *x = &fs->items[i];
		if (x->suppressed || x->baselined)
			continue;
		if (!file || strcmp(file, x->path) != 0) {
			file = x->path;
			nnoted = 0;
		}
		char ran[48] = "";
		if (fs->runtime_used && x->observable && x->hits)
			snprintf(ran, sizeof(ran), " (ran: %llu call%s)", x->hits, x->hits == 1 ? "" : "s");
		else if (fs->runtime_used && x->observable)
			snprintf(ran, sizeof(ran), " (not seen running)");
		fprintf(f, "%s%s:%u:%u:%s %s%s:%s %s%s%s [%s%s%s]%s\n", color ? EMIT_BOLD : "", x->path, x->line,
			x->column, color ? EMIT_RESET : "", color ? emit_level_color(x->level) : "",
			check_level_name(x->level), color ? EMIT_RESET : "", color ? EMIT_BOLD : "", x->message,
			color ? EMIT_RESET : "", color ? emit_level_color(x->level) : "", x->check->id,
			color ? EMIT_RESET : "", ran);
		if (x->snippet)
			emit_source(f, x, color);
		if (x->nfix)
			fprintf(f, "%s%s:%u:%u:%s %sfix-it:%s %s (--fix applies it)\n", color ? EMIT_BOLD : "",
				x->fix[0].path, x->fix[0].line, x->fix[0].column, color ? EMIT_RESET : "",
				color ? "\033[1;32m" : "", color ? EMIT_RESET : "", x->fix_desc);
		int seen = 0;
		for (size_t k = 0; k < nnoted && !seen; k++)
			seen = noted[k] == x->check;
		if (seen)
			continue;
		/* the advice once per check and file, at its first finding */
		const struct v6scan_check **nn = reallocarray(noted, nnoted + 1, sizeof(*nn));
		if (!nn) {
			free(noted);
			return -ENOMEM;
		}
		noted = nn;
		noted[nnoted++] = x->check;
		fprintf(f, "%s%s:%u:%u:%s %snote:%s %s\n", color ? EMIT_BOLD : "", x->path, x->line, x->column,
			color ? EMIT_RESET : "", color ? emit_level_color(V6SCAN_NOTE) : "", color ? EMIT_RESET : "",
			x->check->fix);
	}
	free(noted);
	return ferror(f) ? -EIO : 0;
}

int emit_color_parse(const char *s, enum emit_color *out)
{
	if (strcmp(s, "auto") == 0)
		*out = EMIT_COLOR_AUTO;
	else if (strcmp(s, "always") == 0)
		*out = EMIT_COLOR_ALWAYS;
	else if (strcmp(s, "never") == 0)
		*out = EMIT_COLOR_NEVER;
	else
		return -EINVAL;
	return 0;
}

int emit_color_wanted(enum emit_color when, int fd)
{
	const char *no = getenv("NO_COLOR"), *term = getenv("TERM");

	if (when != EMIT_COLOR_AUTO)
		return when == EMIT_COLOR_ALWAYS;
	if (no && *no)
		return 0;
	return isatty(fd) && !(term && strcmp(term, "dumb") == 0);
}

void emit_summary(FILE *f, const struct findings *fs)
{
	struct findings_counts c = findings_count(fs);

	fprintf(f,
		"%zu finding%s (%zu error%s, %zu warning%s, %zu note%s), %zu suppressed, %zu baselined, "
		"%zu/%zu files parsed",
		c.active, c.active == 1 ? "" : "s", c.errors, c.errors == 1 ? "" : "s", c.warnings,
		c.warnings == 1 ? "" : "s", c.notes, c.notes == 1 ? "" : "s", c.suppressed, c.baselined,
		fs->files_parsed, fs->files_total);
	if (fs->default_flags)
		fputs("; no compilation database entry for some files: parsed with -std=gnu11 -D_GNU_SOURCE", f);
	fputc('\n', f);
}
