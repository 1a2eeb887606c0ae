/* v6-ipv4-integer-literal — an IPv4 address written as a number: an integer
 * constant (written in the project: a literal or a project macro, not a
 * system INADDR_* macro, which v6-inaddr-constant reports) assigned to or
 * compared with an IPv4 address value (s_addr, an in_addr_t variable,
 * htonl/ntohl of them), directly or through htonl()/ntohl(); also -1 (the
 * legacy spelling of INADDR_NONE). Silent in dual-stack scopes. */
#include "checks.h"

#include <string.h>

#include "../ast.h"
#include "../walk.h"

static const char *const byte_order[] = { "htonl", "ntohl", "__bswap_32" };

/* 1 when the unary operator u is a prefix minus (its first token) */
static int is_minus(struct walk_ctx *ctx, CXCursor u)
{
	CXTranslationUnit tu = walk_tu_of(ctx);
	CXToken *toks = NULL;
	unsigned n = 0;
	clang_tokenize(tu, clang_getCursorExtent(u), &toks, &n);
	int minus = 0;
	if (n > 0) {
		CXString t = clang_getTokenSpelling(tu, toks[0]);
		minus = strcmp(clang_getCString(t), "-") == 0;
		clang_disposeString(t);
	}
	clang_disposeTokens(tu, toks, n);
	return minus;
}

/* The integer literal expr is, through casts and htonl/ntohl, when it is
 * written in a project file; else a null cursor. */
static CXCursor project_literal(struct walk_ctx *ctx, CXCursor expr)
{
	char m[64];

	for (int i = 0; i < 4; i++) {
		expr = ast_strip(expr);
		if (clang_getCursorKind(expr) == CXCursor_CallExpr && ast_system_callee(expr, byte_order, 3) &&
		    clang_Cursor_getNumArguments(expr) == 1) {
			expr = clang_Cursor_getArgument(expr, 0);
			continue;
		}
		break;
	}
	/* -1: INADDR_NONE (255.255.255.255) as legacy code writes it after
	 * inet_addr() */
	if (clang_getCursorKind(expr) == CXCursor_UnaryOperator && is_minus(ctx, expr)) {
		CXCursor operand = ast_strip(ast_first_child(expr));
		if (clang_getCursorKind(operand) == CXCursor_IntegerLiteral &&
		    !clang_Location_isInSystemHeader(clang_getCursorLocation(expr)) &&
		    !walk_macro_of(ctx, operand, m, sizeof(m)))
			return expr;
		return clang_getNullCursor();
	}
	if (clang_getCursorKind(expr) != CXCursor_IntegerLiteral)
		return clang_getNullCursor();
	/* a system macro (INADDR_ANY) is another check's; a project macro
	 * or a literal in the text is this one's */
	const char *mac = walk_macro_of(ctx, expr, m, sizeof(m));
	if (mac && strncmp(mac, "INADDR_", 7) == 0)
		return clang_getNullCursor();
	CXSourceLocation loc = clang_getCursorLocation(expr);
	if (clang_Location_isInSystemHeader(loc))
		return clang_getNullCursor();
	return expr;
}

void check_ipv4_integer_literal_match(struct walk_ctx *ctx, const struct v6scan_check *self, CXCursor cur)
{
	CXCursor lhs = walk_first(ctx, cur), rhs = walk_last(ctx, cur);
	CXCursor lit;

	if (ast_is_ipv4_value(lhs))
		lit = project_literal(ctx, rhs);
	else if (ast_is_ipv4_value(rhs))
		lit = project_literal(ctx, lhs);
	else
		return;
	if (clang_Cursor_isNull(lit))
		return;
	if (!walk_is_op(ctx, cur, "=") && !(walk_is_op(ctx, cur, "==") || walk_is_op(ctx, cur, "!=")))
		return;
	if (walk_in_dual_stack(ctx, cur))
		return;
	walk_report(ctx, self, cur, "s_addr", "an IPv4 address written as an integer constant");
}

V6SCAN_CHECK_PARTS(ipv4_integer_literal,
		   "A number such as 0x7f000001 stored in or compared with s_addr is an IPv4 address (here 127.0.0.1) "
		   "in disguise: the code can only ever mean that one IPv4 address.",
		   "name the address by family: in6addr_loopback and IN6_IS_ADDR_LOOPBACK next to INADDR_LOOPBACK, "
		   "or resolve configured text with getaddrinfo()",
		   CXCursor_BinaryOperator);
