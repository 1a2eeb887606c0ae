/* v6-sockaddr-generic-storage — struct sockaddr used as storage: a variable
 * or member of that type (not a pointer; union members excepted, the
 * sockaddr/sockaddr_in6/sockaddr_storage union is the correct idiom) and
 * sizeof(struct sockaddr), except as an operand of a comparison (a minimum
 * length check such as `len < sizeof(struct sockaddr)` is family-neutral). */
#include "checks.h"

#include <string.h>

#include "../ast.h"
#include "../walk.h"

static void match(struct walk_ctx *ctx, const struct v6scan_check *self, CXCursor cur)
{
	enum CXCursorKind k = clang_getCursorKind(cur);

	if (k == CXCursor_UnaryExpr) {
		CXCursor op = ast_first_child(cur);
		if (clang_getCursorKind(op) != CXCursor_TypeRef ||
		    !ast_type_is(clang_getCursorType(op), "struct sockaddr", 0))
			return;
		/* sizeof, not alignof: the expression's value is the type's size */
		CXEvalResult ev = clang_Cursor_Evaluate(cur);
		int is_sizeof = ev && clang_EvalResult_getKind(ev) == CXEval_Int &&
				clang_EvalResult_getAsLongLong(ev) ==
					clang_Type_getSizeOf(clang_getCursorType(op));
		if (ev)
			clang_EvalResult_dispose(ev);
		CXCursor parent = walk_parent(ctx);
		char oper[8];
		if (clang_getCursorKind(parent) == CXCursor_BinaryOperator &&
		    ast_binary_operator(walk_tu_of(ctx), parent, oper, sizeof(oper)) &&
		    (strcmp(oper, "<") == 0 || strcmp(oper, "<=") == 0 || strcmp(oper, ">") == 0 ||
		     strcmp(oper, ">=") == 0 || strcmp(oper, "==") == 0 || strcmp(oper, "!=") == 0))
			return;
		if (is_sizeof)
			walk_report(ctx, self, cur, "sockaddr",
				    "sizeof(struct sockaddr) is too small for an IPv6 address");
		return;
	}
	CXType t = clang_getCanonicalType(clang_getCursorType(cur));
	if (!ast_type_is(t, "struct sockaddr", 0))
		return;
	if (k == CXCursor_FieldDecl &&
	    clang_getCursorKind(clang_getCursorSemanticParent(cur)) == CXCursor_UnionDecl)
		return;
	walk_report(ctx, self, cur, "sockaddr",
		    "a struct sockaddr used as storage holds 16 bytes; an IPv6 address needs 28");
}

const struct v6scan_check check_sockaddr_generic_storage = {
	.id = "v6-sockaddr-generic-storage",
	.level = V6SCAN_WARNING,
	.summary = "struct sockaddr used as address storage, or sizeof(struct sockaddr) used as a length.",
	.why = "struct sockaddr is 16 bytes, the size of an IPv4 address; a struct sockaddr_in6 is 28, so "
	       "IPv6 addresses are truncated or rejected.",
	.fix = "use struct sockaddr_storage and sizeof(struct sockaddr_storage), or ai_addrlen from "
	       "getaddrinfo()",
	.kinds = { CXCursor_VarDecl, CXCursor_FieldDecl, CXCursor_UnaryExpr },
	.match = match,
};
