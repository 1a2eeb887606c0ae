/* v6-hostent-fields — h_addr, h_addr_list, h_length and h_addrtype of a
 * system struct hostent. h_addr is a system macro (h_addr_list[0]), so it is
 * matched as a macro expansion; the member it expands to is then not
 * reported again (walk_report drops nodes produced by system macros). */
#include "checks.h"

#include <string.h>

#include "../ast.h"
#include "../walk.h"

static const char *const fields[] = { "h_addr_list", "h_addrtype", "h_length" };

void check_hostent_fields_match(struct walk_ctx *ctx, const struct v6scan_check *self, CXCursor cur)
{
	const char *name = NULL;
	CXCursor ref = clang_getCursorReferenced(cur);

	if (clang_Cursor_isNull(ref))
		return;
	CXString s = clang_getCursorSpelling(cur);
	const char *sp = clang_getCString(s);
	if (clang_getCursorKind(cur) == CXCursor_MacroExpansion) {
		if (strcmp(sp, "h_addr") == 0 && clang_Location_isInSystemHeader(clang_getCursorLocation(ref)))
			name = "h_addr";
	} else if (ast_field_of_system_struct(ref, "hostent")) {
		for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
			if (strcmp(sp, fields[i]) == 0)
				name = fields[i];
	}
	clang_disposeString(s);
	if (!name || walk_in_dual_stack(ctx, cur))
		return;
	walk_report(ctx, self, cur, name, "hostent field %s assumes the IPv4 hostent API", name);
}

V6SCAN_CHECK_PARTS(hostent_fields,
		   "Code that copies h_addr into a struct in_addr or trusts h_length == 4 handles one IPv4 "
		   "address of one name; the hostent API cannot carry a mix of families.",
		   "walk the getaddrinfo() result list and use ai_addr/ai_addrlen of each entry",
		   CXCursor_MemberRefExpr, CXCursor_MacroExpansion);
