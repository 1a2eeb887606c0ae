/* walk — see walk.h.
 *
 * A translation unit is handled in two passes over cursors, the second being
 * the one AST walk:
 *   1. a shallow pass over the top-level cursors only (no recursion) that
 *      keeps those in project files, and records project macro expansions
 *      and definitions and the extents of project function definitions
 *      (for scopes and the dual-stack rule);
 *   2. the recursive walk from the kept cursors, dispatching to checks.
 * The first pass is needed because libclang lists macro expansions of the
 * preprocessing record at the top level, not beside the AST nodes they
 * produce, and a finding inside a macro must be moved to its `#define`.
 */
#include "walk_int.h"

#include "ast.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

CXTranslationUnit walk_tu_of(const struct walk_ctx *ctx)
{
	return ctx->tu;
}

int *walk_memo(struct walk_ctx *ctx, const struct v6scan_check *self)
{
	for (size_t i = 0; i < ctx->cfg->nchecks && i < 64; i++)
		if (ctx->cfg->checks[i] == self)
			return &ctx->memo[i];
	return NULL;
}

CXCursor walk_parent(const struct walk_ctx *ctx)
{
	return ctx->parent;
}

void *walk_grow(void *arr, size_t n, size_t size, struct walk_ctx *ctx)
{
	/* grows by powers of two: called with the current count */
	if (n && (n & (n - 1)))
		return arr;
	void *na = reallocarray(arr, n ? n * 2 : 8, size);
	if (!na)
		ctx->err = -ENOMEM;
	return na;
}

/* realpath() of absolute file names, kept for the process: every
 * translation unit names the same project headers, and resolving each
 * costs a system call per path component. A name's answer (NULL when it
 * did not resolve) does not depend on the working directory. All three
 * guarded by walk_real_lock. */
struct walk_real {
	char *name;
	char *real;
};
static pthread_mutex_t walk_real_lock = PTHREAD_MUTEX_INITIALIZER;
static struct walk_real *walk_reals;
static size_t walk_nreals;

/* realpath(name, NULL), from the cache when name is absolute. */
static char *walk_realpath(const char *name)
{
	char *real = NULL;

	if (name[0] != '/')
		return realpath(name, NULL);
	pthread_mutex_lock(&walk_real_lock);
	for (size_t i = 0; i < walk_nreals; i++)
		if (strcmp(walk_reals[i].name, name) == 0) {
			real = walk_reals[i].real ? strdup(walk_reals[i].real) : NULL;
			pthread_mutex_unlock(&walk_real_lock);
			return real;
		}
	pthread_mutex_unlock(&walk_real_lock);
	real = realpath(name, NULL);
	pthread_mutex_lock(&walk_real_lock);
	/* grows by powers of two, as walk_grow does */
	struct walk_real *nr = walk_reals;
	if (!walk_nreals || !(walk_nreals & (walk_nreals - 1)))
		nr = reallocarray(walk_reals, walk_nreals ? walk_nreals * 2 : 64, sizeof(*nr));
	if (nr) {
		walk_reals = nr;
		char *n = strdup(name), *r = real ? strdup(real) : NULL;
		if (n && (r || !real)) {
			walk_reals[walk_nreals].name = n;
			walk_reals[walk_nreals++].real = r;
		} else {
			free(n);
			free(r);
		}
	}
	pthread_mutex_unlock(&walk_real_lock);
	return real;
}

const char *walk_file_text(struct walk_ctx *ctx, CXFile file, size_t *size)
{
	for (size_t i = 0; i < ctx->nfiles; i++) {
		struct walk_file *wf = &ctx->files[i];
		if (wf->file != file && !clang_File_isEqual(wf->file, file))
			continue;
		if (!wf->text)
			wf->text = clang_getFileContents(ctx->tu, wf->file, &wf->size);
		*size = wf->size;
		return wf->text;
	}
	return clang_getFileContents(ctx->tu, file, size);
}

struct walk_file *walk_file_get(struct walk_ctx *ctx, CXFile file, CXSourceLocation loc, size_t *fidx)
{
	size_t i;

	/* most cursors are in the file of the previous one; a file is
	 * almost always the same CXFile pointer, so compare pointers first */
	if (ctx->last_file < ctx->nfiles && ctx->files[ctx->last_file].file == file) {
		i = ctx->last_file;
		goto found;
	}
	for (i = 0; i < ctx->nfiles; i++)
		if (ctx->files[i].file == file)
			goto found;
	for (i = 0; i < ctx->nfiles; i++)
		if (clang_File_isEqual(ctx->files[i].file, file))
			goto found;

	struct walk_file *nf = walk_grow(ctx->files, ctx->nfiles, sizeof(*nf), ctx);
	if (!nf)
		return NULL;
	ctx->files = nf;
	i = ctx->nfiles++;
	struct walk_file *wf = &ctx->files[i];
	memset(wf, 0, sizeof(*wf));
	wf->file = file;
	if (!clang_Location_isInSystemHeader(loc)) {
		CXString name = clang_getFileName(file);
		char *real = walk_realpath(clang_getCString(name));
		clang_disposeString(name);
		if (real && strncmp(real, ctx->cfg->root, ctx->rootlen) == 0 && real[ctx->rootlen] == '/') {
			wf->relpath = strdup(real + ctx->rootlen + 1);
			if (!wf->relpath)
				ctx->err = -ENOMEM;
			else
				wf->project = 1;
		}
		free(real);
	}
found:
	ctx->last_file = i;
	if (fidx)
		*fidx = i;
	return &ctx->files[i];
}

