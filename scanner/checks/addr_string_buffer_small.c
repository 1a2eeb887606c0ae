/* v6-addr-string-buffer-small — address text written into a buffer too
 * small for an IPv6 address (INET6_ADDRSTRLEN, 46 bytes with the NUL):
 *   - the destination of inet_ntop() or getnameinfo()'s host buffer is a
 *     char array with fewer than 46 elements: reported at the array's
 *     declaration, where the size is written;
 *   - their length argument is a constant below 46 while the array (if the
 *     call names one) is large enough: reported at the call;
 *   - the destination of strcpy, strncpy, stpcpy, memcpy, sprintf or
 *     snprintf is such an array and another argument is an inet_ntoa()
 *     call (the 16-byte buffer that will have to grow with the port).
 * Left alone: inet_ntop(AF_INET, ...) and conversions whose source is a
 * struct in_addr or struct sockaddr_in (the IPv4 half of dual-stack code,
 * where 16 bytes are right; an IPv4-only call is other checks' finding),
 * and buffers that are pointers or parameters (their size is not seen).
 *
 * Fix-it, for a reported array: its size written as a number or as
 * INET_ADDRSTRLEN (alone, or one token of an expression such as
 * INET_ADDRSTRLEN + 6) becomes INET6_ADDRSTRLEN, or NI_MAXHOST for
 * getnameinfo() without NI_NUMERICHOST (a name needs up to 1025 bytes). A
 * size written through a project macro is left to the reader (other arrays
 * may use the macro). */
#include "checks.h"

#include <stdio.h>
#include <string.h>

#include "../ast.h"
#include "../fixit.h"
#include "../walk.h"
#include "util_tree.h"

#define V6_TEXT_MIN 46 /* INET6_ADDRSTRLEN: "ffff:...:255.255.255.255" and the NUL */

static const char *const converters[] = { "getnameinfo", "inet_ntop" };
static const char *const copies[] = { "memcpy", "snprintf", "sprintf", "stpcpy", "strcpy", "strncpy" };
static const char *const ntoa[] = { "inet_ntoa" };

/* The element count of the char array that expr designates (a variable or
 * member, not a parameter), stored with the array in *obj; 0 when expr is
 * not such an array. */
static long long char_array_size(CXCursor expr, CXCursor *obj)
{
	*obj = util_named_object(expr);
	if (clang_Cursor_isNull(*obj) || clang_getCursorKind(*obj) == CXCursor_ParmDecl)
		return 0;
	CXType t = clang_getCanonicalType(clang_getCursorType(*obj));
	if (t.kind != CXType_ConstantArray)
		return 0;
	enum CXTypeKind ek = clang_getCanonicalType(clang_getArrayElementType(t)).kind;
	if (ek != CXType_Char_S && ek != CXType_Char_U && ek != CXType_SChar && ek != CXType_UChar)
		return 0;
	return clang_getArraySize(t);
}

static int eval_int(CXCursor e, long long *v)
{
	CXEvalResult ev = clang_Cursor_Evaluate(e);
	int ok = ev && clang_EvalResult_getKind(ev) == CXEval_Int;

	if (ok)
		*v = clang_EvalResult_getAsLongLong(ev);
	if (ev)
		clang_EvalResult_dispose(ev);
	return ok;
}

