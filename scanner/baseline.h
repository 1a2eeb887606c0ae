/* baseline — line-independent fingerprints and the --baseline file.
 *
 * Fingerprint (16 hex digits, FNV-1a 64) of a finding: check id, repo-relative
 * path, enclosing function ("" at file scope), subject token, and the
 * occurrence index among findings sharing those four in file order. No line
 * or column takes part, so inserting or removing unrelated lines keeps every
 * fingerprint; a second identical call in the same function is a new one.
 *
 * Baseline file (JSON, sorted, reviewable):
 *   {"version": 1, "tool": "v6scan",
 *    "findings": [{"fingerprint": "...", "check": "...", "path": "...",
 *                  "function": "...", "subject": "..."}, ...]}
 */
#ifndef V6SCAN_BASELINE_H
#define V6SCAN_BASELINE_H

#include <stddef.h>

#include "findings.h"

/* Computes every finding's fingerprint; fs must be normalised (sorted).
 * Returns 0 or -ENOMEM. */
int baseline_fingerprint_all(struct findings *fs);

/* Writes the fingerprints of all unsuppressed findings to path, replacing
 * it whole or not at all (outfile.h). Returns 0 or -errno. */
int baseline_write(const char *path, const struct findings *fs);

/* Marks findings whose fingerprint is listed in the baseline file. Returns
 * 0, -errno when the file cannot be read, -EINVAL when it is not a v6scan
 * baseline (message in err). */
int baseline_apply(const char *path, struct findings *fs, char *err, size_t errlen);

#endif
