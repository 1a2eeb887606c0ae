/* util_tree — small syntax-tree queries shared by the checks of this
 * directory that need more than the cursor they are handed: the enclosing
 * declaration, the chain of ancestors of a cursor, the name of a callee, a
 * string literal's text, the variable an expression names.
 *
 * Header-only (static inline): the list of sources CMake compiles is the list
 * of checks (checks.def), and these helpers belong to no single check.
 *
 * Cost: util_ancestors visits only the subtrees whose extent contains the
 * target (a descent, not a walk), so it is cheap even in a long function;
 * checks call it only for candidates that passed their own cheap tests.
 */
#ifndef V6SCAN_CHECKS_UTIL_TREE_H
#define V6SCAN_CHECKS_UTIL_TREE_H

#include <clang-c/Index.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "../ast.h"

#define UTIL_MAX_DEPTH 64

/* The function definition or file-scope variable whose body or initializer
 * holds `c` (an expression or statement), found through semantic parents;
 * a null cursor when there is none. libclang gives an expression the
 * nearest declaration as its semantic parent (a local variable, a
 * function), so the chain ends at the outermost one below the translation
 * unit. */
static inline CXCursor util_enclosing_decl(CXCursor c)
{
	CXCursor decl = clang_getNullCursor();

	for (int i = 0; i < UTIL_MAX_DEPTH; i++) {
		CXCursor p = clang_getCursorSemanticParent(c);
		enum CXCursorKind k = clang_getCursorKind(p);
		if (clang_Cursor_isNull(p) || clang_isInvalid(k) || k == CXCursor_TranslationUnit)
			break;
		if (k == CXCursor_FunctionDecl || k == CXCursor_VarDecl)
			decl = p;
		c = p;
	}
	return decl;
}

/* The enclosing function definition of c, or a null cursor. */
static inline CXCursor util_enclosing_function(CXCursor c)
{
	CXCursor d = util_enclosing_decl(c);

	for (int i = 0; i < UTIL_MAX_DEPTH && !clang_Cursor_isNull(d); i++) {
		if (clang_getCursorKind(d) == CXCursor_FunctionDecl)
			return clang_isCursorDefinition(d) ? d : clang_getNullCursor();
		d = clang_getCursorSemanticParent(d);
		if (clang_getCursorKind(d) == CXCursor_TranslationUnit)
			break;
	}
	return clang_getNullCursor();
}

struct util_descent {
	CXCursor target;
	enum CXCursorKind t_kind;
	CXSourceRange t_range;
	unsigned t_start, t_end;
	CXCursor *out;
	int max, n, found;
};

static inline void util_offsets(CXSourceRange r, unsigned *s, unsigned *e)
{
	clang_getExpansionLocation(clang_getRangeStart(r), NULL, NULL, NULL, s);
	clang_getExpansionLocation(clang_getRangeEnd(r), NULL, NULL, NULL, e);
}

static inline enum CXChildVisitResult util_descend(CXCursor c, CXCursor parent, CXClientData data)
{
	struct util_descent *d = data;
	unsigned s, e;

	(void)parent;
	/* not clang_equalCursors: an expression cursor carries the
	 * declaration it was reached from, which differs between walks */
	if (clang_getCursorKind(c) == d->t_kind && clang_equalRanges(clang_getCursorExtent(c), d->t_range)) {
		d->found = 1;
		return CXChildVisit_Break;
	}
	util_offsets(clang_getCursorExtent(c), &s, &e);
	if (s > d->t_start || e < d->t_end)
		return CXChildVisit_Continue;
	if (d->n >= d->max)
		return CXChildVisit_Break;
	d->out[d->n++] = c;
	clang_visitChildren(c, util_descend, d);
	if (d->found)
		return CXChildVisit_Break;
	d->n--;
	return CXChildVisit_Continue;
}

