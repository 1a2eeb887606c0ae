/* walk_macro — the walker's view of the preprocessing record: project macro
 * definitions (by name, hashed), macro expansions in project files (sorted by
 * file and offset), finding a token in a macro body, and directive lines.
 * See walk_int.h and walk.h (walk_macro_of). */
#include "walk_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The record of project macro definition def, or NULL. */
static struct walk_macro *walk_macro_of_def(struct walk_ctx *ctx, CXCursor def)
{
	CXString s = clang_getCursorSpelling(def);
	struct walk_macro *m = walk_macro_named(ctx, clang_getCString(s));

	clang_disposeString(s);
	if (m && !clang_equalCursors(m->def, def)) {
		/* a name defined more than once: the hash holds the first */
		m = NULL;
		for (size_t i = 0; i < ctx->nmacros && !m; i++)
			if (clang_equalCursors(ctx->macros[i].def, def))
				m = &ctx->macros[i];
	}
	return m;
}

/* Marks m used, and the project macros its body names. */
static void walk_macro_mark_used(struct walk_ctx *ctx, struct walk_macro *m, int depth)
{
	CXToken *toks;
	unsigned n;

	if (m->used || depth > WALK_MACRO_DEPTH)
		return;
	m->used = 1;
	clang_tokenize(ctx->tu, clang_getCursorExtent(m->def), &toks, &n);
	for (unsigned i = 1; i < n; i++) {
		if (clang_getTokenKind(toks[i]) != CXToken_Identifier)
			continue;
		CXString s = clang_getTokenSpelling(ctx->tu, toks[i]);
		struct walk_macro *inner = walk_macro_named(ctx, clang_getCString(s));
		clang_disposeString(s);
		if (inner)
			walk_macro_mark_used(ctx, inner, depth + 1);
	}
	clang_disposeTokens(ctx->tu, toks, n);
}

int walk_macro_is_used(struct walk_ctx *ctx, CXCursor def)
{
	struct walk_macro *m = walk_macro_of_def(ctx, def);

	return m && m->used;
}

/* The end offset of the macro expansion c that starts at offset start of
 * file, when it is an object-like macro's: where its name ends, when the
 * file text there is exactly the name (as the lexer measures the token
 * the extent ends with) and no '(' follows (a function-like macro's
 * expansion runs to its ')'; the definition the expansion cursor refers
 * to cannot tell, it may be another definition of the same name). 0 when
 * that is not certain: then the extent decides. */
static int walk_expansion_quick_end(struct walk_ctx *ctx, CXCursor c, size_t file, unsigned start, unsigned *end)
{
	struct walk_file *wf = &ctx->files[file];

	if (!wf->text)
		wf->text = clang_getFileContents(ctx->tu, wf->file, &wf->size);
	CXString s = clang_getCursorSpelling(c);
	const char *name = clang_getCString(s);
	size_t len = name ? strlen(name) : 0;
	int ok = len && wf->text && start + len < wf->size && memcmp(wf->text + start, name, len) == 0;
	clang_disposeString(s);
	if (!ok)
		return 0;
	/* an identifier goes on through these (a line splice, a UCN, '$',
	 * UTF-8): leave them to the extent */
	unsigned char next = (unsigned char)wf->text[start + len];
	if (next == '_' || next == '$' || next == '\\' || next >= 0x80 || (next >= 'a' && next <= 'z') ||
	    (next >= 'A' && next <= 'Z') || (next >= '0' && next <= '9'))
		return 0;
	size_t i = start + len;
	while (i < wf->size &&
	       (wf->text[i] == ' ' || wf->text[i] == '\t' || wf->text[i] == '\n' || wf->text[i] == '\r' ||
		wf->text[i] == '\v' || wf->text[i] == '\f'))
		i++;
	/* an argument list, or a comment or line splice that may hide one */
	if (i >= wf->size || wf->text[i] == '(' || wf->text[i] == '/' || wf->text[i] == '\\')
		return 0;
	*end = start + (unsigned)len;
	return 1;
}

