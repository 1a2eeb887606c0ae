/* v6-hints-family-inet — getaddrinfo() hints forced to IPv4: ai_family of a
 * struct addrinfo set to AF_INET or PF_INET, by assignment or initialiser
 * (designated, or the second positional value). A family chosen at run
 * time (a variable, a -4 option) is not matched; silent in dual-stack
 * scopes (a function that also sets AF_INET6 offers both). */
#include "checks.h"

#include <string.h>

#include "../ast.h"
#include "../walk.h"

struct init_scan {
	struct walk_ctx *ctx;
	const struct v6scan_check *self;
	CXCursor init;
};

static void on_init(const char *field, unsigned position, CXCursor value, void *data)
{
	struct init_scan *w = data;

	if (field ? strcmp(field, "ai_family") != 0 : position != 1)
		return;
	if (walk_family_of(w->ctx, value) != 4 || walk_in_dual_stack(w->ctx, w->init))
		return;
	walk_report_loc(w->ctx, w->self, clang_getRangeStart(clang_getCursorExtent(value)), "ai_family",
			"getaddrinfo() hints with ai_family AF_INET resolve IPv4 addresses only");
}

void check_hints_family_inet_match(struct walk_ctx *ctx, const struct v6scan_check *self, CXCursor cur)
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
	if (walk_family_of(ctx, walk_last(ctx, cur)) != 4 || !walk_is_op(ctx, cur, "="))
		return;
	if (walk_in_dual_stack(ctx, cur))
		return;
	walk_report(ctx, self, cur, "ai_family", "getaddrinfo() hints with ai_family AF_INET resolve IPv4 "
		    "addresses only");
}

V6SCAN_CHECK_PARTS(hints_family_inet,
	"With ai_family = AF_INET, getaddrinfo() returns A records only: a name with only an IPv6 "
	"address fails, and a dual-stack peer is never reached over IPv6.",
	"set hints.ai_family = AF_UNSPEC (with AI_ADDRCONFIG where appropriate) and try every result",
	CXCursor_BinaryOperator, CXCursor_InitListExpr);
