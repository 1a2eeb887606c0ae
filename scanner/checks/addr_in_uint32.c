/* v6-addr-in-uint32 — an address kept in 32 bits: a variable, parameter,
 * member or function result of type in_addr_t (or an array of, or pointer
 * to, in_addr_t), and an integer variable initialised or assigned from an
 * IPv4 address value (the s_addr member, htonl/ntohl of it, inet_addr(),
 * inet_network(), such a value masked with & or |); a project struct member
 * assigned such a value is reported at the assignment and at the member. Silent in dual-stack scopes (a union or a struct that
 * also holds an in6_addr, a function that also handles IPv6) and for
 * declarations written by a macro. */
#include "checks.h"

#include <string.h>

#include "../ast.h"
#include "../walk.h"

static const char *const parsers[] = { "inet_addr", "inet_network" };

/* An IPv4 address value, inet_addr()/inet_network(), htonl/ntohl of one,
 * or one of those masked (`v & mask`: still an address). */
static int is_ipv4_source(CXTranslationUnit tu, CXCursor expr, int depth)
{
	static const char *const byte_order[] = { "htonl", "ntohl" };
	CXCursor s = ast_strip(expr);
	char op[8];

	if (ast_is_ipv4_value(s))
		return 1;
	switch (clang_getCursorKind(s)) {
	case CXCursor_CallExpr:
		if (ast_system_callee(s, parsers, 2))
			return 1;
		return depth < 4 && ast_system_callee(s, byte_order, 2) && clang_Cursor_getNumArguments(s) == 1 &&
		       is_ipv4_source(tu, clang_Cursor_getArgument(s, 0), depth + 1);
	case CXCursor_BinaryOperator:
		if (depth >= 4 || !(is_ipv4_source(tu, ast_first_child(s), depth + 1) ||
				    is_ipv4_source(tu, ast_last_child(s), depth + 1)))
			return 0;
		return ast_binary_operator(tu, s, op, sizeof(op)) && (strcmp(op, "&") == 0 || strcmp(op, "|") == 0);
	default:
		return 0;
	}
}

static int is_integer(CXType t)
{
	t = clang_getCanonicalType(t);
	return t.kind == CXType_UInt || t.kind == CXType_ULong || t.kind == CXType_Int || t.kind == CXType_Long ||
	       t.kind == CXType_ULongLong || t.kind == CXType_LongLong;
}

/* The initialiser of a variable declaration: its last child when that is
 * an expression. */
static CXCursor initialiser(CXCursor var)
{
	CXCursor last = ast_last_child(var);

	return clang_isExpression(clang_getCursorKind(last)) ? last : clang_getNullCursor();
}

void check_addr_in_uint32_match(struct walk_ctx *ctx, const struct v6scan_check *self, CXCursor cur)
{
	enum CXCursorKind k = clang_getCursorKind(cur);

	if (k == CXCursor_BinaryOperator) {
		CXCursor lhs = ast_strip(walk_first(ctx, cur));
		enum CXCursorKind lk = clang_getCursorKind(lhs);
		if ((lk != CXCursor_DeclRefExpr && lk != CXCursor_MemberRefExpr) || !is_integer(clang_getCursorType(lhs)) ||
		    ast_type_is_in_addr_t(clang_getCursorType(lhs), 0))
			return;
		CXCursor target = clang_getCursorReferenced(lhs);
		if (lk == CXCursor_MemberRefExpr &&
		    (clang_getCursorKind(target) != CXCursor_FieldDecl ||
		     clang_Location_isInSystemHeader(clang_getCursorLocation(target))))
			return;
		if (!is_ipv4_source(walk_tu_of(ctx), walk_last(ctx, cur), 0) || !walk_is_op(ctx, cur, "=") ||
		    walk_in_dual_stack(ctx, cur))
			return;
		walk_report(ctx, self, cur, "uint32", "an IPv4 address is stored in a 32-bit integer");
		/* and where the member is declared: that is the storage to widen */
		if (lk == CXCursor_MemberRefExpr && !walk_in_dual_stack(ctx, target))
			walk_report(ctx, self, target, "uint32", "this member holds an IPv4 address in a 32-bit "
				    "integer");
		return;
	}
	/* a declaration a macro writes (an X-macro list of forwarders) has
	 * its type in the macro's arguments: not this check's to place */
	CXType t = k == CXCursor_FunctionDecl ? clang_getCursorResultType(cur) : clang_getCursorType(cur);
	if (ast_type_is_in_addr_t(t, 1)) {
		if (!walk_written_by_macro(ctx, cur) && !walk_in_dual_stack(ctx, cur))
			walk_report(ctx, self, cur, "in_addr_t", "%s of type in_addr_t holds an IPv4 address only",
				    k == CXCursor_FunctionDecl ? "the result" : "a variable");
		return;
	}
	if (k != CXCursor_VarDecl || !is_integer(t))
		return;
	CXCursor init = initialiser(cur);
	if (clang_Cursor_isNull(init) || !is_ipv4_source(walk_tu_of(ctx), init, 0) || walk_written_by_macro(ctx, cur) ||
	    walk_in_dual_stack(ctx, cur))
		return;
	walk_report(ctx, self, cur, "uint32", "an IPv4 address is stored in a 32-bit integer");
}

V6SCAN_CHECK_PARTS(addr_in_uint32,
	"An address kept in 32 bits (a variable, a struct member, a hash key, a configuration or protocol "
	"field) can only ever be an IPv4 address; the code built around it has no room for 128 bits.",
	"keep addresses as struct sockaddr_storage (plus length), or as a family tag with a union of "
	"struct in_addr and struct in6_addr",
	CXCursor_VarDecl, CXCursor_FieldDecl, CXCursor_ParmDecl, CXCursor_FunctionDecl, CXCursor_BinaryOperator);
