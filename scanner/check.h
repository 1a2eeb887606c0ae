/* check — what a v6scan check is. The list of checks is checks/checks.def
 * (id, level, confidence, summary, file stem); each check's file
 * checks/<stem>.c supplies the rest (why, fix, wanted cursor kinds, matcher)
 * and its page is docs/checks/<id>.md. scripts/new-check writes all of them.
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

/* How sure a finding of the check is to be a real IPv4-only line: HIGH, the
 * AST proves it; MEDIUM, the construct is IPv4-only but the code around it
 * may already handle IPv6 in a way the check cannot see; LOW, a heuristic. */
enum v6scan_confidence { V6SCAN_CONF_LOW = 0, V6SCAN_CONF_MEDIUM = 1, V6SCAN_CONF_HIGH = 2 };

struct walk_ctx;

struct v6scan_check {
	const char *id;          /* stable kebab-case id, "v6-..." */
	enum v6scan_level level; /* default level of its findings */
	enum v6scan_confidence confidence;
	const char *summary;            /* one sentence: what is found (SARIF shortDescription) */
	const char *why;                /* why it is IPv4-only (SARIF fullDescription) */
	const char *fix;                /* what to write instead (the text `note:` line) */
	const enum CXCursorKind *kinds; /* wanted kinds, ended by 0 */
	void (*match)(struct walk_ctx *ctx, const struct v6scan_check *self, CXCursor cur);
};

/* "error", "warning" or "note". */
const char *check_level_name(enum v6scan_level level);
/* Parses "error"/"warning"/"note"; returns 0 and sets *out, or -EINVAL. */
int check_level_parse(const char *s, enum v6scan_level *out);
/* "high", "medium" or "low". */
const char *check_confidence_name(enum v6scan_confidence c);
/* Parses "high"/"medium"/"low"; returns 0 and sets *out, or -EINVAL. */
int check_confidence_parse(const char *s, enum v6scan_confidence *out);

#endif
