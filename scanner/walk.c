/* walk — see walk.h.
 *
 * A translation unit is handled in two passes over cursors, the second being
 * the one AST walk:
 *   1. a shallow pass over the top-level cursors only (no recursion) that
 *      records project macro expansions and definitions, and the extents of
 *      project function definitions (for scopes and the dual-stack rule);
 *   2. the recursive walk that dispatches cursors to checks.
 * The first pass is needed because libclang lists macro expansions of the
 * preprocessing record at the top level, not beside the AST nodes they
 * produce, and a finding inside a macro must be moved to its `#define`.
 */
#include "walk.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WALK_KIND_MAX 1024
#define WALK_MACRO_DEPTH 8

struct walk_file {
	CXFile file;
	int project;
	char *relpath;
};

struct walk_expansion {
	CXFile file;
	unsigned start, end;   /* file offsets, end exclusive */
	CXCursor def;          /* MacroDefinition, or a null cursor (builtins) */
	int def_is_project;
};

struct walk_macro {
	char *name;
	CXCursor def;
};

struct walk_scope {
	CXFile file;
	unsigned start, end;
	CXCursor cur;
	int dual;              /* -1 not computed yet */
	char *name;
};

struct walk_ctx {
	CXTranslationUnit tu;
	const struct walk_config *cfg;
	size_t rootlen;
	struct findings *out;
	int err;
	CXCursor parent;                /* parent of the cursor being dispatched */
	uint64_t want[WALK_KIND_MAX];   /* bit i: cfg->checks[i] wants this kind */
	struct walk_file *files;
	size_t nfiles;
	size_t last_file;               /* index of the last file looked up */
	struct walk_expansion *exps;
	size_t nexps;
	struct walk_macro *macros;
	size_t nmacros;
	struct walk_scope *scopes;
	size_t nscopes;
};

/* Identifiers whose presence makes a scope dual-stack (see walk.h). */
static const char *const walk_v6_idents[] = {
	"AF_INET6", "PF_INET6", "sockaddr_in6", "in6_addr", "in6addr_any", "in6addr_loopback",
	"IN6ADDR_ANY_INIT", "IN6ADDR_LOOPBACK_INIT", "sin6_addr", "sin6_family",
};

CXTranslationUnit walk_tu_of(const struct walk_ctx *ctx)
{
	return ctx->tu;
}

CXCursor walk_parent(const struct walk_ctx *ctx)
{
	return ctx->parent;
}

static void *walk_grow(void *arr, size_t n, size_t size, struct walk_ctx *ctx)
{
	/* grows by powers of two: called with the current count */
	if (n && (n & (n - 1)))
		return arr;
	void *na = reallocarray(arr, n ? n * 2 : 8, size);
	if (!na)
		ctx->err = -ENOMEM;
	return na;
}

static struct walk_file *walk_file_get(struct walk_ctx *ctx, CXFile file, CXSourceLocation loc)
{
	/* most cursors are in the file of the previous one */
	if (ctx->last_file < ctx->nfiles && ctx->files[ctx->last_file].file == file)
		return &ctx->files[ctx->last_file];
	for (size_t i = 0; i < ctx->nfiles; i++)
		if (ctx->files[i].file == file || clang_File_isEqual(ctx->files[i].file, file)) {
			ctx->last_file = i;
			return &ctx->files[i];
		}

	struct walk_file *nf = walk_grow(ctx->files, ctx->nfiles, sizeof(*nf), ctx);
	if (!nf)
		return NULL;
	ctx->files = nf;
	struct walk_file *wf = &ctx->files[ctx->nfiles++];
	wf->file = file;
	wf->project = 0;
	wf->relpath = NULL;
	if (clang_Location_isInSystemHeader(loc))
		return wf;
	CXString name = clang_getFileName(file);
	char *real = realpath(clang_getCString(name), NULL);
	clang_disposeString(name);
	if (!real)
		return wf;
	if (strncmp(real, ctx->cfg->root, ctx->rootlen) == 0 && real[ctx->rootlen] == '/') {
		wf->relpath = strdup(real + ctx->rootlen + 1);
		if (!wf->relpath)
			ctx->err = -ENOMEM;
		else
			wf->project = 1;
	}
	free(real);
	return wf;
}

