/* v6-addrlen-assume — an address length that assumes IPv4: a comparison
 * (<, <=, >, >=, ==, !=) with sizeof(struct sockaddr_in) or sizeof of a
 * struct sockaddr_in object, and memcpy()/memmove() of that size from a
 * generic struct sockaddr or struct sockaddr_storage. Silent in dual-stack
 * scopes (the AF_INET arm checks its own length). */
#include "checks.h"

#include <string.h>

#include "../ast.h"
#include "../walk.h"

static const char *const copies[] = { "memcpy", "memmove" };
static const char *const comparisons[] = { "<", "<=", ">", ">=", "==", "!=" };

/* 1 when expr is sizeof(struct sockaddr_in) or sizeof(x) for such an x. */
static int is_sizeof_sin(CXCursor expr)
{
	expr = ast_strip(expr);
	if (clang_getCursorKind(expr) != CXCursor_UnaryExpr)
		return 0;
	CXCursor op = ast_first_child(expr);
	if (clang_Cursor_isNull(op) || !ast_type_is(clang_getCursorType(op), "struct sockaddr_in", 0))
		return 0;
	/* sizeof, not alignof: the value is the type's size */
	CXEvalResult ev = clang_Cursor_Evaluate(expr);
	int yes = ev && clang_EvalResult_getKind(ev) == CXEval_Int &&
		clang_EvalResult_getAsLongLong(ev) == clang_Type_getSizeOf(clang_getCursorType(op));
	if (ev)
		clang_EvalResult_dispose(ev);
	return yes;
}

static int is_comparison(struct walk_ctx *ctx, CXCursor binop)
{
	const char *op = walk_operator(ctx, binop);

	if (!op)
		return 0;
	for (size_t i = 0; i < sizeof(comparisons) / sizeof(comparisons[0]); i++)
		if (strcmp(op, comparisons[i]) == 0)
			return 1;
	return 0;
}

static int is_generic(CXCursor expr)
{
	CXType t = clang_getCursorType(ast_strip(expr));

	return ast_type_is(t, "struct sockaddr", 1) || ast_type_is(t, "struct sockaddr_storage", 1);
}

void check_addrlen_assume_match(struct walk_ctx *ctx, const struct v6scan_check *self, CXCursor cur)
{
	if (clang_getCursorKind(cur) == CXCursor_CallExpr) {
		if (!walk_system_callee(ctx, cur, copies, 2) || clang_Cursor_getNumArguments(cur) != 3)
			return;
		if (!is_sizeof_sin(clang_Cursor_getArgument(cur, 2)) || !is_generic(clang_Cursor_getArgument(cur, 1)))
			return;
		if (walk_in_dual_stack(ctx, cur))
			return;
		walk_report(ctx, self, cur, "sockaddr_in",
			    "a generic address copied with the size of a struct "
			    "sockaddr_in truncates IPv6 addresses");
		return;
	}
	if (!is_sizeof_sin(walk_first(ctx, cur)) && !is_sizeof_sin(walk_last(ctx, cur)))
		return;
	if (!is_comparison(ctx, cur) || walk_in_dual_stack(ctx, cur))
		return;
	walk_report(ctx, self, cur, "sockaddr_in",
		    "an address length checked against sizeof(struct "
		    "sockaddr_in) rejects or truncates the 28-byte IPv6 address");
}

V6SCAN_CHECK_PARTS(addrlen_assume,
		   "A struct sockaddr_in is 16 bytes, a struct sockaddr_in6 28: a length check or a copy sized for "
		   "IPv4 rejects IPv6 addresses or cuts them short.",
		   "use the length that came with the address (ai_addrlen, the socklen_t of accept/recvfrom) and "
		   "check it per family, or copy into a struct sockaddr_storage",
		   CXCursor_BinaryOperator, CXCursor_CallExpr);
