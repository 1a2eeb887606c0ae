/* v6-socket-af-inet — socket(AF_INET or PF_INET, ...) with the family written
 * as the macro; silent in dual-stack scopes (a two-socket server). */
#include "checks.h"

#include <string.h>

#include "../ast.h"
#include "../walk.h"

static const char *const names[] = { "socket" };

void check_socket_af_inet_match(struct walk_ctx *ctx, const struct v6scan_check *self, CXCursor cur)
{
	char macro[64];

	if (!walk_system_callee(ctx, cur, names, 1) || clang_Cursor_getNumArguments(cur) < 1)
		return;
	const char *m = walk_macro_of(ctx, clang_Cursor_getArgument(cur, 0), macro, sizeof(macro));
	if (!m || (strcmp(m, "AF_INET") != 0 && strcmp(m, "PF_INET") != 0))
		return;
	if (walk_in_dual_stack(ctx, cur))
		return;
	walk_report(ctx, self, cur, "socket", "socket(%s, ...) can only ever carry IPv4", m);
}

V6SCAN_CHECK_PARTS(socket_af_inet,
		   "The family is fixed before the peer is known, so the socket can never reach or accept an "
		   "IPv6 peer.",
		   "resolve first with getaddrinfo() and create each socket from ai_family, ai_socktype and "
		   "ai_protocol of the result",
		   CXCursor_CallExpr);
