/* util_macro — the "system macro by name" match shared by the checks that
 * report uses of libc macros (IP_ADD_MEMBERSHIP, IN_CLASSA, SIOCGIFADDR):
 * a MacroExpansion of a system-header macro written in project code (the
 * walker hands no expansion on #if/#ifdef lines), and a used project macro
 * whose #define names one of them (reported at that token of the
 * #define, once). Header-only, like util_tree.h.
 */
#ifndef V6SCAN_CHECKS_UTIL_MACRO_H
#define V6SCAN_CHECKS_UTIL_MACRO_H

#include <clang-c/Index.h>
#include <stdio.h>
#include <string.h>

#include "../walk.h"

/* The entry of names[0..n) equal to s, or NULL. A name ending in '*' is
 * a prefix ("IN_CLASS*"). */
static inline const char *util_name_in(const char *s, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(names[i]);
		if (l && names[i][l - 1] == '*' ? strncmp(s, names[i], l - 1) == 0 : strcmp(s, names[i]) == 0)
			return names[i];
	}
	return NULL;
}

/* For a MacroExpansion cursor: the listed system macro it expands, or
 * NULL. The returned name is the macro's own (written into buf). */
static inline const char *util_system_macro(CXCursor cur, const char *const *names, size_t n, char *buf, size_t len)
{
	if (clang_getCursorKind(cur) != CXCursor_MacroExpansion)
		return NULL;
	/* the name first: most expansions are of other macros */
	CXString s = clang_getCursorSpelling(cur);
	const char *hit = util_name_in(clang_getCString(s), names, n) ? buf : NULL;
	if (hit)
		snprintf(buf, len, "%s", clang_getCString(s));
	clang_disposeString(s);
	if (!hit)
		return NULL;
	CXCursor def = clang_getCursorReferenced(cur);
	if (clang_Cursor_isNull(def) || !clang_Location_isInSystemHeader(clang_getCursorLocation(def)))
		return NULL;
	return hit;
}

/* For a MacroDefinition cursor of a used project macro: reports, through
 * report(ctx, self, loc, name), each token of its body that is one of the
 * listed names. */
static inline void util_project_macro_names(struct walk_ctx *ctx, const struct v6scan_check *self, CXCursor def,
					    const char *const *names, size_t n,
					    void (*report)(struct walk_ctx *, const struct v6scan_check *,
							   CXSourceLocation, const char *))
{
	CXTranslationUnit tu = walk_tu_of(ctx);
	CXToken *toks;
	unsigned nt;

	if (clang_getCursorKind(def) != CXCursor_MacroDefinition || !walk_macro_is_used(ctx, def))
		return;
	/* a text search of the definition before the tokenizer: most bodies
	 * name none of the list */
	CXSourceRange r = clang_getCursorExtent(def);
	CXFile f;
	unsigned o1, o2;
	size_t size;
	CXFile f2;
	clang_getSpellingLocation(clang_getRangeStart(r), &f, NULL, NULL, &o1);
	clang_getSpellingLocation(clang_getRangeEnd(r), &f2, NULL, NULL, &o2);
	const char *text = f && f2 && clang_File_isEqual(f, f2) ? walk_file_text(ctx, f, &size) : NULL;
	if (text && o2 <= size && o2 > o1 && o2 - o1 < 65536) {
		int any = 0;
		for (size_t i = 0; i < n && !any; i++) {
			size_t l = strlen(names[i]);
			if (l && names[i][l - 1] == '*')
				l--;
			any = l && memmem(text + o1, o2 - o1, names[i], l) != NULL;
		}
		if (!any)
			return;
	}
	clang_tokenize(tu, r, &toks, &nt);
	for (unsigned i = 1; i < nt; i++) {
		if (clang_getTokenKind(toks[i]) != CXToken_Identifier)
			continue;
		CXString s = clang_getTokenSpelling(tu, toks[i]);
		if (util_name_in(clang_getCString(s), names, n))
			report(ctx, self, clang_getTokenLocation(tu, toks[i]), clang_getCString(s));
		clang_disposeString(s);
	}
	clang_disposeTokens(tu, toks, nt);
}

#endif
