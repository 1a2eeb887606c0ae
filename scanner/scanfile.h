/* scanfile — one job of a scan: its parse and walk on a deep stack
 * (deepstack.h), and the project headers it included.
 *
 * Used by workers.c, in the process itself or in a forked worker. A source
 * nested too deeply even for the deep stack is a file not analysed
 * ("nesting too deep", on stderr and in the findings' failed list), never a
 * crash; a file that does not parse is one too, with parse.h's reason.
 */
#ifndef V6SCAN_SCANFILE_H
#define V6SCAN_SCANFILE_H

#include <clang-c/Index.h>
#include <stddef.h>

#include "findings.h"
#include "jobs.h"
#include "parse.h"
#include "walk.h"

/* Absolute real paths of the project headers (below root) that parsed
 * files included; root is borrowed, paths are owned. */
struct scanfile_covered {
	char **paths;
	size_t count;
	const char *root;
	int err;
};

int scanfile_covered_has(const struct scanfile_covered *c, const char *path);
/* Adds path unless present: 0 or -ENOMEM. */
int scanfile_covered_add(struct scanfile_covered *c, const char *path);
void scanfile_covered_free(struct scanfile_covered *c);

/* Parses and walks JOB with IDX into FS (files_total, files_parsed and the
 * failed list updated) and adds the project headers it included to COV.
 * Returns 0 (the file may still have failed: see FS), or -ENOMEM. */
int scanfile_scan(CXIndex idx, const struct job *job, const struct parse_opts *parse, const struct walk_config *walk,
		  struct findings *fs, struct scanfile_covered *cov);

#endif
