/* v6-sockaddr-in-as-storage — a struct sockaddr_in given as the address
 * buffer of accept, accept4, recvfrom, getpeername or getsockname. */
#include "checks.h"

#include <string.h>

#include "../ast.h"
#include "../walk.h"

static const char *const names[] = { "accept", "accept4", "getpeername", "getsockname", "recvfrom" };

void check_sockaddr_in_as_storage_match(struct walk_ctx *ctx, const struct v6scan_check *self, CXCursor cur)
{
	const char *fn = walk_system_callee(ctx, cur, names, sizeof(names) / sizeof(names[0]));

	if (!fn)
		return;
	int idx = strcmp(fn, "recvfrom") == 0 ? 4 : 1;
	if (clang_Cursor_getNumArguments(cur) <= idx)
		return;
	CXCursor arg = ast_strip(clang_Cursor_getArgument(cur, idx));
	if (!ast_type_is(clang_getCursorType(arg), "struct sockaddr_in", 1))
		return;
	if (walk_in_dual_stack(ctx, cur))
		return;
	walk_report(ctx, self, cur, fn,
		    "%s() stores the peer address in a struct sockaddr_in, too small "
		    "for an IPv6 address",
		    fn);
}

V6SCAN_CHECK_PARTS(sockaddr_in_as_storage,
		   "A struct sockaddr_in holds 16 bytes; an IPv6 address needs 28, so the address is truncated "
		   "and its family is no longer AF_INET.",
		   "receive into a struct sockaddr_storage with socklen_t len = sizeof(ss), then dispatch on "
		   "ss.ss_family",
		   CXCursor_CallExpr);
