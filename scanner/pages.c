/* pages — see pages.h. */
#include "pages.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checks/registry.h"

FILE *pages_open(const char *id)
{
	char exe[PATH_MAX], path[PATH_MAX * 2];
	const char *env = getenv("V6SCAN_DOCS_DIR");
	ssize_t n;
	FILE *f;

	if (env && *env) {
		snprintf(path, sizeof(path), "%s/%s.md", env, id);
		if ((f = fopen(path, "r")))
			return f;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			snprintf(path, sizeof(path), "%s/%s/%s.md", exe, V6SCAN_INSTALLED_DOCS_REL, id);
			if ((f = fopen(path, "r")))
				return f;
		}
	}
#ifdef V6SCAN_SOURCE_DOCS_DIR
	snprintf(path, sizeof(path), "%s/%s.md", V6SCAN_SOURCE_DOCS_DIR, id);
	if ((f = fopen(path, "r")))
		return f;
#endif
	return NULL;
}

void pages_free_all(char **docs)
{
	size_t n;

	registry_all(&n);
	for (size_t i = 0; docs && i < n; i++)
		free(docs[i]);
	free(docs);
}

char **pages_load_all(void)
{
	size_t n;
	const struct v6scan_check *const *all = registry_all(&n);
	char **docs = calloc(n + 1, sizeof(*docs));

	for (size_t i = 0; docs && i < n; i++) {
		FILE *f = pages_open(all[i]->id), *mem;
		size_t len = 0, got;
		char buf[4096];
		if (!f)
			continue;
		mem = open_memstream(&docs[i], &len);
		while (mem && (got = fread(buf, 1, sizeof(buf), f)) > 0)
			fwrite(buf, 1, got, mem);
		fclose(f);
		if (mem)
			fclose(mem);
	}
	return docs;
}
