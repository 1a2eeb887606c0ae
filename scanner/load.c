/* load — see load.h. */
#include "load.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/registry.h"
#include "load_int.h"
#include "json_read.h"
#include "source.h"

void load_strings_free(struct load_strings *s)
{
	for (size_t i = 0; i < s->nowned; i++)
		free(s->owned[i]);
	s->nowned = 0;
}

/* Replaces *p by its decoded copy (owned by s) when decoding is asked for. */
int load_decode(const struct load_ctx *c, struct load_strings *s, const char **p, const char *name, int always)
{
	char *dec;
	int rc;

	if (s->nowned == sizeof(s->owned) / sizeof(s->owned[0]))
		return -ENOMEM; /* not reached: a finding has fewer strings */
	if (!*p || (!always && !(c->flags & LOAD_LOSSLESS)))
		return 0;
	rc = json_read_unescape(*p, &dec);
	if (rc == -EINVAL)
		snprintf(c->err, c->errlen, "%s: bad percent-encoding", name);
	if (rc)
		return rc;
	s->owned[s->nowned++] = dec;
	*p = dec;
	return 0;
}


/* The file counters (filesParsed, filesTotal, defaultFlags in cnt) and the
 * baseline flag and failed files (baselineUsed, failedFiles in top): where
 * the JSON report and a SARIF run keep them. */
static int load_counters(const struct load_ctx *c, const json_t *cnt, const char *cnt_where, const json_t *top,
			 const char *top_where, int *baseline_used)
{
	json_int_t parsed = 0, total = 0;
	int dflags = 0, bused = 0, rc;
	json_t *failed = NULL, *reasons = NULL;
	char name[96];

	rc = json_read_int(cnt, cnt_where, "filesParsed", 1, 0, LOAD_MAX_FILES, &parsed, c->err, c->errlen);
	if (rc == 0)
		rc = json_read_int(cnt, cnt_where, "filesTotal", 1, 0, LOAD_MAX_FILES, &total, c->err, c->errlen);
	if (rc == 0)
		rc = json_read_bool(cnt, cnt_where, "defaultFlags", 1, &dflags, c->err, c->errlen);
	if (rc == 0)
		rc = json_read_bool(top, top_where, "baselineUsed", 1, &bused, c->err, c->errlen);
	if (rc == 0)
		rc = json_read_array(top, top_where, "failedFiles", 1, &failed, c->err, c->errlen);
	if (rc == 0)
		rc = json_read_array(top, top_where, "failureReasons", 0, &reasons, c->err, c->errlen);
	if (rc)
		return rc;
	if (reasons && json_array_size(reasons) != json_array_size(failed)) {
		snprintf(c->err, c->errlen, "%s%sfailureReasons: must have one entry per failed file (got %zu for %zu)",
			 top_where, top_where[0] ? "." : "", json_array_size(reasons), json_array_size(failed));
		return -EINVAL;
	}
	if (parsed > total) {
		snprintf(c->err, c->errlen, "%s.filesParsed: must not exceed filesTotal (got %lld > %lld)", cnt_where,
			 (long long)parsed, (long long)total);
		return -EINVAL;
	}
	for (size_t i = 0; i < json_array_size(failed); i++) {
		struct load_strings s = { 0 };
		const char *p = json_string_value(json_array_get(failed, i));
		snprintf(name, sizeof(name), "%s%sfailedFiles[%zu]", top_where, top_where[0] ? "." : "", i);
		if (!p || !*p)
			return json_read_bad(json_array_get(failed, i), name, "a non-empty string", c->err, c->errlen);
		rc = load_decode(c, &s, &p, name, 0);
		const char *why = reasons ? json_string_value(json_array_get(reasons, i)) : NULL;
		snprintf(name, sizeof(name), "%s%sfailureReasons[%zu]", top_where, top_where[0] ? "." : "", i);
		if (rc == 0 && reasons && !why)
			rc = json_read_bad(json_array_get(reasons, i), name, "a string", c->err, c->errlen);
		if (rc == 0)
			rc = load_decode(c, &s, &why, name, 0);
		if (rc == 0 && findings_add_failed_why(c->fs, p, why))
			rc = -ENOMEM;
		load_strings_free(&s);
		if (rc)
			return rc;
	}
	c->fs->files_parsed += (size_t)parsed;
	c->fs->files_total += (size_t)total;
	c->fs->default_flags |= dflags;
	*baseline_used |= bused;
	return 0;
}

