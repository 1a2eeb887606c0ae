/* v6-sockaddr-in-decl — declarations, casts and sizeofs of struct sockaddr_in
 * and struct in_addr, functions returning one (or a pointer to one), and
 * variables of type struct hostent
 * (what carries gethostbyname()'s IPv4 results around), outside dual-stack
 * scopes. */
#include "checks.h"

#include "../ast.h"
#include "../walk.h"

/* 1 when t (through pointers and arrays) is glibc's struct hostent, not a
 * project's struct of that name */
static int is_system_hostent(CXType t)
{
	if (!ast_type_is(t, "struct hostent", 1))
		return 0;
	t = clang_getCanonicalType(t);
	for (int i = 0; i < 16 && t.kind != CXType_Record; i++)
		t = clang_getCanonicalType(t.kind == CXType_Pointer ? clang_getPointeeType(t)
								    : clang_getArrayElementType(t));
	return clang_Location_isInSystemHeader(clang_getCursorLocation(clang_getTypeDeclaration(t)));
}

static enum CXChildVisitResult last_child(CXCursor c, CXCursor parent, CXClientData data)
{
	(void)parent;
	*(CXCursor *)data = c;
	return CXChildVisit_Continue;
}

/* 1 when the VarDecl var has an initialiser that is a function call */
static int initialised_by_call(CXCursor var)
{
	if (clang_getCursorKind(var) != CXCursor_VarDecl)
		return 0;
	CXCursor init = clang_getNullCursor();
	clang_visitChildren(var, last_child, &init);
	return !clang_Cursor_isNull(init) && clang_getCursorKind(ast_strip(init)) == CXCursor_CallExpr;
}

static const char *which(CXType t)
{
	if (ast_type_is(t, "struct sockaddr_in", 1))
		return "sockaddr_in";
	if (ast_type_is(t, "struct in_addr", 1))
		return "in_addr";
	if (is_system_hostent(t))
		return "hostent";
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
	} else if (k == CXCursor_FunctionDecl) {
		/* an interface that hands back an IPv4 address (host2ip()):
		 * a function returning a struct hostent is a resolver wrapper,
		 * whose lookup is reported where it is made */
		type = which(clang_getCursorResultType(cur));
		if (!type || type[0] == 'h' || walk_written_by_macro(ctx, cur))
			return;
		what = "function returning";
	} else {
		type = which(clang_getCursorType(cur));
		what = k == CXCursor_CStyleCastExpr ? "cast to" : "declaration of";
	}
	if (!type || walk_in_dual_stack(ctx, cur))
		return;
	if (type[0] == 'h') {
		/* a cast or sizeof of hostent is always next to a hostent
		 * variable or a resolver call, which are reported */
		/* ... and so is a variable initialised by a call: the
		 * resolver call on that line is the finding */
		/* a parameter's type is the caller's or the API's (an
		 * interposer of gethostbyname_r, a helper handed a result),
		 * and a member is the storage of a hostent API's
		 * implementation as often as a cache: the lookup that fills
		 * them is reported where it is made */
		if (k == CXCursor_VarDecl && !initialised_by_call(cur))
			walk_report(ctx, self, cur, type,
				    "declaration of struct hostent carries IPv4-only resolver results");
		return;
	}
	walk_report(ctx, self, cur, type, "%s struct %s models IPv4 endpoints only", what, type);
}

V6SCAN_CHECK_PARTS(sockaddr_in_decl,
		   "Variables, parameters and members of these types can hold only IPv4 endpoints; code built "
		   "around them needs rework before it can carry IPv6.",
		   "keep addresses in struct sockaddr_storage (or a struct sockaddr * plus socklen_t) and "
		   "branch on the family only where the families differ",
		   CXCursor_VarDecl, CXCursor_FieldDecl, CXCursor_ParmDecl, CXCursor_FunctionDecl,
		   CXCursor_CStyleCastExpr, CXCursor_UnaryExpr);
