/* jobs — the list of translation units a scan parses: where each file's flags
 * come from (compile database entry, borrowed from a database neighbour, or
 * the defaults), de-duplication, ordering, --exclude and --shard.
 */
#ifndef V6SCAN_JOBS_H
#define V6SCAN_JOBS_H

#include <stddef.h>

struct job {
	char *file;      /* absolute real path */
	char *relpath;   /* relative to the scan root */
	char *directory; /* working directory of the parse */
	char **args;     /* sanitised compiler arguments, without compiler and file */
	size_t nargs;
	int from_db;  /* 1: own database entry; 0: borrowed flags or defaults */
	int defaults; /* 1: parsed with the built-in default flags */
	size_t order; /* insertion order, the tie-break of sorting */
};

/* What jobs_finish left out, beside duplicates. */
struct jobs_dropped {
	size_t outside;  /* files outside the root: not scanned */
	size_t excluded; /* matched an --exclude glob */
	size_t sharded;  /* belong to another shard */
};

struct joblist {
	struct job *items;
	size_t count;
	size_t cap;                  /* items allocated (jobs_add doubles it) */
	struct jobs_dropped dropped; /* set by jobs_finish */
};

void jobs_free(struct joblist *jl);

/* Appends a job (copies everything). Returns 0 or -ENOMEM. */
int jobs_add(struct joblist *jl, const char *file, const char *directory, char *const *args, size_t nargs, int from_db,
	     int defaults);

/* The flags used for a .c/.h file that has no database entry: those of the
 * database job whose file is in the nearest directory (longest common path
 * prefix), or the defaults `-std=gnu11 -D_GNU_SOURCE` when db is empty.
 * Adds the job for `file` (absolute real path). */
int jobs_add_undeclared(struct joblist *jl, const struct joblist *db, const char *file);

/* Expands paths (files or directories, walked recursively for .c and .h,
 * skipping hidden directories) into real paths. With a non-empty db, only
 * database jobs under the given paths are kept and undeclared files under
 * them are added; with no paths, every database job is kept.
 * Errors: -ENOENT (a path does not exist; *bad set to it), -ENOMEM. */
int jobs_collect(struct joblist *out, struct joblist *db, char *const *paths, size_t npaths, const char **bad);

/* The part of the absolute path `file` below `root` (absolute real path
 * without a trailing '/', so "" stands for "/"), or NULL when file is not
 * below root. */
const char *jobs_below(const char *file, const char *root);

/* The default scan root of a scan of `sources` (absolute real paths of
 * files or directories; a file stands for its directory): their common
 * directory C, then the nearest directory at or above C that holds a
 * `.git` entry (a directory, or the file of a worktree or submodule): the
 * repository's top level; C itself when there is none. Sources that are
 * in no repository do not take part when some are (generated files in an
 * out-of-tree build directory do not pull the root up to "/"). Written as
 * an absolute path ("/" for the file system root) into a new string *out.
 * Returns 0, -EINVAL (no source), -ENOMEM. */
int jobs_default_root(char *const *sources, size_t nsources, char **out);

/* Sets relpath against root (jobs_below; "" is "/"), drops the jobs outside
 * the root, sorts by relpath, removes duplicates (first database entry
 * wins), drops jobs whose relpath matches an exclude glob (fnmatch without
 * FNM_PATHNAME: '*' crosses '/'), and keeps shard k of n (1-based): a file
 * belongs to shard 1 + fnv1a(relpath) % n. jl->dropped counts what was
 * left out and why. Returns 0 or -ENOMEM. */
int jobs_finish(struct joblist *jl, const char *root, char *const *excludes, size_t nexcludes, unsigned shard_k,
		unsigned shard_n);

#endif
