/* walk_inactive — the catalog's API names in inactive #if branches.
 *
 * Code the preprocessor skipped (an #ifdef DEBUG block, #if 0, the #else
 * of a taken branch) has no AST, but it is compiled in other builds. Its
 * ranges come from libclang's preprocessing record
 * (clang_getAllSkippedRanges; the parse keeps a detailed record) and are
 * lexed with clang_tokenize, so comments never count and a string literal
 * is one token that no pattern matches. The patterns, per check:
 *
 *   NAME (            gethostbyname(_r), gethostbyaddr(_r), inet_addr,
 *                     inet_aton, inet_network, inet_ntoa, gethostbyname2,
 *                     getipnodeby*, rcmd & co., inet_makeaddr & co.
 *   socket ( AF_INET / PF_INET
 *   struct sockaddr_in, in_addr_t, INADDR_ANY/LOOPBACK/BROADCAST/NONE,
 *   sin_family = AF_INET, ->h_addr / .h_addr (and h_addr_list),
 *   ->s_addr / .s_addr (the address as a 32-bit integer)
 *
 * Conditional directive lines (#if, #ifdef, #ifndef, #elif, #else,
 * #endif) and #include/#undef/#error/#pragma lines are not matched: a
 * test is not a use; nor are the name a #define defines and the name a
 * typedef declares (`#define INADDR_NONE ...`, `typedef uint32_t
 * in_addr_t;` in a portability guard). A range that names IPv6 (the dual-stack names of
 * walk.h) is the IPv4 half of dual-stack code and produces nothing, as
 * does a range inside a dual-stack function. Each finding is a note
 * (finding.inactive: it gates as low confidence) whose message says which
 * branch was inactive: "(DEBUG not defined)", "(#if 0)", ...
 */
#include "walk_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct inactive_pat {
	const char *name;
	const char *check;
	const char *what; /* the message's subject */
};

/* Functions: the name followed by '('. */
static const struct inactive_pat inactive_calls[] = {
	{ "gethostbyaddr", "v6-gethostbyaddr", "gethostbyaddr()" },
	{ "gethostbyaddr_r", "v6-gethostbyaddr", "gethostbyaddr_r()" },
	{ "gethostbyname", "v6-gethostbyname", "gethostbyname()" },
	{ "gethostbyname2", "v6-getipnode", "gethostbyname2()" },
	{ "gethostbyname_r", "v6-gethostbyname", "gethostbyname_r()" },
	{ "getipnodebyaddr", "v6-getipnode", "getipnodebyaddr()" },
	{ "getipnodebyname", "v6-getipnode", "getipnodebyname()" },
	{ "inet_addr", "v6-inet-addr", "inet_addr()" },
	{ "inet_aton", "v6-inet-addr", "inet_aton()" },
	{ "inet_lnaof", "v6-classful", "inet_lnaof()" },
	{ "inet_makeaddr", "v6-classful", "inet_makeaddr()" },
	{ "inet_netof", "v6-classful", "inet_netof()" },
	{ "inet_network", "v6-inet-addr", "inet_network()" },
	{ "inet_ntoa", "v6-inet-ntoa", "inet_ntoa()" },
	{ "rcmd", "v6-rcmd-family", "rcmd()" },
	{ "rexec", "v6-rcmd-family", "rexec()" },
	{ "rresvport", "v6-rcmd-family", "rresvport()" },
	{ "ruserok", "v6-rcmd-family", "ruserok()" },
};

/* Names that are findings wherever they stand. */
static const struct inactive_pat inactive_names[] = {
	{ "INADDR_ANY", "v6-inaddr-constant", "INADDR_ANY" },
	{ "INADDR_BROADCAST", "v6-inaddr-constant", "INADDR_BROADCAST" },
	{ "INADDR_LOOPBACK", "v6-inaddr-constant", "INADDR_LOOPBACK" },
	{ "INADDR_NONE", "v6-inaddr-constant", "INADDR_NONE" },
	{ "in_addr_t", "v6-addr-in-uint32", "in_addr_t" },
};

