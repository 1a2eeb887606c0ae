/* v6-hints-family-inet — getaddrinfo() hints forced to IPv4: ai_family of a
 * struct addrinfo set to AF_INET or PF_INET, by assignment or initialiser
 * (designated, or the second positional value). A family chosen at run
 * time (a variable, a -4 option) is not matched; silent in dual-stack
 * scopes (a function that also sets AF_INET6 offers both).
 *
 * Fix-it: AF_INET (or PF_INET) written in the source becomes AF_UNSPEC,
 * only where that is safe: the hints are a variable or parameter of a
 * function whose text names no other AF_INET/PF_INET (a socket(AF_INET)
 * would then get IPv6 results) and nothing that reads a result as IPv4
 * (sockaddr_in, sin_addr, sin_port, in_addr, s_addr, h_addr, INADDR_*):
 * the results go to socket/connect/bind through ai_family, ai_addr and
 * ai_addrlen, which hold IPv6 as well. */
#include "checks.h"

#include <stdio.h>
#include <string.h>

#include "../ast.h"
#include "../fixit.h"
#include "../walk.h"

/* Names that show a function reading getaddrinfo's results as IPv4. */
static const char *const v4_readers[] = { "sockaddr_in", "sin_addr", "sin_port",    "sin_family", "in_addr",
					  "s_addr",      "h_addr",   "h_addr_list", "INADDR_ANY", "INADDR_LOOPBACK" };

/* The variable or parameter that `lhs` (hints.ai_family, hints->ai_family)
 * is a member of, through casts and parentheses; else null. */
static CXCursor hints_variable(CXCursor lhs)
{
	CXCursor c = ast_first_child(ast_strip(lhs));

	for (int i = 0; i < 4 && !clang_Cursor_isNull(c); i++) {
		c = ast_strip(c);
		if (clang_getCursorKind(c) == CXCursor_DeclRefExpr) {
			CXCursor d = clang_getCursorReferenced(c);
			enum CXCursorKind dk = clang_getCursorKind(d);
			return dk == CXCursor_VarDecl || dk == CXCursor_ParmDecl ? d : clang_getNullCursor();
		}
		c = ast_first_child(c);
	}
	return clang_getNullCursor();
}

/* 1 when the function around `var` (a local VarDecl or a ParmDecl) has
 * exactly one AF_INET/PF_INET token and none of v4_readers. */
static int fix_is_safe(struct walk_ctx *ctx, CXCursor var)
{
	CXCursor fn = clang_Cursor_isNull(var) ? var : clang_getCursorSemanticParent(var);
	CXToken *toks = NULL;
	unsigned n = 0, inet = 0, readers = 0;

	if (clang_Cursor_isNull(fn) || clang_getCursorKind(fn) != CXCursor_FunctionDecl)
		return 0;
	clang_tokenize(walk_tu_of(ctx), clang_getCursorExtent(fn), &toks, &n);
	for (unsigned i = 0; i < n; i++) {
		if (clang_getTokenKind(toks[i]) != CXToken_Identifier)
			continue;
		CXString sp = clang_getTokenSpelling(walk_tu_of(ctx), toks[i]);
		const char *t = clang_getCString(sp);
		inet += strcmp(t, "AF_INET") == 0 || strcmp(t, "PF_INET") == 0;
		for (size_t k = 0; k < sizeof(v4_readers) / sizeof(v4_readers[0]); k++)
			readers += strcmp(t, v4_readers[k]) == 0;
		clang_disposeString(sp);
	}
	clang_disposeTokens(walk_tu_of(ctx), toks, n);
	return inet == 1 && readers == 0;
}

/* Offers AF_INET -> AF_UNSPEC at the value (the finding just reported). */
static void offer_fix(struct walk_ctx *ctx, CXCursor value, CXCursor var)
{
	static const char *const spelled[] = { "AF_INET", "PF_INET" };
	CXSourceLocation at = clang_getRangeStart(clang_getCursorExtent(value));

	if (!fix_is_safe(ctx, var))
		return;
	for (size_t i = 0; i < 2; i++) {
		struct fixit fx;
		fixit_init(&fx);
		fixit_replace(ctx, &fx, at, spelled[i], "AF_UNSPEC");
		if (!fx.bad) {
			char desc[64];
			snprintf(desc, sizeof(desc), "replace %s with AF_UNSPEC.", spelled[i]);
			fixit_attach(ctx, &fx, desc);
			return;
		}
	}
}

struct init_scan {
	struct walk_ctx *ctx;
	const struct v6scan_check *self;
	CXCursor init;
};

static void on_init(const char *field, unsigned position, CXCursor value, void *data)
{
	struct init_scan *w = data;

	if (field ? strcmp(field, "ai_family") != 0 : position != 1)
		return;
	if (walk_family_of(w->ctx, value) != 4 || walk_in_dual_stack(w->ctx, w->init))
		return;
	walk_report_loc(w->ctx, w->self, clang_getRangeStart(clang_getCursorExtent(value)), "ai_family",
			"getaddrinfo() hints with ai_family AF_INET resolve IPv4 addresses only");
	CXCursor var = walk_parent(w->ctx);
	if (clang_getCursorKind(var) == CXCursor_VarDecl)
		offer_fix(w->ctx, value, var);
}

void check_hints_family_inet_match(struct walk_ctx *ctx, const struct v6scan_check *self, CXCursor cur)
{
	char m[32];

	if (clang_getCursorKind(cur) == CXCursor_InitListExpr) {
		if (!ast_type_is(clang_getCursorType(cur), "struct addrinfo", 0))
			return;
		struct init_scan w = { .ctx = ctx, .self = self, .init = cur };
		ast_init_fields(cur, on_init, &w);
		return;
	}
	if (!ast_system_member(walk_first(ctx, cur), m, sizeof(m)) || strcmp(m, "ai_family") != 0)
		return;
	if (walk_family_of(ctx, walk_last(ctx, cur)) != 4 || !walk_is_op(ctx, cur, "="))
		return;
	if (walk_in_dual_stack(ctx, cur))
		return;
	walk_report(ctx, self, cur, "ai_family",
		    "getaddrinfo() hints with ai_family AF_INET resolve IPv4 "
		    "addresses only");
	offer_fix(ctx, walk_last(ctx, cur), hints_variable(walk_first(ctx, cur)));
}

V6SCAN_CHECK_PARTS(hints_family_inet,
		   "With ai_family = AF_INET, getaddrinfo() returns A records only: a name with only an IPv6 "
		   "address fails, and a dual-stack peer is never reached over IPv6.",
		   "set hints.ai_family = AF_UNSPEC (with AI_ADDRCONFIG where appropriate) and try every result",
		   CXCursor_BinaryOperator, CXCursor_InitListExpr);
