/* v6-ipv4-literal — a string literal that is, as a whole, an IPv4 address,
 * endpoint or URL ("127.0.0.1", "0.0.0.0:80", "http://10.1.2.3/x", see
 * util_is_ipv4_endpoint) used as data: a default host, an argument, a value
 * compared with a peer's text. Reported at the literal, or at the #define of
 * the project macro that spells it.
 *
 * Left alone: text that only contains a quad (messages, help text, printf
 * formats), OIDs with four arcs, five-part versions, RFC 5737
 * documentation addresses (example data); the operand of sizeof
 * (a buffer sized by the longest IPv4 text is v6-addr-string-buffer-small's
 * business); arguments of printf-like calls (the text is printed, not
 * used); version strings (the variable, the callee or another argument of
 * the call is named like "version"); and dual-stack code: a function that
 * handles IPv6, or a file that names IPv6 or spells an IPv6 literal
 * (util_addrtext.h), where "127.0.0.1" is the twin of "::1". */
#include "checks.h"

#include <string.h>

#include "../ast.h"
#include "../walk.h"
#include "util_addrtext.h"
#include "util_tree.h"

static const char *const printers[] = { "syslog", "vsyslog", "err",    "errx", "warn",  "warnx", "verr",
					"verrx",  "vwarn",   "vwarnx", "puts", "fputs", "perror" };

static int is_printer(const char *name)
{
	size_t n = strlen(name);

	if (n >= 6 && strcmp(name + n - 6, "printf") == 0)
		return 1;
	for (size_t i = 0; i < sizeof(printers) / sizeof(printers[0]); i++)
		if (strcmp(name, printers[i]) == 0)
			return 1;
	return 0;
}

/* 1 when expression e names something called like a version: a variable,
 * a member, or a call of such a function. */
static int names_version(CXCursor e)
{
	e = ast_strip(e);
	enum CXCursorKind k = clang_getCursorKind(e);
	if (k != CXCursor_CallExpr && k != CXCursor_DeclRefExpr && k != CXCursor_MemberRefExpr)
		return 0;
	CXCursor ref = clang_getCursorReferenced(e);
	return !clang_Cursor_isNull(ref) && util_name_has(ref, "version");
}

/* 1 when the literal's context says it is printed, sized or a version
 * rather than used as an address. */
static int context_excludes(CXCursor lit)
{
	CXCursor anc[UTIL_MAX_DEPTH];
	int n = util_ancestors(util_enclosing_decl(lit), lit, anc, UTIL_MAX_DEPTH);
	char name[128];

	for (int i = n - 1; i >= 0; i--) {
		CXCursor a = anc[i];
		enum CXCursorKind k = clang_getCursorKind(a);
		if (util_is_wrapper(a) || k == CXCursor_ConditionalOperator || k == CXCursor_InitListExpr)
			continue;
		switch (k) {
		case CXCursor_UnaryExpr: return 1; /* sizeof, alignof */
		case CXCursor_CallExpr: {
			if (util_callee_name(a, name, sizeof(name)) &&
			    (is_printer(name) || util_contains_nocase(name, "version")))
				return 1;
			int nargs = clang_Cursor_getNumArguments(a);
			for (int j = 0; j < nargs; j++)
				if (names_version(clang_Cursor_getArgument(a, (unsigned)j)))
					return 1;
			return 0;
		}
		case CXCursor_VarDecl:
		case CXCursor_FieldDecl: return util_name_has(a, "version");
		case CXCursor_BinaryOperator: return names_version(ast_first_child(a));
		default: return 0;
		}
	}
	return 0;
}

void check_ipv4_literal_match(struct walk_ctx *ctx, const struct v6scan_check *self, CXCursor cur)
{
	char text[128];
	size_t at;
	enum CXCursorKind pk = clang_getCursorKind(walk_parent(ctx));

	/* a literal used as a value decays to a pointer (an implicit
	 * conversion) or initialises an array; sizeof("...") sees it bare */
	if (pk == CXCursor_UnaryExpr || pk == CXCursor_ParenExpr)
		return;
	if (!util_string_of(cur, text, sizeof(text)) || !util_is_ipv4_endpoint(text, &at))
		return;
	if (walk_in_dual_stack(ctx, cur) || util_file_handles_v6(walk_tu_of(ctx), cur) || context_excludes(cur))
		return;
	walk_report(ctx, self, cur, text, "\"%s\" is an IPv4 address written into the program", text);
}

V6SCAN_CHECK_PARTS(ipv4_literal,
		   "A hard-coded IPv4 address (a default server, the loopback 127.0.0.1, the wildcard 0.0.0.0, "
		   "a URL with a dotted quad) pins the program to IPv4 even where every API call is "
		   "family-independent.",
		   "use a name (\"localhost\") or NULL with AI_PASSIVE and let getaddrinfo() return both "
		   "families; where a numeric default is needed, list \"::1\" or \"::\" beside the IPv4 one",
		   CXCursor_StringLiteral);
