/* v6-ipv4-range-math — IPv4 network arithmetic: `&`, `|`, `^`, `<<`, `>>`
 * with an IPv4 address value (s_addr, an in_addr_t variable, htonl/ntohl of
 * them) on one side (masks, networks); `<`, `<=`, `>`, `>=` between such a
 * value and a constant or another address (range tests); and the IPv4 mask
 * of a prefix length, `0xffffffff << (32 - n)`. Silent in dual-stack scopes
 * (the IPv4 arm of a family dispatch). */
#include "checks.h"

#include <string.h>

#include "../ast.h"
#include "../walk.h"

static const char *const bitwise[] = { "&", "|", "^", "<<", ">>" };
static const char *const ordering[] = { "<", "<=", ">", ">=" };

static int one_of(const char *op, const char *const *set, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(op, set[i]) == 0)
			return 1;
	return 0;
}

static long long value_of(CXCursor expr, int *ok)
{
	CXEvalResult ev = clang_Cursor_Evaluate(ast_strip(expr));
	long long v = 0;

	*ok = ev && clang_EvalResult_getKind(ev) == CXEval_Int;
	if (*ok)
		v = clang_EvalResult_getAsLongLong(ev);
	if (ev)
		clang_EvalResult_dispose(ev);
	return v;
}

/* 0xffffffff << (32 - n) (or >>): a prefix length made into an IPv4 mask */
static int is_prefix_mask(CXCursor lhs, CXCursor rhs)
{
	int ok;
	long long v = value_of(lhs, &ok);

	if (!ok || (v & 0xffffffffLL) != 0xffffffffLL || (v > 0xffffffffLL && v != -1))
		return 0;
	rhs = ast_strip(rhs);
	if (clang_getCursorKind(rhs) != CXCursor_BinaryOperator)
		return 0;
	long long w = value_of(ast_first_child(rhs), &ok);
	return ok && w == 32;
}

static int is_constant(CXCursor expr)
{
	expr = ast_strip(expr);
	enum CXCursorKind k = clang_getCursorKind(expr);
	if (k == CXCursor_IntegerLiteral)
		return 1;
	if (k != CXCursor_BinaryOperator && k != CXCursor_UnaryOperator)
		return 0;
	CXEvalResult ev = clang_Cursor_Evaluate(expr);
	int yes = ev && clang_EvalResult_getKind(ev) == CXEval_Int;
	if (ev)
		clang_EvalResult_dispose(ev);
	return yes;
}

void check_ipv4_range_math_match(struct walk_ctx *ctx, const struct v6scan_check *self, CXCursor cur)
{
	/* the operands' kinds first, then the operator, then evaluation:
	 * clang_Cursor_Evaluate walks the whole operand, so evaluating at
	 * every operator of a long chain (1+1+...+1) is quadratic; only a
	 * shift whose right side is an operator can be a prefix mask */
	CXCursor lhs = walk_first(ctx, cur), rhs = walk_last(ctx, cur);
	int l = ast_is_ipv4_value(lhs), r = !l && ast_is_ipv4_value(rhs);
	if (!l && !r && clang_getCursorKind(ast_strip(rhs)) != CXCursor_BinaryOperator)
		return;
	const char *op = walk_operator(ctx, cur);
	if (!op || !(one_of(op, bitwise, 5) || one_of(op, ordering, 4)))
		return;
	int shift = strcmp(op, "<<") == 0 || strcmp(op, ">>") == 0;
	int mask = !l && !r && shift && is_prefix_mask(lhs, rhs);

	if (!l && !r && !mask)
		return;
	if (!mask && !one_of(op, bitwise, 5)) {
		/* an ordering needs a constant or a second address */
		if (!one_of(op, ordering, 4) || !(l ? is_constant(rhs) || ast_is_ipv4_value(rhs) : is_constant(lhs)))
			return;
	}
	if (walk_in_dual_stack(ctx, cur))
		return;
	walk_report(ctx, self, cur, "s_addr",
		    "IPv4 address arithmetic (%s): masks and ranges of 32-bit "
		    "addresses",
		    op);
}

V6SCAN_CHECK_PARTS(ipv4_range_math,
		   "Masks, shifts and range tests on a 32-bit address (loopback, private networks, subnets, access "
		   "lists) decide for IPv4 addresses only; IPv6 addresses are never matched.",
		   "dispatch on the family and test each with its own rules (IN6_IS_ADDR_LOOPBACK, fe80::/10, "
		   "fc00::/7, a prefix compare of in6_addr bytes)",
		   CXCursor_BinaryOperator);
