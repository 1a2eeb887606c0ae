/* ast — see ast.h. */
#include "ast.h"

#include <stdio.h>
#include <string.h>

const char *ast_system_callee(CXCursor call, const char *const *names, size_t n)
{
	CXCursor fn = clang_getCursorReferenced(call);
	const char *hit = NULL;

	if (clang_getCursorKind(fn) != CXCursor_FunctionDecl)
		return NULL;
	CXString s = clang_getCursorSpelling(fn);
	const char *name = clang_getCString(s);
	for (size_t i = 0; i < n && !hit; i++)
		if (strcmp(name, names[i]) == 0)
			hit = names[i];
	clang_disposeString(s);
	if (!hit)
		return NULL;
	CXCursor first = clang_getCanonicalCursor(fn);
	if (!clang_Location_isInSystemHeader(clang_getCursorLocation(first)))
		return NULL;
	return hit;
}

static enum CXChildVisitResult ast_last(CXCursor c, CXCursor parent, CXClientData d)
{
	*(CXCursor *)d = c;
	return CXChildVisit_Continue;
}

static enum CXChildVisitResult ast_first(CXCursor c, CXCursor parent, CXClientData d)
{
	*(CXCursor *)d = c;
	return CXChildVisit_Break;
}

CXCursor ast_first_child(CXCursor c)
{
	CXCursor child = clang_getNullCursor();

	clang_visitChildren(c, ast_first, &child);
	return child;
}

CXCursor ast_strip(CXCursor expr)
{
	for (int i = 0; i < 32; i++) {
		enum CXCursorKind k = clang_getCursorKind(expr);
		/* glibc's transparent __SOCKADDR_ARG union turns an address
		 * argument into a compound literal holding an init list */
		if (k != CXCursor_UnexposedExpr && k != CXCursor_ParenExpr && k != CXCursor_CStyleCastExpr &&
		    k != CXCursor_CompoundLiteralExpr && k != CXCursor_InitListExpr)
			break;
		/* a cast's children are its TypeRef then the operand: take the last */
		CXCursor child = clang_getNullCursor();
		clang_visitChildren(expr, ast_last, &child);
		if (clang_Cursor_isNull(child))
			break;
		expr = child;
	}
	return expr;
}

int ast_type_is(CXType t, const char *spelling, int through_pointers)
{
	t = clang_getCanonicalType(t);
	for (int i = 0; i < 16; i++) {
		if (t.kind == CXType_ConstantArray || t.kind == CXType_IncompleteArray ||
		    t.kind == CXType_VariableArray)
			t = clang_getCanonicalType(clang_getArrayElementType(t));
		else if (through_pointers && t.kind == CXType_Pointer)
			t = clang_getCanonicalType(clang_getPointeeType(t));
		else
			break;
	}
	if (t.kind != CXType_Record)
		return 0;
	CXString s = clang_getTypeSpelling(t);
	const char *p = clang_getCString(s);
	for (;;) {
		if (strncmp(p, "const ", 6) == 0)
			p += 6;
		else if (strncmp(p, "volatile ", 9) == 0)
			p += 9;
		else
			break;
	}
	int eq = strcmp(p, spelling) == 0;
	clang_disposeString(s);
	return eq;
}

int ast_field_of_system_struct(CXCursor field, const char *struct_name)
{
	CXCursor parent = clang_getCursorSemanticParent(field);

	if (clang_getCursorKind(parent) != CXCursor_StructDecl)
		return 0;
	if (!clang_Location_isInSystemHeader(clang_getCursorLocation(parent)))
		return 0;
	CXString s = clang_getCursorSpelling(parent);
	int eq = strcmp(clang_getCString(s), struct_name) == 0;
	clang_disposeString(s);
	return eq;
}

const char *ast_binary_operator(CXTranslationUnit tu, CXCursor binop, char *buf, size_t len)
{
	CXCursor lhs = ast_first_child(binop), rhs = clang_getNullCursor();
	CXToken *toks;
	unsigned n;
	const char *found = NULL;

	clang_visitChildren(binop, ast_last, &rhs);
	if (clang_Cursor_isNull(lhs) || clang_Cursor_isNull(rhs) || clang_equalCursors(lhs, rhs))
		return NULL;
	/* only the text between the operands: tokenizing the whole extent
	 * of every operator is quadratic in nested expressions */
	CXSourceRange between = clang_getRange(clang_getRangeEnd(clang_getCursorExtent(lhs)),
					       clang_getRangeStart(clang_getCursorExtent(rhs)));
	clang_tokenize(tu, between, &toks, &n);
	for (unsigned i = 0; i < n && !found; i++) {
		if (clang_getTokenKind(toks[i]) != CXToken_Punctuation)
			continue;
		CXString s = clang_getTokenSpelling(tu, toks[i]);
		snprintf(buf, len, "%s", clang_getCString(s));
		clang_disposeString(s);
		found = buf;
	}
	clang_disposeTokens(tu, toks, n);
	return found;
}
