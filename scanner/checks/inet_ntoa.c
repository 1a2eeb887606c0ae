/* v6-inet-ntoa — calls of inet_ntoa. */
#include "checks.h"

#include "../ast.h"
#include "../walk.h"

static const char *const names[] = { "inet_ntoa" };

void check_inet_ntoa_match(struct walk_ctx *ctx, const struct v6scan_check *self, CXCursor cur)
{
	const char *fn = walk_system_callee(ctx, cur, names, 1);

	if (fn)
		walk_report(ctx, self, cur, fn, "inet_ntoa() formats IPv4 addresses only");
}

V6SCAN_CHECK_PARTS(inet_ntoa,
		   "It takes an IPv4 address and returns a static buffer, so the code around it can only show "
		   "IPv4 peers and is not thread-safe.",
		   "use getnameinfo(sa, salen, host, sizeof host, NULL, 0, NI_NUMERICHOST) or "
		   "inet_ntop(sa->sa_family, ...)",
		   CXCursor_CallExpr);
