/* suppress — inline suppression comments.
 *
 * A finding of check X on line L is suppressed by:
 *   - `NOLINT` or `NOLINT(list)` on line L, or in a comment alone on line
 *     L-1;
 *   - `NOLINTNEXTLINE` or `NOLINTNEXTLINE(list)` on line L-1;
 *   - a `NOLINTBEGIN[(list)]` on a line <= L not yet closed by a matching
 *     `NOLINTEND[(list)]` before line L;
 *   - `v6scan: ignore[list] reason` on line L, or in a comment alone on
 *     line L-1 (any comment style), where the reason is required: without
 *     one the comment is reported on stderr and does not suppress anything.
 * A comment that shares its line with code covers that line only: a
 * trailing comment on line L-1 does not cover line L. "Alone" means no
 * code before the comment opens or after it closes (other comments and
 * blanks do not count).
 * `list` is a comma-separated list of check-id globs (clang-tidy syntax); a
 * bare NOLINT form covers every check; a list that names no v6 check (e.g.
 * NOLINT(bugprone-*)) does not cover X.
 */
#ifndef V6SCAN_SUPPRESS_H
#define V6SCAN_SUPPRESS_H

#include "findings.h"

/* Marks suppressed findings (and sets their justification: the reason of a
 * v6scan: ignore comment, "" for NOLINT forms). Files are read from
 * root/<path>. Returns the number of `v6scan: ignore` comments rejected for
 * a missing reason (each is reported on stderr), or -ENOMEM. */
int suppress_apply(struct findings *fs, const char *root);

#endif
