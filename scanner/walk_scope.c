/* walk_scope — function scopes (sorted, found by binary search) and the
 * dual-stack rule (walk.h: walk_in_dual_stack). A scope's and a record's
 * answer is computed once, the first time a check asks, by one pass over its
 * tokens; a project macro named there counts by what its body names
 * (recursively, answer cached per macro). */
#include "walk_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int walk_scope_record(struct walk_ctx *ctx, CXCursor fn, size_t file, unsigned start, unsigned end)
{
	struct walk_scope *ns = walk_grow(ctx->scopes, ctx->nscopes, sizeof(*ns), ctx);

	if (!ns)
		return -ENOMEM;
	ctx->scopes = ns;
	CXString s = clang_getCursorSpelling(fn);
	char *name = strdup(clang_getCString(s));
	clang_disposeString(s);
	if (!name)
		return ctx->err = -ENOMEM;
	struct walk_scope *sc = &ctx->scopes[ctx->nscopes++];
	sc->file = file;
	sc->start = start;
	sc->end = end;
	sc->cur = fn;
	sc->names = -1;
	sc->twin_done = 0;
	sc->seeded = -1;
	sc->name = name;
	return 0;
}

static int walk_scope_cmp(const void *a, const void *b)
{
	const struct walk_scope *x = a, *y = b;

	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	return x->start < y->start ? -1 : x->start > y->start;
}

void walk_scope_index(struct walk_ctx *ctx)
{
	if (ctx->nscopes > 1)
		qsort(ctx->scopes, ctx->nscopes, sizeof(ctx->scopes[0]), walk_scope_cmp);
}

struct walk_scope *walk_scope_at(struct walk_ctx *ctx, size_t file, unsigned off)
{
	/* the last scope starting at or before (file, off); function
	 * definitions do not nest */
	size_t lo = 0, hi = ctx->nscopes;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct walk_scope *s = &ctx->scopes[mid];
		if (s->file < file || (s->file == file && s->start <= off))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	struct walk_scope *s = &ctx->scopes[lo - 1];
	return s->file == file && off >= s->start && off < s->end ? s : NULL;
}

/* Identifiers whose presence makes a scope dual-stack (see walk.h). */
static const char *const walk_v6_idents[] = {
	"AF_INET6",    "PF_INET6",         "sockaddr_in6",     "in6_addr",
	"in6addr_any", "in6addr_loopback", "IN6ADDR_ANY_INIT", "IN6ADDR_LOOPBACK_INIT",
	"sin6_addr",   "sin6_family",      "sin6_port",        "sin6_scope_id",
	"s6_addr",     "IPPROTO_IPV6",     "ipv6_mreq",        "in6_pktinfo",
};

static const char *const walk_resolvers[] = {
	"gethostbyname", "gethostbyname_r", "gethostbyname2", "getaddrinfo", "inet_addr", "inet_aton", "inet_pton",
};

unsigned walk_ident_names(const char *t)
{
	if (t[0] == 'g' || (t[0] == 'i' && t[1] == 'n' && t[2] == 'e'))
		for (size_t j = 0; j < sizeof(walk_resolvers) / sizeof(walk_resolvers[0]); j++)
			if (strcmp(t, walk_resolvers[j]) == 0)
				return WALK_NAMES_RESOLVER;
	/* every entry starts with one of these letters: a cheap first test */
	if (t[0] != 'A' && t[0] != 'P' && t[0] != 's' && t[0] != 'i' && t[0] != 'I')
		return 0;
	if (strcmp(t, "AF_INET") == 0 || strcmp(t, "PF_INET") == 0)
		return WALK_NAMES_INET;
	if (strcmp(t, "AI_V4MAPPED") == 0)
		return WALK_NAMES_V4MAPPED;
	if (strncmp(t, "IN6_IS_ADDR_", 12) == 0 || strcmp(t, "IN6_ARE_ADDR_EQUAL") == 0)
		return WALK_NAMES_V6;
	for (size_t j = 0; j < sizeof(walk_v6_idents) / sizeof(walk_v6_idents[0]); j++)
		if (strcmp(t, walk_v6_idents[j]) == 0)
			return WALK_NAMES_V6;
	return 0;
}

static unsigned walk_range_names(struct walk_ctx *ctx, CXSourceRange range, int skip_first, int depth);

/* What project macro m's body names, directly or through the project
 * macros it names. */
static unsigned walk_macro_names(struct walk_ctx *ctx, struct walk_macro *m, int depth)
{
	if (m->names >= 0)
		return (unsigned)m->names;
	if (depth > WALK_MACRO_DEPTH)
		return 0;
	m->names = 0; /* a macro naming itself ends here */
	m->names = (int)walk_range_names(ctx, clang_getCursorExtent(m->def), 1, depth + 1);
	return (unsigned)m->names;
}