int walk_macro_record_expansion(struct walk_ctx *ctx, CXCursor c, size_t file, unsigned start)
{
	struct walk_expansion *ne = walk_grow(ctx->exps, ctx->nexps, sizeof(*ne), ctx);

	if (!ne)
		return -ENOMEM;
	ctx->exps = ne;
	CXCursor def = clang_getCursorReferenced(c);
	unsigned end;
	if (!walk_expansion_quick_end(ctx, c, file, start, &end))
		clang_getExpansionLocation(clang_getRangeEnd(clang_getCursorExtent(c)), NULL, NULL, NULL, &end);
	struct walk_expansion *e = &ctx->exps[ctx->nexps++];
	e->file = file;
	e->start = start;
	e->end = end;
	e->def = def;
	e->def_is_project = 0;
	e->family = -1;
	if (!clang_Cursor_isNull(e->def)) {
		unsigned doff;
		e->def_is_project = walk_where(ctx, clang_getCursorLocation(e->def), NULL, NULL, &doff, NULL) != NULL;
		/* a test in #if is not a use */
		struct walk_macro *m = e->def_is_project && !walk_on_directive_line(ctx, file, start)
			? walk_macro_of_def(ctx, e->def)
			: NULL;
		if (m)
			walk_macro_mark_used(ctx, m, 0);
	}
	return 0;
}

