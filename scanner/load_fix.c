/* load_fix — reading the fix-its of findings back; see load_int.h. */
#include "load_int.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_read.h"

void load_fix_free(struct load_fix *fx)
{
	free(fx->desc);
	for (size_t i = 0; i < fx->n; i++) {
		free(fx->r[i].path);
		free(fx->r[i].text);
	}
	memset(fx, 0, sizeof(*fx));
}

/* A decoded copy of p into *out (percent-decoded when uri or lossless). */
static int load_copy(const struct load_ctx *c, const char *p, const char *where, int uri, char **out)
{
	struct load_strings s = { 0 };
	int rc = load_decode(c, &s, &p, where, uri);

	*out = rc ? NULL : strdup(p);
	load_strings_free(&s);
	return rc ? rc : *out ? 0 : -ENOMEM;
}

/* One replacement object at `where`: path (a URI when uri), offset,
 * length, line, column, text, under the given key names. */
static int load_repl(const struct load_ctx *c, struct load_fix *fx, const char *path, int uri, const json_t *num,
		     const char *where, const char *nwhere, const json_t *ln, const char *lwhere, const char *text,
		     const char *const keys[4])
{
	json_int_t off = 0, len = 0, line = 0, col = 0;
	char *err = c->err;
	size_t el = c->errlen;
	int rc;

	if (fx->n == FINDING_FIX_MAX) {
		snprintf(err, el, "%s: more than %d replacements", where, FINDING_FIX_MAX);
		return -EINVAL;
	}
	rc = json_read_int(num, nwhere, keys[0], 1, 0, UINT_MAX, &off, err, el);
	if (rc == 0)
		rc = json_read_int(num, nwhere, keys[1], 1, 0, UINT_MAX, &len, err, el);
	if (rc == 0)
		rc = json_read_int(ln, lwhere, keys[2], 1, 1, UINT_MAX, &line, err, el);
	if (rc == 0)
		rc = json_read_int(ln, lwhere, keys[3], 1, 1, UINT_MAX, &col, err, el);
	if (rc == 0 && !*path) {
		snprintf(err, el, "%s: the path is empty", where);
		rc = -EINVAL;
	}
	struct finding_repl *r = &fx->r[fx->n];
	memset(r, 0, sizeof(*r));
	if (rc == 0)
		rc = load_copy(c, path, where, uri, &r->path);
	if (rc == 0)
		rc = load_copy(c, text, where, 0, &r->text);
	if (rc) {
		free(r->path);
		free(r->text);
		return rc;
	}
	r->offset = (unsigned)off;
	r->length = (unsigned)len;
	r->line = (unsigned)line;
	r->column = (unsigned)col;
	fx->n++;
	return 0;
}

/* The JSON report's "fix": {"description", "replacements": [{"path",
 * "offset", "length", "line", "column", "text"}]} and "inactive". */
int load_json_fix(const struct load_ctx *c, const json_t *x, const char *where, struct load_fix *fx)
{
	static const char *const keys[4] = { "offset", "length", "line", "column" };
	json_t *fix = NULL, *list = NULL;
	const char *desc = NULL;
	char at[128];
	int rc = json_read_bool(x, where, "inactive", 0, &fx->inactive, c->err, c->errlen);

	if (rc == 0)
		rc = json_read_object(x, where, "fix", 0, &fix, c->err, c->errlen);
	if (rc || !fix)
		return rc;
	snprintf(at, sizeof(at), "%s.fix", where);
	rc = json_read_str(fix, at, "description", 1, &desc, c->err, c->errlen);
	if (rc == 0)
		rc = json_read_array(fix, at, "replacements", 1, &list, c->err, c->errlen);
	if (rc == 0 && json_array_size(list) == 0) {
		snprintf(c->err, c->errlen, "%s.replacements: must hold a replacement", at);
		rc = -EINVAL;
	}
	if (rc == 0)
		rc = load_copy(c, desc, at, 0, &fx->desc);
	for (size_t i = 0; rc == 0 && i < json_array_size(list); i++) {
		json_t *r = json_array_get(list, i);
		const char *path = NULL, *text = NULL;
		char rat[192];
		snprintf(rat, sizeof(rat), "%s.replacements[%zu]", at, i);
		if (!json_is_object(r))
			return json_read_bad(r, rat, "an object", c->err, c->errlen);
		rc = json_read_str(r, rat, "path", 1, &path, c->err, c->errlen);
		if (rc == 0)
			rc = json_read_str(r, rat, "text", 1, &text, c->err, c->errlen);
		if (rc == 0)
			rc = load_repl(c, fx, path, 0, r, rat, rat, r, rat, text, keys);
	}
	return rc;
}

