/* resdir — see resdir.h. */
#include "resdir.h"

#include <clang-c/Index.h>
#include <dirent.h>
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int resdir_valid(const char *dir)
{
	char p[PATH_MAX];

	if (snprintf(p, sizeof(p), "%s/include/stddef.h", dir) >= (int)sizeof(p))
		return 0;
	return access(p, R_OK) == 0;
}

/* Picks the highest-versioned valid <parent>/<v> entry. */
static int resdir_in(const char *parent, char *buf, size_t len)
{
	struct dirent **ents;
	int n = scandir(parent, &ents, NULL, versionsort);
	int found = 0;

	if (n < 0)
		return 0;
	for (int i = n - 1; i >= 0; i--) {
		char cand[PATH_MAX];
		if (!found && ents[i]->d_name[0] != '.' &&
		    snprintf(cand, sizeof(cand), "%s/%s", parent, ents[i]->d_name) < (int)sizeof(cand) &&
		    resdir_valid(cand) && strlen(cand) < len) {
			strcpy(buf, cand);
			found = 1;
		}
		free(ents[i]);
	}
	free(ents);
	return found;
}

static int resdir_beside(const char *lib, char *buf, size_t len)
{
	char dir[PATH_MAX], parent[PATH_MAX + 8];

	snprintf(dir, sizeof(dir), "%s", lib);
	char *slash = strrchr(dir, '/');
	if (!slash)
		return 0;
	*slash = '\0';
	snprintf(parent, sizeof(parent), "%s/clang", dir);
	return resdir_in(parent, buf, len);
}

const char *resdir_detect(char *buf, size_t len)
{
	const char *env = getenv("V6SCAN_RESOURCE_DIR");
	Dl_info info;

	if (env && *env && resdir_valid(env) && strlen(env) < len) {
		strcpy(buf, env);
		return buf;
	}
	if (dladdr((void *)clang_createIndex, &info) && info.dli_fname) {
		if (resdir_beside(info.dli_fname, buf, len))
			return buf;
		char *real = realpath(info.dli_fname, NULL);
		if (real) {
			int ok = resdir_beside(real, buf, len);
			if (!ok) {
				CXString v = clang_getClangVersion();
				const char *s = strstr(clang_getCString(v), "version ");
				int major = s ? atoi(s + 8) : 0;
				clang_disposeString(v);
				char *slash = strrchr(real, '/');
				char parent[PATH_MAX + 64];
				if (slash && major > 0) {
					*slash = '\0';
					snprintf(parent, sizeof(parent), "%s/../lib/llvm-%d/lib/clang", real, major);
					ok = resdir_in(parent, buf, len);
					if (!ok) {
						snprintf(parent, sizeof(parent), "%s/../llvm-%d/lib/clang", real,
							 major);
						ok = resdir_in(parent, buf, len);
					}
				}
			}
			free(real);
			if (ok)
				return buf;
		}
	}
#ifdef V6SCAN_BUILD_RESOURCE_DIR
	if (resdir_valid(V6SCAN_BUILD_RESOURCE_DIR) && strlen(V6SCAN_BUILD_RESOURCE_DIR) < len) {
		strcpy(buf, V6SCAN_BUILD_RESOURCE_DIR);
		return buf;
	}
#endif
	return NULL;
}
