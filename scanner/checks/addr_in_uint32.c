/* v6-addr-in-uint32 — an address kept in 32 bits: a variable, parameter,
 * member or function result of type in_addr_t (or an array of, or pointer
 * to, in_addr_t); an integer variable, parameter, project member or
 * function result that holds an IPv4 address in this translation unit
 * (walk_holds_ipv4: the flow through the file's own functions); and the
 * lines that move such an address: an address stored into an integer,
 * an integer stored into s_addr, an address handed to a project function's
 * integer parameter, an address printed as an integer by the printf
 * family, a struct in_addr copied whole, raw bytes memcpy'd into one or
 * out of one into an integer, an address compared with an integer.
 * Silent in dual-stack scopes (a union or a struct that also holds an
 * in6_addr, a function that also handles IPv6) and for declarations
 * written by a macro. */
#include "checks.h"

#include <string.h>

#include "../ast.h"
#include "../walk.h"
#include "util_macro.h"

static int is_integer(CXType t)
{
	t = clang_getCanonicalType(t);
	return t.kind == CXType_UInt || t.kind == CXType_ULong || t.kind == CXType_Int || t.kind == CXType_Long ||
		t.kind == CXType_ULongLong || t.kind == CXType_LongLong;
}

static int is_s_addr(CXCursor expr)
{
	char m[16];

	return ast_system_member(expr, m, sizeof(m)) && strcmp(m, "s_addr") == 0;
}

static int is_in_addr_value(CXCursor expr)
{
	CXType t = clang_getCanonicalType(clang_getCursorType(expr));

	return t.kind == CXType_Record && ast_type_is(t, "struct in_addr", 0);
}

static enum CXChildVisitResult hostent_visit(CXCursor c, CXCursor parent, CXClientData d)
{
	(void)parent;
	if (clang_getCursorKind(c) == CXCursor_MemberRefExpr &&
	    ast_field_of_system_struct(clang_getCursorReferenced(c), "hostent")) {
		*(int *)d = 1;
		return CXChildVisit_Break;
	}
	return CXChildVisit_Recurse;
}

/* 1 when expr reads a hostent member (he->h_addr): v6-hostent-fields
 * reports that line already. */
static int names_hostent(CXCursor expr)
{
	int hit = 0;

	if (clang_getCursorKind(expr) == CXCursor_MemberRefExpr)
		hostent_visit(expr, expr, &hit);
	if (!hit)
		clang_visitChildren(expr, hostent_visit, &hit);
	return hit;
}

static const char *what_of(enum CXCursorKind k)
{
	switch (k) {
	case CXCursor_FunctionDecl: return "the result";
	case CXCursor_ParmDecl: return "a parameter";
	case CXCursor_FieldDecl: return "a member";
	default: return "a variable";
	}
}

/* `x = v`: an address stored into an integer, an integer stored as an
 * address (`s_addr = x`), a struct in_addr copied whole. */
static void match_assignment(struct walk_ctx *ctx, const struct v6scan_check *self, CXCursor cur)
{
	CXCursor lhs = ast_strip(walk_first(ctx, cur));
	enum CXCursorKind lk = clang_getCursorKind(lhs);

	if (lk != CXCursor_DeclRefExpr && lk != CXCursor_MemberRefExpr && lk != CXCursor_UnaryOperator)
		return;
	CXType lt = clang_getCursorType(lhs);
	int in_addr = is_in_addr_value(lhs);
	if (!in_addr && (!is_integer(lt) || lk == CXCursor_UnaryOperator))
		return;
	int s_addr = !in_addr && lk == CXCursor_MemberRefExpr && is_s_addr(lhs);
	if (!in_addr && !s_addr) {
		CXCursor target = clang_getCursorReferenced(lhs);
		if (ast_type_is_in_addr_t(lt, 0) ||
		    (lk == CXCursor_MemberRefExpr &&
		     (clang_getCursorKind(target) != CXCursor_FieldDecl ||
		      clang_Location_isInSystemHeader(clang_getCursorLocation(target)))))
			return;
	}
	CXCursor rhs = walk_last(ctx, cur);
	/* the operator last in each branch: reading it tokenizes */
	if (in_addr) {
		if (!is_in_addr_value(rhs) || names_hostent(rhs) || !walk_is_op(ctx, cur, "=") ||
		    walk_in_dual_stack(ctx, cur))
			return;
		walk_report(ctx, self, cur, "in_addr", "a 32-bit IPv4 address (struct in_addr) is copied");
		return;
	}
	if (s_addr) {
		/* s_addr = x: x (a variable, parameter, member or a project
		 * function's result) carries the address in 32 bits */
		CXCursor v = ast_strip(rhs);
		enum CXCursorKind vk = clang_getCursorKind(v);
		if ((vk != CXCursor_DeclRefExpr && vk != CXCursor_MemberRefExpr && vk != CXCursor_CallExpr) ||
		    !is_integer(clang_getCursorType(v)) || ast_type_is_in_addr_t(clang_getCursorType(v), 0))
			return;
		CXCursor d = clang_getCursorReferenced(v);
		enum CXCursorKind dk = clang_getCursorKind(d);
		if (dk != CXCursor_VarDecl && dk != CXCursor_ParmDecl && dk != CXCursor_FieldDecl &&
		    dk != CXCursor_FunctionDecl)
			return;
		if (clang_Location_isInSystemHeader(clang_getCursorLocation(clang_getCanonicalCursor(d))) ||
		    !walk_is_op(ctx, cur, "=") || walk_in_dual_stack(ctx, cur))
			return;
		walk_report(ctx, self, cur, "uint32", "an IPv4 address is taken from a 32-bit integer");
		return;
	}
	if (!walk_is_ipv4_value(ctx, rhs) || !walk_is_op(ctx, cur, "=") || walk_in_dual_stack(ctx, cur))
		return;
	walk_report(ctx, self, cur, "uint32", "an IPv4 address is stored in a 32-bit integer");
}

