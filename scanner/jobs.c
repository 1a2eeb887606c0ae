/* jobs — see jobs.h. */
#include "jobs.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *const jobs_default_args[] = { "-std=gnu11", "-D_GNU_SOURCE" };

static void jobs_free_one(struct job *j)
{
	free(j->file);
	free(j->relpath);
	free(j->directory);
	for (size_t i = 0; i < j->nargs; i++)
		free(j->args[i]);
	free(j->args);
}

void jobs_free(struct joblist *jl)
{
	for (size_t i = 0; i < jl->count; i++)
		jobs_free_one(&jl->items[i]);
	free(jl->items);
	jl->items = NULL;
	jl->count = 0;
	jl->cap = 0;
}

int jobs_add(struct joblist *jl, const char *file, const char *directory, char *const *args, size_t nargs, int from_db,
	     int defaults)
{
	/* doubling: one element at a time made a database of n entries cost
	 * n reallocations and O(n^2) copying where realloc cannot grow in
	 * place (20,000 entries: 35 s under ASan) */
	if (jl->count == jl->cap) {
		size_t ncap = jl->cap ? jl->cap * 2 : 16;
		struct job *ni = reallocarray(jl->items, ncap, sizeof(*ni));
		if (!ni)
			return -ENOMEM;
		jl->items = ni;
		jl->cap = ncap;
	}
	struct job *j = &jl->items[jl->count];
	memset(j, 0, sizeof(*j));
	j->file = strdup(file);
	j->directory = strdup(directory);
	j->args = calloc(nargs + 1, sizeof(*j->args));
	j->from_db = from_db;
	j->defaults = defaults;
	j->order = jl->count;
	if (!j->file || !j->directory || !j->args)
		goto nomem;
	for (size_t i = 0; i < nargs; i++) {
		j->args[i] = strdup(args[i]);
		if (!j->args[i])
			goto nomem;
		j->nargs++;
	}
	jl->count++;
	return 0;
nomem:
	jobs_free_one(j);
	return -ENOMEM;
}

static size_t jobs_common_prefix(const char *a, const char *b)
{
	size_t n = 0, last = 0;

	while (a[n] && a[n] == b[n]) {
		if (a[n] == '/')
			last = n;
		n++;
	}
	return last;
}

int jobs_add_undeclared(struct joblist *jl, const struct joblist *db, const char *file)
{
	const struct job *best = NULL;
	size_t best_len = 0;

	for (size_t i = 0; i < db->count; i++) {
		size_t l = jobs_common_prefix(db->items[i].file, file);
		if (!best || l > best_len) {
			best = &db->items[i];
			best_len = l;
		}
	}
	if (best)
		return jobs_add(jl, file, best->directory, best->args, best->nargs, 0, 0);

	char *dir = strdup(file);
	if (!dir)
		return -ENOMEM;
	char *slash = strrchr(dir, '/');
	if (slash && slash != dir)
		*slash = '\0';
	int rc = jobs_add(jl, file, dir, (char *const *)jobs_default_args,
			  sizeof(jobs_default_args) / sizeof(jobs_default_args[0]), 0, 1);
	free(dir);
	return rc;
}

static int jobs_is_source(const char *name)
{
	size_t n = strlen(name);

	return n > 2 && name[n - 2] == '.' && (name[n - 1] == 'c' || name[n - 1] == 'h');
}

struct jobs_paths {
	char **items;
	size_t count;
};

static int jobs_paths_add(struct jobs_paths *p, const char *path)
{
	char **ni = reallocarray(p->items, p->count + 1, sizeof(*ni));

	if (!ni)
		return -ENOMEM;
	p->items = ni;
	ni[p->count] = strdup(path);
	if (!ni[p->count])
		return -ENOMEM;
	p->count++;
	return 0;
}

