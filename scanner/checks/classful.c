/* v6-classful — classful IPv4 addressing: expansions of the system macros
 * IN_CLASS* (IN_CLASSA ... IN_CLASSE and their _NET, _NSHIFT, _HOST, _MAX),
 * IN_EXPERIMENTAL, IN_BADCLASS and IN_LOOPBACKNET, used project #defines
 * naming them (at the #define), and calls of libc's inet_makeaddr,
 * inet_lnaof, inet_netof, inet_neta, inet_net_ntop and inet_net_pton
 * (these two unless the family argument is the AF_INET6 macro). Silent in a
 * function that handles IPv6. */
#include "checks.h"

#include <string.h>

#include "../ast.h"
#include "../walk.h"
#include "util_macro.h"

static const char *const macros[] = { "IN_BADCLASS", "IN_CLASS*", "IN_EXPERIMENTAL", "IN_LOOPBACKNET" };
static const char *const calls[] = { "inet_lnaof",    "inet_makeaddr", "inet_net_ntop",
				     "inet_net_pton", "inet_neta",     "inet_netof" };

static void report_def(struct walk_ctx *ctx, const struct v6scan_check *self, CXSourceLocation loc, const char *name)
{
	walk_report_loc(ctx, self, loc, name, "%s is classful IPv4 addressing", name);
}

void check_classful_match(struct walk_ctx *ctx, const struct v6scan_check *self, CXCursor cur)
{
	char name[64];
	enum CXCursorKind k = clang_getCursorKind(cur);

	if (k == CXCursor_MacroDefinition) {
		util_project_macro_names(ctx, self, cur, macros, 4, report_def);
		return;
	}
	if (k == CXCursor_MacroExpansion) {
		if (util_system_macro(cur, macros, 4, name, sizeof(name)) && !walk_in_dual_stack(ctx, cur))
			walk_report(ctx, self, cur, name, "%s is classful IPv4 addressing", name);
		return;
	}
	const char *fn = walk_system_callee(ctx, cur, calls, sizeof(calls) / sizeof(calls[0]));
	if (!fn)
		return;
	if (strncmp(fn, "inet_net_", 9) == 0 && clang_Cursor_getNumArguments(cur) > 0) {
		const char *m = walk_macro_of(ctx, clang_Cursor_getArgument(cur, 0), name, sizeof(name));
		if (m && (strcmp(m, "AF_INET6") == 0 || strcmp(m, "PF_INET6") == 0))
			return;
	}
	if (!walk_in_dual_stack(ctx, cur))
		walk_report(ctx, self, cur, fn, "%s() is classful IPv4 addressing", fn);
}

V6SCAN_CHECK_PARTS(classful,
		   "Address classes (A, B, C, D, E) are an IPv4 idea retired in 1993 (CIDR, RFC 1519); IPv6 "
		   "has no classes, so network/host splits and class tests cannot carry over.",
		   "work with explicit prefix lengths on the address bytes (for IPv6, a prefix compare on "
		   "struct in6_addr), and IN6_IS_ADDR_MULTICAST / IN6_IS_ADDR_LOOPBACK for the special ranges",
		   CXCursor_MacroExpansion, CXCursor_MacroDefinition, CXCursor_CallExpr);
