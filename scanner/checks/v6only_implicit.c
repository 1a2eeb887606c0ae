/* v6-v6only-implicit — a wildcard IPv6 listener whose IPV6_V6ONLY is left
 * to the system: listen(fd) where fd, in the same function, holds the one
 * socket() made with the AF_INET6/PF_INET6 macro or with an addrinfo's
 * ai_family, the function binds a wildcard (it names in6addr_any,
 * IN6ADDR_ANY_INIT or AI_PASSIVE), and the file never names IPV6_V6ONLY.
 * Reported at the listen() call, as a note: the code is not IPv4-only, its
 * behaviour is system-dependent. A listener bound to a specific address
 * needs no IPV6_V6ONLY decision and stays silent. */
#include "checks.h"

#include <string.h>

#include "../walk.h"
#include "util_listen.h"
#include "util_tree.h"

void check_v6only_implicit_match(struct walk_ctx *ctx, const struct v6scan_check *self, CXCursor cur)
{
	struct util_listen l;
	CXCursor fn;
	CXTranslationUnit tu = walk_tu_of(ctx);

	if (!util_listener(ctx, cur, &l, &fn))
		return;
	if (strcmp(l.family, "AF_INET6") != 0 && strcmp(l.family, "PF_INET6") != 0 &&
	    strcmp(l.family, "ai_family") != 0)
		return;
	if (!util_text_names(tu, fn, "in6addr_any") && !util_text_names(tu, fn, "IN6ADDR_ANY_INIT") &&
	    !util_text_names(tu, fn, "AI_PASSIVE"))
		return;
	if (util_file_names(tu, cur, "IPV6_V6ONLY"))
		return;
	walk_report(ctx, self, cur, "listen",
		    "IPV6_V6ONLY is not set: whether this listener also takes IPv4 depends on the system");
}

V6SCAN_CHECK_PARTS(v6only_implicit,
		   "The default of IPV6_V6ONLY differs: Linux takes it from net.ipv6.bindv6only (usually 0), "
		   "Windows and some BSDs default to 1, OpenBSD always 1. A wildcard AF_INET6 listener may or "
		   "may not take IPv4 clients, and a second, AF_INET listener on the same port may fail with "
		   "EADDRINUSE.",
		   "set IPV6_V6ONLY explicitly before bind(): 1 beside a separate AF_INET listener, 0 for one "
		   "dual-stack socket (and expect IPv4-mapped ::ffff:a.b.c.d peers)",
		   CXCursor_CallExpr);
