/* runtime_join — `v6scan --runtime REPORT`: see runtime_join.h. */
#include "runtime_join.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime.h"

/* The most "ran, but no finding" lines printed; the rest are counted. */
#define RUNTIME_JOIN_LIST_MAX 20

/* path relative to root when below it ("" root: "/"), else NULL. */
static const char *runtime_join_below(const char *path, const char *root)
{
	size_t n = strcmp(root, "/") == 0 ? 0 : strlen(root);
	if (path[0] != '/' || strncmp(path, root, n) != 0 || path[n] != '/')
		return NULL;
	return path + n + 1;
}

int runtime_join(const char *path, const char *shown, struct findings *fs, const char *root)
{
	char err[256] = "";
	struct runtime *rt = NULL;
	int rc = runtime_load(path, &rt, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "v6scan: --runtime %s: %s\n", shown, err);
		return rc;
	}
	int placed = runtime_symbolise(rt, getenv("V6SCAN_ADDR2LINE"));
	if (placed < 0) {
		runtime_free(rt);
		return placed;
	}
	size_t ran = 0;
	char real[PATH_MAX];
	for (size_t i = 0; i < fs->count; i++) {
		struct finding *x = &fs->items[i];
		char *abs = NULL;
		if (asprintf(&abs, "%s/%s", strcmp(root, "/") == 0 ? "" : root, x->path) < 0) {
			runtime_free(rt);
			return -ENOMEM;
		}
		const char *file = realpath(abs, real) ? real : abs;
		x->hits = runtime_match(rt, x->check->id, file, x->line, x->scope);
		x->observable = x->hits > 0 || runtime_observable(x->check->id);
		ran += x->hits > 0 && !x->suppressed && !x->baselined;
		free(abs);
	}
	fs->runtime_used = 1;
	size_t by_function = 0, unplaced = 0, unmatched = 0, listed = 0;
	for (size_t i = 0; i < rt->count; i++) {
		const struct runtime_site *s = &rt->sites[i];
		by_function += s->how == RUNTIME_BY_FUNCTION;
		unplaced += s->how == RUNTIME_UNPLACED;
		if (s->matched)
			continue;
		unmatched++;
		/* A call that ran inside the project with no finding: a miss of
		 * the scanner, or a line outside what was scanned. */
		const char *rel = s->how == RUNTIME_BY_LINE ? runtime_join_below(s->file, root) : NULL;
		if (rel && listed < RUNTIME_JOIN_LIST_MAX) {
			listed++;
			fprintf(stderr, "v6scan: --runtime: %s:%u: %s() ran %llu time%s with no finding [%s]\n", rel,
				s->line, s->call ? s->call : "?", s->hits, s->hits == 1 ? "" : "s", s->check);
		}
	}
	fprintf(stderr,
		"v6scan: --runtime %s: %zu call site%s in %zu process%s (%zu without an exit line), "
		"%d placed by line, %zu by function only, %zu not placed; %zu active finding%s ran, %zu site%s "
		"matched no finding%s\n",
		shown, rt->count, rt->count == 1 ? "" : "s", rt->calling, rt->calling == 1 ? "" : "es", rt->unfinished,
		placed, by_function, unplaced, ran, ran == 1 ? "" : "s", unmatched, unmatched == 1 ? "" : "s",
		rt->bad_lines ? "; some lines were not report lines and were skipped" : "");
	runtime_free(rt);
	return 0;
}
