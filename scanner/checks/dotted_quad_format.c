/* v6-dotted-quad-format — IPv4 text made or parsed by hand: a call (libc's
 * printf/scanf families or a project wrapper) with a string literal
 * argument whose format holds four integer conversions joined by dots
 * ("%d.%d.%d.%d", "%u.%u.%u.%u", "%hhu.%hhu.%hhu.%hhu", widths allowed),
 * followed by at least four arguments. Reported at the format literal.
 *
 * Output (a call whose name has no "scanf"): only when at least one of the
 * four values is a byte view of an address: a shift by 24, 16 or 8, a mask
 * with 0xff, an element of an unsigned char array, or the elements [0] to
 * [3] of one array; four plain variables are a version number.
 * Input (scanf family): unless the input or a destination is named like a
 * version.
 * Left alone in dual-stack code: a function that handles IPv6, or a file
 * that names IPv6 or spells an IPv6 literal (util_addrtext.h): there the
 * dotted quad is the IPv4 half of a formatter or a URL host normaliser. */
#include "checks.h"

#include <ctype.h>
#include <string.h>

#include "../ast.h"
#include "../walk.h"
#include "util_addrtext.h"
#include "util_tree.h"

/* Parses the conversion at f (just after '%'); returns its length, or 0
 * when it is not one. *is_int: an integer conversion; *args: the arguments
 * it consumes ('*' widths count). */
static size_t conversion(const char *f, int *is_int, int *args)
{
	size_t i = 0;

	*args = 1;
	while (f[i] && strchr("-+ #0'", f[i]))
		i++;
	if (f[i] == '*') {
		(*args)++;
		i++;
	}
	while (isdigit((unsigned char)f[i]))
		i++;
	if (f[i] == '.') {
		i++;
		if (f[i] == '*') {
			(*args)++;
			i++;
		}
		while (isdigit((unsigned char)f[i]))
			i++;
	}
	while (f[i] == 'h' || f[i] == 'l')
		i++;
	if (!f[i])
		return 0;
	*is_int = strchr("diuxX", f[i]) != NULL;
	return i + 1;
}

/* When fmt holds four integer conversions joined by '.', returns 1 and the
 * index (among the values after the format) of the first of them. */
static int find_quad(const char *fmt, int *first)
{
	int seen = 0, run = 0, run_start = 0;
	const char *prev_end = NULL; /* just after the previous integer conversion */

	for (const char *p = fmt; *p; p++) {
		if (*p != '%')
			continue;
		if (p[1] == '%') {
			p++;
			continue;
		}
		int is_int = 0, args = 0;
		size_t n = conversion(p + 1, &is_int, &args);
		if (!n)
			return 0;
		if (!is_int) {
			run = 0;
		} else {
			if (run > 0 && prev_end == p - 1 && *prev_end == '.') {
				run++;
			} else {
				run = 1;
				run_start = seen + args - 1;
			}
			prev_end = p + 1 + n;
			if (run == 4) {
				*first = run_start;
				return 1;
			}
		}
		seen += args;
		p += n;
	}
	return 0;
}

static int is_byte_type(CXType t)
{
	enum CXTypeKind k = clang_getCanonicalType(t).kind;

	return k == CXType_UChar || k == CXType_Char_U;
}

static int const_value(CXCursor e, long long *v)
{
	CXEvalResult ev = clang_Cursor_Evaluate(e);
	int ok = ev && clang_EvalResult_getKind(ev) == CXEval_Int;

	if (ok)
		*v = clang_EvalResult_getAsLongLong(ev);
	if (ev)
		clang_EvalResult_dispose(ev);
	return ok;
}

/* 1 when e extracts a byte of an address: x >> 24/16/8 (or << for the
 * parse), x & 0xff, an unsigned char element, through parentheses and
 * casts. */