/* Takes the report's root (an absolute path, or a file:// URI when uri) for
 * the store when it has none yet: the first report of a merge names it. */
static int load_root(const struct load_ctx *c, const json_t *obj, const char *where, const char *key, int uri)
{
	const char *root = NULL;
	char *dec = NULL;
	int rc = json_read_str(obj, where, key, 0, &root, c->err, c->errlen);

	if (rc || !root || c->fs->root)
		return rc;
	if (uri) {
		if (strncmp(root, "file://", 7) != 0)
			return 0; /* not ours to interpret */
		rc = json_read_unescape(root + 7, &dec);
		if (rc)
			return rc == -EINVAL ? 0 : rc;
		size_t n = strlen(dec);
		if (n > 1 && dec[n - 1] == '/')
			dec[n - 1] = '\0';
	} else {
		struct load_strings s = { 0 };
		rc = load_decode(c, &s, &root, key, 0);
		dec = rc ? NULL : strdup(root);
		load_strings_free(&s);
		if (rc)
			return rc;
	}
	if (!dec)
		return -ENOMEM;
	if (dec[0] != '/') {
		free(dec);
		return 0;
	}
	c->fs->root = dec;
	return 0;
}

/* Checks the strings and numbers of one finding and adds it. */
static int load_add(const struct load_ctx *c, const char *where, struct load_strings *s, json_int_t line,
		    json_int_t col, int suppressed, int baselined, const struct load_fix *fx)
{
	struct finding f = { 0 };
	int rc = 0;

	f.check = registry_find(s->check);
	if (!f.check) {
		snprintf(c->err, c->errlen, "%s: no check '%s' in this v6scan", where, s->check);
		return -EINVAL;
	}
	if (check_level_parse(s->level, &f.level)) {
		snprintf(c->err, c->errlen, "%s: level must be error, warning or note (got '%s')", where, s->level);
		return -EINVAL;
	}
	const char **text[] = { &s->path,        &s->message,       &s->function, &s->subject,
				&s->fingerprint, &s->justification, &s->snippet };
	for (size_t i = 0; i < sizeof(text) / sizeof(text[0]) && rc == 0; i++)
		rc = load_decode(c, s, text[i], where, 0);
	if (rc)
		return rc;
	if (!*s->path) {
		snprintf(c->err, c->errlen, "%s: the path is empty", where);
		return -EINVAL;
	}
	f.path = (char *)s->path;
	f.line = (unsigned)line;
	f.column = (unsigned)col;
	f.end_column = (unsigned)s->end_column;
	f.snippet = (char *)s->snippet;
	f.message = (char *)s->message;
	f.scope = (char *)s->function;
	f.subject = (char *)s->subject;
	f.fingerprint = s->fingerprint && *s->fingerprint ? (char *)s->fingerprint : NULL;
	f.suppressed = suppressed;
	f.justification = suppressed ? (char *)(s->justification ? s->justification : "") : NULL;
	f.baselined = baselined;
	f.inactive = fx->inactive;
	if (fx->n) {
		f.fix_desc = fx->desc;
		f.fix = (struct finding_repl *)fx->r;
		f.nfix = fx->n;
	}
	return findings_add(c->fs, &f);
}

