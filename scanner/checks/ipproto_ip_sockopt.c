/* v6-ipproto-ip-sockopt — setsockopt()/getsockopt() at level IPPROTO_IP
 * (or SOL_IP), both written as macros, of an option that has an IPv6
 * counterpart at IPPROTO_IPV6 (the table below), in a function that does
 * not handle IPv6 and a file that names no IPv6 identifier (IPPROTO_IPV6
 * included): the setting silently does not apply to an IPv6 socket.
 * Reported at the call (the option is a system macro's expansion). Options with no IPv6 meaning
 * (IP_HDRINCL, IP_OPTIONS) and options that Linux applies to IPv6 sockets
 * too (IP_BIND_ADDRESS_NO_PORT) are not listed; multicast membership is
 * v6-ipv4-multicast's. */
#include "checks.h"

#include <string.h>

#include "../ast.h"
#include "../walk.h"
#include "util_addrtext.h"

static const char *const calls[] = { "getsockopt", "setsockopt" };

static const struct {
	const char *v4, *v6;
} pairs[] = {
	{ "IP_FREEBIND", "IPV6_FREEBIND" },
	{ "IP_MTU", "IPV6_MTU" },
	{ "IP_MTU_DISCOVER", "IPV6_MTU_DISCOVER" },
	{ "IP_MULTICAST_IF", "IPV6_MULTICAST_IF (an interface index)" },
	{ "IP_MULTICAST_LOOP", "IPV6_MULTICAST_LOOP" },
	{ "IP_MULTICAST_TTL", "IPV6_MULTICAST_HOPS" },
	{ "IP_PKTINFO", "IPV6_RECVPKTINFO" },
	{ "IP_RECVDSTADDR", "IPV6_RECVPKTINFO" },
	{ "IP_RECVERR", "IPV6_RECVERR" },
	{ "IP_RECVIF", "IPV6_RECVPKTINFO" },
	{ "IP_RECVTOS", "IPV6_RECVTCLASS" },
	{ "IP_RECVTTL", "IPV6_RECVHOPLIMIT" },
	{ "IP_TOS", "IPV6_TCLASS" },
	{ "IP_TRANSPARENT", "IPV6_TRANSPARENT" },
	{ "IP_TTL", "IPV6_UNICAST_HOPS" },
};

void check_ipproto_ip_sockopt_match(struct walk_ctx *ctx, const struct v6scan_check *self, CXCursor cur)
{
	char level[64], opt[64];

	if (!walk_system_callee(ctx, cur, calls, 2) || clang_Cursor_getNumArguments(cur) < 3)
		return;
	const char *l = walk_macro_of(ctx, clang_Cursor_getArgument(cur, 1), level, sizeof(level));
	if (!l || (strcmp(l, "IPPROTO_IP") != 0 && strcmp(l, "SOL_IP") != 0))
		return;
	CXCursor optarg = clang_Cursor_getArgument(cur, 2);
	const char *o = walk_macro_of(ctx, optarg, opt, sizeof(opt));
	if (!o)
		return;
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		if (strcmp(o, pairs[i].v4) != 0)
			continue;
		if (walk_in_dual_stack(ctx, cur) || util_file_handles_v6(walk_tu_of(ctx), cur))
			return;
		walk_report(ctx, self, cur, pairs[i].v4,
			    "%s at IPPROTO_IP does not apply to IPv6 sockets; the counterpart is %s at IPPROTO_IPV6",
			    pairs[i].v4, pairs[i].v6);
		return;
	}
}

V6SCAN_CHECK_PARTS(ipproto_ip_sockopt,
		   "IPPROTO_IP options act on IPv4 sockets only: on an AF_INET6 socket the setting fails with "
		   "ENOPROTOOPT or silently covers only IPv4-mapped traffic, so TTLs, TOS marks and packet-info "
		   "records are missing for IPv6 peers.",
		   "set the IPPROTO_IPV6 counterpart on AF_INET6 sockets (IPV6_UNICAST_HOPS, IPV6_TCLASS, "
		   "IPV6_RECVPKTINFO, IPV6_MULTICAST_HOPS ...), choosing the level by the socket's family; a "
		   "dual-stack socket needs both",
		   CXCursor_CallExpr);
