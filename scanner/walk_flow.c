/* walk_flow — 32-bit IPv4 addresses followed through a translation unit's
 * own functions (walk.h: walk_holds_ipv4, walk_is_ipv4_value).
 *
 * Computed once per translation unit, the first time a check asks: one
 * visit of the project function definitions whose text names an address
 * seed (s_addr, inet_addr, inet_network, in_addr_t, h_addr, h_addr_list),
 * outside dual-stack scopes, collecting
 *   - stores: `x = v`, `T x = v` (x an integer variable or project member)
 *     and `return v` (into the function's result);
 *   - arguments: `f(..., v, ...)` of a project function f with an integer
 *     parameter there;
 *   - sinks: `s_addr = x` (x a variable, parameter, project member or a
 *     project function's call) and `memcpy(&x, <hostent address>, ...)`:
 *     x holds an address, whatever the other rules say.
 * Then stores and arguments are evaluated until nothing changes: a store
 * whose value is an IPv4 address makes its target a holder. A parameter
 * becomes a holder through a call site only when its function is not a
 * one-parameter integer helper (byte_swap32(x)): such a helper is address
 * arithmetic, its result is an address when its argument is one, and its
 * parameter is generic.
 *
 * Keys: the canonical cursor of a variable, member or function (its
 * result), and for a parameter its function's canonical cursor and its
 * position, so a prototype's parameters are the definition's too. */
#include "walk_int.h"

#include "ast.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define FLOW_ROUNDS 8
#define FLOW_DEPTH 8

struct flow_key {
	CXCursor decl; /* canonical VarDecl, FieldDecl or FunctionDecl */
	int param;     /* -1, or the parameter's position in FunctionDecl decl */
};

/* FLOW_SINK: dst holds an address whatever its value (s_addr = dst, a
 * hostent copy into dst) */
enum flow_edge_kind { FLOW_STORE, FLOW_ARG, FLOW_SINK };

struct flow_edge {
	enum flow_edge_kind kind;
	struct flow_key dst;
	CXCursor value;
	CXCursor assign; /* a BinaryOperator that must be `=`, or a null cursor */
	struct walk_scope *scope;
	int done;
};

struct walk_flow {
	struct flow_key *holders;
	size_t nholders;
	struct flow_edge *edges;
	size_t nedges;
	CXCursor fn; /* the function being collected */
	struct walk_scope *scope;
	struct walk_ctx *ctx;
};

/* "in_addr" also matches in_addr_t, sin_addr and struct in_addr */
static const char *const flow_seeds[] = { "s_addr", "in_addr", "inet_addr", "inet_network", "h_addr" };

static int flow_is_integer(CXType t)
{
	t = clang_getCanonicalType(t);
	return t.kind == CXType_UInt || t.kind == CXType_ULong || t.kind == CXType_Int || t.kind == CXType_Long ||
		t.kind == CXType_ULongLong || t.kind == CXType_LongLong;
}

static int flow_is_project(CXCursor decl)
{
	return !clang_Location_isInSystemHeader(clang_getCursorLocation(clang_getCanonicalCursor(decl)));
}

static int flow_key_eq(const struct flow_key *a, const struct flow_key *b)
{
	return a->param == b->param && clang_equalCursors(a->decl, b->decl);
}

/* The key of a declaration; 0 when it is not one this module follows. */
static int flow_key_of(CXCursor decl, struct flow_key *k)
{
	enum CXCursorKind kind = clang_getCursorKind(decl);

	k->param = -1;
	if (kind == CXCursor_ParmDecl) {
		CXCursor fn = clang_getCursorSemanticParent(decl);
		if (clang_getCursorKind(fn) != CXCursor_FunctionDecl)
			return 0;
		int n = clang_Cursor_getNumArguments(fn);
		for (int i = 0; i < n; i++)
			if (clang_equalCursors(clang_Cursor_getArgument(fn, (unsigned)i), decl)) {
				k->decl = clang_getCanonicalCursor(fn);
				k->param = i;
				return flow_is_project(fn);
			}
		return 0;
	}
	if (kind != CXCursor_VarDecl && kind != CXCursor_FieldDecl && kind != CXCursor_FunctionDecl)
		return 0;
	k->decl = clang_getCanonicalCursor(decl);
	return flow_is_project(decl);
}

static int flow_has(const struct walk_flow *f, const struct flow_key *k)
{
	for (size_t i = 0; i < f->nholders; i++)
		if (flow_key_eq(&f->holders[i], k))
			return 1;
	return 0;
}

