/* load_int — the report loader's private parts, shared by load.c (reports)
 * and load_fix.c (the fix-its and inactive marks of findings). Nothing else
 * includes this header; see load.h. */
#ifndef V6SCAN_LOAD_INT_H
#define V6SCAN_LOAD_INT_H

#include <jansson.h>

#include "findings.h"
#include "load.h"

struct load_ctx {
	struct findings *fs;
	unsigned flags;
	char *err;
	size_t errlen;
};

/* The strings of one finding as read (decoded copies when lossless). */
struct load_strings {
	const char *check, *level, *path, *message, *function, *subject, *fingerprint, *justification, *snippet;
	json_int_t end_column;
	char *owned[9];
	size_t nowned;
};

void load_strings_free(struct load_strings *s);
/* Replaces *p by its decoded copy (owned by s) when decoding is asked for
 * (LOAD_LOSSLESS, or always: a URI). 0, -EINVAL (message in c->err), -ENOMEM. */
int load_decode(const struct load_ctx *c, struct load_strings *s, const char **p, const char *name, int always);

/* A finding's fix-it as read: replacements whose strings are decoded
 * copies (owned here). */
struct load_fix {
	char *desc;
	struct finding_repl r[FINDING_FIX_MAX];
	size_t n;
	int inactive;
};

void load_fix_free(struct load_fix *fx);
/* The JSON report's "fix" and "inactive" of finding x at `where`. */
int load_json_fix(const struct load_ctx *c, const json_t *x, const char *where, struct load_fix *fx);
/* A SARIF result's "fixes" and properties.inactive. */
int load_sarif_fix(const struct load_ctx *c, const json_t *x, const char *where, const json_t *props,
		   struct load_fix *fx);

#endif
