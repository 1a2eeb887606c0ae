/* baseline — see baseline.h. */
#include "baseline.h"

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_read.h"
#include "json_write.h"
#include "outfile.h"
#include "utf8.h"

static uint64_t baseline_mix_bytes(uint64_t h, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= UINT64_C(1099511628211);
	}
	return h;
}

/* Mixes s as the reports write it (json_write_string: a malformed UTF-8
 * byte as U+FFFD), so that the fingerprint of a finding read back from a
 * JSON report by `merge` is the one the scan computed. */
static uint64_t baseline_mix(uint64_t h, const char *s)
{
	while (*s) {
		size_t n = utf8_seq_len(s);
		if (n == 0) {
			h = baseline_mix_bytes(h, UTF8_REPLACEMENT, 3);
			s++;
		} else {
			h = baseline_mix_bytes(h, s, n);
			s += n;
		}
	}
	h ^= 0xff; /* field separator: ("ab","c") != ("a","bc"); 0xff is never in UTF-8 */
	h *= UINT64_C(1099511628211);
	return h;
}

static int baseline_same_key(const struct finding *a, const struct finding *b)
{
	return a->check == b->check && strcmp(a->path, b->path) == 0 && strcmp(a->scope, b->scope) == 0 &&
		strcmp(a->subject, b->subject) == 0;
}

int baseline_fingerprint_all(struct findings *fs)
{
	for (size_t i = 0; i < fs->count; i++) {
		struct finding *f = &fs->items[i];
		unsigned occurrence = 0;
		char num[16], hex[17];

		/* findings are sorted by path then line: earlier ones of the same
		 * key in this file come before i */
		for (size_t j = i; j > 0 && strcmp(fs->items[j - 1].path, f->path) == 0; j--)
			if (baseline_same_key(&fs->items[j - 1], f))
				occurrence++;
		uint64_t h = UINT64_C(14695981039346656037);
		h = baseline_mix(h, "v6scan-fp/1");
		h = baseline_mix(h, f->check->id);
		h = baseline_mix(h, f->path);
		h = baseline_mix(h, f->scope);
		h = baseline_mix(h, f->subject);
		snprintf(num, sizeof(num), "%u", occurrence);
		h = baseline_mix(h, num);
		snprintf(hex, sizeof(hex), "%016" PRIx64, h);
		free(f->fingerprint);
		f->fingerprint = strdup(hex);
		if (!f->fingerprint)
			return -ENOMEM;
	}
	return 0;
}

int baseline_write(const char *path, const struct findings *fs)
{
	struct outfile out;
	int first = 1, rc = outfile_open(&out, path);
	FILE *f = out.f;

	if (rc)
		return rc;
	fputs("{\n  \"version\": 1,\n  \"tool\": \"v6scan\",\n  \"findings\": [", f);
	for (size_t i = 0; i < fs->count; i++) {
		const struct finding *x = &fs->items[i];
		if (x->suppressed || !x->fingerprint)
			continue;
		fputs(first ? "\n    {\"fingerprint\": " : ",\n    {\"fingerprint\": ", f);
		first = 0;
		json_write_string(f, x->fingerprint);
		fputs(", \"check\": ", f);
		json_write_string(f, x->check->id);
		fputs(", \"path\": ", f);
		json_write_string(f, x->path);
		fputs(", \"function\": ", f);
		json_write_string(f, x->scope);
		fputs(", \"subject\": ", f);
		json_write_string(f, x->subject);
		fputc('}', f);
	}
	fputs(first ? "]\n}\n" : "\n  ]\n}\n", f);
	return outfile_commit(&out);
}

static int baseline_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* 1 when s is a fingerprint as baseline_fingerprint_all writes them. */
static int baseline_is_fingerprint(const char *s)
{
	size_t n = strspn(s, "0123456789abcdef");

	return n == 16 && s[n] == '\0';
}

int baseline_apply(const char *path, struct findings *fs, char *err, size_t errlen)
{
	json_t *doc = NULL, *list = NULL;
	json_int_t version = 0;
	const char *tool = NULL, **fps = NULL;
	size_t n = 0;
	int rc = json_read_file(path, JSON_READ_MAX_REPORT, &doc, err, errlen);

	if (rc)
		return rc;
	if (!json_is_object(doc)) {
		snprintf(err, errlen, "not a v6scan baseline (the document is not a JSON object)");
		rc = -EINVAL;
		goto out;
	}
	rc = json_read_int(doc, "", "version", 1, 1, 1, &version, err, errlen);
	if (rc == 0)
		rc = json_read_str(doc, "", "tool", 1, &tool, err, errlen);
	if (rc == 0 && strcmp(tool, "v6scan") != 0)
		rc = json_read_bad(json_object_get(doc, "tool"), "tool", "\"v6scan\"", err, errlen);
	if (rc == 0)
		rc = json_read_array(doc, "", "findings", 1, &list, err, errlen);
	if (rc)
		goto out;
	fps = calloc(json_array_size(list) + 1, sizeof(*fps));
	if (!fps) {
		rc = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < json_array_size(list); i++) {
		json_t *x = json_array_get(list, i);
		const char *info = NULL;
		char where[48];
		snprintf(where, sizeof(where), "findings[%zu]", i);
		if (!json_is_object(x)) {
			rc = json_read_bad(x, where, "an object", err, errlen);
			goto out;
		}
		rc = json_read_str(x, where, "fingerprint", 1, &fps[n], err, errlen);
		if (rc == 0 && !baseline_is_fingerprint(fps[n])) {
			snprintf(where, sizeof(where), "findings[%zu].fingerprint", i);
			rc = json_read_bad(json_object_get(x, "fingerprint"), where, "16 hex digits", err, errlen);
		}
		/* the other members are there for people reviewing the file */
		static const char *const shown[] = { "check", "path", "function", "subject" };
		for (size_t k = 0; k < 4 && rc == 0; k++)
			rc = json_read_str(x, where, shown[k], 0, &info, err, errlen);
		if (rc)
			goto out;
		n++;
	}
	qsort(fps, n, sizeof(*fps), baseline_cmp);
	for (size_t i = 0; i < fs->count; i++) {
		struct finding *f = &fs->items[i];
		if (f->fingerprint && bsearch(&f->fingerprint, fps, n, sizeof(*fps), baseline_cmp))
			f->baselined = 1;
	}
out:
	free(fps);
	json_decref(doc);
	return rc;
}
