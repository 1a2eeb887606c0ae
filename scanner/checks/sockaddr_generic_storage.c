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
 * family-neutral minimum-length check).
 *
 * Fix-it, for a local variable declared `struct sockaddr NAME;` (or with an
 * initialiser) whose every use is safe with the larger type: the type
 * becomes struct sockaddr_storage, `&NAME` passed to a socket call gets a
 * (struct sockaddr *) cast, NAME.sa_family becomes NAME.ss_family. Safe uses:
 * &NAME under an explicit cast, as the address argument of accept, accept4,
 * bind, connect, getnameinfo, getpeername, getsockname, recvfrom or sendto,
 * as the destination of memcpy/memmove or anywhere in memset; sizeof NAME
 * outside memcpy/memmove (which would then copy 128 bytes from a smaller
 * source); NAME.sa_family. Anything else (a whole-struct assignment,
 * sa_data, an array, a member, a global) gets no fix-it. */
#include "checks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../ast.h"
#include "../fixit.h"
#include "../walk.h"

static const char *const addr_calls[] = { "accept",      "accept4",     "bind",     "connect", "getnameinfo",
					  "getpeername", "getsockname", "recvfrom", "sendto" };
static const char *const copies[] = { "bcopy", "memcpy", "memmove" };
static const char *const fills[] = { "memset" };

#define USE_DEPTH 256

/* The walk over a function body for the uses of one variable. */
struct uses {
	struct walk_ctx *ctx;
	CXCursor var;
	struct fixit *fx;
	CXCursor stack[USE_DEPTH]; /* ancestors of the cursor visited, innermost last */
	int depth;
};

static int skipped(CXCursor c)
{
	enum CXCursorKind k = clang_getCursorKind(c);

	return k == CXCursor_ParenExpr || k == CXCursor_UnexposedExpr || k == CXCursor_CompoundLiteralExpr ||
		k == CXCursor_InitListExpr;
}

/* The ancestor of the use above stack level *lvl, skipping parentheses and
 * implicit nodes; *lvl becomes its level (-1: none). */
static CXCursor up(const struct uses *u, int *lvl)
{
	while (--*lvl >= 0 && skipped(u->stack[*lvl]))
		;
	return *lvl >= 0 ? u->stack[*lvl] : clang_getNullCursor();
}

/* 1 when the bytes at the start of cursor c read `text`. */
static int starts_with(struct walk_ctx *ctx, CXCursor c, const char *text)
{
	CXToken *tok = clang_getToken(walk_tu_of(ctx), clang_getRangeStart(clang_getCursorExtent(c)));
	int ok = 0;

	if (tok) {
		CXString sp = clang_getTokenSpelling(walk_tu_of(ctx), *tok);
		ok = strcmp(clang_getCString(sp), text) == 0;
		clang_disposeString(sp);
		clang_disposeTokens(walk_tu_of(ctx), tok, 1);
	}
	return ok;
}

/* 1 when an ancestor of the use is a call of memcpy, memmove or bcopy. */
static int inside_copy(const struct uses *u)
{
	for (int i = u->depth - 1; i >= 0; i--)
		if (clang_getCursorKind(u->stack[i]) == CXCursor_CallExpr &&
		    ast_system_callee(u->stack[i], copies, sizeof(copies) / sizeof(copies[0])))
			return 1;
	return 0;
}

/* One use of the variable (a DeclRefExpr; its ancestors on the stack). */
static void use(struct uses *u, CXCursor ref)
{
	int lvl = u->depth;
	CXCursor p = up(u, &lvl);
	enum CXCursorKind k = clang_getCursorKind(p);
	char member[32];

	if (k == CXCursor_MemberRefExpr) {
		CXString m = clang_getCursorSpelling(p);
		snprintf(member, sizeof(member), "%s", clang_getCString(m));
		clang_disposeString(m);
		if (strcmp(member, "sa_family") == 0)
			fixit_replace(u->ctx, u->fx, clang_getCursorLocation(p), "sa_family", "ss_family");
		else
			u->fx->bad = 1;
		return;
	}
	if (k == CXCursor_UnaryExpr) {
		if (!starts_with(u->ctx, p, "sizeof") || inside_copy(u))
			u->fx->bad = 1;
		return;
	}
	if (k != CXCursor_UnaryOperator || !starts_with(u->ctx, p, "&")) {
		u->fx->bad = 1;
		return;
	}
	CXCursor amp = p;
	CXCursor call = up(u, &lvl);
	if (clang_getCursorKind(call) == CXCursor_CStyleCastExpr)
		return;
	if (clang_getCursorKind(call) != CXCursor_CallExpr) {
		u->fx->bad = 1;
		return;
	}
	int arg = -1, nargs = clang_Cursor_getNumArguments(call);
	for (int i = 0; i < nargs && arg < 0; i++)
		if (clang_equalCursors(ast_strip(clang_Cursor_getArgument(call, (unsigned)i)), amp))
			arg = i;
	if (ast_system_callee(call, addr_calls, sizeof(addr_calls) / sizeof(addr_calls[0])) && arg >= 0)
		fixit_insert(u->ctx, u->fx, clang_getRangeStart(clang_getCursorExtent(amp)), "&",
			     "(struct sockaddr *)");
	else if (!(ast_system_callee(call, fills, 1) ||
		   (ast_system_callee(call, copies, sizeof(copies) / sizeof(copies[0])) && arg == 0)))
		u->fx->bad = 1;
	(void)ref;
}

