/* emit_codeclimate — the Code Climate issue list GitLab's code quality
 * report reads (a JSON array; see emit.h). */
#include "emit.h"

#include <errno.h>
#include <string.h>

#include "json_write.h"

/* GitLab's severities: info, minor, major, critical, blocker. */
static const char *emit_cc_severity(enum v6scan_level level)
{
	switch (level) {
	case V6SCAN_ERROR: return "critical";
	case V6SCAN_WARNING: return "major";
	default: return "info";
	}
}

int emit_codeclimate(FILE *f, const struct findings *fs, const struct emit_info *info)
{
	size_t written = 0;

	(void)info;
	fputc('[', f);
	for (size_t i = 0; i < fs->count; i++) {
		const struct finding *x = &fs->items[i];
		if (x->suppressed || x->baselined)
			continue;
		/* The fingerprint is line-free (it survives unrelated edits);
		 * GitLab wants each issue's own, so a repeat of the same one
		 * (same check, function and subject) gets its ordinal. */
		size_t nth = 0;
		for (size_t k = 0; k < i; k++)
			nth += !fs->items[k].suppressed && !fs->items[k].baselined && fs->items[k].fingerprint &&
				x->fingerprint && strcmp(fs->items[k].fingerprint, x->fingerprint) == 0;
		fputs(written++ ? ",\n  {" : "\n  {", f);
		fputs("\"type\": \"issue\", \"check_name\": ", f);
		json_write_string(f, x->check->id);
		fputs(", \"description\": ", f);
		json_write_string(f, x->message);
		fputs(", \"categories\": [\"Compatibility\"], \"severity\": ", f);
		fprintf(f, "\"%s\", \"fingerprint\": \"%s%s", emit_cc_severity(x->level),
			x->fingerprint ? x->fingerprint : "", x->fingerprint ? "" : x->check->id);
		if (nth)
			fprintf(f, "-%zu", nth + 1);
		fputs("\", \"location\": {\"path\": ", f);
		json_write_string(f, x->path);
		fprintf(f, ", \"lines\": {\"begin\": %u}}}", x->line);
	}
	fputs(written ? "\n]\n" : "]\n", f);
	return ferror(f) ? -EIO : 0;
}
