/* emit_json — the JSON report; see emit.h. */
#include "emit.h"

#include <errno.h>

#include "json_write.h"
#include "v6kit_version.h"

/* Public reports replace malformed UTF-8; the workers' results keep it. */
static void emit_str(FILE *f, const struct emit_info *info, const char *s)
{
	if (info->lossless)
		json_write_lossless(f, s);
	else
		json_write_string(f, s);
}

int emit_json(FILE *f, const struct findings *fs, const struct emit_info *info)
{
	struct findings_counts c = findings_count(fs);
	const char *nl = info->compact ? "" : "\n";
	const char *in1 = info->compact ? "" : "  ";
	const char *in2 = info->compact ? "" : "    ";

	fprintf(f, "{%s%s\"version\": 1,%s%s\"tool\": \"v6scan\",%s%s\"toolVersion\": \"%s\",%s", nl, in1, nl, in1, nl,
		in1, V6KIT_VERSION, nl);
	fprintf(f,
		"%s\"summary\": {\"findings\": %zu, \"errors\": %zu, \"warnings\": %zu, \"notes\": %zu, "
		"\"suppressed\": %zu, \"baselined\": %zu, \"filesParsed\": %zu, \"filesTotal\": %zu, "
		"\"defaultFlags\": %s},%s",
		in1, c.active, c.errors, c.warnings, c.notes, c.suppressed, c.baselined, fs->files_parsed,
		fs->files_total, fs->default_flags ? "true" : "false", nl);
	fprintf(f, "%s\"baselineUsed\": %s,%s", in1, info->baseline_used ? "true" : "false", nl);
	if (fs->root) {
		fprintf(f, "%s\"root\": ", in1);
		emit_str(f, info, fs->root);
		fprintf(f, ",%s", nl);
	}
	fprintf(f, "%s\"failedFiles\": [", in1);
	for (size_t i = 0; i < fs->failed_count; i++) {
		if (i)
			fputs(", ", f);
		emit_str(f, info, fs->failed[i].path);
	}
	fprintf(f, "],%s%s\"failureReasons\": [", nl, in1);
	for (size_t i = 0; i < fs->failed_count; i++) {
		if (i)
			fputs(", ", f);
		emit_str(f, info, fs->failed[i].why);
	}
	fprintf(f, "],%s%s\"findings\": [", nl, in1);
	for (size_t i = 0; i < fs->count; i++) {
		const struct finding *x = &fs->items[i];
		fprintf(f, "%s%s%s{\"check\": ", i ? "," : "", nl, in2);
		emit_str(f, info, x->check->id);
		fprintf(f, ", \"level\": \"%s\", \"path\": ", check_level_name(x->level));
		emit_str(f, info, x->path);
		fprintf(f, ", \"line\": %u, \"column\": %u, ", x->line, x->column);
		if (x->end_column)
			fprintf(f, "\"endColumn\": %u, ", x->end_column);
		if (x->snippet) {
			fputs("\"snippet\": ", f);
			emit_str(f, info, x->snippet);
			fputs(", ", f);
		}
		fputs("\"message\": ", f);
		emit_str(f, info, x->message);
		fputs(", \"function\": ", f);
		emit_str(f, info, x->scope);
		fputs(", \"subject\": ", f);
		emit_str(f, info, x->subject);
		if (x->fingerprint) {
			fputs(", \"fingerprint\": ", f);
			emit_str(f, info, x->fingerprint);
		}
		if (x->inactive)
			fputs(", \"inactive\": true", f);
		if (fs->runtime_used && x->observable)
			fprintf(f, ", \"executed\": %s, \"hits\": %llu", x->hits ? "true" : "false", x->hits);
		if (x->nfix) {
			fputs(", \"fix\": {\"description\": ", f);
			emit_str(f, info, x->fix_desc);
			fputs(", \"replacements\": [", f);
			for (size_t k = 0; k < x->nfix; k++) {
				const struct finding_repl *r = &x->fix[k];
				fputs(k ? ", {\"path\": " : "{\"path\": ", f);
				emit_str(f, info, r->path);
				fprintf(f, ", \"offset\": %u, \"length\": %u, \"line\": %u, \"column\": %u, \"text\": ",
					r->offset, r->length, r->line, r->column);
				emit_str(f, info, r->text);
				fputc('}', f);
			}
			fputs("]}", f);
		}
		fprintf(f, ", \"suppressed\": %s", x->suppressed ? "true" : "false");
		if (x->suppressed) {
			fputs(", \"justification\": ", f);
			emit_str(f, info, x->justification ? x->justification : "");
		}
		fprintf(f, ", \"baselined\": %s}", x->baselined ? "true" : "false");
	}
	/* compact: no trailing newline, the caller embeds the report in a line */
	fprintf(f, "%s%s]%s}%s", fs->count ? nl : "", fs->count ? in1 : "", nl, info->compact ? "" : "\n");
	return ferror(f) ? -EIO : 0;
}
