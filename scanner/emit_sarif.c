/* emit_sarif — SARIF 2.1.0 output; see emit.h. Everything a result or rule
 * says is a sentence ending with a period (SARIF validators ask for it). */
#include "emit.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "checks/registry.h"
#include "json_write.h"
#include "source.h"
#include "v6kit_version.h"

/* Writes s as a JSON string that ends with a period. */
static void emit_sentence(FILE *f, const char *s)
{
	size_t n = strlen(s);

	if (n && s[n - 1] == '.') {
		json_write_string(f, s);
		return;
	}
	char buf[1024];
	snprintf(buf, sizeof(buf), "%s.", s);
	json_write_string(f, buf);
}

/* "v6-sockaddr-in-decl" -> "SockaddrInDecl": a friendly PascalCase name. */
static void emit_rule_name(FILE *f, const char *id)
{
	char buf[128];
	size_t n = 0;
	int up = 1;

	if (strncmp(id, "v6-", 3) == 0)
		id += 3;
	for (; *id && n < sizeof(buf) - 1; id++) {
		if (*id == '-') {
			up = 1;
			continue;
		}
		buf[n++] = up ? (char)toupper((unsigned char)*id) : *id;
		up = 0;
	}
	buf[n] = '\0';
	json_write_string(f, buf);
}

/* One rule: its page (info->docs) as help.markdown, helpUri only when a
 * base for the published pages is known (never a made-up address). */
static void emit_rule(FILE *f, const struct v6scan_check *c, const struct emit_info *info, int last)
{
	int idx = registry_index(c);
	const char *page = info->docs && idx >= 0 ? info->docs[idx] : NULL;
	char text[2048];

	fputs("          {\n            \"id\": ", f);
	json_write_string(f, c->id);
	fputs(",\n            \"name\": ", f);
	emit_rule_name(f, c->id);
	fputs(",\n            \"shortDescription\": {\"text\": ", f);
	emit_sentence(f, c->summary);
	fputs("},\n            \"fullDescription\": {\"text\": ", f);
	emit_sentence(f, c->why);
	snprintf(text, sizeof(text), "%s Instead: %s. Run `v6scan --explain %s` for examples.", c->why, c->fix, c->id);
	fputs("},\n            \"help\": {\"text\": ", f);
	json_write_string(f, text);
	if (page) {
		fputs(", \"markdown\": ", f);
		json_write_string(f, page);
	}
	fputs("},\n", f);
	if (info->help_uri_base && *info->help_uri_base) {
		char uri[1024];
		snprintf(uri, sizeof(uri), "%s%s.md", info->help_uri_base, c->id);
		fputs("            \"helpUri\": ", f);
		json_write_string(f, uri);
		fputs(",\n", f);
	}
	fprintf(f, "            \"defaultConfiguration\": {\"level\": \"%s\"},\n", check_level_name(c->level));
	/* GitHub code scanning reads precision (ordering) and problem.severity;
	 * precision is the check's confidence (checks.def) */
	fprintf(f,
		"            \"properties\": {\"tags\": [\"ipv6\", \"portability\"], \"precision\": \"%s\", "
		"\"problem.severity\": \"%s\"}\n          }%s\n",
		check_confidence_name(c->confidence),
		c->level == V6SCAN_NOTE ? "recommendation" : check_level_name(c->level), last ? "" : ",");
}

/* path percent-encoded as a URI path (json_write_uri without its quotes). */
static void emit_uri_text(FILE *f, const char *path)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);

	if (!mem)
		return;
	json_write_uri(mem, path);
	if (fclose(mem) == 0 && len >= 2)
		fwrite(buf + 1, 1, len - 2, f);
	free(buf);
}

/* The invocation: successful when every file was analysed; each file that
 * was not is a tool execution notification with its reason; each rule
 * whose level --severity set is a rule configuration override. */
