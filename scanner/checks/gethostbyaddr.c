/* v6-gethostbyaddr — calls of libc's gethostbyaddr family, unless the family
 * argument is the AF_INET6/PF_INET6 macro (then the call is not IPv4-only).
 * A constant AF_INET family written on a line of its own (a call split
 * over lines) is reported there too: that line changes with the call. */
#include "checks.h"

#include <string.h>

#include "../ast.h"
#include "../walk.h"

static const char *const names[] = { "gethostbyaddr", "gethostbyaddr_r" };

void check_gethostbyaddr_match(struct walk_ctx *ctx, const struct v6scan_check *self, CXCursor cur)
{
	const char *fn = walk_system_callee(ctx, cur, names, sizeof(names) / sizeof(names[0]));
	char macro[64];

	if (!fn)
		return;
	const char *m = NULL;
	if (clang_Cursor_getNumArguments(cur) >= 3) {
		m = walk_macro_of(ctx, clang_Cursor_getArgument(cur, 2), macro, sizeof(macro));
		if (m && (strcmp(m, "AF_INET6") == 0 || strcmp(m, "PF_INET6") == 0))
			return;
	}
	walk_report(ctx, self, cur, fn, "%s() is a reverse lookup tied to IPv4 addresses", fn);
	if (!m || (strcmp(m, "AF_INET") != 0 && strcmp(m, "PF_INET") != 0))
		return;
	CXCursor fam = clang_Cursor_getArgument(cur, 2);
	unsigned l1, l2;
	clang_getExpansionLocation(clang_getCursorLocation(cur), NULL, &l1, NULL, NULL);
	clang_getExpansionLocation(clang_getCursorLocation(fam), NULL, &l2, NULL, NULL);
	/* at the macro's expansion: a node of a system macro's body is not
	 * placed by walk_report */
	if (l2 != l1 && !walk_written_by_macro(ctx, cur))
		walk_report_loc(ctx, self, clang_getCursorLocation(fam), m, "%s() is asked for an %s address", fn, m);
}

V6SCAN_CHECK_PARTS(gethostbyaddr,
		   "It takes a raw address plus a family and returns a hostent; code written around it passes "
		   "struct in_addr and AF_INET, so IPv6 peers get no name.",
		   "use getnameinfo() on the peer's sockaddr (add NI_NAMEREQD if a name is required)",
		   CXCursor_CallExpr);
