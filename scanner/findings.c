/* findings — see findings.h. */
#include "findings.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "checks/registry.h"

void findings_init(struct findings *fs)
{
	memset(fs, 0, sizeof(*fs));
}

static void findings_free_one(struct finding *f)
{
	free(f->path);
	free(f->message);
	free(f->scope);
	free(f->subject);
	free(f->fingerprint);
	free(f->justification);
	free(f->snippet);
	free(f->fix_desc);
	for (size_t i = 0; i < f->nfix; i++) {
		free(f->fix[i].path);
		free(f->fix[i].text);
	}
	free(f->fix);
	f->fix = NULL;
	f->nfix = 0;
}

void findings_free(struct findings *fs)
{
	for (size_t i = 0; i < fs->count; i++)
		findings_free_one(&fs->items[i]);
	free(fs->items);
	for (size_t i = 0; i < fs->failed_count; i++) {
		free(fs->failed[i].path);
		free(fs->failed[i].why);
	}
	free(fs->failed);
	free(fs->root);
	findings_init(fs);
}

static char *findings_dup(const char *s)
{
	return strdup(s ? s : "");
}

int findings_add(struct findings *fs, const struct finding *f)
{
	struct finding *n;

	if (fs->count == fs->cap) {
		size_t cap = fs->cap ? fs->cap * 2 : 64;
		struct finding *ni = reallocarray(fs->items, cap, sizeof(*ni));
		if (!ni)
			return -ENOMEM;
		fs->items = ni;
		fs->cap = cap;
	}
	n = &fs->items[fs->count];
	*n = *f;
	n->path = findings_dup(f->path);
	n->message = findings_dup(f->message);
	n->scope = findings_dup(f->scope);
	n->subject = findings_dup(f->subject);
	n->fingerprint = f->fingerprint ? strdup(f->fingerprint) : NULL;
	n->justification = f->justification ? strdup(f->justification) : NULL;
	n->snippet = f->snippet ? strdup(f->snippet) : NULL;
	n->fix_desc = NULL;
	n->fix = NULL;
	n->nfix = 0;
	int fix_bad = 0;
	if (f->fix_desc && f->nfix) {
		n->fix_desc = strdup(f->fix_desc);
		n->fix = calloc(f->nfix, sizeof(*n->fix));
		fix_bad = !n->fix_desc || !n->fix;
		for (size_t i = 0; n->fix && i < f->nfix; i++) {
			n->fix[i] = f->fix[i];
			n->fix[i].path = findings_dup(f->fix[i].path);
			n->fix[i].text = findings_dup(f->fix[i].text);
			n->nfix = i + 1;
			fix_bad |= !n->fix[i].path || !n->fix[i].text;
		}
	}
	if (fix_bad || !n->path || !n->message || !n->scope || !n->subject || (f->fingerprint && !n->fingerprint) ||
	    (f->justification && !n->justification) || (f->snippet && !n->snippet)) {
		findings_free_one(n);
		return -ENOMEM;
	}
	fs->count++;
	return 0;
}

int findings_add_failed_why(struct findings *fs, const char *path, const char *why)
{
	struct findings_failed *nf = reallocarray(fs->failed, fs->failed_count + 1, sizeof(*nf));

	if (!nf)
		return -ENOMEM;
	fs->failed = nf;
	nf[fs->failed_count].path = strdup(path);
	nf[fs->failed_count].why = strdup(why ? why : "");
	if (!nf[fs->failed_count].path || !nf[fs->failed_count].why) {
		free(nf[fs->failed_count].path);
		free(nf[fs->failed_count].why);
		return -ENOMEM;
	}
	fs->failed_count++;
	return 0;
}

int findings_add_failed(struct findings *fs, const char *path)
{
	return findings_add_failed_why(fs, path, NULL);
}

/* The order that puts duplicates side by side: path, line, check, column. */
static int findings_cmp_check(const void *a, const void *b)
{
	const struct finding *x = a, *y = b;
	int c = strcmp(x->path, y->path);

	if (c)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	c = strcmp(x->check->id, y->check->id);
	if (c)
		return c;
	if (x->column != y->column)
		return x->column < y->column ? -1 : 1;
	return strcmp(x->message, y->message);
}

/* The order of the reports: path, line, column, check. */
static int findings_cmp(const void *a, const void *b)
{
	const struct finding *x = a, *y = b;
	int c = strcmp(x->path, y->path);

	if (c)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->column != y->column)
		return x->column < y->column ? -1 : 1;
	c = strcmp(x->check->id, y->check->id);
	if (c)
		return c;
	return strcmp(x->message, y->message);
}

