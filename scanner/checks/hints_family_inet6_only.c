/* v6-hints-family-inet6-only — getaddrinfo() hints forced to IPv6 only:
 * ai_family of a struct addrinfo set to AF_INET6 or PF_INET6 (assignment or
 * initialiser) in a function that names neither AF_INET/PF_INET (no IPv4
 * alternative) nor AI_V4MAPPED. Not IPv4-only, but family-dependent:
 * IPv4-only peers become unreachable. A note (low confidence). */
#include "checks.h"

#include <string.h>

#include "../ast.h"
#include "../walk.h"

static int forced(struct walk_ctx *ctx, CXCursor value, CXCursor at)
{
	return walk_family_of(ctx, value) == 6 &&
		!(walk_scope_names(ctx, at) & (WALK_NAMES_INET | WALK_NAMES_V4MAPPED));
}

struct init_scan {
	struct walk_ctx *ctx;
	const struct v6scan_check *self;
	CXCursor init;
};

static void on_init(const char *field, unsigned position, CXCursor value, void *data)
{
	struct init_scan *w = data;

	if ((field ? strcmp(field, "ai_family") != 0 : position != 1) || !forced(w->ctx, value, w->init))
		return;
	walk_report_loc(w->ctx, w->self, clang_getRangeStart(clang_getCursorExtent(value)), "ai_family",
			"getaddrinfo() hints with ai_family AF_INET6 and no AI_V4MAPPED skip IPv4-only peers");
}

void check_hints_family_inet6_only_match(struct walk_ctx *ctx, const struct v6scan_check *self, CXCursor cur)
{
	char m[32];

	if (clang_getCursorKind(cur) == CXCursor_InitListExpr) {
		if (!ast_type_is(clang_getCursorType(cur), "struct addrinfo", 0))
			return;
		struct init_scan w = { .ctx = ctx, .self = self, .init = cur };
		ast_init_fields(cur, on_init, &w);
		return;
	}
	if (!ast_system_member(walk_first(ctx, cur), m, sizeof(m)) || strcmp(m, "ai_family") != 0)
		return;
	if (!forced(ctx, walk_last(ctx, cur), cur) || !walk_is_op(ctx, cur, "="))
		return;
	walk_report(ctx, self, cur, "ai_family",
		    "getaddrinfo() hints with ai_family AF_INET6 and no "
		    "AI_V4MAPPED skip IPv4-only peers");
}

V6SCAN_CHECK_PARTS(hints_family_inet6_only,
		   "Forcing AF_INET6 is the mirror image of forcing AF_INET: a peer that has only an IPv4 address "
		   "cannot be reached, unless AI_V4MAPPED maps it.",
		   "use AF_UNSPEC and try every result, or add AI_V4MAPPED when an AF_INET6 socket must be used",
		   CXCursor_BinaryOperator, CXCursor_InitListExpr);