/* 1 when the tokens of the call's argument i include `name`. */
static int arg_names(struct walk_ctx *ctx, CXCursor call, unsigned i, const char *name)
{
	CXToken *toks = NULL;
	unsigned n = 0;
	int found = 0;

	if ((unsigned)clang_Cursor_getNumArguments(call) <= i)
		return 0;
	/* the text as written: a flag macro's extent is its definition's */
	CXSourceRange r = clang_getCursorExtent(clang_Cursor_getArgument(call, i));
	CXFile f1, f2;
	unsigned o1, o2;
	clang_getExpansionLocation(clang_getRangeStart(r), &f1, NULL, NULL, &o1);
	clang_getExpansionLocation(clang_getRangeEnd(r), &f2, NULL, NULL, &o2);
	if (!f1 || !f2 || !clang_File_isEqual(f1, f2))
		return 0;
	r = clang_getRange(clang_getLocationForOffset(walk_tu_of(ctx), f1, o1),
			   clang_getLocationForOffset(walk_tu_of(ctx), f1, (o2 > o1 ? o2 : o1) + 1));
	clang_tokenize(walk_tu_of(ctx), r, &toks, &n);
	for (unsigned k = 0; k < n && !found; k++) {
		CXString sp = clang_getTokenSpelling(walk_tu_of(ctx), toks[k]);
		found = strcmp(clang_getCString(sp), name) == 0;
		clang_disposeString(sp);
	}
	clang_disposeTokens(walk_tu_of(ctx), toks, n);
	return found;
}

/* The fix-it of the finding just reported at array `obj`: the size between
 * the brackets after its name becomes `size`. */
static void offer_fix(struct walk_ctx *ctx, CXCursor obj, const char *size)
{
	CXTranslationUnit tu = walk_tu_of(ctx);
	CXString name = clang_getCursorSpelling(obj);
	CXToken *toks = NULL;
	unsigned n = 0, open = 0, close = 0, addrstrlen = 0, naddrstrlen = 0;

	clang_tokenize(tu, clang_getCursorExtent(obj), &toks, &n);
	for (unsigned i = 0; i < n && !close; i++) {
		CXString sp = clang_getTokenSpelling(tu, toks[i]);
		const char *t = clang_getCString(sp);
		if (!open && i > 0 && strcmp(t, "[") == 0) {
			CXString prev = clang_getTokenSpelling(tu, toks[i - 1]);
			if (strcmp(clang_getCString(prev), clang_getCString(name)) == 0)
				open = i + 1;
			clang_disposeString(prev);
		} else if (open && strcmp(t, "]") == 0) {
			close = i;
		} else if (open && strcmp(t, "INET_ADDRSTRLEN") == 0) {
			addrstrlen = i;
			naddrstrlen++;
		}
		clang_disposeString(sp);
	}
	struct fixit fx;
	fixit_init(&fx);
	char desc[96];
	if (close && naddrstrlen == 1) {
		fixit_replace(ctx, &fx, clang_getTokenLocation(tu, toks[addrstrlen]), "INET_ADDRSTRLEN", size);
		snprintf(desc, sizeof(desc), "replace INET_ADDRSTRLEN with %s.", size);
	} else if (close && close == open + 1 && clang_getTokenKind(toks[open]) == CXToken_Literal) {
		CXString lit = clang_getTokenSpelling(tu, toks[open]);
		fixit_replace(ctx, &fx, clang_getTokenLocation(tu, toks[open]), clang_getCString(lit), size);
		snprintf(desc, sizeof(desc), "size %s[] with %s.", clang_getCString(name), size);
		clang_disposeString(lit);
	} else {
		fx.bad = 1;
	}
	if (!fx.bad)
		fixit_attach(ctx, &fx, desc);
	clang_disposeTokens(tu, toks, n);
	clang_disposeString(name);
}

/* call: the converter (NULL for a copy of inet_ntoa() text). */
static void report_array(struct walk_ctx *ctx, const struct v6scan_check *self, CXCursor obj, long long size,
			 const char *fn, CXCursor call)
{
	CXString s = clang_getCursorSpelling(obj);
	walk_report(ctx, self, obj, clang_getCString(s),
		    "%s[%lld] receives %s() text but holds %lld characters; an IPv6 address needs up to 45",
		    clang_getCString(s), size, fn, size - 1);
	clang_disposeString(s);
	/* getnameinfo writes a name unless NI_NUMERICHOST: NI_MAXHOST */
	int name = strcmp(fn, "getnameinfo") == 0 && !arg_names(ctx, call, 6, "NI_NUMERICHOST");
	offer_fix(ctx, obj, name ? "NI_MAXHOST" : "INET6_ADDRSTRLEN");
}

