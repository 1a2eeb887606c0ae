/* emit_text — compiler-style text output and the summary line; see emit.h. */
#include "emit.h"

#include <errno.h>
#include <string.h>

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
	else
		return -EINVAL;
	return 0;
}

int emit_text(FILE *f, const struct findings *fs)
{
	for (size_t i = 0; i < fs->count; i++) {
		const struct finding *x = &fs->items[i];
		if (x->suppressed || x->baselined)
			continue;
		fprintf(f, "%s:%u:%u: %s: %s [%s]\n", x->path, x->line, x->column, check_level_name(x->level),
			x->message, x->check->id);
		fprintf(f, "%s:%u:%u: note: %s\n", x->path, x->line, x->column, x->check->fix);
	}
	return ferror(f) ? -EIO : 0;
}

void emit_summary(FILE *f, const struct findings *fs)
{
	struct findings_counts c = findings_count(fs);

	fprintf(f, "%zu finding%s (%zu error%s, %zu warning%s, %zu note%s), %zu suppressed, %zu baselined, "
		   "%zu/%zu files parsed",
		c.active, c.active == 1 ? "" : "s", c.errors, c.errors == 1 ? "" : "s", c.warnings,
		c.warnings == 1 ? "" : "s", c.notes, c.notes == 1 ? "" : "s", c.suppressed, c.baselined,
		fs->files_parsed, fs->files_total);
	if (fs->default_flags)
		fputs("; no compilation database entry for some files: parsed with -std=gnu11 -D_GNU_SOURCE",
		      f);
	fputc('\n', f);
}