static void emit_invocation(FILE *f, const struct findings *fs, const signed char *levels)
{
	size_t n;
	const struct v6scan_check *const *all = registry_all(&n);

	fprintf(f, "      \"invocations\": [{\"executionSuccessful\": %s", fs->failed_count ? "false" : "true");
	if (fs->failed_count)
		fputs(", \"toolExecutionNotifications\": [", f);
	for (size_t i = 0; i < fs->failed_count; i++) {
		char text[1024];
		const struct findings_failed *x = &fs->failed[i];
		snprintf(text, sizeof(text), "%s was not fully analysed: %s", x->path,
			 x->why[0] ? x->why : "it did not parse cleanly");
		fputs(i ? ",\n        " : "\n        ", f);
		fputs("{\"level\": \"error\", \"descriptor\": {\"id\": \"v6scan-incomplete\"}, \"message\": {\"text\": ",
		      f);
		emit_sentence(f, text);
		fputs("}, \"locations\": [{\"physicalLocation\": {\"artifactLocation\": {\"uri\": ", f);
		json_write_uri(f, x->path);
		fputs(", \"uriBaseId\": \"%SRCROOT%\"}}}]}", f);
	}
	if (fs->failed_count)
		fputs("]", f);
	size_t k = 0;
	for (size_t i = 0; levels && i < n && i < 64; i++) {
		if (levels[i] < 0)
			continue;
		fputs(k++ ? ",\n        " : ", \"ruleConfigurationOverrides\": [\n        ", f);
		fputs("{\"descriptor\": {\"id\": ", f);
		json_write_string(f, all[i]->id);
		fprintf(f, ", \"index\": %zu}, \"configuration\": {\"level\": \"%s\"}}", i,
			check_level_name((enum v6scan_level)levels[i]));
	}
	if (k)
		fputs("]", f);
	fputs("}],\n", f);
}

/* "region": start, end (the token: source.h) and the source line, columns
 * in UTF-16 code units as the run's columnKind says. */
static void emit_region(FILE *f, const struct finding *x)
{
	const char *line = x->snippet ? x->snippet : "";

	fprintf(f, "\"region\": {\"startLine\": %u, \"startColumn\": %u", x->line,
		source_utf16_column(line, x->column));
	if (x->end_column > x->column)
		fprintf(f, ", \"endLine\": %u, \"endColumn\": %u", x->line, source_utf16_column(line, x->end_column));
	if (x->snippet) {
		fputs(", \"snippet\": {\"text\": ", f);
		json_write_string(f, x->snippet);
		fputc('}', f);
	}
	fputc('}', f);
}

/* result.fixes (SARIF 2.1.0 §3.55): one fix, one artifactChange per run of
 * replacements in one file; each deleted region in bytes (byteOffset,
 * byteLength: the store's offsets; a text region would need UTF-16
 * columns of lines the report does not carry), with the line and byte
 * column in the replacement's properties for `v6scan merge`. */
static void emit_fixes(FILE *f, const struct finding *x)
{
	fputs("          \"fixes\": [{\"description\": {\"text\": ", f);
	emit_sentence(f, x->fix_desc);
	fputs("}, \"artifactChanges\": [", f);
	for (size_t k = 0; k < x->nfix; k++) {
		const struct finding_repl *r = &x->fix[k];
		if (k == 0 || strcmp(x->fix[k - 1].path, r->path) != 0) {
			fputs(k ? "]}, {\"artifactLocation\": {\"uri\": " : "{\"artifactLocation\": {\"uri\": ", f);
			json_write_uri(f, r->path);
			fputs(", \"uriBaseId\": \"%SRCROOT%\"}, \"replacements\": [", f);
		} else {
			fputs(", ", f);
		}
		fprintf(f,
			"{\"deletedRegion\": {\"byteOffset\": %u, \"byteLength\": %u}, \"insertedContent\": "
			"{\"text\": ",
			r->offset, r->length);
		json_write_string(f, r->text);
		fprintf(f, "}, \"properties\": {\"line\": %u, \"byteColumn\": %u}}", r->line, r->column);
	}
	fputs("]}]}],\n", f);
}

