/* v6-host-port-split — "host:port" text split at the first or last ':'
 * (strchr, strrchr, memchr, strsep, strtok, strtok_r, strpbrk with ':' or
 * ":") in a function that also resolves or parses an address (light flow:
 * the function names gethostbyname*, getaddrinfo, inet_addr, inet_aton or
 * inet_pton) and never looks for '[' (no "[v6]:port" handling). Silent in
 * dual-stack scopes. */
#include "checks.h"

#include <string.h>

#include "../ast.h"
#include "../walk.h"

static const char *const splitters[] = { "memchr", "strchr", "strpbrk", "strrchr", "strsep", "strtok", "strtok_r" };

/* 1 when expr is the character ':' or the string ":" */
static int is_colon(CXCursor expr)
{
	expr = ast_strip(expr);
	enum CXCursorKind k = clang_getCursorKind(expr);
	if (k == CXCursor_StringLiteral) {
		CXString sp = clang_getCursorSpelling(expr);
		int yes = strcmp(clang_getCString(sp), "\":\"") == 0;
		clang_disposeString(sp);
		return yes;
	}
	if (k != CXCursor_CharacterLiteral && k != CXCursor_IntegerLiteral)
		return 0;
	CXEvalResult ev = clang_Cursor_Evaluate(expr);
	int yes = 0;
	if (ev && clang_EvalResult_getKind(ev) == CXEval_Int)
		yes = clang_EvalResult_getAsLongLong(ev) == ':';
	if (ev)
		clang_EvalResult_dispose(ev);
	return yes;
}

void check_host_port_split_match(struct walk_ctx *ctx, const struct v6scan_check *self, CXCursor cur)
{
	const char *fn = ast_system_callee(cur, splitters, sizeof(splitters) / sizeof(splitters[0]));

	if (!fn || clang_Cursor_getNumArguments(cur) < 2 || !is_colon(clang_Cursor_getArgument(cur, 1)))
		return;
	unsigned names = walk_scope_names(ctx, cur);
	if (!(names & WALK_NAMES_RESOLVER) || (names & (WALK_NAMES_BRACKET | WALK_NAMES_V6)))
		return;
	walk_report(ctx, self, cur, fn, "%s(..., ':') splits host:port text, but an IPv6 address contains ':'", fn);
}

V6SCAN_CHECK_PARTS(host_port_split,
	"An IPv6 address is written with colons (2001:db8::1), so splitting \"host:port\" at a ':' cuts "
	"the address apart; RFC 3986 writes it \"[2001:db8::1]:80\".",
	"accept \"[address]:port\" (split after the ']'), split at the last ':' only when there is exactly "
	"one, or take host and port as separate settings",
	CXCursor_CallExpr);
