/* v6-socket-before-resolve — the family chosen before the peer is known:
 * a socket() call with the AF_INET/PF_INET macro, followed later in the
 * same function (by source position) by a resolver call: getaddrinfo,
 * gethostbyname(_r), gethostbyname2(_r), getipnodebyname, inet_addr,
 * inet_aton, inet_pton. Reported at the socket() call, as a note that
 * explains v6-socket-af-inet's finding there: the fix is to move the
 * socket after the lookup, not only to change its family. */
#include "checks.h"

#include <string.h>

#include "../ast.h"
#include "../walk.h"
#include "util_tree.h"

static const char *const sock[] = { "socket" };
static const char *const resolvers[] = { "getaddrinfo",      "gethostbyname",   "gethostbyname2",
					 "gethostbyname2_r", "gethostbyname_r", "getipnodebyname",
					 "inet_addr",        "inet_aton",       "inet_pton" };

struct later {
	unsigned after;    /* offset of the socket() call */
	const char *found; /* the first resolver after it */
};

static enum CXChildVisitResult find_later(CXCursor c, CXCursor parent, CXClientData data)
{
	struct later *l = data;
	unsigned off;

	(void)parent;
	if (clang_getCursorKind(c) != CXCursor_CallExpr)
		return CXChildVisit_Recurse;
	clang_getExpansionLocation(clang_getCursorLocation(c), NULL, NULL, NULL, &off);
	if (off > l->after) {
		l->found = ast_system_callee(c, resolvers, sizeof(resolvers) / sizeof(resolvers[0]));
		if (l->found)
			return CXChildVisit_Break;
	}
	return CXChildVisit_Recurse;
}

void check_socket_before_resolve_match(struct walk_ctx *ctx, const struct v6scan_check *self, CXCursor cur)
{
	char macro[64];

	if (!walk_system_callee(ctx, cur, sock, 1) || clang_Cursor_getNumArguments(cur) < 1)
		return;
	const char *m = walk_macro_of(ctx, clang_Cursor_getArgument(cur, 0), macro, sizeof(macro));
	if (!m || (strcmp(m, "AF_INET") != 0 && strcmp(m, "PF_INET") != 0) || walk_in_dual_stack(ctx, cur))
		return;
	CXCursor fn = util_enclosing_function(cur);
	if (clang_Cursor_isNull(fn))
		return;
	struct later l = { 0 };
	clang_getExpansionLocation(clang_getCursorLocation(cur), NULL, NULL, NULL, &l.after);
	clang_visitChildren(fn, find_later, &l);
	if (l.found)
		walk_report(ctx, self, cur, "socket", "the socket's family is fixed before %s() resolves the peer",
			    l.found);
}

V6SCAN_CHECK_PARTS(socket_before_resolve,
		   "Creating the socket first fixes its family before the program knows the peer's: the "
		   "lookup that follows can only be used if it returns the family chosen in advance.",
		   "resolve first, then create one socket per getaddrinfo() result from its ai_family, "
		   "ai_socktype and ai_protocol",
		   CXCursor_CallExpr);
