/* walk — one AST walk per translation unit, dispatching each project cursor to
 * the checks that asked for its kind, and the services checks use to report.
 *
 * Project file: a file that is not a system header and whose real path lies
 * under the scan root. Cursors whose expansion location is outside the
 * project are skipped with their whole subtree, so system headers cost
 * nothing beyond the parse.
 *
 * Macro expansions on preprocessor directive lines (#if, #ifdef, #ifndef,
 * #elif, defined()) are not handed to checks: testing a macro is not using
 * it.
 *
 * Where a finding lands (walk_report):
 *   - a node written in the source: at the node;
 *   - a node spelled in a macro argument: at the argument text;
 *   - a node produced by a project macro's body: at the matching token of the
 *     `#define` (searched through nested project macros), else at the macro
 *     name in the `#define` — that is where the fix goes;
 *   - a node produced by a system macro's body: not reported (the checks that
 *     care about system macros match the MacroExpansion itself).
 */
#ifndef V6SCAN_WALK_H
#define V6SCAN_WALK_H

#include <clang-c/Index.h>

#include "check.h"
#include "findings.h"

struct walk_config {
	const char *root;                         /* absolute real path, no trailing '/' */
	const struct v6scan_check *const *checks; /* enabled checks */
	size_t nchecks;
	int inactive; /* --inactive-branches: lex skipped #if ranges */
};

/* Walks tu once and appends its findings to out. Returns 0 or -ENOMEM. */
int walk_tu(CXTranslationUnit tu, const struct walk_config *cfg, struct findings *out);

/* Reports a finding of `check` at cursor `at` (placed as described above).
 * `subject` is the identifier the finding is about ("gethostbyname",
 * "sockaddr_in"); it is used to find the token inside a macro definition and
 * in the baseline fingerprint. The message is printf-formatted. */
