/* findings — the store every part of a scan writes into and every emitter
 * reads: findings, plus the per-file parse outcome behind the summary line.
 *
 * Paths are repo-relative ('/'-separated, relative to the scan root). The
 * store owns every string it holds (copies are made on add).
 */
#ifndef V6SCAN_FINDINGS_H
#define V6SCAN_FINDINGS_H

#include <stddef.h>

#include "check.h"

/* One replacement of a fix-it: `length` bytes at byte `offset` of `path`
 * (repo-relative, as finding.path) become `text`; line and column (1-based,
 * bytes) are where offset lies. A replacement never spans lines. */
struct finding_repl {
	char *path;
	unsigned offset, length;
	unsigned line, column;
	char *text;
};

#define FINDING_FIX_MAX 16 /* replacements in one fix-it */

struct finding {
	const struct v6scan_check *check;
	enum v6scan_level level;
	char *path;
	unsigned line, column; /* 1-based; column in bytes */
	unsigned end_column;   /* just after the token at column (source.h), 0: unknown */
	char *snippet;         /* the source line (source_annotate), or NULL */
	char *message;
	char *scope;              /* enclosing function, or "" at file scope */
	char *subject;            /* the matched token, e.g. "gethostbyname" */
	char *fingerprint;        /* set by baseline_fingerprint_all(); may be NULL before */
	int suppressed;           /* 1: an inline suppression comment applies */
	char *justification;      /* suppression reason ("" for NOLINT forms) */
	int baselined;            /* 1: its fingerprint is in the --baseline file */
	int inactive;             /* 1: found lexically in an inactive #if branch (a note) */
	int observable;           /* --runtime: report mode can see this check run (runtime_observable) */
	unsigned long long hits;  /* --runtime: calls the report saw from this line (0: none) */
	char *fix_desc;           /* what the fix-it does, or NULL: no fix-it */
	struct finding_repl *fix; /* its replacements (nfix >= 1 when fix_desc is set) */
	size_t nfix;
};

/* A file that was not fully analysed, and why (one line, no final period). */
struct findings_failed {
	char *path; /* repo-relative */
	char *why;  /* "" when not known */
};

struct findings {
	struct finding *items;
	size_t count, cap;
	size_t files_total;             /* translation units attempted */
	size_t files_parsed;            /* ... that parsed without errors */
	struct findings_failed *failed; /* files that did not parse cleanly */
	size_t failed_count;
	char *root;        /* the scan root the paths are relative to ("/" for /), or NULL */
	int default_flags; /* 1: some file was parsed without a database entry */
	int runtime_used;  /* 1: --runtime joined a report (hits are meaningful) */
};

void findings_init(struct findings *fs);
void findings_free(struct findings *fs);

/* Adds a copy of f (strings and the fix-it are duplicated; NULL strings
 * become "", except fix_desc, fingerprint, justification and snippet).
 * Returns 0 or -ENOMEM. */
int findings_add(struct findings *fs, const struct finding *f);

/* Records a file that failed to parse (copy of path), with the reason why
 * (copied; NULL: not known). 0 or -ENOMEM. */
int findings_add_failed(struct findings *fs, const char *path);
int findings_add_failed_why(struct findings *fs, const char *path, const char *why);

/* Removes duplicates: the same check on the same path and line is one
 * finding, the one with the lowest column (a header seen through many
 * translation units, or a declaration and its cast on one line; a
 * finding outside inactive #if branches is kept before an inactive one); then
 * sorts by (path, line, column, check id, message). Failed paths are
 * sorted and de-duplicated too. */
void findings_normalise(struct findings *fs);

/* Moves everything from src into dst (src is left empty) and adds src's
 * file counters to dst's; dst keeps its root, or takes src's. Returns 0 or
 * -ENOMEM. */
int findings_absorb(struct findings *dst, struct findings *src);

/* --severity: each finding of check i (registry_all() order) takes the
 * level levels[i] when it is not -1; a finding of an inactive #if branch
 * stays a note (it was found lexically, --inactive-branches). */
void findings_set_levels(struct findings *fs, const signed char *levels);

/* Removes (and frees) every finding for which drop(f, arg) is nonzero,
 * keeping the order of the others. Returns how many were removed. */
size_t findings_remove_if(struct findings *fs, int (*drop)(const struct finding *f, void *arg), void *arg);

/* The confidence a finding gates with (--min-confidence): its check's,
 * LOW for a finding in an inactive #if branch. */
enum v6scan_confidence findings_confidence(const struct finding *f);

/* Counts of findings that are neither suppressed nor baselined, per level;
 * plus the suppressed and baselined totals. */
struct findings_counts {
	size_t active, errors, warnings, notes, suppressed, baselined;
};
struct findings_counts findings_count(const struct findings *fs);

#endif
