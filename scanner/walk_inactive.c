/* walk_inactive — inactive preprocessor branches (`#if 0`, `#ifdef DEBUG`
 * not defined), scanned lexically: the build does not compile them, so the
 * checks never see their AST, but a port has to rewrite them too.
 *
 * In the translation unit's main file (a project header is left alone: every
 * unit that includes it would read it again), the ranges the preprocessor
 * skipped (clang_getSkippedRanges) that name an entry of the table (a text
 * search) are tokenized and each
 * identifier looked up in a short table of IPv4-only API and type names. A
 * hit is reported as a note of v6-inactive-branch (when that check is
 * enabled; it is off by default), once per line, with a message that says
 * the branch is inactive. Files that handle
 * IPv6 anywhere are skipped whole: there an inactive IPv4 branch is the
 * fallback of a build without IPv6 (`#ifdef HAVE_IPV6 ... #else`), not code
 * to port (read only once a range names something). Directive lines in a
 * range (its own #if, a #define) are tests and definitions: skipped. */
#include "walk_int.h"

#include <string.h>

#include "checks/util_addrtext.h"

struct inactive_name {
	const char *name;
};

/* sorted by name */
static const struct inactive_name inactive_names[] = {
	{ "INADDR_ANY" },
	{ "INADDR_BROADCAST" },
	{ "INADDR_LOOPBACK" },
	{ "INADDR_NONE" },
	{ "gethostbyaddr" },
	{ "gethostbyname" },
	{ "h_addr" },
	{ "h_addr_list" },
	{ "in_addr" },
	{ "in_addr_t" },
	{ "inet_addr" },
	{ "inet_aton" },
	{ "inet_ntoa" },
	{ "s_addr" },
	{ "sockaddr_in" },
};

static const struct v6scan_check *inactive_check(struct walk_ctx *ctx)
{
	const char *id = "v6-inactive-branch";

	for (size_t i = 0; i < ctx->cfg->nchecks; i++)
		if (strcmp(ctx->cfg->checks[i]->id, id) == 0)
			return ctx->cfg->checks[i];
	return NULL;
}

/* 1 when the text of range names one of the table (a text search: most
 * skipped text names none, and tokenizing costs more) */
static int inactive_names_in(struct walk_ctx *ctx, CXSourceRange range)
{
	size_t len;
	CXFile f;
	unsigned o1, o2;

	clang_getExpansionLocation(clang_getRangeStart(range), &f, NULL, NULL, &o1);
	clang_getExpansionLocation(clang_getRangeEnd(range), NULL, NULL, NULL, &o2);
	const char *text = f ? clang_getFileContents(ctx->tu, f, &len) : NULL;
	if (!text || o2 > len || o2 <= o1)
		return 0;
	for (size_t j = 0; j < sizeof(inactive_names) / sizeof(inactive_names[0]); j++)
		if (memmem(text + o1, o2 - o1, inactive_names[j].name, strlen(inactive_names[j].name)))
			return 1;
	return 0;
}

static void inactive_range(struct walk_ctx *ctx, size_t file, CXSourceRange range)
{
	CXToken *toks;
	unsigned n, last_line = 0;
	const struct v6scan_check *c = inactive_check(ctx);

	clang_tokenize(ctx->tu, range, &toks, &n);
	for (unsigned i = 0; i < n && !ctx->err; i++) {
		if (clang_getTokenKind(toks[i]) != CXToken_Identifier)
			continue;
		CXString s = clang_getTokenSpelling(ctx->tu, toks[i]);
		const char *t = clang_getCString(s);
		const struct inactive_name *hit = NULL;
		for (size_t j = 0; j < sizeof(inactive_names) / sizeof(inactive_names[0]) && !hit; j++)
			if (strcmp(t, inactive_names[j].name) == 0)
				hit = &inactive_names[j];
		if (hit) {
			CXSourceLocation loc = clang_getTokenLocation(ctx->tu, toks[i]);
			unsigned line, off;
			clang_getExpansionLocation(loc, NULL, &line, NULL, &off);
			/* the branch's own #if/#endif lines and any directive in
			 * it (#define, a nested #ifdef) are tests and definitions */
			if (!walk_on_directive_line(ctx, file, off) && line != last_line) {
				walk_report_level(ctx, c, V6SCAN_NOTE, loc, hit->name,
						  "%s in an inactive #if branch: IPv4-only code this build does not "
						  "compile, still to port", hit->name);
				last_line = line;
			}
		}
		clang_disposeString(s);
	}
	clang_disposeTokens(ctx->tu, toks, n);
}

void walk_inactive(struct walk_ctx *ctx)
{
	if (!inactive_check(ctx))
		return;
	/* the main file only: a project header would be read again by every
	 * translation unit that includes it */
	CXString name = clang_getTranslationUnitSpelling(ctx->tu);
	CXFile file = clang_getFile(ctx->tu, clang_getCString(name));
	clang_disposeString(name);
	if (!file)
		return;
	size_t fidx;
	CXSourceLocation start = clang_getLocationForOffset(ctx->tu, file, 0);
	if (!walk_where(ctx, start, NULL, NULL, NULL, &fidx))
		return;
	CXSourceRangeList *list = clang_getSkippedRanges(ctx->tu, file);
	if (!list)
		return;
	int handles_v6 = -1;
	for (unsigned r = 0; r < list->count && !ctx->err; r++) {
		if (!inactive_names_in(ctx, list->ranges[r]))
			continue;
		/* the file test reads the whole file: only once a range names
		 * something */
		if (handles_v6 < 0) {
			size_t size;
			const char *text = clang_getFileContents(ctx->tu, file, &size);
			handles_v6 = !text || util_text_handles_v6(text, size);
		}
		if (handles_v6)
			break;
		inactive_range(ctx, fidx, list->ranges[r]);
	}
	clang_disposeSourceRangeList(list);
}
