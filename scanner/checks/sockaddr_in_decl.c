/* v6-sockaddr-in-decl — declarations, casts and sizeofs of struct sockaddr_in
 * and struct in_addr outside dual-stack scopes. */
#include "checks.h"

#include "../ast.h"
#include "../walk.h"

static const char *which(CXType t)
{
	if (ast_type_is(t, "struct sockaddr_in", 1))
		return "sockaddr_in";
	if (ast_type_is(t, "struct in_addr", 1))
		return "in_addr";
	return NULL;
}

void check_sockaddr_in_decl_match(struct walk_ctx *ctx, const struct v6scan_check *self, CXCursor cur)
{
	enum CXCursorKind k = clang_getCursorKind(cur);
	const char *type;
	const char *what;

	if (k == CXCursor_UnaryExpr) {
		CXCursor op = ast_first_child(cur);
		if (clang_getCursorKind(op) != CXCursor_TypeRef)
			return;
		type = which(clang_getCursorType(op));
		what = "sizeof of";
	} else {
		type = which(clang_getCursorType(cur));
		what = k == CXCursor_CStyleCastExpr ? "cast to" : "declaration of";
	}
	if (!type || walk_in_dual_stack(ctx, cur))
		return;
	walk_report(ctx, self, cur, type, "%s struct %s models IPv4 endpoints only", what, type);
}

V6SCAN_CHECK_PARTS(sockaddr_in_decl,
	"Variables, parameters and members of these types can hold only IPv4 endpoints; code built "
	"around them needs rework before it can carry IPv6.",
	"keep addresses in struct sockaddr_storage (or a struct sockaddr * plus socklen_t) and "
	"branch on the family only where the families differ",
	CXCursor_VarDecl, CXCursor_FieldDecl, CXCursor_ParmDecl, CXCursor_CStyleCastExpr,
	CXCursor_UnaryExpr);
