/* v6-inet-addr — calls of inet_addr, inet_aton, inet_network. */
#include "checks.h"

#include "../ast.h"
#include "../walk.h"

static const char *const names[] = { "inet_addr", "inet_aton", "inet_network" };

void check_inet_addr_match(struct walk_ctx *ctx, const struct v6scan_check *self, CXCursor cur)
{
	const char *fn = walk_system_callee(ctx, cur, names, sizeof(names) / sizeof(names[0]));

	if (fn)
		walk_report(ctx, self, cur, fn, "%s() parses IPv4 dotted-quad text only", fn);
}

V6SCAN_CHECK_PARTS(inet_addr,
		   "They turn dotted-quad text into a 32-bit value, so an IPv6 literal such as ::1 is rejected "
		   "(inet_addr even returns the valid address 255.255.255.255 as its error value).",
		   "use getaddrinfo() with AI_NUMERICHOST and AF_UNSPEC, or inet_pton() for each family",
		   CXCursor_CallExpr);