/* Adds a holder; returns 1 when it is new. */
static int flow_add(struct walk_flow *f, const struct flow_key *k)
{
	if (flow_has(f, k))
		return 0;
	struct flow_key *nh = walk_grow(f->holders, f->nholders, sizeof(*nh), f->ctx);
	if (!nh)
		return 0;
	f->holders = nh;
	f->holders[f->nholders++] = *k;
	return 1;
}

/* An edge; `assign`, when not null, is the BinaryOperator that must turn
 * out to be `=` (read only if the value is an address: reading an
 * operator tokenizes). Scopes are asked about the dual-stack rule only
 * when an edge would make a holder, for the same reason. */
static void flow_edge_add(struct walk_flow *f, enum flow_edge_kind kind, const struct flow_key *dst, CXCursor value,
			  CXCursor assign)
{
	struct flow_edge *ne = walk_grow(f->edges, f->nedges, sizeof(*ne), f->ctx);

	if (!ne)
		return;
	f->edges = ne;
	f->edges[f->nedges++] =
		(struct flow_edge){ .kind = kind, .dst = *dst, .value = value, .assign = assign, .scope = f->scope };
}

/* 1 when fn is a project function with one integer parameter and an
 * integer result: a helper that computes on one value (a byte swap, a
 * mask), whose result is an address when its argument is one. */
static int flow_unary_helper(CXCursor fn)
{
	return clang_Cursor_getNumArguments(fn) == 1 && flow_is_integer(clang_getCursorResultType(fn)) &&
		flow_is_integer(clang_getCursorType(clang_Cursor_getArgument(fn, 0)));
}

static const char *const flow_parsers[] = { "inet_addr", "inet_network" };
static const char *const flow_byte_order[] = { "htonl", "ntohl", "__bswap_32" };

static int flow_is_s_addr(CXCursor expr);

static int flow_value(struct walk_ctx *ctx, const struct walk_flow *f, CXCursor expr, int depth)
{
	struct flow_key k;

	if (depth > FLOW_DEPTH)
		return 0;
	/* one strip, then ast_is_ipv4_value's cases inline (it would strip
	 * again) before this module's own */
	CXCursor s = ast_strip(expr);
	switch (clang_getCursorKind(s)) {
	case CXCursor_MemberRefExpr:
		if (flow_is_s_addr(s))
			return 1;
		/* a project member that holds one: as a variable */
		__attribute__((fallthrough));
	case CXCursor_DeclRefExpr: {
		CXCursor d = clang_getCursorReferenced(s);
		enum CXCursorKind dk = clang_getCursorKind(d);
		if ((dk == CXCursor_VarDecl || dk == CXCursor_ParmDecl) &&
		    ast_type_is_in_addr_t(clang_getCursorType(d), 0))
			return 1;
		if (!f || f->nholders == 0)
			return 0;
		return flow_is_integer(clang_getCursorType(s)) && flow_key_of(d, &k) && flow_has(f, &k);
	}
	case CXCursor_CallExpr: {
		CXCursor fn = clang_getCursorReferenced(s);
		if (clang_getCursorKind(fn) != CXCursor_FunctionDecl)
			return 0;
		if (!flow_is_project(fn)) {
			if (ast_system_callee(s, flow_parsers, 2))
				return 1;
			return clang_Cursor_getNumArguments(s) == 1 && ast_system_callee(s, flow_byte_order, 3) &&
				flow_value(ctx, f, clang_Cursor_getArgument(s, 0), depth + 1);
		}
		if (f && f->nholders && flow_key_of(fn, &k) && flow_has(f, &k))
			return 1;
		return flow_unary_helper(fn) && clang_Cursor_getNumArguments(s) == 1 &&
			flow_value(ctx, f, clang_Cursor_getArgument(s, 0), depth + 1);
	}
	case CXCursor_BinaryOperator: {
		if (!flow_value(ctx, f, ast_first_child(s), depth + 1) &&
		    !flow_value(ctx, f, ast_last_child(s), depth + 1))
			return 0;
		char op[8];
		return walk_binary_operator(ctx, s, op, sizeof(op)) && (strcmp(op, "&") == 0 || strcmp(op, "|") == 0);
	}
	default: return 0;
	}
}

/* The key of what an expression names (a variable, parameter, project
 * member, or a project function it calls), through casts. */
static int flow_named(CXCursor expr, struct flow_key *k)
{
	CXCursor s = ast_strip(expr);
	enum CXCursorKind kind = clang_getCursorKind(s);

	if (kind != CXCursor_DeclRefExpr && kind != CXCursor_MemberRefExpr && kind != CXCursor_CallExpr)
		return 0;
	if (!flow_is_integer(clang_getCursorType(s)))
		return 0;
	return flow_key_of(clang_getCursorReferenced(s), k);
}

static int flow_is_s_addr(CXCursor expr)
{
	char m[16];

	return ast_system_member(expr, m, sizeof(m)) && strcmp(m, "s_addr") == 0;
}