/* The tokens of one skipped range, as spelled, with their lines. */
struct inactive_toks {
	CXToken *t;
	unsigned n;
	char (*sp)[32]; /* spelling, cut at 31 bytes (every pattern is shorter) */
	unsigned *line;
	CXTokenKind *kind;
};

static const struct v6scan_check *inactive_check(struct walk_ctx *ctx, const char *id)
{
	for (size_t i = 0; i < ctx->cfg->nchecks; i++)
		if (strcmp(ctx->cfg->checks[i]->id, id) == 0)
			return ctx->cfg->checks[i];
	return NULL;
}

static int inactive_is(const struct inactive_toks *k, unsigned i, const char *s)
{
	return i < k->n && strcmp(k->sp[i], s) == 0;
}

/* 1 when token i starts a preprocessor directive line ('#' first on its
 * line) of a kind whose line is not matched; *end gets the first token of
 * the next line. */
static int inactive_directive(const struct inactive_toks *k, unsigned i, unsigned *end)
{
	static const char *const skip[] = { "if",      "ifdef", "ifndef", "elif",    "else",   "endif",
					    "include", "undef", "error",  "warning", "pragma", "line" };
	if (!inactive_is(k, i, "#") || (i > 0 && k->line[i - 1] == k->line[i]) || i + 1 >= k->n)
		return 0;
	int hit = 0;
	for (size_t s = 0; s < sizeof(skip) / sizeof(skip[0]) && !hit; s++)
		hit = strcmp(k->sp[i + 1], skip[s]) == 0;
	if (!hit)
		return 0;
	for (*end = i + 1; *end < k->n && k->line[*end] == k->line[i]; (*end)++)
		;
	return 1;
}

/* 1 when token i is the name a typedef on its line declares (a
 * portability guard's `typedef uint32_t in_addr_t;`): followed by ';' with
 * `typedef` earlier on the line. */
static int inactive_typedef_name(const struct inactive_toks *k, unsigned i)
{
	if (!inactive_is(k, i + 1, ";"))
		return 0;
	for (unsigned j = i; j-- > 0 && k->line[j] == k->line[i];)
		if (strcmp(k->sp[j], "typedef") == 0)
			return 1;
	return 0;
}

/* Why the range was skipped, from its first directive: "DEBUG not
 * defined", "#if 0", "the #else of a taken branch", ... */
static void inactive_why(const struct inactive_toks *k, char *buf, size_t len)
{
	unsigned l = k->n ? k->line[0] : 0;
	char cond[96] = "";

	for (unsigned i = 2; i < k->n && k->line[i] == l && strlen(cond) + strlen(k->sp[i]) + 2 < sizeof(cond); i++) {
		if (cond[0] && k->kind[i] != CXToken_Punctuation && k->kind[i - 1] != CXToken_Punctuation)
			strcat(cond, " ");
		strcat(cond, k->sp[i]);
	}
	if (inactive_is(k, 0, "#") && inactive_is(k, 1, "ifdef") && cond[0])
		snprintf(buf, len, "%s not defined", cond);
	else if (inactive_is(k, 0, "#") && inactive_is(k, 1, "ifndef") && cond[0])
		snprintf(buf, len, "%s defined", cond);
	else if (inactive_is(k, 0, "#") && (inactive_is(k, 1, "if") || inactive_is(k, 1, "elif")) && cond[0])
		snprintf(buf, len, "#%s %s", k->sp[1], cond);
	else if (inactive_is(k, 0, "#") && inactive_is(k, 1, "else"))
		snprintf(buf, len, "the #else of a branch taken");
	else
		snprintf(buf, len, "not compiled");
}

