/* v6-dns-a-only — DNS queries for A records only: a call of libc's
 * res_query, res_search, res_querydomain, res_mkquery or their res_n*
 * forms whose type argument evaluates to ns_t_a (T_A, 1), in a file that
 * never names ns_t_aaaa or T_AAAA (the AAAA query would be its twin).
 * Reported at the call. */
#include "checks.h"

#include "../ast.h"
#include "../walk.h"
#include "util_tree.h"

/* the calls, and the index of each one's type argument */
static const char *const names[] = { "res_mkquery",   "res_nmkquery", "res_nquery",        "res_nquerydomain",
				     "res_nsearch",   "res_query",    "res_querydomain",   "res_search",
				     "__res_mkquery", "__res_query",  "__res_querydomain", "__res_search" };
static const unsigned type_arg[] = { 3, 4, 3, 4, 3, 2, 3, 2, 3, 2, 3, 2 };

#define NCALLS (sizeof(names) / sizeof(names[0]))

void check_dns_a_only_match(struct walk_ctx *ctx, const struct v6scan_check *self, CXCursor cur)
{
	const char *fn = walk_system_callee(ctx, cur, names, NCALLS);

	if (!fn)
		return;
	unsigned idx = 0;
	for (size_t i = 0; i < NCALLS; i++)
		if (names[i] == fn)
			idx = type_arg[i];
	if ((int)idx >= clang_Cursor_getNumArguments(cur))
		return;
	CXEvalResult ev = clang_Cursor_Evaluate(clang_Cursor_getArgument(cur, idx));
	int is_a = ev && clang_EvalResult_getKind(ev) == CXEval_Int && clang_EvalResult_getAsLongLong(ev) == 1;
	if (ev)
		clang_EvalResult_dispose(ev);
	CXTranslationUnit tu = walk_tu_of(ctx);
	if (!is_a || util_file_names(tu, cur, "ns_t_aaaa") || util_file_names(tu, cur, "T_AAAA"))
		return;
	const char *shown = fn[0] == '_' ? fn + 2 : fn;
	walk_report(ctx, self, cur, shown, "%s() asks for A records only; no AAAA query in this file", shown);
}

V6SCAN_CHECK_PARTS(dns_a_only,
		   "An A query returns IPv4 addresses only: a host that has only AAAA records looks "
		   "unreachable, and a dual-stack host is only ever reached over IPv4.",
		   "query AAAA (ns_t_aaaa) as well and use both answers, or let getaddrinfo() with AF_UNSPEC "
		   "do the lookups",
		   CXCursor_CallExpr);
