/* walk_oper — the operands and the operator of a binary operator, for the
 * checks (walk_first, walk_last, walk_operator: the node being dispatched,
 * computed once for all checks) and for any other node
 * (walk_binary_operator). See walk.h.
 *
 * libclang 14 has no operator-kind API: the operator is the first
 * punctuation token after the left operand. ast_binary_operator finds it
 * by making source locations for the offsets between the operands and
 * tokenizing; here the file text between them is read instead, the way
 * clang_tokenize reads such a range, and the tokenizer is asked only where
 * the text holds what a plain scan should leave to clang. */
#include "walk_int.h"

#include "ast.h"

#include <stdio.h>
#include <string.h>

/* The first punctuation token of the file text from offset `from`, read
 * as clang_tokenize reads the range [from, to): tokens are raw-lexed from
 * `from` while the previous one ended before `to` (so the token that
 * reaches `to` is the last one read). Returns the punctuator's length and
 * sets *at to its offset; 0 when the range holds none; -1 when the text
 * holds something this scanner leaves to clang (a backslash, a trigraph,
 * a digraph, `//`, a character that is not plain ASCII outside a comment, a
 * prefixed or unterminated literal, an unterminated comment). */
static int walk_op_scan(const char *b, size_t size, size_t from, size_t to, size_t *at)
{
	/* the punctuators longer than one character (the longest match wins) */
	static const char *const multi[] = { "...", "<<=", ">>=", "->", "++", "--", "<<", ">>", "<=", ">=", "==", "!=",
					     "&&",  "||",  "*=",  "/=", "%=", "+=", "-=", "&=", "^=", "|=", "##" };
	size_t i = from;

	for (;;) {
		while (i < size &&
		       (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r' || b[i] == '\v' || b[i] == '\f'))
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
			while (j < size &&
			       (b[j] == '_' || (b[j] >= 'a' && b[j] <= 'z') || (b[j] >= 'A' && b[j] <= 'Z') ||
				(b[j] >= '0' && b[j] <= '9')))
				j++;
			if (j < size &&
			    (b[j] == '\'' || b[j] == '"' || b[j] == '$' || b[j] == '\\' || (unsigned char)b[j] >= 0x80))
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
static const char *walk_op_text(struct walk_ctx *ctx, CXCursor binop, CXCursor lhs, CXCursor rhs, char *buf, size_t len)
{
	CXFile f1, f2;
	unsigned o1, o2;
	size_t at;

	if (clang_Cursor_isNull(lhs) || clang_Cursor_isNull(rhs) || clang_equalCursors(lhs, rhs))
		return NULL;
	CXSourceLocation end1 = ast_expr_end(lhs);
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