/* Fills out[0..n) with the ancestors of `target` below `root` (root
 * itself first, the target's parent last) and returns n; 0 when the target
 * is not found under root. */
static inline int util_ancestors(CXCursor root, CXCursor target, CXCursor *out, int max)
{
	struct util_descent d = { .target = target, .out = out, .max = max };

	if (max < 1 || clang_Cursor_isNull(root))
		return 0;
	d.t_kind = clang_getCursorKind(target);
	d.t_range = clang_getCursorExtent(target);
	util_offsets(d.t_range, &d.t_start, &d.t_end);
	out[d.n++] = root;
	clang_visitChildren(root, util_descend, &d);
	return d.found ? d.n : 0;
}

static inline enum CXChildVisitResult util_last_visit(CXCursor c, CXCursor parent, CXClientData d)
{
	(void)parent;
	*(CXCursor *)d = c;
	return CXChildVisit_Continue;
}

/* The last child of c (a binary operator's right operand, a variable's
 * initializer, a subscript's index), or a null cursor. */
static inline CXCursor util_last_child(CXCursor c)
{
	CXCursor last = clang_getNullCursor();

	clang_visitChildren(c, util_last_visit, &last);
	return last;
}

/* 1 for the cursors that only wrap an expression (implicit conversions,
 * parentheses, casts). */
static inline int util_is_wrapper(CXCursor c)
{
	enum CXCursorKind k = clang_getCursorKind(c);

	return k == CXCursor_UnexposedExpr || k == CXCursor_ParenExpr || k == CXCursor_CStyleCastExpr;
}

/* The name of the function a CallExpr calls (project or system), written
 * into buf; NULL when the callee is not a named function. */
static inline const char *util_callee_name(CXCursor call, char *buf, size_t len)
{
	CXCursor fn = clang_getCursorReferenced(call);

	if (clang_getCursorKind(fn) != CXCursor_FunctionDecl)
		return NULL;
	CXString s = clang_getCursorSpelling(fn);
	snprintf(buf, len, "%s", clang_getCString(s));
	clang_disposeString(s);
	return buf;
}

/* 1 when s contains `word`, ignoring case. */
static inline int util_contains_nocase(const char *s, const char *word)
{
	size_t n = strlen(word);

	for (; *s; s++)
		if (strncasecmp(s, word, n) == 0)
			return 1;
	return 0;
}

/* The contents of a string literal cursor, unescaped from its spelling
 * into buf (at most len bytes with the NUL); NULL when cur is not a string
 * literal, is several concatenated literals, or its text does not fit.
 * (clang_Cursor_Evaluate gives nothing for a literal that is a call
 * argument.) An encoding prefix (L, u, U, u8) is skipped. */
static inline const char *util_string_of(CXCursor lit, char *buf, size_t len)
{
	if (clang_getCursorKind(lit) != CXCursor_StringLiteral || len == 0)
		return NULL;
	CXString s = clang_getCursorSpelling(lit);
	const char *p = clang_getCString(s);
	size_t n = 0;
	int ok = 0;

	while (*p && *p != '"')
		p++;
	if (*p == '"')
		p++;
	while (*p && *p != '"' && n + 1 < len) {
		char c = *p++;
		if (c == '\\') {
			c = *p++;
			switch (c) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			case 'a': c = '\a'; break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'v': c = '\v'; break;
			case 'x': {
				unsigned v = 0;
				while (isxdigit((unsigned char)*p))
					v = v * 16 +
						(unsigned)(isdigit((unsigned char)*p)
								   ? *p - '0'
								   : (tolower((unsigned char)*p) - 'a' + 10)),
					p++;
				c = (char)v;
				break;
			}
			case '\0':
				p--;
				c = '\\';
				break;
			default:
				if (c >= '0' && c <= '7') {
					unsigned v = (unsigned)(c - '0');
					for (int k = 0; k < 2 && *p >= '0' && *p <= '7'; k++)
						v = v * 8 + (unsigned)(*p++ - '0');
					c = (char)v;
				}
				break; /* \\ \" \' \? stand for themselves */
			}
		}
		buf[n++] = c;
	}
	if (*p == '"' && p[1] == '\0')
		ok = 1;
	buf[n] = '\0';
	clang_disposeString(s);
	return ok ? buf : NULL;
}

