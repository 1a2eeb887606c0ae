/* v6-getipnode — calls of libc's gethostbyname2(), gethostbyname2_r(),
 * getipnodebyname() and getipnodebyaddr(): family-specific hostent
 * resolvers, whatever family they are asked for (one family per call, no
 * ordering, no scope). Reported at the call, in dual-stack code too: the
 * replacement is the same there. */
#include "checks.h"

#include "../ast.h"
#include "../walk.h"

static const char *const names[] = { "gethostbyname2", "gethostbyname2_r", "getipnodebyaddr", "getipnodebyname" };

void check_getipnode_match(struct walk_ctx *ctx, const struct v6scan_check *self, CXCursor cur)
{
	const char *fn = walk_system_callee(ctx, cur, names, sizeof(names) / sizeof(names[0]));

	if (fn)
		walk_report(ctx, self, cur, fn, "%s() resolves one address family per call into a hostent", fn);
}

V6SCAN_CHECK_PARTS(getipnode,
		   "gethostbyname2() is a non-standard hostent resolver that asks for one family at a time, and "
		   "getipnodebyname()/getipnodebyaddr() (RFC 2553) were removed by RFC 3493: code around them "
		   "either misses one family or merges two lists without RFC 6724 ordering.",
		   "use getaddrinfo() with AF_UNSPEC (one call, both families, sorted) and getnameinfo() for "
		   "reverse lookups",
		   CXCursor_CallExpr);
