/* scanfile — see scanfile.h. */
#include "scanfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deepstack.h"

int scanfile_covered_has(const struct scanfile_covered *c, const char *path)
{
	for (size_t i = 0; i < c->count; i++)
		if (strcmp(c->paths[i], path) == 0)
			return 1;
	return 0;
}

int scanfile_covered_add(struct scanfile_covered *c, const char *path)
{
	if (scanfile_covered_has(c, path))
		return 0;
	char **np = reallocarray(c->paths, c->count + 1, sizeof(*np));
	if (!np)
		return -ENOMEM;
	c->paths = np;
	np[c->count] = strdup(path);
	if (!np[c->count])
		return -ENOMEM;
	c->count++;
	return 0;
}

void scanfile_covered_free(struct scanfile_covered *c)
{
	for (size_t i = 0; i < c->count; i++)
		free(c->paths[i]);
	free(c->paths);
	c->paths = NULL;
	c->count = 0;
}

/* What realpath(3) said of the file names libclang reported, kept for the
 * process: a worker parses many units that include the same headers, and
 * realpath costs a syscall per path component. One scan runs at a time in
 * a process (workers.c), so the cache needs no lock. Only absolute names
 * are kept (a relative one depends on the unit's working directory). An
 * entry holds the name's real path, NULL when it has none. */
struct scanfile_name {
	char *name;
	char *real; /* NULL: realpath(3) failed */
};
static struct scanfile_name *scanfile_names; /* open addressing, power of two */
static size_t scanfile_nnames, scanfile_cap;

static size_t scanfile_hash(const char *s)
{
	size_t h = 1469598103934665603u; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

static struct scanfile_name *scanfile_slot(struct scanfile_name *tab, size_t cap, const char *name)
{
	size_t i = scanfile_hash(name) & (cap - 1);
	while (tab[i].name && strcmp(tab[i].name, name) != 0)
		i = (i + 1) & (cap - 1);
	return &tab[i];
}

/* Does REAL lie below ROOT? */
static int scanfile_below(const char *real, const char *root)
{
	size_t rl = strlen(root);
	return real && strncmp(real, root, rl) == 0 && real[rl] == '/';
}

/* realpath(NAME), NAME absolute, from the cache (borrowed; NULL when it has
 * none); *err = -ENOMEM when the cache could not take it. */
static const char *scanfile_real(const char *name, int *err)
{
	struct scanfile_name *e = scanfile_cap ? scanfile_slot(scanfile_names, scanfile_cap, name) : NULL;
	if (e && e->name)
		return e->real;
	if ((scanfile_nnames + 1) * 2 > scanfile_cap) {
		size_t ncap = scanfile_cap ? scanfile_cap * 2 : 256;
		struct scanfile_name *nt = calloc(ncap, sizeof(*nt));
		if (!nt) {
			*err = -ENOMEM;
			return NULL;
		}
		for (size_t i = 0; i < scanfile_cap; i++)
			if (scanfile_names[i].name)
				*scanfile_slot(nt, ncap, scanfile_names[i].name) = scanfile_names[i];
		free(scanfile_names);
		scanfile_names = nt;
		scanfile_cap = ncap;
		e = scanfile_slot(scanfile_names, scanfile_cap, name);
	}
	e->name = strdup(name);
	if (!e->name) {
		*err = -ENOMEM;
		return NULL;
	}
	e->real = realpath(name, NULL);
	scanfile_nnames++;
	return e->real;
}

static void scanfile_inclusion(CXFile included, CXSourceLocation *stack, unsigned depth, CXClientData data)
{
	struct scanfile_covered *c = data;

	(void)stack;
	if (depth == 0 || c->err)
		return; /* depth 0 is the main file itself */
	CXString name = clang_getFileName(included);
	const char *n = clang_getCString(name);
	if (n[0] == '/') {
		const char *real = scanfile_real(n, &c->err);
		if (scanfile_below(real, c->root) && !c->err)
			c->err = scanfile_covered_add(c, real);
	} else {
		/* A relative name depends on the unit's working directory, which
		 * libclang's driver changes per unit: resolved now, never kept. */
		char *real = realpath(n, NULL);
		if (scanfile_below(real, c->root))
			c->err = scanfile_covered_add(c, real);
		free(real);
	}
	clang_disposeString(name);
}

/* Parses and walks one job into fs (counters and failed list included) and
 * adds the project headers it included to cov. */
static int scanfile_here(CXIndex idx, const struct job *job, const struct parse_opts *parse,
			 const struct walk_config *walk, struct findings *fs, struct scanfile_covered *cov)
{
	CXTranslationUnit tu = NULL;
	int clean = 0;
	char why[512] = "";
	int rc = parse_job_why(idx, job, parse, &tu, &clean, why, sizeof(why));

	fs->files_total++;
	fs->default_flags |= job->defaults;
	if (rc == -ENOMEM)
		return rc;
	if (rc == 0) {
		rc = walk_tu(tu, walk, fs);
		if (rc == 0) {
			clang_getInclusions(tu, scanfile_inclusion, cov);
			rc = cov->err;
		}
		clang_disposeTranslationUnit(tu);
		if (rc)
			return rc;
	}
	if (rc == 0 && clean)
		fs->files_parsed++;
	else if (findings_add_failed_why(fs, job->relpath, why))
		return -ENOMEM;
	return 0;
}

struct scanfile_args {
	CXIndex idx;
	const struct job *job;
	const struct parse_opts *parse;
	const struct walk_config *walk;
	struct findings *fs;
	struct scanfile_covered *cov;
};

static int scanfile_deep(void *p)
{
	struct scanfile_args *a = p;

	return scanfile_here(a->idx, a->job, a->parse, a->walk, a->fs, a->cov);
}

/* scanfile_here on a thread with a deep stack (deepstack.h): a source
 * nested too deeply even for it is a file not analysed, never a crash. */
int scanfile_scan(CXIndex idx, const struct job *job, const struct parse_opts *parse, const struct walk_config *walk,
		  struct findings *fs, struct scanfile_covered *cov)
{
	struct scanfile_args a = { idx, job, parse, walk, fs, cov };
	size_t total = fs->files_total;
	int ret = 0, rc = deepstack_run(scanfile_deep, &a, &ret);
	char why[128];

	if (rc == 0)
		return ret;
	if (rc != -EOVERFLOW) /* no thread: this one's stack */
		return scanfile_here(idx, job, parse, walk, fs, cov);
	snprintf(why, sizeof(why), "nesting too deep: the scan ran out of its %zu MiB stack", deepstack_size() >> 20);
	fprintf(stderr, "v6scan: %s: %s\n", job->relpath, why);
	fs->files_total = total + 1;
	return findings_add_failed_why(fs, job->relpath, why) ? -ENOMEM : 0;
}
