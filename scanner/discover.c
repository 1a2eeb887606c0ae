/* discover — see discover.h. */
#include "discover.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "compdb.h"

void discover_free(struct discover_result *r)
{
	for (size_t i = 0; i < r->count; i++)
		free(r->used[i].dir);
	free(r->used);
	r->used = NULL;
	r->count = 0;
}

static int discover_is_db(const char *dir, const char *sub)
{
	char path[PATH_MAX];
	struct stat st;

	if (snprintf(path, sizeof(path), "%s%s/compile_commands.json", strcmp(dir, "/") == 0 ? "" : dir, sub) >=
	    (int)sizeof(path))
		return 0;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

char *discover_find(const char *dir)
{
	char d[PATH_MAX];

	if (strlen(dir) >= sizeof(d))
		return NULL;
	strcpy(d, dir);
	for (;;) {
		if (discover_is_db(d, ""))
			return strdup(d);
		if (discover_is_db(d, "/build")) {
			char *out = NULL;
			if (asprintf(&out, "%s/build", strcmp(d, "/") == 0 ? "" : d) < 0)
				return NULL;
			return out;
		}
		if (strcmp(d, "/") == 0)
			return NULL;
		char *slash = strrchr(d, '/');
		if (!slash)
			return NULL;
		slash[slash == d] = '\0'; /* "/x" -> "/" */
	}
}

/* A loaded database: its directory and jobs. */
struct discover_db {
	char *dir;
	struct joblist jobs;
};

/* Directory -> index into the loaded databases (-1: none): files come in
 * directory order, so the last answer is usually the right one. */
struct discover_state {
	struct discover_db *dbs;
	size_t ndbs;
	char last_dir[PATH_MAX];
	long last_db;
};

static void discover_state_free(struct discover_state *s)
{
	for (size_t i = 0; i < s->ndbs; i++) {
		free(s->dbs[i].dir);
		jobs_free(&s->dbs[i].jobs);
	}
	free(s->dbs);
}

/* The database index for a file's directory, loading it on first use. */
static int discover_db_of(struct discover_state *s, const char *file, long *idx, char *err, size_t errlen)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(file, '/');
	size_t n = slash ? (size_t)(slash - file) : 0;

	if (n == 0 || n >= sizeof(dir)) {
		strcpy(dir, "/");
	} else {
		memcpy(dir, file, n);
		dir[n] = '\0';
	}
	if (s->last_dir[0] && strcmp(dir, s->last_dir) == 0) {
		*idx = s->last_db;
		return 0;
	}
	char *found = discover_find(dir);
	long k = -1;
	for (size_t i = 0; found && i < s->ndbs && k < 0; i++)
		if (strcmp(s->dbs[i].dir, found) == 0)
			k = (long)i;
	if (found && k < 0) {
		struct discover_db *nd = reallocarray(s->dbs, s->ndbs + 1, sizeof(*nd));
		char why[320];
		int rc;
		if (!nd) {
			free(found);
			return -ENOMEM;
		}
		s->dbs = nd;
		memset(&nd[s->ndbs], 0, sizeof(nd[0]));
		rc = compdb_load(found, &nd[s->ndbs].jobs, why, sizeof(why));
		if (rc) {
			if (rc != -ENOMEM)
				snprintf(err, errlen, "%s/compile_commands.json: not a valid compilation database: %s",
					 found, why);
			jobs_free(&nd[s->ndbs].jobs);
			free(found);
			return rc == -ENOMEM ? rc : -EINVAL;
		}
		nd[s->ndbs].dir = found;
		found = NULL;
		k = (long)s->ndbs++;
	}
	free(found);
	snprintf(s->last_dir, sizeof(s->last_dir), "%s", dir);
	s->last_db = k;
	*idx = k;
	return 0;
}

static int discover_count(struct discover_result *r, const char *dir)
{
	for (size_t i = 0; i < r->count; i++)
		if (strcmp(r->used[i].dir, dir) == 0) {
			r->used[i].files++;
			return 0;
		}
	struct discover_used *nu = reallocarray(r->used, r->count + 1, sizeof(*nu));
	if (!nu)
		return -ENOMEM;
	r->used = nu;
	nu[r->count].dir = strdup(dir);
	if (!nu[r->count].dir)
		return -ENOMEM;
	nu[r->count++].files = 1;
	return 0;
}

int discover_apply(struct joblist *jl, struct discover_result *r, char *err, size_t errlen)
{
	struct discover_state s = { .last_db = -1 };
	struct joblist out = { 0 };
	int rc = 0;

	memset(r, 0, sizeof(*r));
	for (size_t i = 0; i < jl->count && rc == 0; i++) {
		const struct job *j = &jl->items[i];
		long k = -1;
		if (j->defaults)
			rc = discover_db_of(&s, j->file, &k, err, errlen);
		if (rc)
			break;
		if (k < 0) {
			rc = jobs_add(&out, j->file, j->directory, j->args, j->nargs, j->from_db, j->defaults);
			continue;
		}
		const struct joblist *db = &s.dbs[k].jobs;
		const struct job *own = NULL;
		for (size_t d = 0; d < db->count && !own; d++)
			if (strcmp(db->items[d].file, j->file) == 0)
				own = &db->items[d];
		rc = own ? jobs_add(&out, own->file, own->directory, own->args, own->nargs, 1, 0)
			 : jobs_add_undeclared(&out, db, j->file);
		if (rc == 0)
			rc = discover_count(r, s.dbs[k].dir);
	}
	discover_state_free(&s);
	if (rc) {
		jobs_free(&out);
		discover_free(r);
		return rc;
	}
	jobs_free(jl);
	*jl = out;
	return 0;
}
