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

static struct walk_file *walk_file_get(struct walk_ctx *ctx, CXFile file, CXSourceLocation loc, size_t *fidx)
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

struct walk_file *walk_where(struct walk_ctx *ctx, CXSourceLocation loc, unsigned *line, unsigned *col,
			     unsigned *off, size_t *fidx)
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

int walk_project_offset(struct walk_ctx *ctx, CXSourceLocation loc, const char **relpath, unsigned *off,
			unsigned *line, unsigned *col)
{
	struct walk_file *wf = walk_where(ctx, loc, line, col, off, NULL);

	if (!wf)
		return 0;
	*relpath = wf->relpath;
	return 1;
}

static void walk_add(struct walk_ctx *ctx, const struct v6scan_check *check, CXSourceLocation loc,
		     const char *subject, const char *msg)
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

static void walk_vreport(struct walk_ctx *ctx, const struct v6scan_check *check, CXCursor at,
			 const char *subject, const char *fmt, va_list ap)
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

	ctx->last_added = SIZE_MAX;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	walk_add(ctx, check, loc, subject, msg);
}

/* The first punctuation token of the file text from offset `from`, read
 * as clang_tokenize reads the range [from, to): tokens are raw-lexed from
 * `from` while the previous one ended before `to` (so the token that
 * reaches `to` is the last one read). Returns the punctuator's length and
 * sets *at to its offset; 0 when the range holds none; -1 when the text
 * holds something this scanner leaves to clang (a backslash, a trigraph,
 * a digraph, a character that is not plain ASCII outside a comment, a
 * prefixed or unterminated literal, an unterminated comment). */
static int walk_op_scan(const char *b, size_t size, size_t from, size_t to, size_t *at)
{
	/* longest first within each leading character */
	static const char *const multi[] = { "...", "<<=", ">>=", "->", "++", "--", "<<", ">>", "<=", ">=",
					     "==", "!=", "&&", "||", "*=", "/=", "%=", "+=", "-=", "&=",
					     "^=", "|=", "##" };
	size_t i = from;

	for (;;) {
		while (i < size && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r' ||
				    b[i] == '\v' || b[i] == '\f'))
			i++;
		if (i >= size)
			return 0;
		unsigned char c = (unsigned char)b[i];
		size_t j = i + 1;
		if (c == '/' && j < size && b[j] == '/') {
			return -1; /* a line comment or two slashes: depends on the language */
		} else if (c == '/' && j < size && b[j] == '*') {
			for (j++; j < size; j++) {
				if (b[j] == '\\' || (b[j] == '?' && j + 1 < size && b[j + 1] == '?'))
					return -1;
				if (b[j] == '/' && b[j - 1] == '*' && j - 1 > i + 1)
					break;
			}
			if (j >= size)
				return -1;
			j++;
		} else if (c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
			while (j < size && (b[j] == '_' || (b[j] >= 'a' && b[j] <= 'z') || (b[j] >= 'A' && b[j] <= 'Z') ||
					    (b[j] >= '0' && b[j] <= '9')))
				j++;
			if (j < size && (b[j] == '\'' || b[j] == '"' || b[j] == '$' || b[j] == '\\' ||
					 (unsigned char)b[j] >= 0x80))
				return -1; /* L"", u8'' ..., or an identifier clang extends */
		} else if ((c >= '0' && c <= '9') || (c == '.' && j < size && b[j] >= '0' && b[j] <= '9')) {
			for (; j < size; j++) {
				char d = b[j];
				if ((d == '+' || d == '-') && (b[j - 1] == 'e' || b[j - 1] == 'E'))
					continue;
				if ((d == '+' || d == '-') && (b[j - 1] == 'p' || b[j - 1] == 'P'))
					return -1; /* a hexadecimal float or not: depends on the language */
				if (!(d == '_' || d == '.' || (d >= 'a' && d <= 'z') || (d >= 'A' && d <= 'Z') ||
				      (d >= '0' && d <= '9')))
					break;
			}
			if (j < size && (b[j] == '\'' || b[j] == '$' || b[j] == '\\' || (unsigned char)b[j] >= 0x80))
				return -1;
		} else if (c == '"' || c == '\'') {
			if (c == '\'' && j < size && b[j] == '\'')
				return -1; /* '' is lexed as an unknown token */
			while (j < size && b[j] != (char)c && b[j] != '\\' && b[j] != '\n' && b[j] != '\r' &&
			       (unsigned char)b[j] < 0x80 && !(b[j] == '?' && j + 1 < size && b[j + 1] == '?'))
				j++;
			if (j >= size || b[j] != (char)c)
				return -1;
			j++;
		} else {
			/* punctuation: what clang would lex differently (digraphs,
			 * C++'s ::, .*, ->*, <=>, trigraphs, stray characters) is
			 * left to it */
			if (!strchr("[](){}.&*+-~!/%<>^|?:;=,#", c) || c == 0 ||
			    (c == '%' && j < size && (b[j] == ':' || b[j] == '>')) ||
			    (c == '<' && j < size && (b[j] == ':' || b[j] == '%')) ||
			    (c == ':' && j < size && (b[j] == '>' || b[j] == ':')) ||
			    (c == '.' && j < size && b[j] == '*') || (c == '?' && j < size && b[j] == '?') ||
			    (c == '-' && j + 1 < size && b[j] == '>' && b[j + 1] == '*') ||
			    (c == '<' && j + 1 < size && b[j] == '=' && b[j + 1] == '>'))
				return -1;
			size_t len = 1;
			for (size_t k = 0; k < sizeof(multi) / sizeof(multi[0]); k++) {
				size_t ml = strlen(multi[k]);
				if (ml > len && i + ml <= size && memcmp(b + i, multi[k], ml) == 0)
					len = ml;
			}
			*at = i;
			return (int)len;
		}
		/* a token that is not punctuation: read on only if it ended
		 * before the end of the range */
		if (j >= to)
			return 0;
		i = j;
	}
}

