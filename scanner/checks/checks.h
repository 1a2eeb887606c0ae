/* checks — what each check file defines, declared from checks.def. Included
 * by the check files and the registry only.
 *
 * A check file checks/<stem>.c defines, for its row of checks.def:
 *   V6SCAN_CHECK_PARTS(stem, why, fix, kind, ...);  the texts and the kinds
 *   void check_<stem>_match(struct walk_ctx *ctx, const struct v6scan_check *self,
 *                           CXCursor cur)           the matcher (check.h)
 */
#ifndef V6SCAN_CHECKS_H
#define V6SCAN_CHECKS_H

#include "../check.h"

#define V6SCAN_CHECK(stem, id, level, confidence, summary)     \
	extern const char check_##stem##_why[];                \
	extern const char check_##stem##_fix[];                \
	extern const enum CXCursorKind check_##stem##_kinds[]; \
	void check_##stem##_match(struct walk_ctx *ctx, const struct v6scan_check *self, CXCursor cur);
#include "checks.def"
#undef V6SCAN_CHECK

/* why: why the construct is IPv4-only (SARIF fullDescription); fix: what to
 * write instead (the `note:` line); then the cursor kinds the matcher wants. */
#define V6SCAN_CHECK_PARTS(stem, why, fix, ...) \
	const char check_##stem##_why[] = why;  \
	const char check_##stem##_fix[] = fix;  \
	const enum CXCursorKind check_##stem##_kinds[] = { __VA_ARGS__, (enum CXCursorKind)0 }

#endif
