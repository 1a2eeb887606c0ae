/* registry — see registry.h. The table is generated from checks.def, which
 * is kept sorted by id; a unit test checks the order, so a new entry in the
 * wrong place fails CI. */
#include "registry.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "checks.h"

#define V6SCAN_CHECK(stem, id_, level_, confidence_, summary_) \
	{ .id = id_,                                           \
	  .level = V6SCAN_##level_,                            \
	  .confidence = V6SCAN_CONF_##confidence_,             \
	  .summary = summary_,                                 \
	  .why = check_##stem##_why,                           \
	  .fix = check_##stem##_fix,                           \
	  .kinds = check_##stem##_kinds,                       \
	  .match = check_##stem##_match },
static const struct v6scan_check registry_checks[] = {
#include "checks.def"
};
#undef V6SCAN_CHECK

enum {
#define V6SCAN_CHECK(stem, id, level, confidence, summary) registry_idx_##stem,
#include "checks.def"
#undef V6SCAN_CHECK
};

static const struct v6scan_check *const registry_table[] = {
#define V6SCAN_CHECK(stem, id, level, confidence, summary) &registry_checks[registry_idx_##stem],
#include "checks.def"
#undef V6SCAN_CHECK
};

#define REGISTRY_N (sizeof(registry_table) / sizeof(registry_table[0]))

/* the indexes of the checks that are off by default, ended by -1 */
static const int registry_off[] = {
#define V6SCAN_CHECK(stem, id, level, confidence, summary)
#define V6SCAN_CHECK_OFF(stem) registry_idx_##stem,
#include "checks.def"
#undef V6SCAN_CHECK_OFF
#undef V6SCAN_CHECK
	-1
};

int registry_default_on(size_t i)
{
	for (size_t j = 0; registry_off[j] >= 0; j++)
		if ((size_t)registry_off[j] == i)
			return 0;
	return i < REGISTRY_N;
}

/* the walker keeps one bit per enabled check in a uint64_t */
_Static_assert(REGISTRY_N <= 64, "walk.c dispatches at most 64 checks");

const struct v6scan_check *const *registry_all(size_t *n)
{
	*n = REGISTRY_N;
	return registry_table;
}

const struct v6scan_check *registry_find(const char *id)
{
	for (size_t i = 0; i < REGISTRY_N; i++)
		if (strcmp(registry_table[i]->id, id) == 0)
			return registry_table[i];
	return NULL;
}

int registry_index(const struct v6scan_check *check)
{
	for (size_t i = 0; i < REGISTRY_N; i++)
		if (registry_table[i] == check)
			return (int)i;
	return -1;
}

int registry_select(const char *list, int *enabled, const char **bad)
{
	const char *p = list;

	for (size_t i = 0; i < REGISTRY_N; i++)
		enabled[i] = registry_default_on(i);
	while (*p) {
		const char *end = strchrnul(p, ',');
		const char *item = p;
		int on = 1;
		char glob[128];
		size_t n;
		int hits = 0;

		while (item < end && (*item == ' ' || *item == '\t'))
			item++;
		if (item < end && *item == '-') {
			on = 0;
			item++;
		}
		n = (size_t)(end - item);
		while (n && (item[n - 1] == ' ' || item[n - 1] == '\t'))
			n--;
		if (n == 0 || n >= sizeof(glob)) {
			*bad = p;
			return -EINVAL;
		}
		memcpy(glob, item, n);
		glob[n] = '\0';
		for (size_t i = 0; i < REGISTRY_N; i++) {
			if (fnmatch(glob, registry_table[i]->id, 0) == 0) {
				enabled[i] = on;
				hits++;
			}
		}
		/* "-*" style removals of everything are fine; an item naming
		 * nothing is a typo. */
		if (hits == 0) {
			*bad = p;
			return -EINVAL;
		}
		p = *end ? end + 1 : end;
	}
	return 0;
}
