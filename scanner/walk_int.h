/* walk_int — the walker's private state, shared by walk.c (the walk and
 * where findings land), walk_macro.c (macro expansions and definitions) and
 * walk_scope.c (functions, records, the dual-stack rule). Nothing else
 * includes this header; checks use walk.h.
 *
 * Files are referred to by their index in ctx->files (the array grows, so
 * pointers into it do not last). Offsets are byte offsets in a file.
 */
#ifndef V6SCAN_WALK_INT_H
#define V6SCAN_WALK_INT_H

#include <stdint.h>

#include "walk.h"

#define WALK_KIND_MAX 1024
#define WALK_MACRO_DEPTH 8

struct walk_file {
	CXFile file;
	int project;
	char *relpath;
	const char *text; /* contents (owned by the TU), read on demand */
	size_t size;
};

struct walk_expansion {
	size_t file;
	unsigned start, end; /* end exclusive */
	CXCursor def;        /* MacroDefinition, or a null cursor (builtins) */
	int def_is_project;
	int family; /* walk_family_of's answer; -1 not computed yet */
};

struct walk_macro {
	char *name;
	CXCursor def; /* a project MacroDefinition */
	int names;    /* -1 not computed, else what its body names: WALK_NAMES_* */
	int family;   /* walk_family_of's answer for it; -1 not computed */
	int used;     /* 1: expanded in a project file, directly or through
				  a used project macro whose body names it */
};

struct walk_scope {
	size_t file;
	unsigned start, end;
	CXCursor cur;  /* FunctionDecl (a definition) */
	int names;     /* -1 not computed yet, else WALK_NAMES_* */
	int twin_done; /* 1: its IPv6 twin was looked for */
	int seeded;    /* walk_flow: -1 not computed, else 1 when its text names an address seed */
	char *name;
};

struct walk_record {
	CXCursor cur;   /* StructDecl or UnionDecl */
	unsigned names; /* WALK_NAMES_* */
};

struct walk_ctx {
	CXTranslationUnit tu;
	const struct walk_config *cfg;
	size_t rootlen;
	struct findings *out;
	size_t last_added; /* index in out of the finding the last report added, or SIZE_MAX */
	int err;
	CXCursor parent;              /* parent of the cursor being dispatched */
	uint64_t want[WALK_KIND_MAX]; /* bit i: cfg->checks[i] wants this kind */
	struct walk_file *files;
	size_t nfiles;
	size_t last_file;            /* index of the last file looked up */
	struct walk_expansion *exps; /* sorted by (file, start) after the prepass */
	size_t nexps;
	struct walk_macro *macros;
	size_t nmacros;
	size_t *macro_hash;        /* open addressing: index + 1 into macros, 0 empty */
	size_t macro_hash_cap;     /* a power of two, or 0 */
	struct walk_scope *scopes; /* sorted by (file, start) after the prepass */
	size_t nscopes;
	CXCursor *top; /* the project's top-level cursors, in order */
	size_t ntop;
	struct walk_record *records; /* dual-stack answers for records, as asked */
	size_t nrecords;
	/* the operands and operator of one cursor, shared by the checks that
	 * ask about the same node (walk_first, walk_last, walk_operator) */
	CXCursor op_cur;
	CXCursor op_first, op_last;
	int op_state;    /* 1 operands known, 2 operator too */
	char op_text[8]; /* "" when not available */
	/* the callee of one call, shared by the checks that ask about the
	 * same call (walk_system_callee) */
	CXCursor callee_of;
	int callee_state;  /* 0 unknown, 1 not a function, 2 name known, 3 name too long */
	int callee_system; /* -1 not asked yet, else 1 when declared in a system header */
	char callee_name[64];
	struct walk_flow *flow;       /* walk_flow.c's answers, made when first asked */
	int memo[64];                 /* walk_memo: one answer per enabled check, -1 unset */
	size_t cur_top;               /* index in top of the cursor being walked */
	struct walk_scope *cur_scope; /* its scope, once asked (walk_may_hold_ipv4) */
	int cur_scope_known;
};

/* Grows arr (n elements of size) when n is 0 or a power of two; returns the
 * array to use, or NULL with ctx->err = -ENOMEM. */
void *walk_grow(void *arr, size_t n, size_t size, struct walk_ctx *ctx);

/* The file record of `file` (found, or added as walk_where would add it:
 * loc must be a location whose expansion location is in file); NULL with
 * ctx->err set when out of memory. *fidx receives its index. */
struct walk_file *walk_file_get(struct walk_ctx *ctx, CXFile file, CXSourceLocation loc, size_t *fidx);

/* The file record of the expansion location of loc, or NULL (no file, or a
 * file outside the project). line and col may be NULL: computing them
 * builds the file's line table, most of the cost for a header's cursors.
 * *fidx receives the file's index when fidx is not NULL. */
struct walk_file *walk_where(struct walk_ctx *ctx, CXSourceLocation loc, unsigned *line, unsigned *col, unsigned *off,
			     size_t *fidx);

/* walk_macro.c */
/* Records the MacroExpansion c, which starts at offset start of project
 * file `file` (its location). */
int walk_macro_record_expansion(struct walk_ctx *ctx, CXCursor c, size_t file, unsigned start);
int walk_macro_record_definition(struct walk_ctx *ctx, CXCursor c);
/* Sorts the expansions for walk_expansion_at (after the prepass). */
void walk_macro_index(struct walk_ctx *ctx);
struct walk_expansion *walk_expansion_at(struct walk_ctx *ctx, size_t file, unsigned off);
struct walk_macro *walk_macro_named(struct walk_ctx *ctx, const char *name);
/* Searches the body of project macro `def` (and, recursively, of project
 * macros it names) for the identifier `subject`; sets *loc on success. */
int walk_find_in_macro(struct walk_ctx *ctx, CXCursor def, const char *subject, int depth, CXSourceLocation *loc);
/* 1 when the MacroExpansion at (file, off) is on a preprocessor directive
 * line (#if, #ifdef, #ifndef, #elif, defined(): a test, not a use). */
int walk_on_directive_line(struct walk_ctx *ctx, size_t file, unsigned off);
void walk_macro_free(struct walk_ctx *ctx);

/* walk_scope.c */
int walk_scope_record(struct walk_ctx *ctx, CXCursor fn, size_t file, unsigned start, unsigned end);
/* Sorts the scopes for walk_scope_at (after the prepass). */
void walk_scope_index(struct walk_ctx *ctx);
struct walk_scope *walk_scope_at(struct walk_ctx *ctx, size_t file, unsigned off);
void walk_scope_free(struct walk_ctx *ctx);
/* WALK_NAMES_* for one identifier (the names the dual-stack rule reads). */
unsigned walk_ident_names(const char *t);

/* walk_inactive.c: the catalog's API names in the translation unit's
 * inactive #if branches, as notes (finding.inactive). 0 or -ENOMEM. */
int walk_inactive(struct walk_ctx *ctx);

/* Reports at loc with the given level instead of the check's own (the
 * notes of inactive branches). */
void walk_report_level(struct walk_ctx *ctx, const struct v6scan_check *check, enum v6scan_level level,
		       CXSourceLocation loc, const char *subject, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* Frees what walk_flow.c computed for the translation unit. */
void walk_flow_free(struct walk_ctx *ctx);

#endif