void walk_report(struct walk_ctx *ctx, const struct v6scan_check *check, CXCursor at, const char *subject,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Reports at an exact source location (must be in a project file). */
void walk_report_loc(struct walk_ctx *ctx, const struct v6scan_check *check, CXSourceLocation loc, const char *subject,
		     const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* The finding the last walk_report/walk_report_loc call added, or NULL
 * when it added none (outside the project, a system macro's body); valid
 * until the next report. For attaching a fix-it (fixit.h). */
struct finding *walk_last_finding(struct walk_ctx *ctx);

/* 1 when the expansion location of loc is in a project file; then
 * *relpath (its repo-relative path, owned by the walk), *off (byte offset),
 * *line and *col (1-based) are set. For fix-its (fixit.h), which check the
 * text at that place themselves. */
int walk_project_offset(struct walk_ctx *ctx, CXSourceLocation loc, const char **relpath, unsigned *off, unsigned *line,
			unsigned *col);

/* The dual-stack rule: 1 when `cur` sits in a dual-stack scope, where IPv4
 * code is the IPv4 half of address-family independent code and checks stay
 * silent. A scope is the enclosing function definition, or, for a struct or
 * union member, the enclosing record. It is dual-stack when its text names
 * AF_INET6, PF_INET6, sockaddr_in6, in6_addr, s6_addr, sin6_family,
 * sin6_addr, sin6_port, sin6_scope_id, in6addr_any, in6addr_loopback,
 * IN6ADDR_ANY_INIT, IN6ADDR_LOOPBACK_INIT, IN6_IS_ADDR_*, IN6_ARE_ADDR_EQUAL,
 * IPPROTO_IPV6, ipv6_mreq or in6_pktinfo, or a project macro whose body
 * (through the project macros it names) does; a union is always
 * dual-stack. A function is also dual-stack when it is the IPv4 half of a
 * pair of per-family functions defined in the same translation unit: its
 * twin, named with the last '4' written '6' (cidr4_match / cidr6_match) or
 * with a "6" appended (get_localhost / get_localhost6), is dual-stack. An if/switch arm whose sibling handles AF_INET6 is in such a
 * function, so the rule covers it. Cost: one pass over a scope's tokens the
 * first time it is asked about, then a binary search. */
int walk_in_dual_stack(struct walk_ctx *ctx, CXCursor cur);

/* What the scope of `cur` (as for walk_in_dual_stack) names, as a mask:
 * WALK_NAMES_V6 the IPv6 names above; WALK_NAMES_INET AF_INET or PF_INET;
 * WALK_NAMES_V4MAPPED AI_V4MAPPED; and the two below. 0 outside any scope.
 * Same cost. */
#define WALK_NAMES_V6 1u
#define WALK_NAMES_INET 2u
#define WALK_NAMES_V4MAPPED 4u
#define WALK_NAMES_RESOLVER 8u /* gethostbyname*, getaddrinfo, inet_addr/aton/pton */
#define WALK_NAMES_BRACKET 16u /* a '[' character or "[" string literal */
#define WALK_NAMES_ALL 31u
unsigned walk_scope_names(struct walk_ctx *ctx, CXCursor cur);

/* The address family a family macro expression stands for: 4 when `expr`
 * is exactly AF_INET or PF_INET (or a project macro resolving to one, see
 * walk_macro_of), 6 for AF_INET6 or PF_INET6, else 0 (a variable, a
 * number, an expression). */
int walk_family_of(struct walk_ctx *ctx, CXCursor expr);

/* When the expression `expr` is exactly one macro expansion (written in the
 * source, not produced by another macro), returns the name of the macro it
 * finally resolves to, following project macros whose body is a single
 * identifier ("#define FAMILY AF_INET"). Writes into buf; returns buf or NULL. */
const char *walk_macro_of(struct walk_ctx *ctx, CXCursor expr, char *buf, size_t len);

/* 1 when the project macro definition `def` (a MacroDefinition cursor) is
 * used in this translation unit: expanded in a project file outside a
 * preprocessor directive, directly or through a used project macro whose
 * body names it. A check matching MacroDefinition bodies reports only used
 * macros: a finding produced by a macro is reported at its #define, once,
 * and a #define nothing expands produces nothing. */
int walk_macro_is_used(struct walk_ctx *ctx, CXCursor def);

/* 1 when the location of `cur` (a declaration's name, an expression's
 * start) is produced by the body of a macro expanded in a project file:
 * the construct was written by the macro, not in the source. */
int walk_written_by_macro(struct walk_ctx *ctx, CXCursor cur);

/* 32-bit IPv4 addresses followed through the translation unit's own
 * functions (walk_flow.c; computed once, the first time either is asked,
 * from the functions that name s_addr, inet_addr, inet_network, in_addr_t
 * or h_addr, outside dual-stack scopes).
 *
 * walk_holds_ipv4: 1 when decl (a variable, a parameter, a project struct
 * member, or a function for its result; any declaration of it) is an
 * integer that holds an IPv4 address in this translation unit: an address
 * value is stored into it, returned from it or passed to it (a parameter of
 * a function that is not a one-parameter integer helper), or it is stored
 * into s_addr, compared with s_addr (== or !=), or copied from a hostent
 * address or a struct in_addr with memcpy.
 *
 * walk_is_ipv4_value: 1 when expr is an IPv4 address value: what
 * ast_is_ipv4_value accepts, inet_addr()/inet_network(), htonl/ntohl of
 * one, one masked with & or |, a holder above, a call of a holder
 * function, or a one-parameter integer helper (byte_swap32) applied to
 * one. */
int walk_holds_ipv4(struct walk_ctx *ctx, CXCursor decl);
int walk_is_ipv4_value(struct walk_ctx *ctx, CXCursor expr);

/* 0 when no IPv4 address value can appear at cur: the translation unit
 * has no holder and the function being walked (the top-level definition
 * cur lies in; cur must be the cursor handed to the check) names none of
 * the seeds above (nor in_addr, sin_addr). A cheap gate before
 * walk_is_ipv4_value; 1 outside function definitions. */
int walk_may_hold_ipv4(struct walk_ctx *ctx, CXCursor cur);

/* A slot for one translation-unit-level answer of check `self` (an int,
 * -1 until the check sets it), kept for the rest of the translation unit:
 * a check that needs a fact about the whole unit (a setsockopt anywhere)
 * computes it once instead of at every candidate. NULL when self is not
 * enabled. */
int *walk_memo(struct walk_ctx *ctx, const struct v6scan_check *self);

/* The first and last child of `cur` (a binary operator's operands), and a
 * binary operator's operator ("=", "==", ...; NULL when not available, see
 * ast_binary_operator). Same answers as ast_first_child, ast_last_child
 * and ast_binary_operator, computed once per cursor for all checks. */
CXCursor walk_first(struct walk_ctx *ctx, CXCursor cur);
CXCursor walk_last(struct walk_ctx *ctx, CXCursor cur);
const char *walk_operator(struct walk_ctx *ctx, CXCursor binop);
/* 1 when walk_operator(ctx, binop) is op. */
int walk_is_op(struct walk_ctx *ctx, CXCursor binop, const char *op);

/* ast_binary_operator's answer for any binary operator (not only the one
 * handed to the check), without its cost: the operator is read from the
 * file text between the operands, tokenizing only where that text holds
 * what a plain scan should leave to clang. walk_binop_is: 1 when it is op. */
const char *walk_binary_operator(struct walk_ctx *ctx, CXCursor binop, char *buf, size_t len);
int walk_binop_is(struct walk_ctx *ctx, CXCursor binop, const char *op);

/* ast_system_callee's answer (the entry of names[0..n) that the CallExpr
 * `call` calls, when that is a libc function declared in a system header;
 * else NULL), with the callee's name and header read once per call for
 * all the checks that ask about the same call. */
const char *walk_system_callee(struct walk_ctx *ctx, CXCursor call, const char *const *names, size_t n);

/* clang_getFileContents(file), kept for the rest of the walk: for a file
 * other than the main one, libclang searches the translation unit's source
 * entries for it at each call. NULL as clang_getFileContents. */
const char *walk_file_text(struct walk_ctx *ctx, CXFile file, size_t *size);

/* The parent of the cursor currently handed to a check. */
CXCursor walk_parent(const struct walk_ctx *ctx);

/* The translation unit being walked (for tokenising). */
CXTranslationUnit walk_tu_of(const struct walk_ctx *ctx);

#endif