/* A SARIF result's "fixes" (emit_sarif's form) and properties.inactive. */
int load_sarif_fix(const struct load_ctx *c, const json_t *x, const char *where, const json_t *props,
		   struct load_fix *fx)
{
	static const char *const keys[4] = { "byteOffset", "byteLength", "line", "byteColumn" };
	json_t *fixes = NULL, *changes = NULL, *desc = NULL;
	const char *text = NULL;
	char at[128];
	int rc = json_read_bool(props, where, "inactive", 0, &fx->inactive, c->err, c->errlen);

	if (rc == 0)
		rc = json_read_array(x, where, "fixes", 0, &fixes, c->err, c->errlen);
	if (rc || json_array_size(fixes) == 0)
		return rc;
	json_t *fix = json_array_get(fixes, 0);
	snprintf(at, sizeof(at), "%s.fixes[0]", where);
	if (!json_is_object(fix))
		return json_read_bad(fix, at, "an object", c->err, c->errlen);
	rc = json_read_object(fix, at, "description", 1, &desc, c->err, c->errlen);
	if (rc == 0)
		rc = json_read_str(desc, at, "text", 1, &text, c->err, c->errlen);
	if (rc == 0)
		rc = load_copy(c, text, at, 0, &fx->desc);
	if (rc == 0)
		rc = json_read_array(fix, at, "artifactChanges", 1, &changes, c->err, c->errlen);
	for (size_t i = 0; rc == 0 && i < json_array_size(changes); i++) {
		json_t *ch = json_array_get(changes, i), *art = NULL, *repls = NULL;
		const char *uri = NULL;
		char cat[192];
		snprintf(cat, sizeof(cat), "%s.artifactChanges[%zu]", at, i);
		if (!json_is_object(ch))
			return json_read_bad(ch, cat, "an object", c->err, c->errlen);
		rc = json_read_object(ch, cat, "artifactLocation", 1, &art, c->err, c->errlen);
		if (rc == 0)
			rc = json_read_str(art, cat, "uri", 1, &uri, c->err, c->errlen);
		if (rc == 0)
			rc = json_read_array(ch, cat, "replacements", 1, &repls, c->err, c->errlen);
		for (size_t k = 0; rc == 0 && k < json_array_size(repls); k++) {
			json_t *r = json_array_get(repls, k), *del = NULL, *ins = NULL, *rp = NULL;
			const char *t = NULL;
			char rat[256];
			snprintf(rat, sizeof(rat), "%s.replacements[%zu]", cat, k);
			if (!json_is_object(r))
				return json_read_bad(r, rat, "an object", c->err, c->errlen);
			rc = json_read_object(r, rat, "deletedRegion", 1, &del, c->err, c->errlen);
			if (rc == 0)
				rc = json_read_object(r, rat, "insertedContent", 1, &ins, c->err, c->errlen);
			if (rc == 0)
				rc = json_read_str(ins, rat, "text", 1, &t, c->err, c->errlen);
			if (rc == 0)
				rc = json_read_object(r, rat, "properties", 1, &rp, c->err, c->errlen);
			if (rc == 0)
				rc = load_repl(c, fx, uri, 1, del, rat, rat, rp, rat, t, keys);
		}
	}
	return rc;
}