/* ast_binary_operator's answer for binop, whose operands are lhs and rhs,
 * read from the file's text between them (walk_op_scan) instead of making
 * source locations for the offsets and tokenizing: clang_getLocationForOffset
 * searches the translation unit's source entries linearly for a file that
 * is not the main one (a project header's enum of `A + 1` values costs that
 * search once per operator). Falls back to ast_binary_operator where the
 * text holds what walk_op_scan leaves to clang. */
static const char *walk_op_text(struct walk_ctx *ctx, CXCursor binop, CXCursor lhs, CXCursor rhs, char *buf,
				size_t len)
{
	CXFile f1, f2;
	unsigned o1, o2;
	size_t at;

	if (clang_Cursor_isNull(lhs) || clang_Cursor_isNull(rhs) || clang_equalCursors(lhs, rhs))
		return NULL;
	CXSourceLocation end1 = clang_getRangeEnd(clang_getCursorExtent(lhs));
	clang_getFileLocation(end1, &f1, NULL, NULL, &o1);
	clang_getFileLocation(clang_getRangeStart(clang_getCursorExtent(rhs)), &f2, NULL, NULL, &o2);
	if (!f1 || !f2 || !clang_File_isEqual(f1, f2) || o2 <= o1)
		return NULL;
	/* the text of f1 through the file table, keyed as walk_where keys it
	 * (by the expansion location's file) */
	CXFile fe;
	size_t fidx;
	clang_getExpansionLocation(end1, &fe, NULL, NULL, NULL);
	if (!fe || !clang_File_isEqual(fe, f1) || !walk_file_get(ctx, fe, end1, &fidx))
		return ast_binary_operator(ctx->tu, binop, buf, len);
	struct walk_file *wf = &ctx->files[fidx];
	if (!wf->text)
		wf->text = clang_getFileContents(ctx->tu, wf->file, &wf->size);
	int n = wf->text && o2 <= wf->size ? walk_op_scan(wf->text, wf->size, o1, o2, &at) : -1;
	if (n < 0)
		return ast_binary_operator(ctx->tu, binop, buf, len);
	if (n == 0)
		buf = NULL;
	else
		snprintf(buf, len, "%.*s", n, wf->text + at);
	return buf;
}

const char *walk_binary_operator(struct walk_ctx *ctx, CXCursor binop, char *buf, size_t len)
{
	return walk_op_text(ctx, binop, ast_first_child(binop), ast_last_child(binop), buf, len);
}

int walk_binop_is(struct walk_ctx *ctx, CXCursor binop, const char *op)
{
	char o[8];

	return walk_binary_operator(ctx, binop, o, sizeof(o)) && strcmp(o, op) == 0;
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

/* Keeps the first and the last child seen: ast_first_child and
 * ast_last_child in one visit. */
static enum CXChildVisitResult walk_op_child(CXCursor c, CXCursor parent, CXClientData data)
{
	struct walk_ctx *ctx = data;

	if (clang_Cursor_isNull(ctx->op_first))
		ctx->op_first = c;
	ctx->op_last = c;
	return CXChildVisit_Continue;
}

static void walk_op_load(struct walk_ctx *ctx, CXCursor cur)
{
	if (ctx->op_state && clang_equalCursors(ctx->op_cur, cur))
		return;
	ctx->op_cur = cur;
	ctx->op_first = ctx->op_last = clang_getNullCursor();
	clang_visitChildren(cur, walk_op_child, ctx);
	ctx->op_state = 1;
}

CXCursor walk_first(struct walk_ctx *ctx, CXCursor cur)
{
	walk_op_load(ctx, cur);
	return ctx->op_first;
}

CXCursor walk_last(struct walk_ctx *ctx, CXCursor cur)
{
	walk_op_load(ctx, cur);
	return ctx->op_last;
}

const char *walk_operator(struct walk_ctx *ctx, CXCursor binop)
{
	walk_op_load(ctx, binop);
	if (ctx->op_state == 1) {
		if (!walk_op_text(ctx, binop, ctx->op_first, ctx->op_last, ctx->op_text, sizeof(ctx->op_text)))
			ctx->op_text[0] = '\0';
		ctx->op_state = 2;
	}
	return ctx->op_text[0] ? ctx->op_text : NULL;
}

int walk_is_op(struct walk_ctx *ctx, CXCursor binop, const char *op)
{
	const char *o = walk_operator(ctx, binop);

	return o && strcmp(o, op) == 0;
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
	struct walk_ctx ctx = { .tu = tu, .cfg = cfg, .out = out, .rootlen = strlen(cfg->root),
				.last_added = SIZE_MAX };
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