struct walk_file *walk_where(struct walk_ctx *ctx, CXSourceLocation loc, unsigned *line, unsigned *col, unsigned *off,
			     size_t *fidx)
{
	CXFile file;

	clang_getExpansionLocation(loc, &file, line, col, off);
	if (!file)
		return NULL;
	struct walk_file *wf = walk_file_get(ctx, file, loc, fidx);
	return wf && wf->project ? wf : NULL;
}

static void walk_add_level(struct walk_ctx *ctx, const struct v6scan_check *check, enum v6scan_level level,
			   CXSourceLocation loc, const char *subject, const char *msg)
{
	unsigned line, col, off;
	size_t file;
	struct walk_file *wf = walk_where(ctx, loc, &line, &col, &off, &file);

	if (!wf)
		return;
	struct walk_scope *s = walk_scope_at(ctx, file, off);
	struct finding f = {
		.check = check,
		.level = level,
		.path = wf->relpath,
		.line = line,
		.column = col,
		.message = (char *)msg,
		.scope = s ? s->name : (char *)"",
		.subject = (char *)subject,
	};
	if (findings_add(ctx->out, &f))
		ctx->err = -ENOMEM;
	else
		ctx->last_added = ctx->out->count - 1;
}

struct finding *walk_last_finding(struct walk_ctx *ctx)
{
	return ctx->last_added < ctx->out->count ? &ctx->out->items[ctx->last_added] : NULL;
}

int walk_project_offset(struct walk_ctx *ctx, CXSourceLocation loc, const char **relpath, unsigned *off, unsigned *line,
			unsigned *col)
{
	struct walk_file *wf = walk_where(ctx, loc, line, col, off, NULL);

	if (!wf)
		return 0;
	*relpath = wf->relpath;
	return 1;
}

static void walk_add(struct walk_ctx *ctx, const struct v6scan_check *check, CXSourceLocation loc, const char *subject,
		     const char *msg)
{
	walk_add_level(ctx, check, check->level, loc, subject, msg);
}

void walk_report_level(struct walk_ctx *ctx, const struct v6scan_check *check, enum v6scan_level level,
		       CXSourceLocation loc, const char *subject, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	walk_add_level(ctx, check, level, loc, subject, msg);
}