static int load_json(const struct load_ctx *c, const json_t *doc, int *baseline_used)
{
	json_t *sum = NULL, *list = NULL;
	json_int_t version = 0;
	const char *tool = NULL;
	char *err = c->err;
	size_t el = c->errlen;
	int rc;

	rc = json_read_int(doc, "", "version", 1, 1, 1, &version, err, el);
	if (rc == 0)
		rc = json_read_str(doc, "", "tool", 1, &tool, err, el);
	if (rc == 0 && strcmp(tool, "v6scan") != 0)
		return json_read_bad(json_object_get(doc, "tool"), "tool", "\"v6scan\"", err, el);
	if (rc == 0)
		rc = json_read_object(doc, "", "summary", 1, &sum, err, el);
	if (rc == 0)
		rc = json_read_array(doc, "", "findings", 1, &list, err, el);
	if (rc)
		return rc;
	rc = load_counters(c, sum, "summary", doc, "", baseline_used);
	if (rc == 0)
		rc = load_root(c, doc, "", "root", 0);
	for (size_t i = 0; i < json_array_size(list) && rc == 0; i++) {
		json_t *x = json_array_get(list, i);
		struct load_strings s = { 0 };
		json_int_t line = 0, col = 0;
		int sup = 0, base = 0;
		char where[48];
		snprintf(where, sizeof(where), "findings[%zu]", i);
		if (!json_is_object(x)) {
			rc = json_read_bad(x, where, "an object", err, el);
			break;
		}
		rc = json_read_str(x, where, "check", 1, &s.check, err, el);
		if (rc == 0)
			rc = json_read_str(x, where, "level", 1, &s.level, err, el);
		if (rc == 0)
			rc = json_read_str(x, where, "path", 1, &s.path, err, el);
		if (rc == 0)
			rc = json_read_int(x, where, "line", 1, 1, UINT_MAX, &line, err, el);
		if (rc == 0)
			rc = json_read_int(x, where, "column", 1, 1, UINT_MAX, &col, err, el);
		if (rc == 0)
			rc = json_read_int(x, where, "endColumn", 0, 1, UINT_MAX, &s.end_column, err, el);
		if (rc == 0)
			rc = json_read_str(x, where, "snippet", 0, &s.snippet, err, el);
		if (rc == 0)
			rc = json_read_str(x, where, "message", 1, &s.message, err, el);
		if (rc == 0)
			rc = json_read_str(x, where, "function", 1, &s.function, err, el);
		if (rc == 0)
			rc = json_read_str(x, where, "subject", 1, &s.subject, err, el);
		if (rc == 0)
			rc = json_read_str(x, where, "fingerprint", 0, &s.fingerprint, err, el);
		if (rc == 0)
			rc = json_read_bool(x, where, "suppressed", 1, &sup, err, el);
		if (rc == 0)
			rc = json_read_str(x, where, "justification", 0, &s.justification, err, el);
		if (rc == 0)
			rc = json_read_bool(x, where, "baselined", 1, &base, err, el);
		struct load_fix fx = { 0 };
		if (rc == 0)
			rc = load_json_fix(c, x, where, &fx);
		if (rc == 0)
			rc = load_add(c, where, &s, line, col, sup, base, &fx);
		load_fix_free(&fx);
		load_strings_free(&s);
	}
	return rc;
}

