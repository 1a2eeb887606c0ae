/* v6-listener-ipv4-only — a server that can never be reached over IPv6:
 * listen(fd) where fd, in the same function, holds the one socket() made
 * with the AF_INET/PF_INET macro, in a file that names no IPv6 identifier
 * (util_addrtext.h): no AF_INET6 listener exists beside it. Reported at
 * the listen() call.
 *
 * The catalog asks for "no AF_INET6 listener anywhere in the project"; the
 * engine walks one translation unit at a time and keeps no project-wide
 * facts, so the file is the scope: a two-file design whose IPv6 listener
 * lives in another file is reported (hence medium confidence). */
#include "checks.h"

#include <string.h>

#include "../walk.h"
#include "util_addrtext.h"
#include "util_listen.h"

void check_listener_ipv4_only_match(struct walk_ctx *ctx, const struct v6scan_check *self, CXCursor cur)
{
	struct util_listen l;
	CXCursor fn;

	if (!util_listener(ctx, cur, &l, &fn))
		return;
	if (strcmp(l.family, "AF_INET") != 0 && strcmp(l.family, "PF_INET") != 0)
		return;
	if (walk_in_dual_stack(ctx, cur) || util_file_handles_v6(walk_tu_of(ctx), cur))
		return;
	walk_report(ctx, self, cur, "listen", "this server listens on IPv4 only and has no IPv6 listener");
}

V6SCAN_CHECK_PARTS(listener_ipv4_only,
		   "Clients that reach the host over IPv6 (an IPv6-only network, a name with only AAAA records, "
		   "a client that prefers IPv6 and does not fall back) get no answer.",
		   "listen on every result of getaddrinfo(NULL, port, AI_PASSIVE, AF_UNSPEC), setting "
		   "IPV6_V6ONLY=1 on the AF_INET6 socket, or on one AF_INET6 socket with IPV6_V6ONLY=0 that "
		   "accepts both families (not on OpenBSD)",
		   CXCursor_CallExpr);
