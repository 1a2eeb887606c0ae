/* v6-rcmd-family — calls of libc's rcmd(), rresvport(), rexec() and
 * ruserok(): the BSD r-command API, IPv4-only (the _af variants take a
 * family). Reported at the call. */
#include "checks.h"

#include "../ast.h"
#include "../walk.h"

static const char *const names[] = { "rcmd", "rexec", "rresvport", "ruserok" };

void check_rcmd_family_match(struct walk_ctx *ctx, const struct v6scan_check *self, CXCursor cur)
{
	const char *fn = walk_system_callee(ctx, cur, names, sizeof(names) / sizeof(names[0]));

	if (fn)
		walk_report(ctx, self, cur, fn, "%s() works over IPv4 only; %s_af() takes the family", fn, fn);
}

V6SCAN_CHECK_PARTS(rcmd_family,
		   "rcmd(), rresvport(), rexec() and ruserok() create and check AF_INET sockets and IPv4 "
		   "addresses only.",
		   "use rcmd_af(), rresvport_af(), rexec_af() and ruserok_af() with AF_UNSPEC (glibc, the BSDs), "
		   "or replace the r-command protocol (ssh)",
		   CXCursor_CallExpr);