static void walk_vreport(struct walk_ctx *ctx, const struct v6scan_check *check, CXCursor at, const char *subject,
			 const char *fmt, va_list ap)
{
	char msg[512];
	CXSourceLocation loc = clang_getCursorLocation(at);
	CXFile ffile;
	unsigned eoff, foff;
	size_t efile;

	ctx->last_added = SIZE_MAX;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	struct walk_file *ewf = walk_where(ctx, loc, NULL, NULL, &eoff, &efile);
	if (!ewf)
		return;
	enum CXCursorKind k = clang_getCursorKind(at);
	if (k == CXCursor_MacroExpansion || k == CXCursor_MacroDefinition) {
		walk_add(ctx, check, loc, subject, msg);
		return;
	}
	clang_getFileLocation(loc, &ffile, NULL, NULL, &foff);
	if (ffile && clang_File_isEqual(ewf->file, ffile) && foff != eoff) {
		/* spelled in a macro argument: the argument text is real source */
		walk_add(ctx, check, clang_getLocationForOffset(ctx->tu, ffile, foff), subject, msg);
		return;
	}
	struct walk_expansion *e = walk_expansion_at(ctx, efile, eoff);
	unsigned eend;
	clang_getExpansionLocation(clang_getRangeEnd(clang_getCursorExtent(at)), NULL, NULL, NULL, &eend);
	if (!e || eend > e->end) {
		/* not in a macro, or only starting with one (`AF_INET == x`):
		 * the node is written here */
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

void walk_report(struct walk_ctx *ctx, const struct v6scan_check *check, CXCursor at, const char *subject,
		 const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	walk_vreport(ctx, check, at, subject, fmt, ap);
	va_end(ap);
}

void walk_report_loc(struct walk_ctx *ctx, const struct v6scan_check *check, CXSourceLocation loc, const char *subject,
		     const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	ctx->last_added = SIZE_MAX;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	walk_add(ctx, check, loc, subject, msg);
}

const char *walk_system_callee(struct walk_ctx *ctx, CXCursor call, const char *const *names, size_t n)
{
	if (!ctx->callee_state || !clang_equalCursors(ctx->callee_of, call)) {
		CXCursor fn = clang_getCursorReferenced(call);
		ctx->callee_of = call;
		ctx->callee_system = -1;
		ctx->callee_state = 1;
		if (clang_getCursorKind(fn) == CXCursor_FunctionDecl) {
			CXString s = clang_getCursorSpelling(fn);
			const char *name = clang_getCString(s);
			size_t len = strlen(name);
			ctx->callee_state = len < sizeof(ctx->callee_name) ? 2 : 3;
			if (len < sizeof(ctx->callee_name))
				memcpy(ctx->callee_name, name, len + 1);
			clang_disposeString(s);
		}
	}
	if (ctx->callee_state == 1)
		return NULL;
	if (ctx->callee_state == 3)
		return ast_system_callee(call, names, n);
	const char *hit = NULL;
	for (size_t i = 0; i < n && !hit; i++)
		if (strcmp(ctx->callee_name, names[i]) == 0)
			hit = names[i];
	if (!hit)
		return NULL;
	if (ctx->callee_system < 0) {
		CXCursor first = clang_getCanonicalCursor(clang_getCursorReferenced(call));
		ctx->callee_system = clang_Location_isInSystemHeader(clang_getCursorLocation(first)) != 0;
	}
	return ctx->callee_system ? hit : NULL;
}

/* Records project macro expansions and definitions and project function
 * definitions; top-level cursors only. */
static enum CXChildVisitResult walk_prepass(CXCursor c, CXCursor parent, CXClientData data)
{
	struct walk_ctx *ctx = data;
	enum CXCursorKind k = clang_getCursorKind(c);
	unsigned off;
	size_t file;

	/* the walk visits only the top-level cursors kept here: a system
	 * header's declarations and macros are skipped with their subtrees */
	if (!walk_where(ctx, clang_getCursorLocation(c), NULL, NULL, &off, &file))
		return CXChildVisit_Continue;
	/* a macro name in #if/#ifdef/#ifndef/#elif/defined() is a test, not
	 * a use */
	if (k != CXCursor_MacroExpansion || !walk_on_directive_line(ctx, file, off)) {
		CXCursor *nt = walk_grow(ctx->top, ctx->ntop, sizeof(*nt), ctx);
		if (!nt)
			return CXChildVisit_Break;
		ctx->top = nt;
		ctx->top[ctx->ntop++] = c;
	}
	/* a macro's location is where its extent starts (the name of a
	 * definition, the start of an expansion): the extent, which costs a
	 * re-lex of its last token, is computed only where its end is needed */
	int rc;
	if (k == CXCursor_MacroDefinition)
		rc = walk_macro_record_definition(ctx, c);
	else if (k == CXCursor_MacroExpansion)
		rc = walk_macro_record_expansion(ctx, c, file, off);
	else if (k == CXCursor_FunctionDecl && clang_isCursorDefinition(c)) {
		CXSourceRange r = clang_getCursorExtent(c);
		unsigned start, end;
		if (!walk_where(ctx, clang_getRangeStart(r), NULL, NULL, &start, &file))
			return CXChildVisit_Continue;
		clang_getExpansionLocation(clang_getRangeEnd(r), NULL, NULL, NULL, &end);
		rc = walk_scope_record(ctx, c, file, start, end);
	} else
		return CXChildVisit_Continue;
	return rc ? CXChildVisit_Break : CXChildVisit_Continue;
}

static enum CXChildVisitResult walk_visit(CXCursor c, CXCursor parent, CXClientData data)
{
	struct walk_ctx *ctx = data;
	enum CXCursorKind k = clang_getCursorKind(c);

	if (ctx->err)
		return CXChildVisit_Break;
	/* Only top-level cursors are placed (walk_prepass): everything below a
	 * project declaration expands in the project too (a finding's own
	 * location is checked again when it is reported). */
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
	struct walk_ctx ctx = {
		.tu = tu, .cfg = cfg, .out = out, .rootlen = strlen(cfg->root), .last_added = SIZE_MAX
	};
	CXCursor root = clang_getTranslationUnitCursor(tu);

	if (cfg->nchecks > 64)
		return -E2BIG;
	for (size_t i = 0; i < 64; i++)
		ctx.memo[i] = -1;
	for (size_t i = 0; i < cfg->nchecks; i++)
		for (const enum CXCursorKind *kp = cfg->checks[i]->kinds; *kp; kp++) {
			unsigned k = (unsigned)*kp;
			if (k < WALK_KIND_MAX)
				ctx.want[k] |= UINT64_C(1) << i;
		}
	clang_visitChildren(root, walk_prepass, &ctx);
	walk_macro_index(&ctx);
	walk_scope_index(&ctx);
	for (size_t i = 0; i < ctx.ntop && !ctx.err; i++) {
		ctx.cur_top = i;
		ctx.cur_scope_known = 0;
		if (walk_visit(ctx.top[i], root, &ctx) == CXChildVisit_Recurse)
			clang_visitChildren(ctx.top[i], walk_visit, &ctx);
	}
	if (!ctx.err)
		walk_inactive(&ctx);

	for (size_t i = 0; i < ctx.nfiles; i++)
		free(ctx.files[i].relpath);
	free(ctx.files);
	free(ctx.top);
	walk_macro_free(&ctx);
	walk_scope_free(&ctx);
	walk_flow_free(&ctx);
	return ctx.err;
}
