/* v6-self-address — "my own address" looked up by name: the buffer that
 * libc's gethostname() fills reaches a resolver (getaddrinfo,
 * gethostbyname(_r), gethostbyname2(_r), getipnodebyname) in the same
 * function, directly or through assignments and strcpy/strncpy/strlcpy/
 * memcpy/snprintf copies. Reported at the gethostname() call. Left alone: a
 * function that asks for the canonical name (it names AI_CANONNAME,
 * ai_canonname or h_name): finding the FQDN is not finding an address. */
#include "checks.h"

#include <string.h>

#include "../ast.h"
#include "../walk.h"
#include "util_tree.h"

#define MAX_VARS 32
#define MAX_EDGES 64

static const char *const ghn[] = { "gethostname" };
static const char *const copies[] = { "memcpy", "memmove", "snprintf", "sprintf", "strcpy", "strlcpy", "strncpy" };
static const char *const resolvers[] = { "getaddrinfo",      "gethostbyname",   "gethostbyname2",
					 "gethostbyname2_r", "gethostbyname_r", "getipnodebyname" };

#define N(a) (sizeof(a) / sizeof((a)[0]))

struct facts {
	CXCursor name[MAX_VARS];
	int nname;
	CXCursor from[MAX_EDGES], to[MAX_EDGES];
	int nedges;
	CXCursor sink[MAX_VARS];
	int nsink;
};

static void add(CXCursor *set, int *n, CXCursor c)
{
	if (clang_Cursor_isNull(c) || *n >= MAX_VARS)
		return;
	for (int i = 0; i < *n; i++)
		if (clang_equalCursors(set[i], c))
			return;
	set[(*n)++] = c;
}

static void edge(struct facts *f, CXCursor from, CXCursor to)
{
	if (!clang_Cursor_isNull(from) && !clang_Cursor_isNull(to) && f->nedges < MAX_EDGES) {
		f->from[f->nedges] = from;
		f->to[f->nedges++] = to;
	}
}

static enum CXChildVisitResult gather(CXCursor c, CXCursor parent, CXClientData data)
{
	struct facts *f = data;

	(void)parent;
	if (clang_getCursorKind(c) == CXCursor_VarDecl) {
		CXCursor init = util_last_child(c);
		if (!clang_Cursor_isNull(init) && clang_isExpression(clang_getCursorKind(init)))
			edge(f, util_named_object(init), c);
	} else if (clang_getCursorKind(c) == CXCursor_BinaryOperator) {
		if (clang_getCanonicalType(clang_getCursorType(c)).kind == CXType_Pointer)
			edge(f, util_named_object(util_last_child(c)), util_named_object(ast_first_child(c)));
	} else if (clang_getCursorKind(c) == CXCursor_CallExpr) {
		int n = clang_Cursor_getNumArguments(c);
		if (ast_system_callee(c, copies, N(copies)) && n >= 2) {
			for (int i = 1; i < n; i++)
				edge(f, util_named_object(clang_Cursor_getArgument(c, (unsigned)i)),
				     util_named_object(clang_Cursor_getArgument(c, 0)));
		} else if (ast_system_callee(c, resolvers, N(resolvers)) && n >= 1) {
			add(f->sink, &f->nsink, util_named_object(clang_Cursor_getArgument(c, 0)));
		}
	}
	return CXChildVisit_Recurse;
}

void check_self_address_match(struct walk_ctx *ctx, const struct v6scan_check *self, CXCursor cur)
{
	if (!walk_system_callee(ctx, cur, ghn, 1) || clang_Cursor_getNumArguments(cur) != 2)
		return;
	CXCursor fn = util_enclosing_function(cur);
	CXTranslationUnit tu = walk_tu_of(ctx);
	if (clang_Cursor_isNull(fn) || util_text_names(tu, fn, "AI_CANONNAME") ||
	    util_text_names(tu, fn, "ai_canonname") || util_text_names(tu, fn, "h_name"))
		return;
	static const struct facts zero;
	struct facts f = zero;
	add(f.name, &f.nname, util_named_object(clang_Cursor_getArgument(cur, 0)));
	if (!f.nname)
		return;
	clang_visitChildren(fn, gather, &f);
	for (int round = 0; round < 8; round++) {
		int before = f.nname;
		for (int e = 0; e < f.nedges; e++)
			for (int i = 0; i < f.nname; i++)
				if (clang_equalCursors(f.from[e], f.name[i])) {
					add(f.name, &f.nname, f.to[e]);
					break;
				}
		if (f.nname == before)
			break;
	}
	for (int s = 0; s < f.nsink; s++)
		for (int i = 0; i < f.nname; i++)
			if (clang_equalCursors(f.sink[s], f.name[i])) {
				walk_report(ctx, self, cur, "gethostname",
					    "this host's name is resolved to find its own address");
				return;
			}
}

V6SCAN_CHECK_PARTS(self_address,
		   "Resolving gethostname() gives whatever the resolver has for the name: often 127.0.1.1 from "
		   "/etc/hosts, one IPv4 address, or nothing, and never the set of addresses this host really "
		   "has on each interface and family.",
		   "list the host's addresses with getifaddrs(), or, for the address a peer sees, call "
		   "getsockname() on the connected socket",
		   CXCursor_CallExpr);
