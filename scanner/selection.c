/* selection — see selection.h. */
#include "selection.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/registry.h"

int selection_apply(const char *list, const char *what, int *enabled)
{
	size_t n, used = 0;
	const struct v6scan_check *const *all = registry_all(&n);
	const char *bad = NULL;
	char *kept;
	int any = 0;

	if (!list) {
		for (size_t i = 0; i < n; i++)
			enabled[i] = registry_default_on(i);
		return 0;
	}
	kept = malloc(strlen(list) + 1);
	if (!kept)
		return -ENOMEM;
	for (const char *p = list; *p;) {
		const char *end = strchrnul(p, ','), *item = p;
		char glob[128];
		int hits = 0;
		while (item < end && (*item == ' ' || *item == '\t'))
			item++;
		size_t len = (size_t)(end - item);
		while (len && (item[len - 1] == ' ' || item[len - 1] == '\t'))
			len--;
		const char *g = item[0] == '-' && len ? item + 1 : item;
		size_t gl = len - (size_t)(g - item);
		if (gl == 0) {
			fprintf(stderr, "v6scan: %s: an empty item in '%s'\n", what, list);
			free(kept);
			return -EINVAL;
		}
		if (gl < sizeof(glob)) {
			memcpy(glob, g, gl);
			glob[gl] = '\0';
			for (size_t i = 0; i < n && !hits; i++)
				hits = fnmatch(glob, all[i]->id, 0) == 0;
			if (!hits)
				fprintf(stderr, "v6scan: warning: %s: '%.*s' names no check (see --list-checks)\n",
					what, (int)len, item);
		}
		if (hits || gl >= sizeof(glob)) {
			/* kept as written; a glob too long fails below */
			if (used)
				kept[used++] = ',';
			memcpy(kept + used, p, (size_t)(end - p));
			used += (size_t)(end - p);
		}
		p = *end ? end + 1 : end;
	}
	kept[used] = '\0';
	if (registry_select(kept, enabled, &bad)) {
		fprintf(stderr, "v6scan: %s: '%.*s' is not a check glob (see --list-checks)\n", what,
			(int)strcspn(bad, ","), bad);
		free(kept);
		return -EINVAL;
	}
	free(kept);
	for (size_t i = 0; i < n; i++)
		any |= enabled[i];
	if (!any) {
		fprintf(stderr, "v6scan: %s=%s enables no check\n", what, list);
		return -EINVAL;
	}
	return 0;
}
