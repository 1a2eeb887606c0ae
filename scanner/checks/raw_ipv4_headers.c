/* v6-raw-ipv4-headers — raw IPv4 and ICMPv4 packet code: a spelling of
 * glibc's struct ip, struct iphdr, struct icmp or struct icmphdr (a
 * declaration, a cast, a sizeof: each TypeRef), and expansions of the system
 * macros IP_HDRINCL, ICMP_ECHO, ICMP_ECHOREPLY and IPPROTO_ICMP; a used
 * project #define naming one of those macros, at the #define. A project
 * struct of the same name is not matched. Silent in dual-stack scopes and
 * in a file that also builds ICMPv6 or IPv6 packets (it names icmp6_hdr,
 * ip6_hdr, IPPROTO_ICMPV6 or ICMP6_ECHO_REQUEST: a ping or traceroute with
 * both halves) or otherwise handles IPv6 (util_addrtext.h's file test, as
 * v6-ipv4-multicast: a table of IPv4 options beside their IPv6 twins). A note: such code is often IPv4 on purpose. */
#include "checks.h"

#include <string.h>

#include "../ast.h"
#include "../walk.h"
#include "util_addrtext.h"
#include "util_macro.h"
#include "util_tree.h"

static const char *const macros[] = { "IP_HDRINCL", "ICMP_ECHO", "ICMP_ECHOREPLY", "IPPROTO_ICMP" };
static const char *const records[] = { "ip", "iphdr", "icmp", "icmphdr" };
static const char *const v6_twins[] = { "icmp6_hdr", "ip6_hdr", "IPPROTO_ICMPV6", "ICMP6_ECHO_REQUEST" };

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* 1 when the file at loc names one of the ICMPv6/IPv6 packet names. */
static int file_has_v6_twin(CXTranslationUnit tu, CXSourceLocation loc)
{
	CXFile file;
	size_t n = 0;

	clang_getExpansionLocation(loc, &file, NULL, NULL, NULL);
	const char *t = file ? clang_getFileContents(tu, file, &n) : NULL;
	for (size_t i = 0; t && i < N(v6_twins); i++)
		if (util_names_in(t, n, v6_twins[i]))
			return 1;
	return t && util_text_handles_v6(t, n);
}

static void report_def(struct walk_ctx *ctx, const struct v6scan_check *self, CXSourceLocation loc, const char *name)
{
	if (!file_has_v6_twin(walk_tu_of(ctx), loc))
		walk_report_loc(ctx, self, loc, name, "%s belongs to raw IPv4/ICMPv4 packet code", name);
}

static int main_file_names_packets(CXTranslationUnit tu)
{
	static const char *const spellings[] = { "iphdr", "icmp", "struct ip" };
	CXString name = clang_getTranslationUnitSpelling(tu);
	CXFile main = clang_getFile(tu, clang_getCString(name));
	size_t n = 0;

	clang_disposeString(name);
	const char *t = main ? clang_getFileContents(tu, main, &n) : NULL;
	for (size_t i = 0; t && i < N(spellings); i++)
		if (memmem(t, n, spellings[i], strlen(spellings[i])))
			return 1;
	return 0;
}

void check_raw_ipv4_headers_match(struct walk_ctx *ctx, const struct v6scan_check *self, CXCursor cur)
{
	char name[64];
	enum CXCursorKind k = clang_getCursorKind(cur);

	if (k == CXCursor_MacroDefinition) {
		util_project_macro_names(ctx, self, cur, macros, N(macros), report_def);
		return;
	}
	if (k == CXCursor_MacroExpansion) {
		if (util_system_macro(cur, macros, N(macros), name, sizeof(name)) && !walk_in_dual_stack(ctx, cur) &&
		    !file_has_v6_twin(walk_tu_of(ctx), clang_getCursorLocation(cur)))
			walk_report(ctx, self, cur, name, "%s belongs to raw IPv4/ICMPv4 packet code", name);
		return;
	}
	/* TypeRef: asked once per unit (walk_memo), does its main file spell
	 * one of the structs at all? Most do not, and then no TypeRef is
	 * resolved. A struct spelled only in a project header of a unit
	 * whose main file never names it is missed. */
	int *memo = walk_memo(ctx, self);
	if (!memo)
		return;
	if (*memo < 0)
		*memo = main_file_names_packets(walk_tu_of(ctx));
	if (!*memo)
		return;
	CXCursor rec = clang_getCursorReferenced(cur);
	if (clang_getCursorKind(rec) != CXCursor_StructDecl)
		return;
	CXString s = clang_getCursorSpelling(rec);
	const char *hit = util_name_in(clang_getCString(s), records, N(records));
	clang_disposeString(s);
	if (!hit || !clang_Location_isInSystemHeader(clang_getCursorLocation(rec)) || walk_in_dual_stack(ctx, cur) ||
	    file_has_v6_twin(walk_tu_of(ctx), clang_getCursorLocation(cur)))
		return;
	walk_report(ctx, self, cur, hit, "struct %s is an IPv4/ICMPv4 packet header", hit);
}

V6SCAN_CHECK_PARTS(raw_ipv4_headers,
		   "Code that builds or parses IPv4 and ICMPv4 headers itself (struct ip, struct icmp, IP_HDRINCL, "
		   "ICMP_ECHO) handles IPv4 packets only: IPv6 has a different 40-byte header with no options or "
		   "checksum, and ICMPv6 has its own types and a kernel-computed checksum.",
		   "for IPv6 add an AF_INET6 raw socket with IPPROTO_ICMPV6 and struct icmp6_hdr (ICMP6_ECHO_REQUEST); "
		   "let the kernel fill the header and checksum (IPV6_CHECKSUM), and read hop limit and addresses "
		   "from ancillary data (IPV6_RECVHOPLIMIT, IPV6_RECVPKTINFO)",
		   CXCursor_TypeRef, CXCursor_MacroExpansion, CXCursor_MacroDefinition);
