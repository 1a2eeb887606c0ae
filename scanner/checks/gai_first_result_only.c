/* v6-gai-first-result-only — getaddrinfo(node, service, hints, &res) whose
 * list is used only through its first entry: in the function that calls
 * it, res is dereferenced (res->ai_addr, res->ai_family ...; not only
 * res->ai_canonname, which only the first entry holds), no ai_next
 * member is read anywhere, and res does not leave the function (it is only
 * dereferenced, tested, or given to freeaddrinfo: an assignment, another
 * call, a return or an initializer would hand the list to code this check
 * does not see). Reported at the getaddrinfo() call.
 * Left alone: a res that is not a local variable (`&ctx->res`, a caller's
 * pointer), a function that names AI_NUMERICHOST (a numeric
 * conversion has one result), and a function that assigns AF_INET or
 * AF_INET6 to an ai_family (it asks for one family, so the other family is
 * not in the list; a pinned AF_INET is v6-hints-family-inet's finding). */
#include "checks.h"

#include <string.h>

#include "../ast.h"
#include "../walk.h"
#include "util_tree.h"

static const char *const gai[] = { "getaddrinfo" };
static const char *const freeai[] = { "freeaddrinfo" };

struct facts {
	CXCursor res;
	CXTranslationUnit tu;
	int refs, benign, used, next;
};

static int is_res(struct facts *f, CXCursor e)
{
	e = ast_strip(e);
	return clang_getCursorKind(e) == CXCursor_DeclRefExpr &&
		clang_equalCursors(clang_getCursorReferenced(e), f->res);
}

static enum CXChildVisitResult gather(CXCursor c, CXCursor parent, CXClientData data)
{
	struct facts *f = data;
	(void)parent;
	switch (clang_getCursorKind(c)) {
	case CXCursor_DeclRefExpr:
		if (clang_equalCursors(clang_getCursorReferenced(c), f->res))
			f->refs++;
		break;
	case CXCursor_MemberRefExpr: {
		CXString s = clang_getCursorSpelling(c);
		const char *member = clang_getCString(s);
		if (strcmp(member, "ai_next") == 0)
			f->next = 1;
		if (is_res(f, ast_first_child(c))) {
			f->benign++;
			/* the canonical name is in the first entry only */
			f->used |= strcmp(member, "ai_canonname") != 0;
		}
		clang_disposeString(s);
		break;
	}
	case CXCursor_UnaryOperator:
	case CXCursor_IfStmt:
	case CXCursor_WhileStmt:
	case CXCursor_ConditionalOperator:
		/* &res, !res, *res; if (res), while (res), res ? : */
		if (is_res(f, ast_first_child(c)))
			f->benign++;
		break;
	case CXCursor_BinaryOperator:
		/* a comparison or a logical operator (an int result; not
		 * "p = res", whose value is the pointer; the operator's tokens
		 * are not read: NULL is a macro) */
		if (clang_getCanonicalType(clang_getCursorType(c)).kind != CXType_Pointer) {
			f->benign += is_res(f, ast_first_child(c));
			f->benign += is_res(f, util_last_child(c));
		}
		break;
	case CXCursor_CallExpr:
		if (ast_system_callee(c, freeai, 1) && clang_Cursor_getNumArguments(c) == 1 &&
		    is_res(f, clang_Cursor_getArgument(c, 0)))
			f->benign++;
		break;
	default: break;
	}
	return CXChildVisit_Recurse;
}

struct pin {
	struct walk_ctx *ctx;
	int pinned;
};

static enum CXChildVisitResult find_pin(CXCursor c, CXCursor parent, CXClientData data)
{
	struct pin *p = data;
	(void)parent;
	if (clang_getCursorKind(c) != CXCursor_BinaryOperator)
		return CXChildVisit_Recurse;
	CXCursor lhs = ast_strip(ast_first_child(c));
	if (clang_getCursorKind(lhs) != CXCursor_MemberRefExpr)
		return CXChildVisit_Recurse;
	CXString s = clang_getCursorSpelling(lhs);
	int fam = strcmp(clang_getCString(s), "ai_family") == 0;
	clang_disposeString(s);
	if (fam && walk_is_op(p->ctx, c, "=")) {
		int v = walk_family_of(p->ctx, util_last_child(c));
		if (v == 4 || v == 6) {
			p->pinned = 1;
			return CXChildVisit_Break;
		}
	}
	return CXChildVisit_Recurse;
}

void check_gai_first_result_only_match(struct walk_ctx *ctx, const struct v6scan_check *self, CXCursor cur)
{
	if (!walk_system_callee(ctx, cur, gai, 1) || clang_Cursor_getNumArguments(cur) != 4)
		return;
	CXCursor out = ast_strip(clang_Cursor_getArgument(cur, 3));
	if (clang_getCursorKind(out) != CXCursor_UnaryOperator)
		return;
	CXCursor ref = ast_strip(ast_first_child(out));
	if (clang_getCursorKind(ref) != CXCursor_DeclRefExpr)
		return;
	struct facts f = { .res = clang_getCursorReferenced(ref), .tu = walk_tu_of(ctx) };
	if (clang_getCursorKind(f.res) != CXCursor_VarDecl ||
	    clang_getCursorKind(clang_getCursorSemanticParent(f.res)) != CXCursor_FunctionDecl)
		return;
	CXCursor fn = util_enclosing_function(cur);
	if (clang_Cursor_isNull(fn) || util_text_names(f.tu, fn, "AI_NUMERICHOST"))
		return;
	struct pin pin = { .ctx = ctx };
	clang_visitChildren(fn, find_pin, &pin);
	if (pin.pinned)
		return;
	clang_visitChildren(fn, gather, &f);
	if (!f.used || f.next || f.refs > f.benign)
		return;
	walk_report(ctx, self, cur, "getaddrinfo",
		    "only the first getaddrinfo() result is used; the others (often the other family) are never tried");
}

V6SCAN_CHECK_PARTS(gai_first_result_only,
		   "getaddrinfo() returns every address of the name, sorted by RFC 6724: the first is often "
		   "IPv6, which may be unreachable from here, or IPv4 when the peer listens only on IPv6. A "
		   "client that tries only the first fails where the next one would work; a server that binds "
		   "only the first listens on one family.",
		   "loop over the list with ai_next until one connect() succeeds (or race them, RFC 8305 Happy "
		   "Eyeballs); a server binds every result, or one AF_INET6 socket with IPV6_V6ONLY=0",
		   CXCursor_CallExpr);