static int byte_view(struct walk_ctx *ctx, CXCursor e, int depth)
{
	char op[8];
	long long v;

	e = ast_strip(e);
	if (depth > 3)
		return 0;
	if (clang_getCursorKind(e) == CXCursor_ArraySubscriptExpr)
		return is_byte_type(clang_getCursorType(e));
	if (clang_getCursorKind(e) != CXCursor_BinaryOperator)
		return 0;
	CXCursor lhs = ast_first_child(e), rhs = util_last_child(e);
	if (!walk_binary_operator(ctx, e, op, sizeof(op)))
		return 0;
	if ((strcmp(op, ">>") == 0 || strcmp(op, "<<") == 0) && const_value(rhs, &v))
		return v == 24 || v == 16 || v == 8;
	if (strcmp(op, "&") == 0 && (const_value(rhs, &v) || const_value(lhs, &v)) && v == 0xff)
		return 1;
	if (strcmp(op, "&") == 0)
		return byte_view(ctx, lhs, depth + 1) || byte_view(ctx, rhs, depth + 1);
	return 0;
}

/* 1 when the four values are elements [0], [1], [2], [3] of one array. */
static int four_elements(CXCursor call, int first)
{
	CXCursor base0 = clang_getNullCursor();

	for (int i = 0; i < 4; i++) {
		CXCursor e = ast_strip(clang_Cursor_getArgument(call, (unsigned)(first + i)));
		long long idx;
		if (clang_getCursorKind(e) != CXCursor_ArraySubscriptExpr)
			return 0;
		CXCursor base = util_named_object(ast_first_child(e)), sub = util_last_child(e);
		if (clang_Cursor_isNull(base) || !const_value(sub, &idx) || idx != i)
			return 0;
		if (i == 0)
			base0 = base;
		else if (!clang_equalCursors(base, base0))
			return 0;
	}
	return 1;
}

static int names_version(CXCursor e)
{
	CXCursor obj = util_named_object(e);

	return !clang_Cursor_isNull(obj) && (util_name_has(obj, "version") || util_name_has(obj, "ver"));
}

void check_dotted_quad_format_match(struct walk_ctx *ctx, const struct v6scan_check *self, CXCursor cur)
{
	int nargs = clang_Cursor_getNumArguments(cur);
	char fmt[256], name[128];

	if (nargs < 5)
		return;
	for (int i = 0; i + 4 < nargs; i++) {
		CXCursor lit = ast_strip(clang_Cursor_getArgument(cur, (unsigned)i));
		int first;
		if (!util_string_of(lit, fmt, sizeof(fmt)) || !strchr(fmt, '.') || !find_quad(fmt, &first))
			continue;
		first += i + 1;
		if (first + 4 > nargs)
			return;
		int scan = util_callee_name(cur, name, sizeof(name)) && strstr(name, "scanf");
		int evidence = 0;
		if (scan) {
			evidence = 1;
			for (int j = 0; j < nargs; j++)
				if (j != i && names_version(clang_Cursor_getArgument(cur, (unsigned)j)))
					evidence = 0;
		} else {
			for (int j = first; j < first + 4 && !evidence; j++)
				evidence = byte_view(ctx, clang_Cursor_getArgument(cur, (unsigned)j), 0);
			evidence = evidence || four_elements(cur, first);
		}
		if (!evidence || walk_in_dual_stack(ctx, cur) || util_file_handles_v6(walk_tu_of(ctx), cur))
			return;
		walk_report(ctx, self, lit, "dotted-quad", "this format %s an IPv4 address as four dotted integers",
			    scan ? "parses" : "writes");
		return;
	}
}

V6SCAN_CHECK_PARTS(dotted_quad_format,
		   "Hand-made dotted-quad text only exists for IPv4: the code around it keeps the address as 32 "
		   "bits, and IPv6 text (hex groups, '::', a zone) can be neither written nor read this way.",
		   "format with getnameinfo(..., NI_NUMERICHOST) or inet_ntop(family, ...); parse with "
		   "getaddrinfo() and AI_NUMERICHOST, or inet_pton() for each family",
		   CXCursor_CallExpr);
