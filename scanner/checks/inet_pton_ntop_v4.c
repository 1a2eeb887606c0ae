/* v6-inet-pton-ntop-v4 — inet_pton() or inet_ntop() from the C library with
 * the family written as the AF_INET/PF_INET macro, in a function with no
 * IPv6 counterpart (the dual-stack rule: a function that also converts
 * AF_INET6, or names any IPv6 type, is silent). A family taken from the
 * address (sa->sa_family) is not matched. */
#include "checks.h"

#include "../ast.h"
#include "../walk.h"

static const char *const names[] = { "inet_ntop", "inet_pton" };

void check_inet_pton_ntop_v4_match(struct walk_ctx *ctx, const struct v6scan_check *self, CXCursor cur)
{
	const char *fn = walk_system_callee(ctx, cur, names, 2);

	if (!fn || clang_Cursor_getNumArguments(cur) < 1)
		return;
	if (walk_family_of(ctx, clang_Cursor_getArgument(cur, 0)) != 4 || walk_in_dual_stack(ctx, cur))
		return;
	walk_report(ctx, self, cur, fn, "%s(AF_INET, ...) converts IPv4 addresses only", fn);
}

V6SCAN_CHECK_PARTS(inet_pton_ntop_v4,
		   "inet_pton() and inet_ntop() handle both families, but called with a constant AF_INET they parse "
		   "or print IPv4 only: IPv6 text is rejected, IPv6 addresses are never shown.",
		   "pass the address's own family (sa->sa_family) with a buffer of INET6_ADDRSTRLEN, or use "
		   "getnameinfo()/getaddrinfo() with NI_NUMERICHOST/AI_NUMERICHOST",
		   CXCursor_CallExpr);
