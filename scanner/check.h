/* check — what a v6scan check is. Adding a check is adding one file under
 * checks/, one entry in checks/registry.c and one page docs/checks/<id>.md.
 *
 * A check names the cursor kinds it wants; the walker (walk.h) visits every
 * project cursor of a translation unit once and calls `match` for each check
 * that asked for that kind. `match` decides and reports through
 * walk_report(); it must not keep state between calls.
 */
#ifndef V6SCAN_CHECK_H
#define V6SCAN_CHECK_H

#include <clang-c/Index.h>

enum v6scan_level { V6SCAN_NOTE = 0, V6SCAN_WARNING = 1, V6SCAN_ERROR = 2 };

struct walk_ctx;

#define V6SCAN_MAX_KINDS 6

struct v6scan_check {
	const char *id;          /* stable kebab-case id, "v6-..." */
	enum v6scan_level level; /* default level of its findings */
	const char *summary;     /* one sentence: what is found (SARIF shortDescription) */
	const char *why;         /* why it is IPv4-only (SARIF fullDescription) */
	const char *fix;         /* what to write instead (the text `note:` line) */
	enum CXCursorKind kinds[V6SCAN_MAX_KINDS]; /* wanted kinds; unused slots 0 */
	void (*match)(struct walk_ctx *ctx, const struct v6scan_check *self, CXCursor cur);
};

/* "error", "warning" or "note". */
const char *check_level_name(enum v6scan_level level);
/* Parses "error"/"warning"/"note"; returns 0 and sets *out, or -EINVAL. */
int check_level_parse(const char *s, enum v6scan_level *out);

#endif
