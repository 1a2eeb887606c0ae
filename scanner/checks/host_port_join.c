/* v6-host-port-join — address text joined to a port with a bare colon: a
 * call (libc's printf family or a project wrapper) with a format literal
 * holding "%s:%" whose %s value is address text from a family-independent
 * converter, in a function that never writes brackets:
 *   - the value is an inet_ntop() call whose family is not the AF_INET
 *     macro, or
 *   - the value names a char array or pointer that, in the same function,
 *     is the host buffer of getnameinfo() or the destination of such an
 *     inet_ntop(), or
 *   - the value is a char pointer that, in the same function, is set to
 *     such a buffer, or to inet_ntoa()'s or such an inet_ntop()'s result
 *     (`name = hbuf` in one branch, `name = inet_ntoa(...)` in the other).
 * Reported at the format literal. A format chosen by a conditional
 * (`v6 ? "[%s]:%s" : "%s:%s"`) is not a literal and stays silent, as does a
 * function with a "[%" format or a '[' character; inet_ntoa() text
 * printed directly is IPv4-only already (v6-inet-ntoa, same line), so that
 * join is not reported twice. */
#include "checks.h"

#include <string.h>

#include "../ast.h"
#include "../walk.h"
#include "util_tree.h"

static const char *const ntop[] = { "inet_ntop" };
static const char *const gni[] = { "getnameinfo" };

#define MAX_ALIAS 8

struct facts {
	CXCursor host;      /* the variable printed before the colon */
	int from_converter; /* it is filled by getnameinfo/inet_ntop */
	int brackets;       /* "[%" in a string, or a '[' character */
	struct walk_ctx *ctx;
	/* buffers the host pointer is set to (`host = hbuf`), and buffers
	 * getnameinfo()/inet_ntop() fill: joined at the end */
	CXCursor alias[MAX_ALIAS], filled[MAX_ALIAS];
	int nalias, nfilled;
};

static int family_is_inet(struct walk_ctx *ctx, CXCursor call)
{
	char macro[64];
	const char *m = walk_macro_of(ctx, clang_Cursor_getArgument(call, 0), macro, sizeof(macro));

	return m && (strcmp(m, "AF_INET") == 0 || strcmp(m, "PF_INET") == 0);
}

static const char *const ntoa[] = { "inet_ntoa" };

/* The host pointer set to `value`: address text from a call (inet_ntoa(),
 * a non-AF_INET inet_ntop()), or a buffer to look at later. */
static void host_set(struct facts *f, CXCursor value)
{
	CXCursor v = ast_strip(value);

	if (clang_getCursorKind(v) == CXCursor_CallExpr) {
		if (ast_system_callee(v, ntoa, 1) ||
		    (ast_system_callee(v, ntop, 1) && clang_Cursor_getNumArguments(v) >= 3 &&
		     !family_is_inet(f->ctx, v)))
			f->from_converter = 1;
		return;
	}
	CXCursor obj = util_named_object(v);
	if (!clang_Cursor_isNull(obj) && f->nalias < MAX_ALIAS)
		f->alias[f->nalias++] = obj;
}

static enum CXChildVisitResult gather(CXCursor c, CXCursor parent, CXClientData data)
{
	struct facts *f = data;