/* `x == a.s_addr`, `a.s_addr != x`: an address compared as an integer with
 * an integer variable or member (two s_addr compared are
 * v6-sockaddr-compare's; a constant, v6-inaddr-constant's; a masked side,
 * v6-ipv4-range-math's). */
static void match_compare(struct walk_ctx *ctx, const struct v6scan_check *self, CXCursor cur)
{
	CXCursor lhs = ast_strip(walk_first(ctx, cur));
	CXCursor rhs = ast_strip(walk_last(ctx, cur));
	enum CXCursorKind lk = clang_getCursorKind(lhs), rk = clang_getCursorKind(rhs);

	if (lk == CXCursor_BinaryOperator || rk == CXCursor_BinaryOperator)
		return;
	int ls = is_s_addr(lhs), rs = is_s_addr(rhs);
	if (ls && rs)
		return;
	CXCursor other;
	if (ls || (!rs && walk_is_ipv4_value(ctx, lhs)))
		other = rhs;
	else if (rs || walk_is_ipv4_value(ctx, rhs))
		other = lhs;
	else
		return;
	enum CXCursorKind ok = clang_getCursorKind(other);
	/* (a system struct's member is a protocol's own field: v6-wire-format-v4's) */
	if ((ok != CXCursor_DeclRefExpr && ok != CXCursor_MemberRefExpr) || !is_integer(clang_getCursorType(other)) ||
	    is_s_addr(other) ||
	    (ok == CXCursor_MemberRefExpr &&
	     clang_Location_isInSystemHeader(clang_getCursorLocation(clang_getCursorReferenced(other)))))
		return;
	if ((!walk_is_op(ctx, cur, "==") && !walk_is_op(ctx, cur, "!=")) || walk_in_dual_stack(ctx, cur))
		return;
	walk_report(ctx, self, cur, "uint32", "an IPv4 address is compared as a 32-bit integer");
}

static const char *const printers[] = { "printf",        "fprintf",        "sprintf",      "snprintf",
					"dprintf",       "syslog",         "err",          "errx",
					"warn",          "warnx",          "__printf_chk", "__fprintf_chk",
					"__sprintf_chk", "__snprintf_chk", "__syslog_chk" };
static const char *const copiers[] = { "memcpy", "memmove", "bcopy" };

/* A project function's call: an address handed to an integer parameter. */
static void match_project_call(struct walk_ctx *ctx, const struct v6scan_check *self, CXCursor cur, CXCursor fn,
			       int nargs)
{
	int nparams = clang_Cursor_getNumArguments(fn);

	for (int i = 0; i < nargs && i < nparams; i++) {
		CXCursor a = clang_Cursor_getArgument(cur, (unsigned)i);
		/* literals, the common argument, first: no address there */
		enum CXCursorKind ak = clang_getCursorKind(a);
		if (ak == CXCursor_IntegerLiteral || ak == CXCursor_StringLiteral || ak == CXCursor_CharacterLiteral)
			continue;
		if (!is_integer(clang_getCursorType(clang_Cursor_getArgument(fn, (unsigned)i))) ||
		    !is_integer(clang_getCursorType(a)) || !walk_is_ipv4_value(ctx, a))
			continue;
		if (!walk_in_dual_stack(ctx, cur))
			walk_report(ctx, self, a, "uint32", "an IPv4 address is passed as a 32-bit integer");
		return;
	}
}

/* Calls: an address printed as an integer, raw bytes copied into one,
 * an address handed to a project function as an integer. */
