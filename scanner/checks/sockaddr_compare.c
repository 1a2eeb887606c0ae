/* v6-sockaddr-compare — addresses compared as IPv4: `==`/`!=` between the
 * s_addr member of a system struct in_addr and another IPv4 address value
 * (s_addr, an in_addr_t, htonl/ntohl of them), and memcmp()
 * whose operand is a struct sockaddr_in or struct in_addr. Silent in
 * dual-stack scopes (the IPv4 arm of a family dispatch compares s_addr). */
#include "checks.h"

#include <string.h>

#include "../ast.h"
#include "../walk.h"

static const char *const names[] = { "memcmp" };

static int is_s_addr(CXCursor expr)
{
	char m[16];

	return ast_system_member(expr, m, sizeof(m)) && strcmp(m, "s_addr") == 0;
}

static int is_v4_object(CXCursor expr)
{
	CXType t = clang_getCursorType(ast_strip(expr));

	return ast_type_is(t, "struct sockaddr_in", 1) || ast_type_is(t, "struct in_addr", 1);
}

void check_sockaddr_compare_match(struct walk_ctx *ctx, const struct v6scan_check *self, CXCursor cur)
{
	if (clang_getCursorKind(cur) == CXCursor_CallExpr) {
		if (!walk_system_callee(ctx, cur, names, 1) || clang_Cursor_getNumArguments(cur) != 3)
			return;
		if (!is_v4_object(clang_Cursor_getArgument(cur, 0)) && !is_v4_object(clang_Cursor_getArgument(cur, 1)))
			return;
		if (walk_in_dual_stack(ctx, cur))
			return;
		walk_report(ctx, self, cur, "memcmp",
			    "memcmp() of IPv4 address structures compares IPv4 "
			    "addresses only");
		return;
	}
	/* two addresses: s_addr on one side, an address value (s_addr, an
	 * in_addr_t, htonl/ntohl of one) on the other; a constant on the
	 * other side is v6-ipv4-integer-literal's or v6-inaddr-constant's */
	CXCursor lhs = walk_first(ctx, cur), rhs = walk_last(ctx, cur);
	if (!(is_s_addr(lhs) && ast_is_ipv4_value(rhs)) && !(is_s_addr(rhs) && ast_is_ipv4_value(lhs)))
		return;
	if (!(walk_is_op(ctx, cur, "==") || walk_is_op(ctx, cur, "!=")) || walk_in_dual_stack(ctx, cur))
		return;
	walk_report(ctx, self, cur, "s_addr",
		    "addresses compared through s_addr: an IPv6 address has no "
		    "s_addr");
}

V6SCAN_CHECK_PARTS(sockaddr_compare,
		   "Equality, hashing and access lists built on the 32-bit s_addr (or on memcmp of struct "
		   "sockaddr_in) only ever match IPv4 addresses; an IPv6 peer never matches, or is not handled.",
		   "compare the families first, then the addresses per family (IN6_ARE_ADDR_EQUAL for in6_addr, "
		   "plus port and sin6_scope_id where they matter)",
		   CXCursor_BinaryOperator, CXCursor_CallExpr);
