/* v6-mapped-unhandled (experimental) — a peer address tested as AF_INET in
 * a function that takes peers (accept, accept4, recvfrom, recvmsg,
 * getpeername), in the translation unit's main file, when that file turns
 * IPV6_V6ONLY off in one of its functions (setsockopt(..., IPPROTO_IPV6,
 * IPV6_V6ONLY, &v, ...) with v a variable initialised to 0, or a literal
 * 0) and never names IN6_IS_ADDR_V4MAPPED nor spells "::ffff:" (decided
 * once per translation unit: walk_memo): on such a socket IPv4 clients
 * arrive as AF_INET6 peers ::ffff:a.b.c.d, so the AF_INET branch never runs
 * for them and IPv4 rules, logs and ACLs miss them. Reported at the
 * comparison (`family == AF_INET`, `!=`). Not silenced by the dual-stack
 * rule: the code is dual-stack by construction. A note, low confidence. */
#include "checks.h"

#include <string.h>

#include "../ast.h"
#include "../walk.h"
#include "util_tree.h"

static const char *const takers[] = { "accept", "accept4", "recvfrom", "recvmsg", "getpeername" };
static const char *const setso[] = { "setsockopt" };

static enum CXChildVisitResult takes_visit(CXCursor c, CXCursor parent, CXClientData d)
{
	(void)parent;
	if (clang_getCursorKind(c) == CXCursor_CallExpr &&
	    ast_system_callee(c, takers, sizeof(takers) / sizeof(takers[0]))) {
		*(int *)d = 1;
		return CXChildVisit_Break;
	}
	return CXChildVisit_Recurse;
}

struct v6only {
	struct walk_ctx *ctx;
	CXFile file; /* only this file's top-level declarations are visited */
	int off;
};

static int evaluates_to_zero(CXCursor e)
{
	CXEvalResult ev = clang_Cursor_Evaluate(e);
	int zero = ev && clang_EvalResult_getKind(ev) == CXEval_Int && clang_EvalResult_getAsLongLong(ev) == 0;

	if (ev)
		clang_EvalResult_dispose(ev);
	return zero;
}

/* 1 when the value argument of a setsockopt() (`&v`, `&(int){0}`) is 0 */
static int value_is_zero(CXCursor arg)
{
	CXCursor a = ast_strip(arg);

	if (clang_getCursorKind(a) == CXCursor_UnaryOperator)
		a = ast_strip(ast_first_child(a));
	if (clang_getCursorKind(a) == CXCursor_IntegerLiteral)
		return evaluates_to_zero(a);
	CXCursor v = util_named_object(a);
	if (clang_getCursorKind(v) != CXCursor_VarDecl)
		return 0;
	CXCursor init = ast_last_child(v);
	return clang_isExpression(clang_getCursorKind(init)) && evaluates_to_zero(init);
}

static enum CXChildVisitResult v6only_visit(CXCursor c, CXCursor parent, CXClientData d)
{
	struct v6only *w = d;
	char m[32];

	if (clang_getCursorKind(parent) == CXCursor_TranslationUnit) {
		CXFile f;
		clang_getExpansionLocation(clang_getCursorLocation(c), &f, NULL, NULL, NULL);
		if (!f || !clang_File_isEqual(f, w->file) || clang_getCursorKind(c) != CXCursor_FunctionDecl)
			return CXChildVisit_Continue;
	}
	if (clang_getCursorKind(c) == CXCursor_CallExpr && ast_system_callee(c, setso, 1) &&
	    clang_Cursor_getNumArguments(c) == 5) {
		const char *opt = walk_macro_of(w->ctx, clang_Cursor_getArgument(c, 2), m, sizeof(m));
		if (opt && strcmp(opt, "IPV6_V6ONLY") == 0 && value_is_zero(clang_Cursor_getArgument(c, 3))) {
			w->off = 1;
			return CXChildVisit_Break;
		}
	}
	return CXChildVisit_Recurse;
}

static int is_family_member(CXCursor e)
{
	char m[16];

	return ast_system_member(e, m, sizeof(m)) && strstr(m, "family") != NULL;
}

/* The translation unit's answer, once: its main file turns IPV6_V6ONLY off
 * in one of its functions and never handles mapped addresses. */
static int main_file_v6only_off(struct walk_ctx *ctx, CXFile *main)
{
	CXTranslationUnit tu = walk_tu_of(ctx);
	CXString name = clang_getTranslationUnitSpelling(tu);
	size_t n = 0;

	*main = clang_getFile(tu, clang_getCString(name));
	clang_disposeString(name);
	const char *t = *main ? clang_getFileContents(tu, *main, &n) : NULL;
	if (!t || !util_names_in(t, n, "IPV6_V6ONLY") || util_names_in(t, n, "IN6_IS_ADDR_V4MAPPED") ||
	    memmem(t, n, "::ffff:", 7))
		return 0;
	struct v6only w = { .ctx = ctx, .file = *main };
	clang_visitChildren(clang_getTranslationUnitCursor(tu), v6only_visit, &w);
	return w.off;
}

void check_mapped_unhandled_match(struct walk_ctx *ctx, const struct v6scan_check *self, CXCursor cur)
{
	/* the unit's answer first (walk_memo): for nearly every unit it is
	 * no, and then no operator is looked at */
	int *memo = walk_memo(ctx, self);
	CXFile main = NULL;
	if (!memo)
		return;
	if (*memo < 0)
		*memo = main_file_v6only_off(ctx, &main);
	if (!*memo)
		return;
	CXCursor a = walk_first(ctx, cur), b = walk_last(ctx, cur);
	CXTranslationUnit tu = walk_tu_of(ctx);

	/* AF_INET on one side, a family member on the other */
	int fb = walk_family_of(ctx, b) == 4, fa = !fb && walk_family_of(ctx, a) == 4;
	if (!fa && !fb)
		return;
	if (!is_family_member(fb ? a : b) || !(walk_is_op(ctx, cur, "==") || walk_is_op(ctx, cur, "!=")))
		return;
	/* in the main file, the one that was read */
	CXFile here;
	CXString name = clang_getTranslationUnitSpelling(tu);
	main = clang_getFile(tu, clang_getCString(name));
	clang_disposeString(name);
	clang_getExpansionLocation(clang_getCursorLocation(cur), &here, NULL, NULL, NULL);
	if (!here || !main || !clang_File_isEqual(here, main))
		return;
	CXCursor fn = util_enclosing_function(cur);
	int takes = 0;
	if (clang_Cursor_isNull(fn))
		return;
	clang_visitChildren(fn, takes_visit, &takes);
	if (takes)
		walk_report(ctx, self, cur, "AF_INET",
			    "on a socket with IPV6_V6ONLY off, IPv4 peers arrive as ::ffff:a.b.c.d (AF_INET6): "
			    "this AF_INET test misses them");
}

V6SCAN_CHECK_PARTS(mapped_unhandled,
		   "With IPV6_V6ONLY off, one AF_INET6 socket also serves IPv4 clients, but their addresses arrive "
		   "as IPv4-mapped IPv6 addresses (::ffff:192.0.2.1, family AF_INET6). Code that recognises IPv4 "
		   "peers by AF_INET never sees them: IPv4 ACLs, rate limits and logs silently stop applying.",
		   "test IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr) and handle the last 4 bytes as the IPv4 address, "
		   "or print peers with getnameinfo(NI_NUMERICHOST) and compare addresses family-independently",
		   CXCursor_BinaryOperator);
