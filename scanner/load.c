/* load — see load.h. */
#include "load.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "checks/registry.h"

static int load_bool(const struct json_value *v)
{
	return v && v->type == JSON_BOOL && v->boolean;
}

static int load_failed(const struct json_value *list, struct findings *fs)
{
	if (!list || list->type != JSON_ARRAY)
		return 0;
	for (size_t i = 0; i < list->count; i++) {
		const char *p = json_str(list->items[i]);
		if (p && findings_add_failed(fs, p))
			return -ENOMEM;
	}
	return 0;
}

static int load_one(struct findings *fs, const char *check_id, const char *level, const char *path, long line,
		    long col, const char *message, const char *function, const char *subject,
		    const char *fingerprint, int suppressed, const char *justification, int baselined, char *err,
		    size_t errlen)
{
	struct finding f = { 0 };

	f.check = check_id ? registry_find(check_id) : NULL;
	if (!f.check) {
		snprintf(err, errlen, "unknown check id '%s'", check_id ? check_id : "(none)");
		return -EINVAL;
	}
	if (!level || check_level_parse(level, &f.level)) {
		snprintf(err, errlen, "bad level for a %s finding", check_id);
		return -EINVAL;
	}
	if (!path || !message || line < 1 || col < 1) {
		snprintf(err, errlen, "a %s finding lacks its path, line, column or message", check_id);
		return -EINVAL;
	}
	f.path = (char *)path;
	f.line = (unsigned)line;
	f.column = (unsigned)col;
	f.message = (char *)message;
	f.scope = (char *)function;
	f.subject = (char *)subject;
	f.fingerprint = fingerprint && *fingerprint ? (char *)fingerprint : NULL;
	f.suppressed = suppressed;
	f.justification = suppressed ? (char *)(justification ? justification : "") : NULL;
	f.baselined = baselined;
	return findings_add(fs, &f);
}

static int load_json(const struct json_value *doc, struct findings *fs, int *baseline_used, char *err,
		     size_t errlen)
{
	const struct json_value *sum = json_get(doc, "summary");
	const struct json_value *list = json_get(doc, "findings");
	int rc;

	if (!sum || !list || list->type != JSON_ARRAY) {
		snprintf(err, errlen, "not a v6scan JSON report (no summary or findings)");
		return -EINVAL;
	}
	fs->files_parsed += (size_t)json_long(json_get(sum, "filesParsed"), 0);
	fs->files_total += (size_t)json_long(json_get(sum, "filesTotal"), 0);
	fs->default_flags |= load_bool(json_get(sum, "defaultFlags"));
	*baseline_used |= load_bool(json_get(doc, "baselineUsed"));
	rc = load_failed(json_get(doc, "failedFiles"), fs);
	for (size_t i = 0; i < list->count && rc == 0; i++) {
		const struct json_value *x = list->items[i];
		rc = load_one(fs, json_str(json_get(x, "check")), json_str(json_get(x, "level")),
			      json_str(json_get(x, "path")), json_long(json_get(x, "line"), 0),
			      json_long(json_get(x, "column"), 0), json_str(json_get(x, "message")),
			      json_str(json_get(x, "function")), json_str(json_get(x, "subject")),
			      json_str(json_get(x, "fingerprint")), load_bool(json_get(x, "suppressed")),
			      json_str(json_get(x, "justification")), load_bool(json_get(x, "baselined")), err,
			      errlen);
	}
	return rc;
}

static int load_sarif(const struct json_value *doc, struct findings *fs, int *baseline_used, char *err,
		      size_t errlen)
{
	const struct json_value *runs = json_get(doc, "runs");
	int rc = 0;

	if (!runs || runs->type != JSON_ARRAY) {
		snprintf(err, errlen, "not a SARIF log (no runs)");
		return -EINVAL;
	}
	for (size_t r = 0; r < runs->count && rc == 0; r++) {
		const struct json_value *run = runs->items[r];
		const char *tool = json_str(json_get(json_get(json_get(run, "tool"), "driver"), "name"));
		const struct json_value *props = json_get(run, "properties");
		const struct json_value *results = json_get(run, "results");
		if (!tool || strcmp(tool, "v6scan") != 0) {
			snprintf(err, errlen, "SARIF run %zu was not written by v6scan", r);
			return -EINVAL;
		}
		fs->files_parsed += (size_t)json_long(json_get(props, "filesParsed"), 0);
		fs->files_total += (size_t)json_long(json_get(props, "filesTotal"), 0);
		fs->default_flags |= load_bool(json_get(props, "defaultFlags"));
		*baseline_used |= load_bool(json_get(props, "baselineUsed"));
		rc = load_failed(json_get(props, "failedFiles"), fs);
		for (size_t i = 0; results && results->type == JSON_ARRAY && i < results->count && rc == 0; i++) {
			const struct json_value *x = results->items[i];
			const struct json_value *locs = json_get(x, "locations");
			const struct json_value *pl = locs && locs->type == JSON_ARRAY && locs->count
				? json_get(locs->items[0], "physicalLocation") : NULL;
			const struct json_value *region = json_get(pl, "region");
			const struct json_value *xp = json_get(x, "properties");
			const struct json_value *sup = json_get(x, "suppressions");
			int suppressed = sup && sup->type == JSON_ARRAY && sup->count > 0;
			const char *bstate = json_str(json_get(x, "baselineState"));
			rc = load_one(fs, json_str(json_get(x, "ruleId")), json_str(json_get(x, "level")),
				      json_str(json_get(json_get(pl, "artifactLocation"), "uri")),
				      json_long(json_get(region, "startLine"), 0),
				      json_long(json_get(region, "startColumn"), 0),
				      json_str(json_get(xp, "message")), json_str(json_get(xp, "function")),
				      json_str(json_get(xp, "subject")),
				      json_str(json_get(json_get(x, "partialFingerprints"), "v6scanFingerprint/v1")),
				      suppressed,
				      suppressed ? json_str(json_get(sup->items[0], "justification")) : NULL,
				      bstate && strcmp(bstate, "unchanged") == 0, err, errlen);
		}
	}
	return rc;
}

int load_report(const struct json_value *doc, struct findings *fs, int *baseline_used, char *err,
		size_t errlen)
{
	if (!doc || doc->type != JSON_OBJECT) {
		snprintf(err, errlen, "not a JSON object");
		return -EINVAL;
	}
	if (json_get(doc, "runs"))
		return load_sarif(doc, fs, baseline_used, err, errlen);
	return load_json(doc, fs, baseline_used, err, errlen);
}

int load_report_file(const char *path, struct findings *fs, int *baseline_used, char *err, size_t errlen)
{
	struct json_value *doc = NULL;
	int rc = json_parse_file(path, &doc, err, errlen);

	if (rc)
		return rc;
	rc = load_report(doc, fs, baseline_used, err, errlen);
	json_free(doc);
	return rc;
}
