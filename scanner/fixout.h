/* fixout — what happens to the fix-its of a scan (findings.h, fixit.h):
 * exported for clang-apply-replacements (--export-fixes) or applied in
 * place (--fix). Only active findings count (neither suppressed nor
 * baselined).
 *
 * Export: the YAML that clang-tidy 14 writes with --export-fixes:
 *   ---
 *   MainSourceFile:  '/abs/first/file.c'
 *   Diagnostics:
 *     - DiagnosticName:  v6-check-id
 *       DiagnosticMessage:
 *         Message:         '...'
 *         FilePath:        '/abs/path'
 *         FileOffset:      N
 *         Replacements:
 *           - FilePath:        '/abs/path'
 *             Offset:          N
 *             Length:          N
 *             ReplacementText: '...'
 *       Level:           Warning
 *       BuildDirectory:  '/abs/root'
 *   ...
 * one diagnostic per active finding (`Replacements: []` without a fix-it),
 * paths absolute (root + path), offsets in bytes.
 *
 * Apply: the replacements of all active findings, grouped by file;
 * identical replacements (a header's fix reached from several translation
 * units, one edit shared by two findings) are applied once; overlapping or
 * ambiguous ones (two different edits at one offset) leave that file
 * unchanged. A file must resolve (symbolic links followed) to a regular
 * file below root, not modified since the scan started (its mtime is not
 * after `since`: the offsets are the scanned text's), and every
 * replacement must lie inside it. Each file is rewritten whole through
 * outfile.h (temporary + rename, mode kept).
 */
#ifndef V6SCAN_FIXOUT_H
#define V6SCAN_FIXOUT_H

#include <stdio.h>
#include <time.h>

#include "findings.h"

/* Writes the YAML for fs (root: absolute, "/" allowed) to f. 0 or -EIO. */
int fixout_export(FILE *f, const struct findings *fs, const char *root);
/* The same into the file at path, replaced whole or not at all (outfile.h).
 * 0 or -errno. */
int fixout_export_file(const char *path, const struct findings *fs, const char *root);

struct fixout_result {
	size_t fixes;   /* fix-its applied (findings) */
	size_t files;   /* files rewritten */
	size_t refused; /* files left unchanged (overlap, outside root, stale) */
};

/* Applies the fix-its under root; one "v6scan: --fix: PATH: why" line on
 * stderr per file refused. since: when the scan started
 * (CLOCK_REALTIME_COARSE, the clock file times come from). Returns 0 (see
 * res->refused) or -ENOMEM. */
int fixout_apply(const struct findings *fs, const char *root, const struct timespec *since, struct fixout_result *res);

#endif