static unsigned walk_range_names(struct walk_ctx *ctx, CXSourceRange range, int skip_first, int depth)
{
	CXToken *toks;
	unsigned n, names = 0;

	clang_tokenize(ctx->tu, range, &toks, &n);
	for (unsigned i = skip_first ? 1 : 0; i < n && names != WALK_NAMES_ALL; i++) {
		CXTokenKind tk = clang_getTokenKind(toks[i]);
		if (tk == CXToken_Literal) {
			CXString s = clang_getTokenSpelling(ctx->tu, toks[i]);
			const char *t = clang_getCString(s);
			if (strcmp(t, "'['") == 0 || strcmp(t, "\"[\"") == 0)
				names |= WALK_NAMES_BRACKET;
			clang_disposeString(s);
			continue;
		}
		if (tk != CXToken_Identifier)
			continue;
		CXString s = clang_getTokenSpelling(ctx->tu, toks[i]);
		const char *t = clang_getCString(s);
		unsigned here = walk_ident_names(t);
		if (!here) {
			struct walk_macro *m = walk_macro_named(ctx, t);
			if (m)
				here = walk_macro_names(ctx, m, depth);
		}
		names |= here;
		clang_disposeString(s);
	}
	clang_disposeTokens(ctx->tu, toks, n);
	return names;
}

/* The extent of c as a range of its file's text: a declaration that starts
 * with a macro (a `bool` return type, an `EXPORT` marker) has a macro
 * location at its start, and clang_tokenize returns nothing for a range
 * whose ends lie in different files. */
static CXSourceRange walk_text_range(struct walk_ctx *ctx, CXCursor c)
{
	CXSourceRange r = clang_getCursorExtent(c);
	CXFile f1, f2;
	unsigned o1, o2;

	clang_getExpansionLocation(clang_getRangeStart(r), &f1, NULL, NULL, &o1);
	clang_getExpansionLocation(clang_getRangeEnd(r), &f2, NULL, NULL, &o2);
	if (!f1 || !f2 || !clang_File_isEqual(f1, f2) || o2 < o1)
		return r;
	return clang_getRange(clang_getLocationForOffset(ctx->tu, f1, o1), clang_getLocationForOffset(ctx->tu, f1, o2));
}

static unsigned walk_record_names(struct walk_ctx *ctx, CXCursor rec)
{
	for (size_t i = 0; i < ctx->nrecords; i++)
		if (clang_equalCursors(ctx->records[i].cur, rec))
			return ctx->records[i].names;
	struct walk_record *nr = walk_grow(ctx->records, ctx->nrecords, sizeof(*nr), ctx);
	if (!nr)
		return 0;
	ctx->records = nr;
	unsigned names = walk_range_names(ctx, walk_text_range(ctx, rec), 0, 0);
	/* a union of address types is the dual-stack idiom itself */
	if (clang_getCursorKind(rec) == CXCursor_UnionDecl)
		names |= WALK_NAMES_V6;
	ctx->records[ctx->nrecords].cur = rec;
	ctx->records[ctx->nrecords++].names = names;
	return names;
}

static unsigned walk_own_names(struct walk_ctx *ctx, struct walk_scope *s)
{
	if (s->names < 0)
		s->names = (int)walk_range_names(ctx, walk_text_range(ctx, s->cur), 0, 0);
	return (unsigned)s->names;
}

static struct walk_scope *walk_scope_named(struct walk_ctx *ctx, const char *name)
{
	for (size_t i = 0; i < ctx->nscopes; i++)
		if (strcmp(ctx->scopes[i].name, name) == 0)
			return &ctx->scopes[i];
	return NULL;
}

/* The IPv6 twin of function s, defined in this translation unit: the name
 * with its last '4' written '6' (cidr4_match, cidr6_match; addr_v4,
 * addr_v6), or the name followed by "6" (get_localhost, get_localhost6). */
static struct walk_scope *walk_twin(struct walk_ctx *ctx, const struct walk_scope *s)
{
	char name[256];
	size_t n = strlen(s->name);

	if (n + 2 > sizeof(name))
		return NULL;
	memcpy(name, s->name, n + 1);
	char *four = strrchr(name, '4');
	if (four) {
		*four = '6';
		struct walk_scope *t = walk_scope_named(ctx, name);
		if (t)
			return t;
		*four = '4';
	}
	name[n] = '6';
	name[n + 1] = '\0';
	return walk_scope_named(ctx, name);
}

unsigned walk_scope_names(struct walk_ctx *ctx, CXCursor cur)
{
	unsigned rec = 0;
	if (clang_getCursorKind(cur) == CXCursor_FieldDecl) {
		/* a member: its record decides; a record declared inside a
		 * function (a per-family cache, a local pair of structs) is
		 * also part of that function, so the function's scope counts */
		rec = walk_record_names(ctx, clang_getCursorSemanticParent(cur));
		if (rec & WALK_NAMES_V6)
			return rec;
	}
	unsigned off;
	size_t file;
	if (!walk_where(ctx, clang_getCursorLocation(cur), NULL, NULL, &off, &file))
		return 0;
	struct walk_scope *s = walk_scope_at(ctx, file, off);
	if (!s)
		return rec;
	unsigned names = walk_own_names(ctx, s);
	if (!(names & WALK_NAMES_V6) && !s->twin_done) {
		/* the IPv4 half of a pair of per-family functions */
		struct walk_scope *t = walk_twin(ctx, s);
		s->twin_done = 1;
		if (t && t != s && (walk_own_names(ctx, t) & WALK_NAMES_V6))
			s->names = (int)(names |= WALK_NAMES_V6);
	}
	return names | rec;
}

int walk_in_dual_stack(struct walk_ctx *ctx, CXCursor cur)
{
	return (walk_scope_names(ctx, cur) & WALK_NAMES_V6) != 0;
}

void walk_scope_free(struct walk_ctx *ctx)
{
	for (size_t i = 0; i < ctx->nscopes; i++)
		free(ctx->scopes[i].name);
	free(ctx->scopes);
	free(ctx->records);
}
