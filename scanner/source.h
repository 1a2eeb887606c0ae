/* source — the text of the files findings are in: split into lines for the
 * suppression comments (suppress.h), and the line and token extent each
 * finding carries into the reports (the text output's source line and
 * caret, SARIF's region.snippet and endColumn).
 */
#ifndef V6SCAN_SOURCE_H
#define V6SCAN_SOURCE_H

#include <stddef.h>

#include "findings.h"

/* The longest source line a finding carries (bytes); a longer one is cut. */
#define SOURCE_MAX_SNIPPET 4096

struct source_file {
	char *buf;
	char **lines; /* split where clang ends a line ("\n", "\r\n", a lone
			   * "\r"), without the line end; up to a NUL byte */
	size_t count;
};

/* Loads root/path (path itself when absolute; root "" is "/"). A file that
 * cannot be read has no lines. Returns 0 or -ENOMEM. */
int source_load(struct source_file *sf, const char *root, const char *path);
void source_free(struct source_file *sf);

/* Line n (1-based), or NULL past the end. */
const char *source_line(const struct source_file *sf, size_t n);

/* The column just after the C token that starts at byte column `column`
 * (1-based) of line: an identifier or keyword, a number (pp-number), a
 * string or character literal (to its closing quote, or the end of the
 * line), else one character. 0 when column is past the end of the line. */
unsigned source_token_end(const char *line, unsigned column);

/* SARIF counts columns in UTF-16 code units (columnKind utf16CodeUnits),
 * v6scan in bytes: the column of byte column `column` of line, and back.
 * A byte outside well-formed UTF-8 is one unit; past the end of line, one
 * unit per byte. Exact inverses for columns at character boundaries. */
unsigned source_utf16_column(const char *line, unsigned column);
unsigned source_byte_column(const char *line, unsigned column16);

/* Sets each finding's snippet (its line, at most SOURCE_MAX_SNIPPET bytes)
 * and end_column (source_token_end) from the files under root; findings
 * must be sorted by path (findings_normalise). A finding whose file or
 * line cannot be read keeps none. Returns 0 or -ENOMEM. */
int source_annotate(struct findings *fs, const char *root);

#endif