/* Expansion location of loc; returns the project file record or NULL. */
static struct walk_file *walk_where(struct walk_ctx *ctx, CXSourceLocation loc, unsigned *line,
				    unsigned *col, unsigned *off)
{
	CXFile file;

	clang_getExpansionLocation(loc, &file, line, col, off);
	if (!file)
		return NULL;
	struct walk_file *wf = walk_file_get(ctx, file, loc);
	return wf && wf->project ? wf : NULL;
}

static struct walk_scope *walk_scope_at(struct walk_ctx *ctx, CXFile file, unsigned off)
{
	for (size_t i = 0; i < ctx->nscopes; i++) {
		struct walk_scope *s = &ctx->scopes[i];
		if (off >= s->start && off < s->end && clang_File_isEqual(s->file, file))
			return s;
	}
	return NULL;
}

static void walk_add(struct walk_ctx *ctx, const struct v6scan_check *check, CXSourceLocation loc,
		     const char *subject, const char *msg)
{
	unsigned line, col, off;
	struct walk_file *wf = walk_where(ctx, loc, &line, &col, &off);

	if (!wf)
		return;
	struct walk_scope *s = walk_scope_at(ctx, wf->file, off);
	struct finding f = {
		.check = check,
		.level = check->level,
		.path = wf->relpath,
		.line = line,
		.column = col,
		.message = (char *)msg,
		.scope = s ? s->name : (char *)"",
		.subject = (char *)subject,
	};
	if (findings_add(ctx->out, &f))
		ctx->err = -ENOMEM;
}

static int walk_token_is(CXTranslationUnit tu, CXToken tok, const char *text)
{
	CXString s = clang_getTokenSpelling(tu, tok);
	int eq = strcmp(clang_getCString(s), text) == 0;

	clang_disposeString(s);
	return eq;
}

static struct walk_macro *walk_macro_named(struct walk_ctx *ctx, const char *name)
{
	for (size_t i = 0; i < ctx->nmacros; i++)
		if (strcmp(ctx->macros[i].name, name) == 0)
			return &ctx->macros[i];
	return NULL;
}

/* Searches the body of project macro `def` (and, recursively, of project
 * macros it names) for the identifier `subject`; sets *loc on success. */
static int walk_find_in_macro(struct walk_ctx *ctx, CXCursor def, const char *subject, int depth,
			      CXSourceLocation *loc)
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

static struct walk_expansion *walk_expansion_at(struct walk_ctx *ctx, CXFile file, unsigned off)
{
	for (size_t i = 0; i < ctx->nexps; i++) {
		struct walk_expansion *e = &ctx->exps[i];
		if (e->start == off && clang_File_isEqual(e->file, file))
			return e;
	}
	return NULL;
}

static void walk_vreport(struct walk_ctx *ctx, const struct v6scan_check *check, CXCursor at,
			 const char *subject, const char *fmt, va_list ap)
{
	char msg[512];
	CXSourceLocation loc = clang_getCursorLocation(at);
	CXFile efile, ffile;
	unsigned eoff, foff;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	clang_getExpansionLocation(loc, &efile, NULL, NULL, &eoff);
	clang_getFileLocation(loc, &ffile, NULL, NULL, &foff);
	if (!efile)
		return;
	enum CXCursorKind k = clang_getCursorKind(at);
	if (k == CXCursor_MacroExpansion || k == CXCursor_MacroDefinition) {
		walk_add(ctx, check, loc, subject, msg);
		return;
	}
	if (ffile && clang_File_isEqual(efile, ffile) && foff != eoff) {
		/* spelled in a macro argument: the argument text is real source */
		walk_add(ctx, check, clang_getLocationForOffset(ctx->tu, ffile, foff),
			 subject, msg);
		return;
	}
	struct walk_expansion *e = walk_expansion_at(ctx, efile, eoff);
	if (!e) {
		walk_add(ctx, check, loc, subject, msg);
		return;
	}
	if (!e->def_is_project)
		return;
	CXSourceLocation at_def;
	if (!walk_find_in_macro(ctx, e->def, subject, 0, &at_def))
		at_def = clang_getCursorLocation(e->def);
	walk_add(ctx, check, at_def, subject, msg);
}