/* The variable, parameter or field an expression designates, through
 * wrappers, `&x` and `x[i]` (the base); a null cursor otherwise. */
static inline CXCursor util_named_object(CXCursor expr)
{
	for (int i = 0; i < 8; i++) {
		expr = ast_strip(expr);
		enum CXCursorKind k = clang_getCursorKind(expr);
		if (k == CXCursor_UnaryOperator || k == CXCursor_ArraySubscriptExpr) {
			CXCursor child = ast_first_child(expr);
			if (clang_Cursor_isNull(child))
				break;
			expr = child;
			continue;
		}
		if (k != CXCursor_DeclRefExpr && k != CXCursor_MemberRefExpr)
			break;
		CXCursor obj = clang_getCursorReferenced(expr);
		enum CXCursorKind ok = clang_getCursorKind(obj);
		if (ok == CXCursor_VarDecl || ok == CXCursor_ParmDecl || ok == CXCursor_FieldDecl)
			return obj;
		break;
	}
	return clang_getNullCursor();
}

/* 1 when the cursor's spelling (a declaration's name) contains word,
 * ignoring case. */
static inline int util_name_has(CXCursor c, const char *word)
{
	CXString s = clang_getCursorSpelling(c);
	int has = util_contains_nocase(clang_getCString(s), word);

	clang_disposeString(s);
	return has;
}

/* The source text of c's extent (expansion locations, one file), pointing
 * into the translation unit's copy of the file: *len receives its length.
 * NULL when the extent spans files. */
static inline const char *util_text_of(CXTranslationUnit tu, CXCursor c, size_t *len)
{
	CXSourceRange r = clang_getCursorExtent(c);
	CXFile f1, f2;
	unsigned o1, o2;
	size_t size;

	clang_getExpansionLocation(clang_getRangeStart(r), &f1, NULL, NULL, &o1);
	clang_getExpansionLocation(clang_getRangeEnd(r), &f2, NULL, NULL, &o2);
	if (!f1 || !f2 || !clang_File_isEqual(f1, f2) || o2 < o1)
		return NULL;
	const char *text = clang_getFileContents(tu, f1, &size);
	if (!text || o2 > size)
		return NULL;
	*len = o2 - o1;
	return text + o1;
}

/* 1 when t[0..n) contains `word` as a whole identifier. */
static inline int util_names_in(const char *t, size_t n, const char *word)
{
	size_t wl = strlen(word);

	for (const char *p = t; p && (p = memmem(p, n - (size_t)(p - t), word, wl)) != NULL; p++) {
		int before = p > t && (isalnum((unsigned char)p[-1]) || p[-1] == '_');
		int after = (size_t)(p - t) + wl < n && (isalnum((unsigned char)p[wl]) || p[wl] == '_');
		if (!before && !after)
			return 1;
	}
	return 0;
}

/* 1 when the text of c's extent names `word` (a whole identifier). */
static inline int util_text_names(CXTranslationUnit tu, CXCursor c, const char *word)
{
	size_t n;
	const char *t = util_text_of(tu, c, &n);

	return t && util_names_in(t, n, word);
}

/* 1 when the file where c expands names `word` anywhere (inactive #if
 * branches and comments included). */
static inline int util_file_names(CXTranslationUnit tu, CXCursor c, const char *word)
{
	CXFile file;
	size_t n = 0;

	clang_getExpansionLocation(clang_getCursorLocation(c), &file, NULL, NULL, NULL);
	const char *t = file ? clang_getFileContents(tu, file, &n) : NULL;
	return t && util_names_in(t, n, word);
}

#endif
