/* fixit — building a check's fix-it: the mechanical edit that makes one
 * finding go away (findings.h: struct finding_repl), computed from libclang
 * locations while the translation unit is walked.
 *
 * A replacement is only placed where the text is ours to change: the
 * expansion location of the given place is in a project file (not a system
 * header, walk_project_offset), and the bytes there read exactly the token
 * the check expects (`old`). So a construct produced by a macro body or
 * written inside a macro argument, where the expansion location is the
 * macro's name, never matches, while a macro name written in the source
 * (AF_INET itself) does. Any replacement that cannot be placed, or that
 * overlaps another of the same fix-it, makes the whole fix-it void: a
 * finding gets all of its edits or none.
 *
 * Usage in a check, after walk_report():
 *   struct fixit fx;
 *   fixit_init(&fx);
 *   fixit_replace(ctx, &fx, loc, "AF_INET", "AF_UNSPEC");
 *   fixit_attach(ctx, &fx, "replace AF_INET with AF_UNSPEC.");
 */
#ifndef V6SCAN_FIXIT_H
#define V6SCAN_FIXIT_H

#include <clang-c/Index.h>

#include "findings.h"
#include "walk.h"

struct fixit {
	struct finding_repl r[FINDING_FIX_MAX]; /* path and text point at the walk's or static strings */
	size_t n;
	int bad; /* 1: no fix-it (a replacement could not be placed) */
};

void fixit_init(struct fixit *fx);

/* Replaces the token at loc, which must read `old` (a whole identifier or
 * number when old is one), with `text`. */
void fixit_replace(struct walk_ctx *ctx, struct fixit *fx, CXSourceLocation loc, const char *old, const char *text);

/* Inserts `text` before the token at loc, which must read `old`. */
void fixit_insert(struct walk_ctx *ctx, struct fixit *fx, CXSourceLocation loc, const char *old, const char *text);

/* Gives fx, described by desc (a sentence ending with a period), to the
 * finding the last walk_report added. Nothing happens when fx is void or
 * empty or the report added no finding. Returns 0 or -ENOMEM. */
int fixit_attach(struct walk_ctx *ctx, const struct fixit *fx, const char *desc);

#endif