void walk_report(struct walk_ctx *ctx, const struct v6scan_check *check, CXCursor at,
		 const char *subject, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	walk_vreport(ctx, check, at, subject, fmt, ap);
	va_end(ap);
}

void walk_report_loc(struct walk_ctx *ctx, const struct v6scan_check *check, CXSourceLocation loc,
		     const char *subject, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	walk_add(ctx, check, loc, subject, msg);
}

static int walk_extent_names_v6(struct walk_ctx *ctx, CXSourceRange range)
{
	CXToken *toks;
	unsigned n;
	int dual = 0;

	clang_tokenize(ctx->tu, range, &toks, &n);
	for (unsigned i = 0; i < n && !dual; i++) {
		if (clang_getTokenKind(toks[i]) != CXToken_Identifier)
			continue;
		CXString s = clang_getTokenSpelling(ctx->tu, toks[i]);
		const char *t = clang_getCString(s);
		for (size_t j = 0; j < sizeof(walk_v6_idents) / sizeof(walk_v6_idents[0]); j++)
			if (strcmp(t, walk_v6_idents[j]) == 0)
				dual = 1;
		clang_disposeString(s);
	}
	clang_disposeTokens(ctx->tu, toks, n);
	return dual;
}

int walk_in_dual_stack(struct walk_ctx *ctx, CXCursor cur)
{
	if (clang_getCursorKind(cur) == CXCursor_FieldDecl) {
		CXCursor parent = clang_getCursorSemanticParent(cur);
		if (clang_getCursorKind(parent) == CXCursor_UnionDecl)
			return 1;
		return walk_extent_names_v6(ctx, clang_getCursorExtent(parent));
	}
	CXFile file;
	unsigned off;
	clang_getExpansionLocation(clang_getCursorLocation(cur), &file, NULL, NULL, &off);
	if (!file)
		return 0;
	struct walk_scope *s = walk_scope_at(ctx, file, off);
	if (!s)
		return 0;
	if (s->dual < 0)
		s->dual = walk_extent_names_v6(ctx, clang_getCursorExtent(s->cur));
	return s->dual;
}

/* Strips implicit conversions and parentheses around an expression. */
static CXCursor walk_strip_implicit(CXCursor c);

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

