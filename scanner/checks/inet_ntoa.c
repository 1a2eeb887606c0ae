/* v6-inet-ntoa — calls of inet_ntoa. */
#include "checks.h"

#include "../ast.h"
#include "../walk.h"

static const char *const names[] = { "inet_ntoa" };

static void match(struct walk_ctx *ctx, const struct v6scan_check *self, CXCursor cur)
{
	const char *fn = ast_system_callee(cur, names, 1);

	if (fn)
		walk_report(ctx, self, cur, fn, "inet_ntoa() formats IPv4 addresses only");
}

const struct v6scan_check check_inet_ntoa = {
	.id = "v6-inet-ntoa",
	.level = V6SCAN_ERROR,
	.summary = "Call of inet_ntoa(), which formats only a struct in_addr.",
	.why = "It takes an IPv4 address and returns a static buffer, so the code around it can only show "
	       "IPv4 peers and is not thread-safe.",
	.fix = "use getnameinfo(sa, salen, host, sizeof host, NULL, 0, NI_NUMERICHOST) or "
	       "inet_ntop(sa->sa_family, ...)",
	.kinds = { CXCursor_CallExpr },
	.match = match,
};