/* 1 when the conversion's source is IPv4 by type or family macro. */
static int ipv4_source(struct walk_ctx *ctx, CXCursor call, const char *fn)
{
	char macro[64];
	CXCursor src = ast_strip(clang_Cursor_getArgument(call, fn[0] == 'i' ? 1 : 0));
	CXType t = clang_getCursorType(src);

	if (ast_type_is(t, "struct in_addr", 1) || ast_type_is(t, "struct sockaddr_in", 1))
		return 1;
	if (clang_getCursorKind(src) == CXCursor_UnaryOperator) {
		CXType inner = clang_getCursorType(ast_strip(ast_first_child(src)));
		if (ast_type_is(inner, "struct in_addr", 0) || ast_type_is(inner, "struct sockaddr_in", 0))
			return 1;
	}
	if (fn[0] == 'i') {
		const char *m = walk_macro_of(ctx, clang_Cursor_getArgument(call, 0), macro, sizeof(macro));
		if (m && (strcmp(m, "AF_INET") == 0 || strcmp(m, "PF_INET") == 0))
			return 1;
	}
	return 0;
}

static void match_converter(struct walk_ctx *ctx, const struct v6scan_check *self, CXCursor call, const char *fn)
{
	CXCursor obj;
	long long len;

	if (clang_Cursor_getNumArguments(call) < 4 || ipv4_source(ctx, call, fn))
		return;
	long long size = char_array_size(clang_Cursor_getArgument(call, 2), &obj);
	if (size > 0 && size < V6_TEXT_MIN) {
		report_array(ctx, self, obj, size, fn, call);
		return;
	}
	CXCursor lenarg = clang_Cursor_getArgument(call, 3);
	if (eval_int(lenarg, &len) && len > 0 && len < V6_TEXT_MIN)
		walk_report(ctx, self, call, fn, /* not lenarg: INET_ADDRSTRLEN is a system macro */
			    "%s() is given room for %lld characters of address text; an IPv6 address needs up to 45",
			    fn, len - 1);
}

static void match_copy(struct walk_ctx *ctx, const struct v6scan_check *self, CXCursor call)
{
	int n = clang_Cursor_getNumArguments(call);
	int from_ntoa = 0;
	CXCursor obj;

	for (int i = 1; i < n && !from_ntoa; i++) {
		CXCursor a = ast_strip(clang_Cursor_getArgument(call, (unsigned)i));
		from_ntoa = clang_getCursorKind(a) == CXCursor_CallExpr && ast_system_callee(a, ntoa, 1);
	}
	if (!from_ntoa)
		return;
	long long size = char_array_size(clang_Cursor_getArgument(call, 0), &obj);
	if (size > 0 && size < V6_TEXT_MIN)
		report_array(ctx, self, obj, size, "inet_ntoa", clang_getNullCursor());
}

void check_addr_string_buffer_small_match(struct walk_ctx *ctx, const struct v6scan_check *self, CXCursor cur)
{
	const char *fn = walk_system_callee(ctx, cur, converters, sizeof(converters) / sizeof(converters[0]));

	if (fn) {
		match_converter(ctx, self, cur, fn);
		return;
	}
	if (walk_system_callee(ctx, cur, copies, sizeof(copies) / sizeof(copies[0])) &&
	    clang_Cursor_getNumArguments(cur) >= 2)
		match_copy(ctx, self, cur);
}

V6SCAN_CHECK_PARTS(addr_string_buffer_small,
		   "The longest IPv6 address text is 45 characters (an IPv4-mapped address) plus the NUL, more "
		   "with a %scope; a 16-byte buffer sized for dotted quads makes inet_ntop() fail with ENOSPC "
		   "and getnameinfo() fail or truncate.",
		   "size address text buffers INET6_ADDRSTRLEN (numeric) or NI_MAXHOST (names and scopes), and "
		   "pass sizeof the buffer as its length",
		   CXCursor_CallExpr);