/* One SARIF result (written by emit_sarif) at `where`. */
static int load_sarif_result(const struct load_ctx *c, const json_t *x, const char *where)
{
	json_t *locs = NULL, *pl = NULL, *art = NULL, *region = NULL, *props = NULL, *pf = NULL, *sup = NULL;
	json_t *snip = NULL;
	struct load_strings s = { 0 };
	json_int_t line = 0, col = 0;
	const char *bstate = NULL;
	char *err = c->err, at[160];
	size_t el = c->errlen;
	int rc;

	if (!json_is_object(x))
		return json_read_bad(x, where, "an object", err, el);
	rc = json_read_str(x, where, "ruleId", 1, &s.check, err, el);
	if (rc == 0)
		rc = json_read_str(x, where, "level", 1, &s.level, err, el);
	if (rc == 0)
		rc = json_read_array(x, where, "locations", 1, &locs, err, el);
	if (rc == 0 && json_array_size(locs) == 0) {
		snprintf(err, el, "%s.locations: must hold a location", where);
		rc = -EINVAL;
	}
	snprintf(at, sizeof(at), "%s.locations[0]", where);
	if (rc == 0 && !json_is_object(json_array_get(locs, 0)))
		rc = json_read_bad(json_array_get(locs, 0), at, "an object", err, el);
	if (rc == 0)
		rc = json_read_object(json_array_get(locs, 0), at, "physicalLocation", 1, &pl, err, el);
	snprintf(at, sizeof(at), "%s.locations[0].physicalLocation", where);
	if (rc == 0)
		rc = json_read_object(pl, at, "artifactLocation", 1, &art, err, el);
	if (rc == 0)
		rc = json_read_object(pl, at, "region", 1, &region, err, el);
	snprintf(at, sizeof(at), "%s.locations[0].physicalLocation.artifactLocation", where);
	if (rc == 0)
		rc = json_read_str(art, at, "uri", 1, &s.path, err, el);
	if (rc == 0)
		rc = load_decode(c, &s, &s.path, at, 1); /* a URI: always percent-encoded */
	snprintf(at, sizeof(at), "%s.locations[0].physicalLocation.region", where);
	if (rc == 0)
		rc = json_read_int(region, at, "startLine", 1, 1, UINT_MAX, &line, err, el);
	if (rc == 0)
		rc = json_read_int(region, at, "startColumn", 1, 1, UINT_MAX, &col, err, el);
	if (rc == 0)
		rc = json_read_int(region, at, "endColumn", 0, 1, UINT_MAX, &s.end_column, err, el);
	if (rc == 0)
		rc = json_read_object(region, at, "snippet", 0, &snip, err, el);
	if (rc == 0 && snip) {
		snprintf(at, sizeof(at), "%s.locations[0].physicalLocation.region.snippet", where);
		rc = json_read_str(snip, at, "text", 1, &s.snippet, err, el);
	}
	/* SARIF columns are UTF-16 code units; the store's are bytes */
	if (rc == 0 && s.snippet) {
		col = source_byte_column(s.snippet, (unsigned)col);
		if (s.end_column)
			s.end_column = source_byte_column(s.snippet, (unsigned)s.end_column);
	}
	if (rc == 0)
		rc = json_read_object(x, where, "properties", 1, &props, err, el);
	snprintf(at, sizeof(at), "%s.properties", where);
	if (rc == 0)
		rc = json_read_str(props, at, "message", 1, &s.message, err, el);
	if (rc == 0)
		rc = json_read_str(props, at, "function", 1, &s.function, err, el);
	if (rc == 0)
		rc = json_read_str(props, at, "subject", 1, &s.subject, err, el);
	if (rc == 0)
		rc = json_read_object(x, where, "partialFingerprints", 0, &pf, err, el);
	snprintf(at, sizeof(at), "%s.partialFingerprints", where);
	if (rc == 0 && pf)
		rc = json_read_str(pf, at, "v6scanFingerprint/v1", 0, &s.fingerprint, err, el);
	if (rc == 0)
		rc = json_read_array(x, where, "suppressions", 0, &sup, err, el);
	snprintf(at, sizeof(at), "%s.suppressions[0]", where);
	if (rc == 0 && json_array_size(sup) > 0 && !json_is_object(json_array_get(sup, 0)))
		rc = json_read_bad(json_array_get(sup, 0), at, "an object", err, el);
	if (rc == 0 && json_array_size(sup) > 0)
		rc = json_read_str(json_array_get(sup, 0), at, "justification", 0, &s.justification, err, el);
	if (rc == 0)
		rc = json_read_str(x, where, "baselineState", 0, &bstate, err, el);
	if (rc == 0 && bstate && strcmp(bstate, "new") != 0 && strcmp(bstate, "unchanged") != 0) {
		snprintf(at, sizeof(at), "%s.baselineState", where);
		rc = json_read_bad(json_object_get(x, "baselineState"), at, "\"new\" or \"unchanged\"", err, el);
	}
	struct load_fix fx = { 0 };
	if (rc == 0)
		rc = load_sarif_fix(c, x, where, props, &fx);
	if (rc == 0)
		rc = load_add(c, where, &s, line, col, json_array_size(sup) > 0,
			      bstate && strcmp(bstate, "unchanged") == 0, &fx);
	load_fix_free(&fx);
	load_strings_free(&s);
	return rc;
}

