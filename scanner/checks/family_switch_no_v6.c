/* v6-family-switch-no-v6 — a family tested against AF_INET (== or !=, or a
 * `case AF_INET:`) in a function that has no AF_INET6 arm anywhere (the
 * dual-stack rule: a function naming AF_INET6 or another IPv6 name is
 * silent). `if (family != AF_INET) return -1;` rejects IPv6; a switch or
 * if-chain without an AF_INET6 arm lets it fall through. */
#include "checks.h"

#include "../ast.h"
#include "../walk.h"

void check_family_switch_no_v6_match(struct walk_ctx *ctx, const struct v6scan_check *self, CXCursor cur)
{
	if (clang_getCursorKind(cur) == CXCursor_CaseStmt) {
		if (walk_family_of(ctx, walk_first(ctx, cur)) != 4 || walk_in_dual_stack(ctx, cur))
			return;
		walk_report(ctx, self, cur, "case", "case AF_INET in a switch with no AF_INET6 arm");
		return;
	}
	if (walk_family_of(ctx, walk_first(ctx, cur)) != 4 && walk_family_of(ctx, walk_last(ctx, cur)) != 4)
		return;
	if (!(walk_is_op(ctx, cur, "==") || walk_is_op(ctx, cur, "!=")) || walk_in_dual_stack(ctx, cur))
		return;
	walk_report(ctx, self, cur, "AF_INET",
		    "the family is tested against AF_INET only: IPv6 is rejected "
		    "or falls through");
}

V6SCAN_CHECK_PARTS(family_switch_no_v6,
		   "Code that dispatches on the family but knows only AF_INET treats every IPv6 address as an error "
		   "or, in a switch, silently skips it.",
		   "add the AF_INET6 arm (struct sockaddr_in6, sin6_addr, sin6_port), or use getnameinfo()/"
		   "getaddrinfo() which handle every family",
		   CXCursor_BinaryOperator, CXCursor_CaseStmt);
