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

/* Why not the extent's end: libclang's extent of a binary operator starts
 * where its left operand starts, found by walking the left operands down,
 * so the extent of each left operand in a chain of n operators costs O(n)
 * and the chain O(n^2) (30,000 terms: 1.3 s). A binary operator ends where
 * its right operand ends. */
CXSourceLocation ast_expr_end(CXCursor expr)
{
	for (int i = 0; i < 64; i++) {
		enum CXCursorKind k = clang_getCursorKind(expr);
		if (k != CXCursor_BinaryOperator && k != CXCursor_CompoundAssignOperator)
			break;
		CXCursor rhs = ast_last_child(expr);
		if (clang_Cursor_isNull(rhs))
			break;
		expr = rhs;
	}
	return clang_getRangeEnd(clang_getCursorExtent(expr));
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
	CXFile f1, f2;
	unsigned o1, o2;
	clang_getFileLocation(ast_expr_end(lhs), &f1, NULL, NULL, &o1);
	clang_getFileLocation(clang_getRangeStart(clang_getCursorExtent(rhs)), &f2, NULL, NULL, &o2);
	/* the file text between them (an operand that is a macro, such as
	 * AF_INET, has its end in the macro's header otherwise) */
	if (!f1 || !f2 || !clang_File_isEqual(f1, f2) || o2 <= o1)
		return NULL;
	CXSourceRange between =
		clang_getRange(clang_getLocationForOffset(tu, f1, o1), clang_getLocationForOffset(tu, f1, o2));
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

CXCursor ast_last_child(CXCursor c)
{
	CXCursor child = clang_getNullCursor();

	clang_visitChildren(c, ast_last, &child);
	return child;
}

static CXCursor ast_strip_parens(CXCursor expr)
{
	for (int i = 0; i < 16; i++) {
		enum CXCursorKind k = clang_getCursorKind(expr);
		if (k != CXCursor_UnexposedExpr && k != CXCursor_ParenExpr)
			break;
		CXCursor child = ast_last_child(expr);
		if (clang_Cursor_isNull(child))
			break;
		expr = child;
	}
	return expr;
}

const char *ast_system_member(CXCursor expr, char *buf, size_t len)
{
	expr = ast_strip_parens(expr);
	if (clang_getCursorKind(expr) != CXCursor_MemberRefExpr)
		return NULL;
	CXCursor field = clang_getCursorReferenced(expr);
	if (clang_getCursorKind(field) != CXCursor_FieldDecl ||
	    !clang_Location_isInSystemHeader(clang_getCursorLocation(field)))
		return NULL;
	CXString s = clang_getCursorSpelling(field);
	snprintf(buf, len, "%s", clang_getCString(s));
	clang_disposeString(s);
	return buf;
}

int ast_is_assignment(CXTranslationUnit tu, CXCursor binop)
{
	char op[8];

	return ast_binary_operator(tu, binop, op, sizeof(op)) && strcmp(op, "=") == 0;
}

int ast_is_equality(CXTranslationUnit tu, CXCursor binop)
{
	char op[8];

	return ast_binary_operator(tu, binop, op, sizeof(op)) && (strcmp(op, "==") == 0 || strcmp(op, "!=") == 0);
}

struct ast_init_walk {
	ast_init_fn fn;
	void *data;
	unsigned position;
};

static enum CXChildVisitResult ast_init_one(CXCursor c, CXCursor parent, CXClientData d)
{
	struct ast_init_walk *w = d;
	CXCursor first = ast_first_child(c);

	/* a designated initialiser: UnexposedExpr { MemberRef m, value } */
	if (clang_getCursorKind(c) == CXCursor_UnexposedExpr && clang_getCursorKind(first) == CXCursor_MemberRef) {
		CXString s = clang_getCursorSpelling(first);
		w->fn(clang_getCString(s), w->position, ast_last_child(c), w->data);
		clang_disposeString(s);
	} else {
		w->fn(NULL, w->position, c, w->data);
	}
	w->position++;
	return CXChildVisit_Continue;
}

void ast_init_fields(CXCursor init, ast_init_fn fn, void *data)
{
	struct ast_init_walk w = { .fn = fn, .data = data };

	clang_visitChildren(init, ast_init_one, &w);
}

int ast_type_is_in_addr_t(CXType t, int through_pointers)
{
	for (int i = 0; i < 16; i++) {
		if (t.kind == CXType_Elaborated)
			t = clang_Type_getNamedType(t);
		if (t.kind == CXType_Typedef) {
			CXString s = clang_getTypedefName(t);
			int hit = strcmp(clang_getCString(s), "in_addr_t") == 0;
			clang_disposeString(s);
			if (hit)
				return 1;
			t = clang_getTypedefDeclUnderlyingType(clang_getTypeDeclaration(t));
		} else if (through_pointers && t.kind == CXType_Pointer) {
			t = clang_getPointeeType(t);
		} else if (through_pointers && (t.kind == CXType_ConstantArray || t.kind == CXType_IncompleteArray)) {
			t = clang_getArrayElementType(t);
		} else {
			return 0;
		}
	}
	return 0;
}

static const char *const ast_byte_order[] = { "htonl", "ntohl", "__bswap_32" };

int ast_is_ipv4_value(CXCursor expr)
{
	char m[16];

	for (int depth = 0; depth < 8; depth++) {
		expr = ast_strip(expr);
		switch (clang_getCursorKind(expr)) {
		case CXCursor_MemberRefExpr: return ast_system_member(expr, m, sizeof(m)) && strcmp(m, "s_addr") == 0;
		case CXCursor_DeclRefExpr: {
			CXCursor d = clang_getCursorReferenced(expr);
			enum CXCursorKind k = clang_getCursorKind(d);
			return (k == CXCursor_VarDecl || k == CXCursor_ParmDecl) &&
				ast_type_is_in_addr_t(clang_getCursorType(d), 0);
		}
		case CXCursor_CallExpr:
			if (!ast_system_callee(expr, ast_byte_order, 3) || clang_Cursor_getNumArguments(expr) != 1)
				return 0;
			expr = clang_Cursor_getArgument(expr, 0);
			continue;
		default: return 0;
		}
	}
	return 0;
}
