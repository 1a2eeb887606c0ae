/* v6-host-port-split — "host:port" cut at a colon whose host part reaches
 * a resolver in the same function, in a function that never looks for
 * '[' or ']' (a character literal, or a string "[", "]", "]:"), so
 * "[2001:db8::1]:80" and "::1" cannot be given.
 *
 * Splits: strchr/strrchr/memchr/index/rindex(p, ':') (the host is p, cut
 * at the colon), strtok/strtok_r/strsep with delimiters that include ':'
 * (":", ":/ "; the host is the token returned), sscanf with "%[^:]" (the host is that
 * destination). Resolvers: gethostbyname(_r), gethostbyname2(_r),
 * getaddrinfo, getipnodebyname, inet_addr, inet_aton, inet_pton. Between
 * them the host may travel through assignments, initialisations and
 * strcpy/strncpy/strlcpy/memcpy/memmove/snprintf/sprintf copies (light
 * intra-procedural data flow over named variables). Reported at the split.
 */
#include "checks.h"

#include <string.h>

#include "../ast.h"
#include "../walk.h"
#include "util_tree.h"

#define MAX_VARS 64
#define MAX_EDGES 128

static const char *const cutters[] = { "index", "memchr", "rindex", "strchr", "strrchr" };
static const char *const tokenizers[] = { "strsep", "strtok", "strtok_r" };
static const char *const scanners[] = { "sscanf" };
static const char *const copies[] = { "memcpy", "memmove", "snprintf", "sprintf", "strcpy", "strlcpy", "strncpy" };
static const char *const resolvers[] = { "getaddrinfo",      "gethostbyname",   "gethostbyname2",
					 "gethostbyname2_r", "gethostbyname_r", "getipnodebyname",
					 "inet_addr",        "inet_aton",       "inet_pton" };

#define N(a) (sizeof(a) / sizeof((a)[0]))

struct facts {
	CXCursor split;          /* the split call being judged */
	CXCursor host[MAX_VARS]; /* variables holding the host part */
	int nhost;
	CXCursor from[MAX_EDGES], to[MAX_EDGES];
	int nedges;
	CXCursor sink[MAX_VARS]; /* host arguments of resolvers */
	int nsink;
	int brackets; /* '[' or ']' appears */
	struct walk_ctx *ctx;
};

static int is_colon_arg(CXCursor arg)
{
	char s[8];
	CXEvalResult ev;
	long long v = 0;

	if (util_string_of(ast_strip(arg), s, sizeof(s)))
		return strcmp(s, ":") == 0;
	ev = clang_Cursor_Evaluate(arg);
	if (ev && clang_EvalResult_getKind(ev) == CXEval_Int)
		v = clang_EvalResult_getAsLongLong(ev);
	if (ev)
		clang_EvalResult_dispose(ev);
	return v == ':';
}

/* A tokenizer's delimiter set that holds ':' (":", ":/ ", " :\t"). */
static int is_colon_delims(CXCursor arg)
{
	char s[32];

	if (util_string_of(ast_strip(arg), s, sizeof(s)))
		return strchr(s, ':') != NULL;
	return is_colon_arg(arg);
}

/* What kind of split a call is: 0 none, 1 a cutter (host = arg 0), 2 a
 * tokenizer (host = the result), 3 sscanf "%[^:]" (host = a destination). */
static int split_kind(CXCursor call, int *dest)
{
	char fmt[128];
	int n = clang_Cursor_getNumArguments(call);

	if (ast_system_callee(call, cutters, N(cutters)))
		return n >= 2 && is_colon_arg(clang_Cursor_getArgument(call, 1)) ? 1 : 0;
	if (ast_system_callee(call, tokenizers, N(tokenizers)))
		return n >= 2 && is_colon_delims(clang_Cursor_getArgument(call, 1)) ? 2 : 0;
	if (ast_system_callee(call, scanners, 1) && n >= 3 &&
	    util_string_of(ast_strip(clang_Cursor_getArgument(call, 1)), fmt, sizeof(fmt))) {
		/* "%[^:" or "%63[^:": the conversion's '%' */
		const char *p = strstr(fmt, "[^:");
		while (p && p > fmt && p[-1] >= '0' && p[-1] <= '9')
			p--;
		if (!p || p == fmt || p[-1] != '%')
			return 0;
		p--;
		int idx = 0;
		for (const char *q = fmt; q < p; q++)
			if (*q == '%' && q[1] != '%' && q[1] != '*')
				idx++;
			else if (*q == '%' && q[1] == '%')
				q++;
		*dest = 2 + idx;
		return *dest < n ? 3 : 0;
	}
	return 0;
}

static void add(CXCursor *set, int *n, int max, CXCursor c)
{
	if (clang_Cursor_isNull(c) || *n >= max)
		return;
	for (int i = 0; i < *n; i++)
		if (clang_equalCursors(set[i], c))
			return;
	set[(*n)++] = c;
}

static void edge(struct facts *f, CXCursor from, CXCursor to)
{
	if (clang_Cursor_isNull(from) || clang_Cursor_isNull(to) || f->nedges >= MAX_EDGES)
		return;
	f->from[f->nedges] = from;
	f->to[f->nedges++] = to;
}