static void match_call(struct walk_ctx *ctx, const struct v6scan_check *self, CXCursor cur)
{
	int nargs = clang_Cursor_getNumArguments(cur);
	CXCursor fn = clang_getCursorReferenced(cur);

	if (nargs < 1 || clang_getCursorKind(fn) != CXCursor_FunctionDecl)
		return;
	int system = clang_Location_isInSystemHeader(clang_getCursorLocation(clang_getCanonicalCursor(fn)));
	if (!system) {
		match_project_call(ctx, self, cur, fn, nargs);
		return;
	}
	/* one spelling for both lists: most system calls are neither */
	CXString sp = clang_getCursorSpelling(fn);
	const char *name = clang_getCString(sp);
	int print = util_name_in(name, printers, sizeof(printers) / sizeof(printers[0])) != NULL;
	int copy = !print && util_name_in(name, copiers, 3) != NULL;
	clang_disposeString(sp);
	if (print) {
		for (int i = 1; i < nargs; i++) {
			CXCursor a = clang_Cursor_getArgument(cur, (unsigned)i);
			if (clang_getCursorKind(ast_strip(a)) == CXCursor_StringLiteral)
				continue;
			if ((is_in_addr_value(ast_strip(a)) || walk_is_ipv4_value(ctx, a)) &&
			    !walk_in_dual_stack(ctx, cur)) {
				walk_report(ctx, self, a, "uint32", "an IPv4 address is printed as a 32-bit integer");
				return;
			}
		}
		return;
	}
	if (copy) {
		if (nargs != 3)
			return;
		/* memcpy(&sin.sin_addr, p, n), bcopy(p, &sin.sin_addr, n): four
		 * bytes of something that is not a struct in_addr */
		int to = strcmp(walk_system_callee(ctx, cur, copiers, 3), "bcopy") == 0 ? 1 : 0;
		CXCursor dst = ast_strip(clang_Cursor_getArgument(cur, (unsigned)to));
		CXCursor src = ast_strip(clang_Cursor_getArgument(cur, (unsigned)(1 - to)));
		if (clang_getCursorKind(dst) != CXCursor_UnaryOperator)
			return;
		CXCursor obj = ast_strip(ast_first_child(dst));
		if (!is_in_addr_value(obj) && !is_s_addr(obj)) {
			/* memcpy(&x, &sin.sin_addr, 4): the address's bytes
			 * into an integer */
			CXCursor from = clang_getCursorKind(src) == CXCursor_UnaryOperator
				? ast_strip(ast_first_child(src))
				: clang_getNullCursor();
			if (!clang_Cursor_isNull(from) && (is_in_addr_value(from) || is_s_addr(from)) &&
			    is_integer(clang_getCursorType(obj)) && !walk_in_dual_stack(ctx, cur))
				walk_report(ctx, self, cur, "uint32",
					    "an IPv4 address is copied into a 32-bit integer");
			return;
		}
		if (names_hostent(src))
			return;
		if (clang_getCursorKind(src) == CXCursor_UnaryOperator &&
		    (is_in_addr_value(ast_strip(ast_first_child(src))) || is_s_addr(ast_strip(ast_first_child(src)))))
			return;
		if (!walk_in_dual_stack(ctx, cur))
			walk_report(ctx, self, cur, "in_addr", "raw bytes are copied into a 32-bit IPv4 address");
		return;
	}
}

void check_addr_in_uint32_match(struct walk_ctx *ctx, const struct v6scan_check *self, CXCursor cur)
{
	enum CXCursorKind k = clang_getCursorKind(cur);

	if (k == CXCursor_BinaryOperator || k == CXCursor_CallExpr) {
		/* a function that names no address cannot move one */
		if (!walk_may_hold_ipv4(ctx, cur))
			return;
		if (k == CXCursor_BinaryOperator) {
			match_assignment(ctx, self, cur);
			match_compare(ctx, self, cur);
		} else
			match_call(ctx, self, cur);
		return;
	}
	/* a declaration a macro writes (an X-macro list of forwarders) has
	 * its type in the macro's arguments: not this check's to place */
	CXType t = k == CXCursor_FunctionDecl ? clang_getCursorResultType(cur) : clang_getCursorType(cur);
	if (ast_type_is_in_addr_t(t, 1)) {
		if (!walk_written_by_macro(ctx, cur) && !walk_in_dual_stack(ctx, cur))
			walk_report(ctx, self, cur, "in_addr_t", "%s of type in_addr_t holds an IPv4 address only",
				    what_of(k));
		return;
	}
	if (!is_integer(t) || !walk_holds_ipv4(ctx, cur) || walk_written_by_macro(ctx, cur) ||
	    walk_in_dual_stack(ctx, cur))
		return;
	walk_report(ctx, self, cur, "uint32", "%s holds an IPv4 address in a 32-bit integer", what_of(k));
}

V6SCAN_CHECK_PARTS(addr_in_uint32,
		   "An address kept in 32 bits (a variable, a struct member, a hash key, a configuration or protocol "
		   "field) can only ever be an IPv4 address; the code built around it has no room for 128 bits.",
		   "keep addresses as struct sockaddr_storage (plus length), or as a family tag with a union of "
		   "struct in_addr and struct in6_addr",
		   CXCursor_VarDecl, CXCursor_FieldDecl, CXCursor_ParmDecl, CXCursor_FunctionDecl,
		   CXCursor_BinaryOperator, CXCursor_CallExpr);
