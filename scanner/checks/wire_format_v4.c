/* v6-wire-format-v4 — a wire or file format with room for IPv4 only: a
 * member of a packed record (__attribute__((packed))) that is a 32-bit
 * integer or a struct in_addr and whose name says address ("addr" in it,
 * or "ip", "ip_*", "*_ip"), when the translation unit writes that record
 * with write(), send(), sendto(), pwrite() or fwrite() (the buffer argument
 * is the record, or points to it). Reported at the member. Silent in a
 * record that also holds an IPv6 address (the dual-stack rule). A note,
 * off by default: whether a format may change is the project's call. */
#include "checks.h"

#include <ctype.h>
#include <string.h>

#include "../ast.h"
#include "../walk.h"
#include "util_tree.h"

static const char *const writers[] = { "write", "send", "sendto", "pwrite", "fwrite" };

static enum CXChildVisitResult packed_visit(CXCursor c, CXCursor parent, CXClientData d)
{
	(void)parent;
	if (clang_getCursorKind(c) == CXCursor_PackedAttr) {
		*(int *)d = 1;
		return CXChildVisit_Break;
	}
	return CXChildVisit_Continue;
}

static int is_packed(CXCursor rec)
{
	int packed = 0;

	clang_visitChildren(rec, packed_visit, &packed);
	return packed;
}

/* "addr" anywhere, or "ip" as the whole name or a '_'-separated part */
static int address_name(const char *n)
{
	size_t len = strlen(n);

	if (util_contains_nocase(n, "addr"))
		return 1;
	if (len >= 2 && strncasecmp(n, "ip", 2) == 0 && (len == 2 || n[2] == '_'))
		return 1;
	return len >= 3 && strcasecmp(n + len - 3, "_ip") == 0;
}

struct writes {
	CXCursor rec;
	int found;
};

/* The record type an argument designates: the type of `x` in `&x`, `p`,
 * `(void *)&x`, through pointers. */
static int arg_is_record(CXCursor arg, CXCursor rec)
{
	CXType t = clang_getCanonicalType(clang_getCursorType(ast_strip(arg)));

	for (int i = 0; i < 4 && t.kind == CXType_Pointer; i++)
		t = clang_getCanonicalType(clang_getPointeeType(t));
	/* by declaration: a const pointee is the same record */
	return t.kind == CXType_Record &&
		clang_equalCursors(clang_getCanonicalCursor(clang_getTypeDeclaration(t)), rec);
}

static enum CXChildVisitResult writes_visit(CXCursor c, CXCursor parent, CXClientData d)
{
	struct writes *w = d;

	if (clang_getCursorKind(parent) == CXCursor_TranslationUnit &&
	    clang_Location_isInSystemHeader(clang_getCursorLocation(c)))
		return CXChildVisit_Continue;
	const char *fn;
	if (clang_getCursorKind(c) == CXCursor_CallExpr &&
	    (fn = ast_system_callee(c, writers, sizeof(writers) / sizeof(writers[0]))) != NULL &&
	    clang_Cursor_getNumArguments(c) >= 3) {
		unsigned at = strcmp(fn, "fwrite") == 0 ? 0 : 1;
		/* the buffer argument; a cast to void * hides the type: look under it */
		CXCursor a = clang_Cursor_getArgument(c, at);
		if (arg_is_record(a, w->rec)) {
			w->found = 1;
			return CXChildVisit_Break;
		}
	}
	return CXChildVisit_Recurse;
}

void check_wire_format_v4_match(struct walk_ctx *ctx, const struct v6scan_check *self, CXCursor cur)
{
	CXType t = clang_getCanonicalType(clang_getCursorType(cur));

	/* cheapest first: the member's type and name, then its record */
	int word = (t.kind == CXType_UInt || t.kind == CXType_Int || t.kind == CXType_ULong || t.kind == CXType_Long) &&
		clang_Type_getSizeOf(t) == 4;
	if (!word && !ast_type_is(t, "struct in_addr", 0))
		return;
	CXString s = clang_getCursorSpelling(cur);
	int named = address_name(clang_getCString(s));
	clang_disposeString(s);
	if (!named)
		return;
	CXCursor rec = clang_getCursorSemanticParent(cur);
	if (clang_getCursorKind(rec) != CXCursor_StructDecl || !is_packed(rec) || walk_in_dual_stack(ctx, cur))
		return;
	struct writes w = { .rec = clang_getCanonicalCursor(rec) };
	clang_visitChildren(clang_getTranslationUnitCursor(walk_tu_of(ctx)), writes_visit, &w);
	if (w.found)
		walk_report(ctx, self, cur, "wire-format",
			    "this record is written out with a 32-bit address: the format cannot carry IPv6");
}

V6SCAN_CHECK_PARTS(wire_format_v4,
		   "A record written to a socket or a file with a 4-byte address member fixes IPv4 into the protocol "
		   "or file format: an IPv6 address (16 bytes, plus a scope) has nowhere to go, and old readers "
		   "cannot be told that one is coming.",
		   "version the format: add a family field and room for 16 address bytes (or send the address as "
		   "text), and keep reading the old version",
		   CXCursor_FieldDecl);
