/* v6-inactive-branch — IPv4-only names in inactive preprocessor branches.
 * The scan itself is the walker's (walk_inactive.c: the skipped ranges of
 * the main file, searched lexically for a table of IPv4-only API and type
 * names, in files that name no IPv6 identifier); it runs when this check
 * is enabled and reports through it, once per line. This file holds the
 * check's texts; the matcher is never handed a cursor (the translation
 * unit cursor is not dispatched). Off by default: a build that does not
 * compile a branch may never need it, and most configurations have such
 * branches by design (`#ifdef DEBUG`). */
#include "checks.h"

#include "../walk.h"

void check_inactive_branch_match(struct walk_ctx *ctx, const struct v6scan_check *self, CXCursor cur)
{
	(void)ctx;
	(void)self;
	(void)cur;
}

V6SCAN_CHECK_PARTS(inactive_branch,
	"Code in a branch the preprocessor skips (#if 0, #ifdef DEBUG when DEBUG is not defined) is not "
	"compiled in this configuration, so no other check sees it; when it names sockaddr_in, s_addr, "
	"inet_ntoa or gethostbyname it is IPv4-only code that a port still has to rewrite before the "
	"branch is turned on.",
	"port the branch with the rest (getaddrinfo/getnameinfo, sockaddr_storage), or delete it if it is "
	"dead",
	CXCursor_TranslationUnit);
