/* v6-inaddr-constant — INADDR_ANY, INADDR_LOOPBACK, INADDR_BROADCAST and
 * INADDR_NONE: expansions of the system macros in project code (not in #if
 * tests), and used project macros whose definition names them (reported at
 * the #define). */
#include "checks.h"

#include <string.h>

#include "../walk.h"

static const char *const names[] = { "INADDR_ANY", "INADDR_BROADCAST", "INADDR_LOOPBACK", "INADDR_NONE" };

static const char *known(const char *s)
{
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i]) == 0)
			return names[i];
	return NULL;
}

static void match_definition(struct walk_ctx *ctx, const struct v6scan_check *self, CXCursor cur)
{
	CXTranslationUnit tu = walk_tu_of(ctx);
	CXToken *toks;
	unsigned n;

	clang_tokenize(tu, clang_getCursorExtent(cur), &toks, &n);
	for (unsigned i = 1; i < n; i++) {
		if (clang_getTokenKind(toks[i]) != CXToken_Identifier)
			continue;
		CXString s = clang_getTokenSpelling(tu, toks[i]);
		const char *name = known(clang_getCString(s));
		clang_disposeString(s);
		if (name)
			walk_report_loc(ctx, self, clang_getTokenLocation(tu, toks[i]), name,
					"%s is an IPv4-only address", name);
	}
	clang_disposeTokens(tu, toks, n);
}

void check_inaddr_constant_match(struct walk_ctx *ctx, const struct v6scan_check *self, CXCursor cur)
{
	if (clang_getCursorKind(cur) == CXCursor_MacroDefinition) {
		if (walk_macro_is_used(ctx, cur))
			match_definition(ctx, self, cur);
		return;
	}
	CXCursor def = clang_getCursorReferenced(cur);
	if (clang_Cursor_isNull(def) || !clang_Location_isInSystemHeader(clang_getCursorLocation(def)))
		return;
	CXString s = clang_getCursorSpelling(cur);
	const char *name = known(clang_getCString(s));
	clang_disposeString(s);
	if (!name || walk_in_dual_stack(ctx, cur))
		return;
	walk_report(ctx, self, cur, name, "%s is an IPv4-only address", name);
}

V6SCAN_CHECK_PARTS(inaddr_constant,
		   "These are 32-bit IPv4 addresses: a server bound to INADDR_ANY or a client aimed at "
		   "INADDR_LOOPBACK never sees IPv6.",
		   "use getaddrinfo(NULL, port, &hints, &res) with AI_PASSIVE and AF_UNSPEC for wildcards, "
		   "or in6addr_any / in6addr_loopback",
		   CXCursor_MacroExpansion, CXCursor_MacroDefinition);