static int same_call(CXCursor a, CXCursor b)
{
	return clang_getCursorKind(a) == clang_getCursorKind(b) &&
		clang_equalRanges(clang_getCursorExtent(a), clang_getCursorExtent(b));
}

/* A value assigned to `to`: the variable it names, or the host when it is
 * the split tokenizer's result. */
static void flow_into(struct facts *f, CXCursor value, CXCursor to)
{
	CXCursor v = ast_strip(value);

	if (clang_getCursorKind(v) == CXCursor_CallExpr && same_call(v, f->split)) {
		int dest;
		if (split_kind(v, &dest) == 2)
			add(f->host, &f->nhost, MAX_VARS, to);
		return;
	}
	edge(f, util_named_object(v), to);
}

static enum CXChildVisitResult gather(CXCursor c, CXCursor parent, CXClientData data)
{
	struct facts *f = data;
	char op[8];

	(void)parent;
	switch (clang_getCursorKind(c)) {
	case CXCursor_CharacterLiteral: {
		CXEvalResult ev = clang_Cursor_Evaluate(c);
		if (ev && clang_EvalResult_getKind(ev) == CXEval_Int) {
			long long v = clang_EvalResult_getAsLongLong(ev);
			f->brackets |= v == '[' || v == ']';
		}
		if (ev)
			clang_EvalResult_dispose(ev);
		break;
	}
	case CXCursor_StringLiteral: {
		/* "[", "]", "]:" as search strings; not "[:PORT]" in a usage
		 * text or a "%[^:]" conversion */
		char s[8];
		if (util_string_of(c, s, sizeof(s)) && strlen(s) <= 2 && (s[0] == '[' || s[0] == ']'))
			f->brackets = 1;
		break;
	}
	case CXCursor_VarDecl: {
		CXCursor init = util_last_child(c);
		if (!clang_Cursor_isNull(init) && clang_isExpression(clang_getCursorKind(init)))
			flow_into(f, init, c);
		break;
	}
	case CXCursor_BinaryOperator: {
		CXCursor lhs = ast_first_child(c), rhs = util_last_child(c);
		if (walk_binary_operator(f->ctx, c, op, sizeof(op)) && strcmp(op, "=") == 0)
			flow_into(f, rhs, util_named_object(lhs));
		break;
	}
	case CXCursor_CallExpr: {
		const char *fn;
		int n = clang_Cursor_getNumArguments(c);
		if (ast_system_callee(c, copies, N(copies)) && n >= 2) {
			CXCursor dst = util_named_object(clang_Cursor_getArgument(c, 0));
			for (int i = 1; i < n; i++)
				edge(f, util_named_object(clang_Cursor_getArgument(c, (unsigned)i)), dst);
		} else if ((fn = ast_system_callee(c, resolvers, N(resolvers))) != NULL && n >= 1) {
			unsigned idx = strcmp(fn, "inet_pton") == 0 ? 1 : 0;
			if ((int)idx < n)
				add(f->sink, &f->nsink, MAX_VARS, util_named_object(clang_Cursor_getArgument(c, idx)));
		}
		break;
	}
	default: break;
	}
	return CXChildVisit_Recurse;
}

static int host_reaches_resolver(struct facts *f)
{
	for (int round = 0; round < 8; round++) {
		int before = f->nhost;
		for (int e = 0; e < f->nedges; e++)
			for (int h = 0; h < f->nhost; h++)
				if (clang_equalCursors(f->from[e], f->host[h])) {
					add(f->host, &f->nhost, MAX_VARS, f->to[e]);
					break;
				}
		if (f->nhost == before)
			break;
	}
	for (int s = 0; s < f->nsink; s++)
		for (int h = 0; h < f->nhost; h++)
			if (clang_equalCursors(f->sink[s], f->host[h]))
				return 1;
	return 0;
}

void check_host_port_split_match(struct walk_ctx *ctx, const struct v6scan_check *self, CXCursor cur)
{
	int dest = 0;
	int kind = split_kind(cur, &dest);

	if (!kind)
		return;
	CXCursor fn = util_enclosing_function(cur);
	if (clang_Cursor_isNull(fn))
		return;
	static struct facts zero;
	struct facts f = zero;
	f.split = cur;
	f.ctx = ctx;
	if (kind == 1)
		add(f.host, &f.nhost, MAX_VARS, util_named_object(clang_Cursor_getArgument(cur, 0)));
	else if (kind == 3)
		add(f.host, &f.nhost, MAX_VARS, util_named_object(clang_Cursor_getArgument(cur, (unsigned)dest)));
	clang_visitChildren(fn, gather, &f);
	if (f.brackets || !host_reaches_resolver(&f))
		return;
	walk_report(ctx, self, cur, "host-port-split",
		    "the host part of this ':' split reaches a resolver; an IPv6 address is full of colons");
}

V6SCAN_CHECK_PARTS(host_port_split,
		   "An IPv6 address contains colons, so splitting \"host:port\" at a colon cuts \"2001:db8::1\" "
		   "apart; RFC 3986 and RFC 5952 write an IPv6 endpoint as \"[2001:db8::1]:80\".",
		   "accept the bracketed form \"[addr]:port\" (strip the brackets, split after ']'), split "
		   "unbracketed text at the last colon only when it holds one colon, or take host and port "
		   "as separate settings",
		   CXCursor_CallExpr);