static int jobs_walk_dir(struct jobs_paths *files, const char *dir)
{
	struct dirent **ents;
	int n = scandir(dir, &ents, NULL, alphasort);
	int rc = 0;

	if (n < 0)
		return 0; /* unreadable directory: nothing to scan there */
	for (int i = 0; i < n; i++) {
		struct dirent *e = ents[i];
		char *path = NULL;
		struct stat st;

		if (rc == 0 && e->d_name[0] != '.' && asprintf(&path, "%s/%s", dir, e->d_name) >= 0) {
			if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
				rc = jobs_walk_dir(files, path);
			else if (jobs_is_source(e->d_name))
				rc = jobs_paths_add(files, path);
			free(path);
		}
		free(e);
	}
	free(ents);
	return rc;
}

static int jobs_under(const char *file, const char *dir)
{
	size_t n = strlen(dir);

	return strncmp(file, dir, n) == 0 && (file[n] == '/' || file[n] == '\0');
}

int jobs_collect(struct joblist *out, struct joblist *db, char *const *paths, size_t npaths, const char **bad)
{
	struct jobs_paths roots = { 0 }, files = { 0 };
	int rc = 0;

	for (size_t i = 0; i < npaths && rc == 0; i++) {
		char *real = realpath(paths[i], NULL);
		struct stat st;
		if (!real || stat(real, &st) != 0) {
			free(real);
			*bad = paths[i];
			rc = -ENOENT;
			break;
		}
		rc = jobs_paths_add(&roots, real);
		if (rc == 0) {
			if (S_ISDIR(st.st_mode))
				rc = jobs_walk_dir(&files, real);
			else
				rc = jobs_paths_add(&files, real);
		}
		free(real);
	}
	/* database jobs: all of them without paths, else those under a path */
	for (size_t i = 0; i < db->count && rc == 0; i++) {
		int keep = npaths == 0;
		for (size_t r = 0; r < roots.count && !keep; r++)
			keep = jobs_under(db->items[i].file, roots.items[r]);
		if (keep) {
			struct job *j = &db->items[i];
			rc = jobs_add(out, j->file, j->directory, j->args, j->nargs, 1, 0);
		}
	}
	for (size_t i = 0; i < files.count && rc == 0; i++) {
		int known = 0;
		for (size_t d = 0; d < db->count && !known; d++)
			known = strcmp(db->items[d].file, files.items[i]) == 0;
		if (!known)
			rc = jobs_add_undeclared(out, db, files.items[i]);
	}
	for (size_t i = 0; i < roots.count; i++)
		free(roots.items[i]);
	free(roots.items);
	for (size_t i = 0; i < files.count; i++)
		free(files.items[i]);
	free(files.items);
	return rc;
}

static int jobs_cmp(const void *a, const void *b)
{
	const struct job *x = a, *y = b;
	int c = strcmp(x->relpath, y->relpath);

	if (c)
		return c;
	/* database entries first, then original order: the first entry wins */
	if (x->from_db != y->from_db)
		return y->from_db - x->from_db;
	return x->order < y->order ? -1 : x->order > y->order;
}

static uint64_t jobs_fnv1a(const char *s)
{
	uint64_t h = UINT64_C(14695981039346656037);

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= UINT64_C(1099511628211);
	}
	return h;
}

const char *jobs_below(const char *file, const char *root)
{
	size_t n = strlen(root);

	if (strncmp(file, root, n) != 0 || file[n] != '/')
		return NULL;
	return file + n + 1;
}

/* The nearest directory at or above dir (absolute, modified in place)
 * holding a .git entry; 1 when found (dir is then that directory). */
static int jobs_repo_top(char *dir)
{
	char probe[PATH_MAX + 8];
	struct stat st;

	for (;;) {
		snprintf(probe, sizeof(probe), "%s/.git", strcmp(dir, "/") == 0 ? "" : dir);
		if (lstat(probe, &st) == 0)
			return 1;
		char *slash = strrchr(dir, '/');
		if (!slash || slash == dir) {
			if (strcmp(dir, "/") == 0)
				return 0;
			strcpy(dir, "/");
			continue;
		}
		*slash = '\0';
	}
}

/* Shortens common (an absolute directory) to the directory it shares with
 * dir (absolute): "/a/bc" and "/a/bd" share "/a", "/x" and "/y" share "/". */