static int findings_failed_cmp(const void *a, const void *b)
{
	const struct findings_failed *x = a, *y = b;
	int c = strcmp(x->path, y->path);

	/* a known reason first: it survives the de-duplication */
	return c ? c : (y->why[0] != '\0') - (x->why[0] != '\0');
}

void findings_normalise(struct findings *fs)
{
	size_t out = 0;

	if (fs->count > 1)
		qsort(fs->items, fs->count, sizeof(fs->items[0]), findings_cmp_check);
	for (size_t i = 0; i < fs->count; i++) {
		struct finding *f = &fs->items[i];
		if (out > 0) {
			struct finding *prev = &fs->items[out - 1];
			if (prev->line == f->line && prev->check == f->check && strcmp(prev->path, f->path) == 0) {
				/* a header's line compiled in one translation
				 * unit and skipped in another: the real finding
				 * wins over the inactive note */
				if (prev->inactive && !f->inactive) {
					findings_free_one(prev);
					*prev = *f;
				} else {
					findings_free_one(f);
				}
				continue;
			}
		}
		fs->items[out++] = *f;
	}
	fs->count = out;
	if (fs->count > 1)
		qsort(fs->items, fs->count, sizeof(fs->items[0]), findings_cmp);

	if (fs->failed_count > 1)
		qsort(fs->failed, fs->failed_count, sizeof(fs->failed[0]), findings_failed_cmp);
	out = 0;
	for (size_t i = 0; i < fs->failed_count; i++) {
		if (out > 0 && strcmp(fs->failed[out - 1].path, fs->failed[i].path) == 0) {
			free(fs->failed[i].path);
			free(fs->failed[i].why);
			continue;
		}
		fs->failed[out++] = fs->failed[i];
	}
	fs->failed_count = out;
}

int findings_absorb(struct findings *dst, struct findings *src)
{
	for (size_t i = 0; i < src->count; i++) {
		if (dst->count == dst->cap) {
			size_t cap = dst->cap ? dst->cap * 2 : 64;
			struct finding *ni = reallocarray(dst->items, cap, sizeof(*ni));
			if (!ni)
				return -ENOMEM;
			dst->items = ni;
			dst->cap = cap;
		}
		dst->items[dst->count++] = src->items[i];
	}
	src->count = 0;
	for (size_t i = 0; i < src->failed_count; i++) {
		struct findings_failed *nf = reallocarray(dst->failed, dst->failed_count + 1, sizeof(*nf));
		if (!nf)
			return -ENOMEM;
		dst->failed = nf;
		nf[dst->failed_count++] = src->failed[i];
	}
	src->failed_count = 0;
	if (!dst->root) {
		dst->root = src->root;
		src->root = NULL;
	}
	dst->files_total += src->files_total;
	dst->files_parsed += src->files_parsed;
	dst->default_flags |= src->default_flags;
	src->files_total = src->files_parsed = 0;
	return 0;
}

void findings_set_levels(struct findings *fs, const signed char *levels)
{
	for (size_t i = 0; levels && i < fs->count; i++) {
		struct finding *f = &fs->items[i];
		int k = registry_index(f->check);
		if (k >= 0 && levels[k] >= 0 && !f->inactive)
			f->level = (enum v6scan_level)levels[k];
	}
}

size_t findings_remove_if(struct findings *fs, int (*drop)(const struct finding *f, void *arg), void *arg)
{
	size_t kept = 0, n = fs->count;

	for (size_t i = 0; i < n; i++) {
		if (drop(&fs->items[i], arg))
			findings_free_one(&fs->items[i]);
		else
			fs->items[kept++] = fs->items[i];
	}
	fs->count = kept;
	return n - kept;
}

enum v6scan_confidence findings_confidence(const struct finding *f)
{
	return f->inactive ? V6SCAN_CONF_LOW : f->check->confidence;
}

struct findings_counts findings_count(const struct findings *fs)
{
	struct findings_counts c = { 0 };

	for (size_t i = 0; i < fs->count; i++) {
		const struct finding *f = &fs->items[i];
		if (f->suppressed) {
			c.suppressed++;
			continue;
		}
		if (f->baselined) {
			c.baselined++;
			continue;
		}
		c.active++;
		if (f->level == V6SCAN_ERROR)
			c.errors++;
		else if (f->level == V6SCAN_WARNING)
			c.warnings++;
		else
			c.notes++;
	}
	return c;
}
