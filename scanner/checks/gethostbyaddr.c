/* v6-gethostbyaddr — calls of libc's gethostbyaddr family, unless the family
 * argument is the AF_INET6/PF_INET6 macro (then the call is not IPv4-only). */
#include "checks.h"

#include <string.h>

#include "../ast.h"
#include "../walk.h"

static const char *const names[] = { "gethostbyaddr", "gethostbyaddr_r" };

void check_gethostbyaddr_match(struct walk_ctx *ctx, const struct v6scan_check *self, CXCursor cur)
{
	const char *fn = ast_system_callee(cur, names, sizeof(names) / sizeof(names[0]));
	char macro[64];

	if (!fn)
		return;
	if (clang_Cursor_getNumArguments(cur) >= 3) {
		const char *m = walk_macro_of(ctx, clang_Cursor_getArgument(cur, 2), macro, sizeof(macro));
		if (m && (strcmp(m, "AF_INET6") == 0 || strcmp(m, "PF_INET6") == 0))
			return;
	}
	walk_report(ctx, self, cur, fn, "%s() is a reverse lookup tied to IPv4 addresses", fn);
}

V6SCAN_CHECK_PARTS(gethostbyaddr,
	"It takes a raw address plus a family and returns a hostent; code written around it passes "
	"struct in_addr and AF_INET, so IPv6 peers get no name.",
	"use getnameinfo() on the peer's sockaddr (add NI_NAMEREQD if a name is required)",
	CXCursor_CallExpr);
