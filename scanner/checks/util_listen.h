/* util_listen — the listener questions of v6-listener-ipv4-only and
 * v6-v6only-implicit: for a call of libc's listen(fd, ...) whose fd is a
 * named variable or struct member, the family given to the socket() call
 * that, in the same function, initialises or is assigned to it. Header-only, like
 * util_tree.h.
 */
#ifndef V6SCAN_CHECKS_UTIL_LISTEN_H
#define V6SCAN_CHECKS_UTIL_LISTEN_H

#include <clang-c/Index.h>
#include <stdio.h>
#include <string.h>

#include "../ast.h"
#include "../walk.h"
#include "util_tree.h"

struct util_listen {
	struct walk_ctx *ctx;
	CXCursor fd;     /* the listening variable */
	char family[64]; /* the socket() family: a macro name, "ai_family", or "" */
	int sockets;     /* socket() calls stored into fd */
};

static inline void util_listen_socket(struct util_listen *l, CXCursor value)
{
	static const char *const sock[] = { "socket" };
	char macro[64];

	value = ast_strip(value);
	if (clang_getCursorKind(value) != CXCursor_CallExpr || !ast_system_callee(value, sock, 1) ||
	    clang_Cursor_getNumArguments(value) < 1)
		return;
	CXCursor fam = clang_Cursor_getArgument(value, 0);
	const char *m = walk_macro_of(l->ctx, fam, macro, sizeof(macro));
	l->sockets++;
	if (m) {
		snprintf(l->family, sizeof(l->family), "%s", m);
		return;
	}
	fam = ast_strip(fam);
	if (clang_getCursorKind(fam) == CXCursor_MemberRefExpr) {
		CXString s = clang_getCursorSpelling(fam);
		snprintf(l->family, sizeof(l->family), "%s", clang_getCString(s));
		clang_disposeString(s);
	}
}

static inline enum CXChildVisitResult util_listen_visit(CXCursor c, CXCursor parent, CXClientData data)
{
	struct util_listen *l = data;

	(void)parent;
	if (clang_getCursorKind(c) == CXCursor_VarDecl && clang_equalCursors(c, l->fd))
		util_listen_socket(l, util_last_child(c));
	else if (clang_getCursorKind(c) == CXCursor_BinaryOperator &&
		 clang_equalCursors(util_named_object(ast_first_child(c)), l->fd))
		util_listen_socket(l, util_last_child(c));
	return CXChildVisit_Recurse;
}

/* For a CallExpr `call`: when it is libc's listen() on a local variable
 * (or a struct member) that exactly one socket() call of the same function
 * is stored into,
 * fills l (family, fd), stores the function in *fn and returns 1. */
static inline int util_listener(struct walk_ctx *ctx, CXCursor call, struct util_listen *l, CXCursor *fn)
{
	static const char *const lst[] = { "listen" };

	memset(l, 0, sizeof(*l));
	l->ctx = ctx;
	if (!ast_system_callee(call, lst, 1) || clang_Cursor_getNumArguments(call) != 2)
		return 0;
	/* a local variable, or a struct member (relay->listen_fd = socket(...)
	 * in the same function: any object's member of that name counts) */
	l->fd = util_named_object(clang_Cursor_getArgument(call, 0));
	if (clang_getCursorKind(l->fd) != CXCursor_VarDecl && clang_getCursorKind(l->fd) != CXCursor_FieldDecl)
		return 0;
	*fn = util_enclosing_function(call);
	if (clang_Cursor_isNull(*fn))
		return 0;
	clang_visitChildren(*fn, util_listen_visit, l);
	return l->sockets == 1 && l->family[0];
}

#endif
