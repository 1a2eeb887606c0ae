/* v6-broadcast — IPv4 broadcast: expansions of the system macros
 * SO_BROADCAST and IP_ONESBCAST (setsockopt/getsockopt of the option), and
 * used project #defines naming them (at the #define). INADDR_BROADCAST is
 * v6-inaddr-constant's and "255.255.255.255" v6-ipv4-literal's. Silent in
 * a function that handles IPv6 and in a file that names IPv6
 * (util_addrtext.h): a discovery protocol that broadcasts on IPv4 and
 * multicasts on IPv6 is dual-stack. */
#include "checks.h"

#include "../walk.h"
#include "util_addrtext.h"
#include "util_macro.h"

static const char *const macros[] = { "IP_ONESBCAST", "SO_BROADCAST" };

/* A listed name in a used project #define; the file test only now, on a
 * hit (it reads the whole file: per definition it would cost more than the
 * parse). */
static void report_def(struct walk_ctx *ctx, const struct v6scan_check *self, CXSourceLocation loc, const char *name)
{
	if (util_loc_handles_v6(walk_tu_of(ctx), loc))
		return;
	walk_report_loc(ctx, self, loc, name, "%s enables IPv4 broadcast; IPv6 has no broadcast", name);
}

void check_broadcast_match(struct walk_ctx *ctx, const struct v6scan_check *self, CXCursor cur)
{
	char name[64];

	if (clang_getCursorKind(cur) == CXCursor_MacroDefinition) {
		util_project_macro_names(ctx, self, cur, macros, 2, report_def);
		return;
	}
	if (util_system_macro(cur, macros, 2, name, sizeof(name)) && !walk_in_dual_stack(ctx, cur) &&
	    !util_file_handles_v6(walk_tu_of(ctx), cur))
		walk_report(ctx, self, cur, name, "%s enables IPv4 broadcast; IPv6 has no broadcast", name);
}

V6SCAN_CHECK_PARTS(broadcast,
		   "IPv6 has no broadcast: a protocol that finds its peers by sending to 255.255.255.255 or a "
		   "subnet's broadcast address never reaches an IPv6-only host.",
		   "send to a multicast group instead (ff02::1 for all nodes on the link, or a group of the "
		   "application's own), joined with MCAST_JOIN_GROUP or IPV6_JOIN_GROUP",
		   CXCursor_MacroExpansion, CXCursor_MacroDefinition);