static enum CXChildVisitResult visit_uses(CXCursor c, CXCursor parent, CXClientData data)
{
	struct uses *u = data;

	(void)parent;
	if (u->fx->bad)
		return CXChildVisit_Break;
	if (clang_getCursorKind(c) == CXCursor_DeclRefExpr &&
	    clang_equalCursors(clang_getCursorReferenced(c), u->var)) {
		use(u, c);
		return CXChildVisit_Continue;
	}
	if (u->depth == USE_DEPTH) {
		u->fx->bad = 1;
		return CXChildVisit_Break;
	}
	u->stack[u->depth++] = c;
	clang_visitChildren(c, visit_uses, u);
	u->depth--;
	return CXChildVisit_Continue;
}

/* 1 when the tokens of var's declaration are [static|register|volatile]*
 * struct sockaddr NAME, then nothing (the next character is ';') or '='. */
static int plain_declaration(struct walk_ctx *ctx, CXCursor var, CXSourceLocation *type_at)
{
	CXTranslationUnit tu = walk_tu_of(ctx);
	CXSourceRange r = clang_getCursorExtent(var);
	CXString name = clang_getCursorSpelling(var);
	CXToken *toks = NULL;
	unsigned n = 0, k;
	int ok = 0;

	clang_tokenize(tu, r, &toks, &n);
	char sp[8][16] = { { 0 } };
	for (k = 0; k < n && k < 8; k++) {
		CXString t = clang_getTokenSpelling(tu, toks[k]);
		snprintf(sp[k], sizeof(sp[k]), "%s", clang_getCString(t));
		clang_disposeString(t);
		if (strcmp(sp[k], clang_getCString(name)) == 0)
			break;
	}
	if (k < n && k < 8 && k >= 2 && strcmp(sp[k - 1], "sockaddr") == 0 && strcmp(sp[k - 2], "struct") == 0) {
		ok = 1;
		for (unsigned i = 0; i + 2 < k; i++)
			ok &= strcmp(sp[i], "static") == 0 || strcmp(sp[i], "register") == 0 ||
				strcmp(sp[i], "volatile") == 0;
		if (k + 1 < n) {
			CXString t = clang_getTokenSpelling(tu, toks[k + 1]);
			ok &= strcmp(clang_getCString(t), "=") == 0;
			clang_disposeString(t);
		} else {
			/* `struct sockaddr a, b;`: the type is shared */
			CXFile file;
			unsigned off;
			size_t size;
			clang_getFileLocation(clang_getRangeEnd(r), &file, NULL, NULL, &off);
			const char *buf = file ? clang_getFileContents(tu, file, &size) : NULL;
			while (buf && off < size && (buf[off] == ' ' || buf[off] == '	'))
				off++;
			ok &= buf && off < size && buf[off] == ';';
		}
		*type_at = clang_getTokenLocation(tu, toks[k - 1]);
	}
	clang_disposeTokens(tu, toks, n);
	clang_disposeString(name);
	return ok;
}

/* The fix-it of the finding just reported at obj. */
static void offer_fix(struct walk_ctx *ctx, CXCursor obj)
{
	CXSourceLocation type_at;

	if (clang_getCursorKind(obj) != CXCursor_VarDecl ||
	    clang_getCanonicalType(clang_getCursorType(obj)).kind != CXType_Record)
		return;
	CXCursor fn = clang_getCursorSemanticParent(obj);
	if (clang_getCursorKind(fn) != CXCursor_FunctionDecl || !plain_declaration(ctx, obj, &type_at))
		return;
	struct fixit fx;
	struct uses *u = calloc(1, sizeof(*u));
	if (!u)
		return;
	fixit_init(&fx);
	fixit_replace(ctx, &fx, type_at, "sockaddr", "sockaddr_storage");
	u->ctx = ctx;
	u->var = obj;
	u->fx = &fx;
	clang_visitChildren(fn, visit_uses, u);
	free(u);
	if (!fx.bad)
		fixit_attach(ctx, &fx, "declare it as struct sockaddr_storage.");
}

static const char *const sinks[] = {
	"accept", "accept4", "getpeername", "getsockname", "memcpy", "memmove", "recvfrom"
};

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
	if (clang_Cursor_isNull(obj))
		return;
	walk_report(ctx, self, obj, "sockaddr",
		    "a struct sockaddr used as storage holds 16 bytes; an IPv6 address needs 28");
	if (walk_last_finding(ctx))
		offer_fix(ctx, obj);
}

static int is_comparison(struct walk_ctx *ctx, CXCursor binop)
{
	char oper[8];

	if (!walk_binary_operator(ctx, binop, oper, sizeof(oper)))
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
	case CXCursor_UnaryExpr: match_sizeof(ctx, self, cur); return;
	case CXCursor_CallExpr: {
		const char *fn = walk_system_callee(ctx, cur, sinks, sizeof(sinks) / sizeof(sinks[0]));
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
	default: return;
	}
}

V6SCAN_CHECK_PARTS(sockaddr_generic_storage,
		   "struct sockaddr is 16 bytes, the size of an IPv4 address; a struct sockaddr_in6 is 28, so "
		   "IPv6 addresses are truncated or rejected.",
		   "use struct sockaddr_storage and sizeof(struct sockaddr_storage), or ai_addrlen from "
		   "getaddrinfo()",
		   CXCursor_CallExpr, CXCursor_BinaryOperator, CXCursor_UnaryExpr);
