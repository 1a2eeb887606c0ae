/* v6-sockaddr-generic-storage — struct sockaddr used as storage.
 *
 * A variable or member of type struct sockaddr (or an array of them; not a
 * pointer, not a union member: the sockaddr/sockaddr_in6/sockaddr_storage
 * union is the correct idiom) is reported, at its declaration, when an
 * address is stored into it: it is the address buffer of accept, accept4,
 * getpeername, getsockname or recvfrom, the destination of memcpy/memmove,
 * or assigned as a whole. A struct sockaddr that only carries a family
 * (connect with AF_UNSPEC to dissolve an association) stays silent.
 *
 * sizeof(struct sockaddr) is reported wherever it sizes something, except as
 * an operand of a comparison (`len < sizeof(struct sockaddr)` is a
 * family-neutral minimum-length check). */
#include "checks.h"

#include <string.h>

#include "../ast.h"
#include "../walk.h"

static const char *const sinks[] = { "accept", "accept4", "getpeername", "getsockname", "memcpy", "memmove",
				     "recvfrom" };

static const char *const comparisons[] = { "<", "<=", ">", ">=", "==", "!=" };

/* The struct sockaddr object (VarDecl or FieldDecl, not in a union) that the
 * expression designates, through &, [], parentheses and casts; else null. */
static CXCursor storage_object(CXCursor expr)
{
	for (int i = 0; i < 8; i++) {
		expr = ast_strip(expr);
		enum CXCursorKind k = clang_getCursorKind(expr);
		if (k == CXCursor_UnaryOperator || k == CXCursor_ArraySubscriptExpr) {
			/* &x: the operand; x[i]: the base */
			CXCursor child = ast_first_child(expr);
			if (clang_Cursor_isNull(child))
				break;
			if (k == CXCursor_UnaryOperator &&
			    clang_getCanonicalType(clang_getCursorType(child)).kind == CXType_Pointer)
				break; /* *p: storage owned by someone else */
			expr = child;
			continue;
		}
		if (k != CXCursor_DeclRefExpr && k != CXCursor_MemberRefExpr)
			break;
		CXCursor obj = clang_getCursorReferenced(expr);
		enum CXCursorKind ok = clang_getCursorKind(obj);
		if (ok != CXCursor_VarDecl && ok != CXCursor_FieldDecl && ok != CXCursor_ParmDecl)
			break;
		if (ok == CXCursor_ParmDecl)
			break; /* a by-value parameter is a copy, not the caller's storage */
		if (!ast_type_is(clang_getCursorType(obj), "struct sockaddr", 0))
			break;
		if (clang_getCanonicalType(clang_getCursorType(obj)).kind == CXType_Pointer)
			break;
		if (ok == CXCursor_FieldDecl &&
		    clang_getCursorKind(clang_getCursorSemanticParent(obj)) == CXCursor_UnionDecl)
			break;
		return obj;
	}
	return clang_getNullCursor();
}

static void report_storage(struct walk_ctx *ctx, const struct v6scan_check *self, CXCursor obj)
{
	if (!clang_Cursor_isNull(obj))
		walk_report(ctx, self, obj, "sockaddr",
			    "a struct sockaddr used as storage holds 16 bytes; an IPv6 address needs 28");
}

static int is_comparison(struct walk_ctx *ctx, CXCursor binop)
{
	char oper[8];

	if (!ast_binary_operator(walk_tu_of(ctx), binop, oper, sizeof(oper)))
		return 0;
	for (size_t i = 0; i < sizeof(comparisons) / sizeof(comparisons[0]); i++)
		if (strcmp(oper, comparisons[i]) == 0)
			return 1;
	return 0;
}

static void match_sizeof(struct walk_ctx *ctx, const struct v6scan_check *self, CXCursor cur)
{
	CXCursor op = ast_first_child(cur);

	if (clang_getCursorKind(op) != CXCursor_TypeRef || !ast_type_is(clang_getCursorType(op), "struct sockaddr", 0))
		return;
	/* sizeof, not alignof: the expression's value is the type's size */
	CXEvalResult ev = clang_Cursor_Evaluate(cur);
	int is_sizeof = ev && clang_EvalResult_getKind(ev) == CXEval_Int &&
			clang_EvalResult_getAsLongLong(ev) == clang_Type_getSizeOf(clang_getCursorType(op));
	if (ev)
		clang_EvalResult_dispose(ev);
	CXCursor parent = walk_parent(ctx);
	if (!is_sizeof || (clang_getCursorKind(parent) == CXCursor_BinaryOperator && is_comparison(ctx, parent)))
		return;
	walk_report(ctx, self, cur, "sockaddr", "sizeof(struct sockaddr) is too small for an IPv6 address");
}

void check_sockaddr_generic_storage_match(struct walk_ctx *ctx, const struct v6scan_check *self, CXCursor cur)
{
	switch (clang_getCursorKind(cur)) {
	case CXCursor_UnaryExpr:
		match_sizeof(ctx, self, cur);
		return;
	case CXCursor_CallExpr: {
		const char *fn = ast_system_callee(cur, sinks, sizeof(sinks) / sizeof(sinks[0]));
		int idx;
		if (!fn)
			return;
		idx = strcmp(fn, "recvfrom") == 0 ? 4 : (fn[0] == 'm' ? 0 : 1);
		if (clang_Cursor_getNumArguments(cur) > idx)
			report_storage(ctx, self, storage_object(clang_Cursor_getArgument(cur, idx)));
		return;
	}
	case CXCursor_BinaryOperator: {
		/* only a struct-typed expression can be a whole-struct store:
		 * a cheap gate before reading the operator */
		if (clang_getCanonicalType(clang_getCursorType(cur)).kind != CXType_Record)
			return;
		if (walk_is_op(ctx, cur, "="))
			report_storage(ctx, self, storage_object(walk_first(ctx, cur)));
		return;
	}
	default:
		return;
	}
}

V6SCAN_CHECK_PARTS(sockaddr_generic_storage,
	"struct sockaddr is 16 bytes, the size of an IPv4 address; a struct sockaddr_in6 is 28, so "
	"IPv6 addresses are truncated or rejected.",
	"use struct sockaddr_storage and sizeof(struct sockaddr_storage), or ai_addrlen from "
	"getaddrinfo()",
	CXCursor_CallExpr, CXCursor_BinaryOperator, CXCursor_UnaryExpr);