/* 1 when expr mentions a hostent address member (h_addr, h_addr_list). */
static enum CXChildVisitResult flow_hostent_visit(CXCursor c, CXCursor parent, CXClientData d)
{
	char m[16];

	(void)parent;
	if (clang_getCursorKind(c) == CXCursor_MemberRefExpr && ast_system_member(c, m, sizeof(m)) &&
	    strncmp(m, "h_addr", 6) == 0) {
		*(int *)d = 1;
		return CXChildVisit_Break;
	}
	return CXChildVisit_Recurse;
}

static int flow_from_hostent(CXCursor expr)
{
	int hit = 0;
	char m[16];

	expr = ast_strip(expr);
	if (clang_getCursorKind(expr) == CXCursor_MemberRefExpr && ast_system_member(expr, m, sizeof(m)) &&
	    strncmp(m, "h_addr", 6) == 0)
		return 1;
	clang_visitChildren(expr, flow_hostent_visit, &hit);
	return hit;
}

static const char *const flow_copiers[] = { "memcpy", "memmove", "__builtin_memcpy" };

/* 1 when expr is &X with X a struct in_addr or an s_addr member. */
static int flow_addr_of_in_addr(CXCursor expr)
{
	CXCursor s = ast_strip(expr);

	if (clang_getCursorKind(s) != CXCursor_UnaryOperator)
		return 0;
	CXCursor x = ast_strip(ast_first_child(s));
	return flow_is_s_addr(x) || ast_type_is(clang_getCursorType(x), "struct in_addr", 0);
}

static void flow_call(struct walk_flow *f, CXCursor call)
{
	struct flow_key k;
	int nargs = clang_Cursor_getNumArguments(call);

	if (ast_system_callee(call, flow_copiers, 3) && nargs == 3) {
		/* memcpy(&res, he->h_addr, he->h_length) or memcpy(&res,
		 * &sin.sin_addr, 4): res holds an address */
		CXCursor dst = ast_strip(clang_Cursor_getArgument(call, 0));
		CXCursor src = clang_Cursor_getArgument(call, 1);
		if (clang_getCursorKind(dst) == CXCursor_UnaryOperator &&
		    (flow_from_hostent(src) || flow_addr_of_in_addr(src)) && flow_named(ast_first_child(dst), &k))
			flow_edge_add(f, FLOW_SINK, &k, dst, clang_getNullCursor());
		return;
	}
	CXCursor fn = clang_getCursorReferenced(call);
	if (clang_getCursorKind(fn) != CXCursor_FunctionDecl || !flow_is_project(fn))
		return;
	int nparams = clang_Cursor_getNumArguments(fn);
	if (nparams < 0 || flow_unary_helper(fn))
		return;
	for (int i = 0; i < nargs && i < nparams; i++) {
		if (!flow_is_integer(clang_getCursorType(clang_Cursor_getArgument(fn, (unsigned)i))))
			continue;
		k.decl = clang_getCanonicalCursor(fn);
		k.param = i;
		flow_edge_add(f, FLOW_ARG, &k, clang_Cursor_getArgument(call, (unsigned)i), clang_getNullCursor());
	}
}

static enum CXChildVisitResult flow_visit(CXCursor c, CXCursor parent, CXClientData data)
{
	struct walk_flow *f = data;
	struct walk_ctx *ctx = f->ctx;
	struct flow_key k;

	(void)parent;
	if (ctx->err)
		return CXChildVisit_Break;
	switch (clang_getCursorKind(c)) {
	case CXCursor_VarDecl: {
		CXCursor init = ast_last_child(c);
		if (flow_is_integer(clang_getCursorType(c)) && clang_isExpression(clang_getCursorKind(init)) &&
		    flow_key_of(c, &k))
			flow_edge_add(f, FLOW_STORE, &k, init, clang_getNullCursor());
		break;
	}
	case CXCursor_ReturnStmt: {
		CXCursor v = ast_first_child(c);
		if (!clang_Cursor_isNull(v) && flow_is_integer(clang_getCursorResultType(f->fn)) &&
		    flow_key_of(f->fn, &k))
			flow_edge_add(f, FLOW_STORE, &k, v, clang_getNullCursor());
		break;
	}
	case CXCursor_CallExpr: flow_call(f, c); break;
	case CXCursor_BinaryOperator: {
		CXCursor lhs = ast_strip(ast_first_child(c));
		enum CXCursorKind lk = clang_getCursorKind(lhs);
		if (lk != CXCursor_DeclRefExpr && lk != CXCursor_MemberRefExpr)
			break;
		int sink = flow_is_s_addr(lhs);
		CXCursor rhs = ast_last_child(c);
		/* x == a.s_addr, a.s_addr != x: x holds an address too */
		if (sink != flow_is_s_addr(rhs) && flow_named(sink ? rhs : lhs, &k) &&
		    (walk_binop_is(ctx, c, "==") || walk_binop_is(ctx, c, "!="))) {
			flow_edge_add(f, FLOW_SINK, &k, sink ? rhs : lhs, clang_getNullCursor());
			break;
		}
		if (!sink && !flow_named(lhs, &k))
			break;
		if (sink) {
			if (flow_named(rhs, &k) && walk_binop_is(ctx, c, "="))
				flow_edge_add(f, FLOW_SINK, &k, rhs, clang_getNullCursor());
		} else {
			flow_edge_add(f, FLOW_STORE, &k, rhs, c);
		}
		break;
	}
	default: break;
	}
	return CXChildVisit_Recurse;
}

