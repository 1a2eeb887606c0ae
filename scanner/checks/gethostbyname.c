/* v6-gethostbyname — calls of libc's gethostbyname family. */
#include "checks.h"

#include "../ast.h"
#include "../walk.h"

static const char *const names[] = { "gethostbyname", "gethostbyname_r" };

static void match(struct walk_ctx *ctx, const struct v6scan_check *self, CXCursor cur)
{
	const char *fn = ast_system_callee(cur, names, sizeof(names) / sizeof(names[0]));

	if (fn)
		walk_report(ctx, self, cur, fn, "%s() returns IPv4 addresses only", fn);
}

const struct v6scan_check check_gethostbyname = {
	.id = "v6-gethostbyname",
	.level = V6SCAN_ERROR,
	.summary = "Call of gethostbyname() or gethostbyname_r(), which resolve names to IPv4 addresses only.",
	.why = "The hostent API returns A records only and POSIX removed it in 2008: a name that has only an "
	       "IPv6 address cannot be reached, and no fallback between addresses is possible.",
	.fix = "use getaddrinfo() with ai_family = AF_UNSPEC and try every result in order",
	.kinds = { CXCursor_CallExpr },
	.match = match,
};