int emit_sarif(FILE *f, const struct findings *fs, const struct emit_info *info)
{
	size_t nrules;
	const struct v6scan_check *const *rules = registry_all(&nrules);

	fputs("{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n"
	      "  \"version\": \"2.1.0\",\n  \"runs\": [\n    {\n      \"tool\": {\n        \"driver\": {\n"
	      "          \"name\": \"v6scan\",\n",
	      f);
	fprintf(f, "          \"version\": \"%s\",\n          \"semanticVersion\": \"%s\",\n", V6KIT_VERSION,
		V6KIT_VERSION);
	/* where to learn about the tool: the published pages when known,
	 * else its manual page (a man: URI, as systemd units cite them) */
	fputs("          \"informationUri\": ", f);
	json_write_string(f, info->help_uri_base && *info->help_uri_base ? info->help_uri_base : "man:v6scan(1)");
	fputs(",\n", f);
	fputs("          \"rules\": [\n", f);
	for (size_t i = 0; i < nrules; i++)
		emit_rule(f, rules[i], info, i + 1 == nrules);
	fputs("          ]\n        }\n      },\n", f);
	emit_invocation(f, fs, info->levels);
	if (fs->root) {
		/* result URIs are relative to the report root: a consumer
		 * resolves them whatever the directory the scan ran in */
		fputs("      \"originalUriBaseIds\": {\"%SRCROOT%\": {\"uri\": \"file://", f);
		emit_uri_text(f, fs->root);
		fputs(strcmp(fs->root, "/") == 0 ? "\"}},\n" : "/\"}},\n", f);
	}
	fputs("      \"columnKind\": \"utf16CodeUnits\",\n      \"results\": [", f);
	for (size_t i = 0; i < fs->count; i++) {
		const struct finding *x = &fs->items[i];
		char msg[1024];
		fputs(i ? ",\n        {\n" : "\n        {\n", f);
		fputs("          \"ruleId\": ", f);
		json_write_string(f, x->check->id);
		fprintf(f, ",\n          \"ruleIndex\": %d,\n          \"level\": \"%s\",\n", registry_index(x->check),
			check_level_name(x->level));
		snprintf(msg, sizeof(msg), "%s; %s", x->message, x->check->fix);
		fputs("          \"message\": {\"text\": ", f);
		emit_sentence(f, msg);
		fputs("},\n          \"locations\": [{\"physicalLocation\": {\"artifactLocation\": {\"uri\": ", f);
		json_write_uri(f, x->path);
		fputs(", \"uriBaseId\": \"%SRCROOT%\"}, ", f);
		emit_region(f, x);
		fputs("}}],\n", f);
		if (x->nfix)
			emit_fixes(f, x);
		fputs("          \"partialFingerprints\": {\"v6scanFingerprint/v1\": ", f);
		json_write_string(f, x->fingerprint ? x->fingerprint : "");
		fputs("},\n", f);
		if (x->suppressed) {
			fputs("          \"suppressions\": [{\"kind\": \"inSource\"", f);
			if (x->justification && x->justification[0]) {
				fputs(", \"justification\": ", f);
				json_write_string(f, x->justification);
			}
			fputs("}],\n", f);
		}
		if (info->baseline_used)
			fprintf(f, "          \"baselineState\": \"%s\",\n", x->baselined ? "unchanged" : "new");
		fputs("          \"properties\": {\"function\": ", f);
		json_write_string(f, x->scope);
		fputs(", \"subject\": ", f);
		json_write_string(f, x->subject);
		fprintf(f, ", \"message\": ");
		json_write_string(f, x->message);
		if (x->inactive)
			fputs(", \"inactive\": true", f);
		if (fs->runtime_used && x->observable)
			fprintf(f, ", \"v6kit/executed\": %s, \"v6kit/hits\": %llu", x->hits ? "true" : "false",
				x->hits);
		fputs("}\n        }", f);
	}
	fputs(fs->count ? "\n      ],\n" : "],\n", f);
	fprintf(f,
		"      \"properties\": {\"filesParsed\": %zu, \"filesTotal\": %zu, \"defaultFlags\": %s, "
		"\"baselineUsed\": %s, \"failedFiles\": [",
		fs->files_parsed, fs->files_total, fs->default_flags ? "true" : "false",
		info->baseline_used ? "true" : "false");
	for (size_t i = 0; i < fs->failed_count; i++) {
		if (i)
			fputs(", ", f);
		json_write_string(f, fs->failed[i].path);
	}
	fputs("], \"failureReasons\": [", f);
	for (size_t i = 0; i < fs->failed_count; i++) {
		if (i)
			fputs(", ", f);
		json_write_string(f, fs->failed[i].why);
	}
	fputs("]}\n    }\n  ]\n}\n", f);
	return ferror(f) ? -EIO : 0;
}