/* 1 when the text of scope s names one of the seeds (cached per scope). */
static int flow_seeded(struct walk_ctx *ctx, struct walk_scope *s)
{
	size_t size;

	if (s->seeded >= 0)
		return s->seeded;
	s->seeded = 0;
	const char *text = walk_file_text(ctx, ctx->files[s->file].file, &size);
	if (!text || s->end > size || s->end <= s->start)
		return 0;
	for (size_t i = 0; i < sizeof(flow_seeds) / sizeof(flow_seeds[0]); i++)
		if (memmem(text + s->start, s->end - s->start, flow_seeds[i], strlen(flow_seeds[i])))
			return s->seeded = 1;
	return 0;
}

static struct walk_flow *flow_get(struct walk_ctx *ctx)
{
	if (ctx->flow)
		return ctx->flow;
	struct walk_flow *f = calloc(1, sizeof(*f));
	if (!f) {
		ctx->err = -ENOMEM;
		return NULL;
	}
	f->ctx = ctx;
	ctx->flow = f;
	for (size_t i = 0; i < ctx->nscopes && !ctx->err; i++) {
		struct walk_scope *s = &ctx->scopes[i];
		if (!flow_seeded(ctx, s))
			continue;
		f->fn = s->cur;
		f->scope = s;
		clang_visitChildren(s->cur, flow_visit, f);
	}
	for (int round = 0, changed = 1; changed && round < FLOW_ROUNDS; round++) {
		changed = 0;
		for (size_t i = 0; i < f->nedges; i++) {
			struct flow_edge *e = &f->edges[i];
			if (e->done || flow_has(f, &e->dst))
				continue;
			if (e->kind != FLOW_SINK && !flow_value(ctx, f, e->value, 0))
				continue;
			e->done = 1;
			/* the operator and the dual-stack rule last: both cost */
			if (!clang_Cursor_isNull(e->assign) && !walk_binop_is(ctx, e->assign, "="))
				continue;
			if (walk_in_dual_stack(ctx, e->scope->cur))
				continue;
			changed |= flow_add(f, &e->dst);
		}
	}
	return f;
}

int walk_holds_ipv4(struct walk_ctx *ctx, CXCursor decl)
{
	struct flow_key k;
	struct walk_flow *f = flow_get(ctx);

	/* most translation units hold no address at all: no key needed */
	if (!f || f->nholders == 0 || !flow_key_of(decl, &k))
		return 0;
	return flow_has(f, &k);
}

int walk_is_ipv4_value(struct walk_ctx *ctx, CXCursor expr)
{
	return flow_value(ctx, flow_get(ctx), expr, 0);
}

int walk_may_hold_ipv4(struct walk_ctx *ctx, CXCursor cur)
{
	struct walk_flow *f = flow_get(ctx);
	unsigned off;
	size_t file;

	if (!f || f->nholders)
		return 1;
	/* the scope of the top-level cursor being walked, located once for
	 * all the cursors under it (a function definition is one top-level
	 * cursor); cur is under it */
	(void)cur;
	if (!ctx->cur_scope_known) {
		ctx->cur_scope = NULL;
		if (ctx->cur_top < ctx->ntop && clang_getCursorKind(ctx->top[ctx->cur_top]) == CXCursor_FunctionDecl &&
		    walk_where(ctx, clang_getCursorLocation(ctx->top[ctx->cur_top]), NULL, NULL, &off, &file))
			ctx->cur_scope = walk_scope_at(ctx, file, off);
		ctx->cur_scope_known = 1;
	}
	return !ctx->cur_scope || flow_seeded(ctx, ctx->cur_scope);
}

void walk_flow_free(struct walk_ctx *ctx)
{
	if (!ctx->flow)
		return;
	free(ctx->flow->holders);
	free(ctx->flow->edges);
	free(ctx->flow);
	ctx->flow = NULL;
}