	(void)parent;
	switch (clang_getCursorKind(c)) {
	case CXCursor_CharacterLiteral: {
		CXEvalResult ev = clang_Cursor_Evaluate(c);
		if (ev && clang_EvalResult_getKind(ev) == CXEval_Int && clang_EvalResult_getAsLongLong(ev) == '[')
			f->brackets = 1;
		if (ev)
			clang_EvalResult_dispose(ev);
		break;
	}
	case CXCursor_StringLiteral: {
		char s[256];
		if (util_string_of(c, s, sizeof(s)) && (strstr(s, "[%") || strcmp(s, "[") == 0))
			f->brackets = 1;
		break;
	}
	case CXCursor_CallExpr:
		if (clang_Cursor_getNumArguments(c) >= 3 &&
		    (ast_system_callee(c, gni, 1) || (ast_system_callee(c, ntop, 1) && !family_is_inet(f->ctx, c)))) {
			CXCursor buf = util_named_object(clang_Cursor_getArgument(c, 2));
			if (clang_equalCursors(buf, f->host))
				f->from_converter = 1;
			else if (!clang_Cursor_isNull(buf) && f->nfilled < MAX_ALIAS)
				f->filled[f->nfilled++] = buf;
		}
		break;
	case CXCursor_VarDecl:
		if (clang_equalCursors(c, f->host) && clang_isExpression(clang_getCursorKind(ast_last_child(c))))
			host_set(f, ast_last_child(c));
		break;
	case CXCursor_BinaryOperator:
		if (clang_equalCursors(util_named_object(ast_first_child(c)), f->host) &&
		    clang_getCursorKind(ast_strip(ast_first_child(c))) == CXCursor_DeclRefExpr &&
		    walk_binop_is(f->ctx, c, "="))
			host_set(f, ast_last_child(c));
		break;
	default: break;
	}
	return CXChildVisit_Recurse;
}

/* The index, among the values after the format, of the %s that a ':' and
 * another conversion follow; -1 when there is none. */
static int join_value(const char *fmt)
{
	int idx = 0;

	for (const char *p = fmt; *p; p++) {
		if (*p != '%')
			continue;
		if (p[1] == '%') {
			p++;
			continue;
		}
		const char *q = p + 1;
		while (*q && strchr("-+ #0'123456789.*hlzjt", *q)) {
			if (*q == '*')
				idx++;
			q++;
		}
		if (*q == 's' && q[1] == ':' && q[2] == '%')
			return idx;
		idx++;
		p = q;
	}
	return -1;
}

void check_host_port_join_match(struct walk_ctx *ctx, const struct v6scan_check *self, CXCursor cur)
{
	int nargs = clang_Cursor_getNumArguments(cur);
	char fmt[256];

	if (nargs < 3)
		return;
	for (int i = 0; i + 2 < nargs; i++) {
		CXCursor lit = ast_strip(clang_Cursor_getArgument(cur, (unsigned)i));
		if (!util_string_of(lit, fmt, sizeof(fmt)) || !strstr(fmt, "s:%"))
			continue;
		int v = join_value(fmt);
		if (v < 0 || i + 1 + v >= nargs)
			return;
		CXCursor value = ast_strip(clang_Cursor_getArgument(cur, (unsigned)(i + 1 + v)));
		struct facts f = { .ctx = ctx };
		if (clang_getCursorKind(value) == CXCursor_CallExpr) {
			if (!ast_system_callee(value, ntop, 1) || clang_Cursor_getNumArguments(value) < 3 ||
			    family_is_inet(ctx, value))
				return;
			f.from_converter = 1;
		} else {
			f.host = util_named_object(value);
			if (clang_Cursor_isNull(f.host))
				return;
		}
		CXCursor fn = util_enclosing_function(cur);
		if (clang_Cursor_isNull(fn))
			return;
		clang_visitChildren(fn, gather, &f);
		for (int a = 0; a < f.nalias && !f.from_converter; a++)
			for (int b = 0; b < f.nfilled && !f.from_converter; b++)
				f.from_converter = clang_equalCursors(f.alias[a], f.filled[b]);
		if (!f.from_converter || f.brackets)
			return;
		walk_report(ctx, self, lit, "host-port-join",
			    "address text joined to a port with a bare ':' reads \"2001:db8::1:80\" for IPv6");
		return;
	}
}

V6SCAN_CHECK_PARTS(host_port_join,
		   "An IPv6 address ends in hex digits and contains colons, so \"%s:%d\" makes \"2001:db8::1:80\": "
		   "neither a person nor a parser can tell where the address ends. RFC 3986 and RFC 5952 write "
		   "\"[2001:db8::1]:80\".",
		   "write \"[%s]:%s\" when the address contains a ':' (or when the family is AF_INET6), "
		   "\"%s:%s\" otherwise",
		   CXCursor_CallExpr);