static void jobs_common_dir(char *common, const char *dir)
{
	size_t n = 0;

	while (common[n] && common[n] == dir[n])
		n++;
	if ((common[n] == '\0' || common[n] == '/') && (dir[n] == '\0' || dir[n] == '/')) {
		common[n > 1 ? n : 1] = '\0';
		return;
	}
	while (n > 0 && common[n - 1] != '/')
		n--;
	common[n > 1 ? n - 1 : 1] = '\0';
}

int jobs_default_root(char *const *sources, size_t nsources, char **out)
{
	char common[PATH_MAX], tops[PATH_MAX], dir[PATH_MAX], last_dir[PATH_MAX] = "", last_top[PATH_MAX];
	size_t have = 0, have_top = 0;
	int last_found = 0;
	struct stat st;

	for (size_t i = 0; i < nsources; i++) {
		if (sources[i][0] != '/' || strlen(sources[i]) >= sizeof(dir))
			continue;
		strcpy(dir, sources[i]);
		if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
			char *slash = strrchr(dir, '/');
			if (slash == dir)
				dir[1] = '\0';
			else
				*slash = '\0';
		}
		if (have++ == 0)
			strcpy(common, dir);
		else
			jobs_common_dir(common, dir);
		/* sources come sorted or grouped: ask once per directory */
		if (strcmp(dir, last_dir) != 0) {
			strcpy(last_dir, dir);
			strcpy(last_top, dir);
			last_found = jobs_repo_top(last_top);
		}
		if (!last_found)
			continue;
		if (have_top++ == 0)
			strcpy(tops, last_top);
		else
			jobs_common_dir(tops, last_top);
	}
	if (!have)
		return -EINVAL;
	if (have_top) {
		/* repositories side by side, or a submodule and its parent */
		strcpy(common, tops);
		if (jobs_repo_top(tops))
			strcpy(common, tops);
	}
	*out = strdup(common);
	return *out ? 0 : -ENOMEM;
}

int jobs_finish(struct joblist *jl, const char *root, char *const *excludes, size_t nexcludes, unsigned shard_k,
		unsigned shard_n)
{
	size_t out = 0;

	memset(&jl->dropped, 0, sizeof(jl->dropped));
	for (size_t i = 0; i < jl->count; i++) {
		struct job *j = &jl->items[i];
		const char *rel = jobs_below(j->file, root);
		if (!rel) {
			jl->dropped.outside++;
			jobs_free_one(j);
			continue;
		}
		j->relpath = strdup(rel);
		if (!j->relpath) {
			jobs_free_one(j);
			for (size_t k = i + 1; k < jl->count; k++)
				jl->items[out++] = jl->items[k];
			jl->count = out;
			return -ENOMEM;
		}
		jl->items[out++] = *j;
	}
	jl->count = out;
	/* qsort is not stable: jobs_cmp breaks ties by insertion order */
	if (jl->count > 1)
		qsort(jl->items, jl->count, sizeof(jl->items[0]), jobs_cmp);
	out = 0;
	for (size_t i = 0; i < jl->count; i++) {
		struct job *j = &jl->items[i];
		if (out > 0 && strcmp(jl->items[out - 1].relpath, j->relpath) == 0) {
			jobs_free_one(j);
			continue;
		}
		jl->items[out++] = *j;
	}
	jl->count = out;
	out = 0;
	for (size_t i = 0; i < jl->count; i++) {
		struct job *j = &jl->items[i];
		int excluded = 0, sharded = 0;
		for (size_t e = 0; e < nexcludes && !excluded; e++)
			excluded = fnmatch(excludes[e], j->relpath, 0) == 0;
		if (!excluded && shard_n > 1)
			sharded = jobs_fnv1a(j->relpath) % shard_n != shard_k - 1;
		jl->dropped.excluded += (size_t)excluded;
		jl->dropped.sharded += (size_t)sharded;
		if (excluded || sharded) {
			jobs_free_one(j);
			continue;
		}
		jl->items[out++] = *j;
	}
	jl->count = out;
	return 0;
}
