/* discover — without -p, the compilation database of each file, looked up
 * the way clangd and clang-tidy do: in the file's directory and each of its
 * ancestors A, the first of A/compile_commands.json and
 * A/build/compile_commands.json that is a regular file.
 */
#ifndef V6SCAN_DISCOVER_H
#define V6SCAN_DISCOVER_H

#include <stddef.h>

#include "jobs.h"

/* A database used, and how many of the scanned files took their flags
 * from it (their own entry, or borrowed from the nearest entry). */
struct discover_used {
	char *dir; /* the directory holding compile_commands.json */
	size_t files;
};

struct discover_result {
	struct discover_used *used;
	size_t count;
};

void discover_free(struct discover_result *r);

/* The directory holding the database for files in `dir` (absolute), as a
 * new string, or NULL when there is none (or out of memory). */
char *discover_find(const char *dir);

/* Gives each job of jl that has the built-in default flags (jobs_collect
 * without a database) the flags of its discovered database: its own entry
 * when the database lists the file, else those of the entry in the nearest
 * directory (jobs_add_undeclared). Each database is loaded once
 * (compdb_load). Jobs with no database keep the defaults. r lists the
 * databases used, in the order first used. Returns 0; -EINVAL when a
 * database found is not valid (err: "<dir>/compile_commands.json: not a
 * valid compilation database: <why>"); -ENOMEM. */
int discover_apply(struct joblist *jl, struct discover_result *r, char *err, size_t errlen);

#endif