static void inactive_report(struct walk_ctx *ctx, const struct inactive_toks *k, unsigned i,
			    const struct inactive_pat *p, const char *why)
{
	const struct v6scan_check *c = inactive_check(ctx, p->check);

	if (!c)
		return;
	CXSourceLocation loc = clang_getTokenLocation(ctx->tu, k->t[i]);
	unsigned off;
	size_t file;
	if (!walk_where(ctx, loc, NULL, NULL, &off, &file))
		return;
	struct walk_scope *s = walk_scope_at(ctx, file, off);
	if (s && walk_in_dual_stack(ctx, s->cur))
		return;
	size_t before = ctx->out->count;
	walk_report_loc(ctx, c, loc, p->name,
			"%s in an inactive #if branch (%s): IPv4-only where that branch is "
			"compiled",
			p->what, why);
	if (ctx->out->count > before) {
		struct finding *f = &ctx->out->items[ctx->out->count - 1];
		f->level = V6SCAN_NOTE;
		f->inactive = 1;
	}
}

/* Matches the patterns in one skipped range. */
static void inactive_range(struct walk_ctx *ctx, CXSourceRange r, struct inactive_toks *k)
{
	char why[128];

	clang_tokenize(ctx->tu, r, &k->t, &k->n);
	if (!k->n)
		return;
	k->sp = calloc(k->n, sizeof(*k->sp));
	k->line = calloc(k->n, sizeof(*k->line));
	k->kind = calloc(k->n, sizeof(*k->kind));
	if (!k->sp || !k->line || !k->kind) {
		ctx->err = -ENOMEM;
		return;
	}
	unsigned names = 0;
	for (unsigned i = 0; i < k->n; i++) {
		CXString s = clang_getTokenSpelling(ctx->tu, k->t[i]);
		snprintf(k->sp[i], sizeof(k->sp[i]), "%s", clang_getCString(s));
		clang_disposeString(s);
		k->kind[i] = clang_getTokenKind(k->t[i]);
		clang_getSpellingLocation(clang_getTokenLocation(ctx->tu, k->t[i]), NULL, &k->line[i], NULL, NULL);
		if (k->kind[i] == CXToken_Identifier)
			names |= walk_ident_names(k->sp[i]);
	}
	/* the IPv4 half of dual-stack code */
	if (names & WALK_NAMES_V6)
		return;
	inactive_why(k, why, sizeof(why));
	for (unsigned i = 0, end; i < k->n && !ctx->err; i++) {
		if (inactive_directive(k, i, &end)) {
			i = end - 1;
			continue;
		}
		if (k->kind[i] != CXToken_Identifier)
			continue;
		/* the name a #define defines is not a use (a portability
		 * guard's #define INADDR_NONE) */
		if (i >= 2 && inactive_is(k, i - 1, "define") && inactive_is(k, i - 2, "#"))
			continue;
		const char *t = k->sp[i];
		if (inactive_is(k, i + 1, "(")) {
			for (size_t p = 0; p < sizeof(inactive_calls) / sizeof(inactive_calls[0]); p++)
				if (strcmp(t, inactive_calls[p].name) == 0)
					inactive_report(ctx, k, i, &inactive_calls[p], why);
		}
		for (size_t p = 0; p < sizeof(inactive_names) / sizeof(inactive_names[0]); p++)
			if (strcmp(t, inactive_names[p].name) == 0 && !inactive_typedef_name(k, i))
				inactive_report(ctx, k, i, &inactive_names[p], why);
		static const struct inactive_pat sock = { "socket", "v6-socket-af-inet", "socket(AF_INET)" };
		static const struct inactive_pat sin = { "sockaddr_in", "v6-sockaddr-in-decl", "struct sockaddr_in" };
		static const struct inactive_pat fam = { "sin_family", "v6-sin-family-inet", "sin_family = AF_INET" };
		static const struct inactive_pat hent = { "h_addr", "v6-hostent-fields", "h_addr" };
		static const struct inactive_pat hlist = { "h_addr_list", "v6-hostent-fields", "h_addr_list" };
		static const struct inactive_pat saddr = { "s_addr", "v6-addr-in-uint32", "s_addr" };
		if (strcmp(t, "socket") == 0 && inactive_is(k, i + 1, "(") &&
		    (inactive_is(k, i + 2, "AF_INET") || inactive_is(k, i + 2, "PF_INET")))
			inactive_report(ctx, k, i, &sock, why);
		else if (strcmp(t, "sockaddr_in") == 0 && i > 0 && inactive_is(k, i - 1, "struct"))
			inactive_report(ctx, k, i, &sin, why);
		else if (strcmp(t, "sin_family") == 0 && inactive_is(k, i + 1, "=") &&
			 (inactive_is(k, i + 2, "AF_INET") || inactive_is(k, i + 2, "PF_INET")))
			inactive_report(ctx, k, i, &fam, why);
		else if ((strcmp(t, "h_addr") == 0 || strcmp(t, "h_addr_list") == 0) && i > 0 &&
			 (inactive_is(k, i - 1, "->") || inactive_is(k, i - 1, ".")))
			inactive_report(ctx, k, i, t[6] ? &hlist : &hent, why);
		else if (strcmp(t, "s_addr") == 0 && i > 0 &&
			 (inactive_is(k, i - 1, "->") || inactive_is(k, i - 1, ".")))
			inactive_report(ctx, k, i, &saddr, why);
	}
}