static int load_sarif(const struct load_ctx *c, const json_t *doc, int *baseline_used)
{
	json_t *runs = NULL;
	int rc = json_read_array(doc, "", "runs", 1, &runs, c->err, c->errlen);

	for (size_t r = 0; r < json_array_size(runs) && rc == 0; r++) {
		json_t *run = json_array_get(runs, r), *tool = NULL, *driver = NULL, *props = NULL, *results = NULL;
		const char *name = NULL;
		char where[64];
		snprintf(where, sizeof(where), "runs[%zu]", r);
		if (!json_is_object(run))
			return json_read_bad(run, where, "an object", c->err, c->errlen);
		rc = json_read_object(run, where, "tool", 1, &tool, c->err, c->errlen);
		snprintf(where, sizeof(where), "runs[%zu].tool", r);
		if (rc == 0)
			rc = json_read_object(tool, where, "driver", 1, &driver, c->err, c->errlen);
		snprintf(where, sizeof(where), "runs[%zu].tool.driver", r);
		if (rc == 0)
			rc = json_read_str(driver, where, "name", 1, &name, c->err, c->errlen);
		if (rc == 0 && strcmp(name, "v6scan") != 0) {
			snprintf(c->err, c->errlen, "SARIF run %zu was written by '%s', not by v6scan", r, name);
			return -EINVAL;
		}
		snprintf(where, sizeof(where), "runs[%zu]", r);
		if (rc == 0)
			rc = json_read_object(run, where, "properties", 1, &props, c->err, c->errlen);
		if (rc == 0)
			rc = json_read_array(run, where, "results", 1, &results, c->err, c->errlen);
		snprintf(where, sizeof(where), "runs[%zu].properties", r);
		if (rc == 0)
			rc = load_counters(c, props, where, props, where, baseline_used);
		json_t *bases = json_object_get(run, "originalUriBaseIds"), *src = NULL;
		if (rc == 0 && json_is_object(bases) && json_is_object(src = json_object_get(bases, "%SRCROOT%")))
			rc = load_root(c, src, "%SRCROOT%", "uri", 1);
		for (size_t i = 0; i < json_array_size(results) && rc == 0; i++) {
			snprintf(where, sizeof(where), "runs[%zu].results[%zu]", r, i);
			rc = load_sarif_result(c, json_array_get(results, i), where);
		}
	}
	return rc;
}

int load_report(const json_t *doc, struct findings *fs, int *baseline_used, unsigned flags, char *err, size_t errlen)
{
	struct load_ctx c = { .fs = fs, .flags = flags, .err = err, .errlen = errlen };

	if (!json_is_object(doc)) {
		snprintf(err, errlen, "not a v6scan report (the document is not a JSON object)");
		return -EINVAL;
	}
	if (json_object_get(doc, "runs"))
		return load_sarif(&c, doc, baseline_used);
	return load_json(&c, doc, baseline_used);
}

int load_report_file(const char *path, struct findings *fs, int *baseline_used, char *err, size_t errlen)
{
	json_t *doc = NULL;
	int rc = json_read_file(path, JSON_READ_MAX_REPORT, &doc, err, errlen);

	if (rc)
		return rc;
	rc = load_report(doc, fs, baseline_used, 0, err, errlen);
	json_decref(doc);
	return rc;
}