const char *walk_macro_of(struct walk_ctx *ctx, CXCursor expr, char *buf, size_t len)
{
	CXFile file;
	unsigned off, end;

	expr = walk_strip_implicit(expr);
	CXSourceRange r = clang_getCursorExtent(expr);
	clang_getExpansionLocation(clang_getRangeStart(r), &file, NULL, NULL, &off);
	clang_getExpansionLocation(clang_getRangeEnd(r), NULL, NULL, NULL, &end);
	if (!file)
		return NULL;
	struct walk_expansion *e = walk_expansion_at(ctx, file, off);
	if (!e || end > e->end || clang_Cursor_isNull(e->def))
		return NULL;
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

static enum CXChildVisitResult walk_prepass(CXCursor c, CXCursor parent, CXClientData data)
{
	struct walk_ctx *ctx = data;
	enum CXCursorKind k = clang_getCursorKind(c);

	if (k != CXCursor_MacroExpansion && k != CXCursor_MacroDefinition && k != CXCursor_FunctionDecl)
		return CXChildVisit_Continue;
	if (k == CXCursor_FunctionDecl && !clang_isCursorDefinition(c))
		return CXChildVisit_Continue;
	CXSourceRange r = clang_getCursorExtent(c);
	unsigned line, col, start, end;
	struct walk_file *wf = walk_where(ctx, clang_getRangeStart(r), &line, &col, &start);
	if (!wf)
		return CXChildVisit_Continue;
	clang_getExpansionLocation(clang_getRangeEnd(r), NULL, NULL, NULL, &end);

	if (k == CXCursor_MacroExpansion) {
		struct walk_expansion *ne = walk_grow(ctx->exps, ctx->nexps, sizeof(*ne), ctx);
		if (!ne)
			return CXChildVisit_Break;
		ctx->exps = ne;
		struct walk_expansion *e = &ctx->exps[ctx->nexps++];
		e->file = wf->file;
		e->start = start;
		e->end = end;
		e->def = clang_getCursorReferenced(c);
		e->def_is_project = 0;
		if (!clang_Cursor_isNull(e->def)) {
			unsigned dl, dc, doff;
			e->def_is_project = walk_where(ctx, clang_getCursorLocation(e->def), &dl, &dc, &doff) != NULL;
		}
	} else if (k == CXCursor_MacroDefinition) {
		struct walk_macro *nm = walk_grow(ctx->macros, ctx->nmacros, sizeof(*nm), ctx);
		if (!nm)
			return CXChildVisit_Break;
		ctx->macros = nm;
		CXString s = clang_getCursorSpelling(c);
		char *name = strdup(clang_getCString(s));
		clang_disposeString(s);
		if (!name) {
			ctx->err = -ENOMEM;
			return CXChildVisit_Break;
		}
		ctx->macros[ctx->nmacros].name = name;
		ctx->macros[ctx->nmacros++].def = c;
	} else {
		struct walk_scope *ns = walk_grow(ctx->scopes, ctx->nscopes, sizeof(*ns), ctx);
		if (!ns)
			return CXChildVisit_Break;
		ctx->scopes = ns;
		CXString s = clang_getCursorSpelling(c);
		char *name = strdup(clang_getCString(s));
		clang_disposeString(s);
		if (!name) {
			ctx->err = -ENOMEM;
			return CXChildVisit_Break;
		}
		struct walk_scope *sc = &ctx->scopes[ctx->nscopes++];
		sc->file = wf->file;
		sc->start = start;
		sc->end = end;
		sc->cur = c;
		sc->dual = -1;
		sc->name = name;
	}
	return CXChildVisit_Continue;
}

static enum CXChildVisitResult walk_visit(CXCursor c, CXCursor parent, CXClientData data)
{
	struct walk_ctx *ctx = data;
	enum CXCursorKind k = clang_getCursorKind(c);
	unsigned line, col, off;

	if (ctx->err)
		return CXChildVisit_Break;
	if (!walk_where(ctx, clang_getCursorLocation(c), &line, &col, &off))
		return CXChildVisit_Continue;
	if ((unsigned)k < WALK_KIND_MAX && ctx->want[k]) {
		uint64_t bits = ctx->want[k];
		ctx->parent = parent;
		for (size_t i = 0; i < ctx->cfg->nchecks; i++)
			if (bits & (UINT64_C(1) << i))
				ctx->cfg->checks[i]->match(ctx, ctx->cfg->checks[i], c);
	}
	return CXChildVisit_Recurse;
}

int walk_tu(CXTranslationUnit tu, const struct walk_config *cfg, struct findings *out)
{
	struct walk_ctx ctx = { .tu = tu, .cfg = cfg, .out = out, .rootlen = strlen(cfg->root) };
	CXCursor root = clang_getTranslationUnitCursor(tu);

	if (cfg->nchecks > 64)
		return -E2BIG;
	for (size_t i = 0; i < cfg->nchecks; i++)
		for (const enum CXCursorKind *kp = cfg->checks[i]->kinds; *kp; kp++) {
			unsigned k = (unsigned)*kp;
			if (k < WALK_KIND_MAX)
				ctx.want[k] |= UINT64_C(1) << i;
		}
	clang_visitChildren(root, walk_prepass, &ctx);
	if (!ctx.err)
		clang_visitChildren(root, walk_visit, &ctx);

	for (size_t i = 0; i < ctx.nfiles; i++)
		free(ctx.files[i].relpath);
	free(ctx.files);
	free(ctx.exps);
	for (size_t i = 0; i < ctx.nmacros; i++)
		free(ctx.macros[i].name);
	free(ctx.macros);
	for (size_t i = 0; i < ctx.nscopes; i++)
		free(ctx.scopes[i].name);
	free(ctx.scopes);
	return ctx.err;
}
