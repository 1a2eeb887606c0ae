/* v6-ipv4-multicast — IPv4 multicast group management: expansions of the
 * system macros IP_ADD_MEMBERSHIP, IP_DROP_MEMBERSHIP, the source-specific
 * IP_*_SOURCE_MEMBERSHIP and IP_(UN)BLOCK_SOURCE, IN_MULTICAST and the
 * INADDR_*_GROUP constants; variables and members of type struct ip_mreq,
 * ip_mreqn or ip_mreq_source (not pointers); a used project #define naming
 * one of the macros (at the #define). Silent in a function or record that
 * handles IPv6 and in a file that names IPv6 (util_addrtext.h): there the
 * IPv4 group is joined beside its IPv6 twin. */
#include "checks.h"

#include "../ast.h"
#include "../walk.h"
#include "util_addrtext.h"
#include "util_macro.h"

static const char *const macros[] = {
	"IP_ADD_MEMBERSHIP",         "IP_ADD_SOURCE_MEMBERSHIP", "IP_BLOCK_SOURCE",       "IP_DROP_MEMBERSHIP",
	"IP_DROP_SOURCE_MEMBERSHIP", "IP_UNBLOCK_SOURCE",        "INADDR_ALLHOSTS_GROUP", "INADDR_ALLRTRS_GROUP",
	"INADDR_MAX_LOCAL_GROUP",    "INADDR_UNSPEC_GROUP",      "IN_MULTICAST"
};
static const char *const types[] = { "struct ip_mreq", "struct ip_mreqn", "struct ip_mreq_source" };

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* A listed name in a used project #define; the file test only now, on a
 * hit (it reads the whole file: per definition it would cost more than the
 * parse). */
static void report_def(struct walk_ctx *ctx, const struct v6scan_check *self, CXSourceLocation loc, const char *name)
{
	if (util_loc_handles_v6(walk_tu_of(ctx), loc))
		return;
	walk_report_loc(ctx, self, loc, name, "%s manages IPv4 multicast groups only", name);
}

void check_ipv4_multicast_match(struct walk_ctx *ctx, const struct v6scan_check *self, CXCursor cur)
{
	char name[64];
	enum CXCursorKind k = clang_getCursorKind(cur);

	if (k == CXCursor_MacroDefinition) {
		util_project_macro_names(ctx, self, cur, macros, N(macros), report_def);
		return;
	}
	if (k == CXCursor_MacroExpansion) {
		if (util_system_macro(cur, macros, N(macros), name, sizeof(name)) && !walk_in_dual_stack(ctx, cur) &&
		    !util_file_handles_v6(walk_tu_of(ctx), cur))
			walk_report(ctx, self, cur, name, "%s manages IPv4 multicast groups only", name);
		return;
	}
	/* VarDecl, FieldDecl */
	CXType t = clang_getCursorType(cur);
	if (clang_getCanonicalType(t).kind == CXType_Pointer)
		return;
	for (size_t i = 0; i < N(types); i++)
		if (ast_type_is(t, types[i], 0)) {
			if (walk_in_dual_stack(ctx, cur) || util_file_handles_v6(walk_tu_of(ctx), cur))
				return;
			walk_report(ctx, self, cur, types[i] + 7, "%s holds an IPv4 multicast group only", types[i]);
			return;
		}
}

V6SCAN_CHECK_PARTS(ipv4_multicast,
		   "IP_ADD_MEMBERSHIP and struct ip_mreq take a 32-bit group address: the program can only join "
		   "IPv4 groups (224.0.0.0/4), and IN_MULTICAST tests only IPv4 addresses.",
		   "use the protocol-independent MCAST_JOIN_GROUP / MCAST_LEAVE_GROUP with struct group_req "
		   "(RFC 3678), or IPV6_JOIN_GROUP with struct ipv6_mreq beside the IPv4 join; test with "
		   "IN6_IS_ADDR_MULTICAST",
		   CXCursor_MacroExpansion, CXCursor_MacroDefinition, CXCursor_VarDecl, CXCursor_FieldDecl);