static size_t walk_macro_hash_of(const char *s)
{
	size_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* Inserts macros[i] unless a macro of that name is there (the first
 * definition of a name is the one kept, as before the hash existed). */
static int walk_macro_hash_put(struct walk_ctx *ctx, size_t i)
{
	if ((ctx->nmacros + 1) * 2 > ctx->macro_hash_cap) {
		size_t cap = ctx->macro_hash_cap ? ctx->macro_hash_cap * 2 : 256;
		size_t *nh = calloc(cap, sizeof(*nh));
		if (!nh)
			return -ENOMEM;
		for (size_t k = 0; k < ctx->macro_hash_cap; k++) {
			size_t v = ctx->macro_hash[k];
			if (!v)
				continue;
			size_t h = walk_macro_hash_of(ctx->macros[v - 1].name) & (cap - 1);
			while (nh[h])
				h = (h + 1) & (cap - 1);
			nh[h] = v;
		}
		free(ctx->macro_hash);
		ctx->macro_hash = nh;
		ctx->macro_hash_cap = cap;
	}
	size_t h = walk_macro_hash_of(ctx->macros[i].name) & (ctx->macro_hash_cap - 1);
	while (ctx->macro_hash[h]) {
		if (strcmp(ctx->macros[ctx->macro_hash[h] - 1].name, ctx->macros[i].name) == 0)
			return 0;
		h = (h + 1) & (ctx->macro_hash_cap - 1);
	}
	ctx->macro_hash[h] = i + 1;
	return 0;
}

int walk_macro_record_definition(struct walk_ctx *ctx, CXCursor c)
{
	struct walk_macro *nm = walk_grow(ctx->macros, ctx->nmacros, sizeof(*nm), ctx);

	if (!nm)
		return -ENOMEM;
	ctx->macros = nm;
	CXString s = clang_getCursorSpelling(c);
	char *name = strdup(clang_getCString(s));
	clang_disposeString(s);
	if (!name)
		return ctx->err = -ENOMEM;
	ctx->macros[ctx->nmacros].name = name;
	ctx->macros[ctx->nmacros].def = c;
	ctx->macros[ctx->nmacros].names = -1;
	ctx->macros[ctx->nmacros].used = 0;
	ctx->macros[ctx->nmacros].family = -1;
	ctx->nmacros++;
	if (walk_macro_hash_put(ctx, ctx->nmacros - 1))
		return ctx->err = -ENOMEM;
	return 0;
}

struct walk_macro *walk_macro_named(struct walk_ctx *ctx, const char *name)
{
	if (!ctx->macro_hash_cap)
		return NULL;
	size_t h = walk_macro_hash_of(name) & (ctx->macro_hash_cap - 1);
	while (ctx->macro_hash[h]) {
		struct walk_macro *m = &ctx->macros[ctx->macro_hash[h] - 1];
		if (strcmp(m->name, name) == 0)
			return m;
		h = (h + 1) & (ctx->macro_hash_cap - 1);
	}
	return NULL;
}

static int walk_exp_cmp(const void *a, const void *b)
{
	const struct walk_expansion *x = a, *y = b;

	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	return x->start < y->start ? -1 : x->start > y->start;
}

void walk_macro_index(struct walk_ctx *ctx)
{
	if (ctx->nexps > 1)
		qsort(ctx->exps, ctx->nexps, sizeof(ctx->exps[0]), walk_exp_cmp);
}

struct walk_expansion *walk_expansion_at(struct walk_ctx *ctx, size_t file, unsigned off)
{
	size_t lo = 0, hi = ctx->nexps;
	struct walk_expansion key = { .file = file, .start = off };

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = walk_exp_cmp(&ctx->exps[mid], &key);
		if (c == 0)
			return &ctx->exps[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int walk_token_is(CXTranslationUnit tu, CXToken tok, const char *text)
{
	CXString s = clang_getTokenSpelling(tu, tok);
	int eq = strcmp(clang_getCString(s), text) == 0;

	clang_disposeString(s);
	return eq;
}

int walk_find_in_macro(struct walk_ctx *ctx, CXCursor def, const char *subject, int depth, CXSourceLocation *loc)
{
	CXToken *toks;
	unsigned n;
	int found = 0;

	if (depth > WALK_MACRO_DEPTH)
		return 0;
	clang_tokenize(ctx->tu, clang_getCursorExtent(def), &toks, &n);
	/* toks[0] is the macro's own name */
	for (unsigned i = 1; i < n && !found; i++) {
		if (clang_getTokenKind(toks[i]) != CXToken_Identifier)
			continue;
		if (walk_token_is(ctx->tu, toks[i], subject)) {
			*loc = clang_getTokenLocation(ctx->tu, toks[i]);
			found = 1;
		}
	}
	for (unsigned i = 1; i < n && !found; i++) {
		if (clang_getTokenKind(toks[i]) != CXToken_Identifier)
			continue;
		CXString s = clang_getTokenSpelling(ctx->tu, toks[i]);
		struct walk_macro *m = walk_macro_named(ctx, clang_getCString(s));
		clang_disposeString(s);
		if (m && !clang_equalCursors(m->def, def))
			found = walk_find_in_macro(ctx, m->def, subject, depth + 1, loc);
	}
	clang_disposeTokens(ctx->tu, toks, n);
	return found;
}

int walk_on_directive_line(struct walk_ctx *ctx, size_t file, unsigned off)
{
	struct walk_file *wf = &ctx->files[file];

	if (!wf->text)
		wf->text = clang_getFileContents(ctx->tu, wf->file, &wf->size);
	if (!wf->text || off > wf->size)
		return 0;
	const char *b = wf->text;
	size_t i = off;
	for (int lines = 0; lines < 64; lines++) {
		size_t ls = i;
		while (ls > 0 && b[ls - 1] != '\n')
			ls--;
		size_t j = ls;
		while (j < wf->size && (b[j] == ' ' || b[j] == '\t'))
			j++;
		if (j < wf->size && b[j] == '#')
			return 1;
		/* a directive continued onto this line by a backslash-newline */
		if (ls >= 2 && b[ls - 2] == '\\')
			i = ls - 2;
		else if (ls >= 3 && b[ls - 2] == '\r' && b[ls - 3] == '\\')
			i = ls - 3;
		else
			return 0;
	}
	return 0;
}

/* Strips implicit conversions and parentheses around an expression. */
static enum CXChildVisitResult walk_last_child(CXCursor c, CXCursor parent, CXClientData d)
{
	*(CXCursor *)d = c;
	return CXChildVisit_Continue;
}

static CXCursor walk_strip_implicit(CXCursor c)
{
	for (int i = 0; i < 16; i++) {
		enum CXCursorKind k = clang_getCursorKind(c);
		if (k != CXCursor_UnexposedExpr && k != CXCursor_ParenExpr)
			break;
		CXCursor child = clang_getNullCursor();
		clang_visitChildren(c, walk_last_child, &child);
		if (clang_Cursor_isNull(child))
			break;
		c = child;
	}
	return c;
}

/* The expansion that produces exactly the expression expr (implicit
 * conversions and parentheses already stripped), or NULL. */
static struct walk_expansion *walk_expansion_of_stripped(struct walk_ctx *ctx, CXCursor expr)
{
	unsigned off, end;
	size_t file;
	/* a literal's location is where its extent starts: the extent, which
	 * re-lexes its last token, is needed only at an expansion */
	int literal = clang_getCursorKind(expr) == CXCursor_IntegerLiteral;
	CXSourceRange r = literal ? clang_getNullRange() : clang_getCursorExtent(expr);

	if (!walk_where(ctx, literal ? clang_getCursorLocation(expr) : clang_getRangeStart(r), NULL, NULL, &off, &file))
		return NULL;
	struct walk_expansion *e = walk_expansion_at(ctx, file, off);
	if (!e || clang_Cursor_isNull(e->def))
		return NULL;
	if (literal)
		r = clang_getCursorExtent(expr);
	clang_getExpansionLocation(clang_getRangeEnd(r), NULL, NULL, NULL, &end);
	return end > e->end ? NULL : e;
}

static struct walk_expansion *walk_expansion_of(struct walk_ctx *ctx, CXCursor expr)
{
	return walk_expansion_of_stripped(ctx, walk_strip_implicit(expr));
}

/* The name expansion e finally resolves to (see walk_macro_of). */
static const char *walk_expansion_name(struct walk_ctx *ctx, const struct walk_expansion *e, char *buf, size_t len)
{
	CXString s = clang_getCursorSpelling(e->def);
	snprintf(buf, len, "%s", clang_getCString(s));
	clang_disposeString(s);
	/* follow "#define NAME OTHER" chains through project macros */
	CXCursor def = e->def;
	int project = e->def_is_project;
	for (int depth = 0; project && depth < WALK_MACRO_DEPTH; depth++) {
		CXToken *toks;
		unsigned n;
		clang_tokenize(ctx->tu, clang_getCursorExtent(def), &toks, &n);
		int single = n == 2 && clang_getTokenKind(toks[1]) == CXToken_Identifier &&
			!clang_Cursor_isMacroFunctionLike(def);
		if (single) {
			CXString t = clang_getTokenSpelling(ctx->tu, toks[1]);
			snprintf(buf, len, "%s", clang_getCString(t));
			clang_disposeString(t);
		}
		clang_disposeTokens(ctx->tu, toks, n);
		if (!single)
			break;
		struct walk_macro *m = walk_macro_named(ctx, buf);
		if (!m)
			break;
		def = m->def;
	}
	return buf;
}

const char *walk_macro_of(struct walk_ctx *ctx, CXCursor expr, char *buf, size_t len)
{
	struct walk_expansion *e = walk_expansion_of(ctx, expr);

	return e ? walk_expansion_name(ctx, e, buf, len) : NULL;
}

int walk_written_by_macro(struct walk_ctx *ctx, CXCursor cur)
{
	CXSourceLocation loc = clang_getCursorLocation(cur);
	CXFile ffile;
	unsigned off, foff;
	size_t file;

	if (!walk_where(ctx, loc, NULL, NULL, &off, &file))
		return 0;
	clang_getFileLocation(loc, &ffile, NULL, NULL, &foff);
	/* spelled in a macro argument: written in the source */
	if (foff != off)
		return 0;
	struct walk_expansion *e = walk_expansion_at(ctx, file, off);
	/* the macro's name is at off: the cursor came from its body (the
	 * expansion cursor itself excepted) */
	return e && clang_getCursorKind(cur) != CXCursor_MacroExpansion;
}

int walk_family_of(struct walk_ctx *ctx, CXCursor expr)
{
	char m[32];

	/* a family macro expands to a number: anything else is not one */
	expr = walk_strip_implicit(expr);
	if (clang_getCursorKind(expr) != CXCursor_IntegerLiteral)
		return 0;
	struct walk_expansion *e = walk_expansion_of_stripped(ctx, expr);
	if (!e)
		return 0;
	if (e->family >= 0)
		return e->family;
	/* resolving a project macro tokenizes it: once per definition */
	struct walk_macro *pm = e->def_is_project ? walk_macro_of_def(ctx, e->def) : NULL;
	if (pm && pm->family >= 0)
		return e->family = pm->family;
	walk_expansion_name(ctx, e, m, sizeof(m));
	if (strcmp(m, "AF_INET") == 0 || strcmp(m, "PF_INET") == 0)
		e->family = 4;
	else if (strcmp(m, "AF_INET6") == 0 || strcmp(m, "PF_INET6") == 0)
		e->family = 6;
	else
		e->family = 0;
	if (pm)
		pm->family = e->family;
	return e->family;
}

void walk_macro_free(struct walk_ctx *ctx)
{
	free(ctx->exps);
	for (size_t i = 0; i < ctx->nmacros; i++)
		free(ctx->macros[i].name);
	free(ctx->macros);
	free(ctx->macro_hash);
}
