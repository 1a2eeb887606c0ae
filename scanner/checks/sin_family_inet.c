/* v6-sin-family-inet — an address built as IPv4: AF_INET or PF_INET stored
 * in the family member of a system socket address (sin_family, sa_family,
 * ss_family), by assignment or in an initialiser (designated, or the first
 * value of a positional struct sockaddr_in initialiser). Also assignments of
 * AF_INET (or htons(AF_INET)) to a project struct's integer member named
 * *family (a wire-format address such as talk's ta_family, a tagged
 * endpoint): outside dual-stack code that fixes the address to IPv4 just
 * the same. Reported at the store; silent in dual-stack scopes. */
#include "checks.h"

#include <string.h>

#include "../ast.h"
#include "../walk.h"

static int is_family_member(const char *m)
{
	return strcmp(m, "sin_family") == 0 || strcmp(m, "sa_family") == 0 || strcmp(m, "ss_family") == 0;
}

/* m = the member's name when expr is a project struct's integer member
 * whose name ends in "family" */
static int is_project_family_member(CXCursor expr, char *m, size_t len)
{
	expr = ast_strip(expr);
	if (clang_getCursorKind(expr) != CXCursor_MemberRefExpr)
		return 0;
	CXCursor field = clang_getCursorReferenced(expr);
	if (clang_getCursorKind(field) != CXCursor_FieldDecl ||
	    clang_Location_isInSystemHeader(clang_getCursorLocation(field)))
		return 0;
	CXType t = clang_getCanonicalType(clang_getCursorType(field));
	if (t.kind < CXType_Char_U || t.kind > CXType_LongLong)
		return 0;
	CXString s = clang_getCursorSpelling(field);
	const char *name = clang_getCString(s);
	size_t n = strlen(name);
	int ok = n >= 6 && n < len && strcmp(name + n - 6, "family") == 0;
	if (ok)
		memcpy(m, name, n + 1);
	clang_disposeString(s);
	return ok;
}

/* the family value of expr, through htons()/ntohs() (a wire-format family) */
static int family_value(struct walk_ctx *ctx, CXCursor expr)
{
	static const char *const swaps[] = { "htons", "ntohs", "__bswap_16", "__uint16_identity" };
	CXCursor v = ast_strip(expr);

	if (clang_getCursorKind(v) == CXCursor_CallExpr && clang_Cursor_getNumArguments(v) == 1 &&
	    ast_system_callee(v, swaps, sizeof(swaps) / sizeof(swaps[0])))
		expr = clang_Cursor_getArgument(v, 0);
	return walk_family_of(ctx, expr);
}

struct init_scan {
	struct walk_ctx *ctx;
	const struct v6scan_check *self;
	CXCursor init;
	int sockaddr_in;
};

static void on_init(const char *field, unsigned position, CXCursor value, void *data)
{
	struct init_scan *w = data;

	if (field ? !is_family_member(field) : !(w->sockaddr_in && position == 0))
		return;
	if (walk_family_of(w->ctx, value) != 4 || walk_in_dual_stack(w->ctx, w->init))
		return;
	/* at the AF_INET token itself: the value is a system macro's body */
	walk_report_loc(w->ctx, w->self, clang_getRangeStart(clang_getCursorExtent(value)), "AF_INET",
			"the address is built as IPv4: its family is set to AF_INET");
}

void check_sin_family_inet_match(struct walk_ctx *ctx, const struct v6scan_check *self, CXCursor cur)
{
	char m[32];

	if (clang_getCursorKind(cur) == CXCursor_InitListExpr) {
		CXType t = clang_getCanonicalType(clang_getCursorType(cur));
		if (t.kind != CXType_Record)
			return;
		struct init_scan w = {
			.ctx = ctx, .self = self, .init = cur, .sockaddr_in = ast_type_is(t, "struct sockaddr_in", 0)
		};
		ast_init_fields(cur, on_init, &w);
		return;
	}
	CXCursor lhs = walk_first(ctx, cur);
	if (ast_system_member(lhs, m, sizeof(m)) ? !is_family_member(m) : !is_project_family_member(lhs, m, sizeof(m)))
		return;
	if (family_value(ctx, walk_last(ctx, cur)) != 4 || !walk_is_op(ctx, cur, "="))
		return;
	if (walk_in_dual_stack(ctx, cur))
		return;
	walk_report(ctx, self, cur, m, "the address is built as IPv4: %s is set to AF_INET", m);
}

V6SCAN_CHECK_PARTS(sin_family_inet,
		   "Setting the family to AF_INET fixes the address being built to IPv4 before anything is known "
		   "about the peer: the code around it fills a struct sockaddr_in by hand, and no IPv6 address can "
		   "come out of it.",
		   "let getaddrinfo() build the address (ai_addr, ai_addrlen) for every family it returns, or fill a "
		   "struct sockaddr_storage per family",
		   CXCursor_BinaryOperator, CXCursor_InitListExpr);