/* Byte strings one of which every pattern's match contains: a range
 * holding none of them is not tokenised (most skipped code, such as a
 * project header's other-platform branches, seen again by every unit). */
static const char *const inactive_hints[] = { "gethost",   "getipnode", "inet_",      "socket", "sockaddr_in",
					      "in_addr_t", "INADDR_",   "sin_family", "h_addr", "s_addr",
					      "rcmd",      "rexec",     "rresvport",  "ruserok" };

/* 1 when the bytes of r hold one of inactive_hints. */
static int inactive_worth_lexing(struct walk_ctx *ctx, CXSourceRange r)
{
	CXFile f1, f2;
	unsigned o1, o2;
	size_t size;

	clang_getFileLocation(clang_getRangeStart(r), &f1, NULL, NULL, &o1);
	clang_getFileLocation(clang_getRangeEnd(r), &f2, NULL, NULL, &o2);
	const char *buf = f1 ? walk_file_text(ctx, f1, &size) : NULL;
	if (!buf || !f2 || !clang_File_isEqual(f1, f2) || o2 < o1 || o2 > size)
		return 1; /* not known: lex it */
	for (size_t h = 0; h < sizeof(inactive_hints) / sizeof(inactive_hints[0]); h++)
		if (memmem(buf + o1, o2 - o1, inactive_hints[h], strlen(inactive_hints[h])))
			return 1;
	return 0;
}

int walk_inactive(struct walk_ctx *ctx)
{
	static const char *const ids[] = { "v6-addr-in-uint32",  "v6-classful",        "v6-gethostbyaddr",
					   "v6-gethostbyname",   "v6-getipnode",       "v6-hostent-fields",
					   "v6-inaddr-constant", "v6-inet-addr",       "v6-inet-ntoa",
					   "v6-rcmd-family",     "v6-sin-family-inet", "v6-sockaddr-in-decl",
					   "v6-socket-af-inet" };
	int wanted = 0;

	if (!ctx->cfg->inactive)
		return 0;
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]) && !wanted; i++)
		wanted = inactive_check(ctx, ids[i]) != NULL;
	if (!wanted)
		return 0;
	CXSourceRangeList *list = clang_getAllSkippedRanges(ctx->tu);

	for (unsigned i = 0; list && i < list->count && !ctx->err; i++) {
		CXSourceRange r = list->ranges[i];
		if (!walk_where(ctx, clang_getRangeStart(r), NULL, NULL, NULL, NULL))
			continue; /* a system header's, or outside the root */
		if (!inactive_worth_lexing(ctx, r))
			continue;
		struct inactive_toks k = { 0 };
		inactive_range(ctx, r, &k);

		if (k.t)
			clang_disposeTokens(ctx->tu, k.t, k.n);
		free(k.sp);
		free(k.line);
		free(k.kind);
	}
	if (list)
		clang_disposeSourceRangeList(list);
	return ctx->err;
}
