/* check — level names; see check.h. */
#include "check.h"

#include <errno.h>
#include <string.h>

const char *check_level_name(enum v6scan_level level)
{
	switch (level) {
	case V6SCAN_ERROR: return "error";
	case V6SCAN_WARNING: return "warning";
	default: return "note";
	}
}

int check_level_parse(const char *s, enum v6scan_level *out)
{
	if (strcmp(s, "error") == 0)
		*out = V6SCAN_ERROR;
	else if (strcmp(s, "warning") == 0)
		*out = V6SCAN_WARNING;
	else if (strcmp(s, "note") == 0)
		*out = V6SCAN_NOTE;
	else
		return -EINVAL;
	return 0;
}
