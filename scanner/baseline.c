/* baseline — see baseline.h. */
#include "baseline.h"

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

static uint64_t baseline_mix(uint64_t h, const char *s)
{
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= UINT64_C(1099511628211);
	}
	h ^= 0xff; /* field separator: ("ab","c") != ("a","bc") */
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
	FILE *f = fopen(path, "w");
	int first = 1;

	if (!f)
		return -errno;
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
	if (fclose(f) != 0)
		return -errno;
	return 0;
}

int baseline_apply(const char *path, struct findings *fs, char *err, size_t errlen)
{
	struct json_value *doc = NULL;
	int rc = json_parse_file(path, &doc, err, errlen);

	if (rc)
		return rc;
	const struct json_value *list = json_get(doc, "findings");
	if (json_long(json_get(doc, "version"), 0) != 1 || !list || list->type != JSON_ARRAY) {
		snprintf(err, errlen, "not a v6scan baseline (version 1 with a findings array)");
		json_free(doc);
		return -EINVAL;
	}
	for (size_t i = 0; i < fs->count; i++) {
		struct finding *f = &fs->items[i];
		if (!f->fingerprint)
			continue;
		for (size_t j = 0; j < list->count && !f->baselined; j++) {
			const char *fp = json_str(json_get(list->items[j], "fingerprint"));
			if (fp && strcmp(fp, f->fingerprint) == 0)
				f->baselined = 1;
		}
	}
	json_free(doc);
	return 0;
}
