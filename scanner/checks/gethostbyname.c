/* v6-gethostbyname — calls of libc's gethostbyname family. */
#include "checks.h"

#include "../ast.h"
#include "../walk.h"

static const char *const names[] = { "gethostbyname", "gethostbyname_r" };

void check_gethostbyname_match(struct walk_ctx *ctx, const struct v6scan_check *self, CXCursor cur)
{
	const char *fn = walk_system_callee(ctx, cur, names, sizeof(names) / sizeof(names[0]));

	if (fn)
		walk_report(ctx, self, cur, fn, "%s() returns IPv4 addresses only", fn);
}

V6SCAN_CHECK_PARTS(gethostbyname,
		   "The hostent API returns A records only and POSIX removed it in 2008: a name that has only an "
		   "IPv6 address cannot be reached, and no fallback between addresses is possible.",
		   "use getaddrinfo() with ai_family = AF_UNSPEC and try every result in order", CXCursor_CallExpr);
